//! Redeliveries are stored once and counted; changed content is a new version;
//! the current version is the latest fact, whatever order deliveries arrive in.

use crate::common;

use common::{TestServer, edited_sample, sample};
use serde_json::json;

#[test]
fn a_sequential_redelivery_is_stored_once_and_counted() {
    let server = TestServer::start();
    let body = sample("conversion_registered");
    let outcomes: Vec<_> = (0..3)
        .map(|_| server.post_kind("conversion_registered", &body))
        .map(|reply| {
            assert_eq!(reply.status, 200);
            reply.json["outcome"].as_str().expect("outcome").to_owned()
        })
        .collect();
    assert_eq!(outcomes, ["new", "duplicate", "duplicate"]);
    assert_eq!(server.count("SELECT count(*) FROM conversions"), 1);
    assert_eq!(server.count("SELECT count(*) FROM bodies"), 1);
    assert_eq!(server.count("SELECT count(*) FROM deliveries"), 3);
    assert_eq!(server.count("SELECT redeliveries FROM versions"), 2);
    assert_eq!(
        server.count(
            "SELECT last_received_at >= first_received_at AND last_received_at = \
             (SELECT max(received_at) FROM deliveries) FROM versions"
        ),
        1
    );
}

#[test]
fn twenty_concurrent_identical_deliveries_make_one_row() {
    let server = TestServer::start();
    let body = sample("event_registered");
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|_| scope.spawn(|| server.post_kind("event_registered", &body).status))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    assert_eq!(statuses, vec![200; 20]);
    assert_eq!(server.count("SELECT count(*) FROM conversions"), 1);
    assert_eq!(server.count("SELECT count(*) FROM versions"), 1);
    assert_eq!(server.count("SELECT redeliveries FROM versions"), 19);
    assert_eq!(
        server.count("SELECT count(*) FROM deliveries WHERE outcome = 'new'"),
        1
    );
    assert_eq!(
        server.count("SELECT count(*) FROM deliveries WHERE outcome = 'duplicate'"),
        19
    );
}

#[test]
fn the_same_content_in_other_bytes_is_a_redelivery_but_its_bytes_are_kept() {
    let server = TestServer::start();
    let original = sample("affiliate_approved_for_offer");
    // Re-serialised compactly, and Everflow stamped a new generation time.
    let regenerated = edited_sample("affiliate_approved_for_offer", |doc| {
        doc["webhook_generation_time"] = json!(1764999999);
    });
    assert_eq!(
        server
            .post_kind("affiliate_approved_for_offer", &original)
            .json["outcome"],
        "new"
    );
    assert_eq!(
        server
            .post_kind("affiliate_approved_for_offer", &regenerated)
            .json["outcome"],
        "duplicate"
    );
    assert_eq!(server.count("SELECT count(*) FROM versions"), 1);
    assert_eq!(server.count("SELECT count(*) FROM offer_approvals"), 1);
    // Nothing Everflow sent is lost: both byte sequences are archived.
    assert_eq!(server.count("SELECT count(*) FROM bodies"), 2);
}

#[test]
fn edited_offers_are_versions_and_the_latest_edit_is_current() {
    let server = TestServer::start();
    for (time_saved, cap) in [(1764005001, 50), (1764006001, 60), (1764007001, 70)] {
        let body = edited_sample("offer_updated", |doc| {
            doc["time_saved"] = json!(time_saved);
            doc["daily_conversion_cap"] = json!(cap);
        });
        assert_eq!(server.post_kind("offer_updated", &body).status, 200);
    }
    assert_eq!(
        server.count("SELECT count(*) FROM offers WHERE kind = 'offer_updated'"),
        3
    );
    assert_eq!(
        server.count("SELECT time_saved FROM offers WHERE is_current = 1"),
        1764007001
    );
    assert_eq!(
        server.count("SELECT count(*) FROM versions WHERE is_current = 1"),
        1
    );
    let outcomes: Vec<String> = server
        .archive()
        .prepare("SELECT outcome FROM deliveries ORDER BY delivery_id")
        .expect("sql")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(outcomes, ["new", "version", "version"]);
}

#[test]
fn an_older_version_arriving_late_does_not_become_current() {
    let server = TestServer::start();
    let newer = edited_sample("conversion_registered", |doc| {
        doc["status"] = json!("rejected");
        doc["conversion_unix_timestamp"] = json!(1764070000);
    });
    let older = sample("conversion_registered"); // approved, 1764064001
    assert_eq!(
        server.post_kind("conversion_registered", &newer).json["outcome"],
        "new"
    );
    assert_eq!(
        server.post_kind("conversion_registered", &older).json["outcome"],
        "version"
    );
    assert_eq!(server.count("SELECT count(*) FROM conversions"), 2);
    let current: String = server
        .archive()
        .query_row(
            "SELECT status FROM conversions WHERE is_current = 1",
            [],
            |row| row.get(0),
        )
        .expect("one current row");
    assert_eq!(current, "rejected");
    // Totals over current versions count the conversion once.
    assert_eq!(
        server.count("SELECT sum(payout_micros) FROM conversions WHERE is_current = 1"),
        2_500_000
    );
}

#[test]
fn a_relationship_only_edit_with_the_same_time_saved_is_still_a_new_version() {
    let server = TestServer::start();
    let before = sample("offer_updated");
    let after = edited_sample("offer_updated", |doc| {
        doc["relationship"]["labels"]["entries"] = json!(["q4", "vip"]);
    });
    assert_eq!(
        server.post_kind("offer_updated", &before).json["outcome"],
        "new"
    );
    assert_eq!(
        server.post_kind("offer_updated", &after).json["outcome"],
        "version"
    );
    // Same fact time: the later arrival is current.
    let current_body = server.body_of("SELECT body_id FROM versions WHERE is_current = 1");
    assert_eq!(current_body, after);
}

