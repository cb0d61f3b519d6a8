//! The harness every server test uses: the real server on port 0 with its own
//! fresh archive file, and a blocking HTTP client. Each test is a few lines.
#![allow(dead_code)]

pub mod cli;
pub mod deploy;
pub mod fake_everflow;
pub mod fixture;
pub mod history;
pub mod places;
pub mod serving;
pub mod terminal;

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use evarchive::config::ServeConfig;
use evarchive::server;
use rusqlite::{Connection, OpenFlags};
use tempfile::TempDir;

pub const TOKEN: &str = "test-token-0123456789abcdef";

pub struct TestServer {
    pub base_url: String,
    pub db: PathBuf,
    // Kept alive so the archive outlives the server (restart tests reuse it).
    _dir: Option<TempDir>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    pub fn start() -> TestServer {
        TestServer::start_with(|_| {})
    }

    /// Starts on a fresh archive with `configure` applied to the defaults.
    pub fn start_with(configure: impl FnOnce(&mut ServeConfig)) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("archive.db");
        let mut server = TestServer::start_on(&db, configure);
        server._dir = Some(dir);
        server
    }

    /// Starts a server on an archive that the caller keeps (for restarts).
    pub fn start_on(db: &Path, configure: impl FnOnce(&mut ServeConfig)) -> TestServer {
        let mut config = ServeConfig::new(
            db.to_owned(),
            "127.0.0.1:0".parse().expect("address"),
            Some(TOKEN.to_owned()),
        );
        // A small disk reserve: tests run many servers at once.
        config.disk_reserve = 1024 * 1024;
        configure(&mut config);
        let (started, ready) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let (running, startup) = server::start(&config).expect("server starts");
                started
                    .send((running.handle(), startup.local_addr))
                    .expect("test alive");
                running.run().await.expect("server runs");
            });
        });
        let (handle, addr) = ready.recv().expect("server started");
        TestServer {
            base_url: format!("http://{addr}"),
            db: db.to_owned(),
            _dir: None,
            handle,
            thread: Some(thread),
        }
    }

    /// Stops gracefully: in-flight deliveries commit, the writer drains.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        if let Some(thread) = self.thread.take() {
            actix_web::rt::System::new().block_on(self.handle.stop(true));
            thread.join().expect("server thread ends cleanly");
        }
    }

    /// Stops the server, then hands its archive to `use_archive` (the
    /// archive's directory lives until it returns).
    pub fn stop_keeping_archive(mut self, use_archive: impl FnOnce(&Path)) {
        self.shutdown();
        use_archive(&self.db);
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// POSTs `body` to `path` with the token in the query string.
    pub fn post(&self, path: &str, body: &[u8]) -> Reply {
        let sep = if path.contains('?') { '&' } else { '?' };
        send(
            ureq::post(&self.url(&format!("{path}{sep}token={TOKEN}"))),
            body,
        )
    }

    pub fn post_kind(&self, kind: &str, body: &[u8]) -> Reply {
        self.post(&format!("/webhooks/{kind}"), body)
    }

    /// Read-only access to the real archive file.
    pub fn archive(&self) -> Connection {
        Connection::open_with_flags(&self.db, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("archive opens")
    }

    /// Body `body_id` as received, read back the way evarchive reads it
    /// (bodies are kept compressed).
    pub fn body(&self, body_id: i64) -> Vec<u8> {
        body_as_received(&self.db, body_id)
    }

    /// The body of the first row `sql` returns (a `body_id`), as received.
    pub fn body_of(&self, sql: &str) -> Vec<u8> {
        self.body(self.count(sql))
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.archive()
            .query_row(sql, [], |row| row.get(0))
            .expect("count query")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// Status and JSON body of a response.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub json: serde_json::Value,
    pub retry_after: Option<String>,
}

pub fn send(request: ureq::Request, body: &[u8]) -> Reply {
    let response = match request.send_bytes(body) {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(e) => panic!("transport error: {e}"),
    };
    reply_of(response)
}

pub fn reply_of(response: ureq::Response) -> Reply {
    let status = response.status();
    let retry_after = response.header("retry-after").map(str::to_owned);
    let text = response.into_string().expect("body");
    let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
    Reply {
        status,
        json,
        retry_after,
    }
}

/// Body `body_id` of the archive at `db`, as received.
pub fn body_as_received(db: &Path, body_id: i64) -> Vec<u8> {
    let conn = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let dictionaries = evarchive::store::bodies::Dictionaries::load(&conn).expect("dictionaries");
    evarchive::store::read::body(&conn, &dictionaries, body_id)
        .expect("readable")
        .unwrap_or_else(|| panic!("no body {body_id}"))
}

pub fn samples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/samples")
}

pub fn sample(kind: &str) -> Vec<u8> {
    let path = samples_dir().join(format!("{kind}.json"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The sample with `edit` applied to its JSON (re-serialised, so not byte-equal).
pub fn edited_sample(kind: &str, edit: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut doc: serde_json::Value = serde_json::from_slice(&sample(kind)).expect("sample json");
    edit(&mut doc);
    serde_json::to_vec(&doc).expect("serialise")
}

pub const ALL_KINDS: [&str; 13] = [
    "offer_created",
    "offer_updated",
    "advertiser_created",
    "advertiser_updated",
    "advertiser_signed_up",
    "affiliate_created",
    "affiliate_updated",
    "affiliate_signed_up",
    "affiliate_signup_verdict",
    "affiliate_approved_for_offer",
    "conversion_registered",
    "event_registered",
    "traffic_optimized",
];

/// Whether `tool` runs (`tool VERSION_FLAG`); if not, says the test is
/// skipped and why. Under CI (CI=true), which installs every tool the tests
/// use (.ci/run), a missing one fails the test instead: a green run must
/// not hide a skipped check.
pub fn tool_present(tool: &str, version_flag: &str, skipped: &str) -> bool {
    let present = std::process::Command::new(tool)
        .arg(version_flag)
        .output()
        .is_ok();
    if !present {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{tool} is not installed, which .ci/run installs; {skipped}"
        );
        eprintln!("SKIPPED: {tool} is not installed; {skipped}");
    }
    present
}
