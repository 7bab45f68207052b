//! The presentation bundle and how a holder makes one.

use rand_core::CryptoRng;
use zeroize::Zeroize;

use super::attribute::check_attribute;
use super::binding::HolderProof;
use super::formula::{self, ProvenFormula};
use super::params::{self, validity_span, Span};
use super::policy::{Branch, Failure, Policy};
use super::request::PresentationRequest;
use super::Error;
use crate::bbs::{self, G1Affine, PreparedSignature, Scalar};
use crate::credential::holder::{self, BoundSecrets};
use crate::credential::{
    self, with_suite, AttributeValue, Credential, CredentialType, HolderKeys, Schema,
};
use crate::zk;

/// One presented credential: what the verifier learns and the proof of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentedCredential {
    /// The credential type.
    pub credential_type: CredentialType,
    /// The schema version it was signed under.
    pub schema_version: u8,
    /// Whether it is the credential's presentation profile
    /// ([`CredentialType::presentation_profile`]) that is presented.
    pub profile: bool,
    /// The issuer's identifier.
    pub issuer: String,
    /// The identifier of the issuer's key the credential was signed with (its
    /// [`IssuerInfo::kid`](crate::credential::IssuerInfo::kid)); `None` for the issuer's key
    /// without one. The verifier checks the proof with that key of its trust list.
    pub kid: Option<String>,
    /// The branch of the policy it satisfies, when the policy reveals branches.
    pub branch: Option<Branch>,
    /// The disclosed attributes with their values, in the request's order.
    pub disclosed: Vec<(String, AttributeValue)>,
    /// The proof of the formula the credential proves ([`crate::zk::FormulaProof`]'s
    /// bytes): the validity statements and the policy's statements over hidden attributes,
    /// its OR branches hidden unless the policy reveals branches.
    pub formula_proof: Vec<u8>,
    /// The BBS proof, as the draft's proof octets (decoded only when verified, so that a
    /// malformed proof is a rejection rather than unreadable input).
    pub proof: Vec<u8>,
    /// For a holder-bound credential: the opening of the presentation's holder commitment
    /// and the pseudonym ([`super::binding`]); `None` for a credential whose holder secret
    /// its issuer generated.
    pub holder: Option<HolderProof>,
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
    /// The commitment `C_h` to the holder secret that every holder-bound credential of the
    /// presentation opens ([`super::binding`]); `None` when none is bound.
    pub holder_commitment: Option<G1Affine>,
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
/// (seconds since the Unix epoch): for each requested policy, the first credential that
/// satisfies one of its alternatives (of the alternative's type, from an accepted issuer,
/// valid at the request's time, every statement of one branch true), its requested
/// attributes disclosed and everything else hidden behind a fresh proof. The proof covers
/// the credential's validity at the request's time and every statement over hidden
/// attributes; statements over disclosed attributes are checked by the verifier.
///
/// Refuses (with an error for which [`Error::is_rejection`] is true) an expired request,
/// credentials that satisfy no alternative (naming, per credential, what fails), a
/// credential whose signature does not verify, predicate parameters whose signatures do
/// not verify, and a true predicate whose difference from its bound exceeds the request's
/// span. Each predicate is proven over its hidden attribute, under the same challenge as
/// the BBS proof.
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
    present_as(request, credentials, None, now, rng)
}

