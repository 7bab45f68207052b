//! Reading and writing the command line's files, and the errors that speak to a person.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use healthpass::credential::{self, Credential, IssuerInfo, IssuerKey};
use healthpass::presentation::{self, Presentation, PresentationRequest, TrustList};
use zeroize::{Zeroize, Zeroizing};

/// A failed command: the message for a person and the exit code (1 rejected, 2 unusable).
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// Unusable input or bad usage: exit code 2.
    pub fn usage(message: impl fmt::Display) -> Self {
        Self {
            code: 2,
            message: message.to_string(),
        }
    }

    /// A presentation or credential that was read and refused: exit code 1.
    pub fn rejected(message: impl fmt::Display) -> Self {
        Self {
            code: 1,
            message: message.to_string(),
        }
    }

    /// A library error about `path`, with the exit code its kind calls for.
    pub fn presentation(path: &Path, e: presentation::Error) -> Self {
        let message = format!("{}: {e}", path.display());
        if e.is_rejection() {
            Self::rejected(message)
        } else {
            Self::usage(message)
        }
    }

    /// A credential-layer error about `path`.
    pub fn credential(path: &Path, e: credential::Error) -> Self {
        Self::presentation(path, e.into())
    }
}

pub type CliResult<T> = Result<T, CliError>;

/// Reads a whole file, naming it in the error.
pub fn read_bytes(path: &Path, what: &str) -> CliResult<Vec<u8>> {
    fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => e.to_string(),
        };
        CliError::usage(format!("cannot read {what} {}: {why}", path.display()))
    })
}

/// Reads a UTF-8 text file (bytes that are not UTF-8 are wiped before they are freed: the
/// file may hold a secret).
pub fn read_text(path: &Path, what: &str) -> CliResult<String> {
    String::from_utf8(read_bytes(path, what)?).map_err(|e| {
        e.into_bytes().zeroize();
        CliError::usage(format!("{}: the {what} is not UTF-8 text", path.display()))
    })
}

/// How a file is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Mode 0644, replaced when it exists.
    Public,
    /// Mode 0600, never replaced unless `force`.
    Secret { force: bool },
}

/// Refuses to replace an existing secret file unless forced.
pub fn check_overwrite(path: &Path, mode: Mode) -> CliResult<()> {
    if mode == (Mode::Secret { force: false }) && path.exists() {
        return Err(CliError::usage(format!(
            "{} already exists and holds secrets; pass --force to replace it",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `data` to `path` atomically: a temporary file in the same directory with the
/// final permissions, flushed, then renamed over the target. A failure leaves no file.
pub fn write_atomic(path: &Path, data: &[u8], mode: Mode) -> CliResult<()> {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    check_overwrite(path, mode)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| CliError::usage(format!("{} is not a file name", path.display())))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let perms = if matches!(mode, Mode::Secret { .. }) {
        0o600
    } else {
        0o644
    };
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(perms)
            .open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        CliError::usage(format!("cannot write {}: {e}", path.display()))
    })
}

pub fn load_issuer_key(path: &Path) -> CliResult<IssuerKey> {
    // The text holds the secret key: wiped when dropped.
    let text = Zeroizing::new(read_text(path, "issuer secret file")?);
    IssuerKey::from_secret_json(&text).map_err(|e| CliError::credential(path, e))
}

pub fn load_issuer_public(path: &Path) -> CliResult<IssuerInfo> {
    let text = read_text(path, "issuer public file")?;
    IssuerInfo::from_public_json(&text).map_err(|e| CliError::credential(path, e))
}

pub fn load_credential(path: &Path) -> CliResult<Credential> {
    // The text holds the holder secret and personal data: wiped when dropped.
    let text = Zeroizing::new(read_text(path, "credential")?);
    Credential::from_json(&text).map_err(|e| CliError::credential(path, e))
}

pub fn load_request(path: &Path) -> CliResult<PresentationRequest> {
    let text = read_text(path, "request")?;
    PresentationRequest::from_json(&text).map_err(|e| CliError::presentation(path, e))
}

pub fn load_trust_list(path: &Path) -> CliResult<TrustList> {
    let text = read_text(path, "trust list")?;
    TrustList::from_json(&text).map_err(|e| CliError::presentation(path, e))
}

/// Where a presentation comes from.
pub enum PresentationSource<'a> {
    Json(&'a Path),
    Compact(&'a Path),
    Qr(&'a Path),
}

/// Reads a presentation in any of its three forms (the compact and QR forms need the
/// request they answer).
pub fn load_presentation(
    source: PresentationSource<'_>,
    request: &PresentationRequest,
) -> CliResult<Presentation> {
    let (path, parsed) = match source {
        PresentationSource::Json(p) => (p, Presentation::from_json(&read_text(p, "presentation")?)),
        PresentationSource::Compact(p) => (
            p,
            Presentation::from_compact(&read_bytes(p, "compact presentation")?, request),
        ),
        PresentationSource::Qr(p) => {
            let png = read_bytes(p, "QR image")?;
            let bytes =
                presentation::qr::read_png_within(&png, presentation::qr::DEFAULT_DECODE_LIMIT)
                    .map_err(|e| CliError::presentation(p, e))?;
            (p, Presentation::from_compact(&bytes, request))
        }
    };
    parsed.map_err(|e| CliError::presentation(path, e))
}

/// The current time in seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
