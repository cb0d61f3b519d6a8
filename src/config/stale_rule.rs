//! One kind `serve --stale-after` watches, and how long it may stay quiet
//! (the alarm itself is `server::staleness`).

use std::time::Duration;

use crate::everflow::WebhookKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaleRule {
    pub kind: WebhookKind,
    pub after: Duration,
}
