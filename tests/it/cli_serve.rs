//! The real binary: `serve` on its defaults generates a token on first start
//! and keeps it in the archive (printing it only to a terminal, so never in
//! a service's journal; `evarchive token` prints the URLs with it), keeps it
//! across restarts, and refuses a file that is not an archive without
//! touching it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use assert_cmd::cargo::CommandCargoExt;
use common::cli::evarchive;

use crate::common;

struct Serving {
    child: Child,
    addr: String,
    urls: Vec<String>,
    /// Every start-up line, up to the last URL.
    said: Vec<String>,
    /// Everything it wrote on stderr so far.
    stderr: Arc<Mutex<String>>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `evarchive serve` on port 0 and reads its start-up lines from stderr.
fn serve(db: &std::path::Path) -> Serving {
    serve_on(db, "127.0.0.1:0")
}

fn serve_on(db: &std::path::Path, listen: &str) -> Serving {
    let mut child = Command::cargo_bin("evarchive")
        .expect("binary")
        .args([
            "--db",
            db.to_str().expect("path"),
            "serve",
            "--listen",
            listen,
        ])
        .env_remove("EVARCHIVE_TOKEN")
        .env_remove("EVARCHIVE_LISTEN")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr).lines();
    let mut addr = None;
    let mut urls = Vec::new();
    let mut said = Vec::new();
    while urls.len() < 13 {
        let line = lines.next().expect("serve prints its URLs").expect("line");
        said.push(line.clone());
        if let Some(rest) = line.strip_prefix("evarchive: listening on http://") {
            addr = Some(rest.to_owned());
        }
        if let Some(url) = line.trim().strip_prefix("http://") {
            urls.push(format!("http://{url}"));
        }
    }
    // Keep reading stderr so the server never blocks on a full pipe.
    let stderr = Arc::new(Mutex::new(said.join("\n")));
    let collected = Arc::clone(&stderr);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            let mut all = collected.lock().expect("lock");
            all.push('\n');
            all.push_str(&line);
        }
    });
    Serving {
        child,
        addr: addr.expect("listening line"),
        urls,
        said,
        stderr,
    }
}

/// The archive's token, as `evarchive token` prints it.
fn archive_token(db: &std::path::Path) -> String {
    let printed = evarchive(db, &["token"]);
    assert_eq!(printed.code, Some(0), "{}", printed.stderr);
    token_of(printed.stdout.lines().next().expect("a URL")).to_owned()
}

fn token_of(url: &str) -> &str {
    url.split("?token=").nth(1).expect("token in URL")
}

#[test]
fn first_start_generates_a_token_and_keeps_it_out_of_a_non_terminal_stderr() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("fresh.db");
    let first = serve(&db);
    assert_eq!(first.urls.len(), 13);
    assert!(
        first.said.iter().any(|line| line.contains(&format!(
            "schema version {}, TLS off, max body 10.0 MiB, body timeout 30 s, disk reserve 64 MiB, stale-feed alarm off, retention off",
            evarchive::store::open::SCHEMA_VERSION
        ))),
        "{:?}",
        first.said
    );
    // stderr is a pipe here, as under a service manager, whose journal keeps
    // it: the token made now is not in it, and the way to get it is.
    assert!(
        first
            .said
            .iter()
            .any(|line| line.contains(
                "generated a webhook token and kept it in the archive; it is not printed here"
            ) && line.contains("`evarchive token` prints the URLs with it")),
        "{:?}",
        first.said
    );
    assert_eq!(
        first.urls[0],
        format!("http://{}/webhooks/offer_created", first.addr)
    );
    let token = archive_token(&db);
    assert_eq!(token.len(), 64);
    assert!(
        !first.stderr.lock().expect("lock").contains(&token),
        "the token is in stderr"
    );

    let conversion_url = format!(
        "http://{}/webhooks/conversion_registered?token={token}",
        first.addr
    );
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/samples/conversion_registered.json"
    ))
    .expect("sample");
    let response = ureq::post(&conversion_url).send_bytes(&body).expect("200");
    assert_eq!(response.status(), 200);
    assert!(!first.stderr.lock().expect("lock").contains(&token));
    drop(first);

    // The token was kept in the archive: a restart accepts it, and prints
    // the URLs without it too…
    let second = serve(&db);
    assert!(second.said.iter().all(|line| !line.contains(&token)));
    assert_eq!(
        second.urls[0],
        format!("http://{}/webhooks/offer_created", second.addr)
    );
    let url = format!(
        "http://{}/webhooks/conversion_registered?token={token}",
        second.addr
    );
    let response = ureq::post(&url).send_bytes(&body).expect("200");
    assert_eq!(response.status(), 200);
    // …and `evarchive token` prints them with it, for the address serve
    // last printed.
    let printed = evarchive(&db, &["token"]);
    assert_eq!(printed.code, Some(0), "{}", printed.stderr);
    let urls: Vec<&str> = printed.stdout.lines().collect();
    assert_eq!(urls.len(), 13);
    assert_eq!(
        urls[0],
        format!(
            "http://{}/webhooks/offer_created?token={token}",
            second.addr
        )
    );
    let elsewhere = evarchive(
        &db,
        &["token", "--public-url", "https://hooks.example.com/"],
    );
    assert!(
        elsewhere.stdout.starts_with(&format!(
            "https://hooks.example.com/webhooks/offer_created?token={token}\n"
        )),
        "{}",
        elsewhere.stdout
    );
}

