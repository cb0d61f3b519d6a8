//! The counters a prune takes from, written with the rows it deletes so
//! that `stats` and `verify` agree with what is left.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::everflow::WebhookKind;

/// What a prune takes off each kind's counters, written with the rows.
#[derive(Debug, Default)]
pub(super) struct CounterCuts {
    by_kind: HashMap<WebhookKind, Cut>,
    touched: Vec<WebhookKind>,
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
        if !self.touched.contains(&kind) {
            self.touched.push(kind);
        }
        self.by_kind.entry(kind).or_default()
    }

    pub(super) fn write(&mut self, conn: &Connection) -> rusqlite::Result<()> {
        let mut update = conn.prepare_cached(
            "UPDATE counters SET deliveries = deliveries - ?2, redeliveries = redeliveries - ?3,
                                 versions = versions - ?4, resources = resources - ?5
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
        }
        Ok(())
    }

    /// The first and last arrival of each kind pruned, as the deliveries
    /// left say (through the index on kind and arrival).
    pub(super) fn settle_times(&self, conn: &Connection) -> rusqlite::Result<()> {
        let mut update = conn.prepare_cached(
            "UPDATE counters SET
                first_received_at = (SELECT min(received_at) FROM deliveries WHERE kind = ?1),
                last_received_at = (SELECT max(received_at) FROM deliveries WHERE kind = ?1)
             WHERE kind = ?1",
        )?;
        for kind in &self.touched {
            update.execute([kind.as_str()])?;
        }
        Ok(())
    }
}
