//! Proofs of knowledge of a signature: CoreProofGen and CoreProofVerify (draft §3.6.3,
//! §3.6.4) in the draft's three steps, ProofInit (§3.7.1), ProofChallengeCalculate (§3.7.4)
//! and ProofFinalize (§3.7.2), with ProofVerifyInit (§3.7.3) on the verifier's side, and
//! the proof encoding (§4.2.4.4, §4.2.4.5).
//!
//! The steps are public so that zero-knowledge extensions can add their own commitments
//! before the one challenge is computed. The prover's state between the steps is the
//! distinct type [`ProofInit`], so finalisation cannot run before initialisation.

use core::fmt;

use bls12_381::{G1Affine, Scalar};
use group::Curve;
use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::generators::Generators;
use super::group_ops::{pairing_product_is_identity, prepared_g2, BP2_PREPARED};
use super::hash::{calculate_random_scalars, h2s_dst};
use super::octets::{
    octets_to_g1, octets_to_nonzero_scalar, scalar_to_octets, Serializer, OCTET_POINT_LENGTH,
    OCTET_SCALAR_LENGTH,
};
use super::prover::{compute_b_split, init_points, Bases, InitPoints};
use super::signature::calculate_domain;
use super::tables::{GeneratorTerms, Output, SplitBases, VartimePlan};
use super::{hash_to_scalar, Ciphersuite, Error, PublicKey, Signature};

/// Octets in a proof that hides no message: three points and four scalars.
pub const PROOF_BASE_LENGTH: usize = 3 * OCTET_POINT_LENGTH + 4 * OCTET_SCALAR_LENGTH;

/// A BBS proof: `(Abar, Bbar, D, e^, r1^, r3^, (m^_1, ..., m^_U), c)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Proof {
    pub(crate) a_bar: G1Affine,
    pub(crate) b_bar: G1Affine,
    pub(crate) d: G1Affine,
    pub(crate) e_hat: Scalar,
    pub(crate) r1_hat: Scalar,
    pub(crate) r3_hat: Scalar,
    pub(crate) m_hat: Vec<Scalar>,
    pub(crate) challenge: Scalar,
}

impl Proof {
    /// `octets_to_proof` (draft §4.2.4.5): `272 + 32 * U` octets; three subgroup points, none
    /// the identity; every scalar in `1..r-1`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Proof, Error> {
        if bytes.len() < PROOF_BASE_LENGTH
            || (bytes.len() - PROOF_BASE_LENGTH) % OCTET_SCALAR_LENGTH != 0
        {
            return Err(Error::InvalidProofLength {
                actual: bytes.len(),
            });
        }
        let (points, scalars) = bytes.split_at(3 * OCTET_POINT_LENGTH);
        let mut pts = points.chunks(OCTET_POINT_LENGTH).map(octets_to_g1);
        let (a_bar, b_bar, d) = (
            pts.next().ok_or(Error::MalformedPoint)??,
            pts.next().ok_or(Error::MalformedPoint)??,
            pts.next().ok_or(Error::MalformedPoint)??,
        );
        let mut s = scalars
            .chunks(OCTET_SCALAR_LENGTH)
            .map(octets_to_nonzero_scalar)
            .collect::<Result<Vec<_>, _>>()?;
        // s = [e^, r1^, r3^, m^_1..m^_U, c]; at least four entries by the length check.
        let challenge = s.pop().ok_or(Error::InvalidProofLength {
            actual: bytes.len(),
        })?;
        let m_hat = s.split_off(3);
        Ok(Proof {
            a_bar,
            b_bar,
            d,
            e_hat: s[0],
            r1_hat: s[1],
            r3_hat: s[2],
            m_hat,
            challenge,
        })
    }

    /// `proof_to_octets` (draft §4.2.4.4): `Abar || Bbar || D || e^ || r1^ || r3^ || m^... || c`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        for p in [&self.a_bar, &self.b_bar, &self.d] {
            out.extend_from_slice(&p.to_compressed());
        }
        for s in [&self.e_hat, &self.r1_hat, &self.r3_hat]
            .into_iter()
            .chain(self.m_hat.iter())
            .chain([&self.challenge])
        {
            out.extend_from_slice(&scalar_to_octets(s));
        }
        out
    }

    /// The encoded length, `272 + 32 * U`.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        PROOF_BASE_LENGTH + OCTET_SCALAR_LENGTH * self.m_hat.len()
    }

    /// `U`, the number of undisclosed messages the proof covers.
    pub fn undisclosed_count(&self) -> usize {
        self.m_hat.len()
    }

    /// The challenge `c`.
    pub fn challenge(&self) -> &Scalar {
        &self.challenge
    }

    /// The responses `m^_j` for the undisclosed messages, in ascending index order.
    pub fn m_hat(&self) -> &[Scalar] {
        &self.m_hat
    }
}

