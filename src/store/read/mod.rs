//! The read side: every query the CLI runs against an archive.

mod aggregate;
mod body_columns;
mod current_conversions;
pub mod datasets;
mod dump;
mod inspect;
mod offer_terms;
mod select;
mod verify;

use std::path::Path;

use rusqlite::Connection;

pub use aggregate::{count_dated_by_arrival, latest_name, sum_groups};
pub use current_conversions::{CurrentConversion, current_conversions};
pub use datasets::{Dataset, DatasetColumn};
pub use dump::{DumpFilter, DumpedDelivery, each_delivery};
pub use inspect::{
    TypeStats, VersionRecord, body, delivery_count, last_arrivals, refusals_without_kind,
    type_stats, versions_of,
};
pub use offer_terms::offer_terms;
pub use select::{Selected, select_rows};
pub use verify::{Problem, Remedy, Scrub, Step, verify};

use super::open::{OpenMode, open_archive};
use crate::error::Result;

/// Opens an existing archive for reading. It must exist (reading never
/// creates one) and be an evarchive archive of a version we understand.
pub fn open_reader(path: &Path) -> Result<Connection> {
    let (conn, _) = open_archive(path, OpenMode::Existing)?;
    conn.execute_batch("PRAGMA query_only = ON;")?;
    Ok(conn)
}
