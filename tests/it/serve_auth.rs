//! The shared secret: in the query string or a Bearer header; without it,
//! nothing is stored, not even in the refusal log.

use crate::common;

use common::{TOKEN, TestServer, reply_of, sample, send};

fn stored(server: &TestServer) -> i64 {
    server.count(
        "SELECT (SELECT count(*) FROM deliveries) + (SELECT count(*) FROM bodies)
              + (SELECT count(*) FROM refusals)",
    )
}

#[test]
fn missing_and_wrong_tokens_get_401_and_store_nothing() {
    let server = TestServer::start();
    let body = sample("conversion_registered");
    let url = server.url("/webhooks/conversion_registered");
    let attempts = [
        ("no token", ureq::post(&url)),
        (
            "wrong query token",
            ureq::post(&format!("{url}?token=wrong-token-0123456789")),
        ),
        (
            "token prefix",
            ureq::post(&format!("{url}?token={}", &TOKEN[..TOKEN.len() - 1])),
        ),
        (
            "wrong bearer",
            ureq::post(&url).set("Authorization", "Bearer wrong-token-0123456789"),
        ),
        (
            "basic auth",
            ureq::post(&url).set("Authorization", "Basic dXNlcjpwYXNz"),
        ),
    ];
    for (what, request) in attempts {
        let reply = send(request, &body);
        assert_eq!(reply.status, 401, "{what}");
        assert_eq!(reply.json["error"], "unauthorized", "{what}");
    }
    // An unknown kind without a token is still just 401.
    assert_eq!(
        send(ureq::post(&server.url("/webhooks/nope")), &body).status,
        401
    );
    assert_eq!(stored(&server), 0);
}

#[test]
fn a_bearer_header_or_a_query_token_is_accepted() {
    let server = TestServer::start();
    let url = server.url("/webhooks/conversion_registered");
    let by_header = send(
        ureq::post(&url).set("Authorization", &format!("Bearer {TOKEN}")),
        &sample("conversion_registered"),
    );
    assert_eq!(by_header.status, 200, "{:?}", by_header.json);
    let by_query = server.post_kind("event_registered", &sample("event_registered"));
    assert_eq!(by_query.status, 200);
    // The scheme's name is case-insensitive (RFC 9110).
    for scheme in ["BEARER", "bearer", "BeArEr"] {
        let reply = send(
            ureq::post(&url).set("Authorization", &format!("{scheme} {TOKEN}")),
            &sample("conversion_registered"),
        );
        assert_eq!(reply.status, 200, "{scheme}: {:?}", reply.json);
    }
    assert_eq!(server.count("SELECT count(*) FROM deliveries"), 5);
}

#[test]
fn get_deliveries_archive_the_query_string_without_the_token() {
    let server = TestServer::start();
    let url = server.url(&format!(
        "/webhooks/conversion_registered?conversion_id=777&token={TOKEN}&payout=1.10&sub1=a%3Db"
    ));
    let reply = reply_of(ureq::get(&url).call().expect("200"));
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    let (body_id, method): (i64, String) = server
        .archive()
        .query_row(
            "SELECT b.body_id, d.method FROM deliveries d JOIN bodies b USING (body_id)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("row");
    assert_eq!(
        String::from_utf8(server.body(body_id)).expect("utf8"),
        "conversion_id=777&payout=1.10&sub1=a%3Db"
    );
    assert_eq!(method, "GET");
    assert_eq!(
        server.count("SELECT payout_micros FROM conversions WHERE conversion_id = '777'"),
        1_100_000
    );
    let sub1: String = server
        .archive()
        .query_row("SELECT sub1 FROM conversions", [], |row| row.get(0))
        .expect("sub1");
    assert_eq!(sub1, "a=b");
}

#[test]
fn a_huge_wrong_token_gets_the_usual_json_401() {
    let server = TestServer::start();
    let huge = "x".repeat(100_000);
    let url = server.url("/webhooks/offer_created");
    let by_header = send(
        ureq::post(&url).set("Authorization", &format!("Bearer {huge}")),
        b"{}",
    );
    assert_eq!(by_header.status, 401);
    assert_eq!(by_header.json["error"], "unauthorized");
    // A URL up to the HTTP layer's 64 KiB limit reaches us too.
    let long = "x".repeat(60_000);
    let by_query = send(
        ureq::post(&server.url(&format!("/webhooks/offer_created?token={long}"))),
        b"{}",
    );
    assert_eq!(by_query.status, 401);
    assert_eq!(by_query.json["error"], "unauthorized");
    assert_eq!(stored(&server), 0);
}
