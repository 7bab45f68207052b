//! JSON helpers shared by every file format: unpadded base64url for binary fields and the
//! `format` tag every file starts with.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

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
