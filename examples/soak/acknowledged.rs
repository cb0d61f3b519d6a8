//! What every soak run checks at its end, through the release binary: each
//! delivery answered 200 is in the archive exactly once with the bytes that
//! were sent, SQLite finds the file whole with no dangling reference, and
//! `evarchive verify` passes.

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};

use crate::serving::release_binary;

/// Conversion id → the body answered 200.
pub type Acknowledged = Arc<Mutex<BTreeMap<u64, Vec<u8>>>>;

pub fn count(acknowledged: &Acknowledged) -> usize {
    acknowledged.lock().map_or(0, |a| a.len())
}

pub struct Verdict {
    pub missing: usize,
    pub doubled: usize,
    pub altered: usize,
    pub integrity: String,
    pub dangling: i64,
    /// `evarchive verify`'s exit code and last line.
    pub verify: (Option<i32>, String),
}

impl Verdict {
    pub fn clean(&self) -> bool {
        self.missing + self.doubled + self.altered == 0
            && self.integrity == "ok"
            && self.dangling == 0
            && self.verify.0 == Some(0)
    }

    pub fn describe(&self) -> String {
        format!(
            "{} missing, {} stored more than once, {} with other bytes; integrity_check {}, \
             {} dangling references; verify exit {:?} ({})",
            self.missing,
            self.doubled,
            self.altered,
            self.integrity,
            self.dangling,
            self.verify.0,
            self.verify.1
        )
    }
}

pub fn check(db: &Path, acknowledged: &Acknowledged) -> Result<Verdict, String> {
    let archive = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    let integrity: String = archive
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|e| e.to_string())?;
    let dangling: i64 = archive
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .map_err(|e| e.to_string())?;
    drop(archive);

    let stored = dumped_conversions(db)?;
    let acknowledged = acknowledged.lock().map_err(|e| e.to_string())?;
    let mut verdict = Verdict {
        missing: 0,
        doubled: 0,
        altered: 0,
        integrity,
        dangling,
        verify: verify(db)?,
    };
    for (id, body) in acknowledged.iter() {
        match stored.get(id).map(Vec::as_slice) {
            None | Some([]) => verdict.missing += 1,
            Some([kept]) if kept == body => {}
            Some([_]) => verdict.altered += 1,
            Some(_) => verdict.doubled += 1,
        }
    }
    Ok(verdict)
}

/// Every conversion delivery's body, by conversion id, as `evarchive dump`
/// reads them back (decompressed, from the archive's own code).
fn dumped_conversions(db: &Path) -> Result<HashMap<u64, Vec<Vec<u8>>>, String> {
    let mut child = Command::new(release_binary()?)
        .arg("--db")
        .arg(db)
        .args(["dump", "--kind", "conversion_registered"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run dump: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut stored: HashMap<u64, Vec<Vec<u8>>> = HashMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        let parsed: serde_json::Value = serde_json::from_str(&line).map_err(|e| e.to_string())?;
        let body = parsed["body"]
            .as_str()
            .ok_or("a dump line without a body")?;
        let id = serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|doc| doc["conversion_id"].as_u64());
        if let Some(id) = id {
            stored.entry(id).or_default().push(body.as_bytes().to_vec());
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("dump failed: {status}"));
    }
    Ok(stored)
}

fn verify(db: &Path) -> Result<(Option<i32>, String), String> {
    let output = Command::new(release_binary()?)
        .arg("--db")
        .arg(db)
        .arg("verify")
        .output()
        .map_err(|e| format!("cannot run verify: {e}"))?;
    let said = String::from_utf8_lossy(&output.stdout);
    let last = said.lines().last().unwrap_or_default().to_owned();
    Ok((output.status.code(), last))
}
