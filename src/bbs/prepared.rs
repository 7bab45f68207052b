//! A holder's prepared credential: everything about a signature that is the same for every
//! presentation, computed once, so that each proof (draft §3.6.3, CoreProofGen) does only
//! the work that must be fresh.

use core::fmt;
use core::marker::PhantomData;

use bls12_381::{G1Affine, Scalar};
use rand_core::CryptoRng;
use zeroize::Zeroize;

use super::challenge::{check_indexes, proof_challenge_calculate};
use super::ciphersuite::{api_id, Ciphersuite};
use super::error::Error;
use super::generators::Generators;
use super::hash::messages_to_scalars;
use super::keys::PublicKey;
use super::proof::Proof;
use super::proof_gen::ProofInit;
use super::prover::{init_points, Bases};
use super::random_scalars::ProofRandomScalars;
use super::signature::{calculate_domain, compute_b, Signature};
use crate::group::{
    normalize, pairing_product_is_identity, prepared_g2, CombTable, Point, BP2_PREPARED,
};

/// A signature prepared for repeated proof generation by its holder.
///
/// It keeps what is fixed for a credential: the message scalars, `domain`,
/// `B = P1 + Q_1 * domain + sum H_i * msg_i`, the signature's `A` and `e`, and constant-time
/// fixed-base tables for `A`, `B` and `B - A * e`. A presentation then costs one fixed-base
/// product per point of ProofInit (draft §3.7.1) and one per hidden message, with no
/// doubling, instead of the draft's full recomputation. Its proofs are ordinary draft proofs:
/// [`proof_verify`](crate::bbs::proof_verify) and every other implementation accept them,
/// and with the same random scalars they are byte for byte those of
/// [`core_proof_gen`](crate::bbs::core_proof_gen).
///
/// # Security
/// Constant time in the messages, the signature and the random scalars. The message scalars,
/// `e` and the tables are zeroized on drop; `Debug` prints only the suite and the message
/// count.
///
/// ```
/// use healthpass::bbs::{self, Bls12381Sha256, PreparedSignature};
/// let sk = bbs::keygen::<Bls12381Sha256>(&[1u8; 32], b"", None)?;
/// let pk = sk.public_key();
/// let messages: [&[u8]; 3] = [b"Ada", b"1815-12-10", b"EU/1/20/1528"];
/// let sig = bbs::sign::<Bls12381Sha256>(&sk, &pk, b"header", &messages)?;
/// let prepared = PreparedSignature::<Bls12381Sha256>::new(&pk, &sig, b"header", &messages)?;
/// let proof = prepared.proof_gen(b"nonce", &[2], &mut rand::rng())?;
/// bbs::proof_verify::<Bls12381Sha256>(&pk, &proof, b"header", b"nonce", &[messages[2]], &[2])?;
/// # Ok::<(), bbs::Error>(())
/// ```
pub struct PreparedSignature<C: Ciphersuite> {
    generators: Generators,
    api_id: Vec<u8>,
    domain: Scalar,
    messages: Vec<Scalar>,
    e: Scalar,
    /// The signature's `A` and the credential's `B`.
    points: [G1Affine; 2],
    a: CombTable,
    b: CombTable,
    b_minus_ae: CombTable,
    suite: PhantomData<C>,
}

impl<C: Ciphersuite> PreparedSignature<C> {
    /// Prepares `signature` on octet-string `messages` under `header` for the draft's
    /// message interface (`api_id = ciphersuite_id || "H2G_HM2S_"`, draft §3.5), checking
    /// the signature once (in constant time). Fails with [`Error::VerificationFailed`] when
    /// the signature is not valid for these messages.
    pub fn new(
        pk: &PublicKey,
        signature: &Signature,
        header: &[u8],
        messages: &[&[u8]],
    ) -> Result<Self, Error> {
        let api_id = api_id::<C>();
        let mut scalars = messages_to_scalars::<C>(messages, &api_id)?;
        let prepared = Self::from_scalars(pk, signature, header, &scalars, &api_id);
        scalars.zeroize();
        prepared
    }

    /// Prepares `signature` on message scalars signed through another interface, identified
    /// by its `api_id` (for instance a credential layer that signs integers directly). The
    /// signature is checked once, in constant time (draft §3.6.2 CoreVerify's equation).
    pub fn from_scalars(
        pk: &PublicKey,
        signature: &Signature,
        header: &[u8],
        scalars: &[Scalar],
        api_id: &[u8],
    ) -> Result<Self, Error> {
        let generators = Generators::new::<C>(scalars.len(), api_id)?;
        Self::from_generators(pk, signature, header, scalars, generators, api_id)
    }

