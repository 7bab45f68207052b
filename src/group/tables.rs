//! Precomputed multiples of fixed points, and the constant-time sums that read them.
//!
//! - **Generator tables**, cached per generator sequence (`P1`, `Q_1`, `H_1, H_2, ...`, draft
//!   §4.1.1; keyed by the sequence's first point and checked point by point), built from a
//!   sequence's second use on so that one-shot processes do not pay for them: constant-time
//!   comb tables ([`CombTable`], at most 129 points) and wide-window tables ([`WideTable`],
//!   at most 257) for the prover and signer, and width-10 NAF tables ([`NafTable`], at most
//!   257) for the verifier's plans ([`super::plan`]).
//! - **Constant-time generator sums** over those tables: [`fixed_msm_ct`], [`fixed_msm2_ct`]
//!   (two sums in one pass) and [`fixed_msm_ct_point`] (the sum left in limbs).
//! - **Split tables** ([`SplitBases`]) of a few variable points (a signature's `A`, a
//!   credential's `B`), each kept with its GLV image so that every product needs half the
//!   doublings.
//!
//! Constant time: [`fixed_msm_ct`], [`fixed_msm2_ct`], [`fixed_msm_ct_point`] and
//! [`SplitBases`] in every scalar (which generators, and whether a table is cached, are
//! public). The caches' lookups depend only on public points. Table entries are affine
//! (`bls12_381` points, or limbs in Montgomery form below `p` for the comb and wide tables);
//! sums are projective until their one final inversion.
//!
//! Pinned against `bls12_381` by this module's tests (`split_tables_match_plain_multiplication`,
//! `long_generator_sums_match_naive_sums`: no table, tables being built, tables read) and,
//! through the public API, by `tests/prepared.rs`
//! (`every_multiplication_path_gives_the_same_signature_and_proof`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use bls12_381::{G1Affine, G1Projective, Scalar};
use zeroize::Zeroize;

use super::digits::signed_digits;
use super::glv::{decompose, psi, u128_bytes};
use super::msm::{ct_windows, msm_ct, straus_ct, CtWindow, CT_WINDOW};
use super::point::{normalize, Point, RawPoint};
use super::vartime;
use super::wide::{wide_msm_ct, CombTable, WideTable, WIDE_MIN_TERMS};

/// Generators past this many in a sequence get no comb table (each costs 66 KB); their
/// products fall back to [`msm_ct`].
const MAX_COMB_TABLES: usize = 129;
/// Generators past this many in a sequence get no NAF table (52 KB each, with the GLV
/// images). The bound also caps what a hostile proof length can make a verifier build.
const MAX_NAF_TABLES: usize = 257;
/// Generators past this many in a sequence get no wide-window table (6 KB each).
const MAX_WIDE_TABLES: usize = 257;
/// Width of the verifier's precomputed NAF digits: 256 odd multiples per point.
pub(super) const FIXED_NAF_WIDTH: usize = 10;

/// The odd multiples `P, 3P, ..., 511P` of a public point and their images under the GLV
/// endomorphism `psi`, for variable-time products with half-length scalars.
pub(crate) struct NafTable {
    pub(super) base: G1Affine,
    pub(super) odd: Vec<RawPoint>,
    pub(super) psi_odd: Vec<RawPoint>,
}

impl NafTable {
    fn new(base: &G1Affine) -> Self {
        let odd = vartime::odd_multiples(&[*base], 1 << (FIXED_NAF_WIDTH - 2));
        Self {
            base: *base,
            psi_odd: odd.iter().map(vartime::psi_raw).collect(),
            odd,
        }
    }
}

/// A generator sequence's tables and how often they were asked for.
struct Entry<T> {
    uses: u32,
    tables: Vec<Arc<T>>,
}

impl<T> Default for Entry<T> {
    fn default() -> Self {
        Self {
            uses: 0,
            tables: Vec::new(),
        }
    }
}

