//! Issuing from EU DCC payloads, partial birth dates (schema version 2), the issuance checks
//! and the validation clock (`--at`), through the library and the binary.

mod common;

use std::path::Path;

use healthpass::bbs::{Bls12381Sha256, PreparedSignature, Scalar};
use healthpass::credential::dcc::{self, Validity};
use healthpass::credential::{
    calendar, AttributeValue, Credential, CredentialType, Error as CredError, IssuerKey, Suite,
};
use healthpass::presentation::{
    self, proof_context, CredentialRequest, Error, Predicate, Presentation, PresentationRequest,
    PresentedCredential, TrustList,
};
use healthpass::zk::{self, PredicateStatement};
use proptest::prelude::*;
use serde_json::{json, Value};

/// 2024-06-01T12:00:00Z.
const NOW: i64 = 1_717_243_200;

fn day(s: &str) -> i64 {
    calendar::parse_date(s).unwrap()
}

fn nam() -> Value {
    json!({"fn": "Musterfrau-Gößinger", "fnt": "MUSTERFRAU<GOESSINGER", "gn": "Gabriele", "gnt": "GABRIELE"})
}

fn vaccination(dob: &str) -> Value {
    json!({"ver": "1.3.0", "nam": nam(), "dob": dob,
        "v": [{"tg": "840539006", "vp": "1119349007", "mp": "EU/1/20/1528", "ma": "ORG-100030215",
               "dn": 3, "sd": 2, "dt": "2024-01-15", "co": "AT",
               "is": "Ministry of Health, Austria", "ci": "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B"}]})
}

fn test_payload(dob: &str) -> Value {
    json!({"ver": "1.3.0", "nam": nam(), "dob": dob,
        "t": [{"tg": "840539006", "tt": "LP217198-3", "ma": "1232", "sc": "2024-06-01T08:15:00+02:00",
               "tr": "260415000", "tc": "Testzentrum Wien", "co": "AT",
               "is": "Ministry of Health, Austria", "ci": "URN:UVCI:01:AT:T1"}]})
}

fn recovery(dob: &str) -> Value {
    json!({"ver": "1.3.0", "nam": {"fnt": "MUSTERFRAU"}, "dob": dob,
        "r": [{"tg": "840539006", "fr": "2024-05-01", "co": "AT", "is": "Ministry of Health, Austria",
               "df": "2024-05-12", "du": "2024-10-28", "ci": "URN:UVCI:01:AT:R1"}]})
}

fn issuer() -> IssuerKey {
    IssuerKey::generate(
        "at-bmsgpk",
        "BMSGPK",
        "AT",
        Suite::Sha256,
        &CredentialType::ALL,
        &mut rand::rng(),
    )
    .unwrap()
}

fn issue(key: &IssuerKey, payload: &Value, at: i64) -> Result<Credential, CredError> {
    key.issue_dcc(
        &payload.to_string(),
        Validity::default(),
        at,
        &mut rand::rng(),
    )
}

fn set(payload: &mut Value, pointer: &str, v: Value) {
    *payload.pointer_mut(pointer).unwrap() = v;
}

#[test]
fn each_type_maps_to_its_attributes() {
    let key = issuer();
    let v = issue(&key, &vaccination("1978-05"), NOW).unwrap();
    v.verify().unwrap();
    assert_eq!(v.credential_type(), CredentialType::Vaccination);
    assert_eq!(v.schema().version, 2);
    let text = |c: &Credential, n: &str| c.value(n).unwrap().to_string();
    assert_eq!(text(&v, "family_name"), "Musterfrau-Gößinger");
    assert_eq!(text(&v, "given_name"), "Gabriele");
    assert_eq!(text(&v, "birth_date"), "1978-05");
    assert_eq!(text(&v, "vaccine_product"), "EU/1/20/1528");
    assert_eq!(text(&v, "manufacturer"), "ORG-100030215");
    assert_eq!(v.value("dose_number"), Some(&AttributeValue::Integer(3)));
    assert_eq!(v.value("total_doses"), Some(&AttributeValue::Integer(2)));
    assert_eq!(text(&v, "vaccination_date"), "2024-01-15");
    assert_eq!(text(&v, "country"), "AT");
    assert_eq!(
        text(&v, "certificate_id"),
        "URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B"
    );
    // Default validity of a vaccination: from the issuance time, one year.
    assert_eq!(text(&v, "valid_from"), "2024-06-01T12:00:00Z");
    assert_eq!(text(&v, "valid_until"), "2025-06-01T12:00:00Z");

    let t = issue(&key, &test_payload("1978"), NOW).unwrap();
    assert_eq!(t.credential_type(), CredentialType::Test);
    assert_eq!(text(&t, "birth_date"), "1978");
    assert_eq!(text(&t, "sample_time"), "2024-06-01T06:15:00Z");
    assert_eq!(text(&t, "test_device"), "1232");
    assert_eq!(text(&t, "test_name"), "");
    // A test: from the sample time, 72 hours, on whole hours inward (issuance aligns the
    // validity so that presentations prove it in hours).
    assert_eq!(text(&t, "valid_from"), "2024-06-01T07:00:00Z");
    assert_eq!(text(&t, "valid_until"), "2024-06-04T06:00:00Z");

    let r = issue(&key, &recovery(""), NOW).unwrap();
    assert_eq!(r.credential_type(), CredentialType::Recovery);
    assert_eq!(text(&r, "birth_date"), "");
    assert_eq!(text(&r, "family_name"), "");
    assert_eq!(text(&r, "first_positive_date"), "2024-05-01");
    // A recovery: df from the start of its day, du to the end of its day (its last whole
    // hour).
    assert_eq!(text(&r, "valid_from"), "2024-05-12T00:00:00Z");
    assert_eq!(text(&r, "valid_until"), "2024-10-28T23:00:00Z");

    // The credential file keeps the partial text and reads back to the same credential.
    for c in [v, t, r] {
        let back = Credential::from_json(&c.to_json()).unwrap();
        assert_eq!(back, c);
        back.verify().unwrap();
    }
}

