//! What the command line prints: verification results (text and JSON), requests, and the
//! `inspect` descriptions of every file kind.

use std::path::Path;

use healthpass::credential::holder::{self, CommitmentSecrets};
use healthpass::credential::json::b64_encode;
use healthpass::credential::{
    calendar, AttributeType, AttributeValue, Credential, CredentialType, Holder, HolderCommitment,
    IssuerInfo, IssuerKey,
};
use healthpass::presentation::{
    self, Presentation, PresentationRequest, TrustList, VerifiedCredential, VerifiedPresentation,
    COMPACT_DIGEST_BYTES, COMPACT_VERSION, PRESENTATION_FORMAT, REQUEST_FORMAT,
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
    let kid = match &i.kid {
        Some(k) => format!(" key `{}`", Untrusted(k)),
        None => String::new(),
    };
    format!(
        "{}{kid} ({}{country}, {})",
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

/// Whether the validity's values are disclosed (listed below the validity line) or not.
fn validity_disclosure(disclosed: &[(String, healthpass::credential::AttributeValue)]) -> String {
    let shown: Vec<&str> = ["valid_from", "valid_until"]
        .into_iter()
        .filter(|n| disclosed.iter().any(|(d, _)| d == n))
        .collect();
    match shown.as_slice() {
        [] => "values not disclosed".to_owned(),
        [one] => format!("{one} disclosed below, the other value not"),
        _ => "both values disclosed below".to_owned(),
    }
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
        outln!(
            "    valid at   {} (proven: valid_from <= {} <= valid_until, {})",
            time(c.valid_at),
            time(c.valid_at),
            validity_disclosure(&c.disclosed)
        );
        if let Some(b) = &c.branch {
            outln!("    branch     {b} (the policy reveals branches)");
        }
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
        // The first entry is the validity, printed above.
        for s in c.proven.iter().skip(1) {
            outln!("    proven     {}", Untrusted(s));
        }
        outln!(
            "    hidden     {} other attribute(s), the holder secret among them",
            schema.len() - c.disclosed.len()
        );
        if c.holder_bound {
            outln!("    holder     bound: presented with the holder's secret (the credential file alone cannot present it)");
        } else {
            outln!("    holder     not holder-bound (its issuer generated the holder secret)");
        }
        if let Some(p) = &c.pseudonym {
            outln!("    pseudonym  {}", b64_encode(&p.to_bytes()));
        }
    }
    let bound = v.credentials.iter().filter(|c| c.holder_bound).count();
    if bound > 1 {
        outln!("  same holder: the {bound} holder-bound credentials carry one holder secret (proven in zero knowledge)");
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

/// One credential's `type`, `disclosed`, `proven`, `holder_bound`, `branch` and
/// `pseudonym`.
type Verdict = (Value, Value, Value, Value, Option<Value>, Option<Value>);

/// The JSON form of an accepted presentation's summary: `accepted`, `type`, `disclosed`
/// (name to `{value, display}`), `proven` (the statements that hold, as written),
/// `valid_at`, `holder_bound` (whether the credential was presented with its holder's
/// secret), `branch` when the policy reveals branches, `pseudonym` (base64url) when the
/// policy asks for one. A request for several credentials gives `type`, `disclosed`,
/// `proven`, `holder_bound`, `branch` and `pseudonym` as lists, one entry per credential in
/// the request's order.
pub fn verified_json(v: &VerifiedPresentation) -> String {
    let per_credential = |c: &VerifiedCredential| {
        let disclosed = disclosed_json(c.credential_type, &c.disclosed);
        let proven = &c.proven;
        let branch = c.branch.as_ref().map(|b| {
            std::iter::once(b.alternative)
                .chain(b.choices.iter().copied())
                .collect::<Vec<_>>()
        });
        (
            Value::from(c.credential_type.name()),
            Value::Object(disclosed),
            json!(proven),
            Value::from(c.holder_bound),
            branch.map(|b| json!(b)),
            c.pseudonym.map(|p| Value::from(b64_encode(&p.to_bytes()))),
        )
    };
    let parts: Vec<_> = v.credentials.iter().map(per_credential).collect();
    let pick = |f: fn(&Verdict) -> Value| -> Value {
        match parts.as_slice() {
            [one] => f(one),
            many => Value::Array(many.iter().map(f).collect()),
        }
    };
    let mut o = serde_json::Map::new();
    o.insert("accepted".into(), Value::from(true));
    o.insert("type".into(), pick(|p| p.0.clone()));
    o.insert("disclosed".into(), pick(|p| p.1.clone()));
    o.insert("proven".into(), pick(|p| p.2.clone()));
    let valid_at = v.credentials.first().map_or(0, |c| c.valid_at);
    o.insert("valid_at".into(), Value::from(time(valid_at)));
    o.insert("holder_bound".into(), pick(|p| p.3.clone()));
    if parts.iter().any(|p| p.4.is_some()) {
        o.insert(
            "branch".into(),
            pick(|p| p.4.clone().unwrap_or(Value::Null)),
        );
    }
    if parts.iter().any(|p| p.5.is_some()) {
        o.insert(
            "pseudonym".into(),
            pick(|p| p.5.clone().unwrap_or(Value::Null)),
        );
    }
    json_for_terminal(&Value::Object(o))
}

/// Prints what a request asks for.
pub fn print_request(r: &PresentationRequest) -> CliResult<()> {
    outln!("  verifier   {}", Untrusted(&r.verifier));
    outln!("  created    {}", time(r.created));
    outln!("  expires    {}", time(r.expires));
    outln!("  digest     {}", b64_encode(&r.digest()));
    outln!(
        "  validity   every credential is proven valid at {} (valid_from <= it <= valid_until)",
        time(r.created)
    );
    let list = |v: &[String]| {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.join(", ")
        }
    };
    for policy in &r.policies {
        let branch = if policy.reveal_branch {
            "; the presentation names the branch it satisfies"
        } else {
            ""
        };
        outln!(
            "  asks for a credential satisfying policy `{}` ({} alternative(s){branch})",
            Untrusted(&policy.name),
            policy.alternatives.len()
        );
        for (i, a) in policy.alternatives.iter().enumerate() {
            outln!("    {}. a {} credential", i + 1, a.credential_type);
            outln!("       disclose   {}", Untrusted(&list(&a.disclose)));
            let issuers = if a.issuers.is_empty() {
                "any in the trust list".to_owned()
            } else {
                a.issuers.join(", ")
            };
            outln!("       issuers    {}", Untrusted(&issuers));
            for s in a.describe() {
                outln!("       prove      {}", Untrusted(&s));
            }
        }
    }
    // The parameter sets the request names (a holder fetches those it lacks).
    let mut digests: Vec<[u8; 32]> = Vec::new();
    for params in r.params() {
        if !digests.contains(&params.digest) {
            digests.push(params.digest);
        }
    }
    for digest in digests {
        outln!("  parameter set {}", presentation::hex(&digest));
    }
    Ok(())
}

/// Prints what a presentation will show the verifier, before it is written.
pub fn print_presentation_plan(request: &PresentationRequest, p: &Presentation) -> CliResult<()> {
    for (policy, c) in request.policies.iter().zip(&p.credentials) {
        outln!(
            "presenting a {} credential from `{}` for policy `{}`:",
            c.credential_type,
            Untrusted(&c.issuer),
            Untrusted(&policy.name)
        );
        if c.disclosed.is_empty() {
            outln!("  disclose   nothing");
        }
        for (name, v) in &c.disclosed {
            outln!(
                "  disclose   {} = {}",
                Untrusted(name),
                value_text(c.credential_type, name, v)
            );
        }
        // The same list the verifier prints: the validity, then the statements (an
        // `any_of` whose branch stays hidden as such).
        let proven = presentation::describe_proven(request, policy, c)
            .map_err(|e| CliError::usage(e.to_string()))?;
        for s in proven {
            outln!("  prove      {}", Untrusted(&s));
        }
        if let Some(b) = &c.branch {
            outln!("  reveal     the branch: {b} (the policy asks for it)");
        }
        if let Some(h) = &c.holder {
            outln!("  holder     bound: proven with your holder secret (never disclosed)");
            if let (Some(context), Some(nym)) = (&policy.pseudonym, &h.pseudonym) {
                outln!(
                    "  pseudonym  {} for verifier `{}` in context `{}` (the same each time this credential answers this verifier in this context)",
                    b64_encode(&nym.to_bytes()),
                    Untrusted(&request.verifier),
                    Untrusted(context)
                );
            }
        }
    }
    let bound = p.credentials.iter().filter(|c| c.holder.is_some()).count();
    if bound > 1 {
        outln!("proving that the {bound} holder-bound credentials have one holder (you)");
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
    if let Some(b) = c.binding() {
        outln!(
            "  holder     bound to the holder of commitment {} (its holder secret is not in this file)",
            presentation::hex(&b.commitment)
        );
    }
    match c.verify() {
        Ok(()) => outln!("  signature  valid under the embedded issuer key"),
        Err(healthpass::credential::Error::NeedsHolder) => {
            outln!("  signature  not checked: it needs the holder's secrets (`holder accept`)")
        }
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
        if let Some(kid) = &c.kid {
            outln!("    key        `{}`", Untrusted(kid));
        }
        if let Some(b) = &c.branch {
            outln!("    branch     {b}");
        }
        for (name, v) in &c.disclosed {
            outln!(
                "    disclosed  {} = {}",
                Untrusted(name),
                value_text(c.credential_type, name, v)
            );
        }
        outln!(
            "    proof      {} bytes; formula proof {} bytes",
            c.proof.len(),
            c.formula_proof.len()
        );
    }
    Ok(())
}

/// Describes the first credential of a compact presentation as far as it can be read
/// without the request (its type, schema version and issuer come before any value).
fn print_compact(bytes: &[u8]) -> CliResult<()> {
    let bad = || CliError::usage("the compact presentation is truncated or malformed");
    // version, the digest's first bytes, count, type, schema version, issuer length.
    let at = 1 + COMPACT_DIGEST_BYTES;
    let digest = bytes.get(1..at).ok_or_else(bad)?;
    let count = *bytes.get(at).ok_or_else(bad)?;
    let t = bytes
        .get(at + 1)
        .and_then(|c| CredentialType::from_code(*c))
        .ok_or_else(bad)?;
    let version_byte = *bytes.get(at + 2).ok_or_else(bad)?;
    let (version, profile) = (version_byte & 0x7f, version_byte & 0x80 != 0);
    let len = usize::from(*bytes.get(at + 3).filter(|l| **l < 0x80).ok_or_else(bad)?);
    let issuer = bytes
        .get(at + 4..at + 4 + len)
        .and_then(|b| std::str::from_utf8(b).ok())
        .filter(|id| healthpass::credential::is_valid_issuer_id(id))
        .ok_or_else(bad)?;
    outln!(
        "compact presentation, version {}, {} bytes",
        bytes[0],
        bytes.len()
    );
    outln!(
        "  answers the request whose digest starts {}",
        b64_encode(digest)
    );
    let profile = if profile {
        ", its presentation profile"
    } else {
        ""
    };
    outln!("  {count} credential(s); the first: {t} (schema version {version}{profile}) from `{issuer}`");
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
    if PresentationRequest::is_compact(&bytes) {
        let request = PresentationRequest::from_compact(&bytes).map_err(in_file)?;
        outln!("compact request ({} bytes)", bytes.len());
        return print_request(&request);
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
            outln!("trust list with {} issuer key(s)", list.issuers().len());
            for i in list.issuers() {
                outln!("  {} may issue: {}", issuer_text(i), types(&i.schemas));
            }
        }
        REQUEST_FORMAT => {
            let request = PresentationRequest::from_json(text).map_err(in_file)?;
            outln!("request");
            print_request(&request)?;
        }
        PRESENTATION_FORMAT => {
            print_presentation(&Presentation::from_json(text).map_err(in_file)?)?
        }
        holder::HOLDER_FORMAT => {
            Holder::from_json(text).map_err(from_cred)?;
            outln!("holder secret file: the holder secret is present (not shown); keep it on this device (mode 0600)");
        }
        holder::COMMITMENT_FORMAT => {
            HolderCommitment::from_json(text).map_err(from_cred)?;
            outln!("holder commitment (public: it hides the holder secret); give it to an issuer with `issue --commitment`, once");
        }
        holder::COMMITMENT_SECRETS_FORMAT => {
            let s = CommitmentSecrets::from_json(text).map_err(from_cred)?;
            outln!(
                "secrets of the holder's commitment {} ({}): the blind and the nym (not shown)",
                presentation::hex(s.digest()),
                s.suite()
            );
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
