//! Holder-bound credentials: the holder's secret reaches the issuer only inside a
//! commitment (`draft-irtf-cfrg-bbs-blind-signatures`, with the pseudonym extension of
//! `draft-irtf-cfrg-bbs-per-verifier-linkability`), so that only its holder can present the
//! credential. `docs/protocol.md` ("Holder binding") describes the protocol.
//!
//! 1. The holder makes a [`Holder`] once, and for every issuance a fresh commitment
//!    ([`Holder::commit`]): per ciphersuite, CommitWithNym over the committed messages
//!    `(holder_secret, prover_nym)`. It sends the public [`HolderCommitment`] to the issuer
//!    and keeps the [`CommitmentSecrets`] (the blind and the nym) in its own folder.
//! 2. The issuer checks the commitment's proof and signs with BlindSignWithNym
//!    ([`IssuerKey::issue_bound_at`](super::IssuerKey::issue_bound_at)): the signed
//!    messages are the schema's (the `holder_secret` slot signed as `0`), then the blind,
//!    the holder secret and the nym secret, under the header `header || I2OSP(1, 8)`. The
//!    credential carries a [`Binding`]: the commitment's digest and the signer's nym entropy.
//! 3. The holder checks the signature ([`Holder::accept`], VerifyFinalizeWithNym). To
//!    present, it needs the credential, its [`Holder`] and the commitment's secrets
//!    ([`HolderKeys`]); the credential file alone proves nothing.

use core::fmt;

use bls12_381::Scalar;
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, Zeroizing};

use super::attribute::HolderSecret;
use super::issuer::{to_scalars, Credential};
use super::json::{b64_decode, b64_encode, check_format, invalid, parse, pretty};
use super::{api_id, with_suite, Error, Suite};
use crate::bbs::blind::{CommitmentWithProof, SecretProverBlind};
use crate::bbs::nym::{self, NymSecrets, ProverNyms, SignerNymEntropy};
use crate::bbs::{self, Ciphersuite};

/// Format tag of the holder's secret file (`holder.secret.json`).
pub const HOLDER_FORMAT: &str = "healthpass-holder/1";
/// Format tag of a commitment file (what the holder gives the issuer).
pub const COMMITMENT_FORMAT: &str = "healthpass-commitment/1";
/// Format tag of the secrets of one commitment (kept in the holder's folder).
pub const COMMITMENT_SECRETS_FORMAT: &str = "healthpass-commitment-secrets/1";

/// The nym secrets of a bound credential: one (a pseudonym is `OP * nym`).
pub const NYM_COUNT: usize = 1;

/// The committed messages of a bound credential: the holder secret, then the nym.
pub const COMMITTED_COUNT: usize = 1 + NYM_COUNT;

/// The extra signed messages of a bound credential after the schema's `L`: the blind, the
/// holder secret, the nym secret (at `L`, `L + 1`, `L + 2`).
pub const BOUND_EXTRA_MESSAGES: usize = 1 + COMMITTED_COUNT;

/// The holder: its secret, which every credential bound to it signs. Zeroized on drop,
/// compared in constant time, `Debug` prints nothing of it.
#[derive(Clone)]
pub struct Holder {
    secret: HolderSecret,
}

impl fmt::Debug for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Holder(<redacted>)")
    }
}

impl PartialEq for Holder {
    fn eq(&self, other: &Self) -> bool {
        self.scalar().ct_eq(&other.scalar()).into()
    }
}

impl Eq for Holder {}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolderFile {
    format: String,
    holder_secret: String,
}

impl Drop for HolderFile {
    fn drop(&mut self) {
        self.holder_secret.zeroize();
    }
}

impl Holder {
    /// A fresh holder secret.
    ///
    /// # Security
    /// `rng` must be a cryptographically secure generator.
    pub fn generate(rng: &mut impl CryptoRng) -> Self {
        Holder {
            secret: HolderSecret::random(rng),
        }
    }

    /// The secret as a message scalar.
    pub(crate) fn scalar(&self) -> Scalar {
        self.secret.scalar()
    }

    /// The holder's secret file: `{"format": "healthpass-holder/1", "holder_secret": B64}`.
    ///
    /// # Security
    /// The string holds the secret: write it with mode 0600 and zeroize it when done.
    pub fn to_json(&self) -> String {
        let bytes = self.secret.to_bytes();
        pretty(&HolderFile {
            format: HOLDER_FORMAT.to_owned(),
            holder_secret: b64_encode(&*bytes),
        })
    }

