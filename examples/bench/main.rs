//! The benchmark harness (not part of `cargo test`): measures ingest, query and
//! export against their physical limits on this machine. See BENCHMARKS.md.
//!
//! ```sh
//! cargo build --release
//! cargo run --release --example bench -- fsync
//! cargo run --release --example bench -- note    [--dir .] [--count 500]
//! cargo run --release --example bench -- startup
//! cargo run --release --example bench -- ingest  [--conns 1,8,64,256] [--seconds 30] [--runs 3] [--mix conversions]
//! cargo run --release --example bench -- references [--seconds 30] [--runs 3]
//! cargo run --release --example bench -- readers [--rows 300000] [--seconds 20] [--runs 3]
//! cargo run --release --example bench -- maintenance [--rows 300000] [--offers 100] [--offer-kib 300] [--seconds 10] [--clients 4]
//! cargo run --release --example bench -- storage [--rows 300000] [--runs 3]
//! cargo run --release --example bench -- bytes [--rows 60000] [--offers 1000] [--versions 10] [--runs 1]
//! cargo run --release --example bench -- build-archive --db /path/big.db [--rows 10000000] [--days 90]
//! cargo run --release --example bench -- query  --db /path/big.db [--runs 5]
//! cargo run --release --example bench -- export --db /path/big.db [--runs 3]
//! cargo run --release --example bench -- table [--rows 100,1000,10000] [--runs 7]
//! ```
//!
//! Needs `wrk` and `hyperfine` (Debian packages) and `sqlite3` for the export
//! reference; `bench setup` installs them.

mod args;
mod build_archive;
mod bytes;
mod export;
mod fsync;
mod ingest;
mod loader;
mod maintenance;
mod note;
mod process;
mod query;
mod readers;
mod references;
mod startup;
mod stats;
mod storage;
mod table;
mod traffic;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        eprintln!(
            "usage: bench setup|fsync|note|startup|ingest|readers|maintenance|references|storage|bytes|build-archive|query|export|table [options]"
        );
        return ExitCode::from(2);
    }
    let command = args.remove(0);
    let options = args::Options::parse(&args);
    let result = match command.as_str() {
        "setup" => process::install_tools(),
        "fsync" => fsync::run(&options),
        "note" => note::run(&options),
        "ingest" => ingest::run(&options),
        "readers" => readers::run(&options),
        "maintenance" => maintenance::run(&options),
        "references" => references::run(&options),
        "storage" => storage::run(&options),
        "bytes" => bytes::run(&options),
        "startup" => startup::run(&options),
        "build-archive" => build_archive::run(&options),
        "query" => query::run(&options),
        "export" => export::run(&options),
        "table" => table::run(&options),
        other => Err(format!("unknown benchmark '{other}'")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::from(1)
        }
    }
}
