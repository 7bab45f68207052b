//! Zero-knowledge predicates over hidden BBS-signed messages: ranges (`m >= a`, `m <= b`,
//! `a <= m <= b`) and set membership (`m in {..}`), each a sub-proof that shares the hidden
//! message's blinding with the BBS proof and is answered with the BBS proof's own challenge.
//!
//! The construction is the signature-based set-membership and range proof of Camenisch,
//! Chaabouni and shelat (ASIACRYPT 2008) with the pairing-free prover of Camenisch, Drijvers
//! and Hajny (WPES 2016), over weak Boneh-Boyen signatures ([`weak_bb`]). The link keeps the
//! BBS part an ordinary draft proof: every sub-proof's public parameters and commitments,
//! with the caller's context (the request digest), form the BBS presentation header, so the
//! one BBS challenge covers everything; the verifier reuses the BBS response `m^` of the
//! hidden message, so a sub-proof carries no second response for it.
//!
#![doc = include_str!("../../docs/notes/predicates.md")]

mod error;
pub mod predicate;
#[cfg(test)]
mod tests;
pub mod weak_bb;

pub use error::Error;
pub use predicate::{DigitProof, PredicateProof, PredicateStatement, MAX_DIGITS, TRANSCRIPT_LABEL};
pub use weak_bb::{SetKind, SignedSet, MAX_SET_SIZE};

use bls12_381::Scalar;
use rand_core::CryptoRng;

use crate::bbs::{self, Ciphersuite, Generators, PreparedSignature, Proof, PublicKey};

/// A BBS proof together with the predicate proofs that share its challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedProof {
    /// The BBS proof; an ordinary draft proof whose presentation header is the predicate
    /// transcript.
    pub bbs: Proof,
    /// One proof per predicate statement, in statement order.
    pub predicates: Vec<PredicateProof>,
}

/// The position of each statement's message among the undisclosed messages.
fn hidden_positions(
    statements: &[PredicateStatement],
    undisclosed: &[usize],
) -> Result<Vec<usize>, Error> {
    statements
        .iter()
        .enumerate()
        .map(|(i, st)| {
            undisclosed
                .binary_search(&st.message_index)
                .map_err(|_| Error::BadMessageIndex {
                    predicate: i,
                    index: st.message_index,
                })
        })
        .collect()
}

fn complement(disclosed: &[usize], count: usize) -> Vec<usize> {
    (0..count)
        .filter(|i| disclosed.binary_search(i).is_err())
        .collect()
}

