//! What the prover and the verifier compute alike: ProofChallengeCalculate (draft §3.7.4)
//! over the public [`ProofInitResult`] of ProofInit (§3.7.1) or ProofVerifyInit (§3.7.3),
//! and the checks of the disclosed indexes both sides make before hashing them.

use bls12_381::{G1Affine, Scalar};

use super::ciphersuite::Ciphersuite;
use super::error::Error;
use super::hash::{h2s_dst, hash_to_scalar};
use super::octets::Serializer;

/// The public output of ProofInit and ProofVerifyInit: `(Abar, Bbar, D, T1, T2, domain)`,
/// which the challenge hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofInitResult {
    /// `Abar`.
    pub a_bar: G1Affine,
    /// `Bbar`.
    pub b_bar: G1Affine,
    /// `D`.
    pub d: G1Affine,
    /// `T1`.
    pub t1: G1Affine,
    /// `T2`.
    pub t2: G1Affine,
    /// `domain`.
    pub domain: Scalar,
}

/// Checks indexes the caller promises are strictly ascending and below `count` (`L`): the
/// first repeat is [`Error::DuplicateIndex`], the first descent [`Error::UnsortedIndexes`],
/// then an index too large [`Error::IndexOutOfRange`] (the largest).
pub(crate) fn check_ascending(indexes: &[usize], count: usize) -> Result<(), Error> {
    if let Some(w) = indexes.windows(2).find(|w| w[0] >= w[1]) {
        return Err(if w[0] == w[1] {
            Error::DuplicateIndex { index: w[1] }
        } else {
            Error::UnsortedIndexes { index: w[1] }
        });
    }
    match indexes.last() {
        Some(&max) if max >= count => Err(Error::IndexOutOfRange { index: max, count }),
        _ => Ok(()),
    }
}

/// Sorts disclosed indexes (with their messages, if given) and checks them against `L`:
/// every index below `L`, none repeated.
pub(crate) fn check_indexes(indexes: &[usize], count: usize) -> Result<Vec<usize>, Error> {
    let mut sorted = indexes.to_vec();
    sorted.sort_unstable();
    for w in sorted.windows(2) {
        if w[0] == w[1] {
            return Err(Error::DuplicateIndex { index: w[0] });
        }
    }
    if let Some(&max) = sorted.last() {
        if max >= count {
            return Err(Error::IndexOutOfRange { index: max, count });
        }
    }
    Ok(sorted)
}

/// ProofChallengeCalculate (draft §3.7.4).
///
/// ```text
/// c_arr = (R, i1, msg_i1, ..., iR, msg_iR, Abar, Bbar, D, T1, T2, domain)
/// c_octs = serialize(c_arr) || I2OSP(length(ph), 8) || ph
/// challenge = hash_to_scalar(c_octs, api_id || "H2S_")
/// ```
/// `disclosed_indexes` must be ascending, with `disclosed_messages` in the same order.
pub fn proof_challenge_calculate<C: Ciphersuite>(
    init_res: &ProofInitResult,
    disclosed_indexes: &[usize],
    disclosed_messages: &[Scalar],
    presentation_header: &[u8],
    api_id: &[u8],
) -> Result<Scalar, Error> {
    proof_challenge_calculate_with::<C>(
        init_res,
        &ChallengeExtension::default(),
        disclosed_indexes,
        disclosed_messages,
        presentation_header,
        api_id,
    )
}

/// What an extension adds to the challenge (draft §3.7.4): points hashed after `T2` and
/// before `domain`, and octet strings appended, each length-prefixed, after the presentation
/// header. The pseudonym extension (draft-irtf-cfrg-bbs-per-verifier-linkability §8.1,
/// ProofWithPseudonymChallengeCalculate) adds `(pseudonym, Ut)` and `context_id`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChallengeExtension<'a> {
    /// Points serialized between `T2` and `domain`.
    pub points: &'a [G1Affine],
    /// Octet strings appended as `I2OSP(length(s), 8) || s` after the presentation header.
    pub suffixes: &'a [&'a [u8]],
}

/// ProofChallengeCalculate (draft §3.7.4) with an extension's inputs:
///
/// ```text
/// c_arr = (R, i1, msg_i1, ..., iR, msg_iR, Abar, Bbar, D, T1, T2, points..., domain)
/// c_octs = serialize(c_arr) || I2OSP(length(ph), 8) || ph
///          || I2OSP(length(s_1), 8) || s_1 || ...
/// challenge = hash_to_scalar(c_octs, api_id || "H2S_")
/// ```
/// With an empty extension this is [`proof_challenge_calculate`].
pub fn proof_challenge_calculate_with<C: Ciphersuite>(
    init_res: &ProofInitResult,
    extension: &ChallengeExtension<'_>,
    disclosed_indexes: &[usize],
    disclosed_messages: &[Scalar],
    presentation_header: &[u8],
    api_id: &[u8],
) -> Result<Scalar, Error> {
    if disclosed_indexes.len() != disclosed_messages.len() {
        return Err(Error::MessageCountMismatch {
            expected: disclosed_indexes.len(),
            actual: disclosed_messages.len(),
        });
    }
    let mut s = Serializer::new();
    s.integer(disclosed_indexes.len());
    for (&i, m) in disclosed_indexes.iter().zip(disclosed_messages) {
        s.integer(i).scalar(m);
    }
    for p in [
        &init_res.a_bar,
        &init_res.b_bar,
        &init_res.d,
        &init_res.t1,
        &init_res.t2,
    ] {
        s.point(p);
    }
    for p in extension.points {
        s.point(p);
    }
    s.scalar(&init_res.domain)
        .length_prefixed(presentation_header);
    for suffix in extension.suffixes {
        s.length_prefixed(suffix);
    }
    hash_to_scalar::<C>(s.as_bytes(), &h2s_dst(api_id))
}

/// Pairs disclosed indexes with their messages and sorts them by index, rejecting repeats.
pub(crate) fn sort_disclosed(
    indexes: &[usize],
    messages: &[Scalar],
) -> Result<(Vec<usize>, Vec<Scalar>), Error> {
    if indexes.len() != messages.len() {
        return Err(Error::MessageCountMismatch {
            expected: indexes.len(),
            actual: messages.len(),
        });
    }
    let mut pairs: Vec<(usize, Scalar)> = indexes
        .iter()
        .copied()
        .zip(messages.iter().copied())
        .collect();
    pairs.sort_unstable_by_key(|(i, _)| *i);
    if let Some(w) = pairs.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Error::DuplicateIndex { index: w[0].0 });
    }
    Ok(pairs.into_iter().unzip())
}
