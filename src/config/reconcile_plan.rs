//! What reconciling needs to run: where Everflow's API is and the key it
//! takes, and for serve's background runs (`--reconcile-every`) when.

use std::time::Duration;

use super::ApiKey;

/// Where the API is and the key it takes.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// Without a trailing slash, e.g. `https://api.eflow.team/v1`.
    pub base: String,
    pub key: ApiKey,
}

/// serve's background reconciliation.
#[derive(Debug, Clone)]
pub struct BackgroundPlan {
    pub every: Duration,
    /// How far back each run looks.
    pub window: Duration,
    pub first_run_after: Duration,
    pub api: ApiSettings,
}
