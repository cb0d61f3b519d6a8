//! Cell text made safe for one terminal line.

use std::fmt::Write as _;

/// Appends `text` to `out` with control characters spelled out (`\n`, `\t`,
/// `\u{1b}`): a record stays on one line, and escape sequences hidden in a
/// partner's sub id or user agent cannot drive the terminal.
pub(super) fn push_escaped(out: &mut String, text: &str) {
    if !text.chars().any(char::is_control) {
        out.push_str(text);
        return;
    }
    for character in text.chars() {
        match character {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            control if control.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(control));
            }
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_out_control_characters() {
        let cases = [
            ("plain ünïcødé", "plain ünïcødé"),
            ("a\nb\r\nc\td", "a\\nb\\r\\nc\\td"),
            ("\u{1b}[31mred", "\\u{1b}[31mred"),
            ("\u{7f}\u{85}", "\\u{7f}\\u{85}"),
        ];
        for (text, expected) in cases {
            let mut out = String::new();
            push_escaped(&mut out, text);
            assert_eq!(out, expected);
        }
    }
}
