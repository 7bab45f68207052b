//! `healthpass demo`: issuer, traveller and verifier end to end in a temporary directory,
//! through the same files and library calls as the other subcommands.

use std::path::{Path, PathBuf};
use std::time::Instant;

use healthpass::credential::{calendar, AttributeValue, CredentialType, IssuerKey, Suite};
use healthpass::presentation::{self, CredentialRequest, ParamStore, Predicate, TrustList};
use serde_json::json;

use super::commands::{save_issuer, write_presentation};
use super::files::{self, write_output, CliError, CliResult, Mode, PresentationSource};
use super::output::outln;
use super::report::display_name;
use super::DemoArgs;

/// What the verifier asks to see.
const DISCLOSE: [&str; 1] = ["vaccine_product"];

/// What the verifier asks to have proven without seeing the values (validity at the
/// request's time is proven without being asked for).
const PROVE: [&str; 2] = ["dose_number >= 2", "vaccination_date <= today-14d"];

struct Steps {
    start: Instant,
    rows: Vec<(String, f64)>,
}

impl Steps {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            rows: Vec::new(),
        }
    }

    /// Ends a step, printing its name and time.
    fn done(&mut self, what: &str) -> CliResult<()> {
        let ms = self.start.elapsed().as_secs_f64() * 1000.0;
        outln!("  [{ms:>8.1} ms] {what}");
        self.rows.push((what.to_owned(), ms));
        self.start = Instant::now();
        Ok(())
    }
}

fn sample_attributes(now: i64) -> serde_json::Value {
    let today = now.div_euclid(86_400);
    let date = |d| calendar::format_date(d).unwrap_or_default();
    let instant = |d: i64| calendar::format_instant(d * 1440).unwrap_or_default();
    json!({
        "family_name": "van der Berg",
        "given_name": "Maria Johanna",
        "birth_date": "1961-04-23",
        "country": "NL",
        "issuer_name": "Ministry of Health, Welfare and Sport",
        "certificate_id": "URN:UVCI:01:NL:DEMO42XJ9Q7#K",
        "valid_from": instant(today - 30),
        "valid_until": instant(today + 335),
        "disease": "840539006",
        "vaccine_type": "1119349007",
        "vaccine_product": "EU/1/20/1528",
        "manufacturer": "ORG-100030215",
        "dose_number": 2,
        "total_doses": 2,
        "vaccination_date": date(today - 30),
    })
}

fn work_dir(keep: Option<&Path>) -> CliResult<(PathBuf, bool)> {
    let (dir, temporary) = match keep {
        Some(d) => (d.to_path_buf(), false),
        None => {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let name = format!("healthpass-demo-{}-{nanos}", std::process::id());
            let dir = std::env::temp_dir().join(name);
            // Removed on SIGINT and SIGTERM too: it holds a secret key.
            files::register_temporary(&dir);
            (dir, true)
        }
    };
    std::fs::create_dir_all(&dir)
        .map_err(|e| CliError::usage(format!("cannot create {}: {e}", dir.display())))?;
    Ok((dir, temporary))
}

pub(super) fn run(a: DemoArgs) -> CliResult<()> {
    let (dir, temporary) = work_dir(a.keep.as_deref())?;
    let result = run_in(&dir, a.no_qr);
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
        files::forget_temporary(&dir);
    }
    result
}

