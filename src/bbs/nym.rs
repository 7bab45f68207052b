//! Per-verifier pseudonyms: `draft-irtf-cfrg-bbs-per-verifier-linkability-02` (the
//! repository `cfrg/draft-irtf-cfrg-bbs-pseudonyms`), built on the blind signatures of
//! [`super::blind`]. Section numbers are those of the editor's copy at `fcbba95` (labelled
//! -03, editorial changes only since -02), whose test vectors this module reproduces.
//!
//! The prover commits to its committed messages and a vector of random `prover_nyms`
//! ([`commit_with_nym`], draft §6.1.1 CommitWithNym). The signer signs the commitment and adds
//! its own `signer_nym_entropy` to the last nym ([`blind_sign_with_nym`], §6.1.2
//! BlindSignWithNym). The prover checks the signature and obtains the `nym_secrets`: its nyms
//! with the last one plus the entropy ([`verify_finalize_with_nym`], §6.1.3
//! VerifyFinalizeWithNym). For a verifier's `context_id` the pseudonym is
//!
//! ```text
//! OP = hash_to_curve_g1(context_id, api_id)
//! z = hash_to_scalar(context_id, api_id || "VECT_NYM_SECRETS")
//! pseudonym = OP * (nym_1 + nym_2 * z + ... + nym_N * z^(N-1))
//! ```
//!
//! (§4, [`calculate_pseudonym`]): the same credential in the same context always gives the
//! same pseudonym, other contexts unlinkable ones. [`proof_gen_with_nym`] (§6.2
//! ProofGenWithNym, §7.1 CoreProofGenWithNym) proves, with the core's ProofInit, challenge
//! and ProofFinalize, that the pseudonym is made of the signed (never disclosed) nym
//! secrets; [`proof_verify_with_nym`] (§6.3, §7.2) checks it.
//!
//! The signed messages are `(msg_1..msg_L, secret_prover_blind, committed_1..committed_M,
//! nym_1..nym_N)` under `api_id = ciphersuite_id || "H2G_HM2S_PSEUDONYM_"` ([`api_id`]), and
//! the header every operation signs or proves is `header || I2OSP(N, 8)`.
//!
//! ```
//! use healthpass::bbs::{self, nym, Bls12381Sha256 as S};
//! let sk = bbs::keygen::<S>(&[7u8; 32], b"", None)?;
//! let pk = sk.public_key();
//! let mut rng = rand::rng();
//! let prover_nyms = nym::ProverNyms::random(&mut rng, 1);
//! let (commitment, blind) = nym::commit_with_nym::<S>(&[], &prover_nyms, &mut rng)?;
//! let entropy = nym::SignerNymEntropy::random(&mut rng);
//! let sig = nym::blind_sign_with_nym::<S>(&sk, &pk, &commitment, 1, &entropy, b"", &[b"Ada"])?;
//! let secrets = nym::verify_finalize_with_nym::<S>(
//!     &pk, &sig, b"", &[b"Ada"], &[], &prover_nyms, &entropy, Some(&blind))?;
//! let (proof, pseudonym) = nym::proof_gen_with_nym::<S>(&pk, &sig, b"", b"nonce", &secrets,
//!     b"venue-42", &[b"Ada"], &[], &[], &[], Some(&blind), &mut rng)?;
//! nym::proof_verify_with_nym::<S>(&pk, &proof, b"", b"nonce", &pseudonym, b"venue-42", 1, 1,
//!     &[], &[], &[], &[])?;
//! assert_eq!(pseudonym, nym::calculate_pseudonym::<S>(&secrets, b"venue-42")?);
//! # Ok::<(), bbs::Error>(())
//! ```

use core::fmt;

use bls12_381::{G1Affine, G1Projective, Scalar};
use ff::Field;
use group::Curve;
use rand_core::CryptoRng;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, Zeroizing};