impl fmt::Debug for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Proof(")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// The prover's random scalars `(r1, r2, e~, r1~, r3~, m~_j1, ..., m~_jU)` (the draft's
/// `random_scalars`). Zeroized on drop; `Debug` prints nothing.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ProofRandomScalars {
    pub(crate) r1: Scalar,
    pub(crate) r2: Scalar,
    pub(crate) e_tilde: Scalar,
    pub(crate) r1_tilde: Scalar,
    pub(crate) r3_tilde: Scalar,
    pub(crate) m_tilde: Vec<Scalar>,
}

impl ProofRandomScalars {
    /// `calculate_random_scalars(5 + U)` (draft §4.2.1) from a cryptographic RNG.
    pub fn random(rng: &mut impl CryptoRng, undisclosed_count: usize) -> Self {
        let mut v = calculate_random_scalars(rng, 5 + undisclosed_count);
        let s = Self::from_vec(&mut v);
        v.zeroize();
        s
    }

    /// Takes `5 + U` caller-chosen scalars in the draft's order.
    ///
    /// # Security
    /// Every scalar must be uniformly random and used for one proof only: reusing or
    /// predicting them reveals the signature and the hidden messages. This exists for
    /// extensions that share a blinding `m~_j` with a sub-proof, and for test vectors.
    pub fn from_scalars(scalars: &[Scalar], undisclosed_count: usize) -> Result<Self, Error> {
        if scalars.len() != 5 + undisclosed_count {
            return Err(Error::RandomScalarCount {
                expected: 5 + undisclosed_count,
                actual: scalars.len(),
            });
        }
        let mut v = scalars.to_vec();
        let s = Self::from_vec(&mut v);
        v.zeroize();
        Ok(s)
    }

    fn from_vec(v: &mut [Scalar]) -> Self {
        Self {
            r1: v[0],
            r2: v[1],
            e_tilde: v[2],
            r1_tilde: v[3],
            r3_tilde: v[4],
            m_tilde: v[5..].to_vec(),
        }
    }

    /// Replaces `m~` of the `k`-th undisclosed message (in ascending index order), so a
    /// sub-proof over that message can share the blinding.
    pub fn set_m_tilde(&mut self, k: usize, blinding: Scalar) -> Result<(), Error> {
        let count = self.m_tilde.len();
        let slot = self
            .m_tilde
            .get_mut(k)
            .ok_or(Error::IndexOutOfRange { index: k, count })?;
        *slot = blinding;
        Ok(())
    }
}

impl fmt::Debug for ProofRandomScalars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProofRandomScalars(<redacted>)")
    }
}

/// The public output of ProofInit and ProofVerifyInit: `(Abar, Bbar, D, T1, T2, domain)`,
/// which the challenge hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofInitResult {
    /// `Abar`.
    pub a_bar: G1Affine,
    /// `Bbar`.
    pub b_bar: G1Affine,
    /// `D`.
    pub d: G1Affine,
    /// `T1`.
    pub t1: G1Affine,
    /// `T2`.
    pub t2: G1Affine,
    /// `domain`.
    pub domain: Scalar,
}

/// The prover's state after ProofInit: the public [`ProofInitResult`] and the secrets that
/// ProofFinalize needs. Zeroized on drop.
pub struct ProofInit {
    result: ProofInitResult,
    random: ProofRandomScalars,
    e: Scalar,
    undisclosed: Vec<Scalar>,
}

