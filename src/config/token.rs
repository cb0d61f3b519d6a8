//! `evarchive token`'s settings.

use std::path::PathBuf;
use std::time::Duration;

use super::serve::public_url;
use crate::cli::TokenArgs;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub struct TokenConfig {
    pub db: PathBuf,
    /// The base of the printed URLs; None means the one `serve` last used.
    pub public_url: Option<String>,
    pub action: TokenAction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAction {
    /// Print the URLs with the current token.
    Print,
    /// Replace the token; the old one stays accepted for `grace`.
    Rotate { grace: Duration },
    /// Stop accepting the token the last rotation replaced.
    RetirePrevious,
}

impl TokenConfig {
    pub fn from_args(db: PathBuf, args: TokenArgs) -> Result<TokenConfig> {
        let action = if args.rotate {
            let grace =
                super::positive_duration(&args.grace).map_err(|why| Error::InvalidArgument {
                    flag: "--grace",
                    why: format!(
                        "'{}' {why}; give how long the old token stays accepted, e.g. 7d or 12h (or --retire-previous later to end it sooner)",
                        args.grace
                    ),
                })?;
            TokenAction::Rotate { grace }
        } else if args.retire_previous {
            TokenAction::RetirePrevious
        } else {
            TokenAction::Print
        };
        Ok(TokenConfig {
            db,
            public_url: args.public_url.as_deref().map(public_url).transpose()?,
            action,
        })
    }
}
