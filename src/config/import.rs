//! `evarchive import`'s settings.

use std::path::PathBuf;

use crate::cli::ImportArgs;
use crate::everflow::WebhookKind;

#[derive(Debug, Clone)]
pub struct ImportConfig {
    pub db: PathBuf,
    /// None: standard input.
    pub file: Option<PathBuf>,
    /// Each line is one body of this kind; None: `dump` lines.
    pub kind: Option<WebhookKind>,
    /// Largest body accepted (serve's --max-body).
    pub max_body: usize,
}

impl ImportConfig {
    pub fn from_args(db: PathBuf, args: ImportArgs) -> ImportConfig {
        ImportConfig {
            db,
            file: (args.file.as_os_str() != "-").then_some(args.file),
            kind: args.kind.map(|name| name.0),
            max_body: args.max_body,
        }
    }
}
