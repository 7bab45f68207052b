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
//! Against the 5-bit fixed-base tables of [`super::tables::FixedBaseTable`] (52 additions per
//! term, no doublings) this is 38 cheaper additions per term and 126 doublings per sum, so it
//! serves sums of [`WIDE_MIN_TERMS`] terms or more. Each result is decoded back through
//! `bls12_381` and checked to be on the curve; a failed check (an arithmetic bug) makes the
//! caller fall back to the narrow tables rather than return a wrong point.
//!
//! **Constant time** in every scalar: digit recoding is branch-free, every position of every
//! term is processed, every table entry is read with a mask computed without branches (the
//! mask goes through `black_box` so the compiler cannot turn the masked OR into an indexed
//! load), and negation, zero digits and the identity are handled with masks. The table
//! indexes (which generators) are public.

use bls12_381::{G1Affine, G1Projective, Scalar};
use subtle::CtOption;
use zeroize::Zeroize;

use super::fp::{self, Limbs};
use super::glv::{decompose, u128_bytes};
use super::msm::signed_digits;

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
pub(crate) const WIDE_MIN_TERMS: usize = 12;

/// An affine point as plain limbs: `x` then `y`, each in Montgomery form.
type RawPoint = [u64; 12];

/// A point in homogeneous projective coordinates `(X : Y : Z)`, Montgomery form; the
/// identity is `(0 : 1 : 0)`.
#[derive(Clone, Copy)]
struct Projective {
    x: Limbs,
    y: Limbs,
    z: Limbs,
}

/// `3 * b = 12`, times `a`, by additions.
#[inline(always)]
fn mul_by_3b(a: &Limbs) -> Limbs {
    let a2 = fp::add(a, a);
    let a3 = fp::add(&a2, a);
    let a6 = fp::add(&a3, &a3);
    fp::add(&a6, &a6)
}

impl Projective {
    const IDENTITY: Self = Self {
        x: [0; 6],
        y: fp::ONE,
        z: [0; 6],
    };

