//! Which lines' deliveries are committed, for the summary and for where to
//! resume.

use std::collections::{BTreeMap, VecDeque};

use crate::error::Result;
use crate::everflow::ReadDelivery;
use crate::store::bulk::BulkLoader;

/// Which lines' deliveries are committed: the writer commits in order, so
/// the line of the last reply received is the last line known committed.
#[derive(Debug, Default)]
pub struct Commits {
    /// Line numbers submitted and not yet known committed.
    waiting: VecDeque<u64>,
    last_committed: u64,
    pub outcomes: BTreeMap<&'static str, u64>,
}

impl Commits {
    pub fn submit(
        &mut self,
        loader: &mut BulkLoader,
        line: u64,
        delivery: ReadDelivery,
    ) -> Result<()> {
        let submitted = loader.submit(delivery);
        if submitted.is_ok() {
            self.waiting.push_back(line);
        }
        // Committed before the next line is compressed, so that the next
        // version of the same offer is kept against it as serve would keep
        // it (offers, advertisers and partners are few; conversions stay
        // pipelined).
        let settled = submitted.and_then(
            |may_be_base| {
                if may_be_base { loader.settle() } else { Ok(()) }
            },
        );
        self.account(loader);
        settled
    }

    pub fn settle(&mut self, loader: &mut BulkLoader) -> Result<()> {
        let settled = loader.settle();
        self.account(loader);
        settled
    }

    fn account(&mut self, loader: &BulkLoader) {
        let committed = loader.stored();
        let known: u64 = self.outcomes.values().sum();
        for _ in known..committed {
            if let Some(line) = self.waiting.pop_front() {
                self.last_committed = line;
            }
        }
        self.outcomes = loader.outcomes().clone();
    }

    /// The first line whose delivery is not known to be committed.
    pub fn resume_from(&self) -> u64 {
        self.waiting
            .front()
            .copied()
            .unwrap_or(self.last_committed + 1)
    }
}
