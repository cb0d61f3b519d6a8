//! Small named values the archive keeps about itself.

use rusqlite::{Connection, OptionalExtension, params};

const WEBHOOK_TOKEN: &str = "webhook_token";

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
