//! `evarchive token`'s settings.

use std::path::PathBuf;

use super::serve::public_url;
use crate::cli::TokenArgs;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct TokenConfig {
    pub db: PathBuf,
    /// The base of the printed URLs; None means the one `serve` last used.
    pub public_url: Option<String>,
    /// Replace the archive's token with a new one.
    pub rotate: bool,
}

impl TokenConfig {
    pub fn from_args(db: PathBuf, args: TokenArgs) -> Result<TokenConfig> {
        Ok(TokenConfig {
            db,
            public_url: args.public_url.as_deref().map(public_url).transpose()?,
            rotate: args.rotate,
        })
    }
}
