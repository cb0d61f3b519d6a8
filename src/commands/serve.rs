//! `evarchive serve`: run the webhook receiver until stopped.

use std::io::IsTerminal;

use crate::config::ServeConfig;
use crate::error::Result;
use crate::logging;
use crate::server::{self, Startup};
use crate::store::open::SCHEMA_VERSION;
use crate::store::{ArchiveState, DiskAtStart};

use super::urls::webhook_urls;

pub fn run(config: ServeConfig) -> Result<()> {
    actix_web::rt::System::new().block_on(async move {
        // Taken before anything is printed, so a signal sent as soon as the
        // server says it listens is already ours.
        let signals = Signals::take();
        let (running, startup) = server::start(&config)?;
        announce(&config, &startup);
        actix_web::rt::spawn(stop_gracefully_on(signals, running.handle()));
        let stopped = running.run().await;
        if stopped.is_ok() {
            // A service manager's log should end with the stop, not with
            // the last request.
            say("stopped; everything answered 200 is committed");
        }
        stopped
    })
}

/// SIGINT and SIGTERM, taken over from their default (ending the process).
struct Signals {
    interrupt: Option<actix_web::rt::signal::unix::Signal>,
    terminate: Option<actix_web::rt::signal::unix::Signal>,
}

impl Signals {
    fn take() -> Signals {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        Signals {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }
}

/// SIGINT (Ctrl-C) and SIGTERM both stop the server gracefully: no new
/// connections, and requests under way (an upload still arriving included)
/// finish and are committed before it exits. actix's own handlers would
/// treat SIGINT as a forced stop that cuts uploads off.
async fn stop_gracefully_on(signals: Signals, server: actix_web::dev::ServerHandle) {
    let (Some(mut interrupt), Some(mut terminate)) = (signals.interrupt, signals.terminate) else {
        tracing::error!("cannot listen for SIGINT/SIGTERM; stop the server with SIGKILL");
        return;
    };
    let interrupted = std::pin::pin!(interrupt.recv());
    let terminated = std::pin::pin!(terminate.recv());
    let name = match futures_util::future::select(interrupted, terminated).await {
        futures_util::future::Either::Left(_) => "SIGINT",
        futures_util::future::Either::Right(_) => "SIGTERM",
    };
    tracing::info!("{name}: finishing the requests under way, then stopping");
    server.stop(true).await;
}

/// One line with what this server runs with, for the service log.
fn settings_summary(config: &ServeConfig, startup: &Startup) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    let stale: Vec<String> = config
        .stale_after
        .iter()
        .map(|rule| format!("{} after {} s", rule.kind, rule.after.as_secs()))
        .collect();
    format!(
        "schema version {SCHEMA_VERSION}, TLS {}, max body {:.1} MiB, body timeout {} s, disk reserve {:.0} MiB, stale-feed alarm {}, retention {}",
        if startup.https { "on" } else { "off" },
        config.max_body as f64 / MIB,
        config.body_timeout.as_secs(),
        config.disk_reserve as f64 / MIB,
        if stale.is_empty() {
            "off".to_owned()
        } else {
            stale.join(", ")
        },
        config
            .retention
            .map_or_else(|| "off".to_owned(), |rules| retention_said(rules.keep_for))
    )
}