impl Drop for ProofInit {
    fn drop(&mut self) {
        self.e.zeroize();
        self.undisclosed.zeroize();
    }
}

impl fmt::Debug for ProofInit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofInit")
            .field("result", &self.result)
            .finish_non_exhaustive()
    }
}

/// Sorts disclosed indexes (with their messages, if given) and checks them against `L`:
/// every index below `L`, none repeated.
pub(crate) fn check_indexes(indexes: &[usize], count: usize) -> Result<Vec<usize>, Error> {
    let mut sorted = indexes.to_vec();
    sorted.sort_unstable();
    for w in sorted.windows(2) {
        if w[0] == w[1] {
            return Err(Error::DuplicateIndex { index: w[0] });
        }
    }
    if let Some(&max) = sorted.last() {
        if max >= count {
            return Err(Error::IndexOutOfRange { index: max, count });
        }
    }
    Ok(sorted)
}

/// ProofInit (draft §3.7.1).
///
/// ```text
/// domain = calculate_domain(PK, Q_1, H_Points, header, api_id)
/// B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L
/// D = B * r2
/// Abar = A * (r1 * r2)
/// Bbar = D * r1 - Abar * e
/// T1 = Abar * e~ + D * r1~
/// T2 = D * r3~ + H_j1 * m~_j1 + ... + H_jU * m~_jU
/// ```
/// `undisclosed_indexes` must be strictly ascending and below `L`; `random` must hold
/// `5 + U` scalars. Constant time in every secret.
#[allow(clippy::too_many_arguments)]
pub fn proof_init<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    generators: &Generators,
    header: &[u8],
    messages: &[Scalar],
    undisclosed_indexes: &[usize],
    random: ProofRandomScalars,
    api_id: &[u8],
) -> Result<ProofInit, Error> {
    let l = messages.len();
    if generators.message_count() != l {
        return Err(Error::MessageCountMismatch {
            expected: generators.message_count(),
            actual: l,
        });
    }
    if let Some(w) = undisclosed_indexes.windows(2).find(|w| w[0] >= w[1]) {
        return Err(if w[0] == w[1] {
            Error::DuplicateIndex { index: w[1] }
        } else {
            Error::UnsortedIndexes { index: w[1] }
        });
    }
    if let Some(&max) = undisclosed_indexes.last() {
        if max >= l {
            return Err(Error::IndexOutOfRange {
                index: max,
                count: l,
            });
        }
    }
    if random.m_tilde.len() != undisclosed_indexes.len() {
        return Err(Error::RandomScalarCount {
            expected: 5 + undisclosed_indexes.len(),
            actual: 5 + random.m_tilde.len(),
        });
    }
    let domain = calculate_domain::<C>(pk, generators, header, api_id)?;
    let (b, blindings) = compute_b_split(
        generators,
        &domain,
        messages,
        undisclosed_indexes,
        &random.m_tilde,
    );
    let mut b = b.to_affine();
    let bases = Bases::Split {
        tables: SplitBases::new(&[signature.a, b]),
        e: signature.e,
    };
    b.zeroize();
    let points = init_points(
        &bases,
        generators,
        undisclosed_indexes,
        &random,
        Some(blindings),
    );
    let undisclosed = undisclosed_indexes.iter().map(|&j| messages[j]).collect();
    Ok(ProofInit::new(
        points,
        domain,
        random,
        signature.e,
        undisclosed,
    ))
}

impl ProofInit {
    /// The prover's state from ProofInit's points and secrets.
    pub(crate) fn new(
        points: InitPoints,
        domain: Scalar,
        random: ProofRandomScalars,
        e: Scalar,
        undisclosed: Vec<Scalar>,
    ) -> Self {
        ProofInit {
            result: ProofInitResult {
                a_bar: points.a_bar,
                b_bar: points.b_bar,
                d: points.d,
                t1: points.t1,
                t2: points.t2,
                domain,
            },
            random,
            e,
            undisclosed,
        }
    }

    /// The public values the challenge is computed over.
    pub fn result(&self) -> &ProofInitResult {
        &self.result
    }

