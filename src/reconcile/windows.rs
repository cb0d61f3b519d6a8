//! Cutting the reconciled window into the day-long windows Everflow's report
//! is read in (API.md 2.1: closed windows of at most one day, overlapping a
//! little, since whether `to` is inclusive is undocumented).

use jiff::{SignedDuration, Timestamp};

const DAY: SignedDuration = SignedDuration::from_hours(24);
/// How far each request reaches before its window, so that no row on a
/// boundary falls between two requests.
const OVERLAP: SignedDuration = SignedDuration::from_mins(1);
/// A window too full to hold is halved down to windows of this length.
const SHORTEST: SignedDuration = SignedDuration::from_mins(5);

/// One day (or less) of conversion times: rows are compared within
/// `[start, end)`; the request asks for a little more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayWindow {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl DayWindow {
    /// The request's `from`, in UTC (`timezone_id` 67).
    pub fn request_from(&self) -> String {
        api_time(self.start - OVERLAP)
    }

    /// The request's `to`: the window's end, read inclusive or not.
    pub fn request_to(&self) -> String {
        api_time(self.end)
    }

    pub fn contains(&self, unix_seconds: i64) -> bool {
        (self.start.as_second()..self.end.as_second()).contains(&unix_seconds)
    }

    /// Whether halving it still gives windows of more than a few minutes.
    pub fn can_halve(&self) -> bool {
        self.end.duration_since(self.start) > SHORTEST * 2
    }

    /// Its first and second half (at a whole second).
    pub fn halves(&self) -> (DayWindow, DayWindow) {
        let half = self.end.duration_since(self.start) / 2;
        let middle = Timestamp::from_second((self.start + half).as_second()).unwrap_or(self.start);
        (
            DayWindow {
                start: self.start,
                end: middle,
            },
            DayWindow {
                start: middle,
                end: self.end,
            },
        )
    }

    /// For the summary on stderr.
    pub fn describe(&self) -> String {
        format!("{} → {} UTC", api_time(self.start), api_time(self.end))
    }
}

/// `[start, end)` in consecutive windows of at most a day.
pub fn day_windows(start: Timestamp, end: Timestamp) -> Vec<DayWindow> {
    let mut windows = Vec::new();
    let mut from = start;
    while from < end {
        let to = (from + DAY).min(end);
        windows.push(DayWindow {
            start: from,
            end: to,
        });
        from = to;
    }
    windows
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, as the report's body takes it.
fn api_time(instant: Timestamp) -> String {
    instant.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("an instant")
    }

    #[test]
    fn days_cover_the_window_exactly_and_requests_overlap() {
        let windows = day_windows(at("2026-11-01T06:00:00Z"), at("2026-11-03T00:00:00Z"));
        assert_eq!(windows.len(), 2);
        assert_eq!(windows[0].end, windows[1].start);
        assert_eq!(windows[1].end, at("2026-11-03T00:00:00Z"));
        assert_eq!(windows[0].request_from(), "2026-11-01 05:59:00");
        assert_eq!(windows[0].request_to(), "2026-11-02 06:00:00");
        assert_eq!(windows[1].request_from(), "2026-11-02 05:59:00");
        assert!(windows[0].contains(at("2026-11-01T06:00:00Z").as_second()));
        assert!(!windows[0].contains(at("2026-11-02T06:00:00Z").as_second()));
        assert!(day_windows(at("2026-11-01T00:00:00Z"), at("2026-11-01T00:00:00Z")).is_empty());
    }
}
