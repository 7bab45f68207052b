//! The group layer: G1 arithmetic of BLS12-381 for the layers above it ([`crate::bbs`],
//! [`crate::zk`]), which see only the handful of types and functions re-exported here, each
//! named by what it computes and whether it is constant time.
//!
//! Not part of the public API (the crate exposes `bls12_381`'s own types); the only public
//! part is [`bench_internals`], hidden from the documentation, for timing programs.
//!
//! # Modules, bottom up
//!
//! Each module uses only modules above it in this table (tests included).
//!
//! | module | what | timing |
//! |---|---|---|
//! | `fp` | the base field on six 64-bit limbs, Montgomery form | constant time, but for the verifier's inversion |
//! | `digits` | signed radix-`2^w` digits and the non-adjacent form of a scalar | signed digits constant time, NAF variable time |
//! | `point` | point formulas on limbs (affine table entries, projective accumulators) and the way back to `bls12_381` | constant time, but for the verifier's normalisation |
//! | `glv` | the GLV endomorphism `psi` and the split of a scalar into two halves | constant time |
//! | `vartime` | Straus over limbs: one sum, or many with shared inversions | variable time |
//! | `msm` | multi-scalar sums over arbitrary points | one constant-time, one variable-time form |
//! | `wide` | wide-window tables and their sums; fixed-base comb tables | constant time |
//! | `tables` | cached tables of the generators, sums over them, split tables of `A` and `B` | constant time |
//! | `plan` | the verifier's planned sums over generators and shared points | variable time |
//! | `pairing` | pairing-product checks, prepared `G2` points | public inputs |
//!
//! # The interface
//!
//! Constant time in every scalar (signing, proof generation, a holder's credential):
//!
//! - [`msm_ct`]: `sum points[i] * scalars[i]` over any points;
//! - [`fixed_msm_ct`], [`fixed_msm2_ct`] (two sums in one pass), [`fixed_msm_ct_point`] (left
//!   in limbs): sums over a generator sequence, through its cached tables;
//! - [`CombTable`]: the comb-table product `P * s` (and `acc + P * s`) of one prepared point,
//!   with no doubling, in limbs ([`Point`]; [`normalize`] or [`normalize_all`] go back to
//!   `bls12_381` with one inversion);
//! - [`SplitBases`]: products of a few points prepared for one proof (`A`, `B`), with the GLV
//!   split.
//!
//! Variable time, for public scalars and points only (verification):
//!
//! - [`msm_vartime`]: `sum points[i] * scalars[i]` over any points;
//! - [`msm_vartime_with_generators`]: one sum over generator sequences and other points;
//! - [`VartimePlan`] ([`Output`], [`GeneratorTerms`]): several sums over shared points,
//!   planned once, computed alone or many plans together.
//!
//! Pairings: [`pairing_product_is_identity`], [`prepared_g2`], [`BP2_PREPARED`].
//!
//! # Invariants
//!
//! Field elements in limbs are below `p`, in Montgomery form (`a * 2^384 mod p`). Table
//! entries are affine limbs (`x`, `y`); accumulators are homogeneous projective
//! `(X : Y : Z)`, identity `(0 : 1 : 0)`, with complete formulas. Every result leaves the
//! layer as a `bls12_381` point, decoded from limbs and checked to be on the curve; a failed
//! check (an arithmetic bug) makes the prover recompute with `bls12_381` and the verifier
//! reject.
//!
//! # Tests against `bls12_381`
//!
//! Each module's unit tests compare it with `bls12_381` (or, for `fp`, with a schoolbook
//! reference); `limb_tests` adds property tests with the edge inputs (scalars `0` and `r - 1`,
//! GLV boundaries, digit-carry windows, the identity, `P` with `-P`, `Z != 1`, every
//! exceptional case of the affine engine).

// The documentation above links to crate-internal items (`cargo doc --document-private-items`
// renders them); the module itself is hidden from the public documentation.
#![allow(rustdoc::private_intra_doc_links)]

mod digits;
mod fp;
mod glv;
mod msm;
mod pairing;
mod plan;
mod point;
mod tables;
mod vartime;
mod wide;

#[doc(hidden)]
pub mod bench_internals;

#[cfg(test)]
mod limb_tests;
#[cfg(test)]
mod testing;

pub(crate) use msm::{msm_ct, msm_vartime};
pub(crate) use pairing::{pairing_product_is_identity, prepared_g2, BP2_PREPARED};
pub(crate) use plan::{msm_vartime_with_generators, GeneratorTerms, Output, VartimePlan};
pub(crate) use point::{normalize, normalize_all, Point};
pub(crate) use tables::{fixed_msm2_ct, fixed_msm_ct, fixed_msm_ct_point, SplitBases};
pub(crate) use wide::CombTable;
