//! Noticing that the archive file is no longer the one `serve` opened, and
//! never silently replacing an archive that existed with a new, empty one.
//!
//! SQLite keeps writing into an open file after it was deleted (`rm`) or
//! replaced (`mv other.db archive.db`): every delivery would be acknowledged
//! into a file no one can open again. So the path's device and inode are
//! compared with the opened file's before each batch is committed.
//!
//! And when the archive is missing at start, a marker left beside it when it
//! was created (`.ARCHIVE.created`, hidden, so `rm archive.db*` spares it)
//! says whether there was one: then `serve` refuses to start a new archive in
//! its place until the marker is removed on purpose.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The opened archive file, by device and inode.
#[derive(Debug, Clone)]
pub struct ArchiveFile {
    path: PathBuf,
    device: u64,
    inode: u64,
}

impl ArchiveFile {
    /// The file now at `path`.
    pub fn at(path: &Path) -> Result<ArchiveFile> {
        let metadata = std::fs::metadata(path).map_err(|source| Error::Io {
            context: format!("cannot read {}", path.display()),
            source,
        })?;
        Ok(ArchiveFile {
            path: path.to_owned(),
            device: metadata.dev(),
            inode: metadata.ino(),
        })
    }

    /// Why the path no longer leads to the opened file, if it does not.
    pub fn problem(&self) -> Option<String> {
        let path = self.path.display();
        match std::fs::metadata(&self.path) {
            Err(_) => Some(format!(
                "the archive file {path} was deleted or moved while serve was running: deliveries are refused (503) so that none is acknowledged into a file no one can open; put it back, or restart serve"
            )),
            Ok(now) if (now.dev(), now.ino()) != (self.device, self.inode) => Some(format!(
                "the archive file {path} was replaced by another file while serve was running: deliveries are refused (503); restore the original, or restart serve to use the new one"
            )),
            Ok(_) => None,
        }
    }
}

/// A new archive's id: 16 random bytes in hex.
pub fn new_archive_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::Io {
        context: "cannot read the system random source".to_owned(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(hex::encode(bytes))
}

/// The file named like the archive with `suffix` added (`archive.db-wal`).
pub fn beside(archive: &Path, suffix: &str) -> PathBuf {
    let mut name = archive.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The marker kept beside an archive: `.NAME.created` in its directory.
pub fn marker_path(archive: &Path) -> PathBuf {
    let name = archive
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "archive".to_owned());
    archive.with_file_name(format!(".{name}.created"))
}

/// Refuses to create an archive where the marker says one was.
pub fn check_not_vanished(archive: &Path) -> Result<()> {
    let marker = marker_path(archive);
    match std::fs::read_to_string(&marker) {
        Ok(said) => Err(Error::ArchiveVanished {
            path: archive.to_owned(),
            marker,
            created: said.lines().next().unwrap_or_default().to_owned(),
        }),
        Err(_) => Ok(()),
    }
}

/// Leaves the marker beside an archive that exists (made now, or by a
/// release that kept none).
pub fn keep_marker(archive: &Path, archive_id: &str) {
    let marker = marker_path(archive);
    if marker.exists() {
        return;
    }
    let text = format!(
        "{archive_id} (evarchive archive {}, created or first served {})\n\
         Kept by `evarchive serve`: while this file exists, serve will not create a new, empty\n\
         archive in place of a missing one. Delete this file only to start a new archive here.\n",
        archive.display(),
        jiff::Timestamp::now()
    );
    if let Err(e) = std::fs::write(&marker, text) {
        tracing::warn!("cannot write {}: {e}", marker.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_or_replaced_file_is_noticed() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("archive.db");
        std::fs::write(&path, "one").expect("write");
        let opened = ArchiveFile::at(&path).expect("metadata");
        assert_eq!(opened.problem(), None);
        std::fs::write(dir.path().join("other.db"), "two").expect("write");
        std::fs::rename(dir.path().join("other.db"), &path).expect("replace");
        assert!(opened.problem().expect("replaced").contains("was replaced"));
        std::fs::remove_file(&path).expect("delete");
        assert!(
            opened
                .problem()
                .expect("deleted")
                .contains("was deleted or moved")
        );
    }

    #[test]
    fn the_marker_stops_a_new_archive_in_place_of_a_vanished_one() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("evarchive.db");
        assert_eq!(marker_path(&path), dir.path().join(".evarchive.db.created"));
        assert!(check_not_vanished(&path).is_ok());
        keep_marker(&path, "a1b2");
        let error = check_not_vanished(&path).expect_err("vanished");
        assert!(
            error.to_string().contains(".evarchive.db.created"),
            "{error}"
        );
        assert_eq!(error.exit_code(), 1);
    }
}
