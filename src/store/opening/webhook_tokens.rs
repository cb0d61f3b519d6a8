//! The webhook tokens the archive accepts: the current one, and after a
//! rotation the previous one until its grace period ends (or it is retired),
//! so that deliveries still sent with the old URLs are not refused while the
//! new ones are pasted into Everflow. A 401 stores nothing, and Everflow may
//! not retry it.

use rusqlite::{Connection, params};

use crate::store::settings::{WEBHOOK_TOKEN, get, set};

/// `UNTIL_MS TOKEN`: the token replaced by the last rotation, and when it
/// stops being accepted (Unix milliseconds).
const PREVIOUS: &str = "webhook_token_previous";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviousToken {
    pub token: String,
    /// Unix milliseconds after which it is refused.
    pub until_ms: i64,
}

/// What the archive accepts now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookTokens {
    pub current: Option<String>,
    pub previous: Option<PreviousToken>,
}

pub fn webhook_tokens(conn: &Connection) -> rusqlite::Result<WebhookTokens> {
    let previous = get(conn, PREVIOUS)?.and_then(|text| {
        let (until, token) = text.split_once(' ')?;
        Some(PreviousToken {
            token: token.to_owned(),
            until_ms: until.parse().ok()?,
        })
    });
    Ok(WebhookTokens {
        current: get(conn, WEBHOOK_TOKEN)?,
        previous,
    })
}

/// Makes `token` the current one; the one it replaces stays accepted until
/// `previous_until_ms`. A token kept from an earlier rotation is dropped:
/// two old tokens are never accepted at once. Returns the replaced token's
/// grace, if there was a token.
pub fn rotate(
    conn: &Connection,
    token: &str,
    previous_until_ms: i64,
) -> rusqlite::Result<Option<PreviousToken>> {
    let tx = conn.unchecked_transaction()?;
    let replaced = get(&tx, WEBHOOK_TOKEN)?.map(|old| PreviousToken {
        token: old,
        until_ms: previous_until_ms,
    });
    match &replaced {
        Some(previous) => set(
            &tx,
            PREVIOUS,
            &format!("{} {}", previous.until_ms, previous.token),
        )?,
        None => {
            tx.execute("DELETE FROM settings WHERE name = ?1", params![PREVIOUS])?;
        }
    }
    set(&tx, WEBHOOK_TOKEN, token)?;
    tx.commit()?;
    Ok(replaced)
}

/// Stops accepting the previous token now. Returns whether there was one
/// still accepted at `now_ms`.
pub fn retire_previous(conn: &Connection, now_ms: i64) -> rusqlite::Result<bool> {
    let was_accepted = webhook_tokens(conn)?
        .previous
        .is_some_and(|previous| previous.until_ms > now_ms);
    conn.execute("DELETE FROM settings WHERE name = ?1", params![PREVIOUS])?;
    Ok(was_accepted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings_only() -> Connection {
        let conn = Connection::open_in_memory().expect("memory");
        conn.execute_batch("CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            .expect("table");
        conn
    }

    #[test]
    fn a_rotation_keeps_the_replaced_token_until_its_grace_ends() {
        let conn = settings_only();
        assert_eq!(rotate(&conn, "first", 10).expect("rotate"), None);
        let replaced = rotate(&conn, "second", 1_000).expect("rotate");
        assert_eq!(
            replaced,
            Some(PreviousToken {
                token: "first".to_owned(),
                until_ms: 1_000
            })
        );
        rotate(&conn, "third", 2_000).expect("rotate");
        let tokens = webhook_tokens(&conn).expect("read");
        assert_eq!(tokens.current.as_deref(), Some("third"));
        assert_eq!(
            tokens.previous.map(|p| (p.token, p.until_ms)),
            Some(("second".to_owned(), 2_000))
        );
        assert!(retire_previous(&conn, 1_500).expect("retire"));
        assert_eq!(webhook_tokens(&conn).expect("read").previous, None);
        assert!(!retire_previous(&conn, 1_500).expect("retire"));
    }
}
