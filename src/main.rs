//! Thin: parse the command line, run the library, map errors to exit codes.

use clap::Parser;

fn main() {
    env_logger::Builder::from_env(env_logger::Env::new().filter_or("EVARCHIVE_LOG", "info"))
        .format_target(false)
        .init();
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
