//! Blind BBS signatures: `draft-irtf-cfrg-bbs-blind-signatures` (-02 with the errata fixed on
//! the draft's main branch in May 2026, which its test vectors follow; section numbers are
//! those of that text, `cfrg/draft-irtf-cfrg-bbs-blind-signatures` at `7f9d904`; see
//! `docs/protocol.md`).
//!
//! A prover commits to messages the signer never sees ([`commit`], draft §4.1.1 Commit); the
//! signer checks the commitment's proof and signs its own messages together with the
//! commitment ([`blind_sign`], §4.2.1 BlindSign). The result is an ordinary 80-octet BBS
//! signature over `(msg_1, ..., msg_L, secret_prover_blind, committed_1, ..., committed_M)`
//! with the generators `(Q_1, H_1, ..., H_L, Q_2, J_1, ..., J_M)`
//! ([`Generators::with_blind`]), so verification and proofs are the core's CoreVerify,
//! CoreProofGen and CoreProofVerify over those generators ([`verify`], [`proof_gen`],
//! [`proof_verify`]; §4.2.2-§4.2.4). Committed message `j` sits at index `L + 1 + j`; the
//! blind, at index `L`, is never disclosed.
//!
//! The interface's `api_id` is `ciphersuite_id || "BLIND_H2G_HM2S_"` ([`api_id`]); the
//! scalar-level operations ([`core_commit`], [`core_commit_verify`], [`core_blind_sign`],
//! [`core_blind_verify`], [`core_blind_proof_gen`], [`core_blind_proof_verify`]) take any
//! `api_id` and injected random scalars in the draft's order, so that other interfaces (the
//! pseudonym extension, [`super::nym`]; a credential layer signing integers) reuse them.
//!
//! One deviation from the draft's text, following its test vectors: FinalizeBlindSign
//! (§4.3.3) hashes `e = hash_to_scalar(serialize((SK, B)), api_id || "H2S_")`, without the
//! `domain` the text lists (which is already in `B`). 21 of the draft's 22 blind and
//! pseudonym signature vectors use this; `docs/protocol.md` records the outlier.
//!
//! ```
//! use healthpass::bbs::{self, blind, Bls12381Sha256 as S};
//! let sk = bbs::keygen::<S>(&[7u8; 32], b"", None)?;
//! let pk = sk.public_key();
//! let mut rng = rand::rng();
//! // Holder: commit to a secret the issuer must not see.
//! let (commitment, blind_factor) = blind::commit::<S>(&[b"holder secret"], &mut rng)?;
//! // Issuer: check the commitment's proof and sign.
//! let sig = blind::blind_sign::<S>(&sk, &pk, Some(&commitment), b"hdr", &[b"Ada"])?;
//! // Holder: check, then present without the secret.
//! blind::verify::<S>(&pk, &sig, b"hdr", &[b"Ada"], &[b"holder secret"], Some(&blind_factor))?;
//! let proof = blind::proof_gen::<S>(&pk, &sig, b"hdr", b"nonce", &[b"Ada"],
//!     &[b"holder secret"], &[0], &[], Some(&blind_factor), &mut rng)?;
//! blind::proof_verify::<S>(&pk, &proof, b"hdr", b"nonce", 1, &[b"Ada"], &[], &[0], &[])?;
//! # Ok::<(), bbs::Error>(())
//! ```

use core::fmt;

use bls12_381::{G1Affine, G1Projective, Scalar};
use ff::Field;
use group::Curve;
use rand_core::CryptoRng;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use super::challenge::check_indexes;
use super::ciphersuite::Ciphersuite;
use super::error::Error;
use super::generators::{create_generators, Generators, MAX_MESSAGES};
use super::hash::{calculate_random_scalars, h2s_dst, hash_to_scalar, messages_to_scalars};
use super::keys::{PublicKey, SecretKey};
use super::octets::{
    octets_to_g1, octets_to_nonzero_scalar, scalar_to_octets, Serializer, OCTET_POINT_LENGTH,
    OCTET_SCALAR_LENGTH,
};
use super::prepared::PreparedSignature;
use super::proof::Proof;
use super::proof_gen::core_proof_gen;
use super::proof_verify::core_proof_verify;
use super::random_scalars::ProofRandomScalars;
use super::signature::{calculate_domain, compute_b, sign_b, Signature};
use crate::group::{fixed_msm2_ct, fixed_msm_ct, msm_vartime_with_generators};

