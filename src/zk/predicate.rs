//! Predicate sub-proofs over hidden BBS messages, and their link with the BBS proof.
//!
//! Every predicate is the statement
//!
//! ```text
//! delta = s * (m - a) = w * sum_{j < k} u^j * d_j,   every d_j signed in the parameter set
//! ```
//!
//! over a hidden message `m` (the `message_index`-th signed scalar), with a sign `s` of +1
//! or -1, an offset `a`, a digit count `k`, the set's size `u` as base and a public scale `w`
//! (1 unless a statement proves a difference in coarser units: `w = 60` proves minutes as
//! whole hours, so that one digit of a 2^16 set covers 7 years; the holder can prove it only
//! when `w` divides `delta`). A lower bound
//! `m >= a` is `s = +1`; an upper bound `m <= b` is `s = -1, a = b`; a two-sided range is one
//! of each; set membership is `s = +1, a = 0, k = 1` over a set of elements. One code path
//! serves them all. The protocol, its transcript and its soundness argument are in
//! `docs/notes/predicates.md`.

use bls12_381::{G1Affine, G1Projective, G2Affine, G2Prepared, Scalar};
use ff::Field;
use group::Curve;
use rand_core::CryptoRng;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use super::error::Error;
use super::weak_bb::{SetKind, SignedSet};
use crate::bbs::octets::{
    octets_to_g1, octets_to_nonzero_scalar, scalar_to_octets, Serializer, OCTET_POINT_LENGTH,
    OCTET_SCALAR_LENGTH,
};
use crate::group::{msm_ct, msm_vartime, pairing_product_is_identity, prepared_g2, BP2_PREPARED};

/// The label that opens every predicate transcript (versioned domain separation).
pub const TRANSCRIPT_LABEL: &[u8] = b"HEALTHPASS_PREDICATES_V1_";

/// The largest digit count of one predicate.
pub const MAX_DIGITS: usize = 8;

/// The largest scale of one predicate ([`PredicateStatement::scale`]): 2^20, far above the
/// 1,440 minutes of a day.
pub const MAX_SCALE: u32 = 1 << 20;

/// A predicate over one hidden message: `s * (m - offset)` is a `digit_count`-digit number in
/// base `u = set size` whose every digit is signed in `set`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredicateStatement {
    /// Index of the hidden message among all signed messages.
    pub message_index: usize,
    /// Index of a second hidden message of the same credential subtracted from the first:
    /// the statement's subject is then `m_a - m_b` instead of `m_a` (`dose_number >=
    /// total_doses` is `m_a - m_b >= 0`, `>` is `>= 1`). `None` for one message.
    pub minus_index: Option<usize>,
    /// `s = -1` when set (upper bounds), `+1` otherwise.
    pub negate: bool,
    /// The offset `a` (a bound), as a scalar.
    pub offset: Scalar,
    /// `k`, the number of digits.
    pub digit_count: usize,
    /// The scale `w`: the digits prove `delta / w`, and `delta` a multiple of `w`. 1 for
    /// every statement but the validity statements in hours or days; always 1 for
    /// membership.
    pub scale: u32,
    /// The signed digits (ranges) or elements (membership).
    pub set: SignedSet,
}

/// The proof of one digit: `V = tau * A_d`, `Vbar = tau * P - d * V` (which equals `x * V`),
/// and the response `tau^`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigitProof {
    /// `V`, the blinded signature.
    pub v: G1Affine,
    /// `Vbar = x * V`.
    pub v_bar: G1Affine,
    /// `tau^ = tau~ + c * tau`.
    pub tau_hat: Scalar,
}

/// The proof of one predicate: one [`DigitProof`] per digit and the digit responses `d^_j`
/// for `j >= 1` (`d^_0` follows from the BBS response of the hidden message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredicateProof {
    /// Per-digit proofs, least significant first.
    pub digits: Vec<DigitProof>,
    /// `d^_1, ..., d^_{k-1}`.
    pub d_hat: Vec<Scalar>,
}

