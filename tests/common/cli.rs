//! The binary in a scratch folder: an issuer's keys, a trust list holding them and a
//! parameter store of the folder's own (`HEALTHPASS_PARAMS_STORE`).

use std::path::PathBuf;
use std::process::Command;

/// A scratch folder where every command runs.
pub struct Folder {
    /// The folder.
    pub dir: tempfile::TempDir,
}

impl Folder {
    /// A folder with the issuer `keys/<id>.{secret,public}.json` of `country`, trusted in
    /// `trust.json`.
    pub fn with_issuer(id: &str, country: &str) -> Self {
        let folder = Folder {
            dir: tempfile::tempdir().unwrap(),
        };
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

    /// Runs the binary in the folder: its exit code, standard output and standard error.
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let o = Command::new(env!("CARGO_BIN_EXE_healthpass"))
            .args(args)
            .current_dir(self.dir.path())
            .env("HEALTHPASS_PARAMS_STORE", self.path("params-store"))
            .output()
            .unwrap();
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
}
