//! Acceptance policies end to end through the binary: every alternative of the example
//! policy `examples/policies/entry.json` (vaccinated with a complete course or a booster,
//! PCR within 72 hours, rapid antigen within 24 hours, recovered), accepted when it holds
//! and refused by the holder when it does not; validity always proven; the hidden branch.
//!
//! Every command runs on one clock (`--at`), so that the windows do not depend on the day
//! the tests run.

mod common;

use std::path::PathBuf;

use common::cli::Folder;
use serde_json::{json, Value};

/// The validation clock of every request, presentation and verification here.
const AT: &str = "2026-06-01T12:00:00Z";
/// One minute later: when the verifier checks.
const VERIFY_AT: &str = "2026-06-01T12:01:00Z";

fn entry_policy() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/policies/entry.json")
}

/// A folder with an issuer `gb-nhs` in a trust list and the request of the entry policy,
/// `entry.req.json`.
struct Env(Folder);

impl std::ops::Deref for Env {
    type Target = Folder;

    fn deref(&self) -> &Folder {
        &self.0
    }
}

fn common(extra: Value) -> Value {
    let mut v = json!({
        "family_name": "Lovelace", "given_name": "Augusta Ada", "birth_date": "1815-12-10",
        "country": "GB", "issuer_name": "NHS England", "certificate_id": "URN:UVCI:01:GB:P1",
        "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2027-01-01T00:00:00Z",
        "disease": "840539006"
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn vaccination(dose: i64, total: i64, date: &str) -> Value {
    common(json!({
        "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": dose, "total_doses": total,
        "vaccination_date": date
    }))
}

fn test(test_type: &str, result: &str, sample: &str) -> Value {
    common(json!({
        "test_type": test_type, "test_name": "", "test_device": "", "sample_time": sample,
        "test_result": result, "test_centre": "Centre"
    }))
}

fn recovery(first_positive: &str) -> Value {
    common(json!({ "first_positive_date": first_positive }))
}

impl Env {
    fn new() -> Self {
        let env = Env(Folder::with_issuer("gb-nhs", "GB"));
        env.request("entry.req.json", &entry_policy());
        env
    }

    fn request(&self, out: &str, policy: &std::path::Path) {
        self.ok(&[
            "request",
            "--policy",
            policy.to_str().unwrap(),
            "--at",
            AT,
            "--out",
            out,
        ]);
    }

    /// Issues a credential of `ty` with `attributes` as `name`.
    fn issue(&self, name: &str, ty: &str, attributes: &Value) {
        let attrs = format!("{name}.attrs.json");
        std::fs::write(self.dir.path().join(&attrs), attributes.to_string()).unwrap();
        self.ok(&[
            "issue",
            "--issuer",
            "keys/gb-nhs.secret.json",
            "--type",
            ty,
            "--attributes",
            &attrs,
            "--out",
            name,
        ]);
    }

    /// `present` of `credential` for `request` into `out` (JSON and compact).
    fn present(&self, request: &str, credential: &str, out: &str) -> (i32, String, String) {
        self.run(&[
            "present",
            "--credential",
            credential,
            "--request",
            request,
            "--at",
            AT,
            "--out",
            &format!("{out}.json"),
            "--compact",
            &format!("{out}.bin"),
        ])
    }

    fn verify(&self, request: &str, presentation: &str) -> (i32, String, String) {
        self.run(&[
            "verify",
            "--trust-list",
            "trust.json",
            "--request",
            request,
            "--presentation",
            presentation,
            "--at",
            VERIFY_AT,
            "--json",
        ])
    }
}

/// Presents `credential` for the entry policy and verifies it: the verdict's JSON.
fn accepted(env: &Env, credential: &str, stem: &str) -> Value {
    let (code, out, err) = env.present("entry.req.json", credential, &format!("p-{stem}"));
    assert_eq!(code, 0, "{credential}: {out}\n{err}");
    let (code, out, err) = env.verify("entry.req.json", &format!("p-{stem}.json"));
    assert_eq!(code, 0, "{credential}: {out}\n{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["accepted"], json!(true));
    assert_eq!(v["valid_at"], json!("2026-06-01T12:00:00Z"), "{v}");
    // The hidden branch is never named.
    assert!(v.get("branch").is_none(), "{v}");
    v
}

/// The holder refuses: exit 1, naming what fails.
fn refused(env: &Env, credential: &str, needle: &str) {
    let (code, out, err) = env.present("entry.req.json", credential, "p-refused");
    assert_eq!(code, 1, "{credential}: {out}\n{err}");
    assert!(
        err.contains(needle),
        "{credential}: expected `{needle}` in: {err}"
    );
}

/// Issues one credential per alternative and branch of the entry policy, each true at
/// `AT`: a complete course within 14 to 270 days, a booster (the course window does not
/// hold), a PCR within 72 hours, a rapid antigen test within 24 hours, a recovery 11 to
/// 180 days ago.
fn issue_passing(env: &Env) {
    let cases = [
        ("course", "vaccination", vaccination(2, 2, "2026-03-01")),
        ("booster", "vaccination", vaccination(3, 2, "2025-01-01")),
        (
            "pcr",
            "test",
            test("LP6464-4", "260415000", "2026-05-30T12:00:00Z"),
        ),
        (
            "rat",
            "test",
            test("LP217198-3", "260415000", "2026-06-01T00:00:00Z"),
        ),
        ("recovered", "recovery", recovery("2026-04-01")),
    ];
    for (name, ty, attributes) in cases {
        env.issue(&format!("{name}.json"), ty, &attributes);
    }
}

#[test]
fn every_alternative_of_the_entry_policy() {
    let env = Env::new();
    issue_passing(&env);
    for (name, ty) in [
        ("course", "vaccination"),
        ("booster", "vaccination"),
        ("pcr", "test"),
        ("rat", "test"),
        ("recovered", "recovery"),
    ] {
        let v = accepted(&env, &format!("{name}.json"), name);
        assert_eq!(v["type"], json!(ty), "{name}");
        let disclosed = if ty == "vaccination" {
            json!({ "vaccine_product": { "value": "EU/1/20/1528", "display": "Comirnaty" } })
        } else {
            json!({})
        };
        assert_eq!(v["disclosed"], disclosed, "{name}");
    }
}

/// Issue 13 §2: `request --compact --qr` writes the compact request and its QR code, and
/// `present --request` takes any of the three forms; each presentation answers the JSON
/// request (one digest). A damaged compact request and an image of something else are
/// refused, naming the file.
#[test]
fn requests_travel_as_json_compact_or_qr_code() {
    let env = Env::new();
    issue_passing(&env);
    let policy = entry_policy();
    let out = env.ok(&[
        "request",
        "--policy",
        policy.to_str().unwrap(),
        "--at",
        AT,
        "--out",
        "r.json",
        "--compact",
        "r.bin",
        "--qr",
        "r.png",
    ]);
    assert!(
        out.contains("wrote r.bin (") && out.contains("QR version"),
        "{out}"
    );
    assert!(env.read("r.bin").len() <= 400);
    for form in ["r.json", "r.bin", "r.png"] {
        let (code, out, err) = env.present(form, "course.json", "p-form");
        assert_eq!(code, 0, "{form}: {out}\n{err}");
        let (code, out, err) = env.verify("r.json", "p-form.json");
        assert_eq!(code, 0, "{form}: {out}\n{err}");
    }
    let inspected = env.ok(&["inspect", "r.bin"]);
    let digest = env.ok(&["inspect", "r.json"]);
    let line = |t: &str| t.lines().find(|l| l.contains("digest")).unwrap().to_owned();
    assert_eq!(line(&inspected), line(&digest));
    assert!(inspected.starts_with("compact request ("), "{inspected}");

    // `--show-qr` works on its own (issue 13 §3): the code drawn with half blocks, two
    // module rows a line and a one-module quiet zone.
    let shown = env.ok(&[
        "present",
        "--credential",
        "recovered.json",
        "--request",
        "r.png",
        "--at",
        AT,
        "--show-qr",
    ]);
    let code: Vec<&str> = shown
        .lines()
        .filter(|l| !l.is_empty() && l.chars().all(|c| "█▀▄ ".contains(c)))
        .collect();
    let width = code[0].chars().count();
    assert!(width >= 21 + 2 && code.iter().all(|l| l.chars().count() == width));
    assert_eq!(code.len(), width.div_ceil(2), "{shown}");

    let mut damaged = env.read("r.bin");
    damaged.pop();
    std::fs::write(env.dir.path().join("bad.bin"), damaged).unwrap();
    std::fs::copy(
        env.dir.path().join("p-form.json"),
        env.dir.path().join("not-a-request.png"),
    )
    .unwrap();
    for bad in ["bad.bin", "not-a-request.png"] {
        let (code, _, err) = env.present(bad, "course.json", "p-bad");
        assert_ne!(code, 0, "{bad}");
        assert!(err.contains(bad), "{bad}: {err}");
    }
}

#[test]
fn the_holder_refuses_what_does_not_hold() {
    let env = Env::new();
    let mut expired = vaccination(2, 2, "2026-03-01");
    expired["valid_until"] = json!("2026-05-31T00:00:00Z");
    let mut early = vaccination(2, 2, "2026-03-01");
    early["valid_from"] = json!("2026-06-01T13:00:00Z");
    let cases = [
        // An incomplete course, and a complete one too recent (13 days).
        (
            "partial",
            "vaccination",
            vaccination(1, 2, "2026-03-01"),
            "dose_number",
        ),
        (
            "recent",
            "vaccination",
            vaccination(2, 2, "2026-05-19"),
            "vaccination_date",
        ),
        // A rapid antigen test 30 hours old (PCR's 72 hours do not apply to it).
        (
            "old-rat",
            "test",
            test("LP217198-3", "260415000", "2026-05-31T06:00:00Z"),
            "sample_time",
        ),
        // A positive PCR.
        (
            "positive",
            "test",
            test("LP6464-4", "260373001", "2026-05-31T06:00:00Z"),
            "test_result",
        ),
        // A sample taken after the request's time: the window has an upper end.
        (
            "future",
            "test",
            test("LP6464-4", "260415000", "2026-06-01T14:00:00Z"),
            "sample_time",
        ),
        // Recovery too recent (5 days).
        (
            "fresh",
            "recovery",
            recovery("2026-05-27"),
            "first_positive_date",
        ),
        // Expired, or not yet valid, though the statements hold: validity is always proven.
        ("expired", "vaccination", expired, "valid"),
        ("early", "vaccination", early, "valid"),
    ];
    for (name, ty, attributes, needle) in cases {
        let file = format!("{name}.json");
        env.issue(&file, ty, &attributes);
        refused(&env, &file, needle);
    }
}

/// Two presentations satisfying different branches of one `any_of` (a complete course and
/// a booster; a PCR and a rapid antigen test) have the same size and layout, and the
/// verifier's output does not tell them apart beyond the disclosed values.
#[test]
fn the_branch_stays_hidden() {
    let env = Env::new();
    issue_passing(&env);
    for (a, b) in [("course", "booster"), ("pcr", "rat")] {
        let va = accepted(&env, &format!("{a}.json"), a);
        let vb = accepted(&env, &format!("{b}.json"), b);
        assert_eq!(va, vb, "{a} / {b}: the verdicts differ");
        let (ca, cb) = (
            env.read(&format!("p-{a}.bin")),
            env.read(&format!("p-{b}.bin")),
        );
        assert_eq!(ca.len(), cb.len(), "{a} / {b}: compact sizes differ");
        // The same layout: the same fields, of the same lengths.
        let shape = |name: &str| {
            let v: Value = serde_json::from_slice(&env.read(&format!("p-{name}.json"))).unwrap();
            let c = &v["credentials"][0];
            (
                c["type"].clone(),
                c.get("branch").cloned(),
                c["formula"].as_str().unwrap().len(),
                c["proof"].as_str().unwrap().len(),
            )
        };
        assert_eq!(shape(a), shape(b), "{a} / {b}");
        assert_eq!(shape(a).1, None);
    }
}

/// A presentation made for the entry policy is refused against a stricter one (a booster
/// only), and against another request (the nonce); a tampered formula proof is refused.
#[test]
fn presentations_answer_only_their_request() {
    let env = Env::new();
    issue_passing(&env);
    accepted(&env, "course.json", "course");
    let strict = json!({
        "format": "healthpass-policy/1", "name": "booster",
        "any_of": [{ "type": "vaccination", "disclose": ["vaccine_product"],
                     "all_of": ["dose_number > total_doses"] }]
    });
    std::fs::write(env.dir.path().join("strict.json"), strict.to_string()).unwrap();
    env.request("strict.req.json", &env.dir.path().join("strict.json"));
    let (code, _, err) = env.verify("strict.req.json", "p-course.json");
    assert_eq!(code, 1, "{err}");
    // The holder cannot satisfy the stricter policy with this credential.
    let (code, _, err) = env.present("strict.req.json", "course.json", "strict");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("dose_number > total_doses"), "{err}");
    // A flipped bit anywhere in the formula proof is refused.
    let mut p: Value = serde_json::from_slice(&env.read("p-course.json")).unwrap();
    let formula = p["credentials"][0]["formula"].as_str().unwrap().to_owned();
    let mut bytes = healthpass::credential::json::b64_decode(&formula).unwrap();
    for i in [0, bytes.len() / 2, bytes.len() - 1] {
        bytes[i] ^= 1;
        p["credentials"][0]["formula"] = json!(healthpass::credential::json::b64_encode(&bytes));
        std::fs::write(env.dir.path().join("tampered.json"), p.to_string()).unwrap();
        let (code, _, err) = env.verify("entry.req.json", "tampered.json");
        assert_ne!(code, 0, "byte {i}: {err}");
        bytes[i] ^= 1;
    }
}

mod bounds {
    //! Property tests around every bound of the test alternatives, through the library:
    //! a sample at exactly the window's end is accepted, one minute outside is refused by
    //! the holder, and a verifier never accepts a proof the holder refused to make.

    use healthpass::credential::calendar::format_rfc3339_seconds;
    use healthpass::credential::{CredentialType, IssuerKey, Suite};
    use healthpass::presentation::{self, Error, Policy, PresentationRequest, TrustList};
    use proptest::prelude::*;
    use std::sync::OnceLock;

    /// 2026-06-01T12:00:00Z, a whole minute, long enough ago that issuance accepts samples
    /// up to a day after it.
    const NOW: i64 = 1_780_315_200;

    struct World {
        issuer: IssuerKey,
        trust: TrustList,
        request: PresentationRequest,
    }

    fn world() -> &'static World {
        static W: OnceLock<World> = OnceLock::new();
        W.get_or_init(|| {
            let mut rng = rand::rng();
            let issuer = IssuerKey::generate(
                "gb-nhs",
                "NHS",
                "GB",
                Suite::Sha256,
                &CredentialType::ALL,
                &mut rng,
            )
            .unwrap();
            let mut trust = TrustList::default();
            trust.add(issuer.info().clone(), false).unwrap();
            let policy =
                Policy::from_policy_json(include_str!("../examples/policies/entry.json"), NOW)
                    .unwrap()
                    .with_params(None, &mut rng)
                    .unwrap();
            let request =
                PresentationRequest::new("border", vec![policy], NOW, 600, &mut rng).unwrap();
            World {
                issuer,
                trust,
                request,
            }
        })
    }

    /// Presents a test of `test_type` sampled at `sample` and verifies it.
    fn outcome(test_type: &str, sample: i64) -> Result<(), Error> {
        let w = world();
        let mut rng = rand::rng();
        let attributes = super::test(
            test_type,
            "260415000",
            &format_rfc3339_seconds(sample).unwrap(),
        );
        let c = w
            .issuer
            .issue(CredentialType::Test, &attributes, &mut rng)
            .unwrap();
        let p = presentation::present(&w.request, std::slice::from_ref(&c), NOW, &mut rng)?;
        presentation::verify(&w.request, &p, &w.trust, NOW + 60).map(|_| ())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

        /// PCR: `sample_time in now-72h..now`, both ends included, to the minute.
        #[test]
        fn pcr_window_to_the_minute(minutes in -2i64..=2, upper in any::<bool>()) {
            let (end, inside) = if upper {
                (NOW, minutes <= 0)
            } else {
                (NOW - 72 * 3600, minutes >= 0)
            };
            let r = outcome("LP6464-4", end + 60 * minutes);
            prop_assert_eq!(r.is_ok(), inside, "{:?} at {} min from the end", r, minutes);
        }

        /// Rapid antigen: `sample_time in now-24h..now`; a sample 24 h + 1 min old is
        /// refused even though the PCR window (of the other alternative) would hold.
        #[test]
        fn rapid_antigen_window_to_the_minute(minutes in -2i64..=2) {
            let r = outcome("LP217198-3", NOW - 24 * 3600 + 60 * minutes);
            prop_assert_eq!(r.is_ok(), minutes >= 0, "{:?} at {} min", r, minutes);
        }
    }
}
