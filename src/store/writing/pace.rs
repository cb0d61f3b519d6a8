//! Maintenance (`prune`, `reindex`, `serve --retain`) writes beside a running
//! `serve` in short transactions: each takes work until it has held the
//! write lock for `WORK_PER_TRANSACTION`, commits, and leaves the lock free
//! for a moment, in which serve's writer (polling every millisecond, see
//! `lock_wait`) takes its turn. A count of rows alone does not bound the
//! time: 2,000 ids took 0.23–1.33 s by what they held (issue 16).
//!
//! While serve commits, each transaction takes only `WORK_BESIDE_SERVE`: a
//! delivery arriving meanwhile waits for the whole transaction, so its
//! length is what ingest's p99 pays (BENCHMARKS.md, `bench maintenance`).
//! Serve is noticed by `PRAGMA data_version`, which moves when another
//! connection commits.
//!
//! The longest write transaction is kept, for the summaries and the bench.

use std::time::{Duration, Instant};

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// Work per write transaction before it commits, when nobody else writes:
/// with the commit (an fsync) the lock is held well under 50 ms.
pub const WORK_PER_TRANSACTION: Duration = Duration::from_millis(25);

/// Work per write transaction while another connection (serve) commits.
const WORK_BESIDE_SERVE: Duration = Duration::from_millis(2);

/// Write transactions between two checkpoints of maintenance's own.
const CHECKPOINT_EVERY: u64 = 16;

/// The lock left free after each commit, for a waiting writer to take.
const PAUSE_AFTER_COMMIT: Duration = Duration::from_millis(3);

/// How long maintenance held the write lock.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteTimes {
    pub transactions: u64,
    pub longest: Duration,
    /// `PRAGMA data_version` after the last commit.
    seen: Option<i64>,
}

/// A maintenance transaction and when it took the lock.
pub struct Paced<'c> {
    pub tx: Transaction<'c>,
    started: Instant,
    writes: bool,
    /// What it does, for the debug log.
    doing: &'static str,
    work: Duration,
}

impl Paced<'_> {
    /// Whether the transaction has had its share of work.
    pub fn spent(&self) -> bool {
        self.started.elapsed() >= self.work
    }
}

impl WriteTimes {
    /// Begins a write transaction (IMMEDIATE), or, for a dry run, a read.
    pub fn begin<'c>(
        &mut self,
        conn: &'c mut Connection,
        writes: bool,
        doing: &'static str,
    ) -> rusqlite::Result<Paced<'c>> {
        if writes && self.transactions % CHECKPOINT_EVERY == CHECKPOINT_EVERY - 1 {
            // Outside the transaction: the WAL copied back without the write
            // lock (the connection's own automatic checkpoint runs inside
            // COMMIT, and was timed as if it held the lock).
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        }
        let tx = conn.transaction_with_behavior(if writes {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        })?;
        // Another connection committed since our last commit (while we left
        // the lock free, or while we waited for it): serve is taking
        // deliveries.
        let version = data_version(&tx)?;
        let work = if self.seen.is_some_and(|seen| seen != version) {
            WORK_BESIDE_SERVE
        } else {
            WORK_PER_TRANSACTION
        };
        Ok(Paced {
            tx,
            started: Instant::now(),
            writes,
            doing,
            work,
        })
    }

    /// Commits, notes how long the lock was held, and leaves it free a moment.
    pub fn commit(&mut self, paced: Paced<'_>) -> rusqlite::Result<()> {
        // Unchanged by this commit: it counts other connections' commits.
        self.seen = Some(data_version(&paced.tx)?);
        paced.tx.commit()?;
        if paced.writes {
            let held = paced.started.elapsed();
            tracing::debug!(
                "{}: a write transaction held the lock {:.1} ms",
                paced.doing,
                held.as_secs_f64() * 1000.0
            );
            self.note(held);
            std::thread::sleep(PAUSE_AFTER_COMMIT);
        }
        Ok(())
    }

    /// Notes a write transaction timed elsewhere.
    pub fn note(&mut self, held: Duration) {
        self.transactions += 1;
        self.longest = self.longest.max(held);
    }
}

/// Prepares a maintenance connection: its checkpoints are run between
/// transactions (see [`WriteTimes::begin`]), not inside a COMMIT.
pub fn prepare(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0")
}

fn data_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA data_version", [], |row| row.get(0))
}
