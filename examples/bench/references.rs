//! The reference points ingest is judged against, measured in the same run:
//! (a) an HTTP server that only reads the body and answers 200 (the HTTP
//! ceiling); (b) the same deliveries written straight into SQLite by the
//! single group-committing writer (the storage ceiling); (c) the real server
//! committing once per request (the naive design); plus the CPU a redelivery
//! costs against a new row.

use std::time::Duration;

use actix_web::{App, HttpResponse, HttpServer, web};
use evarchive::config::ServeConfig;
use evarchive::store::WriterLimits;

use crate::args::Options;
use crate::ingest::print_row;
use crate::process::{
    PeakSampler, Served, TOKEN, WrkResult, cpu_seconds, scratch_dir, wait_for_port, wrk,
};

pub fn run(options: &Options) -> Result<(), String> {
    let seconds = options.number("seconds", 30);
    let runs = options.number("runs", 3);
    let conns = options.number("conns", 64);
    println!("## references at {conns} connections, {seconds} s per run, {runs} runs\n");

    println!("### (a) no-op HTTP endpoint (reads the body, answers 200)\n");
    table_header();
    let noop = measure_in_process(runs, conns, seconds, "conversions", start_noop)?;
    print_row(conns, &noop, &[0.0], &[0.0]);

    println!("\n### (c) one commit per request (the naive design)\n");
    table_header();
    let naive = measure_in_process(runs, conns, seconds, "conversions", |port, dir| {
        start_evarchive(port, dir, 1)
    })?;
    print_row(conns, &naive, &[0.0], &[0.0]);

    println!("\n### (b) storage ceiling: see `bench storage`\n");

    println!("### redelivery against new row: server CPU per answered request\n");
    println!("| traffic | accepted/s | CPU µs per request |");
    println!("|---|---:|---:|");
    for mix in ["conversions", "redeliveries"] {
        let dir = scratch_dir(&format!("cpu-{mix}"))?;
        let served = Served::start(&dir, 18190)?;
        let before = cpu_seconds(served.pid).unwrap_or(0.0);
        let result = wrk(&served.url, conns, seconds, mix)?;
        let used = cpu_seconds(served.pid).unwrap_or(0.0) - before;
        served.stop();
        let _ = std::fs::remove_dir_all(&dir);
        println!(
            "| {mix} | {:.0} | {:.1} |",
            result.accepted_per_second(),
            used * 1e6 / (result.requests - result.non_200)
        );
    }
    Ok(())
}

fn table_header() {
    println!(
        "| connections | accepted/s (median) | worst | p50 ms | p99 ms | p99.9 ms | errors + non-200 | idle RSS MiB | peak RSS MiB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
}

/// Runs an in-process server (on its own actix system thread) `runs` times.
fn measure_in_process(
    runs: u64,
    conns: u64,
    seconds: u64,
    mix: &str,
    start: impl Fn(u16, &std::path::Path) -> Result<Started, String> + Send + Sync + Copy + 'static,
) -> Result<Vec<WrkResult>, String> {
    let mut results = Vec::new();
    for run in 0..runs {
        let port = 18150 + run as u16;
        let dir = scratch_dir(&format!("ref-{port}"))?;
        let thread_dir = dir.clone();
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                match start(port, &thread_dir) {
                    Ok((handle, serving)) => {
                        let _ = handle_tx.send(Ok(handle));
                        serving.await;
                    }
                    Err(e) => {
                        let _ = handle_tx.send(Err(e));
                    }
                }
            });
        });
        let handle = handle_rx.recv().map_err(|e| e.to_string())??;
        wait_for_port(port)?;
        let sampler = PeakSampler::rss(std::process::id());
        let result = wrk(&format!("http://127.0.0.1:{port}"), conns, seconds, mix);
        let _ = sampler.peak();
        actix_web::rt::System::new().block_on(handle.stop(true));
        let _ = thread.join();
        std::thread::sleep(Duration::from_millis(200));
        let _ = std::fs::remove_dir_all(&dir);
        results.push(result?);
    }
    Ok(results)
}

/// A started server: its handle (to stop it) and the future that serves.
type Started = (
    actix_web::dev::ServerHandle,
    std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>,
);

fn start_noop(port: u16, _dir: &std::path::Path) -> Result<Started, String> {
    async fn read_and_answer(body: web::Bytes) -> HttpResponse {
        std::hint::black_box(&body);
        HttpResponse::Ok()
            .content_type("application/json")
            .body(r#"{"status":"archived"}"#)
    }
    let server = HttpServer::new(|| {
        App::new()
            .app_data(web::PayloadConfig::new(10 * 1024 * 1024))
            .default_service(web::to(read_and_answer))
    })
    .bind(("127.0.0.1", port))
    .map_err(|e| e.to_string())?
    .run();
    Ok((
        server.handle(),
        Box::pin(async move {
            let _ = server.await;
        }),
    ))
}

/// The real server in-process, with `max_batch` deliveries per commit.
fn start_evarchive(port: u16, dir: &std::path::Path, max_batch: usize) -> Result<Started, String> {
    let listen = format!("127.0.0.1:{port}")
        .parse()
        .map_err(|e| format!("{e}"))?;
    let mut config = ServeConfig::new(dir.join("archive.db"), listen, Some(TOKEN.to_owned()));
    config.writer_limits = WriterLimits {
        max_batch,
        ..WriterLimits::default()
    };
    let (running, _) = evarchive::server::start(&config).map_err(|e| e.to_string())?;
    Ok((
        running.handle(),
        Box::pin(async move {
            let _ = running.run().await;
        }),
    ))
}
