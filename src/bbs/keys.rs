//! Key generation (draft §3.4.1 KeyGen, §3.4.2 SkToPk) and the key types.

use core::fmt;

use bls12_381::{G2Affine, G2Projective, Scalar};
use group::Curve;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::ciphersuite::Ciphersuite;
use super::error::Error;
use super::hash::hash_to_scalar;
use super::octets::{octets_to_g2, octets_to_scalar, scalar_to_octets, OCTET_G2_POINT_LENGTH};

/// A BBS secret key: a non-zero scalar.
///
/// Zeroized on drop, compared in constant time, and its `Debug` prints nothing secret.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretKey(pub(crate) Scalar);

/// A BBS public key `W = SK * BP2`: a G2 point, never the identity.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PublicKey(pub(crate) G2Affine);

impl SecretKey {
    /// Decodes a secret key from 32 big-endian octets.
    ///
    /// Fails on a wrong length, a value `>= r` or zero.
    pub fn from_bytes(bytes: &[u8]) -> Result<SecretKey, Error> {
        let s = octets_to_scalar(bytes).map_err(|e| match e {
            Error::InvalidLength { actual, .. } => Error::InvalidLength {
                what: "secret key",
                expected: 32,
                actual,
            },
            other => other,
        })?;
        if bool::from(ff::Field::is_zero(&s)) {
            return Err(Error::ZeroSecretKey);
        }
        Ok(SecretKey(s))
    }

    /// Encodes the secret key as 32 big-endian octets.
    ///
    /// # Security
    /// The returned array holds the secret; zeroize it when done.
    pub fn to_bytes(&self) -> [u8; 32] {
        scalar_to_octets(&self.0)
    }

    /// `SkToPk(SK)` (draft §3.4.2): `W = SK * BP2`.
    pub fn public_key(&self) -> PublicKey {
        PublicKey((G2Projective::generator() * self.0).to_affine())
    }

    /// The secret scalar, for the crate's signing code.
    pub(crate) fn scalar(&self) -> &Scalar {
        &self.0
    }
}

impl ConstantTimeEq for SecretKey {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for SecretKey {}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl PublicKey {
    /// Decodes a public key (`octets_to_pubkey`, draft §4.2.4.6): 96 octets, a compressed G2
    /// point in the subgroup, not the identity.
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, Error> {
        octets_to_g2(bytes).map(PublicKey).map_err(|e| match e {
            Error::InvalidLength { actual, .. } => Error::InvalidLength {
                what: "public key",
                expected: OCTET_G2_POINT_LENGTH,
                actual,
            },
            other => other,
        })
    }

    /// Encodes the public key as 96 octets (`point_to_octets_E2`).
    pub fn to_bytes(&self) -> [u8; 96] {
        self.0.to_compressed()
    }

    /// The point `W`.
    pub fn point(&self) -> &G2Affine {
        &self.0
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// `KeyGen(key_material, key_info, key_dst)` (draft §3.4.1).
///
/// ```text
/// if length(key_material) < 32, return INVALID
/// if length(key_info) > 65535, return INVALID
/// derive_input = key_material || I2OSP(length(key_info), 2) || key_info
/// SK = hash_to_scalar(derive_input, key_dst)
/// ```
///
/// `key_dst` defaults to `ciphersuite_id || "KEYGEN_DST_"`.
///
/// # Security
/// `key_material` must hold at least 256 bits of entropy from a CSPRNG; see
/// [`SecretKey`] for how the result is protected.
///
/// # Example
/// ```
/// use healthpass::bbs::{self, Bls12381Sha256};
/// let sk = bbs::keygen::<Bls12381Sha256>(&[7u8; 32], b"issuer key 1", None)?;
/// let pk = sk.public_key();
/// assert_eq!(pk.to_bytes().len(), 96);
/// # Ok::<(), bbs::Error>(())
/// ```
pub fn keygen<C: Ciphersuite>(
    key_material: &[u8],
    key_info: &[u8],
    key_dst: Option<&[u8]>,
) -> Result<SecretKey, Error> {
    if key_material.len() < 32 {
        return Err(Error::KeyMaterialTooShort {
            actual: key_material.len(),
        });
    }
    if key_info.len() > 65535 {
        return Err(Error::KeyInfoTooLong {
            actual: key_info.len(),
        });
    }
    let default_dst;
    let key_dst = match key_dst {
        Some(dst) => dst,
        None => {
            default_dst = [C::ID, b"KEYGEN_DST_"].concat();
            &default_dst
        }
    };
    let mut derive_input = Vec::with_capacity(key_material.len() + 2 + key_info.len());
    derive_input.extend_from_slice(key_material);
    derive_input.extend_from_slice(&(key_info.len() as u16).to_be_bytes());
    derive_input.extend_from_slice(key_info);
    let sk = hash_to_scalar::<C>(&derive_input, key_dst);
    derive_input.zeroize();
    let sk = sk?;
    if bool::from(ff::Field::is_zero(&sk)) {
        return Err(Error::ZeroSecretKey);
    }
    Ok(SecretKey(sk))
}
