//! Precomputed multiples of fixed points: constant-time fixed-base tables for the prover and
//! signer, width-10 NAF tables for the verifier, and the constant-time "split" tables that let
//! a few variable points (a signature's `A`, a credential's `B`) be multiplied several times
//! with fewer doublings.
//!
//! Tables for the generators `P1`, `Q_1`, `H_1, H_2, ...` (draft §4.1.1) are cached per
//! sequence next to the generators themselves (keyed by the sequence's first point and
//! checked point by point), so hash-to-curve and table building each run once per process
//! (tables from a sequence's second use on, so that one-shot processes do not build them).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use bls12_381::{G1Affine, G1Projective, Scalar};
use zeroize::Zeroize;

use super::glv::{decompose, psi, u128_bytes};
use super::point::{normalize_all_vartime, RawPoint};
use super::vartime;
use super::wide::{normalize, wide_msm_ct, CombTable, Point, WideTable, WIDE_MIN_TERMS};

use super::msm::{
    ct_windows, msm_ct, msm_vartime, signed_digits, straus_ct, wnaf_bytes, CtWindow, CT_WINDOW,
    NAF_WIDTH, PIPPENGER_THRESHOLD,
};

/// Generators past this many in a sequence get no comb table (each costs 66 KB); their
/// products fall back to [`msm_ct`].
const MAX_COMB_TABLES: usize = 129;
/// Generators past this many in a sequence get no NAF table (52 KB each, with the GLV
/// images). The bound also caps what a hostile proof length can make a verifier build.
const MAX_NAF_TABLES: usize = 257;
/// Generators past this many in a sequence get no wide-window table (6 KB each).
const MAX_WIDE_TABLES: usize = 257;
/// Width of the verifier's precomputed NAF digits: 256 odd multiples per point.
const FIXED_NAF_WIDTH: usize = 10;

