//! `evarchive dump`: every delivery with its exact body, one JSON object a
//! line, in order of arrival.

use std::io::{BufWriter, Write};

use serde::Serialize;

use crate::commands::read_output::Destination;
use crate::config::DumpConfig;
use crate::error::{Error, Result};
use crate::store::read::{DumpedDelivery, Reader};

/// One line of the dump. `body` is the body as received, as JSON text (a
/// GET delivery's body is its query string, without the token); a body that
/// is not UTF-8 (serve never receives one, but a GET query string of raw
/// bytes comes back so through `import`) is written as hex in `body_hex`
/// instead, so nothing is lost or altered.
#[derive(Serialize)]
struct DumpLine<'a> {
    delivery_id: i64,
    kind: &'a str,
    /// RFC 3339, UTC, to the millisecond kept.
    received_at: String,
    method: &'a str,
    kind_source: &'a str,
    outcome: &'a str,
    sender: Option<&'a str>,
    forwarded_for: Option<&'a str>,
    /// Only on a delivery whose body was another resource than its URL's
    /// kind (`import` sends it to that kind again, and detection decides as
    /// serve did).
    #[serde(skip_serializing_if = "Option::is_none")]
    url_kind: Option<&'a str>,
    sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body_hex: Option<String>,
}

pub fn run(config: DumpConfig) -> Result<()> {
    let reader = Reader::open(&config.db)?;
    eprintln!(
        "evarchive: deliveries received in {}",
        config.window.describe()
    );
    let (destination, out) = Destination::open(config.output.as_deref())?;
    let mut out = BufWriter::with_capacity(256 * 1024, out);
    let written = reader
        .each_delivery(&config.filter, |delivery| write_line(&mut out, &delivery))
        .and_then(|written| out.flush().map_err(Error::Output).map(|()| written));
    drop(out);
    let written = match written {
        Ok(written) => {
            destination.finish()?;
            written
        }
        Err(error) => {
            destination.abandon();
            return Err(error);
        }
    };
    eprintln!("evarchive: dumped {written} deliveries");
    Ok(())
}

fn write_line(out: &mut impl Write, delivery: &DumpedDelivery) -> Result<()> {
    let text = std::str::from_utf8(&delivery.body).ok();
    let line = DumpLine {
        delivery_id: delivery.delivery_id,
        kind: &delivery.kind,
        received_at: received_at(delivery.received_at),
        method: &delivery.method,
        kind_source: &delivery.kind_source,
        outcome: &delivery.outcome,
        sender: delivery.sender.as_deref(),
        forwarded_for: delivery.forwarded_for.as_deref(),
        url_kind: delivery.url_kind.as_deref(),
        sha256: hex::encode(&delivery.body_sha256),
        body: text,
        body_hex: text.is_none().then(|| hex::encode(&delivery.body)),
    };
    serde_json::to_writer(&mut *out, &line).map_err(|e| Error::Output(e.into()))?;
    out.write_all(b"\n").map_err(Error::Output)
}

fn received_at(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis).map_or_else(|_| millis.to_string(), |t| t.to_string())
}
