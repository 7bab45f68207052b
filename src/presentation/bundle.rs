//! The presentation bundle and how a holder makes one.

use rand_core::CryptoRng;
use zeroize::Zeroize;

use super::request::{CredentialRequest, PresentationRequest};
use super::Error;
use crate::bbs::{self, Generators, ProofRandomScalars};
use crate::credential::{self, with_suite, AttributeValue, Credential, CredentialType};

/// One presented credential: what the verifier learns and the proof of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentedCredential {
    /// The credential type.
    pub credential_type: CredentialType,
    /// The schema version it was signed under.
    pub schema_version: u8,
    /// The issuer's identifier.
    pub issuer: String,
    /// The disclosed attributes with their values, in the request's order.
    pub disclosed: Vec<(String, AttributeValue)>,
    /// The predicate sub-proofs, one per requested predicate (none in this version).
    pub predicate_proofs: Vec<Vec<u8>>,
    /// The BBS proof, as the draft's proof octets (decoded only when verified, so that a
    /// malformed proof is a rejection rather than unreadable input).
    pub proof: Vec<u8>,
}

/// A presentation: the answer to one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presentation {
    /// The nonce of the request it answers.
    pub nonce: [u8; 32],
    /// The digest of that request ([`PresentationRequest::digest`]).
    pub request_digest: [u8; 32],
    /// One entry per requested credential, in the request's order.
    pub credentials: Vec<PresentedCredential>,
}

/// The BBS presentation header of the `index`-th credential of a presentation:
///
/// ```text
/// ph = request_digest || I2OSP(index, 1) || predicate_binding
/// ```
///
/// `predicate_binding` is empty in this version; the predicate layer puts there a hash of
/// its sub-proofs' commitments and public parameters, so that the BBS proof's challenge
/// covers them.
pub fn presentation_header(
    request_digest: &[u8; 32],
    index: u8,
    predicate_binding: &[u8],
) -> Vec<u8> {
    [&request_digest[..], &[index], predicate_binding].concat()
}

/// Makes a presentation that answers `request` from the holder's `credentials` at `now`
/// (seconds since the Unix epoch): for each requested credential, the first credential of
/// that type from an accepted issuer, its requested attributes disclosed and everything
/// else hidden behind a fresh proof.
///
/// Refuses (with an error for which [`Error::is_rejection`] is true) an expired request,
/// a missing credential, an issuer the request does not accept, a credential whose
/// signature does not verify, and predicates (not available in this version; a false one
/// is reported as such).
///
/// # Security
/// `rng` must be a cryptographically secure generator: every presentation must use fresh
/// randomness, or two presentations become linkable and hidden values leak.
pub fn present(
    request: &PresentationRequest,
    credentials: &[Credential],
    now: i64,
    rng: &mut impl CryptoRng,
) -> Result<Presentation, Error> {
    request.check()?;
    if request.is_expired(now) {
        return Err(Error::RequestExpired {
            expires: credential::calendar::format_rfc3339_seconds(request.expires)
                .unwrap_or_default(),
        });
    }
    let digest = request.digest();
    let presented = request
        .credentials
        .iter()
        .enumerate()
        .map(|(index, asked)| {
            let credential = choose(asked, credentials)?;
            check_predicates(asked, credential)?;
            let disclosed_indexes = asked.disclosed_indexes()?;
            let ph = presentation_header(&digest, index as u8, &[]);
            let proof = generate_proof(credential, &ph, &disclosed_indexes, rng)?;
            Ok(PresentedCredential {
                credential_type: credential.credential_type(),
                schema_version: credential.schema().version,
                issuer: credential.issuer().id.clone(),
                disclosed: asked
                    .disclose
                    .iter()
                    .zip(&disclosed_indexes)
                    .map(|(n, &i)| (n.clone(), credential.values()[i].clone()))
                    .collect(),
                predicate_proofs: Vec::new(),
                proof,
            })
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Presentation {
        nonce: request.nonce,
        request_digest: digest,
        credentials: presented,
    })
}

/// The credential that answers `asked`: of its type, from an accepted issuer, with a valid
/// signature.
fn choose<'a>(
    asked: &CredentialRequest,
    credentials: &'a [Credential],
) -> Result<&'a Credential, Error> {
    let of_type: Vec<&Credential> = credentials
        .iter()
        .filter(|c| c.credential_type() == asked.credential_type)
        .collect();
    let first = of_type.first().ok_or(Error::NoCredential {
        credential_type: asked.credential_type,
    })?;
    let chosen = of_type
        .iter()
        .find(|c| asked.issuers.is_empty() || asked.issuers.contains(&c.issuer().id))
        .ok_or_else(|| Error::IssuerNotAccepted {
            issuer: first.issuer().id.clone(),
            credential_type: asked.credential_type,
        })?;
    chosen.verify()?;
    Ok(chosen)
}

/// Refuses false predicates by name; true ones cannot be proven in this version yet.
fn check_predicates(asked: &CredentialRequest, credential: &Credential) -> Result<(), Error> {
    for p in &asked.predicates {
        let holds = credential.value(&p.attribute).is_some_and(|v| p.holds(v));
        if !holds {
            return Err(Error::PredicateFalse {
                predicate: p.to_string(),
            });
        }
    }
    match asked.predicates.first() {
        Some(p) => Err(Error::PredicatesUnsupported {
            predicate: p.to_string(),
        }),
        None => Ok(()),
    }
}

/// The one place where presentations call the core's proof generation (CoreProofGen under
/// the credential interface's `api_id`), so that a prepared-signature prover can replace it.
fn generate_proof(
    credential: &Credential,
    presentation_header: &[u8],
    disclosed_indexes: &[usize],
    rng: &mut impl CryptoRng,
) -> Result<Vec<u8>, Error> {
    let issuer = credential.issuer();
    let header = credential.header();
    let proof = with_suite!(issuer.suite, C => {
        let api_id = credential::api_id::<C>();
        let mut scalars = credential::to_scalars::<C>(credential.values(), &api_id)
            .map_err(credential::Error::from)?;
        let undisclosed = scalars.len() - disclosed_indexes.len();
        let result = Generators::new::<C>(scalars.len(), &api_id).and_then(|generators| {
            bbs::core_proof_gen::<C>(
                &issuer.public_key,
                credential.signature(),
                &generators,
                &header,
                presentation_header,
                &scalars,
                disclosed_indexes,
                ProofRandomScalars::random(rng, undisclosed),
                &api_id,
            )
        });
        scalars.zeroize();
        result.map_err(credential::Error::from)?
    });
    Ok(proof.to_bytes())
}
