//! Issuers, their keys, and the credentials they sign.

use core::fmt;

use bls12_381::Scalar;
use rand_core::CryptoRng;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

use super::attribute::{AttributeType, AttributeValue, HolderSecret, ValueError};
use super::holder::{commitment_digest, Binding, HolderCommitment, NYM_COUNT};
use super::json::wipe_strings;
use super::schema::{CredentialType, Schema, HOLDER_SECRET};
use super::valueset::ValueSet;
use super::{api_id, header, is_valid_issuer_id, is_valid_key_id, with_suite, Error, Suite};
use crate::bbs::nym::{self, SignerNymEntropy};
use crate::bbs::{self, Ciphersuite, Generators, PublicKey, SecretKey, Signature};

/// What everyone may know about an issuer: the contents of its public file and of its
/// trust-list entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerInfo {
    /// The issuer's identifier (see [`super::is_valid_issuer_id`]).
    pub id: String,
    /// The key's identifier among the issuer's keys ([`super::is_valid_key_id`]), or `None`
    /// for an issuer's key without one (the issuer's default key: `docs/formats.md`, "Key
    /// identifiers").
    pub kid: Option<String>,
    /// A display name.
    pub name: String,
    /// The issuer's ISO 3166-1 alpha-2 country, or empty when not given.
    pub country: String,
    /// The ciphersuite of its key.
    pub suite: Suite,
    /// Its BBS public key.
    pub public_key: PublicKey,
    /// The credential types it may issue.
    pub schemas: Vec<CredentialType>,
}

impl IssuerInfo {
    /// Checks the identifier, the key identifier and the country.
    pub fn check(&self) -> Result<(), Error> {
        if !is_valid_issuer_id(&self.id) {
            return Err(Error::InvalidIssuerId {
                id: self.id.clone(),
            });
        }
        if let Some(kid) = self.kid.as_ref().filter(|k| !is_valid_key_id(k)) {
            return Err(Error::InvalidKeyId { kid: kid.clone() });
        }
        if !self.country.is_empty() && !ValueSet::Country.contains(&self.country) {
            return Err(Error::UnknownCountry {
                code: self.country.clone(),
            });
        }
        Ok(())
    }

    /// `true` when the issuer may issue credentials of type `t`.
    pub fn may_issue(&self, t: CredentialType) -> bool {
        self.schemas.contains(&t)
    }
}

/// An issuer's signing key with its public description. Zeroized on drop; `Debug` shows
/// only the public part.
#[derive(Clone)]
pub struct IssuerKey {
    info: IssuerInfo,
    secret: SecretKey,
    allow_unlisted_codes: bool,
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerKey")
            .field("info", &self.info)
            .finish_non_exhaustive()
    }
}

impl IssuerKey {
    /// A fresh key: 32 bytes from `rng` as KeyGen's `key_material`, the identifier as its
    /// `key_info` (draft §3.4.1).
    pub fn generate(
        id: &str,
        name: &str,
        country: &str,
        suite: Suite,
        schemas: &[CredentialType],
        rng: &mut impl CryptoRng,
    ) -> Result<Self, Error> {
        let mut material = [0u8; 32];
        rng.fill_bytes(&mut material);
        let secret = with_suite!(suite, C => bbs::keygen::<C>(&material, id.as_bytes(), None));
        material.zeroize();
        let secret = secret?;
        Self::from_parts(
            IssuerInfo {
                id: id.to_owned(),
                kid: None,
                name: name.to_owned(),
                country: country.to_owned(),
                suite,
                public_key: secret.public_key(),
                schemas: schemas.to_vec(),
            },
            secret,
        )
    }

    /// Joins a public description and a secret key, checking that they belong together.
    pub fn from_parts(info: IssuerInfo, secret: SecretKey) -> Result<Self, Error> {
        info.check()?;
        if secret.public_key() != info.public_key {
            return Err(Error::from(super::json::invalid(
                "issuer secret file",
                "secret_key",
                "does not belong to the public key",
            )));
        }
        Ok(Self {
            info,
            secret,
            allow_unlisted_codes: false,
        })
    }

