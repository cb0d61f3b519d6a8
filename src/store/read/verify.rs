//! The scrub behind `evarchive verify`: SQLite's own integrity check, every
//! body read back and checked against the SHA-256 taken on arrival, every
//! version's body read again as `serve` read it and compared with what the
//! archive holds for it (identity, content hash, typed row), and the counters
//! `stats` reads recounted from the rows.
//!
//! Reads in slices of one short transaction each, so a scrub of a large
//! archive never holds back `serve`'s checkpoints.

use std::fmt;

use rusqlite::types::Value;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::bodies::Dictionaries;
use crate::store::kept_body::{KEPT_BODY_COLUMNS, KeptBody};
use crate::store::reread::{
    Reread, RereadFailure, Scratch, StoredVersion, archived_row, reread_version, version_slice_sql,
};
use crate::store::typed_rows::table_of;

/// Something the archive holds that is not what arrived, or not what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A line of `PRAGMA integrity_check`.
    Integrity(String),
    BodyUnreadable {
        body_id: i64,
        why: String,
    },
    BodyDigest {
        body_id: i64,
    },
    BodyLength {
        body_id: i64,
        recorded: i64,
        read: usize,
    },
    /// The body of a version no longer reads as the kind it was archived under.
    Reread {
        version_id: i64,
        why: String,
    },
    /// The body holds no resource with the version's identity.
    ResourceMissing {
        version_id: i64,
        resource_id: String,
    },
    ContentHash {
        version_id: i64,
    },
    TypedRowMissing {
        version_id: i64,
        table: &'static str,
    },
    TypedRow {
        version_id: i64,
        table: &'static str,
        column: String,
        archived: String,
        extracted: String,
    },
    Counter {
        kind: String,
        counter: &'static str,
        recorded: Option<i64>,
        counted: Option<i64>,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Integrity(line) => write!(f, "SQLite integrity check: {line}"),
            Problem::BodyUnreadable { body_id, why } => {
                write!(f, "body {body_id} cannot be read back: {why}")
            }
            Problem::BodyDigest { body_id } => write!(
                f,
                "body {body_id} reads back as bytes whose SHA-256 is not the one taken on arrival"
            ),
            Problem::BodyLength {
                body_id,
                recorded,
                read,
            } => write!(
                f,
                "body {body_id} reads back as {read} bytes; {recorded} arrived"
            ),
            Problem::Reread { version_id, why } => write!(
                f,
                "version {version_id}: its body no longer reads as the kind it was archived under: {why}"
            ),
            Problem::ResourceMissing {
                version_id,
                resource_id,
            } => write!(
                f,
                "version {version_id}: its body holds no resource {resource_id}"
            ),
            Problem::ContentHash { version_id } => write!(
                f,
                "version {version_id}: its body's content hash is not the one archived (deduplication would differ)"
            ),
            Problem::TypedRowMissing { version_id, table } => {
                write!(f, "version {version_id}: no row in {table}")
            }
            Problem::TypedRow {
                version_id,
                table,
                column,
                archived,
                extracted,
            } => write!(
                f,
                "version {version_id}: {table}.{column} is {archived}, its body says {extracted}"
            ),
            Problem::Counter {
                kind,
                counter,
                recorded,
                counted,
            } => {
                let show = |n: &Option<i64>| n.map_or_else(|| "none".to_owned(), |n| n.to_string());
                write!(
                    f,
                    "counter {counter} of {kind}: {} recorded, {} counted",
                    show(recorded),
                    show(counted)
                )
            }
        }
    }
}

/// What a scrub went through and found.
#[derive(Debug, Default)]
pub struct Scrub {
    pub bodies: u64,
    pub body_bytes: u64,
    pub versions: u64,
    pub problems: Vec<Problem>,
}

/// Which step a scrub is at, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Integrity,
    Bodies,
    Versions,
    Counters,
}

/// Rows read per transaction.
const SLICE: i64 = 500;

