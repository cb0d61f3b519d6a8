//! Reading a version's stored body again, as `serve` read it, and the typed
//! row this release would write for it: what `verify` compares with the
//! archive, and what `reindex` writes where they differ.

use std::cell::RefCell;
use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::everflow::reread;
use crate::everflow::{ResourceRecord, WebhookKind};
use crate::store::bodies::Dictionaries;
use crate::store::kept_body::KeptBody;
use crate::store::open::SCHEMA_SQL;
use crate::store::typed_rows::{RowOrigin, insert_typed_row, table_of};

/// Versions from `?1` on, `?2` at most, in order, with what is needed to
/// read their bodies again.
pub fn version_slice_sql() -> String {
    format!(
        "{} WHERE v.version_id >= ?1 ORDER BY v.version_id LIMIT ?2",
        versions_sql()
    )
}

/// Version `?1` alone, as [`version_slice_sql`] reads it. (Not a slice of
/// one: SQLite prepares a range over a bound value again at every new
/// value, measured at a third of the time of reading a body back.)
pub fn version_sql() -> String {
    format!("{} WHERE v.version_id = ?1", versions_sql())
}

/// Every version, even one whose first delivery or body row is missing (an
/// inner join skipped those without a word: `verify` passed an archive
/// `show` could not read, issue 16). The method is that of the first
/// delivery, or of another delivery of the same body when it is gone. The
/// body is not read here: a traffic_optimized body is shared by thousands of
/// versions, and is read once for all of them (see [`Rereader`]).
fn versions_sql() -> &'static str {
    "SELECT v.version_id, v.resource_id, v.kind, v.content_sha256, v.is_current,
            coalesce(d.method, (SELECT e.method FROM deliveries AS e
                                WHERE e.body_id = v.body_id LIMIT 1)),
            v.first_received_at, v.body_id
     FROM versions AS v
     LEFT JOIN deliveries AS d ON d.delivery_id = v.first_delivery_id"
}

/// One version, with what is needed to read its body again.
pub struct StoredVersion {
    pub version_id: i64,
    pub resource_id: String,
    pub kind: String,
    pub content_sha256: Vec<u8>,
    pub is_current: bool,
    /// None when no delivery of its body is left.
    pub method: Option<String>,
    pub received_at: i64,
    pub body_id: i64,
}

impl StoredVersion {
    /// A row of [`version_slice_sql`].
    pub fn from_row(row: &rusqlite::Row) -> rusqlite::Result<StoredVersion> {
        Ok(StoredVersion {
            version_id: row.get(0)?,
            resource_id: row.get(1)?,
            kind: row.get(2)?,
            content_sha256: row.get(3)?,
            is_current: row.get(4)?,
            method: row.get(5)?,
            received_at: row.get(6)?,
            body_id: row.get(7)?,
        })
    }
}

/// A version's body read again: its resource, and where its typed row goes.
pub struct Reread {
    pub resource: ResourceRecord,
    pub origin: RowOrigin,
    /// Whether the content hash is the one archived.
    pub same_content: bool,
}

/// Why a version's body could not be read again.
#[derive(Debug, Clone)]
pub enum RereadFailure {
    /// No body row has the version's body id.
    BodyMissing,
    /// No delivery of the body is left to say how it arrived (reported as
    /// the dangling reference it is).
    MethodUnknown,
    /// The body itself cannot be read back (reported by the body check).
    Unreadable,
    /// It no longer reads as the kind it was archived under.
    Extraction(String),
    /// It holds no resource with the version's identity.
    ResourceMissing,
}

/// The resources of the body read last, by id.
type ResourcesById = HashMap<String, Vec<ResourceRecord>>;

/// A body read: (body id, kind, method), and what it read as.
type ReadBody = (
    (i64, String, String),
    std::result::Result<ResourcesById, RereadFailure>,
);

/// Reads versions' bodies again as `serve` read them, each body once for
/// the run of versions that share it: the versions of a traffic_optimized
/// delivery follow one another, and reading its body again for each of them
/// made `verify` and `reindex` quadratic in its entries (45,000 entries did
/// not finish in 11 minutes, issue 16).
pub struct Rereader {
    dictionaries: Dictionaries,
    /// (body id, kind, method) and what that body read as.
    last: RefCell<Option<ReadBody>>,
}

