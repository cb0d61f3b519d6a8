//! The command line, as clap types only; `config/` turns them into validated
//! settings. Closed sets (WHAT, formats, dimensions, kinds) are `ValueEnum`s,
//! so clap itself refuses a wrong value (exit 2) and lists the accepted ones.

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::everflow::WebhookKind;
use crate::output::Format;
use crate::report::Dimension;
use crate::selection::What;

/// A durable, queryable archive of every webhook an Everflow account sends.
#[derive(Debug, Parser)]
#[command(name = "evarchive", version, about, long_about = None)]
pub struct Cli {
    /// The archive: an SQLite file, created with its schema by the first `serve`.
    #[arg(
        long,
        global = true,
        env = "EVARCHIVE_DB",
        default_value = "./evarchive.db"
    )]
    pub db: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Receive Everflow webhooks over HTTP and archive each one durably.
    Serve(ServeArgs),
    /// Print matching records as a table (or CSV, JSON…), newest first.
    Query(QueryArgs),
    /// Write every matching record as CSV (or TSV, JSON, NDJSON) for a spreadsheet.
    Export(ExportArgs),
    /// Sum conversions or events per offer, partner, day…: count, payout and
    /// revenue per status, and profit from approved ones.
    Report(ReportArgs),
    /// Every version of one record: its states in order of arrival, and its raw JSON.
    Show(ShowArgs),
    /// Per resource type: resources, versions, deliveries, redeliveries, refusals.
    Stats(StatsArgs),
    /// Every delivery with its exact body, one JSON object a line, in order of
    /// arrival: the lossless way out of the archive.
    Dump(DumpArgs),
    /// Load deliveries from a file (or - for standard input) through the same
    /// checks, deduplication and versions as serve: `evarchive dump` lines, or
    /// with --kind one Everflow body a line. Run it while serve is stopped.
    Import(ImportArgs),
    /// Make every typed column again from the stored raw bodies (after an
    /// upgrade that extracts more); raw bodies are never touched. Safe while
    /// serve runs.
    Reindex,
    /// Copy the archive, consistent as of one moment, to FILE while serve
    /// keeps running (written as FILE.partial, then renamed).
    Backup(BackupArgs),
    /// Print the webhook URLs with the archive's token (serve prints them only
    /// when it makes the token), or replace the token with --rotate.
    Token(TokenArgs),
    /// Scrub the archive: read every body back and check it against the
    /// SHA-256 taken on arrival, re-read every version and compare its typed
    /// row, recount the counters. Exit 1 if anything differs.
    Verify,
}