    /// ProofFinalize (draft §3.7.2).
    ///
    /// ```text
    /// r3 = r2^-1
    /// e^ = e~ + e * challenge
    /// r1^ = r1~ - r1 * challenge
    /// r3^ = r3~ - r3 * challenge
    /// m^_j = m~_j + undisclosed_j * challenge
    /// ```
    pub fn finalize(self, challenge: &Scalar) -> Result<Proof, Error> {
        let r = &self.random;
        let r3: Option<Scalar> = r.r2.invert().into();
        let r3 = r3.ok_or(Error::ZeroScalar)?;
        let m_hat = r
            .m_tilde
            .iter()
            .zip(&self.undisclosed)
            .map(|(mt, m)| mt + m * challenge)
            .collect();
        Ok(Proof {
            a_bar: self.result.a_bar,
            b_bar: self.result.b_bar,
            d: self.result.d,
            e_hat: r.e_tilde + self.e * challenge,
            r1_hat: r.r1_tilde - r.r1 * challenge,
            r3_hat: r.r3_tilde - r3 * challenge,
            m_hat,
            challenge: *challenge,
        })
    }
}

/// ProofChallengeCalculate (draft §3.7.4).
///
/// ```text
/// c_arr = (R, i1, msg_i1, ..., iR, msg_iR, Abar, Bbar, D, T1, T2, domain)
/// c_octs = serialize(c_arr) || I2OSP(length(ph), 8) || ph
/// challenge = hash_to_scalar(c_octs, api_id || "H2S_")
/// ```
/// `disclosed_indexes` must be ascending, with `disclosed_messages` in the same order.
pub fn proof_challenge_calculate<C: Ciphersuite>(
    init_res: &ProofInitResult,
    disclosed_indexes: &[usize],
    disclosed_messages: &[Scalar],
    presentation_header: &[u8],
    api_id: &[u8],
) -> Result<Scalar, Error> {
    if disclosed_indexes.len() != disclosed_messages.len() {
        return Err(Error::MessageCountMismatch {
            expected: disclosed_indexes.len(),
            actual: disclosed_messages.len(),
        });
    }
    let mut s = Serializer::new();
    s.integer(disclosed_indexes.len());
    for (&i, m) in disclosed_indexes.iter().zip(disclosed_messages) {
        s.integer(i).scalar(m);
    }
    for p in [
        &init_res.a_bar,
        &init_res.b_bar,
        &init_res.d,
        &init_res.t1,
        &init_res.t2,
    ] {
        s.point(p);
    }
    s.scalar(&init_res.domain)
        .length_prefixed(presentation_header);
    hash_to_scalar::<C>(s.as_bytes(), &h2s_dst(api_id))
}

/// CoreProofGen (draft §3.6.3) over message scalars: ProofInit, challenge, ProofFinalize.
///
/// `disclosed_indexes` may come in any order; repeated or out-of-range indexes are errors.
/// The signature is not verified here (a proof from an invalid signature does not verify);
/// see [`crate::bbs::verify`] to check it first.
#[allow(clippy::too_many_arguments)]
pub fn core_proof_gen<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    generators: &Generators,
    header: &[u8],
    presentation_header: &[u8],
    messages: &[Scalar],
    disclosed_indexes: &[usize],
    random: ProofRandomScalars,
    api_id: &[u8],
) -> Result<Proof, Error> {
    let disclosed = check_indexes(disclosed_indexes, messages.len())?;
    let undisclosed: Vec<usize> = (0..messages.len())
        .filter(|i| disclosed.binary_search(i).is_err())
        .collect();
    let init = proof_init::<C>(
        pk,
        signature,
        generators,
        header,
        messages,
        &undisclosed,
        random,
        api_id,
    )?;
    let disclosed_messages: Vec<Scalar> = disclosed.iter().map(|&i| messages[i]).collect();
    let challenge = proof_challenge_calculate::<C>(
        init.result(),
        &disclosed,
        &disclosed_messages,
        presentation_header,
        api_id,
    )?;
    init.finalize(&challenge)
}

