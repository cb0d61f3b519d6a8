//! A report row as a delivery for the archive's writer: the path a webhook
//! takes after HTTP (the same validation, deduplication and versions), with
//! the row's exact JSON text as its body.

use bytes::Bytes;

use super::report_row::ReportRow;
use crate::everflow::{Arrival, BodyError, ReadDelivery, read_delivery};

/// The `method` an archived report row is recorded with: the `deliveries`
/// table allows only `declared`/`detected` as kind sources, and the kind of
/// a report row is declared by its `is_event`; the method says where it came
/// from (webhooks arrive by POST or GET), the sender which API.
pub const API_METHOD: &str = "API";

pub fn report_delivery(row: &ReportRow, api_base: &str) -> Result<ReadDelivery, BodyError> {
    let arrival = Arrival {
        received_at: jiff::Timestamp::now().as_millisecond(),
        method: API_METHOD,
        sender: Some(api_base.to_owned()),
        forwarded_for: None,
    };
    let raw = Bytes::from(row.raw.clone().into_bytes());
    read_delivery(Some(row.kind), raw, None, arrival)
}
