//! Bodies as they are kept: compressed with zstd, using a dictionary trained
//! from the archive's own bodies of the same resource type once there are
//! enough of them, and read back byte for byte. The SHA-256 kept beside each
//! body is that of the bytes as received, so a read-back is checked against
//! what arrived.
//!
//! Compression runs where the delivery is prepared (the HTTP workers), never
//! on the single writer.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, RwLock};

use zstd::dict::{DecoderDictionary, EncoderDictionary};

use crate::everflow::ResourceType;
use crate::store::references::Base;
use crate::store::zstd_contexts::{From, With, compress, decompress};

/// How a body's bytes are kept (`bodies.codec`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// As received (archives written before schema version 3).
    AsReceived = 0,
    /// zstd; when `bodies.reference_body_id` is set, against that body (an
    /// earlier version of the same resource, itself kept without a
    /// reference) as raw content.
    Zstd = 1,
    /// zstd with the dictionary `bodies.dictionary_id`.
    ZstdWithDictionary = 2,
}

impl Codec {
    pub fn from_code(code: i64) -> Option<Codec> {
        match code {
            0 => Some(Codec::AsReceived),
            1 => Some(Codec::Zstd),
            2 => Some(Codec::ZstdWithDictionary),
            _ => None,
        }
    }
}

/// A delta at most 1/16 of the body is kept without comparing: a body
/// alone compresses to about 1/4 (BENCHMARKS.md, offers).
const SMALL_DELTA: usize = 16;

/// zstd's level: 3 (its default) compresses a 1.7 KB conversion in a few
/// microseconds; higher levels gained little on these bodies.
const LEVEL: i32 = 3;

/// A body ready to store.
#[derive(Debug, Clone)]
pub struct StoredBody {
    pub codec: Codec,
    pub dictionary_id: Option<i64>,
    pub reference_body_id: Option<i64>,
    /// The SHA-256 of that reference as received: the writer checks the row
    /// still holds it (a pruned body's id may be given to another).
    pub reference_sha256: Option<[u8; 32]>,
    /// Length of the bytes as received.
    pub length: usize,
    pub bytes: Vec<u8>,
}

/// A trained dictionary, prepared for both directions.
pub struct Dictionary {
    pub id: i64,
    pub resource_type: ResourceType,
    encoder: EncoderDictionary<'static>,
    decoder: DecoderDictionary<'static>,
}

impl Dictionary {
    pub fn new(id: i64, resource_type: ResourceType, bytes: &[u8]) -> Dictionary {
        Dictionary {
            id,
            resource_type,
            encoder: EncoderDictionary::copy(bytes, LEVEL),
            decoder: DecoderDictionary::copy(bytes),
        }
    }
}

/// The archive's dictionaries: the newest per resource type compresses, any
/// of them decompresses. Shared by the HTTP workers, the readers and the
/// trainer.
#[derive(Default)]
pub struct Dictionaries {
    state: RwLock<State>,
}

#[derive(Default)]
struct State {
    newest: HashMap<ResourceType, Arc<Dictionary>>,
    by_id: HashMap<i64, Arc<Dictionary>>,
}

impl Dictionaries {
    /// Adds a dictionary; the newest of a type is the one compressing.
    pub fn add(&self, dictionary: Dictionary) {
        let dictionary = Arc::new(dictionary);
        if let Ok(mut state) = self.state.write() {
            let newer = state
                .newest
                .get(&dictionary.resource_type)
                .is_none_or(|current| current.id < dictionary.id);
            if newer {
                state
                    .newest
                    .insert(dictionary.resource_type, Arc::clone(&dictionary));
            }
            state.by_id.insert(dictionary.id, dictionary);
        }
    }

    /// The id of the dictionary compressing `resource_type`, if any.
    pub fn newest_id(&self, resource_type: ResourceType) -> Option<i64> {
        let state = self.state.read().ok()?;
        state.newest.get(&resource_type).map(|d| d.id)
    }

