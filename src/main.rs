//! The `healthpass` command line (see `healthpass --help` and the README).
#![deny(unsafe_code)]

mod cli;
#[cfg(feature = "service")]
mod service;

fn main() -> std::process::ExitCode {
    cli::run()
}