/// [`present`] by a holder: holder-bound credentials (`credential::holder`) are presented
/// with the holder's secrets from `holder`, every bound credential of the presentation
/// opening one commitment to the holder secret, with a pseudonym where the policy asks for
/// one ([`super::binding`]).
///
/// Besides [`present`]'s refusals: a policy that requires binding is answered only by a
/// bound credential ([`Error::NotHolderBound`]); a bound credential needs `holder`
/// ([`Error::HolderNeeded`]) and its secrets there (`credential::Error::NotBoundToHolder`
/// for another holder's credential); bound credentials presented together must share a
/// ciphersuite ([`Error::MixedCiphersuites`], naming the issuers).
pub fn present_as(
    request: &PresentationRequest,
    credentials: &[Credential],
    holder: Option<&HolderKeys>,
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
    let mut chosen = Vec::with_capacity(request.policies.len());
    for policy in &request.policies {
        let candidates: Vec<Credential> = credentials
            .iter()
            .filter(|c| !policy.requires_binding() || c.binding().is_some())
            .cloned()
            .collect();
        if candidates.is_empty() && !credentials.is_empty() && policy.requires_binding() {
            return Err(Error::NotHolderBound {
                credential_type: policy.alternatives[0].credential_type,
            });
        }
        let (credential, branch) = choose(request, policy, &candidates)?;
        // The presentation profile whenever it holds everything the policy reads of this
        // type: the same statements over fewer hidden attributes.
        let credential = match credential.profile() {
            Some(profile)
                if policy.reads_only(credential.credential_type(), &branch, profile.schema()) =>
            {
                profile
            }
            _ => credential.clone(),
        };
        chosen.push((credential, branch));
    }
    let link = holder_link(&chosen, holder, rng)?;
    let presented = request
        .policies
        .iter()
        .zip(&chosen)
        .enumerate()
        .map(|(index, (policy, (credential, branch)))| {
            let branch = branch.clone();
            let asked = policy.alternatives[branch.alternative].resolve(&branch.choices)?;
            let schema = credential.schema();
            let disclosed_indexes = asked.disclosed_indexes(schema)?;
            let messages = asked.disclosed_messages(schema)?;
            let context = proof_context(&digest, index as u8);
            let mut presented = PresentedCredential {
                credential_type: credential.credential_type(),
                schema_version: credential.schema().version,
                profile: credential.schema().profile,
                issuer: credential.issuer().id.clone(),
                kid: credential.issuer().kid.clone(),
                branch: policy.reveal_branch.then_some(branch),
                disclosed: asked
                    .disclose
                    .iter()
                    .zip(&disclosed_indexes)
                    .map(|(n, &i)| (n.clone(), credential.values()[i].clone()))
                    .collect(),
                formula_proof: Vec::new(),
                proof: Vec::new(),
                holder: None,
            };
            let alternatives = formula::alternatives_for(
                policy,
                presented.credential_type,
                presented.branch.as_ref(),
                presented.schema_version,
            )?;
            let bound = match (&link, credential.binding()) {
                (Some(l), Some(_)) => Some(Bound {
                    link: l,
                    secrets: l
                        .secrets
                        .iter()
                        .find(|(i, _)| std::ptr::eq(*i, credential))
                        .map(|(_, s)| s)
                        .ok_or(Error::HolderNeeded)?,
                    context_id: policy
                        .pseudonym
                        .as_deref()
                        .map(|p| super::binding::context_id(&request.verifier, p)),
                }),
                _ => None,
            };
            let (proof, formula_proof, holder) = generate_proof(
                request,
                &alternatives,
                credential,
                &presented,
                &context,
                &messages,
                bound.as_ref(),
                rng,
            )?;
            presented.proof = proof;
            presented.formula_proof = formula_proof;
            presented.holder = holder;
            Ok(presented)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    Ok(Presentation {
        nonce: request.nonce,
        request_digest: digest,
        credentials: presented,
        holder_commitment: link.as_ref().map(|l| l.commitment),
    })
}

/// The holder's side of a presentation's bound credentials: the secrets of each, and the
/// one commitment `C_h = G * hs + H * rho` they all open.
struct HolderLink<'a> {
    secrets: Vec<(&'a Credential, BoundSecrets)>,
    rho: Scalar,
    commitment: G1Affine,
}

impl Drop for HolderLink<'_> {
    fn drop(&mut self) {
        self.rho.zeroize();
    }
}

/// One bound credential's part of the link.
struct Bound<'a> {
    link: &'a HolderLink<'a>,
    secrets: &'a BoundSecrets,
    context_id: Option<Vec<u8>>,
}

