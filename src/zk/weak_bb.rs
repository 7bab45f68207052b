//! Weak Boneh-Boyen signatures on public sets (Boneh-Boyen 2004, as used by
//! Camenisch-Chaabouni-shelat 2008): a parameter key `x` with public key `X = x * BP2` signs
//! each element `m` of a set as `A_m = (1 / (x + m)) * P`, where `P` is the G1 generator.
//!
//! Whoever makes the parameters must not be the prover; by default the verifier makes a fresh
//! key for each request and discards it once the set is signed ([`SignedSet::generate`]).
//!
//! Every set is signed under its own key: [`SignedSet::sign`] never signs with the `x` it is
//! given but with `x_S = hash_to_scalar(set || I2OSP(x, 32), KEY_DST)`, where `set` is the
//! set's kind and contents as the transcript writes them (`"D" || I2OSP(u, 8)` or
//! `"E" || I2OSP(n, 8) || c_1 || ... || c_n`). One `x` therefore cannot put a digit set and
//! an element set (or two element sets) under one public key: an element `r - 1` signed for
//! a membership predicate can never pass as a digit of a range proof.

use std::sync::Arc;

use bls12_381::{G1Affine, G2Affine, Scalar};
use ff::Field;
use group::Curve;
use rand_core::CryptoRng;
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use super::error::Error;
use crate::bbs::octets::{octets_to_g1, octets_to_g2, Serializer};
use crate::bbs::{hash_to_scalar, Bls12381Sha256};
use crate::group::{
    msm_vartime, normalize_all, pairing_product_is_identity, prepared_g2, CombTable, Point,
    BP2_PREPARED,
};

/// The largest set (or digit base) a parameter set may have: 2^16, so that one digit covers
/// 65,536 days or hours. Requests name sets by digest (the verifier's parameter store holds
/// them), so a set's size no longer weighs on requests; making a set of this size, and the
/// holder's one-time check of it, take seconds (`docs/benchmarks.md`), and the q-SDH
/// assumption it rests on loses about `log2(q) / 2 = 8` bits against Cheon's attack
/// (`docs/notes/predicates.md`).
pub const MAX_SET_SIZE: usize = 1 << 16;

/// The domain tag of the per-set key derivation ([`SignedSet::sign`]), hashed with the
/// SHA-256 suite's `hash_to_scalar`.
pub const KEY_DST: &[u8] = b"HEALTHPASS_WBB_SET_KEY_V1_";

/// What a signed set holds: the digits `0..base` of a range proof, or the elements of a
/// membership proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetKind {
    /// The digits `0, 1, ..., base - 1`.
    Digits {
        /// The base `u`.
        base: u32,
    },
    /// Arbitrary distinct scalars (e.g. encoded code values).
    Elements(Vec<Scalar>),
}

/// A public key `X` with weak Boneh-Boyen signatures on every element of a set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedSet {
    kind: SetKind,
    public_key: G2Affine,
    /// Shared, so that a set of 2^16 signatures (6 MB) is cloned by reference: requests,
    /// statements and parameter stores all hold the same set.
    signatures: Arc<[G1Affine]>,
}

impl SetKind {
    /// The elements as scalars, in order.
    pub fn elements(&self) -> Vec<Scalar> {
        match self {
            SetKind::Digits { base } => (0..u64::from(*base)).map(Scalar::from).collect(),
            SetKind::Elements(e) => e.clone(),
        }
    }

    /// The number of elements.
    pub fn len(&self) -> usize {
        match self {
            SetKind::Digits { base } => *base as usize,
            SetKind::Elements(e) => e.len(),
        }
    }

    /// `true` for an empty set (never valid).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends the kind and contents: `"D" || I2OSP(u, 8)` for digits, `"E" || I2OSP(n, 8)
    /// || c_1 || ... || c_n` for elements.
    fn serialize(&self, s: &mut Serializer) {
        match self {
            SetKind::Digits { base } => {
                s.raw(b"D").integer(*base as usize);
            }
            SetKind::Elements(e) => {
                s.raw(b"E").integer(e.len());
                for m in e {
                    s.scalar(m);
                }
            }
        }
    }