/// Scrubs the archive; `progress` hears the step and how many rows of it
/// were checked, once per slice.
pub fn verify(conn: &Connection, mut progress: impl FnMut(Step, u64)) -> Result<Scrub> {
    let dictionaries = Dictionaries::load(conn)?;
    let mut scrub = Scrub::default();
    progress(Step::Integrity, 0);
    check_integrity(conn, &mut scrub)?;
    check_bodies(conn, &dictionaries, &mut scrub, |n| {
        progress(Step::Bodies, n)
    })?;
    check_versions(conn, &dictionaries, &mut scrub, |n| {
        progress(Step::Versions, n)
    })?;
    progress(Step::Counters, 0);
    check_counters(conn, &mut scrub)?;
    Ok(scrub)
}

fn check_integrity(conn: &Connection, scrub: &mut Scrub) -> Result<()> {
    let mut statement = conn.prepare("PRAGMA integrity_check")?;
    let lines = statement.query_map([], |row| row.get::<_, String>(0))?;
    for line in lines {
        let line = line?;
        if line != "ok" {
            scrub.problems.push(Problem::Integrity(line));
        }
    }
    Ok(())
}

fn check_bodies(
    conn: &Connection,
    dictionaries: &Dictionaries,
    scrub: &mut Scrub,
    mut progress: impl FnMut(u64),
) -> Result<()> {
    let mut slice = conn.prepare(&format!(
        "SELECT b.sha256, {KEPT_BODY_COLUMNS} FROM bodies AS b
         WHERE b.body_id >= ?1 ORDER BY b.body_id LIMIT ?2"
    ))?;
    let mut next = 0;
    loop {
        let rows: Vec<(Vec<u8>, KeptBody)> = slice
            .query_map(params![next, SLICE], |row| {
                Ok((row.get(0)?, KeptBody::from_row(row, 1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let Some((_, last)) = rows.last() else {
            return Ok(());
        };
        next = last.body_id + 1;
        for (sha256, kept) in rows {
            scrub.bodies += 1;
            check_body(conn, dictionaries, &sha256, &kept, scrub);
        }
        progress(scrub.bodies);
    }
}

fn check_body(
    conn: &Connection,
    dictionaries: &Dictionaries,
    sha256: &[u8],
    kept: &KeptBody,
    scrub: &mut Scrub,
) {
    let body_id = kept.body_id;
    let bytes = match kept.read_back(conn, dictionaries) {
        Ok(bytes) => bytes,
        Err(e) => {
            scrub.problems.push(Problem::BodyUnreadable {
                body_id,
                why: e.to_string(),
            });
            return;
        }
    };
    scrub.body_bytes += bytes.len() as u64;
    if usize::try_from(kept.length).ok() != Some(bytes.len()) {
        scrub.problems.push(Problem::BodyLength {
            body_id,
            recorded: kept.length,
            read: bytes.len(),
        });
    }
    if Sha256::digest(&bytes).as_slice() != sha256 {
        scrub.problems.push(Problem::BodyDigest { body_id });
    }
}

fn check_versions(
    conn: &Connection,
    dictionaries: &Dictionaries,
    scrub: &mut Scrub,
    mut progress: impl FnMut(u64),
) -> Result<()> {
    let scratch = Scratch::new()?;
    let mut slice = conn.prepare(&version_slice_sql())?;
    let mut next = 0;
    loop {
        // The versions and their typed rows from one snapshot: `serve` may
        // move `is_current` between slices.
        conn.execute_batch("BEGIN")?;
        let checked = (|| -> Result<Option<i64>> {
            let rows: Vec<StoredVersion> = slice
                .query_map(params![next, SLICE], StoredVersion::from_row)?
                .collect::<rusqlite::Result<_>>()?;
            let last = rows.last().map(|v| v.version_id);
            for version in rows {
                scrub.versions += 1;
                check_version(conn, &scratch, dictionaries, &version, scrub)?;
            }
            Ok(last)
        })();
        conn.execute_batch("COMMIT")?;
        let Some(last) = checked? else {
            return Ok(());
        };
        next = last + 1;
        progress(scrub.versions);
    }
}

fn check_version(
    conn: &Connection,
    scratch: &Scratch,
    dictionaries: &Dictionaries,
    version: &StoredVersion,
    scrub: &mut Scrub,
) -> Result<()> {
    let version_id = version.version_id;
    let reread = match reread_version(conn, dictionaries, version) {
        Ok(reread) => reread,
        // An unreadable body is reported once, by the body step.
        Err(RereadFailure::Unreadable) => return Ok(()),
        Err(RereadFailure::Extraction(why)) => {
            scrub.problems.push(Problem::Reread { version_id, why });
            return Ok(());
        }
        Err(RereadFailure::ResourceMissing) => {
            scrub.problems.push(Problem::ResourceMissing {
                version_id,
                resource_id: version.resource_id.clone(),
            });
            return Ok(());
        }
    };
    if !reread.same_content {
        scrub.problems.push(Problem::ContentHash { version_id });
    }
    compare_typed_row(conn, scratch, &reread, scrub)
}

/// Compares the archived typed row of a version with the one this release
/// writes for the same body.
fn compare_typed_row(
    conn: &Connection,
    scratch: &Scratch,
    reread: &Reread,
    scrub: &mut Scrub,
) -> Result<()> {
    let version_id = reread.origin.version_id;
    let table = table_of(reread.origin.kind.family());
    let expected = scratch.expected(reread)?;
    let Some(archived) = archived_row(conn, table, version_id)? else {
        scrub
            .problems
            .push(Problem::TypedRowMissing { version_id, table });
        return Ok(());
    };
    let Some(expected) = expected else {
        return Ok(());
    };
    let differing = archived
        .iter()
        .zip(&expected)
        .find(|((_, archived), (_, expected))| archived != expected);
    if let Some(((column, archived), (_, expected))) = differing {
        scrub.problems.push(Problem::TypedRow {
            version_id,
            table,
            column: column.clone(),
            archived: shown(archived),
            extracted: shown(expected),
        });
    }
    Ok(())
}

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "empty".to_owned(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Text(text) => format!("{text:?}"),
        Value::Blob(bytes) => format!("x'{}'", hex::encode(bytes)),
    }
}

/// The counters as the rows count them: deliveries and redeliveries by the
/// kind they arrived as, versions by the kind that first carried them,
/// resources by the kind of their first version. (Refusals are counted as
/// they happen; the log of them is capped, so they cannot be recounted.)
const RECOUNT: &str = "
    WITH delivered AS (
        SELECT kind, count(*) AS deliveries,
               count(*) FILTER (WHERE outcome = 'duplicate') AS redeliveries,
               min(received_at) AS first_received_at, max(received_at) AS last_received_at
        FROM deliveries GROUP BY kind),
    versioned AS (SELECT kind, count(*) AS versions FROM versions GROUP BY kind),
    first_versions AS (
        SELECT kind, count(*) AS resources FROM versions AS v
        WHERE v.version_id = (SELECT min(w.version_id) FROM versions AS w
                              WHERE w.resource_type = v.resource_type
                                AND w.resource_id = v.resource_id)
        GROUP BY kind),
    kinds AS (SELECT kind FROM delivered UNION SELECT kind FROM counters WHERE deliveries > 0)
    SELECT k.kind,
           c.deliveries, coalesce(d.deliveries, 0),
           c.redeliveries, coalesce(d.redeliveries, 0),
           c.versions, coalesce(v.versions, 0),
           c.resources, coalesce(f.resources, 0),
           c.first_received_at, d.first_received_at,
           c.last_received_at, d.last_received_at
    FROM kinds AS k
    LEFT JOIN counters AS c ON c.kind = k.kind
    LEFT JOIN delivered AS d ON d.kind = k.kind
    LEFT JOIN versioned AS v ON v.kind = k.kind
    LEFT JOIN first_versions AS f ON f.kind = k.kind
    ORDER BY k.kind";

const COUNTERS: [&str; 6] = [
    "deliveries",
    "redeliveries",
    "versions",
    "resources",
    "first_received_at",
    "last_received_at",
];

fn check_counters(conn: &Connection, scrub: &mut Scrub) -> Result<()> {
    let mut statement = conn.prepare(RECOUNT)?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        for (i, counter) in COUNTERS.into_iter().enumerate() {
            let recorded: Option<i64> = row.get(1 + 2 * i)?;
            let counted: Option<i64> = row.get(2 + 2 * i)?;
            if recorded != counted {
                scrub.problems.push(Problem::Counter {
                    kind: kind.clone(),
                    counter,
                    recorded,
                    counted,
                });
            }
        }
    }
    Ok(())
}
