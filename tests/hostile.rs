//! Regression tests for hostile input (issue 9, findings 2 to 5): text from files never
//! reaches a terminal raw, every JSON file refuses duplicate keys, every disclosed value
//! has one encoding, the relative-bound parser refuses signed or overflowing offsets, and
//! time bounds never accept what their statement excludes.

mod common;

use std::process::Command;

use healthpass::credential::{
    calendar, AttributeValue, Credential, CredentialType, IssuerInfo, IssuerKey, Suite,
};
use healthpass::presentation::{
    self, CredentialRequest, Predicate, Presentation, PresentationRequest, TrustList,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::json;

/// 2024-06-01T12:00:00Z, a whole minute.
const NOW: i64 = 1_717_243_200;

fn attributes() -> serde_json::Value {
    json!({
        "family_name": "Lovelace", "given_name": "Ada", "birth_date": "1815-12-10",
        "country": "GB", "issuer_name": "NHS England", "certificate_id": "URN:UVCI:01:GB:H",
        "valid_from": "2024-01-01T00:00:00Z", "valid_until": "2025-01-01T00:00:00Z",
        "disease": "840539006", "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": 3, "total_doses": 3,
        "vaccination_date": "2024-01-01"
    })
}

const DISCLOSE: [&str; 5] = [
    "family_name",
    "vaccine_product",
    "dose_number",
    "vaccination_date",
    "valid_until",
];

struct World {
    issuer: IssuerKey,
    trust: TrustList,
    credential: Credential,
    request: PresentationRequest,
    presentation: Presentation,
}

fn world() -> World {
    let mut rng = StdRng::seed_from_u64(9);
    let issuer = IssuerKey::generate(
        "gb-nhs",
        "NHS England",
        "GB",
        Suite::Sha256,
        &CredentialType::ALL,
        &mut rng,
    )
    .unwrap();
    let t = CredentialType::Vaccination;
    let credential = issuer.issue(t, &attributes(), &mut rng).unwrap();
    let asked = CredentialRequest::new(t, &DISCLOSE, &[], vec![]).unwrap();
    let request = PresentationRequest::new("border", vec![asked], NOW, 600, &mut rng).unwrap();
    let presentation =
        presentation::present(&request, std::slice::from_ref(&credential), NOW, &mut rng).unwrap();
    let mut trust = TrustList::default();
    trust.add(issuer.info().clone(), false).unwrap();
    World {
        issuer,
        trust,
        credential,
        request,
        presentation,
    }
}

/// Characters that must never reach a terminal from a file: C0, DEL, C1 and the Unicode
/// bidirectional controls (and line/paragraph separators).
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn assert_clean(message: &str) {
    assert!(
        !message.chars().any(is_unsafe),
        "raw control characters in {message:?}"
    );
}

/// A program's output: its own line breaks, no control character from a file, and no line
/// that a file made look like the verdict.
fn assert_clean_output(output: &str) {
    output.lines().for_each(assert_clean);
    assert!(
        output.lines().filter(|l| l.starts_with("ACCEPTED")).count() <= 1,
        "{output}"
    );
}

/// `text` with `entry` inserted right after the first occurrence of `anchor`.
fn inject(text: &str, anchor: &str, entry: &str) -> String {
    let at = text
        .find(anchor)
        .unwrap_or_else(|| panic!("{anchor} in {text}"))
        + anchor.len();
    format!("{}{entry}{}", &text[..at], &text[at..])
}

// ---- finding 2: terminal escapes ----

const HOSTILE_ID: &str = "\u{1b}[2J\u{1b}[HACCEPTED";

#[test]
fn presented_issuer_ids_are_validated_when_decoded() {
    let w = world();
    let text = w.presentation.to_json();
    for id in [HOSTILE_ID, "GB-NHS", "", "-gb", "gb nhs", &"a".repeat(65)] {
        let bad = text.replace(
            "\"issuer\": \"gb-nhs\"",
            &format!("\"issuer\": {}", json!(id)),
        );
        assert_ne!(bad, text);
        let e = Presentation::from_json(&bad).expect_err(id);
        assert!(!e.is_rejection(), "{id:?}: {e}");
        assert_clean(&e.to_string());
    }
    // The compact form: the issuer follows version, digest, count, type and schema version.
    let mut bytes = w.presentation.to_compact().unwrap();
    assert_eq!(&bytes[21..27], b"gb-nhs");
    bytes[21..27].copy_from_slice(b"\x1b[2JAB");
    let e = Presentation::from_compact(&bytes, &w.request).unwrap_err();
    assert!(!e.is_rejection(), "{e}");
    assert_clean(&e.to_string());
    bytes[21..27].copy_from_slice(b"gb-nhz");
    assert!(Presentation::from_compact(&bytes, &w.request).is_ok());
}

#[test]
fn error_messages_escape_text_from_files() {
    let w = world();
    // An issuer identifier built in memory (the decoders refuse it) is escaped on display.
    let mut p = w.presentation.clone();
    p.credentials[0].issuer = HOSTILE_ID.into();
    let e = presentation::verify(&w.request, &p, &w.trust, NOW).unwrap_err();
    assert!(
        matches!(e, presentation::Error::UntrustedIssuer { .. }),
        "{e}"
    );
    assert_clean(&e.to_string());
    assert!(e.to_string().contains("\\u{1b}[2J"), "{e}");
    let text = w.presentation.to_json();
    let cases = [
        // A disclosed key name that is no attribute.
        inject(&text, "\"disclosed\": {", "\"\\u001b[31mdose\": 1, "),
        // A code that is not in its value set, with a bidi override.
        text.replace("\"EU/1/20/1528\"", "\"EU/1/\\u202e20/1528\""),
        // A format tag with a C1 control sequence introducer.
        text.replace(
            "healthpass-presentation/3",
            "healthpass-presentation/\\u009b2J",
        ),
        // An unknown field whose name carries DEL and a newline.
        inject(&text, "{", "\"x\\u007f\\nACCEPTED\": 1, "),
        // A value of the wrong JSON type, echoed by the parser.
        text.replace("\"dose_number\": 3", "\"dose_number\": \"\\u001b[2J\""),
    ];
    for bad in cases {
        let e = Presentation::from_json(&bad).expect_err(&bad);
        assert_clean(&e.to_string());
    }
    let r = w.request.to_json();
    let e = PresentationRequest::from_json(&r.replace("\"border\"", "\"b\\u202eorder\""))
        .map(|_| ())
        .and_then(|()| {
            PresentationRequest::from_json(
                &r.replace("\"vaccine_product\"", "\"vaccine\\u001b]0;x\\u0007\""),
            )
            .map(|_| ())
        })
        .unwrap_err();
    assert_clean(&e.to_string());
}

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(common::cli::binary())
        .args(args)
        .current_dir(dir)
        .env(
            "HEALTHPASS_PARAMS_STORE",
            std::path::Path::new(dir).join("params-store"),
        )
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn the_command_line_never_prints_raw_escapes() {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("trust.json"), w.trust.to_json()).unwrap();
    std::fs::write(d.join("req.json"), w.request.to_json()).unwrap();
    healthpass::presentation::ParamStore::open(d.join("params-store"))
        .unwrap()
        .keep(&w.request)
        .unwrap();
    // `inspect` of a compact file whose issuer is an escape sequence.
    let mut bytes = w.presentation.to_compact().unwrap();
    bytes[21..27].copy_from_slice(b"\x1b[2JAB");
    std::fs::write(d.join("p.bin"), &bytes).unwrap();
    let (_, out, err) = run(d, &["inspect", "p.bin"]);
    assert_clean_output(&out);
    assert_clean_output(&err);
    // `verify` of a JSON presentation naming such an issuer.
    let text = w.presentation.to_json().replace(
        "\"issuer\": \"gb-nhs\"",
        &format!("\"issuer\": {}", json!(HOSTILE_ID)),
    );
    std::fs::write(d.join("p.json"), text).unwrap();
    for args in [
        vec![
            "verify",
            "--trust-list",
            "trust.json",
            "--request",
            "req.json",
            "--presentation",
            "p.json",
        ],
        vec![
            "verify",
            "--trust-list",
            "trust.json",
            "--request",
            "req.json",
            "--presentation",
            "p.json",
            "--json",
        ],
        vec!["inspect", "p.json"],
    ] {
        let (code, out, err) = run(d, &args);
        assert_ne!(code, 0, "{args:?}");
        assert_clean_output(&out);
        assert_clean_output(&err);
    }
    // An accepted presentation whose signed name and issuer name carry escapes: the values
    // are shown, escaped.
    let mut rng = StdRng::seed_from_u64(3);
    let issuer = IssuerKey::generate(
        "gb-nhs",
        "NHS\u{1b}[2J",
        "GB",
        Suite::Sha256,
        &CredentialType::ALL,
        &mut rng,
    )
    .unwrap();
    let mut a = attributes();
    a["family_name"] = json!("Love\u{1b}[2J\u{202e}lace\nACCEPTED");
    // Valid at the wall clock's time, which this test's request uses.
    a["valid_until"] = json!("2031-01-01T00:00:00Z");
    let c = issuer
        .issue(CredentialType::Vaccination, &a, &mut rng)
        .unwrap();
    let mut trust = TrustList::default();
    trust.add(issuer.info().clone(), false).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let asked =
        CredentialRequest::new(CredentialType::Vaccination, &DISCLOSE, &[], vec![]).unwrap();
    let request =
        PresentationRequest::new("b\u{202e}order", vec![asked], now, 600, &mut rng).unwrap();
    let p = presentation::present(&request, std::slice::from_ref(&c), now, &mut rng).unwrap();
    std::fs::write(d.join("trust2.json"), trust.to_json()).unwrap();
    std::fs::write(d.join("req2.json"), request.to_json()).unwrap();
    let store = healthpass::presentation::ParamStore::open(d.join("params-store")).unwrap();
    assert_eq!(store.keep(&request).unwrap(), 1);
    std::fs::write(d.join("p2.json"), p.to_json()).unwrap();
    std::fs::write(d.join("cred2.json"), c.to_json()).unwrap();
    for args in [
        vec![
            "verify",
            "--trust-list",
            "trust2.json",
            "--request",
            "req2.json",
            "--presentation",
            "p2.json",
        ],
        vec![
            "verify",
            "--trust-list",
            "trust2.json",
            "--request",
            "req2.json",
            "--presentation",
            "p2.json",
            "--json",
        ],
        vec!["inspect", "p2.json"],
        vec!["inspect", "req2.json"],
        vec!["inspect", "cred2.json"],
        vec!["inspect", "trust2.json"],
    ] {
        let (code, out, err) = run(d, &args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert_clean_output(&out);
        assert_clean_output(&err);
    }
    let (_, out, _) = run(
        d,
        &[
            "verify",
            "--trust-list",
            "trust2.json",
            "--request",
            "req2.json",
            "--presentation",
            "p2.json",
            "--json",
        ],
    );
    // The JSON output keeps the value (escaped as JSON, which reads back the same).
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["disclosed"]["family_name"]["value"],
        json!("Love\u{1b}[2J\u{202e}lace\nACCEPTED")
    );
}