#[test]
fn a_traffic_optimisation_repeating_some_blocks_counts_each_block_once() {
    let server = TestServer::start();
    assert_eq!(
        server
            .post_kind("traffic_optimized", &sample("traffic_optimized"))
            .json["outcome"],
        "new"
    );
    let overlapping = edited_sample("traffic_optimized", |doc| {
        let entries = doc["blocked_variables"].as_array_mut().expect("array");
        entries.truncate(1);
        let mut fresh = entries[0].clone();
        fresh["network_traffic_optimization_blocked_variable_id"] = json!(200);
        entries.push(fresh);
    });
    let reply = server.post_kind("traffic_optimized", &overlapping);
    assert_eq!(reply.json["outcome"], "new");
    assert_eq!(reply.json["resource_ids"], json!(["100", "200"]));
    assert_eq!(server.count("SELECT count(*) FROM blocked_variables"), 4);
    assert_eq!(
        server.count("SELECT redeliveries FROM versions WHERE resource_id = '100'"),
        1
    );
}

/// The outcomes the server answered, in order.
fn post_all(server: &TestServer, kind: &str, bodies: &[&[u8]]) -> Vec<String> {
    bodies
        .iter()
        .map(|body| {
            let reply = server.post_kind(kind, body);
            assert_eq!(reply.status, 200, "{:?}", reply.json);
            reply.json["outcome"].as_str().expect("outcome").to_owned()
        })
        .collect()
}

fn current_status(server: &TestServer) -> String {
    server
        .archive()
        .query_row(
            "SELECT status FROM conversions WHERE is_current = 1",
            [],
            |row| row.get(0),
        )
        .expect("one current row")
}

#[test]
fn a_status_that_returns_to_an_earlier_value_is_current_again() {
    let server = TestServer::start();
    let approved = sample("conversion_registered");
    let rejected = edited_sample("conversion_registered", |doc| {
        doc["status"] = json!("rejected");
    });
    let outcomes = post_all(
        &server,
        "conversion_registered",
        &[&approved, &rejected, &approved, &approved],
    );
    assert_eq!(outcomes, ["new", "version", "restored", "duplicate"]);
    assert_eq!(current_status(&server), "approved");
    assert_eq!(
        server.count("SELECT sum(payout_micros) FROM conversions WHERE is_current = 1"),
        2_500_000
    );
    // Two contents, one restoration, one redelivery.
    assert_eq!(server.count("SELECT count(*) FROM versions"), 2);
    assert_eq!(server.count("SELECT count(*) FROM restorations"), 1);
    assert_eq!(
        server.count("SELECT sum(redeliveries) FROM versions"),
        1,
        "a restoration is not a redelivery"
    );
    // And back once more.
    let outcomes = post_all(&server, "conversion_registered", &[&rejected]);
    assert_eq!(outcomes, ["restored"]);
    assert_eq!(current_status(&server), "rejected");
}

#[test]
fn an_old_body_retried_late_also_wins_a_tie_the_documented_ambiguity() {
    // Everflow sends no update time for conversions: a late retry of the
    // approved body cannot be told from a real return to approved.
    let server = TestServer::start();
    let approved = sample("conversion_registered");
    let rejected = edited_sample("conversion_registered", |doc| {
        doc["status"] = json!("rejected");
    });
    post_all(&server, "conversion_registered", &[&approved, &rejected]);
    assert_eq!(current_status(&server), "rejected");
    post_all(&server, "conversion_registered", &[&approved]);
    assert_eq!(current_status(&server), "approved");
}

#[test]
fn a_redelivery_of_an_older_fact_changes_nothing() {
    let server = TestServer::start();
    let older = sample("conversion_registered");
    let newer = edited_sample("conversion_registered", |doc| {
        doc["status"] = json!("rejected");
        doc["conversion_unix_timestamp"] = json!(1764070000);
    });
    let outcomes = post_all(&server, "conversion_registered", &[&older, &newer, &older]);
    assert_eq!(outcomes, ["new", "version", "duplicate"]);
    assert_eq!(current_status(&server), "rejected");
}

#[test]
fn one_resource_under_several_event_types_is_one_resource() {
    let server = TestServer::start();
    let partner = sample("affiliate_created");
    let created = server.post_kind("affiliate_created", &partner);
    let updated = server.post_kind("affiliate_updated", &partner);
    let aliased = server.post_kind("partner_signed_up", &partner);
    assert_eq!(created.json["outcome"], "new");
    assert_eq!(updated.json["outcome"], "duplicate", "{:?}", updated.json);
    assert_eq!(aliased.json["outcome"], "duplicate");
    // The event type stays on each delivery.
    assert_eq!(updated.json["kind"], "affiliate_updated");
    assert_eq!(
        server.count("SELECT count(DISTINCT kind) FROM deliveries"),
        3
    );
    assert_eq!(server.count("SELECT count(*) FROM versions"), 1);
    // An edit under yet another event type is a version of the same partner.
    let edited = edited_sample("affiliate_updated", |doc| {
        doc["name"] = json!("Lumen Affiliates Ltd");
    });
    assert_eq!(
        server.post_kind("affiliate_updated", &edited).json["outcome"],
        "version"
    );
    assert_eq!(
        server.count("SELECT count(*) FROM versions WHERE resource_type = 'partner'"),
        2
    );
    assert_eq!(
        server.count("SELECT count(*) FROM accounts WHERE is_current = 1"),
        1
    );
}
