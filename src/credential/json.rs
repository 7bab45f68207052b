//! JSON helpers shared by every file format: unpadded base64url for binary fields and the
//! `format` tag every file starts with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// A JSON file that cannot be used: not JSON, the wrong `format` tag, or a field that does
/// not decode. Shared by every layer that reads files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Not valid JSON, a missing or unknown field, or a field of the wrong JSON type.
    #[error("{what}: {source}")]
    Json {
        /// What was being read.
        what: &'static str,
        /// The parser's complaint.
        #[source]
        source: serde_json::Error,
    },
    /// Another `format` tag than expected.
    #[error("{what}: format is `{found}`, expected `{expected}`")]
    WrongFormat {
        /// What was being read.
        what: &'static str,
        /// The expected format tag.
        expected: &'static str,
        /// The tag found.
        found: String,
    },
    /// A field whose value is not valid.
    #[error("{what}: field `{field}` {problem}")]
    InvalidField {
        /// What was being read.
        what: &'static str,
        /// The field.
        field: &'static str,
        /// What is wrong.
        problem: &'static str,
    },
}

/// [`FormatError::InvalidField`].
pub(crate) fn invalid(
    what: &'static str,
    field: &'static str,
    problem: &'static str,
) -> FormatError {
    FormatError::InvalidField {
        what,
        field,
        problem,
    }
}

/// Parses a JSON file of kind `what`.
pub(crate) fn parse<'a, T: Deserialize<'a>>(
    what: &'static str,
    text: &'a str,
) -> Result<T, FormatError> {
    serde_json::from_str(text).map_err(|source| FormatError::Json { what, source })
}

/// Checks a file's `format` tag.
pub(crate) fn check_format(
    what: &'static str,
    expected: &'static str,
    found: &str,
) -> Result<(), FormatError> {
    if found == expected {
        return Ok(());
    }
    Err(FormatError::WrongFormat {
        what,
        expected,
        found: found.to_owned(),
    })
}

/// Pretty-printed JSON with a final newline. Our file structs have only string keys, so
/// serializing cannot fail.
pub(crate) fn pretty<T: Serialize>(v: &T) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Unpadded base64url (RFC 4648 §5, no `=`).
pub fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes unpadded base64url; padding, whitespace and the standard alphabet's `+` and `/`
/// are refused, so every byte string has exactly one text form.
pub fn b64_decode(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    URL_SAFE_NO_PAD.decode(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn refuses_padding_and_other_alphabets() {
        assert_eq!(b64_encode(b"ab"), "YWI");
        assert!(b64_decode("YWI=").is_err());
        assert!(b64_decode("+/8").is_err());
        assert!(b64_decode("YW I").is_err());
        assert_eq!(b64_decode("-_8").unwrap(), [0xfb, 0xff]);
    }

    proptest! {
        #[test]
        fn round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
            let text = b64_encode(&bytes);
            prop_assert_eq!(b64_decode(&text).unwrap(), bytes);
        }
    }
}
