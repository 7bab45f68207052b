//! End-to-end tests of the `healthpass` binary: issue, request, present, verify, inspect,
//! with their exit codes (0 accepted, 1 rejected, 2 unusable input).

use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use healthpass::bbs::{octets::scalar_to_octets, Bls12381Sha256};
use healthpass::credential::json::{b64_decode, b64_encode};
use healthpass::credential::{self, AttributeType, AttributeValue, Credential};
use serde_json::{json, Value};

const NAME: &str = "Lovelace";
const GIVEN: &str = "Augusta Ada";
const BIRTH: &str = "1815-12-10";

fn attributes() -> Value {
    json!({
        "family_name": NAME, "given_name": GIVEN, "birth_date": BIRTH,
        "country": "GB", "issuer_name": "NHS England", "certificate_id": "URN:UVCI:01:GB:TEST1",
        "valid_from": "2024-01-01T00:00:00Z", "valid_until": "2031-01-01T00:00:00Z",
        "disease": "840539006", "vaccine_type": "1119349007", "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215", "dose_number": 3, "total_doses": 3,
        "vaccination_date": "2024-01-01"
    })
}

mod common;

use common::cli::Folder;

/// A folder with an issuer `gb-nhs` in a trust list, a vaccination credential, and a request
/// that discloses the vaccine product and the dose number.
struct Env(Folder);

impl std::ops::Deref for Env {
    type Target = Folder;

    fn deref(&self) -> &Folder {
        &self.0
    }
}

impl Env {
    fn new() -> Self {
        let env = Env(Folder::with_issuer("gb-nhs", "GB"));
        std::fs::write(env.path("attrs.json"), attributes().to_string()).unwrap();
        env.ok_words("issue --issuer keys/gb-nhs.secret.json --type vaccination --attributes attrs.json --out cred.json");
        env.request("req.json", "vaccine_product,dose_number");
        env
    }

    fn request(&self, out: &str, disclose: &str) {
        self.ok(&[
            "request",
            "--params-store",
            "store",
            "--type",
            "vaccination",
            "--disclose",
            disclose,
            "--out",
            out,
        ]);
    }

    fn present(&self, request: &str, stem: &str) {
        let (json, bin, png) = (
            format!("{stem}.json"),
            format!("{stem}.bin"),
            format!("{stem}.png"),
        );
        self.ok(&[
            "present",
            "--params-store",
            "store",
            "--credential",
            "cred.json",
            "--request",
            request,
            "--out",
            &json,
            "--compact",
            &bin,
            "--qr",
            &png,
        ]);
    }

    fn verify(&self, request: &str, flag: &str, file: &str) -> (i32, String, String) {
        self.run(&[
            "verify",
            "--params-store",
            "store",
            "--trust-list",
            "trust.json",
            "--request",
            request,
            flag,
            file,
        ])
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn accepted_in_all_three_forms() {
    let env = Env::new();
    env.present("req.json", "p");
    for (flag, file) in [
        ("--presentation", "p.json"),
        ("--compact", "p.bin"),
        ("--qr", "p.png"),
    ] {
        let (code, out, err) = env.verify("req.json", flag, file);
        assert_eq!(code, 0, "{flag}: {err}");
        assert!(out.contains("ACCEPTED"), "{out}");
        assert!(
            out.contains("vaccine_product = EU/1/20/1528 (Comirnaty)"),
            "{out}"
        );
        assert!(out.contains("dose_number = 3"), "{out}");
    }
    let (code, out, _) =
        env.words("verify --params-store store --trust-list trust.json --request req.json --compact p.bin --json");
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["accepted"], true);
    assert_eq!(v["disclosed"]["vaccine_product"]["display"], "Comirnaty");
    assert_eq!(v["disclosed"]["dose_number"]["value"], 3);
    assert_eq!(v["type"], "vaccination");
    assert_eq!(v["holder_bound"], false);
    assert!(v["valid_at"].as_str().unwrap().ends_with('Z'));
    // Exactly the documented keys (no branch: the request reveals none).
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "accepted",
            "disclosed",
            "holder_bound",
            "proven",
            "type",
            "valid_at"
        ]
    );
}