#[test]
fn validity_can_be_given() {
    let (_, a) = dcc::attributes(
        &recovery("1978").to_string(),
        Validity {
            from: Some(NOW),
            until: Some(NOW + 3600),
        },
        NOW,
    )
    .unwrap();
    assert_eq!(a["valid_from"], "2024-06-01T12:00:00Z");
    assert_eq!(a["valid_until"], "2024-06-01T13:00:00Z");
    let (_, a) = dcc::attributes(&recovery("1978").to_string(), Validity::default(), NOW).unwrap();
    assert_eq!(a["valid_from"], "2024-05-12T00:00:00Z");
}

/// Every malformed payload is refused with the field named; each has a valid counterpart
/// (the unchanged payload issues).
/// A change to a payload.
type Change = Box<dyn Fn(&mut Value)>;

#[test]
fn malformed_payloads_name_the_field() {
    let key = issuer();
    let base = vaccination("1978-05-12");
    issue(&key, &base, NOW).unwrap();
    let dup = base
        .to_string()
        .replacen("\"dn\":3", "\"dn\":3,\"dn\":3", 1);
    assert!(dup.contains("\"dn\":3,\"dn\":3"));
    let e = key
        .issue_dcc(&dup, Validity::default(), NOW, &mut rand::rng())
        .unwrap_err();
    assert!(e.to_string().contains("duplicate key `dn`"), "{e}");
    let dup_nam = base
        .to_string()
        .replacen("\"gn\":", "\"fn\":\"X\",\"gn\":", 1);
    let e = key
        .issue_dcc(&dup_nam, Validity::default(), NOW, &mut rand::rng())
        .unwrap_err();
    assert!(e.to_string().contains("duplicate key `fn`"), "{e}");

    let cases: Vec<(&str, Change, &str)> = vec![
        (
            "unknown top",
            Box::new(|p| {
                p["xx"] = json!(1);
            }),
            "unknown field `xx`",
        ),
        (
            "unknown nam",
            Box::new(|p| {
                p["nam"]["mn"] = json!("X");
            }),
            "unknown field `mn`",
        ),
        (
            "unknown entry",
            Box::new(|p| {
                p["v"][0]["zz"] = json!("X");
            }),
            "unknown field `zz`",
        ),
        (
            "missing dn",
            Box::new(|p| {
                p["v"][0].as_object_mut().unwrap().remove("dn");
            }),
            "missing field `dn`",
        ),
        (
            "missing fnt",
            Box::new(|p| {
                p["nam"].as_object_mut().unwrap().remove("fnt");
            }),
            "missing field `fnt`",
        ),
        (
            "missing dob",
            Box::new(|p| {
                p.as_object_mut().unwrap().remove("dob");
            }),
            "missing field `dob`",
        ),
        (
            "string dn",
            Box::new(|p| {
                p["v"][0]["dn"] = json!("3");
            }),
            "invalid type",
        ),
        (
            "two types",
            Box::new(|p| {
                p["r"] = recovery("")["r"].clone();
            }),
            "`v/t/r` exactly one of",
        ),
        (
            "no type",
            Box::new(|p| {
                p.as_object_mut().unwrap().remove("v");
            }),
            "`v/t/r` exactly one of",
        ),
        (
            "two entries",
            Box::new(|p| {
                let e = p["v"][0].clone();
                p["v"].as_array_mut().unwrap().push(e);
            }),
            "`v` must hold exactly one entry (it has 2)",
        ),
        (
            "no entry",
            Box::new(|p| {
                p["v"] = json!([]);
            }),
            "`v` must hold exactly one entry (it has 0)",
        ),
        (
            "ver",
            Box::new(|p| {
                p["ver"] = json!("2.0.0");
            }),
            "`ver` is not a schema version",
        ),
        (
            "fnt",
            Box::new(|p| {
                p["nam"]["fnt"] = json!("Musterfrau");
            }),
            "`nam.fnt` is not an ICAO",
        ),
        (
            "gnt",
            Box::new(|p| {
                p["nam"]["gnt"] = json!("");
            }),
            "`nam.gnt` is not an ICAO",
        ),
        (
            "dob",
            Box::new(|p| {
                p["dob"] = json!("1978-5");
            }),
            "`dob` attribute `birth_date`: expected a date",
        ),
        (
            "mp",
            Box::new(|p| {
                p["v"][0]["mp"] = json!("EU/1/99/0000");
            }),
            "`v[0].mp` attribute `vaccine_product`: `EU/1/99/0000` is not in the value set",
        ),
        (
            "dt",
            Box::new(|p| {
                p["v"][0]["dt"] = json!("2024-02-30");
            }),
            "`v[0].dt` attribute `vaccination_date`: expected a date",
        ),
        (
            "dn negative",
            Box::new(|p| {
                p["v"][0]["dn"] = json!(-1);
            }),
            "`v[0].dn` attribute `dose_number` must not be negative",
        ),
        (
            "sd negative",
            Box::new(|p| {
                p["v"][0]["sd"] = json!(-2);
            }),
            "`v[0].sd` attribute `total_doses` must not be negative",
        ),
        (
            "dt future",
            Box::new(|p| {
                p["v"][0]["dt"] = json!("2024-06-02");
            }),
            "`v[0].dt` attribute `vaccination_date` lies after the issuance time",
        ),
    ];
    for (what, change, needle) in cases {
        let mut p = base.clone();
        change(&mut p);
        let e = issue(&key, &p, NOW).unwrap_err();
        assert!(e.to_string().contains(needle), "{what}: {e}");
    }
    // Counterparts of the value refusals: zero doses, a booster beyond the course, today.
    for (pointer, v) in [
        ("/v/0/dn", json!(0)),
        ("/v/0/dn", json!(5)),
        ("/v/0/dt", json!("2024-06-01")),
    ] {
        let mut p = base.clone();
        set(&mut p, pointer, v);
        issue(&key, &p, NOW).unwrap();
    }
    // Test and recovery entries: a sample or first positive test after the issuance time.
    let mut t = test_payload("1978");
    set(&mut t, "/t/0/sc", json!("2024-06-01T12:01:00Z"));
    let e = issue(&key, &t, NOW).unwrap_err();
    assert!(
        e.to_string()
            .contains("`t[0].sc` attribute `sample_time` lies after"),
        "{e}"
    );
    set(&mut t, "/t/0/sc", json!("2024-06-01T12:00:59Z"));
    issue(&key, &t, NOW).unwrap();
    let mut r = recovery("1978");
    set(&mut r, "/r/0/fr", json!("2024-06-02"));
    let e = issue(&key, &r, NOW).unwrap_err();
    assert!(
        e.to_string()
            .contains("`r[0].fr` attribute `first_positive_date` lies after"),
        "{e}"
    );
    // du before df.
    let mut r = recovery("1978");
    set(&mut r, "/r/0/du", json!("2024-05-11"));
    let e = issue(&key, &r, NOW).unwrap_err();
    assert!(
        e.to_string()
            .contains("attribute `valid_until` must be later than valid_from"),
        "{e}"
    );
    set(&mut r, "/r/0/du", json!("2024-05-12"));
    issue(&key, &r, NOW).unwrap();
}

