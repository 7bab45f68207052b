//! Issuing from EU Digital COVID Certificate payloads (the JSON of hcert schema 1.3, which
//! a health authority already holds): a payload becomes the attributes of the travel-health
//! profile ([`attributes`]), which are then issued like any attribute file
//! ([`IssuerKey::issue_dcc`]).
//!
//! A payload has `ver`, `nam` (`fn`, `gn`, `fnt`, `gnt`), `dob` and exactly one of `v`
//! (vaccination), `t` (test) or `r` (recovery), an array of exactly one entry; the entry's
//! type is the credential type. Unknown and repeated fields are refused, and every error
//! names the field. `docs/formats.md` has the mapping table.
//!
//! Validity: a recovery's comes from its `df` (from the start of that day, UTC) and `du`
//! (to the end of that day, 23:59 UTC; issuance signs 23:00, the validity being on whole
//! hours: [`super::align_validity`]). A vaccination is valid from the issuance time for one
//! year; a test from its sample time for 72 hours. [`Validity`] overrides either end.
//!
//! ```
//! use healthpass::credential::{dcc, CredentialType};
//! let payload = r#"{"ver": "1.3.0",
//!   "nam": {"fn": "Musterfrau", "fnt": "MUSTERFRAU", "gn": "Erika", "gnt": "ERIKA"},
//!   "dob": "1964-08",
//!   "r": [{"tg": "840539006", "fr": "2021-05-20", "co": "DE", "is": "RKI",
//!          "df": "2021-05-31", "du": "2021-11-15", "ci": "URN:UVCI:01:DE:R1"}]}"#;
//! let (t, attributes) = dcc::attributes(payload, dcc::Validity::default(), 1_700_000_000)?;
//! assert_eq!(t, CredentialType::Recovery);
//! assert_eq!(attributes["birth_date"], "1964-08");
//! assert_eq!(attributes["valid_until"], "2021-11-15T23:59:00Z");
//! # Ok::<(), healthpass::credential::Error>(())
//! ```

use rand_core::CryptoRng;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::calendar;
use super::{Credential, CredentialType, Error, IssuerKey};

/// The DCC path each attribute of the profile comes from, per credential type, in the
/// order of `docs/formats.md`'s table (validity has its own rules: see the module
/// documentation).
pub const MAPPING: [(&str, &str); 20] = [
    ("nam.fn", "family_name"),
    ("nam.gn", "given_name"),
    ("dob", "birth_date"),
    ("v[0].tg / t[0].tg / r[0].tg", "disease"),
    ("v[0].co / t[0].co / r[0].co", "country"),
    ("v[0].is / t[0].is / r[0].is", "issuer_name"),
    ("v[0].ci / t[0].ci / r[0].ci", "certificate_id"),
    ("v[0].vp", "vaccine_type"),
    ("v[0].mp", "vaccine_product"),
    ("v[0].ma", "manufacturer"),
    ("v[0].dn", "dose_number"),
    ("v[0].sd", "total_doses"),
    ("v[0].dt", "vaccination_date"),
    ("t[0].tt", "test_type"),
    ("t[0].nm", "test_name"),
    ("t[0].ma", "test_device"),
    ("t[0].sc", "sample_time"),
    ("t[0].tr", "test_result"),
    ("t[0].tc", "test_centre"),
    ("r[0].fr", "first_positive_date"),
];

/// How long a vaccination credential issued from a DCC is valid by default: one year.
pub const VACCINATION_VALIDITY_YEARS: i64 = 1;
/// How long a test credential issued from a DCC is valid by default after the sample:
/// 72 hours.
pub const TEST_VALIDITY_HOURS: i64 = 72;

