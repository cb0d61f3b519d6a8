//! Feeding prepared deliveries straight to the archive's single writer, the
//! way `serve` does after HTTP, many at once: `evarchive import`, and the
//! benchmarks that build large archives exactly as `serve` would have.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;

use crate::error::{Error, Result};
use crate::everflow::ReadDelivery;
use crate::store::archive::{Archive, ArchiveOptions};
use crate::store::intake::{Intake, Kept, Pending};

/// Replies awaited at most before submitting more: deep enough for the
/// writer to fill its batches, bounded so memory is too.
const IN_FLIGHT: usize = 8192;
/// Body bytes awaiting their commit at most (large bodies, which compress
/// little, would otherwise be 8,192 of them).
const IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;

pub struct BulkLoader {
    archive: Archive,
    intake: Intake,
    pending: VecDeque<Pending>,
    pending_bytes: usize,
    outcomes: BTreeMap<&'static str, u64>,
}

impl BulkLoader {
    /// Opens (or creates) the archive at `db` as `serve` would, so no `serve`
    /// may run on it meanwhile.
    pub fn open(db: &Path, options: ArchiveOptions) -> Result<BulkLoader> {
        let archive = Archive::open(db, options)?;
        Ok(BulkLoader {
            intake: archive.intake(),
            archive,
            pending: VecDeque::new(),
            pending_bytes: 0,
            outcomes: BTreeMap::new(),
        })
    }

    /// The write door, for keeping deliveries on other threads ahead of
    /// the writer (`submit_kept`).
    pub fn intake(&self) -> Intake {
        self.intake.clone()
    }

    /// Keeps a delivery (on this thread) and submits it through the
    /// archive's write door. True when it may become its resource's base
    /// (an offer, advertiser or partner): a caller that keeps serve's pace
    /// settles before the next version of the same resource, so that it is
    /// kept against this one.
    pub fn submit(&mut self, delivery: ReadDelivery) -> Result<bool> {
        let kept = self.intake.keep(delivery);
        self.submit_kept(kept)
    }

    /// Submits a delivery kept ahead (see `submit`).
    pub fn submit_kept(&mut self, kept: Kept) -> Result<bool> {
        while self.pending.len() >= IN_FLIGHT
            || (!self.pending.is_empty() && self.pending_bytes >= IN_FLIGHT_BYTES)
        {
            self.settle_one()?;
        }
        let pending = self
            .intake
            .submit_waiting(kept)
            .map_err(|rejected| writer_failed(format!("{rejected:?}")))?;
        let may_become_base = pending.may_become_base();
        self.pending_bytes += pending.bytes();
        self.pending.push_back(pending);
        Ok(may_become_base)
    }

    /// Waits until everything submitted is committed (as serve's pace
    /// would have it before an edit of the same resource arrives).
    pub fn settle(&mut self) -> Result<()> {
        while !self.pending.is_empty() {
            self.settle_one()?;
        }
        Ok(())
    }

    fn settle_one(&mut self) -> Result<()> {
        let Some(pending) = self.pending.pop_front() else {
            return Ok(());
        };
        self.pending_bytes -= pending.bytes();
        let stored = pending
            .blocking_committed()
            .map_err(|e| writer_failed(e.to_string()))?;
        *self.outcomes.entry(stored.outcome.as_str()).or_default() += 1;
        Ok(())
    }

    /// How many deliveries committed so far got each outcome.
    pub fn outcomes(&self) -> &BTreeMap<&'static str, u64> {
        &self.outcomes
    }

    /// Deliveries committed so far.
    pub fn stored(&self) -> u64 {
        self.outcomes.values().sum()
    }

    /// Waits for every submitted delivery to be committed, then stops the
    /// writer (checkpointing the archive); how many got each outcome.
    pub fn finish(mut self) -> Result<BTreeMap<&'static str, u64>> {
        self.settle()?;
        self.archive.stop();
        Ok(self.outcomes)
    }
}

fn writer_failed(why: String) -> Error {
    Error::Io {
        context: "the archive did not store a delivery".to_owned(),
        source: std::io::Error::other(why),
    }
}
