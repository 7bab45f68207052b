//! Proof verification: ProofVerifyInit (draft §3.7.3) and CoreProofVerify (§3.6.4), and
//! the challenge checks of many proofs at once that batch verification (`batch.rs`) builds on.
//!
//! Variable time: every input is public on the verifier's side, so the sums are the group
//! layer's variable-time plans.

use bls12_381::{G1Affine, Scalar};

use super::challenge::{
    check_ascending, proof_challenge_calculate, sort_disclosed, ProofInitResult,
};
use super::ciphersuite::Ciphersuite;
use super::error::Error;
use super::generators::Generators;
use super::keys::PublicKey;
use super::proof::Proof;
use super::signature::calculate_domain;
use crate::group::{
    pairing_product_is_identity, prepared_g2, GeneratorTerms, Output, VartimePlan, BP2_PREPARED,
};

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
    check_ascending(disclosed_indexes, l)?;
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
    proof_pairing_check(pk, proof)
}

/// CoreProofVerify's last step (draft §3.6.4): `h(Abar, W) * h(Bbar, -BP2) = Identity_GT`,
/// [`Error::VerificationFailed`] otherwise. Extensions that recompute the challenge
/// themselves (after [`proof_verify_init`] and
/// [`proof_challenge_calculate_with`](super::proof_challenge_calculate_with)) finish with it.
pub fn proof_pairing_check(pk: &PublicKey, proof: &Proof) -> Result<(), Error> {
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
