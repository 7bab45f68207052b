//! Variable-time multi-scalar multiplication on limbs ([`super::point`]), for the verifier,
//! where every scalar and point is public. Nothing here may see a secret: running time and
//! memory accesses depend on the scalars (zero digits are skipped, tables are indexed by
//! digit value, exceptional additions branch).
//!
//! Two engines over the same terms (a table of odd multiples `P, 3P, 5P, ...` in affine
//! limbs and the scalar's NAF digits):
//!
//! - [`straus`]: one sum, Straus with shared doublings, projective accumulator (complete
//!   formulas, no inversion until the caller normalises).
//! - [`straus_many`]: many independent sums at once (the sums of a batch of proofs), each
//!   in affine coordinates, advancing all of them by one operation per round so that the
//!   field inversions of a round are shared (Montgomery's trick: one inversion and three
//!   multiplications per sum). An affine addition then costs about six multiplications
//!   instead of the eleven of the projective one. Worth it from a few dozen sums up.
//!
//! **Invariants**: tables are affine limbs in Montgomery form below `p`, the identity all
//! zeros ([`odd_multiples`]); [`straus`] accumulates in projective coordinates,
//! [`straus_many`] in affine ones (`None` for the identity), and both return projective
//! [`Point`]s for the caller to normalise.
//!
//! **Timing**: everything here is **variable time** (see above); [`psi_raw`] happens to be
//! constant time but serves only these tables.
//!
//! **Tests**: `both_engines_match_plain_multiplication` and `odd_multiples_and_psi` (below,
//! against `bls12_381`), and `super::limb_tests`'s `affine_engine_survives_collisions` and
//! `affine_engine_named_cases` (every exceptional case of the affine engine).

use bls12_381::G1Affine;

use super::fp::{self, Limbs};
use super::point::{Point, Projective, RawPoint};

/// `psi(x, y) = (beta * x, -y)` (the GLV endomorphism, `z^2` times the point) on affine
/// limbs; the all-zero identity stays zero.
pub(crate) fn psi_raw(p: &RawPoint) -> RawPoint {
    let (x, y) = coordinates(p);
    let mut out = [0u64; 12];
    out[..6].copy_from_slice(&fp::mul(&x, &fp::BETA_MONT));
    out[6..].copy_from_slice(&fp::neg(&y));
    out
}

/// The affine coordinates of a limb point.
fn coordinates(p: &RawPoint) -> (Limbs, Limbs) {
    let mut x = [0u64; 6];
    let mut y = [0u64; 6];
    x.copy_from_slice(&p[..6]);
    y.copy_from_slice(&p[6..]);
    (x, y)
}

/// Whether a limb point is the all-zero identity (no curve point has `x = y = 0`).
fn is_identity(p: &RawPoint) -> bool {
    p.iter().all(|&l| l == 0)
}

/// The odd multiples `P, 3P, ..., (2n - 1) P` of each point, affine limbs, `n` per point in
/// order; one inversion for all. The identity's multiples are the all-zero identity.
pub(crate) fn odd_multiples(points: &[G1Affine], n: usize) -> Vec<RawPoint> {
    let mut projective = Vec::with_capacity(points.len() * n);
    for p in points {
        let base = Point::from_affine(p).0;
        let twice = base.double();
        let mut acc = base;
        projective.push(acc);
        for _ in 1..n {
            acc = acc.add(&twice);
            projective.push(acc);
        }
    }
    to_affine_limbs(&projective)
}

/// Affine limbs of projective points (one inversion); the identity becomes all zeros.
fn to_affine_limbs(points: &[Projective]) -> Vec<RawPoint> {
    let zs: Vec<Limbs> = points
        .iter()
        .map(|p| if p.z == [0; 6] { fp::ONE } else { p.z })
        .collect();
    let inverses = batch_invert(&zs);
    points
        .iter()
        .zip(inverses)
        .map(|(p, inv)| {
            let mut out = [0u64; 12];
            if p.z != [0; 6] {
                out[..6].copy_from_slice(&fp::mul(&p.x, &inv));
                out[6..].copy_from_slice(&fp::mul(&p.y, &inv));
            }
            out
        })
        .collect()
}

/// The inverses of non-zero elements, one field inversion and three multiplications each
/// (Montgomery's trick).
fn batch_invert(values: &[Limbs]) -> Vec<Limbs> {
    let mut prefix = Vec::with_capacity(values.len());
    let mut acc = fp::ONE;
    for v in values {
        prefix.push(acc);
        acc = fp::mul(&acc, v);
    }
    let mut inv = fp::invert_vartime(&acc);
    let mut out = vec![[0u64; 6]; values.len()];
    for (k, v) in values.iter().enumerate().rev() {
        out[k] = fp::mul(&inv, &prefix[k]);
        inv = fp::mul(&inv, v);
    }
    out
}