fn attrs() -> Value {
    json!({
        "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1978",
        "country": "GB", "issuer_name": "NHS", "certificate_id": "URN:UVCI:01:GB:1",
        "valid_from": "2024-01-01T00:00:00Z", "valid_until": "2025-01-01T00:00:00Z",
        "disease": "840539006", "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": 2, "total_doses": 2,
        "vaccination_date": "2024-01-01"
    })
}

/// The hint for a missing attribute suits its type: `""` only for strings, codes and partial
/// dates, which accept it (before the fix, a missing integer was told to give `""`).
#[test]
fn missing_attributes_get_a_hint_that_works() {
    let key = issuer();
    let t = CredentialType::Vaccination;
    for (name, hint) in [
        ("dose_number", false),
        ("vaccination_date", false),
        ("valid_from", false),
        ("certificate_id", true),
        ("vaccine_type", true),
        ("birth_date", true),
    ] {
        let mut a = attrs();
        a.as_object_mut().unwrap().remove(name);
        let e = key.issue_at(t, &a, NOW, &mut rand::rng()).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains(&format!("attribute `{name}` is missing")),
            "{text}"
        );
        assert_eq!(text.contains("give \"\""), hint, "{text}");
        if hint {
            // The advice works: "" issues.
            a[name] = json!("");
            key.issue_at(t, &a, NOW, &mut rand::rng()).unwrap();
        } else {
            a[name] = json!("");
            assert!(key.issue_at(t, &a, NOW, &mut rand::rng()).is_err());
        }
    }
}

