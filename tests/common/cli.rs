//! The binary in a scratch folder: every end-to-end test of the command line (`tests/cli.rs`,
//! `policies.rs`, `dcc.rs`, `rules.rs`, `service.rs`) runs its commands through [`Folder`],
//! with a parameter store of the folder's own (`HEALTHPASS_PARAMS_STORE`).

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

/// The binary under test: this build's, or the one `HEALTHPASS_TEST_BIN` names (to check
/// that a regression test fails against an older build).
pub fn binary() -> PathBuf {
    std::env::var_os("HEALTHPASS_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_healthpass")))
}

/// A scratch folder where every command runs.
pub struct Folder {
    /// The folder.
    pub dir: tempfile::TempDir,
}

impl Folder {
    /// An empty folder.
    pub fn new() -> Self {
        Folder {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A folder with the issuer `keys/<id>.{secret,public}.json` of `country`, trusted in
    /// `trust.json`.
    pub fn with_issuer(id: &str, country: &str) -> Self {
        let folder = Folder::new();
        folder.ok(&[
            "issuer",
            "init",
            "--id",
            id,
            "--out-dir",
            "keys",
            "--country",
            country,
        ]);
        folder.ok(&[
            "trust",
            "add",
            &format!("keys/{id}.public.json"),
            "--trust-list",
            "trust.json",
        ]);
        folder
    }

    /// A file of the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The command `binary args`, to run in the folder.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(binary());
        c.args(args)
            .current_dir(self.dir.path())
            .env("HEALTHPASS_PARAMS_STORE", self.path("params-store"));
        c
    }

    /// Runs the binary in the folder: what it wrote and how it ended.
    pub fn output(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs the binary in the folder: its exit code, standard output and standard error.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let o = self.output(args);
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (
            o.status.code().unwrap_or(-1),
            text(&o.stdout),
            text(&o.stderr),
        )
    }

    /// Runs the binary and expects success: its standard output.
    pub fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "{args:?}\nstdout: {out}\nstderr: {err}");
        out
    }

    /// [`Folder::run`] of a command line given as whitespace-separated words.
    pub fn words(&self, line: &str) -> (i32, String, String) {
        self.run(&line.split_whitespace().collect::<Vec<_>>())
    }

    /// [`Folder::ok`] of a command line given as whitespace-separated words.
    pub fn ok_words(&self, line: &str) -> String {
        self.ok(&line.split_whitespace().collect::<Vec<_>>())
    }

    /// The bytes of a file of the folder.
    pub fn read(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap()
    }

    /// A JSON file of the folder.
    pub fn json(&self, name: &str) -> Value {
        serde_json::from_slice(&self.read(name)).unwrap()
    }

    /// Writes `v` as pretty JSON to a file of the folder.
    pub fn write_json(&self, name: &str, v: &Value) {
        std::fs::write(self.path(name), serde_json::to_string_pretty(v).unwrap()).unwrap();
    }
}
