//! The Everflow webhook domain: what a delivery body is, which kind it is, and the
//! resources it describes. Pure: no HTTP, no SQL, no clock.
//!
//! The flow for one delivery: [`parse_document`] (of the body, or of
//! [`query_pairs_document`] for a GET), then [`resolve_kind`] (the URL's declared
//! kind, unless the body is surely another resource; else [`detect_kind`]),
//! then [`extract`]. The parsed document borrows from
//! the body and is decoded only as far as the extractors read it ([`json`]).

pub mod content_hash;
pub mod decimal;
pub mod delivery;
pub mod detect;
pub mod document;
pub mod error;
pub mod extract;
pub mod json;
pub mod kind;
pub mod lenient;
pub mod numbered;
pub mod records;

#[cfg(test)]
mod test_samples;

pub use content_hash::content_sha256;
pub use delivery::{Arrival, ReadDelivery, query_document, read_delivery, reread};
pub use detect::{ResolvedKind, detect_kind, resolve_kind};
pub use document::{parse_document, query_pairs_document};
pub use error::BodyError;
pub use extract::extract;
pub use json::{JsonObject, JsonValue};
pub use kind::{Family, ResourceType, WebhookKind};
pub use records::{
    AccountColumns, BlockedVariableColumns, ConversionColumns, ExtractedDelivery, Micros,
    OfferApprovalColumns, OfferColumns, PricingTerms, ResourceRecord, SignupVerdictColumns,
    TypedColumns,
};

/// How a delivery's kind was learned: from the URL it arrived on, or from the
/// body's shape (which cannot tell created from updated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KindSource {
    Declared,
    Detected,
}

impl KindSource {
    pub fn as_str(self) -> &'static str {
        match self {
            KindSource::Declared => "declared",
            KindSource::Detected => "detected",
        }
    }
}
