//! The command line, as clap types only; `config.rs` turns them into settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    /// Sum conversions or events per offer, partner, day… with payout, revenue, profit.
    Report(ReportArgs),
    /// Every version of one record: when it arrived, how often, and its raw JSON.
    Show(ShowArgs),
    /// Per kind: records, versions, redeliveries, refusals; the archive's size.
    Stats(StatsArgs),
}

/// The time window: which facts (or arrivals) a command selects.
#[derive(Debug, Args)]
pub struct WindowArgs {
    /// Start of the window (inclusive): 30m, 36h, 1d, 2w (back from now), now,
    /// today, yesterday, 2026-11-01, 2026-11-01T08:00 (in --tz), or RFC 3339.
    /// Without it: from the beginning.
    #[arg(long, allow_hyphen_values = true)]
    pub since: Option<String>,

    /// End of the window (exclusive), in the same forms as --since. Without it: now.
    #[arg(long, allow_hyphen_values = true)]
    pub until: Option<String>,

    /// IANA time zone for today/yesterday, dates, day/hour buckets and printed times.
    #[arg(long, env = "EVARCHIVE_TZ", default_value = "UTC")]
    pub tz: String,

    /// Select by when deliveries arrived instead of when the facts happened.
    #[arg(long)]
    pub by_received: bool,
}

/// Filters; each applies where the records have the field.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Offer id.
    #[arg(long, value_name = "ID")]
    pub offer: Option<String>,
    /// Partner (affiliate) id.
    #[arg(long, visible_alias = "partner", value_name = "ID")]
    pub affiliate: Option<String>,
    /// Advertiser id.
    #[arg(long, value_name = "ID")]
    pub advertiser: Option<String>,
    /// Status (approved, pending, rejected, invalid; offer/account status; for
    /// deliveries: new, version, duplicate).
    #[arg(long, value_name = "S")]
    pub status: Option<String>,
    /// Post-conversion event name.
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub event: Option<String>,
    /// Country code (US, GB…).
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
    /// Currency (USD, EUR…).
    #[arg(long, value_name = "C")]
    pub currency: Option<String>,
    /// Sub id 1.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub1: Option<String>,
    /// Sub id 2.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub2: Option<String>,
    /// Sub id 3.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub3: Option<String>,
    /// Sub id 4.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub4: Option<String>,
    /// Sub id 5.
    #[arg(long, value_name = "VALUE", allow_hyphen_values = true)]
    pub sub5: Option<String>,
    /// Webhook kind, for deliveries (e.g. conversion_registered).
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Every version of each record, not only the current one.
    #[arg(long)]
    pub versions: bool,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// conversions, events, offers, advertisers, partners (or affiliates),
    /// verdicts, approvals, blocked, deliveries.
    pub what: String,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub window: WindowArgs,
    /// table, csv, tsv, json or ndjson.
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Columns to print, comma-separated (default: a few for a table, all otherwise).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Rows to print at most (newest first); 0 for no limit.
    #[arg(long, default_value_t = 100)]
    pub limit: u64,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// conversions, events, offers, advertisers, partners (or affiliates),
    /// verdicts, approvals, blocked, deliveries.
    pub what: String,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub window: WindowArgs,
    /// csv, tsv, json or ndjson.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Spreadsheet-safe CSV/TSV: UTF-8 BOM, CRLF, plain date-times, long ids
    /// kept as text, and cells that a spreadsheet would run as a formula defused.
    #[arg(long)]
    pub excel: bool,
    /// Columns to write, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    pub columns: Option<Vec<String>>,
    /// Write to FILE instead of stdout (completed under a temporary name, then
    /// renamed, so FILE is never half-written).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// conversions or events.
    pub what: String,
    /// Group by: offer, affiliate, advertiser, day, hour, status, country, event,
    /// sub1…sub5, currency. Repeat for nested groups (--by offer --by day).
    #[arg(long = "by", value_name = "DIM", required = true)]
    pub by: Vec<String>,
    #[command(flatten)]
    pub filters: FilterArgs,
    #[command(flatten)]
    pub window: WindowArgs,
    /// table, csv, tsv, json or ndjson.
    #[arg(long, default_value = "table")]
    pub format: String,
    /// Spreadsheet-safe CSV/TSV (see `export --excel`).
    #[arg(long)]
    pub excel: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// offer, advertiser, partner (affiliate), conversion, event, verdict,
    /// approval, blocked — singular or plural.
    pub what: String,
    /// The record's id (e.g. an offer id, a conversion id).
    pub id: String,
    /// IANA time zone for the printed times.
    #[arg(long, env = "EVARCHIVE_TZ", default_value = "UTC")]
    pub tz: String,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// table, csv, tsv, json or ndjson.
    #[arg(long, default_value = "table")]
    pub format: String,
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

    /// The base URL Everflow reaches this server at (e.g. https://hooks.example.com),
    /// used only to print the webhook URLs to paste. Defaults to the listening address.
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
}