/// One term of a sum: odd multiples `P, 3P, ...` of a point (at least as many as the
/// digits need) and the NAF digits of its scalar, least significant first.
#[derive(Clone, Copy)]
pub(crate) struct Term<'a> {
    /// `P, 3P, 5P, ...` as affine limbs.
    pub table: &'a [RawPoint],
    /// NAF digits (odd or zero, `|d| < 2 * table.len()`).
    pub digits: &'a [i16],
}

impl Term<'_> {
    /// The signed table entry for digit `d != 0`, or `None` for the identity.
    fn entry(&self, d: i16) -> Option<(Limbs, Limbs)> {
        let e = &self.table[usize::from(d.unsigned_abs() / 2)];
        if is_identity(e) {
            return None;
        }
        let (x, y) = coordinates(e);
        Some((x, if d < 0 { fp::neg(&y) } else { y }))
    }
}

/// The highest digit position any term uses.
fn top(terms: &[Term<'_>]) -> Option<usize> {
    terms
        .iter()
        .filter_map(|t| t.digits.iter().rposition(|&d| d != 0))
        .max()
}

/// `sum_t t.point * t.scalar`: Straus with shared doublings, projective. **Variable time.**
pub(crate) fn straus(terms: &[Term<'_>]) -> Point {
    let Some(top) = top(terms) else {
        return Point::IDENTITY;
    };
    let mut acc = Projective::IDENTITY;
    for k in (0..=top).rev() {
        acc = acc.double();
        for t in terms {
            let d = t.digits.get(k).copied().unwrap_or(0);
            if d != 0 {
                if let Some((x, y)) = t.entry(d) {
                    acc = acc.add_affine(&x, &y);
                }
            }
        }
    }
    Point(acc)
}

/// One step of a sum in [`straus_many`].
#[derive(Clone, Copy)]
enum Op {
    Double,
    Add(Limbs, Limbs),
}

/// Where a sum of [`straus_many`] stands: the digit position being worked on (one past the
/// top before the start, `None` when done) and the next term to look at.
struct Cursor {
    position: Option<usize>,
    term: usize,
    first: bool,
}

impl Cursor {
    /// The sum's next operation.
    fn next(&mut self, terms: &[Term<'_>]) -> Option<Op> {
        loop {
            let k = self.position?;
            if self.term < terms.len() {
                let t = &terms[self.term];
                self.term += 1;
                let d = t.digits.get(k).copied().unwrap_or(0);
                if d != 0 {
                    if let Some((x, y)) = t.entry(d) {
                        return Some(Op::Add(x, y));
                    }
                }
                continue;
            }
            // The position is done: move down, doubling first (but not before the top).
            if k == 0 {
                self.position = None;
                return None;
            }
            self.position = Some(k - 1);
            self.term = 0;
            if self.first {
                self.first = false;
            } else {
                return Some(Op::Double);
            }
        }
    }
}

/// A pending affine operation of one round: `acc = acc + (x2, y2)` (or a doubling, with
/// `x2 = x1`) through the slope `num / den`.
struct Pending {
    chain: usize,
    num: Limbs,
    den: Limbs,
    x2: Limbs,
}

/// Many independent sums, `out[i] = sum_t sums[i][t].point * sums[i][t].scalar`, advanced
/// together in affine coordinates with one shared inversion per round (see the module
/// documentation). **Variable time.**
pub(crate) fn straus_many(sums: &[Vec<Term<'_>>]) -> Vec<Point> {
    // Each sum's operations, produced as needed: from its top digit down, a doubling per
    // position (none before the first) and an addition per non-zero digit.
    let mut cursors: Vec<Cursor> = sums
        .iter()
        .map(|terms| Cursor {
            position: top(terms).map(|t| t + 1),
            term: terms.len(),
            first: true,
        })
        .collect();
    let mut acc: Vec<Option<(Limbs, Limbs)>> = vec![None; sums.len()];
    let mut pending = Vec::with_capacity(sums.len());
    loop {
        pending.clear();
        for (c, terms) in sums.iter().enumerate() {
            // Operations that need no inversion are done on the spot.
            while let Some(op) = cursors[c].next(terms) {
                let Some((x1, y1)) = acc[c] else {
                    if let Op::Add(x, y) = op {
                        acc[c] = Some((x, y));
                    }
                    continue;
                };
                let (x2, y2) = match op {
                    Op::Double => (x1, y1),
                    Op::Add(x, y) => (x, y),
                };
                if x1 == x2 && y1 != y2 {
                    // P + (-P): the identity.
                    acc[c] = None;
                    continue;
                }
                if x1 == x2 && y1 == [0; 6] {
                    // A point of order two doubles to the identity (none on the subgroup).
                    acc[c] = None;
                    continue;
                }
                let (num, den) = if x1 == x2 {
                    // Doubling: 3 x^2 / 2 y.
                    let xx = fp::mul(&x1, &x1);
                    (fp::add(&fp::add(&xx, &xx), &xx), fp::add(&y1, &y1))
                } else {
                    (fp::sub(&y2, &y1), fp::sub(&x2, &x1))
                };
                pending.push(Pending {
                    chain: c,
                    num,
                    den,
                    x2,
                });
                break;
            }
        }
        if pending.is_empty() {
            break;
        }
        let dens: Vec<Limbs> = pending.iter().map(|p| p.den).collect();
        for (p, inv) in pending.iter().zip(batch_invert(&dens)) {
            let Some((x1, y1)) = acc[p.chain] else {
                continue;
            };
            let lambda = fp::mul(&p.num, &inv);
            let x3 = fp::sub(&fp::sub(&fp::mul(&lambda, &lambda), &x1), &p.x2);
            let y3 = fp::sub(&fp::mul(&lambda, &fp::sub(&x1, &x3)), &y1);
            acc[p.chain] = Some((x3, y3));
        }
    }
    acc.into_iter()
        .map(|a| match a {
            Some((x, y)) => Point(Projective { x, y, z: fp::ONE }),
            None => Point::IDENTITY,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::digits::wnaf_bytes;
    use crate::group::glv::{decompose, u128_bytes};
    use crate::group::point::{normalize_all, to_raw};
    use crate::group::testing::{point, scalar};
    use bls12_381::{G1Projective, Scalar};
    use rand::SeedableRng;

    /// Terms for `points[i] * scalars[i]` with GLV halves and width-5 NAF digits.
    fn sums_of(points: &[G1Affine], scalars: &[Scalar]) -> (Vec<RawPoint>, Vec<[i16; 257]>) {
        let mut bases = Vec::new();
        let mut digits = Vec::new();
        for (p, s) in points.iter().zip(scalars) {
            let (k1, k2) = decompose(s);
            bases.push(*p);
            bases.push(crate::group::glv::psi(p));
            digits.push(wnaf_bytes(&u128_bytes(k1), 5));
            digits.push(wnaf_bytes(&u128_bytes(k2), 5));
        }
        (odd_multiples(&bases, 8), digits)
    }

    fn terms<'a>(tables: &'a [RawPoint], digits: &'a [[i16; 257]]) -> Vec<Term<'a>> {
        tables
            .chunks_exact(8)
            .zip(digits)
            .map(|(table, d)| Term { table, digits: d })
            .collect()
    }

    #[test]
    fn both_engines_match_plain_multiplication() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(21);
        let mut cases: Vec<(Vec<G1Affine>, Vec<Scalar>)> = Vec::new();
        for n in [1usize, 2, 5, 9] {
            let points: Vec<G1Affine> = (0..n).map(|_| point(&mut rng)).collect();
            let scalars: Vec<Scalar> = (0..n).map(|_| scalar(&mut rng)).collect();
            cases.push((points, scalars));
        }
        // Exceptional inputs: a point and its negation, the same point twice, the identity,
        // zero and small scalars.
        let p = point(&mut rng);
        cases.push((vec![p, -p], vec![Scalar::from(5u64), Scalar::from(5u64)]));
        cases.push((vec![p, p], vec![Scalar::one(), Scalar::one()]));
        cases.push((
            vec![p, G1Affine::identity()],
            vec![Scalar::from(3u64), scalar(&mut rng)],
        ));
        cases.push((vec![p], vec![Scalar::zero()]));
        cases.push((vec![p, p], vec![Scalar::from(7u64), -Scalar::from(7u64)]));
        let built: Vec<_> = cases.iter().map(|(p, s)| sums_of(p, s)).collect();
        let all: Vec<Vec<Term<'_>>> = built.iter().map(|(t, d)| terms(t, d)).collect();
        let many = normalize_all(&straus_many(&all)).unwrap();
        for (((points, scalars), t), m) in cases.iter().zip(&all).zip(many) {
            let naive: G1Projective = points.iter().zip(scalars).map(|(p, s)| p * s).sum();
            let one = normalize_all(&[straus(t)]).unwrap()[0];
            assert_eq!(one, G1Affine::from(naive));
            assert_eq!(m, G1Affine::from(naive));
        }
    }

    #[test]
    fn odd_multiples_and_psi() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(22);
        let p = point(&mut rng);
        let table = odd_multiples(&[p, G1Affine::identity()], 4);
        for (k, e) in table[..4].iter().enumerate() {
            assert_eq!(
                *e,
                to_raw(&G1Affine::from(p * Scalar::from(2 * k as u64 + 1)))
            );
        }
        assert!(table[4..].iter().all(is_identity));
        assert_eq!(psi_raw(&to_raw(&p)), to_raw(&crate::group::glv::psi(&p)));
        assert_eq!(psi_raw(&[0; 12]), [0; 12]);
    }
}
