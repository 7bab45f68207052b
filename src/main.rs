//! The `healthpass` command line (see `healthpass --help` and the README).
#![deny(unsafe_code)]

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