fn run_in(dir: &Path, no_qr: bool) -> CliResult<()> {
    let mut rng = rand::rng();
    let now = files::now();
    let p = |name: &str| dir.join(name);
    outln!(
        "healthpass demo: issuer -> traveller -> verifier, files in {}\n",
        dir.display()
    );
    let mut steps = Steps::new();

    outln!("1. The issuer creates its BBS key pair (BLS12-381, SHA-256 suite).");
    let key = IssuerKey::generate(
        "nl-vws",
        "Ministry of Health, Welfare and Sport",
        "NL",
        Suite::Sha256,
        &CredentialType::ALL,
        &mut rng,
    )
    .map_err(CliError::usage)?;
    save_issuer(
        &key,
        &p("nl-vws.secret.json"),
        &p("nl-vws.public.json"),
        Mode::Secret { force: true },
    )?;
    steps.done("issuer init: nl-vws.secret.json (0600), nl-vws.public.json")?;

    outln!("2. The verifier adds the issuer's public key to its trust list.");
    let mut trust = TrustList::default();
    trust
        .add(files::load_issuer_public(&p("nl-vws.public.json"))?, false)
        .map_err(CliError::usage)?;
    write_output(&p("trust.json"), trust.to_json().as_bytes(), Mode::Public)?;
    steps.done("trust add: trust.json")?;

    outln!("3. The issuer signs a vaccination credential: 16 attributes, one BBS signature,");
    outln!(
        "   and its presentation profile: the 10 attributes typical policies read, a second one."
    );
    let credential = key
        .issue(
            CredentialType::Vaccination,
            &sample_attributes(now),
            &mut rng,
        )
        .map_err(CliError::usage)?;
    write_output(
        &p("credential.json"),
        credential.to_json().as_bytes(),
        Mode::Secret { force: true },
    )?;
    steps.done("issue: credential.json (0600) for the traveller")?;

    outln!("4. At the border, the verifier makes a fresh request (valid 10 minutes): disclose");
    outln!(
        "   the vaccine product; prove {} without disclosing them.",
        PROVE.join(", ")
    );
    let schema = CredentialType::Vaccination.schema();
    let predicates = PROVE
        .iter()
        .map(|text| Predicate::parse(schema, text, now))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::usage)?;
    let asked = CredentialRequest::new(CredentialType::Vaccination, &DISCLOSE, &[], predicates)
        .map_err(CliError::usage)?;
    // The verifier's parameter store: its digit sets are made once (the validity and date
    // statements share one of 2^16 digits) and named by digest in every request.
    let store = ParamStore::open(p("params")).map_err(CliError::usage)?;
    let request = store
        .request(
            "border-control-demo",
            vec![asked.into()],
            now,
            presentation::DEFAULT_VALIDITY_SECONDS,
            &mut rng,
        )
        .map_err(CliError::usage)?;
    write_output(
        &p("request.json"),
        request.to_json().as_bytes(),
        Mode::Public,
    )?;
    steps.done(
        "request: request.json (fresh parameter keys signed the digits, then were discarded)",
    )?;

    outln!("5. The traveller answers with a zero-knowledge presentation (fresh randomness).");
    let credential = files::load_credential(&p("credential.json"))?;
    let answer = presentation::present(&request, std::slice::from_ref(&credential), now, &mut rng)
        .map_err(CliError::rejected)?;
    steps.done("present: checked the parameters; one BBS proof disclosing 1 of 16 attributes and 3 predicate proofs, one challenge")?;
    let written = write_presentation(
        &answer,
        Some(&p("presentation.json")),
        Some(&p("presentation.bin")),
        Some(&p("presentation.png")),
        false,
    )?;
    steps.done("encode and write: presentation.json, presentation.bin, presentation.png (QR)")?;

    outln!("6. The verifier scans the QR code and verifies it.");
    let scanned =
        files::load_presentation(PresentationSource::Qr(&p("presentation.png")), &request)?;
    steps.done("scan: QR decoded from presentation.png")?;
    let verified = presentation::verify(&request, &scanned, &trust, files::now())
        .map_err(CliError::rejected)?;
    steps.done(
        "verify: request, trust list, schema, disclosures, BBS and predicate proofs: accepted",
    )?;

    outln!("\nWhat the verifier learned:");
    for (name, value) in &verified.credentials[0].disclosed {
        let shown = match display_name(CredentialType::Vaccination, name, value) {
            Some(d) => format!("{value} ({d})"),
            None => value.to_string(),
        };
        outln!("  {name:<18} {shown}");
    }
    outln!("What was proven about hidden attributes (values not disclosed):");
    outln!(
        "  valid at {} (valid_from <= it <= valid_until; proven without being asked)",
        healthpass::credential::calendar::format_rfc3339_seconds(verified.credentials[0].valid_at)
            .unwrap_or_default()
    );
    for p in &verified.credentials[0].predicates {
        outln!("  {}", p.describe());
    }
    outln!("What stayed hidden:");
    let json_text = answer.to_json();
    let compact = answer.to_compact().map_err(CliError::usage)?;
    for (spec, value) in schema.attributes.iter().zip(credential.values()) {
        if DISCLOSE.contains(&spec.name) {
            continue;
        }
        let note = match value {
            AttributeValue::Secret(_) => "never disclosed".to_owned(),
            v => {
                let text = v.to_string();
                // Two-letter values turn up by chance in 1,400 bytes of base64; say so.
                if text.len() < 4 {
                    format!("\"{text}\" hidden (too short to search the presentation for)")
                } else if contains(json_text.as_bytes(), text.as_bytes())
                    || contains(&compact, text.as_bytes())
                {
                    format!("\"{text}\" APPEARS in the presentation")
                } else {
                    format!("\"{text}\" appears in no presentation byte")
                }
            }
        };
        outln!("  {:<18} {note}", spec.name);
    }

    let q = written
        .qr
        .as_ref()
        .ok_or_else(|| CliError::usage("the demo's QR code was not made"))?;
    outln!("\nSizes:");
    outln!("  presentation JSON    {:>5} bytes", written.json_len);
    outln!(
        "  compact encoding     {:>5} bytes (BBS proof {} bytes for {} hidden attributes{}; formula proof {} bytes)",
        written.compact_len,
        answer.credentials[0].proof.len(),
        (answer.credentials[0].proof.len() - 272) / 32,
        if answer.credentials[0].profile {
            " of the presentation profile, which the issuer also signed"
        } else {
            ""
        },
        answer.credentials[0].formula_proof.len()
    );
    outln!(
        "  QR code              version {}, level {}, {}x{} modules",
        q.version(),
        q.level(),
        q.width(),
        q.width()
    );
    let total: f64 = steps.rows.iter().map(|r| r.1).sum();
    outln!("  total time           {total:.1} ms");
    if !no_qr {
        let (cols, rows) = q.terminal_size();
        outln!("\nThe presentation as a QR code (needs a terminal of {cols} columns and {rows} rows; presentation.png is the same code):\n");
        super::commands::show_qr(q)?;
    }
    outln!("\nRun it yourself: healthpass issuer init / trust add / issue / request / present / verify (see README).");
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
