//! The JSON forms of requests and presentations. Binary fields are unpadded base64url; no
//! unknown field is accepted.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::attribute::check_attribute;
use super::binding::HolderProof;
use super::bundle::{Presentation, PresentedCredential};
use super::params::PredicateParams;
use super::policy::{Branch, Policy, MAX_BRANCHES};
use super::request::{check_counts, PresentationRequest, MAX_REQUEST_BYTES};
use super::Error;
use crate::credential::json::{
    b64_decode, b64_encode, check_format, invalid, parse, pretty, FormatError,
};
use crate::credential::{calendar, AttributeValue, CredentialType, HOLDER_SECRET};

/// Format tag of a request file.
pub const REQUEST_FORMAT: &str = "healthpass-request/2";
/// Format tag of a presentation file.
pub const PRESENTATION_FORMAT: &str = "healthpass-presentation/3";

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestFile {
    format: String,
    verifier: String,
    nonce: String,
    created: String,
    expires: String,
    validity: Value,
    policies: Vec<Value>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PresentationFile {
    format: String,
    nonce: String,
    request_digest: String,
    credentials: Vec<PresentedJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    holder_commitment: Option<String>,
}

/// A holder-bound credential's `holder` object: `response` (32 bytes) and, when the policy
/// asks for one, `pseudonym` (48 bytes), base64url.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolderJson {
    response: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pseudonym: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PresentedJson {
    #[serde(rename = "type")]
    credential_type: String,
    schema_version: u8,
    #[serde(default, skip_serializing_if = "is_false")]
    profile: bool,
    issuer: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    branch: Option<Vec<usize>>,
    disclosed: Map<String, Value>,
    formula: String,
    proof: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    holder: Option<HolderJson>,
}

/// For `skip_serializing_if`: a `false` flag is left out.
fn is_false(b: &bool) -> bool {
    !b
}

/// Decodes a base64url field of exactly 32 bytes.
fn bytes32(what: &'static str, field: &'static str, text: &str) -> Result<[u8; 32], FormatError> {
    b64_decode(text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or(invalid(
            what,
            field,
            "is not 32 bytes of unpadded base64url",
        ))
}

fn bytes(what: &'static str, field: &'static str, text: &str) -> Result<Vec<u8>, FormatError> {
    b64_decode(text).map_err(|_| invalid(what, field, "is not unpadded base64url"))
}

fn credential_type(what: &'static str, name: &str) -> Result<CredentialType, FormatError> {
    name.parse().map_err(|_| {
        invalid(
            what,
            "type",
            "is not vaccination, test, recovery or identity",
        )
    })
}

/// A request time: exactly `YYYY-MM-DDTHH:MM:SSZ` (the one form `to_json` writes).
fn time(what: &'static str, field: &'static str, text: &str) -> Result<i64, FormatError> {
    calendar::parse_rfc3339_seconds(text)
        .filter(|&s| calendar::format_rfc3339_seconds(s).as_deref() == Some(text))
        .ok_or(invalid(
            what,
            field,
            "is not a UTC time written YYYY-MM-DDTHH:MM:SSZ",
        ))
}

/// A presented issuer identifier, checked against the one grammar
/// ([`crate::credential::is_valid_issuer_id`]).
fn issuer_id(what: &'static str, id: String) -> Result<String, FormatError> {
    if crate::credential::is_valid_issuer_id(&id) {
        Ok(id)
    } else {
        Err(invalid(
            what,
            "issuer",
            "is not a valid issuer identifier (1 to 64 characters a-z, 0-9, '.', '_', '-', starting with a letter or digit)",
        ))
    }
}

/// A presented key identifier, checked against its grammar
/// ([`crate::credential::is_valid_key_id`]).
fn key_id(what: &'static str, kid: String) -> Result<String, FormatError> {
    if crate::credential::is_valid_key_id(&kid) {
        Ok(kid)
    } else {
        Err(invalid(
            what,
            "kid",
            "is not a valid key identifier (1 to 64 characters a-z, 0-9, '.', '_', '-', starting with a letter or digit)",
        ))
    }
}

/// A credential's `holder` object.
fn holder(what: &'static str, h: &HolderJson) -> Result<HolderProof, FormatError> {
    let response = crate::bbs::octets::octets_to_scalar(&bytes(what, "holder", &h.response)?)
        .map_err(|_| {
            invalid(
                what,
                "holder",
                "has a response that is not a 32-byte scalar",
            )
        })?;
    let pseudonym = h
        .pseudonym
        .as_deref()
        .map(|p| {
            crate::bbs::nym::Pseudonym::from_bytes(&bytes(what, "holder", p)?)
                .map_err(|_| invalid(what, "holder", "has a pseudonym that is not a point of G1"))
        })
        .transpose()?;
    Ok(HolderProof {
        response,
        pseudonym,
    })
}

/// A branch as written: the alternative's index, then the choices, each below 64, at most
/// 16 in all.
fn branch(what: &'static str, path: &[usize]) -> Result<Branch, FormatError> {
    match path.split_first() {
        Some((&alternative, choices))
            if path.len() <= 16 && path.iter().all(|&i| i < MAX_BRANCHES) =>
        {
            Ok(Branch {
                alternative,
                choices: choices.to_vec(),
            })
        }
        _ => Err(invalid(
            what,
            "branch",
            "must be 1 to 16 indexes below 64 (the alternative, then each any_of's choice)",
        )),
    }
}

impl PresentationRequest {
    /// The request file.
    pub fn to_json(&self) -> String {
        let t = |s| calendar::format_rfc3339_seconds(s).unwrap_or_default();
        pretty(&RequestFile {
            format: REQUEST_FORMAT.to_owned(),
            verifier: self.verifier.clone(),
            nonce: b64_encode(&self.nonce),
            created: t(self.created),
            expires: t(self.expires),
            validity: self.validity.to_json(),
            policies: self.policies.iter().map(Policy::to_json).collect(),
        })
    }

    /// Reads and checks a request file. A hostile request cannot make this slow: a file of
    /// more than [`MAX_REQUEST_BYTES`] is refused unread ([`Error::RequestTooLarge`]) and
    /// the credential and predicate counts are checked before any predicate is read.
    /// Predicate parameters are read as digests: resolve them against a parameter store
    /// ([`super::ParamStore::resolve`]) before presenting or verifying.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "request";
        if text.len() > MAX_REQUEST_BYTES {
            return Err(Error::RequestTooLarge {
                bytes: text.len(),
                max: MAX_REQUEST_BYTES,
            });
        }
        let file: RequestFile = parse(WHAT, text)?;
        check_format(WHAT, REQUEST_FORMAT, &file.format)?;
        check_counts(file.policies.len(), [])?;
        let policies = file
            .policies
            .iter()
            .map(Policy::from_request_json)
            .collect::<Result<_, Error>>()?;
        let validity = PredicateParams::from_json(&file.validity)?;
        let request = PresentationRequest {
            verifier: file.verifier,
            nonce: bytes32(WHAT, "nonce", &file.nonce)?,
            created: time(WHAT, "created", &file.created)?,
            expires: time(WHAT, "expires", &file.expires)?,
            policies,
            validity,
        };
        request.check()?;
        Ok(request)
    }
}

impl Presentation {
    /// The presentation file.
    pub fn to_json(&self) -> String {
        pretty(&PresentationFile {
            format: PRESENTATION_FORMAT.to_owned(),
            nonce: b64_encode(&self.nonce),
            request_digest: b64_encode(&self.request_digest),
            credentials: self
                .credentials
                .iter()
                .map(|c| PresentedJson {
                    credential_type: c.credential_type.name().to_owned(),
                    schema_version: c.schema_version,
                    profile: c.profile,
                    issuer: c.issuer.clone(),
                    kid: c.kid.clone(),
                    branch: c.branch.as_ref().map(|b| {
                        std::iter::once(b.alternative)
                            .chain(b.choices.iter().copied())
                            .collect()
                    }),
                    disclosed: c
                        .disclosed
                        .iter()
                        .map(|(n, v)| (n.clone(), v.to_json()))
                        .collect(),
                    formula: b64_encode(&c.formula_proof),
                    proof: b64_encode(&c.proof),
                    holder: c.holder.as_ref().map(|h| HolderJson {
                        response: b64_encode(&crate::bbs::octets::scalar_to_octets(&h.response)),
                        pseudonym: h.pseudonym.map(|p| b64_encode(&p.to_bytes())),
                    }),
                })
                .collect(),
            holder_commitment: self
                .holder_commitment
                .map(|c| b64_encode(&c.to_compressed())),
        })
    }

    /// Reads a presentation file. The issuer identifier must be a valid one, and disclosed
    /// values are read in their canonical form with the types of their credential type's
    /// schema; whether they are the requested ones, and everything else, is for
    /// [`super::verify`] to decide.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        const WHAT: &str = "presentation";
        let file: PresentationFile = parse(WHAT, text)?;
        check_format(WHAT, PRESENTATION_FORMAT, &file.format)?;
        let credentials = file
            .credentials
            .into_iter()
            .map(|c| {
                let credential_type = credential_type(WHAT, &c.credential_type)?;
                // An unknown version is read as the current one and refused by `verify`.
                let schema = credential_type
                    .schema_for(c.schema_version, c.profile)
                    .unwrap_or(credential_type.schema());
                let disclosed = c
                    .disclosed
                    .into_iter()
                    .map(|(name, value)| {
                        let i = check_attribute(schema, &name)?;
                        if name == HOLDER_SECRET {
                            return Err(Error::HolderSecretNotDisclosable);
                        }
                        let v =
                            AttributeValue::from_canonical_json(schema.attributes[i].ty, &value)
                                .map_err(|source| Error::InvalidValue {
                                    name: name.clone(),
                                    source,
                                })?;
                        Ok((name, v))
                    })
                    .collect::<Result<_, Error>>()?;
                Ok(PresentedCredential {
                    credential_type,
                    schema_version: c.schema_version,
                    profile: c.profile,
                    issuer: issuer_id(WHAT, c.issuer)?,
                    kid: c.kid.map(|k| key_id(WHAT, k)).transpose()?,
                    branch: match c.branch {
                        None => None,
                        Some(b) => Some(branch(WHAT, &b)?),
                    },
                    disclosed,
                    formula_proof: bytes(WHAT, "formula", &c.formula)?,
                    proof: bytes(WHAT, "proof", &c.proof)?,
                    holder: c.holder.map(|h| holder(WHAT, &h)).transpose()?,
                })
            })
            .collect::<Result<_, Error>>()?;
        let holder_commitment = file
            .holder_commitment
            .as_deref()
            .map(|c| {
                crate::bbs::octets::octets_to_g1(&bytes(WHAT, "holder_commitment", c)?).map_err(
                    |_| invalid(WHAT, "holder_commitment", "is not a point of G1 (48 bytes)"),
                )
            })
            .transpose()?;
        Ok(Presentation {
            nonce: bytes32(WHAT, "nonce", &file.nonce)?,
            request_digest: bytes32(WHAT, "request_digest", &file.request_digest)?,
            credentials,
            holder_commitment,
        })
    }
}
