//! Batch verification of proofs (draft §3.6.4 CoreProofVerify, many at once).
//!
//! Each proof's challenge is recomputed (ProofVerifyInit, §3.7.3, and the challenge,
//! §3.7.4): the proof carries the challenge, not `T1` and `T2`, so every proof's sums must
//! be computed. From eight long proofs on (about 45 messages or more) they are computed
//! together, in affine coordinates with shared inversions (the group layer's
//! `VartimePlan::run_many`): the
//! same points for fewer field operations. The pairing equations
//! `h(Abar_i, W_i) * h(Bbar_i, -BP2) = 1` are combined with random 128-bit coefficients `r_i`
//! (the small-exponent test) into
//!
//! ```text
//! prod_W h(sum_{i: W_i = W} r_i * Abar_i, W) * h(sum_i r_i * Bbar_i, -BP2) = 1
//! ```
//!
//! one multi-Miller loop over the distinct public keys plus one, and one final
//! exponentiation. A batch with an invalid proof passes with probability at most `2^-128`.
//! When the combined check fails, the batch is bisected to name the failing proofs.

use bls12_381::{G1Affine, G2Affine, G2Prepared, Scalar};
use rand_core::CryptoRng;
use std::sync::Arc;

use super::ciphersuite::{api_id, Ciphersuite};
use super::error::Error;
use super::generators::{Generators, MAX_MESSAGES};
use super::hash::messages_to_scalars;
use super::keys::PublicKey;
use super::proof::Proof;
use super::proof_verify::{check_challenges, ChallengeCheck};
use crate::group::{msm_vartime, pairing_product_is_identity, prepared_g2, BP2_PREPARED};

/// One proof to check in a batch, with what [`proof_verify`](super::proof_verify) takes
/// (the draft's message interface, draft §3.5.4).
#[derive(Clone, Copy, Debug)]
pub struct BatchItem<'a> {
    /// The issuer's public key.
    pub pk: &'a PublicKey,
    /// The proof.
    pub proof: &'a Proof,
    /// The signature's header.
    pub header: &'a [u8],
    /// The presentation header the proof binds.
    pub presentation_header: &'a [u8],
    /// The disclosed messages, paired with `disclosed_indexes`.
    pub disclosed_messages: &'a [&'a [u8]],
    /// The indexes of the disclosed messages, in any order.
    pub disclosed_indexes: &'a [usize],
}

/// One proof to check in a batch over message scalars, with what
/// [`core_proof_verify`](super::core_proof_verify) takes (any interface).
#[derive(Clone, Copy, Debug)]
pub struct CoreBatchItem<'a> {
    /// The issuer's public key.
    pub pk: &'a PublicKey,
    /// The proof.
    pub proof: &'a Proof,
    /// The interface's generators for all `L` messages.
    pub generators: &'a Generators,
    /// The signature's header.
    pub header: &'a [u8],
    /// The presentation header the proof binds.
    pub presentation_header: &'a [u8],
    /// The disclosed message scalars, paired with `disclosed_indexes`.
    pub disclosed_messages: &'a [Scalar],
    /// The indexes of the disclosed messages, in any order.
    pub disclosed_indexes: &'a [usize],
    /// The interface's `api_id`.
    pub api_id: &'a [u8],
}