    /// Whether this key signs codes outside their value sets (default: no, issuance refuses
    /// them, naming the attribute). Real issuers meet codes newer or older than the
    /// project's embedded value sets; allowing them signs such a code exactly as a listed
    /// one (its text, hashed to a scalar). Readers (credential files, presentations,
    /// statements) accept any code text: the value set bounds only what issuance signs.
    /// On the command line: `issue --allow-unlisted-codes`.
    pub fn set_allow_unlisted_codes(&mut self, allow: bool) {
        self.allow_unlisted_codes = allow;
    }

    /// See [`IssuerKey::set_allow_unlisted_codes`].
    pub fn allows_unlisted_codes(&self) -> bool {
        self.allow_unlisted_codes
    }

    /// The same key under key identifier `kid` (`None`: without one).
    pub fn with_kid(mut self, kid: Option<&str>) -> Result<Self, Error> {
        self.info.kid = kid.map(str::to_owned);
        self.info.check()?;
        Ok(self)
    }

    /// The public description.
    pub fn info(&self) -> &IssuerInfo {
        &self.info
    }

    /// The secret key.
    pub fn secret_key(&self) -> &SecretKey {
        &self.secret
    }

    /// Issues a credential of type `credential_type` under the current schema, now (the
    /// system clock), from a JSON object of attribute values: [`IssuerKey::issue_under`].
    pub fn issue(
        &self,
        credential_type: CredentialType,
        attributes: &Value,
        rng: &mut impl CryptoRng,
    ) -> Result<Credential, Error> {
        self.issue_under(credential_type.schema(), attributes, unix_now(), rng)
    }

