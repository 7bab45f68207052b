//! Property tests of the limb arithmetic ([`super::fp`], [`super::point`], [`super::glv`],
//! [`super::wide`], [`super::vartime`], [`super::tables`]) against `bls12_381`'s own, with
//! the inputs at the edges mixed in: scalars `0`, `r - 1`, multiples of `z^2`, halves whose
//! windows sit at the signed recoding's carry boundary, the identity, `P` and `-P` together,
//! projective inputs with `Z != 1`, and sums whose partial results hit every exceptional case
//! of the affine engine.

use std::sync::OnceLock;

use bls12_381::{G1Affine, G1Projective, Scalar};
use proptest::prelude::*;
use rand::SeedableRng;

use super::fp::{self, Limbs};
use super::glv::{decompose, psi};
use super::msm::{msm_ct, msm_vartime};
use super::plan::{GeneratorTerms, Output, VartimePlan};
use super::point::{normalize_all, to_raw, Point, Projective, RawPoint};
use super::testing::{point as random_point, scalar as random_scalar};
use super::vartime::{odd_multiples, straus, straus_many, Term};
use super::wide::{wide_msm_ct, CombTable, WideTable};

/// `z^2` as an integer.
const Z2: u128 = 0xd201_0000_0001_0000u128 * 0xd201_0000_0001_0000u128;

fn z2() -> Scalar {
    Scalar::from(0xd201_0000_0001_0000u64).square()
}

fn from_u128(v: u128) -> Scalar {
    Scalar::from_raw([v as u64, (v >> 64) as u64, 0, 0])
}

/// `floor((r - 1) / z^2)`, the largest second GLV half.
const K2_MAX: u128 = 0xac45_a401_0001_a402_0000_0000_ffff_ffff;

/// A value below `2^127` (so below `z^2` too, and any two of them are the halves of a
/// scalar): uniform, or with every `w`-bit window at an edge of the signed recoding.
fn half() -> impl Strategy<Value = u128> {
    let window = |w: u32| {
        prop_oneof![
            Just(0u128),
            Just(1),
            Just((1 << (w - 1)) - 1),
            Just(1 << (w - 1)),
            Just((1 << (w - 1)) + 1),
            Just((1 << w) - 1),
        ]
    };
    let windows = |w: u32| {
        proptest::collection::vec(window(w), 22).prop_map(move |ws| {
            ws.iter().enumerate().fold(0u128, |acc, (i, &v)| {
                acc | v.checked_shl(i as u32 * w).unwrap_or(0)
            }) & ((1 << 127) - 1)
        })
    };
    prop_oneof![
        any::<u128>().prop_map(|v| v >> 1),
        windows(5),
        windows(6),
        windows(7),
        Just(0),
        Just(1),
        Just((1 << 127) - 1),
    ]
}

/// Scalars at the edges of the GLV split and the field.
fn edge_scalars() -> Vec<Scalar> {
    let z2 = z2();
    let two = Scalar::from(2u64);
    let half_r = two.invert().unwrap() - Scalar::one(); // (r - 1) / 2
    vec![
        Scalar::zero(),
        Scalar::one(),
        -Scalar::one(),
        -two,
        half_r,
        half_r + Scalar::one(),
        z2,
        z2 - Scalar::one(),
        z2 + Scalar::one(),
        -z2,
        z2 * two,
        z2 * Scalar::from(u64::MAX),
        z2.square(),
        z2.square() - Scalar::one(),
        from_u128(K2_MAX) * z2,
        from_u128(K2_MAX) * z2 - Scalar::one(),
        from_u128(Z2 - 1),
        from_u128(Z2 - 1) + from_u128(K2_MAX) * z2,
        two.pow_vartime(&[254, 0, 0, 0]),
        two.pow_vartime(&[254, 0, 0, 0]) - Scalar::one(),
        two.pow_vartime(&[128, 0, 0, 0]),
        two.pow_vartime(&[127, 0, 0, 0]),
        Scalar::from(64u64),
        -Scalar::from(64u64),
        Scalar::from(32u64),
        -Scalar::from(32u64),
    ]
}

