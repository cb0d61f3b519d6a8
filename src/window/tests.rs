//! Resolving windows: durations, calendar words, dates, instants, months,
//! DST days, and what is refused.

use super::*;

fn at(now: &str, zone: &str, since: &str) -> String {
    let window =
        resolve_window(Some(since), None, None, zone, now.parse().expect("now")).expect("resolves");
    window.since.expect("since").to_string()
}

const NOW: &str = "2026-11-26T15:30:00Z";

#[test]
fn durations_count_back_from_now() {
    assert_eq!(at(NOW, "UTC", "30m"), "2026-11-26T15:00:00Z");
    assert_eq!(at(NOW, "UTC", "36h"), "2026-11-25T03:30:00Z");
    assert_eq!(at(NOW, "UTC", "1d"), "2026-11-25T15:30:00Z");
    assert_eq!(at(NOW, "UTC", "2w"), "2026-11-12T15:30:00Z");
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
        None,
        "America/New_York",
        NOW.parse().expect("now"),
    )
    .expect("window");
    let hours = (window.until_unix() - window.since_unix().expect("since")) / 3600;
    assert_eq!(hours, 25);
}

#[test]
fn nonsense_is_refused_with_the_accepted_forms() {
    for bad in ["banana", "", "1 fortnight", "-3d", "2026-13-01"] {
        let error =
            resolve_window(Some(bad), None, None, "UTC", NOW.parse().expect("now")).expect_err(bad);
        let message = error.to_string();
        assert!(message.contains("--since"), "{message}");
        assert!(message.contains("30m, 36h, 1d, 2w"), "{message}");
        assert_eq!(error.exit_code(), 2);
    }
    let error = resolve_window(None, None, None, "Mars/Olympus", NOW.parse().expect("now"))
        .expect_err("zone");
    assert!(error.to_string().contains("IANA"));
}

#[test]
fn an_empty_window_is_refused_the_same_way_however_it_arises() {
    let resolve = |since: &str, until: Option<&str>| {
        resolve_window(Some(since), until, None, "UTC", NOW.parse().expect("now"))
    };
    for (since, until) in [
        ("today", Some("yesterday")),
        ("2026-12-01", None),
        ("now", None),
        ("2026-11-26T15:30:00Z", None),
    ] {
        let error = resolve(since, until).expect_err(since);
        assert_eq!(error.exit_code(), 2);
        assert!(
            error
                .to_string()
                .starts_with("invalid --since/--until: the window is empty: it would start at "),
            "{error}"
        );
    }
}

#[test]
fn without_until_the_window_ends_now() {
    let window =
        resolve_window(Some("1d"), None, None, "UTC", NOW.parse().expect("now")).expect("window");
    assert_eq!(window.until.to_string(), NOW);
    assert!(window.until_now && window.is_bounded());
    let all = resolve_window(None, None, None, "UTC", NOW.parse().expect("now")).expect("window");
    assert!(!all.is_bounded());
    assert_eq!(
        all.describe(),
        "the beginning → 2026-11-26T15:30:00+00:00 (now) UTC"
    );
}

#[test]
fn a_month_is_its_calendar_days_in_the_zone() {
    let window = resolve_window(
        None,
        None,
        Some("2026-11"),
        "America/New_York",
        NOW.parse().expect("now"),
    )
    .expect("window");
    assert_eq!(
        window.since.expect("since").to_string(),
        "2026-11-01T04:00:00Z"
    );
    assert_eq!(window.until.to_string(), "2026-12-01T05:00:00Z");
    let december = resolve_window(
        None,
        None,
        Some("2026-12"),
        "UTC",
        NOW.parse().expect("now"),
    )
    .expect("window");
    assert_eq!(december.until.to_string(), "2027-01-01T00:00:00Z");
    for bad in ["2026-13", "2026-1", "November", "2026-11-01"] {
        let error =
            resolve_window(None, None, Some(bad), "UTC", NOW.parse().expect("now")).expect_err(bad);
        assert!(error.to_string().contains("--month"), "{error}");
        assert_eq!(error.exit_code(), 2);
    }
}

#[test]
fn the_description_shows_utc_and_the_zone() {
    let window = resolve_window(
        Some("2026-11-25"),
        Some("2026-11-26"),
        None,
        "America/New_York",
        NOW.parse().expect("now"),
    )
    .expect("window");
    assert_eq!(
        window.describe(),
        "2026-11-25T05:00:00+00:00 → 2026-11-26T05:00:00+00:00 UTC = 2026-11-25T00:00:00-05:00 → 2026-11-26T00:00:00-05:00 America/New_York"
    );
}
