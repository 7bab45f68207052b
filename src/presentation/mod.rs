//! Requests and presentations: a verifier asks ([`PresentationRequest`]), the holder
//! answers with one unlinkable zero-knowledge proof per credential ([`present`]), the
//! verifier checks the answer against its request and trust list ([`verify`]).
//!
//! Wire formats: JSON ([`PresentationRequest::to_json`], [`Presentation::to_json`]), the
//! compact binary encoding ([`Presentation::to_compact`]) and QR codes of it ([`qr`]).
//!
//! ```
//! use healthpass::credential::{CredentialType, IssuerKey, Suite};
//! use healthpass::presentation::{self, CredentialRequest, PresentationRequest, TrustList};
//! # let mut rng = rand::rng();
//! # let issuer = IssuerKey::generate("nl-rivm", "RIVM", "NL", Suite::Sha256,
//! #     &CredentialType::ALL, &mut rng)?;
//! # let attributes = serde_json::json!({
//! #     "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1815-12-10",
//! #     "country": "NL", "issuer_name": "RIVM", "certificate_id": "URN:UVCI:01:NL:2",
//! #     "valid_from": "2021-06-01T00:00:00Z", "valid_until": "2027-06-01T00:00:00Z",
//! #     "disease": "840539006", "first_positive_date": "2021-05-20" });
//! let credential = issuer.issue(CredentialType::Recovery, &attributes, &mut rng)?;
//! let now = 1_700_000_000;
//! let asked = CredentialRequest::new(CredentialType::Recovery, &["first_positive_date"], &[], vec![])?;
//! let request = PresentationRequest::new("border", vec![asked], now, 600, &mut rng)?;
//! let answer = presentation::present(&request, &[credential], now, &mut rng)?;
//! let mut trust = TrustList::default();
//! trust.add(issuer.info().clone(), false)?;
//! let verified = presentation::verify(&request, &answer, &trust, now + 60)?;
//! assert_eq!(verified.credentials[0].disclosed[0].1.to_string(), "2021-05-20");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod attribute;
mod batch;
pub mod binding;
mod bundle;
mod formula;
pub use formula::{describe_proven, zk_atoms};
mod compact;
mod compact_request;
mod json;
mod params;
pub mod policy;
mod predicate;
pub mod qr;
mod request;
pub mod rules;
mod store;
mod trust;
mod verify;

pub use batch::{verify_batch, BatchEntry};
pub use binding::{context_id, HolderProof, HOLDER_LABEL};
pub use bundle::{present, present_as, proof_context, Presentation, PresentedCredential};
pub use compact::{COMPACT_DIGEST_BYTES, COMPACT_VERSION, NOT_CANONICAL};
pub use compact_request::{MAX_COMPACT_REQUEST_BYTES, REQUEST_COMPACT_VERSION};
pub use json::{PRESENTATION_FORMAT, REQUEST_FORMAT};
pub use params::{
    hex, set_digest, set_from_bytes, set_kind_from_bytes, set_to_bytes, validity_span,
    ParameterSet, ParamsFor, PredicateParams, Span, MAX_BASE, MAX_SET_BYTES, MAX_SET_SIZE,
    MAX_WINDOW_BASE, MINUTE_VALIDITY_SPAN, SET_TAG, VALIDITY_BASE,
};
pub use policy::{Alternative, Branch, Node, Policy, POLICY_FORMAT};
pub use predicate::{Comparison, Condition, Predicate};
pub use request::{
    CredentialRequest, ParamsRef, PresentationRequest, DEFAULT_VALIDITY_SECONDS, MAX_CREDENTIALS,
    MAX_PREDICATES, MAX_REQUEST_BYTES, MAX_VALIDITY_SECONDS, REQUEST_DIGEST_TAG,
};
pub use store::{ParamStore, StoredSet, MAX_REQUEST_SIGNATURES};
pub use trust::{TrustList, TRUST_LIST_FORMAT};
pub use verify::{verify, VerifiedCredential, VerifiedPresentation};

