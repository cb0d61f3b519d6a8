//! A body row as kept (compressed, perhaps with a dictionary or against a
//! reference body), and reading it back to the bytes as received: shared by
//! `show`, `dump`, `verify` and the dictionary trainer.

use rusqlite::{Connection, OptionalExtension, Row};

use crate::error::{Error, Result};
use crate::store::bodies::{Codec, Dictionaries};

/// The columns of `bodies` (aliased `b`) a [`KeptBody`] is read from, in order.
pub const KEPT_BODY_COLUMNS: &str = "b.body_id, b.stored, b.codec, b.dictionary_id, \
     coalesce(b.length, length(b.stored)), b.reference_body_id";

/// One row of `bodies`, not yet read back.
#[derive(Debug, Clone)]
pub struct KeptBody {
    pub body_id: i64,
    stored: Vec<u8>,
    codec: i64,
    dictionary_id: Option<i64>,
    /// Length as received.
    pub length: i64,
    reference_body_id: Option<i64>,
}

impl KeptBody {
    /// Reads the [`KEPT_BODY_COLUMNS`] starting at column `first`.
    pub fn from_row(row: &Row, first: usize) -> rusqlite::Result<KeptBody> {
        Ok(KeptBody {
            body_id: row.get(first)?,
            stored: row.get(first + 1)?,
            codec: row.get(first + 2)?,
            dictionary_id: row.get(first + 3)?,
            length: row.get(first + 4)?,
            reference_body_id: row.get(first + 5)?,
        })
    }

    /// Body `body_id`'s row, if there is one.
    pub fn find(conn: &Connection, body_id: i64) -> Result<Option<KeptBody>> {
        let sql = format!("SELECT {KEPT_BODY_COLUMNS} FROM bodies AS b WHERE b.body_id = ?1");
        Ok(conn
            .prepare_cached(&sql)?
            .query_row([body_id], |row| KeptBody::from_row(row, 0))
            .optional()?)
    }

    /// The bytes as received (reading the reference body too, for a body
    /// kept against one).
    pub fn read_back(&self, conn: &Connection, dictionaries: &Dictionaries) -> Result<Vec<u8>> {
        let base = match self.reference_body_id {
            Some(reference) if self.codec == Codec::Zstd as i64 => {
                let base = KeptBody::find(conn, reference)?.ok_or_else(|| {
                    self.unreadable(format!("its reference body {reference} is missing"))
                })?;
                if base.reference_body_id.is_some() {
                    return Err(self.unreadable(format!(
                        "its reference body {reference} is itself kept against another"
                    )));
                }
                let bytes = base
                    .read_back(conn, dictionaries)
                    .map_err(|failure| self.unreadable(format!("its reference body: {failure}")))?;
                Some(bytes)
            }
            Some(reference) => {
                return Err(self.unreadable(format!(
                    "it names reference body {reference} but codec {} takes none",
                    self.codec
                )));
            }
            None => None,
        };
        let codec = Codec::from_code(self.codec)
            .ok_or_else(|| self.unreadable(format!("unknown codec {}", self.codec)))?;
        let length = usize::try_from(self.length)
            .map_err(|_| self.unreadable(format!("impossible length {}", self.length)))?;
        dictionaries
            .decompress(
                &self.stored,
                codec,
                self.dictionary_id,
                length,
                base.as_deref(),
            )
            .map_err(|source| self.unreadable_because(source))
    }

    fn unreadable(&self, why: String) -> Error {
        self.unreadable_because(std::io::Error::other(why))
    }

    fn unreadable_because(&self, source: std::io::Error) -> Error {
        Error::Io {
            context: format!("cannot read body {} back", self.body_id),
            source,
        }
    }
}