/// A cache of per-point tables, one entry per generator sequence.
type Cache<T> = Mutex<HashMap<[u8; 48], Entry<T>>>;

/// Tables are built on a sequence's second use: a process that signs or verifies once (the
/// command line) does not pay for tables it would use once, a long-running one pays once.
const BUILD_ON_USE: u32 = 2;

/// Tables for the first `min(points.len(), max)` points of a sequence, built from the
/// sequence's second use on (before that, whatever is cached, possibly nothing: callers
/// handle points without a table). A cached table is reused only if its base is the very
/// point asked for.
fn cached<T>(
    cache: &'static OnceLock<Cache<T>>,
    points: &[G1Affine],
    max: usize,
    new: fn(&G1Affine) -> T,
    base: fn(&T) -> &G1Affine,
) -> Vec<Arc<T>> {
    let Some(first) = points.first() else {
        return Vec::new();
    };
    let n = points.len().min(max);
    let mut map = cache
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let entry = map.entry(first.to_compressed()).or_default();
    entry.uses = entry.uses.saturating_add(1);
    let tables = &mut entry.tables;
    if entry.uses < BUILD_ON_USE {
        let ready = tables
            .iter()
            .zip(&points[..n])
            .take_while(|(t, p)| base(t) == *p)
            .count();
        return tables[..ready].to_vec();
    }
    for (i, p) in points[..n].iter().enumerate() {
        match tables.get(i) {
            Some(t) if base(t) == p => {}
            Some(_) => tables[i] = Arc::new(new(p)),
            None => tables.push(Arc::new(new(p))),
        }
    }
    tables[..n].to_vec()
}

/// Constant-time comb tables ([`CombTable`]) for the first points of a generator sequence
/// (at most 129).
fn comb_tables(points: &[G1Affine]) -> Vec<Arc<CombTable>> {
    static CACHE: OnceLock<Cache<CombTable>> = OnceLock::new();
    cached(
        &CACHE,
        points,
        MAX_COMB_TABLES,
        CombTable::new,
        CombTable::base,
    )
}

/// NAF tables for the first points of a generator sequence (at most 257).
pub(super) fn naf_tables(points: &[G1Affine]) -> Vec<Arc<NafTable>> {
    static CACHE: OnceLock<Cache<NafTable>> = OnceLock::new();
    cached(&CACHE, points, MAX_NAF_TABLES, NafTable::new, |t| &t.base)
}

/// Wide-window tables (see [`super::wide`]) for the first points of a generator sequence (at
/// most 257).
fn wide_tables(points: &[G1Affine]) -> Vec<Arc<WideTable>> {
    static CACHE: OnceLock<Cache<WideTable>> = OnceLock::new();
    cached(
        &CACHE,
        points,
        MAX_WIDE_TABLES,
        WideTable::new,
        WideTable::base,
    )
}

/// `sum_k sequence[i_k] * s_k` over `(i_k, s_k)` terms of a generator sequence, **constant
/// time** in the scalars (the indexes are public). Sums of [`WIDE_MIN_TERMS`] terms or more
/// use the cached wide-window tables ([`super::wide`]), shorter ones the cached comb tables,
/// and points without a cached table [`msm_ct`].
pub(crate) fn fixed_msm_ct(sequence: &[G1Affine], terms: &[(usize, Scalar)]) -> G1Projective {
    fixed_sums(sequence, terms, None).0
}

/// Two sums over the same generators, `(sum_k sequence[i_k] * s_k, sum_k sequence[i_k] * t_k)`
/// over `(i_k, s_k, t_k)` terms, **constant time** in the scalars: each wide-window table is
/// read once for both sums.
pub(crate) fn fixed_msm2_ct(
    sequence: &[G1Affine],
    terms: &[(usize, Scalar, Scalar)],
) -> (G1Projective, G1Projective) {
    let mut s: Vec<(usize, Scalar)> = terms.iter().map(|(i, s, _)| (*i, *s)).collect();
    let mut t: Vec<Scalar> = terms.iter().map(|(_, _, t)| *t).collect();
    let out = fixed_sums(sequence, &s, Some(&t));
    s.zeroize();
    t.zeroize();
    out
}

