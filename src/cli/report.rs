//! What the command line prints: verification results (text and JSON), requests, and the
//! `inspect` descriptions of every file kind.

use std::path::Path;

use healthpass::credential::json::b64_encode;
use healthpass::credential::{
    calendar, AttributeType, AttributeValue, Credential, CredentialType, IssuerInfo, IssuerKey,
};
use healthpass::presentation::{
    self, Presentation, PresentationRequest, TrustList, VerifiedPresentation, COMPACT_VERSION,
};
use healthpass::untrusted::{escape_json_output, Untrusted};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use super::files::{read_bytes_at_most, CliError, CliResult};
use super::output::outln;

/// The display name of a coded value (e.g. `Comirnaty` for `EU/1/20/1528`), if it has one.
pub fn display_name(t: CredentialType, name: &str, value: &AttributeValue) -> Option<&'static str> {
    match (t.schema().attribute(name)?.1.ty, value) {
        (AttributeType::Code(set), AttributeValue::Code(code)) => set.display(code),
        _ => None,
    }
}

/// A value for a person to read: escaped (it comes from a file), with its display name.
fn value_text(t: CredentialType, name: &str, v: &AttributeValue) -> String {
    let text = v.to_string();
    match display_name(t, name, v) {
        Some(d) => format!("{} ({})", Untrusted(&text), Untrusted(d)),
        None if text.is_empty() => "(empty: not applicable)".to_owned(),
        None => Untrusted(&text).to_string(),
    }
}

fn issuer_text(i: &IssuerInfo) -> String {
    let country = if i.country.is_empty() {
        String::new()
    } else {
        format!(", {}", Untrusted(&i.country))
    };
    format!(
        "{} ({}{country}, {})",
        Untrusted(&i.id),
        Untrusted(&i.name),
        i.suite
    )
}

/// Pretty JSON whose strings cannot carry terminal controls (escaped as `\uXXXX`, which
/// reads back as the same value).
pub fn json_for_terminal(v: &Value) -> String {
    escape_json_output(&serde_json::to_string_pretty(v).unwrap_or_default())
}

fn time(s: i64) -> String {
    calendar::format_rfc3339_seconds(s).unwrap_or_else(|| s.to_string())
}

/// Prints the summary of an accepted presentation.
pub fn print_verified(request: &PresentationRequest, v: &VerifiedPresentation) -> CliResult<()> {
    outln!(
        "ACCEPTED: the presentation answers the request of `{}`",
        Untrusted(&request.verifier)
    );
    for c in &v.credentials {
        let schema = c.credential_type.schema();
        outln!(
            "  {} credential (schema {} version {})",
            c.credential_type,
            schema.id,
            c.schema_version
        );
        outln!("    issuer     {}", issuer_text(&c.issuer));
        if c.disclosed.is_empty() {
            outln!("    disclosed  nothing");
        }
        for (name, value) in &c.disclosed {
            outln!(
                "    disclosed  {} = {}",
                Untrusted(name),
                value_text(c.credential_type, name, value)
            );
        }
        for p in &c.predicates {
            outln!(
                "    proven     {} (value not disclosed)",
                Untrusted(&p.describe())
            );
        }
        outln!(
            "    hidden     {} other attribute(s), the holder secret among them",
            schema.len() - c.disclosed.len()
        );
    }
    Ok(())
}

/// The disclosed attributes as JSON: `{NAME: {"value": V, "display": NAME_OR_NULL}}`.
pub fn disclosed_json(
    t: CredentialType,
    disclosed: &[(String, AttributeValue)],
) -> serde_json::Map<String, Value> {
    disclosed
        .iter()
        .map(|(n, value)| {
            let display = display_name(t, n, value);
            (
                n.clone(),
                json!({ "value": value.to_json(), "display": display }),
            )
        })
        .collect()
}

