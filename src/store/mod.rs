//! SQLite: opening the archive, the single writer, and the read pool. This is
//! the only place that knows SQL.

pub mod acknowledged;
mod apply;
mod archive;
pub mod backup;
pub mod bodies;
mod body_rows;
pub mod bulk;
pub mod checkpointer;
pub mod compression;
mod conversion_fields;
mod counters;
mod dating;
pub mod disk;
pub mod extraction;
pub mod identity;
pub mod incoming;
mod kept_body;
mod lock_wait;
mod migrate;
pub mod open;
pub mod pace;
mod pool;
pub mod prune;
pub mod read;
pub mod references;
pub mod reindex;
mod reread;
pub mod restore_gap;
pub mod retention;
pub mod serve_lock;
pub mod settings;
mod trainer;
mod typed_rows;
pub mod webhook_tokens;
pub mod write_health;
pub mod writer;
mod zstd_contexts;

pub use archive::{Archive, ArchiveOptions, DiskAtStart};
pub use incoming::{DeliveryOutcome, IncomingDelivery, Refusal, StoredDelivery};
pub use open::{ArchiveState, OpenMode, open_archive};
pub use pace::WriteTimes;
pub use read::{Reader, Readers};
pub use trainer::TrainingRules;
pub use writer::{Rejected, WriteFailed, WriterHandle, WriterLimits, WriterThread};
