//! Committing one batch of jobs: all in one transaction, or, if that fails,
//! each alone, so a bad delivery fails by itself; then answering each sender.

use std::time::Instant;

use rusqlite::{Connection, TransactionBehavior, params};

use super::stats::WriterStats;
use super::{Job, NewDictionary, WriteFailed, WriterWatch};
use crate::store::apply::apply_delivery;
use crate::store::counters::CounterDeltas;
use crate::store::incoming::{Refusal, StoredDelivery};
use crate::store::settings;

/// What one job came to.
enum Done {
    Stored(StoredDelivery),
    Dictionary(i64),
    Nothing,
}

/// A job's outcome, or why it failed.
type JobResult = Result<Done, String>;

/// Commits every job of the batch in one transaction, then answers each sender.
/// Optimistic: nothing in a delivery can fail on its own short of SQLite
/// failing, so no per-delivery savepoint is paid for; if the batch fails, it
/// is rolled back and each job is retried in a transaction of its own, so a
/// bad delivery still fails alone.
pub(super) fn commit_batch(
    conn: &Connection,
    batch: Vec<Job>,
    watch: &WriterWatch,
    stats: &WriterStats,
) {
    let started = Instant::now();
    let problem = watch.file.problem();
    watch.health.record_file(problem.clone());
    let results: Vec<JobResult> = match problem {
        // Nothing is written into a file no one can open again.
        Some(problem) => batch.iter().map(|_| Err(problem.clone())).collect(),
        None => store_all(conn, &batch),
    };
    let committed = results.iter().any(Result::is_ok);
    let first_error = results.iter().find_map(|r| r.as_ref().err().cloned());
    stats.committed(batch.len(), started.elapsed(), !committed);
    watch.health.record_commit(match (committed, first_error) {
        (false, Some(error)) => Err(error),
        _ => Ok(()),
    });
    for (job, result) in batch.iter().zip(&results) {
        if let (Job::Delivery(delivery, _), Ok(Done::Stored(stored))) = (job, result) {
            watch
                .acknowledged
                .record(stored.delivery_id, delivery.received_at);
        }
    }
    answer(batch, results);
}

/// Stores the batch in one transaction, or each job alone if that fails.
fn store_all(conn: &Connection, batch: &[Job]) -> Vec<JobResult> {
    match store_together(conn, batch) {
        Ok(results) => results,
        Err(e) => {
            tracing::warn!(
                "batch of {} failed ({e}); storing its jobs one by one",
                batch.len()
            );
            batch
                .iter()
                .map(|job| {
                    store_together(conn, std::slice::from_ref(job))
                        .map(|mut results| results.pop().unwrap_or(Ok(Done::Nothing)))
                        .unwrap_or_else(|e| Err(e.to_string()))
                })
                .collect()
        }
    }
}

/// Runs `jobs` in one IMMEDIATE transaction, with the counters they move;
/// all or nothing.
fn store_together(conn: &Connection, jobs: &[Job]) -> rusqlite::Result<Vec<JobResult>> {
    let tx = rusqlite::Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut counters = CounterDeltas::default();
    let mut results = Vec::with_capacity(jobs.len());
    for job in jobs {
        results.push(Ok(match job {
            Job::Delivery(delivery, _) => {
                let stored = apply_delivery(&tx, delivery)?;
                counters.delivery(delivery.kind, delivery.received_at, &stored);
                Done::Stored(stored)
            }
            Job::Refusal(refusal, _) => {
                insert_refusal(&tx, refusal)?;
                counters.refusal(refusal.kind.as_deref());
                Done::Nothing
            }
            Job::Probe(_) => {
                settings::record_health_probe(&tx)?;
                Done::Nothing
            }
            Job::Dictionary(dictionary, _) => Done::Dictionary(insert_dictionary(&tx, dictionary)?),
            Job::Shutdown => Done::Nothing,
        }));
    }
    counters.write(&tx)?;
    tx.commit()?;
    Ok(results)
}

/// Tells each job's sender how it went.
fn answer(batch: Vec<Job>, results: Vec<JobResult>) {
    for (job, result) in batch.into_iter().zip(results) {
        match job {
            Job::Delivery(_, reply) => {
                let answer = match result {
                    Ok(Done::Stored(stored)) => Ok(stored),
                    Ok(_) => Err(WriteFailed::Stopped),
                    Err(e) => Err(WriteFailed::Storage(e)),
                };
                // The sender may have gone (client hung up): the row stays committed.
                let _ = reply.send(answer);
            }
            Job::Probe(reply) => {
                let _ = reply.send(result.map(|_| ()).map_err(WriteFailed::Storage));
            }
            Job::Refusal(_, logged) => {
                if let Err(e) = result {
                    tracing::warn!("refusal not logged in the archive: {e}");
                }
                let _ = logged.send(());
            }
            Job::Dictionary(_, reply) => {
                let answer = match result {
                    Ok(Done::Dictionary(id)) => Ok(id),
                    Ok(_) => Err(WriteFailed::Stopped),
                    Err(e) => Err(WriteFailed::Storage(e)),
                };
                let _ = reply.send(answer);
            }
            Job::Shutdown => {}
        }
    }
}

fn insert_refusal(conn: &Connection, refusal: &Refusal) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO refusals (received_at, kind, method, http_status, reason, detail,
                               body_length, body_prefix, sender)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        refusal.received_at,
        refusal.kind,
        refusal.method,
        refusal.http_status,
        refusal.reason,
        refusal.detail,
        refusal.body_length as i64,
        refusal.body_prefix,
        refusal.sender,
    ])?;
    Ok(())
}

fn insert_dictionary(conn: &Connection, dictionary: &NewDictionary) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO dictionaries (resource_type, trained_at, samples, versions_at_training, bytes)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        dictionary.resource_type.as_str(),
        jiff::Timestamp::now().as_millisecond(),
        dictionary.samples as i64,
        dictionary.versions_at_training,
        dictionary.bytes,
    ])?;
    Ok(conn.last_insert_rowid())
}
