//! `holder init`, `holder commit`, `holder accept`, and the holder's folder that `present
//! --holder` and `issue --commitment` use.
//!
//! The holder's folder (the directory of `holder.secret.json`):
//!
//! ```text
//! holder.secret.json               the holder secret (mode 0600)
//! commitments/<digest>.json        a commitment's blind and nym, until accepted (0600)
//! bindings/<digest>.json           the same, once `holder accept` checked the credential
//! ```
//!
//! `<digest>` is the commitment's SHA-256 in hexadecimal (`credential::holder::
//! commitment_digest`), which the bound credential names in its `binding`.

use std::fs;
use std::path::{Path, PathBuf};

use clap::Args;
use healthpass::credential::holder::{commitment_digest, CommitmentSecrets};
use healthpass::credential::{Credential, Holder, HolderCommitment, HolderKeys, IssuerKey};
use healthpass::presentation::hex;
use zeroize::{Zeroize, Zeroizing};

use super::files::{self, write_atomic, write_output, CliError, CliResult, Mode};
use super::output::outln;

/// The holder file's name in its folder.
pub const HOLDER_FILE: &str = "holder.secret.json";

#[derive(Args)]
pub struct HolderInitArgs {
    /// The holder's folder (created when missing): DIR/holder.secret.json, mode 0600.
    #[arg(long, value_name = "DIR")]
    out_dir: PathBuf,
    /// Replace an existing holder file (its credentials can then no longer be presented).
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub struct HolderCommitArgs {
    /// The holder file (DIR/holder.secret.json).
    #[arg(long, value_name = "HOLDER.json")]
    holder: PathBuf,
    /// The commitment file to give the issuer (`-`: standard output).
    #[arg(long, value_name = "COMMITMENT.json")]
    out: PathBuf,
}

#[derive(Args)]
pub struct HolderAcceptArgs {
    /// The holder file (DIR/holder.secret.json).
    #[arg(long, value_name = "HOLDER.json")]
    holder: PathBuf,
    /// The holder-bound credential the issuer returned.
    #[arg(long, value_name = "CREDENTIAL.json")]
    credential: PathBuf,
}

/// The folder of a holder file.
fn folder(holder: &Path) -> PathBuf {
    match holder.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn create_dir(dir: &Path) -> CliResult<()> {
    fs::create_dir_all(dir)
        .map_err(|e| CliError::usage(format!("cannot create directory {}: {e}", dir.display())))
}

/// Reads a holder file.
pub fn load_holder(path: &Path) -> CliResult<Holder> {
    let text = Zeroizing::new(files::read_text(path, "holder file")?);
    Holder::from_json(&text).map_err(|e| CliError::credential(path, e))
}

fn load_secrets(path: &Path) -> CliResult<CommitmentSecrets> {
    let text = Zeroizing::new(files::read_text(path, "commitment secrets file")?);
    CommitmentSecrets::from_json(&text).map_err(|e| CliError::credential(path, e))
}

fn save_secrets(path: &Path, s: &CommitmentSecrets) -> CliResult<()> {
    let mut text = s.to_json();
    let written = write_atomic(path, text.as_bytes(), Mode::Secret { force: true });
    text.zeroize();
    written
}

/// The holder and the secrets of every accepted credential (`bindings/*.json`).
pub fn load_holder_keys(path: &Path) -> CliResult<HolderKeys> {
    let holder = load_holder(path)?;
    let dir = folder(path).join("bindings");
    let mut secrets = Vec::new();
    if dir.is_dir() {
        let entries = fs::read_dir(&dir)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", dir.display())))?;
        for entry in entries.flatten() {
            let p = entry.path();
            if p.extension().is_some_and(|x| x == "json") {
                secrets.push(load_secrets(&p)?);
            }
        }
    }
    Ok(HolderKeys::new(holder, secrets))
}

pub fn init(a: HolderInitArgs) -> CliResult<()> {
    let path = a.out_dir.join(HOLDER_FILE);
    let mode = Mode::Secret { force: a.force };
    files::check_overwrite(&path, mode)?;
    create_dir(&a.out_dir)?;
    let holder = Holder::generate(&mut rand::rng());
    let mut text = holder.to_json();
    let written = write_atomic(&path, text.as_bytes(), mode);
    text.zeroize();
    written?;
    outln!(
        "created a holder secret in {} (mode 0600: it never leaves this device; a credential issued on its commitment cannot be presented without it)",
        path.display()
    );
    Ok(())
}

pub fn commit(a: HolderCommitArgs) -> CliResult<()> {
    let holder = load_holder(&a.holder)?;
    let (commitment, secrets) = holder
        .commit(&mut rand::rng())
        .map_err(|e| CliError::credential(&a.holder, e))?;
    let dir = folder(&a.holder).join("commitments");
    create_dir(&dir)?;
    for s in &secrets {
        save_secrets(&dir.join(format!("{}.json", hex(s.digest()))), s)?;
    }
    write_output(&a.out, commitment.to_json().as_bytes(), Mode::Public)?;
    outln!(
        "wrote a fresh commitment to {} (give it to the issuer: issue --commitment); its blind stays in {}",
        files::shown(&a.out),
        dir.display()
    );
    Ok(())
}

pub fn accept(a: HolderAcceptArgs) -> CliResult<()> {
    let holder = load_holder(&a.holder)?;
    let credential = files::load_credential(&a.credential)?;
    let binding = credential.binding().ok_or_else(|| {
        CliError::usage(format!(
            "{}: the credential is not holder-bound (it was issued without --commitment)",
            a.credential.display()
        ))
    })?;
    let name = format!("{}.json", hex(&binding.commitment));
    let dir = folder(&a.holder);
    let pending = dir.join("commitments").join(&name);
    let accepted = dir.join("bindings").join(&name);
    let source = if pending.exists() {
        &pending
    } else if accepted.exists() {
        &accepted
    } else {
        return Err(CliError::rejected(format!(
            "{}: the credential was issued on a commitment this holder did not make (no {} in {}): it belongs to another holder",
            a.credential.display(),
            name,
            dir.join("commitments").display()
        )));
    };
    let secrets = load_secrets(source)?;
    holder
        .accept(&credential, &secrets)
        .map_err(|e| CliError::credential(&a.credential, e))?;
    if source == &pending {
        create_dir(&dir.join("bindings"))?;
        save_secrets(&accepted, &secrets)?;
        fs::remove_file(&pending)
            .map_err(|e| CliError::usage(format!("cannot remove {}: {e}", pending.display())))?;
    }
    outln!(
        "accepted the {} credential by `{}`: its blind signature verifies with your holder secret; binding recorded in {}",
        credential.credential_type(),
        credential.issuer().id,
        accepted.display()
    );
    Ok(())
}

/// The issuer's record of the commitments it signed: `<secret file's folder>/<issuer
/// id>.commitments`, one hexadecimal SHA-256 per line.
fn record_path(issuer_secret: &Path, key: &IssuerKey) -> PathBuf {
    folder(issuer_secret).join(format!("{}.commitments", key.info().id))
}

fn read_record(path: &Path) -> CliResult<String> {
    if path.exists() {
        files::read_text(path, "issuer's record of signed commitments")
    } else {
        Ok(String::new())
    }
}

/// Reads a commitment file and refuses one the issuer has signed before.
pub fn load_commitment(
    path: &Path,
    issuer_secret: &Path,
    key: &IssuerKey,
) -> CliResult<HolderCommitment> {
    let text = files::read_text(path, "commitment file")?;
    let commitment =
        HolderCommitment::from_json(&text).map_err(|e| CliError::credential(path, e))?;
    let c = commitment
        .for_suite(key.info().suite)
        .map_err(|e| CliError::credential(path, e))?;
    let digest = hex(&commitment_digest(c));
    let record = record_path(issuer_secret, key);
    if read_record(&record)?.lines().any(|l| l == digest) {
        return Err(CliError::rejected(format!(
            "{}: this commitment was already signed by `{}` (see {}); the holder must make a fresh one with `holder commit`",
            path.display(),
            key.info().id,
            record.display()
        )));
    }
    Ok(commitment)
}

/// Adds a bound credential's commitment to the issuer's record (written atomically).
pub fn record_commitment(
    credential: &Credential,
    issuer_secret: &Path,
    key: &IssuerKey,
) -> CliResult<()> {
    let Some(b) = credential.binding() else {
        return Ok(());
    };
    let record = record_path(issuer_secret, key);
    let mut text = read_record(&record)?;
    text.push_str(&hex(&b.commitment));
    text.push('\n');
    write_atomic(&record, text.as_bytes(), Mode::Secret { force: true })
}
