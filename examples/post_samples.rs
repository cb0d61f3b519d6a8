//! The smoke test a new user runs after starting `evarchive serve`: posts one
//! sample of every Everflow webhook kind to its URL and prints the answers.
//!
//! ```sh
//! cargo run --example post_samples -- --token SECRET [--url http://127.0.0.1:8080] [--dir examples/samples]
//! ```
//!
//! The token is the one `serve` printed on first start (or EVARCHIVE_TOKEN).
//! Posting twice is safe: the second round is answered `duplicate`.

use std::path::PathBuf;
use std::process::ExitCode;

struct Options {
    url: String,
    token: String,
    dir: PathBuf,
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("post_samples: {message}");
            eprintln!(
                "usage: cargo run --example post_samples -- --token SECRET [--url URL] [--dir DIR]"
            );
            return ExitCode::from(2);
        }
    };
    let mut samples: Vec<PathBuf> = match std::fs::read_dir(&options.dir) {
        Ok(entries) => entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect(),
        Err(e) => {
            eprintln!("post_samples: cannot read {}: {e}", options.dir.display());
            return ExitCode::from(1);
        }
    };
    samples.sort();

    let mut failures = 0;
    for path in &samples {
        let kind = path
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        let body = match std::fs::read(path) {
            Ok(body) => body,
            Err(e) => {
                eprintln!("{kind}: cannot read {}: {e}", path.display());
                failures += 1;
                continue;
            }
        };
        let url = format!("{}/webhooks/{kind}?token={}", options.url, options.token);
        let (status, answer) = match ureq::post(&url)
            .set("Content-Type", "application/json")
            .send_bytes(&body)
        {
            Ok(response) => (
                response.status(),
                response.into_string().unwrap_or_default(),
            ),
            Err(ureq::Error::Status(status, response)) => {
                (status, response.into_string().unwrap_or_default())
            }
            Err(e) => {
                eprintln!("post_samples: cannot reach {}: {e}", options.url);
                return ExitCode::from(1);
            }
        };
        if status != 200 {
            failures += 1;
        }
        println!("{status} {kind:<30} {answer}");
    }
    println!(
        "{} posted, {} accepted, {failures} refused",
        samples.len(),
        samples.len() - failures
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn parse_options() -> Result<Options, String> {
    let mut url = "http://127.0.0.1:8080".to_owned();
    let mut token = std::env::var("EVARCHIVE_TOKEN").ok();
    let mut dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/samples"));
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => url = value()?.trim_end_matches('/').to_owned(),
            "--token" => token = Some(value()?),
            "--dir" => dir = PathBuf::from(value()?),
            other => return Err(format!("unknown argument '{other}'")),
        }
    }
    let token = token.ok_or("no token: pass --token SECRET or set EVARCHIVE_TOKEN")?;
    Ok(Options { url, token, dir })
}