#[test]
fn partial_dates_in_attribute_files() {
    let key = issuer();
    for text in ["1978", "1978-05", "1978-05-12", ""] {
        let mut a = attrs();
        a["birth_date"] = json!(text);
        let c = key
            .issue_at(CredentialType::Vaccination, &a, NOW, &mut rand::rng())
            .unwrap();
        assert_eq!(c.value("birth_date").unwrap().to_string(), text);
    }
    for bad in ["1978-5", "78", "1978-13", "1978-02-30", "unknown"] {
        let mut a = attrs();
        a["birth_date"] = json!(bad);
        let e = key
            .issue_at(CredentialType::Vaccination, &a, NOW, &mut rand::rng())
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("attribute `birth_date`: expected a date"),
            "{e}"
        );
    }
    // Schema version 1 keeps full dates only.
    let v1 = CredentialType::Vaccination.schema_version(1).unwrap();
    let e = key
        .issue_under(v1, &attrs(), NOW, &mut rand::rng())
        .unwrap_err();
    assert!(e.to_string().contains("attribute `birth_date`"), "{e}");
    let mut a = attrs();
    a["birth_date"] = json!("1978-05-12");
    let c = key.issue_under(v1, &a, NOW, &mut rand::rng()).unwrap();
    assert_eq!(c.schema().version, 1);
    assert_eq!(Credential::from_json(&c.to_json()).unwrap(), c);
}

struct World {
    key: IssuerKey,
    trust: TrustList,
}

fn world() -> World {
    let key = issuer();
    let mut trust = TrustList::default();
    trust.add(key.info().clone(), false).unwrap();
    World { key, trust }
}

impl World {
    fn credential(&self, birth: &str, version: u8) -> Credential {
        self.credential_valid_at(birth, version, None)
    }

    /// A credential valid from a day before `at` to a year after (seconds), or with the
    /// attributes' own validity.
    fn credential_valid_at(&self, birth: &str, version: u8, at: Option<i64>) -> Credential {
        let mut a = attrs();
        a["birth_date"] = json!(birth);
        if let Some(at) = at {
            let minute = at / 60;
            a["valid_from"] = json!(calendar::format_instant(minute - 1440).unwrap());
            a["valid_until"] = json!(calendar::format_instant(minute + 365 * 1440).unwrap());
        }
        let schema = CredentialType::Vaccination.schema_version(version).unwrap();
        self.key
            .issue_under(schema, &a, NOW, &mut rand::rng())
            .unwrap()
    }

    fn request(&self, disclose: &[&str], prove: &[&str], now: i64) -> PresentationRequest {
        let t = CredentialType::Vaccination;
        let predicates = prove
            .iter()
            .map(|p| {
                Predicate::parse(t.schema(), p, now)
                    .unwrap()
                    .with_fresh_params(t.schema(), &mut rand::rng())
                    .unwrap()
            })
            .collect();
        let asked = CredentialRequest::new(t, disclose, &[], predicates).unwrap();
        PresentationRequest::new("border", vec![asked], now, 600, &mut rand::rng()).unwrap()
    }

    /// Presents and verifies; `Err` carries the holder's refusal or the verifier's.
    fn run(&self, c: &Credential, r: &PresentationRequest) -> Result<(), Error> {
        let p = presentation::present(r, std::slice::from_ref(c), r.created, &mut rand::rng())?;
        let back = Presentation::from_compact(&p.to_compact()?, r)?;
        presentation::verify(r, &back, &self.trust, r.created + 60)?;
        Ok(())
    }
}

