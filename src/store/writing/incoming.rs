//! What the server hands the writer: a delivery already parsed and extracted,
//! or a refused request worth remembering.

use crate::everflow::KindSource;
use crate::everflow::kind::WebhookKind;
use crate::everflow::records::ResourceRecord;
use crate::store::bodies::StoredBody;

/// An accepted delivery, ready to store. All parsing and hashing happened on the
/// HTTP worker, so the writer thread only runs SQL.
#[derive(Debug)]
pub struct IncomingDelivery {
    /// Unix milliseconds.
    pub received_at: i64,
    pub kind: WebhookKind,
    pub kind_source: KindSource,
    /// The kind the URL named when the body surely was another resource
    /// (archived as `kind`, detected): a webhook wired to the wrong URL.
    pub url_kind: Option<WebhookKind>,
    pub method: &'static str,
    pub sender: Option<String>,
    pub forwarded_for: Option<String>,
    /// The body as it will be kept (compressed on the HTTP worker); as
    /// received it was the POST body, or for GET the query string without
    /// the token.
    pub body: StoredBody,
    /// SHA-256 of the body as received.
    pub body_sha256: [u8; 32],
    /// The body as received when `body` is kept against a reference: the
    /// writer keeps it so instead if `prune` removed that reference after
    /// it was chosen.
    pub whole_if_reference_gone: Option<bytes::Bytes>,
    pub resources: Vec<ResourceRecord>,
}

/// What storing a delivery amounted to, in the words `query deliveries` uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// At least one resource never seen before.
    New,
    /// No new resource, but new content for a known one.
    Version,
    /// Content archived before that becomes current again: a status that
    /// returns to an earlier value (or a late retry of an old body).
    Restored,
    /// Everything in it was archived already and changes nothing: a redelivery.
    Duplicate,
}

impl DeliveryOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryOutcome::New => "new",
            DeliveryOutcome::Version => "version",
            DeliveryOutcome::Restored => "restored",
            DeliveryOutcome::Duplicate => "duplicate",
        }
    }

    /// The outcome of a delivery that holds resources with outcomes `self` and `other`.
    pub fn combine(self, other: DeliveryOutcome) -> DeliveryOutcome {
        use DeliveryOutcome::{Duplicate, New, Restored, Version};
        match (self, other) {
            (New, _) | (_, New) => New,
            (Version, _) | (_, Version) => Version,
            (Restored, _) | (_, Restored) => Restored,
            (Duplicate, Duplicate) => Duplicate,
        }
    }
}

/// The writer's answer once the delivery is durably committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDelivery {
    pub delivery_id: i64,
    /// The body row it was kept in (an existing one for the same bytes).
    pub body_id: i64,
    pub outcome: DeliveryOutcome,
    /// Versions it added, and how many of them were of resources never seen.
    pub new_versions: u32,
    pub new_resources: u32,
    /// The body the new body was kept against, if any (none when the one
    /// chosen had been pruned: see `whole_if_reference_gone`).
    pub reference_body_id: Option<i64>,
}

/// An authenticated request we refused, kept in the capped `refusals` log.
#[derive(Debug)]
pub struct Refusal {
    pub received_at: i64,
    pub kind: Option<String>,
    pub method: &'static str,
    pub http_status: u16,
    pub reason: &'static str,
    pub detail: String,
    pub body_length: usize,
    /// At most the first KiB of the body.
    pub body_prefix: Vec<u8>,
    pub sender: Option<String>,
}

/// How much of a refused body the log keeps.
pub const REFUSAL_PREFIX_BYTES: usize = 1024;
