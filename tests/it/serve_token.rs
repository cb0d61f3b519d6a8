//! The webhook token through the real binary: `evarchive token --rotate`
//! while serve runs makes the new token work without a restart, the old one
//! until its grace ends or it is retired; `--token-file` gives serve its
//! token without showing it in `ps`.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::evarchive;
use common::serving::ServeProcess;

fn post(serve: &ServeProcess, token: &str) -> u16 {
    let url = serve.url(&format!("/webhooks/conversion_registered?token={token}"));
    common::send(ureq::post(&url), &common::sample("conversion_registered")).status
}

fn token_of(url: &str) -> String {
    url.split("?token=")
        .nth(1)
        .expect("token in URL")
        .to_owned()
}

/// `evarchive token ARGS…`: the token of the URLs it printed, and stderr.
fn token_command(db: &Path, args: &[&str]) -> (String, String) {
    let mut all = vec!["token"];
    all.extend_from_slice(args);
    let run = evarchive(db, &all);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    (
        token_of(run.stdout.lines().next().expect("a URL")),
        run.stderr,
    )
}

/// How long it took `token` to get `status`; fails past `limit`.
fn until_status(serve: &ServeProcess, token: &str, status: u16, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if post(serve, token) == status {
            return started.elapsed();
        }
        assert!(started.elapsed() < limit, "never {status} within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_rotated_token_works_without_a_restart_and_the_old_one_until_retired() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let serve = ServeProcess::start_as(&db, &[], &[]);
    let (old, _) = token_command(&db, &[]);
    assert_eq!(post(&serve, &old), 200);

    let (new, said) = token_command(&db, &["--rotate"]);
    assert_ne!(new, old);
    // A 401 stores nothing: the new token must work at once, no restart.
    let took = until_status(&serve, &new, 200, Duration::from_secs(6));
    eprintln!("the new token was accepted {took:?} after the rotation");
    assert_eq!(post(&serve, &old), 200, "the old one still works");
    let pid = serve.child.id();
    assert!(
        said.contains(&format!("process {pid}"))
            && said.contains("accepts it within 5 seconds, no restart needed")
            && said.contains("the old one stays accepted until"),
        "{said}"
    );
    let (current, said) = token_command(&db, &[]);
    assert_eq!(current, new);
    assert!(said.contains("replaced is accepted too, until"), "{said}");

    let retired = evarchive(&db, &["token", "--retire-previous"]);
    assert_eq!(retired.code, Some(0), "{}", retired.stderr);
    assert_eq!(retired.stdout, "");
    assert!(
        retired.stderr.contains("no longer accepted"),
        "{}",
        retired.stderr
    );
    let took = until_status(&serve, &old, 401, Duration::from_secs(8));
    eprintln!("the old token was refused {took:?} after it was retired");
    assert_eq!(post(&serve, &new), 200);
    let stored: i64 = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
        .expect("count");
    assert!(stored >= 4, "{stored}");
}

#[test]
fn the_old_token_is_refused_once_its_grace_ends() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let serve = ServeProcess::start_as(&db, &[], &[]);
    let (old, _) = token_command(&db, &[]);
    let rotated = Instant::now();
    let (new, _) = token_command(&db, &["--rotate", "--grace", "4s"]);
    let first = post(&serve, &old);
    if rotated.elapsed() < Duration::from_secs(3) {
        assert_eq!(first, 200, "within its grace");
    }
    until_status(&serve, &old, 401, Duration::from_secs(12));
    assert!(rotated.elapsed() >= Duration::from_secs(4));
    assert_eq!(post(&serve, &new), 200);
    let bad = evarchive(&db, &["token", "--rotate", "--grace", "soon"]);
    assert_eq!(bad.code, Some(2), "{}", bad.stderr);
    assert!(bad.stderr.contains("--grace"), "{}", bad.stderr);
}

#[test]
fn token_file_gives_serve_its_token() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let file = dir.path().join("token");
    std::fs::write(&file, "from-a-file-0123456789abcdef\n").expect("write");
    let file_arg = file.to_str().expect("path");
    let serve = ServeProcess::start_as(&db, &["--token-file", file_arg], &[]);
    assert_eq!(post(&serve, "from-a-file-0123456789abcdef"), 200);
    assert_eq!(post(&serve, "from-a-file-0123456789abcdeX"), 401);
    drop(serve);
    // The same through the environment, as a service's file would set it.
    let serve = ServeProcess::start_as(&db, &[], &[("EVARCHIVE_TOKEN_FILE", file_arg)]);
    assert_eq!(post(&serve, "from-a-file-0123456789abcdef"), 200);
    assert!(
        !serve.logged().contains("from-a-file"),
        "{}",
        serve.logged()
    );
}

#[test]
fn an_unusable_token_file_is_a_bad_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let empty = dir.path().join("empty");
    std::fs::write(&empty, "\n").expect("write");
    let short = dir.path().join("short");
    std::fs::write(&short, "short\n").expect("write");
    let unreadable = dir.path().join("a-directory");
    std::fs::create_dir(&unreadable).expect("dir");
    let missing = dir.path().join("missing");
    let path = |p: &Path| p.to_str().expect("path").to_owned();
    let cases = [
        (path(&missing), "cannot read"),
        (path(&empty), "is empty; put the token in it"),
        (path(&short), "at least 16 characters"),
        (path(&unreadable), "cannot read"),
    ];
    for (file, expected) in cases {
        let run = evarchive(
            &db,
            &["serve", "--listen", "127.0.0.1:0", "--token-file", &file],
        );
        assert_eq!(run.code, Some(2), "{file}: {}", run.stderr);
        assert!(
            run.stderr.contains("invalid --token-file") && run.stderr.contains(expected),
            "{file}: {}",
            run.stderr
        );
        assert!(!db.exists(), "no archive made");
    }
    let both = evarchive(
        &db,
        &[
            "serve",
            "--token",
            "chosen-token-0123456789",
            "--token-file",
            &path(&empty),
        ],
    );
    assert_eq!(both.code, Some(2), "{}", both.stderr);
}

#[test]
fn on_a_terminal_the_first_start_prints_the_urls_with_the_token() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let binary = assert_cmd::cargo::cargo_bin("evarchive");
    // script(1) runs serve on a pseudo-terminal, as someone at a shell would.
    let spawned = Command::new("script")
        .args(["-qfec"])
        .arg(format!(
            "{} --db {} serve --listen 127.0.0.1:0 --disk-reserve 1",
            binary.display(),
            db.display()
        ))
        .arg("/dev/null")
        .env_remove("EVARCHIVE_TOKEN")
        .env_remove("EVARCHIVE_TOKEN_FILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = spawned else {
        eprintln!("skipped: script(1), to give serve a terminal, is not installed");
        return;
    };
    let mut urls = Vec::new();
    let mut said = Vec::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines() {
        let line = line.expect("line").trim().to_owned();
        said.push(line.clone());
        if line.starts_with("http://") && line.contains("?token=") {
            urls.push(line);
        }
        if urls.len() == 13 || said.len() > 40 {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(urls.len(), 13, "{said:#?}");
    assert!(
        said.iter()
            .any(|line| line.contains("paste these URLs into Everflow")),
        "{said:#?}"
    );
    let token = token_of(&urls[0]);
    let (kept, _) = token_command(&db, &[]);
    assert_eq!(token, kept);
}
