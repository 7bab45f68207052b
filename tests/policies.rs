//! Acceptance policies end to end through the binary: every alternative of the example
//! policy `examples/policies/entry.json` (vaccinated with a complete course or a booster,
//! PCR within 72 hours, rapid antigen within 24 hours, recovered), accepted when it holds
//! and refused by the holder when it does not; validity always proven; the hidden branch.
//!
//! Every command runs on one clock (`--at`), so that the windows do not depend on the day
//! the tests run.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{json, Value};

/// The validation clock of every request, presentation and verification here.
const AT: &str = "2026-06-01T12:00:00Z";
/// One minute later: when the verifier checks.
const VERIFY_AT: &str = "2026-06-01T12:01:00Z";

fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_healthpass"))
}

fn entry_policy() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/policies/entry.json")
}

struct Env {
    dir: tempfile::TempDir,
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
        let env = Env {
            dir: tempfile::tempdir().unwrap(),
        };
        env.ok(&[
            "issuer",
            "init",
            "--id",
            "gb-nhs",
            "--out-dir",
            "keys",
            "--country",
            "GB",
        ]);
        env.ok(&[
            "trust",
            "add",
            "keys/gb-nhs.public.json",
            "--trust-list",
            "trust.json",
        ]);
        env.request("entry.req.json", &entry_policy());
        env
    }

    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let o = Command::new(binary())
            .args(args)
            .current_dir(self.dir.path())
            .env("HEALTHPASS_PARAMS_STORE", self.dir.path().join("store"))
            .output()
            .unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            o.status.code().unwrap_or(-1),
            text(&o.stdout),
            text(&o.stderr),
        )
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "{args:?}\nstdout: {out}\nstderr: {err}");
        out
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

    fn bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.dir.path().join(name)).unwrap()
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

#[test]
fn every_alternative_of_the_entry_policy() {
    let env = Env::new();
    // Vaccinated, complete course within 14 to 270 days.
    env.issue(
        "course.json",
        "vaccination",
        &vaccination(2, 2, "2026-03-01"),
    );
    let v = accepted(&env, "course.json", "course");
    assert_eq!(v["type"], json!("vaccination"));
    assert_eq!(
        v["disclosed"]["vaccine_product"]["value"],
        json!("EU/1/20/1528")
    );
    // Boosted: the course window does not hold, the booster branch does.
    env.issue(
        "booster.json",
        "vaccination",
        &vaccination(3, 2, "2025-01-01"),
    );
    accepted(&env, "booster.json", "booster");
    // PCR within 72 hours, rapid antigen within 24 hours.
    env.issue(
        "pcr.json",
        "test",
        &test("LP6464-4", "260415000", "2026-05-30T12:00:00Z"),
    );
    let v = accepted(&env, "pcr.json", "pcr");
    assert_eq!(v["type"], json!("test"));
    assert_eq!(v["disclosed"], json!({}));
    env.issue(
        "rat.json",
        "test",
        &test("LP217198-3", "260415000", "2026-06-01T00:00:00Z"),
    );
    accepted(&env, "rat.json", "rat");
    // Recovered: first positive 11 to 180 days ago.
    env.issue("recovered.json", "recovery", &recovery("2026-04-01"));
    let v = accepted(&env, "recovered.json", "recovered");
    assert_eq!(v["type"], json!("recovery"));
}

#[test]
fn the_holder_refuses_what_does_not_hold() {
    let env = Env::new();
    // An incomplete course, and a complete one too recent (13 days).
    env.issue(
        "partial.json",
        "vaccination",
        &vaccination(1, 2, "2026-03-01"),
    );
    refused(&env, "partial.json", "dose_number");
    env.issue(
        "recent.json",
        "vaccination",
        &vaccination(2, 2, "2026-05-19"),
    );
    refused(&env, "recent.json", "vaccination_date");
    // A rapid antigen test 30 hours old (PCR's 72 hours do not apply to it).
    env.issue(
        "old-rat.json",
        "test",
        &test("LP217198-3", "260415000", "2026-05-31T06:00:00Z"),
    );
    refused(&env, "old-rat.json", "sample_time");
    // A positive PCR.
    env.issue(
        "positive.json",
        "test",
        &test("LP6464-4", "260373001", "2026-05-31T06:00:00Z"),
    );
    refused(&env, "positive.json", "test_result");
    // A sample taken after the request's time: the window has an upper end.
    env.issue(
        "future.json",
        "test",
        &test("LP6464-4", "260415000", "2026-06-01T14:00:00Z"),
    );
    refused(&env, "future.json", "sample_time");
    // Recovery too recent (5 days).
    env.issue("fresh.json", "recovery", &recovery("2026-05-27"));
    refused(&env, "fresh.json", "first_positive_date");
    // An expired credential, though its statements hold: validity is always proven.
    let mut expired = vaccination(2, 2, "2026-03-01");
    expired["valid_until"] = json!("2026-05-31T00:00:00Z");
    env.issue("expired.json", "vaccination", &expired);
    refused(&env, "expired.json", "valid");
    // Not yet valid.
    let mut early = vaccination(2, 2, "2026-03-01");
    early["valid_from"] = json!("2026-06-01T13:00:00Z");
    env.issue("early.json", "vaccination", &early);
    refused(&env, "early.json", "valid");
}

/// Two presentations satisfying different branches of one `any_of` (a complete course and
/// a booster; a PCR and a rapid antigen test) have the same size and layout, and the
/// verifier's output does not tell them apart beyond the disclosed values.
#[test]
fn the_branch_stays_hidden() {
    let env = Env::new();
    env.issue(
        "course.json",
        "vaccination",
        &vaccination(2, 2, "2026-03-01"),
    );
    env.issue(
        "booster.json",
        "vaccination",
        &vaccination(3, 2, "2025-01-01"),
    );
    env.issue(
        "pcr.json",
        "test",
        &test("LP6464-4", "260415000", "2026-05-30T12:00:00Z"),
    );
    env.issue(
        "rat.json",
        "test",
        &test("LP217198-3", "260415000", "2026-06-01T00:00:00Z"),
    );
    for (a, b) in [("course", "booster"), ("pcr", "rat")] {
        let va = accepted(&env, &format!("{a}.json"), a);
        let vb = accepted(&env, &format!("{b}.json"), b);
        assert_eq!(va, vb, "{a} / {b}: the verdicts differ");
        let (ca, cb) = (
            env.bytes(&format!("p-{a}.bin")),
            env.bytes(&format!("p-{b}.bin")),
        );
        assert_eq!(ca.len(), cb.len(), "{a} / {b}: compact sizes differ");
        // The same layout: both decode against the request, field by field.
        let shape = |name: &str| {
            let v: Value = serde_json::from_slice(&env.bytes(&format!("p-{name}.json"))).unwrap();
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
    env.issue(
        "course.json",
        "vaccination",
        &vaccination(2, 2, "2026-03-01"),
    );
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
    let mut p: Value = serde_json::from_slice(&env.bytes("p-course.json")).unwrap();
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