    /// [`from_scalars`](Self::from_scalars) with the generators given, for interfaces whose
    /// generators are not `create_generators(L + 1, api_id)` alone (the blind extension's
    /// `(Q_1, H..., Q_2, J...)`, [`Generators::with_blind`]).
    pub(crate) fn from_generators(
        pk: &PublicKey,
        signature: &Signature,
        header: &[u8],
        scalars: &[Scalar],
        generators: Generators,
        api_id: &[u8],
    ) -> Result<Self, Error> {
        if generators.message_count() != scalars.len() {
            return Err(Error::MessageCountMismatch {
                expected: generators.message_count(),
                actual: scalars.len(),
            });
        }
        let domain = calculate_domain::<C>(pk, &generators, header, api_id)?;
        let b = G1Affine::from(compute_b(&generators, &domain, scalars));
        let a = CombTable::new(&signature.a);
        // B - A * e, constant time; e(A, W) * e(B - A * e, -BP2) = 1 is CoreVerify's check.
        let mut minus_ae = a.mul(&-signature.e);
        let mut sum = Point::from_affine(&b).add(&minus_ae);
        // bls12_381's (constant-time) multiplication only if the limbs fail their check.
        let b_minus_ae = match normalize(&[sum]) {
            Some([p]) => p,
            None => G1Affine::from(b - signature.a * signature.e),
        };
        minus_ae.zeroize();
        sum.zeroize();
        let mut affine = [b, b_minus_ae];
        let w = prepared_g2(&pk.0);
        let valid =
            pairing_product_is_identity(&[(&signature.a, &w), (&affine[1], &BP2_PREPARED.1)]);
        let prepared = Self {
            b: CombTable::new(&affine[0]),
            b_minus_ae: CombTable::new(&affine[1]),
            points: [signature.a, b],
            generators,
            api_id: api_id.to_vec(),
            domain,
            messages: scalars.to_vec(),
            e: signature.e,
            a,
            suite: PhantomData,
        };
        affine.zeroize();
        if valid {
            Ok(prepared)
        } else {
            Err(Error::VerificationFailed)
        }
    }

    /// The `i`-th signed message scalar (for extensions that prove statements about a hidden
    /// message; the crate's own code only).
    pub(crate) fn message(&self, i: usize) -> Option<&Scalar> {
        self.messages.get(i)
    }

    /// `L`, the number of signed messages.
    pub fn message_count(&self) -> usize {
        self.messages.len()
    }

    /// The `api_id` of the interface the messages were signed under.
    pub fn api_id(&self) -> &[u8] {
        &self.api_id
    }

    /// ProofGen (draft §3.5.3 over CoreProofGen, §3.6.3): a fresh proof that discloses the
    /// messages at `disclosed_indexes` (any order; no repeats; each below `L`) and binds
    /// `presentation_header`.
    ///
    /// # Security
    /// `rng` must be a cryptographically secure generator; every call gives an unlinkable
    /// proof.
    pub fn proof_gen(
        &self,
        presentation_header: &[u8],
        disclosed_indexes: &[usize],
        rng: &mut impl CryptoRng,
    ) -> Result<Proof, Error> {
        self.proof_gen_with_blindings(presentation_header, disclosed_indexes, &[], rng)
    }

    /// Like [`proof_gen`](Self::proof_gen), with caller-chosen blindings `m~_j` for some
    /// hidden messages, given as `(message index, blinding)`, so that a sub-proof over the
    /// same message can share the blinding (and then the response `m^_j`).
    ///
    /// # Security
    /// Each blinding must be uniformly random and used in one proof only; reuse reveals the
    /// message. A blinding for a disclosed message is an error.
    pub fn proof_gen_with_blindings(
        &self,
        presentation_header: &[u8],
        disclosed_indexes: &[usize],
        blindings: &[(usize, Scalar)],
        rng: &mut impl CryptoRng,
    ) -> Result<Proof, Error> {
        let init = self.proof_init_with_rng(disclosed_indexes, blindings, rng)?;
        let challenge = self.proof_challenge(&init, disclosed_indexes, presentation_header)?;
        init.finalize(&challenge)
    }

