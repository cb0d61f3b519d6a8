//! Reconciling the archive with Everflow's reporting API (issue 11): what
//! the webhooks missed, and what changed after them.
//!
//! The flow: [`day_windows`] cuts the window into days; [`ReportingClient`]
//! reads each day's report page by page ([`read_window`]); [`ReportRow`]
//! reads each row with the webhook extraction; [`compare`] matches them
//! with the archive's current versions and yields [`Finding`]s;
//! [`report_delivery`] turns a row into a delivery for the archive's writer
//! (`reconcile --apply`, and [`Reconciler`], serve's background runs).

mod background;
mod client;
mod compare;
mod delivery;
mod fetch;
mod finding;
mod report_row;
mod retry;
mod windows;

pub use background::{ReconcileTally, Reconciler};
pub use client::ReportingClient;
pub use compare::{Comparison, compare};
pub use delivery::{API_METHOD, report_delivery};
pub use fetch::{MOST_ROWS, WindowRead, read_bounded, read_window};
pub use finding::{Finding, FindingKind, MatchedBy, finding_columns};
pub use report_row::ReportRow;
pub use windows::{DayWindow, day_windows};
