//! The presentation bundle and how a holder makes one.

use rand_core::CryptoRng;
use zeroize::Zeroize;

use super::attribute::check_attribute;
use super::params::{self, Span};
use super::request::{CredentialRequest, PresentationRequest};
use super::Error;
use crate::bbs::{self, Ciphersuite, PreparedSignature};
use crate::credential::{self, with_suite, AttributeValue, Credential, CredentialType, Schema};
use crate::zk::{self, PredicateStatement};

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
    /// The predicate sub-proofs, one per requested predicate (a range's two bounds are one
    /// entry, their proofs concatenated).
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

/// The context that binds the `index`-th credential of a presentation to its request:
///
/// ```text
/// context = request_digest || I2OSP(index, 1)
/// ```
///
/// The BBS presentation header is the predicate transcript over this context
/// (`docs/notes/predicates.md`): the context, then every predicate's public parameters and
/// commitments (none when the request asks for no predicate), so the one BBS challenge
/// covers the request (nonce included) and every sub-proof.
pub fn proof_context(request_digest: &[u8; 32], index: u8) -> Vec<u8> {
    [&request_digest[..], &[index]].concat()
}

/// Makes a presentation that answers `request` from the holder's `credentials` at `now`
/// (seconds since the Unix epoch): for each requested credential, the first credential of
/// that type from an accepted issuer, its requested attributes disclosed and everything
/// else hidden behind a fresh proof.
///
/// Refuses (with an error for which [`Error::is_rejection`] is true) an expired request,
/// a missing credential, an issuer the request does not accept, a credential whose
/// signature does not verify, predicate parameters whose signatures do not verify, a
/// predicate the credential does not satisfy, and a true predicate whose difference from
/// its bound exceeds the request's span. Each predicate is proven over its hidden
/// attribute, under the same challenge as the BBS proof.
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
            let schema = credential.schema();
            let disclosed_indexes = asked.disclosed_indexes(schema)?;
            let messages = asked.disclosed_messages(schema)?;
            let context = proof_context(&digest, index as u8);
            let (proof, predicate_proofs) =
                generate_proof(credential, asked, &context, &messages, rng)?;
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
                predicate_proofs,
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

/// The credential that answers `asked`: of its type, from an accepted issuer.
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
    // The signature is checked when the credential is prepared for proving.
    Ok(chosen)
}

/// Refuses false predicates by name, before any cryptography.
fn check_predicates(asked: &CredentialRequest, credential: &Credential) -> Result<(), Error> {
    for p in &asked.predicates {
        let holds = credential.value(&p.attribute).is_some_and(|v| p.holds(v));
        if !holds {
            return Err(Error::PredicateFalse {
                predicate: p.to_string(),
            });
        }
    }
    Ok(())
}

/// The `zk` statements of every requested predicate over a credential of `schema` (the
/// presented one, which fixes the message indexes), under suite `C`, and how many
/// statements each predicate has (two for a range, one otherwise).
pub(crate) fn predicate_statements<C: Ciphersuite>(
    asked: &CredentialRequest,
    schema: &Schema,
) -> Result<(Vec<PredicateStatement>, Vec<usize>), Error> {
    let mut statements = Vec::new();
    let mut counts = Vec::with_capacity(asked.predicates.len());
    for p in &asked.predicates {
        let st = super::predicate::statements::<C>(p, p.params()?, p.message_indexes(schema)?)?;
        counts.push(st.len());
        statements.extend(st);
    }
    Ok((statements, counts))
}

/// The predicate a statement belongs to.
fn predicate_of(counts: &[usize], statement: usize) -> usize {
    let mut end = 0;
    counts
        .iter()
        .position(|c| {
            end += c;
            statement < end
        })
        .unwrap_or(0)
}

/// Checks a parameter set's signatures once per process: the digests of sets that passed
/// are remembered ([`params::remember_checked`]), so a long-lived set reused by many
/// requests, or one a parameter store already checked, is not checked again.
fn check_params_once(
    params: &params::PredicateParams,
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    if !params::was_checked(&params.digest) {
        params
            .set()?
            .check(rng)
            .map_err(|_| Error::PredicateParamsRejected {
                predicate: String::new(),
            })?;
        params::remember_checked(params.digest);
    }
    Ok(())
}