    /// ProofInit (draft §3.7.1) with fresh random scalars from `rng` and the given blindings
    /// (see [`proof_gen_with_blindings`](Self::proof_gen_with_blindings)): the first of the
    /// three steps, for extensions that add commitments before the challenge. Continue with
    /// [`proof_challenge`](Self::proof_challenge) and [`ProofInit::finalize`].
    pub fn proof_init_with_rng(
        &self,
        disclosed_indexes: &[usize],
        blindings: &[(usize, Scalar)],
        rng: &mut impl CryptoRng,
    ) -> Result<ProofInit, Error> {
        let disclosed = check_indexes(disclosed_indexes, self.messages.len())?;
        let undisclosed = self.undisclosed(&disclosed);
        let mut random = ProofRandomScalars::random(rng, undisclosed.len());
        for (index, blinding) in blindings {
            let k = undisclosed
                .binary_search(index)
                .map_err(|_| Error::BlindingNotForHiddenMessage { index: *index })?;
            random.set_m_tilde(k, *blinding)?;
        }
        if let Some(w) = sorted_indexes(blindings).windows(2).find(|w| w[0] == w[1]) {
            return Err(Error::BlindingNotForHiddenMessage { index: w[0] });
        }
        Ok(self.init(&undisclosed, random))
    }

    /// ProofInit (draft §3.7.1) with caller-supplied random scalars `(r1, r2, e~, r1~, r3~,
    /// m~_j1, ..., m~_jU)` in the draft's order (`5 + U` of them; `m~` in ascending index
    /// order of the hidden messages).
    ///
    /// # Security
    /// See [`ProofRandomScalars::from_scalars`]: the scalars must be uniformly random and
    /// used once. This exists for test vectors and for extensions that manage their own
    /// randomness; prefer [`proof_init_with_rng`](Self::proof_init_with_rng).
    pub fn proof_init(
        &self,
        disclosed_indexes: &[usize],
        random: ProofRandomScalars,
    ) -> Result<ProofInit, Error> {
        let disclosed = check_indexes(disclosed_indexes, self.messages.len())?;
        let undisclosed = self.undisclosed(&disclosed);
        if random.m_tilde.len() != undisclosed.len() {
            return Err(Error::RandomScalarCount {
                expected: 5 + undisclosed.len(),
                actual: 5 + random.m_tilde.len(),
            });
        }
        Ok(self.init(&undisclosed, random))
    }

    /// ProofChallengeCalculate (draft §3.7.4) for a [`ProofInit`] made from this credential:
    /// hashes the disclosed messages (at `disclosed_indexes`, any order), the init points,
    /// `domain` and `presentation_header`.
    pub fn proof_challenge(
        &self,
        init: &ProofInit,
        disclosed_indexes: &[usize],
        presentation_header: &[u8],
    ) -> Result<Scalar, Error> {
        let disclosed = check_indexes(disclosed_indexes, self.messages.len())?;
        let values: Vec<Scalar> = disclosed.iter().map(|&i| self.messages[i]).collect();
        proof_challenge_calculate::<C>(
            init.result(),
            &disclosed,
            &values,
            presentation_header,
            &self.api_id,
        )
    }

    /// The hidden indexes: the complement of the sorted `disclosed` ones.
    fn undisclosed(&self, disclosed: &[usize]) -> Vec<usize> {
        (0..self.messages.len())
            .filter(|i| disclosed.binary_search(i).is_err())
            .collect()
    }

    fn init(&self, undisclosed: &[usize], random: ProofRandomScalars) -> ProofInit {
        let bases = Bases::Comb {
            a: &self.a,
            b: &self.b,
            b_minus_ae: &self.b_minus_ae,
            points: &self.points,
            e: &self.e,
        };
        let points = init_points(&bases, &self.generators, undisclosed, &random, None);
        let hidden = undisclosed.iter().map(|&j| self.messages[j]).collect();
        ProofInit::new(points, self.domain, random, self.e, hidden)
    }
}

fn sorted_indexes(blindings: &[(usize, Scalar)]) -> Vec<usize> {
    let mut v: Vec<usize> = blindings.iter().map(|(i, _)| *i).collect();
    v.sort_unstable();
    v
}

impl<C: Ciphersuite> Drop for PreparedSignature<C> {
    fn drop(&mut self) {
        self.messages.zeroize();
        self.e.zeroize();
        self.points.zeroize();
    }
}

impl<C: Ciphersuite> fmt::Debug for PreparedSignature<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedSignature")
            .field("suite", &C::default())
            .field("message_count", &self.messages.len())
            .finish_non_exhaustive()
    }
}
