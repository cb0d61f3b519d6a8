//! What every HTTP worker shares.

use super::auth::TokenCheck;
use crate::store::{ReadPool, WriterHandle};

pub struct AppState {
    pub writer: WriterHandle,
    pub reads: ReadPool,
    pub token: TokenCheck,
    pub max_body: usize,
}
