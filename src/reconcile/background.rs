//! `serve --reconcile-every`: reconcile (with --apply) in the background, on
//! a thread of its own at the lowest CPU priority, the archived rows going
//! through serve's own writer. Findings go to the log and to /metrics.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use super::{FindingKind, ReportingClient, compare, day_windows, read_bounded, report_delivery};
use crate::config::BackgroundPlan;
use crate::error::{Error, Result};
use crate::store::Intake;
use crate::store::read::Reader;

/// Everflow may still be filling the last minutes (as for the command).
const SETTLING: SignedDuration = SignedDuration::from_mins(5);
/// How long stopping serve waits for a run to notice; a request under way
/// may take longer (its timeout), and is then left to end with the process.
const STOP_WAIT: Duration = Duration::from_secs(5);

/// What the runs found, for /metrics.
#[derive(Debug, Default)]
pub struct ReconcileTally {
    pub finished_runs: AtomicU64,
    pub failed_runs: AtomicU64,
    pub missing: AtomicU64,
    pub changed: AtomicU64,
    pub unknown_to_everflow: AtomicU64,
    pub archived: AtomicU64,
    /// Unix seconds of the last run that finished; 0 before one did.
    pub last_success: AtomicI64,
}

pub struct Reconciler {
    stop: Sender<()>,
    stopping: Arc<AtomicBool>,
    finished: Receiver<()>,
}

impl Reconciler {
    pub fn spawn(
        db: PathBuf,
        intake: Intake,
        plan: BackgroundPlan,
        tally: Arc<ReconcileTally>,
    ) -> Result<Reconciler> {
        let (stop, stopped) = channel();
        let (done, finished) = channel();
        let stopping = Arc::new(AtomicBool::new(false));
        let cancelled = Arc::clone(&stopping);
        std::thread::Builder::new()
            .name("reconcile".to_owned())
            .spawn(move || {
                // On Linux a thread's nice value is its own: serve's other
                // threads keep theirs.
                if let Err(e) = rustix::process::nice(19) {
                    tracing::debug!("reconcile: cannot lower its priority: {e}");
                }
                let run = Run {
                    db,
                    intake,
                    plan,
                    tally,
                    cancelled,
                };
                let mut wait = run.plan.first_run_after;
                while matches!(stopped.recv_timeout(wait), Err(RecvTimeoutError::Timeout)) {
                    run.once();
                    wait = run.plan.every;
                }
                let _ = done.send(());
            })
            .map_err(|source| Error::Io {
                context: "cannot start the reconcile thread".to_owned(),
                source,
            })?;
        Ok(Reconciler {
            stop,
            stopping,
            finished,
        })
    }

    /// Stops after the current day of a run under way.
    pub fn stop(self) {
        self.stopping.store(true, Ordering::Relaxed);
        let _ = self.stop.send(());
        if self.finished.recv_timeout(STOP_WAIT).is_err() {
            tracing::warn!(
                "reconcile: a request to Everflow is still under way; not waiting for it"
            );
        }
    }
}

struct Run {
    db: PathBuf,
    intake: Intake,
    plan: BackgroundPlan,
    tally: Arc<ReconcileTally>,
    cancelled: Arc<AtomicBool>,
}

impl Run {
    fn once(&self) {
        match self.reconcile() {
            Ok(()) => {
                self.tally
                    .last_success
                    .store(Timestamp::now().as_second(), Ordering::Relaxed);
                self.tally.finished_runs.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                self.tally.failed_runs.fetch_add(1, Ordering::Relaxed);
                tracing::error!("reconcile: {e}; trying again at the next run");
            }
        }
    }

    fn reconcile(&self) -> Result<()> {
        let reader = Reader::open(&self.db)?;
        let mut client = ReportingClient::new(self.plan.api.clone());
        let until = Timestamp::now() - SETTLING;
        let window = SignedDuration::try_from(self.plan.window).unwrap_or(SignedDuration::MAX);
        let since = until.checked_sub(window).unwrap_or(until);
        let (mut findings, mut archived) = (0, 0);
        for day in day_windows(since, until) {
            if self.cancelled.load(Ordering::Relaxed) {
                return Ok(());
            }
            read_bounded(&mut client, &day, &mut |window, read| {
                let (found, stored) = self.settle(&reader, window, &read)?;
                findings += found;
                archived += stored;
                Ok(())
            })?;
        }
        tracing::info!(
            since = %since,
            until = %until,
            findings,
            archived,
            "reconcile: run finished"
        );
        Ok(())
    }

    /// Compares one window read with the archive, logs and counts its
    /// findings and archives what is missing or changed: how many findings,
    /// how many rows archived.
    fn settle(
        &self,
        reader: &Reader,
        window: &super::DayWindow,
        read: &super::WindowRead,
    ) -> Result<(usize, usize)> {
        let known = reader.current_conversions(window.start.as_second(), window.end.as_second())?;
        let comparison = compare(&read.rows, &known);
        for finding in &comparison.findings {
            let counter = match finding.kind {
                FindingKind::Missing => &self.tally.missing,
                FindingKind::Changed => &self.tally.changed,
                FindingKind::UnknownToEverflow => &self.tally.unknown_to_everflow,
            };
            counter.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                finding = finding.kind.as_str(),
                conversion_id = finding.conversion_id,
                transaction_id = finding.transaction_id,
                "reconcile: {}",
                finding.kind.as_str()
            );
        }
        let mut archived = 0;
        for &index in &comparison.to_apply {
            let stored = self.archive(&read.rows[index])?;
            self.tally
                .archived
                .fetch_add(stored as u64, Ordering::Relaxed);
            archived += stored;
        }
        let findings = comparison.findings.len();
        Ok((findings, archived))
    }

    /// 1 when the row was archived, 0 when it was refused (logged).
    fn archive(&self, row: &super::ReportRow) -> Result<usize> {
        let delivery = match report_delivery(row, &self.plan.api.base) {
            Ok(delivery) => delivery,
            Err(why) => {
                tracing::warn!(
                    conversion_id = row.conversion_id(),
                    "reconcile: report row not archived: {why}"
                );
                return Ok(0);
            }
        };
        let failed = |why: String| Error::Io {
            context: "the archive did not store a report row".to_owned(),
            source: std::io::Error::other(why),
        };
        self.intake
            .submit_waiting(self.intake.keep(delivery))
            .map_err(|rejected| failed(format!("{rejected:?}")))?
            .blocking_committed()
            .map_err(|e| failed(e.to_string()))?;
        Ok(1)
    }
}
