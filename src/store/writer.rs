//! The single writer: one thread owns the write connection and commits whatever
//! deliveries are waiting as one transaction (group commit). One fsync then
//! covers a whole batch, which is what makes durable answers fast.

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, TransactionBehavior, params};
use tokio::sync::oneshot;

use super::apply::apply_delivery;
use super::incoming::{IncomingDelivery, Refusal, StoredDelivery};

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
    /// Proves the archive is writable: takes the write lock and lets it go.
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

impl WriterThread {
    pub fn spawn(conn: Connection, limits: WriterLimits) -> std::io::Result<WriterThread> {
        let (jobs, receiver) = sync_channel(limits.queue_capacity);
        let handle = WriterHandle { jobs };
        let thread = std::thread::Builder::new()
            .name("archive-writer".to_owned())
            .spawn(move || run(conn, receiver, limits.max_batch))?;
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

fn run(conn: Connection, jobs: Receiver<Job>, max_batch: usize) {
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
        commit_batch(&conn, std::mem::take(&mut batch));
    }
    if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
        log::warn!("final checkpoint failed: {e}");
    }
}

/// Commits every job of the batch in one transaction, then answers each sender.
/// Each delivery runs under its own savepoint: one bad delivery fails alone.
fn commit_batch(conn: &Connection, batch: Vec<Job>) {
    let mut results = Vec::with_capacity(batch.len());
    let outcome = (|| -> rusqlite::Result<()> {
        let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
        for job in &batch {
            let result = match job {
                Job::Delivery(delivery, _) => {
                    Some(in_savepoint(&tx, |c| apply_delivery(c, delivery)))
                }
                Job::Refusal(refusal, _) => {
                    if let Err(e) = in_savepoint(&tx, |c| insert_refusal(c, refusal)) {
                        log::warn!("refusal not logged in the archive: {e}");
                    }
                    None
                }
                Job::Probe(_) | Job::Shutdown => None,
            };
            results.push(result);
        }
        tx.commit()
    })();

    for (job, result) in batch
        .into_iter()
        .zip(results.into_iter().chain(std::iter::repeat_with(|| None)))
    {
        match job {
            Job::Delivery(_, reply) => {
                let answer = match (&outcome, result) {
                    (Ok(()), Some(Ok(stored))) => Ok(stored),
                    (Ok(()), Some(Err(e))) => Err(WriteFailed::Storage(e.to_string())),
                    (Err(e), _) => Err(WriteFailed::Storage(e.to_string())),
                    (Ok(()), None) => Err(WriteFailed::Stopped),
                };
                // The sender may have gone (client hung up): the row stays committed.
                let _ = reply.send(answer);
            }
            Job::Probe(reply) => {
                let answer = match &outcome {
                    Ok(()) => Ok(()),
                    Err(e) => Err(WriteFailed::Storage(e.to_string())),
                };
                let _ = reply.send(answer);
            }
            Job::Refusal(_, logged) => {
                let _ = logged.send(());
            }
            Job::Shutdown => {}
        }
    }
    if let Err(e) = outcome {
        log::error!("batch commit failed, every delivery in it was answered 500: {e}");
    }
}

fn in_savepoint<T>(
    conn: &Connection,
    work: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    conn.execute_batch("SAVEPOINT delivery")?;
    match work(conn) {
        Ok(value) => {
            conn.execute_batch("RELEASE delivery")?;
            Ok(value)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO delivery; RELEASE delivery")?;
            Err(e)
        }
    }
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
