//! A verifier's request: nonce, verifier, validity, and per credential asked for a
//! [`Policy`] (alternatives of one credential type each, with the attributes to disclose,
//! the accepted issuers and the statements to prove). Every credential is also proven valid
//! at the request's time, without the verifier asking.

use rand_core::CryptoRng;
use sha2::{Digest, Sha256};

use super::attribute::check_attribute;
use super::params::{validity_span, PredicateParams, MINUTE_VALIDITY_SPAN};
use super::policy::Policy;
use super::predicate::{Condition, Predicate};
use super::Error;
use crate::credential::bytes::ByteWriter;
use crate::credential::{AttributeValue, CredentialType, Schema, HOLDER_SECRET};

/// How long a request stays valid by default: 10 minutes.
pub const DEFAULT_VALIDITY_SECONDS: i64 = 600;

/// The longest validity a request may have: 24 hours (`request --valid-for` at most 1440
/// minutes). Its `now` and `today` bounds were resolved when it was made, so a longer-lived
/// request would keep accepting what has since expired.
pub const MAX_VALIDITY_SECONDS: i64 = 86_400;

/// The most statements one credential request (one alternative of a policy) may carry
/// (bounds the holder's work on a hostile request).
pub const MAX_PREDICATES: usize = 16;

/// The most credentials one request may ask for.
pub const MAX_CREDENTIALS: usize = 16;

/// The largest request file a holder reads (2 MiB). Requests name their parameter sets by
/// digest, so they are small; the largest ones list the values of `in {..}` sets (16
/// credentials of 16 predicates, each a set of 256 codes, is about 1.5 MB). Larger ones are
/// refused before they are parsed ([`Error::RequestTooLarge`]).
pub const MAX_REQUEST_BYTES: usize = 2 << 20;

/// Domain tag of the request digest's input.
pub const REQUEST_DIGEST_TAG: &[u8] = b"healthpass-request/2";

/// Tag of the request digest's part on holder binding and pseudonyms (present only when a
/// policy asks for either).
pub const HOLDER_DIGEST_TAG: &[u8] = b"holder";

/// What a verifier asks of one credential: one alternative of a policy with its branch
/// chosen, a plain AND of statements. [`Policy`] turns it into a policy of one alternative.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialRequest {
    /// The credential type asked for.
    pub credential_type: CredentialType,
    /// The attributes to disclose, in the order the compact encoding carries them (possibly
    /// none).
    pub disclose: Vec<String>,
    /// The accepted issuers; empty: any issuer in the verifier's trust list.
    pub issuers: Vec<String>,
    /// The predicates to prove over hidden attributes.
    pub predicates: Vec<Predicate>,
}

impl CredentialRequest {
    /// A request for a credential of type `credential_type` that discloses `disclose`,
    /// checked: every name in the schema, none twice, never the holder secret.
    pub fn new(
        credential_type: CredentialType,
        disclose: &[&str],
        issuers: &[&str],
        predicates: Vec<Predicate>,
    ) -> Result<Self, Error> {
        let r = Self {
            credential_type,
            disclose: disclose.iter().map(|s| (*s).to_owned()).collect(),
            issuers: issuers.iter().map(|s| (*s).to_owned()).collect(),
            predicates,
        };
        r.check()?;
        Ok(r)
    }

