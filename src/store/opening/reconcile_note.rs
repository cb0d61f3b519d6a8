//! The note of how far a `reconcile` run got, kept in the archive's settings
//! so that `--resume` continues an interrupted run: the command's one write
//! besides what `--apply` archives through the write door.

use std::path::Path;

use rusqlite::Connection;

use super::open::{OpenMode, open_archive};
use super::settings::{
    ReconcileProgress, clear_reconcile_progress, reconcile_progress, record_reconcile_progress,
};
use crate::error::Result;

/// The archive's reconcile note, on a connection of its own.
pub struct ReconcileNote {
    conn: Connection,
}

impl ReconcileNote {
    /// Opens an existing archive for the note.
    pub fn open(path: &Path) -> Result<ReconcileNote> {
        let (conn, _) = open_archive(path, OpenMode::Existing)?;
        Ok(ReconcileNote { conn })
    }

    /// The unfinished run's window and how far it got; none when the last
    /// run finished (or none ran).
    pub fn read(&self) -> Result<Option<ReconcileProgress>> {
        Ok(reconcile_progress(&self.conn)?)
    }

    pub fn record(&self, progress: ReconcileProgress) -> Result<()> {
        Ok(record_reconcile_progress(&self.conn, progress)?)
    }

    /// A run that finished, or a new one, leaves no note.
    pub fn clear(&self) -> Result<()> {
        Ok(clear_reconcile_progress(&self.conn)?)
    }
}
