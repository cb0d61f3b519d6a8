//! Every record gets a time: its body's, when the body carries a plausible
//! one, else its arrival, marked as such (`time_source = 'arrival'` in its
//! typed row). A record without a time would belong to no window, and
//! `query`, `report` and `export` would leave it out without a word.
//!
//! The domain has already set aside what is never a time (text, `0`, before
//! 2000, 2^53 and above); what is left to judge here needs the arrival: a
//! time more than a day after it (milliseconds sent as seconds, a date in the
//! far future) is not the time of something that had happened.

use crate::everflow::records::plausible_unix_time;

/// How far past its arrival a body's time may be (clock skew, a zone
/// mistaken for UTC) and still be taken as the fact's time.
pub const LEEWAY_SECONDS: i64 = 86_400;

/// What `time_source` holds for a record dated by its arrival (NULL: by its
/// body).
pub const BY_ARRIVAL: &str = "arrival";

/// A record's time and where it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dating {
    /// Unix seconds.
    pub time: i64,
    pub by_arrival: bool,
}

impl Dating {
    /// The typed row's `time_source`.
    pub fn source(self) -> Option<&'static str> {
        self.by_arrival.then_some(BY_ARRIVAL)
    }
}

/// The body's time, if plausible for a delivery that arrived at
/// `received_at` (Unix milliseconds): what orders versions.
pub fn plausible_fact_time(body_time: Option<i64>, received_at: i64) -> Option<i64> {
    let arrival = received_at.div_euclid(1000);
    plausible_unix_time(body_time).filter(|time| *time <= arrival.saturating_add(LEEWAY_SECONDS))
}

/// The time a record is listed and reported by.
pub fn date(body_time: Option<i64>, received_at: i64) -> Dating {
    match plausible_fact_time(body_time, received_at) {
        Some(time) => Dating {
            time,
            by_arrival: false,
        },
        None => Dating {
            time: received_at.div_euclid(1000),
            by_arrival: true,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_time_from_2000_to_a_day_after_arrival_is_the_bodys() {
        let arrival = 1_764_064_500_123;
        let by_arrival = Dating {
            time: 1_764_064_500,
            by_arrival: true,
        };
        let cases = [
            (Some(1_764_064_001), Some(1_764_064_001)),
            (Some(946_684_800), Some(946_684_800)),
            (Some(1_764_064_500 + LEEWAY_SECONDS), Some(1_764_150_900)),
            (Some(1_764_064_501 + LEEWAY_SECONDS), None),
            (Some(1_764_064_001_000), None),
            (Some((1 << 53) + 1), None),
            (Some(946_684_799), None),
            (Some(-5), None),
            (None, None),
        ];
        for (body, expected) in cases {
            assert_eq!(plausible_fact_time(body, arrival), expected, "{body:?}");
            let dating = date(body, arrival);
            match expected {
                Some(time) => assert_eq!(
                    dating,
                    Dating {
                        time,
                        by_arrival: false
                    }
                ),
                None => assert_eq!(dating, by_arrival, "{body:?}"),
            }
        }
    }
}
