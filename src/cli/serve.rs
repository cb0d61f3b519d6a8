//! `serve`'s flags.

use std::path::PathBuf;

use clap::Args;

use crate::logging::LogFormat;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on. Use 0.0.0.0:PORT to accept connections from
    /// other machines (with HTTPS: --tls-cert/--tls-key or a reverse proxy, see the README).
    #[arg(long, env = "EVARCHIVE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// The secret every delivery must carry, as `?token=SECRET` in the URL or as
    /// `Authorization: Bearer SECRET`. Without it (or --token-file), a token is
    /// generated on first start and kept in the archive (`evarchive token`
    /// prints the URLs with it, `evarchive token --rotate` replaces it). A
    /// value here shows in `ps`: prefer --token-file.
    #[arg(long, env = "EVARCHIVE_TOKEN", hide_env_values = true)]
    pub token: Option<String>,

    /// Read the secret (as --token takes it) from this file, e.g. one only
    /// the service's user can read; surrounding whitespace is ignored. Read
    /// once at start.
    #[arg(
        long,
        env = "EVARCHIVE_TOKEN_FILE",
        value_name = "PATH",
        conflicts_with = "token"
    )]
    pub token_file: Option<PathBuf>,

    /// Largest body accepted, in bytes; larger deliveries get 413.
    #[arg(long, env = "EVARCHIVE_MAX_BODY", default_value_t = 10 * 1024 * 1024)]
    pub max_body: usize,

    /// Seconds a request body may take to arrive; a slower one gets 408 and
    /// its connection is closed, so stalled uploads cannot pile up.
    #[arg(
        long,
        env = "EVARCHIVE_BODY_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS"
    )]
    pub body_timeout: u64,

    /// MiB kept free on the archive's disk: a reserve file beside the archive,
    /// and the free space below which deliveries are answered 503 until the
    /// WAL's space is given back. 0 turns both off.
    #[arg(
        long,
        env = "EVARCHIVE_DISK_RESERVE",
        default_value_t = 64,
        value_name = "MIB"
    )]
    pub disk_reserve: u64,

    /// The base URL Everflow reaches this server at (http:// or https://, e.g.
    /// https://hooks.example.com), used only to print the webhook URLs to paste.
    /// Defaults to the listening address.
    #[arg(long, env = "EVARCHIVE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Serve HTTPS with this PEM certificate chain (e.g. Let's Encrypt's fullchain.pem),
    /// instead of plain HTTP behind a reverse proxy. Needs --tls-key. Read once at
    /// start-up: restart after the certificate is renewed.
    #[arg(long, env = "EVARCHIVE_TLS_CERT", value_name = "PATH")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert (PKCS#8, RSA or EC; e.g. Let's Encrypt's
    /// privkey.pem). Needs --tls-cert.
    #[arg(long, env = "EVARCHIVE_TLS_KEY", value_name = "PATH")]
    pub tls_key: Option<PathBuf>,

    /// Turn /healthz "degraded" (still 200, with the reason) when no
    /// conversion has arrived for this long (2h, 90m, 1d), so an uptime
    /// monitor notices that Everflow stopped sending. KIND=DURATION watches
    /// another kind (offer_updated=7d); repeat or separate with commas.
    #[arg(
        long,
        env = "EVARCHIVE_STALE_AFTER",
        value_name = "[KIND=]DURATION",
        value_delimiter = ','
    )]
    pub stale_after: Vec<String>,

    /// Prune daily what nothing has arrived about for this long, in whole
    /// days or more (180d, 52w, 6mo of 30 days, 1y of 365 days; never
    /// minutes or hours), as `evarchive prune --older-than AGE
    /// --keep-current` would: the first run a minute after start. Pruned raw
    /// bodies are gone for good.
    #[arg(long, env = "EVARCHIVE_RETAIN", value_name = "AGE")]
    pub retain: Option<String>,

    /// Seconds from start to the first `--retain` run (default 60). Hidden:
    /// for the soak runs, which kill serve within seconds of its start.
    #[arg(
        long,
        hide = true,
        env = "EVARCHIVE_RETAIN_FIRST_RUN_AFTER",
        value_name = "SECONDS"
    )]
    pub retain_first_run_after: Option<u64>,

    /// Reconcile with Everflow's reporting API this often (1h, 30m), as
    /// `evarchive reconcile --apply` would, in the background at low
    /// priority: what is missing or changed is archived; findings go to the
    /// log and /metrics. Needs the API key (EVARCHIVE_EVERFLOW_API_KEY or
    /// --api-key-file). The first run a minute after start (or one period,
    /// if shorter).
    #[arg(long, env = "EVARCHIVE_RECONCILE_EVERY", value_name = "DURATION")]
    pub reconcile_every: Option<String>,

    /// How far back each background reconcile looks.
    #[arg(
        long,
        env = "EVARCHIVE_RECONCILE_WINDOW",
        value_name = "DURATION",
        default_value = "3d"
    )]
    pub reconcile_window: String,

    /// Serve the archive now at --db even though the marker beside it
    /// (.NAME.created) names another archive, i.e. one copied or moved into
    /// place on purpose; the marker then names this one. Not needed for a
    /// backup of the same archive restored in place.
    #[arg(long)]
    pub adopt_archive: bool,

    #[command(flatten)]
    pub api: crate::cli::ApiArgs,

    /// How the log on stderr is written: text lines, or one JSON object a
    /// line for a log shipper. Which records: EVARCHIVE_LOG (or RUST_LOG),
    /// e.g. warn to drop the line per request.
    #[arg(
        long,
        env = "EVARCHIVE_LOG_FORMAT",
        value_enum,
        default_value_t = LogFormat::Text
    )]
    pub log_format: LogFormat,
}
