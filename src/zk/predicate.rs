//! Predicate sub-proofs over hidden BBS messages, and their link with the BBS proof.
//!
//! Every predicate is the statement
//!
//! ```text
//! delta = s * (m - a) = sum_{j < k} u^j * d_j,   every d_j signed in the parameter set
//! ```
//!
//! over a hidden message `m` (the `message_index`-th signed scalar), with a sign `s` of +1
//! or -1, an offset `a`, a digit count `k` and the set's size `u` as base. A lower bound
//! `m >= a` is `s = +1`; an upper bound `m <= b` is `s = -1, a = b`; a two-sided range is one
//! of each; set membership is `s = +1, a = 0, k = 1` over a set of elements. One code path
//! serves them all. The protocol, its transcript and its soundness argument are in
//! `docs/notes/predicates.md`.

use bls12_381::{G1Affine, G1Projective, G2Affine, G2Prepared, Scalar};
use ff::Field;
use group::Curve;
use rand_core::CryptoRng;
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

/// A predicate over one hidden message: `s * (m - offset)` is a `digit_count`-digit number in
/// base `u = set size` whose every digit is signed in `set`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PredicateStatement {
    /// Index of the hidden message among all signed messages.
    pub message_index: usize,
    /// `s = -1` when set (upper bounds), `+1` otherwise.
    pub negate: bool,
    /// The offset `a` (a bound), as a scalar.
    pub offset: Scalar,
    /// `k`, the number of digits.
    pub digit_count: usize,
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
        match self.set.kind() {
            SetKind::Digits { base } => {
                // u^k must stay far below r so that digits cannot wrap around.
                if (u64::from(*base) as f64).log2() * self.digit_count as f64 > 120.0 {
                    return Err(Error::InvalidParameters(
                        "base^digits must stay below 2^120",
                    ));
                }
            }
            SetKind::Elements(_) => {
                if self.digit_count != 1 || self.negate || self.offset != Scalar::ZERO {
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

    /// `delta^ = s * (m^ - c * a)`: the response for `delta` that the BBS response `m^`
    /// implies.
    fn delta_hat(&self, m_hat: &Scalar, c: &Scalar) -> Scalar {
        let d = m_hat - c * self.offset;
        if self.negate {
            -d
        } else {
            d
        }
    }

    /// Appends the statement's public parameters to the transcript.
    fn serialize(&self, s: &mut Serializer) {
        s.integer(self.message_index)
            .integer(usize::from(self.negate))
            .scalar(&self.offset)
            .integer(self.digit_count);
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

/// The prover's secrets for one predicate between commitment and response.
pub(crate) struct PredicateWitness {
    digits: Vec<Scalar>,
    tau: Vec<Scalar>,
    tau_tilde: Vec<Scalar>,
    d_tilde: Vec<Scalar>,
    v: Vec<G1Affine>,
    v_bar: Vec<G1Affine>,
}

impl Drop for PredicateWitness {
    fn drop(&mut self) {
        self.digits.zeroize();
        self.tau.zeroize();
        self.tau_tilde.zeroize();
        self.d_tilde.zeroize();
    }
}

/// Splits `delta` into `k` base-`u` digits. For membership (`k = 1`, an element set) the
/// single digit is `delta` itself. Fails with [`Error::NotSatisfied`] when `delta` is
/// negative and with [`Error::OutOfSpan`] when it is too large for the digits.
fn decompose(
    index: usize,
    statement: &PredicateStatement,
    delta: &Scalar,
) -> Result<Zeroizing<Vec<Scalar>>, Error> {
    let base = match statement.set.kind() {
        SetKind::Elements(_) => return Ok(Zeroizing::new(vec![*delta])),
        SetKind::Digits { base } => u128::from(*base),
    };
    let low_u128 = |s: &Scalar| {
        let bytes = Zeroizing::new(s.to_bytes());
        let fits = bytes[16..].iter().all(|&b| b == 0);
        let mut low = Zeroizing::new([0u8; 16]);
        low.copy_from_slice(&bytes[..16]);
        fits.then(|| u128::from_le_bytes(*low))
    };
    let mut value = match low_u128(delta) {
        Some(v) => v,
        None if low_u128(&-delta).is_some() => {
            return Err(Error::NotSatisfied { predicate: index })
        }
        None => return Err(Error::OutOfSpan { predicate: index }),
    };
    let mut digits = Zeroizing::new(Vec::with_capacity(statement.digit_count));
    for _ in 0..statement.digit_count {
        digits.push(Scalar::from((value % base) as u64));
        value /= base;
    }
    let fits = value == 0;
    value.zeroize();
    if fits {
        Ok(digits)
    } else {
        Err(Error::OutOfSpan { predicate: index })
    }
}

/// Commitment phase for one predicate over the hidden message `m` whose BBS blinding is
/// `m_tilde`. Returns the witness and appends `(V_j, Vbar_j, T_j)` to the transcript.
pub(crate) fn commit(
    index: usize,
    statement: &PredicateStatement,
    m: &Scalar,
    m_tilde: &Scalar,
    rng: &mut impl CryptoRng,
) -> Result<PredicateWitness, Error> {
    statement.check_shape()?;
    // The secret difference, its digits and their signatures (which name the digits) are
    // wiped on every path out, early returns included.
    let mut delta = Zeroizing::new(m - statement.offset);
    if statement.negate {
        *delta = -*delta;
    }
    let mut digits = decompose(index, statement, &delta)?;
    let mut signatures = Zeroizing::new(Vec::with_capacity(digits.len()));
    for d in digits.iter() {
        signatures.push(
            statement
                .set
                .signature_ct(d)
                .ok_or(Error::NotSatisfied { predicate: index })?,
        );
    }
    // The witness takes the digits over (and wipes them when it is dropped).
    let digits = std::mem::take(&mut *digits);
    Ok(commit_digits(statement, digits, &signatures, m_tilde, rng))
}

fn random_scalar(rng: &mut impl CryptoRng) -> Scalar {
    let mut b = [0u8; 64];
    rng.fill_bytes(&mut b);
    let s = Scalar::from_bytes_wide(&b);
    b.zeroize();
    s
}

/// The commitment phase proper, given the digits and their signatures: draws `tau_j`,
/// `tau~_j` and `d~_j` (with `d~_0` fixed by the link `sum_j u^j d~_j = s * m~`), and computes
/// `V_j = tau_j * A_{d_j}` and `Vbar_j = tau_j * P - d_j * V_j`.
fn commit_digits(
    statement: &PredicateStatement,
    digits: Vec<Scalar>,
    signatures: &[G1Affine],
    m_tilde: &Scalar,
    rng: &mut impl CryptoRng,
) -> PredicateWitness {
    let k = digits.len();
    // The blinding vectors are allocated at their final size and moved into the witness,
    // which wipes them when it is dropped.
    let tau: Vec<Scalar> = (0..k).map(|_| random_scalar(rng)).collect();
    let tau_tilde: Vec<Scalar> = (0..k).map(|_| random_scalar(rng)).collect();
    let base = statement.base();
    let mut d_tilde: Vec<Scalar> = (0..k).map(|_| random_scalar(rng)).collect();
    let mut linked = if statement.negate { -m_tilde } else { *m_tilde };
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
    PredicateWitness {
        digits,
        tau,
        tau_tilde,
        d_tilde,
        v,
        v_bar,
    }
}

impl PredicateWitness {
    /// `T_j = tau~_j * P - d~_j * V_j` for every digit (constant time: all secret).
    fn commitments(&self) -> Vec<G1Affine> {
        let g1 = G1Affine::generator();
        let t: Vec<G1Projective> = (0..self.v.len())
            .map(|j| msm_ct(&[g1, self.v[j]], &[self.tau_tilde[j], -self.d_tilde[j]]))
            .collect();
        let mut out = vec![G1Affine::identity(); t.len()];
        G1Projective::batch_normalize(&t, &mut out);
        out
    }

    /// Response phase: `tau^_j = tau~_j + c * tau_j`, `d^_j = d~_j + c * d_j` for `j >= 1`.
    pub(crate) fn respond(&self, c: &Scalar) -> PredicateProof {
        let digits = (0..self.v.len())
            .map(|j| DigitProof {
                v: self.v[j],
                v_bar: self.v_bar[j],
                tau_hat: self.tau_tilde[j] + c * self.tau[j],
            })
            .collect();
        let d_hat = (1..self.v.len())
            .map(|j| self.d_tilde[j] + c * self.digits[j])
            .collect();
        PredicateProof { digits, d_hat }
    }
}

/// The transcript that becomes the BBS presentation header: a label, the caller's context
/// (e.g. the request digest), then for every predicate its public parameters and its
/// `(V_j, Vbar_j, T_j)`.
pub(crate) fn transcript(
    context: &[u8],
    statements: &[PredicateStatement],
    commitments: &[Commitments],
) -> Vec<u8> {
    let mut s = Serializer::new();
    s.raw(TRANSCRIPT_LABEL)
        .length_prefixed(context)
        .integer(statements.len());
    for (st, com) in statements.iter().zip(commitments) {
        st.serialize(&mut s);
        for j in 0..com.v.len() {
            s.point(&com.v[j]).point(&com.v_bar[j]).point(&com.t[j]);
        }
    }
    s.as_bytes().to_vec()
}

/// The prover's first-round elements.
pub(crate) fn prover_commitments(w: &PredicateWitness) -> Commitments {
    Commitments {
        v: w.v.clone(),
        v_bar: w.v_bar.clone(),
        t: w.commitments(),
    }
}

/// The verifier's side for one predicate: recompute `d^_0` from the BBS response `m^`, then
/// `T_j = tau^_j * P - d^_j * V_j - c * Vbar_j`. Returns the commitments for the transcript.
/// All scalars here are public.
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
    statements: &[PredicateStatement],
    proofs: &[PredicateProof],
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    let mut by_key: Vec<(G2Affine, Vec<G1Affine>, Vec<Scalar>)> = Vec::new();
    let mut bars = Vec::new();
    let mut bar_weights = Vec::new();
    for (st, proof) in statements.iter().zip(proofs) {
        let key = *st.set.public_key();
        let slot = match by_key.iter().position(|(k, _, _)| *k == key) {
            Some(i) => i,
            None => {
                by_key.push((key, Vec::new(), Vec::new()));
                by_key.len() - 1
            }
        };
        for d in &proof.digits {
            let mut b = [0u8; 32];
            rng.fill_bytes(&mut b[..16]);
            let r = Scalar::from_bytes(&b).unwrap_or(Scalar::ONE);
            by_key[slot].1.push(d.v);
            by_key[slot].2.push(r);
            bars.push(d.v_bar);
            bar_weights.push(-r);
        }
    }
    if bars.is_empty() {
        return Ok(());
    }
    let lhs: Vec<(G1Affine, std::sync::Arc<G2Prepared>)> = by_key
        .iter()
        .map(|(k, pts, ws)| (msm_vartime(pts, ws).to_affine(), prepared_g2(k)))
        .collect();
    let rhs = msm_vartime(&bars, &bar_weights).to_affine();
    let mut terms: Vec<(&G1Affine, &G2Prepared)> =
        lhs.iter().map(|(p, q)| (p, q.as_ref())).collect();
    terms.push((&rhs, &BP2_PREPARED.0));
    if pairing_product_is_identity(&terms) {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// A cheating prover for tests: commits to the base-`u` digits of `delta mod u^k` (or to
/// `cheat_element` for membership, or as the lowest digit of a range with
/// `cheat_signature` as its signature) even when the statement is false, so tests can check
/// that the verifier rejects what an honest holder would refuse to prove.
#[cfg(test)]
pub(crate) fn commit_unchecked(
    statement: &PredicateStatement,
    m: &Scalar,
    m_tilde: &Scalar,
    cheat_element: Option<Scalar>,
    cheat_signature: Option<G1Affine>,
    rng: &mut impl CryptoRng,
) -> PredicateWitness {
    let mut delta = m - statement.offset;
    if statement.negate {
        delta = -delta;
    }
    let digits = match (statement.set.kind(), cheat_element) {
        (SetKind::Elements(_), Some(e)) => vec![e],
        (SetKind::Elements(_), None) => vec![delta],
        (SetKind::Digits { .. }, Some(e)) => (0..statement.digit_count)
            .map(|j| if j == 0 { e } else { Scalar::ZERO })
            .collect(),
        (SetKind::Digits { base }, None) => {
            let b = delta.to_bytes();
            let mut value = u128::from_le_bytes(b[..16].try_into().unwrap());
            (0..statement.digit_count)
                .map(|_| {
                    let d = value % u128::from(*base);
                    value /= u128::from(*base);
                    Scalar::from(d as u64)
                })
                .collect()
        }
    };
    let signatures: Vec<G1Affine> = digits
        .iter()
        .enumerate()
        .map(|(j, d)| match (j, cheat_signature) {
            (0, Some(s)) => s,
            _ => statement
                .set
                .signature_ct(d)
                .unwrap_or(G1Affine::generator()),
        })
        .collect();
    commit_digits(statement, digits, &signatures, m_tilde, rng)
}
