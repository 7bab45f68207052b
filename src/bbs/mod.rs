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
//! (verification); the arithmetic itself is the crate's group layer, below this module, and
//! the code here only chooses which kind of multiplication each step of the draft uses.
//!
//! # Modules, bottom up
//!
//! Each module uses only modules above it in this list (and the group layer):
//!
//! - `error`: the error type;
//! - `ciphersuite`: the two suites (§7.2) and the message interface's `api_id` (§3.5);
//! - `octets` (public): encodings and `serialize` (§4.2.4.1, App. B.2);
//! - `hash`: `hash_to_scalar`, `messages_to_scalars`, `calculate_random_scalars` (§4.1.2,
//!   §4.2.1, §4.2.2);
//! - `generators`: `create_generators` and `P1` (§4.1.1), cached;
//! - `keys`: KeyGen, SkToPk, the public key's octets (§3.4, §4.2.4.6);
//! - `signature`: the signature and its octets, `calculate_domain`, CoreSign, CoreVerify
//!   (§3.6.1, §3.6.2, §4.2.3, §4.2.4.2-3);
//! - `proof`: the proof and its octets (§4.2.4.4-5);
//! - `challenge`: ProofChallengeCalculate (§3.7.4) over [`ProofInitResult`], and the
//!   disclosed-index checks both sides make;
//! - `random_scalars`: the prover's random scalars;
//! - `prover`: ProofInit's group operations, for fresh and prepared credentials;
//! - `proof_gen`: ProofInit, ProofFinalize, CoreProofGen (§3.7.1, §3.7.2, §3.6.3);
//! - `proof_verify`: ProofVerifyInit, CoreProofVerify (§3.7.3, §3.6.4);
//! - `prepared`: [`PreparedSignature`];
//! - `batch`: [`batch_proof_verify`];
//! - `interface`: Sign, Verify, ProofGen, ProofVerify over octet messages (§3.5);
//! - [`blind`] (public): blind signatures (`draft-irtf-cfrg-bbs-blind-signatures`), the
//!   core's operations over the generators `(Q_1, H..., Q_2, J...)`;
//! - [`nym`] (public): per-verifier pseudonyms
//!   (`draft-irtf-cfrg-bbs-per-verifier-linkability`), on `blind` and the core's proof steps
//!   with an extended challenge ([`proof_challenge_calculate_with`]).
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
pub(crate) use batch::bisect;
pub mod blind;
mod challenge;
mod ciphersuite;
mod error;
mod generators;
mod hash;
mod interface;
mod keys;
pub mod nym;
pub mod octets;
mod prepared;
mod proof;
mod proof_gen;
mod proof_verify;
mod prover;
mod random_scalars;
mod signature;

pub use batch::{
    batch_proof_verify, batch_proof_verify_with_rng, core_batch_proof_verify, BatchItem,
    CoreBatchItem,
};
pub use bls12_381::{G1Affine, G2Affine, Scalar};
pub(crate) use challenge::{check_indexes, sort_disclosed};
pub use challenge::{
    proof_challenge_calculate, proof_challenge_calculate_with, ChallengeExtension, ProofInitResult,
};
pub use ciphersuite::{api_id, Bls12381Sha256, Bls12381Shake256, Ciphersuite, H2G_HM2S};
pub use error::Error;
pub use generators::{create_generators, p1, Generators, MAX_MESSAGES};
pub use hash::{
    calculate_random_scalars, hash_to_scalar, messages_to_scalars, EXPAND_LEN, H2S_DST_SUFFIX,
    MAP_DST_SUFFIX,
};
pub use interface::{proof_gen, proof_verify, sign, verify};
pub use keys::{keygen, PublicKey, SecretKey};
pub use prepared::PreparedSignature;
pub use proof::{Proof, PROOF_BASE_LENGTH};
pub use proof_gen::{core_proof_gen, proof_init, ProofInit};
pub use proof_verify::{core_proof_verify, proof_pairing_check, proof_verify_init};
pub use random_scalars::ProofRandomScalars;
pub use signature::{calculate_domain, core_sign, core_verify, Signature, SIGNATURE_LENGTH};