/// A scalar: two constructed halves, uniform, or an edge value.
fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        2 => (half(), half()).prop_map(|(k1, k2)| from_u128(k1) + from_u128(k2) * z2()),
        1 => any::<u64>().prop_map(|seed| random_scalar(&mut rand::rngs::StdRng::seed_from_u64(seed))),
        1 => proptest::sample::select(edge_scalars()),
    ]
}

/// Two fixed random points and their tables (built once for all cases).
struct Fixture {
    p: G1Affine,
    q: G1Affine,
    comb_p: CombTable,
    comb_q: CombTable,
    comb_identity: CombTable,
    wide: [WideTable; 3],
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x11b5);
        let (p, q) = (random_point(&mut rng), random_point(&mut rng));
        Fixture {
            p,
            q,
            comb_p: CombTable::new(&p),
            comb_q: CombTable::new(&q),
            comb_identity: CombTable::new(&G1Affine::identity()),
            wide: [
                WideTable::new(&p),
                WideTable::new(&G1Affine::identity()),
                WideTable::new(&q),
            ],
        }
    })
}

fn affine(p: &Point) -> G1Affine {
    normalize_all(&[*p]).expect("on the curve")[0]
}

#[test]
fn decomposition_at_the_edges() {
    let z2 = z2();
    for k in edge_scalars() {
        let (k1, k2) = decompose(&k);
        assert!(k1 < Z2, "{k:?}");
        assert!(k2 <= K2_MAX, "{k:?}");
        assert_eq!(from_u128(k1) + from_u128(k2) * z2, k);
    }
    assert_eq!(decompose(&-Scalar::one()).1, K2_MAX);
    assert_eq!(decompose(&from_u128(Z2 - 1)), (Z2 - 1, 0));
    assert_eq!(decompose(&z2), (0, 1));
}

#[test]
fn normalize_all_handles_empty_and_identity_lists() {
    assert_eq!(normalize_all(&[]).unwrap(), Vec::<G1Affine>::new());
    let id = [Point::IDENTITY; 3];
    assert_eq!(normalize_all(&id).unwrap(), vec![G1Affine::identity(); 3]);
    let p = fixture().p;
    let mixed = [Point::IDENTITY, Point::from_affine(&p), Point::IDENTITY];
    assert_eq!(
        normalize_all(&mixed).unwrap(),
        vec![G1Affine::identity(), p, G1Affine::identity()]
    );
    // A point off the curve is refused, not returned.
    let mut bad = Point::from_affine(&p);
    bad.0.y = fp::add(&bad.0.y, &fp::ONE);
    assert!(normalize_all(&[bad]).is_none());
}

