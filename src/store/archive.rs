//! The archive as `serve` runs it: one front door that opens (creates,
//! upgrades) the file, proves it writable, and owns the single writer, the
//! checkpointer, the read pool and what they report. The HTTP server and the
//! benchmarks' bulk loader receive it ready-made.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::acknowledged::Acknowledged;
use super::bodies::Dictionaries;
use super::checkpointer::{self, Checkpointer};
use super::compression::Compression;
use super::disk::DiskGuard;
use super::extraction;
use super::identity::{self, ArchiveFile};
use super::intake::Intake;
use super::open::{ArchiveState, OpenMode, open_archive, prove_writable};
use super::pool::read_pool;
use super::read::Readers;
use super::restore_gap::RestoreGap;
use super::retention::{Retainer, RetentionRules};
use super::serve_lock::ServeLock;
use super::settings;
use super::trainer::{Trainer, TrainingRules};
use super::write_health::ArchiveHealth;
use super::writer::stats::WriterStats;
use super::writer::{WriterHandle, WriterLimits, WriterThread, WriterWatch};
use crate::error::{Error, Result};

/// How to run an archive.
#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    pub writer_limits: WriterLimits,
    /// Bytes kept free on the archive's disk (see `disk`).
    pub disk_reserve: u64,
    /// The webhook token: the one given, or (when `None`) the one the archive
    /// keeps, made from `token_candidate` on first use.
    pub token: Option<String>,
    pub token_candidate: String,
    /// When bodies' dictionaries are trained.
    pub training: TrainingRules,
    /// The base of the webhook URLs, kept for `evarchive token`.
    pub webhook_url_base: Option<String>,
    /// `serve --retain`: prune in the background.
    pub retention: Option<RetentionRules>,
    /// `serve --adopt-archive`: serve the archive in place even if its
    /// marker names another one (see `identity`).
    pub adopt_archive: bool,
}

/// The archive's disk as found at start.
#[derive(Debug, Clone, Copy)]
pub struct DiskAtStart {
    pub free_bytes: u64,
    /// Below `--disk-reserve` plus the WAL: deliveries are refused (503)
    /// until space is freed.
    pub low: bool,
}

/// Readers for health checks, metrics and tokens; the CLI opens its own.
const READ_POOL_SIZE: u32 = 4;

pub struct Archive {
    path: PathBuf,
    state: ArchiveState,
    token: String,
    token_generated: bool,
    writer: WriterThread,
    checkpointer: Checkpointer,
    trainer: Trainer,
    retainer: Option<Retainer>,
    health: Arc<ArchiveHealth>,
    disk_at_start: Option<DiskAtStart>,
    acknowledged: Arc<Acknowledged>,
    restore_gap: Option<RestoreGap>,
    compression: Arc<Compression>,
    reads: Readers,
    /// Released last, when the archive is dropped (or the process ends).
    _lock: ServeLock,
}