impl Rereader {
    pub fn new(dictionaries: Dictionaries) -> Rereader {
        Rereader {
            dictionaries,
            last: RefCell::new(None),
        }
    }

    /// Reads `version`'s body again as `serve` read it.
    pub fn reread(
        &self,
        conn: &Connection,
        version: &StoredVersion,
    ) -> std::result::Result<Reread, RereadFailure> {
        let Some(method) = version.method.clone() else {
            return Err(match KeptBody::find(conn, version.body_id) {
                Ok(None) => RereadFailure::BodyMissing,
                _ => RereadFailure::MethodUnknown,
            });
        };
        let kind = WebhookKind::from_name(&version.kind)
            .ok_or_else(|| RereadFailure::Extraction(format!("unknown kind {}", version.kind)))?;
        let key = (version.body_id, version.kind.clone(), method);
        let mut last = self.last.borrow_mut();
        if last.as_ref().is_none_or(|(read, _)| *read != key) {
            let resources = self.read_body(conn, kind, &key.2, version.body_id);
            *last = Some((key, resources));
        }
        let resources = match last.as_ref().map(|(_, resources)| resources) {
            Some(Ok(resources)) => resources,
            Some(Err(failure)) => return Err(failure.clone()),
            None => return Err(RereadFailure::Unreadable),
        };
        // The one with the archived content, when an id comes twice.
        let candidates = resources
            .get(&version.resource_id)
            .ok_or(RereadFailure::ResourceMissing)?;
        let resource = candidates
            .iter()
            .find(|r| r.content_sha256.as_slice() == version.content_sha256)
            .or_else(|| candidates.first())
            .ok_or(RereadFailure::ResourceMissing)?;
        Ok(Reread {
            same_content: resource.content_sha256.as_slice() == version.content_sha256,
            resource: resource.clone(),
            origin: RowOrigin {
                version_id: version.version_id,
                kind,
                is_current: version.is_current,
                received_at: version.received_at,
            },
        })
    }

    fn read_body(
        &self,
        conn: &Connection,
        kind: WebhookKind,
        method: &str,
        body_id: i64,
    ) -> std::result::Result<ResourcesById, RereadFailure> {
        let body = KeptBody::find(conn, body_id)
            .map_err(|_| RereadFailure::Unreadable)?
            .ok_or(RereadFailure::BodyMissing)?;
        let raw = body
            .read_back(conn, &self.dictionaries)
            .map_err(|_| RereadFailure::Unreadable)?;
        let extracted =
            reread(kind, method, &raw).map_err(|e| RereadFailure::Extraction(e.to_string()))?;
        let mut resources = ResourcesById::new();
        for resource in extracted.resources {
            resources
                .entry(resource.resource_id.clone())
                .or_default()
                .push(resource);
        }
        Ok(resources)
    }
}

/// A typed row as (column, value) pairs.
pub type TypedRow = Vec<(String, Value)>;

/// A scratch database of the archive's schema, where the writer's own code
/// writes the typed row a body gives, to compare it column by column. It
/// holds typed rows without their versions: no foreign keys.
pub struct Scratch(Connection);

impl Scratch {
    pub fn new() -> Result<Scratch> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(SCHEMA_SQL)?;
        conn.execute_batch("PRAGMA foreign_keys = OFF")?;
        Ok(Scratch(conn))
    }

    /// The typed row this release writes for `reread`.
    pub fn expected(&self, reread: &Reread) -> Result<Option<TypedRow>> {
        let table = table_of(reread.origin.kind.family());
        let version_id = reread.origin.version_id;
        insert_typed_row(&self.0, &reread.origin, &reread.resource)?;
        let row = archived_row(&self.0, table, version_id)?;
        self.0
            .prepare_cached(&format!("DELETE FROM {table} WHERE version_id = ?1"))?
            .execute([version_id])?;
        Ok(row)
    }
}

/// The typed row `conn` holds for a version in `table`.
pub fn archived_row(conn: &Connection, table: &str, version_id: i64) -> Result<Option<TypedRow>> {
    let mut statement =
        conn.prepare_cached(&format!("SELECT * FROM {table} WHERE version_id = ?1"))?;
    let names: Vec<String> = statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect();
    let row = statement
        .query_row([version_id], |row| {
            names
                .iter()
                .enumerate()
                .map(|(i, name)| Ok((name.clone(), row.get::<_, Value>(i)?)))
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .optional()?;
    Ok(row)
}
