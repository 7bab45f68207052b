//! Predicates through requests and presentations: every predicate kind proven and
//! verified, false ones refused by the holder, proofs that do not transfer to other bounds,
//! sets or requests, tampering, the size budgets of the typical presentations, and
//! boundaries (at the bound, one past it, leap days) as property tests.

use std::sync::OnceLock;

use healthpass::credential::{calendar, Credential, CredentialType, IssuerKey, Suite};
use healthpass::presentation::{
    self, CredentialRequest, Error, ParameterSet, Predicate, Presentation, PresentationRequest,
    TrustList,
};
use proptest::prelude::*;
use serde_json::json;

/// 2026-11-29T12:00:00Z.
const NOW: i64 = 1_795_953_600;

fn params() -> &'static ParameterSet {
    static SET: OnceLock<ParameterSet> = OnceLock::new();
    SET.get_or_init(|| ParameterSet::generate(&mut rand::rng()).unwrap())
}

fn issuer(suite: Suite) -> &'static IssuerKey {
    static KEYS: OnceLock<(IssuerKey, IssuerKey)> = OnceLock::new();
    let keys = KEYS.get_or_init(|| {
        let mut rng = rand::rng();
        let mut k = |suite| {
            IssuerKey::generate("de-rki", "RKI", "DE", suite, &CredentialType::ALL, &mut rng)
                .unwrap()
        };
        (k(Suite::Sha256), k(Suite::Shake256))
    });
    match suite {
        Suite::Sha256 => &keys.0,
        _ => &keys.1,
    }
}

fn vaccination(dose: i64, vaccinated: &str, birth: &str, until: &str) -> serde_json::Value {
    json!({
        "family_name": "Mustermann", "given_name": "Erika", "birth_date": birth,
        "country": "DE", "issuer_name": "RKI", "certificate_id": "URN:UVCI:01:DE:PRED",
        "valid_from": "2026-01-01T00:00:00Z", "valid_until": until, "disease": "840539006",
        "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": dose, "total_doses": 2,
        "vaccination_date": vaccinated,
    })
}

fn test_result(sample: &str) -> serde_json::Value {
    json!({
        "family_name": "Mustermann", "given_name": "Erika", "birth_date": "1964-08-12",
        "country": "DE", "issuer_name": "RKI", "certificate_id": "URN:UVCI:01:DE:TEST",
        "valid_from": "2026-11-28T00:00:00Z", "valid_until": "2026-12-01T00:00:00Z",
        "disease": "840539006", "test_type": "LP217198-3", "test_name": "Rapid",
        "test_device": "1232", "sample_time": sample, "test_result": "260415000",
        "test_centre": "Testzentrum Mitte",
    })
}

/// Issued at the last writable day, so that the property tests' dates (up to year 9999) are
/// never after the issuance time.
fn credential(t: CredentialType, suite: Suite, attributes: &serde_json::Value) -> Credential {
    let at = healthpass::credential::calendar::MAX_DAY * 86_400;
    issuer(suite)
        .issue_at(t, attributes, at, &mut rand::rng())
        .unwrap()
}

fn request(t: CredentialType, disclose: &[&str], prove: &[&str], now: i64) -> PresentationRequest {
    let schema = t.schema();
    let mut rng = rand::rng();
    let predicates = prove
        .iter()
        .map(|p| {
            Predicate::parse(schema, p, now)
                .unwrap()
                .with_params_from(schema, params(), &mut rng)
                .unwrap()
        })
        .collect();
    let asked = CredentialRequest::new(t, disclose, &[], predicates).unwrap();
    // The validity statements share the long-lived date digit set (one digit of 2^16).
    let validity = params()
        .for_type(healthpass::credential::AttributeType::Date)
        .cloned()
        .unwrap();
    PresentationRequest::new_with_validity("border", vec![asked], now, 600, validity, &mut rng)
        .unwrap()
}

fn trust() -> TrustList {
    let mut t = TrustList::default();
    t.add(issuer(Suite::Sha256).info().clone(), false).unwrap();
    t
}

fn trust_shake() -> TrustList {
    let mut t = TrustList::default();
    t.add(issuer(Suite::Shake256).info().clone(), false)
        .unwrap();
    t
}

