//! healthpass: privacy-preserving, selective-disclosure travel-health credentials built on
//! BBS signatures (`draft-irtf-cfrg-bbs-signatures`) over BLS12-381.
//!
//! Layers, from the bottom: the group arithmetic (internal: constant-time and variable-time
//! sums in G1, pairing checks), [`bbs`] (the IETF draft, byte for byte), [`zk`] (predicates
//! over hidden attributes, linked to the BBS proof), [`credential`] (schemas, typed
//! attributes, the travel-health profile, issuance) and [`presentation`] (requests,
//! presentations, verification, wire formats). Each layer uses only the layers below it.
//! Beside them, [`certlogic`] is the plaintext reference evaluator of the EU DCC business
//! rules (CertLogic), and [`untrusted`] shows text from files safely.
#![deny(missing_docs, unsafe_code)]

// The group layer is internal: only its `bench_internals` module is public, hidden, and not
// part of the stable API.
#[doc(hidden)]
pub mod group;

pub mod bbs;
pub mod certlogic;
pub mod credential;
pub mod presentation;
pub mod untrusted;
pub mod zk;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
