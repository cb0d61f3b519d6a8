//! `evarchive token`: the webhook URLs with the archive's token. `serve`
//! prints them only when it makes the token, so the start-up lines a service
//! manager keeps (journald) never carry the secret; this prints them on demand,
//! and `--rotate` replaces the token.

use crate::config::TokenConfig;
use crate::error::{Error, Result};
use crate::server::generate_token;
use crate::store::open::{OpenMode, open_archive};
use crate::store::serve_lock::current_server;
use crate::store::settings;

use super::urls::webhook_urls;

/// Where `serve` listens by default, for an archive that never recorded one.
const DEFAULT_BASE: &str = "http://127.0.0.1:8080";

pub fn run(config: TokenConfig) -> Result<()> {
    let (conn, _) = open_archive(&config.db, OpenMode::Existing)?;
    let token = if config.rotate {
        let token = generate_token().map_err(|source| Error::Io {
            context: "cannot generate a token from the system random source".to_owned(),
            source,
        })?;
        settings::replace_webhook_token(&conn, &token)?;
        token
    } else {
        settings::stored_webhook_token(&conn)?.ok_or(Error::NoToken)?
    };
    let base = match config.public_url {
        Some(base) => base,
        None => settings::webhook_url_base(&conn)?.unwrap_or_else(|| DEFAULT_BASE.to_owned()),
    };
    for url in webhook_urls(&base, Some(&token)) {
        println!("{url}");
    }
    if config.rotate {
        match current_server(&config.db) {
            Some(holder) => eprintln!(
                "evarchive: replaced the token. The running serve ({holder}) accepts only the old one until it is restarted: paste these URLs into Everflow, then restart it"
            ),
            None => eprintln!(
                "evarchive: replaced the token; serve accepts the new one (only) from its next start: paste these URLs into Everflow"
            ),
        }
        eprintln!(
            "evarchive: (a serve started with --token or EVARCHIVE_TOKEN uses that token, not the archive's)"
        );
    }
    Ok(())
}
