//! Bodies that arrive at another kind's URL. A webhook wired to the wrong URL
//! sends every delivery there, so the warning that names the URL to fix is
//! logged once per (URL kind, body kind) pair in a serve process, not once
//! per delivery: enough to find it, never a flood. `/metrics` counts each one.

use std::collections::HashSet;
use std::sync::Mutex;

use crate::everflow::WebhookKind;

/// The pairs already warned about since serve started.
#[derive(Default)]
pub struct MisrouteWarnings {
    warned: Mutex<HashSet<(WebhookKind, WebhookKind)>>,
}

impl MisrouteWarnings {
    /// Logs a warning for a `kind` body that arrived at `path` (the URL of
    /// `url_kind`), unless this pair was warned about before.
    pub fn note(&self, url_kind: WebhookKind, kind: WebhookKind, path: &str) {
        if !self.first(url_kind, kind) {
            return;
        }
        tracing::warn!(
            url_kind = %url_kind.as_str(),
            kind = %kind.as_str(),
            "a body of kind {kind} arrived at {path}, the URL for {url_kind}: archived as \
             {kind} (`query deliveries --misrouted` lists such deliveries); point the Everflow \
             webhook that sends it at /webhooks/{kind} instead (logged once per pair of kinds \
             until serve restarts)"
        );
    }

    /// Whether `(url_kind, kind)` is seen for the first time.
    fn first(&self, url_kind: WebhookKind, kind: WebhookKind) -> bool {
        // A poisoned lock only means another worker panicked while
        // inserting: the set is still usable.
        let mut warned = self
            .warned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        warned.insert((url_kind, kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pair_is_first_once() {
        let warnings = MisrouteWarnings::default();
        let conversion = WebhookKind::ConversionRegistered;
        let event = WebhookKind::EventRegistered;
        assert!(warnings.first(conversion, event));
        assert!(!warnings.first(conversion, event));
        assert!(warnings.first(event, conversion));
        assert!(warnings.first(WebhookKind::OfferCreated, event));
        assert!(!warnings.first(event, conversion));
    }
}