use crate::credential::json::FormatError;
use crate::credential::{self, CredentialType, ValueError};
use crate::untrusted::Untrusted;

/// Everything that can go wrong with requests, presentations and trust lists.
///
/// [`Error::is_rejection`] tells a presentation or credential that was read but refused
/// (a verifier's "no", a holder's refusal) from input that could not be used at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- unusable input ----
    /// A file that is not valid JSON, has the wrong format tag or an invalid field.
    #[error(transparent)]
    Format(#[from] FormatError),
    /// An attribute the type's schema does not have.
    #[error("attribute `{}` is not part of a {credential_type} credential (it has: {known})", Untrusted(.name))]
    UnknownAttribute {
        /// The credential type.
        credential_type: CredentialType,
        /// The unknown name.
        name: String,
        /// The names it has (the holder secret left out), comma-separated.
        known: String,
    },
    /// The holder secret was asked to be disclosed.
    #[error("`holder_secret` can never be disclosed")]
    HolderSecretNotDisclosable,
    /// A predicate on the holder secret.
    #[error("no predicate may be put on `holder_secret`")]
    PredicateOnHolderSecret,
    /// An attribute named twice in one list.
    #[error("attribute `{}` is listed twice", Untrusted(.name))]
    DuplicateAttribute {
        /// The attribute.
        name: String,
    },
    /// A comparison between a disclosed and a hidden attribute (a statement over
    /// disclosed attributes only is checked by the verifier on the disclosed values; one
    /// over hidden attributes is proven).
    #[error(
        "attribute `{}` is disclosed but compared with a hidden attribute; disclose both or neither",
        Untrusted(.name)
    )]
    PredicateOnDisclosed {
        /// The attribute.
        name: String,
    },
    /// A predicate that does not parse.
    #[error("predicate `{}`: {problem}", Untrusted(.text))]
    PredicateSyntax {
        /// The predicate as written.
        text: String,
        /// What is wrong.
        problem: &'static str,
    },
    /// A comparison or range over an attribute without an order.
    #[error("attribute `{}` is a {type_name}: comparisons and ranges need an integer, date or instant (use `in {{...}}` for a set)", Untrusted(.name))]
    PredicateNeedsOrder {
        /// The attribute.
        name: String,
        /// Its type.
        type_name: &'static str,
    },
    /// A value that does not fit its attribute's type.
    #[error("`{}`: {source}", Untrusted(.name))]
    InvalidValue {
        /// The attribute or predicate.
        name: String,
        /// What is wrong.
        #[source]
        source: ValueError,
    },
    /// Two alternatives of one credential type whose `disclose` or `issuers` lists differ:
    /// the lists would reveal which alternative was satisfied.
    #[error("the policy's {credential_type} alternatives must disclose the same attributes and accept the same issuers (differing lists would reveal the branch)")]
    AlternativesDiffer {
        /// The credential type.
        credential_type: CredentialType,
    },
    /// A compact presentation that does not decode.
    #[error("compact presentation: {problem} (at byte {offset})")]
    Compact {
        /// Where decoding stopped.
        offset: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// A PNG that holds no readable QR code, or data too large for one.
    #[error("QR code: {problem}")]
    Qr {
        /// What is wrong.
        problem: &'static str,
    },
    /// A PNG image whose header declares a frame beyond the caps of [`qr`]: more than
    /// [`qr::MAX_DECLARED_PIXELS`] pixels, a side above [`qr::MAX_SIDE`], or an interlaced
    /// frame above [`qr::MAX_DECODED_PIXELS`]. Refused before any pixel is allocated.
    #[error("QR code: the PNG image declares {width}x{height} pixels, more than this reader takes (at most {} megapixels, {} pixels a side; interlaced at most {} megapixels)", qr::MAX_DECLARED_PIXELS >> 20, qr::MAX_SIDE, qr::MAX_DECODED_PIXELS >> 20)]
    ImageTooLarge {
        /// The declared width.
        width: u32,
        /// The declared height.
        height: u32,
    },
    /// A request file larger than [`MAX_REQUEST_BYTES`], refused before it is parsed.
    #[error("the request has {bytes} bytes, more than the {max} a holder reads")]
    RequestTooLarge {
        /// Its size.
        bytes: usize,
        /// The cap.
        max: usize,
    },
    /// A trust list that already has another key under this identifier and key identifier.
    #[error("issuer `{}`{} is already in the trust list with another key or description", Untrusted(.id), kid_text(.kid))]
    IssuerConflict {
        /// The issuer.
        id: String,
        /// The key identifier (`None`: the issuer's key without one).
        kid: Option<String>,
    },
    /// A credential file or issuer description could not be used.
    #[error(transparent)]
    Credential(credential::Error),
    /// A request names a parameter set that is not at hand (not in the parameter store, or
    /// not attached to the request in memory).
    #[error("the request names parameter set {digest}, which is not in the parameter store: get the file {digest}.set from the verifier's parameter store and add it with `healthpass params add FILE --store DIR` (or give `present --params-from` the verifier's store)")]
    UnknownParams {
        /// The set's digest, in lower-case hexadecimal.
        digest: String,
    },
    /// A parameter store folder that cannot be read or written.
    #[error("parameter store {path}: {problem}")]
    ParamStore {
        /// The folder or file.
        path: String,
        /// What went wrong.
        problem: String,
    },

    // ---- rejections ----
    /// The presentation answers another request (its nonce is not this request's).
    #[error("the presentation answers another request (nonce mismatch)")]
    AnswersAnotherRequest,
    /// The presentation's request digest does not match this request: it answers another
    /// request (the compact form carries no nonce, so this is how that shows there) or this
    /// request was altered since.
    #[error("the presentation answers another request, or this request was altered (request digest mismatch)")]
    RequestDigestMismatch,
    /// The request has expired.
    #[error("the request expired at {expires}")]
    RequestExpired {
        /// When it expired (RFC 3339).
        expires: String,
    },
    /// The presentation does not carry one credential per requested credential.
    #[error("the request asks for {expected} credential(s), the presentation has {actual}")]
    CredentialCountMismatch {
        /// Asked for.
        expected: usize,
        /// Presented.
        actual: usize,
    },
    /// The issuer is not in the verifier's trust list.
    #[error("issuer `{}` is not in the trust list", Untrusted(.issuer))]
    UntrustedIssuer {
        /// The issuer.
        issuer: String,
    },
    /// The issuer is in the trust list, but not the key the presentation names: an unknown
    /// key identifier (one of another issuer, or of a key the verifier no longer trusts), or
    /// none when the issuer has no key without a key identifier.
    #[error("issuer `{}` has no key{} in the trust list", Untrusted(.issuer), unknown_kid_text(.kid))]
    UnknownKey {
        /// The issuer.
        issuer: String,
        /// The key identifier the presentation names.
        kid: Option<String>,
    },
    /// The issuer is trusted but not among those the request accepts.
    #[error(
        "issuer `{}` is not among the issuers the request accepts for {credential_type}",
        Untrusted(.issuer)
    )]
    IssuerNotAccepted {
        /// The issuer.
        issuer: String,
        /// The credential type.
        credential_type: CredentialType,
    },
    /// The presented schema is not the requested one, or one this build does not know.
    #[error("schema mismatch: asked for {expected}, got {found} version {version}")]
    SchemaMismatch {
        /// Asked for.
        expected: CredentialType,
        /// Presented.
        found: CredentialType,
        /// Presented schema version.
        version: u8,
    },
    /// The issuer's trust-list entry does not allow it to issue this type.
    #[error("issuer `{}` is not trusted to issue {credential_type} credentials", Untrusted(.issuer))]
    IssuerMayNotIssue {
        /// The issuer.
        issuer: String,
        /// The credential type.
        credential_type: CredentialType,
    },
    /// The disclosed attributes are not exactly the requested ones.
    #[error("{credential_type}: the disclosed attributes are not the requested ones (missing: [{}], not requested: [{}])", Untrusted(&.missing.join(", ")), Untrusted(&.unexpected.join(", ")))]
    DisclosureMismatch {
        /// The credential type.
        credential_type: CredentialType,
        /// Requested but not disclosed.
        missing: Vec<String>,
        /// Disclosed but not requested.
        unexpected: Vec<String>,
    },
    /// The formula proof does not have the length the request's statements give it (its
    /// length depends on the statements only, never on which branch holds).
    #[error("{credential_type}: the request's statements take a formula proof of {expected} bytes, the presentation has {actual}")]
    PredicateMismatch {
        /// The credential type.
        credential_type: CredentialType,
        /// The length the statements give, in bytes.
        expected: usize,
        /// The presented length, in bytes.
        actual: usize,
    },
    /// The BBS proof does not verify (or does not decode).
    #[error("{credential_type}: the proof does not verify")]
    ProofInvalid {
        /// The credential type.
        credential_type: CredentialType,
    },
    /// The holder has no credential of a requested type.
    #[error("no {credential_type} credential was given, but the request asks for one")]
    NoCredential {
        /// The type asked for.
        credential_type: CredentialType,
    },
    /// The holder's credentials satisfy no alternative of a policy: per credential, why.
    #[error("no credential satisfies the policy `{}`: {}", Untrusted(.policy), Untrusted(&.reasons.join("; ")))]
    PolicyNotSatisfied {
        /// The policy's name.
        policy: String,
        /// Per credential given, its description and the reason (e.g. the first statement
        /// that fails).
        reasons: Vec<String>,
    },
    /// The credential is not valid at the request's time (every presentation proves
    /// `valid_from <= now <= valid_until`, `now` the request's `created` time).
    #[error("the {credential_type} credential is valid from {valid_from} until {valid_until}, not at the request's time {at}")]
    CredentialNotValid {
        /// The credential type.
        credential_type: CredentialType,
        /// Its `valid_from`.
        valid_from: String,
        /// Its `valid_until`.
        valid_until: String,
        /// The request's time.
        at: String,
    },
    /// The request proves the validity in whole units (hours, or days for identity
    /// documents) and the credential's validity is not on whole units: it was issued before
    /// issuance put it there ([`crate::credential::align_validity`]). A request that proves
    /// the validity in minutes (`request --validity-in-minutes`) takes it.
    #[error("the {credential_type} credential's validity ({valid_from} to {valid_until}) is not on whole {unit}, which this request proves it in: ask for a request that proves the validity in minutes (request --validity-in-minutes), or have the credential issued again")]
    ValidityNotInUnits {
        /// The credential type.
        credential_type: CredentialType,
        /// Its `valid_from`.
        valid_from: String,
        /// Its `valid_until`.
        valid_until: String,
        /// "hours" or "days".
        unit: &'static str,
    },
    /// The presentation's branch is missing, or present when the policy does not reveal
    /// branches, or names no branch of the policy.
    #[error("{credential_type}: the presentation's branch does not fit the policy")]
    BranchMismatch {
        /// The credential type.
        credential_type: CredentialType,
    },
    /// A statement over a disclosed attribute that the disclosed value does not satisfy.
    #[error("{credential_type}: the disclosed value does not satisfy `{}`", Untrusted(.predicate))]
    DisclosedValueFails {
        /// The credential type.
        credential_type: CredentialType,
        /// The statement.
        predicate: String,
    },
    /// The holder refuses a predicate its credential does not satisfy.
    #[error("the credential does not satisfy `{}`, so it cannot be proven", Untrusted(.predicate))]
    PredicateFalse {
        /// The predicate, in words.
        predicate: String,
    },
    /// The holder cannot prove a predicate that holds, because the difference from the
    /// bound is larger than the span the request allows.
    #[error("`{}` holds, but the difference from its bound exceeds the span the request allows ({max} at most)", Untrusted(.predicate))]
    PredicateOutOfSpan {
        /// The predicate, in words.
        predicate: String,
        /// The largest difference the request's digits cover.
        max: u64,
    },
    /// The request's predicate parameters carry signatures that do not verify: the holder
    /// refuses to prove against them (forged parameters could reveal the hidden value).
    #[error(
        "the request's parameters for `{}` do not verify; refusing to prove against them",
        Untrusted(.predicate)
    )]
    PredicateParamsRejected {
        /// The predicate, in words.
        predicate: String,
    },
    /// The request's parameters for a comparison or range cover fewer differences than the
    /// attribute type's default span: a successful proof would also show that the value is
    /// within that span of the bound (a second bound the holder did not agree to), so the
    /// holder refuses.
    #[error("the request's parameters for `{}` span only {max} (the default is {minimum}): a proof would reveal more than the predicate; refusing", Untrusted(.predicate))]
    PredicateSpanTooNarrow {
        /// The predicate, in words.
        predicate: String,
        /// The largest difference the request's digits cover.
        max: u64,
        /// The largest difference the type's default span covers.
        minimum: u64,
    },
    /// A predicate proof failed for another reason (malformed parameters or proof shape).
    #[error("predicate proof: {0}")]
    Predicate(crate::zk::Error),
    /// A credential whose signature does not verify.
    #[error("the credential's signature does not verify under its issuer's key")]
    CredentialInvalid,
    /// The request requires a holder-bound credential, and the one presented (or every one
    /// the holder has) is not.
    #[error("the request requires a holder-bound {credential_type} credential (issued on the holder's commitment: `holder commit`, `issue --commitment`); this one is not holder-bound")]
    NotHolderBound {
        /// The credential type.
        credential_type: CredentialType,
    },
    /// A holder-bound credential presented without its holder's secrets.
    #[error("the credential is holder-bound: presenting it needs the holder's file (`present --holder DIR/holder.secret.json`)")]
    HolderNeeded,
    /// Holder-bound credentials of different ciphersuites presented together (their one
    /// holder cannot be proven across suites).
    #[error("holder-bound credentials presented together must share a ciphersuite; these issuers differ: {}", Untrusted(&.issuers.join(", ")))]
    MixedCiphersuites {
        /// Each issuer with its ciphersuite.
        issuers: Vec<String>,
    },
    /// The presentation's pseudonym does not fit the policy: missing where the policy asks
    /// for one, or present where it does not.
    #[error("{credential_type}: the presentation's pseudonym does not fit the policy")]
    PseudonymMismatch {
        /// The credential type.
        credential_type: CredentialType,
    },
}

