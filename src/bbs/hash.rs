//! Hashing to scalars (draft §4.1 and §4.2): `hash_to_scalar`, `messages_to_scalars`, and the
//! random scalars of proof generation.

use bls12_381::Scalar;
use rand_core::CryptoRng;

use super::ciphersuite::Ciphersuite;
use super::error::Error;
use super::octets::os2ip_mod_r;

/// `expand_len` of the draft: `ceil((ceil(log2(r)) + k) / 8)` = 48 for both suites.
pub const EXPAND_LEN: usize = 48;

/// Suffix of the `hash_to_scalar` DST for signatures, domains and challenges.
pub const H2S_DST_SUFFIX: &[u8] = b"H2S_";
/// Suffix of the `messages_to_scalars` DST.
pub const MAP_DST_SUFFIX: &[u8] = b"MAP_MSG_TO_SCALAR_AS_HASH_";

/// `hash_to_scalar(msg_octets, dst)` (draft §4.2.2): `OS2IP(expand_message(msg, dst, 48)) mod r`.
///
/// Fails with [`Error::DstTooLong`] when `dst` is longer than 255 octets.
pub fn hash_to_scalar<C: Ciphersuite>(msg: &[u8], dst: &[u8]) -> Result<Scalar, Error> {
    let mut uniform = C::expand_message(&[msg], dst, EXPAND_LEN)?;
    let s = os2ip_mod_r(&uniform);
    zeroize::Zeroize::zeroize(&mut uniform);
    Ok(s)
}

/// The DST `api_id || "H2S_"` used for the signature's `e`, the domain and the challenge.
pub(crate) fn h2s_dst(api_id: &[u8]) -> Vec<u8> {
    [api_id, H2S_DST_SUFFIX].concat()
}

/// `messages_to_scalars(messages, api_id)` (draft §4.1.2): each message hashed with
/// `hash_to_scalar` under the DST `api_id || "MAP_MSG_TO_SCALAR_AS_HASH_"`.
pub fn messages_to_scalars<C: Ciphersuite>(
    messages: &[&[u8]],
    api_id: &[u8],
) -> Result<Vec<Scalar>, Error> {
    let dst = [api_id, MAP_DST_SUFFIX].concat();
    messages
        .iter()
        .map(|m| hash_to_scalar::<C>(m, &dst))
        .collect()
}

/// `calculate_random_scalars(count)` (draft §4.2.1): `count` uniformly random scalars,
/// each reduced from 64 random octets (statistical distance below 2^-128).
pub fn calculate_random_scalars(rng: &mut impl CryptoRng, count: usize) -> Vec<Scalar> {
    let mut buf = [0u8; 64];
    let out = (0..count)
        .map(|_| {
            rng.fill_bytes(&mut buf);
            Scalar::from_bytes_wide(&buf)
        })
        .collect();
    zeroize::Zeroize::zeroize(&mut buf);
    out
}
