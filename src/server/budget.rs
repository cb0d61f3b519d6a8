//! A cap on the body bytes held by all requests at once, from the first byte
//! read until the answer is sent. Each body is capped by --max-body; this caps
//! their sum, so a crowd of large deliveries gets 503 + Retry-After instead of
//! ballooning the server's memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Clone)]
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

    /// Holds `bytes` more for `reservation`, or refuses when the budget is spent.
    /// A request holding nothing yet is always let in, so one body can never
    /// be refused by the budget alone (--max-body is its limit).
    pub fn grow(&self, reservation: &mut Reservation, bytes: usize) -> bool {
        let before = self.used.fetch_add(bytes, Ordering::AcqRel);
        if reservation.held > 0 && before + bytes > self.limit {
            self.used.fetch_sub(bytes, Ordering::AcqRel);
            return false;
        }
        reservation.held += bytes;
        true
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
        drop(first);
        assert!(budget.grow(&mut second, 30));
    }

    #[test]
    fn a_first_grow_is_never_refused() {
        let budget = BodyBudget::new(10);
        let mut big = budget.reserve();
        assert!(budget.grow(&mut big, 50));
        let mut other = budget.reserve();
        assert!(budget.grow(&mut other, 1));
    }
}
