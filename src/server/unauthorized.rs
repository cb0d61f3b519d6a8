//! Requests with a missing or wrong token are counted, not logged one by one:
//! a flood of them (a scanner, a misconfigured URL) would otherwise fill the
//! log and the disk. A summary line, with the senders, is logged at most once
//! per interval, and when the server stops.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often, at most, a summary is logged.
pub const SUMMARY_INTERVAL: Duration = Duration::from_secs(10);
/// Senders counted by name; past this many, the rest count as "others".
const SENDERS_NAMED: usize = 256;
/// Senders a summary line names.
const SENDERS_LOGGED: usize = 5;

pub struct Unauthorized {
    tally: Mutex<Tally>,
}

struct Tally {
    since: Instant,
    total: u64,
    by_sender: HashMap<String, u64>,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            since: Instant::now(),
            total: 0,
            by_sender: HashMap::new(),
        }
    }
}

impl Default for Unauthorized {
    fn default() -> Self {
        Unauthorized {
            tally: Mutex::new(Tally::new()),
        }
    }
}

impl Unauthorized {
    /// Counts one refused request from `sender`; logs the summary if the
    /// interval has passed since the last one.
    pub fn count(&self, sender: Option<String>) {
        let Ok(mut tally) = self.tally.lock() else {
            return;
        };
        tally.total += 1;
        let sender = sender.unwrap_or_else(|| "unknown".to_owned());
        if tally.by_sender.len() < SENDERS_NAMED || tally.by_sender.contains_key(&sender) {
            *tally.by_sender.entry(sender).or_default() += 1;
        }
        if tally.since.elapsed() >= SUMMARY_INTERVAL {
            log_summary(&mut tally);
        }
    }

    /// Logs what was counted since the last summary, if anything.
    pub fn flush(&self) {
        if let Ok(mut tally) = self.tally.lock()
            && tally.total > 0
        {
            log_summary(&mut tally);
        }
    }
}

fn log_summary(tally: &mut Tally) {
    let seconds = tally.since.elapsed().as_secs_f64();
    let mut senders: Vec<(&String, &u64)> = tally.by_sender.iter().collect();
    senders.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut list: Vec<String> = senders
        .iter()
        .take(SENDERS_LOGGED)
        .map(|(sender, count)| format!("{sender} ({count})"))
        .collect();
    let shown: u64 = senders.iter().take(SENDERS_LOGGED).map(|(_, c)| **c).sum();
    if tally.total > shown {
        list.push(format!("others ({})", tally.total - shown));
    }
    tracing::warn!(
        "refused {} requests with a missing or wrong token in the last {seconds:.0} s, from {}",
        tally.total,
        list.join(", ")
    );
    *tally = Tally::new();
}
