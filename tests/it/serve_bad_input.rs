//! Bad input gets a 4xx with a JSON reason, nothing partial is stored, the
//! refusal is logged, and the server keeps serving.

use crate::common;

use common::{TestServer, edited_sample, sample};
use serde_json::json;

/// (what, path, body, expected status, expected error code)
fn matrix() -> Vec<(&'static str, &'static str, Vec<u8>, u16, &'static str)> {
    let mut deep = "[".repeat(100_000);
    deep.push_str(&"]".repeat(100_000));
    vec![
        (
            "invalid JSON",
            "/webhooks/conversion_registered",
            b"{\"conversion_id\": 1,".to_vec(),
            400,
            "invalid_json",
        ),
        (
            "not UTF-8",
            "/webhooks/conversion_registered",
            b"{\"conversion_id\": \"\xff\xfe\"}".to_vec(),
            400,
            "not_utf8",
        ),
        (
            "empty body",
            "/webhooks/conversion_registered",
            Vec::new(),
            400,
            "empty_body",
        ),
        (
            "white space only",
            "/webhooks/offer_created",
            b" \n\t ".to_vec(),
            400,
            "empty_body",
        ),
        (
            "hostile nesting",
            "/webhooks/conversion_registered",
            deep.into_bytes(),
            400,
            "invalid_json",
        ),
        (
            "no identity",
            "/webhooks/conversion_registered",
            edited_sample("conversion_registered", |d| {
                d.as_object_mut().expect("object").remove("conversion_id");
            }),
            422,
            "missing_identity",
        ),
        (
            "identity unset",
            "/webhooks/offer_updated",
            edited_sample("offer_updated", |d| {
                d["network_offer_id"] = json!("null_value")
            }),
            422,
            "missing_identity",
        ),
        (
            "part of a composite identity missing",
            "/webhooks/affiliate_signup_verdict",
            edited_sample("affiliate_signup_verdict", |d| d["timestamp"] = json!(0)),
            422,
            "missing_identity",
        ),
        (
            "a block without its id",
            "/webhooks/traffic_optimized",
            edited_sample("traffic_optimized", |d| {
                d["blocked_variables"][1]
                    .as_object_mut()
                    .expect("object")
                    .remove("network_traffic_optimization_blocked_variable_id");
            }),
            422,
            "missing_identity",
        ),
        (
            "no blocks at all",
            "/webhooks/traffic_optimized",
            b"{\"blocked_variables\": []}".to_vec(),
            422,
            "missing_identity",
        ),
        (
            "a JSON string, not an object",
            "/webhooks/offer_created",
            b"\"offer\"".to_vec(),
            422,
            "unexpected_shape",
        ),
        (
            "an array for an offer",
            "/webhooks/offer_created",
            b"[{\"network_offer_id\": 1}]".to_vec(),
            422,
            "unexpected_shape",
        ),
        (
            "unknown kind",
            "/webhooks/offer_deleted",
            sample("offer_created"),
            404,
            "unknown_kind",
        ),
        (
            "undetectable shape",
            "/webhooks",
            b"{\"hello\": \"world\"}".to_vec(),
            422,
            "undetectable_kind",
        ),
        (
            "a payout still holding its macro",
            "/webhooks/conversion_registered",
            edited_sample("conversion_registered", |d| d["payout"] = json!("{payout}")),
            422,
            "unexpanded_macro",
        ),
        (
            "an offer id still holding its macro",
            "/webhooks/offer_updated",
            edited_sample("offer_updated", |d| {
                d["network_offer_id"] = json!("{offer_id}")
            }),
            422,
            "unexpanded_macro",
        ),
        (
            "a form-encoded body",
            "/webhooks/conversion_registered",
            b"conversion_id=1&payout=2".to_vec(),
            415,
            "form_encoded_body",
        ),
    ]
}

