//! Maintenance beside a busy `serve`, killed at random moments: each round
//! imports a batch of old conversions and offer versions, starts `serve
//! --retain 30d` (its first run at once) under load, runs `evarchive prune`
//! and `evarchive reindex` beside it, then kills serve — and whichever
//! maintenance command is running — with SIGKILL. At the end every
//! delivery answered 200 must be in the archive once, byte for byte, the
//! file whole with no dangling reference and `verify` clean — checked every
//! tenth round and at the end — and the old batches pruned.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::acknowledged::{self, Acknowledged};
use crate::args::Options;
use crate::serving::{Random, Serving, TOKEN, agent, conversion, post, release_binary, scratch};

/// Conversion ids of the old batches start here (the live ones are below).
const OLD_IDS: u64 = 5_000_000_000;
const OLD_PER_ROUND: u64 = 400;

pub fn run(options: &Options) -> Result<(), String> {
    let rounds = options.number("rounds", 60);
    let clients = options.number("clients", 4);
    let dir = scratch("maintenance")?;
    let db = dir.join("archive.db");
    Serving::start(&[], &db, &["--disk-reserve", "1"])?.stop();
    let acknowledged: Acknowledged = Arc::default();
    let refused_while_up = Arc::new(AtomicU64::new(0));
    let mut maintenance = Tally::default();
    let mut random = Random::new();
    let mut checks = 0;
    let started = Instant::now();
    for round in 0..rounds {
        import_old_batch(&db, round, &dir)?;
        let serving = Serving::start_with_env(
            &[],
            &db,
            &["--disk-reserve", "1", "--retain", "30d"],
            &[("EVARCHIVE_RETAIN_FIRST_RUN_AFTER", "0")],
        )?;
        let url = serving.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..clients)
            .map(|client| {
                let first = (round + 1) * 10_000_000 + client;
                let load = Load {
                    url: url.clone(),
                    stop: Arc::clone(&stop),
                    acknowledged: Arc::clone(&acknowledged),
                    refused_while_up: Arc::clone(&refused_while_up),
                };
                std::thread::spawn(move || load.run(first, clients))
            })
            .collect();
        let running: Arc<Mutex<Option<Child>>> = Arc::default();
        let commands = {
            let (db, stop, running) = (db.clone(), Arc::clone(&stop), Arc::clone(&running));
            std::thread::spawn(move || run_maintenance(&db, &stop, &running))
        };
        std::thread::sleep(Duration::from_millis(200 + random.below(2800)));
        let mut serving = serving;
        let _ = serving.child.kill();
        let _ = serving.child.wait();
        if let Ok(mut running) = running.lock()
            && let Some(child) = running.as_mut()
        {
            let _ = child.kill();
            maintenance.killed += 1;
        }
        stop.store(true, Ordering::Relaxed);
        for client in clients {
            let _ = client.join();
        }
        if let Ok(finished) = commands.join() {
            maintenance.add(&finished);
        }
        maintenance.retention_runs += serving.log().matches("retention: pruned").count() as u64;
        // Every tenth round, with serve down: nothing acknowledged lost, no
        // dangling reference, verify clean.
        if (round + 1) % 10 == 0 {
            let verdict = acknowledged::check(&db, &acknowledged)?;
            eprintln!(
                "soak: {} rounds, {} acknowledged, {} maintenance commands finished; {}",
                round + 1,
                acknowledged::count(&acknowledged),
                maintenance.finished,
                verdict.describe()
            );
            checks += 1;
            if !verdict.clean() {
                return Err(format!(
                    "after round {}: {}; archive kept at {}",
                    round + 1,
                    verdict.describe(),
                    db.display()
                ));
            }
        }
    }
    Serving::start(&[], &db, &["--disk-reserve", "1"])?.stop();
    // The last batch may have arrived after the last run: prune once more,
    // as the operator's next daily run would.
    let last = maintenance_command(&db, &["prune", "--older-than", "30d"])?
        .wait()
        .map_err(|e| e.to_string())?;
    let verdict = acknowledged::check(&db, &acknowledged)?;
    let old_left = old_conversions_left(&db)?;
    println!(
        "maintenance: {rounds} rounds in {:.0} s, {} deliveries acknowledged, {} refused while serve was up; \
         prune/reindex finished {} times, killed {} times, retention ran {} times; \
         old conversions left after the last prune ({last}): {old_left} of {}; \
         {checks} checks between rounds clean; at the end: {}",
        started.elapsed().as_secs_f64(),
        acknowledged::count(&acknowledged),
        refused_while_up.load(Ordering::Relaxed),
        maintenance.finished,
        maintenance.killed,
        maintenance.retention_runs,
        rounds * OLD_PER_ROUND,
        verdict.describe()
    );
    if !verdict.clean() || refused_while_up.load(Ordering::Relaxed) > 0 || old_left > 0 {
        return Err(format!(
            "maintenance cost data or deliveries; archive kept at {}",
            db.display()
        ));
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[derive(Default)]
struct Tally {
    finished: u64,
    killed: u64,
    retention_runs: u64,
}

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.finished += other.finished;
    }
}

