//! `--since`, `--until` and `--tz`: the time window a command selects, resolved
//! to two instants. Parsing and calendar arithmetic are jiff's; this file only
//! decides which forms we accept and what they mean.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ZonedDateTime};

use crate::error::{Error, Result};

/// The forms `--since`/`--until` accept, for error messages and `--help`.
pub const ACCEPTED_FORMS: &str = "a duration back from now (30m, 36h, 1d, 2w), now, today, yesterday, a date (2026-11-01), a date and time in --tz (2026-11-01T08:00 or \"2026-11-01 08:00:00\"), or an RFC 3339 instant (2026-11-01T08:00:00Z, 2026-11-01T08:00:00-05:00)";

/// A half-open window [since, until) of instants.
#[derive(Debug, Clone)]
pub struct TimeWindow {
    /// `None`: from the beginning.
    pub since: Option<Timestamp>,
    /// The exclusive end: `--until`, the end of `--month`, or now.
    pub until: Timestamp,
    /// Whether the end is now because none was given.
    pub until_now: bool,
    /// Where calendar words and day buckets are reckoned.
    pub zone: TimeZone,
    pub zone_name: String,
}

impl TimeWindow {
    pub fn since_unix(&self) -> Option<i64> {
        self.since.map(|t| t.as_second())
    }

    /// The exclusive end, in seconds: an instant inside a second (`now`) still
    /// includes that whole second's facts.
    pub fn until_unix(&self) -> i64 {
        let second = self.until.as_second();
        if self.until.subsec_nanosecond() > 0 {
            second + 1
        } else {
            second
        }
    }

    /// Whether the user bounded the window (records without a time then
    /// cannot be in it).
    pub fn is_bounded(&self) -> bool {
        self.since.is_some() || !self.until_now
    }

