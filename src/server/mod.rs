//! The HTTP side: binds the listener, wires the routes to the shared state, and
//! owns the writer for as long as the server runs.

mod auth;
mod body;
mod budget;
mod error;
mod fallback;
mod health;
mod state;
mod tls;
mod unauthorized;
mod webhook;

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::ErrorHandlers;
use actix_web::{App, HttpServer, web};

pub use auth::generate_token;
pub use error::WebhookError;

use self::auth::TokenCheck;
use self::budget::BodyBudget;
use self::state::AppState;
use self::unauthorized::Unauthorized;
use crate::config::ServeConfig;
use crate::error::{Error, Result};
use crate::store::checkpointer::Checkpointer;
use crate::store::{ArchiveState, OpenMode, WriterThread, open_archive, read_pool, settings};

/// Read connections for health checks; the CLI reads with its own connections.
const READ_POOL_SIZE: u32 = 4;
/// Seconds in-flight deliveries get to finish when the server is told to stop.
const SHUTDOWN_GRACE_SECONDS: u64 = 10;

/// What start-up found and decided, for the `serve` command to report.
pub struct Startup {
    pub archive: ArchiveState,
    pub token: String,
    pub token_generated: bool,
    pub local_addr: SocketAddr,
    /// Whether the listener speaks HTTPS (`--tls-cert`/`--tls-key`).
    pub https: bool,
}

/// A bound, started server. Await `run` to serve until stopped.
pub struct RunningServer {
    server: Server,
    writer: WriterThread,
    checkpointer: Checkpointer,
    unauthorized: Arc<Unauthorized>,
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
        self.writer.stop();
        self.checkpointer.stop();
        served.map_err(|source| Error::Io {
            context: "the HTTP server failed".to_owned(),
            source,
        })
    }
}

/// Binds the listener, opens (or creates) the archive and starts the writer.
/// Must be called inside an actix system (e.g. from `#[actix_web::main]`).
pub fn start(config: &ServeConfig) -> Result<(RunningServer, Startup)> {
    // Before the archive is touched: a wrong certificate path or a port in use
    // must not leave a new archive behind.
    let tls = config.tls.as_ref().map(tls::server_config).transpose()?;
    let https = tls.is_some();
    let listener = TcpListener::bind(config.listen).map_err(|source| Error::Bind {
        addr: config.listen.to_string(),
        source,
    })?;
    let local_addr = listener.local_addr().map_err(|source| Error::Io {
        context: "cannot read the listening address".to_owned(),
        source,
    })?;
    let (conn, archive) = open_archive(&config.db, OpenMode::Serve)?;
    // The checkpointer thread does this job, off the commit path.
    conn.execute_batch("PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -16000;")?;
    let (token, token_generated) = match &config.token {
        Some(token) => (token.clone(), false),
        None => {
            let candidate = generate_token().map_err(|source| Error::Io {
                context: "cannot generate a token from the system random source".to_owned(),
                source,
            })?;
            settings::webhook_token(&conn, candidate)?
        }
    };

    let checkpointer = Checkpointer::spawn(&config.db)?;
    let reads = read_pool(&config.db, READ_POOL_SIZE)?;
    let writer = WriterThread::spawn(conn, config.writer_limits).map_err(|source| Error::Io {
        context: "cannot start the writer thread".to_owned(),
        source,
    })?;
    let unauthorized = Arc::new(Unauthorized::default());
    let summaries = Arc::clone(&unauthorized);
    actix_web::rt::spawn(async move {
        let mut every = actix_web::rt::time::interval(unauthorized::SUMMARY_INTERVAL);
        loop {
            every.tick().await;
            summaries.flush();
        }
    });
    let state = web::Data::new(AppState {
        writer: writer.handle(),
        reads,
        token: TokenCheck::new(&token),
        max_body: config.max_body,
        body_timeout: config.body_timeout,
        // Joining a body's chunks holds it twice for a moment: two maximal
        // bodies must fit.
        body_budget: BodyBudget::new(config.body_budget.max(2 * config.max_body)),
        unauthorized: Arc::clone(&unauthorized),
    });

    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(ErrorHandlers::new().default_handler_client(fallback::json_client_error))
            .service(
                web::resource("/healthz")
                    .route(web::get().to(health::healthz))
                    .default_service(web::to(fallback::method_not_allowed("GET"))),
            )
            .service(
                web::resource("/webhooks")
                    .route(web::post().to(webhook::receive_detected))
                    .route(web::get().to(webhook::receive_detected))
                    .default_service(web::to(fallback::method_not_allowed("GET, POST"))),
            )
            .service(
                web::resource("/webhooks/{kind}")
                    .route(web::post().to(webhook::receive_declared))
                    .route(web::get().to(webhook::receive_declared))
                    .default_service(web::to(fallback::method_not_allowed("GET, POST"))),
            )
            .service(
                web::resource("/kinds")
                    .route(web::get().to(webhook::list_kinds))
                    .default_service(web::to(fallback::method_not_allowed("GET"))),
            )
            .default_service(web::to(fallback::not_found))
    })
    .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
    // `serve` handles them (commands/serve.rs): actix would cut uploads off on SIGINT.
    .disable_signals();
    let server = match tls {
        Some(tls) => server.listen_rustls_0_23(listener, tls),
        None => server.listen(listener),
    }
    .map_err(|source| Error::Bind {
        addr: config.listen.to_string(),
        source,
    })?
    .run();

    Ok((
        RunningServer {
            server,
            writer,
            checkpointer,
            unauthorized,
        },
        Startup {
            archive,
            token,
            token_generated,
            local_addr,
            https,
        },
    ))
}
