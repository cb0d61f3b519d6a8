//! `serve --retain`: prune runs in the background, soon after start and then
//! daily, on its own connection, keeping the current versions of offers,
//! advertisers and partners. Its summary goes to the log.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::{Error, Result};
use crate::everflow::ResourceType;
use crate::store::open::{OpenMode, open_archive};
use crate::store::prune::{PruneRules, prune};

/// When and what to prune.
#[derive(Debug, Clone, Copy)]
pub struct RetentionRules {
    /// What nothing has arrived about for this long goes.
    pub keep_for: Duration,
    /// The first run, after start (so a restart loop does not prune in a loop).
    pub first_run_after: Duration,
    pub every: Duration,
}

impl RetentionRules {
    pub fn keeping(keep_for: Duration) -> RetentionRules {
        RetentionRules {
            keep_for,
            first_run_after: Duration::from_secs(60),
            every: Duration::from_secs(24 * 60 * 60),
        }
    }
}

pub struct Retainer {
    stop: Sender<()>,
    stopping: Arc<AtomicBool>,
    thread: JoinHandle<()>,
}

impl Retainer {
    pub fn spawn(path: &Path, rules: RetentionRules) -> Result<Retainer> {
        let (mut conn, _) = open_archive(path, OpenMode::Existing)?;
        let (stop, stopped) = channel();
        let stopping = Arc::new(AtomicBool::new(false));
        let cancelled = Arc::clone(&stopping);
        let thread = std::thread::Builder::new()
            .name("retention".to_owned())
            .spawn(move || {
                let mut wait = rules.first_run_after;
                while matches!(stopped.recv_timeout(wait), Err(RecvTimeoutError::Timeout)) {
                    if let Err(e) = run_once(&mut conn, rules.keep_for, &cancelled) {
                        tracing::error!("retention: prune failed: {e}; trying again in a day");
                    }
                    wait = rules.every;
                }
            })
            .map_err(|source| Error::Io {
                context: "cannot start the retention thread".to_owned(),
                source,
            })?;
        Ok(Retainer {
            stop,
            stopping,
            thread,
        })
    }

    /// Stops, interrupting a prune under way after its current transaction.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::Relaxed);
        let _ = self.stop.send(());
        if self.thread.join().is_err() {
            tracing::error!("retention thread panicked");
        }
    }
}

fn run_once(conn: &mut Connection, keep_for: Duration, cancelled: &AtomicBool) -> Result<()> {
    let keep_ms = i64::try_from(keep_for.as_millis()).unwrap_or(i64::MAX);
    let rules = PruneRules {
        cutoff_ms: crate::window::now()?
            .as_millisecond()
            .saturating_sub(keep_ms),
        types: ResourceType::ALL.to_vec(),
        keep_current: true,
    };
    let pruned = prune(conn, &rules, false, |_, _, _| {
        !cancelled.load(Ordering::Relaxed)
    })?;
    tracing::info!(
        versions = pruned.versions,
        resources = pruned.resources,
        deliveries = pruned.deliveries,
        bodies = pruned.bodies,
        freed_bytes = pruned
            .bytes_in_use_before
            .saturating_sub(pruned.bytes_in_use_after),
        write_transactions = pruned.writes.transactions,
        longest_write_ms = pruned.writes.longest.as_millis() as u64,
        "retention: pruned what nothing has arrived about for {} days",
        keep_for.as_secs() / 86_400
    );
    Ok(())
}
