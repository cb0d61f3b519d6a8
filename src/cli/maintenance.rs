//! The flags of the commands that look after an archive: import, backup,
//! token.

use std::path::PathBuf;

use clap::Args;

use super::KindName;
use crate::selection::What;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// NDJSON: `evarchive dump` output, or with --kind plain bodies; - reads
    /// standard input.
    pub file: PathBuf,

    /// Each line is one Everflow body of this webhook kind, received now
    /// (without it, lines are `evarchive dump` lines).
    #[arg(long, value_name = "KIND", ignore_case = true)]
    pub kind: Option<KindName>,

    /// Largest body accepted, in bytes, as `serve --max-body`: a larger one
    /// is refused, and a line longer than such a body can take (twice it,
    /// for a `dump` line) is refused without being held in memory.
    #[arg(long, env = "EVARCHIVE_MAX_BODY", default_value_t = 10 * 1024 * 1024)]
    pub max_body: usize,
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

    /// Replace the token with a new one and print the new URLs. serve
    /// (running or not) accepts the new token at once and the old one until
    /// --grace ends or --retire-previous: paste the new URLs into Everflow
    /// meanwhile. Without effect if serve runs with --token or --token-file,
    /// which override the archive's.
    #[arg(long, conflicts_with = "retire_previous")]
    pub rotate: bool,

    /// With --rotate: how long the replaced token stays accepted (7d, 12h).
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "7d",
        requires = "rotate"
    )]
    pub grace: String,

    /// Stop accepting the token the last --rotate replaced, before its grace
    /// ends (a running serve stops within 5 seconds).
    #[arg(long)]
    pub retire_previous: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Remove what nothing has arrived about for this long, in whole days or
    /// more (90d, 26w, 6mo of 30 days, 1y of 365 days; never minutes or
    /// hours): versions whose last delivery is older, the deliveries that
    /// brought them, and their raw bodies. Pruned raw bodies are gone for
    /// good: take a backup first if you may need them.
    #[arg(long, value_name = "AGE")]
    pub older_than: String,

    /// Only these (default: all of them): conversions, events, offers,
    /// advertisers, partners, verdicts, approvals, blocked.
    #[arg(long, value_name = "WHAT", value_delimiter = ',', ignore_case = true)]
    pub what: Vec<What>,

    /// Keep the current version of every offer, advertiser and partner,
    /// however old (their older versions still go), so names and statuses
    /// stay known.
    #[arg(long)]
    pub keep_current: bool,

    /// Count what would go, change nothing.
    #[arg(long)]
    pub dry_run: bool,
}
