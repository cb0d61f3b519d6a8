//! A stand-in for Everflow's `POST /v1/networks/reporting/conversions` on
//! port 0, implementing its documented contract (API.md 2.1): the key in
//! `X-Eflow-API-Key` (401 otherwise), `page`/`page_size` in the query string
//! (page sizes capped as Everflow may cap them), the `{from, to}` window in
//! UTC read inclusive, and the `{conversions, paging}` envelope. Scripted
//! answers (429 with or without Retry-After, 500) come first when queued;
//! a [`Hostile`] answer replaces the report for an API that does not keep
//! to its own sizes.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

/// A key of the wrong type (an affiliate's, say): 403 "Out of realm".
pub const OUT_OF_REALM_KEY: &str = "an-affiliate-key";

/// An answer given instead of the report, once, in order.
#[derive(Debug, Clone)]
pub struct Scripted {
    pub status: u16,
    pub retry_after: Option<&'static str>,
}

/// What a broken or hostile API answers instead of the report, to every
/// request carrying the key.
#[derive(Debug, Clone)]
pub enum Hostile {
    /// This text as the body of a 200.
    Page(String),
    /// A 200 whose body never ends (rows, for as long as the client reads),
    /// announcing this `Content-Length` when given.
    Endless { content_length: Option<u64> },
}

/// An endless body stops here, should a client never stop reading.
const ENDLESS_CAP: u64 = 3 << 30;

/// One request as received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub target: String,
    pub key: Option<String>,
    pub body: Value,
}

#[derive(Debug, Default)]
struct State {
    rows: Vec<Value>,
    largest_page: usize,
    scripted: VecDeque<Scripted>,
    seen: Vec<Seen>,
    /// Requests whose `from` starts so are refused with a 400.
    refused_from: Option<String>,
    /// Rows that arrive in Everflow, one each time a page 1 is served: the
    /// total moves while a window is paged.
    arriving: VecDeque<Value>,
    /// Every page 2 is answered this late.
    slow_second_page: Option<std::time::Duration>,
    hostile: Option<Hostile>,
}

pub struct FakeEverflow {
    pub base: String,
    key: String,
    state: Arc<Mutex<State>>,
    /// Bytes of hostile answers written so far.
    sent: Arc<AtomicU64>,
}

impl FakeEverflow {
    /// Serves `rows` (report rows) to requests carrying `key`, at most
    /// `largest_page` rows a page.
    pub fn start(key: &str, rows: Vec<Value>, largest_page: usize) -> FakeEverflow {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}/v1", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(State {
            rows,
            largest_page,
            ..State::default()
        }));
        let shared = Arc::clone(&state);
        let sent = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&sent);
        let expected = key.to_owned();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let _ = answer(stream, &expected, &shared, &counted);
            }
        });
        FakeEverflow {
            base,
            key: key.to_owned(),
            state,
            sent,
        }
    }

    pub fn script(&self, answers: &[Scripted]) {
        let mut state = self.state.lock().expect("state");
        state.scripted.extend(answers.iter().cloned());
    }

    pub fn refuse_from(&self, prefix: Option<&str>) {
        self.state.lock().expect("state").refused_from = prefix.map(str::to_owned);
    }

    pub fn arriving(&self, rows: Vec<Value>) {
        self.state.lock().expect("state").arriving.extend(rows);
    }

    pub fn slow_second_page(&self, delay: std::time::Duration) {
        self.state.lock().expect("state").slow_second_page = Some(delay);
    }

    pub fn hostile(&self, answer: Hostile) {
        self.state.lock().expect("state").hostile = Some(answer);
    }

    /// Bytes of hostile answers written to clients so far (the kernel's
    /// socket buffers hold a few MB of them unread).
    pub fn hostile_bytes_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().expect("state").seen.clone()
    }

    pub fn key(&self) -> &str {
        &self.key
    }
}