    /// The schema of the requested type.
    pub fn schema(&self) -> &'static Schema {
        self.credential_type.schema()
    }

    /// Checks the disclosure list, the issuers and the predicates against the schema.
    pub fn check(&self) -> Result<(), Error> {
        let schema = self.schema();
        for (i, name) in self.disclose.iter().enumerate() {
            check_attribute(schema, name)?;
            if name == HOLDER_SECRET {
                return Err(Error::HolderSecretNotDisclosable);
            }
            if self.disclose[..i].contains(name) {
                return Err(Error::DuplicateAttribute { name: name.clone() });
            }
        }
        for (i, id) in self.issuers.iter().enumerate() {
            if !crate::credential::is_valid_issuer_id(id) || self.issuers[..i].contains(id) {
                return Err(Error::from(crate::credential::json::invalid(
                    "request",
                    "issuers",
                    "holds an invalid or repeated issuer identifier",
                )));
            }
        }
        check_counts(1, [self.predicates.len()])?;
        for p in &self.predicates {
            p.check(schema)?;
            let disclosed = p.attributes().filter(|n| self.is_disclosed(n)).count();
            if disclosed != 0 && disclosed != p.attributes().count() {
                return Err(Error::PredicateOnDisclosed {
                    name: p
                        .attributes()
                        .find(|n| self.is_disclosed(n))
                        .unwrap_or_default()
                        .to_owned(),
                });
            }
        }
        Ok(())
    }

    fn is_disclosed(&self, name: &str) -> bool {
        self.disclose.iter().any(|d| d == name)
    }

    /// `true` when the statement reads disclosed attributes only: the verifier checks it on
    /// the disclosed values, and no proof is made for it.
    pub fn is_checked_in_clear(&self, p: &Predicate) -> bool {
        p.attributes().all(|n| self.is_disclosed(n))
    }

    /// The statements proven in zero knowledge (over hidden attributes), in order.
    pub fn proven(&self) -> impl Iterator<Item = &Predicate> {
        self.predicates
            .iter()
            .filter(|p| !self.is_checked_in_clear(p))
    }

    /// The indexes in `schema` (the presented credential's) of the disclosed attributes, in
    /// disclosure order.
    pub fn disclosed_indexes(&self, schema: &Schema) -> Result<Vec<usize>, Error> {
        self.disclose
            .iter()
            .map(|n| check_attribute(schema, n))
            .collect()
    }

    /// The BBS message indexes the disclosed attributes reveal in a credential of `schema`:
    /// each attribute's own, followed by its companion's when it has one (the first day of
    /// a partial date).
    pub fn disclosed_messages(&self, schema: &Schema) -> Result<Vec<usize>, Error> {
        let mut out = Vec::with_capacity(self.disclose.len() + 1);
        for i in self.disclosed_indexes(schema)? {
            out.extend(schema.message_indexes(i));
        }
        Ok(out)
    }
}

/// Checks the number of credentials (1 to [`MAX_CREDENTIALS`]) and of predicates per
/// credential (at most [`MAX_PREDICATES`]); a request file is checked with this before its
/// predicates are read.
pub(crate) fn check_counts(
    credentials: usize,
    predicates: impl IntoIterator<Item = usize>,
) -> Result<(), Error> {
    let invalid =
        |field, problem| Error::from(crate::credential::json::invalid("request", field, problem));
    if credentials == 0 || credentials > MAX_CREDENTIALS {
        return Err(invalid("policies", "must ask for 1 to 16 credentials"));
    }
    if predicates.into_iter().any(|n| n > MAX_PREDICATES) {
        return Err(invalid(
            "predicates",
            "holds more than 16 predicates for one credential",
        ));
    }
    Ok(())
}

/// One place a request names a parameter set ([`PresentationRequest::params_mut`]).
#[derive(Debug)]
pub enum ParamsRef<'a> {
    /// The validity statements' digit set.
    Validity(&'a mut PredicateParams),
    /// A statement of a credential of this schema.
    Statement(&'static Schema, &'a mut Predicate),
}

impl ParamsRef<'_> {
    /// The digest of the set named here (`None` for a statement checked in the clear).
    pub fn digest(&self) -> Option<[u8; 32]> {
        match self {
            ParamsRef::Validity(p) => Some(p.digest),
            ParamsRef::Statement(_, p) => p.params.as_ref().map(|x| x.digest),
        }
    }

    /// Attaches `set`, after checking it is what this place needs (a digit set of the
    /// validity base, or what [`Predicate::resolve`] accepts).
    pub fn resolve(&mut self, set: crate::zk::SignedSet) -> Result<(), Error> {
        match self {
            ParamsRef::Validity(p) => {
                if !matches!(set.kind(), crate::zk::SetKind::Digits { base } if *base == validity_span().base)
                {
                    return Err(Error::PredicateParamsRejected {
                        predicate: "the validity statements".into(),
                    });
                }
                p.resolve(set)
            }
            ParamsRef::Statement(schema, p) => p.resolve(set, schema),
        }
    }
}

/// A verifier's request for a presentation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresentationRequest {
    /// The verifier's identifier.
    pub verifier: String,
    /// A fresh random nonce.
    pub nonce: [u8; 32],
    /// When the request was made, in seconds since the Unix epoch.
    pub created: i64,
    /// When it expires, in seconds since the Unix epoch; presentations are rejected after.
    pub expires: i64,
    /// What is asked, one policy per credential (all must be answered).
    pub policies: Vec<Policy>,
    /// The parameters of the validity statements every presented credential is proven to
    /// satisfy, `valid_from <= created <= valid_until` (at [`validity_span`]).
    pub validity: PredicateParams,
}

