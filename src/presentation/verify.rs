//! Verification of a presentation against the verifier's request and trust list.

use super::attribute::check_attribute;
use super::batch::ProofChecks;
use super::bundle::{proof_context, Presentation, PresentedCredential};
use super::formula::{self, ProvenFormula};
use super::policy::{Branch, Policy};
use super::predicate::Predicate;
use super::request::{CredentialRequest, PresentationRequest};
use super::trust::TrustList;
use super::Error;
use crate::bbs::nym::Pseudonym;
use crate::bbs::{G1Affine, Proof};
use crate::credential::holder;
use crate::credential::{self, calendar, with_suite, AttributeValue, CredentialType, IssuerInfo};
use crate::zk::{self, FormulaProof, LinkedFormulaProof};

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
    /// Whether the credential's presentation profile was presented.
    pub profile: bool,
    /// The disclosed attributes and their signed values, in the request's order.
    pub disclosed: Vec<(String, AttributeValue)>,
    /// The statements that hold whichever branch does, with the request's absolute bounds:
    /// proven over hidden attributes, or checked on the disclosed values (see
    /// [`CredentialRequest::is_checked_in_clear`]); empty when the credential is held to
    /// several alternatives of its type. The validity statements are not listed: see
    /// `valid_at`; `proven` lists everything.
    pub predicates: Vec<Predicate>,
    /// The statements over disclosed attributes among `predicates`, checked in the clear.
    pub checked_in_clear: Vec<bool>,
    /// Everything the presentation proves, for people: the validity at `valid_at`, then
    /// the statements as the policy writes them (an `any_of` whose branch stays hidden as
    /// `any_of(...)`; several alternatives of the type as one `any_of`).
    pub proven: Vec<String>,
    /// The time (seconds since the Unix epoch) the credential is proven valid at: the
    /// request's `created` time (`valid_from <= valid_at <= valid_until`).
    pub valid_at: i64,
    /// The branch the presentation names (only when the policy reveals branches).
    pub branch: Option<Branch>,
    /// Whether the credential is holder-bound: presented with its holder's secret, which
    /// every bound credential of the presentation is proven to share.
    pub holder_bound: bool,
    /// The credential's pseudonym in the policy's context, when the policy asks for one.
    pub pseudonym: Option<Pseudonym>,
}

/// Verifies `presentation` against `request` and `trust` at `now` (seconds since the Unix
/// epoch). The checks run in this order, each with its own error:
///
/// 1. the request is well formed ([`PresentationRequest::check`]);
/// 2. the presentation answers it: the nonce ([`Error::AnswersAnotherRequest`]), the
///    request digest ([`Error::RequestDigestMismatch`]), not expired
///    ([`Error::RequestExpired`]), one credential per policy
///    ([`Error::CredentialCountMismatch`]);
/// 3. the alternatives the credential is held to: the one its branch names when the policy
///    reveals branches ([`Error::BranchMismatch`] without a valid branch, or with one when the
///    policy does not reveal branches), every alternative of the presented type otherwise
///    ([`Error::SchemaMismatch`] when there is none);
/// 4. the issuer is in the trust list ([`Error::UntrustedIssuer`]) with the key the
///    presentation names ([`Error::UnknownKey`]; a presentation that names no key is
///    checked with the issuer's key without a key identifier), and accepted by the
///    alternative ([`Error::IssuerNotAccepted`]);
/// 5. the schema version is known ([`Error::SchemaMismatch`]) and the issuer may issue the
///    type ([`Error::IssuerMayNotIssue`]);
/// 6. exactly the alternative's attributes are disclosed ([`Error::DisclosureMismatch`]),
///    each value of its attribute's type ([`Error::InvalidValue`]);
/// 7. the proofs: the BBS proof decodes ([`Error::ProofInvalid`]); the formula is built from
///    the request and the disclosed values, the statements over disclosed attributes
///    evaluated on them ([`Error::DisclosedValueFails`] when nothing can hold); the formula
///    proof has that formula's length ([`Error::PredicateMismatch`]); the BBS proof and the
///    formula proof verify under one challenge ([`Error::ProofInvalid`]): the credential is
///    valid at the request's `created` time and the policy's statements over hidden
///    attributes hold.
///
/// Steps 3 to 7 run for each credential in turn.
pub fn verify(
    request: &PresentationRequest,
    presentation: &Presentation,
    trust: &TrustList,
    now: i64,
) -> Result<VerifiedPresentation, Error> {
    verify_with(request, presentation, trust, now, &mut ProofChecks::Now)
}

/// [`verify`], with step 5 done by `proofs` (all of it now, or its pairing checks kept for a
/// batch: `super::batch`).
pub(super) fn verify_with(
    request: &PresentationRequest,
    presentation: &Presentation,
    trust: &TrustList,
    now: i64,
    proofs: &mut ProofChecks,
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
        .map(|(index, (policy, got))| {
            let holder = (request, presentation.holder_commitment.as_ref());
            verify_one(holder, policy, got, trust, &digest, index as u8, proofs)
        })
        .collect::<Result<_, _>>()?;
    Ok(VerifiedPresentation { credentials })
}