    fn check(&self) -> Result<(), Error> {
        let n = self.len();
        if n == 0 || n > MAX_SET_SIZE {
            return Err(Error::InvalidParameters(
                "set size must be between 1 and 65536",
            ));
        }
        if let SetKind::Digits { base } = self {
            if *base < 2 {
                return Err(Error::InvalidParameters("a digit base must be at least 2"));
            }
        }
        if let SetKind::Elements(e) = self {
            let mut sorted: Vec<[u8; 32]> = e.iter().map(Scalar::to_bytes).collect();
            sorted.sort_unstable();
            if sorted.windows(2).any(|w| w[0] == w[1]) {
                return Err(Error::InvalidParameters("set elements must be distinct"));
            }
        }
        Ok(())
    }
}

impl SignedSet {
    /// Makes a fresh parameter key, signs every element of `kind`, and discards the key.
    pub fn generate(rng: &mut impl CryptoRng, kind: SetKind) -> Result<Self, Error> {
        let mut x = Scalar::random(&mut *rng);
        let set = Self::sign(&x, kind);
        x.zeroize();
        set
    }

    /// Signs every element of `kind` under the key that `x` derives for this set,
    /// `x_S = hash_to_scalar(set || I2OSP(x, 32), KEY_DST)` (module documentation), and
    /// returns the set with the public key `X = x_S * BP2` (for long-lived parameter sets
    /// whose `x` is kept elsewhere). Two different sets never share a key, so signatures of
    /// one cannot be used in a proof against the other.
    pub fn sign(x: &Scalar, kind: SetKind) -> Result<Self, Error> {
        kind.check()?;
        // The set first: the buffer grows (and frees its old copies) before `x` is written.
        let mut s = Serializer::new();
        kind.serialize(&mut s);
        s.scalar(x);
        let mut x = hash_to_scalar::<Bls12381Sha256>(s.as_bytes(), KEY_DST)?;
        drop(s);
        if bool::from(x.is_zero()) {
            return Err(Error::InvalidParameters("the derived key is zero"));
        }
        let set = Self::sign_with(&x, kind);
        x.zeroize();
        set
    }

    /// Signs every element of `kind` with exactly the key `x`.
    fn sign_with(x: &Scalar, kind: SetKind) -> Result<Self, Error> {
        let public_key = (bls12_381::G2Projective::generator() * x).to_affine();
        // The inverses of `x + m` for every element at once (Montgomery's trick: one
        // constant-time inversion and three multiplications per element), so that a set of
        // 2^16 digits takes one inversion instead of 65,536.
        let mut inverses: Vec<Scalar> = kind.elements().iter().map(|m| x + m).collect();
        if inverses.iter().any(|v| bool::from(v.is_zero())) {
            inverses.zeroize();
            return Err(Error::InvalidParameters("x + m = 0 for an element"));
        }
        // The partial products in `scratch` and the inverse of their product are secret.
        let mut scratch = vec![Scalar::ONE; inverses.len()];
        let mut all = ff::BatchInverter::invert_with_external_scratch(&mut inverses, &mut scratch);
        scratch.zeroize();
        all.zeroize();
        // The inverses depend on the secret key: constant-time fixed-base multiplication.
        let table = CombTable::new(&G1Affine::generator());
        let mut points: Vec<Point> = inverses.iter().map(|i| table.mul(i)).collect();
        // bls12_381's (constant-time) multiplication only if the limbs fail their check.
        let signatures = normalize_all(&points).unwrap_or_else(|| {
            let g = G1Affine::generator();
            inverses.iter().map(|i| G1Affine::from(g * i)).collect()
        });
        points.iter_mut().for_each(Point::zeroize);
        inverses.zeroize();
        Ok(Self {
            kind,
            public_key,
            signatures: signatures.into(),
        })
    }

