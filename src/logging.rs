//! The log: tracing events to stderr, as text or one JSON object a line.
//! `serve` logs at info (a line per request, start-up, stops, trouble); the
//! other commands only warnings and errors, since their stderr is for the
//! person who ran them. EVARCHIVE_LOG (else RUST_LOG) overrides either, with
//! tracing's filter syntax (`debug`, `warn,evarchive=info`).

use std::io::IsTerminal;
use std::sync::OnceLock;

use clap::ValueEnum;
use tracing_subscriber::EnvFilter;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line a record: time, level, message, fields as key=value.
    #[default]
    Text,
    /// One JSON object a line, fields as keys (for a log shipper).
    Json,
}

static FORMAT: OnceLock<LogFormat> = OnceLock::new();

/// Installs the log for this process: `default` is the filter when neither
/// variable gives one.
pub fn init(format: LogFormat, default: &str) -> Result<()> {
    let (source, directives) = ["EVARCHIVE_LOG", "RUST_LOG"]
        .into_iter()
        .find_map(|name| {
            let value = std::env::var(name).ok()?;
            (!value.trim().is_empty()).then_some((name, value))
        })
        .unwrap_or(("the default", default.to_owned()));
    let filter = EnvFilter::try_new(&directives).map_err(|e| Error::InvalidArgument {
        flag: "EVARCHIVE_LOG",
        why: format!(
            "{source} is {directives:?}, which is not a log filter ({e}); use a level such as info, warn or debug"
        ),
    })?;
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_target(false);
    // A second init (tests running the library twice) keeps the first.
    let _ = match format {
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
    };
    let _ = FORMAT.set(format);
    Ok(())
}

/// Whether the log is JSON lines (so nothing else may be written to stderr).
pub fn is_json() -> bool {
    FORMAT.get() == Some(&LogFormat::Json)
}
