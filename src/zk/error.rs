//! Errors of the zero-knowledge extensions.

use core::fmt;

use crate::bbs;

/// What can go wrong when proving or verifying predicates.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An error of the BBS core (decoding, indexes, or a failed BBS verification).
    Bbs(bbs::Error),
    /// The hidden value does not satisfy the predicate: the holder refuses to prove it.
    NotSatisfied {
        /// Which predicate (position in the statement list).
        predicate: usize,
    },
    /// The predicate holds, but the difference from the bound is larger than the digits the
    /// request allows can express (e.g. a credential valid for longer than the span).
    OutOfSpan {
        /// Which predicate.
        predicate: usize,
    },
    /// A predicate names a message that is disclosed or does not exist.
    BadMessageIndex {
        /// Which predicate.
        predicate: usize,
        /// The message index it names.
        index: usize,
    },
    /// Public parameters are malformed: empty or repeated elements, a base or digit count
    /// outside the supported range, or a digit set used as an element set (or vice versa).
    InvalidParameters(&'static str),
    /// Public parameters whose signatures do not verify under their public key: a holder must
    /// not prove against them (a forged set could reveal the hidden value).
    ParametersRejected,
    /// A predicate proof does not have the shape its statement requires.
    WrongShape {
        /// Which predicate.
        predicate: usize,
    },
    /// An encoding is malformed (length, point or scalar).
    Malformed(bbs::Error),
    /// The predicate proofs or the BBS proof did not verify. Deliberately says nothing more.
    VerificationFailed,
}

impl From<bbs::Error> for Error {
    fn from(e: bbs::Error) -> Self {
        match e {
            bbs::Error::VerificationFailed => Error::VerificationFailed,
            other => Error::Bbs(other),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Bbs(e) => write!(f, "{e}"),
            Error::NotSatisfied { predicate } => {
                write!(f, "predicate {predicate} is not satisfied by the credential")
            }
            Error::OutOfSpan { predicate } => write!(
                f,
                "predicate {predicate} holds, but its difference from the bound exceeds the span the request allows"
            ),
            Error::BadMessageIndex { predicate, index } => write!(
                f,
                "predicate {predicate} names message {index}, which is disclosed or does not exist"
            ),
            Error::InvalidParameters(why) => write!(f, "invalid predicate parameters: {why}"),
            Error::ParametersRejected => {
                f.write_str("predicate parameters carry signatures that do not verify")
            }
            Error::WrongShape { predicate } => {
                write!(f, "predicate proof {predicate} has the wrong shape")
            }
            Error::Malformed(e) => write!(f, "malformed predicate proof: {e}"),
            Error::VerificationFailed => f.write_str("verification failed"),
        }
    }
}

impl std::error::Error for Error {}
