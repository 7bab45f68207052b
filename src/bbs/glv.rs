//! The GLV endomorphism of G1: `phi(x, y) = (beta * x, y)` with `beta` a cube root of unity
//! in Fp acts on the prime-order subgroup as multiplication by `lambda = -z^2 mod r` (`z` the
//! BLS parameter), so a product `k * P` splits into two half-length products
//! `k1 * P + k2 * psi(P)` with `psi = -phi`, and a multi-scalar multiplication needs half the
//! doublings.
//!
//! `bls12_381` keeps its field private, so `beta * x` is computed here on the point's
//! uncompressed encoding with a small constant-time Montgomery multiplication, and the result
//! is decoded back (it is on the curve by construction; the decoder checks that too).

use bls12_381::{G1Affine, Scalar};
use subtle::{Choice, ConditionallySelectable};

/// The base-field modulus `p`, little-endian 64-bit limbs.
const P: [u64; 6] = [
    0xb9fe_ffff_ffff_aaab,
    0x1eab_fffe_b153_ffff,
    0x6730_d2a0_f6b0_f624,
    0x6477_4b84_f385_12bf,
    0x4b1b_a7b6_434b_acd7,
    0x1a01_11ea_397f_e69a,
];
/// `-p^-1 mod 2^64`.
const INV: u64 = 0x89f3_fffc_fffc_fffd;
/// `beta * 2^384 mod p`: the cube root of unity `bls12_381` uses for its subgroup check, in
/// Montgomery form, so that one Montgomery multiplication of a plain `x` gives `beta * x`.
const BETA_MONT: [u64; 6] = [
    0x30f1_361b_798a_64e8,
    0xf3b8_ddab_7ece_5a2a,
    0x16a8_ca3a_c615_77f7,
    0xc26a_2ff8_74fd_029b,
    0x3636_b766_6070_1c6e,
    0x051b_a4ab_241b_6160,
];
/// `z^2`, with `z = -0xd201000000010000` the BLS12-381 parameter; `lambda = -z^2 mod r`.
const Z2: u128 = 0xd201_0000_0001_0000u128 * 0xd201_0000_0001_0000u128;

/// `a * b * 2^-384 mod p` for `a, b < p`; constant time (fixed loops, masked final
/// subtraction).
fn mont_mul(a: &[u64; 6], b: &[u64; 6]) -> [u64; 6] {
    let mut t = [0u64; 8];
    for &bi in b {
        // t += a * bi
        let mut carry = 0u128;
        for j in 0..6 {
            let v = u128::from(t[j]) + u128::from(a[j]) * u128::from(bi) + carry;
            t[j] = v as u64;
            carry = v >> 64;
        }
        let v = u128::from(t[6]) + carry;
        t[6] = v as u64;
        t[7] = (v >> 64) as u64;
        // t = (t + m * p) / 2^64
        let m = t[0].wrapping_mul(INV);
        let mut carry = (u128::from(t[0]) + u128::from(m) * u128::from(P[0])) >> 64;
        for j in 1..6 {
            let v = u128::from(t[j]) + u128::from(m) * u128::from(P[j]) + carry;
            t[j - 1] = v as u64;
            carry = v >> 64;
        }
        let v = u128::from(t[6]) + carry;
        t[5] = v as u64;
        t[6] = t[7] + (v >> 64) as u64;
        t[7] = 0;
    }
    // t < 2p: subtract p once if t >= p.
    let mut out = [0u64; 6];
    let mut borrow = 0u64;
    for j in 0..6 {
        let (d, b1) = t[j].overflowing_sub(P[j]);
        let (d, b2) = d.overflowing_sub(borrow);
        out[j] = d;
        borrow = u64::from(b1 | b2);
    }
    // Keep t when the subtraction borrowed past t's top limb.
    let (_, final_borrow) = t[6].overflowing_sub(borrow);
    let keep = Choice::from(u8::from(final_borrow));
    for j in 0..6 {
        out[j] = u64::conditional_select(&out[j], &t[j], keep);
    }
    out
}

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
    let bx = mont_mul(&x, &BETA_MONT);
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
