//! The single writer: one thread owns the write connection and commits whatever
//! deliveries are waiting as one transaction (group commit). One fsync then
//! covers a whole batch, which is what makes durable answers fast.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior, params};
use tokio::sync::oneshot;

use super::apply::apply_delivery;
use super::health::ArchiveHealth;
use super::identity::ArchiveFile;
use super::incoming::{IncomingDelivery, Refusal, StoredDelivery};
use super::settings;

/// Sizing of the writer's queue.
#[derive(Debug, Clone, Copy)]
pub struct WriterLimits {
    /// Deliveries waiting at most; past it, senders are told to come back later.
    pub queue_capacity: usize,
    /// Deliveries committed together at most.
    pub max_batch: usize,
}

impl Default for WriterLimits {
    fn default() -> Self {
        WriterLimits {
            queue_capacity: 4096,
            max_batch: 512,
        }
    }
}

/// Why a job was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// The queue is full: answer 503 with Retry-After.
    Busy,
    /// The writer has stopped.
    Stopped,
}

/// Why a taken job failed.
#[derive(Debug, thiserror::Error)]
pub enum WriteFailed {
    /// SQLite refused (disk full, I/O error…); nothing of the delivery was kept.
    #[error("the archive could not store the delivery: {0}")]
    Storage(String),
    #[error("the archive writer stopped before committing")]
    Stopped,
}

pub type DeliveryReply = oneshot::Receiver<Result<StoredDelivery, WriteFailed>>;
pub type ProbeReply = oneshot::Receiver<Result<(), WriteFailed>>;

enum Job {
    Delivery(
        IncomingDelivery,
        oneshot::Sender<Result<StoredDelivery, WriteFailed>>,
    ),
    Refusal(Refusal, oneshot::Sender<()>),
    /// Proves the archive is writable: commits a small write to the disk.
    Probe(oneshot::Sender<Result<(), WriteFailed>>),
    Shutdown,
}

/// The sending side, cloned into every HTTP worker.
#[derive(Clone)]
pub struct WriterHandle {
    jobs: SyncSender<Job>,
}

impl WriterHandle {
    /// Queues a delivery; the receiver resolves once it is durably committed.
    pub fn submit(&self, delivery: IncomingDelivery) -> Result<DeliveryReply, Rejected> {
        let (reply, receiver) = oneshot::channel();
        self.send(Job::Delivery(delivery, reply))?;
        Ok(receiver)
    }

    /// Queues a delivery, waiting for room in the queue: for bulk loaders, which
    /// would rather wait than be told to retry.
    pub fn submit_waiting(&self, delivery: IncomingDelivery) -> Result<DeliveryReply, Rejected> {
        let (reply, receiver) = oneshot::channel();
        self.jobs
            .send(Job::Delivery(delivery, reply))
            .map_err(|_| Rejected::Stopped)?;
        Ok(receiver)
    }

    /// Logs a refused request, best effort: a full queue drops the log line,
    /// never a delivery. The receiver resolves once the line is committed, so
    /// the refusal is in the log by the time the sender reads our answer.
    pub fn log_refusal(&self, refusal: Refusal) -> Option<oneshot::Receiver<()>> {
        let (logged, receiver) = oneshot::channel();
        match self.send(Job::Refusal(refusal, logged)) {
            Ok(()) => Some(receiver),
            Err(rejected) => {
                log::warn!("refusal not logged in the archive: writer {rejected:?}");
                None
            }
        }
    }

    pub fn probe(&self) -> Result<ProbeReply, Rejected> {
        let (reply, receiver) = oneshot::channel();
        self.send(Job::Probe(reply))?;
        Ok(receiver)
    }

    fn send(&self, job: Job) -> Result<(), Rejected> {
        self.jobs.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => Rejected::Busy,
            TrySendError::Disconnected(_) => Rejected::Stopped,
        })
    }
}

/// The writer thread; `stop` drains the queue, commits, and joins it.
pub struct WriterThread {
    handle: WriterHandle,
    thread: JoinHandle<()>,
}

/// What the writer checks before each batch, and where it reports.
pub struct WriterWatch {
    /// The archive file opened; a batch is refused once the path leads elsewhere.
    pub file: ArchiveFile,
    pub health: Arc<ArchiveHealth>,
}

impl WriterThread {
    pub fn spawn(
        conn: Connection,
        limits: WriterLimits,
        watch: WriterWatch,
    ) -> std::io::Result<WriterThread> {
        let (jobs, receiver) = sync_channel(limits.queue_capacity);
        let handle = WriterHandle { jobs };
        let thread = std::thread::Builder::new()
            .name("archive-writer".to_owned())
            .spawn(move || run(conn, receiver, limits.max_batch, watch))?;
        Ok(WriterThread { handle, thread })
    }

    pub fn handle(&self) -> WriterHandle {
        self.handle.clone()
    }