    /// One line for stderr: the window in UTC and, if different, in the zone.
    pub fn describe(&self) -> String {
        let show = |bound: Timestamp, zone: &TimeZone| {
            bound
                .to_zoned_datetime(zone.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        };
        let now = if self.until_now { " (now)" } else { "" };
        let in_zone = |zone: &TimeZone| {
            let since = self
                .since
                .map_or_else(|| "the beginning".to_owned(), |t| show(t, zone));
            format!("{since} → {}{now}", show(self.until, zone))
        };
        let utc = format!("{} UTC", in_zone(&TimeZone::UTC));
        if self.zone == TimeZone::UTC {
            return utc;
        }
        format!("{utc} = {} {}", in_zone(&self.zone), self.zone_name)
    }
}

/// Resolves the window flags at `now`: `--month` alone, or `--since` and
/// `--until` (clap keeps them apart). Errors name the flag and the accepted
/// forms; an empty window is refused the same way however it came about.
pub fn resolve_window(
    since: Option<&str>,
    until: Option<&str>,
    month: Option<&str>,
    zone_name: &str,
    now: Timestamp,
) -> Result<TimeWindow> {
    let zone = parse_zone(zone_name)?;
    let now_in_zone = now.to_zoned_datetime(zone.clone());
    let (since, until) = match month {
        Some(month) => {
            let (start, end) = month_bounds(month, &zone)?;
            (Some(start), Some(end))
        }
        None => (
            since
                .map(|text| {
                    resolve_instant(text, &now_in_zone).map_err(|why| invalid("--since", text, why))
                })
                .transpose()?,
            until
                .map(|text| {
                    resolve_instant(text, &now_in_zone).map_err(|why| invalid("--until", text, why))
                })
                .transpose()?,
        ),
    };
    let window = TimeWindow {
        since,
        until_now: until.is_none(),
        until: until.unwrap_or(now),
        zone,
        zone_name: zone_name.to_owned(),
    };
    if let Some(since) = window.since
        && since >= window.until
    {
        let end = if window.until_now {
            "now"
        } else {
            "the --until time"
        };
        return Err(Error::InvalidArgument {
            flag: "--since/--until",
            why: format!(
                "the window is empty: it would start at {since} and end at {} ({end}); the start must come before the end",
                window.until
            ),
        });
    }
    Ok(window)
}

/// The first instant of `month` (YYYY-MM) in `zone`, and of the next month.
fn month_bounds(month: &str, zone: &TimeZone) -> Result<(Timestamp, Timestamp)> {
    let invalid = |why: String| Error::InvalidArgument {
        flag: "--month",
        why: format!("'{month}' {why}; use a year and month such as 2026-11"),
    };
    let trimmed = month.trim();
    let first: Date = match (trimmed.len(), format!("{trimmed}-01").parse::<Date>()) {
        (7, Ok(first)) => first,
        _ => return Err(invalid("is not a month".to_owned())),
    };
    let next = first
        .checked_add(Span::new().months(1))
        .map_err(|e| invalid(e.to_string()))?;
    let start_of = |date: Date| {
        date.to_zoned_datetime(zone.clone())
            .and_then(|day| day.start_of_day())
            .map(|day| day.timestamp())
            .map_err(|e| invalid(e.to_string()))
    };
    Ok((start_of(first)?, start_of(next)?))
}

pub fn parse_zone(name: &str) -> Result<TimeZone> {
    TimeZone::get(name).map_err(|_| Error::InvalidArgument {
        flag: "--tz",
        why: format!(
            "'{name}' is not an IANA time zone; use a name such as UTC, Europe/London or America/New_York"
        ),
    })
}

/// "now" for this run: the clock, or `EVARCHIVE_NOW` (an RFC 3339 instant) so
/// that scripted reports and tests are reproducible.
pub fn now() -> Result<Timestamp> {
    match std::env::var("EVARCHIVE_NOW") {
        Ok(text) => text.parse().map_err(|_| Error::InvalidArgument {
            flag: "EVARCHIVE_NOW",
            why: format!("'{text}' is not an RFC 3339 instant such as 2026-11-26T12:00:00Z"),
        }),
        Err(_) => Ok(Timestamp::now()),
    }
}

fn invalid(flag: &'static str, text: &str, why: String) -> Error {
    Error::InvalidArgument {
        flag,
        why: format!("'{text}' {why}; use {ACCEPTED_FORMS}"),
    }
}

fn resolve_instant(text: &str, now: &ZonedDateTime) -> std::result::Result<Timestamp, String> {
    let text = text.trim();
    let start_of = |day: &ZonedDateTime| {
        day.start_of_day()
            .map(|z| z.timestamp())
            .map_err(|e| format!("has no start of day: {e}"))
    };
    match text {
        "now" => return Ok(now.timestamp()),
        "today" => return start_of(now),
        "yesterday" => {
            let yesterday = now.yesterday().map_err(|e| e.to_string())?;
            return start_of(&yesterday);
        }
        _ => {}
    }
    if let Ok(instant) = text.parse::<Timestamp>() {
        return Ok(instant);
    }
    // A bare date is a whole day (its first instant); jiff would also read the
    // date part of a date-time as a Date, hence the length check.
    if text.len() == "2026-11-01".len()
        && let Ok(date) = text.parse::<Date>()
    {
        let day = date
            .to_zoned_datetime(now.time_zone().clone())
            .map_err(|e| e.to_string())?;
        return start_of(&day);
    }
    if let Ok(local) = text.parse::<DateTime>() {
        // A wall-clock time skipped or repeated by a DST change resolves the
        // usual way (jiff's "compatible": later for gaps, earlier for folds).
        return local
            .to_zoned_datetime(now.time_zone().clone())
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    if text.starts_with(|c: char| c.is_ascii_digit())
        && let Ok(span) = text.parse::<Span>()
    {
        // Days and weeks are calendar days in --tz (a DST day is 23 or 25 hours).
        return now
            .checked_sub(span)
            .map(|z| z.timestamp())
            .map_err(|e| e.to_string());
    }
    Err("is not a time this understands".to_owned())
}

#[cfg(test)]
mod tests;