/// ProofVerifyInit (draft §3.7.3).
///
/// ```text
/// T1 = Bbar * c + Abar * e^ + D * r1^
/// Bv = P1 + Q_1 * domain + H_i1 * msg_i1 + ... + H_iR * msg_iR
/// T2 = Bv * c + D * r3^ + H_j1 * m^_j1 + ... + H_jU * m^_jU
/// ```
/// `disclosed_indexes` must be strictly ascending and below `L = U + R`.
///
/// # Security
/// Variable time: every input is public on the verifier's side, so the multi-scalar
/// multiplications may branch on the scalars.
pub fn proof_verify_init<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    generators: &Generators,
    header: &[u8],
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    api_id: &[u8],
) -> Result<ProofInitResult, Error> {
    let (domain, plan) = verify_init_plan::<C>(
        pk,
        proof,
        generators,
        header,
        disclosed_messages,
        disclosed_indexes,
        api_id,
    )?;
    Ok(init_result(proof, domain, &plan.run()))
}

/// ProofVerifyInit's result from the computed `[T1, T2]`.
fn init_result(proof: &Proof, domain: Scalar, sums: &[G1Affine]) -> ProofInitResult {
    let t = |k: usize| sums.get(k).copied().unwrap_or_else(G1Affine::identity);
    ProofInitResult {
        a_bar: proof.a_bar,
        b_bar: proof.b_bar,
        d: proof.d,
        t1: t(0),
        t2: t(1),
        domain,
    }
}

/// ProofVerifyInit's checks (draft §3.7.3), `domain`, and the plan of its two sums `T1`
/// and `T2` (variable time: every scalar is public).
fn verify_init_plan<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    generators: &Generators,
    header: &[u8],
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    api_id: &[u8],
) -> Result<(Scalar, VartimePlan), Error> {
    let l = generators.message_count();
    let (r, u) = (disclosed_indexes.len(), proof.m_hat.len());
    if r + u != l || disclosed_messages.len() != r {
        return Err(Error::MessageCountMismatch {
            expected: l,
            actual: u + disclosed_messages.len(),
        });
    }
    if let Some(w) = disclosed_indexes.windows(2).find(|w| w[0] >= w[1]) {
        return Err(if w[0] == w[1] {
            Error::DuplicateIndex { index: w[1] }
        } else {
            Error::UnsortedIndexes { index: w[1] }
        });
    }
    if let Some(&max) = disclosed_indexes.last() {
        if max >= l {
            return Err(Error::IndexOutOfRange {
                index: max,
                count: l,
            });
        }
    }
    let domain = calculate_domain::<C>(pk, generators, header, api_id)?;
    let c = proof.challenge;
    // Every scalar here is public (the proof and the disclosed messages), so the
    // variable-time multiplications are safe. T1 and T2 share the tables of D.
    // T2 = (P1 + Q_1 * domain + sum H_i * msg_i) * c + D * r3^ + sum H_j * m^_j.
    let mut terms = Vec::with_capacity(l + 1);
    terms.push((0, domain * c));
    let mut disclosed = disclosed_indexes.iter().zip(disclosed_messages).peekable();
    let mut hidden = proof.m_hat.iter();
    for i in 0..l {
        match disclosed.next_if(|(&j, _)| j == i) {
            Some((_, m)) => terms.push((i + 1, *m * c)),
            None => terms.push((i + 1, *hidden.next().ok_or(Error::VerificationFailed)?)),
        }
    }
    let t2_groups: [GeneratorTerms<'_>; 2] =
        [(&[generators.p1], &[(0, c)]), (generators.points(), &terms)];
    let t1_terms = [(0, c), (1, proof.e_hat), (2, proof.r1_hat)];
    let t2_terms = [(2, proof.r3_hat)];
    let plan = VartimePlan::new(
        &[proof.b_bar, proof.a_bar, proof.d],
        &[
            Output {
                groups: &[],
                var: &t1_terms,
            },
            Output {
                groups: &t2_groups,
                var: &t2_terms,
            },
        ],
    );
    Ok((domain, plan))
}

/// CoreProofVerify (draft §3.6.4): ProofVerifyInit, recompute the challenge, compare, then
/// check `h(Abar, W) * h(Bbar, -BP2) = Identity_GT`.
///
/// `disclosed_indexes` may come in any order (each paired with its message); repeated or
/// out-of-range indexes are errors.
#[allow(clippy::too_many_arguments)]
pub fn core_proof_verify<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    generators: &Generators,
    header: &[u8],
    presentation_header: &[u8],
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    api_id: &[u8],
) -> Result<(), Error> {
    check_challenge::<C>(
        pk,
        proof,
        generators,
        header,
        presentation_header,
        disclosed_messages,
        disclosed_indexes,
        api_id,
    )?;
    let w = prepared_g2(&pk.0);
    if pairing_product_is_identity(&[(&proof.a_bar, &w), (&proof.b_bar, &BP2_PREPARED.1)]) {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// CoreProofVerify (draft §3.6.4) up to the pairing check: ProofVerifyInit, then the
/// recomputed challenge must equal the proof's.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check_challenge<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    generators: &Generators,
    header: &[u8],
    presentation_header: &[u8],
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    api_id: &[u8],
) -> Result<(), Error> {
    let item = ChallengeCheck {
        pk,
        proof,
        generators,
        header,
        presentation_header,
        disclosed_messages,
        disclosed_indexes,
        api_id,
    };
    let mut results = check_challenges::<C>(&[item]);
    results.pop().unwrap_or(Err(Error::VerificationFailed))
}

/// One proof's challenge check (what [`check_challenge`] takes).
#[derive(Clone, Copy)]
pub(crate) struct ChallengeCheck<'a> {
    pub(crate) pk: &'a PublicKey,
    pub(crate) proof: &'a Proof,
    pub(crate) generators: &'a Generators,
    pub(crate) header: &'a [u8],
    pub(crate) presentation_header: &'a [u8],
    pub(crate) disclosed_messages: &'a [Scalar],
    pub(crate) disclosed_indexes: &'a [usize],
    pub(crate) api_id: &'a [u8],
}