/// Verifies many proofs at once (draft §3.5.4 ProofVerify for each, with the pairing
/// checks combined by random linear combination), with coefficients from the thread's
/// cryptographic generator. `Ok(())` when every proof is valid; otherwise
/// [`Error::BatchVerificationFailed`] with the positions of exactly the invalid proofs
/// (up to the test's `2^-128` error).
///
/// ```
/// use healthpass::bbs::{self, BatchItem, Bls12381Sha256};
/// let sk = bbs::keygen::<Bls12381Sha256>(&[5u8; 32], b"", None)?;
/// let pk = sk.public_key();
/// let messages: [&[u8]; 2] = [b"Ada", b"EU/1/20/1528"];
/// let sig = bbs::sign::<Bls12381Sha256>(&sk, &pk, b"", &messages)?;
/// let proofs: Vec<_> = (0..3)
///     .map(|_| bbs::proof_gen::<Bls12381Sha256>(&pk, &sig, b"", b"n", &messages, &[1], &mut rand::rng()))
///     .collect::<Result<_, _>>()?;
/// let shown = [messages[1]];
/// let items: Vec<BatchItem> = proofs
///     .iter()
///     .map(|proof| BatchItem {
///         pk: &pk,
///         proof,
///         header: b"",
///         presentation_header: b"n",
///         disclosed_messages: &shown,
///         disclosed_indexes: &[1],
///     })
///     .collect();
/// bbs::batch_proof_verify::<Bls12381Sha256>(&items)?;
/// # Ok::<(), bbs::Error>(())
/// ```
pub fn batch_proof_verify<C: Ciphersuite>(items: &[BatchItem<'_>]) -> Result<(), Error> {
    batch_proof_verify_with_rng::<C>(items, &mut rand::rng())
}

/// [`batch_proof_verify`] with the coefficients drawn from `rng`.
///
/// # Security
/// `rng` must be a cryptographically secure generator whose output the provers cannot
/// predict: known coefficients let a forger craft proofs that cancel out in the batch.
pub fn batch_proof_verify_with_rng<C: Ciphersuite>(
    items: &[BatchItem<'_>],
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    let api_id = api_id::<C>();
    // Each proof's disclosed message scalars and generators (or why it fails).
    let inputs: Vec<Result<(Vec<Scalar>, Generators), Error>> = items
        .iter()
        .map(|item| {
            let l = item
                .proof
                .undisclosed_count()
                .checked_add(item.disclosed_indexes.len())
                .ok_or(Error::TooManyMessages {
                    actual: usize::MAX,
                    max: MAX_MESSAGES,
                })?;
            let scalars = messages_to_scalars::<C>(item.disclosed_messages, &api_id)?;
            Ok((scalars, Generators::new::<C>(l, &api_id)?))
        })
        .collect();
    let checks: Vec<ChallengeCheck<'_>> = items
        .iter()
        .zip(&inputs)
        .filter_map(|(item, input)| {
            let (scalars, generators) = input.as_ref().ok()?;
            Some(ChallengeCheck {
                pk: item.pk,
                proof: item.proof,
                generators,
                header: item.header,
                presentation_header: item.presentation_header,
                disclosed_messages: scalars,
                disclosed_indexes: item.disclosed_indexes,
                api_id: &api_id,
            })
        })
        .collect();
    let mut results = check_challenges::<C>(&checks).into_iter();
    let checked = inputs.iter().map(|input| match input {
        Ok(_) => results.next().unwrap_or(Err(Error::VerificationFailed)),
        Err(e) => Err(e.clone()),
    });
    let pairs = items.iter().map(|item| (item.pk, item.proof));
    combine(checked, pairs, rng)
}

/// Batch CoreProofVerify (draft §3.6.4) over message scalars, for any interface; see
/// [`batch_proof_verify`].
///
/// # Security
/// As for [`batch_proof_verify_with_rng`].
pub fn core_batch_proof_verify<C: Ciphersuite>(
    items: &[CoreBatchItem<'_>],
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    let checks: Vec<ChallengeCheck<'_>> = items
        .iter()
        .map(|item| ChallengeCheck {
            pk: item.pk,
            proof: item.proof,
            generators: item.generators,
            header: item.header,
            presentation_header: item.presentation_header,
            disclosed_messages: item.disclosed_messages,
            disclosed_indexes: item.disclosed_indexes,
            api_id: item.api_id,
        })
        .collect();
    let checked = check_challenges::<C>(&checks).into_iter();
    let pairs = items.iter().map(|item| (item.pk, item.proof));
    combine(checked, pairs, rng)
}

/// A proof whose challenge checked, waiting for the combined pairing check.
struct Pending {
    position: usize,
    key: usize,
    a_bar: G1Affine,
    b_bar: G1Affine,
    r: Scalar,
}

/// Runs the per-proof checks, then the combined pairing check with bisection.
fn combine<'a>(
    checked: impl Iterator<Item = Result<(), Error>>,
    pairs: impl Iterator<Item = (&'a PublicKey, &'a Proof)>,
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    let mut failed = Vec::new();
    let mut keys: Vec<(G2Affine, Arc<G2Prepared>)> = Vec::new();
    let mut pending = Vec::new();
    for (position, (result, (pk, proof))) in checked.zip(pairs).enumerate() {
        if result.is_err() {
            failed.push(position);
            continue;
        }
        let key = match keys.iter().position(|(w, _)| w == pk.point()) {
            Some(k) => k,
            None => {
                keys.push((*pk.point(), prepared_g2(pk.point())));
                keys.len() - 1
            }
        };
        pending.push(Pending {
            position,
            key,
            a_bar: proof.a_bar,
            b_bar: proof.b_bar,
            r: coefficient(rng),
        });
    }
    if !pending.is_empty() && !holds(&pending, &keys) {
        let mut bad = Vec::new();
        bisect(&pending, &|set| holds(set, &keys), 0, &mut bad);
        failed.extend(bad.into_iter().map(|i| pending[i].position));
    }
    if failed.is_empty() {
        Ok(())
    } else {
        failed.sort_unstable();
        Err(Error::BatchVerificationFailed { failed })
    }
}

/// A uniformly random non-zero coefficient below `2^128`.
fn coefficient(rng: &mut impl CryptoRng) -> Scalar {
    loop {
        let r = Scalar::from_raw([rng.next_u64(), rng.next_u64(), 0, 0]);
        if r != Scalar::zero() {
            return r;
        }
    }
}

/// The combined pairing check over `set`: one multi-Miller loop, one final exponentiation.
/// Variable time; every input is public except the coefficients, whose only role is to be
/// unpredictable before the proofs are fixed.
fn holds(set: &[Pending], keys: &[(G2Affine, Arc<G2Prepared>)]) -> bool {
    let mut g1 = Vec::new();
    let mut g2 = Vec::new();
    for (k, (_, prepared)) in keys.iter().enumerate() {
        let (points, scalars): (Vec<G1Affine>, Vec<Scalar>) = set
            .iter()
            .filter(|p| p.key == k)
            .map(|p| (p.a_bar, p.r))
            .unzip();
        if !points.is_empty() {
            g1.push(msm_vartime(&points, &scalars));
            g2.push(&**prepared);
        }
    }
    let (points, scalars): (Vec<G1Affine>, Vec<Scalar>) =
        set.iter().map(|p| (p.b_bar, p.r)).unzip();
    g1.push(msm_vartime(&points, &scalars));
    g2.push(&BP2_PREPARED.1);
    let mut affine = vec![G1Affine::identity(); g1.len()];
    bls12_381::G1Projective::batch_normalize(&g1, &mut affine);
    let terms: Vec<(&G1Affine, &G2Prepared)> = affine.iter().zip(g2).collect();
    pairing_product_is_identity(&terms)
}

/// `set` fails a combined check `holds` (a product of checks, so it holds for a union
/// exactly when it holds for each part, up to the weights' error): pushes the positions
/// (`offset` + index) of its failing members. When one half passes, the other must fail,
/// so it is split without being checked.
pub(crate) fn bisect<T>(
    set: &[T],
    holds: &dyn Fn(&[T]) -> bool,
    offset: usize,
    failed: &mut Vec<usize>,
) {
    if set.len() <= 1 {
        failed.extend((0..set.len()).map(|i| offset + i));
        return;
    }
    let middle = set.len() / 2;
    let (left, right) = set.split_at(middle);
    if holds(left) {
        bisect(right, holds, offset + middle, failed);
    } else {
        bisect(left, holds, offset, failed);
        if !holds(right) {
            bisect(right, holds, offset + middle, failed);
        }
    }
}