    /// Reassembles a parameter set from its public parts (as carried in a request). Checks
    /// the shape only; call [`SignedSet::check`] before proving against it.
    pub fn from_parts(
        kind: SetKind,
        public_key: G2Affine,
        signatures: Vec<G1Affine>,
    ) -> Result<Self, Error> {
        kind.check()?;
        if signatures.len() != kind.len() {
            return Err(Error::InvalidParameters(
                "one signature per element is required",
            ));
        }
        if bool::from(public_key.is_identity())
            || signatures.iter().any(|s| bool::from(s.is_identity()))
        {
            return Err(Error::InvalidParameters("identity point in parameters"));
        }
        Ok(Self {
            kind,
            public_key,
            signatures: signatures.into(),
        })
    }

    /// Decodes the public key and signatures from octets (`X` in 96 octets, then 48 octets
    /// per signature), for a set of the given kind.
    pub fn from_octets(kind: SetKind, public_key: &[u8], signatures: &[u8]) -> Result<Self, Error> {
        let x = octets_to_g2(public_key).map_err(Error::Malformed)?;
        if signatures.len() % 48 != 0 {
            return Err(Error::InvalidParameters(
                "signatures must be 48 octets each",
            ));
        }
        let sigs = signatures
            .chunks(48)
            .map(octets_to_g1)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::Malformed)?;
        Self::from_parts(kind, x, sigs)
    }

    /// The key and signatures uncompressed (`X` in 192 octets, then 96 octets per
    /// signature): what a parameter store caches for a set it has decoded, so that the next
    /// process skips the decompression and subgroup checks
    /// ([`SignedSet::from_uncompressed_trusted`]).
    pub fn to_uncompressed(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(192 + 96 * self.signatures.len());
        out.extend_from_slice(&self.public_key.to_uncompressed());
        for s in self.signatures.iter() {
            out.extend_from_slice(&s.to_uncompressed());
        }
        out
    }

    /// Reads [`SignedSet::to_uncompressed`]'s octets for a set of `kind`, checking that
    /// every point is on its curve and not the identity, but **not** that it lies in the
    /// prime-order subgroup (the costly part of [`SignedSet::from_octets`]). Only for octets
    /// written from a set that passed the full decoding, such as a parameter store's cache:
    /// trusting them is trusting that folder, as its `.checked` markers already are.
    pub fn from_uncompressed_trusted(kind: SetKind, bytes: &[u8]) -> Result<Self, Error> {
        let bad = || Error::InvalidParameters("a cached set does not decode");
        if bytes.len() != 192 + 96 * kind.len() {
            return Err(bad());
        }
        let (key, signatures) = bytes.split_at(192);
        let key: &[u8; 192] = key.try_into().map_err(|_| bad())?;
        let x = Option::<G2Affine>::from(G2Affine::from_uncompressed_unchecked(key))
            .filter(|p| bool::from(p.is_on_curve()))
            .ok_or_else(bad)?;
        let sigs = signatures
            .chunks_exact(96)
            .map(|c| {
                let c: &[u8; 96] = c.try_into().ok()?;
                Option::<G1Affine>::from(G1Affine::from_uncompressed_unchecked(c))
                    .filter(|p| bool::from(p.is_on_curve()))
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(bad)?;
        Self::from_parts(kind, x, sigs)
    }

    /// The signatures, concatenated (48 octets each).
    pub fn signatures_to_octets(&self) -> Vec<u8> {
        self.signatures
            .iter()
            .flat_map(|s| s.to_compressed())
            .collect()
    }

    /// The parameter public key `X`.
    pub fn public_key(&self) -> &G2Affine {
        &self.public_key
    }

    /// What the set holds.
    pub fn kind(&self) -> &SetKind {
        &self.kind
    }

    /// `true` when `other` is a clone of this set: the same kind, key and shared signatures
    /// (one allocation, which no one can change). Cheaper than comparing the signatures, and
    /// what lets a caller reuse a value it computed from this set's contents.
    pub fn is_same_set(&self, other: &SignedSet) -> bool {
        Arc::ptr_eq(&self.signatures, &other.signatures)
            && self.kind == other.kind
            && self.public_key == other.public_key
    }

    /// Checks every signature at once: with random weights `r_i`,
    /// `e(sum r_i A_i, X) * e(sum r_i m_i A_i - (sum r_i) P, BP2) = 1`, which holds for all
    /// `i` exactly when `e(A_i, X + m_i BP2) = e(P, BP2)` for each (except with probability
    /// 2^-128). A holder must run this before proving: forged "signatures" chosen with known
    /// discrete logarithms would let the verifier read the hidden digits.
    pub fn check(&self, rng: &mut impl CryptoRng) -> Result<(), Error> {
        let elements = self.kind.elements();
        let weights: Vec<Scalar> = (0..elements.len())
            .map(|_| {
                let mut b = [0u8; 16];
                rng.fill_bytes(&mut b);
                let mut wide = [0u8; 32];
                wide[..16].copy_from_slice(&b);
                Scalar::from_bytes(&wide).unwrap_or(Scalar::ONE)
            })
            .collect();
        let weighted_m: Vec<Scalar> = weights.iter().zip(&elements).map(|(r, m)| r * m).collect();
        let sum_r: Scalar = weights.iter().sum();
        let lhs = msm_vartime(&self.signatures, &weights).to_affine();
        let mut points = self.signatures.to_vec();
        points.push(G1Affine::generator());
        let mut scalars = weighted_m;
        scalars.push(-sum_r);
        let rhs = msm_vartime(&points, &scalars).to_affine();
        let x = prepared_g2(&self.public_key);
        let g2 = &BP2_PREPARED.0;
        if pairing_product_is_identity(&[(&lhs, x.as_ref()), (&rhs, g2)]) {
            Ok(())
        } else {
            Err(Error::ParametersRejected)
        }
    }

    /// The signature on `element`, found by a constant-time scan of every entry (the element
    /// is the prover's secret), and whether it is in the set; an element outside the set gets
    /// the first signature (so a simulated OR branch does the same work as a proven one).
    pub(crate) fn signature_or_first_ct(&self, element: &Scalar) -> (G1Affine, subtle::Choice) {
        let mut found = subtle::Choice::from(0);
        let mut sig = self.signatures[0];
        match &self.kind {
            SetKind::Digits { .. } => {
                // The digit as an integer, in constant time: its low 64 bits, and whether
                // every higher byte is zero. Every entry is then compared as a `u64` and
                // read through a mask (no element vector is built: a base can be 2^16).
                let bytes = zeroize::Zeroizing::new(element.to_bytes());
                let mut low = [0u8; 8];
                low.copy_from_slice(&bytes[..8]);
                let mut value = u64::from_le_bytes(low);
                low.zeroize();
                let high = bytes[8..].iter().fold(0u8, |acc, b| acc | b);
                let small = high.ct_eq(&0);
                for (i, s) in self.signatures.iter().enumerate() {
                    let hit = (i as u64).ct_eq(&value) & small;
                    sig = G1Affine::conditional_select(&sig, s, hit);
                    found |= hit;
                }
                value.zeroize();
            }
            SetKind::Elements(elements) => {
                for (m, s) in elements.iter().zip(self.signatures.iter()) {
                    let hit = m.ct_eq(element);
                    sig = G1Affine::conditional_select(&sig, s, hit);
                    found |= hit;
                }
            }
        }
        (sig, found)
    }

    /// [`SignedSet::signature_or_first_ct`] for timing programs (`examples/dudect.rs`):
    /// hidden and unstable.
    #[doc(hidden)]
    pub fn signature_scan_for_timing(&self, element: &Scalar) -> G1Affine {
        self.signature_or_first_ct(element).0
    }

    /// The signature on `element` (constant-time scan), `None` when it is not in the set.
    #[cfg(test)]
    pub(crate) fn signature_ct(&self, element: &Scalar) -> Option<G1Affine> {
        let (sig, found) = self.signature_or_first_ct(element);
        bool::from(found).then_some(sig)
    }

    /// Appends what the challenge must bind of these parameters: the kind, the elements and
    /// the public key `X`.
    pub(crate) fn serialize_statement(&self, s: &mut Serializer) {
        self.kind.serialize(s);
        s.raw(&self.public_key.to_compressed());
    }
}