/// The suffix of the blind interface's `api_id` (draft §4.2): `ciphersuite_id ||
/// "BLIND_H2G_HM2S_"`.
pub const BLIND_H2G_HM2S: &[u8] = b"BLIND_H2G_HM2S_";

/// The blind interface's `api_id` for ciphersuite `C` (draft §4.2).
pub fn api_id<C: Ciphersuite>() -> Vec<u8> {
    [C::ID, BLIND_H2G_HM2S].concat()
}

/// Octets in a commitment with proof over no message: `C`, `s^` and the challenge.
pub const COMMITMENT_BASE_LENGTH: usize = OCTET_POINT_LENGTH + 2 * OCTET_SCALAR_LENGTH;

/// A prover's commitment `C = Q_2 * secret_prover_blind + J_1 * msg_1 + ... + J_M * msg_M`
/// with its proof of knowledge `(s^, (m^_1, ..., m^_M), challenge)` (draft §4.1.1, §4.3.1).
/// Public: it hides the committed messages perfectly. Encoded as
/// `C || s^ || m^_1 || ... || m^_M || challenge`, `112 + 32 * M` octets (§5.4).
#[derive(Clone, PartialEq, Eq)]
pub struct CommitmentWithProof {
    pub(crate) commitment: G1Affine,
    pub(crate) s_hat: Scalar,
    pub(crate) m_hat: Vec<Scalar>,
    pub(crate) challenge: Scalar,
}

impl CommitmentWithProof {
    /// `octets_to_commitment_with_proof` (draft §5.4.2): `112 + 32 * M` octets with
    /// `M <= MAX_MESSAGES`; `C` a subgroup point that is not the identity; every scalar in
    /// `1..r-1`.
    pub fn from_bytes(bytes: &[u8]) -> Result<CommitmentWithProof, Error> {
        let len = bytes.len();
        if len < COMMITMENT_BASE_LENGTH || (len - OCTET_POINT_LENGTH) % OCTET_SCALAR_LENGTH != 0 {
            return Err(Error::InvalidCommitmentLength { actual: len });
        }
        let m = (len - COMMITMENT_BASE_LENGTH) / OCTET_SCALAR_LENGTH;
        if m > MAX_MESSAGES {
            return Err(Error::TooManyMessages {
                actual: m,
                max: MAX_MESSAGES,
            });
        }
        let (point, scalars) = bytes.split_at(OCTET_POINT_LENGTH);
        let commitment = octets_to_g1(point)?;
        let mut s = scalars
            .chunks(OCTET_SCALAR_LENGTH)
            .map(octets_to_nonzero_scalar)
            .collect::<Result<Vec<_>, _>>()?;
        // s = [s^, m^_1..m^_M, challenge]; at least two entries by the length check.
        let challenge = s
            .pop()
            .ok_or(Error::InvalidCommitmentLength { actual: len })?;
        let m_hat = s.split_off(1);
        Ok(CommitmentWithProof {
            commitment,
            s_hat: s[0],
            m_hat,
            challenge,
        })
    }

    /// `commitment_with_proof_to_octets` (draft §5.4.1).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        out.extend_from_slice(&self.commitment.to_compressed());
        for s in [&self.s_hat]
            .into_iter()
            .chain(&self.m_hat)
            .chain([&self.challenge])
        {
            out.extend_from_slice(&scalar_to_octets(s));
        }
        out
    }

    /// The encoded length, `112 + 32 * M`.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        COMMITMENT_BASE_LENGTH + OCTET_SCALAR_LENGTH * self.m_hat.len()
    }

    /// `M`, the number of committed scalars (with the pseudonym extension, its nyms too).
    pub fn committed_count(&self) -> usize {
        self.m_hat.len()
    }

    /// The commitment point `C`.
    pub fn commitment(&self) -> &G1Affine {
        &self.commitment
    }
}

impl fmt::Debug for CommitmentWithProof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Public (it hides the messages): print its encoding.
        write!(f, "CommitmentWithProof(")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// The prover's `secret_prover_blind` (draft §4.1.1): the random scalar that hides the
