//! An amount that cannot be kept exactly is never archived as "no amount"
//! and summed as zero: the delivery is refused with a JSON 422 naming the
//! field, and a total too large to print is an error, never a wrapped figure.

use crate::common;

use common::cli::evarchive;
use common::{TOKEN, TestServer, edited_sample, reply_of};
use serde_json::{Value, json};

fn conversion(id: i64, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    edited_sample("conversion_registered", |body| {
        body["conversion_id"] = json!(id);
        edit(body);
    })
}

#[test]
fn an_amount_that_cannot_be_kept_is_refused_naming_its_field() {
    let server = TestServer::start();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("payout", json!(1e308), "payout is \"1e+308\""),
        ("payout", json!(1.2e29), "payout is \"1.2e+29\""),
        (
            "revenue",
            json!("9223372036855"),
            "revenue is \"9223372036855\"",
        ),
        ("sale_amount", json!("-1e20"), "sale_amount is \"-1e20\""),
        ("payout", json!("abc"), "payout is \"abc\""),
        ("revenue", json!(true), "revenue is \"true\""),
    ];
    for (i, (field, value, named)) in cases.iter().enumerate() {
        let body = conversion(50 + i as i64, |body| body[*field] = value.clone());
        let reply = server.post_kind("conversion_registered", &body);
        assert_eq!(reply.status, 422, "{field} {value}: {:?}", reply.json);
        assert_eq!(reply.json["error"], "unreadable_amount", "{field} {value}");
        let message = reply.json["message"].as_str().expect("a message");
        assert!(message.contains(named), "{message}");
    }
    // A GET postback's amounts are read the same way.
    let url = server.url(&format!(
        "/webhooks/conversion_registered?token={TOKEN}&conversion_id=77\
         &conversion_unix_timestamp=1764064001&payout=1e400&offer_id=1"
    ));
    let reply = reply_of(match ureq::get(&url).call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(e) => panic!("{e}"),
    });
    assert_eq!(reply.status, 422, "{:?}", reply.json);
    assert_eq!(reply.json["error"], "unreadable_amount");

    assert_eq!(server.count("SELECT count(*) FROM conversions"), 0);
    assert_eq!(
        server.count("SELECT count(*) FROM refusals WHERE reason = 'unreadable_amount'"),
        cases.len() as i64 + 1,
        "each refusal is logged for `query refusals`"
    );
}

#[test]
fn unset_amounts_and_the_largest_one_kept_are_accepted() {
    let server = TestServer::start();
    let accepted: Vec<(&str, Value)> = vec![
        ("payout", json!(null)),
        ("payout", json!("")),
        ("revenue", json!("null_value")),
        ("payout", json!("9223372036854.775807")),
        ("payout", json!(-2.5)),
    ];
    for (i, (field, value)) in accepted.iter().enumerate() {
        let body = conversion(90 + i as i64, |body| body[*field] = value.clone());
        let reply = server.post_kind("conversion_registered", &body);
        assert_eq!(reply.status, 200, "{field} {value}: {:?}", reply.json);
    }
    assert_eq!(
        server.count("SELECT payout_micros FROM conversions WHERE conversion_id = '93'"),
        i64::MAX
    );
}

/// `report conversions --by offer` as CSV over the archive of `count`
/// conversions, each paying `payout`.
fn report_of_payouts(count: i64, payout: &str) -> common::cli::Run {
    let server = TestServer::start();
    for id in 1..=count {
        let body = conversion(id, |body| body["payout"] = json!(payout));
        assert_eq!(server.post_kind("conversion_registered", &body).status, 200);
    }
    let args = [
        "report",
        "conversions",
        "--by",
        "offer",
        "--since",
        "2025-11-01",
        "--format",
        "csv",
        "--columns",
        "offer_id,approved_payout",
    ];
    evarchive(&server.db, &args)
}

#[test]
fn a_total_beyond_64_bits_is_an_error_not_a_wrapped_figure() {
    // Three payouts of 5 trillion each: every one fits, their sum does not
    // fit an i64 of micro-units (it wrapped to a negative total before).
    let run = report_of_payouts(3, "5000000000000");
    assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("a payout total is beyond what can be printed exactly"),
        "{}",
        run.stderr
    );

    // Two of them still add up exactly.
    let run = report_of_payouts(2, "4000000000000.000001");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .contains("2,8000000000000.000002\nTOTAL,8000000000000.000002\n"),
        "{}",
        run.stdout
    );
}