    /// Call once no more jobs can arrive (the HTTP server has stopped).
    pub fn stop(self) {
        // A blocking send: shutdown must not be lost to a full queue.
        if self.handle.jobs.send(Job::Shutdown).is_err() {
            log::warn!("archive writer had already stopped");
        }
        if self.thread.join().is_err() {
            log::error!("archive writer panicked");
        }
    }
}

fn run(conn: Connection, jobs: Receiver<Job>, max_batch: usize, watch: WriterWatch) {
    let mut batch = Vec::with_capacity(max_batch);
    let mut shutting_down = false;
    while !shutting_down {
        match jobs.recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => break,
            }
        }
        if batch.iter().any(|job| matches!(job, Job::Shutdown)) {
            shutting_down = true;
            // Whatever slipped in behind the shutdown still deserves its commit.
            batch.extend(jobs.try_iter());
        }
        commit_batch(&conn, std::mem::take(&mut batch), &watch);
    }
    if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
        log::warn!("final checkpoint failed: {e}");
    }
}

/// What one job came to: a stored delivery, or done (probe, refusal), or the
/// reason it failed.
type JobResult = Result<Option<StoredDelivery>, String>;

/// Commits every job of the batch in one transaction, then answers each sender.
/// Optimistic: nothing in a delivery can fail on its own short of SQLite
/// failing, so no per-delivery savepoint is paid for; if the batch fails, it
/// is rolled back and each job is retried in a transaction of its own, so a
/// bad delivery still fails alone.
fn commit_batch(conn: &Connection, batch: Vec<Job>, watch: &WriterWatch) {
    let problem = watch.file.problem();
    watch.health.record_file(problem.clone());
    let results = match problem {
        // Nothing is written into a file no one can open again.
        Some(problem) => batch.iter().map(|_| Err(problem.clone())).collect(),
        None => store_all(conn, &batch),
    };
    let committed = results.iter().any(Result::is_ok);
    let first_error = results.iter().find_map(|r| r.as_ref().err().cloned());
    watch.health.record_commit(match (committed, first_error) {
        (false, Some(error)) => Err(error),
        _ => Ok(()),
    });
    answer(batch, results);
}

/// Stores the batch in one transaction, or each job alone if that fails.
fn store_all(conn: &Connection, batch: &[Job]) -> Vec<JobResult> {
    match store_together(conn, batch) {
        Ok(results) => results,
        Err(e) => {
            log::warn!(
                "batch of {} failed ({e}); storing its jobs one by one",
                batch.len()
            );
            batch
                .iter()
                .map(|job| store_together(conn, std::slice::from_ref(job)).and_then(only))
                .map(|result| result.unwrap_or_else(|e| Err(e.to_string())))
                .collect()
        }
    }
}

/// Tells each job's sender how it went.
fn answer(batch: Vec<Job>, results: Vec<JobResult>) {
    for (job, result) in batch.into_iter().zip(results) {
        match job {
            Job::Delivery(_, reply) => {
                let answer = match result {
                    Ok(Some(stored)) => Ok(stored),
                    Ok(None) => Err(WriteFailed::Stopped),
                    Err(e) => Err(WriteFailed::Storage(e)),
                };
                // The sender may have gone (client hung up): the row stays committed.
                let _ = reply.send(answer);
            }
            Job::Probe(reply) => {
                let _ = reply.send(result.map(|_| ()).map_err(WriteFailed::Storage));
            }
            Job::Refusal(_, logged) => {
                if let Err(e) = result {
                    log::warn!("refusal not logged in the archive: {e}");
                }
                let _ = logged.send(());
            }
            Job::Shutdown => {}
        }
    }
}

/// Runs `jobs` in one IMMEDIATE transaction; all or nothing.
fn store_together(conn: &Connection, jobs: &[Job]) -> rusqlite::Result<Vec<JobResult>> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut results = Vec::with_capacity(jobs.len());
    for job in jobs {
        results.push(Ok(match job {
            Job::Delivery(delivery, _) => Some(apply_delivery(&tx, delivery)?),
            Job::Refusal(refusal, _) => {
                insert_refusal(&tx, refusal)?;
                None
            }
            Job::Probe(_) => {
                settings::record_health_probe(&tx)?;
                None
            }
            Job::Shutdown => None,
        }));
    }
    tx.commit()?;
    Ok(results)
}

fn only(mut results: Vec<JobResult>) -> rusqlite::Result<JobResult> {
    Ok(results.pop().unwrap_or(Ok(None)))
}

fn insert_refusal(conn: &Connection, refusal: &Refusal) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO refusals (received_at, kind, method, http_status, reason, detail,
                               body_length, body_prefix, sender)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        refusal.received_at,
        refusal.kind,
        refusal.method,
        refusal.http_status,
        refusal.reason,
        refusal.detail,
        refusal.body_length as i64,
        refusal.body_prefix,
        refusal.sender,
    ])?;
    Ok(())
}
