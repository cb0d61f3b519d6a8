//! Every sample Everflow shape, posted to the real server: answered 200, the
//! body archived byte-for-byte, the typed columns extracted exactly.

use crate::common;

use common::cli::stdout_of;
use common::{ALL_KINDS, TestServer, sample};
use rusqlite::types::ValueRef;
use sha2::{Digest, Sha256};

/// The row `sql` returns, columns joined by `|`, NULL shown as `∅`.
fn row_text(server: &TestServer, sql: &str) -> Vec<String> {
    let conn = server.archive();
    let mut stmt = conn.prepare(sql).expect("query prepares");
    let width = stmt.column_count();
    stmt.query_map([], |row| {
        Ok((0..width)
            .map(|i| match row.get_ref(i).expect("column") {
                ValueRef::Null => "∅".to_owned(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Real(f) => f.to_string(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                ValueRef::Blob(b) => format!("blob:{}", b.len()),
            })
            .collect::<Vec<_>>()
            .join("|"))
    })
    .expect("query runs")
    .collect::<Result<_, _>>()
    .expect("rows")
}

#[test]
fn every_sample_is_archived_byte_for_byte() {
    let server = TestServer::start();
    // An offer, advertiser or partner is one resource whichever event type
    // carries it: its second and third samples are new versions of it.
    let later_versions = [
        "offer_updated",
        "advertiser_updated",
        "advertiser_signed_up",
        "affiliate_updated",
        "affiliate_signed_up",
    ];
    for kind in ALL_KINDS {
        let body = sample(kind);
        let reply = server.post_kind(kind, &body);
        assert_eq!(reply.status, 200, "{kind}: {:?}", reply.json);
        let outcome = if later_versions.contains(&kind) {
            "version"
        } else {
            "new"
        };
        assert_eq!(reply.json["outcome"], outcome, "{kind}");
        assert_eq!(reply.json["kind"], kind);
        assert_eq!(reply.json["kind_source"], "declared");

        let delivery_id = reply.json["delivery_id"].as_i64().expect("delivery id");
        let (body_id, sha, stored_kind, source): (i64, Vec<u8>, String, String) = server
            .archive()
            .query_row(
                "SELECT b.body_id, b.sha256, d.kind, d.kind_source
                 FROM deliveries d JOIN bodies b USING (body_id) WHERE d.delivery_id = ?1",
                [delivery_id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .expect("delivery row");
        assert_eq!(server.body(body_id), body, "{kind}: raw body differs");
        assert_eq!(sha, Sha256::digest(&body).to_vec(), "{kind}: sha256");
        assert_eq!(stored_kind, kind);
        assert_eq!(source, "declared");
    }
    assert_eq!(server.count("SELECT count(*) FROM deliveries"), 13);
    // 12 single-resource samples and three blocked variables, of 8 resources.
    assert_eq!(server.count("SELECT count(*) FROM versions"), 15);
    assert_eq!(
        server.count("SELECT count(*) FROM versions WHERE is_current = 1"),
        10
    );
}

/// (kind, SQL over the archive, expected rows) for every kind.
const EXTRACTED: &[(&str, &str, &[&str])] = &[
    (
        "conversion_registered",
        // The typed row; the long tail is read from the body (below).
        "SELECT conversion_id, conversion_time, status, transaction_id, is_event,
                event, currency_id, payout_micros, revenue_micros, sale_amount_micros, sub1, sub2,
                country, offer_id, offer_name, advertiser_id, advertiser_name, affiliate_id,
                affiliate_name, is_current
         FROM conversions WHERE kind = 11",
        &[
            "10000001|1764064001|approved|d06fced9009dc26cebe7b656b480bee9|0|∅|USD|2500000|4000000|0|∅|ad77|US|2|VPN Annual|102|ShieldNet|15|Orchid Partners|1",
        ],
    ),
    (
        "event_registered",
        "SELECT conversion_id, conversion_time, status, is_event, event, payout_micros,
                revenue_micros, sale_amount_micros, sub1, affiliate_id, affiliate_name
         FROM conversions WHERE kind = 12",
        &["20000001|1764041601|rejected|1|upsell|1250000|2000000|79510000|tt|13|Bluefin Traffic"],
    ),
    (
        "offer_created",
        "SELECT o.offer_id, o.name, o.status, o.currency_id, o.advertiser_id, o.time_created,
                o.time_saved, v.resource_id, v.fact_time
         FROM offers o JOIN versions v USING (version_id) WHERE o.kind = 'offer_created'",
        // Dated by its last save, as every event type of an offer is.
        &["1|Keto Trial CA|active|USD|101|1764000000|1764000001|1|1764000001"],
    ),
    (
        "offer_updated",
        "SELECT o.offer_id, o.name, o.time_saved, v.fact_time
         FROM offers o JOIN versions v USING (version_id) WHERE o.kind = 'offer_updated'",
        &["1|Keto Trial CA|1764005001|1764005001"],
    ),
    (
        "advertiser_created",
        "SELECT role, account_id, name, status, currency_id, time_created, time_saved, has_signup
         FROM accounts WHERE kind = 'advertiser_created'",
        &["advertiser|101|FitBox Ltd|active|USD|1764000000|1764000101|0"],
    ),
    (
        "advertiser_updated",
        "SELECT a.account_id, a.time_saved, v.fact_time
         FROM accounts a JOIN versions v USING (version_id) WHERE a.kind = 'advertiser_updated'",
        &["101|1764005001|1764005001"],
    ),
    (
        "advertiser_signed_up",
        "SELECT account_id, status, has_signup, signup_website_url, signup_company_description
         FROM accounts WHERE kind = 'advertiser_signed_up'",
        &["101|pending|1|https://advertiser.example.com|Regional energy retailer"],
    ),
    (
        "affiliate_created",
        "SELECT role, account_id, name, status, currency_id, has_signup
         FROM accounts WHERE kind = 'affiliate_created'",
        &["partner|11|Lumen Affiliates|active|USD|0"],
    ),
    (
        "affiliate_updated",
        "SELECT role, account_id, time_saved FROM accounts WHERE kind = 'affiliate_updated'",
        &["partner|11|1764005001"],
    ),
    (
        "affiliate_signed_up",
        "SELECT account_id, status, has_signup, signup_website_url, signup_advertise_method,
                signup_heard_about_us, signup_legal_type, signup_promotional_information,
                signup_country_code
         FROM accounts WHERE kind = 'affiliate_signed_up'",
        &[
            "11|pending|1|https://partner.example.net|email|search|company|Newsletter, 40k subscribers|CA",
        ],
    ),
    (
        "affiliate_signup_verdict",
        "SELECT s.affiliate_id, s.affiliate_name, s.new_status, s.employee_id,
                s.employee_full_name, s.verdict_time, v.resource_id
         FROM signup_verdicts s JOIN versions v USING (version_id)",
        &["11|Lumen Affiliates|active|7|Jordan Reyes|1764000011|11:1764000011:active"],
    ),
    (
        "affiliate_approved_for_offer",
        "SELECT a.offer_id, a.affiliate_id, a.event_time, a.offer_name, a.affiliate_name,
                v.resource_id, v.fact_time
         FROM offer_approvals a JOIN versions v USING (version_id)",
        &["2|11|1764000211|VPN Annual|Lumen Affiliates|2:11:1764000211|1764000211"],
    ),
    (
        "traffic_optimized",
        "SELECT blocked_variable_id, optimization_id, variable, value, offer_id, offer_name,
                affiliate_id, affiliate_name, action, manual_override, time_blocked,
                time_blocked_until, cvr
         FROM blocked_variables ORDER BY blocked_variable_id",
        &[
            "100|41|source_id|placement_1_0|2|VPN Annual|11|Lumen Affiliates|block|0|1764000001|1764086401|0.0163",
            "101|41|sub1|placement_1_1|3|Meal Kit Intro|12|Northwind Media|block|0|1764000001|1764086401|0.0021",
            "102|41|source_id|placement_1_2|4|Credit Score Check|13|Bluefin Traffic|block|0|1764000001|1764086401|0.0128",
        ],
    ),
];

#[test]
fn typed_columns_are_extracted_for_every_kind() {
    let server = TestServer::start();
    for kind in ALL_KINDS {
        assert_eq!(server.post_kind(kind, &sample(kind)).status, 200, "{kind}");
    }
    for (kind, sql, expected) in EXTRACTED {
        assert_eq!(row_text(&server, sql), *expected, "{kind}");
    }
}

/// The columns a conversion's typed row does not keep come from its body,
/// through the extraction `serve` ran.
#[test]
fn the_long_tail_of_a_conversion_is_read_from_its_body() {
    let server = TestServer::start();
    for kind in ["conversion_registered", "event_registered"] {
        assert_eq!(server.post_kind(kind, &sample(kind)).status, 200, "{kind}");
    }
    server.stop_keeping_archive(|db| {
        let columns = |what: &str, columns: &str| {
            stdout_of(
                db,
                &[
                    "query", what, "--until", "2100-01-01", "--format", "csv", "--columns",
                    columns,
                ],
            )
        };
        assert_eq!(
            columns(
                "conversions",
                "conversion_id,click_time,region,city,dma,device_type,http_user_agent,offer_status"
            ),
            "conversion_id,click_time,region,city,dma,device_type,http_user_agent,offer_status\n\
             10000001,2025-11-25T08:20:05+00:00,CA,Los Angeles,803,desktop,Mozilla/5.0 (X11; Linux x86_64),active\n"
        );
        assert_eq!(
            columns("events", "conversion_id,order_id,source_id,query_parameters"),
            "conversion_id,order_id,source_id,query_parameters\n\
             20000001,ORD-20000001,src-12,\"{\"\"utm_source\"\":\"\"partner\"\"}\"\n"
        );
    });
}

#[test]
fn partner_urls_are_aliases_of_affiliate_urls() {
    let server = TestServer::start();
    let reply = server.post_kind("partner_created", &sample("affiliate_created"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["kind"], "affiliate_created");
}

#[test]
fn the_kind_is_detected_from_the_shape_of_every_sample() {
    // Created and updated share a shape; detection settles on updated (or signed
    // up when a sign-up block is present), and records that it guessed.
    let expected = [
        ("offer_created", "offer_updated"),
        ("offer_updated", "offer_updated"),
        ("advertiser_created", "advertiser_updated"),
        ("advertiser_updated", "advertiser_updated"),
        ("advertiser_signed_up", "advertiser_signed_up"),
        ("affiliate_created", "affiliate_updated"),
        ("affiliate_updated", "affiliate_updated"),
        ("affiliate_signed_up", "affiliate_signed_up"),
        ("affiliate_signup_verdict", "affiliate_signup_verdict"),
        (
            "affiliate_approved_for_offer",
            "affiliate_approved_for_offer",
        ),
        ("conversion_registered", "conversion_registered"),
        ("event_registered", "event_registered"),
        ("traffic_optimized", "traffic_optimized"),
    ];
    let server = TestServer::start();
    for (sample_kind, detected) in expected {
        let reply = server.post("/webhooks", &sample(sample_kind));
        assert_eq!(reply.status, 200, "{sample_kind}: {:?}", reply.json);
        assert_eq!(reply.json["kind"], detected, "{sample_kind}");
        assert_eq!(reply.json["kind_source"], "detected", "{sample_kind}");
    }
    assert_eq!(
        server.count("SELECT count(*) FROM deliveries WHERE kind_source = 'detected'"),
        13
    );
}

#[test]
fn a_bare_array_of_blocked_variables_is_detected_too() {
    let server = TestServer::start();
    let doc: serde_json::Value =
        serde_json::from_slice(&sample("traffic_optimized")).expect("json");
    let bare = serde_json::to_vec(&doc["blocked_variables"]).expect("json");
    let reply = server.post("/webhooks", &bare);
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    assert_eq!(reply.json["kind"], "traffic_optimized");
    assert_eq!(server.count("SELECT count(*) FROM blocked_variables"), 3);
}

#[test]
fn a_get_postback_fills_offer_partner_advertiser_and_currency() {
    let server = TestServer::start();
    let query = [
        ("conversion_id", "8001"),
        ("conversion_unix_timestamp", "1764064001"),
        ("transaction_id", "tx8001"),
        ("status", "approved"),
        ("payout_amount", "2.50"),
        ("revenue", "4"),
        ("currency", "EUR"),
        ("offer_id", "2"),
        ("offer_name", "VPN Annual"),
        ("affiliate_id", "15"),
        ("affiliate_name", "Orchid Partners"),
        ("advertiser_id", "102"),
        ("sub6", "late-slot"),
    ];
    let pairs: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let url = server.url(&format!(
        "/webhooks/conversion_registered?token={}&{}",
        common::TOKEN,
        pairs.join("&")
    ));
    let reply = common::reply_of(ureq::get(&url).call().expect("200"));
    assert_eq!(reply.json["outcome"], "new", "{:?}", reply.json);
    assert_eq!(
        row_text(
            &server,
            "SELECT conversion_id, status, payout_micros, revenue_micros, currency_id, offer_id,
                    offer_name, affiliate_id, affiliate_name, advertiser_id, sub6
             FROM conversions"
        ),
        ["8001|approved|2500000|4000000|EUR|2|VPN Annual|15|Orchid Partners|102|late-slot"]
    );
    // The archived query string is the one received (the client encoded its
    // spaces), without the token.
    let raw = String::from_utf8(server.body_of("SELECT body_id FROM bodies")).expect("UTF-8");
    assert_eq!(raw, pairs.join("&").replace(' ', "%20"));
}
