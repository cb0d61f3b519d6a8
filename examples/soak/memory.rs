//! Memory under hostile uploads, with `serve` limited to 3 GiB of address
//! space: many large bodies at once, and many uploads that announce 10 MiB,
//! send 64 KiB and stall. Prints peak and settled RSS, and whether it lived.

use std::io::Write;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::args::Options;
use crate::serving::{Serving, TOKEN, agent, post, proc_kib, scratch};

const ADDRESS_SPACE_LIMIT: &str = "--as=3221225472";

pub fn run(options: &Options) -> Result<(), String> {
    let uploads = options.number("uploads", 50);
    let stalled = options.number("stalled", 1500);
    let dir = scratch("memory")?;
    let db = dir.join("archive.db");
    let prefix = ["prlimit", ADDRESS_SPACE_LIMIT, "--nofile=8192"];
    let mut serving = Serving::start(
        &prefix,
        &db,
        &["--body-timeout", "10", "--disk-reserve", "1"],
    )?;
    let pid = serving.pid();
    settle();
    let idle = proc_kib(pid, "VmRSS").unwrap_or(0);

    // Large bodies at once: distinct 9 MiB offers.
    let sampler = Sampler::start(pid);
    let url = serving.url(&format!("/webhooks/offer_updated?token={TOKEN}"));
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..uploads)
            .map(|n| {
                let url = url.clone();
                scope.spawn(move || post(&agent(), &url, &large_offer(n)))
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap_or(0)).collect()
    });
    let (large_peak, _) = sampler.stop();
    settle();
    let after_large = proc_kib(pid, "VmRSS").unwrap_or(0);
    // Long enough for freed memory to go back to the system.
    std::thread::sleep(Duration::from_secs(15));
    let later = proc_kib(pid, "VmRSS").unwrap_or(0);
    let accepted = statuses.iter().filter(|s| **s == 200).count();
    let busy = statuses.iter().filter(|s| **s == 503).count();

    // Announced but never sent.
    let sampler = Sampler::start(pid);
    let mut held = Vec::new();
    let mut refused = 0;
    for _ in 0..stalled {
        match stall(&serving.addr) {
            Ok(stream) => held.push(stream),
            Err(_) => refused += 1,
        }
    }
    std::thread::sleep(Duration::from_secs(3));
    let (stalled_peak, vm_peak) = sampler.stop();
    // The body timeout (10 s here) closes them.
    std::thread::sleep(Duration::from_secs(10));
    drop(held);
    settle();
    let after_stalled = proc_kib(pid, "VmRSS").unwrap_or(0);
    let alive = serving
        .child
        .try_wait()
        .map_err(|e| e.to_string())?
        .is_none();
    let healthy = agent()
        .get(&serving.url("/healthz"))
        .call()
        .is_ok_and(|r| r.status() == 200);
    let high_water = proc_kib(pid, "VmHWM").unwrap_or(0);
    serving.stop();
    let _ = std::fs::remove_dir_all(&dir);

    let mib = |kib: u64| kib as f64 / 1024.0;
    println!(
        "memory: idle RSS {:.1} MiB; {uploads} concurrent 9 MiB uploads: {accepted} stored, {busy} told to retry (503), peak RSS {:.1} MiB, {:.1} MiB 2 s after, {:.1} MiB 17 s after",
        mib(idle),
        mib(large_peak),
        mib(after_large),
        mib(later)
    );
    println!(
        "memory: {stalled} uploads announcing 10 MiB, sending 64 KiB and stalling ({refused} could not connect): peak RSS {:.1} MiB, peak VmSize {:.1} MiB, {:.1} MiB after the body timeout; high-water RSS {:.1} MiB; under a 3 GiB address-space limit the process {}, /healthz {}",
        mib(stalled_peak),
        mib(vm_peak),
        mib(after_stalled),
        mib(high_water),
        if alive { "lived" } else { "DIED" },
        if healthy { "200" } else { "NOT 200" }
    );
    if !alive || !healthy {
        return Err("serve did not survive".to_owned());
    }
    Ok(())
}

fn settle() {
    std::thread::sleep(Duration::from_secs(2));
}

fn large_offer(n: u64) -> Vec<u8> {
    let sample = include_str!("../samples/offer_updated.json");
    let mut doc: serde_json::Value = serde_json::from_str(sample).unwrap_or_default();
    doc["time_saved"] = serde_json::json!(1_764_005_001 + n);
    doc["html_description"] = serde_json::json!("x".repeat(9 * 1024 * 1024));
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// Opens an upload that announces 10 MiB and sends 64 KiB of it.
fn stall(addr: &str) -> std::io::Result<TcpStream> {
    let mut stream = TcpStream::connect(addr)?;
    let head = format!(
        "POST /webhooks/offer_updated?token={TOKEN} HTTP/1.1\r\nHost: soak\r\nContent-Length: {}\r\n\r\n",
        10 * 1024 * 1024
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&vec![b' '; 64 * 1024])?;
    Ok(stream)
}

/// Samples RSS and VmSize every 50 ms; keeps the peaks.
struct Sampler {
    stop: Arc<AtomicBool>,
    rss: Arc<AtomicU64>,
    vm: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl Sampler {
    fn start(pid: u32) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let (rss, vm) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
        let (s, r, v) = (Arc::clone(&stop), Arc::clone(&rss), Arc::clone(&vm));
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            while !s.load(Ordering::Relaxed) && started.elapsed() < Duration::from_secs(600) {
                if let Some(kib) = proc_kib(pid, "VmRSS") {
                    r.fetch_max(kib, Ordering::Relaxed);
                }
                if let Some(kib) = proc_kib(pid, "VmSize") {
                    v.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        Sampler {
            stop,
            rss,
            vm,
            thread,
        }
    }

    fn stop(self) -> (u64, u64) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        (
            self.rss.load(Ordering::Relaxed),
            self.vm.load(Ordering::Relaxed),
        )
    }
}