    /// Reads the holder's secret file.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "holder file";
        let file: HolderFile = parse(WHAT, text)?;
        check_format(WHAT, HOLDER_FORMAT, &file.format)?;
        let bytes = Zeroizing::new(
            b64_decode(&file.holder_secret)
                .map_err(|_| invalid(WHAT, "holder_secret", "is not unpadded base64url"))?,
        );
        let secret = HolderSecret::from_bytes(&bytes).ok_or_else(|| {
            invalid(
                WHAT,
                "holder_secret",
                "is not 32 bytes of a non-zero scalar",
            )
        })?;
        Ok(Holder { secret })
    }

    /// A fresh commitment to the holder secret and a fresh nym, one per ciphersuite (the
    /// issuer uses the one of its suite): CommitWithNym (per-verifier-linkability §6.1.1)
    /// under the credential interface's `api_id`. Give the [`HolderCommitment`] to the
    /// issuer; keep the [`CommitmentSecrets`].
    ///
    /// # Security
    /// `rng` must be a cryptographically secure generator. Use a fresh commitment for every
    /// issuance: the issuer sees it, so reusing one would link issuances (issuers refuse a
    /// commitment they signed before).
    pub fn commit(
        &self,
        rng: &mut impl CryptoRng,
    ) -> Result<(HolderCommitment, Vec<CommitmentSecrets>), Error> {
        let mut commitments = Vec::with_capacity(Suite::ALL.len());
        let mut secrets = Vec::with_capacity(Suite::ALL.len());
        for suite in Suite::ALL {
            let nyms = ProverNyms::random(rng, NYM_COUNT);
            let (commitment, blind) = with_suite!(suite, C => {
                let mut random = bbs::calculate_random_scalars(rng, COMMITTED_COUNT + 2);
                let result = nym::core_commit_with_nym::<C>(
                    &[self.scalar()], &nyms, &random, &api_id::<C>());
                random.zeroize();
                result?
            });
            secrets.push(CommitmentSecrets {
                suite,
                digest: commitment_digest(&commitment),
                blind,
                nyms,
            });
            commitments.push((suite, commitment));
        }
        Ok((HolderCommitment { commitments }, secrets))
    }

    /// Checks a bound credential's signature with this holder's secret and the commitment's
    /// secrets (VerifyFinalizeWithNym, per-verifier-linkability §6.1.3) and returns what a
    /// presentation needs. Fails with [`Error::NotBoundToHolder`] when `secrets` are not
    /// those of the credential's commitment, [`Error::SignatureInvalid`] when the signature
    /// does not verify (another holder's credential, or an altered one).
    pub fn accept(
        &self,
        credential: &Credential,
        secrets: &CommitmentSecrets,
    ) -> Result<BoundSecrets, Error> {
        let binding = credential.binding().ok_or(Error::NotHolderBound)?;
        let suite = credential.issuer().suite;
        if !bool::from(binding.commitment.ct_eq(&secrets.digest)) || secrets.suite != suite {
            return Err(Error::NotBoundToHolder);
        }
        let header = credential.header();
        let nym = with_suite!(suite, C => {
            let api_id = api_id::<C>();
            let scalars = to_scalars::<C>(credential.values(), &api_id)?;
            nym::core_verify_finalize_with_nym::<C>(
                &credential.issuer().public_key,
                credential.signature(),
                &header,
                &scalars,
                &[self.scalar()],
                &secrets.nyms,
                &binding.nym_entropy,
                Some(&secrets.blind),
                &api_id,
            )
        })
        .map_err(|e| match e {
            bbs::Error::VerificationFailed => Error::SignatureInvalid,
            other => Error::Bbs(other),
        })?;
        Ok(BoundSecrets {
            holder_secret: self.scalar(),
            blind: secrets.blind.clone(),
            nym,
        })
    }
}

/// SHA-256 of a commitment's octets: how the credential, the holder's folder and the
/// issuer's record name it.
pub fn commitment_digest(commitment: &CommitmentWithProof) -> [u8; 32] {
    Sha256::digest(commitment.to_bytes()).into()
}

/// What the holder gives the issuer: one commitment with proof per ciphersuite, each over
/// `(holder_secret, nym)`. Public: it hides both perfectly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolderCommitment {
    commitments: Vec<(Suite, CommitmentWithProof)>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CommitmentFile {
    format: String,
    commitments: std::collections::BTreeMap<String, String>,
}

