//! Verification of a presentation against the verifier's request and trust list.

use super::attribute::check_attribute;
use super::bundle::{
    predicate_statements, proof_context, proven_statements, Presentation, PresentedCredential,
};
use super::policy::{Branch, Policy};
use super::predicate::Predicate;
use super::request::{CredentialRequest, PresentationRequest};
use super::trust::TrustList;
use super::Error;
use crate::bbs::{Generators, Proof};
use crate::credential::{self, calendar, with_suite, AttributeValue, CredentialType, IssuerInfo};
use crate::zk::{self, LinkedProof, PredicateProof};

/// What a verifier learns from an accepted presentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedPresentation {
    /// One entry per requested credential, in the request's order.
    pub credentials: Vec<VerifiedCredential>,
}

/// One accepted credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedCredential {
    /// The issuer, as the trust list describes it.
    pub issuer: IssuerInfo,
    /// The credential type.
    pub credential_type: CredentialType,
    /// The schema version.
    pub schema_version: u8,
    /// The disclosed attributes and their signed values, in the request's order.
    pub disclosed: Vec<(String, AttributeValue)>,
    /// The statements that hold, with the request's absolute bounds: proven over hidden
    /// attributes, or checked on the disclosed values (see
    /// [`CredentialRequest::is_checked_in_clear`]). The validity statements are not listed:
    /// see `valid_at`.
    pub predicates: Vec<Predicate>,
    /// The statements over disclosed attributes among `predicates`, checked in the clear.
    pub checked_in_clear: Vec<bool>,
    /// The time (seconds since the Unix epoch) the credential is proven valid at: the
    /// request's `created` time (`valid_from <= valid_at <= valid_until`).
    pub valid_at: i64,
    /// The branch the presentation names (only when the policy reveals branches).
    pub branch: Option<Branch>,
}

/// Verifies `presentation` against `request` and `trust` at `now` (seconds since the Unix
/// epoch). The checks run in this order, each with its own error:
///
/// 1. it answers this request: the nonce ([`Error::AnswersAnotherRequest`]), the request
///    digest ([`Error::RequestDigestMismatch`]), not expired ([`Error::RequestExpired`]),
///    one credential per requested one ([`Error::CredentialCountMismatch`]);
/// 2. the issuer is in the trust list ([`Error::UntrustedIssuer`]) and accepted by the
///    request ([`Error::IssuerNotAccepted`]);
/// 3. the schema matches ([`Error::SchemaMismatch`]) and the issuer may issue it
///    ([`Error::IssuerMayNotIssue`]);
/// 4. the alternative: named by the branch when the policy reveals branches
///    ([`Error::BranchMismatch`]), by the type otherwise; exactly its attributes are
///    disclosed ([`Error::DisclosureMismatch`]), its statements over disclosed attributes
///    hold on the disclosed values ([`Error::DisclosedValueFails`]) and one predicate proof
///    comes per proven statement, the two validity statements first
///    ([`Error::PredicateMismatch`]);
/// 5. the BBS proof and every predicate proof verify, under one challenge
///    ([`Error::ProofInvalid`]): the credential is valid at the request's `created` time
///    and every statement over hidden attributes holds.
///
/// Steps 2 to 5 run for each credential in turn.
pub fn verify(
    request: &PresentationRequest,
    presentation: &Presentation,
    trust: &TrustList,
    now: i64,
) -> Result<VerifiedPresentation, Error> {
    request.check()?;
    if presentation.nonce != request.nonce {
        return Err(Error::AnswersAnotherRequest);
    }
    let digest = request.digest();
    if presentation.request_digest != digest {
        return Err(Error::RequestDigestMismatch);
    }
    if request.is_expired(now) {
        return Err(Error::RequestExpired {
            expires: calendar::format_rfc3339_seconds(request.expires).unwrap_or_default(),
        });
    }
    if presentation.credentials.len() != request.policies.len() {
        return Err(Error::CredentialCountMismatch {
            expected: request.policies.len(),
            actual: presentation.credentials.len(),
        });
    }
    let credentials = request
        .policies
        .iter()
        .zip(&presentation.credentials)
        .enumerate()
        .map(|(index, (policy, got))| verify_one(request, policy, got, trust, &digest, index as u8))
        .collect::<Result<_, _>>()?;
    Ok(VerifiedPresentation { credentials })
}

/// The alternative (with its branch chosen) that a presented credential claims to satisfy:
/// the one its branch names when the policy reveals branches, the one of its type
/// otherwise.
fn alternative(policy: &Policy, got: &PresentedCredential) -> Result<CredentialRequest, Error> {
    let mismatch = || Error::BranchMismatch {
        credential_type: got.credential_type,
    };
    let schema_mismatch = || Error::SchemaMismatch {
        expected: policy.alternatives[0].credential_type,
        found: got.credential_type,
        version: got.schema_version,
    };
    match (&got.branch, policy.reveal_branch) {
        (Some(b), true) => {
            let a = policy
                .alternatives
                .get(b.alternative)
                .ok_or_else(mismatch)?;
            if a.credential_type != got.credential_type {
                return Err(schema_mismatch());
            }
            a.resolve(&b.choices).map_err(|_| mismatch())
        }
        (None, false) => {
            if policy.needs_hidden_or() {
                return Err(Error::NotProvableYet {
                    predicate: format!("policy {}", policy.name),
                    reason: "a choice the credential type does not reveal needs the hidden OR composition",
                });
            }
            let i = policy
                .alternative_of_type(got.credential_type)
                .ok_or_else(schema_mismatch)?;
            policy.alternatives[i].resolve(&[])
        }
        _ => Err(mismatch()),
    }
}

