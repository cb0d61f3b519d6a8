//! One row of the conversions report, read by the very extraction that reads
//! a webhook body (API.md 2.5: the same names, with the lenient readings
//! the webhooks need too), and kept as its exact JSON text for `--apply`.

use crate::everflow::{ConversionColumns, TypedColumns, WebhookKind, extract, parse_document};

#[derive(Debug, Clone)]
pub struct ReportRow {
    /// The row's JSON text exactly as Everflow sent it.
    pub raw: String,
    /// conversion_registered, or event_registered for a post-conversion event.
    pub kind: WebhookKind,
    pub columns: ConversionColumns,
}

impl ReportRow {
    /// Why not, for a row that no webhook of its kind would be archived as
    /// (no conversion_id, not an object).
    pub fn read(raw: &str) -> Result<ReportRow, String> {
        let doc = parse_document(raw.as_bytes()).map_err(|e| e.to_string())?;
        // Both kinds extract the same columns; is_event picks the kind.
        let extracted =
            extract(WebhookKind::ConversionRegistered, &doc).map_err(|e| e.to_string())?;
        let Some(TypedColumns::Conversion(columns)) =
            extracted.resources.into_iter().next().map(|r| r.columns)
        else {
            return Err("not a conversion".to_owned());
        };
        let kind = if columns.is_event == Some(true) {
            WebhookKind::EventRegistered
        } else {
            WebhookKind::ConversionRegistered
        };
        Ok(ReportRow {
            raw: raw.to_owned(),
            kind,
            columns: *columns,
        })
    }

    pub fn conversion_id(&self) -> &str {
        self.columns.conversion_id.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_row_reads_like_a_webhook() {
        let raw = r#"{"conversion_id":"9c0534c99eb34b57bda16f92b6d5d3d4",
          "conversion_unix_timestamp":1777640461,"transaction_id":"d06f","status":"approved",
          "is_event":false,"event":"Base","payout":2.5,"revenue":4.0,"country":"United States","dma":803,
          "relationship":{"offer":{"network_offer_id":2,"network_id":1,"name":"VPN Annual"},
            "affiliate":{"network_affiliate_id":15,"network_id":1,"name":"Orchid Partners"}}}"#;
        let row = ReportRow::read(raw).expect("a row");
        assert_eq!(row.kind, WebhookKind::ConversionRegistered);
        assert_eq!(row.conversion_id(), "9c0534c99eb34b57bda16f92b6d5d3d4");
        assert_eq!(row.columns.event, None);
        assert_eq!(row.columns.payout, Some(2_500_000));
        assert_eq!(row.columns.dma.as_deref(), Some("803"));
        assert_eq!(row.columns.country.as_deref(), Some("United States"));
        assert_eq!(row.columns.offer_id.as_deref(), Some("2"));
        assert_eq!(row.columns.affiliate_id.as_deref(), Some("15"));
        assert_eq!(row.raw, raw);

        let event = ReportRow::read(r#"{"conversion_id":12,"is_event":true,"event":"upsell"}"#)
            .expect("an event");
        assert_eq!(event.kind, WebhookKind::EventRegistered);
        assert_eq!(event.conversion_id(), "12");
        assert!(ReportRow::read(r#"{"transaction_id":"t"}"#).is_err());
    }
}