/// The retention and the cutoff it means today: a typo in a duration must
/// be visible before the first run, a minute after start.
fn retention_said(keep_for: std::time::Duration) -> String {
    let days = crate::config::days(keep_for);
    let cutoff = crate::window::now().ok().and_then(|now| {
        now.checked_sub(jiff::SignedDuration::from_secs(
            i64::try_from(keep_for.as_secs()).ok()?,
        ))
        .ok()
    });
    match cutoff {
        Some(cutoff) => format!(
            "{days} days, daily (today: what nothing has arrived about since before {})",
            cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
        None => format!("{days} days, daily"),
    }
}

/// Tells the operator, on stderr, where the archive is and what to paste into
/// Everflow. The token is printed only when we generated it: an operator who
/// chose one already knows it, and it should not land in service logs.
fn announce(config: &ServeConfig, startup: &Startup) {
    let db = config.db.display();
    say(&match startup.archive {
        ArchiveState::Created => format!("created archive {db}"),
        ArchiveState::Existing => format!("opened archive {db}"),
        ArchiveState::Upgraded { from } => format!(
            "opened archive {db} and upgraded its schema from version {from} to {SCHEMA_VERSION}"
        ),
    });
    let scheme = if startup.https { "https" } else { "http" };
    say(&format!("listening on {scheme}://{}", startup.local_addr));
    say(&settings_summary(config, startup));
    if let Some(disk) = startup.disk.filter(|disk| disk.low) {
        warn_disk_low(config, disk);
    }
    if let Some(plan) = &config.reconcile {
        say(&format!(
            "reconciling with {} every {} s, {} s back (first run in {} s)",
            plan.api.base,
            plan.every.as_secs(),
            plan.window.as_secs(),
            plan.first_run_after.as_secs()
        ));
    }
    if logging::is_json() {
        // The same, as fields a log shipper can index.
        tracing::info!(
            archive = %db,
            schema_version = SCHEMA_VERSION,
            listen = %format!("{scheme}://{}", startup.local_addr),
            tls = startup.https,
            max_body_bytes = config.max_body,
            body_timeout_s = config.body_timeout.as_secs(),
            disk_reserve_bytes = config.disk_reserve,
            stale_feed_alarms = config.stale_after.len(),
            retain_days = config.retention.map(|rules| rules.keep_for.as_secs() / 86_400),
            "serving"
        );
    }
    if config.public_url.is_none() && startup.local_addr.ip().is_unspecified() {
        say(&format!(
            "the URLs below name {}, which no one can connect to; start with --public-url https://YOUR-HOST (the address Everflow reaches this server at) to print URLs ready to paste",
            startup.local_addr.ip()
        ));
    }
    // The secret is printed once, when it is made, and only to a terminal:
    // a service manager keeps stderr in its journal. Later start-ups print
    // the URLs without it.
    let token = if startup.token_generated && std::io::stderr().is_terminal() {
        say(
            "generated a webhook token and kept it in the archive; paste these URLs into Everflow (Automation → Webhooks), one per event type (`evarchive token` prints them again):",
        );
        Some(startup.token.as_str())
    } else if startup.token_generated {
        say(
            "generated a webhook token and kept it in the archive; it is not printed here, since stderr is not a terminal and service logs keep it: `evarchive token` prints the URLs with it. The URLs, each with ?token= and that token:",
        );
        None
    } else if let Some(file) = &config.token_file {
        say(&format!(
            "webhook URLs, with the token of {} in place of $EVARCHIVE_TOKEN:",
            file.display()
        ));
        Some("$EVARCHIVE_TOKEN")
    } else if config.token.is_some() {
        say("webhook URLs, with your --token in place of $EVARCHIVE_TOKEN:");
        Some("$EVARCHIVE_TOKEN")
    } else {
        say(
            "webhook URLs, each with ?token= and the archive's token (`evarchive token` prints them with it):",
        );
        None
    };
    for url in webhook_urls(&startup.url_base, token) {
        if logging::is_json() {
            tracing::info!(url = %url, "webhook URL");
        } else {
            eprintln!("  {url}");
        }
    }
}

/// Starting anyway, since space may be freed while serve runs (deliveries
/// then resume by themselves), but saying at once why every delivery will
/// be refused rather than letting the first 503 tell.
fn warn_disk_low(config: &ServeConfig, disk: DiskAtStart) {
    const MIB: u64 = 1024 * 1024;
    let dir = match config.db.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.display().to_string(),
        _ => ".".to_owned(),
    };
    let line = format!(
        "warning: only {} MiB free on the archive's disk ({dir}), less than --disk-reserve {} MiB: every delivery is refused (503 disk_full, Everflow retries) and /healthz answers 503 until there is room. Free space on that disk, or start with a smaller --disk-reserve (EVARCHIVE_DISK_RESERVE; 0 turns the reserve off); deliveries resume by themselves once there is room",
        disk.free_bytes / MIB,
        config.disk_reserve / MIB,
    );
    if logging::is_json() {
        tracing::warn!("{line}");
    } else {
        eprintln!("evarchive: {line}");
    }
}

/// A start-up line: plain on stderr, or a log record when the log is JSON
/// (so that every line of stderr parses).
fn say(line: &str) {
    if logging::is_json() {
        tracing::info!("{line}");
    } else {
        eprintln!("evarchive: {line}");
    }
}
