//! The verifier's planned sums: several **variable-time** multi-scalar multiplications over
//! the same points, with the generators' cached NAF tables ([`super::tables`]), the GLV
//! split, and Straus over limbs ([`super::vartime`]); many plans can run together
//! ([`VartimePlan::run_many`], a batch of proofs), and very long ones go to Pippenger
//! ([`super::msm::msm_vartime`]).
//!
//! Variable time throughout: plans index tables by digit value and skip zero digits, so
//! every scalar and point they see must be public (verification, the public terms of `B`).
//! Points are affine limbs in Montgomery form (tables) and projective or affine limbs
//! (accumulators, see [`super::vartime`]); results are decoded back into `bls12_381` and
//! checked on the curve.
//!
//! Pinned against `bls12_381` by this module's tests (`generator_msms_match_naive_sums`,
//! `several_sums_over_shared_points`) and by `super::limb_tests`
//! (`run_many_matches_run_and_plain_sums`, `run_many_with_a_pippenger_plan_among_joint_ones`).

use std::sync::Arc;

use bls12_381::{G1Affine, G1Projective, Scalar};

use super::digits::wnaf_bytes;
use super::glv::{decompose, u128_bytes};
use super::msm::{msm_vartime, NAF_WIDTH, PIPPENGER_THRESHOLD};
use super::point::{normalize_all_vartime, Point, RawPoint};
use super::tables::{naf_tables, NafTable, FIXED_NAF_WIDTH};
use super::vartime;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::tables::{fixed_msm2_ct, fixed_msm_ct};
    use crate::group::testing::{point, scalar};
    use rand::SeedableRng;

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
