//! What the writer and the checkpointer last found, for `/healthz` and for
//! turning deliveries away before they would fail.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Shared by the writer, the checkpointer and the HTTP side.
#[derive(Debug, Default)]
pub struct ArchiveHealth {
    problems: Mutex<Problems>,
    /// Free bytes on the archive's filesystem, as last measured (updated
    /// by the checkpointer several times a second).
    free_bytes: AtomicU64,
    /// Whether free space is below the reserve floor.
    disk_low: AtomicBool,
}

#[derive(Debug, Default, Clone)]
struct Problems {
    /// The last commit failed (and none has succeeded since).
    commit: Option<String>,
    /// The last checkpoint failed.
    checkpoint: Option<String>,
    /// The archive file was deleted or replaced.
    file: Option<String>,
}

impl ArchiveHealth {
    pub fn record_commit(&self, outcome: Result<(), String>) {
        self.update(|problems| problems.commit = outcome.err());
    }

    pub fn record_checkpoint(&self, outcome: Result<(), String>) {
        self.update(|problems| {
            match (&problems.checkpoint, &outcome) {
                (None, Err(now)) => tracing::error!("background checkpoint failed: {now}"),
                (Some(_), Ok(())) => tracing::info!("background checkpoints succeed again"),
                _ => {}
            }
            problems.checkpoint = outcome.err();
        });
    }

    /// Records whether the archive file is still the one opened; logs the
    /// moment it stops (or starts again) being so.
    pub fn record_file(&self, problem: Option<String>) {
        self.update(|problems| {
            match (&problems.file, &problem) {
                (None, Some(now)) => tracing::error!("{now}"),
                (Some(_), None) => tracing::info!("the archive file is back"),
                _ => {}
            }
            problems.file = problem;
        });
    }

    pub fn record_disk(&self, free: u64, low: bool) {
        self.free_bytes.store(free, Ordering::Relaxed);
        self.disk_low.store(low, Ordering::Relaxed);
    }

    pub fn free_bytes(&self) -> u64 {
        self.free_bytes.load(Ordering::Relaxed)
    }

    pub fn disk_low(&self) -> bool {
        self.disk_low.load(Ordering::Relaxed)
    }

    /// The archive file's problem, if it was deleted or replaced.
    pub fn file_problem(&self) -> Option<String> {
        self.problems.lock().ok().and_then(|p| p.file.clone())
    }

    /// Every reason the archive cannot take deliveries now, most serious first.
    pub fn problems(&self) -> Vec<String> {
        let mut reasons = Vec::new();
        if let Ok(problems) = self.problems.lock() {
            reasons.extend(problems.file.clone());
            reasons.extend(
                problems
                    .commit
                    .clone()
                    .map(|e| format!("the last commit failed: {e}")),
            );
            reasons.extend(
                problems
                    .checkpoint
                    .clone()
                    .map(|e| format!("the last checkpoint failed: {e}")),
            );
        }
        if self.disk_low() {
            reasons.push(format!(
                "the disk is nearly full ({} MiB free, less than the reserve plus the WAL): deliveries wait until checkpointing gives the WAL's space back, or space is freed",
                self.free_bytes() / (1024 * 1024)
            ));
        }
        reasons
    }

    fn update(&self, change: impl FnOnce(&mut Problems)) {
        if let Ok(mut problems) = self.problems.lock() {
            change(&mut problems);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_clear_when_the_next_attempt_succeeds() {
        let health = ArchiveHealth::default();
        assert!(health.problems().is_empty());
        health.record_commit(Err("database or disk is full".to_owned()));
        health.record_disk(1024 * 1024, true);
        assert_eq!(
            health.problems(),
            [
                "the last commit failed: database or disk is full",
                "the disk is nearly full (1 MiB free, less than the reserve plus the WAL): deliveries wait until checkpointing gives the WAL's space back, or space is freed"
            ]
        );
        health.record_commit(Ok(()));
        health.record_disk(1 << 30, false);
        assert!(health.problems().is_empty());
    }
}