/// Disclosing a partial birth date discloses its text (both signed days behind it).
#[test]
fn disclosing_a_partial_date_shows_its_text() {
    let w = world();
    for (birth, version) in [
        ("1978-05", 2),
        ("", 2),
        ("1978-05-12", 2),
        ("1978-05-12", 1),
    ] {
        let c = w.credential(birth, version);
        let r = w.request(&["birth_date", "family_name"], &[], NOW);
        let p = presentation::present(&r, std::slice::from_ref(&c), NOW, &mut rand::rng()).unwrap();
        for back in [
            Presentation::from_compact(&p.to_compact().unwrap(), &r).unwrap(),
            Presentation::from_json(&p.to_json()).unwrap(),
        ] {
            assert_eq!(back, p);
            let v = presentation::verify(&r, &back, &w.trust, NOW).unwrap();
            assert_eq!(v.credentials[0].disclosed[0].1.to_string(), birth);
            assert_eq!(v.credentials[0].schema_version, version);
        }
        // The text is bound: another month does not verify.
        let mut forged = p.clone();
        if version == 2 && !birth.is_empty() {
            let (first, last) = calendar::parse_partial_date("1978-06").unwrap();
            forged.credentials[0].disclosed[0].1 = AttributeValue::PartialDate { first, last };
            let e = presentation::verify(&r, &forged, &w.trust, NOW).unwrap_err();
            assert!(matches!(e, Error::ProofInvalid { .. }), "{e:?}");
        }
    }
}

#[test]
fn set_predicates_on_birth_date_are_refused() {
    let t = CredentialType::Vaccination;
    let e = Predicate::parse(t.schema(), "birth_date in {1978-05-12}", NOW).unwrap_err();
    assert!(e.to_string().contains("partial date"), "{e}");
    Predicate::parse(t.schema(), "birth_date in 1978-01-01..1978-12-31", NOW).unwrap();
}

/// Over 18 (`birth_date <= B`) takes the last possible day, is a minor (`birth_date > B`,
/// `>= B`) the first; a range both. Each bound is tried one day either side.
#[test]
fn each_comparison_uses_the_sound_end() {
    let w = world();
    let c = w.credential("1978-05", 2);
    let (first, last) = (day("1978-05-01"), day("1978-05-31"));
    let f = |d: i64| calendar::format_date(d).unwrap();
    let cases = [
        (format!("birth_date <= {}", f(last)), true),
        (format!("birth_date <= {}", f(last - 1)), false),
        (format!("birth_date < {}", f(last + 1)), true),
        (format!("birth_date < {}", f(last)), false),
        (format!("birth_date >= {}", f(first)), true),
        (format!("birth_date >= {}", f(first + 1)), false),
        (format!("birth_date > {}", f(first - 1)), true),
        (format!("birth_date > {}", f(first)), false),
        (format!("birth_date in {}..{}", f(first), f(last)), true),
        (
            format!("birth_date in {}..{}", f(first + 1), f(last)),
            false,
        ),
        (
            format!("birth_date in {}..{}", f(first), f(last - 1)),
            false,
        ),
    ];
    for (p, holds) in &cases {
        let r = w.request(&[], &[p], NOW);
        match w.run(&c, &r) {
            Ok(()) => assert!(holds, "{p} was accepted"),
            Err(e) => {
                assert!(!holds, "{p}: {e}");
                assert!(matches!(e, Error::PredicateFalse { .. }), "{p}: {e:?}");
            }
        }
    }
    // A full date in a version 1 credential: both ends are the day itself.
    let old = w.credential("1978-05-12", 1);
    for (p, holds) in [
        ("birth_date <= 1978-05-12", true),
        ("birth_date > 1978-05-11", true),
        ("birth_date > 1978-05-12", false),
    ] {
        assert_eq!(
            w.run(&old, &w.request(&[], &[p], NOW)).is_ok(),
            holds,
            "{p}"
        );
    }
}

#[test]
fn the_unknown_date_fails_every_comparison() {
    let w = world();
    let c = w.credential("", 2);
    for p in [
        "birth_date <= today-18y",
        "birth_date > today-18y",
        "birth_date >= 1900-01-01",
        "birth_date <= 9999-12-30",
        "birth_date in 1900-01-01..2020-01-01",
    ] {
        let e = w.run(&c, &w.request(&[], &[p], NOW)).unwrap_err();
        assert!(matches!(e, Error::PredicateFalse { .. }), "{p}: {e:?}");
    }
    // Its counterpart: a known date passes the same kind of statement.
    w.run(
        &w.credential("1978", 2),
        &w.request(&[], &["birth_date <= today-18y"], NOW),
    )
    .unwrap();
}