#[test]
fn each_bad_input_gets_its_status_a_json_reason_and_stores_nothing() {
    let server = TestServer::start();
    let cases = matrix();
    for (what, path, body, status, code) in &cases {
        let reply = server.post(path, body);
        assert_eq!(reply.status, *status, "{what}: {:?}", reply.json);
        assert_eq!(reply.json["error"], *code, "{what}");
        assert!(
            reply.json["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{what}: a message says what was wrong"
        );
    }
    for table in [
        "deliveries",
        "bodies",
        "versions",
        "conversions",
        "offers",
        "blocked_variables",
    ] {
        assert_eq!(
            server.count(&format!("SELECT count(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    // Every refusal is in the log, with its reason and the start of its body.
    assert_eq!(
        server.count("SELECT count(*) FROM refusals"),
        cases.len() as i64
    );
    assert_eq!(
        server.count("SELECT max(length(body_prefix)) FROM refusals"),
        1024,
        "the log keeps the first KiB only"
    );
    let logged: String = server
        .archive()
        .query_row(
            "SELECT reason || ' ' || http_status || ' ' || kind FROM refusals
             WHERE reason = 'missing_identity' ORDER BY refusal_id LIMIT 1",
            [],
            |row| row.get(0),
        )
        .expect("refusal");
    assert_eq!(logged, "missing_identity 422 conversion_registered");

    // And the server keeps serving.
    assert_eq!(
        server
            .post_kind("conversion_registered", &sample("conversion_registered"))
            .status,
        200
    );
}

#[test]
fn a_body_over_the_limit_gets_413_and_the_start_is_logged() {
    let server = TestServer::start_with(|config| config.max_body = 8192);
    let big = edited_sample("offer_created", |d| {
        d["html_description"] = json!("x".repeat(10_000))
    });
    let reply = server.post_kind("offer_created", &big);
    assert_eq!(reply.status, 413, "{:?}", reply.json);
    assert_eq!(reply.json["error"], "body_too_large");
    assert_eq!(server.count("SELECT count(*) FROM deliveries"), 0);
    assert_eq!(
        server.count("SELECT body_length FROM refusals WHERE reason = 'body_too_large'"),
        big.len() as i64
    );
    let prefix: Vec<u8> = server
        .archive()
        .query_row("SELECT body_prefix FROM refusals", [], |row| row.get(0))
        .expect("prefix");
    assert_eq!(prefix, big[..1024], "the log keeps the body's first KiB");
    assert_eq!(
        server
            .post_kind("offer_created", &sample("offer_created"))
            .status,
        200
    );
}

#[test]
fn lenient_shapes_everflow_is_loose_about_are_accepted() {
    let server = TestServer::start();
    let loose = edited_sample("conversion_registered", |d| {
        d["conversion_id"] = json!("9f86d081884c7d659a2feaa0c55ad015");
        d["payout"] = json!("0.10");
        d["revenue"] = json!(0.2);
        d["relationship"]["offer"]["network_offer_id"] = json!("2");
        d["is_view_through"] = json!(null);
        d["sub1"] = json!("null_value");
        d["brand_new_field"] = json!({"from": "the future"});
    });
    let reply = server.post_kind("conversion_registered", &loose);
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    let row: (String, i64, i64, i64, Option<String>) = server
        .archive()
        .query_row(
            "SELECT conversion_id, payout_micros + revenue_micros, offer_id, typeof(offer_id) = 'integer', sub1
             FROM conversions",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .expect("row");
    assert_eq!(
        row,
        (
            "9f86d081884c7d659a2feaa0c55ad015".to_owned(),
            300_000,
            2,
            1,
            None
        )
    );

    // No Content-Type at all, partner sign-up spelt sign_up.
    let sign_up = edited_sample("affiliate_signed_up", |d| {
        let rel = d["relationship"].as_object_mut().expect("object");
        let block = rel.remove("signup").expect("signup");
        rel.insert("sign_up".to_owned(), block);
    });
    let url = server.url(&format!(
        "/webhooks/affiliate_signed_up?token={}",
        common::TOKEN
    ));
    let reply = common::send(ureq::post(&url), &sign_up);
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    assert_eq!(
        server.count("SELECT has_signup FROM accounts WHERE kind = 'affiliate_signed_up'"),
        1
    );
}

#[test]
fn a_get_postback_with_unexpanded_macros_is_refused_and_logged() {
    let server = TestServer::start();
    let url = server.url(&format!(
        "/webhooks/conversion_registered?token={}&conversion_id=%7Bconversion_id%7D&payout=2.50",
        common::TOKEN
    ));
    let reply = common::reply_of(match ureq::get(&url).call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(e) => panic!("{e}"),
    });
    assert_eq!(reply.status, 422, "{:?}", reply.json);
    assert_eq!(reply.json["error"], "unexpanded_macro");
    let message = reply.json["message"].as_str().expect("message");
    assert!(
        message.contains("conversion_id is \"{conversion_id}\""),
        "{message}"
    );
    assert_eq!(server.count("SELECT count(*) FROM conversions"), 0);
    let logged: (String, String) = server
        .archive()
        .query_row(
            "SELECT reason, CAST(body_prefix AS TEXT) FROM refusals",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("logged");
    assert_eq!(logged.0, "unexpanded_macro");
    assert!(!logged.1.contains(common::TOKEN), "the token is never kept");
}

/// Status, `Allow` header and JSON body of `method path`, with no token.
fn raw(server: &TestServer, method: &str, path: &str) -> (u16, Option<String>, serde_json::Value) {
    let response = match ureq::request(method, &server.url(path)).call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => response,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let allow = response.header("allow").map(str::to_owned);
    let content_type = response.content_type().to_owned();
    let status = response.status();
    let text = response.into_string().expect("body");
    assert_eq!(content_type, "application/json", "{method} {path}: {text}");
    let json =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{method} {path}: {e}: {text}"));
    (status, allow, json)
}

#[test]
fn every_refusal_of_a_path_or_method_has_a_json_body() {
    let server = TestServer::start();
    let cases = [
        ("GET", "/", 404, "not_found", None, "/webhooks/{kind}"),
        ("POST", "/hooks", 404, "not_found", None, "/webhooks/{kind}"),
        (
            "POST",
            "/webhooks/offer_created/",
            404,
            "not_found",
            None,
            "did you mean /webhooks/offer_created?",
        ),
        (
            "POST",
            "/webhook/conversion_registered",
            404,
            "not_found",
            None,
            "did you mean /webhooks/conversion_registered?",
        ),
        (
            "POST",
            "/healthz",
            405,
            "method_not_allowed",
            Some("GET"),
            "use GET",
        ),
        (
            "PUT",
            "/webhooks/offer_created",
            405,
            "method_not_allowed",
            Some("GET, POST"),
            "does not take PUT",
        ),
        (
            "DELETE",
            "/webhooks",
            405,
            "method_not_allowed",
            Some("GET, POST"),
            "use GET, POST",
        ),
        (
            "POST",
            "/kinds",
            405,
            "method_not_allowed",
            Some("GET"),
            "use GET",
        ),
    ];
    for (method, path, status, code, allow, said) in cases {
        let (got, got_allow, json) = raw(&server, method, path);
        assert_eq!(got, status, "{method} {path}: {json}");
        assert_eq!(json["error"], code, "{method} {path}");
        assert_eq!(got_allow.as_deref(), allow, "{method} {path}");
        let message = json["message"].as_str().expect("message");
        assert!(message.contains(said), "{method} {path}: {message}");
    }
    // A token in the query string of a wrong path is not echoed back.
    let (_, _, json) = raw(
        &server,
        "POST",
        "/webhook/offer_created?token=secret-token-123",
    );
    assert!(!json.to_string().contains("secret-token-123"), "{json}");
}
