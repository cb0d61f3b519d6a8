//! How long to wait before asking again after a 429, a 5xx or a dropped
//! connection: `Retry-After` when Everflow sends it (undocumented, API.md
//! 1), else exponential backoff with jitter; always capped.

use std::time::Duration;

/// Attempts per request, the first included.
pub const ATTEMPTS: u32 = 6;
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// The longest wait, whatever `Retry-After` says (Everflow's rate window
/// resets every 30 s).
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// The wait before attempt `failed + 1`; `retry_after` is the header's text.
pub fn wait_before_retry(failed: u32, retry_after: Option<&str>) -> Duration {
    if let Some(seconds) = retry_after.and_then(|text| text.trim().parse::<u64>().ok()) {
        return Duration::from_secs(seconds).min(LONGEST_WAIT);
    }
    let backoff = FIRST_BACKOFF
        .saturating_mul(1 << failed.saturating_sub(1).min(10))
        .min(LONGEST_WAIT);
    // Half fixed, half random: clients that failed together do not all
    // come back together.
    let half = backoff / 2;
    let random = getrandom::u64().unwrap_or(0) % (half.as_millis() as u64 + 1);
    half + Duration::from_millis(random)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_and_capped() {
        assert_eq!(wait_before_retry(1, Some("2")), Duration::from_secs(2));
        assert_eq!(wait_before_retry(1, Some("3600")), LONGEST_WAIT);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_is_capped() {
        for failed in 1..=ATTEMPTS {
            let full = FIRST_BACKOFF * (1 << (failed - 1)).min(LONGEST_WAIT.as_millis() as u32);
            let full = full.min(LONGEST_WAIT);
            let wait = wait_before_retry(failed, Some("a date, not seconds"));
            assert!(wait >= full / 2 && wait <= full, "{failed}: {wait:?}");
        }
        assert!(wait_before_retry(40, None) <= LONGEST_WAIT);
    }
}
