//! Bodies are kept compressed — with zstd alone, then with a dictionary
//! trained from the archive's own bodies — and read back byte for byte,
//! through the real server, from the real archive file.

use crate::common;

use std::time::{Duration, Instant};

use common::cli::evarchive;
use common::{TestServer, edited_sample, sample};
use evarchive::store::TrainingRules;
use serde_json::json;

/// A small deterministic generator: varied, realistic-looking fields.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 11
    }

    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from_digit((self.next() % 16) as u32, 16).expect("digit"))
            .collect()
    }

    fn words(&mut self, bytes: usize) -> String {
        const WORDS: [&str; 12] = [
            "offer",
            "landing",
            "partner",
            "geo",
            "mobile",
            "desktop",
            "trial",
            "annual",
            "click",
            "bonus",
            "ünïcødé",
            "🚀",
        ];
        let mut text = String::with_capacity(bytes + 16);
        while text.len() < bytes {
            text.push_str(WORDS[(self.next() % 12) as usize]);
            text.push_str(if self.next().is_multiple_of(7) {
                "\n"
            } else {
                " "
            });
            if self.next().is_multiple_of(5) {
                text.push_str(&self.hex(8));
                text.push(' ');
            }
        }
        text
    }
}

fn conversion(noise: &mut Noise, id: u64) -> Vec<u8> {
    edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(id);
        doc["transaction_id"] = json!(noise.hex(32));
        doc["conversion_unix_timestamp"] = json!(1_764_000_000 + noise.next() % 864_000);
        doc["session_user_ip"] = json!(format!(
            "{}.{}.{}.{}",
            noise.next() % 256,
            noise.next() % 256,
            noise.next() % 256,
            noise.next() % 256
        ));
        doc["sub1"] = json!(noise.hex(12));
        doc["sub2"] = json!(noise.words(20));
        doc["payout"] = json!(format!("{}.{:02}", noise.next() % 20, noise.next() % 100));
    })
}

#[test]
fn a_10_mib_body_reads_back_byte_for_byte() {
    let server = TestServer::start();
    let mut noise = Noise(7);
    // Exactly the largest body serve accepts by default.
    let limit = 10 * 1024 * 1024;
    let text = noise.words(limit - 512 * 1024);
    let offer = |filler: usize| {
        edited_sample("offer_created", |doc| {
            doc["html_description"] = json!(format!("{text}{}", "x".repeat(filler)));
        })
    };
    let body = offer(limit - offer(0).len());
    assert_eq!(body.len(), limit);
    let reply = server.post_kind("offer_created", &body);
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    let id = reply.json["delivery_id"].as_i64().expect("delivery id");
    let body_id = format!("SELECT body_id FROM deliveries WHERE delivery_id = {id}");
    assert!(server.body_of(&body_id) == body, "read back as received");
    let stored = server.count(&format!(
        "SELECT length(stored) FROM bodies WHERE body_id = ({body_id})"
    ));
    assert!(
        (stored as usize) < body.len() / 2,
        "kept compressed: {stored} of {} bytes",
        body.len()
    );
    server.stop_keeping_archive(|db| {
        let dump = evarchive(db, &["dump"]);
        assert_eq!(dump.code, Some(0), "{}", dump.stderr);
        let line: serde_json::Value = serde_json::from_str(dump.stdout.trim()).expect("one line");
        assert!(line["body"].as_str().expect("body").as_bytes() == body);
        let verify = evarchive(db, &["verify"]);
        assert_eq!(verify.code, Some(0), "{}", verify.stdout);
    });
}

/// Rules that train after a handful of bodies, and look often.
fn eager_training(config: &mut evarchive::config::ServeConfig) {
    config.training = TrainingRules {
        first_after: 40,
        samples: 40,
        every: Duration::from_millis(50),
    };
}

#[test]
fn bodies_compressed_with_a_trained_dictionary_read_back_exactly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let mut noise = Noise(42);
    let mut sent = Vec::new();
    let server = TestServer::start_on(&db, eager_training);
    let post = |server: &TestServer, sent: &mut Vec<Vec<u8>>, noise: &mut Noise| {
        let body = conversion(noise, 1_000 + sent.len() as u64);
        let reply = server.post_kind("conversion_registered", &body);
        assert_eq!(reply.status, 200, "{:?}", reply.json);
        sent.push(body);
    };
    for _ in 0..60 {
        post(&server, &mut sent, &mut noise);
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.count("SELECT count(*) FROM dictionaries") == 0 {
        assert!(Instant::now() < deadline, "no dictionary was trained");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        server.count("SELECT count(*) FROM dictionaries WHERE resource_type = 'conversion'"),
        1
    );
    for _ in 0..60 {
        post(&server, &mut sent, &mut noise);
    }
    server.stop();

    // After a restart the archive's dictionary is used again.
    let server = TestServer::start_on(&db, eager_training);
    for _ in 0..5 {
        post(&server, &mut sent, &mut noise);
    }
    let with_dictionary = server.count("SELECT count(*) FROM bodies WHERE codec = 2");
    assert!(
        with_dictionary >= 65,
        "{with_dictionary} bodies used the dictionary"
    );
    assert_eq!(
        server.count("SELECT count(*) FROM bodies WHERE codec = 2 AND dictionary_id IS NULL"),
        0
    );
    let average = |codec: i64| {
        server.count(&format!(
            "SELECT CAST(avg(length(stored)) AS INTEGER) FROM bodies WHERE codec = {codec}"
        ))
    };
    let (plain, trained) = (average(1), average(2));
    assert!(
        trained * 2 < plain,
        "a trained dictionary should at least halve these bodies: {trained} B against {plain} B"
    );
    for (i, body) in sent.iter().enumerate() {
        let read = server.body_of(&format!(
            "SELECT body_id FROM deliveries ORDER BY delivery_id LIMIT 1 OFFSET {i}"
        ));
        assert!(&read == body, "delivery {i} reads back as received");
    }
    server.stop();
    let verify = evarchive(&db, &["verify"]);
    assert_eq!(verify.code, Some(0), "{}{}", verify.stdout, verify.stderr);
    assert!(
        verify.stdout.contains(&format!("{} bodies", sent.len())),
        "{}",
        verify.stdout
    );
}

