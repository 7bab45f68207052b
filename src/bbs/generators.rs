//! Generator creation (draft §4.1.1 `create_generators`) and the base point `P1`, cached per
//! ciphersuite and interface so that hash-to-curve runs once per generator per process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use bls12_381::{G1Affine, G1Projective};

use super::ciphersuite::{Ciphersuite, H2G_HM2S};
use super::error::Error;
use super::hash::EXPAND_LEN;

/// The largest number of messages one signature may carry in this implementation.
///
/// The draft allows up to 2^64 - 1; a bound keeps a hostile proof length from forcing the
/// verifier to hash millions of generators.
pub const MAX_MESSAGES: usize = 4096;

/// The chain state of one `create_generators` sequence: the last `v` and the points so far.
struct Chain {
    v: Vec<u8>,
    points: Vec<G1Affine>,
}

type CacheKey = (&'static [u8], Vec<u8>);

fn cache() -> &'static Mutex<HashMap<CacheKey, Chain>> {
    static CACHE: OnceLock<Mutex<HashMap<CacheKey, Chain>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// `create_generators(count, generator_seed, seed_dst, generator_dst)` (draft §4.1.1):
///
/// ```text
/// v = expand_message(generator_seed, seed_dst, expand_len)
/// for i in (1, 2, ..., count):
///     v = expand_message(v || I2OSP(i, 8), seed_dst, expand_len)
///     generator_i = hash_to_curve_g1(v, generator_dst)
/// ```
///
/// Each sequence is a prefix of any longer one, so the cache keeps the longest sequence
/// computed so far and extends it; results never depend on the cache.
pub(crate) fn create_generators_from_seed<C: Ciphersuite>(
    count: usize,
    generator_seed: &[u8],
    seed_dst: &[u8],
    generator_dst: &[u8],
) -> Result<Arc<[G1Affine]>, Error> {
    if count > MAX_MESSAGES + 1 {
        return Err(Error::TooManyMessages {
            actual: count.saturating_sub(1),
            max: MAX_MESSAGES,
        });
    }
    let mut key = Vec::new();
    for part in [generator_seed, seed_dst, generator_dst] {
        key.extend_from_slice(&(part.len() as u64).to_be_bytes());
        key.extend_from_slice(part);
    }
    let mut map = cache()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let chain = match map.entry((C::ID, key)) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => e.insert(Chain {
            v: C::expand_message(&[generator_seed], seed_dst, EXPAND_LEN)?,
            points: Vec::new(),
        }),
    };
    if chain.points.len() < count {
        let mut fresh = Vec::with_capacity(count - chain.points.len());
        for i in chain.points.len() + 1..=count {
            let v =
                C::expand_message(&[&chain.v, &(i as u64).to_be_bytes()], seed_dst, EXPAND_LEN)?;
            fresh.push(C::hash_to_curve_g1(&v, generator_dst));
            chain.v = v;
        }
        let mut affine = vec![G1Affine::identity(); fresh.len()];
        G1Projective::batch_normalize(&fresh, &mut affine);
        chain.points.extend(affine);
    }
    Ok(chain.points[..count].into())
}

/// `create_generators(count, api_id)` (draft §4.1.1) for an interface: seed
/// `api_id || "MESSAGE_GENERATOR_SEED"`, seed DST `api_id || "SIG_GENERATOR_SEED_"`,
/// generator DST `api_id || "SIG_GENERATOR_DST_"`. An interface over `L` messages asks for
/// `L + 1` points: `(Q_1, H_1, ..., H_L)`.
pub fn create_generators<C: Ciphersuite>(
    count: usize,
    api_id: &[u8],
) -> Result<Arc<[G1Affine]>, Error> {
    create_generators_from_seed::<C>(
        count,
        &[api_id, b"MESSAGE_GENERATOR_SEED"].concat(),
        &[api_id, b"SIG_GENERATOR_SEED_"].concat(),
        &[api_id, b"SIG_GENERATOR_DST_"].concat(),
    )
}

/// The ciphersuite's base point `P1` (draft §7.2.1, §7.2.2): the single generator made from the seed
/// `ciphersuite_id || "H2G_HM2S_BP_MESSAGE_GENERATOR_SEED"` with the `H2G_HM2S_` interface's
/// DSTs. It is the same for every interface.
pub fn p1<C: Ciphersuite>() -> Result<G1Affine, Error> {
    let api_id = [C::ID, H2G_HM2S].concat();
    let points = create_generators_from_seed::<C>(
        1,
        &[&api_id[..], b"BP_MESSAGE_GENERATOR_SEED"].concat(),
        &[&api_id[..], b"SIG_GENERATOR_SEED_"].concat(),
        &[&api_id[..], b"SIG_GENERATOR_DST_"].concat(),
    )?;
    Ok(points[0])
}

/// The generators an interface over `message_count` messages uses: `Q_1` and `H_1..H_L`.
#[derive(Clone, Debug)]
pub struct Generators {
    /// `P1`, the suite's base point.
    pub p1: G1Affine,
    /// `(Q_1, H_1, ..., H_L)`.
    points: Arc<[G1Affine]>,
}

impl Generators {
    /// The generators for `message_count` messages under `api_id` (cached).
    pub fn new<C: Ciphersuite>(message_count: usize, api_id: &[u8]) -> Result<Self, Error> {
        let count = message_count.checked_add(1).ok_or(Error::TooManyMessages {
            actual: message_count,
            max: MAX_MESSAGES,
        })?;
        Ok(Self {
            p1: p1::<C>()?,
            points: create_generators::<C>(count, api_id)?,
        })
    }

    /// The generators of a blind or pseudonym signature (draft-irtf-cfrg-bbs-blind-signatures
    /// §5.1 `prepare_parameters`): `(Q_1, H_1, ..., H_L)` from
    /// `create_generators(L + 1, api_id)` followed by `(Q_2, J_1, ..., J_M)` from
    /// `create_generators(blind_count, "BLIND_" || api_id)`. To the core they are one
    /// sequence of `L + blind_count` message generators, so CoreVerify, CoreProofGen and
    /// CoreProofVerify (and the domain over `(H..., Q_2, J...)`) apply unchanged.
    pub fn with_blind<C: Ciphersuite>(
        message_count: usize,
        blind_count: usize,
        api_id: &[u8],
    ) -> Result<Self, Error> {
        let total = message_count
            .checked_add(blind_count)
            .filter(|&n| n <= MAX_MESSAGES)
            .ok_or(Error::TooManyMessages {
                actual: message_count.saturating_add(blind_count),
                max: MAX_MESSAGES,
            })?;
        let signer = Self::new::<C>(message_count, api_id)?;
        let blind = create_generators::<C>(blind_count, &[b"BLIND_", api_id].concat())?;
        let mut points = Vec::with_capacity(total + 1);
        points.extend_from_slice(&signer.points);
        points.extend_from_slice(&blind);
        Ok(Self {
            p1: signer.p1,
            points: points.into(),
        })
    }

    /// `Q_1`.
    pub fn q1(&self) -> &G1Affine {
        &self.points[0]
    }

    /// `H_1, ..., H_L` (index `i` of the slice is the draft's `H_{i+1}`).
    pub fn h(&self) -> &[G1Affine] {
        &self.points[1..]
    }

    /// `(Q_1, H_1, ..., H_L)` as one sequence (index `i + 1` is the draft's `H_{i+1}`).
    pub(crate) fn points(&self) -> &[G1Affine] {
        &self.points
    }

    /// `L`, the number of message generators.
    pub fn message_count(&self) -> usize {
        self.points.len() - 1
    }
}
