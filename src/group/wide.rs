//! Wide-window constant-time multi-scalar multiplication over the generators, for the
//! prover's long sums (draft §3.7.1: `B`'s hidden terms and `T2`'s `sum H_j * m~_j`).
//!
//! A constant-time table read touches every entry, so its cost grows with the table; through
//! `bls12_381`'s `G1Affine::conditional_assign` (about 10 ns an entry here) windows wider than
//! 5 bits do not pay, and `bls12_381` has no way to build a point from coordinates without
//! decoding them. So this module keeps the points as plain limbs and does its own group
//! arithmetic on them, over [`super::fp`]:
//!
//! - each generator's table ([`WideTable`]) holds the multiples `1..=64` as affine limbs in
//!   Montgomery form; a read is a masked OR over the whole table (about 1.5 ns an entry);
//! - the accumulator is in homogeneous projective coordinates, with the complete addition,
//!   mixed addition and doubling formulas for `y^2 = x^3 + b` of Renes, Costello and Batina
//!   (EUROCRYPT 2016, algorithms 7-9: the ones `bls12_381` uses), so no input is exceptional;
//! - each scalar is split with the GLV endomorphism into two halves below `2^128`
//!   (`k * P = k1 * P + k2 * psi(P)`, see [`super::glv`]); `psi` is applied to the entry read
//!   (one multiplication of `x` by `beta`, `y` negated), so one table serves both halves;
//! - the sum is Straus's: one accumulator per output, 19 signed digit positions of 7 bits,
//!   126 shared doublings, and per term and position two mixed additions.
//!
//! Against the fixed-base combs ([`CombTable`]: 44 additions per term, no doublings, but
//! 66 KB a point) this is 38 additions per term and 126 doublings per sum, so it serves sums
//! of [`WIDE_MIN_TERMS`] terms or more; the combs serve shorter sums and the points a prepared
//! credential multiplies every time (`A`, `B`, `B - A * e`). Each result is decoded back through
//! `bls12_381` and checked to be on the curve; a failed check (an arithmetic bug) makes the
//! caller fall back to the narrow tables rather than return a wrong point.
//!
//! **Constant time** in every scalar: digit recoding is branch-free, every position of every
//! term is processed, every table entry is read with a mask computed without branches (the
//! mask goes through `black_box` so the compiler cannot turn the masked OR into an indexed
//! load), and negation, zero digits and the identity are handled with masks. The table
//! indexes (which generators) are public.
//!
//! **Invariants**: table entries are affine limbs in Montgomery form below `p` (the
//! identity's table all zeros, with a public "not identity" mask); accumulators are
//! projective ([`Point`]). A [`CombTable`] is zeroized on drop (its point may be a holder's
//! secret).
//!
//! **Tests**: `comb_products_match_plain_multiplication`, `wide_sums_match_plain_multiplication`,
//! `the_identitys_table_adds_nothing`, `full_addition_matches_bls12_381`,
//! `point_formulas_match_bls12_381` (below, against `bls12_381`), and `super::limb_tests`'s
//! `comb_and_wide_products_match` (edge scalars, `Z != 1` starts, cancelling halves).

use bls12_381::{G1Affine, G1Projective, Scalar};
use zeroize::Zeroize;

use super::digits::signed_digits;
use super::glv::{decompose, u128_bytes};
use super::point::{to_raw, Point, Projective, RawPoint};

/// Digit width: signed digits in `[-64, 64]`.
const WIDE_WINDOW: usize = 7;
/// Entries of a table: the multiples `1..=64` of its point.
const WIDE_ENTRIES: usize = 1 << (WIDE_WINDOW - 1);
/// Digit positions of a 128-bit half, with room for the final carry.
const WIDE_DIGITS: usize = 128 / WIDE_WINDOW + 1;

/// How many sums [`wide_msm_ct`] computes in one pass at most.
const MAX_OUTPUTS: usize = 2;

/// Sums with at least this many terms use the wide tables (below it the 126 doublings cost
/// more than the additions saved); measured with `cargo bench --bench bbs`.
pub(crate) const WIDE_MIN_TERMS: usize = 6;

