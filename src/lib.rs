//! evarchive: a durable, queryable SQLite archive of every webhook an Everflow
//! account sends.
//!
//! Data flows one way: HTTP request → `everflow` (classify & extract) →
//! `store` (single writer) → SQLite ← readers → `commands`.

pub mod cli;
pub mod commands;
pub mod config;
pub mod error;
pub mod everflow;
pub mod grouped_sums;
pub mod logging;
pub mod output;
pub mod reconcile;
pub mod rows;
pub mod selection;
pub mod server;
pub mod store;
pub mod window;

pub use error::{Error, Result};

use cli::{Cli, Command};
use config::{
    DumpConfig, ExportConfig, ImportConfig, PruneConfig, QueryConfig, ReconcileConfig,
    ReportConfig, ServeConfig, ShowConfig, StatsConfig, TokenConfig,
};

/// Runs the parsed command line: each command's flags become its validated
/// config, which its `run` takes.
pub fn run(cli: Cli) -> Result<()> {
    // serve logs its requests; the other commands speak to a person on
    // stderr and log only warnings unless EVARCHIVE_LOG asks for more.
    let (format, level) = match &cli.command {
        Command::Serve(args) => (args.log_format, "info"),
        _ => (logging::LogFormat::Text, "warn"),
    };
    logging::init(format, level)?;
    let db = cli.db;
    if !matches!(cli.command, Command::Serve(_)) {
        commands::yield_to_serve();
    }
    match cli.command {
        Command::Serve(args) => commands::serve::run(ServeConfig::from_args(db, args)?),
        Command::Query(args) => commands::query::run(QueryConfig::from_args(db, args)?),
        Command::Export(args) => commands::export::run(ExportConfig::from_args(db, args)?),
        Command::Report(args) => commands::report::run(ReportConfig::from_args(db, args)?),
        Command::Show(args) => commands::show::run(ShowConfig::from_args(db, args)?),
        Command::Stats(args) => commands::stats::run(StatsConfig::from_args(db, args)),
        Command::Dump(args) => commands::dump::run(DumpConfig::from_args(db, args)?),
        Command::Token(args) => commands::token::run(TokenConfig::from_args(db, args)?),
        Command::Backup(args) => commands::backup::run(&db, &args.file),
        Command::Import(args) => commands::import::run(ImportConfig::from_args(db, args)),
        Command::Reindex => commands::reindex::run(&db),
        Command::Prune(args) => commands::prune::run(PruneConfig::from_args(db, args)?),
        Command::Verify => commands::verify::run(&db),
        Command::Reconcile(args) => commands::reconcile::run(ReconcileConfig::from_args(db, args)?),
    }
}