fn present(r: &PresentationRequest, c: &Credential, now: i64) -> Result<Presentation, Error> {
    presentation::present(r, std::slice::from_ref(c), now, &mut rand::rng())
}

fn standard() -> Credential {
    credential(
        CredentialType::Vaccination,
        Suite::Sha256,
        &vaccination(2, "2026-06-01", "1980-02-29", "2027-06-01T00:00:00Z"),
    )
}

#[test]
fn every_kind_is_proven_and_verified() {
    let c = standard();
    for prove in [
        "dose_number >= 2",
        "dose_number > 1",
        "dose_number <= 2",
        "dose_number < 3",
        "dose_number in 2..10",
        "dose_number in {1,2,3}",
        "vaccination_date <= today-14d",
        "vaccination_date in 2026-01-01..2026-12-31",
        "birth_date <= today-18y",
        "valid_until >= now",
        "valid_until > now+30d",
        "vaccine_product in {EU/1/20/1528,EU/1/20/1507,BBIBP-CorV}",
        "manufacturer in {ORG-100030215}",
    ] {
        let r = request(CredentialType::Vaccination, &["country"], &[prove], NOW);
        let p = present(&r, &c, NOW).unwrap_or_else(|e| panic!("{prove}: {e}"));
        let v = presentation::verify(&r, &p, &trust(), NOW + 60)
            .unwrap_or_else(|e| panic!("{prove}: {e}"));
        assert_eq!(v.credentials[0].predicates.len(), 1, "{prove}");
        // The two validity statements (256 bytes) come first, then the statement's proof.
        assert!(p.credentials[0].formula_proof.len() > 256, "{prove}");
        // The presentation round-trips through both wire formats.
        let compact = p.to_compact().unwrap();
        assert_eq!(
            Presentation::from_compact(&compact, &r).unwrap(),
            p,
            "{prove}"
        );
        assert_eq!(Presentation::from_json(&p.to_json()).unwrap(), p, "{prove}");
    }
}

#[test]
fn false_statements_are_refused_by_the_holder() {
    let c = standard();
    for prove in [
        "dose_number >= 3",
        "dose_number > 2",
        "dose_number <= 1",
        "dose_number < 2",
        "dose_number in 3..10",
        "dose_number in {1,3}",
        "vaccination_date <= 2026-05-31",
        "birth_date >= today-18y",
        "valid_until >= 2027-06-01T00:01:00Z",
        "vaccine_product in {EU/1/20/1507,BBIBP-CorV}",
    ] {
        let r = request(CredentialType::Vaccination, &[], &[prove], NOW);
        match present(&r, &c, NOW) {
            Err(Error::PredicateFalse { predicate }) => {
                assert!(
                    predicate.starts_with(prove.split(' ').next().unwrap()),
                    "{prove}"
                )
            }
            other => panic!("{prove}: {other:?}"),
        }
    }
}

#[test]
fn true_but_out_of_span_is_explained() {
    // valid_until more than two years ahead: true, but beyond the instant span.
    let c = credential(
        CredentialType::Vaccination,
        Suite::Sha256,
        &vaccination(2, "2026-06-01", "1980-02-29", "2030-01-01T00:00:00Z"),
    );
    let r = request(
        CredentialType::Vaccination,
        &[],
        &["valid_until >= now"],
        NOW,
    );
    let e = present(&r, &c, NOW).unwrap_err();
    assert!(
        matches!(e, Error::PredicateOutOfSpan { max: 1_048_575, .. }),
        "{e:?}"
    );
    assert!(e.is_rejection());
}