/// committed messages, needed again to verify the signature and to make every proof.
///
/// # Security
/// Secret: zeroized on drop, compared in constant time, `Debug` prints nothing. It must
/// never reach the signer or a verifier (draft §7.1).
#[derive(Clone)]
pub struct SecretProverBlind(pub(crate) Scalar);

impl SecretProverBlind {
    /// 32 big-endian octets of a scalar in `1..r-1` (a blind is never zero).
    pub fn from_bytes(bytes: &[u8]) -> Result<SecretProverBlind, Error> {
        octets_to_nonzero_scalar(bytes).map(SecretProverBlind)
    }

    /// The 32 big-endian octets, wiped when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(scalar_to_octets(&self.0))
    }
}

impl Drop for SecretProverBlind {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ConstantTimeEq for SecretProverBlind {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.0.ct_eq(&other.0)
    }
}

impl PartialEq for SecretProverBlind {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for SecretProverBlind {}

impl fmt::Debug for SecretProverBlind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretProverBlind(<redacted>)")
    }
}

/// The blind generators `(Q_2, J_1, ..., J_M)`: `create_generators(M + 1, "BLIND_" || api_id)`
/// (draft §4.1.1).
fn blind_generators<C: Ciphersuite>(
    committed_count: usize,
    api_id: &[u8],
) -> Result<std::sync::Arc<[G1Affine]>, Error> {
    let count = committed_count
        .checked_add(1)
        .ok_or(Error::TooManyMessages {
            actual: committed_count,
            max: MAX_MESSAGES,
        })?;
    create_generators::<C>(count, &[b"BLIND_", api_id].concat())
}

/// `calculate_blind_challenge` (draft §5.3):
///
/// ```text
/// c_arr = (M, Q_2, J_1, ..., J_M, C, Cbar)
/// challenge = hash_to_scalar(serialize(c_arr), api_id || "H2S_")
/// ```
fn blind_challenge<C: Ciphersuite>(
    commitment: &G1Affine,
    c_bar: &G1Affine,
    blind_generators: &[G1Affine],
    api_id: &[u8],
) -> Result<Scalar, Error> {
    let mut s = Serializer::new();
    s.integer(blind_generators.len().saturating_sub(1));
    for g in blind_generators {
        s.point(g);
    }
    s.point(commitment).point(c_bar);
    hash_to_scalar::<C>(s.as_bytes(), &h2s_dst(api_id))
}

/// CoreCommit (draft §4.3.1) over committed message scalars, with the random scalars
/// `(secret_prover_blind, s~, m~_1, ..., m~_M)` given (`M + 2` of them, the draft's
/// `calculate_random_scalars(M + 2)`):
///
/// ```text
/// C = Q_2 * secret_prover_blind + J_1 * msg_1 + ... + J_M * msg_M
/// Cbar = Q_2 * s~ + J_1 * m~_1 + ... + J_M * m~_M
/// challenge = calculate_blind_challenge(C, Cbar, (Q_2, J_1, ..., J_M), api_id)
/// s^ = s~ + secret_prover_blind * challenge
/// m^_i = m~_i + msg_i * challenge
/// ```
/// Constant time in the messages and the random scalars.
///
/// # Security
/// The random scalars must be uniformly random and used once; this exists for test vectors
/// and for layers that manage their own randomness. Prefer [`commit`].
pub fn core_commit<C: Ciphersuite>(
    committed: &[Scalar],
    random: &[Scalar],
    api_id: &[u8],
) -> Result<(CommitmentWithProof, SecretProverBlind), Error> {
    let m = committed.len();
    if random.len() != m + 2 {
        return Err(Error::RandomScalarCount {
            expected: m + 2,
            actual: random.len(),
        });
    }
    let generators = blind_generators::<C>(m, api_id)?;
    let blind = SecretProverBlind(random[0]);
    if bool::from(blind.0.is_zero()) {
        return Err(Error::ZeroScalar);
    }
    // (index, committed value, its random blinding), the blind first.
    let mut terms: Vec<(usize, Scalar, Scalar)> = Some((blind.0, random[1]))
        .into_iter()
        .chain(committed.iter().copied().zip(random[2..].iter().copied()))
        .enumerate()
        .map(|(i, (v, t))| (i, v, t))
        .collect();
    let (c, c_bar) = fixed_msm2_ct(&generators, &terms);
    terms.zeroize();
    let mut affine = [G1Affine::identity(); 2];
    G1Projective::batch_normalize(&[c, c_bar], &mut affine);
    let [commitment, c_bar] = affine;
    if bool::from(commitment.is_identity()) {
        return Err(Error::IdentityPoint);
    }
    let challenge = blind_challenge::<C>(&commitment, &c_bar, &generators, api_id)?;
    let m_hat = random[2..]
        .iter()
        .zip(committed)
        .map(|(t, v)| t + v * challenge)
        .collect();
    let commitment = CommitmentWithProof {
        commitment,
        s_hat: random[1] + blind.0 * challenge,
        m_hat,
        challenge,
    };
    Ok((commitment, blind))
}

