//! The read side: every query the CLI and serve run against an archive,
//! asked through [`Reader`] (the functions of the modules below stay
//! behind it).

mod aggregate;
mod body_columns;
mod current_conversions;
pub mod datasets;
mod dump;
mod inspect;
mod offer_terms;
pub(in crate::store) mod pool;
mod reader;
mod select;
mod verify;

use std::path::Path;

use rusqlite::Connection;

pub use current_conversions::CurrentConversion;
pub use datasets::{Dataset, DatasetColumn};
pub use dump::{DumpFilter, DumpedDelivery};
pub use inspect::{TypeStats, VersionRecord, body};
pub use reader::{GroupNames, Reader, Readers};
pub use select::Selected;
pub use verify::{Problem, Remedy, Scrub, Step};

use super::open::{OpenMode, open_archive};
use crate::error::Result;

/// Opens an existing archive for reading. It must exist (reading never
/// creates one) and be an evarchive archive of a version we understand.
fn open_reader(path: &Path) -> Result<Connection> {
    let (conn, _) = open_archive(path, OpenMode::Existing)?;
    conn.execute_batch("PRAGMA query_only = ON;")?;
    Ok(conn)
}
