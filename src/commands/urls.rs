//! The webhook URLs to paste into Everflow, one per event type.

use crate::everflow::kind::WebhookKind;

/// `base/webhooks/KIND?token=TOKEN` for every kind; without a token, the
/// URLs alone (for start-up lines that must not carry the secret).
pub fn webhook_urls<'a>(
    base: &'a str,
    token: Option<&'a str>,
) -> impl Iterator<Item = String> + 'a {
    WebhookKind::ALL.into_iter().map(move |kind| match token {
        Some(token) => format!("{base}/webhooks/{kind}?token={token}"),
        None => format!("{base}/webhooks/{kind}"),
    })
}
