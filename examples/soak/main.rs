//! Long reliability runs against the release binary, outside `cargo test`;
//! each prints the figures RELIABILITY.md quotes.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example soak -- kill9  [--rounds 200] [--clients 4]
//! cargo run --release --example soak -- memory [--uploads 50] [--stalled 1500]
//! cargo run --release --example soak -- disk   [--cycles 6]      # needs mount (root)
//! cargo run --release --example soak -- maintenance [--rounds 60] [--clients 4]
//! ```

mod acknowledged;
#[path = "../bench/args.rs"]
#[allow(dead_code)] // soak uses only some of them
mod args;
mod disk;
mod kill9;
mod maintenance;
mod memory;
mod serving;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!("usage: soak kill9|memory|disk|maintenance [options]");
        return ExitCode::from(2);
    }
    let command = args.remove(0);
    let options = args::Options::parse(&args);
    let result = match command.as_str() {
        "kill9" => kill9::run(&options),
        "memory" => memory::run(&options),
        "disk" => disk::run(&options),
        "maintenance" => maintenance::run(&options),
        other => Err(format!("unknown soak run '{other}'")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("soak: {message}");
            ExitCode::from(1)
        }
    }
}
