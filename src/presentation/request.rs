//! A verifier's request: nonce, verifier, validity, and per credential type the attributes
//! to disclose, the accepted issuers and the predicates to prove.

use rand_core::CryptoRng;
use sha2::{Digest, Sha256};

use super::attribute::check_attribute;
use super::predicate::Predicate;
use super::Error;
use crate::credential::bytes::ByteWriter;
use crate::credential::{CredentialType, Schema, HOLDER_SECRET};

/// How long a request stays valid by default: 10 minutes.
pub const DEFAULT_VALIDITY_SECONDS: i64 = 600;

/// The longest validity a request may have: 24 hours (`request --valid-for` at most 1440
/// minutes). Its `now` and `today` bounds were resolved when it was made, so a longer-lived
/// request would keep accepting what has since expired.
pub const MAX_VALIDITY_SECONDS: i64 = 86_400;

/// The most predicates one credential request may carry (bounds the holder's work on a
/// hostile request).
pub const MAX_PREDICATES: usize = 16;

/// The most credentials one request may ask for.
pub const MAX_CREDENTIALS: usize = 16;

/// The largest request file a holder reads (2 MiB). Requests name their parameter sets by
/// digest, so they are small; the largest ones list the values of `in {..}` sets (16
/// credentials of 16 predicates, each a set of 256 codes, is about 1.5 MB). Larger ones are
/// refused before they are parsed ([`Error::RequestTooLarge`]).
pub const MAX_REQUEST_BYTES: usize = 2 << 20;

/// Domain tag of the request digest's input.
pub const REQUEST_DIGEST_TAG: &[u8] = b"healthpass-request/1";

/// What a verifier asks of one credential.
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
            if self.disclose.contains(&p.attribute) {
                return Err(Error::PredicateOnDisclosed {
                    name: p.attribute.clone(),
                });
            }
        }
        Ok(())
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
        return Err(invalid("credentials", "must ask for 1 to 16 credentials"));
    }
    if predicates.into_iter().any(|n| n > MAX_PREDICATES) {
        return Err(invalid(
            "predicates",
            "holds more than 16 predicates for one credential",
        ));
    }
    Ok(())
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
    /// What is asked, one entry per credential.
    pub credentials: Vec<CredentialRequest>,
}

impl PresentationRequest {
    /// A new request made at `now` (seconds since the Unix epoch), valid for
    /// `validity_seconds`, with a fresh nonce from `rng`.
    pub fn new(
        verifier: &str,
        credentials: Vec<CredentialRequest>,
        now: i64,
        validity_seconds: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Self, Error> {
        let mut nonce = [0u8; 32];
        rng.fill_bytes(&mut nonce);
        let r = Self {
            verifier: verifier.to_owned(),
            nonce,
            created: now,
            expires: now.saturating_add(validity_seconds),
            credentials,
        };
        r.check()?;
        Ok(r)
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
        check_counts(
            self.credentials.len(),
            self.credentials.iter().map(|c| c.predicates.len()),
        )?;
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
        self.credentials
            .iter()
            .try_for_each(CredentialRequest::check)
    }

    /// The request digest: SHA-256 of the request's canonical encoding, which covers every
    /// field, the nonce included (`docs/formats.md` gives the layout).
    pub fn digest(&self) -> [u8; 32] {
        let mut w = ByteWriter::default();
        w.bytes(REQUEST_DIGEST_TAG)
            .bytes(self.verifier.as_bytes())
            .raw(&self.nonce)
            .zigzag(self.created)
            .zigzag(self.expires)
            .varint(self.credentials.len() as u64);
        for c in &self.credentials {
            w.u8(c.credential_type.code());
            w.varint(c.disclose.len() as u64);
            for name in &c.disclose {
                w.bytes(name.as_bytes());
            }
            w.varint(c.issuers.len() as u64);
            for id in &c.issuers {
                w.bytes(id.as_bytes());
            }
            w.varint(c.predicates.len() as u64);
            for p in &c.predicates {
                p.write_canonical(&mut w);
            }
        }
        Sha256::digest(&w.buf).into()
    }

    /// Every predicate of the request, mutably (to attach parameter sets).
    pub fn predicates_mut(&mut self) -> impl Iterator<Item = &mut super::Predicate> {
        self.credentials
            .iter_mut()
            .flat_map(|c| c.predicates.iter_mut())
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
        m.credentials[0].disclose.push("dose_number".into());
        changed.push(m);
        let mut m = r.clone();
        m.credentials[0].issuers.push("nl".into());
        changed.push(m);
        let mut m = r.clone();
        m.credentials[0].credential_type = CredentialType::Test;
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
