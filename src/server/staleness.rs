//! The stale-feed alarm (`serve --stale-after`): Everflow stopping to send
//! is invisible from the archive's side (every request that does arrive
//! succeeds), so `/healthz` turns `degraded` once a watched kind has gone
//! quiet for longer than its limit, and an uptime monitor notices.

use std::collections::HashMap;
use std::time::Duration;

use crate::config::StaleRule;
use crate::everflow::WebhookKind;

/// A watched kind that has been quiet too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleFeed {
    pub kind: WebhookKind,
    pub after: Duration,
    /// Unix milliseconds of its last delivery; None if it never had one.
    pub last_received_at: Option<i64>,
}

/// The alarm as one server runs it: its rules, and when it started.
#[derive(Debug, Clone)]
pub struct StaleWatch {
    pub rules: Vec<StaleRule>,
    /// Unix milliseconds.
    pub started_ms: i64,
}

impl StaleWatch {
    pub fn starting_now(rules: Vec<StaleRule>) -> StaleWatch {
        StaleWatch {
            rules,
            started_ms: jiff::Timestamp::now().as_millisecond(),
        }
    }

    /// The watched kinds quiet too long now, given each kind's last arrival.
    pub fn stale_now(&self, last_arrivals: &HashMap<String, i64>) -> Vec<StaleFeed> {
        let now = jiff::Timestamp::now().as_millisecond();
        stale_feeds(&self.rules, last_arrivals, self.started_ms, now)
    }
}

/// The rules broken at `now_ms`, given each kind's last arrival. Quiet time
/// counts from the later of the last arrival and `started_ms` (serve's
/// start), so neither a new archive nor a restart after downtime is degraded
/// before Everflow had the time to send.
fn stale_feeds(
    rules: &[StaleRule],
    last_arrivals: &HashMap<String, i64>,
    started_ms: i64,
    now_ms: i64,
) -> Vec<StaleFeed> {
    rules
        .iter()
        .filter_map(|rule| {
            let last = last_arrivals.get(rule.kind.as_str()).copied();
            let since = last.map_or(started_ms, |last| last.max(started_ms));
            let quiet_ms = now_ms.saturating_sub(since);
            let limit_ms = i64::try_from(rule.after.as_millis()).unwrap_or(i64::MAX);
            (quiet_ms > limit_ms).then_some(StaleFeed {
                kind: rule.kind,
                after: rule.after,
                last_received_at: last,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR_MS: i64 = 3_600_000;

    fn rule(kind: WebhookKind, hours: u64) -> StaleRule {
        StaleRule {
            kind,
            after: Duration::from_secs(hours * 3600),
        }
    }

    #[test]
    fn a_kind_quiet_longer_than_its_limit_is_stale() {
        let rules = [
            rule(WebhookKind::ConversionRegistered, 2),
            rule(WebhookKind::OfferUpdated, 48),
        ];
        let last = HashMap::from([
            ("conversion_registered".to_owned(), 10 * HOUR_MS),
            ("offer_updated".to_owned(), 10 * HOUR_MS),
        ]);
        assert!(stale_feeds(&rules, &last, 0, 11 * HOUR_MS).is_empty());
        let stale = stale_feeds(&rules, &last, 0, 13 * HOUR_MS);
        assert_eq!(
            stale,
            [StaleFeed {
                kind: WebhookKind::ConversionRegistered,
                after: Duration::from_secs(7200),
                last_received_at: Some(10 * HOUR_MS),
            }]
        );
    }

    #[test]
    fn a_kind_that_never_arrived_counts_from_the_start() {
        let rules = [rule(WebhookKind::ConversionRegistered, 2)];
        let none = HashMap::new();
        assert!(stale_feeds(&rules, &none, 5 * HOUR_MS, 6 * HOUR_MS).is_empty());
        let stale = stale_feeds(&rules, &none, 5 * HOUR_MS, 8 * HOUR_MS);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[0].last_received_at, None);
    }
}
