//! What import says at the end, on stderr: what was read, committed and
//! refused (by reason, with line numbers), and how to go on from there.

use std::collections::BTreeMap;
use std::path::Path;

/// Line numbers kept per reason for the summary.
const NAMED_LINES: usize = 5;

#[derive(Debug, Default)]
pub struct Tally {
    /// Lines read, blank ones included.
    pub lines: u64,
    pub blank: u64,
    refused: BTreeMap<&'static str, Refused>,
    /// The first line that is not blank, when it only opens a JSON object
    /// or array (`{`, `[`, `[{`): the input is likely one pretty-printed
    /// document, which no line of holds whole.
    opens_a_document: Option<bool>,
}

#[derive(Debug, Default)]
struct Refused {
    count: u64,
    first_lines: Vec<u64>,
}

/// Where the run ended when it could not go on.
pub struct Stop {
    /// The line being read or stored when it stopped.
    pub line: u64,
    /// The first line whose delivery may not be committed: where to start
    /// again.
    pub resume_from: u64,
}

/// What the summary names besides the tally.
pub struct Ending<'a> {
    pub db: &'a Path,
    /// None: standard input.
    pub file: Option<&'a Path>,
    /// `--kind NAME`, for the command to resume with.
    pub kind: Option<&'a str>,
    pub outcomes: &'a BTreeMap<&'static str, u64>,
    pub stop: Option<Stop>,
}

impl Tally {
    pub fn refuse(&mut self, line: u64, reason: &'static str) {
        let refused = self.refused.entry(reason).or_default();
        refused.count += 1;
        if refused.first_lines.len() < NAMED_LINES {
            refused.first_lines.push(line);
        }
    }

    /// Looks at the first line that is not blank (later ones are ignored).
    pub fn note_first_line(&mut self, line: &[u8]) {
        if self.opens_a_document.is_none() {
            let text = String::from_utf8_lossy(line);
            let opener: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            self.opens_a_document = Some(matches!(opener.as_str(), "{" | "[" | "[{"));
        }
    }

    pub fn refused(&self) -> u64 {
        self.refused.values().map(|r| r.count).sum()
    }

    /// The summary's lines.
    pub fn summary(&self, ending: &Ending<'_>) -> Vec<String> {
        let stored: u64 = ending.outcomes.values().sum();
        let outcomes: Vec<String> = ["new", "version", "restored", "duplicate"]
            .iter()
            .filter_map(|name| {
                let count = ending.outcomes.get(name).copied().unwrap_or(0);
                (count > 0).then(|| format!("{count} {name}"))
            })
            .collect();
        let outcomes = if outcomes.is_empty() {
            String::new()
        } else {
            format!(" ({})", outcomes.join(", "))
        };
        let mut lines = vec![format!(
            "evarchive: import into {}: read {} line(s) ({} blank), committed {stored} deliveries{outcomes}, refused {} line(s)",
            ending.db.display(),
            self.lines,
            self.blank,
            self.refused()
        )];
        for (reason, refused) in &self.refused {
            let named: Vec<String> = refused.first_lines.iter().map(u64::to_string).collect();
            let more = refused.count - refused.first_lines.len() as u64;
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            lines.push(format!(
                "evarchive: refused as {reason}: {} line(s): {}{more}",
                refused.count,
                named.join(", ")
            ));
        }
        if self.opens_a_document == Some(true) && self.refused.contains_key("invalid_json") {
            lines.push(
                "evarchive: the input looks like one pretty-printed JSON document, not one body a line: \
                 import takes one compact JSON document per line; write it so with `jq -c . FILE` \
                 (a JSON array of bodies: `jq -c '.[]' FILE`) and import that"
                    .to_owned(),
            );
        }
        let again = "importing the same lines again would record their deliveries a second time, as duplicates";
        if let Some(stop) = &ending.stop {
            let command = format!(
                "evarchive --db {} import -{}",
                ending.db.display(),
                ending
                    .kind
                    .map(|k| format!(" --kind {k}"))
                    .unwrap_or_default()
            );
            let feed = match ending.file {
                Some(file) => format!(
                    "tail -n +{} {} | {command}",
                    stop.resume_from,
                    file.display()
                ),
                None => format!("… | tail -n +{} | {command}", stop.resume_from),
            };
            lines.push(format!(
                "evarchive: stopped at line {}; every line before {} is done (committed or refused); resume from there ({again}): {feed}",
                stop.line, stop.resume_from
            ));
        } else if self.refused() > 0 {
            lines.push(format!(
                "evarchive: every other line is committed; fix the refused lines and import only them ({again})"
            ));
        }
        lines
    }
}
