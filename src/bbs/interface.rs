//! The draft's message interface (draft §3.5): Sign, Verify, ProofGen and ProofVerify over
//! octet-string messages, each the hash of the messages to scalars
//! (`api_id = ciphersuite_id || "H2G_HM2S_"`), the generators, and the core operation.

use rand_core::CryptoRng;

use super::challenge::check_indexes;
use super::ciphersuite::{api_id, Ciphersuite};
use super::error::Error;
use super::generators::{Generators, MAX_MESSAGES};
use super::hash::messages_to_scalars;
use super::keys::{PublicKey, SecretKey};
use super::proof::Proof;
use super::proof_gen::core_proof_gen;
use super::proof_verify::core_proof_verify;
use super::random_scalars::ProofRandomScalars;
use super::signature::{core_sign, core_verify, Signature};

/// Sign (draft §3.5.1): signs octet-string messages under a header.
///
/// ```text
/// api_id = ciphersuite_id || "H2G_HM2S_"
/// message_scalars = messages_to_scalars(messages, api_id)
/// generators = create_generators(length(messages) + 1, api_id)
/// signature = CoreSign(SK, PK, generators, header, message_scalars, api_id)
/// ```
pub fn sign<C: Ciphersuite>(
    sk: &SecretKey,
    pk: &PublicKey,
    header: &[u8],
    messages: &[&[u8]],
) -> Result<Signature, Error> {
    let api_id = api_id::<C>();
    let scalars = messages_to_scalars::<C>(messages, &api_id)?;
    let generators = Generators::new::<C>(messages.len(), &api_id)?;
    core_sign::<C>(sk, pk, &generators, header, &scalars, &api_id)
}

/// Verify (draft §3.5.2): `Ok(())` when `signature` is valid for `messages` under `header`
/// and `pk`, [`Error::VerificationFailed`] otherwise.
pub fn verify<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    messages: &[&[u8]],
) -> Result<(), Error> {
    let api_id = api_id::<C>();
    let scalars = messages_to_scalars::<C>(messages, &api_id)?;
    let generators = Generators::new::<C>(messages.len(), &api_id)?;
    core_verify::<C>(pk, signature, &generators, header, &scalars, &api_id)
}

/// ProofGen (draft §3.5.3): a fresh zero-knowledge proof of `signature` that discloses the
/// messages at `disclosed_indexes` (any order; no repeats; each below `messages.len()`)
/// and binds `presentation_header`.
///
/// # Security
/// `rng` must be a cryptographically secure generator; every call gives an unlinkable proof.
pub fn proof_gen<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    presentation_header: &[u8],
    messages: &[&[u8]],
    disclosed_indexes: &[usize],
    rng: &mut impl CryptoRng,
) -> Result<Proof, Error> {
    let api_id = api_id::<C>();
    let scalars = messages_to_scalars::<C>(messages, &api_id)?;
    let generators = Generators::new::<C>(messages.len(), &api_id)?;
    let disclosed = check_indexes(disclosed_indexes, messages.len())?;
    let random = ProofRandomScalars::random(rng, messages.len() - disclosed.len());
    core_proof_gen::<C>(
        pk,
        signature,
        &generators,
        header,
        presentation_header,
        &scalars,
        &disclosed,
        random,
        &api_id,
    )
}

/// ProofVerify (draft §3.5.4): `Ok(())` when `proof` is valid for the disclosed messages
/// (paired with `disclosed_indexes`, in any order) under `header`, `presentation_header`
/// and `pk`. The total number of messages is `U + R`, with `U` read from the proof length.
pub fn proof_verify<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    presentation_header: &[u8],
    disclosed_messages: &[&[u8]],
    disclosed_indexes: &[usize],
) -> Result<(), Error> {
    let api_id = api_id::<C>();
    let l = proof
        .undisclosed_count()
        .checked_add(disclosed_indexes.len())
        .ok_or(Error::TooManyMessages {
            actual: usize::MAX,
            max: MAX_MESSAGES,
        })?;
    if disclosed_messages.len() != disclosed_indexes.len() {
        return Err(Error::MessageCountMismatch {
            expected: disclosed_indexes.len(),
            actual: disclosed_messages.len(),
        });
    }
    let scalars = messages_to_scalars::<C>(disclosed_messages, &api_id)?;
    let generators = Generators::new::<C>(l, &api_id)?;
    core_proof_verify::<C>(
        pk,
        proof,
        &generators,
        header,
        presentation_header,
        &scalars,
        disclosed_indexes,
        &api_id,
    )
}