/// The time window: which facts (or arrivals) a command selects.
#[derive(Debug, Args)]
pub struct WindowArgs {
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
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table, ignore_case = true)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// Deliveries that arrived from this time (inclusive), in the forms of
    /// `query --since`. Without it: from the first.
    #[arg(long, allow_hyphen_values = true, conflicts_with = "month")]
    pub since: Option<String>,
    /// Deliveries that arrived before this time (exclusive). Without it: up to now.
    #[arg(long, allow_hyphen_values = true, conflicts_with = "month")]
    pub until: Option<String>,
    /// Deliveries that arrived in one calendar month in --tz, e.g. 2026-11.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// IANA time zone for dates and months (the times written are UTC).
    #[arg(long, env = "EVARCHIVE_TZ", default_value = "UTC")]
    pub tz: String,
    /// Webhook kinds (e.g. conversion_registered); all without it.
    #[arg(long, value_name = "KIND,…", value_delimiter = ',', ignore_case = true)]
    pub kind: Vec<KindName>,
    /// Write to FILE instead of stdout (completed under a temporary name, then
    /// renamed, so FILE is never half-written).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Use 0.0.0.0:PORT to accept connections from
    /// other machines (with HTTPS: --tls-cert/--tls-key or a reverse proxy, see the README).
    #[arg(long, env = "EVARCHIVE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// The secret every delivery must carry, as `?token=SECRET` in the URL or as
    /// `Authorization: Bearer SECRET`. Without it, a token is generated on first
    /// start, kept in the archive, and the ready-to-paste URLs are printed.
    #[arg(long, env = "EVARCHIVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Largest body accepted, in bytes; larger deliveries get 413.
    #[arg(long, env = "EVARCHIVE_MAX_BODY", default_value_t = 10 * 1024 * 1024)]
    pub max_body: usize,

    /// Seconds a request body may take to arrive; a slower one gets 408 and
    /// its connection is closed, so stalled uploads cannot pile up.
    #[arg(
        long,
        env = "EVARCHIVE_BODY_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    pub body_timeout: u64,

    /// MiB kept free on the archive's disk: a reserve file beside the archive,
    /// and the free space below which deliveries are answered 503 until the
    /// WAL's space is given back. 0 turns both off.
    #[arg(
        long,
        env = "EVARCHIVE_DISK_RESERVE",
        default_value_t = 64,
        value_name = "MIB"
    )]
    pub disk_reserve: u64,

    /// The base URL Everflow reaches this server at (http:// or https://, e.g.
    /// https://hooks.example.com), used only to print the webhook URLs to paste.
    /// Defaults to the listening address.
    #[arg(long, env = "EVARCHIVE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Serve HTTPS with this PEM certificate chain (e.g. Let's Encrypt's fullchain.pem),
    /// instead of plain HTTP behind a reverse proxy. Needs --tls-key. Read once at
    /// start-up: restart after the certificate is renewed.
    #[arg(long, env = "EVARCHIVE_TLS_CERT", value_name = "PATH")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert (PKCS#8, RSA or EC; e.g. Let's Encrypt's
    /// privkey.pem). Needs --tls-cert.
    #[arg(long, env = "EVARCHIVE_TLS_KEY", value_name = "PATH")]
    pub tls_key: Option<PathBuf>,

    /// Turn /healthz "degraded" (still 200, with the reason) when no
    /// conversion has arrived for this long (2h, 90m, 1d), so an uptime
    /// monitor notices that Everflow stopped sending. KIND=DURATION watches
    /// another kind (offer_updated=7d); repeat or separate with commas.
    #[arg(
        long,
        env = "EVARCHIVE_STALE_AFTER",
        value_name = "[KIND=]DURATION",
        value_delimiter = ','
    )]
    pub stale_after: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// NDJSON: `evarchive dump` output, or with --kind plain bodies; - reads
    /// standard input.
    pub file: PathBuf,

    /// Each line is one Everflow body of this webhook kind, received now
    /// (without it, lines are `evarchive dump` lines).
    #[arg(long, value_name = "KIND", ignore_case = true)]
    pub kind: Option<KindName>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where the copy goes; an earlier backup there is replaced once the new
    /// one is complete.
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The base URL Everflow reaches serve at (http:// or https://). Defaults
    /// to the one `serve` last printed its URLs with.
    #[arg(long, env = "EVARCHIVE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Replace the token with a new one and print the new URLs. A running
    /// `serve` keeps accepting the old token until it is restarted; paste
    /// the new URLs into Everflow, then restart it. Without effect if serve
    /// runs with --token (EVARCHIVE_TOKEN), which overrides the archive's.
    #[arg(long)]
    pub rotate: bool,
}

/// A webhook kind on the command line: its canonical name, or `partner_…` for
/// `affiliate_…` as in Everflow's UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindName(pub WebhookKind);

const KIND_NAMES: [KindName; 13] = {
    let mut names = [KindName(WebhookKind::OfferCreated); 13];
    let mut i = 0;
    while i < 13 {
        names[i] = KindName(WebhookKind::ALL[i]);
        i += 1;
    }
    names
};

impl ValueEnum for KindName {
    fn value_variants<'a>() -> &'a [Self] {
        &KIND_NAMES
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        let value = PossibleValue::new(self.0.as_str());
        Some(match self.0.partner_alias() {
            Some(alias) => value.alias(alias),
            None => value,
        })
    }
}
