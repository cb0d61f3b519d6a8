//! Feeding prepared deliveries straight to the archive's single writer, the
//! way `serve` does after HTTP, many at once: `evarchive import`, and the
//! benchmarks that build large archives exactly as `serve` would have.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::sync::Arc;

use super::archive::{Archive, ArchiveOptions};
use super::compression::{BaseKey, Compression};
use super::incoming::IncomingDelivery;
use super::writer::{DeliveryReply, WriterHandle};
use crate::error::{Error, Result};

/// Replies awaited at most before submitting more: deep enough for the
/// writer to fill its batches, bounded so memory is too.
const IN_FLIGHT: usize = 8192;
/// Body bytes awaiting their commit at most (large bodies, which compress
/// little, would otherwise be 8,192 of them).
const IN_FLIGHT_BYTES: usize = 64 * 1024 * 1024;

pub struct BulkLoader {
    archive: Archive,
    writer: WriterHandle,
    compression: Arc<Compression>,
    pending: VecDeque<Pending>,
    pending_bytes: usize,
    outcomes: BTreeMap<&'static str, u64>,
}

/// A delivery awaiting its commit, with what its body's base needs.
struct Pending {
    reply: DeliveryReply,
    base: Option<(BaseKey, Vec<u8>)>,
    bytes: usize,
}

impl BulkLoader {
    /// Opens (or creates) the archive at `db` as `serve` would, so no `serve`
    /// may run on it meanwhile.
    pub fn open(db: &Path, options: ArchiveOptions) -> Result<BulkLoader> {
        let archive = Archive::open(db, options)?;
        Ok(BulkLoader {
            writer: archive.writer(),
            compression: archive.compression(),
            archive,
            pending: VecDeque::new(),
            pending_bytes: 0,
            outcomes: BTreeMap::new(),
        })
    }

    /// What to prepare deliveries with (on any thread, as serve's HTTP
    /// workers do).
    pub fn compression(&self) -> Arc<Compression> {
        Arc::clone(&self.compression)
    }

    /// Submits a prepared delivery; `raw` is its body as received, needed
    /// only for a body that may become its resource's base (offers,
    /// advertisers, partners), so that later versions are kept against it.
    pub fn submit(&mut self, delivery: IncomingDelivery, raw: Option<Vec<u8>>) -> Result<()> {
        let bytes = delivery.body.bytes.len()
            + delivery
                .whole_if_reference_gone
                .as_ref()
                .map_or(0, |b| b.len())
            + raw.as_ref().map_or(0, Vec::len);
        while self.pending.len() >= IN_FLIGHT
            || (!self.pending.is_empty() && self.pending_bytes + bytes > IN_FLIGHT_BYTES)
        {
            self.settle_one()?;
        }
        let base = match (delivery.base_key.clone(), raw) {
            (Some(key), Some(raw)) => Some((key, raw)),
            _ => None,
        };
        let reply = self
            .writer
            .submit_waiting(delivery)
            .map_err(|rejected| writer_failed(format!("{rejected:?}")))?;
        self.pending_bytes += bytes;
        self.pending.push_back(Pending { reply, base, bytes });
        Ok(())
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
        self.pending_bytes -= pending.bytes;
        let stored = pending
            .reply
            .blocking_recv()
            .map_err(|e| writer_failed(e.to_string()))?
            .map_err(|e| writer_failed(e.to_string()))?;
        if let Some((key, raw)) = pending.base
            && stored.new_versions > 0
        {
            self.compression
                .committed(Some(&key), stored.reference_body_id, stored.body_id, &raw);
        }
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
