//! Small named values the archive keeps about itself.

use rusqlite::{Connection, OptionalExtension, params};

pub(in crate::store) const WEBHOOK_TOKEN: &str = "webhook_token";
const ARCHIVE_ID: &str = "archive_id";
const LAST_STARTED: &str = "last_started_at";
const HEALTH_PROBE: &str = "health_probe_at";
const URL_BASE: &str = "webhook_url_base";
const RECONCILE_PROGRESS: &str = "reconcile_progress";
const EXTRACTION_VERSION: &str = "extraction_version";

/// The token kept in the archive; on first use `candidate` is stored and becomes
/// it. Returns the token and whether it was just stored.
pub fn webhook_token(conn: &Connection, candidate: String) -> rusqlite::Result<(String, bool)> {
    let stored: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE name = ?1",
            [WEBHOOK_TOKEN],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(token) = stored {
        return Ok((token, false));
    }
    conn.execute(
        "INSERT INTO settings (name, value) VALUES (?1, ?2)",
        params![WEBHOOK_TOKEN, candidate],
    )?;
    Ok((candidate, true))
}

/// The token kept in the archive, if `serve` ever made one.
pub fn stored_webhook_token(conn: &Connection) -> rusqlite::Result<Option<String>> {
    get(conn, WEBHOOK_TOKEN)
}

/// The base of the URLs `serve` last printed (its --public-url, or the
/// address it listened on), for `evarchive token`.
pub fn webhook_url_base(conn: &Connection) -> rusqlite::Result<Option<String>> {
    get(conn, URL_BASE)
}

pub fn record_webhook_url_base(conn: &Connection, base: &str) -> rusqlite::Result<()> {
    set(conn, URL_BASE, base)
}

/// The version of the extraction that made the archive's typed rows; `None`
/// for an archive whose rows predate the setting (any release before schema
/// version 7).
pub fn extraction_version(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    Ok(get(conn, EXTRACTION_VERSION)?.and_then(|text| text.parse().ok()))
}

pub fn record_extraction_version(conn: &Connection, version: i64) -> rusqlite::Result<()> {
    set(conn, EXTRACTION_VERSION, &version.to_string())
}

pub(in crate::store) fn get(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT value FROM settings WHERE name = ?1",
        [name],
        |row| row.get(0),
    )
    .optional()
}

/// The archive's own id, made on first use: the marker beside the archive
/// names it, so a restored backup is recognised as the same archive.
pub fn archive_id(conn: &Connection, candidate: String) -> rusqlite::Result<String> {
    conn.execute(
        "INSERT OR IGNORE INTO settings (name, value) VALUES (?1, ?2)",
        params![ARCHIVE_ID, candidate],
    )?;
    conn.query_row(
        "SELECT value FROM settings WHERE name = ?1",
        [ARCHIVE_ID],
        |row| row.get(0),
    )
}

/// The archive's id, if it has one yet (without making one).
pub fn stored_archive_id(conn: &Connection) -> rusqlite::Result<Option<String>> {
    get(conn, ARCHIVE_ID)
}

/// Notes when `serve` started: a real write, so a start on an archive that
/// cannot be written fails at once instead of refusing every delivery later.
pub fn record_start(conn: &Connection) -> rusqlite::Result<()> {
    set(conn, LAST_STARTED, &jiff::Timestamp::now().to_string())
}

/// The health probe's write: proves that a commit can reach the disk.
pub fn record_health_probe(conn: &Connection) -> rusqlite::Result<()> {
    set(conn, HEALTH_PROBE, &jiff::Timestamp::now().to_string())
}

/// How far the last `reconcile` got: its window and the end of the last day
/// it finished (unix seconds), while it has not finished them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconcileProgress {
    pub since: i64,
    pub until: i64,
    pub done_until: i64,
}

/// None when the last run finished (or none ran), or the setting is not one
/// this release wrote.
pub fn reconcile_progress(conn: &Connection) -> rusqlite::Result<Option<ReconcileProgress>> {
    let Some(text) = get(conn, RECONCILE_PROGRESS)? else {
        return Ok(None);
    };
    let numbers: Vec<i64> = text.split(' ').filter_map(|n| n.parse().ok()).collect();
    Ok(match numbers[..] {
        [since, until, done_until] => Some(ReconcileProgress {
            since,
            until,
            done_until,
        }),
        _ => None,
    })
}

pub fn record_reconcile_progress(
    conn: &Connection,
    progress: ReconcileProgress,
) -> rusqlite::Result<()> {
    let ReconcileProgress {
        since,
        until,
        done_until,
    } = progress;
    set(
        conn,
        RECONCILE_PROGRESS,
        &format!("{since} {until} {done_until}"),
    )
}

/// The run finished every day: nothing to resume.
pub fn clear_reconcile_progress(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM settings WHERE name = ?1", [RECONCILE_PROGRESS])?;
    Ok(())
}

pub(in crate::store) fn set(conn: &Connection, name: &str, value: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO settings (name, value) VALUES (?1, ?2)")?
        .execute(params![name, value])?;
    Ok(())
}
