//! A cap on the body bytes held by all requests at once, from the first byte
//! read until the answer is sent. Each body is capped by --max-body; this caps
//! their sum, so a crowd of large deliveries gets 503 + Retry-After instead of
//! ballooning the server's memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone, Debug)]
pub struct BodyBudget {
    used: Arc<AtomicUsize>,
    limit: usize,
}

/// Bytes held by one request; given back when dropped.
pub struct Reservation {
    used: Arc<AtomicUsize>,
    held: usize,
}

impl BodyBudget {
    pub fn new(limit: usize) -> BodyBudget {
        BodyBudget {
            used: Arc::new(AtomicUsize::new(0)),
            limit,
        }
    }

    pub fn reserve(&self) -> Reservation {
        Reservation {
            used: Arc::clone(&self.used),
            held: 0,
        }
    }

    /// Holds `bytes` more for `reservation`, or refuses when that would take
    /// the budget past its limit. Every byte counts, the first of a request
    /// too: a thousand uploads that each sent a little and stalled must not
    /// add up to more than the budget. The limit is at least two maximal
    /// bodies (see `server::start`), so any one body fits when alone.
    pub fn grow(&self, reservation: &mut Reservation, bytes: usize) -> bool {
        let before = self.used.fetch_add(bytes, Ordering::AcqRel);
        if before + bytes > self.limit {
            self.used.fetch_sub(bytes, Ordering::AcqRel);
            return false;
        }
        reservation.held += bytes;
        true
    }
}

impl Reservation {
    /// Gives back `bytes` of what this reservation holds.
    pub fn release(&mut self, bytes: usize) {
        let bytes = bytes.min(self.held);
        self.used.fetch_sub(bytes, Ordering::AcqRel);
        self.held -= bytes;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        self.used.fetch_sub(self.held, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_refuses_past_its_limit_and_recovers_on_drop() {
        let budget = BodyBudget::new(100);
        let mut first = budget.reserve();
        assert!(budget.grow(&mut first, 60));
        let mut second = budget.reserve();
        assert!(budget.grow(&mut second, 30));
        assert!(!budget.grow(&mut second, 30), "90 + 30 > 100");
        let mut third = budget.reserve();
        assert!(!budget.grow(&mut third, 11), "a first chunk counts too");
        drop(first);
        assert!(budget.grow(&mut second, 30));
        second.release(50);
        assert!(budget.grow(&mut third, 90), "10 held, 90 more fit");
    }
}
