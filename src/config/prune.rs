//! `prune`'s flags as rules: what goes, measured back from now.

use std::path::PathBuf;

use crate::cli::PruneArgs;
use crate::error::{Error, Result};
use crate::everflow::ResourceType;
use crate::selection::What;
use crate::store::prune::PruneRules;

#[derive(Debug)]
pub struct PruneConfig {
    pub db: PathBuf,
    pub rules: PruneRules,
    pub dry_run: bool,
    /// How the cutoff was given, for the summary (`90d`).
    pub older_than: String,
}

impl PruneConfig {
    pub fn from_args(db: PathBuf, args: PruneArgs) -> Result<PruneConfig> {
        let age = super::retention_age::retention_age(&args.older_than).map_err(|why| {
            Error::InvalidArgument {
                flag: "--older-than",
                why: format!("'{}' {why}", args.older_than),
            }
        })?;
        let now_ms = crate::window::now()?.as_millisecond();
        let age_ms = i64::try_from(age.as_millis()).unwrap_or(i64::MAX);
        Ok(PruneConfig {
            db,
            rules: retention_rules(now_ms.saturating_sub(age_ms), &args.what, args.keep_current)?,
            dry_run: args.dry_run,
            older_than: args.older_than,
        })
    }
}

/// The rules for `what` (every type when empty), pruning what nothing has
/// arrived about since `cutoff_ms`.
pub fn retention_rules(cutoff_ms: i64, what: &[What], keep_current: bool) -> Result<PruneRules> {
    let types = if what.is_empty() {
        ResourceType::ALL.to_vec()
    } else {
        what.iter()
            .map(|what| resource_type_of(*what))
            .collect::<Result<Vec<_>>>()?
    };
    Ok(PruneRules {
        cutoff_ms,
        types,
        keep_current,
    })
}

fn resource_type_of(what: What) -> Result<ResourceType> {
    what.resource_type().ok_or_else(|| Error::InvalidArgument {
        flag: "--what",
        why: format!(
            "{} cannot be pruned by themselves: deliveries go with the versions they brought, and the refusal log keeps its newest 1,000 on its own; name what they carried (conversions, offers…)",
            what.name()
        ),
    })
}
