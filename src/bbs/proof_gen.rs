//! Proof generation: ProofInit (draft §3.7.1), ProofFinalize (§3.7.2) and CoreProofGen
//! (§3.6.3), which runs them around the challenge (§3.7.4, `challenge.rs`).
//!
//! The steps are public so that zero-knowledge extensions can add their own commitments
//! before the one challenge is computed. The prover's state between the steps is the
//! distinct type [`ProofInit`], so finalisation cannot run before initialisation. The group
//! operations of ProofInit are in `prover.rs`.

use core::fmt;

use bls12_381::Scalar;
use group::Curve;
use zeroize::Zeroize;

use super::challenge::{
    check_ascending, check_indexes, proof_challenge_calculate, ProofInitResult,
};
use super::ciphersuite::Ciphersuite;
use super::error::Error;
use super::generators::Generators;
use super::keys::PublicKey;
use super::proof::Proof;
use super::prover::{compute_b_split, init_points, Bases, InitPoints};
use super::random_scalars::ProofRandomScalars;
use super::signature::{calculate_domain, Signature};
use crate::group::SplitBases;

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
    check_ascending(undisclosed_indexes, l)?;
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
