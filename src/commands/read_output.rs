//! What every reading command shares: announcing the window, printing to the
//! terminal, and writing a file that is never half-written.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;

use crate::error::{Error, Result};
use crate::output::{self, Format, RenderOptions};
use crate::rows::RowSink;
use crate::selection::{TimeBasis, What};
use crate::window::TimeWindow;

/// How much lower than `serve` a reading command runs (nice(1) steps): the
/// lowest priority. Readers barely slow down (BENCHMARKS.md: 285 passes in
/// a minute against 313 at nice 10) while ingest keeps more of the CPU.
const READER_NICENESS: i32 = 19;

/// Reading commands run at a lower CPU priority: on a two-core machine an
/// export or a few reports would otherwise take the CPU `serve` needs to
/// answer Everflow (measured in BENCHMARKS.md, "ingest with readers").
pub fn yield_to_serve() {
    if let Err(e) = rustix::process::nice(READER_NICENESS) {
        tracing::debug!("cannot lower this command's priority: {e}");
    }
}

/// `one` for a count of 1, else `many`: "1 conversion", "2 conversions".
pub fn counted<'a>(count: u64, one: &'a str, many: &'a str) -> &'a str {
    if count == 1 { one } else { many }
}

/// Tells the user on stderr which window was applied. Deliveries and
/// refusals have no time of a fact: their window is always by arrival.
pub fn announce_window(window: &TimeWindow, what: What, basis: TimeBasis) {
    let by_arrival = what.resource_type().is_none();
    let basis = match basis {
        TimeBasis::Fact if !by_arrival => "by the time of the fact",
        _ => "by the time received",
    };
    eprintln!("evarchive: window {} ({basis})", window.describe());
}

/// Says on stderr how many of the rows of an answer are dated by their
/// arrival: listed and reported by it, since their bodies carry no
/// plausible time.
pub fn note_dated_by_arrival(by_arrival: u64, rows: u64) {
    if by_arrival > 0 {
        let (verb, its, whose) = if by_arrival == 1 {
            ("is", "its", "its body carries")
        } else {
            ("are", "their", "their bodies carry")
        };
        eprintln!(
            "evarchive: {by_arrival} of {rows} rows {verb} dated by {its} arrival: {whose} no plausible time (column time_source)"
        );
    }
}

/// How wide a table may be: the terminal's width when stdout is a terminal
/// (`COLUMNS` wins when set), unlimited when piped.
pub fn table_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return Some(columns);
    }
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(width, _)| usize::from(width.0))
}

/// Says on stderr which columns a table left out to fit the terminal, and how
/// to get them back.
pub fn note_hidden_columns(sink: &dyn RowSink, way_back: &str) {
    let hidden = sink.hidden_columns();
    if !hidden.is_empty() {
        eprintln!(
            "evarchive: not shown at this terminal width: {}; {way_back}",
            hidden.join(", ")
        );
    }
}

/// A renderer printing to stdout, or to `output` through a temporary file;
/// a table on stdout fits the terminal.
pub fn output_sink(
    format: Format,
    excel: bool,
    zone: TimeZone,
    output: Option<&Path>,
) -> Result<(Destination, Box<dyn RowSink>)> {
    let (destination, out) = Destination::open(output)?;
    let max_width = match (&destination, format) {
        (Destination::Stdout, Format::Table) => table_width(),
        _ => None,
    };
    let options = RenderOptions {
        format,
        excel,
        zone,
        max_width,
    };
    Ok((destination, output::sink(options, out)))
}

/// Where the output goes: stdout, or a file written under a temporary name
/// and renamed into place by `Destination::finish`, so it is never half-written.
pub enum Destination {
    Stdout,
    File { partial: PathBuf, path: PathBuf },
}

impl Destination {
    pub fn open(path: Option<&Path>) -> Result<(Destination, Box<dyn Write>)> {
        let Some(path) = path else {
            return Ok((Destination::Stdout, Box::new(std::io::stdout().lock())));
        };
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let file = File::create(&partial).map_err(|source| Error::Io {
            context: format!("cannot create {}", partial.display()),
            source,
        })?;
        Ok((
            Destination::File {
                partial,
                path: path.to_owned(),
            },
            Box::new(file),
        ))
    }

    pub fn finish(self) -> Result<()> {
        if let Destination::File { partial, path } = self {
            std::fs::rename(&partial, &path).map_err(|source| Error::Io {
                context: format!("cannot rename {} to {}", partial.display(), path.display()),
                source,
            })?;
        }
        Ok(())
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self, Destination::Stdout)
    }

    /// Removes the partial file of a failed export.
    pub fn abandon(self) {
        if let Destination::File { partial, .. } = self {
            let _ = std::fs::remove_file(partial);
        }
    }

    /// Completes the output if writing it went well, else removes the
    /// partial file; `sink` is dropped first, so every byte is flushed.
    pub fn settle<T>(self, sink: Box<dyn RowSink>, written: Result<T>) -> Result<T> {
        drop(sink);
        match written {
            Ok(value) => {
                self.finish()?;
                Ok(value)
            }
            Err(error) => {
                self.abandon();
                Err(error)
            }
        }
    }
}
