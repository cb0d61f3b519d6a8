//! Validated settings built from the command line, one per command: everything
//! past this point can trust its inputs.

mod dump;
mod reading;
mod serve;

pub use dump::DumpConfig;
pub use reading::{ExportConfig, QueryConfig, ReportConfig, ShowConfig, StatsConfig};
pub use serve::{ServeConfig, TlsFiles};