// ---- finding 3: duplicate keys and one encoding per value ----

type Reader<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The error message of a failed read, `None` when it succeeded.
fn error_of<T, E: std::fmt::Display>(r: Result<T, E>) -> Option<String> {
    r.err().map(|e| e.to_string())
}

/// The JSON of a vaccination request made at `NOW` that discloses `disclose` and asks for
/// one predicate, with fresh parameters.
fn request_proving(disclose: &[&str], predicate: &str, rng: &mut StdRng) -> String {
    let t = CredentialType::Vaccination;
    let p = Predicate::parse(t.schema(), predicate, NOW)
        .unwrap()
        .with_fresh_params(t.schema(), rng)
        .unwrap();
    let asked = CredentialRequest::new(t, disclose, &[], vec![p]).unwrap();
    PresentationRequest::new("border", vec![asked], NOW, 600, rng)
        .unwrap()
        .to_json()
}

#[test]
fn duplicate_keys_are_refused_in_every_file_kind() {
    let w = world();
    let mut rng = StdRng::seed_from_u64(5);
    let with_predicate = request_proving(&["vaccine_product"], "dose_number >= 2", &mut rng);
    let credential = w.credential.to_json();
    let request = w.request.to_json();
    let presentation = w.presentation.to_json();
    let trust = w.trust.to_json();
    let public = w.issuer.info().to_public_json();
    let secret = w.issuer.to_secret_json();
    let credential_reader = |t: &str| error_of(Credential::from_json(t));
    let request_reader = |t: &str| error_of(PresentationRequest::from_json(t));
    let cases: Vec<(&str, String, Reader)> = vec![
        (
            "dose_number",
            inject(&credential, "\"attributes\": {", "\"dose_number\": 1, "),
            &credential_reader,
        ),
        (
            "signature",
            inject(&credential, "{", "\"signature\": \"AAAA\", "),
            &credential_reader,
        ),
        (
            "verifier",
            inject(&request, "{", "\"verifier\": \"evil\", "),
            &request_reader,
        ),
        (
            "op",
            inject(
                &with_predicate,
                "\"attribute\": \"dose_number\",",
                "\"op\": \"<=\", ",
            ),
            &request_reader,
        ),
        (
            "digits",
            inject(&with_predicate, "\"params\": {", "\"digits\": 2, "),
            &request_reader,
        ),
        (
            "dose_number",
            inject(&presentation, "\"disclosed\": {", "\"dose_number\": 1, "),
            &|t| error_of(Presentation::from_json(t)),
        ),
        ("issuers", inject(&trust, "{", "\"issuers\": [], "), &|t| {
            error_of(TrustList::from_json(t))
        }),
        (
            "name",
            inject(&public, "\"issuer\": {", "\"name\": \"Evil\", "),
            &|t| error_of(IssuerInfo::from_public_json(t)),
        ),
        (
            "secret_key",
            inject(&secret, "{", "\"secret_key\": \"AAAA\", "),
            &|t| error_of(IssuerKey::from_secret_json(t)),
        ),
    ];
    for (key, text, read) in cases {
        let e = read(&text).unwrap_or_else(|| panic!("{key} accepted twice in {text}"));
        assert!(
            e.contains(&format!("`{key}`")) && e.contains("duplicate"),
            "{key}: {e}"
        );
    }
    // The originals still read.
    Credential::from_json(&credential).unwrap();
    PresentationRequest::from_json(&with_predicate).unwrap();
    Presentation::from_json(&presentation).unwrap();
    TrustList::from_json(&trust).unwrap();
}