/// The odd multiples `P, 3P, ..., 511P` of a public point and their images under the GLV
/// endomorphism `psi`, for variable-time products with half-length scalars.
pub(crate) struct NafTable {
    base: G1Affine,
    odd: Vec<RawPoint>,
    psi_odd: Vec<RawPoint>,
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
fn naf_tables(points: &[G1Affine]) -> Vec<Arc<NafTable>> {
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

/// A generator sequence and `(index, scalar)` terms over it.
pub(crate) type GeneratorTerms<'a> = (&'a [G1Affine], &'a [(usize, Scalar)]);

/// `sum` over groups of `(generator sequence, (index, scalar) terms)` plus
/// `sum_k var[k] * var_scalars[k]`, **variable time**; see [`VartimePlan`].
pub(crate) fn msm_vartime_with_generators(
    groups: &[GeneratorTerms<'_>],
    var: &[G1Affine],
    var_scalars: &[Scalar],
) -> G1Projective {
    let terms: Vec<(usize, Scalar)> = var_scalars.iter().copied().enumerate().collect();
    let plan = VartimePlan::new(
        var,
        &[Output {
            groups,
            var: &terms,
        }],
    );
    plan.run()
        .first()
        .map_or_else(G1Projective::identity, G1Projective::from)
}

/// One sum of a [`VartimePlan`]: terms over generator sequences, and
/// `(position in the shared points, scalar)` terms over the other points.
pub(crate) struct Output<'a> {
    /// Terms over generator sequences.
    pub groups: &'a [GeneratorTerms<'a>],
    /// Terms over the shared non-generator points.
    pub var: &'a [(usize, Scalar)],
}

/// Where a term's table lives.
enum Source {
    /// A cached generator table (`psi` for the second GLV half).
    Fixed(Arc<NafTable>, bool),
    /// Offset of the table in the plan's own tables.
    Own(usize),
}

/// Several multi-scalar multiplications over the same non-generator points, planned:
/// **variable time** (public scalars only: verification). The generators use their cached
/// width-10 NAF tables and the GLV endomorphism; the shared points get their (and their
/// `psi` images') width-5 NAF tables once, for all the sums. [`VartimePlan::run`] computes
/// the sums with [`vartime::straus`]; [`VartimePlan::run_many`] computes the sums of many
/// plans together with [`vartime::straus_many`] (a batch of proofs).
pub(crate) struct VartimePlan {
    own: Vec<RawPoint>,
    outputs: Vec<Vec<(Source, [i16; 257])>>,
    /// Sums too large for Straus, computed at once with Pippenger's buckets.
    done: Option<Vec<G1Projective>>,
}

/// Terms per chain in [`VartimePlan::run_many`]: a long sum is split into independent
/// chains (each with its own doublings) so that a batch has enough of them to share each
/// inversion widely.
const CHAIN_TERMS: usize = 48;

/// [`VartimePlan::run_many`] computes sums jointly from this many plans...
const JOINT_MIN_PLANS: usize = 8;
/// ...with at least this many terms (GLV halves) per plan on average (measured: at L=10,
/// about 30 terms, joint sums cost slightly more instructions; at L=100, about 210, 20% fewer).
const JOINT_MIN_TERMS: usize = 96;

impl VartimePlan {
    /// Plans the `outputs` over the `shared` points.
    pub(crate) fn new(shared: &[G1Affine], outputs: &[Output<'_>]) -> Self {
        // Generator terms without a cached table join the shared points.
        let mut points = shared.to_vec();
        let mut plans = Vec::with_capacity(outputs.len());
        let mut total = 0;
        for out in outputs {
            let mut fixed = Vec::new();
            let mut var: Vec<(usize, Scalar)> = out.var.to_vec();
            for (sequence, terms) in out.groups {
                let needed = terms.iter().map(|(i, _)| i + 1).max().unwrap_or(0);
                let t = naf_tables(&sequence[..needed]);
                for (i, s) in terms.iter() {
                    match t.get(*i) {
                        Some(table) => fixed.push((Arc::clone(table), *s)),
                        None => {
                            points.push(sequence[*i]);
                            var.push((points.len() - 1, *s));
                        }
                    }
                }
            }
            total += fixed.len() + var.len();
            plans.push((fixed, var));
        }
        if total >= PIPPENGER_THRESHOLD {
            let done = plans
                .into_iter()
                .map(|(fixed, var)| {
                    let (mut p, mut s): (Vec<G1Affine>, Vec<Scalar>) =
                        var.iter().map(|(k, s)| (points[*k], *s)).unzip();
                    for (t, scalar) in &fixed {
                        p.push(t.base);
                        s.push(*scalar);
                    }
                    msm_vartime(&p, &s)
                })
                .collect();
            return Self {
                own: Vec::new(),
                outputs: Vec::new(),
                done: Some(done),
            };
        }
        // GLV throughout: every scalar as two halves below 2^128, every point also as psi(P).
        let halves = |s: &Scalar, w: usize| {
            let (k1, k2) = decompose(s);
            (
                wnaf_bytes(&u128_bytes(k1), w),
                wnaf_bytes(&u128_bytes(k2), w),
            )
        };
        let entries = 1 << (NAF_WIDTH - 2);
        let odd = vartime::odd_multiples(&points, entries);
        let own: Vec<RawPoint> = odd
            .chunks_exact(entries)
            .flat_map(|table| {
                let psi_table: Vec<RawPoint> = table.iter().map(vartime::psi_raw).collect();
                table.iter().copied().chain(psi_table)
            })
            .collect();
        let outputs = plans
            .iter()
            .map(|(fixed, var)| {
                let mut terms = Vec::with_capacity(2 * (fixed.len() + var.len()));
                for (table, s) in fixed {
                    let (d1, d2) = halves(s, FIXED_NAF_WIDTH);
                    terms.push((Source::Fixed(Arc::clone(table), false), d1));
                    terms.push((Source::Fixed(Arc::clone(table), true), d2));
                }
                for (k, s) in var {
                    let (d1, d2) = halves(s, NAF_WIDTH);
                    terms.push((Source::Own(2 * k * entries), d1));
                    terms.push((Source::Own((2 * k + 1) * entries), d2));
                }
                terms
            })
            .collect();
        Self {
            own,
            outputs,
            done: None,
        }
    }

    /// The terms of output `o`, in chains of at most `chain` terms.
    fn chains(&self, o: usize, chain: usize) -> Vec<Vec<vartime::Term<'_>>> {
        let entries = 1 << (NAF_WIDTH - 2);
        let terms: Vec<vartime::Term<'_>> = self.outputs[o]
            .iter()
            .map(|(source, digits)| vartime::Term {
                table: match source {
                    Source::Fixed(t, false) => &t.odd,
                    Source::Fixed(t, true) => &t.psi_odd,
                    Source::Own(offset) => &self.own[*offset..offset + entries],
                },
                digits,
            })
            .collect();
        terms.chunks(chain.max(1)).map(<[_]>::to_vec).collect()
    }

