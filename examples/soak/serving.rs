//! The release `evarchive serve` as a child process, and what the soak runs
//! share: posting, reading the archive back, resident memory.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const TOKEN: &str = "soak-token-0123456789abcdef";

pub fn release_binary() -> Result<PathBuf, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/evarchive");
    path.exists()
        .then_some(path)
        .ok_or_else(|| "build the release binary first: cargo build --release".to_owned())
}

pub struct Serving {
    pub child: Child,
    pub addr: String,
    pub log: Arc<Mutex<String>>,
}

impl Serving {
    /// `[prefix…] evarchive --db DB serve --listen 127.0.0.1:0 --token … extra…`
    pub fn start(prefix: &[&str], db: &Path, extra: &[&str]) -> Result<Serving, String> {
        Serving::start_with_env(prefix, db, extra, &[])
    }

    /// The same with `env` set for the server.
    pub fn start_with_env(
        prefix: &[&str],
        db: &Path,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Serving, String> {
        let binary = release_binary()?;
        let mut command = match prefix.split_first() {
            Some((program, rest)) => {
                let mut command = Command::new(program);
                command.args(rest).arg(&binary);
                command
            }
            None => Command::new(&binary),
        };
        let mut child = command
            .arg("--db")
            .arg(db)
            .args(["serve", "--listen", "127.0.0.1:0", "--token", TOKEN])
            .args(extra)
            .env("EVARCHIVE_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start serve: {e}"))?;
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let log = Arc::new(Mutex::new(String::new()));
        let mut addr = None;
        for line in lines.by_ref() {
            let line = line.map_err(|e| e.to_string())?;
            if let Ok(mut log) = log.lock() {
                log.push_str(&line);
                log.push('\n');
            }
            if let Some(rest) = line.strip_prefix("evarchive: listening on http://") {
                addr = Some(rest.to_owned());
                break;
            }
        }
        let addr = addr.ok_or_else(|| format!("serve did not start: {}", text(&log)))?;
        let collected = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                if let Ok(mut log) = collected.lock() {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
        Ok(Serving { child, addr, log })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM and wait.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    pub fn log(&self) -> String {
        text(&self.log)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn text(log: &Arc<Mutex<String>>) -> String {
    log.lock().map(|log| log.clone()).unwrap_or_default()
}

/// A conversion body with its own id.
pub fn conversion(id: u64) -> Vec<u8> {
    let sample = include_str!("../samples/conversion_registered.json");
    let mut doc: serde_json::Value = serde_json::from_str(sample).unwrap_or_default();
    doc["conversion_id"] = serde_json::json!(id);
    doc["sub1"] = serde_json::json!(format!("soak-{id}"));
    serde_json::to_vec(&doc).unwrap_or_default()
}

/// Posts `body`; the status, or 0 when the server could not be reached.
pub fn post(agent: &ureq::Agent, url: &str, body: &[u8]) -> u16 {
    match agent.post(url).send_bytes(body) {
        Ok(response) => response.status(),
        Err(ureq::Error::Status(status, _)) => status,
        Err(_) => 0,
    }
}

pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(30))
        .build()
}

/// A number from /proc/PID/status (`VmRSS`, `VmSize`, `VmHWM`), in KiB.
pub fn proc_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// A fresh directory under the system's temporary one.
pub fn scratch(name: &str) -> Result<PathBuf, String> {
    let dir = std::env::temp_dir().join(format!("evarchive-soak-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    Ok(dir)
}

/// A small pseudo-random sequence (xorshift), seeded by the clock: the
/// moments a run kills the server at are different every run.
pub struct Random(u64);

impl Random {
    pub fn new() -> Random {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
            | 1;
        Random(seed)
    }

    pub fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound.max(1)
    }
}
