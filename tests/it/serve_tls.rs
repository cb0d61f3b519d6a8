//! HTTPS without a reverse proxy: `--tls-cert`/`--tls-key` with a certificate
//! made for this test, a client that trusts only it, and the ways the two files
//! can be wrong.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use assert_cmd::cargo::CommandCargoExt;
use common::{TOKEN, TestServer, sample};
use evarchive::config::TlsFiles;
use rustls::pki_types::CertificateDer;
use tempfile::TempDir;

/// A self-signed certificate for localhost/127.0.0.1, written as PEM files.
struct SelfSigned {
    dir: TempDir,
    files: TlsFiles,
    der: CertificateDer<'static>,
}

fn self_signed() -> SelfSigned {
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
    let certified = rcgen::generate_simple_self_signed(names).expect("certificate");
    let dir = tempfile::tempdir().expect("dir");
    let files = TlsFiles {
        cert: dir.path().join("fullchain.pem"),
        key: dir.path().join("privkey.pem"),
    };
    std::fs::write(&files.cert, certified.cert.pem()).expect("write cert");
    std::fs::write(&files.key, certified.signing_key.serialize_pem()).expect("write key");
    SelfSigned {
        dir,
        files,
        der: certified.cert.der().clone(),
    }
}

/// An HTTPS client whose only trusted root is `cert`.
fn trusting(cert: &CertificateDer<'static>) -> ureq::Agent {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.clone()).expect("root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    ureq::AgentBuilder::new()
        .tls_config(Arc::new(config))
        .build()
}

fn https_server(tls: &SelfSigned) -> (TestServer, String) {
    let files = tls.files.clone();
    let server = TestServer::start_with(|config| config.tls = Some(files));
    let https = server.base_url.replacen("http://", "https://", 1);
    (server, https)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

#[test]
fn a_delivery_over_https_is_archived() {
    let tls = self_signed();
    let (server, https) = https_server(&tls);
    let url = format!("{https}/webhooks/conversion_registered?token={TOKEN}");
    let reply = common::send(
        trusting(&tls.der).post(&url),
        &sample("conversion_registered"),
    );
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    assert_eq!(reply.json["outcome"], "new");
    assert_eq!(server.count("SELECT count(*) FROM conversions"), 1);
    assert_eq!(server.count("SELECT count(*) FROM deliveries"), 1);
}

#[test]
fn plain_http_to_the_https_port_is_not_answered() {
    let tls = self_signed();
    let (server, _) = https_server(&tls);
    let url = server.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
    let result = ureq::post(&url).send_bytes(&sample("conversion_registered"));
    assert!(
        matches!(result, Err(ureq::Error::Transport(_))),
        "{result:?}"
    );
    assert_eq!(server.count("SELECT count(*) FROM deliveries"), 0);
}

#[test]
fn one_of_the_pair_alone_exits_2_naming_both_flags() {
    let tls = self_signed();
    let cases = [
        (
            "--tls-cert",
            &tls.files.cert,
            "--tls-cert was given without --tls-key",
        ),
        (
            "--tls-key",
            &tls.files.key,
            "--tls-key was given without --tls-cert",
        ),
    ];
    for (flag, path, expected) in cases {
        let output = Command::cargo_bin("evarchive")
            .expect("binary")
            .args([
                "--db",
                "/nonexistent/dir/x.db",
                "serve",
                flag,
                path_str(path),
            ])
            .env_remove("EVARCHIVE_TLS_CERT")
            .env_remove("EVARCHIVE_TLS_KEY")
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{flag}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{flag}: {stderr}");
        assert!(stderr.contains("--tls-cert/--tls-key"), "{flag}: {stderr}");
    }
}

#[test]
fn unusable_files_exit_1_naming_the_file_and_leave_no_archive() {
    let tls = self_signed();
    let other = self_signed();
    let missing = tls.dir.path().join("missing.pem");
    let cases: [(&PathBuf, &PathBuf, &PathBuf, &str); 3] = [
        (&missing, &tls.files.key, &missing, "no such file"),
        // Swapped: the key file holds no certificate.
        (
            &tls.files.key,
            &tls.files.cert,
            &tls.files.key,
            "no PEM certificate",
        ),
        (
            &tls.files.cert,
            &other.files.key,
            &other.files.key,
            "does not belong",
        ),
    ];
    for (cert, key, named, expected) in cases {
        let db = tls.dir.path().join("archive.db");
        let output = Command::cargo_bin("evarchive")
            .expect("binary")
            .args(["--db", path_str(&db), "serve", "--listen", "127.0.0.1:0"])
            .args(["--tls-cert", path_str(cert), "--tls-key", path_str(key)])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(1), "{expected}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{expected}: {stderr}");
        assert!(stderr.contains(path_str(named)), "{expected}: {stderr}");
        assert!(!db.exists(), "{expected}: archive created");
    }
}

#[test]
fn serve_announces_https_urls() {
    let tls = self_signed();
    let db = tls.dir.path().join("archive.db");
    let mut child = Command::cargo_bin("evarchive")
        .expect("binary")
        .args(["--db", path_str(&db), "serve", "--listen", "127.0.0.1:0"])
        .args(["--tls-cert", path_str(&tls.files.cert)])
        .args(["--tls-key", path_str(&tls.files.key)])
        .env_remove("EVARCHIVE_TOKEN")
        .env_remove("EVARCHIVE_PUBLIC_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = BufReader::new(stderr)
        .lines()
        .map(|line| line.expect("line"));
    let listening = lines
        .by_ref()
        .find_map(|line| {
            line.strip_prefix("evarchive: listening on ")
                .map(str::to_owned)
        })
        .expect("listening line");
    let urls: Vec<String> = lines
        .filter_map(|line| line.strip_prefix("  ").map(str::to_owned))
        .take(13)
        .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert!(listening.starts_with("https://127.0.0.1:"), "{listening}");
    assert_eq!(urls.len(), 13, "{urls:?}");
    let prefix = format!("{listening}/webhooks/");
    assert!(urls.iter().all(|url| url.starts_with(&prefix)), "{urls:?}");
}
