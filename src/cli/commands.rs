//! The subcommands that read and write files: issuer keys, trust lists, credentials,
//! requests, presentations and their verification.

use std::fs;
use std::path::Path;

use healthpass::credential::{dcc, CredentialType, IssuerKey, Suite};
use healthpass::presentation::{
    self, hex, qr::Qr, CredentialRequest, ParamStore, ParameterSet, Policy, Predicate,
    Presentation, PresentationRequest, TrustList,
};
use healthpass::untrusted::Untrusted;
use zeroize::Zeroize;

use super::files::{
    self, check_overwrite, write_output, CliError, CliResult, Mode, PresentationSource,
};
use super::output::{out, outln};
use super::report;
use super::{
    IssueArgs, IssuerInitArgs, ParamsAddArgs, ParamsStoreArgs, PresentArgs, RequestArgs,
    TrustAddArgs, TrustRemoveArgs, VerifyArgs,
};

fn credential_type(name: &str) -> CliResult<CredentialType> {
    name.parse().map_err(CliError::usage)
}

pub(super) fn issuer_init(a: IssuerInitArgs) -> CliResult<()> {
    let suite: Suite = a.ciphersuite.parse().map_err(CliError::usage)?;
    let schemas = a
        .schemas
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| credential_type(s))
        .collect::<CliResult<Vec<_>>>()?;
    let name = a.name.as_deref().unwrap_or(&a.id);
    let key = IssuerKey::generate(&a.id, name, &a.country, suite, &schemas, &mut rand::rng())
        .and_then(|k| k.with_kid(a.kid.as_deref()))
        .map_err(CliError::usage)?;
    let stem = match &a.kid {
        Some(kid) => format!("{}.{kid}", a.id),
        None => a.id.clone(),
    };
    let secret_path = a.out_dir.join(format!("{stem}.secret.json"));
    let public_path = a.out_dir.join(format!("{stem}.public.json"));
    let mode = Mode::Secret { force: a.force };
    check_overwrite(&secret_path, mode)?;
    fs::create_dir_all(&a.out_dir).map_err(|e| {
        CliError::usage(format!(
            "cannot create directory {}: {e}",
            a.out_dir.display()
        ))
    })?;
    save_issuer(&key, &secret_path, &public_path, mode)?;
    match &a.kid {
        Some(kid) => outln!("created issuer `{}` key `{kid}` ({suite})", a.id),
        None => outln!("created issuer `{}` ({suite})", a.id),
    }
    outln!(
        "  secret key  {} (mode 0600: keep it on the issuing system)",
        secret_path.display()
    );
    outln!(
        "  public key  {} (give it to verifiers: healthpass trust add)",
        public_path.display()
    );
    Ok(())
}

/// Writes an issuer's secret file (0600) and public file.
pub(super) fn save_issuer(
    key: &IssuerKey,
    secret: &Path,
    public: &Path,
    mode: Mode,
) -> CliResult<()> {
    let mut text = key.to_secret_json();
    let written = write_output(secret, text.as_bytes(), mode);
    text.zeroize();
    written?;
    write_output(public, key.info().to_public_json().as_bytes(), Mode::Public)
}

pub(super) fn trust_add(a: TrustAddArgs) -> CliResult<()> {
    let issuer = files::load_issuer_public(&a.public)?;
    let mut list = if a.trust_list.exists() {
        files::load_trust_list(&a.trust_list)?
    } else {
        TrustList::default()
    };
    let id = issuer.id.clone();
    let key = key_text(issuer.kid.as_deref());
    let changed = list.add(issuer, a.replace).map_err(|e| {
        CliError::usage(format!(
            "{}: {e}; pass --replace to replace it",
            a.trust_list.display()
        ))
    })?;
    if changed {
        write_output(&a.trust_list, list.to_json().as_bytes(), Mode::Public)?;
        outln!(
            "trusted issuer `{id}`{key} in {} ({} key(s))",
            a.trust_list.display(),
            list.issuers().len()
        );
    } else {
        outln!(
            "issuer `{id}`{key} is already in {} unchanged",
            a.trust_list.display()
        );
    }
    Ok(())
}

/// ` key `KID``, or nothing for a key without a key identifier.
fn key_text(kid: Option<&str>) -> String {
    kid.map(|k| format!(" key `{}`", Untrusted(k)))
        .unwrap_or_default()
}

