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
#![doc = include_str!("../../docs/notes/or-proofs.md")]

mod error;
pub mod formula;
pub mod predicate;
#[cfg(test)]
mod tests;
pub mod weak_bb;

pub use error::Error;
pub use formula::{
    prove_formula, verify_formula, verify_formula_deferred, AtomProof, BranchProof, DeferredChecks,
    EqualityStatement, Formula, FormulaProof, LinkProof, LinkedFormulaProof, NotEqualProof,
    MAX_FORMULA_DEPTH, MAX_FORMULA_NODES, PEDERSEN_API_ID, TRANSCRIPT_LABEL_V2,
};
pub use predicate::{
    DigitPairings, DigitProof, PredicateProof, PredicateStatement, MAX_DIGITS, TRANSCRIPT_LABEL,
};
pub use weak_bb::{SetKind, SignedSet, MAX_SET_SIZE};

use bls12_381::Scalar;
use rand_core::CryptoRng;

use crate::bbs::{Ciphersuite, Generators, PreparedSignature, Proof, PublicKey};
pub(crate) use formula::Prover;

/// A BBS proof together with the predicate proofs that share its challenge (the proof of a
/// plain AND of predicates, [`Formula::All`] of [`Formula::Predicate`]s).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedProof {
    /// The BBS proof; an ordinary draft proof whose presentation header is the predicate
    /// transcript.
    pub bbs: Proof,
    /// One proof per predicate statement, in statement order.
    pub predicates: Vec<PredicateProof>,
}

pub(crate) fn complement(disclosed: &[usize], count: usize) -> Vec<usize> {
    (0..count)
        .filter(|i| disclosed.binary_search(i).is_err())
        .collect()
}

/// The formula that requires every statement.
fn conjunction(statements: &[PredicateStatement]) -> Formula {
    Formula::All(statements.iter().cloned().map(Formula::Predicate).collect())
}

/// Proves knowledge of the prepared signature, discloses the messages at
/// `disclosed_indexes`, and proves every statement over hidden messages, all under one
/// challenge bound to `context`: [`prove_formula`] for the AND of the statements.
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

pub(crate) fn prove_inner<C: Ciphersuite>(
    prepared: &PreparedSignature<C>,
    disclosed_indexes: &[usize],
    statements: &[PredicateStatement],
    context: &[u8],
    rng: &mut impl CryptoRng,
    prover: Prover,
) -> Result<LinkedProof, Error> {
    let linked = formula::prove_inner(
        prepared,
        disclosed_indexes,
        &conjunction(statements),
        context,
        rng,
        prover,
    )?;
    Ok(LinkedProof {
        bbs: linked.bbs,
        predicates: linked
            .formula
            .atoms
            .into_iter()
            .filter_map(|a| match a {
                AtomProof::Predicate(p) => Some(p),
                _ => None,
            })
            .collect(),
    })
}

/// Verifies a [`LinkedProof`] ([`verify_formula`] for the AND of the statements):
/// recomputes every sub-proof's commitments from the BBS challenge and the BBS response of
/// its hidden message, rebuilds the transcript (the BBS presentation header), verifies the
/// BBS proof, and checks every digit's pairing equation in one batched pairing product
/// (`rng` draws the batching weights).
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
    verify_formula::<C>(
        pk,
        &as_formula_proof(proof, statements)?,
        generators,
        header,
        disclosed_messages,
        disclosed_indexes,
        &conjunction(statements),
        context,
        api_id,
        rng,
    )
}

/// [`verify`] without its two closing checks ([`verify_formula_deferred`] for the AND of
/// the statements): the proof is valid when this returns `Ok` and the returned
/// [`DeferredChecks`] pass (alone, or in a batch with other proofs' checks).
pub fn verify_deferred<C: Ciphersuite>(
    proof: &LinkedProof,
    message_count: usize,
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    statements: &[PredicateStatement],
    context: &[u8],
) -> Result<DeferredChecks, Error> {
    verify_formula_deferred::<C>(
        &as_formula_proof(proof, statements)?,
        message_count,
        disclosed_messages,
        disclosed_indexes,
        &conjunction(statements),
        context,
    )
}

/// A [`LinkedProof`] as the proof of the AND of its statements.
fn as_formula_proof(
    proof: &LinkedProof,
    statements: &[PredicateStatement],
) -> Result<LinkedFormulaProof, Error> {
    if proof.predicates.len() != statements.len() {
        return Err(Error::WrongShape {
            predicate: proof.predicates.len().min(statements.len()),
        });
    }
    Ok(LinkedFormulaProof {
        bbs: proof.bbs.clone(),
        formula: FormulaProof {
            links: Vec::new(),
            branches: Vec::new(),
            atoms: proof
                .predicates
                .iter()
                .cloned()
                .map(AtomProof::Predicate)
                .collect(),
        },
    })
}