/// Prune, then reindex, then again, until the round ends.
fn run_maintenance(
    db: &std::path::Path,
    stop: &AtomicBool,
    running: &Mutex<Option<Child>>,
) -> Tally {
    let mut tally = Tally::default();
    let commands: [&[&str]; 2] = [&["prune", "--older-than", "30d"], &["reindex"]];
    for args in commands.iter().cycle() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Ok(child) = maintenance_command(db, args) else {
            break;
        };
        if let Ok(mut slot) = running.lock() {
            *slot = Some(child);
        }
        // Poll, so the kill point can take the child out of the slot's hands.
        let status = loop {
            let polled = running
                .lock()
                .ok()
                .and_then(|mut slot| slot.as_mut().map(Child::try_wait));
            match polled {
                Some(Ok(Some(status))) => break Some(status),
                Some(Ok(None)) => std::thread::sleep(Duration::from_millis(5)),
                _ => break None,
            }
        };
        if let Ok(mut slot) = running.lock() {
            *slot = None;
        }
        if status.is_some_and(|s| s.success()) {
            tally.finished += 1;
        }
    }
    tally
}

fn maintenance_command(db: &std::path::Path, args: &[&str]) -> Result<Child, String> {
    Command::new(release_binary()?)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {args:?}: {e}"))
}

/// Old conversions (and two versions of an offer) as `dump` lines, received
/// 400 days ago, through `evarchive import`.
fn import_old_batch(db: &std::path::Path, round: u64, dir: &std::path::Path) -> Result<(), String> {
    let received = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(24 * 400))
        .map_err(|e| e.to_string())?
        .to_string();
    let line = |kind: &str, body: &[u8]| {
        serde_json::json!({
            "kind": kind,
            "kind_source": "declared",
            "received_at": received,
            "method": "POST",
            "body": String::from_utf8_lossy(body),
        })
        .to_string()
    };
    let mut lines: Vec<String> = (0..OLD_PER_ROUND)
        .map(|i| {
            line(
                "conversion_registered",
                &conversion(OLD_IDS + round * OLD_PER_ROUND + i),
            )
        })
        .collect();
    for name in ["first", "second"] {
        let offer = include_str!("../samples/offer_updated.json");
        let mut doc: serde_json::Value = serde_json::from_str(offer).map_err(|e| e.to_string())?;
        doc["network_offer_id"] = serde_json::json!(900_000 + round);
        doc["name"] = serde_json::json!(format!("old offer {round}, {name}"));
        lines.push(line("offer_updated", doc.to_string().as_bytes()));
    }
    let file = dir.join("old-batch.ndjson");
    std::fs::write(&file, lines.join("\n") + "\n").map_err(|e| e.to_string())?;
    let status = Command::new(release_binary()?)
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("import of the old batch failed: {status}"));
    }
    Ok(())
}

fn old_conversions_left(db: &std::path::Path) -> Result<i64, String> {
    let archive = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    archive
        .query_row(
            "SELECT count(*) FROM versions
             WHERE resource_type = 'conversion' AND CAST(resource_id AS INTEGER) >= ?1",
            [OLD_IDS as i64],
            |row| row.get(0),
        )
        .map_err(|e| e.to_string())
}

struct Load {
    url: String,
    stop: Arc<AtomicBool>,
    acknowledged: Acknowledged,
    refused_while_up: Arc<AtomicU64>,
}

impl Load {
    fn run(self, first: u64, step: u64) {
        let agent = agent();
        let mut id = first;
        while !self.stop.load(Ordering::Relaxed) {
            let body = conversion(id);
            match post(&agent, &self.url, &body) {
                200 => {
                    if let Ok(mut acknowledged) = self.acknowledged.lock() {
                        acknowledged.insert(id, body);
                    }
                }
                // The server was killed: this one was never acknowledged.
                0 => return,
                // An answer other than 200 from a live server: maintenance
                // cost a delivery.
                _ => {
                    self.refused_while_up.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            }
            id += step;
        }
    }
}
