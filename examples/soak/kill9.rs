//! kill -9 at random moments under load, hundreds of times; then every
//! delivery answered 200 must be in the archive exactly once, byte for byte.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::acknowledged::{self, Acknowledged, count};
use crate::args::Options;
use crate::serving::{Random, Serving, TOKEN, agent, conversion, post, scratch};

pub fn run(options: &Options) -> Result<(), String> {
    let rounds = options.number("rounds", 200);
    let clients = options.number("clients", 4);
    let dir = scratch("kill9")?;
    let db = dir.join("archive.db");
    let acknowledged: Acknowledged = Arc::default();
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
    let verdict = acknowledged::check(&db, &acknowledged)?;
    println!(
        "kill9: {rounds} kill -9 points in {:.0} s, {} deliveries acknowledged: {}",
        started.elapsed().as_secs_f64(),
        count(&acknowledged),
        verdict.describe()
    );
    let _ = std::fs::remove_dir_all(&dir);
    if !verdict.clean() {
        return Err("acknowledged deliveries were lost or damaged".to_owned());
    }
    Ok(())
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
