//! The disk's fsync latency: what one durable commit costs at the least.

use std::io::Write;
use std::time::Instant;

use crate::args::Options;
use crate::stats::median;

pub fn run(options: &Options) -> Result<(), String> {
    let dir = options.text("dir", ".");
    let count = options.number("count", 2000) as usize;
    let path = std::path::Path::new(&dir).join("bench-fsync.tmp");
    let mut file = std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let block = [0u8; 4096];
    let mut micros = Vec::with_capacity(count);
    for _ in 0..count {
        let started = Instant::now();
        file.write_all(&block).map_err(|e| e.to_string())?;
        file.sync_data().map_err(|e| e.to_string())?;
        micros.push(started.elapsed().as_secs_f64() * 1e6);
    }
    drop(file);
    let _ = std::fs::remove_file(&path);
    micros.sort_by(f64::total_cmp);
    let p99 = micros[(micros.len() * 99 / 100).min(micros.len() - 1)];
    println!(
        "fsync (4 KiB append + fdatasync) in {dir}: median {:.0} µs, p99 {:.0} µs, max {:.0} µs over {count}",
        median(&micros),
        p99,
        micros[micros.len() - 1]
    );
    Ok(())
}
