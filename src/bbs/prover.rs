//! The prover's group arithmetic for ProofInit (draft §3.7.1), shared by
//! [`proof_init`](super::proof_init) and [`PreparedSignature`](super::PreparedSignature).
//!
//! The draft computes `D = B * r2`, `Abar = A * (r1 * r2)`, `Bbar = D * r1 - Abar * e`,
//! `T1 = Abar * e~ + D * r1~` and `T2 = D * r3~ + sum H_j * m~_j`. Substituting the first
//! two into the others gives the same points from the fixed `A` and `B` alone:
//!
//! ```text
//! Bbar = (B - A * e) * (r1 * r2)
//! T1   = A * (r1 * r2 * e~) + B * (r2 * r1~)
//! T2   = B * (r2 * r3~) + sum H_j * m~_j
//! ```
//!
//! so every product has a base known before the random scalars are drawn, and a prepared
//! credential can answer each of them from a fixed-base table. Everything here is constant
//! time in the scalars, except the public terms of `B` (the disclosed messages), which take
//! the verifier's variable-time sum. The products come from the group layer: split tables
//! ([`SplitBases`]) for a fresh `A` and `B`, comb tables ([`CombTable`]) for a prepared
//! credential, the generators' cached tables ([`fixed_msm_ct`], [`fixed_msm2_ct`]) for the
//! sums over `H_j`.

use bls12_381::{G1Affine, G1Projective, Scalar};
use zeroize::Zeroize;

use super::generators::Generators;
use super::random_scalars::ProofRandomScalars;
use crate::group::{
    fixed_msm2_ct, fixed_msm_ct, fixed_msm_ct_point, msm_vartime_with_generators, normalize,
    CombTable, Point, SplitBases,
};

/// How the prover multiplies `A`, `B` and `B - A * e`.
pub(crate) enum Bases<'a> {
    /// Fresh `A` and `B` (the draft-shaped API): split tables built for this proof.
    Split {
        /// Tables for `[A, B]`.
        tables: SplitBases,
        /// The signature's `e`, for `B - A * e`.
        e: Scalar,
    },
    /// A prepared credential's comb tables (the sums are made in the group layer's limbs),
    /// with `A`, `B` and `e` for the fallback.
    Comb {
        /// Table of `A`.
        a: &'a CombTable,
        /// Table of `B`.
        b: &'a CombTable,
        /// Table of `B - A * e`.
        b_minus_ae: &'a CombTable,
        /// `[A, B]`.
        points: &'a [G1Affine; 2],
        /// The signature's `e`.
        e: &'a Scalar,
    },
}

/// `A * x + B * y` for the given terms; constant time in `x` and `y`.
fn split_ab(tables: &SplitBases, a: Option<&Scalar>, b: Option<&Scalar>) -> G1Projective {
    let mut terms = Vec::with_capacity(2);
    terms.extend(a.map(|x| (0, *x)));
    terms.extend(b.map(|y| (1, *y)));
    let r = tables.msm_ct(&terms);
    terms.zeroize();
    r
}

/// `(B - A * e) * x`; constant time in `x` and `e`.
fn split_b_minus_ae(tables: &SplitBases, e: &Scalar, x: &Scalar) -> G1Projective {
    let mut minus_ex = -(e * x);
    let r = tables.msm_ct(&[(1, *x), (0, minus_ex)]);
    minus_ex.zeroize();
    r
}

/// The points ProofInit computes, in the draft's order `(Abar, Bbar, D, T1, T2)`.
pub(crate) struct InitPoints {
    pub(crate) a_bar: G1Affine,
    pub(crate) b_bar: G1Affine,
    pub(crate) d: G1Affine,
    pub(crate) t1: G1Affine,
    pub(crate) t2: G1Affine,
}