use super::blind::core_blind_verify;
use super::blind::{
    combined_indexes, commit_scalars, core_commit, finalize_blind_sign, hidden_count,
    prepare_parameters, verifier_parameters, CommitmentWithProof, SecretProverBlind,
};
use super::challenge::{
    check_indexes, proof_challenge_calculate_with, sort_disclosed, ChallengeExtension,
};
use super::ciphersuite::Ciphersuite;
use super::error::Error;
use super::hash::{calculate_random_scalars, hash_to_scalar, messages_to_scalars};
use super::keys::{PublicKey, SecretKey};
use super::octets::{
    octets_to_g1, octets_to_nonzero_scalar, scalar_to_octets, OCTET_POINT_LENGTH,
    OCTET_SCALAR_LENGTH,
};
use super::proof::Proof;
use super::proof_gen::proof_init;
use super::proof_verify::{proof_pairing_check, proof_verify_init};
use super::random_scalars::ProofRandomScalars;
use super::signature::Signature;
use crate::bbs::generators::MAX_MESSAGES;

/// The suffix of the pseudonym interface's `api_id` (draft §6): `ciphersuite_id ||
/// "H2G_HM2S_PSEUDONYM_"`.
pub const H2G_HM2S_PSEUDONYM: &[u8] = b"H2G_HM2S_PSEUDONYM_";

/// The pseudonym interface's `api_id` for ciphersuite `C` (draft §6).
pub fn api_id<C: Ciphersuite>() -> Vec<u8> {
    [C::ID, H2G_HM2S_PSEUDONYM].concat()
}

/// A secret vector of nym scalars, `N >= 1` of them: the prover's `prover_nyms` or the
/// finalized `nym_secrets` (draft §3.2). Zeroized on drop, compared in constant time,
/// `Debug` prints only the length. Encoded as `N` 32-octet big-endian scalars.
#[derive(Clone)]
pub struct NymSecrets(Vec<Scalar>);

impl NymSecrets {
    /// `N` scalars of 32 octets each, `1 <= N <= MAX_MESSAGES`, each in `1..r-1`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let n = bytes.len() / OCTET_SCALAR_LENGTH;
        if bytes.is_empty() || bytes.len() % OCTET_SCALAR_LENGTH != 0 || n > MAX_MESSAGES {
            return Err(Error::InvalidLength {
                what: "nym secrets",
                expected: OCTET_SCALAR_LENGTH * n.clamp(1, MAX_MESSAGES),
                actual: bytes.len(),
            });
        }
        bytes
            .chunks(OCTET_SCALAR_LENGTH)
            .map(octets_to_nonzero_scalar)
            .collect::<Result<Vec<_>, _>>()
            .map(NymSecrets)
    }

    /// The `32 * N` octets, wiped when dropped.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(OCTET_SCALAR_LENGTH * self.0.len()));
        for s in &self.0 {
            out.extend_from_slice(&scalar_to_octets(s));
        }
        out
    }

    /// `N`, the length of the vector (`length_nym_vector`).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The nym scalars, as messages of the signature.
    pub(crate) fn scalars(&self) -> &[Scalar] {
        &self.0
    }
}

impl Drop for NymSecrets {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl ConstantTimeEq for NymSecrets {
    fn ct_eq(&self, other: &Self) -> Choice {
        if self.0.len() != other.0.len() {
            return Choice::from(0);
        }
        self.0
            .iter()
            .zip(&other.0)
            .fold(Choice::from(1), |acc, (a, b)| acc & a.ct_eq(b))
    }
}

impl PartialEq for NymSecrets {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for NymSecrets {}

impl fmt::Debug for NymSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NymSecrets(<{} redacted>)", self.0.len())
    }
}

/// The prover's `prover_nyms` (draft §6.1.1): random secret scalars it commits to, which
/// become the `nym_secrets` once the signer's entropy is added to the last one.
#[derive(Clone, PartialEq, Eq)]
pub struct ProverNyms(NymSecrets);

impl ProverNyms {
    /// `count` (at least 1) fresh random nyms.
    ///
    /// # Security
    /// `rng` must be a cryptographically secure generator.
    pub fn random(rng: &mut impl CryptoRng, count: usize) -> Self {
        ProverNyms(NymSecrets(calculate_random_scalars(rng, count.max(1))))
    }

    /// As [`NymSecrets::from_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        NymSecrets::from_bytes(bytes).map(ProverNyms)
    }

    /// As [`NymSecrets::to_bytes`].
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        self.0.to_bytes()
    }

    /// `N`, the length of the vector.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for ProverNyms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProverNyms(<{} redacted>)", self.0.len())
    }
}

