//! JSON helpers shared by every file format: the one strict parser every file is read with
//! ([`parse`]: no key twice in any object), unpadded base64url for binary fields and the
//! `format` tag every file starts with.

use core::cell::RefCell;
use core::fmt;
use std::collections::BTreeSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroize;

use crate::untrusted::Untrusted;

/// A JSON file that cannot be used: not JSON, the wrong `format` tag, or a field that does
/// not decode. Shared by every layer that reads files.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Not valid JSON, a missing or unknown field, or a field of the wrong JSON type.
    #[error("{what}: {}", Untrusted(&.source.to_string()))]
    Json {
        /// What was being read.
        what: &'static str,
        /// The parser's complaint.
        #[source]
        source: serde_json::Error,
    },
    /// Another `format` tag than expected.
    #[error("{what}: format is `{}`, expected `{expected}`", Untrusted(.found))]
    WrongFormat {
        /// What was being read.
        what: &'static str,
        /// The expected format tag.
        expected: &'static str,
        /// The tag found.
        found: String,
    },
    /// A key that appears twice in one JSON object. JSON leaves duplicates undefined (most
    /// parsers keep the last one), so healthpass refuses them in every file.
    #[error("{what}: duplicate key `{}` at line {line}, column {column} (each key may appear once per object)", Untrusted(.key))]
    DuplicateKey {
        /// What was being read.
        what: &'static str,
        /// The repeated key.
        key: String,
        /// Where its second occurrence ends (1-based).
        line: usize,
        /// The column there (1-based).
        column: usize,
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

/// Parses a JSON file of kind `what`: every file healthpass reads (attributes, issuer files,
/// credentials, trust lists, parameter sets, requests, presentations) goes through here.
/// A first pass walks the whole document and refuses any object with a key twice
/// ([`FormatError::DuplicateKey`]); then the text is read into `T`.
pub fn parse<'a, T: Deserialize<'a>>(what: &'static str, text: &'a str) -> Result<T, FormatError> {
    check_unique_keys(what, text)?;
    serde_json::from_str(text).map_err(|source| FormatError::Json { what, source })
}

/// Walks a JSON document without keeping its values (only each object's keys, to compare
/// them), recording the first key that repeats.
#[derive(Clone, Copy)]
struct UniqueKeys<'a>(&'a RefCell<Option<String>>);

impl<'de> DeserializeSeed<'de> for UniqueKeys<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueKeys<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                *self.0.borrow_mut() = Some(key);
                return Err(de::Error::custom("duplicate key"));
            }
            map.next_value_seed(self)?;
            seen.insert(key);
        }
        Ok(())
    }
}

fn check_unique_keys(what: &'static str, text: &str) -> Result<(), FormatError> {
    let duplicate = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let walked = UniqueKeys(&duplicate)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    match (walked, duplicate.into_inner()) {
        (Ok(()), _) => Ok(()),
        (Err(e), Some(key)) => Err(FormatError::DuplicateKey {
            what,
            key,
            line: e.line(),
            column: e.column(),
        }),
        (Err(source), None) => Err(FormatError::Json { what, source }),
    }
}

/// Overwrites every string in `v` (keys stay): for JSON that held the holder secret or
/// personal data, before it is freed.
pub fn wipe_strings(v: &mut Value) {
    match v {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe_strings),
        Value::Object(o) => o.values_mut().for_each(wipe_strings),
        _ => {}
    }
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
/// serializing cannot fail. The text is measured first and written into a buffer of its
/// final size, so no partial copy (of a credential's holder secret, say) is left behind in
/// a freed buffer as it grows.
pub(crate) fn pretty<T: Serialize>(v: &T) -> String {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0 += b.len();
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    if serde_json::to_writer_pretty(&mut count, v).is_err() {
        return String::new();
    }
    let mut buf = Vec::with_capacity(count.0 + 1);
    if serde_json::to_writer_pretty(&mut buf, v).is_err() {
        buf.zeroize();
        return String::new();
    }
    buf.push(b'\n');
    // serde_json writes UTF-8 only.
    String::from_utf8(buf).unwrap_or_default()
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

    /// Every string is emptied, at any depth, in arrays and objects alike; keys, numbers,
    /// booleans and nulls stay.
    #[test]
    fn wipe_strings_empties_every_string_at_any_depth() {
        let mut v = serde_json::json!({
            "secret": "c2VjcmV0",
            "list": ["a", 1, ["b", {"deep": "c"}]],
            "object": {"name": "d", "n": 2, "ok": true, "none": null},
        });
        wipe_strings(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "secret": "",
                "list": ["", 1, ["", {"deep": ""}]],
                "object": {"name": "", "n": 2, "ok": true, "none": null},
            })
        );
    }

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        for (text, key) in [
            (r#"{"a": 1, "a": 2}"#, "a"),
            (r#"{"a": {"b": [1, {"c": 1, "d": 2, "c": 3}]}}"#, "c"),
            (r#"{"\u0061": 1, "a": 2}"#, "a"),
            (r#"[{"x": 1}, {"x": 2, "x": 2}]"#, "x"),
        ] {
            match parse::<Value>("test", text) {
                Err(FormatError::DuplicateKey {
                    key: k, line: 1, ..
                }) => assert_eq!(k, key),
                other => panic!("{text}: {other:?}"),
            }
        }
        let v: Value = parse(
            "test",
            r#"{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}"#,
        )
        .unwrap();
        assert_eq!(v["c"][1]["a"], 4);
        assert!(matches!(
            parse::<Value>("test", "{\"a\": 1,}"),
            Err(FormatError::Json { .. })
        ));
        assert!(matches!(
            parse::<Value>("test", "{} {}"),
            Err(FormatError::Json { .. })
        ));
        let e = parse::<Value>("test", "{\"\\u001b[2J\": 1, \"\\u001b[2J\": 1}").unwrap_err();
        assert!(e.to_string().contains("duplicate key `\\u{1b}[2J`"), "{e}");
    }

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