    /// The planned sums, affine.
    pub(crate) fn run(&self) -> Vec<G1Affine> {
        if let Some(done) = &self.done {
            return normalize_projective(done);
        }
        let sums: Vec<Point> = (0..self.outputs.len())
            .map(|o| {
                let terms = self.chains(o, usize::MAX).concat();
                vartime::straus(&terms)
            })
            .collect();
        finish_sums(&sums)
    }

    /// The planned sums of many plans, computed together; `out[i]` are plan `i`'s sums.
    /// Sharing inversions pays only for long sums (each chain's doublings cost as much as
    /// its additions, and short chains leave few operations per shared inversion): with
    /// fewer than [`JOINT_MIN_PLANS`] plans or [`JOINT_MIN_TERMS`] terms per plan on average,
    /// each plan runs on its own.
    pub(crate) fn run_many(plans: &[&VartimePlan]) -> Vec<Vec<G1Affine>> {
        let terms: usize = plans
            .iter()
            .map(|p| p.outputs.iter().map(Vec::len).sum::<usize>())
            .sum();
        if plans.len() < JOINT_MIN_PLANS || terms < JOINT_MIN_TERMS * plans.len() {
            return plans.iter().map(|p| p.run()).collect();
        }
        // Every output of every plan as chains; Pippenger-sized plans are already done.
        let mut chains = Vec::new();
        let mut owner = Vec::new();
        for (i, plan) in plans.iter().enumerate() {
            for o in 0..plan.outputs.len() {
                for chain in plan.chains(o, CHAIN_TERMS) {
                    chains.push(chain);
                    owner.push((i, o));
                }
            }
        }
        let results = vartime::straus_many(&chains);
        let mut sums: Vec<Vec<Point>> = plans
            .iter()
            .map(|p| vec![Point::IDENTITY; p.outputs.len()])
            .collect();
        for ((i, o), r) in owner.into_iter().zip(results) {
            sums[i][o] = sums[i][o].add(&r);
        }
        plans
            .iter()
            .zip(sums)
            .map(|(plan, sums)| match &plan.done {
                Some(done) => normalize_projective(done),
                None => finish_sums(&sums),
            })
            .collect()
    }
}

/// Sums in limbs, affine (falling back to the identity only if the limbs failed their
/// check, which a wrong challenge then rejects).
fn finish_sums(sums: &[Point]) -> Vec<G1Affine> {
    normalize_all_vartime(sums).unwrap_or_else(|| vec![G1Affine::identity(); sums.len()])
}

/// `bls12_381` points, affine.
fn normalize_projective(points: &[G1Projective]) -> Vec<G1Affine> {
    let mut affine = vec![G1Affine::identity(); points.len()];
    G1Projective::batch_normalize(points, &mut affine);
    affine
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
pub(crate) mod tests {
    use super::*;
    use rand::SeedableRng;

    /// A uniformly random scalar.
    pub(crate) fn scalar(rng: &mut impl rand::Rng) -> Scalar {
        let mut wide = [0u8; 64];
        rng.fill_bytes(&mut wide);
        Scalar::from_bytes_wide(&wide)
    }

    /// A uniformly random point of G1.
    pub(crate) fn point(rng: &mut impl rand::Rng) -> G1Affine {
        G1Affine::from(G1Projective::generator() * scalar(rng))
    }

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

    #[test]
    fn generator_msms_match_naive_sums() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        let gens: Vec<G1Affine> = (0..6).map(|_| point(&mut rng)).collect();
        let other: Vec<G1Affine> = (0..3).map(|_| point(&mut rng)).collect();
        let mut s: Vec<Scalar> = (0..6).map(|_| scalar(&mut rng)).collect();
        s[1] = Scalar::zero();
        s[2] = -Scalar::one();
        let t: Vec<Scalar> = (0..3).map(|_| scalar(&mut rng)).collect();
        let naive = |p: &[G1Affine], s: &[Scalar]| {
            p.iter()
                .zip(s)
                .fold(G1Projective::identity(), |acc, (p, s)| acc + p * s)
        };
        let terms: Vec<(usize, Scalar)> = s.iter().copied().enumerate().collect();
        let pairs = [(2, s[0], t[1]), (5, s[3], s[2]), (0, s[1], t[0])];
        for _ in 0..3 {
            assert_eq!(
                fixed_msm2_ct(&gens, &pairs),
                (
                    gens[2] * s[0] + gens[5] * s[3] + gens[0] * s[1],
                    gens[2] * t[1] + gens[5] * s[2] + gens[0] * t[0]
                )
            );
            assert_eq!(
                fixed_msm_ct(&gens, &[terms[3], terms[0], terms[2]]),
                gens[3] * s[3] + gens[0] * s[0] + gens[2] * s[2]
            );
        }
        // Three times: without tables, building them, reading them.
        for _ in 0..3 {
            assert_eq!(
                msm_vartime_with_generators(
                    &[(&gens, &terms), (&gens[..1], &[(0, t[0])])],
                    &other,
                    &t
                ),
                naive(&gens, &s) + gens[0] * t[0] + naive(&other, &t)
            );
        }
    }

    #[test]
    fn several_sums_over_shared_points() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        let gens: Vec<G1Affine> = (0..5).map(|_| point(&mut rng)).collect();
        let shared: Vec<G1Affine> = (0..3).map(|_| point(&mut rng)).collect();
        let s: Vec<Scalar> = (0..8).map(|_| scalar(&mut rng)).collect();
        let group_terms = [(1, s[0]), (4, s[1])];
        let groups: [GeneratorTerms<'_>; 1] = [(&gens, &group_terms)];
        let first = [(0, s[2]), (2, s[3])];
        let second = [(2, s[4])];
        let outputs = [
            Output {
                groups: &[],
                var: &first,
            },
            Output {
                groups: &groups,
                var: &second,
            },
        ];
        let expected = [
            G1Affine::from(shared[0] * s[2] + shared[2] * s[3]),
            G1Affine::from(gens[1] * s[0] + gens[4] * s[1] + shared[2] * s[4]),
        ];
        // Three times: without generator tables, building them, reading them.
        for _ in 0..3 {
            assert_eq!(VartimePlan::new(&shared, &outputs).run(), expected);
        }
        // Many plans at once give the same sums.
        let plans: Vec<VartimePlan> = (0..9)
            .map(|_| VartimePlan::new(&shared, &outputs))
            .collect();
        let refs: Vec<&VartimePlan> = plans.iter().collect();
        for sums in VartimePlan::run_many(&refs) {
            assert_eq!(sums, expected);
        }
        // Long plans (computed jointly) mixed with short ones give the same sums too.
        let long_gens: Vec<G1Affine> = (0..60).map(|_| point(&mut rng)).collect();
        let long_terms: Vec<Vec<(usize, Scalar)>> = (0..9)
            .map(|_| (0..60).map(|i| (i, scalar(&mut rng))).collect())
            .collect();
        let long_groups: Vec<[GeneratorTerms<'_>; 1]> = long_terms
            .iter()
            .map(|t| [(long_gens.as_slice(), t.as_slice())])
            .collect();
        let long_plans: Vec<VartimePlan> = long_groups
            .iter()
            .map(|g| {
                VartimePlan::new(
                    &shared,
                    &[
                        Output {
                            groups: g,
                            var: &second,
                        },
                        Output {
                            groups: &[],
                            var: &first,
                        },
                    ],
                )
            })
            .collect();
        let mixed: Vec<&VartimePlan> = long_plans.iter().chain(&plans[..2]).collect();
        let joint = VartimePlan::run_many(&mixed);
        for (plan, sums) in mixed.iter().zip(&joint) {
            assert_eq!(*sums, plan.run());
        }
        let naive = long_terms[3]
            .iter()
            .fold(shared[2] * s[4], |acc, (i, k)| acc + long_gens[*i] * k);
        assert_eq!(joint[3], [G1Affine::from(naive), expected[0]]);
        // Past the Pippenger threshold, each sum is handed to the general routine.
        let many: Vec<G1Affine> = (0..PIPPENGER_THRESHOLD).map(|_| point(&mut rng)).collect();
        let terms: Vec<(usize, Scalar)> = (0..many.len()).map(|k| (k, s[k % 8])).collect();
        let big = [Output {
            groups: &groups,
            var: &terms,
        }];
        let naive = many
            .iter()
            .zip(&terms)
            .fold(gens[1] * s[0] + gens[4] * s[1], |acc, (p, (_, s))| {
                acc + p * s
            });
        let plan = VartimePlan::new(&many, &big);
        assert_eq!(plan.run(), [G1Affine::from(naive)]);
        let small = VartimePlan::new(&shared, &outputs);
        assert_eq!(
            VartimePlan::run_many(&[&plan, &small]),
            [vec![G1Affine::from(naive)], expected.to_vec()]
        );
    }
}