fn verify_one(
    (request, holder_commitment): (&PresentationRequest, Option<&G1Affine>),
    policy: &Policy,
    got: &PresentedCredential,
    trust: &TrustList,
    digest: &[u8; 32],
    index: u8,
    proofs: &mut ProofChecks,
) -> Result<VerifiedCredential, Error> {
    let alternatives = formula::alternatives_for(
        policy,
        got.credential_type,
        got.branch.as_ref(),
        got.schema_version,
    )?;
    // Every alternative the credential is held to has the same disclosure and issuer lists
    // (`Policy::check`): the first speaks for all.
    let asked = &match &alternatives[0] {
        formula::AlternativeView::Branch(_) => {
            let b = got.branch.as_ref().ok_or(Error::BranchMismatch {
                credential_type: got.credential_type,
            })?;
            policy.alternatives[b.alternative].resolve(&b.choices)?
        }
        formula::AlternativeView::Tree(_) => {
            let i =
                policy
                    .alternative_of_type(got.credential_type)
                    .ok_or(Error::BranchMismatch {
                        credential_type: got.credential_type,
                    })?;
            let root = policy.alternatives[i].root();
            if alternatives.len() > 1 {
                // Several alternatives of the type: no statement holds for sure.
                CredentialRequest {
                    predicates: Vec::new(),
                    ..root
                }
            } else {
                root
            }
        }
    };
    // 2. The issuer.
    let issuer = trust.key(&got.issuer, got.kid.as_deref())?;
    if !asked.issuers.is_empty() && !asked.issuers.contains(&got.issuer) {
        return Err(Error::IssuerNotAccepted {
            issuer: got.issuer.clone(),
            credential_type: asked.credential_type,
        });
    }
    // 3. The schema.
    let schema = got
        .credential_type
        .schema_for(got.schema_version, got.profile)
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
    // Holder binding: required by the policy, and a bound credential opens the
    // presentation's holder commitment.
    let bound = got.holder.is_some();
    if policy.requires_binding() && !bound {
        return Err(Error::NotHolderBound {
            credential_type: got.credential_type,
        });
    }
    let pseudonym_asked = policy.pseudonym.is_some();
    if got
        .holder
        .as_ref()
        .is_some_and(|h| h.pseudonym.is_some() != pseudonym_asked)
    {
        return Err(Error::PseudonymMismatch {
            credential_type: got.credential_type,
        });
    }
    let holder = match (&got.holder, holder_commitment) {
        (Some(h), Some(c)) => Some((h, c)),
        (None, _) => None,
        (Some(_), None) => {
            return Err(Error::ProofInvalid {
                credential_type: got.credential_type,
            })
        }
    };
    let context_id = policy
        .pseudonym
        .as_deref()
        .map(|p| super::binding::context_id(&request.verifier, p));
    // 5. The proofs: BBS and predicates, under one challenge.
    let mut context = proof_context(digest, index);
    let header = holder::proof_header(&credential::header(schema, &issuer.id), bound);
    let invalid = || Error::ProofInvalid {
        credential_type: got.credential_type,
    };
    let proof = Proof::from_bytes(&got.proof).map_err(|_| invalid())?;
    let proven: Result<ProvenFormula, Error> = with_suite!(issuer.suite, C => {
        let api_id = credential::api_id::<C>();
        // Statements over disclosed attributes are checked on the disclosed values here.
        let proven = formula::build::<C>(request, &alternatives, got.credential_type, schema, &got.disclosed)?;
        let expected = FormulaProof::encoded_len(&proven.formula).map_err(|_| invalid())?;
        if got.formula_proof.len() != expected {
            return Err(Error::PredicateMismatch {
                credential_type: got.credential_type,
                expected,
                actual: got.formula_proof.len(),
            });
        }
        let formula_proof = FormulaProof::from_bytes(&got.formula_proof, &proven.formula)
            .map_err(|_| invalid())?;
        // The messages the formula's equalities fix are known to the BBS proof.
        let known = proven.formula.known_messages().map_err(|_| invalid())?;
        let l = schema.message_count();
        let count = l + if bound { holder::BOUND_EXTRA_MESSAGES } else { 0 };
        if proof.undisclosed_count() + indexes.len() + known.len() != count {
            return Err(invalid());
        }
        if let Some((h, c)) = holder {
            // The holder secret (L + 1) and the nym (L + 2) are the last two hidden
            // messages: everything disclosed or known is below L.
            let hs_position = proof.undisclosed_count().checked_sub(2).ok_or_else(invalid)?;
            let (t, u) = super::binding::verifier_points::<C>(
                &proof, hs_position, c, h, context_id.as_deref(), &api_id)
                .map_err(|_| invalid())?;
            let pseudonym = match (&h.pseudonym, u, &context_id) {
                (Some(p), Some(u), Some(id)) => Some((p, u, id.as_slice())),
                _ => None,
            };
            context = super::binding::extended_context(
                &context, c, &t, pseudonym.as_ref().map(|(p, u, id)| (*p, u, *id)));
        }
        let linked = LinkedFormulaProof { bbs: proof, formula: formula_proof };
        values
            .iter()
            .map(|&(v, companion)| match companion {
                false => v.to_scalar::<C>(&api_id),
                true => v.companion_scalar().ok_or(crate::bbs::Error::VerificationFailed),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(zk::Error::from)
            .and_then(|scalars| {
                let generators = holder::bound_generators::<C>(l, bound, &api_id)?;
                proofs.verify::<C>(issuer, &linked, &generators, &header, &scalars,
                    &indexes, &proven.formula, &context, &api_id)
            })
            .map_err(|_| invalid())?;
        Ok(proven)
    });
    let proven = proven?;
    Ok(VerifiedCredential {
        issuer: issuer.clone(),
        credential_type: got.credential_type,
        schema_version: got.schema_version,
        profile: got.profile,
        disclosed: got.disclosed.clone(),
        checked_in_clear: asked
            .predicates
            .iter()
            .map(|p| asked.is_checked_in_clear(p))
            .collect(),
        predicates: asked.predicates.clone(),
        proven: proven.described,
        valid_at: request.created,
        branch: got.branch.clone(),
        holder_bound: bound,
        pseudonym: got.holder.as_ref().and_then(|h| h.pseudonym),
    })
}
