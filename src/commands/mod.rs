//! One module per subcommand, each with a `run`.

pub mod dump;
pub mod export;
pub mod query;
mod reading;

pub use reading::yield_to_serve;
pub mod report;
pub mod serve;
pub mod show;
pub mod stats;
pub mod verify;