#[test]
fn token_says_how_to_make_one_when_the_archive_keeps_none() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let mut child = Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(&db)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--token",
            "chosen-token-0123456789",
        ])
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    while !lines
        .next()
        .expect("start-up lines")
        .expect("line")
        .contains("/webhooks/traffic_optimized")
    {}
    child.kill().expect("kill");
    child.wait().expect("reaped");
    let run = evarchive(&db, &["token"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("token --rotate"), "{}", run.stderr);
    assert!(!run.stderr.contains("chosen-token"), "{}", run.stderr);
}

#[test]
fn a_file_that_is_not_an_archive_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("notes.db");
    std::fs::write(&path, b"these are my notes, not a database\n".repeat(200)).expect("write");
    let before = std::fs::read(&path).expect("read");
    let output = Command::cargo_bin("evarchive")
        .expect("binary")
        .args([
            "--db",
            path.to_str().expect("path"),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not an evarchive archive"), "{stderr}");
    assert_eq!(std::fs::read(&path).expect("read"), before);
    assert!(!dir.path().join("notes.db-wal").exists());
}

#[test]
fn another_applications_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("other.db");
    rusqlite::Connection::open(&path)
        .expect("create")
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .expect("fill");
    let output = Command::cargo_bin("evarchive")
        .expect("binary")
        .args([
            "--db",
            path.to_str().expect("path"),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("another application"));
}

#[test]
fn listening_everywhere_without_a_public_url_says_the_urls_need_one() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let everywhere = serve_on(&db, "0.0.0.0:0");
    let hint = everywhere
        .said
        .iter()
        .find(|line| line.contains("--public-url"))
        .unwrap_or_else(|| panic!("no hint in {:?}", everywhere.said));
    assert!(
        hint.contains("the URLs below name 0.0.0.0, which no one can connect to"),
        "{hint}"
    );
    drop(everywhere);
    let local = serve(&db);
    assert!(
        !local.said.iter().any(|line| line.contains("--public-url")),
        "{:?}",
        local.said
    );
}

#[test]
fn bad_serve_flags_exit_2_with_the_accepted_form() {
    let cases: [(&[&str], &str); 5] = [
        (&["serve", "--listen", "banana"], "ADDRESS:PORT"),
        (&["serve", "--token", "short"], "at least 16 characters"),
        (&["serve", "--max-body", "0"], "--max-body"),
        (
            &["serve", "--public-url", "hooks.example.com"],
            "invalid --public-url: 'hooks.example.com' is not an http:// or https:// URL",
        ),
        (&["serve", "--public-url", "https://"], "--public-url"),
    ];
    for (args, expected) in cases {
        let output = Command::cargo_bin("evarchive")
            .expect("binary")
            .args(["--db", "/nonexistent/dir/x.db"])
            .args(args)
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
}

#[test]
fn an_archive_from_a_newer_release_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("future.db");
    drop(serve(&db));
    rusqlite::Connection::open(&db)
        .expect("open")
        .execute_batch("PRAGMA user_version = 99;")
        .expect("bump version");
    let before = std::fs::read(&db).expect("read");
    let output = Command::cargo_bin("evarchive")
        .expect("binary")
        .args([
            "--db",
            db.to_str().expect("path"),
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("schema version 99, newer than"), "{stderr}");
    assert_eq!(std::fs::read(&db).expect("read"), before);
}

#[test]
fn sigterm_stops_serve_cleanly_with_everything_committed() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let mut serving = serve(&db);
    let body = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/samples/offer_created.json"
    ))
    .expect("sample");
    let url = format!(
        "http://{}/webhooks/offer_created?token={}",
        serving.addr,
        archive_token(&db)
    );
    assert_eq!(
        ureq::post(&url).send_bytes(&body).expect("200").status(),
        200
    );

    let pid = serving.child.id().to_string();
    let killed = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = serving.child.wait().expect("exits");
    assert_eq!(status.code(), Some(0));
    // The final checkpoint moved everything into the database file itself.
    let wal = dir.path().join("archive.db-wal");
    assert!(!wal.exists() || std::fs::metadata(&wal).expect("wal").len() == 0);
    let offers: i64 = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row("SELECT count(*) FROM offers", [], |row| row.get(0))
        .expect("count");
    assert_eq!(offers, 1);
}

#[test]
fn a_port_in_use_exits_1_and_creates_no_archive() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let addr = taken.local_addr().expect("address").to_string();
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let output = Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(&db)
        .args(["serve", "--listen", &addr])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).expect("list").collect();
    assert!(left.is_empty(), "nothing created: {left:?}");
}

#[test]
fn a_second_serve_on_the_same_archive_is_refused_until_the_first_is_gone() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let mut first = serve(&db);
    let output = Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(&db)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let pid = first.child.id();
    for words in [
        "another evarchive serve is running on",
        &format!("process {pid}") as &str,
    ] {
        assert!(stderr.contains(words), "{words}: {stderr}");
    }
    // The first one was not disturbed.
    let health = ureq::get(&format!("http://{}/healthz", first.addr))
        .call()
        .expect("the first still serves");
    assert_eq!(health.status(), 200);
    // A crash releases the lock: no stale lock file stops the next start.
    first.child.kill().expect("kill -9");
    first.child.wait().expect("reaped");
    let second = serve(&db);
    assert_eq!(second.urls.len(), 13);
}
