//! The GLV endomorphism of G1: `phi(x, y) = (beta * x, y)` with `beta` a cube root of unity
//! in Fp acts on the prime-order subgroup as multiplication by `lambda = -z^2 mod r` (`z` the
//! BLS parameter), so a product `k * P` splits into two half-length products
//! `k1 * P + k2 * psi(P)` with `psi = -phi`, and a multi-scalar multiplication needs half the
//! doublings.
//!
//! `bls12_381` keeps its field private, so `beta * x` is computed here on the point's
//! uncompressed encoding with [`fp::mul`] (a Montgomery multiplication by `beta * 2^384`
//! multiplies a canonical value by `beta`), and the result is decoded back.
//!
//! **Invariants**: [`decompose`] returns `k1 < z^2` and `k2 <= floor((r - 1) / z^2)`, both
//! below `2^128`, with `k = k1 + k2 * z^2 mod r`; [`psi`] takes and returns affine
//! `bls12_381` points (the identity maps to itself).
//!
//! **Timing**: both constant time (Barrett division with masked corrections; one field
//! multiplication and a constant-time decoding).
//!
//! **Tests**: `psi_is_multiplication_by_z_squared` and
//! `decomposition_recombines_with_short_halves` (below, against `bls12_381`'s scalar and
//! point arithmetic), and `super::limb_tests`'s `decomposition_at_the_edges`,
//! `decomposition_returns_the_halves` and `psi_is_z_squared`.

use bls12_381::{G1Affine, Scalar};

use zeroize::Zeroize;

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

/// `floor(2^384 / z^2)`, five little-endian limbs: Barrett's reciprocal for [`decompose`].
const MU: [u64; 5] = [
    0xa1a8_72d6_818b_e409,
    0x034e_b4b9_27ad_c027,
    0x63f6_e522_f6cf_ee2e,
    0x7c6b_ecf1_e01f_aadd,
    1,
];

/// `(k1, k2)` with `k = k1 + k2 * z^2 mod r`, both below `2^128`, so that
/// `k * P = k1 * P + k2 * psi(P)`: `k2 = floor(k / z^2)`, `k1 = k mod z^2`. Constant time:
/// Barrett division (the quotient estimate `floor(k * MU / 2^384)` is at most 2 below the
/// true one) with two masked corrections.
pub(crate) fn decompose(k: &Scalar) -> (u128, u128) {
    let bytes = k.to_bytes();
    let mut limbs = [0u64; 4];
    for (l, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        *l = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
    }
    // k * MU, nine limbs; its top three limbs are the quotient estimate (below 2^128: the
    // ninth is zero since k < 2^255).
    let mut product = [0u64; 9];
    for (i, &ki) in limbs.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &mj) in MU.iter().enumerate() {
            let t =
                u128::from(product[i + j]) + u128::from(ki) * u128::from(mj) + u128::from(carry);
            product[i + j] = t as u64;
            carry = (t >> 64) as u64;
        }
        product[i + 5] = carry;
    }
    let mut q = u128::from(product[6]) | (u128::from(product[7]) << 64);
    // r = k - q * z^2 (non-negative: q <= floor(k / z^2)).
    let z = [Z2 as u64, (Z2 >> 64) as u64];
    let qs = [q as u64, (q >> 64) as u64];
    let mut qz = [0u64; 4];
    for (i, &qi) in qs.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &zj) in z.iter().enumerate() {
            let t = u128::from(qz[i + j]) + u128::from(qi) * u128::from(zj) + u128::from(carry);
            qz[i + j] = t as u64;
            carry = (t >> 64) as u64;
        }
        qz[i + 2] = carry;
    }
    let mut r = sub4(&limbs, &qz).0;
    for _ in 0..2 {
        // r >= z^2: take one more z^2 out, masked.
        let (reduced, borrow) = sub4(&r, &[z[0], z[1], 0, 0]);
        // Opaque to the optimiser, which otherwise branches on the borrow.
        let take = core::hint::black_box(u64::from(!borrow).wrapping_neg());
        for (x, y) in r.iter_mut().zip(reduced) {
            *x = (y & take) | (*x & !take);
        }
        q += u128::from(take & 1);
    }
    product.zeroize();
    limbs.zeroize();
    (u128::from(r[0]) | (u128::from(r[1]) << 64), q)
}

/// `a - b` over four limbs and whether it borrowed.
fn sub4(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], bool) {
    let mut out = [0u64; 4];
    let mut borrow = false;
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(u64::from(borrow));
        *o = d;
        borrow = b1 | b2;
    }
    (out, borrow)
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
            z2 + Scalar::one(),
            z2.square(),
            z2.square() - Scalar::one(),
            -z2,
            -Scalar::from(2u64),
        ];
        let mut rng = rand::rng();
        for _ in 0..2000 {
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