#[test]
fn secret_files_are_private_and_not_overwritten() {
    let env = Env::new();
    assert_eq!(mode(&env.path("keys/gb-nhs.secret.json")), 0o600);
    assert_eq!(mode(&env.path("cred.json")), 0o600);
    assert_eq!(mode(&env.path("keys/gb-nhs.public.json")), 0o644);
    let before = env.read("keys/gb-nhs.secret.json");
    let (code, _, err) = env.words("issuer init --id gb-nhs --out-dir keys");
    assert_eq!(code, 2);
    assert!(err.contains("--force"), "{err}");
    assert_eq!(env.read("keys/gb-nhs.secret.json"), before);
    env.ok_words("issuer init --id gb-nhs --out-dir keys --force");
    assert_ne!(env.read("keys/gb-nhs.secret.json"), before);
    let leftovers: Vec<_> = std::fs::read_dir(env.path("keys"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn one_changed_proof_byte_is_rejected() {
    let env = Env::new();
    env.present("req.json", "p");
    let mut v = env.json("p.json");
    let mut proof = b64_decode(v["credentials"][0]["proof"].as_str().unwrap()).unwrap();
    proof[300] ^= 0x01;
    v["credentials"][0]["proof"] = Value::from(b64_encode(&proof));
    env.write_json("bad.json", &v);
    let (code, _, err) = env.verify("req.json", "--presentation", "bad.json");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("proof does not verify"), "{err}");

    // The same in the compact form: the proof is the last part.
    let mut bin = env.read("p.bin");
    let n = bin.len();
    bin[n - 40] ^= 0x80;
    std::fs::write(env.path("bad.bin"), &bin).unwrap();
    let (code, _, err) = env.verify("req.json", "--compact", "bad.bin");
    assert_eq!(code, 1, "{err}");
    // A point that does not decode and a proof of the wrong length are rejections too.
    let mut v = env.json("p.json");
    proof = b64_decode(v["credentials"][0]["proof"].as_str().unwrap()).unwrap();
    proof[0] = 0x00;
    v["credentials"][0]["proof"] = Value::from(b64_encode(&proof));
    env.write_json("bad.json", &v);
    assert_eq!(env.verify("req.json", "--presentation", "bad.json").0, 1);
    proof.truncate(proof.len() - 32);
    v["credentials"][0]["proof"] = Value::from(b64_encode(&proof));
    env.write_json("bad.json", &v);
    assert_eq!(env.verify("req.json", "--presentation", "bad.json").0, 1);
}

#[test]
fn a_presentation_for_another_request_is_rejected() {
    let env = Env::new();
    env.request("other.json", "vaccine_product,dose_number");
    env.present("other.json", "p");
    for (flag, file) in [("--presentation", "p.json"), ("--qr", "p.png")] {
        let (code, _, err) = env.verify("req.json", flag, file);
        assert_eq!(code, 1, "{flag}: {err}");
        assert!(err.contains("another request"), "{err}");
    }
}

#[test]
fn an_issuer_outside_the_trust_list_is_rejected() {
    let env = Env::new();
    env.ok_words("issuer init --id xx-rogue --out-dir keys");
    env.ok_words("issue --issuer keys/xx-rogue.secret.json --type vaccination --attributes attrs.json --out cred.json --force");
    env.present("req.json", "p");
    let (code, _, err) = env.verify("req.json", "--presentation", "p.json");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`xx-rogue` is not in the trust list"), "{err}");
}

/// Key ids on the command line: `issuer init --kid` writes `ID.KID.*.json`, its credentials
/// name the key, `verify` picks that key of the trust list (refused while it is not listed),
/// `trust remove` ends a rotation, and an old credential without a kid keeps verifying with
/// the issuer's key without one until that is removed.
#[test]
fn verify_picks_the_issuer_key_a_presentation_names() {
    let env = Env::new();
    env.present("req.json", "old");
    env.ok_words("issuer init --id gb-nhs --kid 2026-b --out-dir keys --country GB");
    let public = env.json("keys/gb-nhs.2026-b.public.json");
    assert_eq!(public["issuer"]["kid"], "2026-b");
    env.ok_words("issue --issuer keys/gb-nhs.2026-b.secret.json --type vaccination --attributes attrs.json --out cred.json --force");
    assert_eq!(env.json("cred.json")["issuer"]["kid"], "2026-b");
    env.present("req.json", "new");
    assert_eq!(env.json("new.json")["credentials"][0]["kid"], "2026-b");
    let (code, _, err) = env.verify("req.json", "--compact", "new.bin");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("`gb-nhs` has no key `2026-b`"), "{err}");

    let out = env.ok_words("trust add keys/gb-nhs.2026-b.public.json --trust-list trust.json");
    assert!(
        out.contains("key `2026-b`") && out.contains("2 key(s)"),
        "{out}"
    );
    for stem in ["new", "old"] {
        let (code, out, err) = env.verify("req.json", "--compact", &format!("{stem}.bin"));
        assert_eq!(code, 0, "{stem}: {err}");
        assert_eq!(out.contains("gb-nhs key `2026-b`"), stem == "new", "{out}");
    }
    // Another key under the same kid is a conflict.
    env.ok_words("issuer init --id gb-nhs --kid 2026-b --out-dir other --country GB");
    let (code, _, err) =
        env.words("trust add other/gb-nhs.2026-b.public.json --trust-list trust.json");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("(key `2026-b`) is already in the trust list"),
        "{err}"
    );

    env.ok_words("trust remove --id gb-nhs --trust-list trust.json");
    let (code, _, err) = env.verify("req.json", "--compact", "old.bin");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no key without a key identifier"), "{err}");
    let (code, _, _) = env.verify("req.json", "--compact", "new.bin");
    assert_eq!(code, 0);
    let (code, _, err) = env.words("trust remove --id gb-nhs --trust-list trust.json");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not in the trust list"), "{err}");
    let (code, _, err) = env.words("issuer init --id gb-nhs --kid Bad --out-dir keys");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("key identifier `Bad` is not valid"), "{err}");
}

#[test]
fn a_requested_attribute_that_is_not_disclosed_is_rejected() {
    let env = Env::new();
    env.present("req.json", "p");
    let mut v = env.json("p.json");
    v["credentials"][0]["disclosed"]
        .as_object_mut()
        .unwrap()
        .remove("dose_number");
    env.write_json("fewer.json", &v);
    let (code, _, err) = env.verify("req.json", "--presentation", "fewer.json");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("missing: [dose_number]"), "{err}");
}

