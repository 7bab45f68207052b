//! The proof and its encoding: `proof_to_octets` and `octets_to_proof` (draft §4.2.4.4,
//! §4.2.4.5). Generation is in `proof_gen.rs`, verification in `proof_verify.rs`; what both
//! sides compute alike (the challenge) in `challenge.rs`.

use core::fmt;

use bls12_381::{G1Affine, Scalar};

use super::error::Error;
use super::octets::{
    octets_to_g1, octets_to_nonzero_scalar, scalar_to_octets, OCTET_POINT_LENGTH,
    OCTET_SCALAR_LENGTH,
};

/// Octets in a proof that hides no message: three points and four scalars.
pub const PROOF_BASE_LENGTH: usize = 3 * OCTET_POINT_LENGTH + 4 * OCTET_SCALAR_LENGTH;

/// A BBS proof: `(Abar, Bbar, D, e^, r1^, r3^, (m^_1, ..., m^_U), c)`.
#[derive(Clone, PartialEq, Eq)]
pub struct Proof {
    pub(crate) a_bar: G1Affine,
    pub(crate) b_bar: G1Affine,
    pub(crate) d: G1Affine,
    pub(crate) e_hat: Scalar,
    pub(crate) r1_hat: Scalar,
    pub(crate) r3_hat: Scalar,
    pub(crate) m_hat: Vec<Scalar>,
    pub(crate) challenge: Scalar,
}

impl Proof {
    /// `octets_to_proof` (draft §4.2.4.5): `272 + 32 * U` octets; three subgroup points, none
    /// the identity; every scalar in `1..r-1`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Proof, Error> {
        if bytes.len() < PROOF_BASE_LENGTH
            || (bytes.len() - PROOF_BASE_LENGTH) % OCTET_SCALAR_LENGTH != 0
        {
            return Err(Error::InvalidProofLength {
                actual: bytes.len(),
            });
        }
        let (points, scalars) = bytes.split_at(3 * OCTET_POINT_LENGTH);
        let mut pts = points.chunks(OCTET_POINT_LENGTH).map(octets_to_g1);
        let (a_bar, b_bar, d) = (
            pts.next().ok_or(Error::MalformedPoint)??,
            pts.next().ok_or(Error::MalformedPoint)??,
            pts.next().ok_or(Error::MalformedPoint)??,
        );
        let mut s = scalars
            .chunks(OCTET_SCALAR_LENGTH)
            .map(octets_to_nonzero_scalar)
            .collect::<Result<Vec<_>, _>>()?;
        // s = [e^, r1^, r3^, m^_1..m^_U, c]; at least four entries by the length check.
        let challenge = s.pop().ok_or(Error::InvalidProofLength {
            actual: bytes.len(),
        })?;
        let m_hat = s.split_off(3);
        Ok(Proof {
            a_bar,
            b_bar,
            d,
            e_hat: s[0],
            r1_hat: s[1],
            r3_hat: s[2],
            m_hat,
            challenge,
        })
    }

    /// `proof_to_octets` (draft §4.2.4.4): `Abar || Bbar || D || e^ || r1^ || r3^ || m^... || c`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        for p in [&self.a_bar, &self.b_bar, &self.d] {
            out.extend_from_slice(&p.to_compressed());
        }
        for s in [&self.e_hat, &self.r1_hat, &self.r3_hat]
            .into_iter()
            .chain(self.m_hat.iter())
            .chain([&self.challenge])
        {
            out.extend_from_slice(&scalar_to_octets(s));
        }
        out
    }

    /// The encoded length, `272 + 32 * U`.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        PROOF_BASE_LENGTH + OCTET_SCALAR_LENGTH * self.m_hat.len()
    }

    /// `U`, the number of undisclosed messages the proof covers.
    pub fn undisclosed_count(&self) -> usize {
        self.m_hat.len()
    }

    /// The challenge `c`.
    pub fn challenge(&self) -> &Scalar {
        &self.challenge
    }

    /// The responses `m^_j` for the undisclosed messages, in ascending index order.
    pub fn m_hat(&self) -> &[Scalar] {
        &self.m_hat
    }
}

impl fmt::Debug for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Proof(")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}
