//! Reading and writing the command line's files, and the errors that speak to a person.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

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

/// The most bytes read from an input file other than a request or a QR image (16 MiB).
pub const MAX_FILE_BYTES: usize = 16 << 20;

/// Reads a whole file of at most `max` bytes, naming it in the errors.
pub fn read_bytes_at_most(path: &Path, what: &str, max: usize) -> CliResult<Vec<u8>> {
    let cannot = |e: std::io::Error| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_owned(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => e.to_string(),
        };
        CliError::usage(format!("cannot read {what} {}: {why}", path.display()))
    };
    let mut data = Vec::new();
    File::open(path)
        .and_then(|f| f.take(max as u64 + 1).read_to_end(&mut data))
        .map_err(cannot)?;
    if data.len() > max {
        data.zeroize();
        return Err(CliError::usage(format!(
            "{}: the {what} is larger than the {max} bytes this command reads",
            path.display()
        )));
    }
    Ok(data)
}

/// Reads a whole file of at most [`MAX_FILE_BYTES`].
pub fn read_bytes(path: &Path, what: &str) -> CliResult<Vec<u8>> {
    read_bytes_at_most(path, what, MAX_FILE_BYTES)
}

/// Reads a UTF-8 text file of at most `max` bytes (bytes that are not UTF-8 are wiped before
/// they are freed: the file may hold a secret).
pub fn read_text_at_most(path: &Path, what: &str, max: usize) -> CliResult<String> {
    String::from_utf8(read_bytes_at_most(path, what, max)?).map_err(|e| {
        e.into_bytes().zeroize();
        CliError::usage(format!("{}: the {what} is not UTF-8 text", path.display()))
    })
}

/// Reads a UTF-8 text file of at most [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path, what: &str) -> CliResult<String> {
    read_text_at_most(path, what, MAX_FILE_BYTES)
}

/// How a file is written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Mode 0644, replaced when it exists.
    Public,
    /// Mode 0600, never replaced unless `force`.
    Secret { force: bool },
}

/// How an output path is named to the person: `standard output` for `-`.
pub fn shown(path: &Path) -> String {
    if is_stdout(path) {
        "standard output".to_owned()
    } else {
        path.display().to_string()
    }
}

/// `true` for the output name `-`: standard output.
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Refuses to replace an existing secret file unless forced.
pub fn check_overwrite(path: &Path, mode: Mode) -> CliResult<()> {
    if mode == (Mode::Secret { force: false }) && !is_stdout(path) && path.exists() {
        return Err(CliError::usage(format!(
            "{} already exists and holds secrets; pass --force to replace it",
            path.display()
        )));
    }
    Ok(())
}

/// Paths to remove if the process is interrupted: temporary files being written and the
/// demo's temporary directory.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn temporaries() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    TEMPORARY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Registers `path` (a file or a directory) for removal on SIGINT or SIGTERM.
pub fn register_temporary(path: &Path) {
    temporaries().push(path.to_path_buf());
}

/// Forgets `path` (it was renamed into place or removed).
pub fn forget_temporary(path: &Path) {
    temporaries().retain(|p| p != path);
}

/// On SIGINT or SIGTERM, removes every registered temporary path and exits with 128 plus
/// the signal number (130 or 143). Without this, Ctrl-C left `.tmp` files behind and the
/// demo's directory, with a secret key in it, in /tmp.
pub fn clean_up_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                // Hold the lock until exit: no new temporary can appear meanwhile.
                let paths = temporaries();
                for p in paths.iter() {
                    let _ = if p.is_dir() {
                        fs::remove_dir_all(p)
                    } else {
                        fs::remove_file(p)
                    };
                }
                std::process::exit(128 + signal);
            }
        });
}

/// Test hook (`tests/cli.rs`): milliseconds to pause after a temporary file is written and
/// before it is renamed into place, so that a test can interrupt the process there.
const PAUSE_AFTER_TEMPORARY: &str = "HEALTHPASS_TEST_PAUSE_AFTER_TEMP_MS";