#[test]
fn an_attributes_file_with_a_repeated_attribute_is_refused() {
    let w = world();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("issuer.json"), w.issuer.to_secret_json()).unwrap();
    let text = serde_json::to_string(&attributes()).unwrap();
    let ok = inject(&text, "{", "\"total_doses\": 9, ");
    let bad = inject(&text, "{", "\"dose_number\": 1, ");
    std::fs::write(d.join("bad.json"), bad).unwrap();
    let (code, _, err) = run(
        d,
        &[
            "issue",
            "--issuer",
            "issuer.json",
            "--type",
            "vaccination",
            "--attributes",
            "bad.json",
            "--out",
            "cred.json",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`dose_number`") && err.contains("duplicate"),
        "{err}"
    );
    assert!(!d.join("cred.json").exists());
    std::fs::write(d.join("ok.json"), ok.replace("\"total_doses\": 9, ", "")).unwrap();
    let (code, _, err) = run(
        d,
        &[
            "issue",
            "--issuer",
            "issuer.json",
            "--type",
            "vaccination",
            "--attributes",
            "ok.json",
            "--out",
            "cred.json",
        ],
    );
    assert_eq!(code, 0, "{err}");
}

/// A presentation file (not verifiable, but decodable) that discloses one value given as
/// raw JSON text.
fn presentation_disclosing(t: &str, name: &str, raw: &str) -> String {
    let zero = "A".repeat(43);
    format!(
        r#"{{"format": "healthpass-presentation/3", "nonce": "{zero}", "request_digest": "{zero}",
  "credentials": [{{"type": "{t}", "schema_version": 1, "issuer": "gb-nhs",
    "disclosed": {{"{name}": {raw}}}, "formula": "", "proof": "AA"}}]}}"#
    )
}

