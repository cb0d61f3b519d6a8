//! The read door: every question the commands, `/healthz`, `/metrics` and the
//! token check ask of an archive, as typed methods. Connections and SQL stay
//! behind it; a reading command opens a [`Reader`], serve takes one from its
//! [`Readers`] for each question.

use std::collections::HashMap;
use std::ops::Deref;
use std::path::Path;

use r2d2::PooledConnection;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::Connection;

use super::{
    CurrentConversion, DatasetColumn, DumpFilter, DumpedDelivery, Scrub, Selected, Step, TypeStats,
    VersionRecord, aggregate, current_conversions, dump, inspect, offer_terms, select, verify,
};
use crate::error::Result;
use crate::everflow::{PricingTerms, ResourceType};
use crate::grouped_sums::{Dimension, KeyPart, Sums};
use crate::rows::RowSink;
use crate::selection::{Selection, What};
use crate::store::extraction::{ExtractionAge, extraction_age};
use crate::store::pool::ReadPool;
use crate::store::webhook_tokens::{WebhookTokens, webhook_tokens};

/// A read-only (`query_only`) view of one archive: its own connection
/// (boxed, so that both it and serve's pooled ones are a `Deref`), or one of
/// serve's pool.
pub struct Reader<C = Box<Connection>> {
    conn: C,
}

impl Reader {
    /// Opens an existing archive for reading. It must exist (reading never
    /// creates one) and be an evarchive archive of a version we understand.
    pub fn open(path: &Path) -> Result<Reader> {
        Ok(Reader {
            conn: Box::new(super::open_reader(path)?),
        })
    }
}

/// Serve's readers: one connection of its pool a question.
#[derive(Clone, Debug)]
pub struct Readers {
    pool: ReadPool,
}

impl Readers {
    pub(crate) fn new(pool: ReadPool) -> Readers {
        Readers { pool }
    }

    /// A reader for one question; fails when the archive cannot be opened
    /// within the pool's timeout (a deleted archive file).
    pub fn get(&self) -> Result<Reader<PooledConnection<SqliteConnectionManager>>> {
        Ok(Reader {
            conn: self.pool.get()?,
        })
    }
}

/// The current names of the offers, partners and advertisers heading a
/// report's groups, by dimension and id.
pub type GroupNames = HashMap<(Dimension, KeyPart), String>;

impl<C: Deref<Target = Connection>> Reader<C> {
    /// Sends every row of `selection` (at most `limit`) to `sink`, with `columns`.
    pub fn select_rows(
        &self,
        selection: &Selection,
        columns: &[DatasetColumn],
        limit: Option<u64>,
        sink: &mut dyn RowSink,
    ) -> Result<Selected> {
        select::select_rows(&self.conn, selection, columns, limit, sink)
    }

    /// Sums per group of `dimensions` over what `selection` picks (day and
    /// hour parts as 15-minute buckets, see `grouped_sums`).
    pub fn sum_groups(
        &self,
        selection: &Selection,
        dimensions: &[Dimension],
    ) -> Result<Vec<(Vec<KeyPart>, Sums)>> {
        aggregate::sum_groups(&self.conn, selection, dimensions)
    }

    /// The name last seen with each offer, partner and advertiser id among
    /// `keys` (groups of `dimensions`), looked up once per distinct id.
    pub fn group_names<'k>(
        &self,
        what: What,
        dimensions: &[Dimension],
        keys: impl IntoIterator<Item = &'k Vec<KeyPart>>,
    ) -> Result<GroupNames> {
        let mut found: HashMap<(Dimension, KeyPart), Option<String>> = HashMap::new();
        for key in keys {
            for (&dimension, part) in dimensions.iter().zip(key) {
                if dimension.is_named() && !found.contains_key(&(dimension, part.clone())) {
                    let name = aggregate::latest_name(&self.conn, what, dimension, part)?;
                    found.insert((dimension, part.clone()), name);
                }
            }
        }
        Ok(found
            .into_iter()
            .filter_map(|(group, name)| Some((group, name?)))
            .collect())
    }

    /// How many of the records `selection` picks are dated by their arrival.
    pub fn count_dated_by_arrival(&self, selection: &Selection) -> Result<u64> {
        aggregate::count_dated_by_arrival(&self.conn, selection)
    }

    /// Every version of the resources of `resource_type` whose identity is
    /// `id` (or starts `id:`), bodies as received.
    pub fn versions_of(&self, resource_type: ResourceType, id: &str) -> Result<Vec<VersionRecord>> {
        inspect::versions_of(&self.conn, resource_type, id)
    }

    /// An offer version's payout and revenue terms.
    pub fn offer_terms(&self, version_id: i64) -> Result<Option<(PricingTerms, PricingTerms)>> {
        offer_terms::offer_terms(&self.conn, version_id)
    }

    /// Figures for `stats`, for one resource type.
    pub fn type_stats(&self, resource_type: ResourceType) -> Result<TypeStats> {
        inspect::type_stats(&self.conn, resource_type)
    }

    /// Refused requests that named no known kind.
    pub fn refusals_without_kind(&self) -> Result<i64> {
        inspect::refusals_without_kind(&self.conn)
    }

    /// How many deliveries the archive has taken (the newest delivery id).
    pub fn delivery_count(&self) -> Result<i64> {
        inspect::delivery_count(&self.conn)
    }

    /// Each kind's last arrival (Unix ms), for the stale-feed alarm.
    pub fn last_arrivals(&self) -> Result<HashMap<String, i64>> {
        inspect::last_arrivals(&self.conn)
    }

    /// The webhook tokens the archive accepts.
    pub fn webhook_tokens(&self) -> Result<WebhookTokens> {
        Ok(webhook_tokens(&self.conn)?)
    }

    /// Calls `each` with every delivery `filter` selects, in order of arrival.
    pub fn each_delivery(
        &self,
        filter: &DumpFilter,
        each: impl FnMut(DumpedDelivery) -> Result<()>,
    ) -> Result<u64> {
        dump::each_delivery(&self.conn, filter, each)
    }

    /// Scrubs the archive; `progress` hears each step's rows as they are checked.
    pub fn verify(&self, progress: impl FnMut(Step, u64)) -> Result<Scrub> {
        verify::verify(&self.conn, progress)
    }

    /// Whether the typed rows were made by this release's extraction.
    pub fn extraction_age(&self) -> Result<ExtractionAge> {
        extraction_age(&self.conn)
    }

    /// The current conversions of a window (Unix seconds), for reconcile.
    pub fn current_conversions(&self, start: i64, end: i64) -> Result<Vec<CurrentConversion>> {
        current_conversions::current_conversions(&self.conn, start, end)
    }
}
