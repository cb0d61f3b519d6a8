//! The flags of the commands that read an archive: what, which window,
//! which filters, and in what form.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::KindName;
use crate::grouped_sums::Dimension;
use crate::output::Format;
use crate::selection::What;

/// A span of time: `--since`/`--until` or `--month`, read in `--tz`.
#[derive(Debug, Args)]
pub struct TimeRangeArgs {
    /// Start of the window (inclusive): 30m, 36h, 1d, 2w (back from now), now,
    /// today, yesterday, 2026-11-01, 2026-11-01T08:00 (in --tz), or RFC 3339.
    /// Without it: from the beginning.
    #[arg(long, allow_hyphen_values = true, conflicts_with = "month")]
    pub since: Option<String>,

    /// End of the window (exclusive), in the same forms as --since. Without it: now.
    #[arg(long, allow_hyphen_values = true, conflicts_with = "month")]
    pub until: Option<String>,

    /// One calendar month in --tz, e.g. 2026-11 (the same as --since 2026-11-01
    /// --until 2026-12-01).
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,

    /// IANA time zone for today/yesterday, dates, months, day/hour buckets and
    /// printed times.
    #[arg(long, env = "EVARCHIVE_TZ", default_value = "UTC")]
    pub tz: String,
}

/// The time window: which facts (or arrivals) a command selects.
#[derive(Debug, Args)]
pub struct WindowArgs {
    #[command(flatten)]
    pub range: TimeRangeArgs,

    /// Select by when deliveries arrived instead of when the facts happened.
    #[arg(long)]
    pub by_received: bool,
}

/// Filters; each applies where the records have the field. Flags that take ids,
/// statuses or codes accept several values separated by commas (`--status
/// approved,pending`); sub ids and event names may hold commas, so they take
/// several values by repeating the flag (`--sub1 a --sub1 b`).
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Offer ids.
    #[arg(long, value_name = "ID,…", value_delimiter = ',')]
    pub offer: Vec<String>,
    /// Partner (affiliate) ids.
    #[arg(
        long,
        visible_alias = "partner",
        value_name = "ID,…",
        value_delimiter = ','
    )]
    pub affiliate: Vec<String>,
    /// Advertiser ids.
    #[arg(long, value_name = "ID,…", value_delimiter = ',')]
    pub advertiser: Vec<String>,
    /// Statuses: approved, pending, rejected, invalid for conversions and events;
    /// the offer, account or verdict status elsewhere; for deliveries the outcome
    /// (new, version, restored, duplicate); for refusals the HTTP status.
    #[arg(long, value_name = "S,…", value_delimiter = ',')]
    pub status: Vec<String>,
    /// Conversion ids (also post-conversion events' own ids).
    #[arg(long, value_name = "ID,…", value_delimiter = ',')]
    pub conversion_id: Vec<String>,
    /// Transaction (click) ids; a conversion and its events share one.
    #[arg(long, value_name = "ID,…", value_delimiter = ',')]
    pub transaction_id: Vec<String>,
    /// Post-conversion event name (repeat for several).
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub event: Vec<String>,
    /// Country codes (US, GB…).
    #[arg(long, value_name = "CC,…", value_delimiter = ',')]
    pub country: Vec<String>,
    /// Currencies (USD, EUR…).
    #[arg(long, value_name = "C,…", value_delimiter = ',')]
    pub currency: Vec<String>,
    /// Sub id 1, matched exactly (repeat for several).
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub1: Vec<String>,
    /// Sub id 2.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub2: Vec<String>,
    /// Sub id 3.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub3: Vec<String>,
    /// Sub id 4.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub4: Vec<String>,
    /// Sub id 5.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub5: Vec<String>,
    /// Sub id 6.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub6: Vec<String>,
    /// Sub id 7.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub7: Vec<String>,
    /// Sub id 8.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub8: Vec<String>,
    /// Sub id 9.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub9: Vec<String>,
    /// Sub id 10.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub10: Vec<String>,
    /// Webhook kinds, for deliveries and refusals (e.g. conversion_registered).
    #[arg(long, value_name = "KIND,…", value_delimiter = ',', ignore_case = true)]
    pub kind: Vec<KindName>,
    /// Only deliveries whose body was another resource than the kind of the
    /// URL they arrived at (archived as what they are; the "url kind" column
    /// names the URL to fix).
    #[arg(long)]
    pub misrouted: bool,
    /// Every version of each record, not only the current one.
    #[arg(long)]
    pub versions: bool,
}

impl FilterArgs {
    /// The sub-id flags, slot 1 first.
    pub fn subs(&self) -> [&[String]; 10] {
        [
            &self.sub1,
            &self.sub2,
            &self.sub3,
            &self.sub4,
            &self.sub5,
            &self.sub6,
            &self.sub7,
            &self.sub8,
            &self.sub9,
            &self.sub10,
        ]
    }
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// What to list.
    #[arg(ignore_case = true)]
    pub what: What,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table, ignore_case = true)]
    pub format: Format,
    /// Columns to print, comma-separated (default: a few for a table, all otherwise).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Rows to print at most (newest first); 0 for no limit.
    #[arg(long, default_value_t = 100)]
    pub limit: u64,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write.
    #[arg(ignore_case = true)]
    pub what: What,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Output format: csv (the default), tsv, json or ndjson.
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub file: FileArgs,
    /// Columns to write, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
}

/// Output for a spreadsheet or a file, shared by `export` and `report`.
#[derive(Debug, Args)]
pub struct FileArgs {
    /// Spreadsheet-safe CSV (or TSV): UTF-8 BOM, CRLF, plain date-times, ids and
    /// number-like text kept as text, and cells a spreadsheet would run as a
    /// formula defused.
    #[arg(long)]
    pub excel: bool,
    /// Write to FILE instead of stdout (completed under a temporary name, then
    /// renamed, so FILE is never half-written).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The records a report can sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Summable {
    #[value(alias = "conversion")]
    Conversions,
    #[value(alias = "event")]
    Events,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// conversions or events.
    #[arg(ignore_case = true)]
    pub what: Summable,
    /// Group by this; repeat for nested groups (--by offer --by day).
    #[arg(long = "by", value_name = "DIM", required = true, ignore_case = true)]
    pub by: Vec<Dimension>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub window: WindowArgs,
    /// Output format (default: a table, or CSV with --excel or -o).
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub file: FileArgs,
    /// Columns to print, comma-separated (default: all; a narrow terminal drops
    /// the least important first and says which).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// offer, advertiser, partner (affiliate), conversion, event, verdict,
    /// approval, blocked.
    #[arg(ignore_case = true)]
    pub what: What,
    /// The record's id (e.g. an offer id, a conversion id).
    pub id: String,
    /// IANA time zone for the printed times.
    #[arg(long, env = "EVARCHIVE_TZ", default_value = "UTC")]
    pub tz: String,
    /// Print each version after the first as what changed from the one
    /// before it (each field's path, old → new), not its whole body.
    #[arg(long)]
    pub diff: bool,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table, ignore_case = true)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// When the deliveries arrived (the times written are UTC).
    #[command(flatten)]
    pub arrived: TimeRangeArgs,
    /// Webhook kinds (e.g. conversion_registered); all without it.
    #[arg(long, value_name = "KIND,…", value_delimiter = ',', ignore_case = true)]
    pub kind: Vec<KindName>,
    /// Write to FILE instead of stdout (completed under a temporary name, then
    /// renamed, so FILE is never half-written).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}