/// CoreCommitVerify (draft §4.3.2), for the generators `create_generators(M + 1, "BLIND_" ||
/// api_id)` that `deserialize_and_validate_commit` (§4.1.2) pairs with a commitment of `M`
/// scalars:
///
/// ```text
/// Cbar = Q_2 * s^ + J_1 * m^_1 + ... + J_M * m^_M + C * (-challenge)
/// valid if calculate_blind_challenge(C, Cbar, blind_generators, api_id) == challenge
/// ```
/// Variable time: every input is public.
pub fn core_commit_verify<C: Ciphersuite>(
    commitment: &CommitmentWithProof,
    api_id: &[u8],
) -> Result<(), Error> {
    let generators = blind_generators::<C>(commitment.m_hat.len(), api_id)?;
    let terms: Vec<(usize, Scalar)> = Some(commitment.s_hat)
        .into_iter()
        .chain(commitment.m_hat.iter().copied())
        .enumerate()
        .collect();
    let c_bar = msm_vartime_with_generators(
        &[(&generators, &terms)],
        &[commitment.commitment],
        &[-commitment.challenge],
    )
    .to_affine();
    let cv = blind_challenge::<C>(&commitment.commitment, &c_bar, &generators, api_id)?;
    if cv == commitment.challenge {
        Ok(())
    } else {
        Err(Error::VerificationFailed)
    }
}

/// BlindSign (draft §4.2.1) over signer message scalars, with B_calculate (§5.2) and
/// FinalizeBlindSign (§4.3.3): checks the commitment's proof ([`core_commit_verify`]), then
///
/// ```text
/// generators = (Q_1, H_1, ..., H_L) || (Q_2, J_1, ..., J_M)
/// domain = calculate_domain(PK, Q_1, (H_1, ..., H_L, Q_2, J_1, ..., J_M), header, api_id)
/// B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L + C
/// e = hash_to_scalar(serialize((SK, B)), api_id || "H2S_")
/// A = B * (1 / (SK + e))
/// ```
/// Without a commitment, `M = 0` and `C` is the identity.
pub fn core_blind_sign<C: Ciphersuite>(
    sk: &SecretKey,
    pk: &PublicKey,
    commitment_with_proof: Option<&CommitmentWithProof>,
    header: &[u8],
    messages: &[Scalar],
    api_id: &[u8],
) -> Result<Signature, Error> {
    finalize_blind_sign::<C>(
        sk,
        pk,
        commitment_with_proof,
        header,
        messages,
        None,
        api_id,
    )
}