#[test]
fn proofs_do_not_transfer() {
    let c = standard();
    let r = request(
        CredentialType::Vaccination,
        &["vaccine_product"],
        &["dose_number >= 2"],
        NOW,
    );
    let p = present(&r, &c, NOW).unwrap();
    presentation::verify(&r, &p, &trust(), NOW + 60).unwrap();
    // The same request with another bound (nonce, times and parameters kept): the digest
    // differs, and if a forger also swaps the digest the proof itself fails.
    let mut other = r.clone();
    (*other.policies[0].statement_mut(0, 0).unwrap()) = Predicate::parse(
        CredentialType::Vaccination.schema(),
        "dose_number >= 1",
        NOW,
    )
    .unwrap()
    .with_params_from(
        CredentialType::Vaccination.schema(),
        params(),
        &mut rand::rng(),
    )
    .unwrap();
    assert!(matches!(
        presentation::verify(&other, &p, &trust(), NOW + 60),
        Err(Error::RequestDigestMismatch)
    ));
    let mut forged = p.clone();
    forged.request_digest = other.digest();
    assert!(matches!(
        presentation::verify(&other, &forged, &trust(), NOW + 60),
        Err(Error::ProofInvalid { .. })
    ));
    // Other parameters (another key for the same span).
    let mut rekeyed = r.clone();
    let first = rekeyed.policies[0].statement_mut(0, 0).unwrap();
    *first = first
        .clone()
        .with_fresh_params(CredentialType::Vaccination.schema(), &mut rand::rng())
        .unwrap();
    let mut forged = p.clone();
    forged.request_digest = rekeyed.digest();
    assert!(matches!(
        presentation::verify(&rekeyed, &forged, &trust(), NOW + 60),
        Err(Error::ProofInvalid { .. })
    ));
    // A set predicate against another set.
    let rs = request(
        CredentialType::Vaccination,
        &[],
        &["vaccine_product in {EU/1/20/1528,BBIBP-CorV}"],
        NOW,
    );
    let ps = present(&rs, &c, NOW).unwrap();
    presentation::verify(&rs, &ps, &trust(), NOW + 60).unwrap();
    let mut other_set = rs.clone();
    (*other_set.policies[0].statement_mut(0, 0).unwrap()) = Predicate::parse(
        CredentialType::Vaccination.schema(),
        "vaccine_product in {EU/1/20/1528,EU/1/20/1507}",
        NOW,
    )
    .unwrap()
    .with_fresh_params(CredentialType::Vaccination.schema(), &mut rand::rng())
    .unwrap();
    let mut forged = ps.clone();
    forged.request_digest = other_set.digest();
    assert!(presentation::verify(&other_set, &forged, &trust(), NOW + 60).is_err());
    // Another request altogether.
    let r2 = request(
        CredentialType::Vaccination,
        &["vaccine_product"],
        &["dose_number >= 2"],
        NOW,
    );
    assert!(presentation::verify(&r2, &p, &trust(), NOW + 60).is_err());
    // A predicate proof moved from one presentation to another of the same request.
    let p2 = present(&r, &c, NOW).unwrap();
    let mut mixed = p2.clone();
    mixed.credentials[0].formula_proof = p.credentials[0].formula_proof.clone();
    assert!(matches!(
        presentation::verify(&r, &mixed, &trust(), NOW + 60),
        Err(Error::ProofInvalid { .. })
    ));
    // A missing predicate proof.
    let mut dropped = p.clone();
    dropped.credentials[0].formula_proof.clear();
    assert!(matches!(
        presentation::verify(&r, &dropped, &trust(), NOW + 60),
        Err(Error::PredicateMismatch { .. })
    ));
}

#[test]
fn every_byte_of_the_predicate_part_matters() {
    let c = standard();
    let r = request(
        CredentialType::Vaccination,
        &[],
        &[
            "dose_number in 2..10",
            "vaccine_product in {EU/1/20/1528,BBIBP-CorV}",
        ],
        NOW,
    );
    let p = present(&r, &c, NOW).unwrap();
    presentation::verify(&r, &p, &trust(), NOW + 60).unwrap();
    let len = p.credentials[0].formula_proof.len();
    for i in 0..len {
        let mut t = p.clone();
        t.credentials[0].formula_proof[i] ^= 0x01;
        assert!(
            presentation::verify(&r, &t, &trust(), NOW + 60).is_err(),
            "byte {i}"
        );
    }
    let mut short = p.clone();
    short.credentials[0].formula_proof.pop();
    assert!(presentation::verify(&r, &short, &trust(), NOW + 60).is_err());
}

