//! What the command line prints, through checked writes: `println!` panics when standard
//! output is a closed pipe (`healthpass verify … | head -1`) or a full device.
//!
//! - A closed pipe (EPIPE) ends the output quietly: later output is dropped and the command
//!   keeps its own exit code.
//! - Any other write error is reported, exit code 2.
//! - When a file's data goes to standard output (an output option given as `-`), the
//!   messages for the person go to standard error, so that standard output holds only data.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use super::files::{CliError, CliResult};

/// Set once standard output turned out to be a closed pipe.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// Set when an output file is standard output: messages then go to standard error.
static DATA_ON_STDOUT: AtomicBool = AtomicBool::new(false);

/// Sends the messages of [`text`] to standard error from now on (standard output carries a
/// file's data).
pub fn messages_to_stderr() {
    DATA_ON_STDOUT.store(true, Ordering::Relaxed);
}

/// Writes `bytes` to standard output and flushes: quietly nothing once the reader has gone,
/// an error (exit code 2) for any other failure.
pub fn stdout_bytes(bytes: &[u8]) -> CliResult<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            STDOUT_CLOSED.store(true, Ordering::Relaxed);
            Ok(())
        }
        Err(e) => Err(CliError::usage(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// Writes a message for the person: to standard output, or to standard error while a
/// file's data goes to standard output.
pub fn text(args: fmt::Arguments<'_>) -> CliResult<()> {
    if DATA_ON_STDOUT.load(Ordering::Relaxed) {
        let _ = io::stderr().lock().write_fmt(args);
        return Ok(());
    }
    stdout_bytes(args.to_string().as_bytes())
}

/// Writes to standard error, ignoring failure (there is nowhere left to report it).
pub fn error_line(message: &str) {
    let _ = writeln!(io::stderr().lock(), "healthpass: {message}");
}

/// `print!` through [`text`]; returns early from the enclosing function on a write error.
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::text(format_args!($($arg)*))?
    };
}

/// `println!` through [`text`]; returns early from the enclosing function on a write error.
macro_rules! outln {
    () => {
        $crate::cli::output::text(format_args!("\n"))?
    };
    ($($arg:tt)*) => {
        $crate::cli::output::text(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

pub(crate) use {out, outln};
