//! Lines of at most a given length: a longer one is skipped to its end and
//! reported with its length, so an input of any shape holds no more than the
//! limit in memory (`BufRead::lines` holds a whole line, however long, and
//! stops at the first one that is not UTF-8).

use std::io::{BufRead, ErrorKind, Result};

/// One line of the input, without its line end (`\n` or `\r\n`).
#[derive(Debug, PartialEq, Eq)]
pub enum Line<'a> {
    Bytes(&'a [u8]),
    /// Longer than the limit: its length, none of it kept.
    TooLong {
        length: u64,
    },
}

pub struct BoundedLines<R> {
    reader: R,
    limit: usize,
    line: Vec<u8>,
}

impl<R: BufRead> BoundedLines<R> {
    pub fn new(reader: R, limit: usize) -> BoundedLines<R> {
        BoundedLines {
            reader,
            limit,
            line: Vec::new(),
        }
    }

    /// The next line; None at the end of the input.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>> {
        self.line.clear();
        let mut length: u64 = 0;
        let mut any = false;
        let mut last = None;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            any = true;
            let end = available.iter().position(|&b| b == b'\n');
            let piece = &available[..end.unwrap_or(available.len())];
            // One byte more than the limit is kept, for a `\r` before the
            // line end; past that the line is only measured.
            let kept = self.line.len() as u64 == length;
            if kept && self.line.len() + piece.len() <= self.limit.saturating_add(1) {
                self.line.extend_from_slice(piece);
            } else if kept {
                self.line = Vec::new();
            }
            length += piece.len() as u64;
            last = piece.last().copied().or(last);
            let used = piece.len() + usize::from(end.is_some());
            self.reader.consume(used);
            if end.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        if last == Some(b'\r') {
            if self.line.len() as u64 == length {
                self.line.pop();
            }
            length -= 1;
        }
        if length > self.limit as u64 {
            return Ok(Some(Line::TooLong { length }));
        }
        Ok(Some(Line::Bytes(&self.line)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], limit: usize) -> Vec<String> {
        // A tiny buffer, so lines span many reads.
        let reader = std::io::BufReader::with_capacity(3, input);
        let mut lines = BoundedLines::new(reader, limit);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().expect("read") {
            out.push(match line {
                Line::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                Line::TooLong { length } => format!("too long: {length}"),
            });
        }
        out
    }

    #[test]
    fn lines_end_at_newlines_and_crlf_and_longer_ones_are_measured_not_kept() {
        assert_eq!(
            lines(b"ab\r\n\ncdef\nghijklmnop\nxyz", 4),
            ["ab", "", "cdef", "too long: 10", "xyz"]
        );
        assert_eq!(lines(b"abcd\r\nabcde\r\n", 4), ["abcd", "too long: 5"]);
        assert!(lines(b"", 4).is_empty());
        assert_eq!(lines(b"\xff\xfe\n", 4), ["\u{fffd}\u{fffd}"]);
    }
}
