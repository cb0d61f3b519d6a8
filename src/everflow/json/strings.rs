//! Telling, byte by byte, whether JSON text is inside a string literal: what
//! every scanner over already-validated text needs before it can trust a
//! bracket or a comma.

/// Where a scan stands relative to string literals.
#[derive(Debug, Clone, Copy, Default)]
pub struct StringTracker {
    inside: bool,
    escaped: bool,
}

impl StringTracker {
    /// Feeds one byte; true when it belongs to a string literal, its quotes
    /// included, so the caller skips it as structure.
    pub fn in_string(&mut self, byte: u8) -> bool {
        if self.inside {
            match (self.escaped, byte) {
                (true, _) => self.escaped = false,
                (false, b'\\') => self.escaped = true,
                (false, b'"') => self.inside = false,
                _ => {}
            }
            return true;
        }
        if byte == b'"' {
            self.inside = true;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_escaped_quotes_inside_strings_are_string() {
        let text = br#"{"a\"[":"}\\",[1]}"#;
        let mut tracker = StringTracker::default();
        let structure: String = text
            .iter()
            .filter(|&&b| !tracker.in_string(b))
            .map(|&b| b as char)
            .collect();
        assert_eq!(structure, "{:,[1]}");
    }
}
