//! The names of the output formats, as the command line spells them.

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// An aligned text table for people, fitted to the terminal.
    Table,
    /// RFC 4180 comma-separated values with a header row.
    Csv,
    /// The same with tabs.
    Tsv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl Format {
    /// The name the command line uses.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Tsv => "tsv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }

    /// Whether a spreadsheet opens it (and `--excel` applies).
    pub fn is_delimited(self) -> bool {
        matches!(self, Format::Csv | Format::Tsv)
    }
}
