//! Attribute types and values, and their three encodings: the JSON form people write and
//! read, the scalar that is signed, and the compact bytes of a QR presentation. Each is one
//! function with one arm per type.

use core::fmt;

use bls12_381::Scalar;
use ff::Field;
use rand_core::CryptoRng;
use serde_json::Value;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::bytes::{ByteReader, ByteWriter};
use super::calendar;
use super::valueset::ValueSet;
use crate::bbs::{self, octets, Ciphersuite};
use crate::untrusted::Untrusted;

/// The type of an attribute, which fixes how its value is encoded and signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttributeType {
    /// Free text, hashed to a scalar as the draft's `messages_to_scalars` does.
    String,
    /// A code from a value set, hashed like a string.
    Code(ValueSet),
    /// A signed 64-bit integer, the scalar itself (negative `v` as `r - |v|`).
    Integer,
    /// A calendar date, as days relative to 1970-01-01 (negative before), encoded as an
    /// integer.
    Date,
    /// A calendar date that may be partial (`YYYY-MM-DD`, `YYYY-MM`, `YYYY` or `""` when
    /// unknown), standing for a range of days. It is signed as two messages: at its own
    /// index the last day it can stand for (CertLogic's `dccDateOfBirth`), encoded like a
    /// [`AttributeType::Date`], and at a companion index after the schema's attributes the
    /// first day (see [`crate::credential::Schema::companion_index`]).
    PartialDate,
    /// A moment in time, as minutes since the Unix epoch (UTC, floored), encoded as an
    /// integer.
    Instant,
    /// `false` or `true`, encoded as the integer 0 or 1.
    Boolean,
    /// A random scalar that is never disclosed.
    Secret,
}

impl AttributeType {
    /// The type's name in the documentation and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            AttributeType::String => "string",
            AttributeType::Code(_) => "code",
            AttributeType::Integer => "integer",
            AttributeType::Date => "date",
            AttributeType::PartialDate => "partial date",
            AttributeType::Instant => "instant",
            AttributeType::Boolean => "boolean",
            AttributeType::Secret => "secret",
        }
    }

    /// What a JSON value of this type looks like, for error messages.
    pub fn expected(self) -> &'static str {
        match self {
            AttributeType::String => "a string",
            AttributeType::Code(_) => "a code from its value set (or \"\" when not applicable)",
            AttributeType::Integer => "an integer (a JSON number without fraction)",
            AttributeType::Date => "a date \"YYYY-MM-DD\"",
            AttributeType::PartialDate => {
                "a date \"YYYY-MM-DD\", \"YYYY-MM\", \"YYYY\" or \"\" when unknown"
            }
            AttributeType::Instant => "an RFC 3339 date and time such as \"2021-06-01T10:30:00Z\"",
            AttributeType::Boolean => "true or false",
            AttributeType::Secret => "32 bytes as unpadded base64url",
        }
    }

    /// `true` for the types encoded as integers, over which range predicates are possible.
    pub fn is_ordered(self) -> bool {
        matches!(
            self,
            AttributeType::Integer
                | AttributeType::Date
                | AttributeType::PartialDate
                | AttributeType::Instant
        )
    }

    /// The type of the bounds and elements of predicates over this type: full dates for a
    /// partial date, the type itself otherwise.
    pub fn bound_type(self) -> AttributeType {
        match self {
            AttributeType::PartialDate => AttributeType::Date,
            other => other,
        }
    }

    /// The number of BBS messages a value of this type is signed as (two for a partial
    /// date, one otherwise).
    pub fn message_count(self) -> usize {
        1 + usize::from(self == AttributeType::PartialDate)
    }
}

/// The holder secret: a uniformly random non-zero scalar. Zeroized on drop; `Debug`
/// prints nothing of it.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct HolderSecret(Scalar);

impl HolderSecret {
    /// A fresh secret from a cryptographic random generator.
    pub fn random(rng: &mut impl CryptoRng) -> Self {
        loop {
            let mut s = bbs::calculate_random_scalars(rng, 1);
            let v = s.pop().unwrap_or(Scalar::ZERO);
            if !bool::from(v.is_zero()) {
                return HolderSecret(v);
            }
        }
    }

