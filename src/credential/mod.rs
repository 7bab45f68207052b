//! Credentials: schemas of typed attributes, the travel-health profile, issuance.
//!
//! # The credential interface
//! The core signs scalars. This layer is its own BBS interface (draft §6, "defining new
//! interfaces") with its own identifier:
//!
//! ```text
//! api_id = ciphersuite_id || "HEALTHPASS_CRED_V1_"
//! ```
//!
//! Generators are `create_generators(L + 1, api_id)`; signatures, proofs and their hashes use
//! the core operations with this `api_id`. Attributes become message scalars by type
//! ([`AttributeValue::to_scalar`]):
//!
//! | type | scalar |
//! |---|---|
//! | `string`, `code` | `hash_to_scalar(utf8, api_id \|\| "MAP_MSG_TO_SCALAR_AS_HASH_")` (the draft's `messages_to_scalars` under this `api_id`) |
//! | `integer` | the integer; negative `v` as `r - \|v\|` |
//! | `date` | days relative to 1970-01-01 as an integer |
//! | `instant` | minutes since the Unix epoch (UTC, floored) as an integer |
//! | `boolean` | 0 or 1 |
//! | `secret` | a uniformly random non-zero scalar |
//!
//! The BBS header binds the schema and the issuer:
//!
//! ```text
//! header = I2OSP(len(schema_id), 1) || schema_id || I2OSP(schema_version, 1)
//!       || I2OSP(len(issuer_id), 1) || issuer_id
//! ```
//!
//! # Example
//! ```
//! use healthpass::credential::{CredentialType, IssuerKey, Suite};
//! let mut rng = rand::rng();
//! let issuer = IssuerKey::generate("nl-rivm", "RIVM", "NL", Suite::Sha256,
//!     &CredentialType::ALL, &mut rng)?;
//! let attributes = serde_json::json!({
//!     "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1815-12-10",
//!     "country": "NL", "issuer_name": "RIVM", "certificate_id": "URN:UVCI:01:NL:1",
//!     "valid_from": "2021-06-01T00:00:00Z", "valid_until": "2022-06-01T00:00:00Z",
//!     "disease": "840539006", "test_type": "LP6464-4", "test_name": "",
//!     "test_device": "", "sample_time": "2021-06-01T08:15:00Z",
//!     "test_result": "260415000", "test_centre": "GGD Amsterdam",
//! });
//! let credential = issuer.issue(CredentialType::Test, &attributes, &mut rng)?;
//! credential.verify()?;
//! assert_eq!(credential.value("test_result").unwrap().to_string(), "260415000");
//! # Ok::<(), healthpass::credential::Error>(())
//! ```

mod attribute;
pub(crate) mod bytes;
pub mod calendar;
pub mod dcc;
pub(crate) mod file;
pub mod holder;
mod issuer;
pub mod json;
mod schema;
mod suite;
mod valueset;

pub use attribute::{integer_to_scalar, AttributeType, AttributeValue, HolderSecret, ValueError};
pub use holder::{Binding, Holder, HolderCommitment, HolderKeys};
pub(crate) use issuer::to_scalars;
pub use issuer::{
    align_validity, check_issuance, max_validity_minutes, Credential, IssuerInfo, IssuerKey,
    MAX_VALIDITY_MINUTES, MAX_VALIDITY_UNITS,
};
pub use schema::{
    AttributeSpec, CredentialType, Schema, UnknownType, CURRENT_SCHEMA_VERSION, HOLDER_SECRET,
};
pub(crate) use suite::with_suite;
pub use suite::{Suite, UnknownSuite};
pub use valueset::ValueSet;

use crate::bbs::{self, Ciphersuite};
use crate::untrusted::Untrusted;

/// The suffix of the credential interface's `api_id`.
pub const API_ID_SUFFIX: &[u8] = b"HEALTHPASS_CRED_V1_";

/// The credential interface's `api_id` for ciphersuite `C`:
/// `ciphersuite_id || "HEALTHPASS_CRED_V1_"`.
pub fn api_id<C: Ciphersuite>() -> Vec<u8> {
    [C::ID, API_ID_SUFFIX].concat()
}

/// The BBS header of a credential: the schema identifier and version and the issuer's
/// identifier, each length-prefixed with one byte (identifiers are at most 64 bytes).
pub fn header(schema: &Schema, issuer_id: &str) -> Vec<u8> {
    let mut h = Vec::with_capacity(3 + schema.id.len() + issuer_id.len());
    for (i, part) in [schema.id.as_bytes(), issuer_id.as_bytes()]
        .into_iter()
        .enumerate()
    {
        h.push(part.len() as u8);
        h.extend_from_slice(part);
        if i == 0 {
            h.push(schema.version);
        }
    }
    h
}

/// `true` for a valid issuer identifier: 1 to 64 characters from `a-z`, `0-9`, `.`, `_`
/// and `-`, starting with a letter or digit (it names files and goes in the compact form).
/// This is the one grammar: `issuer init --id`, issuer files, trust lists, requests and
/// both presentation forms refuse any other identifier when they read it.
pub fn is_valid_issuer_id(id: &str) -> bool {
    let b = id.as_bytes();
    (1..=64).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'-')
        })
}

