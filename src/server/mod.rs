//! The HTTP side: wires the routes to the shared state over a bound listener
//! and an archive opened by the store, and stops them in order.

mod auth;
mod body;
mod budget;
mod error;
mod fallback;
mod health;
pub mod metrics;
mod metrics_endpoint;
mod metrics_reconcile;
mod misroute;
mod routes;
pub mod staleness;
mod state;
mod tls;
mod token_check;
mod unauthorized;
mod webhook;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::ErrorHandlers;
use actix_web::{App, HttpServer, web};

pub use auth::generate_token;
pub use error::WebhookError;

use self::budget::BodyBudget;
use self::metrics::{Metrics, StoreView};
use self::staleness::StaleWatch;
use self::state::AppState;
use self::token_check::TokenCheck;
use self::unauthorized::Unauthorized;
use crate::config::ServeConfig;
use crate::error::{Error, Result};
use crate::reconcile::{ReconcileTally, Reconciler};
use crate::store::{Archive, ArchiveOptions, ArchiveState, DiskAtStart};

/// Seconds in-flight deliveries get to finish when the server is told to stop.
const SHUTDOWN_GRACE_SECONDS: u64 = 10;
/// Connections each worker serves at once; more wait in the listen backlog.
/// Each holds buffers, and a stalled upload holds its bytes until the body
/// timeout: this bounds memory (RELIABILITY.md) far above what Everflow opens.
const CONNECTIONS_PER_WORKER: usize = 512;

/// What start-up found and decided, for the `serve` command to report.
pub struct Startup {
    pub archive: ArchiveState,
    pub token: String,
    pub token_generated: bool,
    pub local_addr: SocketAddr,
    /// Whether the listener speaks HTTPS (`--tls-cert`/`--tls-key`).
    pub https: bool,
    /// Where Everflow reaches us: --public-url, or the listening address.
    pub url_base: String,
    /// The archive's disk as found at start (below the reserve: deliveries
    /// are refused until space is freed, which start-up says).
    pub disk: Option<DiskAtStart>,
}

/// A bound, started server. Await `run` to serve until stopped.
pub struct RunningServer {
    server: Server,
    archive: Archive,
    unauthorized: Arc<Unauthorized>,
    reconciler: Option<Reconciler>,
}

impl RunningServer {
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (SIGINT/SIGTERM, or `handle().stop()`), then commits
    /// whatever is queued and checkpoints the archive.
    pub async fn run(self) -> Result<()> {
        let served = self.server.await;
        self.unauthorized.flush();
        if let Some(reconciler) = self.reconciler {
            reconciler.stop();
        }
        self.archive.stop();
        served.map_err(|source| Error::Io {
            context: "the HTTP server failed".to_owned(),
            source,
        })
    }
}

/// Binds the listener, opens (or creates) the archive and serves it. Must be
/// called inside an actix system (e.g. from `#[actix_web::main]`).
pub fn start(config: &ServeConfig) -> Result<(RunningServer, Startup)> {
    // Before the archive is touched: a wrong certificate path or a port in use
    // must not leave a new archive behind.
    let tls = config.tls.as_ref().map(tls::server_config).transpose()?;
    let listener = TcpListener::bind(config.listen).map_err(|source| Error::Bind {
        addr: config.listen.to_string(),
        source,
    })?;
    let url_base = url_base(config, &listener, tls.is_some())?;
    let token_candidate = generate_token().map_err(|source| Error::Io {
        context: "cannot generate a token from the system random source".to_owned(),
        source,
    })?;
    let archive = Archive::open(
        &config.db,
        ArchiveOptions {
            writer_limits: config.writer_limits,
            disk_reserve: config.disk_reserve,
            token: config.token.clone(),
            token_candidate,
            training: config.training,
            webhook_url_base: Some(url_base),
            retention: config.retention,
            adopt_archive: config.adopt_archive,
        },
    )?;
    serve(config, listener, tls, archive)
}