impl PredicateStatement {
    /// Checks that the statement itself is well formed.
    pub fn check_shape(&self) -> Result<(), Error> {
        if self.digit_count == 0 || self.digit_count > MAX_DIGITS {
            return Err(Error::InvalidParameters(
                "digit count must be between 1 and 8",
            ));
        }
        if self.scale == 0 || self.scale > MAX_SCALE {
            return Err(Error::InvalidParameters(
                "the scale must be between 1 and 2^20",
            ));
        }
        match self.set.kind() {
            SetKind::Digits { base } => {
                // w * u^k must stay far below r so that digits cannot wrap around.
                if (u64::from(*base) as f64).log2() * self.digit_count as f64
                    + f64::from(self.scale).log2()
                    > 120.0
                {
                    return Err(Error::InvalidParameters(
                        "scale * base^digits must stay below 2^120",
                    ));
                }
            }
            SetKind::Elements(_) => {
                if self.digit_count != 1
                    || self.negate
                    || self.offset != Scalar::ZERO
                    || self.scale != 1
                {
                    return Err(Error::InvalidParameters(
                        "membership is one digit, no sign and no offset",
                    ));
                }
            }
        }
        Ok(())
    }

    fn base(&self) -> Scalar {
        Scalar::from(self.set.kind().len() as u64)
    }

    /// `delta^ / w = s * (m^ - c * a) / w`: the response for `delta / w` that the subject's
    /// response `m^` implies (the BBS response, `m^_a - m^_b` for a difference, or a
    /// branch's own).
    fn delta_hat(&self, m_hat: &Scalar, c: &Scalar) -> Scalar {
        let d = (m_hat - c * self.offset) * self.scale_inverse();
        if self.negate {
            -d
        } else {
            d
        }
    }

    /// `w^-1 mod r` (`w` is at least 1 and far below `r`, so it is invertible).
    fn scale_inverse(&self) -> Scalar {
        Scalar::from(u64::from(self.scale))
            .invert()
            .unwrap_or(Scalar::ONE)
    }

    /// The messages the statement reads: `message_index`, then `minus_index` if any.
    pub fn message_indexes(&self) -> impl Iterator<Item = usize> {
        std::iter::once(self.message_index).chain(self.minus_index)
    }

    /// Appends the statement's public parameters to the transcript. The version 1 transcript
    /// (one message per statement) has no field for `minus_index`; version 2 writes
    /// `I2OSP(minus_index + 1, 8)` (0 for none) after `message_index`.
    pub(crate) fn serialize(&self, s: &mut Serializer, v2: bool) {
        s.integer(self.message_index);
        if v2 {
            s.integer(self.minus_index.map_or(0, |i| i + 1));
        }
        s.integer(usize::from(self.negate))
            .scalar(&self.offset)
            .integer(self.digit_count);
        // A scale other than 1 is written after the digit count as `I2OSP(w, 8)`; it opens
        // with a zero octet, where the set's kind opens with "D" or "E", so the two layouts
        // never meet (and statements of scale 1 keep their transcript).
        if self.scale != 1 {
            s.integer(self.scale as usize);
        }
        self.set.serialize_statement(s);
    }
}

impl PredicateProof {
    /// The encoded length for a `k`-digit predicate: `k * (48 + 48 + 32) + (k - 1) * 32`.
    pub fn encoded_len(digit_count: usize) -> usize {
        digit_count * (2 * OCTET_POINT_LENGTH + OCTET_SCALAR_LENGTH)
            + digit_count.saturating_sub(1) * OCTET_SCALAR_LENGTH
    }

