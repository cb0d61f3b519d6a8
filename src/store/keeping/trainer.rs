//! Trains the zstd dictionaries bodies are compressed with: once a resource
//! type has enough versions archived, from its newest bodies; again (rarely)
//! when it has grown tenfold since. Runs in its own thread on its own read
//! connection, and hands the result to the writer like any other write.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::everflow::ResourceType;
use crate::store::bodies::{DICTIONARY_BYTES, Dictionaries, Dictionary, train};
use crate::store::kept_body::{KEPT_BODY_COLUMNS, KeptBody};
use crate::store::open::{OpenMode, open_archive};
use crate::store::writer::{NewDictionary, WriterHandle};

/// When to train.
#[derive(Debug, Clone, Copy)]
pub struct TrainingRules {
    /// Versions of a type archived before its first dictionary.
    pub first_after: i64,
    /// Bodies a dictionary is trained from, at most.
    pub samples: usize,
    /// How often to look.
    pub every: Duration,
}

impl Default for TrainingRules {
    fn default() -> Self {
        TrainingRules {
            first_after: 2000,
            samples: 2000,
            // Looking is two small queries; training happens rarely.
            every: Duration::from_secs(5),
        }
    }
}

/// A type is trained again once it has this many times the versions it had.
const RETRAIN_GROWTH: i64 = 10;
/// Bytes of sample bodies a dictionary is trained from, at most: zstd
/// suggests about 100 times the dictionary's size, and its trainer needs
/// several times the samples' size in memory (2,000 offers of 30 KB took
/// serve's memory past 200 MiB).
const SAMPLE_BYTES: usize = 8 * 1024 * 1024;

pub struct Trainer {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Trainer {
    pub fn spawn(
        path: &Path,
        writer: WriterHandle,
        dictionaries: Arc<Dictionaries>,
        rules: TrainingRules,
    ) -> Result<Trainer> {
        let (conn, _) = open_archive(path, OpenMode::Existing)?;
        conn.execute_batch("PRAGMA query_only = ON;")?;
        let (stop, stopped) = channel();
        let thread = std::thread::Builder::new()
            .name("dictionary-trainer".to_owned())
            .spawn(move || {
                let mut failed_at: HashMap<ResourceType, i64> = HashMap::new();
                loop {
                    for resource_type in ResourceType::ALL {
                        if let Err(e) = consider(
                            &conn,
                            resource_type,
                            &writer,
                            &dictionaries,
                            rules,
                            &mut failed_at,
                        ) {
                            tracing::warn!("dictionary for {}: {e}", resource_type.as_str());
                        }
                    }
                    if !matches!(
                        stopped.recv_timeout(rules.every),
                        Err(RecvTimeoutError::Timeout)
                    ) {
                        break;
                    }
                }
            })
            .map_err(|source| Error::Io {
                context: "cannot start the dictionary trainer".to_owned(),
                source,
            })?;
        Ok(Trainer { stop, thread })
    }

    pub fn stop(self) {
        let _ = self.stop.send(());
        if self.thread.join().is_err() {
            tracing::error!("dictionary trainer panicked");
        }
    }
}

/// Trains a dictionary for `resource_type` if one is due.
fn consider(
    conn: &Connection,
    resource_type: ResourceType,
    writer: &WriterHandle,
    dictionaries: &Dictionaries,
    rules: TrainingRules,
    failed_at: &mut HashMap<ResourceType, i64>,
) -> Result<()> {
    let versions = versions_of(conn, resource_type)?;
    let trained_at: Option<i64> = conn
        .query_row(
            "SELECT max(versions_at_training) FROM dictionaries WHERE resource_type = ?1",
            [resource_type.as_str()],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    let due = match trained_at {
        None => versions >= rules.first_after,
        Some(at) => versions >= at.saturating_mul(RETRAIN_GROWTH),
    };
    // A failed attempt waits until the type has doubled.
    let waiting = failed_at
        .get(&resource_type)
        .is_some_and(|at| versions < at.saturating_mul(2));
    if !due || waiting {
        return Ok(());
    }
    let samples = newest_bodies(conn, resource_type, rules.samples, dictionaries)?;
    let bytes = match train(&samples, DICTIONARY_BYTES) {
        Ok(bytes) => bytes,
        Err(e) => {
            failed_at.insert(resource_type, versions);
            return Err(Error::Io {
                context: format!("training from {} bodies failed", samples.len()),
                source: e,
            });
        }
    };
    let id = writer
        .keep_dictionary(NewDictionary {
            resource_type,
            samples: samples.len(),
            versions_at_training: versions,
            bytes: bytes.clone(),
        })
        .map_err(|e| Error::Io {
            context: "cannot keep the dictionary".to_owned(),
            source: std::io::Error::other(e.to_string()),
        })?;
    dictionaries.add(Dictionary::new(id, resource_type, &bytes));
    tracing::info!(
        "trained a {} KiB dictionary for {} bodies from {} of them",
        bytes.len() / 1024,
        resource_type.as_str(),
        samples.len()
    );
    Ok(())
}

/// Versions of a type, from the counters of the kinds that carry it.
fn versions_of(conn: &Connection, resource_type: ResourceType) -> rusqlite::Result<i64> {
    let mut versions = conn.prepare_cached("SELECT versions FROM counters WHERE kind = ?1")?;
    let mut total = 0;
    for kind in resource_type.kinds() {
        total += versions
            .query_row([kind.as_str()], |row| row.get::<_, i64>(0))
            .optional()?
            .unwrap_or(0);
    }
    Ok(total)
}

/// The bodies of the newest versions of a type, as received.
fn newest_bodies(
    conn: &Connection,
    resource_type: ResourceType,
    limit: usize,
    dictionaries: &Dictionaries,
) -> Result<Vec<Vec<u8>>> {
    let mut statement = conn.prepare(&format!(
        "SELECT {KEPT_BODY_COLUMNS}
         FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
         WHERE v.resource_type = ?1 ORDER BY v.version_id DESC LIMIT ?2"
    ))?;
    let rows = statement.query_map(params![resource_type.as_str(), limit as i64], |row| {
        KeptBody::from_row(row, 0)
    })?;
    let (mut bodies, mut bytes) = (Vec::new(), 0);
    for row in rows {
        // A body that does not read back is left out (`verify` reports it).
        if let Ok(body) = row?.read_back(conn, dictionaries) {
            bytes += body.len();
            bodies.push(body);
        }
        if bytes >= SAMPLE_BYTES {
            break;
        }
    }
    Ok(bodies)
}
