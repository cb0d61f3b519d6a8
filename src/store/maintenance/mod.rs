//! Maintenance beside a running serve: prune and retention, reindex (and reading bodies
//! again), backups.

pub mod backup;
pub mod prune;
pub mod reindex;
pub(in crate::store) mod reread;
pub mod retention;