/// [`check_challenge`] for many proofs, one result each; with enough long proofs their `T1`
/// and `T2` are computed together ([`VartimePlan::run_many`]: the same points, fewer field
/// operations).
pub(crate) fn check_challenges<C: Ciphersuite>(
    items: &[ChallengeCheck<'_>],
) -> Vec<Result<(), Error>> {
    let planned: Vec<Result<_, Error>> = items
        .iter()
        .map(|item| {
            let (indexes, messages) =
                sort_disclosed(item.disclosed_indexes, item.disclosed_messages)?;
            let (domain, plan) = verify_init_plan::<C>(
                item.pk,
                item.proof,
                item.generators,
                item.header,
                &messages,
                &indexes,
                item.api_id,
            )?;
            Ok((indexes, messages, domain, plan))
        })
        .collect();
    let plans: Vec<&VartimePlan> = planned
        .iter()
        .filter_map(|p| p.as_ref().ok().map(|(_, _, _, plan)| plan))
        .collect();
    let mut sums = VartimePlan::run_many(&plans).into_iter();
    items
        .iter()
        .zip(planned)
        .map(|(item, planned)| {
            let (indexes, messages, domain, _) = planned?;
            let sums = sums.next().ok_or(Error::VerificationFailed)?;
            let init_res = init_result(item.proof, domain, &sums);
            let challenge = proof_challenge_calculate::<C>(
                &init_res,
                &indexes,
                &messages,
                item.presentation_header,
                item.api_id,
            )?;
            if challenge == item.proof.challenge {
                Ok(())
            } else {
                Err(Error::VerificationFailed)
            }
        })
        .collect()
}

/// Pairs disclosed indexes with their messages and sorts them by index, rejecting repeats.
pub(crate) fn sort_disclosed(
    indexes: &[usize],
    messages: &[Scalar],
) -> Result<(Vec<usize>, Vec<Scalar>), Error> {
    if indexes.len() != messages.len() {
        return Err(Error::MessageCountMismatch {
            expected: indexes.len(),
            actual: messages.len(),
        });
    }
    let mut pairs: Vec<(usize, Scalar)> = indexes
        .iter()
        .copied()
        .zip(messages.iter().copied())
        .collect();
    pairs.sort_unstable_by_key(|(i, _)| *i);
    if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::DuplicateIndex { index: w[0].0 });
    }
    Ok(pairs.into_iter().unzip())
}