impl PresentationRequest {
    /// A new request made at `now` (seconds since the Unix epoch), valid for
    /// `validity_seconds`, with a fresh nonce and fresh validity parameters from `rng`; one
    /// policy (or [`CredentialRequest`], a policy of one alternative) per credential.
    pub fn new<P: Into<Policy>>(
        verifier: &str,
        policies: impl IntoIterator<Item = P>,
        now: i64,
        validity_seconds: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Self, Error> {
        let validity = PredicateParams::generate_validity(rng)?;
        Self::new_with_validity(verifier, policies, now, validity_seconds, validity, rng)
    }

    /// [`PresentationRequest::new`] with given validity parameters (e.g.
    /// [`ParamStore::validity`](super::ParamStore::validity), the verifier's long-lived set).
    pub fn new_with_validity<P: Into<Policy>>(
        verifier: &str,
        policies: impl IntoIterator<Item = P>,
        now: i64,
        validity_seconds: i64,
        validity: PredicateParams,
        rng: &mut impl CryptoRng,
    ) -> Result<Self, Error> {
        let mut nonce = [0u8; 32];
        rng.fill_bytes(&mut nonce);
        let r = Self {
            verifier: verifier.to_owned(),
            nonce,
            created: now,
            expires: now.saturating_add(validity_seconds),
            policies: policies.into_iter().map(Into::into).collect(),
            validity,
        };
        r.check()?;
        Ok(r)
    }

    /// Whether this request proves the validity in units (one digit a statement, at
    /// [`validity_span`]) rather than in minutes ([`MINUTE_VALIDITY_SPAN`]): decided by its
    /// validity parameters' digit count.
    pub fn validity_in_units(&self) -> bool {
        self.validity.digits == validity_span().digits
    }

    /// The two validity statements a credential of `schema` is proven to satisfy:
    /// `valid_from <= now` and `valid_until >= now`, `now` the request's `created` time,
    /// with the request's validity parameters.
    ///
    /// In units ([`PresentationRequest::validity_in_units`]), the bounds are `now` rounded
    /// down (for `valid_from`) and up (for `valid_until`) to the type's validity unit, and the
    /// statements prove the differences as whole units (scale = the unit): for a credential
    /// whose validity is on whole units, as issuance signs it, each is exactly the statement
    /// over seconds. In minutes, `now` is rounded to the minute the same way.
    pub fn validity_statements(&self, schema: &Schema) -> Result<Vec<Predicate>, Error> {
        let (unit, params) = if self.validity_in_units() {
            let unit = schema.credential_type.validity_unit();
            (i64::from(unit), self.validity.clone().with_scale(unit))
        } else {
            (1, self.validity.clone())
        };
        let unit_seconds = 60 * unit;
        let earliest = self.created.div_euclid(unit_seconds) * unit;
        let latest = earliest + i64::from(self.created.rem_euclid(unit_seconds) != 0) * unit;
        [
            (
                "valid_from",
                Condition::AtMost(AttributeValue::Instant(earliest)),
            ),
            (
                "valid_until",
                Condition::AtLeast(AttributeValue::Instant(latest)),
            ),
        ]
        .into_iter()
        .map(|(name, condition)| {
            let p = Predicate {
                attribute: name.to_owned(),
                condition,
                params: Some(params.clone()),
            };
            p.check(schema)?;
            Ok(p)
        })
        .collect()
    }

    /// Whether `credential`'s validity can be proven under this request: in minutes always;
    /// in units only when both ends lie on whole units of its type, as issuance puts them
    /// ([`crate::credential::align_validity`]).
    pub fn validity_provable(&self, credential: &crate::credential::Credential) -> bool {
        let unit = i64::from(credential.credential_type().validity_unit());
        !self.validity_in_units()
            || ["valid_from", "valid_until"].iter().all(|n| {
                matches!(credential.value(n), Some(AttributeValue::Instant(m)) if m.rem_euclid(unit) == 0)
            })
    }

    /// Checks every part: a verifier identifier, at least one credential, a validity that
    /// ends after it starts and lasts at most [`MAX_VALIDITY_SECONDS`], and each credential
    /// request (see [`CredentialRequest::check`]).
    pub fn check(&self) -> Result<(), Error> {
        let invalid = |field, problem| {
            Error::from(crate::credential::json::invalid("request", field, problem))
        };
        if self.verifier.is_empty() || self.verifier.len() > 255 {
            return Err(invalid("verifier", "must have 1 to 255 bytes"));
        }
        check_counts(self.policies.len(), [])?;
        let span = if self.validity_in_units() {
            validity_span()
        } else {
            MINUTE_VALIDITY_SPAN
        };
        if self.validity.digits != span.digits
            || (self.validity.is_resolved()
                && self.validity.span().is_none_or(|s| s.base != span.base))
        {
            return Err(invalid(
                "validity",
                "must name 1 digit of a base-65536 digit set (VALIDITY_BASE), or 2 digits of a base-4096 set (validity in minutes)",
            ));
        }
        if self.expires <= self.created {
            return Err(invalid("expires", "must be later than `created`"));
        }
        if self
            .expires
            .checked_sub(self.created)
            .is_none_or(|d| d > MAX_VALIDITY_SECONDS)
        {
            return Err(invalid(
                "expires",
                "must be at most 24 hours after `created`",
            ));
        }
        self.policies.iter().try_for_each(Policy::check)
    }

    /// The request digest: SHA-256 of the request's canonical encoding, which covers every
    /// field, the nonce included (`docs/formats.md` gives the layout).
    pub fn digest(&self) -> [u8; 32] {
        let mut w = ByteWriter::default();
        w.bytes(REQUEST_DIGEST_TAG)
            .bytes(self.verifier.as_bytes())
            .raw(&self.nonce)
            .zigzag(self.created)
            .zigzag(self.expires);
        self.validity.write_canonical(&mut w);
        w.varint(self.policies.len() as u64);
        for p in &self.policies {
            p.write_canonical(&mut w);
        }
        // Holder binding and pseudonyms, after everything else and only when some policy
        // asks for them (so the digests of requests without them are unchanged).
        if self
            .policies
            .iter()
            .any(|p| p.holder_bound || p.pseudonym.is_some())
        {
            w.bytes(HOLDER_DIGEST_TAG);
            for p in &self.policies {
                w.u8(u8::from(p.holder_bound));
                match &p.pseudonym {
                    None => w.u8(0),
                    Some(c) => w.u8(1).bytes(c.as_bytes()),
                };
            }
        }
        Sha256::digest(&w.buf).into()
    }

    /// The parameters the request names: the validity statements' first, then every
    /// statement's (in policy, alternative and document order; repeats included).
    pub fn params(&self) -> Vec<&PredicateParams> {
        let statements = self
            .policies
            .iter()
            .flat_map(|p| &p.alternatives)
            .flat_map(|a| a.statements())
            .filter_map(|s| s.params.as_ref());
        core::iter::once(&self.validity).chain(statements).collect()
    }

    /// Every parameter reference of the request, mutably (to attach parameter sets): the
    /// validity statements' and every statement's.
    pub fn params_mut(&mut self) -> Vec<ParamsRef<'_>> {
        let mut out = vec![ParamsRef::Validity(&mut self.validity)];
        for policy in &mut self.policies {
            out.extend(
                policy
                    .statements_mut()
                    .into_iter()
                    .map(|(schema, p)| ParamsRef::Statement(schema, p)),
            );
        }
        out
    }