    /// Decodes 32 big-endian bytes (a canonical, non-zero scalar).
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        octets::octets_to_nonzero_scalar(bytes)
            .ok()
            .map(HolderSecret)
    }

    /// The 32 big-endian bytes of the secret, wiped when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(octets::scalar_to_octets(&self.0))
    }

    /// The secret as a message scalar.
    pub(crate) fn scalar(&self) -> Scalar {
        self.0
    }

    /// The value of the `holder_secret` slot of a holder-bound credential: signed as `0`,
    /// the holder's secret being a committed message (`credential::holder`). Never read
    /// from or written to a file.
    pub(crate) fn bound_slot() -> Self {
        HolderSecret(Scalar::ZERO)
    }
}

impl fmt::Debug for HolderSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HolderSecret(<redacted>)")
    }
}

/// The value of one attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AttributeValue {
    /// A string (possibly empty: "not applicable").
    String(String),
    /// A code (possibly empty: "not applicable").
    Code(String),
    /// An integer.
    Integer(i64),
    /// Days relative to 1970-01-01.
    Date(i64),
    /// A possibly partial date: the first and the last day it stands for (days relative to
    /// 1970-01-01), a pair [`calendar::parse_partial_date`] makes.
    PartialDate {
        /// The first possible day.
        first: i64,
        /// The last possible day.
        last: i64,
    },
    /// Minutes since the Unix epoch.
    Instant(i64),
    /// A boolean.
    Boolean(bool),
    /// The holder secret.
    Secret(HolderSecret),
}

/// Why a value does not fit its attribute's type; the caller adds the attribute's name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ValueError {
    /// The value has the wrong JSON type or is malformed.
    #[error("expected {expected}, found {}", Untrusted(.found))]
    Expected {
        /// What the type wants.
        expected: &'static str,
        /// The value that was given, as JSON (cut short when long).
        found: String,
    },
    /// A value written in another form than its one canonical encoding (for instance an
    /// instant with seconds, an offset or lower-case letters in a presentation).
    #[error("{} is not in canonical form (write it {})", Untrusted(.found), Untrusted(.canonical))]
    NotCanonical {
        /// The value as given, as JSON (cut short when long).
        found: String,
        /// Its canonical encoding.
        canonical: String,
    },
    /// A code that is not in its value set, given to an issuer that does not sign such
    /// codes (the default).
    #[error("`{}` is not in the value set {value_set} (to sign a code outside the value set on purpose, allow it: `issue --allow-unlisted-codes`)", Untrusted(.code))]
    NotInList {
        /// The code given.
        code: String,
        /// The value set's identifier.
        value_set: &'static str,
    },
}

/// `v` as a scalar: `v` itself when non-negative, `r - |v|` when negative.
pub fn integer_to_scalar(v: i64) -> Scalar {
    let magnitude = Scalar::from(v.unsigned_abs());
    if v < 0 {
        -magnitude
    } else {
        magnitude
    }
}