/// The signer's `signer_nym_entropy` (draft §6.1.2): a random scalar, not secret, that the
/// signer adds to the last nym and sends back with the signature, so that no two signatures
/// share `nym_secrets` even if a prover reuses its nyms.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SignerNymEntropy(Scalar);

impl SignerNymEntropy {
    /// A fresh random entropy.
    ///
    /// # Security
    /// `rng` must be a cryptographically secure generator.
    pub fn random(rng: &mut impl CryptoRng) -> Self {
        let mut v = calculate_random_scalars(rng, 1);
        SignerNymEntropy(v.pop().unwrap_or(Scalar::ONE))
    }

    /// 32 big-endian octets of a scalar in `1..r-1`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        octets_to_nonzero_scalar(bytes).map(SignerNymEntropy)
    }

    /// The 32 big-endian octets.
    pub fn to_bytes(&self) -> [u8; 32] {
        scalar_to_octets(&self.0)
    }
}

impl fmt::Debug for SignerNymEntropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignerNymEntropy({})", hex_octets(&self.to_bytes()))
    }
}

/// A pseudonym (draft §3.3): a point of G1, neither the identity nor the base point,
/// encoded compressed (48 octets).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pseudonym(G1Affine);

impl Pseudonym {
    /// `octets_to_point_g1`: 48 octets, a subgroup point that is neither the identity nor
    /// the base point of G1.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let p = octets_to_g1(bytes)?;
        if p == G1Affine::generator() {
            return Err(Error::BasePointPseudonym);
        }
        Ok(Pseudonym(p))
    }

    /// `point_to_octets_g1`: 48 octets.
    pub fn to_bytes(&self) -> [u8; OCTET_POINT_LENGTH] {
        self.0.to_compressed()
    }

    /// The point.
    pub fn point(&self) -> &G1Affine {
        &self.0
    }
}

impl fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pseudonym({})", hex_octets(&self.to_bytes()))
    }
}