/// The multiples `1 * P, ..., 64 * P` of a point, as [`RawPoint`]s (6 KB). The identity's
/// table has all-zero entries and is read as the identity.
pub(crate) struct WideTable {
    base: G1Affine,
    /// All ones, or zero for the identity's table (public).
    not_identity: u64,
    entries: Box<[RawPoint; WIDE_ENTRIES]>,
}

impl WideTable {
    /// Builds the table (63 additions and one inversion).
    pub(crate) fn new(base: &G1Affine) -> Self {
        let not_identity = if bool::from(base.is_identity()) {
            0
        } else {
            u64::MAX
        };
        let p = G1Projective::from(base);
        let mut multiples = Vec::with_capacity(WIDE_ENTRIES);
        let mut acc = p;
        for _ in 0..WIDE_ENTRIES {
            multiples.push(acc);
            acc += p;
        }
        let mut affine = vec![G1Affine::identity(); WIDE_ENTRIES];
        G1Projective::batch_normalize(&multiples, &mut affine);
        let mut entries = Box::new([[0u64; 12]; WIDE_ENTRIES]);
        for (entry, point) in entries.iter_mut().zip(&affine) {
            *entry = to_raw(point);
            entry.iter_mut().for_each(|l| *l &= not_identity);
        }
        Self {
            base: *base,
            not_identity,
            entries,
        }
    }

    /// The point the table multiplies.
    pub(crate) fn base(&self) -> &G1Affine {
        &self.base
    }

    /// The entries `abs[k]` (in `1..=64`; 0 gives all-zero limbs) for `N` digits in one
    /// pass over the table; see [`select`].
    #[inline(always)]
    fn select<const N: usize>(&self, abs: &[u16; N]) -> [RawPoint; N] {
        select(&self.entries, abs)
    }
}

/// The entries `abs[k]` of `entries` (1-based: `abs[k] = 0` gives all-zero limbs) for `N`
/// digits in one pass. **Constant time** in the digits: every entry is read and masked.
#[inline(always)]
fn select<const E: usize, const N: usize>(
    entries: &[RawPoint; E],
    abs: &[u16; N],
) -> [RawPoint; N] {
    // All ones exactly when index == a: (x - 1) >> 63 is 1 only for x = 0. The masks go
    // through one `black_box`, so the compiler cannot know that a single one is set and turn
    // the masked OR below into an indexed load or a branch.
    let masks: [[u64; N]; E] = core::array::from_fn(|j| {
        core::array::from_fn(|k| {
            let diff = (j as u64 + 1) ^ u64::from(abs[k]);
            (diff.wrapping_sub(1) >> 63).wrapping_neg()
        })
    });
    let masks = core::hint::black_box(masks);
    let mut out = [[0u64; 12]; N];
    for (entry, masks) in entries.iter().zip(&masks) {
        for (o, &mask) in out.iter_mut().zip(masks) {
            *o = core::array::from_fn(|l| o[l] | (entry[l] & mask));
        }
        // An empty barrier per entry: it keeps the loop vectorizer off the entries, so the
        // limbs of each entry are combined two at a time instead (measured faster).
        core::hint::black_box(());
    }
    out
}

impl Drop for WideTable {
    fn drop(&mut self) {
        // Tables serve public generators, but wiping costs nothing worth saving.
        self.base.zeroize();
        self.entries.iter_mut().for_each(|e| e.zeroize());
    }
}

/// A signed digit's magnitude and sign mask (all ones when negative), branch-free.
#[inline(always)]
fn split_digit(d: i16) -> (u16, u64) {
    let mask = d >> 15; // 0 or -1
    (((d ^ mask) - mask) as u16, mask as i64 as u64)
}

/// The signed radix-`2^w` digits of both GLV halves of `s` (see [`decompose`]).
fn glv_digits<const D: usize>(s: &Scalar, w: usize) -> [[i16; D]; 2] {
    let (mut k1, mut k2) = decompose(s);
    let mut digits = [[0i16; D]; 2];
    for (k, out) in [k1, k2].iter().zip(digits.iter_mut()) {
        let mut bytes = u128_bytes(*k);
        signed_digits(&bytes, 0, 128, w, out);
        bytes.zeroize();
    }
    k1.zeroize();
    k2.zeroize();
    digits
}

