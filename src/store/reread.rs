//! Reading a version's stored body again, as `serve` read it, and the typed
//! row this release would write for it: what `verify` compares with the
//! archive, and what `reindex` writes where they differ.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;
use crate::everflow::{ResourceRecord, WebhookKind};
use crate::ingest::reread;
use crate::store::bodies::Dictionaries;
use crate::store::kept_body::{KEPT_BODY_COLUMNS, KeptBody};
use crate::store::open::SCHEMA_SQL;
use crate::store::typed_rows::{RowOrigin, insert_typed_row, table_of};

/// Versions from `?1` on, `?2` at most, in order, with their bodies and the
/// arrival of the delivery that first brought them.
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

fn versions_sql() -> String {
    format!(
        "SELECT v.version_id, v.resource_id, v.kind, v.content_sha256, v.is_current,
                d.method, d.received_at, {KEPT_BODY_COLUMNS}
         FROM versions AS v
         JOIN deliveries AS d ON d.delivery_id = v.first_delivery_id
         JOIN bodies AS b ON b.body_id = v.body_id"
    )
}

/// One version, with what is needed to read its body again.
pub struct StoredVersion {
    pub version_id: i64,
    pub resource_id: String,
    pub kind: String,
    pub content_sha256: Vec<u8>,
    pub is_current: bool,
    pub method: String,
    pub received_at: i64,
    pub body: KeptBody,
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
            body: KeptBody::from_row(row, 7)?,
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
pub enum RereadFailure {
    /// The body itself cannot be read back (reported by the body check).
    Unreadable,
    /// It no longer reads as the kind it was archived under.
    Extraction(String),
    /// It holds no resource with the version's identity.
    ResourceMissing,
}

/// Reads `version`'s body again as `serve` read it.
pub fn reread_version(
    conn: &Connection,
    dictionaries: &Dictionaries,
    version: &StoredVersion,
) -> std::result::Result<Reread, RereadFailure> {
    let raw = version
        .body
        .read_back(conn, dictionaries)
        .map_err(|_| RereadFailure::Unreadable)?;
    let kind = WebhookKind::from_name(&version.kind)
        .ok_or_else(|| RereadFailure::Extraction(format!("unknown kind {}", version.kind)))?;
    let extracted = reread(kind, &version.method, &raw)
        .map_err(|e| RereadFailure::Extraction(e.to_string()))?;
    let resource = extracted
        .resources
        .into_iter()
        .find(|r| r.resource_id == version.resource_id)
        .ok_or(RereadFailure::ResourceMissing)?;
    Ok(Reread {
        same_content: resource.content_sha256.as_slice() == version.content_sha256,
        resource,
        origin: RowOrigin {
            version_id: version.version_id,
            kind,
            is_current: version.is_current,
            received_at: version.received_at,
        },
    })
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
