//! `evarchive reconcile`'s settings: the window, the output, and where and
//! with which key Everflow's API is read.

use std::path::PathBuf;

use jiff::{SignedDuration, Timestamp};

use super::{ApiKey, ApiSettings, BackgroundPlan};
use crate::cli::{ApiArgs, ReconcileArgs};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::window::TimeWindow;

pub const DEFAULT_API_BASE: &str = "https://api.eflow.team/v1";
pub const EU_API_BASE: &str = "https://api-eu.eflow.team/v1";
/// Where the key is read from when no --api-key-file is given.
pub const API_KEY_VARIABLE: &str = "EVARCHIVE_EVERFLOW_API_KEY";

/// Everflow may still be filling the last minutes; a window ending now
/// ends this long ago instead (API.md 2.1: page only closed windows).
const SETTLING: SignedDuration = SignedDuration::from_mins(5);
/// Everflow reports only the last 365 days (API.md 2.1).
const REPORTED_DAYS: i64 = 365;

#[derive(Debug)]
pub struct ReconcileConfig {
    pub db: PathBuf,
    pub window: TimeWindow,
    pub format: Format,
    pub apply: bool,
    /// Continue the last unfinished run (its window replaces `window`).
    pub resume: bool,
    pub api: ApiSettings,
}

impl ReconcileConfig {
    pub fn from_args(db: PathBuf, args: ReconcileArgs) -> Result<ReconcileConfig> {
        let now = crate::window::now()?;
        let mut window = crate::window::resolve_window(
            Some(&args.since),
            args.until.as_deref(),
            None,
            &args.tz,
            now,
        )?;
        // Only closed windows: Everflow may still be filling the last minutes.
        window.until = window.until.min(now - SETTLING);
        window.until_now = false;
        check_reported_range(&window, now)?;
        let api = api_settings(args.api)?;
        Ok(ReconcileConfig {
            db,
            window,
            format: args.format,
            apply: args.apply,
            resume: args.resume,
            api,
        })
    }
}

/// The API's base URL and key, from the flags and the environment.
pub fn api_settings(args: ApiArgs) -> Result<ApiSettings> {
    let base = if args.eu {
        EU_API_BASE.to_owned()
    } else {
        args.api_base.unwrap_or_else(|| DEFAULT_API_BASE.to_owned())
    };
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(Error::InvalidArgument {
            flag: "--api-base",
            why: format!("'{base}' is not an http:// or https:// URL"),
        });
    }
    Ok(ApiSettings {
        base: base.trim_end_matches('/').to_owned(),
        key: read_key(args.api_key_file.as_deref())?,
    })
}

fn check_reported_range(window: &TimeWindow, now: Timestamp) -> Result<()> {
    let oldest = now - SignedDuration::from_hours(24 * REPORTED_DAYS);
    let since = window.since.unwrap_or(oldest);
    if since < oldest {
        return Err(Error::InvalidArgument {
            flag: "--since",
            why: format!(
                "{since} is more than {REPORTED_DAYS} days ago, and Everflow's report covers only the last {REPORTED_DAYS} days; start later"
            ),
        });
    }
    if window.since.is_some_and(|since| since >= window.until) {
        return Err(Error::InvalidArgument {
            flag: "--since/--until",
            why: "the window is empty once the last five minutes before now (which Everflow may still be filling) are left out; start earlier".to_owned(),
        });
    }
    Ok(())
}

/// The key from --api-key-file, else from the environment; never from a
/// command-line value, and never repeated in a message.
fn read_key(file: Option<&std::path::Path>) -> Result<ApiKey> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path).map_err(|source| Error::Io {
            context: format!("cannot read the API key file {}", path.display()),
            source,
        })?,
        None => std::env::var(API_KEY_VARIABLE).unwrap_or_default(),
    };
    ApiKey::new(text.trim()).ok_or_else(|| match file {
        Some(path) => Error::InvalidArgument {
            flag: "--api-key-file",
            why: format!(
                "{} holds no API key: put a network API key (Control Center › Security) in it",
                path.display()
            ),
        },
        None => Error::NoApiKey {
            variable: API_KEY_VARIABLE,
        },
    })
}

/// `serve --reconcile-every EVERY --reconcile-window WINDOW`: none without
/// EVERY; the API key is needed only with it.
pub fn background_plan(
    every: Option<&str>,
    window: &str,
    api: ApiArgs,
) -> Result<Option<BackgroundPlan>> {
    let Some(every) = every else {
        return Ok(None);
    };
    let duration = |flag: &'static str, text: &str| {
        super::positive_duration(text).map_err(|why| Error::InvalidArgument {
            flag,
            why: format!("'{text}' {why}; e.g. 1h or 30m"),
        })
    };
    let every = duration("--reconcile-every", every)?;
    let window = duration("--reconcile-window", window)?;
    if window.as_secs() > 24 * 60 * 60 * REPORTED_DAYS as u64 {
        return Err(Error::InvalidArgument {
            flag: "--reconcile-window",
            why: format!("Everflow's report covers only the last {REPORTED_DAYS} days"),
        });
    }
    Ok(Some(BackgroundPlan {
        every,
        window,
        // A minute for serve to settle first, or one period if shorter.
        first_run_after: every.min(std::time::Duration::from_secs(60)),
        api: api_settings(api)?,
    }))
}
