//! How long `prune --older-than` and `serve --retain` keep: whole days or
//! more, in units that cannot be mistaken for each other. A duration such as
//! `--since` takes would read `5m` as five minutes — and prune everything
//! older than that, which is almost the whole archive — so retention takes
//! days (`d`), weeks (`w`), months (`mo`, 30 days) and years (`y`, 365 days)
//! only, in whole numbers.

use std::time::Duration;

const DAY_SECONDS: u64 = 86_400;

/// The forms accepted, for messages and `--help`.
const RETENTION_FORMS: &str =
    "whole days or more: 90d, 26w, 6mo (months of 30 days) or 1y (years of 365 days)";

/// The age `text` names; why not, in words that follow the value.
pub fn retention_age(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let (number, unit) = trimmed.split_at(digits);
    let days_per_unit = match unit {
        "d" => 1,
        "w" => 7,
        "mo" => 30,
        "y" => 365,
        "m" | "min" => {
            return Err(format!(
                "would be minutes: retention is never shorter than a day; give {RETENTION_FORMS}"
            ));
        }
        "s" | "h" => {
            return Err(format!(
                "is in hours or seconds: retention takes {RETENTION_FORMS}"
            ));
        }
        _ => return Err(format!("is not a retention age; give {RETENTION_FORMS}")),
    };
    let count: u64 = number
        .parse()
        .map_err(|_| format!("is not a whole number of days or more; give {RETENTION_FORMS}"))?;
    if count == 0 {
        return Err(format!("keeps nothing; give {RETENTION_FORMS}"));
    }
    count
        .checked_mul(days_per_unit * DAY_SECONDS)
        .filter(|seconds| *seconds <= 1_000 * 365 * DAY_SECONDS)
        .map(Duration::from_secs)
        .ok_or_else(|| format!("is more than a thousand years; give {RETENTION_FORMS}"))
}

/// `age` in whole days, as the start-up line and summaries say it.
pub fn days(age: Duration) -> u64 {
    age.as_secs() / DAY_SECONDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_larger_units_only() {
        let day = |n: u64| Ok(Duration::from_secs(n * DAY_SECONDS));
        assert_eq!(retention_age("90d"), day(90));
        assert_eq!(retention_age(" 26w "), day(182));
        assert_eq!(retention_age("6mo"), day(180));
        assert_eq!(retention_age("1y"), day(365));
        for refused in [
            "5m", "12m", "36h", "2160h", "30s", "0d", "1.5d", "d", "90", "-1d", "90 d", "1e3d",
            "soon", "",
        ] {
            assert!(retention_age(refused).is_err(), "{refused}");
        }
        let minutes = retention_age("5m").expect_err("minutes");
        assert!(minutes.contains("would be minutes"), "{minutes}");
        assert!(minutes.contains("6mo"), "{minutes}");
    }
}