    /// `V_0 || Vbar_0 || tau^_0 || ... || d^_1 || ... || d^_{k-1}`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::encoded_len(self.digits.len()));
        for d in &self.digits {
            out.extend_from_slice(&d.v.to_compressed());
            out.extend_from_slice(&d.v_bar.to_compressed());
            out.extend_from_slice(&scalar_to_octets(&d.tau_hat));
        }
        for d in &self.d_hat {
            out.extend_from_slice(&scalar_to_octets(d));
        }
        out
    }

    /// Decodes a `digit_count`-digit predicate proof: exact length, subgroup points that
    /// are not the identity, non-zero canonical scalars.
    pub fn from_bytes(bytes: &[u8], digit_count: usize) -> Result<Self, Error> {
        if digit_count == 0 || digit_count > MAX_DIGITS {
            return Err(Error::InvalidParameters(
                "digit count must be between 1 and 8",
            ));
        }
        let expected = Self::encoded_len(digit_count);
        if bytes.len() != expected {
            return Err(Error::Malformed(crate::bbs::Error::InvalidLength {
                what: "predicate proof",
                expected,
                actual: bytes.len(),
            }));
        }
        let per_digit = 2 * OCTET_POINT_LENGTH + OCTET_SCALAR_LENGTH;
        let (digit_bytes, d_bytes) = bytes.split_at(digit_count * per_digit);
        let digits = digit_bytes
            .chunks(per_digit)
            .map(|c| {
                Ok(DigitProof {
                    v: octets_to_g1(&c[..48])?,
                    v_bar: octets_to_g1(&c[48..96])?,
                    tau_hat: octets_to_nonzero_scalar(&c[96..])?,
                })
            })
            .collect::<Result<Vec<_>, crate::bbs::Error>>()
            .map_err(Error::Malformed)?;
        let d_hat = d_bytes
            .chunks(OCTET_SCALAR_LENGTH)
            .map(octets_to_nonzero_scalar)
            .collect::<Result<Vec<_>, _>>()
            .map_err(Error::Malformed)?;
        Ok(Self { digits, d_hat })
    }
}

/// The first-round elements of one predicate, per digit: `V_j`, `Vbar_j` and `T_j`.
pub(crate) struct Commitments {
    v: Vec<G1Affine>,
    v_bar: Vec<G1Affine>,
    t: Vec<G1Affine>,
}

impl Commitments {
    /// Appends `V_j || Vbar_j || T_j` for every digit.
    pub(crate) fn serialize(&self, s: &mut Serializer) {
        for j in 0..self.v.len() {
            s.point(&self.v[j]).point(&self.v_bar[j]).point(&self.t[j]);
        }
    }
}

/// The prover's secrets for one predicate between commitment and response.
pub(crate) struct PredicateWitness {
    digits: Vec<Scalar>,
    tau: Vec<Scalar>,
    tau_tilde: Vec<Scalar>,
    d_tilde: Vec<Scalar>,
    v: Vec<G1Affine>,
    v_bar: Vec<G1Affine>,
    t: Vec<G1Affine>,
}

impl Drop for PredicateWitness {
    fn drop(&mut self) {
        self.digits.zeroize();
        self.tau.zeroize();
        self.tau_tilde.zeroize();
        self.d_tilde.zeroize();
    }
}

/// A predicate's digits and their signatures, before commitment, with whether the
/// predicate holds. Computed the same way whether it holds or not (an OR branch that does not
/// hold is simulated with the same operations).
pub(crate) struct Digits {
    digits: Zeroizing<Vec<Scalar>>,
    signatures: Zeroizing<Vec<G1Affine>>,
    /// The predicate holds and its difference fits the digits.
    pub(crate) holds: Choice,
    /// The difference is negative (the predicate is false, rather than out of span).
    pub(crate) negative: Choice,
}

impl Digits {
    /// The holder's refusal when the predicate does not hold: [`Error::NotSatisfied`] for a
    /// false predicate, [`Error::OutOfSpan`] for a true one the digits cannot express.
    pub(crate) fn refusal(&self, index: usize) -> Option<Error> {
        if bool::from(self.holds) {
            None
        } else if bool::from(self.negative) {
            Some(Error::NotSatisfied { predicate: index })
        } else {
            Some(Error::OutOfSpan { predicate: index })
        }
    }
}