/// [`fixed_msm_ct`] for callers that finish their sum in [`super::wide`]'s limbs.
pub(crate) fn fixed_msm_ct_point(sequence: &[G1Affine], terms: &[(usize, Scalar)]) -> Point {
    limb_sums(sequence, terms, None)[0]
}

/// The sums of [`fixed_msm_ct`] (`second` absent) and [`fixed_msm2_ct`].
fn fixed_sums(
    sequence: &[G1Affine],
    terms: &[(usize, Scalar)],
    second: Option<&[Scalar]>,
) -> (G1Projective, G1Projective) {
    let mut sums = limb_sums(sequence, terms, second);
    let affine = normalize(&sums);
    sums.iter_mut().for_each(Point::zeroize);
    if let Some([a, b]) = affine {
        return (a.into(), b.into());
    }
    // Only if the limbs failed their on-curve check (a bug): bls12_381's arithmetic.
    let points: Vec<G1Affine> = terms.iter().map(|(i, _)| sequence[*i]).collect();
    let mut first: Vec<Scalar> = terms.iter().map(|(_, s)| *s).collect();
    let out = (
        msm_ct(&points, &first),
        second.map_or_else(G1Projective::identity, |t| msm_ct(&points, t)),
    );
    first.zeroize();
    out
}

/// The sums in limbs: through the wide-window tables when there are enough terms and every
/// term's generator has one cached, else through the comb tables (and [`msm_ct`] for points
/// without one). The second sum is the identity when `second` is absent.
fn limb_sums(
    sequence: &[G1Affine],
    terms: &[(usize, Scalar)],
    second: Option<&[Scalar]>,
) -> [Point; 2] {
    let needed = terms.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
    let mut first: Vec<Scalar> = terms.iter().map(|(_, s)| *s).collect();
    let wide = if terms.len() >= WIDE_MIN_TERMS {
        let tables = wide_tables(&sequence[..needed]);
        terms
            .iter()
            .map(|(i, _)| tables.get(*i).cloned())
            .collect::<Option<Vec<_>>>()
    } else {
        None
    };
    if let Some(tables) = wide {
        let chosen: Vec<&WideTable> = tables.iter().map(Arc::as_ref).collect();
        let out = match second {
            Some(second) => wide_msm_ct(&chosen, [&first, second]),
            None => [wide_msm_ct(&chosen, [&first])[0], Point::IDENTITY],
        };
        first.zeroize();
        return out;
    }
    let tables = comb_tables(&sequence[..needed]);
    let mut acc = [Point::IDENTITY; 2];
    // Terms left for msm_ct: points without a cached table.
    let (mut rest_points, mut rest) = (Vec::new(), [Vec::new(), Vec::new()]);
    for (k, (i, s)) in terms.iter().enumerate() {
        let t = second.map(|t| t[k]);
        match tables.get(*i) {
            Some(table) => {
                acc[0] = table.add_mul(&acc[0], s);
                if let Some(t) = t {
                    acc[1] = table.add_mul(&acc[1], &t);
                }
            }
            None => {
                rest_points.push(sequence[*i]);
                rest[0].push(*s);
                rest[1].extend(t);
            }
        }
    }
    if !rest_points.is_empty() {
        for (a, scalars) in acc.iter_mut().zip(&mut rest) {
            if !scalars.is_empty() {
                *a = a.add(&Point::from_affine(&G1Affine::from(msm_ct(
                    &rest_points,
                    scalars,
                ))));
                scalars.zeroize();
            }
        }
    }
    first.zeroize();
    acc
}

