//! The write door: a delivery the domain read (`everflow::read_delivery`),
//! from its raw bytes to its commit. The store keeps the body as it sees fit
//! (compressed against its resource's last version or with its type's
//! dictionary, on the caller's thread, so that the single writer thread only
//! runs SQL), hands it to the writer, and once it is committed remembers it
//! as the base the resource's next version is kept against. `serve`, the
//! bulk loader (`import`, the benchmarks) and `reconcile` all write here.

use std::sync::Arc;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

use crate::everflow::ReadDelivery;
use crate::store::compression::{BaseKey, Compression};
use crate::store::incoming::{IncomingDelivery, StoredDelivery};
use crate::store::writer::{DeliveryReply, Rejected, WriteFailed, WriterHandle};

/// Where deliveries go into the archive.
#[derive(Clone)]
pub struct Intake {
    writer: WriterHandle,
    compression: Arc<Compression>,
}

/// A delivery handed to the writer, awaiting its commit.
pub struct Pending {
    reply: DeliveryReply,
    /// The resource whose base the body becomes if it is a new version, and
    /// the body as received.
    base: Option<(BaseKey, Bytes)>,
    compression: Arc<Compression>,
    /// Memory held until the commit: the body kept and, for a possible
    /// base, as received.
    bytes: usize,
}

/// A delivery as the writer stores it: its body kept (compressed) and
/// hashed, ready to submit. Keeping is the costly part: a caller may do it
/// on other threads ahead of the writer (the benchmarks' loaders do).
pub struct Kept {
    incoming: IncomingDelivery,
    base: Option<(BaseKey, Bytes)>,
}

impl Intake {
    pub(crate) fn new(writer: WriterHandle, compression: Arc<Compression>) -> Intake {
        Intake {
            writer,
            compression,
        }
    }

    /// Keeps and queues `delivery`; refused at once when the writer's queue
    /// is full (`serve` answers 503 rather than hold the sender).
    pub fn submit(&self, delivery: ReadDelivery) -> Result<Pending, Rejected> {
        self.queue(self.keep(delivery), WriterHandle::submit)
    }

    /// Queues a kept delivery, waiting for room in the writer's queue: for
    /// bulk loaders, which would rather wait than fail.
    pub fn submit_waiting(&self, kept: Kept) -> Result<Pending, Rejected> {
        self.queue(kept, WriterHandle::submit_waiting)
    }

    fn queue(
        &self,
        Kept { incoming, base }: Kept,
        send: impl FnOnce(&WriterHandle, IncomingDelivery) -> Result<DeliveryReply, Rejected>,
    ) -> Result<Pending, Rejected> {
        let bytes = incoming.body.bytes.len() + base.as_ref().map_or(0, |(_, raw)| raw.len());
        Ok(Pending {
            reply: send(&self.writer, incoming)?,
            base,
            compression: Arc::clone(&self.compression),
            bytes,
        })
    }

    /// The delivery as the writer stores it: its body compressed (against
    /// the last base of its resource when that helps) and hashed.
    pub fn keep(&self, delivery: ReadDelivery) -> Kept {
        let resource_type = delivery.kind.resource_type();
        let resource_ids: Vec<&str> = delivery
            .resources
            .iter()
            .map(|resource| resource.resource_id.as_str())
            .collect();
        let base_key = BaseKey::of(resource_type, &resource_ids);
        let raw = delivery.raw;
        let body = self
            .compression
            .keep(resource_type, base_key.as_ref(), &raw);
        let base = base_key.map(|key| (key, raw.clone()));
        let arrival = delivery.arrival;
        let incoming = IncomingDelivery {
            received_at: arrival.received_at,
            kind: delivery.kind,
            kind_source: delivery.kind_source,
            url_kind: delivery.url_kind,
            method: arrival.method,
            sender: arrival.sender,
            forwarded_for: arrival.forwarded_for,
            body_sha256: Sha256::digest(&raw).into(),
            whole_if_reference_gone: body.reference_body_id.is_some().then(|| raw.clone()),
            body,
            resources: delivery.resources,
        };
        Kept { incoming, base }
    }
}

impl Pending {
    /// Waits (asynchronously) for the commit.
    pub async fn committed(self) -> Result<StoredDelivery, WriteFailed> {
        let Pending {
            reply,
            base,
            compression,
            ..
        } = self;
        settled(base, &compression, reply.await)
    }

    /// Waits (blocking the thread) for the commit.
    pub fn blocking_committed(self) -> Result<StoredDelivery, WriteFailed> {
        let Pending {
            reply,
            base,
            compression,
            ..
        } = self;
        settled(base, &compression, reply.blocking_recv())
    }

    /// Whether the body may become its resource's base once committed (an
    /// offer, advertiser or partner).
    pub fn may_become_base(&self) -> bool {
        self.base.is_some()
    }

    /// Memory this delivery holds until its commit.
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

/// The writer's answer (none: it stopped); a new version of a resource with
/// a base becomes the base its next version is kept against.
fn settled(
    base: Option<(BaseKey, Bytes)>,
    compression: &Compression,
    answer: Result<Result<StoredDelivery, WriteFailed>, oneshot::error::RecvError>,
) -> Result<StoredDelivery, WriteFailed> {
    let stored = answer.unwrap_or(Err(WriteFailed::Stopped))?;
    if let Some((key, raw)) = base
        && stored.new_versions > 0
    {
        compression.committed(Some(&key), stored.reference_body_id, stored.body_id, &raw);
    }
    Ok(stored)
}
