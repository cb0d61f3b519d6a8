//! `--since`, `--until` and `--tz`: the time window a command selects, resolved
//! to two instants. Parsing and calendar arithmetic are jiff's; this file only
//! decides which forms we accept and what they mean.

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, ZonedDateTime};

use crate::error::{Error, Result};

/// The forms `--since`/`--until` accept, for error messages and `--help`.
pub const ACCEPTED_FORMS: &str = "a duration back from now (30m, 36h, 1d, 2w), now, today, yesterday, a date (2026-11-01), a date and time in --tz (2026-11-01T08:00 or \"2026-11-01 08:00:00\"), or an RFC 3339 instant (2026-11-01T08:00:00Z, 2026-11-01T08:00:00-05:00)";

/// A half-open window [since, until) of instants; `None` is unbounded.
#[derive(Debug, Clone)]
pub struct TimeWindow {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
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
    pub fn until_unix(&self) -> Option<i64> {
        self.until.map(|t| {
            let second = t.as_second();
            if t.subsec_nanosecond() > 0 {
                second + 1
            } else {
                second
            }
        })
    }

    /// One line for stderr: the window in UTC and, if different, in the zone.
    pub fn describe(&self) -> String {
        if self.since.is_none() && self.until.is_none() {
            return "all time".to_owned();
        }
        let show = |bound: Option<Timestamp>, zone: &TimeZone, open: &str| {
            bound.map_or_else(
                || open.to_owned(),
                |t| {
                    t.to_zoned_datetime(zone.clone())
                        .strftime("%Y-%m-%dT%H:%M:%S%:z")
                        .to_string()
                },
            )
        };
        let utc = format!(
            "{} → {} UTC",
            show(self.since, &TimeZone::UTC, "the beginning"),
            show(self.until, &TimeZone::UTC, "now")
        );
        if self.zone == TimeZone::UTC {
            return utc;
        }
        format!(
            "{utc} = {} → {} {}",
            show(self.since, &self.zone, "the beginning"),
            show(self.until, &self.zone, "now"),
            self.zone_name
        )
    }
}

