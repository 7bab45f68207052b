//! The BBS signature scheme of `draft-irtf-cfrg-bbs-signatures` (draft -09 numbering), over
//! BLS12-381, for both of the draft's ciphersuites.
//!
//! The public functions [`keygen`], [`sign`], [`verify`], [`proof_gen`] and [`proof_verify`]
//! are the draft's operations for the "hash messages to scalars" interface
//! (`api_id = ciphersuite_id || "H2G_HM2S_"`, draft §3.5). Underneath them sit the core
//! operations over message scalars ([`core_sign`], [`core_verify`], [`core_proof_gen`],
//! [`core_proof_verify`]) and the three steps of proof generation ([`proof_init`],
//! [`proof_challenge_calculate`], [`ProofInit::finalize`]) and verification
//! ([`proof_verify_init`]), which other interfaces and zero-knowledge extensions build on.
//!
//! For speed: a holder presenting one credential many times prepares it once
//! ([`PreparedSignature`]); a verifier with many proofs checks them together
//! ([`batch_proof_verify`]). Scalar multiplication is constant time wherever a scalar may be
//! secret (signing, proof generation) and variable time only where every scalar is public
//! (verification).
//!
//! ```
//! use healthpass::bbs::{self, Bls12381Sha256};
//! let sk = bbs::keygen::<Bls12381Sha256>(&[1u8; 32], b"", None)?;
//! let pk = sk.public_key();
//! let messages: [&[u8]; 3] = [b"Ada", b"1815-12-10", b"EU/1/20/1528"];
//! let sig = bbs::sign::<Bls12381Sha256>(&sk, &pk, b"header", &messages)?;
//! bbs::verify::<Bls12381Sha256>(&pk, &sig, b"header", &messages)?;
//! let proof = bbs::proof_gen::<Bls12381Sha256>(
//!     &pk, &sig, b"header", b"nonce", &messages, &[2], &mut rand::rng())?;
//! bbs::proof_verify::<Bls12381Sha256>(&pk, &proof, b"header", b"nonce", &[messages[2]], &[2])?;
//! # Ok::<(), bbs::Error>(())
//! ```

mod batch;
mod ciphersuite;
mod error;
mod fp;
mod generators;
mod glv;
pub(crate) mod group_ops;
mod hash;
mod keys;
#[cfg(test)]
mod limb_tests;
pub(crate) mod msm;
pub mod octets;
mod point;
mod prepared;
mod proof;
mod prover;
mod signature;
pub(crate) mod tables;
mod vartime;
pub(crate) mod wide;

pub use batch::{
    batch_proof_verify, batch_proof_verify_with_rng, core_batch_proof_verify, BatchItem,
    CoreBatchItem,
};
pub use bls12_381::{G1Affine, G2Affine, Scalar};
pub use ciphersuite::{Bls12381Sha256, Bls12381Shake256, Ciphersuite};
pub use error::Error;
pub use generators::{create_generators, p1, Generators, MAX_MESSAGES};
pub use hash::{
    calculate_random_scalars, hash_to_scalar, messages_to_scalars, EXPAND_LEN, H2S_DST_SUFFIX,
    MAP_DST_SUFFIX,
};
pub use keys::{keygen, PublicKey, SecretKey};
pub use prepared::PreparedSignature;
pub(crate) use proof::{check_indexes, sort_disclosed};
pub use proof::{
    core_proof_gen, core_proof_verify, proof_challenge_calculate, proof_init, proof_verify_init,
    Proof, ProofInit, ProofInitResult, ProofRandomScalars, PROOF_BASE_LENGTH,
};
pub use signature::{calculate_domain, core_sign, core_verify, Signature, SIGNATURE_LENGTH};

use rand_core::CryptoRng;

/// The suffix that makes the `api_id` of the draft's hash-to-scalar message interface
/// (draft §3.5): `api_id = ciphersuite_id || "H2G_HM2S_"`.
pub const H2G_HM2S: &[u8] = b"H2G_HM2S_";

/// `api_id` of the draft's message interface for ciphersuite `C`.
pub fn api_id<C: Ciphersuite>() -> Vec<u8> {
    [C::ID, H2G_HM2S].concat()
}

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
    let disclosed = proof::check_indexes(disclosed_indexes, messages.len())?;
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