/// BlindSign's steps (draft §4.2.1, §5.2, §4.3.3), with the pseudonym extension's
/// `B = B + J_M * signer_nym_entropy` (per-verifier-linkability §6.1.2) when
/// `nym_entropy` is given.
pub(crate) fn finalize_blind_sign<C: Ciphersuite>(
    sk: &SecretKey,
    pk: &PublicKey,
    commitment_with_proof: Option<&CommitmentWithProof>,
    header: &[u8],
    messages: &[Scalar],
    nym_entropy: Option<&Scalar>,
    api_id: &[u8],
) -> Result<Signature, Error> {
    if let Some(c) = commitment_with_proof {
        core_commit_verify::<C>(c, api_id)?;
    }
    let l = messages.len();
    let m = commitment_with_proof.map_or(0, CommitmentWithProof::committed_count);
    let generators = Generators::with_blind::<C>(l, m + 1, api_id)?;
    let domain = calculate_domain::<C>(pk, &generators, header, api_id)?;
    let mut b = compute_b(&generators, &domain, messages);
    if let Some(c) = commitment_with_proof {
        b += c.commitment;
    }
    if let Some(entropy) = nym_entropy {
        // J_M, the last blind generator, at position L + 1 + M of (Q_1, H..., Q_2, J...).
        b += fixed_msm_ct(generators.points(), &[(l + 1 + m, *entropy)]);
    }
    if bool::from(b.is_identity()) {
        return Err(Error::SigningFailed);
    }
    let mut s = Serializer::new();
    s.scalar(sk.scalar()).projective(&b);
    let e = hash_to_scalar::<C>(s.as_bytes(), &h2s_dst(api_id))?;
    sign_b(sk, &b, e)
}

/// `prepare_parameters` (draft §5.1) on the prover's side: the generators
/// `(Q_1, H..., Q_2, J...)` and the scalars `(msg..., secret_prover_blind, committed...)`,
/// the blind `0` when none is given (as the draft's default).
pub(crate) fn prepare_parameters<C: Ciphersuite>(
    messages: &[Scalar],
    committed: &[Scalar],
    secret_prover_blind: Option<&SecretProverBlind>,
    api_id: &[u8],
) -> Result<(Generators, Vec<Scalar>), Error> {
    let generators = Generators::with_blind::<C>(messages.len(), committed.len() + 1, api_id)?;
    let blind = secret_prover_blind.map_or(Scalar::ZERO, |b| b.0);
    let scalars = messages
        .iter()
        .copied()
        .chain(Some(blind))
        .chain(committed.iter().copied())
        .collect();
    Ok((generators, scalars))
}

/// The indexes of the one message list `(msg..., blind, committed...)`: signer message `i`
/// stays `i`, committed message `j` becomes `L + 1 + j` (draft §4.2.3). Checks that each
/// list is below its count and has no repeat.
pub(crate) fn combined_indexes(
    disclosed_indexes: &[usize],
    l: usize,
    disclosed_commitment_indexes: &[usize],
    m: usize,
) -> Result<Vec<usize>, Error> {
    check_indexes(disclosed_indexes, l)?;
    check_indexes(disclosed_commitment_indexes, m)?;
    Ok(disclosed_indexes
        .iter()
        .copied()
        .chain(disclosed_commitment_indexes.iter().map(|j| j + l + 1))
        .collect())
}

/// VerifyBlindSign (draft §4.2.2) over scalars: CoreVerify's equation over the prepared
/// parameters, checked in constant time (the committed messages and the blind are the
/// holder's secrets).
pub fn core_blind_verify<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    messages: &[Scalar],
    committed: &[Scalar],
    secret_prover_blind: Option<&SecretProverBlind>,
    api_id: &[u8],
) -> Result<(), Error> {
    let (generators, mut scalars) =
        prepare_parameters::<C>(messages, committed, secret_prover_blind, api_id)?;
    let prepared = PreparedSignature::<C>::from_generators(
        pk, signature, header, &scalars, generators, api_id,
    );
    scalars.zeroize();
    prepared.map(drop)
}

/// BlindProofGen (draft §4.2.3) over scalars: CoreProofGen over the prepared parameters,
/// disclosing signer messages at `disclosed_indexes` and committed messages at
/// `disclosed_commitment_indexes` (each list in any order, no repeats); the blind is never
/// disclosed. `random` holds `5 + U` scalars in the draft's order, `U` counting the hidden
/// signer messages, the blind and the hidden committed messages.
#[allow(clippy::too_many_arguments)]
pub fn core_blind_proof_gen<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    presentation_header: &[u8],
    messages: &[Scalar],
    committed: &[Scalar],
    disclosed_indexes: &[usize],
    disclosed_commitment_indexes: &[usize],
    secret_prover_blind: Option<&SecretProverBlind>,
    random: ProofRandomScalars,
    api_id: &[u8],
) -> Result<Proof, Error> {
    let indexes = combined_indexes(
        disclosed_indexes,
        messages.len(),
        disclosed_commitment_indexes,
        committed.len(),
    )?;
    let (generators, mut scalars) =
        prepare_parameters::<C>(messages, committed, secret_prover_blind, api_id)?;
    let proof = core_proof_gen::<C>(
        pk,
        signature,
        &generators,
        header,
        presentation_header,
        &scalars,
        &indexes,
        random,
        api_id,
    );
    scalars.zeroize();
    proof
}

