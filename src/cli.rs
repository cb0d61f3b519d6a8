//! The command line, as clap types only; `config.rs` turns them into settings.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A durable, queryable archive of every webhook an Everflow account sends.
#[derive(Debug, Parser)]
#[command(name = "evarchive", version, about, long_about = None)]
pub struct Cli {
    /// The archive: an SQLite file, created with its schema by the first `serve`.
    #[arg(
        long,
        global = true,
        env = "EVARCHIVE_DB",
        default_value = "./evarchive.db"
    )]
    pub db: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Receive Everflow webhooks over HTTP and archive each one durably.
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Use 0.0.0.0:PORT to accept connections from
    /// other machines (put HTTPS in front, see the README).
    #[arg(long, env = "EVARCHIVE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// The secret every delivery must carry, as `?token=SECRET` in the URL or as
    /// `Authorization: Bearer SECRET`. Without it, a token is generated on first
    /// start, kept in the archive, and the ready-to-paste URLs are printed.
    #[arg(long, env = "EVARCHIVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Largest body accepted, in bytes; larger deliveries get 413.
    #[arg(long, env = "EVARCHIVE_MAX_BODY", default_value_t = 10 * 1024 * 1024)]
    pub max_body: usize,

    /// The base URL Everflow reaches this server at (e.g. https://hooks.example.com),
    /// used only to print the webhook URLs to paste. Defaults to the listening address.
    #[arg(long, env = "EVARCHIVE_PUBLIC_URL")]
    pub public_url: Option<String>,
}
