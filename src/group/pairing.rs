//! Pairing checks: a product of pairings compared with the identity of GT in one
//! multi-Miller loop and one final exponentiation, with `BP2` and `-BP2` prepared once and
//! the public keys' prepared points cached.
//!
//! All of `bls12_381`'s arithmetic (nothing in limbs here). Every input is public (points of
//! signatures, proofs, keys): the cache of prepared keys may take variable time, and the
//! final comparison is `bls12_381`'s constant-time equality. Pinned by the conformance
//! vectors (`tests/conformance.rs`: every valid signature and proof passes, every invalid one
//! fails) and the batch tests (`tests/batch.rs`).

use std::sync::{Arc, LazyLock, Mutex};

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

/// How many public keys' prepared points [`prepared_g2`] keeps.
const PREPARED_CACHE_SIZE: usize = 32;

/// `W` prepared for the Miller loop, cached for the most recently used public keys (up to
/// 32), so that a verifier checking many proofs from a few issuers prepares each key once.
/// Public keys are public: the cache's timing reveals nothing secret.
pub(crate) fn prepared_g2(w: &G2Affine) -> Arc<G2Prepared> {
    static CACHE: Mutex<Vec<(G2Affine, Arc<G2Prepared>)>> = Mutex::new(Vec::new());
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(pos) = cache.iter().position(|(k, _)| k == w) {
        let hit = cache.remove(pos);
        let prepared = Arc::clone(&hit.1);
        cache.push(hit);
        return prepared;
    }
    let prepared = Arc::new(G2Prepared::from(*w));
    if cache.len() == PREPARED_CACHE_SIZE {
        cache.remove(0);
    }
    cache.push((*w, Arc::clone(&prepared)));
    prepared
}

/// `true` when `prod_i e(P_i, Q_i)` is the identity of GT: one multi-Miller loop and one
/// final exponentiation.
pub(crate) fn pairing_product_is_identity(terms: &[(&G1Affine, &G2Prepared)]) -> bool {
    bool::from(
        multi_miller_loop(terms)
            .final_exponentiation()
            .ct_eq(&Gt::identity()),
    )
}
