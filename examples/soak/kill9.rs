//! kill -9 at random moments under load, hundreds of times; then every
//! delivery answered 200 must be in the archive exactly once, byte for byte.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};
use sha2::{Digest, Sha256};

use crate::args::Options;
use crate::serving::{Random, Serving, TOKEN, agent, conversion, post, scratch};

type Acknowledged = Arc<Mutex<BTreeMap<u64, Vec<u8>>>>;

pub fn run(options: &Options) -> Result<(), String> {
    let rounds = options.number("rounds", 200);
    let clients = options.number("clients", 4);
    let dir = scratch("kill9")?;
    let db = dir.join("archive.db");
    let acknowledged: Acknowledged = Arc::new(Mutex::new(BTreeMap::new()));
    let mut random = Random::new();
    let started = Instant::now();
    for round in 0..rounds {
        let serving = Serving::start(&[], &db, &["--disk-reserve", "1"])?;
        let url = serving.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
        let stop = Arc::new(AtomicBool::new(false));
        let threads: Vec<_> = (0..clients)
            .map(|client| {
                let first = (round + 1) * 10_000_000 + client;
                let (url, stop, acknowledged) =
                    (url.clone(), Arc::clone(&stop), Arc::clone(&acknowledged));
                std::thread::spawn(move || load(url, first, clients, stop, acknowledged))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(20 + random.below(1200)));
        let mut serving = serving;
        let _ = serving.child.kill();
        let _ = serving.child.wait();
        stop.store(true, Ordering::Relaxed);
        for thread in threads {
            let _ = thread.join();
        }
        if (round + 1) % 20 == 0 {
            eprintln!(
                "soak: {} rounds, {} acknowledged",
                round + 1,
                count(&acknowledged)
            );
        }
    }
    // One clean start and stop: recovery as the operator would see it.
    Serving::start(&[], &db, &["--disk-reserve", "1"])?.stop();
    let verdict = verify(&db, &acknowledged)?;
    println!(
        "kill9: {rounds} kill -9 points in {:.0} s, {} deliveries acknowledged: {} missing, {} stored more than once, {} with other bytes; integrity_check {}",
        started.elapsed().as_secs_f64(),
        count(&acknowledged),
        verdict.missing,
        verdict.doubled,
        verdict.altered,
        verdict.integrity
    );
    let _ = std::fs::remove_dir_all(&dir);
    if verdict.missing + verdict.doubled + verdict.altered > 0 || verdict.integrity != "ok" {
        return Err("acknowledged deliveries were lost or damaged".to_owned());
    }
    Ok(())
}

fn count(acknowledged: &Acknowledged) -> usize {
    acknowledged.lock().map_or(0, |a| a.len())
}

fn load(url: String, first: u64, step: u64, stop: Arc<AtomicBool>, acknowledged: Acknowledged) {
    let agent = agent();
    let mut id = first;
    while !stop.load(Ordering::Relaxed) {
        let body = conversion(id);
        match post(&agent, &url, &body) {
            200 => {
                if let Ok(mut acknowledged) = acknowledged.lock() {
                    acknowledged.insert(id, body);
                }
            }
            // The server died: this one was never acknowledged.
            _ => return,
        }
        id += step;
    }
}

struct Verdict {
    missing: usize,
    doubled: usize,
    altered: usize,
    integrity: String,
}

fn verify(db: &std::path::Path, acknowledged: &Acknowledged) -> Result<Verdict, String> {
    let archive = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    let integrity: String = archive
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .map_err(|e| e.to_string())?;
    let mut statement = archive
        .prepare(
            "SELECT b.raw, b.sha256 FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
             WHERE v.resource_type = 'conversion' AND v.resource_id = ?1",
        )
        .map_err(|e| e.to_string())?;
    let mut verdict = Verdict {
        missing: 0,
        doubled: 0,
        altered: 0,
        integrity,
    };
    let acknowledged = acknowledged.lock().map_err(|e| e.to_string())?;
    for (id, body) in acknowledged.iter() {
        let found: Vec<(Vec<u8>, Vec<u8>)> = statement
            .query_map([id.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(Iterator::collect)
            .map_err(|e| e.to_string())?;
        match found.as_slice() {
            [] => verdict.missing += 1,
            [(raw, sha)] => {
                if raw != body || sha.as_slice() != Sha256::digest(body).as_slice() {
                    verdict.altered += 1;
                }
            }
            _ => verdict.doubled += 1,
        }
    }
    Ok(verdict)
}
