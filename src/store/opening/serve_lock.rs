//! One `serve` per archive.
//!
//! Two servers on one file would each believe they own the single writer,
//! the checkpointer and the reserve, and the second one's marker, token and
//! disk checks would be about a file it does not control. So `serve` takes an
//! exclusive `flock` on `ARCHIVE-lock` before it opens the archive, and keeps
//! it until it exits. The kernel releases it when the process ends, however
//! it ends, so a crash (or `kill -9`) never leaves a stale lock behind. The
//! file says which process holds it, for the refusal message; it is left in
//! place at exit (removing it would race with the next start).
//!
//! The lock is not taken on the archive file itself: SQLite's own POSIX locks
//! are on that file, and a second descriptor on it is best avoided.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};

use crate::error::{Error, Result};
use crate::store::identity::beside;

/// Held while `serve` runs; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct ServeLock {
    _file: File,
}

impl ServeLock {
    /// Takes the lock of the archive at `archive`, or says who holds it.
    pub fn take(archive: &Path) -> Result<ServeLock> {
        let path = lock_path(archive);
        let io = |source| Error::Io {
            context: format!("cannot take the lock {}", path.display()),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|source| match source.kind() {
                // Where the lock cannot be made, the archive cannot be
                // written either: say that, as the start-up write would.
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                    Error::NotWritable {
                        path: archive.to_owned(),
                        why: format!("cannot create {}: {source}", path.display()),
                    }
                }
                _ => io(source),
            })?;
        if let Err(errno) = flock(&file, FlockOperation::NonBlockingLockExclusive) {
            if errno == rustix::io::Errno::WOULDBLOCK {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                return Err(Error::AlreadyServed {
                    path: archive.to_owned(),
                    holder: holder.trim().to_owned(),
                });
            }
            return Err(io(errno.into()));
        }
        let holder = format!(
            "evarchive serve, process {}, started {}\n",
            std::process::id(),
            jiff::Timestamp::now()
                .round(jiff::Unit::Second)
                .unwrap_or_default()
        );
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        file.write_all(holder.as_bytes()).map_err(io)?;
        Ok(ServeLock { _file: file })
    }
}

/// Who serves the archive at `archive` now, if anyone (as the lock file
/// says). Tries the lock and lets it go at once when it is free.
pub fn current_server(archive: &Path) -> Option<String> {
    match ServeLock::take(archive) {
        Err(Error::AlreadyServed { holder, .. }) => Some(holder),
        _ => None,
    }
}

/// `ARCHIVE-lock`, beside the archive like SQLite's `-wal` and `-shm`.
pub fn lock_path(archive: &Path) -> PathBuf {
    beside(archive, "-lock")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_taker_is_refused_naming_the_first_until_it_lets_go() {
        let dir = tempfile::tempdir().expect("temp dir");
        let archive = dir.path().join("archive.db");
        let first = ServeLock::take(&archive).expect("the first takes it");
        let refused = ServeLock::take(&archive).expect_err("the second is refused");
        let said = refused.to_string();
        assert!(
            said.contains(&format!("process {}", std::process::id())),
            "{said}"
        );
        drop(first);
        ServeLock::take(&archive).expect("free again once dropped");
    }
}
