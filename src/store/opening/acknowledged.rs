//! What `serve` last acknowledged, kept beside the archive
//! (`.ARCHIVE.acknowledged`, hidden like the marker), so that an archive
//! older than that is noticed at start: restored from a backup, or replaced
//! by an older copy. Its deliveries since are not in it (Everflow has the
//! conversions among them), and the delivery ids after its newest would be
//! handed out again.
//!
//! The writer notes each committed delivery in memory (two atomic maxima);
//! the file is rewritten about once a second while deliveries arrive, off
//! the writer's thread, and at shutdown, so durability costs ingest nothing.
//! A crash loses at most that second of the note, never a delivery: the
//! archive is then newer than the note, which is no alarm.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::store::identity::beside;
use crate::store::restore_gap::RestoreGap;

/// How often the note is rewritten at most while deliveries arrive.
const PERSIST_EVERY: Duration = Duration::from_secs(1);

/// The newest delivery: its id and its arrival (Unix milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Newest {
    pub delivery_id: i64,
    pub received_at: i64,
}

/// The file beside `archive`: `.NAME.acknowledged`.
pub fn file_path(archive: &Path) -> PathBuf {
    let name = archive
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "archive".to_owned());
    archive.with_file_name(format!(".{name}.acknowledged"))
}

pub struct Acknowledged {
    file: PathBuf,
    archive_id: String,
    delivery_id: AtomicI64,
    received_at: AtomicI64,
    /// What the file says, and when it was written.
    persisted: Mutex<(Newest, Instant)>,
}

impl Acknowledged {
    /// Compares the archive with the note beside it, then notes the archive
    /// as it is: a gap is reported once, by the start that finds it.
    pub fn open(
        archive: &Path,
        conn: &Connection,
        archive_id: &str,
    ) -> Result<(Acknowledged, Option<RestoreGap>)> {
        let file = file_path(archive);
        let found = newest_delivery(conn)?;
        let gap = read_note(&file, archive_id).and_then(|noted| {
            let older = match found {
                None => noted.delivery_id > 0,
                Some(found) => {
                    found.delivery_id < noted.delivery_id || found.received_at < noted.received_at
                }
            };
            older.then(|| RestoreGap {
                db: archive.to_owned(),
                archive_newest: found,
                acknowledged: noted,
            })
        });
        let now = found.unwrap_or(Newest {
            delivery_id: 0,
            received_at: 0,
        });
        let acknowledged = Acknowledged {
            file,
            archive_id: archive_id.to_owned(),
            delivery_id: AtomicI64::new(now.delivery_id),
            received_at: AtomicI64::new(now.received_at),
            persisted: Mutex::new((now, Instant::now())),
        };
        acknowledged.write(now).map_err(|source| Error::Io {
            context: format!("cannot write {}", acknowledged.file.display()),
            source,
        })?;
        Ok((acknowledged, gap))
    }

    /// A delivery committed (the writer, after each batch).
    pub fn record(&self, delivery_id: i64, received_at: i64) {
        self.delivery_id.fetch_max(delivery_id, Ordering::Relaxed);
        self.received_at.fetch_max(received_at, Ordering::Relaxed);
    }

    /// Rewrites the note if it changed and the last write is a second old.
    pub fn persist_if_due(&self) {
        self.persist(false);
    }

    /// Rewrites the note if it changed (at shutdown).
    pub fn persist_now(&self) {
        self.persist(true);
    }

    fn persist(&self, now: bool) {
        let Ok(mut persisted) = self.persisted.lock() else {
            return;
        };
        let newest = Newest {
            delivery_id: self.delivery_id.load(Ordering::Relaxed),
            received_at: self.received_at.load(Ordering::Relaxed),
        };
        if newest == persisted.0 || (!now && persisted.1.elapsed() < PERSIST_EVERY) {
            return;
        }
        match self.write(newest) {
            Ok(()) => *persisted = (newest, Instant::now()),
            Err(e) => tracing::warn!("cannot write {}: {e}", self.file.display()),
        }
    }

    /// Whole or not at all: written aside, synced, renamed over, and the
    /// directory synced so the rename survives a power cut.
    fn write(&self, newest: Newest) -> std::io::Result<()> {
        let text = format!(
            "{} {} {}\n\
             Kept by `evarchive serve`: the archive's id, and the id and arrival (Unix ms) of the\n\
             newest delivery it acknowledged. An archive found older than this at start was\n\
             restored from a backup: serve then says which deliveries are missing.\n",
            self.archive_id, newest.delivery_id, newest.received_at
        );
        let aside = beside(&self.file, ".partial");
        let mut file = std::fs::File::create(&aside)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&aside, &self.file)?;
        if let Some(dir) = self.file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)?.sync_all()?;
        }
        Ok(())
    }
}

/// The note beside the archive, if it is this archive's.
fn read_note(file: &Path, archive_id: &str) -> Option<Newest> {
    let text = std::fs::read_to_string(file).ok()?;
    let mut words = text.lines().next()?.split_whitespace();
    if words.next()? != archive_id {
        return None;
    }
    Some(Newest {
        delivery_id: words.next()?.parse().ok()?,
        received_at: words.next()?.parse().ok()?,
    })
}

fn newest_delivery(conn: &Connection) -> rusqlite::Result<Option<Newest>> {
    conn.query_row(
        "SELECT max(delivery_id), max(received_at) FROM deliveries",
        [],
        |row| {
            Ok(match (row.get(0)?, row.get(1)?) {
                (Some(delivery_id), Some(received_at)) => Some(Newest {
                    delivery_id,
                    received_at,
                }),
                _ => None,
            })
        },
    )
}
