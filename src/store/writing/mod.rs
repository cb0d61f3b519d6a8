//! Writing: the write door (`Intake`), the single writer thread and what it stores for a
//! delivery, the pace maintenance keeps beside it, checkpoints, disk room and health.

pub(in crate::store) mod apply;
pub mod bulk;
pub mod checkpointer;
pub(in crate::store) mod conversion_fields;
pub(in crate::store) mod counters;
pub(in crate::store) mod dating;
pub mod disk;
pub mod incoming;
pub(in crate::store) mod intake;
pub(in crate::store) mod lock_wait;
pub mod pace;
pub(in crate::store) mod typed_rows;
pub mod write_health;
pub mod writer;
