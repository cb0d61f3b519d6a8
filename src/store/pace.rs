//! Maintenance (`prune`, `reindex`, `serve --retain`) writes beside a running
//! `serve` in short transactions: each takes work until it has held the
//! write lock for `WORK_PER_TRANSACTION`, commits, and leaves the lock free
//! for a moment, in which serve's writer (polling every millisecond, see
//! `lock_wait`) takes its turn. A count of rows alone does not bound the
//! time: 2,000 ids took 0.23–1.33 s by what they held (issue 16).
//!
//! The longest write transaction is kept, for the summaries and the bench.

use std::time::{Duration, Instant};

use rusqlite::{Connection, Transaction, TransactionBehavior};

/// Work per write transaction before it commits: with the commit (an fsync)
/// the lock is held well under 50 ms.
pub const WORK_PER_TRANSACTION: Duration = Duration::from_millis(25);

/// The lock left free after each commit, for a waiting writer to take.
const PAUSE_AFTER_COMMIT: Duration = Duration::from_millis(3);

/// How long maintenance held the write lock.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteTimes {
    pub transactions: u64,
    pub longest: Duration,
}

/// A maintenance transaction and when it took the lock.
pub struct Paced<'c> {
    pub tx: Transaction<'c>,
    started: Instant,
    writes: bool,
}

impl Paced<'_> {
    /// Whether the transaction has had its share of work.
    pub fn spent(&self) -> bool {
        self.started.elapsed() >= WORK_PER_TRANSACTION
    }
}

impl WriteTimes {
    /// Begins a write transaction (IMMEDIATE), or, for a dry run, a read.
    pub fn begin(conn: &mut Connection, writes: bool) -> rusqlite::Result<Paced<'_>> {
        let tx = conn.transaction_with_behavior(if writes {
            TransactionBehavior::Immediate
        } else {
            TransactionBehavior::Deferred
        })?;
        Ok(Paced {
            tx,
            started: Instant::now(),
            writes,
        })
    }

    /// Commits, notes how long the lock was held, and leaves it free a moment.
    pub fn commit(&mut self, paced: Paced<'_>) -> rusqlite::Result<()> {
        paced.tx.commit()?;
        if paced.writes {
            self.note(paced.started.elapsed());
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