pub(super) fn trust_remove(a: TrustRemoveArgs) -> CliResult<()> {
    let mut list = files::load_trust_list(&a.trust_list)?;
    let key = key_text(a.kid.as_deref());
    if !list.remove(&a.id, a.kid.as_deref()) {
        return Err(CliError::usage(format!(
            "{}: issuer `{}`{key} is not in the trust list",
            a.trust_list.display(),
            Untrusted(&a.id)
        )));
    }
    write_output(&a.trust_list, list.to_json().as_bytes(), Mode::Public)?;
    outln!(
        "removed issuer `{}`{key} from {} ({} key(s) left)",
        Untrusted(&a.id),
        a.trust_list.display(),
        list.issuers().len()
    );
    Ok(())
}

pub(super) fn issue(a: IssueArgs) -> CliResult<()> {
    let at = files::clock(a.at.as_deref())?;
    let mut key = files::load_issuer_key(&a.issuer)?;
    key.set_allow_unlisted_codes(a.allow_unlisted_codes);
    check_overwrite(&a.out, Mode::Secret { force: a.force })?;
    let commitment = a
        .commitment
        .as_deref()
        .map(|c| super::holder::load_commitment(c, &a.issuer, &key))
        .transpose()?;
    let commitment = commitment.as_ref();
    let credential = match (&a.credential_type, &a.attributes, &a.dcc) {
        (Some(t), Some(path), None) => {
            let credential_type = credential_type(t)?;
            let text = files::read_text(path, "attributes file")?;
            let attributes: serde_json::Value =
                healthpass::credential::json::parse("attributes file", &text)
                    .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
            key.issue_with(
                credential_type.schema(),
                &attributes,
                commitment,
                at,
                &mut rand::rng(),
            )
            .map_err(|e| issue_error(path, a.commitment.as_deref(), e))?
        }
        (None, None, Some(path)) => {
            let text = files::read_text(path, "DCC payload")?;
            let validity = dcc::Validity {
                from: a
                    .valid_from
                    .as_deref()
                    .map(|t| files::calendar_seconds(t, "--valid-from"))
                    .transpose()?,
                until: a
                    .valid_until
                    .as_deref()
                    .map(|t| files::calendar_seconds(t, "--valid-until"))
                    .transpose()?,
            };
            key.issue_dcc_with(&text, validity, commitment, at, &mut rand::rng())
                .map_err(|e| issue_error(path, a.commitment.as_deref(), e))?
        }
        _ => {
            return Err(CliError::usage(
                "give --type TYPE --attributes ATTRS.json, or --dcc PAYLOAD.json",
            ))
        }
    };
    let credential_type = credential.credential_type();
    super::holder::record_commitment(&credential, &a.issuer, &key)?;
    let mut json = credential.to_json();
    let written = write_output(&a.out, json.as_bytes(), Mode::Secret { force: a.force });
    json.zeroize();
    written?;
    if credential.binding().is_some() {
        outln!(
            "issued a holder-bound {credential_type} credential by `{}` to {} (mode 0600: it holds personal data; the holder checks it with `holder accept`)",
            key.info().id,
            files::shown(&a.out)
        );
    } else {
        outln!(
            "issued a {credential_type} credential by `{}` to {} (mode 0600: it holds personal data and the holder secret)",
            key.info().id,
            files::shown(&a.out)
        );
    }
    Ok(())
}

/// An issuance error: a commitment whose proof does not verify is named as such.
fn issue_error(
    path: &Path,
    commitment: Option<&Path>,
    e: healthpass::credential::Error,
) -> CliError {
    match (commitment, &e) {
        (
            Some(c),
            healthpass::credential::Error::Bbs(healthpass::bbs::Error::VerificationFailed),
        ) => CliError::rejected(format!(
            "{}: the commitment's proof does not verify; not signed",
            c.display()
        )),
        _ => CliError::usage(format!("{}: {e}", path.display())),
    }
}

/// Opens a parameter store folder.
pub(super) fn open_store(dir: &Path) -> CliResult<ParamStore> {
    ParamStore::open(dir).map_err(CliError::usage)
}