/// The verifier's parameters of BlindProofVerify (draft §4.2.4): from the proof's `U`, the
/// number of blind generators `M + 1 = R + R_c + U - L` (the blind and `M` committed
/// scalars), the generators, the disclosed scalars and their combined indexes.
pub(crate) fn verifier_parameters<C: Ciphersuite>(
    proof: &Proof,
    l: usize,
    disclosed_messages: &[Scalar],
    disclosed_committed: &[Scalar],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
    api_id: &[u8],
) -> Result<(Generators, Vec<Scalar>, Vec<usize>), Error> {
    for (messages, indexes) in [
        (disclosed_messages, disclosed_indexes),
        (disclosed_committed, disclosed_committed_indexes),
    ] {
        if messages.len() != indexes.len() {
            return Err(Error::MessageCountMismatch {
                expected: indexes.len(),
                actual: messages.len(),
            });
        }
    }
    let total = disclosed_indexes
        .len()
        .checked_add(disclosed_committed_indexes.len())
        .and_then(|n| n.checked_add(proof.undisclosed_count()))
        .ok_or(Error::TooManyMessages {
            actual: usize::MAX,
            max: MAX_MESSAGES,
        })?;
    // At least the blind is hidden, so there are at least L + 1 messages. (`l` is the
    // caller's: saturate, so that `usize::MAX` is refused, not an overflow.)
    let blind_count =
        total
            .checked_sub(l)
            .filter(|&n| n >= 1)
            .ok_or_else(|| Error::MessageCountMismatch {
                expected: l.saturating_add(1),
                actual: total,
            })?;
    let indexes = combined_indexes(
        disclosed_indexes,
        l,
        disclosed_committed_indexes,
        blind_count - 1,
    )?;
    let generators = Generators::with_blind::<C>(l, blind_count, api_id)?;
    let scalars = disclosed_messages
        .iter()
        .chain(disclosed_committed)
        .copied()
        .collect();
    Ok((generators, scalars, indexes))
}

/// BlindProofVerify (draft §4.2.4) over scalars: `l` is the number of signer messages; the
/// number of committed messages follows from the proof's length.
#[allow(clippy::too_many_arguments)]
pub fn core_blind_proof_verify<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    presentation_header: &[u8],
    l: usize,
    disclosed_messages: &[Scalar],
    disclosed_committed: &[Scalar],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
    api_id: &[u8],
) -> Result<(), Error> {
    let (generators, scalars, indexes) = verifier_parameters::<C>(
        proof,
        l,
        disclosed_messages,
        disclosed_committed,
        disclosed_indexes,
        disclosed_committed_indexes,
        api_id,
    )?;
    core_proof_verify::<C>(
        pk,
        proof,
        &generators,
        header,
        presentation_header,
        &scalars,
        &indexes,
        api_id,
    )
}

/// Commit (draft §4.1.1): a commitment with proof to `committed_messages`, and the
/// `secret_prover_blind` that the prover keeps.
///
/// # Security
/// `rng` must be a cryptographically secure generator. Use a fresh commitment for every
/// issuance: the signer sees it, so reusing one links issuances.
pub fn commit<C: Ciphersuite>(
    committed_messages: &[&[u8]],
    rng: &mut impl CryptoRng,
) -> Result<(CommitmentWithProof, SecretProverBlind), Error> {
    let api_id = api_id::<C>();
    commit_scalars::<C>(
        &messages_to_scalars::<C>(committed_messages, &api_id)?,
        rng,
        &api_id,
    )
}

/// [`core_commit`] with fresh random scalars from `rng`; wipes the scalars it was given.
pub(crate) fn commit_scalars<C: Ciphersuite>(
    committed: &[Scalar],
    rng: &mut impl CryptoRng,
    api_id: &[u8],
) -> Result<(CommitmentWithProof, SecretProverBlind), Error> {
    let mut random = calculate_random_scalars(rng, committed.len() + 2);
    let result = core_commit::<C>(committed, &random, api_id);
    random.zeroize();
    result
}

