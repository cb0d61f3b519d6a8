//! `verify`'s check that every reference between rows holds: SQLite's own
//! `PRAGMA foreign_key_check`, one table at a time (each a statement of its
//! own, so no snapshot is held for the whole archive). A version whose first
//! delivery or body row is gone would otherwise pass every other check: the
//! rows that refer to it are still there.

use rusqlite::Connection;

use super::{Problem, Scrub};
use crate::error::Result;

pub(super) fn check_references(conn: &Connection, scrub: &mut Scrub) -> Result<()> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT m.name FROM sqlite_schema AS m, pragma_foreign_key_list(m.name)
             WHERE m.type = 'table' ORDER BY m.name",
        )?
        .query_map([], |row| row.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in tables {
        let mut check =
            conn.prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check(?1)")?;
        let dangling = check.query_map([&table], |row| {
            Ok(Problem::ForeignKey {
                table: row.get(0)?,
                rowid: row.get(1)?,
                parent: row.get(2)?,
            })
        })?;
        for problem in dangling {
            scrub.problems.push(problem?);
        }
    }
    Ok(())
}
