//! What the writer keeps about its own work, for monitoring: batches and
//! their sizes, commit latency, and how many jobs wait.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the batch-size buckets (jobs).
pub const BATCH_SIZE_BUCKETS: [u64; 8] = [1, 2, 4, 16, 64, 128, 256, 512];
/// Upper bounds of the commit-latency buckets (milliseconds).
pub const COMMIT_MS_BUCKETS: [u64; 10] = [1, 2, 5, 10, 25, 50, 100, 250, 1000, 5000];

/// Upper bounds of the buckets of how long the writer spent catching the
/// WAL up between batches (milliseconds).
pub const CATCH_UP_MS_BUCKETS: [u64; 8] = [1, 2, 5, 10, 25, 50, 100, 250];

/// Counters only the writer thread updates, and anyone may read.
#[derive(Debug, Default)]
pub struct WriterStats {
    batches: AtomicU64,
    jobs: AtomicU64,
    failed_batches: AtomicU64,
    /// Jobs queued and not yet taken.
    queued: AtomicI64,
    batch_sizes: [AtomicU64; BATCH_SIZE_BUCKETS.len() + 1],
    commit_ms: [AtomicU64; COMMIT_MS_BUCKETS.len() + 1],
    commit_micros_total: AtomicU64,
    catch_ups: AtomicU64,
    /// Catch-ups that left the WAL fully copied (the next batch starts it over).
    caught_up: AtomicU64,
    catch_up_ms: [AtomicU64; CATCH_UP_MS_BUCKETS.len() + 1],
    catch_up_micros_max: AtomicU64,
    catch_up_micros_total: AtomicU64,
}

/// A copy of the counters at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriterSnapshot {
    pub batches: u64,
    pub jobs: u64,
    pub failed_batches: u64,
    pub queued: i64,
    /// Per bucket of `BATCH_SIZE_BUCKETS`, then one for larger.
    pub batch_sizes: Vec<u64>,
    /// Per bucket of `COMMIT_MS_BUCKETS`, then one for slower.
    pub commit_ms: Vec<u64>,
    pub commit_micros_total: u64,
    pub catch_ups: u64,
    pub caught_up: u64,
    /// Per bucket of `CATCH_UP_MS_BUCKETS`, then one for slower.
    pub catch_up_ms: Vec<u64>,
    pub catch_up_micros_max: u64,
    pub catch_up_micros_total: u64,
}

fn bucket(bounds: &[u64], value: u64) -> usize {
    bounds
        .iter()
        .position(|bound| value <= *bound)
        .unwrap_or(bounds.len())
}

impl WriterStats {
    pub fn queued(&self, change: i64) {
        self.queued.fetch_add(change, Ordering::Relaxed);
    }

    pub fn committed(&self, jobs: usize, took: Duration, failed: bool) {
        self.batches.fetch_add(1, Ordering::Relaxed);
        self.jobs.fetch_add(jobs as u64, Ordering::Relaxed);
        if failed {
            self.failed_batches.fetch_add(1, Ordering::Relaxed);
        }
        self.batch_sizes[bucket(&BATCH_SIZE_BUCKETS, jobs as u64)].fetch_add(1, Ordering::Relaxed);
        let micros = took.as_micros().min(u128::from(u64::MAX)) as u64;
        self.commit_ms[bucket(&COMMIT_MS_BUCKETS, micros / 1000)].fetch_add(1, Ordering::Relaxed);
        self.commit_micros_total
            .fetch_add(micros, Ordering::Relaxed);
    }

    /// The writer spent `took` catching the WAL up between batches.
    pub fn caught_up(&self, took: Duration, completely: bool) {
        self.catch_ups.fetch_add(1, Ordering::Relaxed);
        if completely {
            self.caught_up.fetch_add(1, Ordering::Relaxed);
        }
        let micros = took.as_micros().min(u128::from(u64::MAX)) as u64;
        self.catch_up_ms[bucket(&CATCH_UP_MS_BUCKETS, micros / 1000)]
            .fetch_add(1, Ordering::Relaxed);
        self.catch_up_micros_max
            .fetch_max(micros, Ordering::Relaxed);
        self.catch_up_micros_total
            .fetch_add(micros, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> WriterSnapshot {
        let read =
            |counters: &[AtomicU64]| counters.iter().map(|c| c.load(Ordering::Relaxed)).collect();
        WriterSnapshot {
            batches: self.batches.load(Ordering::Relaxed),
            jobs: self.jobs.load(Ordering::Relaxed),
            failed_batches: self.failed_batches.load(Ordering::Relaxed),
            queued: self.queued.load(Ordering::Relaxed),
            batch_sizes: read(&self.batch_sizes),
            commit_ms: read(&self.commit_ms),
            commit_micros_total: self.commit_micros_total.load(Ordering::Relaxed),
            catch_ups: self.catch_ups.load(Ordering::Relaxed),
            caught_up: self.caught_up.load(Ordering::Relaxed),
            catch_up_ms: read(&self.catch_up_ms),
            catch_up_micros_max: self.catch_up_micros_max.load(Ordering::Relaxed),
            catch_up_micros_total: self.catch_up_micros_total.load(Ordering::Relaxed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_land_in_their_buckets() {
        let stats = WriterStats::default();
        stats.committed(1, Duration::from_micros(400), false);
        stats.committed(100, Duration::from_millis(30), true);
        stats.committed(9999, Duration::from_secs(9), false);
        stats.queued(3);
        stats.queued(-1);
        let snapshot = stats.snapshot();
        assert_eq!(snapshot.batches, 3);
        assert_eq!(snapshot.jobs, 10_100);
        assert_eq!(snapshot.failed_batches, 1);
        assert_eq!(snapshot.queued, 2);
        assert_eq!(snapshot.batch_sizes, [1, 0, 0, 0, 0, 1, 0, 0, 1]);
        assert_eq!(snapshot.commit_ms, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    }
}