/// The verifier cannot be fooled: a proof of `last > B` made by hand (over the birth date's
/// own message, the last day) does not answer `birth_date > B`, which the verifier checks
/// over the companion (the first day). The same hand-made proof over the companion, for a
/// bound the first day meets, verifies.
#[test]
fn a_hand_made_proof_over_the_wrong_end_is_rejected() {
    let w = world();
    let c = w.credential("1978", 2);
    let schema = c.schema();
    let companion = schema.companion_index(3).unwrap();
    let forge = |bound: &str, index: usize| -> Result<(), Error> {
        let r = w.request(&[], &[&format!("birth_date > {bound}")], NOW);
        let p = r.policies[0].alternatives[0].statements().next().unwrap();
        let params = p.params().unwrap();
        let api_id = healthpass::credential::api_id::<Bls12381Sha256>();
        let scalars: Vec<Scalar> = c
            .values()
            .iter()
            .map(|v| v.to_scalar::<Bls12381Sha256>(&api_id).unwrap())
            .chain(
                c.values()
                    .iter()
                    .filter_map(AttributeValue::companion_scalar),
            )
            .collect();
        let prepared = PreparedSignature::<Bls12381Sha256>::from_scalars(
            &c.issuer().public_key,
            c.signature(),
            &c.header(),
            &scalars,
            &api_id,
        )
        .unwrap();
        let statement = PredicateStatement {
            message_index: index,
            minus_index: None,
            negate: false,
            offset: AttributeValue::Date(day(bound))
                .to_scalar::<Bls12381Sha256>(&api_id)
                .unwrap()
                + Scalar::from(1u64),
            digit_count: usize::from(params.digits),
            scale: 1,
            set: params.set().unwrap().clone(),
        };
        let context = proof_context(&r.digest(), 0);
        // The validity statements come first in every presentation.
        let mut atoms = presentation::zk_atoms::<Bls12381Sha256>(
            &r.validity_statements(schema).unwrap(),
            schema,
        )
        .unwrap();
        atoms.push(zk::Formula::Predicate(statement));
        let linked = zk::prove_formula::<Bls12381Sha256>(
            &prepared,
            &[],
            &zk::Formula::All(atoms),
            &context,
            &mut rand::rng(),
        )
        .map_err(Error::Predicate)?;
        let presented = Presentation {
            nonce: r.nonce,
            request_digest: r.digest(),
            credentials: vec![PresentedCredential {
                credential_type: CredentialType::Vaccination,
                schema_version: 2,
                profile: false,
                issuer: c.issuer().id.clone(),
                kid: None,
                branch: None,
                disclosed: vec![],
                formula_proof: linked.formula.to_bytes(),
                proof: linked.bbs.to_bytes(),
                holder: None,
            }],
            holder_commitment: None,
        };
        presentation::verify(&r, &presented, &w.trust, NOW).map(|_| ())
    };
    // "Born after 1978-06-01": true of the last day, not of the first.
    let e = forge("1978-06-01", 3).unwrap_err();
    assert!(matches!(e, Error::ProofInvalid { .. }), "{e:?}");
    // The prover itself refuses the statement over the first day.
    assert!(forge("1978-06-01", companion).is_err());
    // "Born after 1977-12-31" holds for the first day: the hand-made proof verifies.
    forge("1977-12-31", companion).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Over 18 with a partial birth date: accepted exactly when the last possible day is at
    /// least 18 years before today, on the request's clock (±1 day around the bound).
    #[test]
    fn over_18_with_partial_dates(year in 1990i64..2010, month in 1u32..=12, kind in 0usize..3, shift in -1i64..=1) {
        let text = match kind {
            0 => format!("{year:04}"),
            1 => format!("{year:04}-{month:02}"),
            _ => format!("{year:04}-{month:02}-15"),
        };
        let (_, last) = calendar::parse_partial_date(&text).unwrap();
        // The request is made on the day whose `today-18y` is `last + shift`.
        let bound = last + shift;
        let today = calendar::add_years(bound, 18).unwrap();
        prop_assume!(calendar::add_years(today, -18) == Some(bound));
        let w = world();
        let now = today * 86_400 + 43_200;
        let c = w.credential_valid_at(&text, 2, Some(now));
        let r = w.request(&[], &["birth_date <= today-18y"], now);
        let accepted = w.run(&c, &r).is_ok();
        prop_assert_eq!(accepted, shift >= 0, "{} at shift {}", text, shift);
    }

    /// Issuance refuses an event one day (or one minute) after the issuance time and takes
    /// it on the issuance time; a validity of one whole hour issues, one that is empty once
    /// put on whole hours does not.
    #[test]
    fn issuance_bounds(at in 946_684_800i64..4_102_444_800) {
        let key = issuer();
        let today = at.div_euclid(86_400);
        let minute = at.div_euclid(60);
        let date = |d: i64| json!(calendar::format_date(d).unwrap());
        let instant = |m: i64| json!(calendar::format_instant(m).unwrap());
        let mut v = vaccination("1978");
        set(&mut v, "/v/0/dt", date(today));
        prop_assert!(issue(&key, &v, at).is_ok());
        set(&mut v, "/v/0/dt", date(today + 1));
        prop_assert!(issue(&key, &v, at).is_err());
        let mut t = test_payload("1978");
        set(&mut t, "/t/0/sc", instant(minute));
        prop_assert!(issue(&key, &t, at).is_ok());
        set(&mut t, "/t/0/sc", instant(minute + 1));
        prop_assert!(issue(&key, &t, at).is_err());
        let mut r = recovery("1978");
        set(&mut r, "/r/0/fr", date(today));
        prop_assert!(issue(&key, &r, at).is_ok());
        set(&mut r, "/r/0/fr", date(today + 1));
        prop_assert!(issue(&key, &r, at).is_err());
        // A birth year that has not started.
        let (next_year, _, _) = calendar::civil_from_days(today);
        let mut b = vaccination(&format!("{:04}", next_year + 1));
        set(&mut b, "/v/0/dt", date(today));
        prop_assert!(issue(&key, &b, at).is_err());
        let hour = at.div_euclid(3600) * 3600;
        let window = |from: i64, until: i64| Validity { from: Some(from), until: Some(until) };
        let ok = key.issue_dcc(&vaccination("1978").to_string(), window(hour, hour + 3600), NOW, &mut rand::rng());
        prop_assert!(ok.is_ok());
        let e = key.issue_dcc(&vaccination("1978").to_string(), window(hour, hour), NOW, &mut rand::rng());
        prop_assert!(e.unwrap_err().to_string().contains("valid_until"));
        let e = key.issue_dcc(&vaccination("1978").to_string(), window(hour + 60, hour + 3540), NOW, &mut rand::rng());
        prop_assert!(e.unwrap_err().to_string().contains("valid_until"));
    }
}