/// Digit width of [`CombTable`]: signed digits in `[-32, 32]`.
const COMB_WINDOW: usize = 6;
/// Entries per position of a [`CombTable`]: the multiples `1..=32`.
const COMB_ENTRIES: usize = 1 << (COMB_WINDOW - 1);
/// Digit positions of a 128-bit half in radix `2^6`, with room for the final carry.
const COMB_DIGITS: usize = 128 / COMB_WINDOW + 1;

/// Constant-time fixed-base comb of one point `P`, in limbs: for each of the 22 positions `k`
/// of a 128-bit GLV half in signed radix `2^6`, the multiples `1..=32` of `2^(6k) P` (66 KB).
/// A product `s * P = k1 * P + k2 * psi(P)` then costs 44 mixed additions and 22 table
/// reads (both halves' digits in one read), and no doubling. Used for a prepared
/// credential's `A`, `B` and `B - A * e`, which every presentation multiplies; zeroized on
/// drop, since those points are secret to the holder.
pub(crate) struct CombTable {
    base: G1Affine,
    not_identity: u64,
    positions: Vec<[RawPoint; COMB_ENTRIES]>,
}

impl CombTable {
    /// Builds the table (about 700 additions, 130 doublings and one inversion).
    pub(crate) fn new(base: &G1Affine) -> Self {
        let not_identity = (u64::from(base.is_identity().unwrap_u8()) ^ 1).wrapping_neg();
        let mut multiples = Vec::with_capacity(COMB_DIGITS * COMB_ENTRIES);
        let mut position = G1Projective::from(base);
        for _ in 0..COMB_DIGITS {
            let mut m = position;
            for _ in 0..COMB_ENTRIES {
                multiples.push(m);
                m += position;
            }
            for _ in 0..COMB_WINDOW {
                position = position.double();
            }
        }
        let mut affine = vec![G1Affine::identity(); multiples.len()];
        G1Projective::batch_normalize(&multiples, &mut affine);
        let positions = affine
            .chunks_exact(COMB_ENTRIES)
            .map(|chunk| {
                core::array::from_fn(|j| {
                    let mut raw = to_raw(&chunk[j]);
                    raw.iter_mut().for_each(|l| *l &= not_identity);
                    raw
                })
            })
            .collect();
        multiples.zeroize();
        affine.zeroize();
        position.zeroize();
        Self {
            base: *base,
            not_identity,
            positions,
        }
    }

    /// The point the table multiplies.
    pub(crate) fn base(&self) -> &G1Affine {
        &self.base
    }

    /// `acc + P * s`, **constant time** in `s` and in `P`'s limbs.
    pub(crate) fn add_mul(&self, acc: &Point, s: &Scalar) -> Point {
        let mut digits = glv_digits::<COMB_DIGITS>(s, COMB_WINDOW);
        let mut a = acc.0;
        for (pos, entries) in self.positions.iter().enumerate() {
            let (abs1, neg1) = split_digit(digits[0][pos]);
            let (abs2, neg2) = split_digit(digits[1][pos]);
            let mut raws = select(entries, &[abs1, abs2]);
            a = a.add_digit(&raws[0], abs1, neg1, false, self.not_identity);
            a = a.add_digit(&raws[1], abs2, neg2, true, self.not_identity);
            raws.iter_mut().for_each(|r| r.zeroize());
        }
        digits.zeroize();
        Point(a)
    }

    /// `P * s`, **constant time** in `s`.
    pub(crate) fn mul(&self, s: &Scalar) -> Point {
        self.add_mul(&Point::IDENTITY, s)
    }
}

impl Drop for CombTable {
    fn drop(&mut self) {
        self.base.zeroize();
        self.positions
            .iter_mut()
            .for_each(|p| p.iter_mut().for_each(|e| e.zeroize()));
    }
}