/// A point's projective limbs scaled by `lambda` (the same point, `Z = lambda`).
fn scaled(p: &G1Affine, lambda: &Limbs) -> Projective {
    let q = Point::from_affine(p).0;
    Projective {
        x: fp::mul(&q.x, lambda),
        y: fp::mul(&q.y, lambda),
        z: fp::mul(&q.z, lambda),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `decompose` returns exactly the halves a scalar was built from.
    #[test]
    fn decomposition_returns_the_halves(k1 in half(), k2 in half()) {
        prop_assert_eq!(decompose(&(from_u128(k1) + from_u128(k2) * z2())), (k1, k2));
    }

    /// Complete formulas on points with `Z != 1`, the identity in any scaling, `P + P`,
    /// `P + (-P)`, compared with `bls12_381`.
    #[test]
    fn point_formulas_match_on_scaled_coordinates(
        seed in any::<u64>(),
        relation in 0usize..5,
        p_identity in proptest::bool::weighted(0.15),
    ) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let p = if p_identity { G1Affine::identity() } else { random_point(&mut rng) };
        let q = match relation {
            0 => p,
            1 => -p,
            2 => G1Affine::identity(),
            _ => random_point(&mut rng),
        };
        let lambda1 = to_raw(&random_point(&mut rng));
        let lambda2 = to_raw(&random_point(&mut rng));
        let l1: Limbs = lambda1[..6].try_into().unwrap();
        let l2: Limbs = lambda2[6..].try_into().unwrap();
        let (pp, qq) = (scaled(&p, &l1), scaled(&q, &l2));
        let (p_, q_) = (G1Projective::from(p), G1Projective::from(q));
        let mut got = vec![Point(pp.add(&qq)), Point(qq.add(&pp)), Point(pp.double()), Point(qq.double())];
        let mut want = vec![p_ + q_, q_ + p_, p_.double(), q_.double()];
        if !bool::from(q.is_identity()) {
            let raw = to_raw(&q);
            got.push(Point(pp.add_affine(&raw[..6].try_into().unwrap(), &raw[6..].try_into().unwrap())));
            want.push(p_ + q_);
        }
        let got = normalize_all(&got).expect("on the curve");
        let want: Vec<G1Affine> = want.iter().map(G1Affine::from).collect();
        prop_assert_eq!(got, want);
    }

    /// Comb and wide-window products and sums against `G1Projective * Scalar`.
    #[test]
    fn comb_and_wide_products_match(s in scalar(), t in scalar(), u in scalar()) {
        let f = fixture();
        let (p, q) = (G1Projective::from(f.p), G1Projective::from(f.q));
        prop_assert_eq!(affine(&f.comb_p.mul(&s)), G1Affine::from(p * s));
        // Accumulating onto a projective start (Z != 1) and onto the identity's table.
        let start = f.comb_q.mul(&t);
        prop_assert_eq!(affine(&f.comb_p.add_mul(&start, &s)), G1Affine::from(p * s + q * t));
        prop_assert_eq!(affine(&f.comb_identity.add_mul(&start, &s)), G1Affine::from(q * t));
        let tables: Vec<&WideTable> = f.wide.iter().collect();
        let [one] = wide_msm_ct(&tables, [&[s, u, t][..]]);
        prop_assert_eq!(affine(&one), G1Affine::from(p * s + q * t));
        let [a, b] = wide_msm_ct(&tables, [&[s, u, t][..], &[t, s, -s][..]]);
        prop_assert_eq!(affine(&a), G1Affine::from(p * s + q * t));
        prop_assert_eq!(affine(&b), G1Affine::from(p * t - q * s));
        // The two halves cancelling: P * s + P * (-s) through one table twice.
        let twice = [&f.wide[0], &f.wide[0]];
        let [zero] = wide_msm_ct(&twice, [&[s, -s][..]]);
        prop_assert_eq!(affine(&zero), G1Affine::identity());
        // The verifier's variable-time sum (limb Straus over GLV halves) and msm_ct.
        let points = [f.p, f.q, G1Affine::identity(), f.p];
        let scalars = [s, t, u, -s];
        prop_assert_eq!(msm_vartime(&points, &scalars), q * t);
        prop_assert_eq!(msm_ct(&points, &scalars), q * t);
        prop_assert_eq!(msm_vartime(&points[..3], &scalars[..3]), p * s + q * t);
    }

    /// `psi` is multiplication by `z^2` on random points.
    #[test]
    fn psi_is_z_squared(seed in any::<u64>()) {
        let p = random_point(&mut rand::rngs::StdRng::seed_from_u64(seed));
        prop_assert_eq!(G1Projective::from(psi(&p)), p * z2());
    }
}

/// Multiples of one point `P` (so that partial sums and table entries collide often): the
/// tables of `P, -P, 2P, 3P` and the identity, eight odd multiples each.
fn collision_tables() -> &'static (G1Affine, Vec<RawPoint>) {
    static TABLES: OnceLock<(G1Affine, Vec<RawPoint>)> = OnceLock::new();
    TABLES.get_or_init(|| {
        let p = random_point(&mut rand::rngs::StdRng::seed_from_u64(0x5ca1));
        let pp = G1Projective::from(p);
        let bases = [
            p,
            -p,
            pp.double().into(),
            (pp.double() + pp).into(),
            G1Affine::identity(),
        ];
        (p, odd_multiples(&bases, 8))
    })
}
const COLLISION_FACTORS: [i64; 5] = [1, -1, 2, 3, 0];

fn digit() -> impl Strategy<Value = i16> {
    proptest::sample::select(vec![-15i16, -7, -5, -3, -1, 0, 0, 0, 1, 3, 5, 7, 15])
}

/// A sum: terms as `(table, digits)`.
type Chain = Vec<(usize, Vec<i16>)>;

fn chain() -> impl Strategy<Value = Chain> {
    proptest::collection::vec((0usize..5, proptest::collection::vec(digit(), 0..6)), 0..5)
}