/// The parameter store to use: `--params-store DIR` when given, otherwise
/// `$HEALTHPASS_PARAMS_STORE`, otherwise `$XDG_DATA_HOME/healthpass/params` (by default
/// `~/.local/share/healthpass/params`): the user's own store, which keeps the sets this
/// user's requests named or this user checked (content-addressed, so one store serves a
/// verifier and a holder alike).
pub(super) fn store_dir(given: Option<&Path>) -> CliResult<std::path::PathBuf> {
    if let Some(dir) = given {
        return Ok(dir.to_owned());
    }
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty());
    if let Some(dir) = var("HEALTHPASS_PARAMS_STORE") {
        return Ok(dir.into());
    }
    let data = var("XDG_DATA_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| var("HOME").map(|h| Path::new(&h).join(".local/share")))
        .ok_or_else(|| {
            CliError::usage(
                "no parameter store: give --params-store DIR (or set HEALTHPASS_PARAMS_STORE or HOME)",
            )
        })?;
    Ok(data.join("healthpass").join("params"))
}

/// A set's kind in words.
fn describe_kind(kind: &healthpass::zk::SetKind) -> String {
    match kind {
        healthpass::zk::SetKind::Digits { base } => format!("digits 0..{} (base {base})", base - 1),
        healthpass::zk::SetKind::Elements(e) => format!("{} set elements", e.len()),
    }
}

pub(super) fn params_new(a: ParamsStoreArgs) -> CliResult<()> {
    let store = open_store(&a.store)?;
    let set = ParameterSet::generate(&mut rand::rng()).map_err(CliError::usage)?;
    for (ty, p) in &set.sets {
        let set = p.set().map_err(CliError::usage)?;
        store.put(set).map_err(CliError::usage)?;
        store.mark_checked(&p.digest).map_err(CliError::usage)?;
        outln!(
            "{}  {} ranges: {}",
            hex(&p.digest),
            ty.name(),
            describe_kind(set.kind())
        );
    }
    // The validity statements' digit set, which every request names.
    let validity = store.validity(&mut rand::rng()).map_err(CliError::usage)?;
    store
        .mark_checked(&validity.digest)
        .map_err(CliError::usage)?;
    outln!(
        "{}  validity: {}",
        hex(&validity.digest),
        describe_kind(validity.set().map_err(CliError::usage)?.kind())
    );
    outln!(
        "made {} parameter sets in {} (the signing keys were discarded)",
        set.sets.len() + 1,
        a.store.display()
    );
    Ok(())
}

pub(super) fn params_add(a: ParamsAddArgs) -> CliResult<()> {
    let store = open_store(&a.store)?;
    let bytes = files::read_bytes_at_most(&a.file, "parameter set", presentation::MAX_SET_BYTES)?;
    let set =
        presentation::set_from_bytes(&bytes).map_err(|e| CliError::presentation(&a.file, e))?;
    set.check(&mut rand::rng()).map_err(|_| {
        CliError::rejected(format!(
            "{}: the set's signatures do not verify; not added",
            a.file.display()
        ))
    })?;
    let digest = store.put(&set).map_err(CliError::usage)?;
    store.mark_checked(&digest).map_err(CliError::usage)?;
    outln!(
        "{}  {} (checked), added to {}",
        hex(&digest),
        describe_kind(set.kind()),
        a.store.display()
    );
    Ok(())
}

pub(super) fn params_list(a: ParamsStoreArgs) -> CliResult<()> {
    let store = open_store(&a.store)?;
    let sets = store.list().map_err(CliError::usage)?;
    for s in &sets {
        outln!(
            "{}  {}{}",
            hex(&s.digest),
            describe_kind(&s.kind),
            if s.checked { ", checked" } else { "" }
        );
    }
    outln!("{} set(s) in {}", sets.len(), a.store.display());
    Ok(())
}

/// Attaches the sets a request names: the verifier's from its store, the holder's from its
/// store (checked once) or fetched from the verifier's. Every request names at least the
/// validity statements' set.
pub(super) fn resolve_params(
    request: &mut PresentationRequest,
    store: Option<&Path>,
    from: Option<&Path>,
    holder: bool,
    request_path: &Path,
) -> CliResult<()> {
    let store = open_store(&store_dir(store)?)?;
    let resolved = if holder {
        let from = from.map(open_store).transpose()?;
        store.resolve_checked(request, from.as_ref(), &mut rand::rng())
    } else {
        store.resolve(request)
    };
    resolved.map_err(|e| CliError::presentation(request_path, e))
}

