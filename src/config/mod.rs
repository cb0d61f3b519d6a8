//! Validated settings built from the command line, one per command: everything
//! past this point can trust its inputs.

mod api_key;
mod dump;
mod import;
mod prune;
mod read_settings;
mod reconcile;
mod reconcile_plan;
mod retention_age;
mod serve;
mod stale_rule;
mod token;

pub use api_key::ApiKey;
pub use dump::DumpConfig;
pub use import::ImportConfig;
pub use prune::PruneConfig;
pub use read_settings::{ExportConfig, QueryConfig, ReportConfig, ShowConfig, StatsConfig};
pub use reconcile::ReconcileConfig;
pub use reconcile_plan::{ApiSettings, BackgroundPlan};
pub use retention_age::days;
pub use serve::{ServeConfig, TlsFiles};
pub use stale_rule::StaleRule;
pub use token::{TokenAction, TokenConfig};

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

/// A duration as --since takes them (2h, 90m, 7d; days of 24 hours), at
/// least a second; why not, in words that follow the value.
fn positive_duration(text: &str) -> Result<std::time::Duration, &'static str> {
    let span = text
        .trim()
        .parse::<jiff::Span>()
        .map_err(|_| "is not a duration")?;
    let seconds = span
        .total((
            jiff::Unit::Second,
            jiff::SpanRelativeTo::days_are_24_hours(),
        ))
        .map_err(|_| "is not a duration without months or years")?;
    if seconds.is_nan() || seconds < 1.0 {
        return Err("is not a positive duration");
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}