fn verify_one(
    request: &PresentationRequest,
    policy: &Policy,
    got: &PresentedCredential,
    trust: &TrustList,
    digest: &[u8; 32],
    index: u8,
) -> Result<VerifiedCredential, Error> {
    let asked = &alternative(policy, got)?;
    // 2. The issuer.
    let issuer = trust
        .find(&got.issuer)
        .ok_or_else(|| Error::UntrustedIssuer {
            issuer: got.issuer.clone(),
        })?;
    if !asked.issuers.is_empty() && !asked.issuers.contains(&got.issuer) {
        return Err(Error::IssuerNotAccepted {
            issuer: got.issuer.clone(),
            credential_type: asked.credential_type,
        });
    }
    // 3. The schema.
    let schema = got
        .credential_type
        .schema_version(got.schema_version)
        .filter(|_| got.credential_type == asked.credential_type)
        .ok_or(Error::SchemaMismatch {
            expected: asked.credential_type,
            found: got.credential_type,
            version: got.schema_version,
        })?;
    if !issuer.may_issue(got.credential_type) {
        return Err(Error::IssuerMayNotIssue {
            issuer: got.issuer.clone(),
            credential_type: got.credential_type,
        });
    }
    // 4. Exactly the requested disclosures, values of the right types, and predicates.
    let names: Vec<&String> = got.disclosed.iter().map(|(n, _)| n).collect();
    let missing: Vec<String> = asked
        .disclose
        .iter()
        .filter(|n| !names.contains(n))
        .cloned()
        .collect();
    let mut unexpected: Vec<String> = names
        .iter()
        .filter(|n| !asked.disclose.contains(n))
        .map(|n| (*n).clone())
        .collect();
    if names.len() != asked.disclose.len() && missing.is_empty() && unexpected.is_empty() {
        // Same set, but a name is repeated.
        unexpected = names.iter().map(|n| (*n).clone()).collect();
    }
    if !missing.is_empty() || !unexpected.is_empty() {
        return Err(Error::DisclosureMismatch {
            credential_type: got.credential_type,
            missing,
            unexpected,
        });
    }
    // Each disclosed value reveals its message and, for a partial date, its companion.
    let mut indexes = Vec::with_capacity(got.disclosed.len() + 1);
    let mut values: Vec<(&AttributeValue, bool)> = Vec::with_capacity(got.disclosed.len() + 1);
    for (name, value) in &got.disclosed {
        let i = check_attribute(schema, name)?;
        value
            .check(schema.attributes[i].ty)
            .map_err(|source| Error::InvalidValue {
                name: name.clone(),
                source,
            })?;
        for (k, m) in schema.message_indexes(i).enumerate() {
            indexes.push(m);
            values.push((value, k == 1));
        }
    }
    // Statements over disclosed attributes, on the disclosed values.
    let disclosed_value = |n: &str| got.disclosed.iter().find(|(d, _)| d == n).map(|(_, v)| v);
    for p in asked
        .predicates
        .iter()
        .filter(|p| asked.is_checked_in_clear(p))
    {
        if !p.evaluate(disclosed_value) {
            return Err(Error::DisclosedValueFails {
                credential_type: got.credential_type,
                predicate: p.to_string(),
            });
        }
    }
    let (proven, _) = proven_statements(request, asked, schema)?;
    if got.predicate_proofs.len() != proven.len() {
        return Err(Error::PredicateMismatch {
            credential_type: got.credential_type,
            expected: proven.len(),
            actual: got.predicate_proofs.len(),
        });
    }
    // 5. The proofs: BBS and predicates, under one challenge.
    let context = proof_context(digest, index);
    let header = credential::header(schema, &issuer.id);
    let invalid = || Error::ProofInvalid {
        credential_type: got.credential_type,
    };
    let proof = Proof::from_bytes(&got.proof).map_err(|_| invalid())?;
    if proof.undisclosed_count() + indexes.len() != schema.message_count() {
        return Err(invalid());
    }
    let checked: Result<(), Error> = with_suite!(issuer.suite, C => {
        let api_id = credential::api_id::<C>();
        let (statements, counts) = predicate_statements::<C>(&proven, schema)?;
        let mut predicates = Vec::with_capacity(statements.len());
        let mut next = 0;
        for (bytes, &n) in got.predicate_proofs.iter().zip(&counts) {
            let k = statements[next].digit_count;
            let each = PredicateProof::encoded_len(k);
            if bytes.len() != n * each {
                return Err(invalid());
            }
            for chunk in bytes.chunks(each) {
                predicates.push(PredicateProof::from_bytes(chunk, k).map_err(|_| invalid())?);
            }
            next += n;
        }
        let linked = LinkedProof { bbs: proof, predicates };
        values
            .iter()
            .map(|&(v, companion)| match companion {
                false => v.to_scalar::<C>(&api_id),
                true => v.companion_scalar().ok_or(crate::bbs::Error::VerificationFailed),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(zk::Error::from)
            .and_then(|scalars| {
                let generators = Generators::new::<C>(schema.message_count(), &api_id)?;
                zk::verify::<C>(&issuer.public_key, &linked, &generators, &header, &scalars,
                    &indexes, &statements, &context, &api_id, &mut rand::rng())
            })
            .map_err(|_| invalid())
    });
    checked?;
    Ok(VerifiedCredential {
        issuer: issuer.clone(),
        credential_type: got.credential_type,
        schema_version: got.schema_version,
        disclosed: got.disclosed.clone(),
        checked_in_clear: asked
            .predicates
            .iter()
            .map(|p| asked.is_checked_in_clear(p))
            .collect(),
        predicates: asked.predicates.clone(),
        valid_at: request.created,
        branch: got.branch.clone(),
    })
}