/// ` (key `KID`)`, or nothing for a key without a key identifier.
fn kid_text(kid: &Option<String>) -> String {
    kid.as_ref()
        .map(|k| format!(" (key `{}`)", Untrusted(k)))
        .unwrap_or_default()
}

fn unknown_kid_text(kid: &Option<String>) -> String {
    match kid {
        Some(k) => format!(" `{}`", Untrusted(k)),
        None => " without a key identifier (the presentation names no key)".to_owned(),
    }
}

impl Error {
    /// `true` for a presentation or credential that was read and refused (the command line's
    /// exit code 1); `false` for unusable input (exit code 2).
    pub fn is_rejection(&self) -> bool {
        !matches!(
            self,
            Error::Format(_)
                | Error::UnknownAttribute { .. }
                | Error::HolderSecretNotDisclosable
                | Error::PredicateOnHolderSecret
                | Error::DuplicateAttribute { .. }
                | Error::AlternativesDiffer { .. }
                | Error::PredicateOnDisclosed { .. }
                | Error::PredicateSyntax { .. }
                | Error::PredicateNeedsOrder { .. }
                | Error::InvalidValue { .. }
                | Error::Compact { .. }
                | Error::Qr { .. }
                | Error::ImageTooLarge { .. }
                | Error::RequestTooLarge { .. }
                | Error::IssuerConflict { .. }
                | Error::Credential(_)
                | Error::UnknownParams { .. }
                | Error::ParamStore { .. }
                | Error::HolderNeeded
                | Error::MixedCiphersuites { .. }
        )
    }
}

impl From<credential::Error> for Error {
    fn from(e: credential::Error) -> Self {
        match e {
            credential::Error::SignatureInvalid => Error::CredentialInvalid,
            other => Error::Credential(other),
        }
    }
}