/// Splits an optional `TYPE:` prefix off a `--disclose` name or `--prove` statement: the
/// types it applies to (all of `types` without a prefix) and the rest.
fn for_types<'a>(
    item: &'a str,
    types: &[CredentialType],
) -> CliResult<(Vec<CredentialType>, &'a str)> {
    match item.split_once(':') {
        Some((t, rest)) if t.trim().parse::<CredentialType>().is_ok() => {
            let t = credential_type(t.trim())?;
            if !types.contains(&t) {
                return Err(CliError::usage(format!(
                    "`{}` names a type the request does not ask for (give --type {t})",
                    Untrusted(item)
                )));
            }
            Ok((vec![t], rest.trim()))
        }
        _ => Ok((types.to_vec(), item.trim())),
    }
}

pub(super) fn request(a: RequestArgs) -> CliResult<()> {
    let now = files::clock(a.at.as_deref())?;
    let mut rng = rand::rng();
    let store = open_store(&store_dir(a.params_store.as_deref())?)?;
    let policies: Vec<Policy> = match a.policy.as_slice() {
        [_, ..] => a
            .policy
            .iter()
            .map(|path| {
                let text = files::read_text(path, "policy file")?;
                Policy::from_policy_json(&text, now)
                    .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))
            })
            .collect::<CliResult<_>>()?,
        [] if !a.rules.is_empty() => {
            let compiled = super::rules::compile_input(
                &a.rules,
                a.valuesets.as_deref(),
                now,
                a.disclose_as_needed,
            )?;
            vec![compiled.to_policy(now).map_err(CliError::usage)?]
        }
        [] => {
            let types = a
                .credential_types
                .iter()
                .map(|t| credential_type(t))
                .collect::<CliResult<Vec<_>>>()?;
            if types.is_empty() {
                return Err(CliError::usage("give --policy POLICY.json, or --type TYPE"));
            }
            let mut asked: Vec<(CredentialType, Vec<String>, Vec<Predicate>)> =
                types.iter().map(|&t| (t, vec![], vec![])).collect();
            for item in a.disclose.iter().filter(|s| !s.trim().is_empty()) {
                let (ts, name) = for_types(item, &types)?;
                for t in ts {
                    asked
                        .iter_mut()
                        .filter(|x| x.0 == t)
                        .for_each(|x| x.1.push(name.to_owned()));
                }
            }
            for item in &a.predicates {
                let (ts, text) = for_types(item, &types)?;
                for t in ts {
                    let p = Predicate::parse(t.schema(), text, now).map_err(CliError::usage)?;
                    asked
                        .iter_mut()
                        .filter(|x| x.0 == t)
                        .for_each(|x| x.2.push(p.clone()));
                }
            }
            let issuers: Vec<&str> = a.issuers.iter().map(String::as_str).collect();
            asked
                .into_iter()
                .map(|(t, disclose, predicates)| {
                    let disclose: Vec<&str> = disclose.iter().map(String::as_str).collect();
                    CredentialRequest::new(t, &disclose, &issuers, predicates).map(Policy::from)
                })
                .collect::<Result<_, _>>()
                .map_err(CliError::usage)?
        }
    };
    let policies: Vec<Policy> = policies
        .into_iter()
        .map(|mut p| {
            p.holder_bound |= a.require_bound;
            if let Some(c) = &a.pseudonym {
                p.pseudonym = Some(c.clone());
            }
            p
        })
        .collect();
    let mut request = store
        .request(
            &a.verifier,
            policies,
            now,
            i64::from(a.valid_for) * 60,
            &mut rng,
        )
        .map_err(CliError::usage)?;
    if a.validity_in_minutes {
        request.validity = store
            .validity_in_minutes(&mut rng)
            .map_err(CliError::usage)?;
        request.check().map_err(CliError::usage)?;
    }
    let written = write_forms(
        &request.to_json(),
        &request.to_compact(),
        a.out.as_deref(),
        a.compact.as_deref(),
        a.qr.as_deref(),
        false,
    )?;
    let what: Vec<String> = request
        .policies
        .iter()
        .map(|p| format!("`{}`", Untrusted(&p.name)))
        .collect();
    outln!(
        "made a request for a credential satisfying {}",
        what.join(" and one satisfying ")
    );
    for line in &written.lines {
        outln!("{line}");
    }
    report::print_request(&request)?;
    Ok(())
}