impl Archive {
    /// Opens the archive at `path` for serving: creates it (with its schema)
    /// or upgrades it, checks it can be written, and starts the writer and
    /// the checkpointer.
    pub fn open(path: &Path, options: ArchiveOptions) -> Result<Archive> {
        let lock = ServeLock::take(path)?;
        if options.adopt_archive {
            identity::adopt(path)?;
        }
        let (mut conn, state) = open_archive(path, OpenMode::Serve)?;
        // A WAL left large by a full disk is emptied before anything is
        // written, giving the reserve up if that is what it takes.
        let disk = DiskGuard::new(path, options.disk_reserve);
        if let Err(e) = disk.make_room(&conn) {
            tracing::warn!("cannot empty the WAL at start: {e}");
        }
        let archive_id = prove_writable(&conn, path)?;
        extraction::bring_up_to_date(&mut conn, state)?;
        let (acknowledged, restore_gap) = Acknowledged::open(path, &conn, &archive_id)?;
        if let Some(gap) = &restore_gap {
            tracing::warn!("{}", gap.describe());
        }
        let acknowledged = Arc::new(acknowledged);
        // The checkpointer thread does this job, off the commit path.
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -16000;")?;
        let (token, token_generated) = match options.token {
            Some(token) => (token, false),
            None => settings::webhook_token(&conn, options.token_candidate)?,
        };
        if let Some(base) = &options.webhook_url_base {
            settings::record_webhook_url_base(&conn, base)?;
        }
        let dictionaries = Arc::new(Dictionaries::load(&conn)?);
        let health = Arc::new(ArchiveHealth::default());
        disk.take_reserve();
        // Measured now, not at the checkpointer's first pass: a disk already
        // below the reserve is said at start, and /healthz says so from its
        // first answer.
        let disk_at_start = disk.free_bytes().ok().map(|free| DiskAtStart {
            free_bytes: free,
            low: disk.is_low(free),
        });
        if let Some(measured) = disk_at_start {
            health.record_disk(measured.free_bytes, measured.low);
        }
        let checkpointer = Checkpointer::spawn(
            path,
            checkpointer::Watch {
                file: ArchiveFile::at(path)?,
                disk,
                health: Arc::clone(&health),
                acknowledged: Arc::clone(&acknowledged),
            },
        )?;
        let reads = Readers::new(read_pool(path, READ_POOL_SIZE)?);
        let watch = WriterWatch {
            file: ArchiveFile::at(path)?,
            health: Arc::clone(&health),
            acknowledged: Arc::clone(&acknowledged),
        };
        let writer = WriterThread::spawn(conn, options.writer_limits, watch).map_err(|source| {
            Error::Io {
                context: "cannot start the writer thread".to_owned(),
                source,
            }
        })?;
        let trainer = Trainer::spawn(
            path,
            writer.handle(),
            Arc::clone(&dictionaries),
            options.training,
        )?;
        let retainer = options
            .retention
            .map(|rules| Retainer::spawn(path, rules))
            .transpose()?;
        Ok(Archive {
            path: path.to_owned(),
            state,
            token,
            token_generated,
            writer,
            checkpointer,
            trainer,
            retainer,
            health,
            disk_at_start,
            acknowledged,
            restore_gap,
            compression: Arc::new(Compression::new(dictionaries)),
            reads,
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file was found, made or upgraded.
    pub fn state(&self) -> ArchiveState {
        self.state
    }

    /// The webhook token, and whether it was made just now.
    pub fn token(&self) -> (&str, bool) {
        (&self.token, self.token_generated)
    }

    /// A handle on the writer, for each HTTP worker.
    pub fn writer(&self) -> WriterHandle {
        self.writer.handle()
    }

    /// Free space on the archive's disk when it was opened, and whether it
    /// was already below the reserve (every delivery then waits for room).
    pub fn disk_at_start(&self) -> Option<DiskAtStart> {
        self.disk_at_start
    }

    /// Whether the archive was found older than what was acknowledged into
    /// it (restored from a backup).
    pub fn restore_gap(&self) -> Option<RestoreGap> {
        self.restore_gap.clone()
    }

    pub fn health(&self) -> Arc<ArchiveHealth> {
        Arc::clone(&self.health)
    }

    pub fn reads(&self) -> Readers {
        self.reads.clone()
    }

    /// The write door: where deliveries go in (bodies are kept and hashed
    /// on the caller's thread, committed by the writer).
    pub fn intake(&self) -> Intake {
        Intake::new(self.writer(), Arc::clone(&self.compression))
    }

    /// The writer's counters, for monitoring.
    pub fn writer_stats(&self) -> Arc<WriterStats> {
        self.writer.handle().stats()
    }

    /// Commits whatever is queued, checkpoints, and stops the threads.
    pub fn stop(self) {
        if let Some(retainer) = self.retainer {
            retainer.stop();
        }
        self.trainer.stop();
        self.writer.stop();
        self.checkpointer.stop();
        self.acknowledged.persist_now();
    }
}
