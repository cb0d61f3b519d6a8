//! `prune` and `reindex` beside a running `serve` (the real binaries, a real
//! port) on archives big enough that a transaction of the old code held the
//! write lock for seconds: a client posting all the while gets 200 for every
//! delivery, and every one is kept. (The old code: serve's writer, sleeping
//! up to 100 ms between tries, rarely found the lock free between the
//! back-to-back transactions, gave up after 5 s and answered 503: to 4 of
//! 338 deliveries beside a prune of 30,000 conversions on a loaded machine,
//! and to 1 of 20 beside this reindex; a prune of 10,000 took it 1.7 s on a
//! quieter one, too short to fail.)

use crate::common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use common::TOKEN;
use common::cli::evarchive;
use common::edited_sample;
use common::history::{OLD, conversion, count, dangling, dump_line, empty_archive, import};
use common::serving::ServeProcess;
use serde_json::json;

/// Posts new conversions to `url` until told to stop (at least 20); each
/// answer's status.
fn post_continuously(url: String, stop: Arc<AtomicBool>) -> JoinHandle<Vec<u16>> {
    std::thread::spawn(move || {
        let mut statuses = Vec::new();
        while !stop.load(Ordering::Relaxed) || statuses.len() < 20 {
            let body = conversion(&format!("new{}", statuses.len()), "pending");
            let status = match ureq::post(&url).send_bytes(&body) {
                Ok(reply) => reply.status(),
                Err(ureq::Error::Status(status, _)) => status,
                Err(e) => panic!("{e}"),
            };
            statuses.push(status);
        }
        statuses
    })
}

/// Runs `args` while a client posts; every post is answered 200 and kept.
fn every_delivery_kept_while(db: &Path, args: &[&str]) -> String {
    let versions_before = count(db, "SELECT count(*) FROM versions");
    let mut serve = ServeProcess::start(db, &[]);
    let stop = Arc::new(AtomicBool::new(false));
    let url = serve.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
    let poster = post_continuously(url, Arc::clone(&stop));
    let started = std::time::Instant::now();
    let run = evarchive(db, args);
    eprintln!("{args:?}: {:.1} s", started.elapsed().as_secs_f64());
    stop.store(true, Ordering::Relaxed);
    let statuses = poster.join().expect("poster");
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let refused: Vec<_> = statuses.iter().filter(|status| **status != 200).collect();
    assert!(
        refused.is_empty(),
        "{} of {} deliveries were not answered 200: {refused:?}\n{}",
        refused.len(),
        statuses.len(),
        serve.logged()
    );
    let sent = i64::try_from(statuses.len()).expect("a count");
    assert_eq!(
        count(
            db,
            "SELECT count(*) FROM versions WHERE resource_id LIKE 'new%'"
        ),
        sent
    );
    assert!(count(db, "SELECT count(*) FROM versions") >= sent.min(versions_before));
    assert_eq!(dangling(db), Vec::<String>::new());
    format!("{}{}", run.stdout, run.stderr)
}

#[test]
fn prune_of_many_old_conversions_never_stalls_ingest() {
    let (_dir, db) = empty_archive();
    let old: Vec<String> = (1..=10_000)
        .map(|id| {
            dump_line(
                "conversion_registered",
                OLD,
                &conversion(&id.to_string(), "approved"),
            )
        })
        .collect();
    let started = std::time::Instant::now();
    import(&db, &old);
    eprintln!("import: {:.1} s", started.elapsed().as_secs_f64());
    let said = every_delivery_kept_while(&db, &["prune", "--older-than", "90d"]);
    assert!(said.contains("10000 versions"), "{said}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM versions WHERE resource_id NOT LIKE 'new%'"
        ),
        0
    );
}

#[test]
fn reindex_of_large_offers_never_stalls_ingest() {
    let (_dir, db) = empty_archive();
    // Offers of 400 KB each, as an offer with a long description may be:
    // reading them again held the old code's one write transaction (200
    // versions) for 8 s and more.
    let offers: Vec<String> = (1..=100)
        .map(|id| {
            let body = edited_sample("offer_updated", |doc| {
                doc["network_offer_id"] = json!(id);
                doc["html_description"] = json!(format!(
                    "<p>{}</p>",
                    "Lorem ipsum dolor sit amet. ".repeat(14_000 + id as usize)
                ));
            });
            dump_line("offer_updated", OLD, &body)
        })
        .collect();
    let started = std::time::Instant::now();
    import(&db, &offers);
    eprintln!("import: {:.1} s", started.elapsed().as_secs_f64());
    // Typed rows as an older release may have left them.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute("UPDATE offers SET name = NULL", [])
        .expect("older rows");
    drop(conn);
    let said = every_delivery_kept_while(&db, &["reindex"]);
    assert!(said.contains("100 typed rows rewritten"), "{said}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM offers WHERE name IS NULL"),
        0
    );
}