/// The low 128 bits of `s` and whether the rest is zero, without branching on `s`.
fn low_u128(s: &Scalar) -> (Choice, u128) {
    let bytes = Zeroizing::new(s.to_bytes());
    let high = bytes[16..].iter().fold(0u8, |acc, b| acc | b);
    let mut low = Zeroizing::new([0u8; 16]);
    low.copy_from_slice(&bytes[..16]);
    (high.ct_eq(&0), u128::from_le_bytes(*low))
}

/// Splits `delta` (the statement's `s * (subject - a)`) into `k` base-`u` digits, always the
/// digits of `delta mod u^k`, and signs each in constant time. For membership (`k = 1`, an
/// element set) the single digit is `delta` itself, or the set's first element (with its
/// signature) when `delta` is not in the set. `holds` says whether the digits recombine to
/// `delta` and are all signed.
///
/// # Security
/// The split divides the prover's 128-bit value by the public base (integer division, which
/// may not be constant time on every CPU); everything else runs the same whatever `delta`.
pub(crate) fn digits(statement: &PredicateStatement, delta: &Scalar) -> Result<Digits, Error> {
    statement.check_shape()?;
    // `delta / w`: small exactly when `w` divides a small `delta` (otherwise it is at least
    // `r / w`, which no digits express, so the holder refuses).
    let scaled = Zeroizing::new(delta * statement.scale_inverse());
    let delta = &*scaled;
    let (digits, holds, negative) = match statement.set.kind() {
        SetKind::Elements(_) => (
            Zeroizing::new(vec![*delta]),
            Choice::from(1),
            Choice::from(0),
        ),
        SetKind::Digits { base } => {
            let base = u128::from(*base);
            let (fits, mut value) = low_u128(delta);
            let (negative, _) = low_u128(&-delta);
            let mut digits = Zeroizing::new(Vec::with_capacity(statement.digit_count));
            for _ in 0..statement.digit_count {
                digits.push(Scalar::from((value % base) as u64));
                value /= base;
            }
            let rest = (value as u64) | ((value >> 64) as u64);
            value.zeroize();
            (digits, fits & rest.ct_eq(&0), !fits & negative)
        }
    };
    // An element outside the set becomes the set's first element, whose signature it takes:
    // `Vbar = tau * P - d * V` must agree with `V = tau * A_d`, or a simulated OR branch
    // fails the pairing check (a true formula rejected, and the failing branch revealed).
    // `holds` stays false, so a proven statement never commits to the substitute.
    let mut digits = digits;
    let first = match statement.set.kind() {
        SetKind::Digits { .. } => Scalar::ZERO,
        SetKind::Elements(e) => e.first().copied().unwrap_or(Scalar::ZERO),
    };
    let mut signed = Choice::from(1);
    let mut signatures = Zeroizing::new(Vec::with_capacity(digits.len()));
    for d in digits.iter_mut() {
        let (sig, found) = statement.set.signature_or_first_ct(d);
        *d = Scalar::conditional_select(&first, d, found);
        signed &= found;
        signatures.push(sig);
    }
    Ok(Digits {
        digits,
        signatures,
        holds: holds & signed,
        negative: negative | !signed,
    })
}

pub(crate) fn random_scalar(rng: &mut impl CryptoRng) -> Scalar {
    let mut b = [0u8; 64];
    rng.fill_bytes(&mut b);
    let s = Scalar::from_bytes_wide(&b);
    b.zeroize();
    s
}

