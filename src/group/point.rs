//! G1 arithmetic on plain limbs ([`super::fp`]), for the prover's constant-time sums
//! ([`super::wide`]) and the verifier's variable-time ones ([`super::vartime`]).
//!
//! **Invariants**: points are affine limbs ([`RawPoint`], table entries; the identity's
//! entries are all zero and masked) or homogeneous projective coordinates ([`Point`],
//! accumulators; the identity is `(0 : 1 : 0)`), every coordinate below `p` in Montgomery
//! form. The formulas are the complete ones of Renes, Costello and Batina (EUROCRYPT 2016,
//! algorithms 7-9 for `a = 0`, as `bls12_381` uses), so no input is exceptional. Results go
//! back to `bls12_381` through [`normalize`], which checks each point is on the curve (a
//! failure means a bug here; callers then fall back to `bls12_381`'s arithmetic).
//!
//! **Timing**: constant time (no branch on a value; the identity and signs are handled with
//! masks), except [`normalize_all_vartime`], which inverts with [`fp::invert_vartime`] for
//! the verifier's public points. [`to_raw`] and [`normalize`] go through `bls12_381`'s
//! constant-time encoding and decoding.
//!
//! **Tests**: `super::wide`'s `full_addition_matches_bls12_381` and
//! `point_formulas_match_bls12_381`, and `super::limb_tests`'s
//! `point_formulas_match_on_scaled_coordinates` (`Z != 1`, `P + P`, `P + (-P)`, the identity)
//! and `normalize_all_handles_empty_and_identity_lists` (an off-curve point is refused).

use bls12_381::G1Affine;
use subtle::CtOption;
use zeroize::Zeroize;

use super::fp::{self, Limbs};

/// An affine point as plain limbs: `x` then `y`, each in Montgomery form.
pub(crate) type RawPoint = [u64; 12];

/// A point in homogeneous projective coordinates `(X : Y : Z)`, Montgomery form; the
/// identity is `(0 : 1 : 0)`.
#[derive(Clone, Copy)]
pub(crate) struct Projective {
    pub(crate) x: Limbs,
    pub(crate) y: Limbs,
    pub(crate) z: Limbs,
}

/// `3 * b = 12`, times `a`, by additions.
#[inline(always)]
pub(crate) fn mul_by_3b(a: &Limbs) -> Limbs {
    let a2 = fp::add(a, a);
    let a3 = fp::add(&a2, a);
    let a6 = fp::add(&a3, &a3);
    fp::add(&a6, &a6)
}

impl Projective {
    pub(crate) const IDENTITY: Self = Self {
        x: [0; 6],
        y: fp::ONE,
        z: [0; 6],
    };

