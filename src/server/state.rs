//! What every HTTP worker shares.

use std::sync::Arc;

use super::budget::BodyBudget;
use super::metrics::Metrics;
use super::misroute::MisrouteWarnings;
use super::staleness::StaleWatch;
use super::token_check::TokenCheck;
use super::unauthorized::Unauthorized;
use crate::store::restore_gap::RestoreGap;
use crate::store::write_health::ArchiveHealth;
use crate::store::{Intake, Readers, WriterHandle};

pub struct AppState {
    pub writer: WriterHandle,
    pub reads: Readers,
    /// The tokens accepted, as rotations change them.
    pub token: Arc<TokenCheck>,
    pub max_body: usize,
    /// How long a body may take to arrive.
    pub body_timeout: std::time::Duration,
    pub body_budget: BodyBudget,
    /// Requests refused for their token, counted and summarised.
    pub unauthorized: Arc<Unauthorized>,
    /// What the writer and the checkpointer last found.
    pub health: Arc<ArchiveHealth>,
    /// The stale-feed alarm's rules (`--stale-after`), and when serve
    /// started (Unix milliseconds), which quiet time is counted from at most.
    pub stale_watch: StaleWatch,
    /// Which bodies at another kind's URL were warned about already.
    pub misroutes: MisrouteWarnings,
    /// Counters for `/metrics`, and what it reads from the store.
    pub metrics: Arc<Metrics>,
    /// The archive was found older than what was acknowledged into it
    /// (restored from a backup): `/healthz` is degraded until restarted.
    pub restore_gap: Option<RestoreGap>,
    /// The store's write door: deliveries go in here.
    pub intake: Intake,
}
