//! Multi-scalar multiplication in G1: a constant-time form for the prover and signer, and a
//! variable-time form for the verifier, where every scalar is public.
//!
//! Both sum `points[i] * scalars[i]` with shared doublings (Straus); they differ in how the
//! scalars are cut into digits and how table entries are read:
//!
//! | | digits | table read | use |
//! |---|---|---|---|
//! | [`msm_ct`] | fixed signed radix 2^5, every position used | every entry touched, `conditional_assign` | secrets: signing, proof generation |
//! | [`msm_vartime`] | width-5 NAF, zero digits skipped; buckets (Pippenger) for many points | direct index | public values only: verification |
//!
//! The digits come from [`super::digits`]. [`msm_ct`] works on `bls12_381` points (affine
//! window tables, projective accumulator); [`msm_vartime`] on limbs ([`super::vartime`],
//! with the GLV split) below [`PIPPENGER_THRESHOLD`] points and on `bls12_381` points above.
//! The window tables of [`ct_windows`] also serve the split tables of `A` and `B`
//! ([`super::tables::SplitBases`]).
//!
//! **Tests**: `both_forms_match_the_naive_sum` (with zero, one, minus one, the identity, a
//! repeated point and its negation) and `pippenger_path_of_msm_vartime_matches` (below,
//! against `bls12_381`'s own multiplication), and `super::limb_tests`'s
//! `comb_and_wide_products_match`.

use bls12_381::{G1Affine, G1Projective, Scalar};
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use super::digits::{signed_digits, wnaf_bytes};
use super::glv::{decompose, u128_bytes};
use super::point::{normalize_all_vartime, RawPoint};
use super::vartime;

/// Width of the constant-time signed windows: digits in `[-16, 16]`.
pub(crate) const CT_WINDOW: usize = 5;
/// Entries of a constant-time window table: the multiples `1..=16` of a point.
pub(crate) const CT_ENTRIES: usize = 1 << (CT_WINDOW - 1);
/// Signed digits of a full scalar (`< 2^255`) in radix `2^5`, with room for the final carry.
pub(crate) const CT_DIGITS: usize = 52;

/// The multiples `1 * P, ..., 16 * P` of a point, affine.
pub(crate) type CtWindow = [G1Affine; CT_ENTRIES];

/// Window tables (multiples `1..=N`, `N = 16` for [`CtWindow`]) for each point, built in
/// projective coordinates and normalised to affine with a single inversion, so that every
/// later addition is a mixed one.
pub(crate) fn ct_windows<const N: usize>(points: &[G1Projective]) -> Vec<[G1Affine; N]> {
    let mut proj = Vec::with_capacity(points.len() * N);
    for p in points {
        let mut acc = *p;
        proj.push(acc);
        for _ in 1..N {
            acc += p;
            proj.push(acc);
        }
    }
    let mut affine = vec![G1Affine::identity(); proj.len()];
    G1Projective::batch_normalize(&proj, &mut affine);
    affine
        .chunks_exact(N)
        .map(|c| {
            let mut w = [G1Affine::identity(); N];
            w.copy_from_slice(c);
            w
        })
        .collect()
}

/// `d * P` for a signed digit `d` in `[-N, N]`, read from the window table of `P` (the
/// multiples `1..=N`) in **constant time**: every entry is touched and the sign is applied
/// by selection.
fn ct_select<const N: usize>(window: &[G1Affine; N], d: i16) -> G1Affine {
    let mask = d >> 15; // 0 or -1
    let abs = ((d ^ mask) - mask) as u16;
    let negative = Choice::from((mask & 1) as u8);
    let mut r = G1Affine::identity();
    for (j, entry) in window.iter().enumerate() {
        r.conditional_assign(entry, (j as u16 + 1).ct_eq(&abs));
    }
    G1Affine::conditional_select(&r, &-r, negative)
}