/// `true` for a valid key identifier (`kid`): the grammar of issuer identifiers
/// ([`is_valid_issuer_id`]), so that `ID.KID.public.json` is a file name and `ID#KID` is
/// unambiguous in the compact presentation.
pub fn is_valid_key_id(kid: &str) -> bool {
    is_valid_issuer_id(kid)
}

/// Everything that can go wrong in the credential layer. Attribute errors name the
/// attribute.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A required attribute was not given.
    #[error("attribute `{name}` is missing (a {credential_type} credential needs it{hint})")]
    MissingAttribute {
        /// The credential type.
        credential_type: CredentialType,
        /// The missing attribute.
        name: &'static str,
        /// What to give when the attribute does not apply (empty for types that have no
        /// such value, such as integers).
        hint: &'static str,
    },
    /// An issuance check failed (see [`check_issuance`]).
    #[error("attribute `{name}` {problem}")]
    Refused {
        /// The attribute.
        name: &'static str,
        /// What is wrong.
        problem: String,
    },
    /// A DCC payload that cannot be issued from (see [`dcc`]).
    #[error("DCC payload: `{path}` {problem}")]
    Dcc {
        /// The field, as a path such as `v[0].dn`.
        path: String,
        /// What is wrong.
        problem: String,
    },
    /// An attribute the schema does not have.
    #[error("attribute `{}` is not part of a {credential_type} credential (it has: {known})", Untrusted(.name))]
    UnknownAttribute {
        /// The credential type.
        credential_type: CredentialType,
        /// The unknown attribute.
        name: String,
        /// The schema's attribute names, comma-separated.
        known: String,
    },
    /// The holder secret was given as input; the issuer generates it.
    #[error("attribute `holder_secret` must not be given: it is generated at issuance")]
    HolderSecretGiven,
    /// An attribute value does not fit its type.
    #[error("attribute `{}`: {source}", Untrusted(.name))]
    InvalidValue {
        /// The attribute.
        name: String,
        /// What is wrong with the value.
        #[source]
        source: ValueError,
    },
    /// The attributes are not a JSON object.
    #[error("the attributes must be a JSON object from attribute name to value")]
    AttributesNotAnObject,
    /// An issuer identifier that is not allowed.
    #[error("issuer identifier `{}` is not valid: use 1 to 64 characters a-z, 0-9, '.', '_', '-', starting with a letter or digit", Untrusted(.id))]
    InvalidIssuerId {
        /// The identifier.
        id: String,
    },
    /// A key identifier that is not allowed (the grammar of issuer identifiers:
    /// [`is_valid_key_id`]).
    #[error("key identifier `{}` is not valid: use 1 to 64 characters a-z, 0-9, '.', '_', '-', starting with a letter or digit", Untrusted(.kid))]
    InvalidKeyId {
        /// The key identifier.
        kid: String,
    },
    /// An issuer country that is not an ISO 3166-1 alpha-2 code.
    #[error("issuer country `{}` is not an ISO 3166-1 alpha-2 code of the value set", Untrusted(.code))]
    UnknownCountry {
        /// The code given.
        code: String,
    },
    /// The issuer is not configured to issue this type.
    #[error("issuer `{}` may not issue {credential_type} credentials", Untrusted(.issuer))]
    NotAllowedToIssue {
        /// The issuer.
        issuer: String,
        /// The type.
        credential_type: CredentialType,
    },
    /// A file that is not valid JSON, has the wrong format tag or an invalid field.
    #[error(transparent)]
    Format(#[from] json::FormatError),
    /// A key or signature does not decode.
    #[error("{what}: field `{field}` does not decode: {source}")]
    InvalidEncoding {
        /// What was being read.
        what: &'static str,
        /// The field.
        field: &'static str,
        /// The core's decoding error.
        #[source]
        source: bbs::Error,
    },
    /// A credential's schema is not one this build knows.
    #[error("unknown schema `{}` version {version} for {credential_type} credentials", Untrusted(.schema))]
    UnknownSchema {
        /// The credential type.
        credential_type: CredentialType,
        /// The schema identifier found.
        schema: String,
        /// The version found.
        version: u8,
    },
    /// A credential's signature does not verify under its issuer's key.
    #[error("the credential's signature does not verify under its issuer's public key")]
    SignatureInvalid,
    /// A holder's operation on a credential that is not holder-bound.
    #[error("the credential is not holder-bound (its issuer generated its holder secret)")]
    NotHolderBound,
    /// The holder has no secrets for the credential's commitment: it was issued to another
    /// holder, or not accepted by this one.
    #[error("the credential is bound to another holder: this holder's folder has no secrets for its commitment (was it issued on a commitment of this holder and accepted with `holder accept`?)")]
    NotBoundToHolder,
    /// A holder-bound credential's signature can only be checked with its holder's
    /// secrets.
    #[error("the credential is holder-bound: its signature can only be checked with the holder's secrets (`holder accept`, `present --holder`)")]
    NeedsHolder,
    /// An error of the BBS core.
    #[error("BBS: {0}")]
    Bbs(#[from] bbs::Error),
}