fn hex_octets(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `header || I2OSP(length_nym_vector, 8)`, the header every pseudonym operation signs or
/// proves (draft §6.1.2 step 9, §6.1.3 step 5, §7.1 step 2, §7.2 step 1).
pub(crate) fn combined_header(header: &[u8], nym_count: usize) -> Vec<u8> {
    [header, &(nym_count as u64).to_be_bytes()].concat()
}

/// `OP = hash_to_curve_g1(context_id, api_id)` and
/// `z = hash_to_scalar(context_id, api_id || "VECT_NYM_SECRETS")` (draft §7.3.1 steps 1-2).
fn context_base<C: Ciphersuite>(
    context_id: &[u8],
    api_id: &[u8],
) -> Result<(G1Affine, Scalar), Error> {
    let op = C::hash_to_curve_g1(context_id, api_id).to_affine();
    let z = hash_to_scalar::<C>(context_id, &[api_id, b"VECT_NYM_SECRETS"].concat())?;
    Ok((op, z))
}

/// `v_1 + v_2 * z + ... + v_N * z^(N-1)` by Horner's rule (draft §7.3.1 step 3). Constant
/// time in the values.
fn poly_eval(values: &[Scalar], z: &Scalar) -> Scalar {
    values.iter().rev().fold(Scalar::ZERO, |acc, v| acc * z + v)
}

/// The pseudonym of `nym_secrets` in `context_id` (draft §4), under the pseudonym interface's
/// `api_id`. Constant time in the secrets.
pub fn calculate_pseudonym<C: Ciphersuite>(
    nym_secrets: &NymSecrets,
    context_id: &[u8],
) -> Result<Pseudonym, Error> {
    core_calculate_pseudonym::<C>(nym_secrets, context_id, &api_id::<C>())
}

/// [`calculate_pseudonym`] under any `api_id`.
pub fn core_calculate_pseudonym<C: Ciphersuite>(
    nym_secrets: &NymSecrets,
    context_id: &[u8],
    api_id: &[u8],
) -> Result<Pseudonym, Error> {
    let (op, z) = context_base::<C>(context_id, api_id)?;
    let mut poly = poly_eval(&nym_secrets.0, &z);
    let p = (G1Projective::from(op) * poly).to_affine();
    poly.zeroize();
    if bool::from(p.is_identity()) {
        return Err(Error::IdentityPoint);
    }
    Ok(Pseudonym(p))
}

/// PseudonymProofInit's points (draft §7.3.1 steps 1-5): the pseudonym
/// `OP * poly(nym_secrets)` and `Ut = OP * poly(nym_blindings)`, `nym_blindings` the `m~` of
/// the nym messages (one per nym). Constant time in the secrets and the blindings. Any
/// proof that hides the nym messages under the core's blindings can carry a pseudonym this
/// way: the challenge must cover `(pseudonym, Ut, context_id)`, and the verifier rebuilds
/// `Ut` with [`pseudonym_verify_init`].
pub(crate) fn pseudonym_init<C: Ciphersuite>(
    nym_secrets: &NymSecrets,
    nym_blindings: &[Scalar],
    context_id: &[u8],
    api_id: &[u8],
) -> Result<(Pseudonym, G1Affine), Error> {
    if nym_blindings.len() != nym_secrets.len() {
        return Err(Error::InvalidNymCount {
            nyms: nym_secrets.len(),
            committed: nym_blindings.len(),
        });
    }
    let (op, z) = context_base::<C>(context_id, api_id)?;
    let mut polys = [poly_eval(&nym_secrets.0, &z), poly_eval(nym_blindings, &z)];
    let op = G1Projective::from(op);
    let mut points = [G1Affine::identity(); 2];
    G1Projective::batch_normalize(&[op * polys[0], op * polys[1]], &mut points);
    polys.zeroize();
    if points.iter().any(|p| bool::from(p.is_identity())) {
        return Err(Error::IdentityPoint);
    }
    Ok((Pseudonym(points[0]), points[1]))
}

/// PseudonymProofVerifyInit (draft §7.3.2 steps 1-4): `Uv = OP * poly(nym_responses) -
/// pseudonym * challenge`, `nym_responses` the proof's `m^` of the nym messages. Variable
/// time: every input is public. The identity is refused.
pub(crate) fn pseudonym_verify_init<C: Ciphersuite>(
    pseudonym: &Pseudonym,
    nym_responses: &[Scalar],
    challenge: &Scalar,
    context_id: &[u8],
    api_id: &[u8],
) -> Result<G1Affine, Error> {
    let (op, z) = context_base::<C>(context_id, api_id)?;
    let poly = poly_eval(nym_responses, &z);
    let uv = crate::group::msm_vartime(&[op, pseudonym.0], &[poly, -challenge]).to_affine();
    if bool::from(uv.is_identity()) {
        return Err(Error::VerificationFailed);
    }
    Ok(uv)
}

/// CommitWithNym (draft §6.1.1) over scalars: Blind's CoreCommit over
/// `(committed..., prover_nyms...)`, with `M + N + 2` random scalars in the draft's order.
pub fn core_commit_with_nym<C: Ciphersuite>(
    committed: &[Scalar],
    prover_nyms: &ProverNyms,
    random: &[Scalar],
    api_id: &[u8],
) -> Result<(CommitmentWithProof, SecretProverBlind), Error> {
    let mut all = [committed, &prover_nyms.0 .0].concat();
    let result = core_commit::<C>(&all, random, api_id);
    all.zeroize();
    result
}

/// CommitWithNym (draft §6.1.1): a commitment to `committed_messages` and `prover_nyms`.
/// Send the commitment and `prover_nyms.len()` to the signer; keep the blind and the nyms.
///
/// # Security
/// `rng` must be a cryptographically secure generator; use a fresh commitment per issuance.
pub fn commit_with_nym<C: Ciphersuite>(
    committed_messages: &[&[u8]],
    prover_nyms: &ProverNyms,
    rng: &mut impl CryptoRng,
) -> Result<(CommitmentWithProof, SecretProverBlind), Error> {
    let api_id = api_id::<C>();
    let mut all = messages_to_scalars::<C>(committed_messages, &api_id)?;
    all.extend_from_slice(&prover_nyms.0 .0);
    let result = commit_scalars::<C>(&all, rng, &api_id);
    all.zeroize();
    result
}

/// BlindSignWithNym (draft §6.1.2) over signer message scalars: checks the commitment's
/// proof, then signs with `B = B + J_M * signer_nym_entropy` under
/// `header || I2OSP(length_nym_vector, 8)`. The commitment must hold at least
/// `length_nym_vector >= 1` scalars.
#[allow(clippy::too_many_arguments)]
pub fn core_blind_sign_with_nym<C: Ciphersuite>(
    sk: &SecretKey,
    pk: &PublicKey,
    commitment_with_proof: &CommitmentWithProof,
    length_nym_vector: usize,
    signer_nym_entropy: &SignerNymEntropy,
    header: &[u8],
    messages: &[Scalar],
    api_id: &[u8],
) -> Result<Signature, Error> {
    check_nym_count(length_nym_vector, commitment_with_proof.committed_count())?;
    finalize_blind_sign::<C>(
        sk,
        pk,
        Some(commitment_with_proof),
        &combined_header(header, length_nym_vector),
        messages,
        Some(&signer_nym_entropy.0),
        api_id,
    )
}

fn check_nym_count(nyms: usize, committed: usize) -> Result<(), Error> {
    if nyms == 0 || nyms > committed {
        return Err(Error::InvalidNymCount { nyms, committed });
    }
    Ok(())
}

/// BlindSignWithNym (draft §6.1.2). `length_nym_vector` comes from the prover with the
/// commitment; draw `signer_nym_entropy` fresh ([`SignerNymEntropy::random`]) and send it
/// back with the signature.
pub fn blind_sign_with_nym<C: Ciphersuite>(
    sk: &SecretKey,
    pk: &PublicKey,
    commitment_with_proof: &CommitmentWithProof,
    length_nym_vector: usize,
    signer_nym_entropy: &SignerNymEntropy,
    header: &[u8],
    messages: &[&[u8]],
) -> Result<Signature, Error> {
    let api_id = api_id::<C>();
    core_blind_sign_with_nym::<C>(
        sk,
        pk,
        commitment_with_proof,
        length_nym_vector,
        signer_nym_entropy,
        header,
        &messages_to_scalars::<C>(messages, &api_id)?,
        &api_id,
    )
}

/// The `nym_secrets` of VerifyFinalizeWithNym (draft §6.1.3 step 1): the prover's nyms
/// with `signer_nym_entropy` added to the last, without checking the signature (for a
/// caller that checks it anyway, as a presentation's prepared signature does).
pub(crate) fn finalize_nyms(
    prover_nyms: &ProverNyms,
    signer_nym_entropy: &SignerNymEntropy,
) -> NymSecrets {
    let mut secrets = prover_nyms.0.clone();
    if let Some(last) = secrets.0.last_mut() {
        *last += signer_nym_entropy.0;
    }
    secrets
}

/// VerifyFinalizeWithNym (draft §6.1.3) over scalars: the `nym_secrets` (the prover's nyms,
/// the last plus `signer_nym_entropy`), once the signature verifies over them (in constant
/// time).
#[allow(clippy::too_many_arguments)]
pub fn core_verify_finalize_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    messages: &[Scalar],
    committed: &[Scalar],
    prover_nyms: &ProverNyms,
    signer_nym_entropy: &SignerNymEntropy,
    secret_prover_blind: Option<&SecretProverBlind>,
    api_id: &[u8],
) -> Result<NymSecrets, Error> {
    let secrets = finalize_nyms(prover_nyms, signer_nym_entropy);
    let n = secrets.0.len();
    let mut all = [committed, &secrets.0].concat();
    let result = core_blind_verify::<C>(
        pk,
        signature,
        &combined_header(header, n),
        messages,
        &all,
        secret_prover_blind,
        api_id,
    );
    all.zeroize();
    result.map(|()| secrets)
}