    /// `2 * self`: Renes-Costello-Batina algorithm 9 (`a = 0`), complete.
    #[inline(always)]
    fn double(&self) -> Self {
        let t0 = fp::mul(&self.y, &self.y);
        let z3 = fp::add(&t0, &t0);
        let z3 = fp::add(&z3, &z3);
        let z3 = fp::add(&z3, &z3);
        let t1 = fp::mul(&self.y, &self.z);
        let t2 = fp::mul(&self.z, &self.z);
        let t2 = mul_by_3b(&t2);
        let x3 = fp::mul(&t2, &z3);
        let y3 = fp::add(&t0, &t2);
        let z3 = fp::mul(&t1, &z3);
        let t1 = fp::add(&t2, &t2);
        let t2 = fp::add(&t1, &t2);
        let t0 = fp::sub(&t0, &t2);
        let y3 = fp::mul(&t0, &y3);
        let y3 = fp::add(&x3, &y3);
        let t1 = fp::mul(&self.x, &self.y);
        let x3 = fp::mul(&t0, &t1);
        let x3 = fp::add(&x3, &x3);
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `self + (x2, y2)` for an affine point that is not the identity: Renes-Costello-Batina
    /// algorithm 8 (`a = 0`), complete in `self`.
    #[inline(always)]
    fn add_affine(&self, x2: &Limbs, y2: &Limbs) -> Self {
        let t0 = fp::mul(&self.x, x2);
        let t1 = fp::mul(&self.y, y2);
        let t3 = fp::add(x2, y2);
        let t4 = fp::add(&self.x, &self.y);
        let t3 = fp::mul(&t3, &t4);
        let t4 = fp::add(&t0, &t1);
        let t3 = fp::sub(&t3, &t4);
        let t4 = fp::mul(y2, &self.z);
        let t4 = fp::add(&t4, &self.y);
        let y3 = fp::mul(x2, &self.z);
        let y3 = fp::add(&y3, &self.x);
        let x3 = fp::add(&t0, &t0);
        let t0 = fp::add(&x3, &t0);
        let t2 = mul_by_3b(&self.z);
        let z3 = fp::add(&t1, &t2);
        let t1 = fp::sub(&t1, &t2);
        let y3 = mul_by_3b(&y3);
        let x3 = fp::mul(&t4, &y3);
        let t2 = fp::mul(&t3, &t1);
        let x3 = fp::sub(&t2, &x3);
        let y3 = fp::mul(&y3, &t0);
        let t1 = fp::mul(&t1, &z3);
        let y3 = fp::add(&t1, &y3);
        let t0 = fp::mul(&t0, &t3);
        let z3 = fp::mul(&z3, &t4);
        let z3 = fp::add(&z3, &t0);
        Self {
            x: x3,
            y: y3,
            z: z3,
        }
    }

    /// `other` where `mask` is all ones, `self` where it is zero.
    #[inline(always)]
    fn select(&self, other: &Self, mask: u64) -> Self {
        Self {
            x: fp::select(&self.x, &other.x, mask),
            y: fp::select(&self.y, &other.y, mask),
            z: fp::select(&self.z, &other.z, mask),
        }
    }

    fn zeroize(&mut self) {
        self.x.zeroize();
        self.y.zeroize();
        self.z.zeroize();
    }
}

/// The affine points of `points` (one shared inversion), decoded into `bls12_381` and checked
/// to be on the curve; `None` if any check fails. Constant time but for that final check.
fn to_affine<const K: usize>(points: &[Projective; K]) -> Option<[G1Affine; K]> {
    // Montgomery's trick over the non-zero Z (the identity's Z = 0 is replaced by one).
    let zero: [u64; K] = core::array::from_fn(|k| fp::is_zero(&points[k].z));
    let zs: [Limbs; K] = core::array::from_fn(|k| fp::select(&points[k].z, &fp::ONE, zero[k]));
    let mut prefix = [fp::ONE; K];
    let mut acc = fp::ONE;
    for k in 0..K {
        prefix[k] = acc;
        acc = fp::mul(&acc, &zs[k]);
    }
    let mut inv = fp::invert(&acc);
    let mut out = [G1Affine::identity(); K];
    let mut ok = subtle::Choice::from(1u8);
    for k in (0..K).rev() {
        let z_inv = fp::mul(&inv, &prefix[k]);
        inv = fp::mul(&inv, &zs[k]);
        let x = fp::from_montgomery(&fp::mul(&points[k].x, &z_inv));
        let y = fp::from_montgomery(&fp::mul(&points[k].y, &z_inv));
        let mut bytes = [0u8; 96];
        for i in 0..6 {
            let start = 40 - 8 * i;
            bytes[start..start + 8].copy_from_slice(&(x[i] & !zero[k]).to_be_bytes());
            bytes[48 + start..56 + start].copy_from_slice(&(y[i] & !zero[k]).to_be_bytes());
        }
        bytes[0] |= 0x40 & zero[k] as u8;
        let decoded: CtOption<G1Affine> = G1Affine::from_uncompressed_unchecked(&bytes)
            .and_then(|p| CtOption::new(p, p.is_on_curve()));
        ok &= decoded.is_some();
        out[k] = decoded.unwrap_or(G1Affine::identity());
        bytes.zeroize();
    }
    bool::from(ok).then_some(out)
}

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
    /// pass over the table. **Constant time** in the digits: every entry is read and masked.
    #[inline(always)]
    fn select<const N: usize>(&self, abs: &[u16; N]) -> [RawPoint; N] {
        // All ones exactly when index == a: (x - 1) >> 63 is 1 only for x = 0. The masks go
        // through one `black_box`, so the compiler cannot know that a single one is set and
        // turn the masked OR below into an indexed load or a branch.
        let masks: [[u64; N]; WIDE_ENTRIES] = core::array::from_fn(|j| {
            core::array::from_fn(|k| {
                let diff = (j as u64 + 1) ^ u64::from(abs[k]);
                (diff.wrapping_sub(1) >> 63).wrapping_neg()
            })
        });
        let masks = core::hint::black_box(masks);
        let mut out = [[0u64; 12]; N];
        for (entry, masks) in self.entries.iter().zip(&masks) {
            for (o, &mask) in out.iter_mut().zip(masks) {
                *o = core::array::from_fn(|l| o[l] | (entry[l] & mask));
            }
            // An empty barrier per entry: it keeps the loop vectorizer off the entries, so
            // the limbs of each entry are combined two at a time instead (measured faster).
            core::hint::black_box(());
        }
        out
    }
}

impl Drop for WideTable {
    fn drop(&mut self) {
        // Tables serve public generators, but wiping costs nothing worth saving.
        self.base.zeroize();
        self.entries.iter_mut().for_each(|e| e.zeroize());
    }
}

/// A point's affine coordinates in Montgomery form (meaningless for the identity: callers
/// mask them).
fn to_raw(p: &G1Affine) -> RawPoint {
    let bytes = p.to_uncompressed();
    let mut raw = [0u64; 12];
    for (coordinate, out) in raw.chunks_exact_mut(6).enumerate() {
        let mut limbs = [0u64; 6];
        for (i, limb) in limbs.iter_mut().enumerate() {
            // Limb i counted from the least significant end of a big-endian coordinate.
            let start = 48 * coordinate + 40 - 8 * i;
            let mut b: [u8; 8] = bytes[start..start + 8].try_into().unwrap_or_default();
            if start == 0 {
                b[0] &= 0x1f; // the flag bits of the encoding
            }
            *limb = u64::from_be_bytes(b);
        }
        out.copy_from_slice(&fp::to_montgomery(&limbs));
    }
    raw
}