fn decode_disclosed(t: &str, name: &str, raw: &str) -> Option<AttributeValue> {
    Presentation::from_json(&presentation_disclosing(t, name, raw))
        .ok()
        .map(|p| p.credentials[0].disclosed[0].1.clone())
}

/// Every other way of writing the canonical instant `text` (`YYYY-MM-DDTHH:MM:00Z`).
fn instant_variants(text: &str, seconds: u32) -> Vec<String> {
    let stem = &text[..16];
    vec![
        format!("{stem}:{seconds:02}Z"),
        format!("{stem}:00.0Z"),
        format!("{stem}:00.000Z"),
        format!("{stem}Z"),
        format!("{stem}:00z"),
        text.replace('T', "t"),
        text.replace('T', " "),
        format!("{stem}:00+00:00"),
        format!("{stem}:00-00:00"),
        format!(" {text}"),
        format!("{text} "),
    ]
}

#[test]
fn disclosed_instants_have_one_encoding() {
    let w = world();
    let text = w.presentation.to_json();
    assert!(text.contains("\"2025-01-01T00:00:00Z\""), "{text}");
    for variant in instant_variants("2025-01-01T00:00:00Z", 30)
        .into_iter()
        .chain([
            "2025-01-01T01:00:00+01:00".to_owned(),
            "2024-12-31T23:00:00-01:00".to_owned(),
        ])
    {
        let bad = text.replace("\"2025-01-01T00:00:00Z\"", &json!(variant).to_string());
        assert!(Presentation::from_json(&bad).is_err(), "{variant}");
    }
    // Requests carry canonical bounds too, and credential files canonical values.
    let mut rng = StdRng::seed_from_u64(1);
    let r = request_proving(&[], "valid_until >= now-1h", &mut rng);
    assert!(r.contains("\"2024-06-01T11:00:00Z\""), "{r}");
    PresentationRequest::from_json(&r).unwrap();
    let c = w.credential.to_json();
    for variant in instant_variants("2024-06-01T11:00:00Z", 1) {
        let bad = r.replace("\"2024-06-01T11:00:00Z\"", &json!(variant).to_string());
        assert!(
            PresentationRequest::from_json(&bad).is_err(),
            "request: {variant}"
        );
    }
    // The request's own times are canonical too.
    let bad = r.replace("\"2024-06-01T12:00:00Z\"", "\"2024-06-01T14:00:00+02:00\"");
    assert_ne!(bad, r);
    assert!(PresentationRequest::from_json(&bad).is_err());
    for variant in instant_variants("2025-01-01T00:00:00Z", 59) {
        let bad = c.replace("\"2025-01-01T00:00:00Z\"", &json!(variant).to_string());
        assert!(
            Credential::from_json(&bad).is_err(),
            "credential: {variant}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// decode(encode(v)) == v for every disclosed value of every type, and every other text
    /// form of it is refused.
    #[test]
    fn every_disclosed_value_has_exactly_one_encoding(
        minute in calendar::MIN_MINUTE..=calendar::MAX_MINUTE,
        day in calendar::MIN_DAY..=calendar::MAX_DAY,
        seconds in 1u32..60,
        integer: i64,
        text in "\\PC{0,12}",
    ) {
        let v = "vaccination";
        let canonical = AttributeValue::Instant(minute);
        let encoded = canonical.to_json().to_string();
        prop_assert_eq!(decode_disclosed(v, "valid_until", &encoded), Some(canonical.clone()));
        let plain = canonical.to_string();
        for variant in instant_variants(&plain, seconds) {
            prop_assert_eq!(decode_disclosed(v, "valid_until", &json!(variant).to_string()), None, "{}", variant);
        }
        let date = AttributeValue::Date(day);
        prop_assert_eq!(decode_disclosed(v, "vaccination_date", &date.to_json().to_string()), Some(date.clone()));
        let d = date.to_string();
        for variant in [format!("{d}T00:00:00Z"), format!("{d} "), d.replace('-', "/"), format!("+{d}"), d[2..].to_owned()] {
            prop_assert_eq!(decode_disclosed(v, "vaccination_date", &json!(variant).to_string()), None, "{}", variant);
        }
        let i = AttributeValue::Integer(integer);
        prop_assert_eq!(decode_disclosed(v, "dose_number", &i.to_json().to_string()), Some(i));
        for variant in [format!("{integer}.0"), format!("\"{integer}\""), format!("{integer}e0")] {
            prop_assert_eq!(decode_disclosed(v, "dose_number", &variant), None, "{}", variant);
        }
        let s = AttributeValue::String(text.clone());
        prop_assert_eq!(decode_disclosed(v, "family_name", &s.to_json().to_string()), Some(s));
        prop_assert_eq!(decode_disclosed(v, "family_name", &json!([text]).to_string()), None);
    }
}

#[test]
fn integers_have_one_encoding() {
    for variant in ["-0", "01", "+1", "1.0", "1e0", "0x1", "\"1\"", "true"] {
        assert_eq!(
            decode_disclosed("vaccination", "dose_number", variant),
            None,
            "{variant}"
        );
    }
    assert_eq!(
        decode_disclosed("vaccination", "dose_number", "0"),
        Some(AttributeValue::Integer(0))
    );
    assert_eq!(
        decode_disclosed("vaccination", "dose_number", "-1"),
        Some(AttributeValue::Integer(-1))
    );
}

// ---- finding 4: relative bounds ----

fn parse(s: &str, now: i64) -> Result<Predicate, presentation::Error> {
    let t = if s.starts_with("birth") || s.starts_with("valid") || s.starts_with("vacc") {
        CredentialType::Vaccination
    } else {
        CredentialType::Test
    };
    Predicate::parse(t.schema(), s, now)
}

#[test]
fn relative_bounds_refuse_signed_and_overflowing_offsets() {
    for bad in [
        "sample_time >= now--72h",
        "sample_time >= now-+72h",
        "sample_time >= now+-72h",
        "birth_date <= today--18y",
        "birth_date <= today+-18y",
        "sample_time >= now+-3074457345618258602d",
        "sample_time >= now-3074457345618258602d",
        "sample_time >= now+99999999999999999999h",
        "birth_date <= today-9223372036854775807y",
        "birth_date <= today-",
        "birth_date <= today-y",
        "birth_date <= today-18",
        "birth_date <= today- 18y",
        "birth_date <= today-1.5y",
        "birth_date <= today-18yy",
        "birth_date <= today-18Y",
        "sample_time >= now-٣h",
        "sample_time >= now18h",
    ] {
        assert!(
            matches!(
                parse(bad, NOW),
                Err(presentation::Error::PredicateSyntax { .. })
            ),
            "{bad}: {:?}",
            parse(bad, NOW)
        );
    }
    let p = parse("birth_date <= today-18y", NOW).unwrap();
    assert_eq!(p.to_string(), "birth_date <= 2006-06-01");
    let p = parse("sample_time >= now-72h", NOW).unwrap();
    assert_eq!(p.to_string(), "sample_time >= 2024-05-29T12:00:00Z");
    let p = parse("sample_time <= now+72h", NOW).unwrap();
    assert_eq!(p.to_string(), "sample_time <= 2024-06-04T12:00:00Z");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn relative_offsets_mean_what_they_say(n in 0u32..200_000, minus: bool, unit in prop::sample::select(vec!['h', 'd', 'y'])) {
        let sign = if minus { '-' } else { '+' };
        let text = format!("sample_time >= now{sign}{n}{unit}");
        let step: i64 = match unit { 'h' => 3600, 'd' => 86_400, _ => 0 };
        let result = parse(&text, NOW);
        let expected = if unit == 'y' {
            let days = calendar::add_years(NOW / 86_400, if minus { -i64::from(n) } else { i64::from(n) });
            days.map(|d| d * 1440 + (NOW % 86_400) / 60)
        } else {
            let s = if minus { NOW - i64::from(n) * step } else { NOW + i64::from(n) * step };
            Some(s / 60).filter(|m| (calendar::MIN_MINUTE..=calendar::MAX_MINUTE).contains(m))
        };
        match expected {
            Some(m) => prop_assert_eq!(result.unwrap().condition.values()[0].clone(), AttributeValue::Instant(m)),
            None => prop_assert!(result.is_err()),
        }
        // The same offset with a second sign is never accepted.
        for doubled in [format!("{sign}-"), format!("{sign}+")] {
            let t = format!("sample_time >= now{doubled}{n}{unit}");
            prop_assert!(parse(&t, NOW).is_err(), "{}", t);
        }
        let t = format!("birth_date <= today{sign}{n}{unit}");
        let r = parse(&t, NOW);
        if unit == 'h' {
            prop_assert!(r.is_err());
        }
    }

    #[test]
    fn the_parser_never_panics(tail in "\\PC{0,24}", now in any::<i64>()) {
        for anchor in ["sample_time >= now", "birth_date <= today", "sample_time in now", "dose_number >= "] {
            let _ = parse(&format!("{anchor}{tail}"), now);
        }
    }
}

// ---- finding 5: bounds never more lenient than their statement ----

fn holds(p: &Predicate, minute: i64) -> bool {
    p.holds(&AttributeValue::Instant(minute))
}

#[test]
fn instant_bounds_round_towards_the_statement() {
    let t = NOW / 60; // NOW is a whole minute: `t` minutes
    for (offset, ge_first, gt_first, le_last, lt_last) in [
        // offset of `now` from NOW in seconds; the first minute that satisfies >= and >,
        // the last minute that satisfies <= and <.
        (0, t, t + 1, t, t - 1),
        (1, t + 1, t + 1, t, t),
        (-1, t, t, t - 1, t - 1),
        (30, t + 1, t + 1, t, t),
        (59, t + 1, t + 1, t, t),
        (60, t + 1, t + 2, t + 1, t),
        (-60, t - 1, t, t - 1, t - 2),
        (61, t + 2, t + 2, t + 1, t + 1),
    ] {
        let now = NOW + offset;
        let case = |op: &str| parse(&format!("valid_until {op} now"), now).unwrap();
        let (ge, gt, le, lt) = (case(">="), case(">"), case("<="), case("<"));
        assert!(
            holds(&ge, ge_first) && !holds(&ge, ge_first - 1),
            "{offset}: >= {ge}"
        );
        assert!(
            holds(&gt, gt_first) && !holds(&gt, gt_first - 1),
            "{offset}: > {gt}"
        );
        assert!(
            holds(&le, le_last) && !holds(&le, le_last + 1),
            "{offset}: <= {le}"
        );
        assert!(
            holds(&lt, lt_last) && !holds(&lt, lt_last + 1),
            "{offset}: < {lt}"
        );
        // Against the statement in seconds: a credential valid until minute `m` is valid
        // until second `60 m`.
        for m in [t - 2, t - 1, t, t + 1, t + 2] {
            assert_eq!(holds(&ge, m), 60 * m >= now, "{offset} {m}");
            assert_eq!(holds(&gt, m), 60 * m > now, "{offset} {m}");
            assert_eq!(holds(&le, m), 60 * m <= now, "{offset} {m}");
            assert_eq!(holds(&lt, m), 60 * m < now, "{offset} {m}");
        }
    }
    // A credential that expired 59 s before the request is refused by `valid_until >= now`.
    let p = parse("valid_until >= now", NOW + 59).unwrap();
    assert!(!holds(&p, t));
    // Literal bounds with seconds round the same way; ranges round inwards.
    let p = parse("sample_time >= 2024-06-01T10:30:15Z", NOW).unwrap();
    assert_eq!(p.to_string(), "sample_time >= 2024-06-01T10:31:00Z");
    let p = parse("sample_time <= 2024-06-01T10:30:15Z", NOW).unwrap();
    assert_eq!(p.to_string(), "sample_time <= 2024-06-01T10:30:00Z");
    let p = parse("sample_time in now-72h..now", NOW + 30).unwrap();
    assert_eq!(
        p.to_string(),
        "sample_time in 2024-05-29T12:01:00Z..2024-06-01T12:00:00Z"
    );
    // An element of a set must be a whole minute (no minute can equal it otherwise).
    assert!(parse("sample_time in {2024-06-01T10:30:15Z}", NOW).is_err());
    assert!(parse("sample_time in {2024-06-01T10:30:00Z}", NOW).is_ok());
    // Dates are whole days: `today` is the current UTC day.
    let p = parse("birth_date <= today-18y", NOW + 43_199).unwrap();
    assert_eq!(p.to_string(), "birth_date <= 2006-06-01");
}

#[test]
fn request_validity_is_capped() {
    let mut rng = StdRng::seed_from_u64(2);
    let asked = || CredentialRequest::new(CredentialType::Test, &[], &[], vec![]).unwrap();
    assert!(PresentationRequest::new("v", vec![asked()], NOW, 86_400, &mut rng).is_ok());
    assert!(PresentationRequest::new("v", vec![asked()], NOW, 86_401, &mut rng).is_err());
    assert!(PresentationRequest::new("v", vec![asked()], NOW, 0, &mut rng).is_err());
    let r = PresentationRequest::new("v", vec![asked()], NOW, 600, &mut rng)
        .unwrap()
        .to_json();
    let far = r.replace("2024-06-01T12:10:00Z", "2217-01-01T00:00:00Z");
    assert_ne!(far, r);
    assert!(PresentationRequest::from_json(&far).is_err());
    let dir = tempfile::tempdir().unwrap();
    for (minutes, ok) in [
        ("0", false),
        ("1441", false),
        ("4000000000", false),
        ("1440", true),
        ("1", true),
    ] {
        let (code, _, err) = run(
            dir.path(),
            &[
                "request",
                "--type",
                "test",
                "--valid-for",
                minutes,
                "--out",
                "r.json",
            ],
        );
        if ok {
            assert_eq!(code, 0, "{minutes}: {err}");
        } else {
            assert_eq!(code, 2, "{minutes}: {err}");
            assert!(err.contains("--valid-for"), "{minutes}: {err}");
        }
    }
}