/// The commitment phase for one predicate whose subject has the blinding `subject_tilde`,
/// answered later under a challenge `c_b` with [`PredicateWitness::respond`]. Draws `tau_j`,
/// `tau~_j` and `d~_j`, with `d~_0` fixed by the link
/// `sum_j u^j d~_j = s * (subject~ - e * a)`, and computes `V_j = tau_j * A_{d_j}`,
/// `Vbar_j = tau_j * P - d_j * V_j` and `T_j = tau~_j * P - d~_j * V_j - e * Vbar_j`.
///
/// `e` is zero for a statement that is proven, and the branch's challenge `c_b` for one that
/// is simulated (an OR branch that does not hold, answered with `k = 0`): the same
/// operations either way (`docs/notes/or-proofs.md`).
pub(crate) fn commit(
    statement: &PredicateStatement,
    mut prepared: Digits,
    subject_tilde: &Scalar,
    e: &Scalar,
    rng: &mut impl CryptoRng,
) -> PredicateWitness {
    let digits = std::mem::take(&mut *prepared.digits);
    let signatures = &prepared.signatures;
    let k = digits.len();
    // The blinding vectors are allocated at their final size and moved into the witness,
    // which wipes them when it is dropped.
    let tau: Vec<Scalar> = (0..k).map(|_| random_scalar(rng)).collect();
    let tau_tilde: Vec<Scalar> = (0..k).map(|_| random_scalar(rng)).collect();
    let base = statement.base();
    let mut d_tilde: Vec<Scalar> = (0..k).map(|_| random_scalar(rng)).collect();
    let mut linked = statement.delta_hat(subject_tilde, e);
    let mut weight = Scalar::ONE;
    for d in d_tilde.iter().skip(1) {
        weight *= base;
        linked -= weight * d;
    }
    d_tilde[0] = linked;
    linked.zeroize();
    let g1 = G1Affine::generator();
    let mut v = Vec::with_capacity(k);
    let mut v_bar = Vec::with_capacity(k);
    for j in 0..k {
        let vj = (signatures[j] * tau[j]).to_affine();
        v_bar.push(msm_ct(&[g1, vj], &[tau[j], -digits[j]]).to_affine());
        v.push(vj);
    }
    // T_j: constant time, all secret (e included: it says whether the branch is simulated).
    let t: Vec<G1Projective> = (0..k)
        .map(|j| msm_ct(&[g1, v[j], v_bar[j]], &[tau_tilde[j], -d_tilde[j], -e]))
        .collect();
    let mut t_affine = vec![G1Affine::identity(); k];
    G1Projective::batch_normalize(&t, &mut t_affine);
    PredicateWitness {
        digits,
        tau,
        tau_tilde,
        d_tilde,
        v,
        v_bar,
        t: t_affine,
    }
}

impl PredicateWitness {
    /// Response phase: `tau^_j = tau~_j + k * tau_j`, `d^_j = d~_j + k * d_j` for `j >= 1`,
    /// with `k` the statement's challenge when it is proven and zero when it is simulated.
    pub(crate) fn respond(&self, k: &Scalar) -> PredicateProof {
        let digits = (0..self.v.len())
            .map(|j| DigitProof {
                v: self.v[j],
                v_bar: self.v_bar[j],
                tau_hat: self.tau_tilde[j] + k * self.tau[j],
            })
            .collect();
        let d_hat = (1..self.v.len())
            .map(|j| self.d_tilde[j] + k * self.digits[j])
            .collect();
        PredicateProof { digits, d_hat }
    }

    /// The first-round elements.
    pub(crate) fn commitments(&self) -> Commitments {
        Commitments {
            v: self.v.clone(),
            v_bar: self.v_bar.clone(),
            t: self.t.clone(),
        }
    }
}

