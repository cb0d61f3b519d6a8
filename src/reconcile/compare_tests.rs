use super::*;

fn row(json: &str) -> ReportRow {
    ReportRow::read(json).expect("a report row")
}

fn archived(id: &str, transaction: &str, status: &str, payout: i64) -> CurrentConversion {
    CurrentConversion {
        conversion_id: id.to_owned(),
        transaction_id: Some(transaction.to_owned()),
        status: Some(status.to_owned()),
        payout: Some(payout),
        conversion_time: Some(100),
        ..CurrentConversion::default()
    }
}

#[test]
fn missing_changed_and_unknown() {
    let rows = [
        row(r#"{"conversion_id":"a1","transaction_id":"t1","status":"approved","payout":2.5}"#),
        row(r#"{"conversion_id":"b2","transaction_id":"t2","status":"rejected","payout":2.5}"#),
        row(r#"{"conversion_id":"c3","transaction_id":"t3","status":"approved","payout":1}"#),
    ];
    let archive = [
        archived("b2", "t2", "approved", 2_500_000),
        archived("c3", "t3", "approved", 1_000_000),
        archived("d4", "t4", "pending", 0),
    ];
    let comparison = compare(&rows, &archive);
    let kinds: Vec<(&str, &str)> = comparison
        .findings
        .iter()
        .map(|f| (f.kind.as_str(), f.conversion_id.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("missing", "a1"),
            ("changed", "b2"),
            ("unknown_to_everflow", "d4")
        ]
    );
    let changed = &comparison.findings[1];
    assert_eq!(changed.archived.status.as_deref(), Some("approved"));
    assert_eq!(changed.everflow.status.as_deref(), Some("rejected"));
    assert_eq!(changed.everflow.payout, None, "only what differs");
    assert_eq!(comparison.to_apply, [0, 1]);
    assert_eq!(comparison.matched_by_id, 2);
}

#[test]
fn ids_spelled_differently_match_by_transaction_and_event() {
    let rows = [
        row(
            r#"{"conversion_id":"9c05","transaction_id":"t1","is_event":false,"event":"Base","status":"approved","payout":2}"#,
        ),
        row(
            r#"{"conversion_id":"7e11","transaction_id":"t1","is_event":true,"event":"upsell","status":"pending","payout":1}"#,
        ),
    ];
    let base = archived("10000001", "t1", "pending", 2_000_000);
    let event = CurrentConversion {
        is_event: true,
        event: Some("upsell".to_owned()),
        ..archived("20000001", "t1", "pending", 1_000_000)
    };
    let comparison = compare(&rows, &[base, event]);
    assert_eq!(comparison.matched_by_transaction, 2);
    assert_eq!(comparison.findings.len(), 1);
    assert_eq!(comparison.findings[0].kind, FindingKind::Changed);
    assert_eq!(
        comparison.findings[0].matched_by,
        Some(MatchedBy::TransactionId)
    );
    assert!(comparison.to_apply.is_empty());
    assert_eq!(comparison.not_applicable, 1);
}

#[test]
fn a_left_out_field_is_no_difference_and_a_missing_amount_is_zero() {
    let rows = [row(
        r#"{"conversion_id":"a1","transaction_id":"t1","payout":2,"sale_amount":0}"#,
    )];
    let comparison = compare(&rows, &[archived("a1", "t1", "approved", 2_000_000)]);
    assert!(comparison.findings.is_empty(), "{:?}", comparison.findings);
}