/// The link of the chosen credentials' bound ones (`None` when none is bound): each one's
/// secrets from `holder` (the signature is checked when each is prepared), one ciphersuite
/// for all, and a fresh commitment to the holder secret.
fn holder_link<'a>(
    chosen: &'a [(Credential, Branch)],
    holder: Option<&HolderKeys>,
    rng: &mut impl CryptoRng,
) -> Result<Option<HolderLink<'a>>, Error> {
    let bound: Vec<&Credential> = chosen
        .iter()
        .map(|(c, _)| c)
        .filter(|c| c.binding().is_some())
        .collect();
    let Some(first) = bound.first() else {
        return Ok(None);
    };
    let holder = holder.ok_or(Error::HolderNeeded)?;
    let suite = first.issuer().suite;
    if bound.iter().any(|c| c.issuer().suite != suite) {
        return Err(Error::MixedCiphersuites {
            issuers: bound
                .iter()
                .map(|c| format!("{} ({})", c.issuer().id, c.issuer().suite))
                .collect(),
        });
    }
    let secrets = bound
        .iter()
        .map(|c| Ok((*c, holder.bound_secrets(c)?)))
        .collect::<Result<Vec<_>, credential::Error>>()
        .map_err(|e| match e {
            credential::Error::SignatureInvalid => {
                Error::Credential(credential::Error::NotBoundToHolder)
            }
            other => Error::Credential(other),
        })?;
    let mut random = bbs::calculate_random_scalars(rng, 1);
    let rho = random[0];
    random.zeroize();
    let commitment = with_suite!(suite, C => super::binding::holder_commitment::<C>(
        &secrets[0].1.holder_secret, &rho))
    .map_err(Error::Predicate)?;
    Ok(Some(HolderLink {
        secrets,
        rho,
        commitment,
    }))
}

/// How well a credential did against a policy, for the holder's explanation: a failing
/// statement says more than an invalid credential, which says more than a refused issuer.
fn rank(f: &Failure) -> u8 {
    match f {
        Failure::WrongType => 0,
        Failure::IssuerNotAccepted => 1,
        Failure::NotValid => 2,
        Failure::Statement(_) => 3,
    }
}

/// The first credential that satisfies an alternative of `policy`, with the branch it
/// satisfies (plaintext evaluation, before any cryptography); otherwise the refusal,
/// naming per credential what fails.
fn choose<'a>(
    request: &PresentationRequest,
    policy: &Policy,
    credentials: &'a [Credential],
) -> Result<(&'a Credential, Branch), Error> {
    let mut failures: Vec<(&Credential, Failure)> = Vec::with_capacity(credentials.len());
    for c in credentials {
        let mut failure = Failure::WrongType;
        // Several alternatives of the type may fail on statements: all are named.
        let mut worse = |f: Failure| match (&mut failure, f) {
            (Failure::Statement(all), Failure::Statement(s)) => {
                if !all.split("` nor `").any(|x| x == s) {
                    all.push_str("` nor `");
                    all.push_str(&s);
                }
            }
            (current, f) => {
                if rank(&f) >= rank(current) {
                    *current = f;
                }
            }
        };
        for (i, alternative) in policy.alternatives.iter().enumerate() {
            if alternative.credential_type != c.credential_type() {
                continue;
            }
            if !alternative.issuers.is_empty() && !alternative.issuers.contains(&c.issuer().id) {
                worse(Failure::IssuerNotAccepted);
                continue;
            }
            let validity = request.validity_statements(c.schema())?;
            if !request.validity_provable(c) || !validity.iter().all(|p| p.evaluate(|n| c.value(n)))
            {
                worse(Failure::NotValid);
                continue;
            }
            match alternative.evaluate(c) {
                Ok(choices) => {
                    return Ok((
                        c,
                        Branch {
                            alternative: i,
                            choices,
                        },
                    ))
                }
                Err(f) => worse(f),
            }
        }
        failures.push((c, failure));
    }
    Err(refusal(request, policy, &failures))
}

