//! Group arithmetic shared by every operation: multi-scalar multiplication and pairing
//! checks with a single multi-Miller loop and one final exponentiation.

use std::sync::LazyLock;

use bls12_381::{multi_miller_loop, G1Affine, G1Projective, G2Affine, G2Prepared, Gt, Scalar};
use subtle::{ConditionallySelectable, ConstantTimeEq};

/// `BP2` and `-BP2`, prepared once for the Miller loop.
pub(crate) struct Bp2Prepared(pub G2Prepared, pub G2Prepared);

/// The prepared base point of G2 and its negation.
pub(crate) static BP2_PREPARED: LazyLock<Bp2Prepared> = LazyLock::new(|| {
    Bp2Prepared(
        G2Prepared::from(G2Affine::generator()),
        G2Prepared::from(-G2Affine::generator()),
    )
});

/// `true` when `prod_i e(P_i, Q_i)` is the identity of GT: one multi-Miller loop and one
/// final exponentiation.
pub(crate) fn pairing_product_is_identity(terms: &[(&G1Affine, &G2Prepared)]) -> bool {
    bool::from(
        multi_miller_loop(terms)
            .final_exponentiation()
            .ct_eq(&Gt::identity()),
    )
}

const WINDOW: usize = 4;
const TABLE: usize = 1 << WINDOW;

/// The `i`-th 4-bit window of a scalar's canonical little-endian encoding.
fn nibble(bytes: &[u8; 32], i: usize) -> u8 {
    (bytes[i / 2] >> (4 * (i % 2))) & 0x0f
}

/// `sum_i points[i] * scalars[i]`, **constant time** in the scalars: interleaved fixed
/// 4-bit windows (Straus) with shared doublings and table look-ups that touch every entry
/// (`conditional_assign`), so neither branches nor memory accesses depend on a scalar.
/// Use it wherever any scalar may be secret (signing, proof generation).
pub(crate) fn msm_ct(points: &[G1Affine], scalars: &[Scalar]) -> G1Projective {
    debug_assert_eq!(points.len(), scalars.len());
    let tables: Vec<[G1Projective; TABLE]> = points
        .iter()
        .map(|p| {
            let mut t = [G1Projective::identity(); TABLE];
            for j in 1..TABLE {
                t[j] = t[j - 1].add_mixed(p);
            }
            t
        })
        .collect();
    let mut digits: Vec<[u8; 32]> = scalars.iter().map(Scalar::to_bytes).collect();
    let mut acc = G1Projective::identity();
    for w in (0..256 / WINDOW).rev() {
        for _ in 0..WINDOW {
            acc = acc.double();
        }
        for (table, d) in tables.iter().zip(digits.iter()) {
            let k = nibble(d, w);
            let mut sel = G1Projective::identity();
            for (j, entry) in table.iter().enumerate() {
                sel.conditional_assign(entry, (j as u8).ct_eq(&k));
            }
            acc += sel;
        }
    }
    zeroize::Zeroize::zeroize(&mut digits);
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use ff::Field;
    use group::Group;

    #[test]
    fn msm_matches_naive() {
        let mut rng = rand::rng();
        for n in [0usize, 1, 2, 7] {
            let points: Vec<G1Affine> = (0..n)
                .map(|_| G1Affine::from(G1Projective::random(&mut rng)))
                .collect();
            let mut scalars: Vec<Scalar> = (0..n).map(|_| Scalar::random(&mut rng)).collect();
            if n > 2 {
                scalars[1] = Scalar::ZERO;
                scalars[2] = -Scalar::ONE;
            }
            let naive = points
                .iter()
                .zip(&scalars)
                .fold(G1Projective::identity(), |acc, (p, s)| acc + p * s);
            assert_eq!(msm_ct(&points, &scalars), naive);
        }
    }
}