    /// `true` when the request has expired at `now` (seconds since the Unix epoch).
    pub fn is_expired(&self, now: i64) -> bool {
        now > self.expires
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> PresentationRequest {
        let c = CredentialRequest::new(
            CredentialType::Vaccination,
            &["vaccine_product"],
            &[],
            vec![],
        )
        .unwrap();
        PresentationRequest::new("border", vec![c], 1_700_000_000, 600, &mut rand::rng()).unwrap()
    }

    #[test]
    fn every_field_changes_the_digest() {
        let r = request();
        let d = r.digest();
        let mut changed = vec![];
        let mut m = r.clone();
        m.nonce[0] ^= 1;
        changed.push(m);
        let mut m = r.clone();
        m.verifier.push('x');
        changed.push(m);
        let mut m = r.clone();
        m.expires += 1;
        changed.push(m);
        let mut m = r.clone();
        m.created -= 1;
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].alternatives[0]
            .disclose
            .push("dose_number".into());
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].holder_bound = true;
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].pseudonym = Some("venue-42".into());
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].holder_bound = true;
        m.policies[0].pseudonym = Some("venue-42".into());
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].pseudonym = Some("venue-43".into());
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].alternatives[0].issuers.push("nl".into());
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].alternatives[0].credential_type = CredentialType::Test;
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].reveal_branch = true;
        changed.push(m);
        let mut m = r.clone();
        m.policies[0].name.push('x');
        changed.push(m);
        let mut m = r.clone();
        m.validity.digits += 1;
        changed.push(m);
        for m in changed {
            assert_ne!(m.digest(), d, "{m:?}");
        }
    }

    #[test]
    fn disclosure_lists_are_checked() {
        let t = CredentialType::Test;
        assert!(matches!(
            CredentialRequest::new(t, &["holder_secret"], &[], vec![]),
            Err(Error::HolderSecretNotDisclosable)
        ));
        assert!(matches!(
            CredentialRequest::new(t, &["vaccine_product"], &[], vec![]),
            Err(Error::UnknownAttribute { .. })
        ));
        assert!(matches!(
            CredentialRequest::new(t, &["test_result", "test_result"], &[], vec![]),
            Err(Error::DuplicateAttribute { .. })
        ));
        assert!(CredentialRequest::new(t, &[], &[], vec![]).is_ok());
    }
}