/// ProofInit's group operations (draft §3.7.1) from `A`, `B` and the random scalars, for the
/// messages at `undisclosed` (ascending, below `L`). `blindings` is `sum H_j * m~_j` when the
/// caller computed it already (see [`compute_b_split`]). Constant time in every secret.
pub(crate) fn init_points(
    bases: &Bases<'_>,
    generators: &Generators,
    undisclosed: &[usize],
    random: &ProofRandomScalars,
    blindings: Option<G1Projective>,
) -> InitPoints {
    let (tables, e) = match bases {
        Bases::Split { tables, e } => (tables, e),
        Bases::Comb {
            a,
            b,
            b_minus_ae,
            points,
            e,
        } => {
            if let Some(points) =
                comb_init_points([a, b, b_minus_ae], generators, undisclosed, random)
            {
                return points;
            }
            // Only if the limbs failed their on-curve check (a bug): the same points again
            // with `bls12_381`'s arithmetic.
            let fallback = Bases::Split {
                tables: SplitBases::new(*points),
                e: **e,
            };
            return init_points(&fallback, generators, undisclosed, random, blindings);
        }
    };
    let mut r1r2 = random.r1 * random.r2;
    let mut scalars = [
        r1r2 * random.e_tilde,
        random.r2 * random.r1_tilde,
        random.r2 * random.r3_tilde,
    ];
    let d = split_ab(tables, None, Some(&random.r2));
    let a_bar = split_ab(tables, Some(&r1r2), None);
    let b_bar = split_b_minus_ae(tables, e, &r1r2);
    let t1 = split_ab(tables, Some(&scalars[0]), Some(&scalars[1]));
    let blindings = blindings.unwrap_or_else(|| {
        let mut terms = blinding_terms(undisclosed, random);
        let sum = fixed_msm_ct(generators.points(), &terms);
        terms.zeroize();
        sum
    });
    let t2 = split_ab(tables, None, Some(&scalars[2])) + blindings;
    scalars.zeroize();
    r1r2.zeroize();
    let mut affine = [G1Affine::identity(); 5];
    G1Projective::batch_normalize(&[a_bar, b_bar, d, t1, t2], &mut affine);
    InitPoints {
        a_bar: affine[0],
        b_bar: affine[1],
        d: affine[2],
        t1: affine[3],
        t2: affine[4],
    }
}

/// T2's `(index of H_j, m~_j)` terms.
fn blinding_terms(undisclosed: &[usize], random: &ProofRandomScalars) -> Vec<(usize, Scalar)> {
    undisclosed
        .iter()
        .zip(&random.m_tilde)
        .map(|(&j, m)| (j + 1, *m))
        .collect()
}

/// ProofInit's points from a prepared credential's comb tables of `[A, B, B - A * e]`, all
/// sums in the group layer's limbs and one inversion at the end; `None` if the result fails
/// its on-curve check. Constant time in every secret.
fn comb_init_points(
    [a, b, b_minus_ae]: [&CombTable; 3],
    generators: &Generators,
    undisclosed: &[usize],
    random: &ProofRandomScalars,
) -> Option<InitPoints> {
    let mut r1r2 = random.r1 * random.r2;
    let mut scalars = [
        r1r2 * random.e_tilde,
        random.r2 * random.r1_tilde,
        random.r2 * random.r3_tilde,
    ];
    let mut terms = blinding_terms(undisclosed, random);
    let blindings = fixed_msm_ct_point(generators.points(), &terms);
    terms.zeroize();
    let mut points = [
        a.mul(&r1r2),
        b_minus_ae.mul(&r1r2),
        b.mul(&random.r2),
        b.add_mul(&a.mul(&scalars[0]), &scalars[1]),
        b.add_mul(&blindings, &scalars[2]),
    ];
    scalars.zeroize();
    r1r2.zeroize();
    let affine = normalize(&points);
    points.iter_mut().for_each(Point::zeroize);
    let [a_bar, b_bar, d, t1, t2] = affine?;
    Some(InitPoints {
        a_bar,
        b_bar,
        d,
        t1,
        t2,
    })
}

/// `B = P1 + Q_1 * domain + sum H_i * msg_i`, and with it `sum H_j * m~_j` over the hidden
/// messages (T2's blindings), the message scalars split by who may see them: the terms at
/// disclosed indexes (and `P1`, `Q_1 * domain`) are public and use the verifier's
/// variable-time tables; the hidden ones and the blindings are constant time, both sums in
/// one pass over the generators' fixed-base tables.
pub(crate) fn compute_b_split(
    generators: &Generators,
    domain: &Scalar,
    messages: &[Scalar],
    undisclosed: &[usize],
    m_tilde: &[Scalar],
) -> (G1Projective, G1Projective) {
    let points = generators.points();
    let mut public = vec![(0, *domain)];
    let mut secret = Vec::with_capacity(undisclosed.len());
    let mut hidden = undisclosed.iter().zip(m_tilde).peekable();
    for (i, m) in messages.iter().enumerate() {
        match hidden.next_if(|(&j, _)| j == i) {
            Some((_, blinding)) => secret.push((i + 1, *m, *blinding)),
            None => public.push((i + 1, *m)),
        }
    }
    let (b_secret, blindings) = fixed_msm2_ct(points, &secret);
    let b = G1Projective::from(generators.p1)
        + msm_vartime_with_generators(&[(points, &public)], &[], &[])
        + b_secret;
    secret.zeroize();
    (b, blindings)
}
