//! The scrub behind `evarchive verify`: SQLite's own integrity check, every
//! body read back and checked against the SHA-256 taken on arrival, every
//! version's body read again as `serve` read it and compared with what the
//! archive holds for it (identity, content hash, typed row), and the counters
//! `stats` reads recounted from the rows.
//!
//! Reads in slices of one short transaction each, so a scrub of a large
//! archive never holds back `serve`'s checkpoints.

mod counters;
mod problem;
mod references;

pub use problem::{Problem, Remedy};

use rusqlite::types::Value;
use rusqlite::{Connection, params};
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::bodies::Dictionaries;
use crate::store::kept_body::{KEPT_BODY_COLUMNS, KeptBody};
use crate::store::reread::{
    Reread, RereadFailure, Rereader, Scratch, StoredVersion, archived_row, version_slice_sql,
};
use crate::store::typed_rows::table_of;

/// What a scrub went through and found.
#[derive(Debug, Default)]
pub struct Scrub {
    pub bodies: u64,
    pub body_bytes: u64,
    pub versions: u64,
    pub problems: Vec<Problem>,
    /// Bodies with a problem of their own, whose versions' typed rows are
    /// then not compared.
    damaged_bodies: std::collections::HashSet<i64>,
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
    references::check_references(conn, &mut scrub)?;
    check_bodies(conn, &dictionaries, &mut scrub, |n| {
        progress(Step::Bodies, n)
    })?;
    check_versions(conn, Rereader::new(dictionaries), &mut scrub, |n| {
        progress(Step::Versions, n)
    })?;
    progress(Step::Counters, 0);
    counters::check_counters(conn, &mut scrub)?;
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
            scrub.damaged_bodies.insert(body_id);
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
        scrub.damaged_bodies.insert(body_id);
    }
    if Sha256::digest(&bytes).as_slice() != sha256 {
        scrub.problems.push(Problem::BodyDigest { body_id });
        scrub.damaged_bodies.insert(body_id);
    }
}

fn check_versions(
    conn: &Connection,
    rereader: Rereader,
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
                check_version(conn, &scratch, &rereader, &version, scrub)?;
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
    rereader: &Rereader,
    version: &StoredVersion,
    scrub: &mut Scrub,
) -> Result<()> {
    let version_id = version.version_id;
    // A body that does not read back as it arrived is damage, reported by
    // the body step; what it extracts to says nothing about the typed row.
    if scrub.damaged_bodies.contains(&version.body_id) {
        return Ok(());
    }
    let reread = match rereader.reread(conn, version) {
        Ok(reread) => reread,
        // An unreadable body is reported once, by the body step; a version
        // no delivery of whose body is left, by the foreign key check.
        Err(RereadFailure::Unreadable | RereadFailure::MethodUnknown) => return Ok(()),
        Err(RereadFailure::BodyMissing) => {
            scrub.problems.push(Problem::VersionBodyMissing {
                version_id,
                body_id: version.body_id,
            });
            return Ok(());
        }
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
