//! A body row as kept (compressed, perhaps with a dictionary), and reading it
//! back to the bytes as received: shared by `show`, `dump` and `verify`.

use rusqlite::Row;

use crate::error::{Error, Result};
use crate::store::bodies::{Codec, Dictionaries};

/// The columns of `bodies` (aliased `b`) a [`KeptBody`] is read from, in order.
pub const KEPT_BODY_COLUMNS: &str =
    "b.body_id, b.stored, b.codec, b.dictionary_id, coalesce(b.length, length(b.stored))";

/// One row of `bodies`, not yet read back.
#[derive(Debug, Clone)]
pub struct KeptBody {
    pub body_id: i64,
    stored: Vec<u8>,
    codec: i64,
    dictionary_id: Option<i64>,
    /// Length as received.
    pub length: i64,
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
        })
    }

    /// The bytes as received.
    pub fn read_back(&self, dictionaries: &Dictionaries) -> Result<Vec<u8>> {
        let body_id = self.body_id;
        let unreadable = |source| Error::Io {
            context: format!("cannot read body {body_id} back"),
            source,
        };
        let codec = Codec::from_code(self.codec).ok_or_else(|| {
            unreadable(std::io::Error::other(format!(
                "unknown codec {}",
                self.codec
            )))
        })?;
        let length = usize::try_from(self.length).map_err(|_| {
            unreadable(std::io::Error::other(format!(
                "impossible length {}",
                self.length
            )))
        })?;
        dictionaries
            .decompress(&self.stored, codec, self.dictionary_id, length)
            .map_err(unreadable)
    }
}