#[test]
fn both_suites_and_sets_of_codes() {
    // A SHAKE-256 issuer: codes hash differently, and one parameter set serves both suites.
    let c = credential(
        CredentialType::Vaccination,
        Suite::Shake256,
        &vaccination(3, "2025-12-24", "2001-03-01", "2027-01-01T00:00:00Z"),
    );
    let r = request(
        CredentialType::Vaccination,
        &["country"],
        &[
            "vaccine_product in {BBIBP-CorV,EU/1/20/1528}",
            "dose_number >= 3",
            "birth_date <= today-18y",
        ],
        NOW,
    );
    let p = present(&r, &c, NOW).unwrap();
    presentation::verify(&r, &p, &trust_shake(), NOW + 60).unwrap();
    assert!(presentation::verify(&r, &p, &trust(), NOW + 60).is_err());
}

#[test]
fn typical_presentations_fit_the_size_budget() {
    // Per component (docs/benchmarks.md, "Presentation sizes"): the BBS proof of the
    // presentation profile (272 + 32 U), one 128-byte digit per statement (the validity
    // statements in hours and the date bound one digit of a 2^16 set, the dose bound one of
    // 64, the sample-time window one of 4,321), and the framing.
    let bbs = |hidden: usize| 272 + 32 * hidden;
    let c = standard();
    let r = request(
        CredentialType::Vaccination,
        &["vaccine_product"],
        &["dose_number >= 2", "vaccination_date <= today-14d"],
        NOW,
    );
    let p = present(&r, &c, NOW).unwrap();
    presentation::verify(&r, &p, &trust(), NOW + 60).unwrap();
    let vaccination = p.to_compact().unwrap().len();
    let v = &p.credentials[0];
    assert!(v.profile, "the vaccination profile is presented");
    assert_eq!(
        v.proof.len(),
        bbs(9),
        "9 hidden attributes of the profile's 10"
    );
    assert_eq!(
        v.formula_proof.len(),
        4 * 128,
        "validity x2, dose, date: one digit each"
    );
    let framing = vaccination - v.proof.len() - v.formula_proof.len();
    assert!(framing <= 40, "vaccination framing: {framing} bytes");
    // The issue's target: QR version 29 at level M.
    assert!(
        vaccination <= 1264,
        "vaccination presentation: {vaccination} bytes"
    );

    let t = credential(
        CredentialType::Test,
        Suite::Sha256,
        &test_result("2026-11-28T07:30:00Z"),
    );
    let r = request(
        CredentialType::Test,
        &["test_result"],
        &["sample_time in now-72h..now"],
        NOW,
    );
    let p = present(&r, &t, NOW).unwrap();
    presentation::verify(&r, &p, &trust(), NOW + 60).unwrap();
    let test = p.to_compact().unwrap().len();
    let tc = &p.credentials[0];
    assert!(tc.profile, "the test profile is presented");
    assert_eq!(
        tc.proof.len(),
        bbs(7),
        "7 hidden attributes of the profile's 8"
    );
    assert_eq!(
        tc.formula_proof.len(),
        3 * 128,
        "validity x2, window: one digit each"
    );
    let framing = test - tc.proof.len() - tc.formula_proof.len();
    assert!(framing <= 40, "test framing: {framing} bytes");
    // The issue's target: QR version 28 at level M.
    assert!(test <= 1190, "test presentation: {test} bytes");
    // Both fit one QR code at level M or better.
    for bytes in [vaccination, test] {
        assert!(presentation::qr::Qr::new(&vec![0; bytes]).is_ok_and(|q| q.level() != 'L'));
    }
    eprintln!("compact sizes: vaccination {vaccination} bytes, test {test} bytes");
}

