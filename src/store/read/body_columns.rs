//! The columns a typed row does not keep, read from the version's stored body
//! by the extraction that `serve` ran on it (schema version 5 keeps a
//! conversion's long tail only there).

use rusqlite::Connection;
use rusqlite::types::Value;

use super::datasets::DatasetColumn;
use crate::error::{Error, Result};
use crate::everflow::records::TypedColumns;
use crate::store::bodies::Dictionaries;
use crate::store::conversion_fields::{fields, value_named};
use crate::store::reread::{RereadFailure, Rereader, StoredVersion, version_sql};

/// Reads the body columns of a selection, version by version.
pub struct BodyColumns {
    rereader: Rereader,
    /// (place in the selected columns, column name).
    wanted: Vec<(usize, &'static str)>,
    version_sql: String,
}

impl BodyColumns {
    /// `None` when none of `columns` comes from the body, so a selection of
    /// typed columns alone never touches a body.
    pub fn of(conn: &Connection, columns: &[DatasetColumn]) -> Result<Option<BodyColumns>> {
        let wanted: Vec<_> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.from_body)
            .map(|(place, c)| (place, c.column.name))
            .collect();
        if wanted.is_empty() {
            return Ok(None);
        }
        Ok(Some(BodyColumns {
            rereader: Rereader::new(Dictionaries::load(conn)?),
            wanted,
            version_sql: version_sql(),
        }))
    }

    /// The wanted columns of version `version_id`, each with its place.
    pub fn read(&self, conn: &Connection, version_id: i64) -> Result<Vec<(usize, Value)>> {
        let first_column = self.wanted[0].1;
        let unreadable = |why| Error::BodyUnreadable {
            version_id,
            column: first_column,
            why,
        };
        let version = conn
            .prepare_cached(&self.version_sql)?
            .query_row([version_id], StoredVersion::from_row)?;
        let reread = self.rereader.reread(conn, &version).map_err(|failure| {
            unreadable(match failure {
                RereadFailure::BodyMissing => "its body row is missing",
                RereadFailure::MethodUnknown => "no delivery of its body is left",
                RereadFailure::Unreadable => "it does not decompress",
                RereadFailure::Extraction(_) => "it no longer reads as its kind",
                RereadFailure::ResourceMissing => "it no longer holds the resource",
            })
        })?;
        let TypedColumns::Conversion(columns) = &reread.resource.columns else {
            return Err(unreadable("it is not a conversion"));
        };
        let all = fields(columns);
        Ok(self
            .wanted
            .iter()
            .map(|(place, name)| (*place, value_named(&all, name)))
            .collect())
    }
}