    /// `raw` compressed for keeping. Falls back to keeping it as received in
    /// the unlikely case compression fails or does not help.
    pub fn compress(&self, resource_type: ResourceType, raw: &[u8]) -> StoredBody {
        let dictionary = self
            .state
            .read()
            .ok()
            .and_then(|state| state.newest.get(&resource_type).cloned());
        let compressed = match &dictionary {
            Some(dictionary) => compress(raw, With::Prepared(dictionary.encoder.as_cdict()))
                .map(|bytes| (Codec::ZstdWithDictionary, Some(dictionary.id), bytes)),
            None => compress(raw, With::Nothing { level: LEVEL })
                .map(|bytes| (Codec::Zstd, None, bytes)),
        };
        match compressed {
            Ok((codec, dictionary_id, bytes)) if bytes.len() < raw.len() => StoredBody {
                codec,
                dictionary_id,
                reference_body_id: None,
                reference_sha256: None,
                length: raw.len(),
                bytes,
            },
            _ => StoredBody {
                codec: Codec::AsReceived,
                dictionary_id: None,
                reference_body_id: None,
                reference_sha256: None,
                length: raw.len(),
                bytes: raw.to_vec(),
            },
        }
    }

    /// `raw` compressed against `base` (an earlier version of the same
    /// resource, as received) when that is much smaller than compressing it
    /// alone; `None` when the versions differ too much, and `raw` is better
    /// kept as the next base.
    pub fn compress_against(
        &self,
        resource_type: ResourceType,
        base: &Base,
        raw: &[u8],
    ) -> Option<StoredBody> {
        let content = With::Content {
            bytes: &base.bytes,
            level: LEVEL,
        };
        let delta = compress(raw, content).ok()?;
        // Small against what the body alone would cost: keep the delta.
        // Otherwise compare (twice the work, only for bodies that changed a
        // lot) and keep the delta only if it still wins.
        if delta.len() * SMALL_DELTA > raw.len()
            && delta.len() >= self.compress(resource_type, raw).bytes.len()
        {
            return None;
        }
        Some(StoredBody {
            codec: Codec::Zstd,
            dictionary_id: None,
            reference_body_id: Some(base.body_id),
            reference_sha256: Some(base.sha256),
            length: raw.len(),
            bytes: delta,
        })
    }

    /// The bytes as received, from what is kept. `base` is the reference
    /// body as received, for a body kept against one.
    pub fn decompress(
        &self,
        stored: &[u8],
        codec: Codec,
        dictionary_id: Option<i64>,
        length: usize,
        base: Option<&[u8]>,
    ) -> io::Result<Vec<u8>> {
        match codec {
            Codec::AsReceived => Ok(stored.to_vec()),
            Codec::Zstd => match base {
                Some(base) => decompress(stored, length, From::Content(base)),
                None => decompress(stored, length, From::Nothing),
            },
            Codec::ZstdWithDictionary => {
                let dictionary = dictionary_id
                    .and_then(|id| self.state.read().ok()?.by_id.get(&id).cloned())
                    .ok_or_else(|| {
                        io::Error::new(
                            io::ErrorKind::NotFound,
                            format!("dictionary {dictionary_id:?} is not in the archive"),
                        )
                    })?;
                decompress(
                    stored,
                    length,
                    From::Prepared(dictionary.decoder.as_ddict()),
                )
            }
        }
    }
}

impl Dictionaries {
    /// Every dictionary the archive keeps.
    pub fn load(conn: &rusqlite::Connection) -> rusqlite::Result<Dictionaries> {
        let dictionaries = Dictionaries::default();
        let mut statement =
            conn.prepare("SELECT dictionary_id, resource_type, bytes FROM dictionaries")?;
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        for row in rows {
            let (id, resource_type, bytes) = row?;
            if let Some(resource_type) = ResourceType::from_name(&resource_type) {
                dictionaries.add(Dictionary::new(id, resource_type, &bytes));
            }
        }
        Ok(dictionaries)
    }
}

/// Trains a dictionary from sample bodies of one type: zstd's trainer, at
/// most `max_bytes` (its default size, 110 KiB, suits bodies of 1–50 KB).
pub fn train(samples: &[Vec<u8>], max_bytes: usize) -> io::Result<Vec<u8>> {
    zstd::dict::from_samples(samples, max_bytes)
}

/// The dictionary size trained.
pub const DICTIONARY_BYTES: usize = 110 * 1024;

#[cfg(test)]
mod tests;