/// VerifyFinalizeWithNym (draft §6.1.3): checks the signature and returns the
/// `nym_secrets` that every pseudonym of this credential is made of.
#[allow(clippy::too_many_arguments)]
pub fn verify_finalize_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    messages: &[&[u8]],
    committed_messages: &[&[u8]],
    prover_nyms: &ProverNyms,
    signer_nym_entropy: &SignerNymEntropy,
    secret_prover_blind: Option<&SecretProverBlind>,
) -> Result<NymSecrets, Error> {
    let api_id = api_id::<C>();
    let mut committed = messages_to_scalars::<C>(committed_messages, &api_id)?;
    let result = core_verify_finalize_with_nym::<C>(
        pk,
        signature,
        header,
        &messages_to_scalars::<C>(messages, &api_id)?,
        &committed,
        prover_nyms,
        signer_nym_entropy,
        secret_prover_blind,
        api_id.as_slice(),
    );
    committed.zeroize();
    result
}

/// ProofGenWithNym (draft §6.2) over scalars, with CoreProofGenWithNym (§7.1) and
/// PseudonymProofInit (§7.3.1): the core's ProofInit over
/// `(msg..., blind, committed..., nym_secrets...)` under `header || I2OSP(N, 8)`; then
/// `pseudonym = OP * poly(nym_secrets)` and `Ut = OP * poly(m~ of the nyms)`; the challenge
/// over the core's values, `(pseudonym, Ut)` and `context_id`; the core's ProofFinalize.
/// `random` holds `5 + U` scalars in the draft's order (the nyms are the last `N` hidden
/// messages).
#[allow(clippy::too_many_arguments)]
pub fn core_proof_gen_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    presentation_header: &[u8],
    nym_secrets: &NymSecrets,
    context_id: &[u8],
    messages: &[Scalar],
    committed: &[Scalar],
    disclosed_indexes: &[usize],
    disclosed_commitment_indexes: &[usize],
    secret_prover_blind: Option<&SecretProverBlind>,
    random: ProofRandomScalars,
    api_id: &[u8],
) -> Result<(Proof, Pseudonym), Error> {
    let n = nym_secrets.len();
    let indexes = combined_indexes(
        disclosed_indexes,
        messages.len(),
        disclosed_commitment_indexes,
        committed.len(),
    )?;
    let mut all = [committed, &nym_secrets.0].concat();
    let (generators, mut scalars) =
        prepare_parameters::<C>(messages, &all, secret_prover_blind, api_id)?;
    all.zeroize();
    let disclosed = check_indexes(&indexes, scalars.len())?;
    let undisclosed: Vec<usize> = (0..scalars.len())
        .filter(|i| disclosed.binary_search(i).is_err())
        .collect();
    let hidden = random.m_tilde.len();
    if hidden != undisclosed.len() || hidden < n {
        return Err(Error::RandomScalarCount {
            expected: 5 + undisclosed.len(),
            actual: 5 + hidden,
        });
    }
    // PseudonymProofInit (§7.3.1): the nyms are the last N hidden messages.
    let points = match pseudonym_init::<C>(
        nym_secrets,
        &random.m_tilde[hidden - n..],
        context_id,
        api_id,
    ) {
        Ok((pseudonym, ut)) => [pseudonym.0, ut],
        Err(e) => {
            scalars.zeroize();
            return Err(e);
        }
    };
    let init = proof_init::<C>(
        pk,
        signature,
        &generators,
        &combined_header(header, n),
        &scalars,
        &undisclosed,
        random,
        api_id,
    );
    let disclosed_scalars: Vec<Scalar> = disclosed.iter().map(|&i| scalars[i]).collect();
    scalars.zeroize();
    let init = init?;
    let challenge = proof_challenge_calculate_with::<C>(
        init.result(),
        &ChallengeExtension {
            points: &points,
            suffixes: &[context_id],
        },
        &disclosed,
        &disclosed_scalars,
        presentation_header,
        api_id,
    )?;
    Ok((init.finalize(&challenge)?, Pseudonym(points[0])))
}

