//! How bodies are kept: rows by content, zstd with trained dictionaries, and against the
//! last version of their resource.

pub mod bodies;
pub(in crate::store) mod body_rows;
pub mod compression;
pub(in crate::store) mod kept_body;
pub mod references;
pub(in crate::store) mod trainer;
pub(in crate::store) mod zstd_contexts;
