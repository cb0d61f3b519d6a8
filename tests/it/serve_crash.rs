//! kill -9 while deliveries pour in: after each crash the archive opens, and
//! every delivery that was answered 200 is there exactly once, with its raw
//! bytes intact. A few rounds here; examples/soak runs hundreds.

use crate::common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::TOKEN;
use common::serving::ServeProcess;
use rusqlite::{Connection, OpenFlags};
use serde_json::json;
use sha2::{Digest, Sha256};

const ROUNDS: u64 = 4;
const CLIENTS: u64 = 4;

/// Posts distinct conversions until told to stop or the server goes away;
/// records the bodies answered 200.
fn client(
    url: String,
    first_id: u64,
    stop: Arc<AtomicBool>,
    acknowledged: Arc<Mutex<BTreeMap<u64, Vec<u8>>>>,
) {
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(5))
        .build();
    let mut id = first_id;
    while !stop.load(Ordering::Relaxed) {
        let body = common::edited_sample("conversion_registered", |doc| {
            doc["conversion_id"] = json!(id);
            doc["sub1"] = json!(format!("round-robin-{id}"));
        });
        match agent.post(&url).send_bytes(&body) {
            Ok(response) if response.status() == 200 => {
                acknowledged.lock().expect("lock").insert(id, body);
            }
            // The server died under us: this one was never acknowledged.
            _ => return,
        }
        id += CLIENTS;
    }
}

#[test]
fn every_delivery_answered_200_survives_kill_9() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let acknowledged = Arc::new(Mutex::new(BTreeMap::new()));
    for round in 0..ROUNDS {
        let serve = ServeProcess::start(&db, &[]);
        let url = serve.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|client_number| {
                let first = 1_000_000 * (round + 1) + client_number;
                let (url, stop, acknowledged) =
                    (url.clone(), Arc::clone(&stop), Arc::clone(&acknowledged));
                std::thread::spawn(move || client(url, first, stop, acknowledged))
            })
            .collect();
        // Somewhere inside a second of steady writes.
        std::thread::sleep(Duration::from_millis(300 + 150 * round));
        serve.signal("KILL");
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            client.join().expect("client");
        }
        drop(serve);
    }

    // Open through serve once more (recovery), then read the file.
    let serve = ServeProcess::start(&db, &[]);
    drop(serve);
    let archive = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let check: String = archive
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("check");
    assert_eq!(check, "ok");
    let acknowledged = acknowledged.lock().expect("lock");
    assert!(
        acknowledged.len() > 100,
        "only {} acknowledged",
        acknowledged.len()
    );
    let mut stored = archive
        .prepare(
            "SELECT b.body_id, b.sha256, count(*) OVER (PARTITION BY v.resource_id)
             FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
             WHERE v.resource_type = 'conversion' AND v.resource_id = ?1",
        )
        .expect("sql");
    for (id, body) in acknowledged.iter() {
        let (body_id, sha, copies): (i64, Vec<u8>, i64) = stored
            .query_row([id.to_string()], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .unwrap_or_else(|e| panic!("acknowledged {id} missing: {e}"));
        let raw = common::body_as_received(&db, body_id);
        assert_eq!(copies, 1, "{id} stored once");
        assert_eq!(&raw, body, "{id}: raw bytes intact");
        assert_eq!(sha, Sha256::digest(body).to_vec(), "{id}: sha256");
    }
    let deliveries: i64 = archive
        .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
        .expect("count");
    assert!(
        deliveries as usize >= acknowledged.len(),
        "{deliveries} deliveries for {} acknowledged",
        acknowledged.len()
    );
    eprintln!(
        "{ROUNDS} kill -9 rounds: {} acknowledged, all present once, {deliveries} deliveries stored",
        acknowledged.len()
    );
}