/// Either end of the validity, overriding the payload's or the type's default (seconds
/// since the Unix epoch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validity {
    /// `valid_from`.
    pub from: Option<i64>,
    /// `valid_until`.
    pub until: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Payload {
    ver: String,
    nam: Name,
    dob: String,
    v: Option<Vec<Vaccination>>,
    t: Option<Vec<Test>>,
    r: Option<Vec<Recovery>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Name {
    #[serde(rename = "fn")]
    family: Option<String>,
    #[serde(rename = "fnt")]
    family_icao: String,
    #[serde(rename = "gn")]
    given: Option<String>,
    #[serde(rename = "gnt")]
    given_icao: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Vaccination {
    tg: String,
    vp: String,
    mp: String,
    ma: String,
    dn: i64,
    sd: i64,
    dt: String,
    co: String,
    is: String,
    ci: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Test {
    tg: String,
    tt: String,
    nm: Option<String>,
    ma: Option<String>,
    sc: String,
    tr: String,
    tc: Option<String>,
    co: String,
    is: String,
    ci: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Recovery {
    tg: String,
    fr: String,
    co: String,
    is: String,
    df: String,
    du: String,
    ci: String,
}

fn dcc_error(path: &str, problem: impl Into<String>) -> Error {
    Error::Dcc {
        path: path.to_owned(),
        problem: problem.into(),
    }
}

/// `true` for the ICAO 9303 transliteration of a name: `A-Z`, `0-9` and `<`, 1 to 80
/// characters.
fn is_icao(s: &str) -> bool {
    (1..=80).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'<')
}

/// The one entry of the payload's `v`, `t` or `r` array.
fn single<T>(path: &str, list: Vec<T>) -> Result<T, Error> {
    let n = list.len();
    let mut it = list.into_iter();
    match (it.next(), n) {
        (Some(entry), 1) => Ok(entry),
        _ => Err(dcc_error(
            path,
            format!("must hold exactly one entry (it has {n})"),
        )),
    }
}

/// A DCC date (`YYYY-MM-DD`) as a day.
fn day(path: &str, text: &str) -> Result<i64, Error> {
    calendar::parse_date(text).ok_or_else(|| dcc_error(path, "is not a date \"YYYY-MM-DD\""))
}

fn instant_text(seconds: i64, path: &str) -> Result<String, Error> {
    calendar::format_rfc3339_seconds(seconds)
        .ok_or_else(|| dcc_error(path, "gives a validity outside years 0000 to 9999"))
}

/// Maps a DCC payload (JSON text) to its credential type and the profile's attributes (an
/// `ATTRS.json` object), with the validity from `validity`, else the payload, else the
/// type's default counted from `at` (the issuance time, seconds since the Unix epoch).
/// Values are checked when issued ([`IssuerKey::issue_dcc`]); here only the payload's shape
/// is: unknown, repeated and missing fields, `ver`, the ICAO names, exactly one entry.
pub fn attributes(
    payload: &str,
    validity: Validity,
    at: i64,
) -> Result<(CredentialType, Value), Error> {
    let p: Payload = super::json::parse("DCC payload", payload)?;
    let ver = p.ver.split('.').collect::<Vec<_>>();
    if ver.len() != 3
        || ver[0] != "1"
        || !ver
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    {
        return Err(dcc_error("ver", "is not a schema version 1.x.y"));
    }
    if !is_icao(&p.nam.family_icao) {
        return Err(dcc_error(
            "nam.fnt",
            "is not an ICAO 9303 name (A-Z, 0-9, <)",
        ));
    }
    if p.nam.given_icao.as_deref().is_some_and(|g| !is_icao(g)) {
        return Err(dcc_error(
            "nam.gnt",
            "is not an ICAO 9303 name (A-Z, 0-9, <)",
        ));
    }
    let mut a = Map::new();
    a.insert(
        "family_name".into(),
        json!(p.nam.family.unwrap_or_default()),
    );
    a.insert("given_name".into(), json!(p.nam.given.unwrap_or_default()));
    a.insert("birth_date".into(), json!(p.dob));
    let entries = [p.v.is_some(), p.t.is_some(), p.r.is_some()];
    if entries.iter().filter(|&&e| e).count() != 1 {
        return Err(dcc_error(
            "v/t/r",
            "exactly one of `v`, `t` and `r` must be present",
        ));
    }
    let common = |a: &mut Map<String, Value>, tg: String, co: String, is: String, ci: String| {
        for (k, v) in [
            ("disease", tg),
            ("country", co),
            ("issuer_name", is),
            ("certificate_id", ci),
        ] {
            a.insert(k.into(), json!(v));
        }
    };
    let minute_of = |s: i64| s.div_euclid(60) * 60;
    let (t, from, until) = if let Some(v) = p.v {
        let v = single("v", v)?;
        common(&mut a, v.tg, v.co, v.is, v.ci);
        for (k, x) in [
            ("vaccine_type", v.vp),
            ("vaccine_product", v.mp),
            ("manufacturer", v.ma),
            ("vaccination_date", v.dt),
        ] {
            a.insert(k.into(), json!(x));
        }
        a.insert("dose_number".into(), json!(v.dn));
        a.insert("total_doses".into(), json!(v.sd));
        let from = validity.from.unwrap_or(minute_of(at));
        let until = match validity.until {
            Some(u) => u,
            None => {
                let d = calendar::add_years(from.div_euclid(86_400), VACCINATION_VALIDITY_YEARS)
                    .ok_or_else(|| dcc_error("v[0]", "gives a validity after year 9999"))?;
                d * 86_400 + from.rem_euclid(86_400)
            }
        };
        (CredentialType::Vaccination, from, until)
    } else if let Some(t) = p.t {
        let t = single("t", t)?;
        common(&mut a, t.tg, t.co, t.is, t.ci);
        let sample = calendar::parse_rfc3339_seconds(&t.sc)
            .ok_or_else(|| dcc_error("t[0].sc", "is not an RFC 3339 date and time"))?;
        for (k, x) in [
            ("test_type", t.tt),
            ("test_name", t.nm.unwrap_or_default()),
            ("test_device", t.ma.unwrap_or_default()),
            ("sample_time", t.sc),
            ("test_result", t.tr),
            ("test_centre", t.tc.unwrap_or_default()),
        ] {
            a.insert(k.into(), json!(x));
        }
        let from = validity.from.unwrap_or(minute_of(sample));
        let until = validity
            .until
            .unwrap_or(minute_of(sample) + TEST_VALIDITY_HOURS * 3600);
        (CredentialType::Test, from, until)
    } else if let Some(r) = p.r {
        let r = single("r", r)?;
        let df = day("r[0].df", &r.df)?;
        let du = day("r[0].du", &r.du)?;
        common(&mut a, r.tg, r.co, r.is, r.ci);
        a.insert("first_positive_date".into(), json!(r.fr));
        let from = validity.from.unwrap_or(df * 86_400);
        let until = validity.until.unwrap_or(du * 86_400 + 86_400 - 60);
        (CredentialType::Recovery, from, until)
    } else {
        unreachable!("exactly one entry is present")
    };
    a.insert(
        "valid_from".into(),
        json!(instant_text(from, "valid_from")?),
    );
    a.insert(
        "valid_until".into(),
        json!(instant_text(until, "valid_until")?),
    );
    Ok((t, Value::Object(a)))
}

/// The DCC path an attribute of type `t` comes from, for error messages.
pub fn path_of(t: CredentialType, attribute: &str) -> Option<String> {
    let entry = match t {
        CredentialType::Vaccination => "v[0]",
        CredentialType::Test => "t[0]",
        CredentialType::Recovery => "r[0]",
        _ => return None,
    };
    let (path, _) = MAPPING.iter().find(|(_, a)| *a == attribute)?;
    Some(match path.split(" / ").find(|p| p.starts_with(entry)) {
        Some(p) => p.to_owned(),
        None if !path.contains('[') => (*path).to_owned(),
        None => return None,
    })
}

impl IssuerKey {
    /// Issues a credential from a DCC payload (JSON text) at `at` (seconds since the Unix
    /// epoch): [`attributes`], then [`IssuerKey::issue_at`]. A value the attribute layer or
    /// the issuance checks refuse is reported with its DCC path.
    pub fn issue_dcc(
        &self,
        payload: &str,
        validity: Validity,
        at: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Credential, Error> {
        self.issue_dcc_with(payload, validity, None, at, rng)
    }

    /// [`IssuerKey::issue_dcc`], holder-bound when the holder's commitment is given (see
    /// [`IssuerKey::issue_with`]).
    pub fn issue_dcc_with(
        &self,
        payload: &str,
        validity: Validity,
        commitment: Option<&super::HolderCommitment>,
        at: i64,
        rng: &mut impl CryptoRng,
    ) -> Result<Credential, Error> {
        let (t, attributes) = attributes(payload, validity, at)?;
        self.issue_with(t.schema(), &attributes, commitment, at, rng)
            .map_err(|e| {
                let name = match &e {
                    Error::InvalidValue { name, .. } => name.as_str(),
                    Error::Refused { name, .. } => name,
                    _ => return e,
                };
                match path_of(t, name) {
                    Some(path) => dcc_error(&path, e.to_string()),
                    None => e,
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::schema::CredentialType as T;

    #[test]
    fn every_attribute_but_validity_and_the_secret_has_a_path() {
        for t in T::HEALTH {
            for name in t.schema().names() {
                let mapped = path_of(t, name);
                let expected = !matches!(name, "holder_secret" | "valid_from" | "valid_until");
                assert_eq!(mapped.is_some(), expected, "{t} {name}");
            }
        }
        assert_eq!(path_of(T::Test, "test_device").as_deref(), Some("t[0].ma"));
        assert_eq!(
            path_of(T::Vaccination, "manufacturer").as_deref(),
            Some("v[0].ma")
        );
        assert_eq!(path_of(T::Recovery, "disease").as_deref(), Some("r[0].tg"));
        assert_eq!(path_of(T::Recovery, "birth_date").as_deref(), Some("dob"));
        assert_eq!(path_of(T::Recovery, "test_device"), None);
    }

    #[test]
    fn icao_names() {
        assert!(is_icao("MUSTERFRAU<GOESSINGER"));
        assert!(!is_icao("Musterfrau") && !is_icao("") && !is_icao(&"A".repeat(81)));
    }
}