    /// `2 * self`: Renes-Costello-Batina algorithm 9 (`a = 0`), complete.
    #[inline(always)]
    pub(crate) fn double(&self) -> Self {
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
    pub(crate) fn add_affine(&self, x2: &Limbs, y2: &Limbs) -> Self {
        let t0 = fp::mul(&self.x, x2);
        let t1 = fp::mul(&self.y, y2);
        let t3 = fp::mul(&fp::add(x2, y2), &fp::add(&self.x, &self.y));
        let t3 = fp::sub(&t3, &fp::add(&t0, &t1));
        let t4 = fp::add(&fp::mul(y2, &self.z), &self.y);
        let y3 = fp::add(&fp::mul(x2, &self.z), &self.x);
        Self::add_tail(t0, t1, &self.z, t3, t4, y3)
    }

    /// The steps algorithms 7 and 8 share once they have `t0 = X1 X2`, `t1 = Y1 Y2`,
    /// `t2 = Z1 Z2`, `t3 = X1 Y2 + X2 Y1`, `t4 = Y1 Z2 + Y2 Z1` and `y3 = X1 Z2 + X2 Z1`.
    #[inline(always)]
    fn add_tail(t0: Limbs, t1: Limbs, t2: &Limbs, t3: Limbs, t4: Limbs, y3: Limbs) -> Self {
        let x3 = fp::add(&t0, &t0);
        let t0 = fp::add(&x3, &t0);
        let t2 = mul_by_3b(t2);
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

    /// `self + other`: Renes-Costello-Batina algorithm 7 (`a = 0`), complete.
    #[inline(always)]
    pub(crate) fn add(&self, other: &Self) -> Self {
        let (x1, y1, z1) = (&self.x, &self.y, &self.z);
        let (x2, y2, z2) = (&other.x, &other.y, &other.z);
        let t0 = fp::mul(x1, x2);
        let t1 = fp::mul(y1, y2);
        let t2 = fp::mul(z1, z2);
        let t3 = fp::mul(&fp::add(x1, y1), &fp::add(x2, y2));
        let t3 = fp::sub(&t3, &fp::add(&t0, &t1));
        let t4 = fp::mul(&fp::add(y1, z1), &fp::add(y2, z2));
        let t4 = fp::sub(&t4, &fp::add(&t1, &t2));
        let y3 = fp::mul(&fp::add(x1, z1), &fp::add(x2, z2));
        let y3 = fp::sub(&y3, &fp::add(&t0, &t2));
        Self::add_tail(t0, t1, &t2, t3, t4, y3)
    }

    /// `self + d * P` for the digit whose table read is `raw` (`abs` its magnitude, zero
    /// meaning "add nothing"; `negative` all ones for a negative digit; `psi` for the second
    /// GLV half; `not_identity` zero for the identity's table). Constant time.
    #[inline(always)]
    pub(crate) fn add_digit(
        &self,
        raw: &RawPoint,
        abs: u16,
        negative: u64,
        psi: bool,
        not_identity: u64,
    ) -> Self {
        // Opaque to the optimiser, which otherwise branches on `abs == 0`.
        let nonzero = core::hint::black_box((u64::from(abs).wrapping_neg() >> 63).wrapping_neg())
            & not_identity;
        let (mut x, mut y) = finish(raw, negative, psi);
        let sum = self.add_affine(&x, &y);
        x.zeroize();
        y.zeroize();
        self.select(&sum, nonzero)
    }

    /// `other` where `mask` is all ones, `self` where it is zero.
    #[inline(always)]
    pub(crate) fn select(&self, other: &Self, mask: u64) -> Self {
        Self {
            x: fp::select(&self.x, &other.x, mask),
            y: fp::select(&self.y, &other.y, mask),
            z: fp::select(&self.z, &other.z, mask),
        }
    }

    pub(crate) fn zeroize(&mut self) {
        self.x.zeroize();
        self.y.zeroize();
        self.z.zeroize();
    }
}

/// A G1 point in this module's own representation (projective limbs), for sums that are
/// finished elsewhere: add them with [`Point::add`], convert once with [`normalize`].
#[derive(Clone, Copy)]
pub(crate) struct Point(pub(crate) Projective);

impl Point {
    /// The identity.
    pub(crate) const IDENTITY: Self = Self(Projective::IDENTITY);

    /// `self + other`, constant time.
    pub(crate) fn add(&self, other: &Self) -> Self {
        Self(self.0.add(&other.0))
    }

    /// A `bls12_381` affine point in this representation (`Z = 1`; the identity as `(0 : 1 : 0)`).
    pub(crate) fn from_affine(p: &G1Affine) -> Self {
        let raw = to_raw(p);
        let not_identity = (u64::from(p.is_identity().unwrap_u8()) ^ 1).wrapping_neg();
        let affine = Projective {
            x: raw[..6].try_into().unwrap_or_default(),
            y: raw[6..].try_into().unwrap_or_default(),
            z: fp::ONE,
        };
        Self(Projective::IDENTITY.select(&affine, not_identity))
    }

    /// Wipes the limbs.
    pub(crate) fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

/// The affine forms of `points` (one shared inversion), decoded into `bls12_381` and checked
/// to be on the curve; `None` if a check fails (an arithmetic bug: callers fall back).
pub(crate) fn normalize<const K: usize>(points: &[Point; K]) -> Option<[G1Affine; K]> {
    normalize_all(points)?.try_into().ok()
}

/// [`normalize`] for any number of points. Constant time but for the final check.
pub(crate) fn normalize_all(points: &[Point]) -> Option<Vec<G1Affine>> {
    normalize_with(points, fp::invert)
}

/// [`normalize_all`] with the variable-time inversion, for public points (the verifier).
pub(crate) fn normalize_all_vartime(points: &[Point]) -> Option<Vec<G1Affine>> {
    normalize_with(points, fp::invert_vartime)
}

/// The shared body of [`normalize_all`] and [`normalize_all_vartime`].
fn normalize_with(points: &[Point], invert: fn(&Limbs) -> Limbs) -> Option<Vec<G1Affine>> {
    // Montgomery's trick over the non-zero Z (the identity's Z = 0 is replaced by one).
    let zero: Vec<u64> = points.iter().map(|p| fp::is_zero(&p.0.z)).collect();
    let zs: Vec<Limbs> = points
        .iter()
        .zip(&zero)
        .map(|(p, &z)| fp::select(&p.0.z, &fp::ONE, z))
        .collect();
    let mut prefix = Vec::with_capacity(points.len());
    let mut acc = fp::ONE;
    for z in &zs {
        prefix.push(acc);
        acc = fp::mul(&acc, z);
    }
    let mut inv = invert(&acc);
    let mut out = vec![G1Affine::identity(); points.len()];
    let mut ok = subtle::Choice::from(1u8);
    for k in (0..points.len()).rev() {
        let z_inv = fp::mul(&inv, &prefix[k]);
        inv = fp::mul(&inv, &zs[k]);
        let x = fp::from_montgomery(&fp::mul(&points[k].0.x, &z_inv));
        let y = fp::from_montgomery(&fp::mul(&points[k].0.y, &z_inv));
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

/// A point's affine coordinates in Montgomery form (meaningless for the identity: callers
/// mask them).
pub(crate) fn to_raw(p: &G1Affine) -> RawPoint {
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
pub(crate) fn finish(raw: &RawPoint, negate: u64, psi: bool) -> (Limbs, Limbs) {
    let mut x: Limbs = [0; 6];
    let mut y: Limbs = [0; 6];
    x.copy_from_slice(&raw[..6]);
    y.copy_from_slice(&raw[6..]);
    let mut negate = negate;
    if psi {
        x = fp::mul(&x, &fp::BETA_MONT);
        negate = !negate;
    }
    let y = fp::select(&y, &fp::neg(&y), core::hint::black_box(negate));
    (x, y)
}
