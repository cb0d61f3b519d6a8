//! Opening an archive: recognising it, creating it from `schema.sql` or
//! upgrading it, and the pragmas every connection gets.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::store::lock_wait::poll_for_locks;
use crate::store::migrate::{MIGRATIONS, migrate};
use crate::store::{identity, settings};

/// The schema, embedded so the binary is all a user installs.
pub const SCHEMA_SQL: &str = include_str!("../../../schema.sql");
/// `PRAGMA application_id` of an evarchive archive (ASCII "evar"); must match schema.sql.
pub const APPLICATION_ID: i64 = 0x6576_6172;
/// The schema version this build writes and reads; must match schema.sql and
/// the last migration.
pub const SCHEMA_VERSION: i64 = 9;

/// How long a connection waits for a lock before giving up. Only the single
/// writer writes, so waits are short; this covers checkpoints and CLI readers.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// `serve`: create the archive (and its schema) when the file does not
    /// exist, and upgrade one made by an earlier release.
    Serve,
    /// Everything else: a missing archive is an error, never an empty new
    /// file, and an older schema is reported, not changed.
    Existing,
}

/// Whether `open_archive` found an archive, made a new one or upgraded one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveState {
    Existing,
    Created,
    Upgraded { from: i64 },
}

/// Opens (or creates) the archive at `path` for writing, checking that it is an
/// evarchive archive of a version we understand before touching anything.
pub fn open_archive(path: &Path, mode: OpenMode) -> Result<(Connection, ArchiveState)> {
    let exists = path.exists();
    open_or_create(path, mode).map_err(|error| match error {
        // The file is there but SQLite cannot open it for writing (or create
        // its WAL beside it): permissions, a read-only mount, an immutable file.
        Error::Sqlite(e) if mode == OpenMode::Serve && exists && cannot_write(&e) => {
            Error::NotWritable {
                path: path.to_owned(),
                why: e.to_string(),
            }
        }
        other => other,
    })
}

fn cannot_write(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(
            rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::PermissionDenied
        )
    )
}

fn open_or_create(path: &Path, mode: OpenMode) -> Result<(Connection, ArchiveState)> {
    let exists = path.exists();
    match (exists, mode) {
        (false, OpenMode::Existing) => {
            return Err(Error::ArchiveMissing {
                path: path.to_owned(),
            });
        }
        // Before SQLite creates the file: an archive that was there must not
        // be replaced by a new one without a word.
        (false, OpenMode::Serve) => identity::check_not_vanished(path)?,
        (true, _) => {}
    }
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if mode == OpenMode::Serve {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let mut conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let found = identify(&conn, path)?;
    // Before an upgrade writes anything: another archive copied into place
    // is left as it was.
    if mode == OpenMode::Serve && matches!(found, Identity::Archive { .. }) {
        identity::check_marker_names(path, &conn)?;
    }
    let state = match (found, mode) {
        // Reading never turns a file into an archive, not even an empty one.
        (Identity::Empty, OpenMode::Existing) => {
            return Err(Error::NotAnArchive {
                path: path.to_owned(),
                why: "an empty file".to_owned(),
            });
        }
        (Identity::Empty, OpenMode::Serve) => {
            identity::check_not_vanished(path)?;
            create_schema(&mut conn)?;
            ArchiveState::Created
        }
        (Identity::Archive { version }, _) if version == SCHEMA_VERSION => ArchiveState::Existing,
        (Identity::Archive { version }, OpenMode::Existing) => {
            return Err(Error::NeedsUpgrade {
                path: path.to_owned(),
                found: version,
                current: SCHEMA_VERSION,
            });
        }
        (Identity::Archive { version }, OpenMode::Serve) => {
            let started = std::time::Instant::now();
            migrate(&mut conn, version)?;
            tracing::info!(
                "upgraded the archive's schema from version {version} to {SCHEMA_VERSION} in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            ArchiveState::Upgraded { from: version }
        }
    };
    apply_connection_pragmas(&conn)?;
    Ok((conn, state))
}

/// SQLite opens a file it may not write read-only without a word, and every
/// delivery would then fail: `serve` writes once at start to find out, and
/// leaves the archive's marker (see `identity`). Returns the archive's id.
pub fn prove_writable(conn: &Connection, path: &Path) -> Result<String> {
    let not_writable = |why: String| Error::NotWritable {
        path: path.to_owned(),
        why,
    };
    if conn.is_readonly(rusqlite::MAIN_DB)? {
        return Err(not_writable("it opened read-only".to_owned()));
    }
    settings::record_start(conn).map_err(|e| not_writable(e.to_string()))?;
    let id = settings::archive_id(conn, identity::new_archive_id()?)
        .map_err(|e| not_writable(e.to_string()))?;
    identity::keep_marker(path, &id);
    Ok(id)
}

/// Pragmas every connection needs, writer and readers alike. Durability is
/// `synchronous=FULL`: a 200 we send must survive a power cut, or Everflow,
/// which then never retries, has lost the delivery for good.
pub fn apply_connection_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    poll_for_locks(conn)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         PRAGMA synchronous = FULL;
         PRAGMA journal_size_limit = 67108864;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )
}

enum Identity {
    Empty,
    Archive { version: i64 },
}

/// Reads the file's markers without writing: a file that is not ours must be
/// left exactly as it was.
fn identify(conn: &Connection, path: &Path) -> Result<Identity> {
    let not_an_archive = |why: String| Error::NotAnArchive {
        path: path.to_owned(),
        why,
    };
    let application_id: i64 = conn
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => {
                not_an_archive("not an SQLite database".to_owned())
            }
            _ => Error::Sqlite(e),
        })?;
    let user_version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    let table_count: i64 =
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))?;

    if application_id == 0 && user_version == 0 && table_count == 0 {
        return Ok(Identity::Empty);
    }
    if application_id != APPLICATION_ID {
        return Err(not_an_archive(format!(
            "an SQLite database of another application (application_id {application_id})"
        )));
    }
    if user_version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            path: path.to_owned(),
            found: user_version,
            supported: SCHEMA_VERSION,
        });
    }
    let oldest = MIGRATIONS
        .first()
        .map_or(SCHEMA_VERSION, |step| step.version - 1);
    if user_version < oldest {
        return Err(not_an_archive(format!(
            "schema version {user_version}, which no release of evarchive wrote"
        )));
    }
    Ok(Identity::Archive {
        version: user_version,
    })
}

fn create_schema(conn: &mut Connection) -> Result<()> {
    // schema.sql's auto_vacuum takes effect only before WAL mode and the
    // first table; WAL must be set outside a transaction; the schema itself
    // is all-or-nothing.
    let file_format: String = SCHEMA_SQL
        .lines()
        .filter(|line| line.starts_with("PRAGMA auto_vacuum"))
        .collect();
    conn.execute_batch(&file_format)?;
    conn.execute_batch("PRAGMA journal_mode = WAL;")?;
    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA_SQL)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_sql_and_the_last_migration_declare_this_version() {
        assert!(SCHEMA_SQL.contains(&format!("PRAGMA user_version = {SCHEMA_VERSION};")));
        assert_eq!(
            MIGRATIONS.last().map(|step| step.version),
            Some(SCHEMA_VERSION)
        );
        assert!(SCHEMA_SQL.contains(&format!("PRAGMA application_id = {APPLICATION_ID};")));
    }
}
