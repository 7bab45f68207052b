//! The ciphersuite an issuer signs with, chosen at run time and dispatched to the core's
//! generic code.

use core::fmt;
use std::str::FromStr;

/// One of the draft's two BLS12-381 ciphersuites, as named in files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Suite {
    /// `BLS12381G1_XMD:SHA-256_SSWU_RO_` (the default).
    #[default]
    Sha256,
    /// `BLS12381G1_XOF:SHAKE-256_SSWU_RO_`.
    Shake256,
}

impl Suite {
    /// Both suites.
    pub const ALL: [Suite; 2] = [Suite::Sha256, Suite::Shake256];

    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Sha256 => "bls12-381-sha-256",
            Suite::Shake256 => "bls12-381-shake-256",
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A ciphersuite name that is not one of [`Suite::ALL`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown ciphersuite `{0}` (expected bls12-381-sha-256 or bls12-381-shake-256)")]
pub struct UnknownSuite(pub String);

impl FromStr for Suite {
    type Err = UnknownSuite;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|c| c.name() == s)
            .ok_or_else(|| UnknownSuite(s.to_owned()))
    }
}

/// Runs `$body` with the type alias `$c` bound to the core ciphersuite of `$suite`.
macro_rules! with_suite {
    ($suite:expr, $c:ident => $body:expr) => {
        match $suite {
            $crate::credential::Suite::Sha256 => {
                type $c = $crate::bbs::Bls12381Sha256;
                $body
            }
            $crate::credential::Suite::Shake256 => {
                type $c = $crate::bbs::Bls12381Shake256;
                $body
            }
        }
    };
}
pub(crate) use with_suite;