    /// Issues a credential of type `credential_type` under the current schema at `at`
    /// (seconds since the Unix epoch, the issuance time the checks use).
    pub fn issue_at(
        &self,
        credential_type: CredentialType,
        attributes: &Value,
        at: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Credential, Error> {
        self.issue_under(credential_type.schema(), attributes, at, rng)
    }

    /// Issues a credential under `schema` at `at` (seconds since the Unix epoch) from a
    /// JSON object of attribute values (the `ATTRS.json` form: every attribute of the schema
    /// but `holder_secret`, which is generated here). Every attribute is validated, then the
    /// validity is put on whole units ([`align_validity`]) and the issuance checks run
    /// ([`check_issuance`]); errors name the attribute.
    pub fn issue_under(
        &self,
        schema: &'static Schema,
        attributes: &Value,
        at: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Credential, Error> {
        self.issue_with(schema, attributes, None, at, rng)
    }

    /// Issues a holder-bound credential of `credential_type` (current schema) at `at`:
    /// [`IssuerKey::issue_with`] with the holder's commitment.
    pub fn issue_bound_at(
        &self,
        credential_type: CredentialType,
        attributes: &Value,
        commitment: &HolderCommitment,
        at: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Credential, Error> {
        self.issue_with(
            credential_type.schema(),
            attributes,
            Some(commitment),
            at,
            rng,
        )
    }

    /// Issues a credential under `schema` at `at`. Without a commitment, as
    /// [`IssuerKey::issue_under`]: the holder secret is generated here and signed like any
    /// attribute. With the holder's [`HolderCommitment`], a holder-bound credential
    /// (`credential::holder`): the commitment of the issuer's ciphersuite must commit to a
    /// holder secret and one nym, its proof is checked (BlindSignWithNym,
    /// per-verifier-linkability §6.1.2, checks it before signing), the `holder_secret` slot
    /// is signed as `0` and the holder's committed secret and nym after the blind, with a
    /// fresh `signer_nym_entropy`. The issuer never sees the holder secret.
    pub fn issue_with(
        &self,
        schema: &'static Schema,
        attributes: &Value,
        commitment: Option<&HolderCommitment>,
        at: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Credential, Error> {
        let credential_type = schema.credential_type;
        if !self.info.may_issue(credential_type) {
            return Err(Error::NotAllowedToIssue {
                issuer: self.info.id.clone(),
                credential_type,
            });
        }
        if attributes.get(HOLDER_SECRET).is_some() {
            return Err(Error::HolderSecretGiven);
        }
        let mut with_secret = Value::Object(
            attributes
                .as_object()
                .ok_or(Error::AttributesNotAnObject)?
                .clone(),
        );
        let secret = AttributeValue::Secret(HolderSecret::random(rng));
        let commitment = commitment
            .map(|c| c.for_suite(self.info.suite))
            .transpose()?;
        with_secret[HOLDER_SECRET] = secret.to_json();
        let values = values_from_json(schema, &with_secret, AttributeValue::from_json);
        // The map now holds the holder secret's text.
        wipe_strings(&mut with_secret);
        let mut values = values?;
        align_validity(schema, &mut values);
        if !self.allow_unlisted_codes {
            check_listed_codes(schema, &values)?;
        }
        check_issuance(schema, &values, at)?;
        let header = header(schema, &self.info.id);
        let binding = commitment.map(|c| Binding {
            commitment: commitment_digest(c),
            nym_entropy: SignerNymEntropy::random(rng),
        });
        if let (Some(slot), Some(_)) = (values.first_mut(), &binding) {
            *slot = AttributeValue::Secret(HolderSecret::bound_slot());
        }
        let (signature, profile_signature) = with_suite!(self.info.suite, C => {
            let api_id = api_id::<C>();
            let scalars = to_scalars::<C>(&values, &api_id)?;
            match (commitment, &binding) {
                (Some(c), Some(b)) => (nym::core_blind_sign_with_nym::<C>(&self.secret,
                    &self.info.public_key, c, NYM_COUNT, &b.nym_entropy, &header, &scalars,
                    &api_id)?, None),
                _ => {
                    let generators = Generators::new::<C>(scalars.len(), &api_id)?;
                    (bbs::core_sign::<C>(&self.secret, &self.info.public_key, &generators,
                        &header, &scalars, &api_id)?,
                     sign_profile::<C>(self, schema, &values, &api_id)?)
                }
            }
        });
        Ok(Credential {
            issuer: self.info.clone(),
            schema,
            values,
            signature,
            binding,
            profile_signature,
        })
    }
}

/// Seconds since the Unix epoch by the system clock (0 if it is before 1970).
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The longest validity a credential may have: ten years (3,653 days), in minutes. Every
/// presentation proves `valid_from <= now <= valid_until`; the span of those two statements
/// is derived from this (`presentation::validity_span`), so a credential of the longest
/// validity stays presentable throughout, and a proof reveals nothing beyond what the
/// validity already bounds.
pub const MAX_VALIDITY_MINUTES: i64 = 3653 * 1440;

/// The most validity units ([`CredentialType::validity_unit`]) a credential may last:
/// 65,535, so that each validity statement of a presentation is one digit of a 2^16 digit
/// set (`presentation::validity_span`): seven and a half years in hours. The ten years of
/// [`MAX_VALIDITY_MINUTES`] bound identity documents, counted in days.
pub const MAX_VALIDITY_UNITS: i64 = 65_535;

/// The longest validity a credential of `credential_type` may have, in minutes: the
/// smaller of [`MAX_VALIDITY_MINUTES`] and [`MAX_VALIDITY_UNITS`] units.
pub fn max_validity_minutes(credential_type: CredentialType) -> i64 {
    MAX_VALIDITY_MINUTES.min(MAX_VALIDITY_UNITS * i64::from(credential_type.validity_unit()))
}

/// Puts the validity on whole units of the type ([`CredentialType::validity_unit`]),
/// inward so that it never grows: `valid_from` rounded up, `valid_until` down (a credential
/// valid from 10:17 is valid from 11:00). Issuance signs the result, so that a presentation
/// proves `valid_from <= now <= valid_until` with one digit per bound, counted in units
/// (`docs/notes/predicates.md`, "Validity in units"). Values that are not instants are left
/// for [`check_issuance`] to refuse.
pub fn align_validity(schema: &Schema, values: &mut [AttributeValue]) {
    let unit = i64::from(schema.credential_type.validity_unit());
    for (name, up) in [("valid_from", true), ("valid_until", false)] {
        if let Some(AttributeValue::Instant(m)) =
            schema.attribute(name).and_then(|(i, _)| values.get_mut(i))
        {
            let down = m.div_euclid(unit) * unit;
            *m = if up && down != *m { down + unit } else { down };
        }
    }
}

/// The attributes that record an event, which cannot lie after the issuance time.
const EVENTS: [&str; 4] = [
    "birth_date",
    "vaccination_date",
    "sample_time",
    "first_positive_date",
];

/// The issuance checks, on values that already fit their types, at `at` (seconds since the
/// Unix epoch):
/// - an event (birth date, vaccination date, sample time, first positive test) must not lie
///   after the issuance time: a date must not be after the UTC date of `at` (a partial birth
///   date: its first possible day), an instant not after the minute of `at`;
/// - `valid_until` must be later than `valid_from`, by at most [`MAX_VALIDITY_MINUTES`];
/// - `dose_number` and `total_doses` must not be negative (`dose_number > total_doses` is
///   allowed: DCCs encode boosters that way).
pub fn check_issuance(schema: &Schema, values: &[AttributeValue], at: i64) -> Result<(), Error> {
    let value = |name: &str| schema.attribute(name).and_then(|(i, _)| values.get(i));
    let refuse = |name: &'static str, problem: String| Err(Error::Refused { name, problem });
    let (today, minute) = (at.div_euclid(86_400), at.div_euclid(60));
    for name in EVENTS {
        let late = match value(name) {
            Some(AttributeValue::Date(d)) => *d > today,
            Some(v @ AttributeValue::PartialDate { .. }) => {
                v.ends().is_some_and(|(f, _)| f > today)
            }
            Some(AttributeValue::Instant(m)) => *m > minute,
            _ => false,
        };
        if late {
            let when = super::calendar::format_rfc3339_seconds(at).unwrap_or_default();
            return refuse(name, format!("lies after the issuance time {when}"));
        }
    }
    if let (Some(AttributeValue::Instant(from)), Some(AttributeValue::Instant(until))) =
        (value("valid_from"), value("valid_until"))
    {
        if until <= from {
            return refuse("valid_until", "must be later than valid_from".to_owned());
        }
        let longest = max_validity_minutes(schema.credential_type);
        if until - from > longest {
            let limit = if longest == MAX_VALIDITY_MINUTES {
                "ten years (3,653 days)".to_owned()
            } else {
                format!("{} hours (about seven and a half years)", longest / 60)
            };
            return refuse(
                "valid_until",
                format!("must be at most {limit} after valid_from"),
            );
        }
    }
    for name in ["dose_number", "total_doses"] {
        if let Some(AttributeValue::Integer(n)) = value(name) {
            if *n < 0 {
                return refuse(name, format!("must not be negative (found {n})"));
            }
        }
    }
    Ok(())
}

/// Every non-empty code of `values` (in `schema` order) is in its value set
/// ([`AttributeValue::check_listed`]), as issuance requires unless the issuer allows
/// unlisted codes ([`IssuerKey::set_allow_unlisted_codes`]).
pub(crate) fn check_listed_codes(schema: &Schema, values: &[AttributeValue]) -> Result<(), Error> {
    for (spec, v) in schema.attributes.iter().zip(values) {
        v.check_listed(spec.ty)
            .map_err(|source| Error::InvalidValue {
                name: spec.name.to_owned(),
                source,
            })?;
    }
    Ok(())
}

/// Reads and validates the values of every attribute of `schema` from a JSON object, in
/// schema order, each with `read` (the lenient [`AttributeValue::from_json`] for an
/// attributes file, [`AttributeValue::from_canonical_json`] for a credential file): unknown
/// and missing attributes and values of the wrong type are errors.
pub(crate) fn values_from_json(
    schema: &Schema,
    attributes: &Value,
    read: fn(AttributeType, &Value) -> Result<AttributeValue, ValueError>,
) -> Result<Vec<AttributeValue>, Error> {
    let object = attributes.as_object().ok_or(Error::AttributesNotAnObject)?;
    if let Some(name) = object.keys().find(|k| schema.attribute(k).is_none()) {
        return Err(Error::UnknownAttribute {
            credential_type: schema.credential_type,
            name: name.clone(),
            known: schema.names().collect::<Vec<_>>().join(", "),
        });
    }
    schema
        .attributes
        .iter()
        .map(|spec| {
            let v = object.get(spec.name).ok_or(Error::MissingAttribute {
                credential_type: schema.credential_type,
                name: spec.name,
                hint: match spec.ty {
                    AttributeType::String | AttributeType::Code(_) => {
                        "; give \"\" when it does not apply"
                    }
                    AttributeType::PartialDate => "; give \"\" when it is unknown",
                    _ => "",
                },
            })?;
            read(spec.ty, v).map_err(|source| Error::InvalidValue {
                name: spec.name.to_owned(),
                source,
            })
        })
        .collect()
}

/// The message scalars of a list of values under `api_id`: one per value in order, then the
/// companion messages (the first days of partial dates), in order (see
/// [`Schema::message_count`]); wiped when dropped (they hold the holder secret).
pub(crate) fn to_scalars<C: Ciphersuite>(
    values: &[AttributeValue],
    api_id: &[u8],
) -> Result<Zeroizing<Vec<Scalar>>, bbs::Error> {
    let mut out = Zeroizing::new(Vec::with_capacity(values.len() + 1));
    for v in values {
        out.push(v.to_scalar::<C>(api_id)?);
    }
    out.extend(values.iter().filter_map(AttributeValue::companion_scalar));
    Ok(out)
}

/// A signed credential as its holder keeps it: the issuer's public description, the type,
/// every attribute value (the holder secret included) and the BBS signature.
///
/// `Debug` shows the issuer, the type and the signature, and no attribute value: the values
/// are the personal data the holder discloses selectively, so they stay out of logs (read them
/// with [`Credential::value`] or [`Credential::values`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub(crate) issuer: IssuerInfo,
    pub(crate) schema: &'static Schema,
    pub(crate) values: Vec<AttributeValue>,
    pub(crate) signature: Signature,
    pub(crate) binding: Option<Binding>,
    /// The signature of the type's presentation profile over the same values
    /// ([`CredentialType::presentation_profile`]), when issuance made one.
    pub(crate) profile_signature: Option<Signature>,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("issuer", &self.issuer)
            .field("credential_type", &self.schema.credential_type)
            .field("schema_version", &self.schema.version)
            .field(
                "values",
                &format_args!("<{} attributes, redacted>", self.values.len()),
            )
            .field("signature", &self.signature)
            .field("binding", &self.binding)
            .field("profile_signature", &self.profile_signature)
            .finish()
    }
}

impl Credential {
    /// The issuer's public description, as embedded in the credential.
    pub fn issuer(&self) -> &IssuerInfo {
        &self.issuer
    }

    /// The credential type.
    pub fn credential_type(&self) -> CredentialType {
        self.schema.credential_type
    }

    /// The schema the credential was signed under.
    pub fn schema(&self) -> &'static Schema {
        self.schema
    }

    /// Every value, in schema order.
    pub fn values(&self) -> &[AttributeValue] {
        &self.values
    }

    /// The value of attribute `name`.
    pub fn value(&self, name: &str) -> Option<&AttributeValue> {
        self.schema()
            .attribute(name)
            .and_then(|(i, _)| self.values.get(i))
    }

    /// The BBS signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The binding of a holder-bound credential (`credential::holder`); `None` for a
    /// credential whose holder secret the issuer generated.
    pub fn binding(&self) -> Option<&Binding> {
        self.binding.as_ref()
    }

    /// The BBS header the credential was signed under.
    pub fn header(&self) -> Vec<u8> {
        header(self.schema(), &self.issuer.id)
    }

    /// Checks the signature against the embedded issuer key (CoreVerify under the
    /// credential interface). A holder-bound credential needs the holder's secrets:
    /// [`Error::NeedsHolder`] (check it with [`Holder::accept`](super::Holder::accept)).
    pub fn verify(&self) -> Result<(), Error> {
        if self.binding.is_some() {
            return Err(Error::NeedsHolder);
        }
        let header = self.header();
        with_suite!(self.issuer.suite, C => {
            let api_id = api_id::<C>();
            let scalars = to_scalars::<C>(&self.values, &api_id)?;
            let generators = Generators::new::<C>(scalars.len(), &api_id)?;
            bbs::core_verify::<C>(&self.issuer.public_key, &self.signature, &generators,
                &header, &scalars, &api_id)
        })
        .map_err(|e| match e {
            bbs::Error::VerificationFailed => Error::SignatureInvalid,
            other => Error::Bbs(other),
        })?;
        // The presentation profile's signature, when there is one, must hold too.
        match (&self.profile_signature, self.profile()) {
            (None, _) => Ok(()),
            (Some(_), Some(profile)) => profile.verify(),
            (Some(_), None) => Err(Error::SignatureInvalid),
        }
    }

    /// Builds a credential of the current schema from its parts: [`Credential::from_parts_under`].
    pub fn from_parts(
        issuer: IssuerInfo,
        credential_type: CredentialType,
        values: Vec<AttributeValue>,
        signature: Signature,
    ) -> Result<Self, Error> {
        Self::from_parts_under(issuer, credential_type.schema(), values, signature)
    }

    /// Builds a credential signed under `schema` from its parts, checking every value against
    /// the schema (the signature is not checked here: see [`Credential::verify`]).
    pub fn from_parts_under(
        issuer: IssuerInfo,
        schema: &'static Schema,
        values: Vec<AttributeValue>,
        signature: Signature,
    ) -> Result<Self, Error> {
        issuer.check()?;
        if values.len() != schema.len() {
            return Err(Error::from(super::json::invalid(
                "credential",
                "attributes",
                "do not match the schema",
            )));
        }
        for (spec, v) in schema.attributes.iter().zip(&values) {
            v.check(spec.ty).map_err(|source| Error::InvalidValue {
                name: spec.name.to_owned(),
                source,
            })?;
        }
        Ok(Self {
            issuer,
            schema,
            values,
            signature,
            binding: None,
            profile_signature: None,
        })
    }

    /// The signature of the presentation profile, when issuance made one.
    pub fn profile_signature(&self) -> Option<&Signature> {
        self.profile_signature.as_ref()
    }

    /// The credential with its presentation profile signature set (as read from a file).
    pub fn with_profile_signature(mut self, signature: Option<Signature>) -> Self {
        self.profile_signature = signature;
        self
    }

    /// The credential's presentation profile
    /// ([`CredentialType::presentation_profile`]): the same issuer and values, restricted
    /// to the profile's attributes, with the profile signature. `None` when the credential
    /// has no profile signature or is not of the current schema version.
    pub fn profile(&self) -> Option<Credential> {
        let signature = self.profile_signature?;
        let profile = self
            .credential_type()
            .presentation_profile()
            .filter(|p| p.version == self.schema.version && !self.schema.profile)?;
        let values = profile
            .names()
            .map(|n| self.value(n).cloned())
            .collect::<Option<Vec<_>>>()?;
        Some(Credential {
            issuer: self.issuer.clone(),
            schema: profile,
            values,
            signature,
            binding: self.binding.clone(),
            profile_signature: None,
        })
    }
}

/// Signs the presentation profile of a credential of `schema` with `values` (already
/// checked), when the type has one at this schema version: CoreSign under the profile's
/// header over the profile's values.
fn sign_profile<C: Ciphersuite>(
    key: &IssuerKey,
    schema: &'static Schema,
    values: &[AttributeValue],
    api_id: &[u8],
) -> Result<Option<Signature>, Error> {
    let Some(profile) = schema
        .credential_type
        .presentation_profile()
        .filter(|p| p.version == schema.version && !schema.profile)
    else {
        return Ok(None);
    };
    let chosen: Vec<AttributeValue> = profile
        .names()
        .filter_map(|n| {
            schema
                .attribute(n)
                .and_then(|(i, _)| values.get(i))
                .cloned()
        })
        .collect();
    let scalars = to_scalars::<C>(&chosen, api_id)?;
    let generators = Generators::new::<C>(scalars.len(), api_id)?;
    let header = header(profile, &key.info.id);
    Ok(Some(bbs::core_sign::<C>(
        &key.secret,
        &key.info.public_key,
        &generators,
        &header,
        &scalars,
        api_id,
    )?))
}
