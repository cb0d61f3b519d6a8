//! `dump`'s validated settings: which deliveries, and where they go.

use std::path::PathBuf;

use super::time_window;
use crate::cli::DumpArgs;
use crate::error::Result;
use crate::store::read::DumpFilter;
use crate::window::TimeWindow;

/// `dump`.
#[derive(Debug)]
pub struct DumpConfig {
    pub db: PathBuf,
    pub window: TimeWindow,
    pub filter: DumpFilter,
    pub output: Option<PathBuf>,
}

impl DumpConfig {
    pub fn from_args(db: PathBuf, args: DumpArgs) -> Result<DumpConfig> {
        let window = time_window(&args.arrived)?;
        let filter = DumpFilter {
            since: window.since.map(|t| t.as_millisecond()),
            // Without --until, everything archived so far, including what
            // arrives while the dump runs up to the moment it starts reading.
            until: (!window.until_now).then(|| window.until.as_millisecond()),
            kinds: args.kind.iter().map(|kind| kind.0.as_str()).collect(),
        };
        Ok(DumpConfig {
            db,
            window,
            filter,
            output: args.output,
        })
    }
}