// ---- the binary ----

struct Env(common::cli::Folder);

impl std::ops::Deref for Env {
    type Target = common::cli::Folder;

    fn deref(&self) -> &common::cli::Folder {
        &self.0
    }
}

impl Env {
    fn new() -> Self {
        Env(common::cli::Folder::with_issuer("at-bmsgpk", "AT"))
    }

    fn write(&self, name: &str, v: &Value) {
        std::fs::write(self.path(name), v.to_string()).unwrap();
    }

    fn issue(&self, payload: &str, out: &str, extra: &[&str]) -> (i32, String, String) {
        let mut args = vec![
            "issue",
            "--issuer",
            "keys/at-bmsgpk.secret.json",
            "--dcc",
            payload,
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }
}

fn credential_file(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn cli_issues_each_type_from_a_payload() {
    let env = Env::new();
    for (name, payload, t) in [
        ("v.json", vaccination("1978-05"), "vaccination"),
        ("t.json", test_payload("1978"), "test"),
        ("r.json", recovery(""), "recovery"),
    ] {
        env.write(name, &payload);
        let out = format!("cred-{name}");
        let (code, stdout, err) = env.issue(name, &out, &["--at", "2024-06-01T12:00:00Z"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            stdout.contains(&format!("issued a {t} credential")),
            "{stdout}"
        );
        let c = credential_file(&env.path(&out));
        assert_eq!(c["type"], t);
        assert_eq!(c["schema_version"], 2);
        assert_eq!(c["attributes"]["birth_date"], payload["dob"]);
    }
    // --valid-from / --valid-until override the payload's validity.
    let (code, _, err) = env.issue(
        "r.json",
        "r2.json",
        &[
            "--at",
            "2024-06-01T12:00:00Z",
            "--valid-from",
            "2024-05-20T00:00:00Z",
            "--valid-until",
            "2024-07-01T00:00:00+02:00",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let c = credential_file(&env.path("r2.json"));
    assert_eq!(c["attributes"]["valid_from"], "2024-05-20T00:00:00Z");
    assert_eq!(c["attributes"]["valid_until"], "2024-06-30T22:00:00Z");
}

#[test]
fn cli_refuses_bad_payloads_and_usage() {
    let env = Env::new();
    let mut p = vaccination("1978");
    set(&mut p, "/v/0/dt", json!("2024-06-02"));
    env.write("future.json", &p);
    let (code, _, err) = env.issue("future.json", "c.json", &["--at", "2024-06-01T23:59:00Z"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`v[0].dt` attribute `vaccination_date` lies after the issuance time 2024-06-01T23:59:00Z"), "{err}");
    assert!(!env.path("c.json").exists());
    // The counterpart: the next day, it issues.
    let (code, _, err) = env.issue("future.json", "c.json", &["--at", "2024-06-02T00:00:00Z"]);
    assert_eq!(code, 0, "{err}");
    std::fs::write(env.path("dup.json"), r#"{"ver":"1.3.0","ver":"1.3.0"}"#).unwrap();
    let (code, _, err) = env.issue("dup.json", "d.json", &[]);
    assert_eq!(code, 2);
    assert!(err.contains("duplicate key `ver`"), "{err}");
    for (args, needle) in [
        (
            vec!["--at", "yesterday"],
            "--at `yesterday` is not an RFC 3339",
        ),
        (
            vec!["--valid-until", "soon"],
            "--valid-until `soon` is not an RFC 3339",
        ),
        (vec!["--type", "test"], "cannot be used with"),
    ] {
        let (code, _, err) = env.issue("future.json", "x.json", &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    let (code, _, err) = env.run(&[
        "issue",
        "--issuer",
        "keys/at-bmsgpk.secret.json",
        "--out",
        "x.json",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("--attributes") && err.contains("--dcc"),
        "{err}"
    );
}

/// `--at` replays: a request made at T is answered and verified at T+1 minute, and refused
/// once it has expired; the credential's own validity is checked on the holder's clock by
/// the predicates the request asks for.
#[test]
fn cli_replays_at_a_given_time() {
    let env = Env::new();
    env.write("t.json", &test_payload("1978-05"));
    env.ok(&[
        "issue",
        "--issuer",
        "keys/at-bmsgpk.secret.json",
        "--dcc",
        "t.json",
        "--out",
        "cred.json",
        "--at",
        "2024-06-01T12:00:00Z",
    ]);
    env.ok(&[
        "request",
        "--params-store",
        "store",
        "--type",
        "test",
        "--disclose",
        "birth_date",
        "--prove",
        "sample_time >= now-72h",
        "--prove",
        "valid_until >= now",
        "--at",
        "2024-06-02T10:00:00Z",
        "--out",
        "req.json",
    ]);
    let req: Value =
        serde_json::from_str(&std::fs::read_to_string(env.path("req.json")).unwrap()).unwrap();
    assert_eq!(req["created"], "2024-06-02T10:00:00Z");
    assert_eq!(req["expires"], "2024-06-02T10:10:00Z");
    let present = |at: &str| {
        env.run(&[
            "present",
            "--params-store",
            "store",
            "--credential",
            "cred.json",
            "--request",
            "req.json",
            "--out",
            "p.json",
            "--at",
            at,
        ])
    };
    let verify = |at: &str| {
        env.run(&[
            "verify",
            "--params-store",
            "store",
            "--trust-list",
            "trust.json",
            "--request",
            "req.json",
            "--presentation",
            "p.json",
            "--json",
            "--at",
            at,
        ])
    };
    let (code, _, err) = present("2024-06-02T10:11:00Z");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("expired"), "{err}");
    let (code, _, err) = present("2024-06-02T10:01:00Z");
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = verify("2024-06-02T10:01:00Z");
    assert_eq!(code, 0, "{out}{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["accepted"], true);
    assert!(out.contains("1978-05"), "{out}");
    let (code, _, _) = verify("2024-06-02T10:10:00Z");
    assert_eq!(code, 0);
    let (code, out, _) = verify("2024-06-02T10:10:01Z");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("expired"), "{out}");
    // The same request replayed later: the test is too old for a request made then.
    env.ok(&[
        "request",
        "--params-store",
        "store",
        "--type",
        "test",
        "--prove",
        "sample_time >= now-72h",
        "--at",
        "2024-06-04T10:00:00Z",
        "--out",
        "late.json",
    ]);
    let (code, _, err) = env.run(&[
        "present",
        "--params-store",
        "store",
        "--credential",
        "cred.json",
        "--request",
        "late.json",
        "--out",
        "q.json",
        "--at",
        "2024-06-04T10:01:00Z",
    ]);
    assert_eq!(code, 1, "{err}");
    // Too old for the statement, and no longer valid at the request's time either.
    assert!(
        err.contains("sample_time") || err.contains("not at the request's time"),
        "{err}"
    );
}
