//! Signatures: CoreSign and CoreVerify (draft §3.6.1, §3.6.2), the domain (§4.2.3) and the
//! signature encoding (§4.2.4.2, §4.2.4.3).

use core::fmt;

use bls12_381::{G1Affine, G1Projective, Scalar};
use group::Curve;
use zeroize::Zeroize;

use super::ciphersuite::Ciphersuite;
use super::error::Error;
use super::generators::Generators;
use super::hash::{h2s_dst, hash_to_scalar};
use super::keys::{PublicKey, SecretKey};
use super::octets::{
    octets_to_g1, octets_to_nonzero_scalar, scalar_to_octets, Serializer, OCTET_POINT_LENGTH,
    OCTET_SCALAR_LENGTH,
};
use crate::group::{
    fixed_msm_ct, msm_vartime_with_generators, pairing_product_is_identity, prepared_g2,
    BP2_PREPARED,
};

/// Octets in an encoded signature: `A` (48) then `e` (32).
pub const SIGNATURE_LENGTH: usize = OCTET_POINT_LENGTH + OCTET_SCALAR_LENGTH;

/// A BBS signature `(A, e)`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature {
    pub(crate) a: G1Affine,
    pub(crate) e: Scalar,
}

impl Signature {
    /// `octets_to_signature` (draft §4.2.4.3): exactly 80 octets; `A` a subgroup point that
    /// is not the identity; `0 < e < r`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Signature, Error> {
        if bytes.len() != SIGNATURE_LENGTH {
            return Err(Error::InvalidLength {
                what: "signature",
                expected: SIGNATURE_LENGTH,
                actual: bytes.len(),
            });
        }
        let a = octets_to_g1(&bytes[..OCTET_POINT_LENGTH])?;
        let e = octets_to_nonzero_scalar(&bytes[OCTET_POINT_LENGTH..])?;
        Ok(Signature { a, e })
    }

    /// `signature_to_octets` (draft §4.2.4.2): `A || e`, 80 octets.
    pub fn to_bytes(&self) -> [u8; 80] {
        let mut out = [0u8; SIGNATURE_LENGTH];
        out[..OCTET_POINT_LENGTH].copy_from_slice(&self.a.to_compressed());
        out[OCTET_POINT_LENGTH..].copy_from_slice(&scalar_to_octets(&self.e));
        out
    }

    /// The point `A`.
    pub fn a(&self) -> &G1Affine {
        &self.a
    }

    /// The scalar `e`.
    pub fn e(&self) -> &Scalar {
        &self.e
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A signature is held by its holder only, but it is not a key: print its encoding.
        write!(f, "Signature(")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// `calculate_domain(PK, Q_1, H_Points, header, api_id)` (draft §4.2.3):
///
/// ```text
/// dom_octs  = serialize((L, Q_1, H_1, ..., H_L)) || api_id
/// dom_input = PK || dom_octs || I2OSP(length(header), 8) || header
/// domain    = hash_to_scalar(dom_input, api_id || "H2S_")
/// ```
pub fn calculate_domain<C: Ciphersuite>(
    pk: &PublicKey,
    generators: &Generators,
    header: &[u8],
    api_id: &[u8],
) -> Result<Scalar, Error> {
    let mut s = Serializer::new();
    s.raw(&pk.to_bytes())
        .integer(generators.message_count())
        .point(generators.q1());
    for h in generators.h() {
        s.point(h);
    }
    s.raw(api_id).length_prefixed(header);
    hash_to_scalar::<C>(s.as_bytes(), &h2s_dst(api_id))
}

/// `B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L`, the point every signature
/// operation starts from. Constant time: the messages may be secret.
pub(crate) fn compute_b(
    generators: &Generators,
    domain: &Scalar,
    messages: &[Scalar],
) -> G1Projective {
    let mut terms: Vec<(usize, Scalar)> = Some(*domain)
        .into_iter()
        .chain(messages.iter().copied())
        .enumerate()
        .collect();
    let b = G1Projective::from(generators.p1) + fixed_msm_ct(generators.points(), &terms);
    terms.zeroize();
    b
}

fn check_count(generators: &Generators, messages: &[Scalar]) -> Result<(), Error> {
    if generators.message_count() != messages.len() {
        return Err(Error::MessageCountMismatch {
            expected: generators.message_count(),
            actual: messages.len(),
        });
    }
    Ok(())
}

/// CoreSign (draft §3.6.1) over message scalars, for an interface identified by `api_id`.
///
/// ```text
/// domain = calculate_domain(PK, Q_1, (H_1, ..., H_L), header, api_id)
/// e = hash_to_scalar(serialize((SK, msg_1, ..., msg_L, domain)), api_id || "H2S_")
/// B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L
/// A = B * (1 / (SK + e))
/// ```
/// The optional checks of the draft are made: `SK + e != 0` and `A != Identity_G1`.
pub fn core_sign<C: Ciphersuite>(
    sk: &SecretKey,
    pk: &PublicKey,
    generators: &Generators,
    header: &[u8],
    messages: &[Scalar],
    api_id: &[u8],
) -> Result<Signature, Error> {
    check_count(generators, messages)?;
    let domain = calculate_domain::<C>(pk, generators, header, api_id)?;
    let mut s = Serializer::new();
    s.scalar(sk.scalar());
    for m in messages {
        s.scalar(m);
    }
    s.scalar(&domain);
    let e = hash_to_scalar::<C>(s.as_bytes(), &h2s_dst(api_id))?;
    let b = compute_b(generators, &domain, messages);
    sign_b(sk, &b, e)
}

/// CoreSign's last steps (draft §3.6.1), shared with the blind extension's
/// FinalizeBlindSign: `A = B * (1 / (SK + e))`, refusing `SK + e = 0` and `A = Identity_G1`.
pub(crate) fn sign_b(sk: &SecretKey, b: &G1Projective, e: Scalar) -> Result<Signature, Error> {
    let inv: Option<Scalar> = (sk.scalar() + e).invert().into();
    let mut inv = inv.ok_or(Error::SigningFailed)?;
    let a = (b * inv).to_affine();
    inv.zeroize();
    if bool::from(a.is_identity()) {
        return Err(Error::SigningFailed);
    }
    Ok(Signature { a, e })
}

/// CoreVerify (draft §3.6.2): checks `h(A, W) * h(A * e - B, BP2) = Identity_GT`.
///
/// ```text
/// domain = calculate_domain(PK, Q_1, (H_1, ..., H_L), header, api_id)
/// B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L
/// if h(A, W) * h(A * e - B, BP2) != Identity_GT, return INVALID
/// ```
///
/// # Security
/// Variable time: `A * e - B` is one variable-time multi-scalar multiplication, so the
/// running time depends on the messages and the signature. That suits a verifier, for whom
/// both are public; a holder checking a credential whose messages are secret should use
/// [`PreparedSignature`](crate::bbs::PreparedSignature), which checks in constant time.
pub fn core_verify<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    generators: &Generators,
    header: &[u8],
    messages: &[Scalar],
    api_id: &[u8],
) -> Result<(), Error> {
    check_count(generators, messages)?;
    let domain = calculate_domain::<C>(pk, generators, header, api_id)?;
    // A * e - B = A * e - P1 - Q_1 * domain - sum H_i * msg_i, as one multiplication.
    let terms: Vec<(usize, Scalar)> = Some(domain)
        .into_iter()
        .chain(messages.iter().copied())
        .map(|s| -s)
        .enumerate()
        .collect();
    let lhs = msm_vartime_with_generators(
        &[
            (&[generators.p1], &[(0, -Scalar::one())]),
            (generators.points(), &terms),
        ],
        &[signature.a],
        &[signature.e],
    )
    .to_affine();
    let w = prepared_g2(&pk.0);
    let ok = pairing_product_is_identity(&[(&signature.a, &w), (&lhs, &BP2_PREPARED.0)]);
    if ok {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}