/// `sum_i points[i] * scalars[i]`, **constant time** in the scalars. Straus with shared
/// doublings over fixed signed windows of 5 bits: the window tables are batch-normalised to
/// affine (one inversion) so each step is a mixed addition, every digit position is
/// processed whatever its value, and each table read touches every entry. Neither branches
/// nor memory addresses depend on a scalar. Use it wherever a scalar may be secret (signing,
/// proof generation); points are treated as public.
pub(crate) fn msm_ct(points: &[G1Affine], scalars: &[Scalar]) -> G1Projective {
    debug_assert_eq!(points.len(), scalars.len());
    let proj: Vec<G1Projective> = points.iter().map(G1Projective::from).collect();
    let windows = ct_windows(&proj);
    let mut digits = vec![0i16; scalars.len() * CT_DIGITS];
    for (s, out) in scalars.iter().zip(digits.chunks_exact_mut(CT_DIGITS)) {
        let mut bytes = s.to_bytes();
        signed_digits(&bytes, 0, 255, CT_WINDOW, out);
        bytes.zeroize();
    }
    let acc = straus_ct(&windows, &digits, CT_DIGITS);
    digits.zeroize();
    acc
}

/// Straus over constant-time window tables: `digits` holds `n_digits` signed digits per
/// table, least significant first. Constant time in the digits.
pub(crate) fn straus_ct(windows: &[CtWindow], digits: &[i16], n_digits: usize) -> G1Projective {
    let mut acc = G1Projective::identity();
    for k in (0..n_digits).rev() {
        if k + 1 != n_digits {
            for _ in 0..CT_WINDOW {
                acc = acc.double();
            }
        }
        for (window, ds) in windows.iter().zip(digits.chunks_exact(n_digits)) {
            acc = acc.add_mixed(&ct_select(window, ds[k]));
        }
    }
    acc
}

/// Width of the verifier's non-adjacent form: odd digits in `(-16, 16)`.
pub(crate) const NAF_WIDTH: usize = 5;

/// At and above this many points, [`msm_vartime`] switches from Straus to Pippenger's bucket
/// method. Below it the per-point NAF tables cost less than the buckets' reductions.
pub(crate) const PIPPENGER_THRESHOLD: usize = 768;

/// `sum_i points[i] * scalars[i]`, **variable time**: its running time depends on the
/// scalars (zero digits are skipped, tables are indexed by digit value, and the algorithm is
/// chosen by size), so use it only where every scalar and point is public, as on the
/// verifier's side. Below `PIPPENGER_THRESHOLD` points: Straus with the GLV endomorphism
/// (half-length scalars, half the doublings), width-5 NAF digits and affine tables; above it,
/// Pippenger's bucket method with signed digits.
pub(crate) fn msm_vartime(points: &[G1Affine], scalars: &[Scalar]) -> G1Projective {
    debug_assert_eq!(points.len(), scalars.len());
    if points.len() >= PIPPENGER_THRESHOLD {
        return pippenger_vartime(points, scalars);
    }
    // GLV: each point P also as psi(P), each scalar as two halves below 2^128.
    let entries = 1 << (NAF_WIDTH - 2);
    let mut digits = Vec::with_capacity(2 * points.len());
    for s in scalars {
        let (k1, k2) = decompose(s);
        digits.push(wnaf_bytes(&u128_bytes(k1), NAF_WIDTH));
        digits.push(wnaf_bytes(&u128_bytes(k2), NAF_WIDTH));
    }
    let odd = vartime::odd_multiples(points, entries);
    let psi_odd: Vec<RawPoint> = odd.iter().map(vartime::psi_raw).collect();
    let terms: Vec<vartime::Term<'_>> = odd
        .chunks_exact(entries)
        .zip(psi_odd.chunks_exact(entries))
        .zip(digits.chunks_exact(2))
        .flat_map(|((table, psi_table), d)| {
            [
                vartime::Term {
                    table,
                    digits: &d[0],
                },
                vartime::Term {
                    table: psi_table,
                    digits: &d[1],
                },
            ]
        })
        .collect();
    match normalize_all_vartime(&[vartime::straus(&terms)]) {
        Some(sum) => G1Projective::from(sum[0]),
        // Only if the limbs failed their check (a bug): bls12_381's arithmetic.
        None => pippenger_vartime(points, scalars),
    }
}