fn answer(
    stream: TcpStream,
    key: &str,
    state: &Mutex<State>,
    sent: &AtomicU64,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let target = request_line.split(' ').nth(1).unwrap_or("").to_owned();
    let mut length = 0;
    let mut sent_key = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        match name.to_ascii_lowercase().as_str() {
            "content-length" => length = value.trim().parse().unwrap_or(0),
            "x-eflow-api-key" => sent_key = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let mut state = state.lock().expect("state");
    state.seen.push(Seen {
        target: target.clone(),
        key: sent_key.clone(),
        body: body.clone(),
    });
    let from = body["from"].as_str().unwrap_or("").to_owned();
    let refused = state
        .refused_from
        .as_deref()
        .is_some_and(|prefix| from.starts_with(prefix));
    let hostile = state
        .hostile
        .clone()
        .filter(|_| state.scripted.is_empty() && sent_key.as_deref() == Some(key));
    if let Some(hostile) = hostile {
        drop(state);
        return answer_hostile(stream, &hostile, sent);
    }
    let (status, retry_after, reply) = if let Some(scripted) = state.scripted.pop_front() {
        let reply = json!({"error": "scripted"});
        (scripted.status, scripted.retry_after, reply)
    } else if sent_key.as_deref() == Some(OUT_OF_REALM_KEY) {
        (403, None, json!({"error": "Out of realm"}))
    } else if sent_key.as_deref() != Some(key) {
        (
            401,
            None,
            json!({"error": "No Authentication Method Found"}),
        )
    } else if !target.starts_with("/v1/networks/reporting/conversions?") {
        (404, None, json!({"error": "not found"}))
    } else if refused {
        (400, None, json!({"error": "Invalid date range"}))
    } else {
        let page = report_page(&state, &target, &body);
        if page["paging"]["page"] == 1
            && let Some(row) = state.arriving.pop_front()
        {
            state.rows.push(row);
        }
        (200, None, page)
    };
    let delay = state
        .slow_second_page
        .filter(|_| reply["paging"]["page"] == 2);
    drop(state);
    if let Some(delay) = delay {
        std::thread::sleep(delay);
    }
    let reply = reply.to_string();
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.len()
    )?;
    if let Some(seconds) = retry_after {
        write!(out, "Retry-After: {seconds}\r\n")?;
    }
    write!(out, "\r\n{reply}")?;
    out.flush()
}

fn answer_hostile(mut out: TcpStream, hostile: &Hostile, sent: &AtomicU64) -> std::io::Result<()> {
    match hostile {
        Hostile::Page(text) => {
            write!(
                out,
                "HTTP/1.1 200 X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                text.len()
            )?;
            out.write_all(text.as_bytes())?;
            sent.fetch_add(text.len() as u64, Ordering::Relaxed);
        }
        Hostile::Endless { content_length } => {
            write!(out, "HTTP/1.1 200 X\r\nContent-Type: application/json\r\n")?;
            if let Some(length) = content_length {
                write!(out, "Content-Length: {length}\r\n")?;
            }
            write!(out, "Connection: close\r\n\r\n{{\"conversions\":[")?;
            let row = format!(r#"{{"conversion_id":"1","sub1":"{}"}},"#, "x".repeat(1000));
            let chunk = row.repeat(64);
            // Until the client hangs up (the write fails).
            while sent.load(Ordering::Relaxed) < ENDLESS_CAP {
                out.write_all(chunk.as_bytes())?;
                sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            }
        }
    }
    out.flush()
}

fn report_page(state: &State, target: &str, body: &Value) -> Value {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let number = |name: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    let page = number("page").unwrap_or(1).max(1);
    let page_size = number("page_size").unwrap_or(50).min(state.largest_page);
    let from = utc_seconds(body["from"].as_str().unwrap_or(""));
    let to = utc_seconds(body["to"].as_str().unwrap_or(""));
    let in_window: Vec<&Value> = state
        .rows
        .iter()
        .filter(|row| {
            let time = row["conversion_unix_timestamp"].as_i64().unwrap_or(0);
            from <= time && time <= to
        })
        .collect();
    let rows: Vec<&Value> = in_window
        .iter()
        .skip((page - 1) * page_size)
        .take(page_size)
        .copied()
        .collect();
    json!({
        "conversions": rows,
        "paging": {"page": page, "page_size": page_size, "total_count": in_window.len()},
    })
}

fn utc_seconds(text: &str) -> i64 {
    let civil = jiff::civil::DateTime::strptime("%Y-%m-%d %H:%M:%S", text)
        .expect("from/to as YYYY-MM-DD HH:MM:SS");
    jiff::tz::TimeZone::UTC
        .to_timestamp(civil)
        .expect("UTC")
        .as_second()
}