fn short_json(v: &Value) -> String {
    let mut s = v.to_string();
    if s.len() > 60 {
        let cut = (0..=57).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0);
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

impl AttributeValue {
    /// `true` when the value is of `ty`'s variant (a code's value set is checked by
    /// [`AttributeValue::check`]).
    fn matches(&self, ty: AttributeType) -> bool {
        matches!(
            (self, ty),
            (AttributeValue::String(_), AttributeType::String)
                | (AttributeValue::Code(_), AttributeType::Code(_))
                | (AttributeValue::Integer(_), AttributeType::Integer)
                | (AttributeValue::Date(_), AttributeType::Date)
                | (
                    AttributeValue::PartialDate { .. },
                    AttributeType::PartialDate
                )
                | (AttributeValue::Instant(_), AttributeType::Instant)
                | (AttributeValue::Boolean(_), AttributeType::Boolean)
                | (AttributeValue::Secret(_), AttributeType::Secret)
        )
    }

    /// Checks that the value fits `ty` (right variant, a date or instant in range). A code
    /// may be any text here: real issuers meet codes newer or older than a reader's value
    /// sets, so whether a code must be in its list is issuance's decision
    /// ([`AttributeValue::check_listed`], which issuance applies unless the issuer allows
    /// unlisted codes: [`crate::credential::IssuerKey::set_allow_unlisted_codes`]).
    pub fn check(&self, ty: AttributeType) -> Result<(), ValueError> {
        if !self.matches(ty) {
            return Err(ValueError::Expected {
                expected: ty.expected(),
                found: format!("a {} value", self.type_name()),
            });
        }
        match (self, ty) {
            // Any text, but no terminal controls or bidirectional overrides: a code is an
            // identifier, and one outside the value set is no longer vetted by the list.
            (AttributeValue::Code(code), _) if code.chars().any(crate::untrusted::is_unsafe) => {
                Err(ValueError::Expected {
                    expected: ty.expected(),
                    found: "a code holding control or bidirectional characters".to_owned(),
                })
            }
            (AttributeValue::Date(d), _) if calendar::format_date(*d).is_none() => {
                Err(ValueError::Expected {
                    expected: ty.expected(),
                    found: format!("day {d}"),
                })
            }
            (AttributeValue::PartialDate { first, last }, _)
                if calendar::format_partial_date(*first, *last).is_none() =>
            {
                Err(ValueError::Expected {
                    expected: ty.expected(),
                    found: format!("days {first} to {last}"),
                })
            }
            (AttributeValue::Instant(m), _) if calendar::format_instant(*m).is_none() => {
                Err(ValueError::Expected {
                    expected: ty.expected(),
                    found: format!("minute {m}"),
                })
            }
            _ => Ok(()),
        }
    }

    /// [`AttributeValue::check`], and a non-empty code must be in its value set (what
    /// issuance requires by default).
    pub fn check_listed(&self, ty: AttributeType) -> Result<(), ValueError> {
        self.check(ty)?;
        match (self, ty) {
            (AttributeValue::Code(code), AttributeType::Code(set))
                if !code.is_empty() && !set.contains(code) =>
            {
                Err(ValueError::NotInList {
                    code: code.clone(),
                    value_set: set.id(),
                })
            }
            _ => Ok(()),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            AttributeValue::String(_) => "string",
            AttributeValue::Code(_) => "code",
            AttributeValue::Integer(_) => "integer",
            AttributeValue::Date(_) => "date",
            AttributeValue::PartialDate { .. } => "partial date",
            AttributeValue::Instant(_) => "instant",
            AttributeValue::Boolean(_) => "boolean",
            AttributeValue::Secret(_) => "secret",
        }
    }

    /// Reads a value of type `ty` from its JSON form and checks it (see
    /// [`AttributeValue::check`]).
    pub fn from_json(ty: AttributeType, v: &Value) -> Result<Self, ValueError> {
        // A malformed holder secret is still (most of) the secret: never echo it.
        let wrong = || ValueError::Expected {
            expected: ty.expected(),
            found: match (ty, v) {
                (AttributeType::Secret, Value::String(t)) => {
                    format!("a string of {} characters (not shown)", t.chars().count())
                }
                _ => short_json(v),
            },
        };
        let text = v.as_str();
        let value = match ty {
            AttributeType::String => AttributeValue::String(text.ok_or_else(wrong)?.to_owned()),
            AttributeType::Code(_) => AttributeValue::Code(text.ok_or_else(wrong)?.to_owned()),
            AttributeType::Integer => AttributeValue::Integer(v.as_i64().ok_or_else(wrong)?),
            AttributeType::Date => {
                AttributeValue::Date(text.and_then(calendar::parse_date).ok_or_else(wrong)?)
            }
            AttributeType::PartialDate => {
                let (first, last) = text
                    .and_then(calendar::parse_partial_date)
                    .ok_or_else(wrong)?;
                AttributeValue::PartialDate { first, last }
            }
            AttributeType::Instant => {
                AttributeValue::Instant(text.and_then(calendar::parse_instant).ok_or_else(wrong)?)
            }
            AttributeType::Boolean => AttributeValue::Boolean(v.as_bool().ok_or_else(wrong)?),
            AttributeType::Secret => AttributeValue::Secret(
                text.and_then(|t| crate::credential::json::b64_decode(t).ok())
                    .map(Zeroizing::new)
                    .and_then(|b| HolderSecret::from_bytes(&b))
                    .ok_or_else(wrong)?,
            ),
        };
        value.check(ty)?;
        Ok(value)
    }

    /// Reads a value of type `ty` in its one canonical JSON form, the form
    /// [`AttributeValue::to_json`] writes, and nothing else: an instant exactly
    /// `YYYY-MM-DDTHH:MM:00Z` (no other seconds, no fraction, no offset, upper-case `T` and
    /// `Z`), a date `YYYY-MM-DD`, an integer as a JSON integer (no fraction or exponent, no
    /// `-0`), a boolean as `true`/`false`, a code as a string. Credential files,
    /// requests and presentations are read this way, so each value has one encoding;
    /// attributes files given to `issue` are read with the more lenient
    /// [`AttributeValue::from_json`].
    pub fn from_canonical_json(ty: AttributeType, v: &Value) -> Result<Self, ValueError> {
        let value = Self::from_json(ty, v)?;
        let canonical = value.to_json();
        if canonical == *v {
            return Ok(value);
        }
        // (A holder secret decodes from one text only, so it never gets here; never echo it.)
        let found = match ty {
            AttributeType::Secret => "a holder secret (not shown)".to_owned(),
            _ => short_json(v),
        };
        Err(ValueError::NotCanonical {
            found,
            canonical: short_json(&canonical),
        })
    }

    /// The JSON form: strings and codes as strings, integers as numbers, dates as
    /// `"YYYY-MM-DD"`, partial dates as they were written, instants as `"YYYY-MM-DDTHH:MM:00Z"`, booleans as booleans, the
    /// secret as unpadded base64url.
    pub fn to_json(&self) -> Value {
        match self {
            AttributeValue::Integer(i) => Value::from(*i),
            AttributeValue::Boolean(b) => Value::from(*b),
            other => Value::from(other.to_string()),
        }
    }

    /// The scalar that is signed (see the module documentation of [`crate::credential`]).
    pub fn to_scalar<C: Ciphersuite>(&self, api_id: &[u8]) -> Result<Scalar, bbs::Error> {
        Ok(match self {
            AttributeValue::String(s) | AttributeValue::Code(s) => {
                let mut v = bbs::messages_to_scalars::<C>(&[s.as_bytes()], api_id)?;
                v.pop().unwrap_or(Scalar::ZERO)
            }
            AttributeValue::Integer(i) | AttributeValue::Date(i) | AttributeValue::Instant(i) => {
                integer_to_scalar(*i)
            }
            AttributeValue::PartialDate { last, .. } => integer_to_scalar(*last),
            AttributeValue::Boolean(b) => Scalar::from(u64::from(*b)),
            AttributeValue::Secret(s) => s.0,
        })
    }

    /// The scalar of the companion message of a partial date, its first day; `None` for
    /// every other value.
    pub fn companion_scalar(&self) -> Option<Scalar> {
        match self {
            AttributeValue::PartialDate { first, .. } => Some(integer_to_scalar(*first)),
            _ => None,
        }
    }

    /// The first and the last day or number an ordered value stands for: both the value
    /// itself for integers, dates and instants, the ends of a partial date. `None` for
    /// unordered values and for the unknown date (which no comparison holds for).
    pub fn ends(&self) -> Option<(i64, i64)> {
        match self {
            AttributeValue::Integer(i) | AttributeValue::Date(i) | AttributeValue::Instant(i) => {
                Some((*i, *i))
            }
            AttributeValue::PartialDate { first, last }
                if (*first, *last) != (calendar::MIN_DAY, calendar::MAX_DAY) =>
            {
                Some((*first, *last))
            }
            _ => None,
        }
    }

    /// The integer behind an ordered value (integer, date, instant), for predicates.
    pub fn as_integer(&self) -> Option<i64> {
        match self {
            AttributeValue::Integer(i) | AttributeValue::Date(i) | AttributeValue::Instant(i) => {
                Some(*i)
            }
            _ => None,
        }
    }

    /// Appends the compact form: strings, codes and partial dates (their text) as a varint
    /// length and UTF-8 bytes;
    /// integers, dates and instants as zigzag varints; booleans as one byte 0 or 1. A secret
    /// is never written (it is never disclosed): `false`.
    pub(crate) fn write_compact(&self, w: &mut ByteWriter) -> bool {
        match self {
            AttributeValue::String(s) | AttributeValue::Code(s) => {
                w.bytes(s.as_bytes());
            }
            AttributeValue::Integer(i) | AttributeValue::Date(i) | AttributeValue::Instant(i) => {
                w.zigzag(*i);
            }
            AttributeValue::PartialDate { first, last } => {
                let text = calendar::format_partial_date(*first, *last).unwrap_or_default();
                w.bytes(text.as_bytes());
            }
            AttributeValue::Boolean(b) => {
                w.u8(u8::from(*b));
            }
            AttributeValue::Secret(_) => return false,
        }
        true
    }

    /// The compact encoding of a value of type `ty` where the reader knows the type (a
    /// presentation's disclosed values, a compact request's statements): a code of the
    /// type's value set as `varint(i + 1)`, `i` its position in the sorted list
    /// ([`ValueSet::codes`]), any other code as `varint(0)` then its text; every other value
    /// as [`AttributeValue::write_compact`]. `false` for the holder secret.
    pub(crate) fn write_compact_as(&self, ty: AttributeType, w: &mut ByteWriter) -> bool {
        match (ty, self) {
            (AttributeType::Code(set), AttributeValue::Code(code)) => {
                match set.codes().iter().position(|c| c == code) {
                    Some(i) => w.varint(i as u64 + 1),
                    None => w.varint(0).bytes(code.as_bytes()),
                };
                true
            }
            _ => self.write_compact(w),
        }
    }

    /// Reads [`AttributeValue::write_compact_as`]'s encoding of a value of type `ty`; `None`
    /// when truncated or malformed.
    pub(crate) fn read_compact_as(ty: AttributeType, r: &mut ByteReader<'_>) -> Option<Self> {
        let AttributeType::Code(set) = ty else {
            return Self::read_compact(ty, r);
        };
        let value = match r.varint()? {
            0 => AttributeValue::Code(
                r.bytes()
                    .and_then(|b| std::str::from_utf8(b).ok())?
                    .to_owned(),
            ),
            i => AttributeValue::Code((*set.codes().get(usize::try_from(i - 1).ok()?)?).to_owned()),
        };
        value.check(ty).ok().map(|()| value)
    }

    /// Reads a compact value of type `ty`; `None` when truncated or malformed.
    pub(crate) fn read_compact(ty: AttributeType, r: &mut ByteReader<'_>) -> Option<Self> {
        let text = |r: &mut ByteReader<'_>| {
            r.bytes()
                .and_then(|b| std::str::from_utf8(b).ok())
                .map(str::to_owned)
        };
        let value = match ty {
            AttributeType::String => AttributeValue::String(text(r)?),
            AttributeType::Code(_) => AttributeValue::Code(text(r)?),
            AttributeType::Integer => AttributeValue::Integer(r.zigzag()?),
            AttributeType::Date => AttributeValue::Date(r.zigzag()?),
            AttributeType::PartialDate => {
                let (first, last) = calendar::parse_partial_date(&text(r)?)?;
                AttributeValue::PartialDate { first, last }
            }
            AttributeType::Instant => AttributeValue::Instant(r.zigzag()?),
            AttributeType::Boolean => match r.u8()? {
                0 => AttributeValue::Boolean(false),
                1 => AttributeValue::Boolean(true),
                _ => return None,
            },
            AttributeType::Secret => return None,
        };
        value.check(ty).ok().map(|()| value)
    }
}

