//! One module per subcommand, each with a `run`.

pub mod export;
pub mod query;
mod reading;
pub mod report;
pub mod serve;
pub mod show;
pub mod stats;