/// BlindSign (draft §4.2.1): checks the commitment's proof, then signs `messages` together
/// with the committed ones. Without a commitment the signature still has the blind
/// generator `Q_2` (and the blind `0`).
pub fn blind_sign<C: Ciphersuite>(
    sk: &SecretKey,
    pk: &PublicKey,
    commitment_with_proof: Option<&CommitmentWithProof>,
    header: &[u8],
    messages: &[&[u8]],
) -> Result<Signature, Error> {
    let api_id = api_id::<C>();
    let scalars = messages_to_scalars::<C>(messages, &api_id)?;
    core_blind_sign::<C>(sk, pk, commitment_with_proof, header, &scalars, &api_id)
}

/// VerifyBlindSign (draft §4.2.2): `Ok(())` when `signature` is valid for the signer's
/// `messages`, the `committed_messages` and the blind (`None` for a signature made without
/// a commitment), in constant time.
pub fn verify<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    messages: &[&[u8]],
    committed_messages: &[&[u8]],
    secret_prover_blind: Option<&SecretProverBlind>,
) -> Result<(), Error> {
    let api_id = api_id::<C>();
    let scalars = messages_to_scalars::<C>(messages, &api_id)?;
    let mut committed = messages_to_scalars::<C>(committed_messages, &api_id)?;
    let result = core_blind_verify::<C>(
        pk,
        signature,
        header,
        &scalars,
        &committed,
        secret_prover_blind,
        &api_id,
    );
    committed.zeroize();
    result
}

/// BlindProofGen (draft §4.2.3): a fresh proof disclosing the signer messages at
/// `disclosed_indexes` and the committed messages at `disclosed_commitment_indexes`.
///
/// # Security
/// `rng` must be a cryptographically secure generator; every call gives an unlinkable proof.
#[allow(clippy::too_many_arguments)]
pub fn proof_gen<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    presentation_header: &[u8],
    messages: &[&[u8]],
    committed_messages: &[&[u8]],
    disclosed_indexes: &[usize],
    disclosed_commitment_indexes: &[usize],
    secret_prover_blind: Option<&SecretProverBlind>,
    rng: &mut impl CryptoRng,
) -> Result<Proof, Error> {
    let api_id = api_id::<C>();
    let scalars = messages_to_scalars::<C>(messages, &api_id)?;
    let mut committed = messages_to_scalars::<C>(committed_messages, &api_id)?;
    let hidden = hidden_count(
        messages.len() + 1 + committed.len(),
        disclosed_indexes.len() + disclosed_commitment_indexes.len(),
    );
    let random = ProofRandomScalars::random(rng, hidden);
    let proof = core_blind_proof_gen::<C>(
        pk,
        signature,
        header,
        presentation_header,
        &scalars,
        &committed,
        disclosed_indexes,
        disclosed_commitment_indexes,
        secret_prover_blind,
        random,
        &api_id,
    );
    committed.zeroize();
    proof
}

/// `U`, the hidden messages among `total`; a count of disclosed indexes above `total` is
/// left to the index checks (which reject it), so this never underflows.
pub(crate) fn hidden_count(total: usize, disclosed: usize) -> usize {
    total.saturating_sub(disclosed)
}

/// BlindProofVerify (draft §4.2.4): `l` is the number of signer messages; the disclosed
/// messages pair with their indexes (any order).
#[allow(clippy::too_many_arguments)]
pub fn proof_verify<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    presentation_header: &[u8],
    l: usize,
    disclosed_messages: &[&[u8]],
    disclosed_committed_messages: &[&[u8]],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
) -> Result<(), Error> {
    let api_id = api_id::<C>();
    core_blind_proof_verify::<C>(
        pk,
        proof,
        header,
        presentation_header,
        l,
        &messages_to_scalars::<C>(disclosed_messages, &api_id)?,
        &messages_to_scalars::<C>(disclosed_committed_messages, &api_id)?,
        disclosed_indexes,
        disclosed_committed_indexes,
        &api_id,
    )
}
