//! The flags of `evarchive reconcile`. The API key has no flag on purpose: a
//! command-line value is visible to every user in `ps`.

use std::path::PathBuf;

use clap::Args;

use crate::output::Format;

#[derive(Debug, Args)]
pub struct ReconcileArgs {
    /// Start of the window of conversion times to compare: 7d (back from
    /// now), yesterday, 2026-11-01, 2026-11-01T08:00 (in --tz), or RFC 3339.
    /// Everflow reports only the last 365 days.
    #[arg(long, allow_hyphen_values = true, default_value = "7d")]
    pub since: String,

    /// End of the window (exclusive), in the same forms; at the latest (and
    /// by default) five minutes ago, so that Everflow has finished the last
    /// minutes.
    #[arg(long, allow_hyphen_values = true)]
    pub until: Option<String>,

    /// IANA time zone for dates in --since/--until and printed times.
    #[arg(long, env = "EVARCHIVE_TZ", default_value = "UTC")]
    pub tz: String,

    /// How findings are printed on stdout.
    #[arg(long, value_enum, default_value = "table", ignore_case = true)]
    pub format: Format,

    /// Archive what is missing or changed, through the same checks,
    /// deduplication and versions as a webhook (recorded with method API).
    /// Run it while serve is stopped.
    #[arg(long)]
    pub apply: bool,

    /// Continue the last run that stopped before its end (an error, an
    /// interruption): its window, from the first day it had not finished.
    /// The days it finished were printed by that run.
    #[arg(long, conflicts_with_all = ["since", "until"])]
    pub resume: bool,

    #[command(flatten)]
    pub api: ApiArgs,
}

/// Where Everflow's API is, and where its key is read from (reconcile, and
/// serve --reconcile-every).
#[derive(Debug, Args)]
pub struct ApiArgs {
    /// The API's base URL (default https://api.eflow.team/v1).
    #[arg(long, env = "EVARCHIVE_EVERFLOW_API_BASE")]
    pub api_base: Option<String>,

    /// The account is hosted in the EU: use https://api-eu.eflow.team/v1
    /// (instead of --api-base).
    #[arg(long)]
    pub eu: bool,

    /// A file holding the network API key (Control Center › Security).
    /// Without it, the key is read from EVARCHIVE_EVERFLOW_API_KEY.
    #[arg(long, value_name = "PATH")]
    pub api_key_file: Option<PathBuf>,
}
