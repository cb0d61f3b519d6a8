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
//! its place until the marker is removed on purpose. The marker names the
//! archive's id (kept in the archive, so a backup restored in place still
//! matches): another archive copied into place is refused too, until it is
//! adopted on purpose (`serve --adopt-archive`).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::store::settings;

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

/// Refuses an archive other than the one the marker names: one copied or
/// moved into place would be served (and written) as if it were the one
/// that was there. Reads only.
pub fn check_marker_names(archive: &Path, conn: &Connection) -> Result<()> {
    let marker = marker_path(archive);
    let Ok(said) = std::fs::read_to_string(&marker) else {
        return Ok(());
    };
    let first_line = said.lines().next().unwrap_or_default();
    let Some(expected) = first_line.split_whitespace().next() else {
        // An empty marker names nothing to compare with.
        return Ok(());
    };
    // An archive from a release that kept no id has none: it is not the one
    // a marker names, since a marker is written only after the id.
    let found = settings::stored_archive_id(conn).ok().flatten();
    if found.as_deref() == Some(expected) {
        return Ok(());
    }
    Err(Error::ArchiveMismatch {
        path: archive.to_owned(),
        marker,
        expected: first_line.to_owned(),
        found: found.map_or_else(
            || "an archive without an id".to_owned(),
            |id| format!("archive {id}"),
        ),
    })
}

/// `serve --adopt-archive`: forgets the archive the marker names (and what
/// was acknowledged into it), so the archive now in place gets its own
/// marker. Only when there is an archive to adopt: the marker of a missing
/// one keeps guarding against a new, empty one.
pub fn adopt(archive: &Path) -> Result<()> {
    if !archive.exists() {
        return Ok(());
    }
    for file in [
        marker_path(archive),
        crate::store::acknowledged::file_path(archive),
    ] {
        match std::fs::remove_file(&file) {
            Ok(()) => tracing::info!("--adopt-archive: removed {}", file.display()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(Error::Io {
                    context: format!("cannot remove {} to adopt the archive", file.display()),
                    source,
                });
            }
        }
    }
    Ok(())
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

    #[test]
    fn the_marker_refuses_an_archive_with_another_id() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("evarchive.db");
        let conn = Connection::open_in_memory().expect("memory");
        conn.execute_batch("CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
            .expect("table");
        // No marker: nothing to compare with.
        assert!(check_marker_names(&path, &conn).is_ok());
        keep_marker(&path, "a1b2");
        let error = check_marker_names(&path, &conn).expect_err("no id");
        assert!(
            error.to_string().contains("an archive without an id"),
            "{error}"
        );
        settings::archive_id(&conn, "c3d4".to_owned()).expect("id");
        let error = check_marker_names(&path, &conn).expect_err("another id");
        assert!(
            error.to_string().contains("names archive a1b2")
                && error.to_string().contains("this file is archive c3d4"),
            "{error}"
        );
        assert_eq!(error.exit_code(), 1);
        std::fs::write(&path, "").expect("an archive in place");
        adopt(&path).expect("adopt");
        assert!(check_marker_names(&path, &conn).is_ok());
    }
}
