//! A consistent copy of the archive, taken while `serve` writes to it.
//!
//! `VACUUM INTO` reads the archive inside one read transaction, so the copy
//! is the archive as of one commit, whatever is committed meanwhile, and it
//! writes a compact file (no free pages). SQLite's online backup API was the
//! other choice, but it starts over whenever another connection writes, so
//! under steady ingest it might never finish. The price of one long read
//! transaction: checkpoints cannot pass it, so the WAL grows by what arrives
//! during the copy and shrinks after.
//!
//! The copy is written as `FILE.partial`, synced, and renamed to `FILE`, so
//! `FILE` is always a whole backup (the previous one, until the new one is
//! complete).

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::store::identity::beside;

/// Copies the archive `conn` reads (at `archive`) to `target`; returns the
/// copy's size in bytes.
pub fn back_up(conn: &Connection, archive: &Path, target: &Path) -> Result<u64> {
    refuse_the_archive_itself(archive, target)?;
    let partial = beside(target, ".partial");
    let partial_text = partial.to_str().ok_or_else(|| Error::InvalidArgument {
        flag: "FILE",
        why: format!(
            "{} is not valid UTF-8; choose another name",
            target.display()
        ),
    })?;
    remove_if_there(&partial)?;
    let copied = copy(conn, &partial, partial_text, target);
    if copied.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    copied
}

fn copy(conn: &Connection, partial: &Path, partial_text: &str, target: &Path) -> Result<u64> {
    conn.execute("VACUUM INTO ?1", [partial_text])?;
    let io = |what: &str, path: &Path| {
        let context = format!("cannot {what} {}", path.display());
        move |source| Error::Io { context, source }
    };
    let file = File::open(partial).map_err(io("open", partial))?;
    file.sync_all().map_err(io("sync", partial))?;
    let bytes = file.metadata().map_err(io("read", partial))?.len();
    std::fs::rename(partial, target).map_err(io("rename to", target))?;
    // The rename itself is durable once the directory is synced.
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    };
    File::open(&dir)
        .and_then(|dir| dir.sync_all())
        .map_err(io("sync", &dir))?;
    Ok(bytes)
}

/// Backing up over the archive (or its WAL) would destroy it.
fn refuse_the_archive_itself(archive: &Path, target: &Path) -> Result<()> {
    let identity = |path: &Path| {
        std::fs::metadata(path)
            .ok()
            .map(|meta| (meta.dev(), meta.ino()))
    };
    let target_identity = identity(target);
    let ours = [
        archive.to_owned(),
        beside(archive, "-wal"),
        beside(archive, "-shm"),
    ];
    if target_identity.is_some() && ours.iter().any(|path| identity(path) == target_identity) {
        return Err(Error::InvalidArgument {
            flag: "FILE",
            why: format!(
                "{} is the archive itself (or its WAL); give the backup another name",
                target.display()
            ),
        });
    }
    Ok(())
}

fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::Io {
            context: format!("cannot remove the unfinished {}", path.display()),
            source: e,
        }),
        _ => Ok(()),
    }
}