/// The JSON form of an accepted presentation's summary.
pub fn verified_json(request: &PresentationRequest, v: &VerifiedPresentation) -> String {
    let credentials: Vec<Value> = v
        .credentials
        .iter()
        .map(|c| {
            let disclosed = disclosed_json(c.credential_type, &c.disclosed);
            json!({
                "type": c.credential_type.name(),
                "schema": c.credential_type.schema().id,
                "schema_version": c.schema_version,
                "issuer": { "id": c.issuer.id, "name": c.issuer.name, "country": c.issuer.country },
                "disclosed": disclosed,
                "predicates": c.predicates.iter().map(|p| json!({
                    "predicate": p.to_string(),
                    "proven": p.describe(),
                })).collect::<Vec<_>>(),
                "hidden_count": c.credential_type.schema().len() - c.disclosed.len(),
            })
        })
        .collect();
    let v = json!({ "accepted": true, "verifier": request.verifier, "credentials": credentials });
    json_for_terminal(&v)
}

/// Prints what a request asks for.
pub fn print_request(r: &PresentationRequest) -> CliResult<()> {
    outln!("  verifier   {}", Untrusted(&r.verifier));
    outln!("  created    {}", time(r.created));
    outln!("  expires    {}", time(r.expires));
    outln!("  digest     {}", b64_encode(&r.digest()));
    for c in &r.credentials {
        outln!("  asks for a {} credential", c.credential_type);
        let list = |v: &[String]| {
            if v.is_empty() {
                "(none)".to_owned()
            } else {
                v.join(", ")
            }
        };
        outln!("    disclose   {}", Untrusted(&list(&c.disclose)));
        let issuers = if c.issuers.is_empty() {
            "any in the trust list".to_owned()
        } else {
            c.issuers.join(", ")
        };
        outln!("    issuers    {}", Untrusted(&issuers));
        for p in &c.predicates {
            outln!("    prove      {}", Untrusted(&p.to_string()));
            if let Some(params) = &p.params {
                outln!(
                    "               parameter set {} ({} digit(s))",
                    presentation::hex(&params.digest),
                    params.digits
                );
            }
        }
    }
    Ok(())
}

fn print_credential(c: &Credential) -> CliResult<()> {
    outln!(
        "credential: {} (schema {} version {})",
        c.credential_type(),
        c.schema().id,
        c.schema().version
    );
    outln!("  issuer     {}", issuer_text(c.issuer()));
    for (spec, v) in c.schema().attributes.iter().zip(c.values()) {
        let text = match v {
            AttributeValue::Secret(_) => "(secret, never disclosed)".to_owned(),
            v => value_text(c.credential_type(), spec.name, v),
        };
        outln!("  {:<20} {:<8} {text}", spec.name, spec.ty.name());
    }
    match c.verify() {
        Ok(()) => outln!("  signature  valid under the embedded issuer key"),
        Err(e) => outln!("  signature  INVALID: {e}"),
    }
    Ok(())
}

fn print_presentation(p: &Presentation) -> CliResult<()> {
    outln!(
        "presentation answering request digest {}",
        b64_encode(&p.request_digest)
    );
    for c in &p.credentials {
        outln!(
            "  {} credential (schema version {}) from `{}`",
            c.credential_type,
            c.schema_version,
            Untrusted(&c.issuer)
        );
        for (name, v) in &c.disclosed {
            outln!(
                "    disclosed  {} = {}",
                Untrusted(name),
                value_text(c.credential_type, name, v)
            );
        }
        outln!(
            "    proof      {} bytes; predicate proofs: {}",
            c.proof.len(),
            c.predicate_proofs.len()
        );
    }
    Ok(())
}

/// Describes the first credential of a compact presentation as far as it can be read
/// without the request (its type, schema version and issuer come before any value).
fn print_compact(bytes: &[u8]) -> CliResult<()> {
    let bad = || CliError::usage("the compact presentation is truncated or malformed");
    let digest = bytes.get(1..33).ok_or_else(bad)?;
    let count = *bytes.get(33).ok_or_else(bad)?;
    let t = bytes
        .get(34)
        .and_then(|c| CredentialType::from_code(*c))
        .ok_or_else(bad)?;
    let version = *bytes.get(35).ok_or_else(bad)?;
    let len = usize::from(*bytes.get(36).filter(|l| **l < 0x80).ok_or_else(bad)?);
    let issuer = bytes
        .get(37..37 + len)
        .and_then(|b| std::str::from_utf8(b).ok())
        .filter(|id| healthpass::credential::is_valid_issuer_id(id))
        .ok_or_else(bad)?;
    outln!(
        "compact presentation, version {}, {} bytes",
        bytes[0],
        bytes.len()
    );
    outln!("  answers request digest {}", b64_encode(digest));
    outln!("  {count} credential(s); the first: {t} (schema version {version}) from `{issuer}`");
    outln!("  the disclosed values' names come from the request: use `healthpass verify --request` to read them");
    Ok(())
}