/// Constant-time products of a few variable points that are each used several times (the
/// prover's `A` and `B`): every point `P` is kept with `psi(P) = z^2 P` (the GLV
/// endomorphism, one field multiplication), both as window tables, and a product splits its
/// scalar into two halves below `2^128` (`k = k1 + k2 z^2`), so it needs 125 doublings
/// instead of 255.
pub(crate) struct SplitBases {
    /// Two windows per point: `P` and `psi(P)`.
    windows: Vec<CtWindow>,
}

/// Signed radix-2^5 digits of a 128-bit half, with room for the final carry.
const HALF_DIGITS: usize = 26;

impl SplitBases {
    /// Tables for `points` (16 additions each and one inversion overall). Constant time.
    pub(crate) fn new(points: &[G1Affine]) -> Self {
        let mut bases = Vec::with_capacity(2 * points.len());
        for p in points {
            bases.extend([G1Projective::from(p), G1Projective::from(psi(p))]);
        }
        let windows = ct_windows(&bases);
        bases.zeroize();
        Self { windows }
    }

    /// `sum (points[i] * s)` over the `(i, s)` terms, **constant time** in the scalars.
    pub(crate) fn msm_ct(&self, terms: &[(usize, Scalar)]) -> G1Projective {
        let mut windows = Vec::with_capacity(2 * terms.len());
        let mut digits = vec![0i16; 2 * terms.len() * HALF_DIGITS];
        for ((i, s), out) in terms.iter().zip(digits.chunks_exact_mut(2 * HALF_DIGITS)) {
            windows.extend_from_slice(&self.windows[2 * i..2 * i + 2]);
            let (mut k1, mut k2) = decompose(s);
            let (low, high) = out.split_at_mut(HALF_DIGITS);
            for (k, out) in [(&k1, low), (&k2, high)] {
                let mut bytes = u128_bytes(*k);
                signed_digits(&bytes, 0, 128, CT_WINDOW, out);
                bytes.zeroize();
            }
            k1.zeroize();
            k2.zeroize();
        }
        let acc = straus_ct(&windows, &digits, HALF_DIGITS);
        digits.zeroize();
        windows.zeroize();
        acc
    }
}

impl Drop for SplitBases {
    fn drop(&mut self) {
        self.windows.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::testing::{point, scalar};
    use rand::SeedableRng;

    #[test]
    fn split_tables_match_plain_multiplication() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let p = point(&mut rng);
        let q = point(&mut rng);
        let split = SplitBases::new(&[p, q]);
        let mut cases = vec![Scalar::zero(), Scalar::one(), -Scalar::one()];
        cases.extend((0..5).map(|_| scalar(&mut rng)));
        for s in &cases {
            let t = scalar(&mut rng);
            assert_eq!(split.msm_ct(&[(0, *s), (1, t)]), p * s + q * t);
            assert_eq!(split.msm_ct(&[(1, *s)]), q * s);
        }
    }

    #[test]
    fn long_generator_sums_match_naive_sums() {
        // Enough terms for the wide-window tables; three rounds: no table, building, reading.
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        let gens: Vec<G1Affine> = (0..12).map(|_| point(&mut rng)).collect();
        let terms: Vec<(usize, Scalar, Scalar)> = (0..12)
            .filter(|i| i % 4 != 1)
            .map(|i| (i, scalar(&mut rng), scalar(&mut rng)))
            .collect();
        let single: Vec<(usize, Scalar)> = terms.iter().map(|(i, s, _)| (*i, *s)).collect();
        let expected = terms.iter().fold(
            (G1Projective::identity(), G1Projective::identity()),
            |(a, b), (i, s, t)| (a + gens[*i] * s, b + gens[*i] * t),
        );
        for _ in 0..3 {
            assert_eq!(fixed_msm2_ct(&gens, &terms), expected);
            assert_eq!(fixed_msm_ct(&gens, &single), expected.0);
            let [p] = normalize(&[fixed_msm_ct_point(&gens, &single)]).unwrap();
            assert_eq!(p, G1Affine::from(expected.0));
        }
    }
}
