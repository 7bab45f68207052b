//! Random inputs for the group layer's unit tests.

use bls12_381::{G1Affine, G1Projective, Scalar};

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
