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
pub mod server;
pub mod store;

pub use error::{Error, Result};

use cli::{Cli, Command};
use config::ServeConfig;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => commands::serve::run(ServeConfig::from_args(cli.db, args)?),
    }
}