/// A request that reads an attribute outside the presentation profile (here `country`) is
/// answered with the full credential, and one that reads only profile attributes with the
/// profile; a profile presentation passed off as the full credential (or the reverse) fails.
#[test]
fn the_presentation_profile_is_used_exactly_when_it_covers_the_request() {
    let c = standard();
    assert!(c.profile_signature().is_some());
    c.verify().unwrap();
    let full = request(
        CredentialType::Vaccination,
        &["country"],
        &["dose_number >= 2"],
        NOW,
    );
    let p = present(&full, &c, NOW).unwrap();
    assert!(!p.credentials[0].profile);
    presentation::verify(&full, &p, &trust(), NOW + 60).unwrap();
    let narrow = request(CredentialType::Vaccination, &[], &["dose_number >= 2"], NOW);
    let p = present(&narrow, &c, NOW).unwrap();
    assert!(p.credentials[0].profile);
    presentation::verify(&narrow, &p, &trust(), NOW + 60).unwrap();
    // Flipping the flag makes the verifier use the other schema and header: rejected.
    let mut flipped = p.clone();
    flipped.credentials[0].profile = false;
    let e = presentation::verify(&narrow, &flipped, &trust(), NOW + 60).unwrap_err();
    assert!(e.is_rejection(), "{e:?}");
    // A credential whose profile signature is another's is refused on reading.
    let other = credential(
        CredentialType::Vaccination,
        Suite::Sha256,
        &vaccination(3, "2026-01-10", "1990-01-01", "2026-12-01T00:00:00Z"),
    );
    let swapped = c
        .clone()
        .with_profile_signature(other.profile_signature().copied());
    assert!(swapped.verify().is_err());
    // Without a profile signature, the full credential answers the narrow request.
    let plain = c.clone().with_profile_signature(None);
    let p = present(&narrow, &plain, NOW).unwrap();
    assert!(!p.credentials[0].profile);
    presentation::verify(&narrow, &p, &trust(), NOW + 60).unwrap();
}

#[test]
fn leap_day_birthdays() {
    // Born on 29 February 2008: on 28 February 2026 `today-18y` is 2008-02-28, so not yet 18;
    // on 1 March 2026 it is 2008-03-01, so 18.
    let c = credential(
        CredentialType::Vaccination,
        Suite::Sha256,
        &vaccination(2, "2026-01-10", "2008-02-29", "2026-12-01T00:00:00Z"),
    );
    let day = |d: &str| calendar::parse_date(d).unwrap() * 86_400 + 43_200;
    let feb28 = day("2026-02-28");
    let r = request(
        CredentialType::Vaccination,
        &[],
        &["birth_date <= today-18y"],
        feb28,
    );
    assert!(matches!(
        present(&r, &c, feb28),
        Err(Error::PredicateFalse { .. })
    ));
    let mar1 = day("2026-03-01");
    let r = request(
        CredentialType::Vaccination,
        &[],
        &["birth_date <= today-18y"],
        mar1,
    );
    let p = present(&r, &c, mar1).unwrap();
    presentation::verify(&r, &p, &trust(), mar1 + 60).unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10))]

    /// Dates around month ends and bounds: the holder proves exactly when the statement
    /// holds, and the verifier accepts what it proves.
    #[test]
    fn date_bounds(day in 18_000i64..21_000, delta in -2i64..3) {
        let date = calendar::format_date(day).unwrap();
        let bound = calendar::format_date(day + delta).unwrap();
        let c = credential(
            CredentialType::Vaccination,
            Suite::Sha256,
            &vaccination(2, &date, "1970-01-01", "2026-12-01T00:00:00Z"),
        );
        let prove = format!("vaccination_date <= {bound}");
        let r = request(CredentialType::Vaccination, &[], &[&prove], NOW);
        match present(&r, &c, NOW) {
            Ok(p) => {
                prop_assert!(delta >= 0);
                prop_assert!(presentation::verify(&r, &p, &trust(), NOW + 60).is_ok());
            }
            Err(Error::PredicateFalse { .. }) => prop_assert!(delta < 0),
            Err(e) => prop_assert!(false, "{}", e),
        }
    }

    /// Integers at zero, at the bound, one past it and at the top of the span.
    #[test]
    fn integer_bounds(dose in prop::sample::select(vec![0i64, 1, 2, 62, 63, 64, 65]), bound in prop::sample::select(vec![0i64, 1, 2, 63])) {
        let c = credential(
            CredentialType::Vaccination,
            Suite::Sha256,
            &vaccination(dose, "2026-01-01", "1970-01-01", "2026-12-01T00:00:00Z"),
        );
        let prove = format!("dose_number >= {bound}");
        let r = request(CredentialType::Vaccination, &[], &[&prove], NOW);
        let result = present(&r, &c, NOW);
        if dose < bound {
            let refused = matches!(result, Err(Error::PredicateFalse { .. }));
            prop_assert!(refused);
        } else if dose - bound > 63 {
            let out_of_span = matches!(result, Err(Error::PredicateOutOfSpan { .. }));
            prop_assert!(out_of_span);
        } else {
            let p = result.unwrap();
            prop_assert!(presentation::verify(&r, &p, &trust(), NOW + 60).is_ok());
        }
    }
}

