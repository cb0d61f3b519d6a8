//! What noting the newest acknowledged delivery beside the archive costs
//! (`.NAME.acknowledged`: written aside, synced, renamed, directory synced).
//! serve does it at most once a second, on the checkpointer's thread, never
//! on the writer's: this is the whole of its price.

use std::time::Instant;

use evarchive::store::acknowledged::Acknowledged;
use evarchive::store::open::{OpenMode, open_archive, prove_writable};

use crate::args::Options;
use crate::stats::median;

pub fn run(options: &Options) -> Result<(), String> {
    let dir = options.text("dir", ".");
    let count = options.number("count", 500) as usize;
    let scratch = tempfile::tempdir_in(&dir).map_err(|e| format!("{dir}: {e}"))?;
    let db = scratch.path().join("archive.db");
    let (conn, _) = open_archive(&db, OpenMode::Serve).map_err(|e| e.to_string())?;
    let id = prove_writable(&conn, &db).map_err(|e| e.to_string())?;
    let (note, _) = Acknowledged::open(&db, &conn, &id).map_err(|e| e.to_string())?;
    let mut micros = Vec::with_capacity(count);
    for i in 1..=count as i64 {
        note.record(i, i);
        let started = Instant::now();
        note.persist_now();
        micros.push(started.elapsed().as_secs_f64() * 1e6);
    }
    micros.sort_by(f64::total_cmp);
    let p99 = micros[(micros.len() * 99 / 100).min(micros.len() - 1)];
    println!(
        "acknowledged note (write, fsync, rename, directory fsync) in {dir}: median {:.0} µs, p99 {:.0} µs, max {:.0} µs over {count}; serve writes it at most once a second",
        median(&micros),
        p99,
        micros[micros.len() - 1]
    );
    Ok(())
}
