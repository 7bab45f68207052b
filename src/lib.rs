//! healthpass: privacy-preserving, selective-disclosure travel-health credentials built on
//! BBS signatures (`draft-irtf-cfrg-bbs-signatures`) over BLS12-381.
//!
//! Layers, from the bottom: [`bbs`] (the IETF draft, byte for byte).
#![deny(missing_docs, unsafe_code)]

pub mod bbs;
pub mod credential;
pub mod presentation;
