//! Text from files, shown safely. Every error and message that carries text read from a file
//! (an identifier, an attribute name, a code, a value, a format tag, the JSON parser's echo
//! of a field) shows it through [`Untrusted`], so a hostile file cannot move the cursor,
//! clear the screen, retitle the terminal, hide text behind a bidirectional override, or
//! start a new line that looks like the program's own output.
//!
//! Escaped: the C0 controls (U+0000 to U+001F, newline and tab included), DEL (U+007F), the
//! C1 controls (U+0080 to U+009F), the bidirectional controls (U+061C, U+200E, U+200F,
//! U+202A to U+202E, U+2066 to U+2069), the line and paragraph separators (U+2028, U+2029),
//! and the backslash itself, so the escaped text reads back unambiguously. Each becomes
//! `\u{XX}` (the backslash `\\`).
//!
//! ```
//! use healthpass::untrusted::Untrusted;
//! assert_eq!(Untrusted("nl\u{1b}[2J").to_string(), "nl\\u{1b}[2J");
//! assert_eq!(Untrusted("Ada\u{202e}").to_string(), "Ada\\u{202e}");
//! assert_eq!(Untrusted("plain ascii, é").to_string(), "plain ascii, é");
//! ```

use core::fmt::{self, Write};

/// `true` for a character that [`Untrusted`] escapes (the backslash aside).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200e}'
                | '\u{200f}'
                | '\u{202a}'..='\u{202e}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// Displays text from a file with its control characters escaped (see the module
/// documentation).
#[derive(Clone, Copy, Debug)]
pub struct Untrusted<'a>(pub &'a str);

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(|c: char| c == '\\' || is_unsafe(c)) {
            f.write_str(&rest[..i])?;
            let c = rest[i..].chars().next().unwrap_or('\\');
            if c == '\\' {
                f.write_str("\\\\")?;
            } else {
                write!(f, "\\u{{{:x}}}", u32::from(c))?;
            }
            rest = &rest[i + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// [`Untrusted`] as a `String`.
pub fn escape_untrusted(text: &str) -> String {
    Untrusted(text).to_string()
}

/// JSON text as serialized by `serde_json` with every character that [`Untrusted`] escapes
/// and JSON does not (DEL, C1, the bidirectional controls, U+2028/U+2029) written as a JSON
/// `\uXXXX` escape. The serializer already escapes C0 controls inside strings, so any left
/// are its own whitespace; outside strings JSON holds none of the others. The result is the
/// same JSON value, safe to print.
pub fn escape_json_output(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c >= '\u{7f}' && is_unsafe(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{:04x}", u);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escapes_every_kind_of_control() {
        for (raw, shown) in [
            ("\u{1b}[2J", "\\u{1b}[2J"),
            ("a\nb\tc\r", "a\\u{a}b\\u{9}c\\u{d}"),
            ("\u{7f}\u{9b}\u{85}", "\\u{7f}\\u{9b}\\u{85}"),
            (
                "x\u{202e}y\u{2066}z\u{200f}",
                "x\\u{202e}y\\u{2066}z\\u{200f}",
            ),
            ("\u{2028}\u{61c}", "\\u{2028}\\u{61c}"),
            ("back\\slash", "back\\\\slash"),
            ("café ✓ 日本", "café ✓ 日本"),
        ] {
            assert_eq!(escape_untrusted(raw), shown);
        }
        let json =
            serde_json::to_string_pretty(&serde_json::json!({"k": "a\u{1b}\u{202e}\u{9b}\n"}))
                .unwrap();
        let safe = escape_json_output(&json);
        assert!(!safe.lines().any(|l| l.chars().any(is_unsafe)), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["k"], "a\u{1b}\u{202e}\u{9b}\n");
    }

    proptest! {
        #[test]
        fn output_is_always_safe(s in "\\PC*|[\\x00-\\x7f\\u{80}-\\u{9f}\\u{2000}-\\u{206f}]{0,20}") {
            let shown = escape_untrusted(&s);
            prop_assert!(!shown.chars().any(is_unsafe));
            // Text without anything to escape is shown as it is.
            if !s.chars().any(|c| c == '\\' || is_unsafe(c)) {
                prop_assert_eq!(shown, s);
            }
        }
    }
}