pub(super) fn present(a: PresentArgs) -> CliResult<()> {
    #[cfg(feature = "service")]
    let fetched = a
        .request_url
        .as_deref()
        .map(|url| super::wallet::fetch_request(url, a.ca_cert.as_deref()))
        .transpose()?;
    let (mut request, request_path) =
        match (&a.request, &a.request_url) {
            (Some(path), _) => (files::load_request(path)?, path.clone()),
            #[cfg(feature = "service")]
            (None, Some(url)) => {
                let f = fetched
                    .as_ref()
                    .ok_or_else(|| CliError::usage("--request-url: no request"))?;
                super::wallet::fetch_params(f, Some(&store_dir(a.params_store.as_deref())?))?;
                (f.request.clone(), std::path::PathBuf::from(url))
            }
            _ => return Err(CliError::usage(
                "give --request REQUEST.json or --request-url URL (this build has no HTTP client)",
            )),
        };
    resolve_params(
        &mut request,
        a.params_store.as_deref(),
        a.params_from.as_deref(),
        true,
        &request_path,
    )?;
    let credentials = a
        .credentials
        .iter()
        .map(|p| files::load_credential(p))
        .collect::<CliResult<Vec<_>>>()?;
    let holder = a
        .holder
        .as_deref()
        .map(super::holder::load_holder_keys)
        .transpose()?;
    let presentation = presentation::present_as(
        &request,
        &credentials,
        holder.as_ref(),
        files::clock(a.at.as_deref())?,
        &mut rand::rng(),
    )
    .map_err(|e| {
        let what = if e.is_rejection() {
            "refusing to present"
        } else {
            "cannot present"
        };
        let message = format!("{what}: {e}");
        if e.is_rejection() {
            CliError::rejected(message)
        } else {
            CliError::usage(message)
        }
    })?;
    let outputs = [&a.out, &a.compact, &a.qr];
    let to_stdout = outputs
        .iter()
        .filter(|p| p.as_deref().is_some_and(files::is_stdout))
        .count();
    if to_stdout > 1 || (to_stdout == 1 && a.show_qr) {
        return Err(CliError::usage(
            "only one output may go to standard output (`-`), and not with --show-qr",
        ));
    }
    if to_stdout == 1 {
        super::output::messages_to_stderr();
    }
    report::print_presentation_plan(&request, &presentation)?;
    let written = write_presentation(
        &presentation,
        a.out.as_deref(),
        a.compact.as_deref(),
        a.qr.as_deref(),
        a.show_qr,
    )?;
    for line in written.lines {
        outln!("{line}");
    }
    if let Some(code) = written.qr.filter(|_| a.show_qr) {
        show_qr(&code)?;
    }
    #[cfg(feature = "service")]
    if let (true, Some(fetched)) = (a.post, &fetched) {
        let bytes = presentation.to_compact().map_err(CliError::usage)?;
        let verdict = super::wallet::post(fetched, &bytes)?;
        outln!(
            "ACCEPTED by the verifier at {} ({} bytes sent)",
            healthpass::untrusted::Untrusted(&fetched.response_uri),
            bytes.len()
        );
        outln!("{}", report::json_for_terminal(&verdict));
    }
    Ok(())
}

/// Draws `code` in the terminal, after a warning on standard error when the terminal is
/// known to be smaller than the code (a wrapped code cannot be scanned).
pub(super) fn show_qr(code: &Qr) -> CliResult<()> {
    let (columns, rows) = code.terminal_size();
    if let Some((terminal_size::Width(w), terminal_size::Height(h))) =
        terminal_size::terminal_size()
    {
        if usize::from(w) < columns || usize::from(h) < rows {
            eprintln!(
                "warning: the QR code needs {columns} columns and {rows} rows; this terminal \
                 has {w} x {h}: enlarge it (or reduce the font), or write the code with --qr FILE.png"
            );
        }
    }
    out!("{}", code.to_terminal());
    Ok(())
}