/// Every encoding of a value the verifier must not learn: its text, and its 32-byte scalar.
fn secret_encodings(credential: &Credential, name: &str) -> Vec<Vec<u8>> {
    let v = credential.value(name).unwrap();
    let api_id = credential::api_id::<Bls12381Sha256>();
    let scalar = v.to_scalar::<Bls12381Sha256>(&api_id).unwrap();
    let mut out = vec![
        v.to_string().into_bytes(),
        scalar_to_octets(&scalar).to_vec(),
    ];
    if let AttributeValue::Date(d) = v {
        out.push(d.to_be_bytes().to_vec());
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn hidden_name_and_birth_date_appear_nowhere() {
    let env = Env::new();
    env.present("req.json", "p");
    let credential =
        Credential::from_json(&String::from_utf8(env.read("cred.json")).unwrap()).unwrap();
    let proof = b64_decode(
        env.json("p.json")["credentials"][0]["proof"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let files = [
        env.read("p.json"),
        env.read("p.bin"),
        env.read("p.png"),
        proof,
    ];
    for name in ["family_name", "given_name", "birth_date"] {
        for needle in secret_encodings(&credential, name) {
            for (i, f) in files.iter().enumerate() {
                assert!(!contains(f, &needle), "{name} found in file {i}");
            }
        }
    }
    // The check can fail: a request that discloses them finds them.
    env.request("all.json", "family_name,birth_date");
    env.present("all.json", "q");
    assert!(contains(&env.read("q.json"), NAME.as_bytes()));
    assert!(contains(&env.read("q.bin"), NAME.as_bytes()));
    assert!(contains(&env.read("q.json"), BIRTH.as_bytes()));
}

#[test]
fn two_presentations_share_no_16_byte_substring() {
    let env = Env::new();
    env.present("req.json", "a");
    env.present("req.json", "b");
    let proof =
        |f: &str| b64_decode(env.json(f)["credentials"][0]["proof"].as_str().unwrap()).unwrap();
    let (a, b) = (proof("a.json"), proof("b.json"));
    assert_eq!(a.len(), b.len());
    let windows: HashSet<&[u8]> = a.windows(16).collect();
    assert!(b.windows(16).all(|w| !windows.contains(w)));
    // And the same proof against itself shares all of them: the check works.
    assert!(a.windows(16).all(|w| windows.contains(w)));
}

#[test]
fn the_qr_image_holds_the_compact_bytes() {
    let env = Env::new();
    env.present("req.json", "p");
    let png = env.read("p.png");
    assert!(png.starts_with(b"\x89PNG"));
    let data = healthpass::presentation::qr::read_png(&png).unwrap();
    assert_eq!(data, env.read("p.bin"));
    let (code, out, _) =
        env.words("present --params-store store --credential cred.json --request req.json --qr t.png --show-qr");
    assert_eq!(code, 0);
    assert!(out.contains('▀') && out.contains("QR version"), "{out}");
}

#[test]
fn usage_errors_exit_2_with_a_reason() {
    let env = Env::new();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "request",
                "--params-store",
                "store",
                "--type",
                "vaccination",
                "--disclose",
                "shoe_size",
                "--out",
                "r.json",
            ],
            "`shoe_size` is not part of a vaccination credential",
        ),
        (
            vec![
                "request",
                "--params-store",
                "store",
                "--type",
                "vaccination",
                "--disclose",
                "holder_secret",
                "--out",
                "r.json",
            ],
            "holder_secret",
        ),
        (
            vec![
                "request",
                "--params-store",
                "store",
                "--type",
                "vaccination",
                "--prove",
                "holder_secret >= 1",
                "--out",
                "r.json",
            ],
            "holder_secret",
        ),
        (
            vec![
                "request",
                "--params-store",
                "store",
                "--type",
                "passport",
                "--out",
                "r.json",
            ],
            "unknown credential type `passport`",
        ),
        (
            vec![
                "present",
                "--params-store",
                "store",
                "--credential",
                "missing.json",
                "--request",
                "req.json",
                "--out",
                "p.json",
            ],
            "missing.json: no such file",
        ),
        (
            vec![
                "verify",
                "--params-store",
                "store",
                "--trust-list",
                "trust.json",
                "--request",
                "req.json",
                "--presentation",
                "nope.json",
            ],
            "nope.json",
        ),
        (
            vec![
                "present",
                "--params-store",
                "store",
                "--credential",
                "cred.json",
                "--request",
                "req.json",
            ],
            "required",
        ),
        (
            vec![
                "verify",
                "--params-store",
                "store",
                "--trust-list",
                "trust.json",
                "--request",
                "attrs.json",
                "--compact",
                "x",
            ],
            "attrs.json",
        ),
        (vec!["inspect", "attrs.json"], "attrs.json"),
        (vec!["frobnicate"], "unrecognized subcommand"),
    ];
    for (args, needle) in cases {
        let (code, _, err) = env.run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert!(!env.path("r.json").exists());
}

#[test]
fn issuance_errors_name_the_attribute() {
    let env = Env::new();
    let cases = [
        (
            "birth_date",
            json!("1815-13-10"),
            "attribute `birth_date`: expected a date",
        ),
        (
            "dose_number",
            json!("two"),
            "attribute `dose_number`: expected an integer",
        ),
        (
            "vaccine_product",
            json!("EU/1/99/0000"),
            "attribute `vaccine_product`: `EU/1/99/0000` is not in the value set",
        ),
        (
            "shoe_size",
            json!(44),
            "attribute `shoe_size` is not part of a vaccination credential",
        ),
        (
            "holder_secret",
            json!("AAAA"),
            "`holder_secret` must not be given",
        ),
    ];
    for (name, value, needle) in cases {
        let mut attrs = attributes();
        attrs[name] = value;
        std::fs::write(env.path("bad-attrs.json"), attrs.to_string()).unwrap();
        let (code, _, err) = env.words("issue --issuer keys/gb-nhs.secret.json --type vaccination --attributes bad-attrs.json --out bad-cred.json");
        assert_eq!(code, 2, "{name}: {err}");
        assert!(
            err.contains(needle) && err.contains("bad-attrs.json"),
            "{name}: {err}"
        );
        assert!(!env.path("bad-cred.json").exists());
    }
    let mut attrs = attributes();
    attrs.as_object_mut().unwrap().remove("total_doses");
    std::fs::write(env.path("bad-attrs.json"), attrs.to_string()).unwrap();
    let (code, _, err) = env.words("issue --issuer keys/gb-nhs.secret.json --type vaccination --attributes bad-attrs.json --out bad-cred.json");
    assert_eq!(code, 2);
    assert!(err.contains("attribute `total_doses` is missing"), "{err}");
}

/// A code outside its value set is refused by default, naming the option; signed on purpose
/// with `--allow-unlisted-codes`, it reads back, is disclosed as it is, proves `!=` to a
/// listed code (a hiding inequality), and proves neither `in` a list of listed codes nor
/// `!=` itself.
#[test]
fn unlisted_codes_are_signed_only_on_purpose_and_prove_what_they_are() {
    let env = Env::new();
    let mut attrs = attributes();
    attrs["vaccine_product"] = json!("Pfizer");
    env.write_json("pfizer.json", &attrs);
    let issue = "issue --issuer keys/gb-nhs.secret.json --type vaccination --attributes pfizer.json --out cred.json --force";
    let (code, _, err) = env.words(issue);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`Pfizer` is not in the value set vaccines-covid-19-names")
            && err.contains("--allow-unlisted-codes"),
        "{err}"
    );
    env.ok_words(&format!("{issue} --allow-unlisted-codes"));
    assert!(env
        .ok_words("inspect cred.json")
        .contains("vaccine_product"));
    env.present("req.json", "p");
    let (code, out, err) = env.verify("req.json", "--presentation", "p.json");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("vaccine_product = Pfizer"), "{out}");
    // The validity is proven, its values not disclosed (this request discloses neither).
    assert!(out.contains("values not disclosed"), "{out}");
    let prove = |statement: &str| {
        env.ok(&[
            "request",
            "--params-store",
            "store",
            "--type",
            "vaccination",
            "--prove",
            statement,
            "--out",
            "r.json",
        ]);
        let (code, _, err) = env.words(
            "present --params-store store --credential cred.json --request r.json --out q.json",
        );
        if code != 0 {
            return (code, err);
        }
        let (code, _, err) = env.verify("r.json", "--presentation", "q.json");
        (code, err)
    };
    assert_eq!(prove("vaccine_product != EU/1/20/1528").0, 0);
    for refused in [
        "vaccine_product != Pfizer",
        "vaccine_product in {EU/1/20/1528,EU/1/20/1507}",
        "vaccine_product = EU/1/20/1528",
    ] {
        let (code, err) = prove(refused);
        assert_eq!(code, 1, "{refused}: {err}");
        assert!(err.contains("does not satisfy"), "{refused}: {err}");
    }
}

