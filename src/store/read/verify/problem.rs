//! What `verify` reports: each kind of problem, and how it reads.

use std::fmt;

/// Something the archive holds that is not what arrived, or not what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A line of `PRAGMA integrity_check`.
    Integrity(String),
    BodyUnreadable {
        body_id: i64,
        why: String,
    },
    BodyDigest {
        body_id: i64,
    },
    BodyLength {
        body_id: i64,
        recorded: i64,
        read: usize,
    },
    /// The body of a version no longer reads as the kind it was archived under.
    Reread {
        version_id: i64,
        why: String,
    },
    /// The body holds no resource with the version's identity.
    ResourceMissing {
        version_id: i64,
        resource_id: String,
    },
    ContentHash {
        version_id: i64,
    },
    TypedRowMissing {
        version_id: i64,
        table: &'static str,
    },
    TypedRow {
        version_id: i64,
        table: &'static str,
        column: String,
        archived: String,
        extracted: String,
    },
    Counter {
        kind: String,
        counter: &'static str,
        recorded: Option<i64>,
        counted: Option<i64>,
    },
    /// A version whose body row is missing: `show` and `export` cannot read it.
    VersionBodyMissing {
        version_id: i64,
        body_id: i64,
    },
    /// A line of `PRAGMA foreign_key_check`: a row naming a parent row that
    /// is not there.
    ForeignKey {
        table: String,
        rowid: Option<i64>,
        parent: String,
    },
}

/// What a problem calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Remedy {
    /// A typed row differs from what this release extracts from its body,
    /// which reads back intact: the body is the archive's record, and
    /// `evarchive reindex` writes the row again from it.
    Reindex,
    /// Something does not read back as it arrived, or disagrees with the
    /// rest: restore from a backup or a dump.
    Restore,
}

impl Problem {
    pub fn remedy(&self) -> Remedy {
        match self {
            Problem::TypedRow { .. } | Problem::TypedRowMissing { .. } => Remedy::Reindex,
            _ => Remedy::Restore,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Integrity(line) => write!(f, "SQLite integrity check: {line}"),
            Problem::BodyUnreadable { body_id, why } => {
                write!(f, "body {body_id} cannot be read back: {why}")
            }
            Problem::BodyDigest { body_id } => write!(
                f,
                "body {body_id} reads back as bytes whose SHA-256 is not the one taken on arrival"
            ),
            Problem::BodyLength {
                body_id,
                recorded,
                read,
            } => write!(
                f,
                "body {body_id} reads back as {read} bytes; {recorded} arrived"
            ),
            Problem::Reread { version_id, why } => write!(
                f,
                "version {version_id}: its body no longer reads as the kind it was archived under: {why}"
            ),
            Problem::ResourceMissing {
                version_id,
                resource_id,
            } => write!(
                f,
                "version {version_id}: its body holds no resource {resource_id}"
            ),
            Problem::ContentHash { version_id } => write!(
                f,
                "version {version_id}: its body's content hash is not the one archived (deduplication would differ)"
            ),
            Problem::TypedRowMissing { version_id, table } => write!(
                f,
                "version {version_id}: no row in {table} (outdated extraction: run `evarchive reindex`)"
            ),
            Problem::TypedRow {
                version_id,
                table,
                column,
                archived,
                extracted,
            } => write!(
                f,
                "version {version_id}: {table}.{column} is {archived}, its body says {extracted} (outdated extraction: run `evarchive reindex`)"
            ),
            Problem::Counter {
                kind,
                counter,
                recorded,
                counted,
            } => {
                let show = |n: &Option<i64>| n.map_or_else(|| "none".to_owned(), |n| n.to_string());
                write!(
                    f,
                    "counter {counter} of {kind}: {} recorded, {} counted",
                    show(recorded),
                    show(counted)
                )
            }
            Problem::VersionBodyMissing {
                version_id,
                body_id,
            } => write!(
                f,
                "version {version_id}: its body {body_id} is missing (`show` and `export` cannot read it)"
            ),
            Problem::ForeignKey {
                table,
                rowid,
                parent,
            } => {
                let row = rowid.map_or_else(|| "a row".to_owned(), |id| format!("row {id}"));
                write!(f, "{table} {row} names a row of {parent} that is not there")
            }
        }
    }
}