fn chain_value(chain: &Chain) -> Scalar {
    let mut total = 0i64;
    for (table, digits) in chain {
        let v: i64 = digits
            .iter()
            .enumerate()
            .map(|(k, &d)| i64::from(d) << k)
            .sum();
        total += v * COLLISION_FACTORS[*table];
    }
    let s = Scalar::from(total.unsigned_abs());
    if total < 0 {
        -s
    } else {
        s
    }
}

fn check_chains(chains: &[Chain]) -> Result<(), TestCaseError> {
    let (p, tables) = collision_tables();
    let sums: Vec<Vec<Term<'_>>> = chains
        .iter()
        .map(|c| {
            c.iter()
                .map(|(t, digits)| Term {
                    table: &tables[8 * *t..8 * *t + 8],
                    digits: digits.as_slice(),
                })
                .collect()
        })
        .collect();
    let many = normalize_all(&straus_many(&sums)).expect("on the curve");
    prop_assert_eq!(many.len(), chains.len());
    for ((c, terms), m) in chains.iter().zip(&sums).zip(many) {
        let want = G1Affine::from(p * chain_value(c));
        prop_assert_eq!(m, want);
        prop_assert_eq!(affine(&straus(terms)), want);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `straus_many` and `straus` against plain multiplication on sums built so that the
    /// accumulators meet the entries they add (doubling), their negations (`P + (-P)`), the
    /// identity, empty chains and chains of different lengths, all in one batch.
    #[test]
    fn affine_engine_survives_collisions(chains in proptest::collection::vec(chain(), 0..8)) {
        check_chains(&chains)?;
    }
}

#[test]
fn affine_engine_named_cases() {
    let d = |v: &[i16]| v.to_vec();
    let cases: Vec<Vec<Chain>> = vec![
        // P + P at the first addition (a doubling through the addition path).
        vec![vec![(0, d(&[1])), (0, d(&[1]))]],
        // P + (-P), then more additions and doublings from the identity.
        vec![vec![
            (0, d(&[1, 3, 1])),
            (1, d(&[1, 3, 1])),
            (2, d(&[0, 0, 1])),
        ]],
        // The accumulator equal to the entry after doublings: 2P + 2P, 3P - 3P.
        vec![
            vec![(0, d(&[0, 1])), (2, d(&[1]))],
            vec![(3, d(&[1])), (0, d(&[-3]))],
        ],
        // Only the identity's table, only zero digits, empty chains, mixed lengths.
        vec![
            vec![(4, d(&[1, 3, 5]))],
            vec![(0, d(&[0, 0, 0]))],
            vec![],
            vec![(0, vec![])],
            vec![(0, d(&[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]))],
            vec![(0, d(&[15]))],
        ],
    ];
    for chains in cases {
        check_chains(&chains).unwrap();
    }
}

/// `VartimePlan::run_many` (the joint path: at least 8 plans, 96 terms each) against
/// `run` and plain multiplication, with degenerate shared points (`P`, `-P`, the identity),
/// zero and `r - 1` scalars, repeated generators with opposite scalars, and cancelling sums.
#[test]
fn run_many_matches_run_and_plain_sums() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0xba7c);
    let gens: Vec<G1Affine> = (0..52).map(|_| random_point(&mut rng)).collect();
    let p = random_point(&mut rng);
    let q = random_point(&mut rng);
    let shared_sets = [
        vec![p, -p, q],
        vec![G1Affine::identity(), p, q],
        vec![p, p, p],
        vec![q, -q, G1Affine::identity()],
    ];
    let naive = |shared: &[G1Affine], out: &Output<'_>| -> G1Affine {
        let mut acc = G1Projective::identity();
        for (seq, terms) in out.groups {
            for (i, s) in terms.iter() {
                acc += seq[*i] * s;
            }
        }
        for (k, s) in out.var {
            acc += shared[*k] * s;
        }
        acc.into()
    };
    for round in 0..3 {
        // Per plan: generator terms (zero, r - 1, opposite scalars on a repeated generator,
        // random) and shared-point terms that cancel or not.
        let mut group_terms = Vec::new();
        let mut var_terms = Vec::new();
        for i in 0..9usize {
            let mut t: Vec<(usize, Scalar)> = (0..gens.len())
                .map(|j| (j, random_scalar(&mut rng)))
                .collect();
            t[0].1 = Scalar::zero();
            t[1].1 = -Scalar::one();
            t[2].1 = z2();
            let s = random_scalar(&mut rng);
            t.push((3, s));
            t.push((3, -s));
            if i % 3 == 0 {
                // The whole generator sum cancels: every term again with the opposite sign.
                let neg: Vec<(usize, Scalar)> = t.iter().map(|(j, s)| (*j, -s)).collect();
                t.extend(neg);
            }
            group_terms.push(t);
            let s = random_scalar(&mut rng);
            var_terms.push([
                vec![(0, s), (1, s), (2, Scalar::zero())],
                vec![(2, s), (0, random_scalar(&mut rng)), (1, -Scalar::one())],
            ]);
        }
        let groups: Vec<[GeneratorTerms<'_>; 1]> = group_terms
            .iter()
            .map(|t| [(gens.as_slice(), t.as_slice())])
            .collect();
        let outputs: Vec<[Output<'_>; 2]> = (0..9)
            .map(|i| {
                [
                    Output {
                        groups: &[],
                        var: &var_terms[i][0],
                    },
                    Output {
                        groups: &groups[i],
                        var: &var_terms[i][1],
                    },
                ]
            })
            .collect();
        let shared = |i: usize| &shared_sets[(i + round) % shared_sets.len()];
        let plans: Vec<VartimePlan> = (0..9)
            .map(|i| VartimePlan::new(shared(i).as_slice(), &outputs[i]))
            .collect();
        let refs: Vec<&VartimePlan> = plans.iter().collect();
        let joint = VartimePlan::run_many(&refs);
        for (i, (plan, sums)) in plans.iter().zip(&joint).enumerate() {
            let want: Vec<G1Affine> = outputs[i]
                .iter()
                .map(|o| naive(shared(i).as_slice(), o))
                .collect();
            assert_eq!(*sums, want, "round {round}, plan {i}");
            assert_eq!(plan.run(), want, "round {round}, plan {i}");
        }
    }
}

/// The joint path (nine plans of 124 GLV halves: above the 96 per plan on average even
/// counting the tenth) with a Pippenger-sized plan (already computed) among them.
#[test]
fn run_many_with_a_pippenger_plan_among_joint_ones() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x9199);
    let gens: Vec<G1Affine> = (0..60).map(|_| random_point(&mut rng)).collect();
    let shared = [random_point(&mut rng), G1Affine::identity()];
    let terms: Vec<Vec<(usize, Scalar)>> = (0..9)
        .map(|_| (0..60).map(|j| (j, random_scalar(&mut rng))).collect())
        .collect();
    let var = [(0, random_scalar(&mut rng)), (1, Scalar::one())];
    let groups: Vec<[GeneratorTerms<'_>; 1]> = terms
        .iter()
        .map(|t| [(gens.as_slice(), t.as_slice())])
        .collect();
    let mut plans: Vec<VartimePlan> = groups
        .iter()
        .map(|g| {
            VartimePlan::new(
                &shared,
                &[Output {
                    groups: g,
                    var: &var,
                }],
            )
        })
        .collect();
    let many: Vec<G1Affine> = (0..super::msm::PIPPENGER_THRESHOLD)
        .map(|_| random_point(&mut rng))
        .collect();
    let big_terms: Vec<(usize, Scalar)> = (0..many.len())
        .map(|k| (k, random_scalar(&mut rng)))
        .collect();
    plans.insert(
        4,
        VartimePlan::new(
            &many,
            &[Output {
                groups: &[],
                var: &big_terms,
            }],
        ),
    );
    let refs: Vec<&VartimePlan> = plans.iter().collect();
    let joint = VartimePlan::run_many(&refs);
    for (plan, sums) in plans.iter().zip(&joint) {
        assert_eq!(*sums, plan.run());
    }
    let naive: G1Projective = many.iter().zip(&big_terms).map(|(p, (_, s))| p * s).sum();
    assert_eq!(joint[4], vec![G1Affine::from(naive)]);
    let naive0 = terms[0]
        .iter()
        .fold(shared[0] * var[0].1, |acc, (j, s)| acc + gens[*j] * s);
    assert_eq!(joint[0], vec![G1Affine::from(naive0)]);
}