#[test]
fn relative_bounds_resolve_in_utc_on_calendar_days() {
    let schema = CredentialType::Vaccination.schema();
    let at = |date: &str, seconds: i64| calendar::parse_date(date).unwrap() * 86_400 + seconds;
    let bound = |text: &str, now: i64| Predicate::parse(schema, text, now).unwrap().to_string();
    // 29 February minus 18 years is 28 February; any time of the UTC day gives the same day.
    assert_eq!(
        bound("birth_date <= today-18y", at("2028-02-29", 0)),
        "birth_date <= 2010-02-28"
    );
    assert_eq!(
        bound("birth_date <= today-18y", at("2028-02-29", 86_399)),
        "birth_date <= 2010-02-28"
    );
    assert_eq!(
        bound("birth_date <= today-4y", at("2028-02-29", 0)),
        "birth_date <= 2024-02-29"
    );
    assert_eq!(
        bound("vaccination_date <= today-14d", at("2026-03-01", 0)),
        "vaccination_date <= 2026-02-15"
    );
    assert_eq!(
        bound("vaccination_date <= today-1d", at("2024-03-01", 0)),
        "vaccination_date <= 2024-02-29"
    );
    let test = CredentialType::Test.schema();
    // 59 seconds past the minute: a lower bound rounds up to the next minute (issue 9,
    // finding 5: flooring it accepted a sample taken up to 59 s too early).
    let p = Predicate::parse(test, "sample_time >= now-72h", at("2026-01-02", 3_600 + 59)).unwrap();
    assert_eq!(p.to_string(), "sample_time >= 2025-12-30T01:01:00Z");
    let p = Predicate::parse(test, "sample_time >= now-72h", at("2026-01-02", 3_600)).unwrap();
    assert_eq!(p.to_string(), "sample_time >= 2025-12-30T01:00:00Z");
}

/// A malicious verifier that picks a tiny span for a one-sided bound turns it into a
/// two-sided one: with base 2 and one digit, `dose_number >= 2` proves `dose_number` is 2 or
/// 3, and `birth_date <= B` pins the birth date to `B - 1` or `B`. The holder sees only the
/// one-sided predicate, so it must refuse spans narrower than the attribute type's default.
#[test]
fn holder_refuses_spans_narrower_than_the_default() {
    use healthpass::presentation::PredicateParams;
    use healthpass::zk::{SetKind, SignedSet};
    let c = standard();
    for (prove, base, digits) in [
        ("dose_number >= 2", 2u32, 1u8),
        ("dose_number in 1..3", 8, 1),
        ("birth_date <= 1980-02-29", 2, 1),
        ("birth_date <= today-18y", 256, 1),
        ("valid_until >= now", 1024, 1),
    ] {
        let mut r = request(CredentialType::Vaccination, &[], &[prove], NOW);
        let narrow = PredicateParams::new(
            digits,
            SignedSet::generate(&mut rand::rng(), SetKind::Digits { base }).unwrap(),
        );
        r.policies[0].statement_mut(0, 0).unwrap().params = Some(narrow);
        match present(&r, &c, NOW) {
            Err(e @ Error::PredicateSpanTooNarrow { .. }) => assert!(e.is_rejection(), "{prove}"),
            other => panic!("{prove}: a narrow span must be refused, got {other:?}"),
        }
    }
    // The default spans, and wider ones, are fine.
    let mut r = request(CredentialType::Vaccination, &[], &["dose_number >= 2"], NOW);
    r.policies[0].statement_mut(0, 0).unwrap().params = Some(PredicateParams::new(
        2,
        SignedSet::generate(&mut rand::rng(), SetKind::Digits { base: 64 }).unwrap(),
    ));
    let p = present(&r, &c, NOW).unwrap();
    presentation::verify(&r, &p, &trust(), NOW + 60).unwrap();
}

