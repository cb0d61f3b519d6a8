//! What every HTTP worker shares.

use super::auth::TokenCheck;
use super::budget::BodyBudget;
use crate::store::{ReadPool, WriterHandle};

pub struct AppState {
    pub writer: WriterHandle,
    pub reads: ReadPool,
    pub token: TokenCheck,
    pub max_body: usize,
    pub body_budget: BodyBudget,
}
