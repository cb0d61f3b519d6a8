//! Validated settings built from the command line, one per command: everything
//! past this point can trust its inputs.

mod dump;
mod import;
mod reading;
mod serve;
mod token;

pub use dump::DumpConfig;
pub use import::ImportConfig;
pub use reading::{ExportConfig, QueryConfig, ReportConfig, ShowConfig, StatsConfig};
pub use serve::{ServeConfig, TlsFiles};
pub use token::TokenConfig;
