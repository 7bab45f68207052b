//! The prover's random scalars (draft §3.7.1's `random_scalars`, drawn with
//! `calculate_random_scalars`, §4.2.1): the one input of ProofInit that must be fresh.

use core::fmt;

use bls12_381::Scalar;
use rand_core::CryptoRng;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::error::Error;
use super::hash::calculate_random_scalars;

/// The prover's random scalars `(r1, r2, e~, r1~, r3~, m~_j1, ..., m~_jU)` (the draft's
/// `random_scalars`). Zeroized on drop; `Debug` prints nothing.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ProofRandomScalars {
    pub(crate) r1: Scalar,
    pub(crate) r2: Scalar,
    pub(crate) e_tilde: Scalar,
    pub(crate) r1_tilde: Scalar,
    pub(crate) r3_tilde: Scalar,
    pub(crate) m_tilde: Vec<Scalar>,
}

impl ProofRandomScalars {
    /// `calculate_random_scalars(5 + U)` (draft §4.2.1) from a cryptographic RNG.
    pub fn random(rng: &mut impl CryptoRng, undisclosed_count: usize) -> Self {
        let mut v = calculate_random_scalars(rng, 5 + undisclosed_count);
        let s = Self::from_vec(&mut v);
        v.zeroize();
        s
    }

    /// Takes `5 + U` caller-chosen scalars in the draft's order.
    ///
    /// # Security
    /// Every scalar must be uniformly random and used for one proof only: reusing or
    /// predicting them reveals the signature and the hidden messages. This exists for
    /// extensions that share a blinding `m~_j` with a sub-proof, and for test vectors.
    pub fn from_scalars(scalars: &[Scalar], undisclosed_count: usize) -> Result<Self, Error> {
        if scalars.len() != 5 + undisclosed_count {
            return Err(Error::RandomScalarCount {
                expected: 5 + undisclosed_count,
                actual: scalars.len(),
            });
        }
        let mut v = scalars.to_vec();
        let s = Self::from_vec(&mut v);
        v.zeroize();
        Ok(s)
    }

    fn from_vec(v: &mut [Scalar]) -> Self {
        Self {
            r1: v[0],
            r2: v[1],
            e_tilde: v[2],
            r1_tilde: v[3],
            r3_tilde: v[4],
            m_tilde: v[5..].to_vec(),
        }
    }

    /// Replaces `m~` of the `k`-th undisclosed message (in ascending index order), so a
    /// sub-proof over that message can share the blinding.
    pub fn set_m_tilde(&mut self, k: usize, blinding: Scalar) -> Result<(), Error> {
        let count = self.m_tilde.len();
        let slot = self
            .m_tilde
            .get_mut(k)
            .ok_or(Error::IndexOutOfRange { index: k, count })?;
        *slot = blinding;
        Ok(())
    }
}

impl fmt::Debug for ProofRandomScalars {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProofRandomScalars(<redacted>)")
    }
}