/// ProofGenWithNym (draft §6.2): a fresh proof disclosing the chosen signer and committed
/// messages, with the credential's pseudonym in `context_id` (never disclosing the nym
/// secrets or the blind).
///
/// # Security
/// `rng` must be a cryptographically secure generator. Show `context_id` (verifier id and
/// context) to the holder before presenting: the pseudonym is constant within it.
#[allow(clippy::too_many_arguments)]
pub fn proof_gen_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    presentation_header: &[u8],
    nym_secrets: &NymSecrets,
    context_id: &[u8],
    messages: &[&[u8]],
    committed_messages: &[&[u8]],
    disclosed_indexes: &[usize],
    disclosed_commitment_indexes: &[usize],
    secret_prover_blind: Option<&SecretProverBlind>,
    rng: &mut impl CryptoRng,
) -> Result<(Proof, Pseudonym), Error> {
    let api_id = api_id::<C>();
    let scalars = messages_to_scalars::<C>(messages, &api_id)?;
    let mut committed = messages_to_scalars::<C>(committed_messages, &api_id)?;
    let hidden = hidden_count(
        messages.len() + 1 + committed.len() + nym_secrets.len(),
        disclosed_indexes.len() + disclosed_commitment_indexes.len(),
    );
    let result = core_proof_gen_with_nym::<C>(
        pk,
        signature,
        header,
        presentation_header,
        nym_secrets,
        context_id,
        &scalars,
        &committed,
        disclosed_indexes,
        disclosed_commitment_indexes,
        secret_prover_blind,
        ProofRandomScalars::random(rng, hidden),
        &api_id,
    );
    committed.zeroize();
    result
}

