//! Bringing an archive made by an earlier release to this release's schema.
//!
//! `schema.sql` creates a new archive at the current version; an older archive
//! runs each numbered file of `migrations/` after its `user_version`, all in one
//! transaction, so an upgrade is whole or not at all.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// One step: the SQL that takes an archive from `version - 1` to `version`.
pub struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

/// Every step, in order; the last one's version is the current schema's.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 2,
        sql: include_str!("../../../migrations/0002_resource_identity.sql"),
    },
    Migration {
        version: 3,
        sql: include_str!("../../../migrations/0003_compressed_bodies.sql"),
    },
    Migration {
        version: 4,
        sql: include_str!("../../../migrations/0004_version_deltas.sql"),
    },
    Migration {
        version: 5,
        sql: include_str!("../../../migrations/0005_conversion_long_tail.sql"),
    },
    Migration {
        version: 6,
        sql: include_str!("../../../migrations/0006_retention.sql"),
    },
    Migration {
        version: 7,
        sql: include_str!("../../../migrations/0007_every_record_dated.sql"),
    },
    Migration {
        version: 8,
        sql: include_str!("../../../migrations/0008_offer_payout.sql"),
    },
    Migration {
        version: 9,
        sql: include_str!("../../../migrations/0009_misrouted_and_transaction_ids.sql"),
    },
];

/// Runs the steps after `from`, in one transaction, and records the version
/// each reached. Foreign keys are off while tables are rebuilt (SQLite's
/// documented procedure) and checked before the commit.
pub fn migrate(conn: &mut Connection, from: i64) -> Result<()> {
    conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
    let result = run_steps(conn, from);
    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
    result
}

fn run_steps(conn: &mut Connection, from: i64) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for step in MIGRATIONS.iter().filter(|step| step.version > from) {
        tx.execute_batch(step.sql)?;
        tx.pragma_update(None, "user_version", step.version)?;
    }
    let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
        row.get(0)
    })?;
    if broken > 0 {
        return Err(Error::Migration(format!(
            "{broken} rows would refer to rows that do not exist"
        )));
    }
    tx.commit()?;
    Ok(())
}
