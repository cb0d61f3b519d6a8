//! Running the tools a benchmark drives: the release binary, wrk, and the
//! resident memory of a process.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

pub const TOKEN: &str = "bench-token-0123456789abcdef";

pub fn install_tools() -> Result<(), String> {
    let status = Command::new("sh")
        .args([
            "-c",
            "apt-get update -qq && apt-get install -y -qq wrk hyperfine sqlite3 time",
        ])
        .status()
        .map_err(|e| e.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| "apt-get failed".to_owned())
}

/// `target/release/evarchive`, or the build `EVARCHIVE_BENCH_BINARY` names
/// (e.g. an older release's, for a before-and-after figure).
pub fn release_binary() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("EVARCHIVE_BENCH_BINARY") {
        return Ok(path.into());
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/evarchive");
    path.exists()
        .then_some(path)
        .ok_or_else(|| "build the release binary first: cargo build --release".to_owned())
}

/// `evarchive serve` on a fresh archive in `dir`, port `port`.
pub struct Served {
    child: Child,
    pub pid: u32,
    pub url: String,
}

impl Served {
    /// With `BENCH_SERVE_LOG=info` in the environment, serve logs at that
    /// level into `serve.log` in `dir` (the line per request included, as a
    /// service under journald would), else only its warnings, to nowhere.
    pub fn start(dir: &Path, port: u16) -> Result<Served, String> {
        let (level, log) = match std::env::var("BENCH_SERVE_LOG") {
            Ok(level) => (
                level,
                Stdio::from(
                    std::fs::File::create(dir.join("serve.log")).map_err(|e| e.to_string())?,
                ),
            ),
            Err(_) => ("warn".to_owned(), Stdio::null()),
        };
        let child = Command::new(release_binary()?)
            .arg("--db")
            .arg(dir.join("archive.db"))
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--token",
                TOKEN,
            ])
            .env("EVARCHIVE_LOG", level)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start serve: {e}"))?;
        let pid = child.id();
        let url = format!("http://127.0.0.1:{port}");
        wait_for_port(port)?;
        Ok(Served { child, pid, url })
    }

    /// SIGTERM and wait: the graceful path, as a service manager would.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid.to_string()])
            .status();
        let _ = self.child.wait();
    }
}

pub fn wait_for_port(port: u16) -> Result<(), String> {
    for _ in 0..10_000 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Err(format!("nothing listens on port {port}"))
}

/// Resident memory of `pid` in KiB, from /proc.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// Samples a value every 100 ms until stopped; keeps the peak.
pub struct PeakSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl PeakSampler {
    pub fn start(sample: impl Fn() -> Option<u64> + Send + 'static) -> PeakSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (s, p) = (Arc::clone(&stop), Arc::clone(&peak));
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if let Some(value) = sample() {
                    p.fetch_max(value, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        PeakSampler { stop, peak, thread }
    }

    /// A process's resident memory, in KiB.
    pub fn rss(pid: u32) -> PeakSampler {
        PeakSampler::start(move || rss_kib(pid))
    }

    /// A file's size, in bytes.
    pub fn file_size(path: PathBuf) -> PeakSampler {
        PeakSampler::start(move || std::fs::metadata(&path).ok().map(|m| m.len()))
    }

    pub fn peak(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}

/// What one wrk run measured (printed by examples/bench/traffic.lua's done()).
#[derive(Debug, Clone, Copy)]
pub struct WrkResult {
    pub requests: f64,
    pub seconds: f64,
    pub errors: f64,
    pub non_200: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
}

impl WrkResult {
    pub fn accepted_per_second(&self) -> f64 {
        (self.requests - self.non_200) / self.seconds
    }
}

pub fn wrk(url: &str, connections: u64, seconds: u64, mix: &str) -> Result<WrkResult, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("wrk")
        .args([
            "-t",
            &connections.min(2).to_string(),
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(manifest.join("examples/bench/traffic.lua"))
        .arg(url)
        .env("EVARCHIVE_TOKEN", TOKEN)
        .env("SAMPLES_DIR", manifest.join("examples/samples"))
        .env("MIX", mix)
        .env("RUN_ID", next_run_id().to_string())
        .output()
        .map_err(|e| format!("cannot run wrk ({e}); run `bench setup`"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("BENCH_JSON "))
        .ok_or_else(|| format!("wrk printed no result: {stdout}"))?;
    let json: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let number = |key: &str| json[key].as_f64().unwrap_or(f64::NAN);
    Ok(WrkResult {
        requests: number("requests"),
        seconds: number("duration_us") / 1e6,
        errors: number("errors_connect")
            + number("errors_read")
            + number("errors_write")
            + number("errors_timeout"),
        non_200: number("errors_status"),
        p50_ms: number("p50_us") / 1e3,
        p99_ms: number("p99_us") / 1e3,
        p999_ms: number("p999_us") / 1e3,
    })
}

/// A fresh scratch directory for one measurement.
pub fn scratch_dir(name: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("evarchive-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// CPU seconds (user + system) `pid` has used so far, from /proc/PID/stat.
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on Linux whatever the kernel's HZ.
    Some(ticks / 100.0)
}

/// Distinct per wrk run, so no two runs send the same ids.
fn next_run_id() -> u64 {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    u64::from(std::process::id() % 1000) * 10 + RUNS.fetch_add(1, Ordering::Relaxed)
}