#[test]
fn every_sample_is_kept_smaller_and_reads_back_as_sent() {
    let server = TestServer::start();
    for kind in common::ALL_KINDS {
        let body = sample(kind);
        let reply = server.post_kind(kind, &body);
        assert_eq!(reply.status, 200, "{kind}");
        let id = reply.json["delivery_id"].as_i64().expect("delivery id");
        let body_id = format!("SELECT body_id FROM deliveries WHERE delivery_id = {id}");
        assert!(server.body_of(&body_id) == body, "{kind}");
        let kept = server.count(&format!(
            "SELECT length(stored) FROM bodies WHERE body_id = ({body_id})"
        ));
        assert!(
            (kept as usize) < body.len(),
            "{kind}: {kept} of {}",
            body.len()
        );
    }
}

#[test]
fn an_offer_edit_is_kept_against_the_last_version_and_reads_back_exactly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let mut noise = Noise(3);
    let description = noise.words(30 * 1024);
    let offer = |version: u64| {
        edited_sample("offer_updated", |doc| {
            doc["html_description"] = json!(format!("{description} edit {version}"));
            doc["time_saved"] = json!(1_764_005_001 + version);
            doc["daily_conversion_cap"] = json!(version * 10);
        })
    };
    let server = TestServer::start_on(&db, |_| {});
    let mut sent = Vec::new();
    for version in 0..4 {
        let body = offer(version);
        let reply = server.post_kind("offer_updated", &body);
        assert_eq!(reply.status, 200, "{:?}", reply.json);
        sent.push(body);
    }
    let codecs = |server: &TestServer| {
        let conn = server.archive();
        let mut statement = conn
            .prepare(
                "SELECT b.codec, b.reference_body_id, length(b.stored) FROM deliveries AS d
                 JOIN bodies AS b USING (body_id) ORDER BY d.delivery_id",
            )
            .expect("prepare");
        statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, Option<i64>>(1)?,
                    row.get::<_, i64>(2)?,
                ))
            })
            .expect("query")
            .collect::<Result<Vec<_>, _>>()
            .expect("rows")
    };
    let kept = codecs(&server);
    let first_body = server.count("SELECT body_id FROM deliveries ORDER BY delivery_id LIMIT 1");
    assert_eq!(
        (kept[0].0, kept[0].1),
        (1, None),
        "the first version is kept alone"
    );
    for (version, (codec, reference, size)) in kept.iter().enumerate().skip(1) {
        assert_eq!(*codec, 1, "version {version} is zstd");
        assert_eq!(*reference, Some(first_body));
        assert!(
            *size * 20 < kept[0].2,
            "version {version}: {size} B against {} B",
            kept[0].2
        );
    }
    server.stop();

    // After a restart the next version starts a new base; the one after is
    // kept against it.
    let server = TestServer::start_on(&db, |_| {});
    for version in 4..6 {
        let body = offer(version);
        assert_eq!(server.post_kind("offer_updated", &body).status, 200);
        sent.push(body);
    }
    let kept = codecs(&server);
    let fifth_body =
        server.count("SELECT body_id FROM deliveries ORDER BY delivery_id LIMIT 1 OFFSET 4");
    assert_eq!(kept[4].1, None, "a new base after the restart");
    assert_eq!(kept[5].1, Some(fifth_body), "kept against the new base");
    for (i, body) in sent.iter().enumerate() {
        let read = server.body_of(&format!(
            "SELECT body_id FROM deliveries ORDER BY delivery_id LIMIT 1 OFFSET {i}"
        ));
        assert!(&read == body, "version {i} reads back as received");
    }
    server.stop();
    let dump = evarchive(&db, &["dump"]);
    let bodies: Vec<String> = dump
        .stdout
        .lines()
        .map(|line| {
            let line: serde_json::Value = serde_json::from_str(line).expect("json");
            line["body"].as_str().expect("body").to_owned()
        })
        .collect();
    assert_eq!(bodies.len(), sent.len());
    assert!(
        bodies
            .iter()
            .zip(&sent)
            .all(|(dumped, sent)| dumped.as_bytes() == sent)
    );
    let verify = evarchive(&db, &["verify"]);
    assert_eq!(verify.code, Some(0), "{}{}", verify.stdout, verify.stderr);
}