#[test]
fn refusals_exit_1() {
    let env = Env::new();
    // A predicate the credential does not satisfy.
    env.ok(&[
        "request",
        "--params-store",
        "store",
        "--type",
        "vaccination",
        "--prove",
        "dose_number >= 5",
        "--out",
        "r.json",
    ]);
    let (code, _, err) = env
        .words("present --params-store store --credential cred.json --request r.json --out p.json");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not satisfy `dose_number >= 5`"), "{err}");
    // A request that only accepts another issuer.
    env.ok_words("request --params-store store --type vaccination --issuer de-rki --out r.json");
    let (code, _, err) = env
        .words("present --params-store store --credential cred.json --request r.json --out p.json");
    assert_eq!(code, 1, "{err}");
    // An expired request (its times edited into the past).
    let mut r = env.json("req.json");
    r["created"] = json!("2020-01-01T00:00:00Z");
    r["expires"] = json!("2020-01-01T00:10:00Z");
    env.write_json("old.json", &r);
    let (code, _, err) = env.words(
        "present --params-store store --credential cred.json --request old.json --out p.json",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("expired"), "{err}");
    // A request whose disclosure list was edited after the presentation was made.
    env.present("req.json", "p");
    let mut r = env.json("req.json");
    r["policies"][0]["any_of"][0]["disclose"] = json!(["vaccine_product"]);
    env.write_json("edited.json", &r);
    let (code, _, err) = env.verify("edited.json", "--presentation", "p.json");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("request digest mismatch"), "{err}");
}