/// Pippenger's bucket method with signed digits of `c` bits. **Variable time.**
pub(crate) fn pippenger_vartime(points: &[G1Affine], scalars: &[Scalar]) -> G1Projective {
    let n = points.len();
    let log = (usize::BITS - n.leading_zeros()) as usize;
    let c = log.saturating_sub(1).clamp(4, 14);
    // Only as many windows as the longest scalar needs: the weights of a batch check are
    // 128 bits long, which halves the windows (the scalars are public).
    let bytes: Vec<[u8; 32]> = scalars.iter().map(Scalar::to_bytes).collect();
    let bits = bytes
        .iter()
        .map(|b| {
            b.iter()
                .rposition(|&x| x != 0)
                .map_or(0, |i| 8 * i + 8 - b[i].leading_zeros() as usize)
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let n_digits = bits / c + 1;
    let mut digits = vec![0i16; n * n_digits];
    for (b, out) in bytes.iter().zip(digits.chunks_exact_mut(n_digits)) {
        signed_digits(b, 0, bits, c, out);
    }
    let mut buckets = vec![G1Projective::identity(); 1 << (c - 1)];
    let mut acc = G1Projective::identity();
    for k in (0..n_digits).rev() {
        for _ in 0..c {
            acc = acc.double();
        }
        buckets.fill(G1Projective::identity());
        for (p, ds) in points.iter().zip(digits.chunks_exact(n_digits)) {
            let d = ds[k];
            if d > 0 {
                buckets[(d - 1) as usize] = buckets[(d - 1) as usize].add_mixed(p);
            } else if d < 0 {
                buckets[(-d - 1) as usize] = buckets[(-d - 1) as usize].add_mixed(&-p);
            }
        }
        // sum_j (j + 1) * bucket[j] by running sums from the top bucket down.
        let mut running = G1Projective::identity();
        let mut window = G1Projective::identity();
        for b in buckets.iter().rev() {
            running += b;
            window += running;
        }
        acc += window;
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;

    fn naive(points: &[G1Affine], scalars: &[Scalar]) -> G1Projective {
        points
            .iter()
            .zip(scalars)
            .fold(G1Projective::identity(), |acc, (p, s)| acc + p * s)
    }

    /// Random points and scalars with the awkward cases mixed in: zero, one, minus one,
    /// the largest scalar, and the identity point.
    fn inputs(n: usize, seed: u64) -> (Vec<G1Affine>, Vec<Scalar>) {
        use rand::SeedableRng;
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let mut points: Vec<G1Affine> = (0..n)
            .map(|_| {
                let mut wide = [0u8; 64];
                rand::Rng::fill_bytes(&mut rng, &mut wide);
                G1Affine::from(G1Projective::generator() * Scalar::from_bytes_wide(&wide))
            })
            .collect();
        let mut scalars: Vec<Scalar> = (0..n)
            .map(|_| {
                let mut wide = [0u8; 64];
                rand::Rng::fill_bytes(&mut rng, &mut wide);
                Scalar::from_bytes_wide(&wide)
            })
            .collect();
        let special = [Scalar::ZERO, Scalar::ONE, -Scalar::ONE, Scalar::from(16u64)];
        for (k, s) in special.iter().enumerate() {
            if k < n {
                scalars[k] = *s;
            }
        }
        if n > 4 {
            points[4] = G1Affine::identity();
            // A repeated point and its negation exercise the doubling and cancelling cases.
            points[n - 1] = points[n - 2];
            scalars[n - 1] = -scalars[n - 2];
        }
        (points, scalars)
    }

    #[test]
    fn both_forms_match_the_naive_sum() {
        for (seed, n) in [0usize, 1, 2, 3, 5, 8, 17, 64].into_iter().enumerate() {
            let (points, scalars) = inputs(n, seed as u64);
            let expected = naive(&points, &scalars);
            assert_eq!(msm_ct(&points, &scalars), expected, "msm_ct n={n}");
            assert_eq!(
                msm_vartime(&points, &scalars),
                expected,
                "msm_vartime n={n}"
            );
            assert_eq!(
                pippenger_vartime(&points, &scalars),
                expected,
                "pippenger n={n}"
            );
        }
    }

    #[test]
    fn pippenger_path_of_msm_vartime_matches() {
        let n = PIPPENGER_THRESHOLD + 3;
        let (points, scalars) = inputs(n, 99);
        assert_eq!(msm_vartime(&points, &scalars), naive(&points, &scalars));
    }
}
