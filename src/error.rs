//! The library's one error type. `main.rs` maps it to an exit code; the webhook
//! handler has its own (`server::WebhookError`) mapped to HTTP statuses.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "no archive at {path}: start `evarchive serve` once to create it, or point --db (EVARCHIVE_DB) at an existing archive"
    )]
    ArchiveMissing { path: PathBuf },

    #[error(
        "{path} is not an evarchive archive ({why}); it was left untouched. Point --db (EVARCHIVE_DB) at an archive created by `evarchive serve`"
    )]
    NotAnArchive { path: PathBuf, why: String },

    #[error(
        "{path} has schema version {found}, newer than this evarchive understands (up to {supported}); it was left untouched. Upgrade evarchive to read it"
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },

    #[error(
        "{path} has schema version {found}, from an earlier release; this evarchive reads version {current}. Start `evarchive serve` on it once to upgrade it in place (in one transaction: the file is unchanged unless the upgrade completes), then run this again"
    )]
    NeedsUpgrade {
        path: PathBuf,
        found: i64,
        current: i64,
    },

    #[error(
        "another evarchive serve is running on {path} ({holder}); stop it first, or give this one another --db"
    )]
    AlreadyServed { path: PathBuf, holder: String },

    #[error(
        "{refused} line(s) were refused and not imported (listed above); every other line was committed"
    )]
    ImportRefused { refused: u64 },

    #[error(
        "the archive keeps no webhook token: serve makes one on its first start without --token (EVARCHIVE_TOKEN); run `evarchive token --rotate` to make one now"
    )]
    NoToken,

    #[error("cannot upgrade the archive's schema: {0}; the archive was left as it was")]
    Migration(String),

    #[error(
        "there is no archive at {path}, but one was kept there ({created}; see {marker}): it was deleted or moved, and starting a new, empty one in its place would hide that. Restore it (e.g. from a backup) or point --db at where it is now; to start a new archive here on purpose, delete {marker}"
    )]
    ArchiveVanished {
        path: PathBuf,
        marker: PathBuf,
        created: String,
    },

    #[error(
        "{path} is not the archive kept there: {marker} names archive {expected}, but this file is {found}. Another archive was copied or moved into place; it was left untouched. Put the right archive back, or, to serve this file here from now on, start once with `evarchive serve --adopt-archive` (or delete {marker})"
    )]
    ArchiveMismatch {
        path: PathBuf,
        marker: PathBuf,
        expected: String,
        found: String,
    },

    #[error(
        "cannot write to the archive {path} ({why}): serve needs to write the file and create files beside it. Check the permissions of the file and its directory, the filesystem's mount options (read-only?), immutable attributes (lsattr) and free space"
    )]
    NotWritable { path: PathBuf, why: String },

    #[error("no {what} with id {id} in the archive; list them with `evarchive query {what}`")]
    NotFound { what: &'static str, id: String },

    #[error("invalid {flag}: {why}")]
    InvalidArgument { flag: &'static str, why: String },

    #[error(
        "no Everflow API key: set {variable} or give --api-key-file PATH with a network API key \
         (Control Center › Security)"
    )]
    NoApiKey { variable: &'static str },

    #[error(
        "cannot listen on {addr}: {source}. Pick another address with --listen (EVARCHIVE_LISTEN)"
    )]
    Bind {
        addr: String,
        source: std::io::Error,
    },

    #[error("cannot serve HTTPS with {path}: {why}")]
    Tls { path: PathBuf, why: String },

    #[error("archive database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("archive connection pool error: {0}")]
    Pool(#[from] r2d2::Error),

    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },

    #[error(
        "verify found {problems} problem(s), listed above; the archive was not changed. Keep a copy of it as it is, and restore what no longer reads back from a backup or a dump{}",
        if *outdated > 0 { format!("; the {outdated} marked \"outdated extraction\" are not damage: `evarchive reindex` writes them again from their bodies") } else { String::new() }
    )]
    VerifyFailed { problems: usize, outdated: usize },

    #[error(
        "verify found {rows} typed row(s), listed above, that differ from what this release extracts from their bodies, which read back intact{why}: an outdated extraction, not damage. Run `evarchive reindex` (safe while serve runs) to write them again from the bodies, then `evarchive verify`"
    )]
    OutdatedExtraction { rows: usize, why: String },

    #[error(
        "the body of version {version_id} no longer reads back ({why}), so its {column} cannot be shown; run `evarchive verify` to list every such body, and leave out the columns read from bodies (--columns) to read the rest"
    )]
    BodyUnreadable {
        version_id: i64,
        column: &'static str,
        why: &'static str,
    },

    #[error(
        "a {column} total is beyond what can be printed exactly (±9,223,372,036,854 units): \
         narrow the window (--since/--until) or report by a finer group (--by)"
    )]
    TotalTooLarge { column: &'static str },

    #[error(
        "a time in the archive (Unix second {seconds}) is outside the years a calendar can show, \
         so it has no day or hour to be reported under; `evarchive verify` lists rows that differ \
         from their bodies"
    )]
    TimeOutOfRange { seconds: i64 },

    #[error("cannot write the output: {0}")]
    Output(std::io::Error),

    /// Everflow's reporting API could not be read; the message names the fix
    /// and never holds the API key.
    #[error("cannot read Everflow's reporting API: {0}")]
    EverflowApi(String),

    #[error(
        "reconcile found {findings} difference(s) between the archive and Everflow (listed on stdout)"
    )]
    DifferencesFound { findings: usize },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Documented exit codes: 2 for a bad command line, 3 when reconcile
    /// found differences, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::InvalidArgument { .. } | Error::NoApiKey { .. } => 2,
            Error::DifferencesFound { .. } => 3,
            // Finished, every other line committed: not the failure 1 is.
            Error::ImportRefused { .. } => 4,
            Error::OutdatedExtraction { .. } => 4,
            _ => 1,
        }
    }

    /// The reader of our output went away (`evarchive export … | head`): not a
    /// failure, the consumer simply had enough.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}
