//! How big the release binary is, and how long `serve` takes from exec to
//! accepting connections on an existing archive.

use std::time::{Duration, Instant};

use crate::args::Options;
use crate::process::{Served, release_binary, scratch_dir};
use crate::stats::{median, worst};

pub fn run(options: &Options) -> Result<(), String> {
    let runs = options.number("runs", 10);
    let binary = release_binary()?;
    let size = std::fs::metadata(&binary).map_err(|e| e.to_string())?.len();
    let dir = scratch_dir("startup")?;
    // The first start creates the archive; the ones measured open it.
    Served::start(&dir, 18199)?.stop();
    let mut millis = Vec::new();
    for run in 0..runs {
        let port = 18200 + run as u16;
        let started = Instant::now();
        let served = Served::start(&dir, port)?;
        millis.push(started.elapsed().as_secs_f64() * 1e3);
        served.stop();
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "release binary: {:.1} MB; serve start to first accepted connection: median {:.1} ms, worst {:.1} ms over {runs}",
        size as f64 / 1e6,
        median(&millis),
        worst(&millis, false)
    );
    Ok(())
}
