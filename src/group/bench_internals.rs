//! **Not part of the stable API**: entry points into the group layer for timing programs
//! (a dudect-style example that calls each routine on chosen inputs and compares the running
//! times of two input classes). Hidden from the documentation; anything here may change or go
//! away in any release. Library users have no reason to call it.
//!
//! What each function promises about its running time (what such a program checks):
//!
//! | function | timing |
//! |---|---|
//! | [`fp_mul`] | constant time |
//! | [`fp_invert`] | constant time (the prover's and signer's normalisation) |
//! | [`fp_invert_vartime`] | **variable time** (the verifier's normalisation): a reference |
//! | [`glv_decompose`] | constant time |
//! | [`CombTable::mul`] | constant time in the scalar and the table's point |
//! | [`wide_sum`] | constant time in the scalars |
//!
//! Field elements are six little-endian 64-bit limbs in Montgomery form (`a * 2^384 mod p`),
//! each below `p`; [`to_montgomery`] and [`from_montgomery`] convert canonical values.
//! Nothing here checks that limbs are below `p`: a caller that passes other values gets
//! meaningless results (no panic).
//!
//! ```
//! use healthpass::group::bench_internals::{fp_mul, to_montgomery};
//! let three = to_montgomery(&[3, 0, 0, 0, 0, 0]);
//! assert_eq!(fp_mul(&three, &three), to_montgomery(&[9, 0, 0, 0, 0, 0]));
//! ```

use bls12_381::{G1Affine, Scalar};

use super::{fp, glv, point, wide};

/// A base-field element: six little-endian 64-bit limbs.
pub type Limbs = [u64; 6];

/// A canonical field element (below `p`) into Montgomery form. Constant time.
pub fn to_montgomery(a: &Limbs) -> Limbs {
    fp::to_montgomery(a)
}

/// A Montgomery-form element back to canonical. Constant time.
pub fn from_montgomery(a: &Limbs) -> Limbs {
    fp::from_montgomery(a)
}

/// Field multiplication: `a * b * 2^-384 mod p` (the product, for Montgomery-form inputs).
/// Constant time.
pub fn fp_mul(a: &Limbs, b: &Limbs) -> Limbs {
    fp::mul(a, b)
}

/// The constant-time field inversion (Montgomery form in and out; zero maps to zero).
pub fn fp_invert(a: &Limbs) -> Limbs {
    fp::invert(a)
}

/// The verifier's variable-time field inversion (binary extended Euclid; Montgomery form in
/// and out; zero maps to zero). Its running time depends on `a` by design.
pub fn fp_invert_vartime(a: &Limbs) -> Limbs {
    fp::invert_vartime(a)
}

/// The GLV split `k = k1 + k2 * z^2 mod r`, both halves below `2^128`. Constant time.
pub fn glv_decompose(k: &Scalar) -> (u128, u128) {
    glv::decompose(k)
}

/// A point in the group layer's limbs (projective), the result of a constant-time product.
#[derive(Clone, Copy)]
pub struct LimbPoint(point::Point);

impl LimbPoint {
    /// The affine point, through one constant-time inversion (`None` only if the limbs are
    /// off the curve, which would be an arithmetic bug).
    pub fn to_affine(&self) -> Option<G1Affine> {
        point::normalize(&[self.0]).map(|[p]| p)
    }
}

/// A fixed-base comb table of one point (66 KB), as a prepared credential keeps for `A`,
/// `B` and `B - A * e`.
pub struct CombTable(wide::CombTable);

impl CombTable {
    /// Builds the table of `base`.
    pub fn new(base: &G1Affine) -> Self {
        Self(wide::CombTable::new(base))
    }

    /// The comb-table product `base * s`. Constant time in `s` and in the base's limbs.
    pub fn mul(&self, s: &Scalar) -> LimbPoint {
        LimbPoint(self.0.mul(s))
    }
}

/// A wide-window table of one point (6 KB), as the generators get for the prover's long sums.
pub struct WideTable(wide::WideTable);

impl WideTable {
    /// Builds the table of `base`.
    pub fn new(base: &G1Affine) -> Self {
        Self(wide::WideTable::new(base))
    }
}

/// The wide constant-time sum `sum_i tables[i].base * scalars[i]`. Constant time in the
/// scalars. `None` when the two slices differ in length.
pub fn wide_sum(tables: &[WideTable], scalars: &[Scalar]) -> Option<LimbPoint> {
    if tables.len() != scalars.len() {
        return None;
    }
    let inner: Vec<&wide::WideTable> = tables.iter().map(|t| &t.0).collect();
    let [sum] = wide::wide_msm_ct(&inner, [scalars]);
    Some(LimbPoint(sum))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::testing::{point, scalar};
    use bls12_381::G1Projective;
    use rand::SeedableRng;

    #[test]
    fn entry_points_compute_what_they_name() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(31);
        let a = to_montgomery(&[7, 0, 0, 0, 0, 0]);
        let inv = fp_invert(&a);
        let one = to_montgomery(&[1, 0, 0, 0, 0, 0]);
        assert_eq!(fp_mul(&a, &inv), one);
        assert_eq!(fp_invert_vartime(&a), inv);
        assert_eq!(from_montgomery(&fp_mul(&a, &a)), [49, 0, 0, 0, 0, 0]);
        assert_ne!(fp_mul(&a, &a), fp_mul(&a, &one));

        let k = scalar(&mut rng);
        let (k1, k2) = glv_decompose(&k);
        let from = |v: u128| Scalar::from_raw([v as u64, (v >> 64) as u64, 0, 0]);
        let z2 = Scalar::from(0xd201_0000_0001_0000u64).square();
        assert_eq!(from(k1) + from(k2) * z2, k);

        let p = point(&mut rng);
        let s = scalar(&mut rng);
        let comb = CombTable::new(&p);
        assert_eq!(comb.mul(&s).to_affine(), Some(G1Affine::from(p * s)));
        assert_ne!(
            comb.mul(&(s + Scalar::one())).to_affine(),
            Some(G1Affine::from(p * s))
        );

        let points: Vec<G1Affine> = (0..3).map(|_| point(&mut rng)).collect();
        let scalars: Vec<Scalar> = (0..3).map(|_| scalar(&mut rng)).collect();
        let tables: Vec<WideTable> = points.iter().map(WideTable::new).collect();
        let naive: G1Projective = points.iter().zip(&scalars).map(|(p, s)| p * s).sum();
        let sum = wide_sum(&tables, &scalars).and_then(|s| s.to_affine());
        assert_eq!(sum, Some(G1Affine::from(naive)));
        assert!(wide_sum(&tables, &scalars[..2]).is_none());
    }
}
