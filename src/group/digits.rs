//! Scalar recoding into signed digits, for every multiplication of the group layer.
//!
//! - [`signed_digits`]: fixed signed radix-`2^w` digits, every position used. **Constant
//!   time** (branch-free in the scalar's bits; the loop bounds are public): the constant-time
//!   sums ([`super::msm::msm_ct`], [`super::wide`], [`super::tables`]) and Pippenger's buckets.
//! - [`wnaf_bytes`]: the width-`w` non-adjacent form. **Variable time** (it skips zero bits):
//!   the verifier's sums only ([`super::msm::msm_vartime`], [`super::plan`]).
//!
//! Input: a value below `2^255` as 32 little-endian octets (a scalar's encoding, or a GLV
//! half from [`super::glv::u128_bytes`]). Pinned by `digits_recombine` (below): the digits
//! recombine to the `bls12_381` scalar they came from.

#[cfg(test)]
use bls12_381::Scalar;

/// Bit `i` of a little-endian 32-octet scalar encoding (0 past the end).
fn bit(bytes: &[u8; 32], i: usize) -> u32 {
    if i < 256 {
        u32::from((bytes[i / 8] >> (i % 8)) & 1)
    } else {
        0
    }
}

/// Writes the signed radix-`2^w` digits of bits `[offset, offset + bits)` of `bytes` into
/// `out`, least significant first. Every digit but the last lies in `[-2^(w-1), 2^(w-1))`; the
/// last takes the final carry and lies in `[0, 2^(w-1)]` when `out.len() * w > bits`.
///
/// The arithmetic is branch-free in the scalar's bits (the loop bounds are public), so it
/// serves the constant-time paths as well as the variable-time ones.
pub(crate) fn signed_digits(
    bytes: &[u8; 32],
    offset: usize,
    bits: usize,
    w: usize,
    out: &mut [i16],
) {
    debug_assert!(out.len() * w > bits && w < 15);
    let half = 1i32 << (w - 1);
    let mut carry = 0i32;
    let last = out.len() - 1;
    for (k, digit) in out.iter_mut().enumerate() {
        let mut raw = 0i32;
        for j in 0..w {
            let pos = k * w + j;
            if pos < bits {
                raw |= (bit(bytes, offset + pos) as i32) << j;
            }
        }
        let mut d = raw + carry;
        if k != last {
            // carry = 1 exactly when d >= 2^(w-1); no branch on d.
            carry = (d + half) >> w;
            d -= carry << w;
        }
        *digit = d as i16;
    }
}

/// The width-`w` non-adjacent form of a scalar, least significant first: odd digits in
/// `(-2^(w-1), 2^(w-1))`, at least `w - 1` zeros after each non-zero one. Variable time.
#[cfg(test)]
pub(crate) fn wnaf(s: &Scalar, w: usize) -> [i16; 257] {
    wnaf_bytes(&s.to_bytes(), w)
}

/// [`wnaf`] of a value below `2^255` given as 32 little-endian octets. Variable time.
pub(crate) fn wnaf_bytes(bytes: &[u8; 32], w: usize) -> [i16; 257] {
    let mut limbs = [0u64; 5];
    for (i, chunk) in bytes.chunks_exact(8).enumerate() {
        limbs[i] = u64::from_le_bytes(chunk.try_into().expect("8 octets"));
    }
    let width = 1u64 << w;
    let mask = width - 1;
    let mut out = [0i16; 257];
    let mut pos = 0;
    let mut carry = 0u64;
    while pos < 256 {
        let (idx, off) = (pos / 64, pos % 64);
        let mut window = limbs[idx] >> off;
        if off + w > 64 {
            window |= limbs[idx + 1] << (64 - off);
        }
        let window = carry + (window & mask);
        if window & 1 == 0 {
            // The low bit of what remains is zero; a carry, if any, moves up with it.
            pos += 1;
            continue;
        }
        if window < width / 2 {
            carry = 0;
            out[pos] = window as i16;
        } else {
            carry = 1;
            out[pos] = (window as i64 - width as i64) as i16;
        }
        pos += w;
    }
    if carry != 0 {
        out[256] = 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;

    #[test]
    fn digits_recombine() {
        let mut rng = rand::rng();
        for _ in 0..20 {
            let mut wide = [0u8; 64];
            rand::Rng::fill_bytes(&mut rng, &mut wide);
            let s = Scalar::from_bytes_wide(&wide);
            for w in [4usize, 5, 7, 13] {
                let mut ds = vec![0i16; 255 / w + 1];
                signed_digits(&s.to_bytes(), 0, 255, w, &mut ds);
                let back = ds.iter().rev().fold(Scalar::ZERO, |acc, &d| {
                    let d = if d < 0 {
                        -Scalar::from((-d) as u64)
                    } else {
                        Scalar::from(d as u64)
                    };
                    acc * Scalar::from(1u64 << w) + d
                });
                assert_eq!(back, s, "w={w}");
            }
            let naf = wnaf(&s, 5);
            let back = naf.iter().rev().fold(Scalar::ZERO, |acc, &d| {
                let d = if d < 0 {
                    -Scalar::from((-d) as u64)
                } else {
                    Scalar::from(d as u64)
                };
                acc.double() + d
            });
            assert_eq!(back, s);
        }
    }
}