/// The version 1 transcript that becomes the BBS presentation header when every statement
/// is a predicate over one message, all of them required (`docs/notes/predicates.md`): a
/// label, the caller's context (e.g. the request digest), then for every predicate its
/// public parameters and its `(V_j, Vbar_j, T_j)`.
pub(crate) fn transcript_v1(
    context: &[u8],
    statements: &[&PredicateStatement],
    commitments: &[&Commitments],
) -> Vec<u8> {
    let mut s = Serializer::new();
    s.raw(TRANSCRIPT_LABEL)
        .length_prefixed(context)
        .integer(statements.len());
    for (st, com) in statements.iter().zip(commitments) {
        st.serialize(&mut s, false);
        com.serialize(&mut s);
    }
    s.as_bytes().to_vec()
}
/// The verifier's side for one predicate: recompute `d^_0` from the subject's response `m^`
/// (the BBS response, a difference of two, or an OR branch's own) under the statement's
/// challenge `c`, then `T_j = tau^_j * P - d^_j * V_j - c * Vbar_j`. Returns the commitments
/// for the transcript. All scalars here are public.
pub(crate) fn recompute(
    index: usize,
    statement: &PredicateStatement,
    proof: &PredicateProof,
    m_hat: &Scalar,
    c: &Scalar,
) -> Result<Commitments, Error> {
    statement.check_shape()?;
    let k = statement.digit_count;
    if proof.digits.len() != k || proof.d_hat.len() + 1 != k {
        return Err(Error::WrongShape { predicate: index });
    }
    // With V = Vbar = identity every pairing check and every T_j hold for any digit: the
    // decoder refuses the identity, and so must a proof built in memory.
    if proof
        .digits
        .iter()
        .any(|d| bool::from(d.v.is_identity() | d.v_bar.is_identity()))
    {
        return Err(Error::VerificationFailed);
    }
    let base = statement.base();
    let mut d0 = statement.delta_hat(m_hat, c);
    let mut weight = Scalar::ONE;
    for d in &proof.d_hat {
        weight *= base;
        d0 -= weight * d;
    }
    let g1 = G1Affine::generator();
    let d_hats: Vec<Scalar> = std::iter::once(d0)
        .chain(proof.d_hat.iter().copied())
        .collect();
    let t: Vec<G1Projective> = proof
        .digits
        .iter()
        .zip(&d_hats)
        .map(|(dp, d)| msm_vartime(&[g1, dp.v, dp.v_bar], &[dp.tau_hat, -d, -c]))
        .collect();
    let mut t_affine = vec![G1Affine::identity(); k];
    G1Projective::batch_normalize(&t, &mut t_affine);
    Ok(Commitments {
        v: proof.digits.iter().map(|d| d.v).collect(),
        v_bar: proof.digits.iter().map(|d| d.v_bar).collect(),
        t: t_affine,
    })
}

/// Checks `e(V_j, X) = e(Vbar_j, BP2)` for every digit of every predicate at once: random
/// 128-bit weights, one pair per distinct parameter key plus one for `BP2`, a single
/// multi-Miller loop and one final exponentiation.
pub(crate) fn check_pairings(
    pairs: &[(&PredicateStatement, &PredicateProof)],
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    match DigitPairings::of(pairs)
        .check_many_refs(&[], rng)
        .is_empty()
    {
        true => Ok(()),
        false => Err(Error::VerificationFailed),
    }
}

/// The pairing equations `e(V_j, X) = e(Vbar_j, BP2)` of a proof's digits (every digit of
/// every predicate of one proof), kept to be checked together with other proofs'
/// ([`DigitPairings::check_many`]).
#[derive(Clone, Debug, Default)]
pub struct DigitPairings {
    /// Per digit: the parameter set's key `X`, `V` and `Vbar`.
    digits: Vec<(G2Affine, G1Affine, G1Affine)>,
}

impl DigitPairings {
    /// The equations of these predicates' digits.
    pub(crate) fn of(pairs: &[(&PredicateStatement, &PredicateProof)]) -> Self {
        Self {
            digits: pairs
                .iter()
                .flat_map(|(st, proof)| {
                    let key = *st.set.public_key();
                    proof.digits.iter().map(move |d| (key, d.v, d.v_bar))
                })
                .collect(),
        }
    }

