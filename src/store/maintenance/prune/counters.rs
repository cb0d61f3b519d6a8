//! The counters a prune takes from, written with the rows it deletes so
//! that `stats` and `verify` agree with what is left.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::everflow::WebhookKind;

/// What a prune takes off each kind's counters, written with the rows.
#[derive(Debug, Default)]
pub(super) struct CounterCuts {
    by_kind: HashMap<WebhookKind, Cut>,
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Cut {
    pub(super) deliveries: i64,
    pub(super) redeliveries: i64,
    pub(super) versions: i64,
    pub(super) resources: i64,
}

impl CounterCuts {
    pub(super) fn cut(&mut self, kind: WebhookKind) -> &mut Cut {
        self.by_kind.entry(kind).or_default()
    }

    /// Takes what was cut off the counters, in the transaction that deleted
    /// the rows; where deliveries went, the first and last arrival too, as
    /// the deliveries left say (two lookups in the index on kind and
    /// arrival). All in the same transaction, so a prune stopped at any
    /// moment (a kill) leaves counters that agree with the rows.
    pub(super) fn write(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut update = conn.prepare_cached(
            "UPDATE counters SET deliveries = deliveries - ?2, redeliveries = redeliveries - ?3,
                                 versions = versions - ?4, resources = resources - ?5
             WHERE kind = ?1",
        )?;
        let mut settle_times = conn.prepare_cached(
            "UPDATE counters SET
                first_received_at = (SELECT min(received_at) FROM deliveries WHERE kind = ?1),
                last_received_at = (SELECT max(received_at) FROM deliveries WHERE kind = ?1)
             WHERE kind = ?1",
        )?;
        for (kind, cut) in self.by_kind.drain() {
            update.execute(params![
                kind.as_str(),
                cut.deliveries,
                cut.redeliveries,
                cut.versions,
                cut.resources
            ])?;
            if cut.deliveries > 0 {
                settle_times.execute([kind.as_str()])?;
            }
        }
        Ok(())
    }
}