#[test]
fn inspect_describes_every_file() {
    let env = Env::new();
    env.present("req.json", "p");
    let cases = [
        ("keys/gb-nhs.secret.json", "secret key present (not shown)"),
        ("keys/gb-nhs.public.json", "issuer public file"),
        ("trust.json", "trust list with 1 issuer"),
        ("cred.json", "signature  valid"),
        ("req.json", "disclose   vaccine_product, dose_number"),
        (
            "p.json",
            "disclosed  vaccine_product = EU/1/20/1528 (Comirnaty)",
        ),
        ("p.bin", "compact presentation, version 4"),
        ("p.png", "QR code image"),
    ];
    for (file, needle) in cases {
        let out = env.ok(&["inspect", file]);
        assert!(out.contains(needle), "{file}: {out}");
    }
    let secret = String::from_utf8(env.read("keys/gb-nhs.secret.json")).unwrap();
    let key: Value = serde_json::from_str(&secret).unwrap();
    let out = env.ok_words("inspect keys/gb-nhs.secret.json");
    assert!(!out.contains(key["secret_key"].as_str().unwrap()));
    let out = env.ok_words("inspect cred.json");
    let cred = env.json("cred.json");
    assert!(!out.contains(cred["attributes"]["holder_secret"].as_str().unwrap()));
    assert_eq!(AttributeType::Secret.name(), "secret");
}

#[test]
fn demo_runs_end_to_end() {
    let env = Env(Folder::new());
    let out = env.ok_words("demo --keep demo-files");
    for needle in [
        "What the verifier learned",
        "vaccine_product    EU/1/20/1528 (Comirnaty)",
        "appears in no presentation byte",
        "compact encoding",
        "QR code              version",
    ] {
        assert!(out.contains(needle), "{needle}\n{out}");
    }
    assert!(!out.contains("APPEARS"), "{out}");
    assert!(env.path("demo-files/presentation.png").exists());
}

