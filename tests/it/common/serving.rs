//! The real `evarchive serve` binary as a child process, for what only a
//! process can show: signals, exit codes, what it logs, kill -9.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use assert_cmd::cargo::CommandCargoExt;

use super::TOKEN;

pub struct ServeProcess {
    pub child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// Everything it wrote on stderr so far.
    pub stderr: Arc<Mutex<String>>,
}

impl ServeProcess {
    /// `evarchive --db DB serve --listen 127.0.0.1:0 --token TOKEN EXTRA…`,
    /// once it listens.
    pub fn start(db: &Path, extra: &[&str]) -> ServeProcess {
        ServeProcess::start_with_env(db, extra, &[])
    }

    /// The same with `env` set (e.g. `EVARCHIVE_LOG`).
    pub fn start_with_env(db: &Path, extra: &[&str], env: &[(&str, &str)]) -> ServeProcess {
        let mut args = vec!["--token", TOKEN];
        args.extend_from_slice(extra);
        ServeProcess::start_as(db, &args, env)
    }

    /// `evarchive --db DB serve --listen 127.0.0.1:0 ARGS…`, with no token
    /// of the test's unless ARGS give one (the archive's otherwise).
    pub fn start_as(db: &Path, args: &[&str], env: &[(&str, &str)]) -> ServeProcess {
        let mut child = Command::cargo_bin("evarchive")
            .expect("binary")
            .arg("--db")
            .arg(db)
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("EVARCHIVE_TOKEN")
            .env_remove("EVARCHIVE_TOKEN_FILE")
            // A small disk reserve unless the test says otherwise: tests run
            // many servers at once.
            .env("EVARCHIVE_DISK_RESERVE", "1")
            .env_remove("EVARCHIVE_LISTEN")
            .env("EVARCHIVE_LOG", "info")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("serve starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut addr = None;
        for line in lines.by_ref() {
            let line = line.expect("a line");
            stderr.lock().expect("lock").push_str(&format!("{line}\n"));
            // A text line, or the message of a JSON one (--log-format json).
            let said = if line.starts_with('{') {
                serde_json::from_str::<serde_json::Value>(&line)
                    .ok()
                    .and_then(|record| record["message"].as_str().map(str::to_owned))
            } else {
                line.strip_prefix("evarchive: ").map(str::to_owned)
            };
            if let Some(rest) = said
                .as_deref()
                .and_then(|s| s.strip_prefix("listening on http://"))
            {
                addr = Some(rest.to_owned());
                break;
            }
        }
        let addr =
            addr.unwrap_or_else(|| panic!("never listened: {}", stderr.lock().expect("lock")));
        let collected = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                collected
                    .lock()
                    .expect("lock")
                    .push_str(&format!("{line}\n"));
            }
        });
        ServeProcess {
            child,
            addr,
            stderr,
        }
    }

    /// Sends a signal by name (`INT`, `TERM`, `KILL`) with kill(1).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{name}");
    }

    /// Waits for the process to end; its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        self.child.wait().expect("wait").code()
    }

    pub fn logged(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A raw connection, for uploads sent in pieces.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        stream
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `evarchive --db DB serve --listen 127.0.0.1:0 --token TOKEN EXTRA…`,
/// expected to refuse to start: its exit code and stderr (killed after 10 s
/// if it starts after all).
pub fn serve_refusing(db: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(db)
        .args(["serve", "--listen", "127.0.0.1:0", "--token", TOKEN])
        .args(extra)
        .env("EVARCHIVE_DISK_RESERVE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runs");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().expect("output");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Starts a POST of `body` to `/webhooks/{kind}` and sends all but its last
/// `held_back` bytes.
pub fn start_upload(stream: &mut TcpStream, kind: &str, body: &[u8], held_back: usize) {
    let head = format!(
        "POST /webhooks/{kind}?token={TOKEN} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("head");
    stream
        .write_all(&body[..body.len() - held_back])
        .expect("first part");
    stream.flush().expect("flush");
}

/// The status code and the whole response text.
pub fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut text = String::new();
    stream.read_to_string(&mut text).expect("response");
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (status, text)
}