impl HolderCommitment {
    /// The commitment for `suite`, checked to commit to [`COMMITTED_COUNT`] messages.
    pub fn for_suite(&self, suite: Suite) -> Result<&CommitmentWithProof, Error> {
        let c = self
            .commitments
            .iter()
            .find(|(s, _)| *s == suite)
            .map(|(_, c)| c)
            .ok_or_else(|| {
                invalid(
                    "commitment file",
                    "commitments",
                    "has no commitment for the issuer's ciphersuite",
                )
            })?;
        if c.committed_count() != COMMITTED_COUNT {
            return Err(Error::from(invalid(
                "commitment file",
                "commitments",
                "does not commit to a holder secret and one nym",
            )));
        }
        Ok(c)
    }

    /// The commitment file: `{"format": "healthpass-commitment/1", "commitments": {SUITE:
    /// B64}}`, each value the draft's `commitment_with_proof` octets.
    pub fn to_json(&self) -> String {
        pretty(&CommitmentFile {
            format: COMMITMENT_FORMAT.to_owned(),
            commitments: self
                .commitments
                .iter()
                .map(|(s, c)| (s.name().to_owned(), b64_encode(&c.to_bytes())))
                .collect(),
        })
    }

    /// Reads a commitment file: known suites only, each at most once, every commitment
    /// decoded (`octets_to_commitment_with_proof`); the proofs are checked when signing.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "commitment file";
        let file: CommitmentFile = parse(WHAT, text)?;
        check_format(WHAT, COMMITMENT_FORMAT, &file.format)?;
        if file.commitments.is_empty() {
            return Err(Error::from(invalid(WHAT, "commitments", "is empty")));
        }
        let commitments = file
            .commitments
            .iter()
            .map(|(s, c)| {
                let suite: Suite = s
                    .parse()
                    .map_err(|_| invalid(WHAT, "commitments", "names an unknown ciphersuite"))?;
                let bytes = b64_decode(c)
                    .map_err(|_| invalid(WHAT, "commitments", "is not unpadded base64url"))?;
                let c = CommitmentWithProof::from_bytes(&bytes).map_err(|source| {
                    Error::InvalidEncoding {
                        what: WHAT,
                        field: "commitments",
                        source,
                    }
                })?;
                Ok((suite, c))
            })
            .collect::<Result<_, Error>>()?;
        Ok(HolderCommitment { commitments })
    }
}

/// The holder's secrets of one commitment for one ciphersuite: the blind and the prover
/// nym. Kept in the holder's folder; zeroized on drop, `Debug` shows only the digest.
#[derive(Clone)]
pub struct CommitmentSecrets {
    suite: Suite,
    digest: [u8; 32],
    blind: SecretProverBlind,
    nyms: ProverNyms,
}

impl fmt::Debug for CommitmentSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommitmentSecrets")
            .field("suite", &self.suite)
            .field("digest", &crate::presentation::hex(&self.digest))
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretsFile {
    format: String,
    ciphersuite: String,
    commitment: String,
    blind: String,
    nyms: String,
}

impl Drop for SecretsFile {
    fn drop(&mut self) {
        self.blind.zeroize();
        self.nyms.zeroize();
    }
}

impl CommitmentSecrets {
    /// The digest of the commitment they belong to ([`commitment_digest`]).
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// The ciphersuite of the commitment.
    pub fn suite(&self) -> Suite {
        self.suite
    }

    /// The secrets file (`healthpass-commitment-secrets/1`).
    ///
    /// # Security
    /// The string holds the blind and the nym: write it with mode 0600.
    pub fn to_json(&self) -> String {
        let (blind, nyms) = (self.blind.to_bytes(), self.nyms.to_bytes());
        pretty(&SecretsFile {
            format: COMMITMENT_SECRETS_FORMAT.to_owned(),
            ciphersuite: self.suite.name().to_owned(),
            commitment: b64_encode(&self.digest),
            blind: b64_encode(&*blind),
            nyms: b64_encode(&nyms),
        })
    }

    /// Reads a secrets file.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "commitment secrets file";
        let file: SecretsFile = parse(WHAT, text)?;
        check_format(WHAT, COMMITMENT_SECRETS_FORMAT, &file.format)?;
        let suite: Suite = file
            .ciphersuite
            .parse()
            .map_err(|_| invalid(WHAT, "ciphersuite", "is not a known ciphersuite"))?;
        let digest: [u8; 32] = b64_decode(&file.commitment)
            .ok()
            .and_then(|d| d.try_into().ok())
            .ok_or_else(|| invalid(WHAT, "commitment", "is not 32 bytes of base64url"))?;
        let field = |name: &'static str, text: &str| {
            b64_decode(text)
                .map(Zeroizing::new)
                .map_err(|_| invalid(WHAT, name, "is not unpadded base64url"))
        };
        let decode = |name: &'static str| {
            move |source| Error::InvalidEncoding {
                what: WHAT,
                field: name,
                source,
            }
        };
        let blind = SecretProverBlind::from_bytes(&field("blind", &file.blind)?)
            .map_err(decode("blind"))?;
        let nyms = ProverNyms::from_bytes(&field("nyms", &file.nyms)?).map_err(decode("nyms"))?;
        if nyms.len() != NYM_COUNT {
            return Err(Error::from(invalid(WHAT, "nyms", "must hold one nym")));
        }
        Ok(CommitmentSecrets {
            suite,
            digest,
            blind,
            nyms,
        })
    }
}

