//! Group arithmetic shared by every operation: pairing checks with a single multi-Miller loop
//! and one final exponentiation, and (from `msm.rs`) multi-scalar multiplication.

use std::sync::LazyLock;

use bls12_381::{multi_miller_loop, G1Affine, G2Affine, G2Prepared, Gt};
use subtle::ConstantTimeEq;

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

// The multi-scalar multiplications live in `msm.rs`; re-exported here for the callers that
// import them alongside the pairing helpers.
pub(crate) use super::msm::{msm_ct, msm_vartime};
