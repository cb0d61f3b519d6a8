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
pub mod ingest;
pub mod output;
pub mod report;
pub mod rows;
pub mod selection;
pub mod server;
pub mod store;
pub mod window;

pub use error::{Error, Result};

use cli::{Cli, Command};
use config::ServeConfig;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => commands::serve::run(ServeConfig::from_args(cli.db, args)?),
        Command::Query(args) => commands::query::run(&cli.db, args),
        Command::Export(args) => commands::export::run(&cli.db, args),
        Command::Report(args) => commands::report::run(&cli.db, args),
        Command::Show(args) => commands::show::run(&cli.db, args),
        Command::Stats(args) => commands::stats::run(&cli.db, args),
    }
}