/// What a bound credential carries about its binding (public): the digest of the
/// commitment it was signed over and the issuer's `signer_nym_entropy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// [`commitment_digest`] of the commitment the issuer signed.
    pub commitment: [u8; 32],
    /// The signer's nym entropy (per-verifier-linkability §6.1.2).
    pub nym_entropy: SignerNymEntropy,
}

/// What presenting a bound credential takes beyond the credential: the holder secret, the
/// blind and the finalized nym secrets. Zeroized on drop, `Debug` prints nothing.
#[derive(Clone)]
pub struct BoundSecrets {
    pub(crate) holder_secret: Scalar,
    pub(crate) blind: SecretProverBlind,
    pub(crate) nym: NymSecrets,
}

impl Drop for BoundSecrets {
    fn drop(&mut self) {
        self.holder_secret.zeroize();
    }
}

impl fmt::Debug for BoundSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BoundSecrets(<redacted>)")
    }
}

impl BoundSecrets {
    /// The extra message scalars of a bound credential, after the schema's: the blind, the
    /// holder secret, the nym secret ([`BOUND_EXTRA_MESSAGES`]), wiped when dropped.
    pub(crate) fn messages(&self) -> Zeroizing<Vec<Scalar>> {
        let mut out = Zeroizing::new(Vec::with_capacity(BOUND_EXTRA_MESSAGES));
        out.push(self.blind.0);
        out.push(self.holder_secret);
        out.extend_from_slice(self.nym.scalars());
        out
    }
}

/// A holder with the secrets of its commitments: what `present` needs for bound
/// credentials.
#[derive(Clone, Debug)]
pub struct HolderKeys {
    holder: Holder,
    secrets: Vec<CommitmentSecrets>,
}

impl HolderKeys {
    /// The holder and the secrets of the commitments it made (accepted ones, typically).
    pub fn new(holder: Holder, secrets: Vec<CommitmentSecrets>) -> Self {
        HolderKeys { holder, secrets }
    }

    /// The holder.
    pub fn holder(&self) -> &Holder {
        &self.holder
    }

    /// The secrets a presentation of `credential` needs: [`Error::NotBoundToHolder`] when
    /// this holder has no secrets for the credential's commitment (another holder's
    /// credential, or one not accepted). The signature is not checked here: a presentation
    /// checks it when it prepares the credential (in constant time, once), and a credential
    /// that does not verify with these secrets is refused there.
    pub fn bound_secrets(&self, credential: &Credential) -> Result<BoundSecrets, Error> {
        let binding = credential.binding().ok_or(Error::NotHolderBound)?;
        let secrets = self
            .secrets
            .iter()
            .find(|s| {
                bool::from(s.digest.ct_eq(&binding.commitment))
                    && s.suite == credential.issuer().suite
            })
            .ok_or(Error::NotBoundToHolder)?;
        Ok(BoundSecrets {
            holder_secret: self.holder.scalar(),
            blind: secrets.blind.clone(),
            nym: nym::finalize_nyms(&secrets.nyms, &binding.nym_entropy),
        })
    }
}

/// The message count and generators' shape of a credential: `(L, blind generators)` where
/// `L` is the schema's message count, and the blind generators `(Q_2, J_1, J_2)` when bound.
pub(crate) fn bound_generators<C: Ciphersuite>(
    l: usize,
    bound: bool,
    api_id: &[u8],
) -> Result<bbs::Generators, bbs::Error> {
    if bound {
        bbs::Generators::with_blind::<C>(l, BOUND_EXTRA_MESSAGES, api_id)
    } else {
        bbs::Generators::new::<C>(l, api_id)
    }
}

/// The BBS header a credential's proofs use: the credential header, and for a bound
/// credential `|| I2OSP(1, 8)` (the pseudonym extension's, §6.1.2 step 9).
pub(crate) fn proof_header(header: &[u8], bound: bool) -> Vec<u8> {
    if bound {
        nym::combined_header(header, NYM_COUNT)
    } else {
        header.to_vec()
    }
}