/// ProofVerifyWithNym (draft §6.3) over scalars, with CoreProofVerifyWithNym (§7.2) and
/// PseudonymProofVerifyInit (§7.3.2): the core's ProofVerifyInit under
/// `header || I2OSP(N, 8)`; `Uv = OP * poly(m^ of the nyms) - pseudonym * c`; the challenge
/// over the core's values, `(pseudonym, Uv)` and `context_id` must be the proof's; then the
/// core's pairing check. `l` is the number of signer messages, `length_nym_vector` the `N`
/// the credential was issued with.
#[allow(clippy::too_many_arguments)]
pub fn core_proof_verify_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    presentation_header: &[u8],
    pseudonym: &Pseudonym,
    context_id: &[u8],
    length_nym_vector: usize,
    l: usize,
    disclosed_messages: &[Scalar],
    disclosed_committed: &[Scalar],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
    api_id: &[u8],
) -> Result<(), Error> {
    let n = length_nym_vector;
    let hidden = proof.undisclosed_count();
    // The nyms are hidden, after the blind: at least N + 1 hidden messages.
    if n == 0 || hidden < n + 1 {
        return Err(Error::InvalidNymCount {
            nyms: n,
            committed: hidden.saturating_sub(1),
        });
    }
    let (generators, scalars, indexes) = verifier_parameters::<C>(
        proof,
        l,
        disclosed_messages,
        disclosed_committed,
        disclosed_indexes,
        disclosed_committed_indexes,
        api_id,
    )?;
    // The disclosed committed messages come before the N nyms.
    let committed_count = generators.message_count() - l - 1;
    if let Some(&max) = disclosed_committed_indexes.iter().max() {
        if max + n >= committed_count {
            return Err(Error::IndexOutOfRange {
                index: max,
                count: committed_count - n,
            });
        }
    }
    let (indexes, scalars) = sort_disclosed(&indexes, &scalars)?;
    let init = proof_verify_init::<C>(
        pk,
        proof,
        &generators,
        &combined_header(header, n),
        &scalars,
        &indexes,
        api_id,
    )?;
    let uv = pseudonym_verify_init::<C>(
        pseudonym,
        &proof.m_hat[hidden - n..],
        &proof.challenge,
        context_id,
        api_id,
    )?;
    let challenge = proof_challenge_calculate_with::<C>(
        &init,
        &ChallengeExtension {
            points: &[pseudonym.0, uv],
            suffixes: &[context_id],
        },
        &indexes,
        &scalars,
        presentation_header,
        api_id,
    )?;
    if challenge != proof.challenge {
        return Err(Error::VerificationFailed);
    }
    proof_pairing_check(pk, proof)
}

/// ProofVerifyWithNym (draft §6.3): `Ok(())` when `proof` is valid for the disclosed
/// messages and shows that `pseudonym` is the signed credential's pseudonym in `context_id`.
#[allow(clippy::too_many_arguments)]
pub fn proof_verify_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    presentation_header: &[u8],
    pseudonym: &Pseudonym,
    context_id: &[u8],
    length_nym_vector: usize,
    l: usize,
    disclosed_messages: &[&[u8]],
    disclosed_committed_messages: &[&[u8]],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
) -> Result<(), Error> {
    let api_id = api_id::<C>();
    core_proof_verify_with_nym::<C>(
        pk,
        proof,
        header,
        presentation_header,
        pseudonym,
        context_id,
        length_nym_vector,
        l,
        &messages_to_scalars::<C>(disclosed_messages, &api_id)?,
        &messages_to_scalars::<C>(disclosed_committed_messages, &api_id)?,
        disclosed_indexes,
        disclosed_committed_indexes,
        &api_id,
    )
}