#[test]
fn predicates_from_the_command_line() {
    let env = Env::new();
    // A credential valid for 200 more days (the instant span covers about two years).
    let now_minutes = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 60;
    let mut a = attributes();
    a["valid_until"] =
        json!(healthpass::credential::calendar::format_instant(now_minutes + 200 * 1440).unwrap());
    std::fs::write(env.path("attrs.json"), a.to_string()).unwrap();
    env.ok_words("issue --issuer keys/gb-nhs.secret.json --type vaccination --attributes attrs.json --out cred.json --force");
    // Fresh parameters per request: prove without disclosing, over all three forms.
    env.ok(&[
        "request",
        "--params-store",
        "store",
        "--type",
        "vaccination",
        "--disclose",
        "vaccine_product",
        "--prove",
        "dose_number >= 2",
        "--prove",
        "vaccination_date <= today-14d",
        "--out",
        "rp.json",
    ]);
    env.present("rp.json", "pp");
    for (flag, file) in [
        ("--presentation", "pp.json"),
        ("--compact", "pp.bin"),
        ("--qr", "pp.png"),
    ] {
        let (code, out, err) = env.verify("rp.json", flag, file);
        assert_eq!(code, 0, "{flag}: {err}");
        assert!(out.contains("proven     dose_number >= 2"), "{out}");
        assert!(out.contains("proven     vaccination_date <= "), "{out}");
        assert!(out.contains("valid at"), "{out}");
        assert!(!out.contains("disclosed  dose_number"), "{out}");
    }
    let compact = env.read("pp.bin").len();
    // Interim budget (docs/benchmarks.md): with the mandatory validity statements, one QR
    // code at level M (2,331 bytes) until the wire format shrinks the digits.
    assert!(
        compact <= 2331,
        "typical vaccination presentation: {compact} bytes"
    );
    // --json lists the predicates too.
    let (code, out, _) = env.run(&[
        "verify",
        "--params-store",
        "store",
        "--trust-list",
        "trust.json",
        "--request",
        "rp.json",
        "--presentation",
        "pp.json",
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    // The validity at the request's time, then the statement as written.
    assert!(v["proven"][0]
        .as_str()
        .unwrap()
        .starts_with("valid_from <= "));
    assert_eq!(v["proven"][1], "dose_number >= 2");
    // One changed byte in the predicate part of the compact encoding: rejected (exit 1).
    let mut bin = env.read("pp.bin");
    let at = bin.len() - 800; // inside the predicate proofs, which precede the BBS proof's end
    bin[at] ^= 0x40;
    std::fs::write(env.path("bad.bin"), &bin).unwrap();
    let (code, _, err) = env.verify("rp.json", "--compact", "bad.bin");
    assert_eq!(code, 1, "{err}");

    // A verifier's parameter store, reused by two requests, which name its sets by digest.
    let out = env.ok_words("params new --store vstore");
    assert_eq!(out.matches(" ranges: digits").count(), 3, "{out}");
    for out in ["r1.json", "r2.json"] {
        env.ok(&[
            "request",
            "--params-store",
            "vstore",
            "--type",
            "vaccination",
            "--prove",
            "vaccination_date <= today-14d",
            "--prove",
            "vaccine_product in {EU/1/20/1528,BBIBP-CorV}",
            "--out",
            out,
        ]);
    }
    let set = |name: &str, i: usize| {
        env.json(name)["policies"][0]["any_of"][0]["all_of"][i]["params"]["set"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(set("r1.json", 0), set("r2.json", 0));
    assert_eq!(set("r1.json", 1), set("r2.json", 1));
    let listed = env.ok_words("params list --store vstore");
    assert!(
        // `params new`'s three (integers, instants, and dates, whose set of 2^16 digits the
        // validity statements share) and the set.
        listed.contains("4 set(s)") && listed.contains("4 set elements"),
        "{listed}"
    );
    assert!(std::fs::metadata(env.path("r1.json")).unwrap().len() < 2000);
    // The holder's empty store: refused, naming the digest and where to get the set.
    let (code, _, err) = env.words(
        "present --params-store hstore --credential cred.json --request r1.json --out p1.json",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("params add") && err.contains(".set"), "{err}");
    // Fetched from the verifier's store, checked once and remembered.
    env.ok_words(
        "present --params-store hstore --params-from vstore --credential cred.json --request r1.json --out p1.json",
    );
    let listed = env.ok_words("params list --store hstore");
    // The element set of the statements, and the 2^16 digits that the date statement and the
    // validity statements share.
    assert_eq!(listed.matches(", checked").count(), 2, "{listed}");
    env.ok_words(
        "present --params-store hstore --credential cred.json --request r2.json --out p2.json",
    );
    let (code, out, err) = env.words(
        "verify --params-store vstore --trust-list trust.json --request r1.json --presentation p1.json",
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("vaccine_product in {EU/1/20/1528,BBIBP-CorV}"),
        "{out}"
    );
    // The verifier needs its store (the default store, empty here, does not have the sets).
    let (code, _, err) = env.run(&[
        "verify",
        "--trust-list",
        "trust.json",
        "--request",
        "r1.json",
        "--presentation",
        "p1.json",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not in the parameter store"), "{err}");
    // The presentation for r1 does not answer r2.
    let (code, _, _) = env.words(
        "verify --params-store vstore --trust-list trust.json --request r2.json --presentation p1.json",
    );
    assert_eq!(code, 1);

    // A set file with a forged signature: `params add` refuses it (exit 1) and keeps nothing.
    let sets: Vec<_> = std::fs::read_dir(env.path("vstore"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "set"))
        .collect();
    let mut forged = std::fs::read(&sets[0]).unwrap();
    let other = std::fs::read(&sets[1]).unwrap();
    let n = forged.len();
    forged[n - 48..].copy_from_slice(&other[other.len() - 48..]);
    std::fs::write(env.path("forged.set"), &forged).unwrap();
    let (code, _, err) = env.words("params add forged.set --store fstore");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("do not verify"), "{err}");
    assert!(env
        .ok_words("params list --store fstore")
        .contains("0 set(s)"));
    let out = env.ok(&[
        "params",
        "add",
        sets[0].to_str().unwrap(),
        "--store",
        "fstore",
    ]);
    assert!(out.contains("(checked)"), "{out}");
    let out = env.ok(&["inspect", sets[0].to_str().unwrap()]);
    assert!(out.starts_with("parameter set "), "{out}");

    // Usage errors: a range over a code, a predicate on the holder secret, bad syntax.
    for bad in [
        "vaccine_product >= 2",
        "holder_secret >= 1",
        "dose_number == 2",
        "birth_date <= now",
    ] {
        let (code, _, err) = env.run(&[
            "request",
            "--params-store",
            "store",
            "--type",
            "vaccination",
            "--prove",
            bad,
            "--out",
            "x.json",
        ]);
        assert_eq!(code, 2, "{bad}: {err}");
    }
}

// ---- issue 9: hostile input and command-line faults ----

#[test]
fn a_png_declaring_a_huge_frame_exits_2_with_a_reason() {
    let env = Env::new();
    // 68 bytes declaring 100000 x 100000 RGBA pixels: the old reader allocated 40 GB and
    // aborted (exit 134).
    let png = hex::decode(concat!(
        "89504e470d0a1a0a0000000d49484452000186a0000186a00806000000",
        "a8520bc80000000b4944415478da636000020000050001",
        "e9fadcd80000000049454e44ae426082"
    ))
    .unwrap();
    assert_eq!(png.len(), 68);
    std::fs::write(env.path("huge.png"), &png).unwrap();
    let (code, out, err) = env.verify("req.json", "--qr", "huge.png");
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("huge.png") && err.contains("declares 100000x100000 pixels"),
        "{err}"
    );
    let (code, _, err) = env.words("inspect huge.png");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("declares 100000x100000 pixels"), "{err}");
    // A real code still reads.
    env.present("req.json", "p");
    assert_eq!(env.verify("req.json", "--qr", "p.png").0, 0);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let env = Env::new();
    env.present("req.json", "p");
    for args in [
        vec![
            "verify",
            "--params-store",
            "store",
            "--trust-list",
            "trust.json",
            "--request",
            "req.json",
            "--compact",
            "p.bin",
        ],
        vec!["inspect", "req.json"],
        vec![
            "verify",
            "--params-store",
            "store",
            "--trust-list",
            "trust.json",
            "--request",
            "req.json",
            "--compact",
            "p.bin",
            "--json",
        ],
    ] {
        let mut child = env
            .command(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the command has printed anything.
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn a_full_output_device_is_a_write_error_with_exit_2() {
    let env = Env::new();
    env.present("req.json", "p");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let o = env
        .command(&[
            "verify",
            "--params-store",
            "store",
            "--trust-list",
            "trust.json",
            "--request",
            "req.json",
            "--compact",
            "p.bin",
        ])
        .stdout(full)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write to standard output"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn outputs_never_replace_what_is_not_a_regular_file() {
    use std::os::unix::fs::FileTypeExt;
    let env = Env::new();
    let present = |flag: &str, target: &str| {
        env.run(&[
            "present",
            "--params-store",
            "store",
            "--credential",
            "cred.json",
            "--request",
            "req.json",
            flag,
            target,
        ])
    };
    // A link to a regular file: the file is written, the link stays.
    std::fs::write(env.path("real.json"), "old").unwrap();
    std::os::unix::fs::symlink("real.json", env.path("link.json")).unwrap();
    let (code, _, err) = present("--out", "link.json");
    assert_eq!(code, 0, "{err}");
    let link = std::fs::symlink_metadata(env.path("link.json")).unwrap();
    assert!(link.file_type().is_symlink(), "the link was replaced");
    assert_eq!(env.json("real.json")["format"], "healthpass-presentation/3");
    // A named pipe: written through, not replaced by a regular file.
    let fifo = env.path("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let (code, _, err) = present("--compact", "pipe");
    if code != 0 {
        // Unblock the reader before failing.
        let _ = std::fs::OpenOptions::new().write(true).open(&fifo);
    }
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    let bytes = reader.join().unwrap();
    assert_eq!(
        bytes.first(),
        Some(&healthpass::presentation::COMPACT_VERSION)
    );
    // `-`: the data on standard output, the messages on standard error.
    let (code, out, err) = present("--out", "-");
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["format"], "healthpass-presentation/3");
    assert!(err.contains("wrote standard output"), "{err}");
    assert!(!env.path("-").exists());
    // Two outputs cannot share standard output.
    let (code, _, err) = env.run(&[
        "present",
        "--params-store",
        "store",
        "--credential",
        "cred.json",
        "--request",
        "req.json",
        "--out",
        "-",
        "--compact",
        "-",
    ]);
    assert_eq!(code, 2, "{err}");
    // Secret files are written only to regular files.
    std::os::unix::fs::symlink("elsewhere.json", env.path("secret-link.json")).unwrap();
    let (code, _, err) = env.words(
        "issue --issuer keys/gb-nhs.secret.json --type vaccination --attributes attrs.json --out secret-link.json --force",
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("regular files"), "{err}");
    assert!(!env.path("elsewhere.json").exists());
}

/// Waits (up to 60 s) until a file whose name contains `needle` appears under `dir`,
/// searching one level of subdirectories; returns its path.
fn wait_for_file(dir: &Path, needle: &str) -> Option<PathBuf> {
    let start = std::time::Instant::now();
    while start.elapsed() < std::time::Duration::from_secs(60) {
        let mut dirs = vec![dir.to_path_buf()];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() && d == dir {
                    dirs.push(p.clone());
                }
                if p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains(needle))
                {
                    return Some(p);
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    None
}

/// Runs `args` with the test hook that pauses after each temporary file is written, sends
/// `signal` once one exists, and returns the exit code and the temporary file's path.
fn interrupt(env: &Env, args: &[&str], signal: &str, tmpdir: &Path) -> (Option<i32>, PathBuf) {
    let mut child = env
        .command(args)
        .env("HEALTHPASS_TEST_PAUSE_AFTER_TEMP_MS", "30000")
        .env("TMPDIR", tmpdir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let found = wait_for_file(tmpdir, ".tmp-");
    let kill = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = child.wait().unwrap();
    (status.code(), found.expect("no temporary file appeared"))
}

#[test]
fn an_interrupted_command_leaves_no_temporary_file() {
    let env = Env::new();
    for (signal, code) in [("-INT", 130), ("-TERM", 143)] {
        let (exit, tmp) = interrupt(
            &env,
            &[
                "request",
                "--params-store",
                "store",
                "--type",
                "vaccination",
                "--out",
                "r.json",
            ],
            signal,
            env.dir.path(),
        );
        assert_eq!(exit, Some(code), "{signal}");
        assert!(!tmp.exists(), "{signal}: {} was left behind", tmp.display());
        assert!(!env.path("r.json").exists());
    }
}

#[test]
fn an_interrupted_demo_removes_its_directory_and_secret_key() {
    let env = Env::new();
    let tmpdir = env.path("tmp");
    std::fs::create_dir(&tmpdir).unwrap();
    let (exit, tmp) = interrupt(&env, &["demo", "--no-qr"], "-TERM", &tmpdir);
    assert_eq!(exit, Some(143));
    // The first temporary file is the issuer's secret key, inside the demo's directory.
    assert!(
        tmp.to_string_lossy().contains("healthpass-demo-"),
        "{}",
        tmp.display()
    );
    assert!(!tmp.exists());
    let left: Vec<_> = std::fs::read_dir(&tmpdir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_presentation_too_large_for_a_qr_code_is_still_written_as_json() {
    let env = Env::new();
    let prove = [
        "dose_number >= 1",
        "total_doses >= 1",
        "vaccination_date <= today",
        "birth_date <= 1900-01-01",
        "dose_number <= 9",
        "total_doses <= 9",
        "dose_number in 1..9",
        "vaccination_date >= 2020-01-01",
        "total_doses in 1..9",
        "birth_date >= 1800-01-01",
        "dose_number > 0",
        // Instant bounds: two digits each (288 bytes), and within the instant span.
        "valid_from >= 2023-06-01T00:00:00Z",
        "valid_from <= 2025-01-01T00:00:00Z",
        "valid_until >= 2030-06-01T00:00:00Z",
        "valid_until <= 2032-01-01T00:00:00Z",
    ];
    let mut args = vec![
        "request",
        "--params-store",
        "store",
        "--type",
        "vaccination",
        "--out",
        "big.json",
    ];
    for p in &prove {
        args.extend(["--prove", p]);
    }
    env.ok(&args);
    let present = |flag: &str, out: &str| {
        env.run(&[
            "present",
            "--params-store",
            "store",
            "--credential",
            "cred.json",
            "--request",
            "big.json",
            flag,
            out,
        ])
    };
    let (code, _, err) = present("--out", "p.json");
    assert_eq!(code, 0, "{err}");
    assert_eq!(env.verify("big.json", "--presentation", "p.json").0, 0);
    let (code, _, err) = present("--compact", "p.bin");
    assert_eq!(code, 0, "{err}");
    assert!(
        env.read("p.bin").len() > 2953,
        "fits a QR code: the test proves nothing"
    );
    // Asked for, the QR code is still refused, clearly.
    let (code, _, err) = present("--qr", "p.png");
    assert_eq!(code, 2);
    assert!(err.contains("too large for one QR code"), "{err}");
    assert!(!env.path("p.png").exists());
}

#[test]
fn a_compact_presentation_for_a_request_of_another_shape_answers_another_request() {
    let env = Env::new();
    env.present("req.json", "p");
    env.request(
        "other.json",
        "vaccine_product,family_name,given_name,birth_date",
    );
    for (flag, file) in [("--compact", "p.bin"), ("--qr", "p.png")] {
        let (code, _, err) = env.verify("other.json", flag, file);
        assert_eq!(code, 1, "{flag}: {err}");
        assert!(err.contains("answers another request"), "{flag}: {err}");
    }
    assert_eq!(env.verify("req.json", "--compact", "p.bin").0, 0);
}

/// Issue 14 §2 on the command line: `holder init`, `holder commit`, `issue --commitment`,
/// `holder accept`, `present --holder`, `request --require-bound --pseudonym`, and every
/// refusal on the way.
#[test]
fn holder_bound_credentials_end_to_end() {
    let env = Env::new();
    env.ok_words("holder init --out-dir ada");
    assert_eq!(mode(&env.path("ada/holder.secret.json")), 0o600);
    let before = env.read("ada/holder.secret.json");
    let (code, _, err) = env.words("holder init --out-dir ada");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(env.read("ada/holder.secret.json"), before);
    env.ok_words("holder commit --holder ada/holder.secret.json --out c.json");
    let secret = env.json("ada/holder.secret.json")["holder_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!String::from_utf8_lossy(&env.read("c.json")).contains(&secret));
    let issue = "issue --issuer keys/gb-nhs.secret.json --type vaccination --attributes attrs.json --commitment c.json --out bound.json";
    env.ok_words(issue);
    let cred = String::from_utf8_lossy(&env.read("bound.json")).into_owned();
    assert!(
        !cred.contains(&secret) && !cred.contains("holder_secret"),
        "{cred}"
    );
    // The issuer refuses a commitment it has signed.
    let (code, _, err) = env.words(&issue.replace("bound.json", "again.json"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("already signed"), "{err}");
    // A tampered commitment proof is refused.
    env.ok_words("holder commit --holder ada/holder.secret.json --out c2.json");
    let mut c2 = env.json("c2.json");
    let b = c2["commitments"]["bls12-381-sha-256"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut bytes = healthpass::credential::json::b64_decode(&b).unwrap();
    bytes[48 + 31] ^= 1;
    c2["commitments"]["bls12-381-sha-256"] =
        healthpass::credential::json::b64_encode(&bytes).into();
    env.write_json("c2.json", &c2);
    let (code, _, err) = env.words(
        &issue
            .replace("c.json", "c2.json")
            .replace("bound.json", "x.json"),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not verify"), "{err}");
    // Accept, then present only with the holder's file.
    env.ok_words("holder accept --holder ada/holder.secret.json --credential bound.json");
    env.ok_words("holder init --out-dir bob");
    let (code, _, err) =
        env.words("holder accept --holder bob/holder.secret.json --credential bound.json");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("another holder"), "{err}");
    env.ok_words("request --params-store store --type vaccination --disclose family_name --require-bound --pseudonym venue-42/2026-12-02 --verifier venue --out rb.json");
    let present =
        "present --params-store store --credential bound.json --request rb.json --out pb.json";
    let (code, _, err) = env.words(present);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--holder"), "{err}");
    let (code, _, err) = env.words(&format!("{present} --holder bob/holder.secret.json"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("another holder"), "{err}");
    let out = env.ok_words(&format!("{present} --holder ada/holder.secret.json"));
    assert!(
        out.contains("venue-42/2026-12-02") && out.contains("pseudonym"),
        "{out}"
    );
    let verify = "verify --params-store store --trust-list trust.json --request rb.json --presentation pb.json --json";
    let v: Value = serde_json::from_str(&env.ok_words(verify)).unwrap();
    assert_eq!(v["holder_bound"], true, "{v}");
    let nym = v["pseudonym"].as_str().unwrap().to_owned();
    // Same credential, same context: same pseudonym.
    env.ok_words(&format!(
        "{} --holder ada/holder.secret.json",
        present.replace("pb.json", "pb2.json")
    ));
    let v2: Value =
        serde_json::from_str(&env.ok_words(&verify.replace("pb.json", "pb2.json"))).unwrap();
    assert_eq!(v2["pseudonym"], nym.as_str());
    // The old credential (issuer-made secret) is refused where binding is required...
    let (code, _, err) = env.words(
        "present --params-store store --credential cred.json --request rb.json --out po.json",
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("holder-bound"), "{err}");
    // ...and still presents, marked not holder-bound, where it is not.
    env.present("req.json", "old");
    let (code, out, err) = env.verify("req.json", "--presentation", "old.json");
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("not holder-bound"), "{out}");
}
