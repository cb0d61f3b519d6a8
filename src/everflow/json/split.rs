//! Finding where the members of an object (or the items of an array) start and
//! end, in JSON text that serde_json has already validated as part of its
//! document.
//!
//! Asking serde_json again would validate the text again, once per level of
//! nesting. On valid text the scanner only has to skip strings and count
//! brackets; it checks nothing else. It never panics: on text that is not valid
//! JSON (which it is never given) its answer is meaningless, often `None`.

/// Calls `member` with each member's name (the string literal, quotes and
/// escapes included) and value text, in text order.
pub(super) fn object_members<'a>(
    text: &'a str,
    mut member: impl FnMut(&'a str, &'a str),
) -> Option<()> {
    let mut scanner = Scanner { text, at: 0 };
    scanner.expect(b'{')?;
    if scanner.next_is(b'}') {
        return Some(());
    }
    loop {
        scanner.skip_white_space();
        let name = scanner.string()?;
        scanner.expect(b':')?;
        scanner.skip_white_space();
        member(name, scanner.value()?);
        if !scanner.next_is(b',') {
            return scanner.expect(b'}');
        }
        scanner.at += 1;
    }
}

/// The text of each item of an array, in order.
pub(super) fn array_items(text: &str) -> Option<Vec<&str>> {
    let mut scanner = Scanner { text, at: 0 };
    let mut items = Vec::new();
    scanner.expect(b'[')?;
    if scanner.next_is(b']') {
        return Some(items);
    }
    loop {
        scanner.skip_white_space();
        items.push(scanner.value()?);
        if !scanner.next_is(b',') {
            scanner.expect(b']')?;
            return Some(items);
        }
        scanner.at += 1;
    }
}

struct Scanner<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn skip_white_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    /// Whether the next byte after white space is `byte` (not consumed).
    fn next_is(&mut self, byte: u8) -> bool {
        self.skip_white_space();
        self.peek() == Some(byte)
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        self.next_is(byte).then(|| self.at += 1)
    }

    /// At a `"`: moves past the closing quote and returns the literal.
    fn string(&mut self) -> Option<&'a str> {
        let start = self.at;
        let bytes = self.text.as_bytes();
        if bytes.get(start) != Some(&b'"') {
            return None;
        }
        let mut at = start + 1;
        loop {
            match *bytes.get(at)? {
                b'"' => break,
                // An escape is two bytes or more (`\"`, `\u00e9`); skipping the
                // byte after the backslash is enough to not mistake `\"` for the end.
                b'\\' => at += 2,
                _ => at += 1,
            }
        }
        self.at = at + 1;
        self.text.get(start..self.at)
    }

    /// At a value's first byte: moves past its end and returns its text.
    fn value(&mut self) -> Option<&'a str> {
        let start = self.at;
        match self.peek()? {
            b'"' => return self.string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.checked_sub(1)?;
                            if depth == 0 {
                                self.at += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            // A number or a literal: runs to the next delimiter.
            _ => {
                while let Some(byte) = self.peek() {
                    if matches!(byte, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                        break;
                    }
                    self.at += 1;
                }
                if self.at == start {
                    return None;
                }
            }
        }
        self.text.get(start..self.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(text: &str) -> Option<Vec<(&str, &str)>> {
        let mut found = Vec::new();
        object_members(text, |name, value| found.push((name, value)))?;
        Some(found)
    }

    #[test]
    fn objects_split_into_names_and_values() {
        let text = r#"{ "a" : 1 , "b\"}" :"x\\" ,"c":{"d":[1,{"e":"]}"}]},"f":-2.5e3,"g":null}"#;
        assert_eq!(
            members(text),
            Some(vec![
                (r#""a""#, "1"),
                (r#""b\"}""#, r#""x\\""#),
                (r#""c""#, r#"{"d":[1,{"e":"]}"}]}"#),
                (r#""f""#, "-2.5e3"),
                (r#""g""#, "null"),
            ])
        );
        assert_eq!(members("{ }"), Some(vec![]));
        assert_eq!(
            members("{\n\"a\"\n:\ntrue\n}"),
            Some(vec![(r#""a""#, "true")])
        );
    }

    #[test]
    fn arrays_split_into_items() {
        assert_eq!(
            array_items(r#"[ 1, "a,]", [2, [3]], {"b": ","} ]"#),
            Some(vec!["1", r#""a,]""#, "[2, [3]]", r#"{"b": ","}"#])
        );
        assert_eq!(array_items("[]"), Some(vec![]));
    }

    #[test]
    fn invalid_text_gives_up_without_panicking() {
        for text in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\":1",
            "{a:1}",
            "{\"a\":}}",
            "\"",
            "{\"a\":\"\\",
            "{\"a\":[1}",
            "{\"a\" 1}",
        ] {
            assert_eq!(members(text), None, "{text}");
        }
        for text in ["", "[", "[1", "]", "[1 2]", "[,]"] {
            assert_eq!(array_items(text), None, "{text}");
        }
    }
}
