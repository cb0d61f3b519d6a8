//! `evarchive token`: the webhook URLs with the archive's token. `serve`
//! prints them only when it makes the token on a terminal, so the start-up
//! lines a service manager keeps (journald) never carry the secret; this
//! prints them on demand. `--rotate` replaces the token, keeping the old one
//! accepted for a grace period, and `--retire-previous` ends that early.

use crate::config::{TokenAction, TokenConfig};
use crate::error::{Error, Result};
use crate::server::generate_token;
use crate::store::open::{OpenMode, open_archive};
use crate::store::serve_lock::current_server;
use crate::store::{settings, webhook_tokens};

use super::urls::webhook_urls;

/// Where `serve` listens by default, for an archive that never recorded one.
const DEFAULT_BASE: &str = "http://127.0.0.1:8080";

pub fn run(config: TokenConfig) -> Result<()> {
    let (conn, _) = open_archive(&config.db, OpenMode::Existing)?;
    let now = jiff::Timestamp::now();
    let token = match config.action {
        TokenAction::RetirePrevious => {
            let was_accepted = webhook_tokens::retire_previous(&conn, now.as_millisecond())?;
            eprintln!(
                "evarchive: {}",
                if was_accepted {
                    "the previous token is no longer accepted (a running serve stops accepting it within 5 seconds)"
                } else {
                    "no previous token was accepted: nothing to retire"
                }
            );
            return Ok(());
        }
        TokenAction::Rotate { grace } => {
            let token = generate_token().map_err(|source| Error::Io {
                context: "cannot generate a token from the system random source".to_owned(),
                source,
            })?;
            let until = now
                .as_millisecond()
                .saturating_add(grace.as_millis() as i64);
            let replaced = webhook_tokens::rotate(&conn, &token, until)?;
            say_rotated(&config, replaced.map(|previous| previous.until_ms));
            token
        }
        TokenAction::Print => {
            let tokens = webhook_tokens::webhook_tokens(&conn)?;
            if let Some(previous) = tokens
                .previous
                .filter(|previous| previous.until_ms > now.as_millisecond())
            {
                eprintln!(
                    "evarchive: the token the last rotation replaced is accepted too, until {} (`evarchive token --retire-previous` ends that now)",
                    time_of(previous.until_ms)
                );
            }
            tokens.current.ok_or(Error::NoToken)?
        }
    };
    let base = match config.public_url {
        Some(base) => base,
        None => settings::webhook_url_base(&conn)?.unwrap_or_else(|| DEFAULT_BASE.to_owned()),
    };
    for url in webhook_urls(&base, Some(&token)) {
        println!("{url}");
    }
    Ok(())
}

fn say_rotated(config: &TokenConfig, previous_until: Option<i64>) {
    let old = match previous_until {
        Some(until) => format!(
            "the old one stays accepted until {} (--grace; `evarchive token --retire-previous` ends that sooner)",
            time_of(until)
        ),
        None => "there was none before".to_owned(),
    };
    let serving = match current_server(&config.db) {
        Some(holder) => {
            format!("the running serve ({holder}) accepts it within 5 seconds, no restart needed")
        }
        None => "serve accepts it from its next start".to_owned(),
    };
    eprintln!("evarchive: made a new token: {serving}; {old}. Paste these URLs into Everflow now");
    eprintln!(
        "evarchive: (a serve started with --token, --token-file or EVARCHIVE_TOKEN uses that token, not the archive's)"
    );
}

fn time_of(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| millis.to_string())
}
