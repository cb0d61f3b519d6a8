//! The command line, as clap types only; `config/` turns them into validated
//! settings. Closed sets (WHAT, formats, dimensions, kinds) are `ValueEnum`s,
//! so clap itself refuses a wrong value (exit 2) and lists the accepted ones.
//! The flags of the reading commands, of `serve`, and of the commands that
//! look after an archive are in their own files.

mod maintenance;
mod read_flags;
mod reconcile;
mod serve;

use std::path::PathBuf;

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};

pub use maintenance::{BackupArgs, ImportArgs, PruneArgs, TokenArgs};
pub use read_flags::{
    DumpArgs, ExportArgs, FileArgs, FilterArgs, QueryArgs, ReportArgs, ShowArgs, StatsArgs,
    Summable, TimeRangeArgs, WindowArgs,
};
pub use reconcile::{ApiArgs, ReconcileArgs};
pub use serve::ServeArgs;

use crate::everflow::WebhookKind;

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
    /// A line that does not check out is refused and listed with its number
    /// (exit 4 at the end); the summary says what was committed.
    Import(ImportArgs),
    /// Make every typed column again from the stored raw bodies (after an
    /// upgrade that extracts more); raw bodies are never touched. Safe while
    /// serve runs.
    Reindex,
    /// Remove what nothing has arrived about for a given time (versions,
    /// deliveries, raw bodies), in short transactions while serve runs, and
    /// give the space back. Pruned raw bodies are gone for good.
    Prune(PruneArgs),
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
    /// Compare the archive with Everflow's reporting API over a window:
    /// conversions and events missing, changed (status, payout, revenue,
    /// sale amount) or unknown to Everflow; --apply archives what is missing
    /// or changed. Exit 3 when anything differs.
    Reconcile(ReconcileArgs),
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
