//! Re-indenting a JSON body for reading, byte for byte otherwise: keys stay in
//! the order Everflow sent them and numbers keep their exact text. serde_json
//! cannot do this here: its maps sort keys, and transcoding turns numbers into
//! binary floating point. The body is validated first, so the
//! re-indenter only has to track strings and nesting.

use std::io::{self, Write};

use crate::everflow::json::StringTracker;

const INDENT: &[u8] = b"  ";

/// Writes `raw` re-indented when it is one JSON document; returns false (and
/// writes nothing) when it is not, so the caller can print it as it is.
pub fn write_pretty_json(out: &mut dyn Write, raw: &[u8]) -> io::Result<bool> {
    if serde_json::from_slice::<serde::de::IgnoredAny>(raw).is_err() {
        return Ok(false);
    }
    let mut pretty = Vec::with_capacity(raw.len() * 2);
    let mut depth = 0usize;
    let mut strings = StringTracker::default();
    let mut bytes = raw.iter().copied().peekable();
    let newline = |pretty: &mut Vec<u8>, depth: usize| {
        pretty.push(b'\n');
        for _ in 0..depth {
            pretty.extend_from_slice(INDENT);
        }
    };
    while let Some(byte) = bytes.next() {
        if strings.in_string(byte) {
            pretty.push(byte);
            continue;
        }
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b'{' | b'[' => {
                pretty.push(byte);
                // Skip white space to see whether the container is empty.
                while bytes.next_if(|b| b.is_ascii_whitespace()).is_some() {}
                if matches!(bytes.peek(), Some(b'}' | b']')) {
                    if let Some(close) = bytes.next() {
                        pretty.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut pretty, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut pretty, depth);
                pretty.push(byte);
            }
            b',' => {
                pretty.push(byte);
                newline(&mut pretty, depth);
            }
            b':' => pretty.extend_from_slice(b": "),
            _ => pretty.push(byte),
        }
    }
    pretty.push(b'\n');
    out.write_all(&pretty)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pretty(raw: &str) -> Option<String> {
        let mut out = Vec::new();
        write_pretty_json(&mut out, raw.as_bytes())
            .expect("writes")
            .then(|| String::from_utf8(out).expect("UTF-8"))
    }

    #[test]
    fn keys_keep_their_order_and_numbers_their_text() {
        assert_eq!(
            pretty(r#"{"z":12.50,"a":[1,2.0e3,{}],"m":{"q":"x, \"y\" {z}"},"e":[]}"#).as_deref(),
            Some(concat!(
                "{\n",
                "  \"z\": 12.50,\n",
                "  \"a\": [\n",
                "    1,\n",
                "    2.0e3,\n",
                "    {}\n",
                "  ],\n",
                "  \"m\": {\n",
                "    \"q\": \"x, \\\"y\\\" {z}\"\n",
                "  },\n",
                "  \"e\": []\n",
                "}\n",
            ))
        );
    }

    #[test]
    fn white_space_is_replaced_and_escapes_survive() {
        assert_eq!(
            pretty("{ \"a\" :\n [ \"\\\\\" , \"\\u00e9\" ] }").as_deref(),
            Some("{\n  \"a\": [\n    \"\\\\\",\n    \"\\u00e9\"\n  ]\n}\n")
        );
    }

    #[test]
    fn what_is_not_json_is_left_to_the_caller() {
        assert_eq!(pretty("conversion_id=7&payout=1.10"), None);
        assert_eq!(pretty(""), None);
    }
}