/// The holder's refusal: the specific error when one credential was given (or none), the
/// list of reasons otherwise.
fn refusal(
    request: &PresentationRequest,
    policy: &Policy,
    failures: &[(&Credential, Failure)],
) -> Error {
    let first_type = policy.alternatives[0].credential_type;
    match failures {
        [] => Error::NoCredential {
            credential_type: first_type,
        },
        [(c, f)] => match f {
            Failure::WrongType => Error::NoCredential {
                credential_type: first_type,
            },
            Failure::IssuerNotAccepted => Error::IssuerNotAccepted {
                issuer: c.issuer().id.clone(),
                credential_type: c.credential_type(),
            },
            Failure::NotValid => not_valid(request, c),
            Failure::Statement(s) => Error::PredicateFalse {
                predicate: s.clone(),
            },
        },
        _ => Error::PolicyNotSatisfied {
            policy: policy.name.clone(),
            reasons: failures
                .iter()
                .map(|(c, f)| {
                    let why = match f {
                        Failure::NotValid => not_valid(request, c).to_string(),
                        f => f.to_string(),
                    };
                    format!(
                        "{} credential from `{}`: {why}",
                        c.credential_type(),
                        c.issuer().id
                    )
                })
                .collect(),
        },
    }
}

fn not_valid(request: &PresentationRequest, c: &Credential) -> Error {
    let text = |name| c.value(name).map(ToString::to_string).unwrap_or_default();
    if !request.validity_provable(c) {
        return Error::ValidityNotInUnits {
            credential_type: c.credential_type(),
            valid_from: text("valid_from"),
            valid_until: text("valid_until"),
            unit: if c.credential_type().validity_unit() == 60 {
                "hours"
            } else {
                "days"
            },
        };
    }
    Error::CredentialNotValid {
        credential_type: c.credential_type(),
        valid_from: text("valid_from"),
        valid_until: text("valid_until"),
        at: credential::calendar::format_rfc3339_seconds(request.created).unwrap_or_default(),
    }
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

/// A refusal of the prover, named after the statement of the atom it concerns.
fn prove_error(proven: &ProvenFormula, e: zk::Error) -> Error {
    let statement = |atom: usize| proven.atoms.get(atom).and_then(|&i| proven.hidden.get(i));
    let text = |atom| statement(atom).map(ToString::to_string).unwrap_or_default();
    match e {
        zk::Error::NotSatisfied { predicate: i } => Error::PredicateFalse { predicate: text(i) },
        zk::Error::OutOfSpan { predicate: i } => Error::PredicateOutOfSpan {
            predicate: text(i),
            max: statement(i)
                .and_then(|p| p.params.as_ref())
                .and_then(|x| x.span())
                .map_or(0, |s| s.max_difference()),
        },
        zk::Error::Bbs(e) => Error::from(credential::Error::from(e)),
        other => Error::Predicate(other),
    }
}

/// A presented credential's proofs: the BBS proof octets, the formula proof's, and the
/// holder proof of a bound credential.
type Proofs = (Vec<u8>, Vec<u8>, Option<HolderProof>);

/// The one place where presentations make proofs: the BBS proof (CoreProofGen under the
/// credential interface's `api_id`) and the proof of the formula that shares its challenge
/// (`zk::prove_formula`) for the credential's `alternatives` of the policy. Returns the BBS
/// proof octets and the formula proof's, and for a bound credential its holder proof
/// ([`super::binding`]: the signed messages end with the blind, the holder secret and the
/// nym, all hidden; the holder secret's and the nym's blindings are chosen here for the
/// link and the pseudonym).
#[allow(clippy::too_many_arguments)]
fn generate_proof(
    request: &PresentationRequest,
    alternatives: &[formula::AlternativeView<'_>],
    credential: &Credential,
    presented: &PresentedCredential,
    context: &[u8],
    disclosed_messages: &[usize],
    bound: Option<&Bound<'_>>,
    rng: &mut impl CryptoRng,
) -> Result<Proofs, Error> {
    let schema = credential.schema();
    let issuer = credential.issuer();
    let header = credential.header();
    with_suite!(issuer.suite, C => {
        let proven = formula::build::<C>(
            request,
            alternatives,
            presented.credential_type,
            schema,
            &presented.disclosed,
        )
        .map_err(|e| match e {
            Error::DisclosedValueFails { predicate, .. } => Error::PredicateFalse { predicate },
            other => other,
        })?;
        check_parameters(&proven, schema, rng)?;
        let api_id = credential::api_id::<C>();
        let mut scalars = credential::to_scalars::<C>(credential.values(), &api_id)
            .map_err(credential::Error::from)?;
        let l = scalars.len();
        if bound.is_some() != credential.binding().is_some() {
            return Err(Error::HolderNeeded);
        }
        if let Some(b) = bound {
            // A new buffer of the final size: growing the old one would free a copy.
            let mut all = zeroize::Zeroizing::new(Vec::with_capacity(l + holder::BOUND_EXTRA_MESSAGES));
            all.extend_from_slice(&scalars);
            all.extend_from_slice(&b.secrets.messages());
            scalars = all;
        }
        let generators = holder::bound_generators::<C>(l, bound.is_some(), &api_id)
            .map_err(credential::Error::from)?;
        let header = holder::proof_header(&header, bound.is_some());
        // The prepared credential checks the signature once and keeps what is fixed for it
        // (message scalars, domain, B, tables for A and B); each presentation then does only
        // the work that must be fresh.
        let prepared = PreparedSignature::<C>::from_generators(
            &issuer.public_key,
            credential.signature(),
            &header,
            &scalars,
            generators,
            &api_id,
        )
        .map_err(|e| match e {
            bbs::Error::VerificationFailed if bound.is_some() => {
                Error::Credential(credential::Error::NotBoundToHolder)
            }
            bbs::Error::VerificationFailed => Error::CredentialInvalid,
            other => Error::from(credential::Error::from(other)),
        });
        scalars.zeroize();
        let prepared = prepared?;
        let Some(b) = bound else {
            let linked = zk::prove_formula::<C>(
                &prepared, disclosed_messages, &proven.formula, context, rng)
                .map_err(|e| prove_error(&proven, e))?;
            return Ok((linked.bbs.to_bytes(), linked.formula.to_bytes(), None));
        };
        // Fresh blindings for this proof alone: m~ of the holder secret and of the nym, and
        // rho~ of the commitment's opening.
        let mut random = bbs::calculate_random_scalars(rng, 3);
        let first = super::binding::prover_points::<C>(
            &random[0],
            &random[2],
            b.context_id.as_deref().map(|id| (&b.secrets.nym, &random[1], id)),
            &api_id,
        );
        let result = first.map_err(Error::Predicate).and_then(|(t, pseudonym)| {
            let context = super::binding::extended_context(
                context,
                &b.link.commitment,
                &t,
                pseudonym.as_ref().map(|(p, u)| (p, u, b.context_id.as_deref().unwrap_or(&[]))),
            );
            let blindings = [(l + 1, random[0]), (l + 2, random[1])];
            zk::formula::prove_with_blindings::<C>(
                &prepared, disclosed_messages, &proven.formula, &context, &blindings, rng,
                zk::Prover::Honest)
                .map_err(|e| prove_error(&proven, e))
                .map(|linked| {
                    let response = random[2] + linked.bbs.challenge * b.link.rho;
                    (linked, HolderProof { response, pseudonym: pseudonym.map(|(p, _)| p) })
                })
        });
        random.zeroize();
        let (linked, holder) = result?;
        Ok((linked.bbs.to_bytes(), linked.formula.to_bytes(), Some(holder)))
    })
}

/// The holder checks the verifier's parameters before proving anything against them: each
/// set is what its statement needs, a span is not narrower than the type's default (a
/// narrower one would make a one-sided bound two-sided: a proof shows
/// `0 <= s * (m - a) < base^digits`), the validity statements' span covers the longest
/// validity, and the signatures verify (forged ones would reveal the digits).
fn check_parameters(
    proven: &ProvenFormula,
    schema: &Schema,
    rng: &mut impl CryptoRng,
) -> Result<(), Error> {
    for (i, p) in proven.hidden.iter().enumerate() {
        let Some(params) = p.params.as_ref() else {
            continue;
        };
        p.accepts_set(params.set()?, schema)?;
        if let Some(span) = params.span() {
            let ty = schema.attributes[check_attribute(schema, &p.attribute)?].ty;
            let minimum = if i < proven.validity {
                validity_span().max_difference()
            } else if p.proven_as_window(schema, params)? {
                // A window's digits cover exactly its range: it reveals the range only.
                span.max_difference()
            } else {
                Span::default_for(ty).map_or(u64::MAX, Span::max_difference)
            };
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
    Ok(())
}
