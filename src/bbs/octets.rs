//! Octet encodings (draft §4.2.4 "Serialization" and Appendix B.2 "Point Encoding"): scalars
//! as 32-octet big-endian integers, G1/G2 points in the compressed ZCash format, and the
//! `serialize` operation that feeds every hash.

use bls12_381::{G1Affine, G2Affine, Scalar};
use group::Curve;
use subtle::Choice;

use super::error::Error;

/// Octets in an encoded scalar (`octet_scalar_length`).
pub const OCTET_SCALAR_LENGTH: usize = 32;
/// Octets in a compressed G1 point (`octet_point_length`).
pub const OCTET_POINT_LENGTH: usize = 48;
/// Octets in a compressed G2 point (a public key).
pub const OCTET_G2_POINT_LENGTH: usize = 96;

/// `I2OSP(s, 32)`: a scalar as 32 big-endian octets.
pub fn scalar_to_octets(s: &Scalar) -> [u8; OCTET_SCALAR_LENGTH] {
    let mut out = s.to_bytes();
    out.reverse();
    out
}

/// `OS2IP` of 32 big-endian octets, rejecting values `>= r` ([`Error::NonCanonicalScalar`]).
/// Zero is accepted; [`octets_to_nonzero_scalar`] also rejects it.
pub fn octets_to_scalar(bytes: &[u8]) -> Result<Scalar, Error> {
    let arr: [u8; OCTET_SCALAR_LENGTH] = bytes.try_into().map_err(|_| Error::InvalidLength {
        what: "scalar",
        expected: OCTET_SCALAR_LENGTH,
        actual: bytes.len(),
    })?;
    let mut le = arr;
    le.reverse();
    Option::from(Scalar::from_bytes(&le)).ok_or(Error::NonCanonicalScalar)
}

/// Like [`octets_to_scalar`], and also rejects zero ([`Error::ZeroScalar`]).
pub fn octets_to_nonzero_scalar(bytes: &[u8]) -> Result<Scalar, Error> {
    let s = octets_to_scalar(bytes)?;
    if bool::from(ff::Field::is_zero(&s)) {
        return Err(Error::ZeroScalar);
    }
    Ok(s)
}

/// `OS2IP(bytes) mod r` for up to 64 big-endian octets (used by `hash_to_scalar`, which
/// feeds it 48 octets).
pub(crate) fn os2ip_mod_r(bytes: &[u8]) -> Scalar {
    debug_assert!(bytes.len() <= 64);
    let mut wide = [0u8; 64];
    for (dst, src) in wide.iter_mut().zip(bytes.iter().rev()) {
        *dst = *src;
    }
    let s = Scalar::from_bytes_wide(&wide);
    zeroize::Zeroize::zeroize(&mut wide);
    s
}

/// Shared checks of both groups' point decoders: decode without the subgroup check to tell
/// a malformed encoding from a point outside the subgroup, then refuse the identity.
fn decode_point<P>(
    decoded: Option<P>,
    torsion_free: impl Fn(&P) -> Choice,
    identity: impl Fn(&P) -> Choice,
) -> Result<P, Error> {
    let p = decoded.ok_or(Error::MalformedPoint)?;
    if !bool::from(torsion_free(&p)) {
        return Err(Error::PointNotInSubgroup);
    }
    if bool::from(identity(&p)) {
        return Err(Error::IdentityPoint);
    }
    Ok(p)
}

/// `octets_to_point_E1`: a compressed G1 point, on the curve, in the subgroup and not the
/// identity.
pub fn octets_to_g1(bytes: &[u8]) -> Result<G1Affine, Error> {
    let arr: &[u8; OCTET_POINT_LENGTH] = bytes.try_into().map_err(|_| Error::InvalidLength {
        what: "G1 point",
        expected: OCTET_POINT_LENGTH,
        actual: bytes.len(),
    })?;
    decode_point(
        G1Affine::from_compressed_unchecked(arr).into(),
        G1Affine::is_torsion_free,
        G1Affine::is_identity,
    )
}

/// `octets_to_point_E2`: a compressed G2 point, on the curve, in the subgroup and not the
/// identity.
pub fn octets_to_g2(bytes: &[u8]) -> Result<G2Affine, Error> {
    let arr: &[u8; OCTET_G2_POINT_LENGTH] = bytes.try_into().map_err(|_| Error::InvalidLength {
        what: "G2 point",
        expected: OCTET_G2_POINT_LENGTH,
        actual: bytes.len(),
    })?;
    decode_point(
        G2Affine::from_compressed_unchecked(arr).into(),
        G2Affine::is_torsion_free,
        G2Affine::is_identity,
    )
}

/// The draft's `serialize` (§4.2.4.1): an append-only octet string that encodes points,
/// scalars and non-negative integers exactly as the draft does before hashing.
#[derive(Default)]
pub struct Serializer {
    buf: Vec<u8>,
}

impl Serializer {
    /// An empty octet string.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes room for `additional` more octets. Growing moves the octets to a larger block:
    /// the old block is wiped before it is freed (the buffer may hold a secret key), which
    /// `Vec`'s own growth would not do.
    fn reserve(&mut self, additional: usize) {
        let needed = self.buf.len().saturating_add(additional);
        if needed > self.buf.capacity() {
            let mut grown = Vec::with_capacity(needed.max(self.buf.capacity().saturating_mul(2)));
            grown.extend_from_slice(&self.buf);
            zeroize::Zeroize::zeroize(&mut self.buf);
            self.buf = grown;
        }
    }

    /// Appends a G1 point (`point_to_octets_E1`).
    pub fn point(&mut self, p: &G1Affine) -> &mut Self {
        self.raw(&p.to_compressed())
    }

    /// Appends a projective G1 point (normalised first).
    pub fn projective(&mut self, p: &bls12_381::G1Projective) -> &mut Self {
        self.point(&p.to_affine())
    }

    /// Appends a scalar (`I2OSP(s, 32)`).
    pub fn scalar(&mut self, s: &Scalar) -> &mut Self {
        let mut octets = scalar_to_octets(s);
        self.raw(&octets);
        zeroize::Zeroize::zeroize(&mut octets);
        self
    }

    /// Appends a non-negative integer as `I2OSP(n, 8)`.
    pub fn integer(&mut self, n: usize) -> &mut Self {
        self.raw(&(n as u64).to_be_bytes())
    }

    /// Appends raw octets, without a length prefix.
    pub fn raw(&mut self, bytes: &[u8]) -> &mut Self {
        self.reserve(bytes.len());
        self.buf.extend_from_slice(bytes);
        self
    }

    /// Appends `I2OSP(len(bytes), 8) || bytes`.
    pub fn length_prefixed(&mut self, bytes: &[u8]) -> &mut Self {
        self.integer(bytes.len()).raw(bytes)
    }

    /// The octets written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }
}

impl Drop for Serializer {
    fn drop(&mut self) {
        // The signing hash serializes the secret key: wipe the buffer in every case.
        zeroize::Zeroize::zeroize(&mut self.buf);
    }
}