/// The value as it was signed: the string or code, the integer, `YYYY-MM-DD` (a partial date
/// as written),
/// `YYYY-MM-DDTHH:MM:00Z`, `true`/`false`; the holder secret as base64url.
impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::String(s) | AttributeValue::Code(s) => f.write_str(s),
            AttributeValue::Integer(i) => write!(f, "{i}"),
            AttributeValue::Date(d) => match calendar::format_date(*d) {
                Some(s) => f.write_str(&s),
                None => write!(f, "day {d}"),
            },
            AttributeValue::PartialDate { first, last } => {
                match calendar::format_partial_date(*first, *last) {
                    Some(s) => f.write_str(&s),
                    None => write!(f, "days {first} to {last}"),
                }
            }
            AttributeValue::Instant(m) => match calendar::format_instant(*m) {
                Some(s) => f.write_str(&s),
                None => write!(f, "minute {m}"),
            },
            AttributeValue::Boolean(b) => write!(f, "{b}"),
            AttributeValue::Secret(s) => {
                let text = Zeroizing::new(crate::credential::json::b64_encode(&*s.to_bytes()));
                f.write_str(&text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bbs::Bls12381Sha256;
    use proptest::prelude::*;
    use serde_json::json;

    fn round_trip(ty: AttributeType, v: &AttributeValue) {
        let back = AttributeValue::from_json(ty, &v.to_json()).unwrap();
        assert_eq!(&back, v);
        let mut w = ByteWriter::default();
        assert!(v.write_compact(&mut w));
        let mut r = ByteReader::new(&w.buf);
        assert_eq!(AttributeValue::read_compact(ty, &mut r).as_ref(), Some(v));
        assert!(r.is_empty());
    }

    #[test]
    fn negative_integers_are_r_minus_magnitude() {
        assert_eq!(integer_to_scalar(-1) + Scalar::ONE, Scalar::ZERO);
        assert_eq!(integer_to_scalar(-5), Scalar::ZERO - Scalar::from(5u64));
        assert_eq!(
            integer_to_scalar(i64::MIN) + Scalar::from(1u64 << 63),
            Scalar::ZERO
        );
        assert_eq!(integer_to_scalar(7), Scalar::from(7u64));
    }

    #[test]
    fn dates_before_1970_are_negative_scalars() {
        let v = AttributeValue::from_json(AttributeType::Date, &json!("1969-12-31")).unwrap();
        assert_eq!(v, AttributeValue::Date(-1));
        let s = v.to_scalar::<Bls12381Sha256>(b"api").unwrap();
        assert_eq!(s, -Scalar::ONE);
    }

    #[test]
    fn a_malformed_holder_secret_is_not_echoed() {
        // A secret with padding or a stray character: the error must not carry its text,
        // which ends up on stderr and in logs.
        let secret = "VCBrW-srRU_JJ612Q02vQbWgOJZSlgYjqkLi52u0OeI";
        for text in [
            format!("{secret}="),
            format!("{secret}A"),
            format!(" {secret}"),
        ] {
            let e = AttributeValue::from_json(AttributeType::Secret, &json!(text)).unwrap_err();
            assert!(!e.to_string().contains(&secret[..20]), "{e}");
            assert!(!format!("{e:?}").contains(&secret[..20]), "{e:?}");
        }
    }

    #[test]
    fn instants_are_floored_minutes() {
        let v = AttributeValue::from_json(AttributeType::Instant, &json!("1970-01-01T00:02:59Z"))
            .unwrap();
        assert_eq!(v, AttributeValue::Instant(2));
        assert_eq!(v.to_json(), json!("1970-01-01T00:02:00Z"));
    }

    #[test]
    fn canonical_forms_only() {
        let t = AttributeType::Instant;
        let ok = AttributeValue::from_canonical_json(t, &json!("1970-01-01T00:02:00Z"));
        assert_eq!(ok, Ok(AttributeValue::Instant(2)));
        for bad in [
            "1970-01-01T00:02:59Z",
            "1970-01-01T00:02Z",
            "1970-01-01t00:02:00z",
            "1970-01-01T00:02:00.0Z",
            "1970-01-01T01:02:00+01:00",
        ] {
            let e = AttributeValue::from_canonical_json(t, &json!(bad)).unwrap_err();
            assert!(matches!(e, ValueError::NotCanonical { .. }), "{bad}");
            assert!(e.to_string().contains("1970-01-01T00:02:00Z"), "{e}");
            // The lenient reading (attributes files) still floors.
            assert_eq!(
                AttributeValue::from_json(t, &json!(bad)),
                Ok(AttributeValue::Instant(2))
            );
        }
        let secret = AttributeValue::Secret(HolderSecret::random(&mut rand::rng()));
        assert_eq!(
            AttributeValue::from_canonical_json(AttributeType::Secret, &secret.to_json()).as_ref(),
            Ok(&secret)
        );
    }

    #[test]
    fn wrong_types_and_codes_are_explained() {
        let e = AttributeValue::from_json(AttributeType::Integer, &json!("2")).unwrap_err();
        assert!(matches!(e, ValueError::Expected { found, .. } if found == "\"2\""));
        let e = AttributeValue::from_json(AttributeType::Integer, &json!(2.5)).unwrap_err();
        assert!(matches!(e, ValueError::Expected { .. }));
        // Any text reads as a code; issuance checks the list.
        let ty = AttributeType::Code(ValueSet::VaccineProduct);
        let x = AttributeValue::from_json(ty, &json!("X")).unwrap();
        assert_eq!(x, AttributeValue::Code("X".into()));
        let e = x.check_listed(ty).unwrap_err();
        assert!(e.to_string().contains("--allow-unlisted-codes"), "{e}");
        assert_eq!(
            e,
            ValueError::NotInList {
                code: "X".into(),
                value_set: "vaccines-covid-19-names"
            }
        );
        let ok = AttributeValue::from_json(AttributeType::Code(ValueSet::TestType), &json!(""));
        assert_eq!(ok, Ok(AttributeValue::Code(String::new())));
        let listed = AttributeValue::Code("EU/1/20/1528".into());
        assert_eq!(listed.check_listed(ty), Ok(()));
        let empty = AttributeValue::Code(String::new());
        assert_eq!(empty.check_listed(ty), Ok(()));
        // Controls and bidirectional overrides are no code, listed or not.
        for bad in ["EU/1/\u{202e}20/1528", "X\u{1b}[2J"] {
            let e = AttributeValue::from_json(ty, &json!(bad)).unwrap_err();
            assert!(matches!(e, ValueError::Expected { .. }), "{e}");
        }
    }

    #[test]
    fn strings_hash_like_the_draft_messages() {
        let api = b"BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_H2G_HM2S_";
        let v = AttributeValue::String("Ada".into());
        let expected = bbs::messages_to_scalars::<Bls12381Sha256>(&[b"Ada"], api).unwrap();
        assert_eq!(v.to_scalar::<Bls12381Sha256>(api).unwrap(), expected[0]);
    }

    #[test]
    fn secrets_never_print_in_debug_and_never_go_compact() {
        let s = HolderSecret::random(&mut rand::rng());
        assert_eq!(format!("{s:?}"), "HolderSecret(<redacted>)");
        let v = AttributeValue::Secret(s);
        assert!(!format!("{v:?}").contains(&v.to_string()));
        assert!(!v.write_compact(&mut ByteWriter::default()));
        round_trip_json_only(AttributeType::Secret, &v);
    }

    fn round_trip_json_only(ty: AttributeType, v: &AttributeValue) {
        assert_eq!(&AttributeValue::from_json(ty, &v.to_json()).unwrap(), v);
    }

    proptest! {
        #[test]
        fn integers_round_trip(i: i64) {
            round_trip(AttributeType::Integer, &AttributeValue::Integer(i));
            let s = integer_to_scalar(i);
            let back = if i < 0 { -s } else { s };
            prop_assert_eq!(back, Scalar::from(i.unsigned_abs()));
        }

        #[test]
        fn dates_round_trip(d in calendar::MIN_DAY..=calendar::MAX_DAY) {
            round_trip(AttributeType::Date, &AttributeValue::Date(d));
            prop_assert_eq!(AttributeValue::Date(d).to_scalar::<Bls12381Sha256>(b"x").unwrap(), integer_to_scalar(d));
        }

        #[test]
        fn instants_round_trip(m in calendar::MIN_MINUTE..=calendar::MAX_MINUTE, s in 0i64..60) {
            round_trip(AttributeType::Instant, &AttributeValue::Instant(m));
            // Any second within the minute floors to the same instant.
            let text = calendar::format_rfc3339_seconds(m * 60 + s).unwrap();
            prop_assert_eq!(calendar::parse_instant(&text), Some(m));
        }

        #[test]
        fn strings_round_trip(s in ".{0,40}") {
            round_trip(AttributeType::String, &AttributeValue::String(s));
        }

        #[test]
        fn booleans_round_trip(b: bool) {
            round_trip(AttributeType::Boolean, &AttributeValue::Boolean(b));
        }

        #[test]
        fn codes_round_trip(i in 0usize..39) {
            let set = ValueSet::VaccineProduct;
            let source: Value = serde_json::from_str(include_str!("../../data/valuesets/vaccine-medicinal-product.json")).unwrap();
            let code = source["valueSetValues"].as_object().unwrap().keys().nth(i).unwrap().clone();
            round_trip(AttributeType::Code(set), &AttributeValue::Code(code));
        }
    }
}
