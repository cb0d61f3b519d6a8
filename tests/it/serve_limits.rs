//! What a slow or greedy client can take: a body must arrive within the body
//! timeout (408), and memory is held for bytes received, not bytes announced.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{TOKEN, TestServer};

fn connect(server: &TestServer) -> TcpStream {
    let addr = server.base_url.trim_start_matches("http://");
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    stream
}

fn head(kind: &str, length: usize) -> String {
    format!(
        "POST /webhooks/{kind}?token={TOKEN} HTTP/1.1\r\nHost: test\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[test]
fn a_body_that_trickles_in_gets_408_at_the_deadline() {
    let server = TestServer::start_with(|config| config.body_timeout = Duration::from_secs(1));
    let mut stream = connect(&server);
    stream
        .write_all(head("conversion_registered", 1000).as_bytes())
        .expect("head");
    let started = Instant::now();
    // One byte every 200 ms: alive, but far too slow.
    let mut trickle = stream.try_clone().expect("clone");
    let sender = std::thread::spawn(move || {
        for _ in 0..20 {
            if trickle.write_all(b"{").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    });
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    let waited = started.elapsed();
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(
        response.contains("\"error\":\"body_timeout\""),
        "{response}"
    );
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(4),
        "answered after {waited:?}"
    );
    sender.join().expect("sender");
    assert_eq!(server.count("SELECT count(*) FROM deliveries"), 0);
    assert_eq!(
        server.count(
            "SELECT count(*) FROM refusals WHERE reason = 'body_timeout' AND http_status = 408"
        ),
        1
    );
}

#[test]
fn stalled_uploads_hold_only_the_budget_and_the_rest_are_told_to_retry() {
    // A budget of 2 MiB, and uploads that each announce 1 MiB, send 16 KiB
    // and stall. Memory is counted for bytes received, every byte: about 128
    // of them fit, the later ones are answered 503 at once instead of piling up.
    let server = TestServer::start_with(|config| {
        config.max_body = 1024 * 1024;
        config.body_budget = 2 * 1024 * 1024;
        config.body_timeout = Duration::from_secs(10);
    });
    let uploads: Vec<TcpStream> = (0..200)
        .map(|_| {
            let mut stream = connect(&server);
            stream
                .write_all(head("offer_created", 1024 * 1024).as_bytes())
                .expect("head");
            stream.write_all(&[b' '; 16 * 1024]).expect("a start");
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let mut stalled = Vec::new();
    let mut told_to_retry = 0;
    for mut stream in uploads {
        stream
            .set_read_timeout(Some(Duration::from_millis(20)))
            .expect("timeout");
        let mut answer = [0u8; 12];
        match stream.read(&mut answer) {
            Ok(n) if answer[..n].starts_with(b"HTTP/1.1 503") => told_to_retry += 1,
            _ => stalled.push(stream),
        }
    }
    assert!(
        (60..=140).contains(&told_to_retry),
        "{told_to_retry} of 200 told to retry"
    );
    assert_eq!(
        server.count("SELECT count(*) FROM refusals WHERE reason = 'busy'"),
        0,
        "busy refusals are not logged"
    );
    drop(stalled);
    std::thread::sleep(Duration::from_millis(300));
    let reply = server.post_kind("offer_created", &common::sample("offer_created"));
    assert_eq!(reply.status, 200, "{:?}", reply.json);
}