/// Writes an output file: `-` is standard output; an existing path that is not a regular
/// file is never renamed over:
///
/// - a regular file, or a path that does not exist yet: written atomically ([`write_atomic`]);
/// - a symbolic link to a regular file: the file it points to is written atomically, and the
///   link stays (never for secret files, which are refused);
/// - a character device, FIFO or socket (`/dev/stdout`, `/dev/null`, a named pipe), directly
///   or through links: opened and written in place (never for secret files);
/// - a dangling link or a directory: refused.
pub fn write_output(path: &Path, data: &[u8], mode: Mode) -> CliResult<()> {
    if is_stdout(path) {
        super::output::messages_to_stderr();
        return super::output::stdout_bytes(data);
    }
    let cannot =
        |why: &dyn fmt::Display| CliError::usage(format!("cannot write {}: {why}", path.display()));
    let here = match fs::symlink_metadata(path) {
        Err(_) => return write_atomic(path, data, mode),
        Ok(m) if m.is_file() => return write_atomic(path, data, mode),
        Ok(m) => m,
    };
    if here.is_dir() {
        return Err(cannot(&"it is a directory"));
    }
    if matches!(mode, Mode::Secret { .. }) {
        return Err(cannot(
            &"secret files are written only to regular files or `-`, not through links or to devices",
        ));
    }
    match fs::metadata(path) {
        Err(_) => Err(cannot(&"it is a symbolic link to nothing")),
        Ok(t) if t.is_dir() => Err(cannot(&"it points to a directory")),
        Ok(t) if t.is_file() => {
            let real = fs::canonicalize(path).map_err(|e| cannot(&e))?;
            write_atomic(&real, data, mode)
        }
        Ok(_) => OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(path)
            .and_then(|mut f| f.write_all(data))
            .map_err(|e| cannot(&e)),
    }
}

/// Writes `data` to `path` atomically: a temporary file in the same directory with the
/// final permissions, flushed, then renamed over the target. A failure or an interruption
/// (SIGINT, SIGTERM) leaves no file. [`write_output`] decides when this is right.
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
    register_temporary(&tmp);
    let result = (|| {
        let mut f = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(perms)
            .open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        if let Some(ms) = std::env::var_os(PAUSE_AFTER_TEMPORARY)
            .and_then(|v| v.to_str().and_then(|v| v.parse().ok()))
        {
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        fs::rename(&tmp, path)
    })();
    let result = result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        CliError::usage(format!("cannot write {}: {e}", path.display()))
    });
    forget_temporary(&tmp);
    result
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

/// The PNG signature: a request given as the image of its QR code.
const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Reads a request in any of its forms, told apart by their first bytes: JSON, compact
/// ([`PresentationRequest::is_compact`]) or a PNG of its QR code (decoded within the
/// reader's pixel caps and deadline).
pub fn load_request(path: &Path) -> CliResult<PresentationRequest> {
    let max = presentation::MAX_REQUEST_BYTES.max(presentation::qr::MAX_PNG_BYTES);
    let bytes = read_bytes_at_most(path, "request", max)?;
    let in_file = |e| CliError::presentation(path, e);
    if bytes.starts_with(PNG_SIGNATURE) {
        let compact =
            presentation::qr::read_png_within(&bytes, presentation::qr::DEFAULT_DECODE_LIMIT)
                .map_err(in_file)?;
        return PresentationRequest::from_compact(&compact).map_err(in_file);
    }
    if PresentationRequest::is_compact(&bytes) {
        return PresentationRequest::from_compact(&bytes).map_err(in_file);
    }
    if bytes.len() > presentation::MAX_REQUEST_BYTES {
        return Err(in_file(presentation::Error::RequestTooLarge {
            bytes: bytes.len(),
            max: presentation::MAX_REQUEST_BYTES,
        }));
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        CliError::usage(format!(
            "{}: not a request (neither JSON, compact nor a PNG)",
            path.display()
        ))
    })?;
    PresentationRequest::from_json(text).map_err(in_file)
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
            let png = read_bytes_at_most(p, "QR image", presentation::qr::MAX_PNG_BYTES)?;
            let bytes =
                presentation::qr::read_png_within(&png, presentation::qr::DEFAULT_DECODE_LIMIT)
                    .map_err(|e| CliError::presentation(p, e))?;
            (p, Presentation::from_compact(&bytes, request))
        }
    };
    parsed.map_err(|e| CliError::presentation(path, e))
}

/// The time `--at` gives (RFC 3339), else now, in seconds since the Unix epoch.
pub fn clock(at: Option<&str>) -> CliResult<i64> {
    match at {
        None => Ok(now()),
        Some(text) => calendar_seconds(text, "--at"),
    }
}

/// An RFC 3339 date and time given on the command line as `option`, in seconds.
pub fn calendar_seconds(text: &str, option: &str) -> CliResult<i64> {
    credential::calendar::parse_rfc3339_seconds(text).ok_or_else(|| {
        CliError::usage(format!(
            "{option} `{text}` is not an RFC 3339 date and time such as 2021-06-01T10:30:00Z"
        ))
    })
}

/// The current time in seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
