//! Ciphersuites (draft §7.2): the two BLS12-381 suites differ only in `expand_message` and in
//! their identifier, so one trait carries exactly those two facts. Also the `api_id` of the
//! draft's message interface (§3.5), which every operation of that interface is keyed by.

use bls12_381::hash_to_curve::{ExpandMessage, ExpandMsgXmd, ExpandMsgXof, HashToCurve};
use bls12_381::G1Projective;
use sha2::digest::typenum::U32;

use super::error::Error;

/// The suffix that makes the `api_id` of the draft's hash-to-scalar message interface
/// (draft §3.5): `api_id = ciphersuite_id || "H2G_HM2S_"`.
pub const H2G_HM2S: &[u8] = b"H2G_HM2S_";

/// `api_id` of the draft's message interface for ciphersuite `C`.
pub fn api_id<C: Ciphersuite>() -> Vec<u8> {
    [C::ID, H2G_HM2S].concat()
}

mod sealed {
    pub trait Sealed {}
}

/// A BBS ciphersuite over BLS12-381 (draft §7).
///
/// Implemented by the marker types [`Bls12381Sha256`] and [`Bls12381Shake256`]; sealed, since
/// the draft defines exactly these two. Every operation of the crate is generic over it.
pub trait Ciphersuite:
    sealed::Sealed + Copy + Clone + Default + core::fmt::Debug + Send + Sync + 'static
{
    /// The draft's `ciphersuite_id`.
    const ID: &'static [u8];
    /// The RFC 9380 `expand_message` variant of the suite.
    #[doc(hidden)]
    type Expander: ExpandMessage;
    /// The largest output `expand_message` may produce for this suite (RFC 9380 §5.3).
    const MAX_EXPAND_LEN: usize;

    /// `expand_message(msg, dst, len_in_bytes)` of RFC 9380 §5.3, where `msg` is the
    /// concatenation of `msg_parts`.
    fn expand_message(msg_parts: &[&[u8]], dst: &[u8], len: usize) -> Result<Vec<u8>, Error> {
        if len == 0 || len > Self::MAX_EXPAND_LEN {
            return Err(Error::ExpandLengthTooLarge { requested: len });
        }
        if dst.len() > 255 {
            return Err(Error::DstTooLong { actual: dst.len() });
        }
        let mut out = vec![0u8; len];
        let mut x = <Self::Expander as ExpandMessage>::init_expand::<_, U32>(
            msg_parts.iter().copied(),
            dst,
            len,
        );
        x.read_into(&mut out);
        Ok(out)
    }

    /// `hash_to_curve_g1(msg, dst)`: the suite's RFC 9380 hash-to-curve suite
    /// (`BLS12381G1_XMD:SHA-256_SSWU_RO_` or `BLS12381G1_XOF:SHAKE-256_SSWU_RO_`).
    fn hash_to_curve_g1(msg: &[u8], dst: &[u8]) -> G1Projective {
        <G1Projective as HashToCurve<Self::Expander>>::hash_to_curve([msg], dst)
    }
}

/// `BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_` (draft §7.2.2): expand_message_xmd with SHA-256.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bls12381Sha256;

/// `BBS_BLS12381G1_XOF:SHAKE-256_SSWU_RO_` (draft §7.2.1): expand_message_xof with SHAKE-256.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bls12381Shake256;

impl sealed::Sealed for Bls12381Sha256 {}
impl sealed::Sealed for Bls12381Shake256 {}

impl Ciphersuite for Bls12381Sha256 {
    const ID: &'static [u8] = b"BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_";
    type Expander = ExpandMsgXmd<sha2::Sha256>;
    // ell = ceil(len / 32) <= 255.
    const MAX_EXPAND_LEN: usize = 255 * 32;
}

impl Ciphersuite for Bls12381Shake256 {
    const ID: &'static [u8] = b"BBS_BLS12381G1_XOF:SHAKE-256_SSWU_RO_";
    type Expander = ExpandMsgXof<sha3::Shake256>;
    const MAX_EXPAND_LEN: usize = 65535;
}
