//! What one line of the input holds: with --kind, one Everflow body received
//! now; otherwise an `evarchive dump` line, its body (JSON text, or hex when
//! it is not UTF-8) checked against the line's own SHA-256.

use std::borrow::Cow;

use bytes::Bytes;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::everflow::Arrival;
use crate::everflow::WebhookKind;

/// Why a line was not imported: a short code (serve's, where serve would
/// refuse the body) and what exactly.
#[derive(Debug)]
pub struct Refusal {
    pub reason: &'static str,
    pub detail: String,
}

impl Refusal {
    pub fn new(reason: &'static str, detail: impl Into<String>) -> Refusal {
        Refusal {
            reason,
            detail: detail.into(),
        }
    }
}

/// A delivery as a line gives it, before serve's checks.
pub struct LineDelivery {
    pub declared: Option<WebhookKind>,
    pub raw: Bytes,
    pub arrival: Arrival,
}

/// The fields of a `dump` line import needs.
#[derive(Debug, Deserialize)]
struct DumpLine<'a> {
    kind: String,
    kind_source: Option<String>,
    received_at: String,
    method: String,
    sender: Option<String>,
    forwarded_for: Option<String>,
    /// The URL's kind of a delivery archived as another (dump writes it
    /// only then).
    url_kind: Option<String>,
    sha256: Option<String>,
    #[serde(borrow)]
    body: Option<Cow<'a, str>>,
    #[serde(borrow)]
    body_hex: Option<Cow<'a, str>>,
}

pub fn delivery_of(
    line: &[u8],
    kind: Option<WebhookKind>,
    max_body: usize,
) -> Result<LineDelivery, Refusal> {
    if let Some(kind) = kind {
        let arrival = Arrival {
            received_at: jiff::Timestamp::now().as_millisecond(),
            method: "POST",
            sender: None,
            forwarded_for: None,
        };
        return Ok(LineDelivery {
            declared: Some(kind),
            raw: Bytes::copy_from_slice(line),
            arrival,
        });
    }
    let text = std::str::from_utf8(line).map_err(|e| {
        Refusal::new(
            "not_utf8",
            format!(
                "not UTF-8 (at byte {}): a dump line is JSON text",
                e.valid_up_to()
            ),
        )
    })?;
    let dumped: DumpLine<'_> = serde_json::from_str(text).map_err(|e| {
        not_a_dump_line(format!(
            "not an `evarchive dump` line ({e}); for one Everflow body a line, give --kind"
        ))
    })?;
    let raw = body_of(&dumped)?;
    if raw.len() > max_body {
        return Err(Refusal::new(
            "body_too_large",
            format!(
                "a body of {} bytes, more than --max-body {max_body} (EVARCHIVE_MAX_BODY) allows",
                raw.len()
            ),
        ));
    }
    check_digest(&dumped, &raw)?;
    let named = WebhookKind::from_name(&dumped.kind)
        .ok_or_else(|| not_a_dump_line(format!("names no webhook kind ('{}')", dumped.kind)))?;
    let received_at = dumped
        .received_at
        .parse::<jiff::Timestamp>()
        .map_err(|e| not_a_dump_line(format!("received_at '{}': {e}", dumped.received_at)))?
        .as_millisecond();
    let method = match dumped.method.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        // A report row `reconcile --apply` archived.
        "API" => crate::reconcile::API_METHOD,
        other => {
            return Err(not_a_dump_line(format!(
                "method '{other}' (GET, POST or API)"
            )));
        }
    };
    // A detected kind is detected again, as it was: from the body alone, or,
    // when the body was another resource than its URL's kind, against that
    // kind again (which records the mismatch as serve did).
    let url_kind = match dumped.url_kind.as_deref() {
        Some(name) => Some(WebhookKind::from_name(name).ok_or_else(|| {
            not_a_dump_line(format!("url_kind names no webhook kind ('{name}')"))
        })?),
        None => None,
    };
    let declared = match dumped.kind_source.as_deref() {
        Some("detected") => url_kind,
        _ => Some(named),
    };
    let arrival = Arrival {
        received_at,
        method,
        sender: dumped.sender,
        forwarded_for: dumped.forwarded_for,
    };
    Ok(LineDelivery {
        declared,
        raw: Bytes::from(raw),
        arrival,
    })
}

/// The body as received: `body` as text, or `body_hex` (what dump writes
/// for a body that is not UTF-8).
fn body_of(dumped: &DumpLine<'_>) -> Result<Vec<u8>, Refusal> {
    match (&dumped.body, &dumped.body_hex) {
        (Some(text), None) => Ok(text.as_bytes().to_vec()),
        (None, Some(hex_text)) => hex::decode(hex_text.as_bytes())
            .map_err(|e| not_a_dump_line(format!("body_hex is not hexadecimal ({e})"))),
        (Some(_), Some(_)) => Err(not_a_dump_line("both body and body_hex")),
        (None, None) => Err(not_a_dump_line("neither body nor body_hex")),
    }
}

/// The line's `sha256` is the digest taken when the body arrived: a body
/// that does not match it was altered since, and is not archived as if it
/// had arrived so. (A line written by other means than dump may leave it
/// out: its body is then taken as it is, as serve takes one.)
fn check_digest(dumped: &DumpLine<'_>, raw: &[u8]) -> Result<(), Refusal> {
    let Some(said) = dumped.sha256.as_deref() else {
        return Ok(());
    };
    let actual = hex::encode(Sha256::digest(raw));
    if !actual.eq_ignore_ascii_case(said) {
        return Err(Refusal::new(
            "sha256_mismatch",
            format!(
                "its body's SHA-256 is {actual}, the line says {said}: the body changed after it was dumped"
            ),
        ));
    }
    Ok(())
}

fn not_a_dump_line(detail: impl Into<String>) -> Refusal {
    Refusal::new("not_a_dump_line", detail)
}