/// The base of the webhook URLs: --public-url, or the listening address.
fn url_base(config: &ServeConfig, listener: &TcpListener, https: bool) -> Result<String> {
    if let Some(base) = &config.public_url {
        return Ok(base.clone());
    }
    let scheme = if https { "https" } else { "http" };
    Ok(format!("{scheme}://{}", listening_address(listener)?))
}

fn listening_address(listener: &TcpListener) -> Result<SocketAddr> {
    listener.local_addr().map_err(|source| Error::Io {
        context: "cannot read the listening address".to_owned(),
        source,
    })
}

/// The token given to serve, for good; or the archive's, following its
/// rotations.
fn accepted_tokens(config: &ServeConfig, archive: &Archive, token: &str) -> Result<TokenCheck> {
    if config.token.is_some() {
        return Ok(TokenCheck::fixed(token));
    }
    let reads = archive.reads();
    let tokens = reads.get()?.webhook_tokens()?;
    Ok(TokenCheck::from_archive(token, &tokens, reads))
}

/// Serves `archive` on `listener` (HTTPS with `tls`).
pub fn serve(
    config: &ServeConfig,
    listener: TcpListener,
    tls: Option<rustls::ServerConfig>,
    archive: Archive,
) -> Result<(RunningServer, Startup)> {
    let local_addr = listening_address(&listener)?;
    let (token, token_generated) = archive.token();
    let startup = Startup {
        archive: archive.state(),
        token: token.to_owned(),
        token_generated,
        local_addr,
        https: tls.is_some(),
        url_base: url_base(config, &listener, tls.is_some())?,
        disk: archive.disk_at_start(),
    };
    let unauthorized = Arc::new(Unauthorized::default());
    let summaries = Arc::clone(&unauthorized);
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(unauthorized::SUMMARY_INTERVAL);
        loop {
            every.tick().await;
            summaries.flush();
        }
    });
    let token_check = Arc::new(accepted_tokens(config, &archive, token)?);
    let rereading = Arc::clone(&token_check);
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(token_check::REREAD_EVERY);
        loop {
            every.tick().await;
            rereading.refresh().await;
        }
    });
    let stale_watch = StaleWatch::starting_now(config.stale_after.clone());
    let reconcile_tally = config
        .reconcile
        .as_ref()
        .map(|_| Arc::new(ReconcileTally::default()));
    let state = web::Data::new(AppState {
        writer: archive.writer(),
        reads: archive.reads(),
        token: token_check,
        max_body: config.max_body,
        body_timeout: config.body_timeout,
        // Joining a body's chunks holds it twice for a moment: two maximal
        // bodies must fit.
        body_budget: BodyBudget::new(config.body_budget.max(2 * config.max_body)),
        unauthorized: Arc::clone(&unauthorized),
        health: archive.health(),
        intake: archive.intake(),
        restore_gap: archive.restore_gap(),
        stale_watch: stale_watch.clone(),
        misroutes: misroute::MisrouteWarnings::default(),
        metrics: Arc::new(Metrics::new(StoreView {
            db: archive.path().to_owned(),
            writer: archive.writer_stats(),
            health: archive.health(),
            reads: archive.reads(),
            stale_watch,
            reconcile: reconcile_tally.clone(),
        })),
    });
    let reconciler = match (&config.reconcile, reconcile_tally) {
        (Some(plan), Some(tally)) => Some(Reconciler::spawn(
            archive.path().to_owned(),
            archive.intake(),
            plan.clone(),
            tally,
        )?),
        _ => None,
    };
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(ErrorHandlers::new().default_handler_client(fallback::json_client_error))
            .configure(routes::configure)
    })
    .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
    .max_connections(CONNECTIONS_PER_WORKER)
    // `serve` handles them (commands/serve.rs): actix would cut uploads off on SIGINT.
    .disable_signals();
    let server = match tls {
        Some(tls) => server.listen_rustls_0_23(listener, tls),
        None => server.listen(listener),
    }
    .map_err(|source| Error::Bind {
        addr: local_addr.to_string(),
        source,
    })?
    .run();
    Ok((
        RunningServer {
            server,
            archive,
            unauthorized,
            reconciler,
        },
        startup,
    ))
}
