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
//! time in the scalars.

use bls12_381::{G1Affine, G1Projective, Scalar};
use zeroize::Zeroize;

use super::generators::Generators;
use super::proof::ProofRandomScalars;
use super::tables::{fixed_msm2_ct, fixed_msm_ct, FixedBaseTable, SplitBases};

/// How the prover multiplies `A`, `B` and `B - A * e`.
pub(crate) enum Bases<'a> {
    /// Fresh `A` and `B` (the draft-shaped API): split tables built for this proof.
    Split {
        /// Tables for `[A, B]`.
        tables: SplitBases,
        /// The signature's `e`, for `B - A * e`.
        e: Scalar,
    },
    /// A prepared credential's fixed-base tables.
    Fixed {
        /// Table of `A`.
        a: &'a FixedBaseTable,
        /// Table of `B`.
        b: &'a FixedBaseTable,
        /// Table of `B - A * e`.
        b_minus_ae: &'a FixedBaseTable,
    },
}

impl Bases<'_> {
    /// `A * x + B * y` for the given non-zero terms; constant time in `x` and `y`.
    fn ab(&self, a: Option<&Scalar>, b: Option<&Scalar>) -> G1Projective {
        match self {
            Bases::Split { tables, .. } => {
                let mut terms = Vec::with_capacity(2);
                terms.extend(a.map(|x| (0, *x)));
                terms.extend(b.map(|y| (1, *y)));
                let r = tables.msm_ct(&terms);
                terms.zeroize();
                r
            }
            Bases::Fixed { a: ta, b: tb, .. } => {
                let mut acc = G1Projective::identity();
                if let Some(x) = a {
                    ta.add_mul_ct(&mut acc, x);
                }
                if let Some(y) = b {
                    tb.add_mul_ct(&mut acc, y);
                }
                acc
            }
        }
    }

    /// `(B - A * e) * x`; constant time in `x` and `e`.
    fn b_minus_ae(&self, x: &Scalar) -> G1Projective {
        match self {
            Bases::Split { tables, e } => {
                let mut minus_ex = -(e * x);
                let r = tables.msm_ct(&[(1, *x), (0, minus_ex)]);
                minus_ex.zeroize();
                r
            }
            Bases::Fixed { b_minus_ae, .. } => b_minus_ae.mul_ct(x),
        }
    }
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
    let mut r1r2 = random.r1 * random.r2;
    let mut scalars = [
        r1r2 * random.e_tilde,
        random.r2 * random.r1_tilde,
        random.r2 * random.r3_tilde,
    ];
    let d = bases.ab(None, Some(&random.r2));
    let a_bar = bases.ab(Some(&r1r2), None);
    let b_bar = bases.b_minus_ae(&r1r2);
    let t1 = bases.ab(Some(&scalars[0]), Some(&scalars[1]));
    let blindings = blindings.unwrap_or_else(|| {
        let mut terms: Vec<(usize, Scalar)> = undisclosed
            .iter()
            .zip(&random.m_tilde)
            .map(|(&j, m)| (j + 1, *m))
            .collect();
        let sum = fixed_msm_ct(generators.points(), &terms);
        terms.zeroize();
        sum
    });
    let t2 = bases.ab(None, Some(&scalars[2])) + blindings;
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
        + super::tables::msm_vartime_with_generators(&[(points, &public)], &[], &[])
        + b_secret;
    secret.zeroize();
    (b, blindings)
}
