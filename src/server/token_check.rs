//! Which tokens a running `serve` accepts, and picking up a rotation
//! (`evarchive token --rotate`) without a restart: a 401 stores nothing and
//! Everflow may not retry it, so a new token must work as soon as it is
//! pasted, and the old one until its grace ends.
//!
//! The archive's tokens are read again every few seconds, and at once (at
//! most once a second) when a request presents a token not accepted: the
//! hot path, a known token, never touches the archive.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use actix_web::{HttpRequest, web};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

use super::auth::presented_tokens;
use crate::store::Readers;
use crate::store::webhook_tokens::WebhookTokens;

/// How often the archive's tokens are read again (a retired token stops
/// working within this).
pub const REREAD_EVERY: Duration = Duration::from_secs(5);
/// The most often a token not accepted makes us read them (so a flood of
/// wrong tokens costs one read a second).
const REREAD_AT_MOST_EVERY: Duration = Duration::from_secs(1);

/// Tokens are kept only as digests: comparing digests in constant time
/// hides both the content and the length of the secret.
type Digest32 = [u8; 32];

#[derive(Clone, Copy)]
struct Accepted {
    current: Digest32,
    /// The token a rotation replaced, until (Unix milliseconds).
    previous: Option<(Digest32, i64)>,
}

pub struct TokenCheck {
    accepted: RwLock<Accepted>,
    /// Where rotations are read from; None for a token given to serve
    /// (--token, --token-file), fixed for the process.
    archive: Option<ArchiveTokens>,
}

struct ArchiveTokens {
    reads: Readers,
    /// When a token not accepted last made us read them; held while
    /// reading, so the requests that wait meanwhile are judged by what the
    /// read found.
    last_read: tokio::sync::Mutex<Instant>,
}

fn digest(token: &str) -> Digest32 {
    Sha256::digest(token.as_bytes()).into()
}

fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

impl TokenCheck {
    /// Only `token`, for good.
    pub fn fixed(token: &str) -> TokenCheck {
        TokenCheck {
            accepted: RwLock::new(Accepted {
                current: digest(token),
                previous: None,
            }),
            archive: None,
        }
    }

    /// `current`, and what the archive accepts besides, as it changes.
    pub fn from_archive(current: &str, tokens: &WebhookTokens, reads: Readers) -> TokenCheck {
        let check = TokenCheck {
            accepted: RwLock::new(Accepted {
                current: digest(current),
                previous: None,
            }),
            archive: Some(ArchiveTokens {
                reads,
                // So that the first token not accepted is looked up at once.
                last_read: tokio::sync::Mutex::new(
                    Instant::now()
                        .checked_sub(REREAD_AT_MOST_EVERY)
                        .unwrap_or_else(Instant::now),
                ),
            }),
        };
        check.take(tokens);
        check
    }

    /// Whether the request carries an accepted token, reading the archive's
    /// tokens again first if it does not (a rotation since the last read).
    pub async fn accepts(&self, req: &HttpRequest, query: &[(String, String)]) -> bool {
        if self.accepts_now(req, query) {
            return true;
        }
        let Some(archive) = &self.archive else {
            return false;
        };
        {
            let mut last_read = archive.last_read.lock().await;
            if last_read.elapsed() >= REREAD_AT_MOST_EVERY {
                self.reread(archive).await;
                *last_read = Instant::now();
            }
        }
        self.accepts_now(req, query)
    }

    /// Reads the archive's tokens again (every `REREAD_EVERY`). Apart from
    /// the reads a token not accepted makes, so that neither delays the
    /// other.
    pub async fn refresh(&self) {
        if let Some(archive) = &self.archive {
            self.reread(archive).await;
        }
    }

    fn accepts_now(&self, req: &HttpRequest, query: &[(String, String)]) -> bool {
        let accepted = match self.accepted.read() {
            Ok(accepted) => *accepted,
            Err(poisoned) => *poisoned.into_inner(),
        };
        let now = accepted.previous.map(|_| now_ms());
        presented_tokens(req, query).any(|presented| {
            let presented = digest(presented);
            let mut matches = presented.ct_eq(&accepted.current);
            if let (Some((previous, until)), Some(now)) = (accepted.previous, now) {
                matches |= presented.ct_eq(&previous) & Choice::from(u8::from(now < until));
            }
            bool::from(matches)
        })
    }

    async fn reread(&self, archive: &ArchiveTokens) {
        let reads = archive.reads.clone();
        let read = web::block(move || -> Result<WebhookTokens, String> {
            let reader = reads.get().map_err(|e| e.to_string())?;
            reader.webhook_tokens().map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|read| read);
        match read {
            Ok(tokens) => self.take(&tokens),
            // The tokens already accepted stay so: a read that fails (a
            // busy archive) must not lock every sender out.
            Err(e) => tracing::warn!("cannot read the archive's webhook tokens again: {e}"),
        }
    }

    fn take(&self, tokens: &WebhookTokens) {
        let mut accepted = match self.accepted.write() {
            Ok(accepted) => accepted,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(current) = &tokens.current {
            accepted.current = digest(current);
        }
        accepted.previous = tokens
            .previous
            .as_ref()
            .map(|previous| (digest(&previous.token), previous.until_ms));
    }
}