/// `healthpass inspect FILE`: describes any healthpass file.
pub fn inspect(path: &Path) -> CliResult<()> {
    // Any kind of file, secret ones included: wiped when dropped.
    let bytes = Zeroizing::new(read_bytes_at_most(
        path,
        "file",
        presentation::qr::MAX_PNG_BYTES,
    )?);
    let in_file = |e: presentation::Error| CliError::presentation(path, e);
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let data =
            presentation::qr::read_png_within(&bytes, presentation::qr::DEFAULT_DECODE_LIMIT)
                .map_err(in_file)?;
        outln!("QR code image ({} bytes of data)", data.len());
        return print_compact(&data);
    }
    if bytes.first() == Some(&COMPACT_VERSION) {
        return print_compact(&bytes);
    }
    if bytes.get(1..1 + presentation::SET_TAG.len()) == Some(presentation::SET_TAG) {
        let set = presentation::set_from_bytes(&bytes).map_err(in_file)?;
        outln!(
            "parameter set {} ({} bytes)",
            presentation::hex(&presentation::set_digest(&set)),
            bytes.len()
        );
        match set.kind() {
            healthpass::zk::SetKind::Digits { base } => {
                outln!("  signs the digits 0..{} (base {base})", base - 1)
            }
            healthpass::zk::SetKind::Elements(e) => outln!("  signs {} set elements", e.len()),
        }
        outln!("  its signatures are checked by `healthpass params add FILE --store DIR`");
        return Ok(());
    }
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| CliError::usage(format!("{}: not a healthpass file", path.display())))?;
    let mut value: Value = healthpass::credential::json::parse("file", text).map_err(|e| {
        CliError::usage(format!(
            "{}: not a healthpass file (not JSON: {e})",
            path.display()
        ))
    })?;
    let format = value["format"].as_str().unwrap_or("").to_owned();
    // The parsed copy may hold a secret key or the holder secret.
    healthpass::credential::json::wipe_strings(&mut value);
    let from_cred = |e| CliError::credential(path, e);
    match format.as_str() {
        "healthpass-issuer-secret/1" => {
            let key = IssuerKey::from_secret_json(text).map_err(from_cred)?;
            outln!("issuer secret file: {}", issuer_text(key.info()));
            outln!(
                "  secret key present (not shown); may issue: {}",
                types(&key.info().schemas)
            );
        }
        "healthpass-issuer/1" => {
            let info = IssuerInfo::from_public_json(text).map_err(from_cred)?;
            outln!("issuer public file: {}", issuer_text(&info));
            outln!("  public key {}", b64_encode(&info.public_key.to_bytes()));
            outln!("  may issue: {}", types(&info.schemas));
        }
        "healthpass-credential/1" => {
            print_credential(&Credential::from_json(text).map_err(from_cred)?)?
        }
        "healthpass-trust-list/1" => {
            let list = TrustList::from_json(text).map_err(in_file)?;
            outln!("trust list with {} issuer(s)", list.issuers().len());
            for i in list.issuers() {
                outln!("  {} may issue: {}", issuer_text(i), types(&i.schemas));
            }
        }
        "healthpass-request/1" => {
            let request = PresentationRequest::from_json(text).map_err(in_file)?;
            outln!("request");
            print_request(&request)?;
        }
        "healthpass-presentation/1" => {
            print_presentation(&Presentation::from_json(text).map_err(in_file)?)?
        }
        other => {
            return Err(CliError::usage(format!(
                "{}: unknown format `{}` (not a healthpass file?)",
                path.display(),
                Untrusted(other)
            )))
        }
    }
    Ok(())
}

fn types(t: &[CredentialType]) -> String {
    t.iter().map(|t| t.name()).collect::<Vec<_>>().join(", ")
}
