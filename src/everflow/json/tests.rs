use super::*;

fn parsed(text: &str) -> JsonValue<'_> {
    parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn object(text: &str) -> JsonObject<'_> {
    match parsed(text) {
        JsonValue::Object(object) => *object,
        other => panic!("not an object: {other:?}"),
    }
}

fn canonical(text: &str) -> String {
    let mut out = Vec::new();
    write_canonical(&parsed(text), &[], &mut out);
    String::from_utf8(out).expect("UTF-8")
}

#[test]
fn members_are_found_by_name_and_the_last_duplicate_wins() {
    let fields = object(r#"{"b": 1, "a": {"x": [1, 2]}, "b": "two", "\u0063": null}"#);
    let names: Vec<&str> = fields.members().map(|(name, _)| name).collect();
    assert_eq!(names, ["a", "b", "c"]);
    assert_eq!(fields.get("b"), Some(r#""two""#));
    assert_eq!(fields.get("a"), Some(r#"{"x": [1, 2]}"#));
    assert!(fields.contains("c"));
    assert!(fields.value("c").is_some_and(|value| value.is_null()));
    assert!(fields.get("d").is_none());
    let nested = fields
        .get("a")
        .and_then(JsonObject::parse)
        .expect("nested object");
    assert!(matches!(nested.value("x"), Some(JsonValue::Array(items)) if items.len() == 2));
    assert!(JsonObject::parse(fields.get("b").expect("b")).is_none());
}

#[test]
fn values_decode_by_their_first_byte() {
    let fields = object(
        r#"{"n": null, "t": true, "f": false, "i": -0, "d": 2.50, "e": 1E2, "s": "plain", "x": "\u00e9\n"}"#,
    );
    let value = |name: &str| fields.value(name).expect(name);
    assert!(value("n").is_null());
    assert!(matches!(value("t"), JsonValue::Bool(true)));
    assert!(matches!(value("f"), JsonValue::Bool(false)));
    assert!(matches!(value("i"), JsonValue::Number(text) if text == "-0"));
    assert!(matches!(value("d"), JsonValue::Number(text) if text == "2.50"));
    assert!(matches!(value("e"), JsonValue::Number(text) if text == "1e+2"));
    assert!(matches!(
        value("s"),
        JsonValue::String(Cow::Borrowed("plain"))
    ));
    assert!(matches!(value("x"), JsonValue::String(Cow::Owned(text)) if text == "é\n"));
}

#[test]
fn exponents_are_spelled_as_before() {
    for (sent, spelled) in [
        ("1e5", "1e+5"),
        ("1E+5", "1e+5"),
        ("-2.5E-3", "-2.5e-3"),
        ("12", "12"),
        ("0.30", "0.30"),
    ] {
        assert_eq!(number_text(sent), spelled);
    }
}

#[test]
fn top_level_shapes() {
    assert!(matches!(parsed(" [1, {\"a\": 2}] "), JsonValue::Array(items) if items.len() == 2));
    assert!(matches!(parsed("\"text\""), JsonValue::String(text) if text == "text"));
    assert!(matches!(parsed("42"), JsonValue::Number(text) if text == "42"));
    assert!(parsed("null").is_null());
    assert!(parsed("{}").as_object().is_some_and(JsonObject::is_empty));
}

#[test]
fn errors_are_the_ones_a_full_parse_gives() {
    let mut invalid: Vec<String> = [
        r#"{"a": 1,}"#,
        "{} {}",
        r#"{"a": 01}"#,
        r#"{"a": 1.}"#,
        r#"{"a": tru}"#,
        "{\"a\": \"x\n\"}",
        r#"{"a" 1}"#,
        r#"[1, 2"#,
        r#"{"a": "\ud800"}"#,
        r#"{"a": "\udc00x"}"#,
        r#"{"a": "\x"}"#,
        "",
        "nope",
    ]
    .map(str::to_owned)
    .into();
    invalid.push("[".repeat(10_000));
    invalid.push("{\"a\":".repeat(10_000));
    invalid.push(format!("{}{}", "[".repeat(128), "]".repeat(128)));
    for text in &invalid {
        let expected = serde_json::from_str::<serde_json::Value>(text).expect_err("invalid");
        let error = parse(text).expect_err("invalid");
        assert_eq!(error.to_string(), expected.to_string(), "{text:.40}");
    }
    let hostile = parse(&"[".repeat(10_000)).expect_err("too deep");
    assert!(hostile.to_string().contains("recursion limit exceeded"));
    let deepest_allowed = format!("{}{}", "[".repeat(127), "]".repeat(127));
    assert!(parse(&deepest_allowed).is_ok());
    assert!(matches!(
        object(r#"{"a": "\ud83d\ude00"}"#).value("a"),
        Some(JsonValue::String(text)) if text == "😀"
    ));
}

#[test]
fn canonical_text_is_compact_sorted_and_exact() {
    assert_eq!(
        canonical(
            "{ \"b\" : 1E2,\n \"a\" : [ 2.50, { \"y\": \"\\u00e9\", \"x\": \"\\n\\/\" } ], \"b\": -0 }"
        ),
        r#"{"a":[2.50,{"x":"\n/","y":"é"}],"b":-0}"#
    );
    assert_eq!(canonical(" \"\\u001f\\\"\" "), r#""\u001f\"""#);
    assert_eq!(canonical("[ ]"), "[]");
    assert_eq!(canonical("{ }"), "{}");
}

#[test]
fn canonical_text_is_what_serde_json_values_print() {
    // Without numbers that binary floating point would respell.
    let documents = [
        r#"{"z": {"b": [true, null, {"d": "\t\u0001", "c": "\"q\""}], "a": "😀 \ud83d\ude00"}, "y": [], "x": {}}"#,
        r#"{"é": 1, "e": 2, "E": 3, "": -4, "a\u0000": "\\"}"#,
        r#"[{"k": "v", "k": "w"}, "s", 12, -7]"#,
    ];
    for document in documents {
        let value: serde_json::Value = serde_json::from_str(document).expect("valid");
        assert_eq!(canonical(document), value.to_string(), "{document}");
    }
}

#[test]
fn top_level_members_can_be_skipped() {
    let mut out = Vec::new();
    let document = parsed(r#"{"b": {"skip": 1}, "skip": 2, "a": 3}"#);
    write_canonical(&document, &["skip"], &mut out);
    assert_eq!(out, br#"{"a":3,"b":{"skip":1}}"#);
}

#[test]
fn larger_objects_find_every_member_and_sort_shared_prefixes() {
    let names = [
        "idfa_sha1",
        "idfa",
        "google_ad_id_md5",
        "google_ad_id",
        "google_ad_id_sha1",
        "b",
        "a",
        "a\u{1}",
        "conversion_user_ip",
        "conversion_unix_timestamp",
        "idfa_md5",
        "é",
    ];
    let mut members: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(index, name)| format!("{}: {index}", serde_json::Value::from(*name)))
        .collect();
    members.push(r#""idfa": "last""#.to_owned());
    let text = format!("{{{}}}", members.join(", "));
    let fields = object(&text);
    let mut sorted = names.to_vec();
    sorted.sort_unstable();
    let listed: Vec<&str> = fields.members().map(|(name, _)| name).collect();
    assert_eq!(listed, sorted);
    for (index, name) in names.iter().enumerate() {
        let expected = if *name == "idfa" {
            r#""last""#.to_owned()
        } else {
            index.to_string()
        };
        assert_eq!(fields.get(name), Some(expected.as_str()), "{name}");
    }
    for missing in ["", "idf", "idfa_", "google_ad_id_md", "ü"] {
        assert_eq!(fields.get(missing), None, "{missing}");
    }
}

#[test]
fn samples_read_back_as_serde_json_reads_them() {
    use crate::everflow::WebhookKind;
    use crate::everflow::test_samples::sample_bytes;
    for kind in WebhookKind::ALL {
        let bytes = sample_bytes(kind);
        let text = std::str::from_utf8(&bytes).expect("UTF-8");
        // The samples' numbers print the same through f64, so serde_json's
        // `Value` is a fair reference for every other byte.
        let value: serde_json::Value = serde_json::from_str(text).expect("valid");
        assert_eq!(canonical(text), value.to_string(), "{kind}");
    }
}