/// A range `LOW..HIGH` narrower than `MAX_WINDOW_BASE` is one statement over a digit set
/// of exactly `HIGH - LOW + 1` digits: 128 bytes instead of two bounds. Both ends hold to
/// the minute, one minute beyond either is refused, and a set one digit too wide is not
/// taken for a window (the holder refuses it as a narrow span instead).
#[test]
fn a_window_is_one_statement_that_proves_both_bounds() {
    use healthpass::presentation::{validity_span, PredicateParams};
    use healthpass::zk::{SetKind, SignedSet};
    let schema = CredentialType::Test.schema();
    let window = Predicate::parse(schema, "sample_time in now-72h..now", NOW).unwrap();
    assert_eq!(window.window(schema).unwrap(), Some(72 * 60));
    // Only ranges over one signed message, and only below the cap.
    for (text, ty) in [
        ("sample_time >= now-72h", CredentialType::Test),
        ("birth_date in 1980-01-01..1980-12-31", CredentialType::Test),
        (
            "vaccination_date in 1990-01-01..2040-12-31",
            CredentialType::Vaccination,
        ),
    ] {
        let p = Predicate::parse(ty.schema(), text, NOW).unwrap();
        assert_eq!(p.window(ty.schema()).unwrap(), None, "{text}");
    }
    let day = Predicate::parse(schema, "sample_time in now-12d..now", NOW).unwrap();
    assert_eq!(
        day.window(schema).unwrap(),
        None,
        "12 days of minutes: above the cap"
    );

    let validity = 2 * (160 * usize::from(validity_span().digits) - 32);
    let r = request(
        CredentialType::Test,
        &["test_result"],
        &["sample_time in now-72h..now"],
        NOW,
    );
    let mut r2 = r.clone();
    let params = r2.policies[0]
        .statement_mut(0, 0)
        .unwrap()
        .params()
        .unwrap()
        .clone();
    assert_eq!(params.digits, 1);
    assert_eq!(
        *params.set().unwrap().kind(),
        SetKind::Digits { base: 72 * 60 + 1 }
    );
    let minute = |m: i64| calendar::format_rfc3339_seconds(NOW + 60 * m).unwrap();
    for (offset, holds) in [
        (-72 * 60 - 1, false),
        (-72 * 60, true),
        (-60, true),
        (0, true),
        (1, false),
    ] {
        let t = credential(
            CredentialType::Test,
            Suite::Sha256,
            &test_result(&minute(offset)),
        );
        match present(&r, &t, NOW) {
            Ok(p) => {
                assert!(holds, "{offset}");
                presentation::verify(&r, &p, &trust(), NOW + 60).unwrap();
                // Validity, then one 128-byte digit proof for the window.
                assert_eq!(p.credentials[0].formula_proof.len(), validity + 128);
            }
            Err(e) => {
                assert!(!holds, "{offset}: {e}");
                assert!(matches!(e, Error::PredicateFalse { .. }), "{offset}: {e}");
            }
        }
    }
    // A presentation of the window is refused against a request of the same window whose
    // set is another one (another digest), and against a narrower window.
    let t = credential(
        CredentialType::Test,
        Suite::Sha256,
        &test_result(&minute(-90)),
    );
    let p = present(&r, &t, NOW).unwrap();
    let other = request(
        CredentialType::Test,
        &["test_result"],
        &["sample_time in now-72h..now"],
        NOW,
    );
    assert!(presentation::verify(&other, &p, &trust(), NOW + 60).is_err());
    let narrower = request(
        CredentialType::Test,
        &["test_result"],
        &["sample_time in now-1h..now"],
        NOW,
    );
    assert!(matches!(
        present(&narrower, &t, NOW),
        Err(Error::PredicateFalse { .. })
    ));
    assert!(presentation::verify(&narrower, &p, &trust(), NOW + 60).is_err());

    // One digit more than the window: not a window, and narrower than an instant's default
    // span, so the holder refuses it (it would reveal more than the range).
    let mut wide = r.clone();
    wide.policies[0].statement_mut(0, 0).unwrap().params = Some(PredicateParams::new(
        1,
        SignedSet::generate(&mut rand::rng(), SetKind::Digits { base: 72 * 60 + 2 }).unwrap(),
    ));
    assert!(matches!(
        present(&wide, &t, NOW),
        Err(Error::PredicateSpanTooNarrow { .. })
    ));
}