/// A refusal of the prover, named after the requested predicate it concerns.
fn prove_error(asked: &CredentialRequest, counts: &[usize], e: zk::Error) -> Error {
    let predicate = |statement| &asked.predicates[predicate_of(counts, statement)];
    match e {
        zk::Error::NotSatisfied { predicate: i } => Error::PredicateFalse {
            predicate: predicate(i).to_string(),
        },
        zk::Error::OutOfSpan { predicate: i } => {
            let p = predicate(i);
            Error::PredicateOutOfSpan {
                predicate: p.to_string(),
                max: p
                    .params
                    .as_ref()
                    .and_then(|x| x.span())
                    .map_or(0, |s| s.max_difference()),
            }
        }
        zk::Error::Bbs(e) => Error::from(credential::Error::from(e)),
        other => Error::Predicate(other),
    }
}

/// The one place where presentations make proofs: the BBS proof (CoreProofGen under the
/// credential interface's `api_id`) and the predicate sub-proofs that share its challenge
/// (`zk::prove`). Returns the BBS proof octets and one byte string per predicate (its
/// statements' proofs, concatenated).
fn generate_proof(
    credential: &Credential,
    asked: &CredentialRequest,
    context: &[u8],
    disclosed_messages: &[usize],
    rng: &mut impl CryptoRng,
) -> Result<(Vec<u8>, Vec<Vec<u8>>), Error> {
    // The holder checks the verifier's parameters before proving anything against them: a
    // span narrower than the type's default would make a one-sided bound two-sided (a proof
    // shows `0 <= s * (m - a) < base^digits`), and forged signatures would reveal the digits.
    let schema = asked.schema();
    for p in &asked.predicates {
        let params = p.params()?;
        p.accepts_set(params.set()?)?;
        if let Some(span) = params.span() {
            let ty = schema.attributes[check_attribute(schema, &p.attribute)?].ty;
            let minimum = Span::default_for(ty).map_or(u64::MAX, Span::max_difference);
            let max = span.max_difference();
            if max < minimum {
                return Err(Error::PredicateSpanTooNarrow {
                    predicate: p.to_string(),
                    max,
                    minimum,
                });
            }
        }
        check_params_once(params, rng).map_err(|e| match e {
            Error::PredicateParamsRejected { .. } => Error::PredicateParamsRejected {
                predicate: p.to_string(),
            },
            other => other,
        })?;
    }
    let issuer = credential.issuer();
    let header = credential.header();
    with_suite!(issuer.suite, C => {
        let (statements, counts) = predicate_statements::<C>(asked, credential.schema())?;
        let api_id = credential::api_id::<C>();
        let mut scalars = credential::to_scalars::<C>(credential.values(), &api_id)
            .map_err(credential::Error::from)?;
        // The prepared credential checks the signature once and keeps what is fixed for it
        // (message scalars, domain, B, tables for A and B); each presentation then does only
        // the work that must be fresh.
        let prepared = PreparedSignature::<C>::from_scalars(
            &issuer.public_key,
            credential.signature(),
            &header,
            &scalars,
            &api_id,
        )
        .map_err(|e| match e {
            bbs::Error::VerificationFailed => Error::CredentialInvalid,
            other => Error::from(credential::Error::from(other)),
        });
        let result = prepared.and_then(|prepared| {
            zk::prove::<C>(&prepared, disclosed_messages, &statements, context, rng)
                .map_err(|e| prove_error(asked, &counts, e))
        });
        scalars.zeroize();
        let linked = result?;
        let mut proofs = linked.predicates.iter();
        let predicate_proofs = counts
            .iter()
            .map(|&n| proofs.by_ref().take(n).flat_map(|p| p.to_bytes()).collect())
            .collect();
        Ok((linked.bbs.to_bytes(), predicate_proofs))
    })
}
