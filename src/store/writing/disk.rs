//! Room on the archive's filesystem, and a reserve that guarantees there is
//! always some.
//!
//! A checkpoint copies the WAL's pages into the database file, which may need
//! to grow: when the disk is full, the checkpoint fails, the WAL is never
//! reset, and nothing can be written again, not even after a restart. So
//! `serve` keeps a file of zeros beside the archive (`ARCHIVE-reserve`) and
//! refuses deliveries before free space drops below the reserve's size; if
//! the disk fills anyway (something else wrote to it), the reserve is given
//! up so the checkpoint can run and the WAL start over, and taken again once
//! there is room.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::store::identity::beside;

/// The reserve, and the free space below which deliveries are refused.
#[derive(Debug, Clone)]
pub struct DiskGuard {
    dir: PathBuf,
    reserve: PathBuf,
    wal: PathBuf,
    /// Bytes of the reserve file, and the free-space floor.
    pub reserve_bytes: u64,
}

impl DiskGuard {
    pub fn new(archive: &Path, reserve_bytes: u64) -> DiskGuard {
        let dir = match archive.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        DiskGuard {
            dir,
            reserve: beside(archive, "-reserve"),
            wal: beside(archive, "-wal"),
            reserve_bytes,
        }
    }

    /// The WAL's size: at most what a checkpoint adds to the database file.
    pub fn wal_bytes(&self) -> u64 {
        std::fs::metadata(&self.wal).map_or(0, |m| m.len())
    }

    /// Bytes an unprivileged writer can still use on the archive's filesystem.
    pub fn free_bytes(&self) -> std::io::Result<u64> {
        let stats = rustix::fs::statvfs(&self.dir)?;
        Ok(stats.f_bavail.saturating_mul(stats.f_frsize))
    }

    /// Whether deliveries should wait: free space must cover the reserve and
    /// the WAL besides, because checkpointing the WAL may grow the database
    /// file by as much as the WAL holds.
    pub fn is_low(&self, free: u64) -> bool {
        self.reserve_bytes > 0 && free < self.reserve_bytes.saturating_add(self.wal_bytes())
    }

    /// Empties the WAL into the database (TRUNCATE) so its space comes back;
    /// when even that fails for want of room, gives the reserve up and tries
    /// again. Used when deliveries wait for room, and at start.
    pub fn make_room(&self, conn: &rusqlite::Connection) -> rusqlite::Result<()> {
        match truncate(conn) {
            Err(e)
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull)
                    && self.release_reserve() =>
            {
                truncate(conn)
            }
            outcome => outcome,
        }
    }

    pub fn has_reserve(&self) -> bool {
        std::fs::metadata(&self.reserve).is_ok_and(|m| m.len() >= self.reserve_bytes)
    }

    /// Takes the reserve when it is missing and there is room for it and the
    /// floor besides. Returns whether a reserve is now in place.
    pub fn take_reserve(&self) -> bool {
        if self.reserve_bytes == 0 || self.has_reserve() {
            return true;
        }
        match self.free_bytes() {
            Ok(free) if free >= 2 * self.reserve_bytes => {}
            _ => return false,
        }
        match self.write_reserve() {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(
                    "cannot keep a disk reserve at {}: {e}",
                    self.reserve.display()
                );
                let _ = std::fs::remove_file(&self.reserve);
                false
            }
        }
    }

    /// Real blocks, not a sparse file: `fallocate` where the filesystem has
    /// it, else zeros written out.
    fn write_reserve(&self) -> std::io::Result<()> {
        let file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&self.reserve)?;
        let allocated = rustix::fs::fallocate(
            &file,
            rustix::fs::FallocateFlags::empty(),
            0,
            self.reserve_bytes,
        );
        if allocated.is_err() {
            let mut file = file;
            let zeros = vec![0u8; 1 << 20];
            let mut left = self.reserve_bytes;
            while left > 0 {
                let piece = left.min(zeros.len() as u64) as usize;
                file.write_all(&zeros[..piece])?;
                left -= piece as u64;
            }
            return file.sync_all();
        }
        file.sync_all()
    }

    /// Gives the reserve up, so a checkpoint has room. Returns whether there
    /// was one.
    pub fn release_reserve(&self) -> bool {
        match std::fs::remove_file(&self.reserve) {
            Ok(()) => {
                tracing::warn!(
                    "the disk is full: released the {} MiB reserve at {} so the archive can checkpoint",
                    self.reserve_bytes / (1024 * 1024),
                    self.reserve.display()
                );
                true
            }
            Err(_) => false,
        }
    }
}

fn truncate(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    let busy: i64 = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0))?;
    if busy != 0 {
        tracing::debug!("truncating checkpoint could not finish: readers or the writer were busy");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reserve_is_real_bytes_and_can_be_given_back() {
        let dir = tempfile::tempdir().expect("dir");
        let guard = DiskGuard::new(&dir.path().join("archive.db"), 1 << 20);
        assert!(!guard.has_reserve());
        assert!(guard.take_reserve());
        assert!(guard.has_reserve());
        let reserve = dir.path().join("archive.db-reserve");
        assert_eq!(std::fs::metadata(&reserve).expect("reserve").len(), 1 << 20);
        assert!(guard.release_reserve());
        assert!(!reserve.exists());
        assert!(!guard.release_reserve(), "nothing left to release");
        assert!(guard.free_bytes().expect("statvfs") > 0);
        let bare = DiskGuard::new(Path::new("archive.db"), 0);
        assert!(bare.take_reserve(), "a zero reserve is always in place");
        assert!(bare.free_bytes().is_ok(), "the current directory");
    }
}
