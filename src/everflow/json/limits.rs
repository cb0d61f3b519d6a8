//! Where capturing members as raw text is laxer than a full parse, and how the
//! difference is closed.
//!
//! serde_json skips a captured value without its recursion limit, and without
//! checking that `\u` escapes of UTF-16 surrogates come in pairs. A document that
//! might fail either check gets a full parse first. Ordinary bodies pass a cheap
//! byte scan instead.
//!
//! Errors are reported at slightly different positions by the two ways of
//! parsing; a refused document is therefore parsed again in full, so that every
//! error message is exactly the one a full parse gives.

use super::strings::StringTracker;
use serde_json::Value;

/// serde_json refuses the 128th nested array or object.
const MAX_NESTING: usize = 127;

/// Parses with `parse_raw` (which captures members as raw text), with the
/// checks and error messages of a full parse.
pub(super) fn parse_strictly<'a, T>(
    text: &'a str,
    parse_raw: impl FnOnce(&'a str) -> Result<T, serde_json::Error>,
) -> Result<T, serde_json::Error> {
    if needs_full_parse(text.as_bytes()) {
        serde_json::from_str::<Value>(text)?;
    }
    parse_raw(text).map_err(|error| match serde_json::from_str::<Value>(text) {
        Err(full_parse_error) => full_parse_error,
        Ok(_) => error,
    })
}

/// Whether the text might nest deeper than [`MAX_NESTING`] or hold a surrogate
/// escape. One pass over the bytes settles almost every body: it counts every
/// `[` and `{` (inside strings too: an upper bound of the nesting) and looks for
/// any backslash. Only a high count or a backslash needs a closer look.
fn needs_full_parse(bytes: &[u8]) -> bool {
    let (mut openings, mut backslash) = (0, false);
    // Byte-wide lanes, 255 bytes at a time so that none overflows: this compiles
    // to vector instructions.
    for chunk in bytes.chunks(255) {
        let (mut count, mut seen) = (0u8, false);
        for &byte in chunk {
            // `[` is 0x5B and `{` 0x7B: they, and only they, are `{` with bit 5 set.
            count += u8::from((byte | 0x20) == b'{');
            seen |= byte == b'\\';
        }
        openings += usize::from(count);
        backslash |= seen;
    }
    (openings > MAX_NESTING && deepest_nesting(bytes) > MAX_NESTING)
        || (backslash && has_surrogate_escape(bytes))
}

/// The deepest nesting of arrays and objects outside strings, counted up to one
/// past the limit.
fn deepest_nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut strings = StringTracker::default();
    for &byte in bytes {
        if strings.in_string(byte) {
            continue;
        }
        match byte {
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
                if depth > MAX_NESTING {
                    return depth;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Whether some `\u` escape is of a UTF-16 surrogate (`\uD800`–`\uDFFF`), which
/// must be paired. An escaped backslash before `ud…` also counts: a false alarm
/// only costs the full parse.
fn has_surrogate_escape(bytes: &[u8]) -> bool {
    bytes
        .windows(3)
        .any(|window| window[0] == b'\\' && window[1] == b'u' && (window[2] | 0x20) == b'd')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert_eq!(deepest_nesting(br#"{"a":[{"b":"[[[{{{\"["}]}"#), 3);
        assert_eq!(deepest_nesting(b"[[]]"), 2);
        assert!(!needs_full_parse(&b"[]".repeat(500)));
        let deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        assert!(needs_full_parse(deep.as_bytes()));
        let deepest_allowed = format!("{}{}", "[".repeat(127), "]".repeat(127));
        assert!(!needs_full_parse(deepest_allowed.as_bytes()));
    }

    #[test]
    fn surrogate_escapes_are_spotted_in_either_case() {
        assert!(has_surrogate_escape(br#""\ud83d\ude00""#));
        assert!(has_surrogate_escape(br#""\uDC00""#));
        assert!(!has_surrogate_escape(br#""\u00e9 d""#));
        assert!(!has_surrogate_escape(b"\"ud800\""));
        assert!(needs_full_parse(br#"{"a": "\ud800"}"#));
        assert!(!needs_full_parse(br#"{"a": "\u00e9\n"}"#));
    }
}
