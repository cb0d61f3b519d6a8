//! One module per subcommand, each with a `run`.

pub mod backup;
pub mod dump;
pub mod export;
pub mod import;
pub mod prune;
pub mod query;
mod read_output;
pub mod reconcile;
pub mod reindex;

pub use read_output::yield_to_serve;
pub mod report;
pub mod serve;
pub mod show;
mod show_diff;
pub mod stats;
pub mod token;
mod urls;
pub mod verify;
