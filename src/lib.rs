//! healthpass: privacy-preserving, selective-disclosure travel-health credentials built on
//! BBS signatures (`draft-irtf-cfrg-bbs-signatures`) over BLS12-381.
//!
//! Layers, from the bottom: [`bbs`] (the IETF draft, byte for byte) and [`zk`]
//! (predicates over hidden attributes, linked to the BBS proof).
#![deny(missing_docs, unsafe_code)]

pub mod bbs;
pub mod zk;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