    /// Checks the equations of many proofs in one pairing product (random 128-bit weights
    /// from `rng`, one pair per distinct key plus one for `BP2`, one final
    /// exponentiation); when it fails, bisects to name the failing proofs. Returns their
    /// positions in `all` (empty: every equation holds, up to `2^-128`).
    pub fn check_many(all: &[&DigitPairings], rng: &mut impl CryptoRng) -> Vec<usize> {
        match all.split_first() {
            Some((first, rest)) => first.check_many_refs(rest, rng),
            None => Vec::new(),
        }
    }

    /// [`DigitPairings::check_many`] over `self` followed by `rest`.
    fn check_many_refs(&self, rest: &[&DigitPairings], rng: &mut impl CryptoRng) -> Vec<usize> {
        // Each proof's digits with their weights.
        let weighted: Vec<Vec<(G2Affine, G1Affine, G1Affine, Scalar)>> = std::iter::once(self)
            .chain(rest.iter().copied())
            .map(|p| {
                p.digits
                    .iter()
                    .map(|&(key, v, v_bar)| {
                        let mut b = [0u8; 32];
                        rng.fill_bytes(&mut b[..16]);
                        (key, v, v_bar, Scalar::from_bytes(&b).unwrap_or(Scalar::ONE))
                    })
                    .collect()
            })
            .collect();
        let mut failed = Vec::new();
        if !digits_hold(&weighted) {
            crate::bbs::bisect(&weighted, &digits_hold, 0, &mut failed);
        }
        failed
    }
}

/// The combined pairing check of every weighted digit of `proofs`.
fn digits_hold(proofs: &[Vec<(G2Affine, G1Affine, G1Affine, Scalar)>]) -> bool {
    let mut by_key: Vec<(G2Affine, Vec<G1Affine>, Vec<Scalar>)> = Vec::new();
    let mut bars = Vec::new();
    let mut bar_weights = Vec::new();
    for &(key, v, v_bar, r) in proofs.iter().flatten() {
        let slot = match by_key.iter().position(|(k, _, _)| *k == key) {
            Some(i) => i,
            None => {
                by_key.push((key, Vec::new(), Vec::new()));
                by_key.len() - 1
            }
        };
        by_key[slot].1.push(v);
        by_key[slot].2.push(r);
        bars.push(v_bar);
        bar_weights.push(-r);
    }
    if bars.is_empty() {
        return true;
    }
    let lhs: Vec<(G1Affine, std::sync::Arc<G2Prepared>)> = by_key
        .iter()
        .map(|(k, pts, ws)| (msm_vartime(pts, ws).to_affine(), prepared_g2(k)))
        .collect();
    let rhs = msm_vartime(&bars, &bar_weights).to_affine();
    let mut terms: Vec<(&G1Affine, &G2Prepared)> =
        lhs.iter().map(|(p, q)| (p, q.as_ref())).collect();
    terms.push((&rhs, &BP2_PREPARED.0));
    pairing_product_is_identity(&terms)
}

/// A cheating prover for tests: replaces the lowest digit (or the element) by
/// `cheat_element` and its signature by `cheat_signature`, so tests can check that the
/// verifier rejects what an honest holder would refuse to prove. Without either, the digits
/// of `delta mod u^k` (or, for an element outside the set, the set's first element) are
/// committed as they are.
#[cfg(test)]
pub(crate) fn cheat(
    statement: &PredicateStatement,
    prepared: &mut Digits,
    cheat_element: Option<Scalar>,
    cheat_signature: Option<G1Affine>,
) {
    if let Some(e) = cheat_element {
        for (j, d) in prepared.digits.iter_mut().enumerate() {
            *d = if j == 0 { e } else { Scalar::ZERO };
        }
        for (j, d) in prepared.digits.iter().enumerate() {
            prepared.signatures[j] = statement.set.signature_or_first_ct(d).0;
        }
    }
    if let Some(s) = cheat_signature {
        prepared.signatures[0] = s;
    }
}