/// Resolves the window flags at `now`. Errors name the flag and the accepted forms.
pub fn resolve_window(
    since: Option<&str>,
    until: Option<&str>,
    zone_name: &str,
    now: Timestamp,
) -> Result<TimeWindow> {
    let zone = parse_zone(zone_name)?;
    let now = now.to_zoned_datetime(zone.clone());
    let since = since
        .map(|text| resolve_instant(text, &now).map_err(|why| invalid("--since", text, why)))
        .transpose()?;
    let until = until
        .map(|text| resolve_instant(text, &now).map_err(|why| invalid("--until", text, why)))
        .transpose()?;
    if let (Some(since), Some(until)) = (since, until)
        && since >= until
    {
        return Err(Error::InvalidArgument {
            flag: "--since",
            why: format!("{since} is not before --until {until}: the window would be empty"),
        });
    }
    Ok(TimeWindow {
        since,
        until,
        zone,
        zone_name: zone_name.to_owned(),
    })
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
mod tests {
    use super::*;

    fn at(now: &str, zone: &str, since: &str) -> String {
        let window =
            resolve_window(Some(since), None, zone, now.parse().expect("now")).expect("resolves");
        window.since.expect("since").to_string()
    }

    const NOW: &str = "2026-11-26T15:30:00Z";

    #[test]
    fn durations_count_back_from_now() {
        assert_eq!(at(NOW, "UTC", "30m"), "2026-11-26T15:00:00Z");
        assert_eq!(at(NOW, "UTC", "36h"), "2026-11-25T03:30:00Z");
        assert_eq!(at(NOW, "UTC", "1d"), "2026-11-25T15:30:00Z");
        assert_eq!(at(NOW, "UTC", "2w"), "2026-11-12T15:30:00Z");
        assert_eq!(at(NOW, "UTC", "now"), NOW);
    }

    #[test]
    fn calendar_words_start_at_midnight_in_the_zone() {
        assert_eq!(at(NOW, "UTC", "today"), "2026-11-26T00:00:00Z");
        assert_eq!(at(NOW, "UTC", "yesterday"), "2026-11-25T00:00:00Z");
        // 15:30Z is 10:30 in New York (EST, -05:00).
        assert_eq!(at(NOW, "America/New_York", "today"), "2026-11-26T05:00:00Z");
        // 03:00Z is still the previous evening in New York.
        assert_eq!(
            at("2026-11-26T03:00:00Z", "America/New_York", "today"),
            "2026-11-25T05:00:00Z"
        );
    }

    #[test]
    fn dates_and_local_times_are_read_in_the_zone() {
        assert_eq!(at(NOW, "UTC", "2026-11-01"), "2026-11-01T00:00:00Z");
        // 1 Nov 2026 is the DST change day in New York: midnight is still EDT.
        assert_eq!(
            at(NOW, "America/New_York", "2026-11-01"),
            "2026-11-01T04:00:00Z"
        );
        assert_eq!(
            at(NOW, "America/New_York", "2026-11-02"),
            "2026-11-02T05:00:00Z"
        );
        assert_eq!(
            at(NOW, "America/New_York", "2026-11-01T08:00"),
            "2026-11-01T13:00:00Z"
        );
        assert_eq!(
            at(NOW, "Europe/Paris", "2026-11-01 08:00:00"),
            "2026-11-01T07:00:00Z"
        );
    }

    #[test]
    fn rfc3339_instants_ignore_the_zone() {
        assert_eq!(
            at(NOW, "Asia/Tokyo", "2026-11-01T08:00:00-05:00"),
            "2026-11-01T13:00:00Z"
        );
        assert_eq!(
            at(NOW, "Asia/Tokyo", "2026-11-01T08:00:00Z"),
            "2026-11-01T08:00:00Z"
        );
    }

    #[test]
    fn a_calendar_day_across_dst_is_25_hours() {
        let window = resolve_window(
            Some("2026-11-01"),
            Some("2026-11-02"),
            "America/New_York",
            NOW.parse().expect("now"),
        )
        .expect("window");
        let hours =
            (window.until_unix().expect("until") - window.since_unix().expect("since")) / 3600;
        assert_eq!(hours, 25);
    }

    #[test]
    fn nonsense_is_refused_with_the_accepted_forms() {
        for bad in ["banana", "", "1 fortnight", "-3d", "2026-13-01"] {
            let error =
                resolve_window(Some(bad), None, "UTC", NOW.parse().expect("now")).expect_err(bad);
            let message = error.to_string();
            assert!(message.contains("--since"), "{message}");
            assert!(message.contains("30m, 36h, 1d, 2w"), "{message}");
            assert_eq!(error.exit_code(), 2);
        }
        let error = resolve_window(None, None, "Mars/Olympus", NOW.parse().expect("now"))
            .expect_err("zone");
        assert!(error.to_string().contains("IANA"));
    }

    #[test]
    fn an_empty_window_is_refused() {
        let error = resolve_window(
            Some("today"),
            Some("yesterday"),
            "UTC",
            NOW.parse().expect("now"),
        )
        .expect_err("empty");
        assert!(error.to_string().contains("not before --until"));
    }

    #[test]
    fn the_description_shows_utc_and_the_zone() {
        let window = resolve_window(
            Some("2026-11-25"),
            Some("2026-11-26"),
            "America/New_York",
            NOW.parse().expect("now"),
        )
        .expect("window");
        assert_eq!(
            window.describe(),
            "2026-11-25T05:00:00+00:00 → 2026-11-26T05:00:00+00:00 UTC = 2026-11-25T00:00:00-05:00 → 2026-11-26T00:00:00-05:00 America/New_York"
        );
    }
}
