//! An archive found older than what `serve` last acknowledged into it, and
//! how to say so: the window of arrivals it lacks, and the command that
//! fetches the conversions among them back from Everflow.

use std::path::PathBuf;

use crate::store::acknowledged::Newest;

/// Conversions reach us a little after their time (Everflow's queue,
/// retries): the window to reconcile starts this much before the archive's
/// newest arrival. Reconcile adds only what is missing, so more costs
/// little.
const CONVERSION_DELAY_MS: i64 = 3_600_000;

#[derive(Debug, Clone)]
pub struct RestoreGap {
    pub db: PathBuf,
    /// The archive's newest delivery as found (None: it has none).
    pub archive_newest: Option<Newest>,
    /// The newest `serve` had acknowledged.
    pub acknowledged: Newest,
}

impl RestoreGap {
    /// Arrivals after this are missing (RFC 3339); None when the archive
    /// has no delivery at all.
    pub fn missing_since(&self) -> Option<String> {
        self.archive_newest
            .map(|newest| time_of(newest.received_at))
    }

    /// The last arrival acknowledged, which the archive lacks (RFC 3339).
    pub fn missing_until(&self) -> String {
        time_of(self.acknowledged.received_at)
    }

    /// `--since` for reconcile: an hour before the archive's newest arrival,
    /// to the minute; Everflow's whole reach (365 days) for an empty archive.
    pub fn reconcile_since(&self) -> String {
        match self.archive_newest {
            Some(newest) => {
                let since = newest.received_at - CONVERSION_DELAY_MS;
                time_of(since - since.rem_euclid(60_000))
            }
            None => "365d".to_owned(),
        }
    }

    /// The command that archives the missing conversions and events.
    pub fn reconcile_command(&self) -> String {
        format!(
            "evarchive --db {} reconcile --apply --since {}",
            self.db.display(),
            self.reconcile_since()
        )
    }

    /// One sentence for the log and `/healthz`.
    pub fn describe(&self) -> String {
        let acknowledged = format!(
            "serve had acknowledged deliveries up to id {}, which arrived at {}",
            self.acknowledged.delivery_id,
            self.missing_until()
        );
        let found = match self.archive_newest {
            Some(newest) => format!(
                "its newest delivery is id {}, which arrived at {}",
                newest.delivery_id,
                time_of(newest.received_at)
            ),
            None => "it holds no delivery".to_owned(),
        };
        format!(
            "the archive is older than what was acknowledged into it (restored from a backup, or replaced by an older copy): {found}, but {acknowledged}. What arrived in between is not in it, and those delivery ids will be given to new deliveries. Archive the conversions and events among them from Everflow's reporting with serve stopped: `{}` (needs EVARCHIVE_EVERFLOW_API_KEY); offers, advertisers and partners come back with their next update",
            self.reconcile_command()
        )
    }
}

fn time_of(millis: i64) -> String {
    jiff::Timestamp::from_millisecond(millis)
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|_| millis.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_starts_an_hour_before_the_newest_arrival_to_the_minute() {
        let gap = RestoreGap {
            db: PathBuf::from("/var/lib/evarchive/evarchive.db"),
            // 2026-12-04T15:30:45.500Z
            archive_newest: Some(Newest {
                delivery_id: 7,
                received_at: 1_796_398_245_500,
            }),
            acknowledged: Newest {
                delivery_id: 12,
                received_at: 1_796_398_845_000,
            },
        };
        assert_eq!(gap.missing_since().as_deref(), Some("2026-12-04T15:30:45Z"));
        assert_eq!(gap.missing_until(), "2026-12-04T15:40:45Z");
        assert_eq!(
            gap.reconcile_command(),
            "evarchive --db /var/lib/evarchive/evarchive.db reconcile --apply --since 2026-12-04T14:30:00Z"
        );
        let empty = RestoreGap {
            archive_newest: None,
            ..gap
        };
        assert_eq!(empty.reconcile_since(), "365d");
        assert!(empty.describe().contains("it holds no delivery"));
    }
}