/// What [`write_presentation`] wrote, for the person to read.
pub(super) struct Written {
    pub lines: Vec<String>,
    /// The QR code, when one was asked for (a file or the terminal).
    pub qr: Option<Qr>,
    pub json_len: usize,
    pub compact_len: usize,
}

/// Writes the presentation's JSON, compact and QR forms to whichever paths are given (`-`:
/// standard output). The QR code is made only when `qr` is given or `show_qr` is set: a
/// presentation too large for one QR code can still be written as JSON or compact.
pub(super) fn write_presentation(
    p: &Presentation,
    json: Option<&Path>,
    compact: Option<&Path>,
    qr: Option<&Path>,
    show_qr: bool,
) -> CliResult<Written> {
    let bytes = p.to_compact().map_err(CliError::usage)?;
    write_forms(&p.to_json(), &bytes, json, compact, qr, show_qr)
}

/// Writes the JSON, compact and QR forms asked for of a presentation or a request (the QR
/// code holds the compact bytes), and says what was written.
fn write_forms(
    json_text: &str,
    bytes: &[u8],
    json: Option<&Path>,
    compact: Option<&Path>,
    qr: Option<&Path>,
    show_qr: bool,
) -> CliResult<Written> {
    let code = if qr.is_some() || show_qr {
        Some(Qr::new(bytes).map_err(CliError::usage)?)
    } else {
        None
    };
    let mut lines = Vec::new();
    if let Some(path) = json {
        write_output(path, json_text.as_bytes(), Mode::Public)?;
        lines.push(format!(
            "wrote {} ({} bytes, JSON)",
            files::shown(path),
            json_text.len()
        ));
    }
    if let Some(path) = compact {
        write_output(path, bytes, Mode::Public)?;
        lines.push(format!(
            "wrote {} ({} bytes, compact)",
            files::shown(path),
            bytes.len()
        ));
    }
    if let (Some(path), Some(code)) = (qr, &code) {
        let png = code.to_png().map_err(CliError::usage)?;
        write_output(path, &png, Mode::Public)?;
        lines.push(format!(
            "wrote {} (QR version {}, level {}, {}x{} modules)",
            files::shown(path),
            code.version(),
            code.level(),
            code.width(),
            code.width()
        ));
    }
    Ok(Written {
        lines,
        qr: code,
        json_len: json_text.len(),
        compact_len: bytes.len(),
    })
}

pub(super) fn verify(a: VerifyArgs) -> CliResult<()> {
    let outcome = (|| {
        let trust = files::load_trust_list(&a.trust_list)?;
        let mut request = files::load_request(&a.request)?;
        resolve_params(
            &mut request,
            a.params_store.as_deref(),
            None,
            false,
            &a.request,
        )?;
        let (source, path) = match (&a.presentation, &a.compact, &a.qr) {
            (Some(p), _, _) => (PresentationSource::Json(p), p),
            (_, Some(p), _) => (PresentationSource::Compact(p), p),
            (_, _, Some(p)) => (PresentationSource::Qr(p), p),
            _ => return Err(CliError::usage("give --presentation, --compact or --qr")),
        };
        let now = files::clock(a.at.as_deref())?;
        let presentation = files::load_presentation(source, &request)?;
        let verified = presentation::verify(&request, &presentation, &trust, now)
            .map_err(|e| CliError::presentation(path, e))?;
        let lines =
            super::rules::check_disclosed(&a.rules, a.valuesets.as_deref(), &request, &verified)?;
        Ok((request, verified, lines))
    })();
    match outcome {
        Ok((request, verified, lines)) => {
            if a.json {
                let mut json = report::verified_json(&verified);
                // The rules evaluated on disclosed values (verify --rules), in words.
                if let (false, Ok(mut v)) = (
                    lines.is_empty(),
                    serde_json::from_str::<serde_json::Value>(&json),
                ) {
                    v["rules_on_disclosed_values"] = serde_json::json!(lines);
                    json = report::json_for_terminal(&v);
                }
                outln!("{json}");
            } else {
                report::print_verified(&request, &verified)?;
                for line in lines {
                    outln!("{line}");
                }
            }
            Ok(())
        }
        Err(e) => {
            if a.json {
                let v = serde_json::json!({ "accepted": false, "exit_code": e.code, "error": e.message });
                outln!("{}", report::json_for_terminal(&v));
            }
            Err(e)
        }
    }
}
