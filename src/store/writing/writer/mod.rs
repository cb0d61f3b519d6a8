//! The single writer: one thread owns the write connection and commits whatever
//! deliveries are waiting as one transaction (group commit). One fsync then
//! covers a whole batch, which is what makes durable answers fast.

mod batch;
pub mod stats;
mod wal;

use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, TrySendError, sync_channel};
use std::thread::JoinHandle;

use rusqlite::Connection;
use tokio::sync::oneshot;

use self::batch::commit_batch;
use self::stats::WriterStats;
use crate::everflow::ResourceType;
use crate::store::acknowledged::Acknowledged;
use crate::store::identity::ArchiveFile;
use crate::store::incoming::{IncomingDelivery, Refusal, StoredDelivery};
use crate::store::write_health::ArchiveHealth;

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

/// A dictionary trained for a resource type, to be kept in the archive.
#[derive(Debug)]
pub struct NewDictionary {
    pub resource_type: ResourceType,
    pub samples: usize,
    pub versions_at_training: i64,
    pub bytes: Vec<u8>,
}

enum Job {
    Delivery(
        IncomingDelivery,
        oneshot::Sender<Result<StoredDelivery, WriteFailed>>,
    ),
    Refusal(Refusal, oneshot::Sender<()>),
    /// Proves the archive is writable: commits a small write to the disk.
    Probe(oneshot::Sender<Result<(), WriteFailed>>),
    /// Keeps a trained dictionary; answers its id.
    Dictionary(NewDictionary, oneshot::Sender<Result<i64, WriteFailed>>),
    Shutdown,
}

/// The sending side, cloned into every HTTP worker.
#[derive(Clone)]
pub struct WriterHandle {
    jobs: SyncSender<Job>,
    stats: Arc<WriterStats>,
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
        self.send_waiting(Job::Delivery(delivery, reply))?;
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
                tracing::warn!("refusal not logged in the archive: writer {rejected:?}");
                None
            }
        }
    }

    pub fn probe(&self) -> Result<ProbeReply, Rejected> {
        let (reply, receiver) = oneshot::channel();
        self.send(Job::Probe(reply))?;
        Ok(receiver)
    }

    /// Keeps a trained dictionary, waiting for room; its id once committed.
    pub fn keep_dictionary(&self, dictionary: NewDictionary) -> Result<i64, WriteFailed> {
        let (reply, receiver) = oneshot::channel();
        self.send_waiting(Job::Dictionary(dictionary, reply))
            .map_err(|_| WriteFailed::Stopped)?;
        receiver.blocking_recv().map_err(|_| WriteFailed::Stopped)?
    }

    /// The writer's counters, for monitoring.
    pub fn stats(&self) -> Arc<WriterStats> {
        Arc::clone(&self.stats)
    }

    fn send(&self, job: Job) -> Result<(), Rejected> {
        self.jobs.try_send(job).map_err(|e| match e {
            TrySendError::Full(_) => Rejected::Busy,
            TrySendError::Disconnected(_) => Rejected::Stopped,
        })?;
        self.stats.queued(1);
        Ok(())
    }

    fn send_waiting(&self, job: Job) -> Result<(), Rejected> {
        self.jobs.send(job).map_err(|_| Rejected::Stopped)?;
        self.stats.queued(1);
        Ok(())
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
    /// Told of every delivery committed (see `acknowledged`).
    pub acknowledged: Arc<Acknowledged>,
}

impl WriterThread {
    pub fn spawn(
        conn: Connection,
        limits: WriterLimits,
        watch: WriterWatch,
    ) -> std::io::Result<WriterThread> {
        let (jobs, receiver) = sync_channel(limits.queue_capacity);
        let stats = Arc::new(WriterStats::default());
        let handle = WriterHandle {
            jobs,
            stats: Arc::clone(&stats),
        };
        let thread = std::thread::Builder::new()
            .name("archive-writer".to_owned())
            .spawn(move || run(conn, receiver, limits.max_batch, watch, &stats))?;
        Ok(WriterThread { handle, thread })
    }

    pub fn handle(&self) -> WriterHandle {
        self.handle.clone()
    }

    /// Call once no more jobs can arrive (the HTTP server has stopped).
    pub fn stop(self) {
        // A blocking send: shutdown must not be lost to a full queue.
        if self.handle.jobs.send(Job::Shutdown).is_err() {
            tracing::warn!("archive writer had already stopped");
        }
        if self.thread.join().is_err() {
            tracing::error!("archive writer panicked");
        }
    }
}

fn run(
    conn: Connection,
    jobs: Receiver<Job>,
    max_batch: usize,
    watch: WriterWatch,
    stats: &WriterStats,
) {
    if let Err(e) = wal::watch(&conn) {
        tracing::warn!("cannot watch the WAL's size: {e}");
    }
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
        stats.queued(-(batch.len() as i64));
        commit_batch(&conn, std::mem::take(&mut batch), &watch, stats);
        wal::catch_up(&conn, stats);
    }
    if let Err(e) = conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);") {
        tracing::warn!("final checkpoint failed: {e}");
    }
}
