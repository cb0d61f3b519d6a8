//! `evarchive serve`: run the webhook receiver until stopped.

use crate::config::ServeConfig;
use crate::error::Result;
use crate::everflow::kind::WebhookKind;
use crate::server::{self, Startup};
use crate::store::ArchiveState;

pub fn run(config: ServeConfig) -> Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let (running, startup) = server::start(&config)?;
        announce(&config, &startup);
        running.run().await
    })
}

/// Tells the operator, on stderr, where the archive is and what to paste into
/// Everflow. The token is printed only when we generated it: an operator who
/// chose one already knows it, and it should not land in service logs.
fn announce(config: &ServeConfig, startup: &Startup) {
    let state = match startup.archive {
        ArchiveState::Created => "created",
        ArchiveState::Existing => "opened",
    };
    eprintln!("evarchive: {state} archive {}", config.db.display());
    let scheme = if startup.https { "https" } else { "http" };
    eprintln!("evarchive: listening on {scheme}://{}", startup.local_addr);
    let token = if startup.token_generated {
        eprintln!(
            "evarchive: generated a webhook token and kept it in the archive; paste these URLs into Everflow (Automation → Webhooks), one per event type:"
        );
        startup.token.as_str()
    } else if config.token.is_some() {
        eprintln!("evarchive: webhook URLs, with your --token in place of $EVARCHIVE_TOKEN:");
        "$EVARCHIVE_TOKEN"
    } else {
        eprintln!("evarchive: webhook URLs (the token kept in the archive):");
        startup.token.as_str()
    };
    let base = config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("{scheme}://{}", startup.local_addr));
    for kind in WebhookKind::ALL {
        eprintln!("  {base}/webhooks/{kind}?token={token}");
    }
}
