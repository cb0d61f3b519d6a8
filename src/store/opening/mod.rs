//! Opening an archive and what it keeps about itself: recognising or creating it, upgrading
//! it (migrations, re-extraction), one serve per file, its settings, tokens and notes.

pub mod acknowledged;
pub mod extraction;
pub mod identity;
pub(in crate::store) mod migrate;
pub mod open;
pub mod reconcile_note;
pub mod restore_gap;
pub mod serve_lock;
pub mod settings;
pub mod webhook_tokens;