/// `K` sums over the same tables, `out[o] = sum_i tables[i].base() * scalars[o][i]`,
/// **constant time** in the scalars (see the module documentation). The scalar slices are as
/// long as `tables`; `K` is 1 or 2.
pub(crate) fn wide_msm_ct<const K: usize>(
    tables: &[&WideTable],
    scalars: [&[Scalar]; K],
) -> [Point; K] {
    debug_assert!(scalars.iter().all(|s| s.len() == tables.len()));
    const { assert!(K <= MAX_OUTPUTS, "at most two sums share a pass") };
    // digits[(i * K + o) * 2 + h]: term i, output o, half h.
    let mut digits = Vec::with_capacity(tables.len() * K * 2);
    for i in 0..tables.len() {
        for s in &scalars {
            digits.extend(glv_digits::<WIDE_DIGITS>(&s[i], WIDE_WINDOW));
        }
    }
    let mut acc = [Projective::IDENTITY; K];
    let mut abs = [0u16; 2 * MAX_OUTPUTS];
    let mut negative = [0u64; 2 * MAX_OUTPUTS];
    let mut raws = [[0u64; 12]; 2 * MAX_OUTPUTS];
    let n = 2 * K;
    for pos in (0..WIDE_DIGITS).rev() {
        if pos != WIDE_DIGITS - 1 {
            for a in acc.iter_mut() {
                for _ in 0..WIDE_WINDOW {
                    *a = a.double();
                }
            }
        }
        for (table, chunk) in tables.iter().zip(digits.chunks_exact(n)) {
            // Both halves of every output read the table once: 2K digits per pass.
            for (k, half) in chunk.iter().enumerate() {
                (abs[k], negative[k]) = split_digit(half[pos]);
            }
            match n {
                2 => raws[..2].copy_from_slice(&table.select(&[abs[0], abs[1]])),
                _ => raws.copy_from_slice(&table.select(&abs)),
            }
            for (k, raw) in raws[..n].iter().enumerate() {
                let a = &mut acc[k / 2];
                *a = a.add_digit(raw, abs[k], negative[k], k % 2 == 1, table.not_identity);
            }
        }
    }
    abs.zeroize();
    negative.zeroize();
    raws.iter_mut().for_each(|r| r.zeroize());
    digits.zeroize();
    acc.map(Point)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::fp;
    use crate::group::point::{finish, normalize};
    use crate::group::testing::{point, scalar};
    use rand::SeedableRng;

    /// Scalars at the edges of the digit recoding and the GLV split.
    fn edge_scalars() -> Vec<Scalar> {
        let z2 = Scalar::from(0xd201_0000_0001_0000u64).square();
        vec![
            Scalar::zero(),
            Scalar::one(),
            -Scalar::one(),
            Scalar::from(32u64),
            Scalar::from(64u64),
            -Scalar::from(64u64),
            z2,
            z2 - Scalar::one(),
            -z2,
            Scalar::from(u64::MAX),
            z2.square() - Scalar::one(),
        ]
    }

    #[test]
    fn comb_products_match_plain_multiplication() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(13);
        let p = point(&mut rng);
        let table = CombTable::new(&p);
        let start = Point::from_affine(&point(&mut rng));
        let start_affine = normalize(&[start]).unwrap()[0];
        let mut scalars = edge_scalars();
        scalars.extend((0..20).map(|_| scalar(&mut rng)));
        for s in scalars {
            assert_eq!(
                normalize(&[table.mul(&s)]).unwrap()[0],
                G1Affine::from(p * s)
            );
            assert_eq!(
                normalize(&[table.add_mul(&start, &s)]).unwrap()[0],
                G1Affine::from(start_affine + p * s)
            );
        }
        let identity = CombTable::new(&G1Affine::identity());
        let [zero] = normalize(&[identity.add_mul(&start, &scalar(&mut rng))]).unwrap();
        assert_eq!(zero, start_affine);
    }

    #[test]
    fn full_addition_matches_bls12_381() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(14);
        let (p, q) = (point(&mut rng), point(&mut rng));
        let (pp, qq) = (Point::from_affine(&p), Point::from_affine(&q));
        let id = Point::from_affine(&G1Affine::identity());
        let n = |x: Point| normalize(&[x]).unwrap()[0];
        assert_eq!(n(pp.add(&qq)), G1Affine::from(p + G1Projective::from(q)));
        assert_eq!(
            n(pp.add(&pp)),
            G1Affine::from(G1Projective::from(p).double())
        );
        assert_eq!(n(pp.add(&Point::from_affine(&-p))), G1Affine::identity());
        assert_eq!(n(pp.add(&id)), p);
        assert_eq!(n(id.add(&qq)), q);
        assert_eq!(n(id.add(&Point::IDENTITY)), G1Affine::identity());
        // Non-normalised inputs: doubled points have Z != 1.
        let (p2, q2) = (pp.add(&pp), qq.add(&qq));
        assert_eq!(
            n(p2.add(&q2)),
            G1Affine::from((p + G1Projective::from(q)).double())
        );
    }

    #[test]
    fn wide_sums_match_plain_multiplication() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let points: Vec<G1Affine> = (0..5).map(|_| point(&mut rng)).collect();
        let tables: Vec<WideTable> = points.iter().map(WideTable::new).collect();
        let refs: Vec<&WideTable> = tables.iter().collect();
        let edge = edge_scalars();
        let mut cases: Vec<Vec<Scalar>> = edge
            .chunks(5)
            .map(|c| {
                let mut v = c.to_vec();
                v.resize(5, Scalar::one());
                v
            })
            .collect();
        for e in edge {
            cases.push(vec![e; 5]);
        }
        for _ in 0..10 {
            cases.push((0..5).map(|_| scalar(&mut rng)).collect());
        }
        for s in &cases {
            let naive: G1Projective = points.iter().zip(s).map(|(p, k)| p * k).sum();
            let [one] = normalize(&wide_msm_ct(&refs, [s.as_slice()])).unwrap();
            assert_eq!(G1Projective::from(one), naive);
            let other: Vec<Scalar> = s.iter().map(|k| k + Scalar::one()).collect();
            let naive2: G1Projective = points.iter().zip(&other).map(|(p, k)| p * k).sum();
            let [a, b] = normalize(&wide_msm_ct(&refs, [s.as_slice(), other.as_slice()])).unwrap();
            assert_eq!((a, b), (G1Affine::from(naive), G1Affine::from(naive2)));
        }
    }

    #[test]
    fn the_identitys_table_adds_nothing() {
        let g = G1Affine::generator();
        let tables = [WideTable::new(&G1Affine::identity()), WideTable::new(&g)];
        let refs: Vec<&WideTable> = tables.iter().collect();
        let s = [Scalar::from(77u64), Scalar::from(5u64)];
        let [sum] = normalize(&wide_msm_ct(&refs, [&s[..]])).unwrap();
        assert_eq!(sum, G1Affine::from(g * Scalar::from(5u64)));
        let [none] = normalize(&wide_msm_ct(
            &refs,
            [&[Scalar::from(3u64), Scalar::zero()][..]],
        ))
        .unwrap();
        assert_eq!(none, G1Affine::identity());
    }

    #[test]
    fn point_formulas_match_bls12_381() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(12);
        let (p, q) = (point(&mut rng), point(&mut rng));
        let (rp, rq) = (to_raw(&p), to_raw(&q));
        let from = |raw: &RawPoint| Projective {
            x: raw[..6].try_into().unwrap(),
            y: raw[6..].try_into().unwrap(),
            z: fp::ONE,
        };
        let check = |r: &Projective, expected: G1Projective| {
            let [a] = normalize(&[Point(*r)]).unwrap();
            assert_eq!(a, G1Affine::from(expected));
        };
        let (qx, qy) = finish(&rq, 0, false);
        check(&from(&rp).add_affine(&qx, &qy), p + G1Projective::from(q));
        check(
            &from(&rp).add_affine(&rp[..6].try_into().unwrap(), &rp[6..].try_into().unwrap()),
            G1Projective::from(p).double(),
        );
        let (nx, ny) = finish(&rp, u64::MAX, false);
        check(&from(&rp).add_affine(&nx, &ny), G1Projective::identity());
        check(&Projective::IDENTITY.add_affine(&qx, &qy), q.into());
        check(&from(&rp).double(), G1Projective::from(p).double());
        check(&Projective::IDENTITY.double(), G1Projective::identity());
        let (sx, sy) = finish(&rp, 0, true);
        let z2 = Scalar::from(0xd201_0000_0001_0000u64).square();
        check(&Projective::IDENTITY.add_affine(&sx, &sy), p * z2);
    }
}