/// A set predicate with thousands of values is refused before its elements are computed
/// (encoding and de-duplicating them is quadratic: 100,000 values in a 780 KB request took
/// minutes to read), with the request's own error, not after the work.
#[test]
fn huge_sets_are_refused_before_any_work() {
    let r = request(
        CredentialType::Vaccination,
        &[],
        &["dose_number in {1,2,3}"],
        NOW,
    );
    let mut v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    let p = &mut v["policies"][0]["any_of"][0]["all_of"][0];
    p["values"] = (0..5000).collect::<Vec<i64>>().into();
    let e = PresentationRequest::from_json(&v.to_string()).unwrap_err();
    assert!(matches!(e, Error::Format(_)), "{e:?}");
    assert!(e.to_string().contains("at most 256 values"), "{e}");
}

#[test]
fn at_most_sixteen_predicates_per_credential() {
    let schema = CredentialType::Vaccination.schema();
    let p = Predicate::parse(schema, "dose_number >= 1", NOW).unwrap();
    let many = vec![p; presentation::MAX_PREDICATES + 1];
    let e = CredentialRequest::new(CredentialType::Vaccination, &[], &[], many).unwrap_err();
    assert!(matches!(e, Error::Format(_)), "{e:?}");
    assert!(!e.is_rejection());
}

/// Issuance puts the validity on whole hours, inward; the validity statements are then one
/// digit each, in hours. A request in minutes (two base-4096 digits each) still answers, and a
/// credential whose validity is not on whole hours (issued before issuance aligned it) is
/// refused by the holder for a request in hours, with the error that names the way out.
#[test]
fn validity_is_proven_in_hours_or_in_minutes() {
    let mut a = vaccination(2, "2026-06-01", "1980-02-29", "2027-06-01T10:17:00Z");
    a["valid_from"] = json!("2026-01-01T08:05:00Z");
    let c = credential(CredentialType::Vaccination, Suite::Sha256, &a);
    let text = |n: &str| c.value(n).unwrap().to_string();
    assert_eq!(text("valid_from"), "2026-01-01T09:00:00Z");
    assert_eq!(text("valid_until"), "2027-06-01T10:00:00Z");

    let hours = request(CredentialType::Vaccination, &[], &[], NOW);
    assert!(hours.validity_in_units());
    let p = present(&hours, &c, NOW).unwrap();
    assert_eq!(p.credentials[0].formula_proof.len(), 2 * 128);
    presentation::verify(&hours, &p, &trust(), NOW + 60).unwrap();

    let mut minutes = hours.clone();
    minutes.validity =
        healthpass::presentation::PredicateParams::generate_validity_in_minutes(&mut rand::rng())
            .unwrap();
    minutes.check().unwrap();
    assert!(!minutes.validity_in_units());
    let p = present(&minutes, &c, NOW).unwrap();
    assert_eq!(p.credentials[0].formula_proof.len(), 2 * 288);
    presentation::verify(&minutes, &p, &trust(), NOW + 60).unwrap();
    // Either request's presentation fails against the other.
    assert!(presentation::verify(&hours, &p, &trust(), NOW + 60).is_err());

    // A credential on minutes (its signature is not checked before the refusal).
    let schema = c.schema();
    let mut values = c.values().to_vec();
    let (i, _) = schema.attribute("valid_from").unwrap();
    values[i] = healthpass::credential::AttributeValue::Instant(29_430_017);
    let odd =
        Credential::from_parts_under(c.issuer().clone(), schema, values, *c.signature()).unwrap();
    let e = present(&hours, &odd, NOW).unwrap_err();
    assert!(matches!(e, Error::ValidityNotInUnits { .. }), "{e:?}");
    assert!(e.to_string().contains("--validity-in-minutes"), "{e}");

    // Longer than 65,535 hours is refused at issuance; identity documents count in days.
    let mut long = vaccination(2, "2026-06-01", "1980-02-29", "2033-06-01T00:00:00Z");
    long["valid_from"] = json!("2025-01-01T00:00:00Z");
    let refused = issuer(Suite::Sha256).issue_at(
        CredentialType::Vaccination,
        &long,
        healthpass::credential::calendar::MAX_DAY * 86_400,
        &mut rand::rng(),
    );
    assert!(refused.is_err());
}
