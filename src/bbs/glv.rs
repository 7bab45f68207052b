//! The GLV endomorphism of G1: `phi(x, y) = (beta * x, y)` with `beta` a cube root of unity
//! in Fp acts on the prime-order subgroup as multiplication by `lambda = -z^2 mod r` (`z` the
//! BLS parameter), so a product `k * P` splits into two half-length products
//! `k1 * P + k2 * psi(P)` with `psi = -phi`, and a multi-scalar multiplication needs half the
//! doublings.
//!
//! `bls12_381` keeps its field private, so `beta * x` is computed here on the point's
//! uncompressed encoding with [`fp::mul`] (a Montgomery multiplication by `beta * 2^384`
//! multiplies a canonical value by `beta`), and the result is decoded back.

use bls12_381::{G1Affine, Scalar};

use super::fp;

/// `z^2`, with `z = -0xd201000000010000` the BLS12-381 parameter; `lambda = -z^2 mod r`.
const Z2: u128 = 0xd201_0000_0001_0000u128 * 0xd201_0000_0001_0000u128;

/// `psi(P) = -phi(P) = (beta * x, -y)`, which equals `z^2 * P` on the subgroup. Constant
/// time; the identity maps to itself.
pub(crate) fn psi(p: &G1Affine) -> G1Affine {
    let mut bytes = p.to_uncompressed();
    let flags = bytes[0] & 0xe0;
    bytes[0] &= 0x1f;
    let mut x = [0u64; 6];
    for (i, limb) in x.iter_mut().enumerate() {
        let start = 48 - 8 * (i + 1);
        *limb = u64::from_be_bytes(bytes[start..start + 8].try_into().expect("8 octets"));
    }
    let bx = fp::mul(&x, &fp::BETA_MONT);
    for (i, limb) in bx.iter().enumerate() {
        let start = 48 - 8 * (i + 1);
        bytes[start..start + 8].copy_from_slice(&limb.to_be_bytes());
    }
    bytes[0] |= flags;
    let phi = G1Affine::from_uncompressed_unchecked(&bytes);
    // Always a curve point; the fallback (z^2 * P by plain multiplication) is never taken.
    let phi: Option<G1Affine> = phi.into();
    match phi {
        Some(q) => -q,
        None => G1Affine::from(p * scalar_from_u128(Z2)),
    }
}

/// A 128-bit value as a scalar.
fn scalar_from_u128(v: u128) -> Scalar {
    Scalar::from_raw([v as u64, (v >> 64) as u64, 0, 0])
}

/// `(k1, k2)` with `k = k1 + k2 * z^2 mod r`, both below `2^128`, so that
/// `k * P = k1 * P + k2 * psi(P)`: `k2 = floor(k / z^2)`, `k1 = k mod z^2`. Constant time
/// (a fixed 256-step restoring division with masked subtractions).
pub(crate) fn decompose(k: &Scalar) -> (u128, u128) {
    let bytes = k.to_bytes();
    let lo = u128::from_le_bytes(bytes[..16].try_into().expect("16 octets"));
    let hi = u128::from_le_bytes(bytes[16..].try_into().expect("16 octets"));
    let mut rem = 0u128;
    let mut quo = 0u128;
    for i in (0..256).rev() {
        let bit = if i >= 128 {
            (hi >> (i - 128)) & 1
        } else {
            (lo >> i) & 1
        };
        let top = rem >> 127;
        rem = (rem << 1) | bit;
        let (diff, borrow) = rem.overflowing_sub(Z2);
        let take = top | u128::from(!borrow);
        let mask = 0u128.wrapping_sub(take);
        rem = (diff & mask) | (rem & !mask);
        quo = (quo << 1) | take;
    }
    (rem, quo)
}

/// A 128-bit value as a 32-octet little-endian scalar encoding, for the digit recoders.
pub(crate) fn u128_bytes(v: u128) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&v.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bls12_381::G1Projective;

    #[test]
    fn psi_is_multiplication_by_z_squared() {
        let z2 = scalar_from_u128(Z2);
        for k in [1u64, 2, 12345, u64::MAX] {
            let p = G1Affine::from(G1Projective::generator() * Scalar::from(k));
            assert_eq!(G1Projective::from(psi(&p)), p * z2);
        }
        assert_eq!(psi(&G1Affine::identity()), G1Affine::identity());
    }

    #[test]
    fn decomposition_recombines_with_short_halves() {
        let z2 = scalar_from_u128(Z2);
        let mut cases = vec![
            Scalar::zero(),
            Scalar::one(),
            -Scalar::one(),
            z2,
            z2 - Scalar::one(),
        ];
        let mut rng = rand::rng();
        for _ in 0..50 {
            let mut wide = [0u8; 64];
            rand::Rng::fill_bytes(&mut rng, &mut wide);
            cases.push(Scalar::from_bytes_wide(&wide));
        }
        for k in cases {
            let (k1, k2) = decompose(&k);
            assert!(k1 < Z2);
            assert_eq!(scalar_from_u128(k1) + scalar_from_u128(k2) * z2, k);
        }
    }
}