/// Proves knowledge of the prepared signature, discloses the messages at
/// `disclosed_indexes`, and proves every statement over hidden messages, all under one
/// challenge bound to `context`.
///
/// Fails with [`Error::NotSatisfied`] when a hidden value does not satisfy its predicate
/// (and [`Error::OutOfSpan`] when it does but the digits cannot express it): the holder
/// refuses to present a false statement. The parameter sets are not checked here; call
/// [`SignedSet::check`] on each first (once per parameter set).
///
/// # Security
/// Constant time in the messages, blindings and digits except for the base-`u` split of the
/// hidden difference (integer division on the prover's own value, not on a key).
pub fn prove<C: Ciphersuite>(
    prepared: &PreparedSignature<C>,
    disclosed_indexes: &[usize],
    statements: &[PredicateStatement],
    context: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<LinkedProof, Error> {
    prove_inner(
        prepared,
        disclosed_indexes,
        statements,
        context,
        rng,
        Prover::Honest,
    )
}

/// Whether the prover checks its statements (always, outside the crate's own tests).
#[derive(Clone, Copy)]
pub(crate) enum Prover {
    /// Refuses false statements.
    Honest,
    /// Test only: commits to whatever digits (or this set element, or this lowest digit with
    /// this signature) it likes.
    #[cfg(test)]
    Cheating(Option<Scalar>, Option<bls12_381::G1Affine>),
}

pub(crate) fn prove_inner<C: Ciphersuite>(
    prepared: &PreparedSignature<C>,
    disclosed_indexes: &[usize],
    statements: &[PredicateStatement],
    context: &[u8],
    rng: &mut impl CryptoRng,
    prover: Prover,
) -> Result<LinkedProof, Error> {
    let count = prepared.message_count();
    let disclosed = bbs::check_indexes(disclosed_indexes, count)?;
    let undisclosed = complement(&disclosed, count);
    hidden_positions(statements, &undisclosed)?;
    // Draw the blinding of every hidden message that carries a predicate ourselves, so the
    // sub-proofs can share it with the BBS proof.
    let mut blindings: Vec<(usize, Scalar)> = Vec::new();
    for st in statements {
        if !blindings.iter().any(|(i, _)| *i == st.message_index) {
            let m_tilde = bbs::calculate_random_scalars(rng, 1)[0];
            blindings.push((st.message_index, m_tilde));
        }
    }
    let init = prepared.proof_init_with_rng(&disclosed, &blindings, rng);
    let mut witnesses = Vec::with_capacity(statements.len());
    let committed = init.map_err(Error::from).and_then(|init| {
        for (i, st) in statements.iter().enumerate() {
            let m_tilde = blindings
                .iter()
                .find(|(j, _)| *j == st.message_index)
                .map_or_else(Scalar::zero, |(_, b)| *b);
            let m = prepared
                .message(st.message_index)
                .ok_or(Error::BadMessageIndex {
                    predicate: i,
                    index: st.message_index,
                })?;
            witnesses.push(match prover {
                Prover::Honest => predicate::commit(i, st, m, &m_tilde, rng)?,
                #[cfg(test)]
                Prover::Cheating(element, signature) => {
                    predicate::commit_unchecked(st, m, &m_tilde, element, signature, rng)
                }
            });
        }
        Ok(init)
    });
    for (_, b) in blindings.iter_mut() {
        zeroize::Zeroize::zeroize(b);
    }
    let init = committed?;
    let commitments: Vec<_> = witnesses
        .iter()
        .map(predicate::prover_commitments)
        .collect();
    let ph = predicate::transcript(context, statements, &commitments);
    let c = prepared.proof_challenge(&init, &disclosed, &ph)?;
    let bbs_proof = init.finalize(&c)?;
    let predicates = witnesses.iter().map(|w| w.respond(&c)).collect();
    Ok(LinkedProof {
        bbs: bbs_proof,
        predicates,
    })
}

/// Verifies a [`LinkedProof`]: recomputes every sub-proof's commitments from the BBS
/// challenge and the BBS response of its hidden message, rebuilds the transcript (the BBS
/// presentation header), verifies the BBS proof, and checks every digit's pairing equation
/// in one batched pairing product (`rng` draws the batching weights).
#[allow(clippy::too_many_arguments)]
pub fn verify<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &LinkedProof,
    generators: &Generators,
    header: &[u8],
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    statements: &[PredicateStatement],
    context: &[u8],
    api_id: &[u8],
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    if proof.predicates.len() != statements.len() {
        return Err(Error::WrongShape {
            predicate: proof.predicates.len().min(statements.len()),
        });
    }
    let l = generators.message_count();
    let (indexes, messages) = bbs::sort_disclosed(disclosed_indexes, disclosed_messages)?;
    let indexes = bbs::check_indexes(&indexes, l)?;
    let undisclosed = complement(&indexes, l);
    if undisclosed.len() != proof.bbs.undisclosed_count() {
        return Err(Error::VerificationFailed);
    }
    let positions = hidden_positions(statements, &undisclosed)?;
    let c = proof.bbs.challenge();
    let mut commitments = Vec::with_capacity(statements.len());
    for (i, ((st, pp), &p)) in statements
        .iter()
        .zip(&proof.predicates)
        .zip(&positions)
        .enumerate()
    {
        commitments.push(predicate::recompute(i, st, pp, &proof.bbs.m_hat()[p], c)?);
    }
    let ph = predicate::transcript(context, statements, &commitments);
    bbs::core_proof_verify::<C>(
        pk, &proof.bbs, generators, header, &ph, &messages, &indexes, api_id,
    )?;
    predicate::check_pairings(statements, &proof.predicates, rng)
}
