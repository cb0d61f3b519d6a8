//! SQLite: the only place that knows SQL. By what it does:
//!
//! - `opening/`: recognising, creating and upgrading an archive, one serve per
//!   file, what the archive keeps about itself (settings, tokens, notes);
//! - `keeping/`: how bodies are kept (by content, compressed with trained
//!   dictionaries or against their resource's last version);
//! - `writing/`: the write door (`Intake`), the single writer and what it
//!   stores for a delivery, the pace maintenance keeps beside it;
//! - `read/`: the read door (`Reader`, serve's `Readers`) and its queries;
//! - `maintenance/`: prune and retention, reindex, backups;
//! - `archive.rs`: the archive as serve runs it, its threads started.
//!
//! The modules are re-exported here under their own names, so that a path
//! says what a thing is (`store::prune`), not which folder holds it.

mod archive;

mod keeping;
mod maintenance;
mod opening;
pub mod read;
mod writing;

pub use keeping::bodies;
use keeping::body_rows;
pub use keeping::compression;
use keeping::kept_body;
pub use keeping::references;
use keeping::trainer;
use keeping::zstd_contexts;
pub use maintenance::backup;
pub use maintenance::prune;
pub use maintenance::reindex;
use maintenance::reread;
pub use maintenance::retention;
pub use opening::acknowledged;
pub use opening::extraction;
pub use opening::identity;
use opening::migrate;
pub use opening::open;
pub use opening::reconcile_note;
pub use opening::restore_gap;
pub use opening::serve_lock;
pub use opening::settings;
pub use opening::webhook_tokens;
use read::pool;
use writing::apply;
pub use writing::bulk;
pub use writing::checkpointer;
use writing::conversion_fields;
use writing::counters;
use writing::dating;
pub use writing::disk;
pub use writing::incoming;
use writing::intake;
use writing::lock_wait;
pub use writing::pace;
use writing::typed_rows;
pub use writing::write_health;
pub use writing::writer;

pub use archive::{Archive, ArchiveOptions, DiskAtStart};
pub use incoming::{DeliveryOutcome, IncomingDelivery, Refusal, StoredDelivery};
pub use intake::{Intake, Kept, Pending};
pub use open::{ArchiveState, OpenMode, open_archive};
pub use pace::WriteTimes;
pub use read::{Reader, Readers};
pub use trainer::TrainingRules;
pub use writer::{Rejected, WriteFailed, WriterHandle, WriterLimits, WriterThread};
