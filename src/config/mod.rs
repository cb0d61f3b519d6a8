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

/// The window `--since`/`--until`/`--month` name, in `--tz`, from now.
fn time_window(
    range: &crate::cli::TimeRangeArgs,
) -> crate::error::Result<crate::window::TimeWindow> {
    crate::window::resolve_window(
        range.since.as_deref(),
        range.until.as_deref(),
        range.month.as_deref(),
        &range.tz,
        crate::window::now()?,
    )
}
