//! Thin: parse the command line, run the library, map errors to exit codes.

use clap::Parser;

/// jemalloc: memory freed after a burst of large uploads goes back to the
/// system (see Cargo.toml and RELIABILITY.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() {
    let cli = evarchive::cli::Cli::parse();
    if let Err(error) = evarchive::run(cli) {
        if error.is_broken_pipe() {
            // `evarchive export … | head`: the reader had enough; not a failure.
            return;
        }
        eprintln!("evarchive: {error}");
        std::process::exit(error.exit_code());
    }
}