/// The affine coordinates a selected entry stands for: `psi` applied when `psi` is set
/// (`psi(x, y) = (beta * x, -y)`), negated under `negate` (all ones or zero). Constant time in
/// the limbs and the mask; `psi` is public (which half).
#[inline(always)]
fn finish(raw: &RawPoint, negate: u64, psi: bool) -> (Limbs, Limbs) {
    let mut x: Limbs = [0; 6];
    let mut y: Limbs = [0; 6];
    x.copy_from_slice(&raw[..6]);
    y.copy_from_slice(&raw[6..]);
    let mut negate = negate;
    if psi {
        x = fp::mul(&x, &fp::BETA_MONT);
        negate = !negate;
    }
    let y = fp::select(&y, &fp::neg(&y), negate);
    (x, y)
}

/// `K` sums over the same tables, `out[o] = sum_i tables[i].base() * scalars[o][i]`,
/// **constant time** in the scalars (see the module documentation). The scalar slices are as
/// long as `tables`. `None` only if a result fails its on-curve check (an arithmetic bug),
/// for the caller to fall back to another method.
pub(crate) fn wide_msm_ct<const K: usize>(
    tables: &[&WideTable],
    scalars: [&[Scalar]; K],
) -> Option<[G1Affine; K]> {
    debug_assert!(scalars.iter().all(|s| s.len() == tables.len()));
    if K > MAX_OUTPUTS {
        return None;
    }
    // digits[(i * K + o) * 2 + h]: term i, output o, half h.
    let mut digits = vec![[0i16; WIDE_DIGITS]; tables.len() * K * 2];
    for (i, chunk) in digits.chunks_exact_mut(2 * K).enumerate() {
        for (o, pair) in chunk.chunks_exact_mut(2).enumerate() {
            let (mut k1, mut k2) = decompose(&scalars[o][i]);
            for (k, out) in [k1, k2].iter().zip(pair.iter_mut()) {
                let mut bytes = u128_bytes(*k);
                signed_digits(&bytes, 0, 128, WIDE_WINDOW, out);
                bytes.zeroize();
            }
            k1.zeroize();
            k2.zeroize();
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
                let d = half[pos];
                let mask = d >> 15; // 0 or -1
                abs[k] = ((d ^ mask) - mask) as u16;
                negative[k] = mask as i64 as u64;
            }
            match n {
                2 => raws[..2].copy_from_slice(&table.select(&[abs[0], abs[1]])),
                _ => raws.copy_from_slice(&table.select(&abs)),
            }
            for (k, raw) in raws[..n].iter().enumerate() {
                // A zero digit (or the identity's table) adds nothing: the sum is computed
                // from the all-zero entry and discarded by the mask.
                let nonzero =
                    (u64::from(abs[k]).wrapping_neg() >> 63).wrapping_neg() & table.not_identity;
                let (mut x, mut y) = finish(raw, negative[k], k % 2 == 1);
                let sum = acc[k / 2].add_affine(&x, &y);
                acc[k / 2] = acc[k / 2].select(&sum, nonzero);
                x.zeroize();
                y.zeroize();
            }
        }
    }
    abs.zeroize();
    negative.zeroize();
    raws.iter_mut().for_each(|r| r.zeroize());
    digits.zeroize();
    let out = to_affine(&acc);
    acc.iter_mut().for_each(Projective::zeroize);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bbs::tables::tests::{point, scalar};
    use rand::SeedableRng;

    #[test]
    fn wide_sums_match_plain_multiplication() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(11);
        let points: Vec<G1Affine> = (0..5).map(|_| point(&mut rng)).collect();
        let tables: Vec<WideTable> = points.iter().map(WideTable::new).collect();
        let refs: Vec<&WideTable> = tables.iter().collect();
        let z2 = Scalar::from(0xd201_0000_0001_0000u64).square();
        let edge = [
            Scalar::zero(),
            Scalar::one(),
            -Scalar::one(),
            Scalar::from(64u64),
            -Scalar::from(64u64),
            z2,
            z2 - Scalar::one(),
            -z2,
            Scalar::from(u64::MAX),
        ];
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
            let [one] = wide_msm_ct(&refs, [s.as_slice()]).unwrap();
            assert_eq!(G1Projective::from(one), naive);
            let other: Vec<Scalar> = s.iter().map(|k| k + Scalar::one()).collect();
            let naive2: G1Projective = points.iter().zip(&other).map(|(p, k)| p * k).sum();
            let [a, b] = wide_msm_ct(&refs, [s.as_slice(), other.as_slice()]).unwrap();
            assert_eq!((a, b), (G1Affine::from(naive), G1Affine::from(naive2)));
        }
    }

    #[test]
    fn the_identitys_table_adds_nothing() {
        let g = G1Affine::generator();
        let tables = [WideTable::new(&G1Affine::identity()), WideTable::new(&g)];
        let refs: Vec<&WideTable> = tables.iter().collect();
        let s = [Scalar::from(77u64), Scalar::from(5u64)];
        let [sum] = wide_msm_ct(&refs, [&s[..]]).unwrap();
        assert_eq!(sum, G1Affine::from(g * Scalar::from(5u64)));
        let [none] = wide_msm_ct(&refs, [&[Scalar::from(3u64), Scalar::zero()][..]]).unwrap();
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
            let [a] = to_affine(&[*r]).unwrap();
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
