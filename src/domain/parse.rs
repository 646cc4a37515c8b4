//! What a person types for dates, instants and durations, in forms and on the command line.
//!
//! Dates: `2026-12-01`, `today`, `tomorrow`, `yesterday`, a weekday (`fri`, `friday`: the next
//! one after today), `+3d`, `+2w`, `-1d`. Instants: RFC 3339, `2026-12-01 14:30`, or any date
//! form with an optional ` HH:MM` (a bare date means the start of that day), or `now`.
//! Durations: `4h`, `1d 2h`, `90m`, `1h30m`, `45s` (a day is 24 hours).

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc, Weekday};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("\"{0}\" is not a date: use 2026-12-01, today, tomorrow, a weekday such as fri, or +3d / +2w")]
    Date(String),
    #[error("\"{0}\" is not a time: use RFC 3339 (2026-12-01T14:30:00Z), 2026-12-01 14:30, today 14:30 or now")]
    Instant(String),
    #[error("\"{0}\" is not a duration: use a number with a unit, such as 4h, 1d 2h, 90m or 45s")]
    Duration(String),
    #[error("{0} does not exist in time zone {1} (the clocks skip it)")]
    Skipped(String, String),
}

/// Parses a date relative to `today`.
pub fn parse_date(input: &str, today: NaiveDate) -> Result<NaiveDate, ParseError> {
    let s = input.trim().to_ascii_lowercase();
    let bad = || ParseError::Date(input.trim().to_string());
    if s.is_empty() {
        return Err(bad());
    }
    if let Ok(d) = NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
        return Ok(d);
    }
    match s.as_str() {
        "today" | "tod" => return Ok(today),
        "tomorrow" | "tom" => return today.succ_opt().ok_or_else(bad),
        "yesterday" => return today.pred_opt().ok_or_else(bad),
        _ => {}
    }
    if let Some(day) = weekday(&s) {
        let mut d = today.succ_opt().ok_or_else(bad)?;
        while d.weekday() != day {
            d = d.succ_opt().ok_or_else(bad)?;
        }
        return Ok(d);
    }
    if let Some(rest) = s
        .strip_prefix('+')
        .map(|r| (1, r))
        .or_else(|| s.strip_prefix('-').map(|r| (-1, r)))
    {
        let (sign, body) = rest;
        let (num, unit) = split_number(body).ok_or_else(bad)?;
        let days = match unit.trim() {
            "d" | "day" | "days" | "" => num,
            "w" | "wk" | "week" | "weeks" => num.checked_mul(7).ok_or_else(bad)?,
            _ => return Err(bad()),
        };
        let days = days.checked_mul(sign).ok_or_else(bad)?;
        return today
            .checked_add_signed(Duration::try_days(days).ok_or_else(bad)?)
            .ok_or_else(bad);
    }
    Err(bad())
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tues" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// Splits `"12h"` into `(12, "h")`.
fn split_number(s: &str) -> Option<(i64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    let n = s[..end].parse().ok()?;
    Some((n, &s[end..]))
}

/// Parses an instant; local forms are read in `tz`. `now` anchors `now`, `today`, `+3d`, ...
pub fn parse_instant<Tz: TimeZone + std::fmt::Debug>(
    input: &str,
    now: DateTime<Utc>,
    tz: &Tz,
) -> Result<DateTime<Utc>, ParseError> {
    let trimmed = input.trim();
    let bad = || ParseError::Instant(trimmed.to_string());
    if trimmed.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(t.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(trimmed, fmt) {
            return local_to_utc(naive, tz);
        }
    }
    let today = now.with_timezone(tz).date_naive();
    let (date_part, time_part) = match trimmed.rsplit_once(' ') {
        Some((d, t)) if t.contains(':') => (d, Some(t)),
        _ => (trimmed, None),
    };
    let date = parse_date(date_part, today).map_err(|_| bad())?;
    let time = match time_part {
        Some(t) => NaiveTime::parse_from_str(t, "%H:%M").map_err(|_| bad())?,
        None => NaiveTime::MIN,
    };
    local_to_utc(date.and_time(time), tz)
}

/// A local wall time in `tz` as UTC; an ambiguous time (clocks going back) takes the earlier.
pub fn local_to_utc<Tz: TimeZone + std::fmt::Debug>(
    naive: NaiveDateTime,
    tz: &Tz,
) -> Result<DateTime<Utc>, ParseError> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) => Ok(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, _) => Ok(a.with_timezone(&Utc)),
        LocalResult::None => Err(ParseError::Skipped(naive.to_string(), format!("{tz:?}"))),
    }
}

/// Parses a duration into seconds.
pub fn parse_duration(input: &str) -> Result<i64, ParseError> {
    let bad = || ParseError::Duration(input.trim().to_string());
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if compact.is_empty() {
        return Err(bad());
    }
    let mut rest = compact.as_str();
    let mut total: i64 = 0;
    while !rest.is_empty() {
        let (n, after) = split_number(rest).ok_or_else(bad)?;
        let unit_len = after.find(|c: char| c.is_ascii_digit()).unwrap_or(after.len());
        let unit = &after[..unit_len];
        let factor = match unit {
            "w" | "wk" | "week" | "weeks" => 7 * 86_400,
            "d" | "day" | "days" => 86_400,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        rest = &after[unit_len..];
    }
    Ok(total)
}

/// Formats seconds as the two largest units: `1d 2h`, `2h 10m`, `35m`, `45s`.
pub fn format_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    let text = if d > 0 {
        if h > 0 { format!("{d}d {h}h") } else { format!("{d}d") }
    } else if h > 0 {
        if m > 0 { format!("{h}h {m}m") } else { format!("{h}h") }
    } else if m > 0 {
        format!("{m}m")
    } else {
        format!("{sec}s")
    };
    if secs < 0 { format!("-{text}") } else { text }
}

/// A duration to the second, for sums a person checks by hand (a clock's timeline):
/// `25h 36m`, `1h 26m 30s`, `45s`. Days are not used: working time is counted in hours.
pub fn format_duration_exact(secs: i64) -> String {
    let s = secs.unsigned_abs();
    let (h, m, sec) = (s / 3_600, s % 3_600 / 60, s % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if sec > 0 || parts.is_empty() {
        parts.push(format!("{sec}s"));
    }
    let text = parts.join(" ");
    if secs < 0 { format!("-{text}") } else { text }
}

/// Parses `--now`: RFC 3339 only, so scripts are never ambiguous.
pub fn parse_rfc3339(input: &str) -> Result<DateTime<Utc>, ParseError> {
    DateTime::parse_from_rfc3339(input.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ParseError::Instant(input.trim().to_string()))
}

/// The first day of the month after `date`'s.
pub fn next_month_start(date: NaiveDate) -> Option<NaiveDate> {
    let (y, m) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn dates_in_every_accepted_form() {
        let today = d("2026-11-22"); // a Sunday
        assert_eq!(parse_date("2026-12-01", today), Ok(d("2026-12-01")));
        assert_eq!(parse_date("today", today), Ok(today));
        assert_eq!(parse_date("Tomorrow", today), Ok(d("2026-11-23")));
        assert_eq!(parse_date("fri", today), Ok(d("2026-11-27")));
        assert_eq!(
            parse_date("sun", today),
            Ok(d("2026-11-29")),
            "a weekday is the next one after today"
        );
        assert_eq!(parse_date("+3d", today), Ok(d("2026-11-25")));
        assert_eq!(parse_date("+2w", today), Ok(d("2026-12-06")));
        assert_eq!(parse_date("-1d", today), Ok(d("2026-11-21")));
        for bad in ["", "2026-13-01", "someday", "+d", "+3x", "+99999999999999d"] {
            assert!(parse_date(bad, today).is_err(), "{bad:?} should be refused");
        }
        let msg = parse_date("someday", today).unwrap_err().to_string();
        assert!(msg.contains("\"someday\"") && msg.contains("+3d"), "{msg}");
    }

    #[test]
    fn durations_in_every_accepted_form() {
        assert_eq!(parse_duration("4h"), Ok(4 * 3600));
        assert_eq!(parse_duration("1d 2h"), Ok(26 * 3600));
        assert_eq!(parse_duration("90m"), Ok(5400));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("45 s"), Ok(45));
        for bad in ["", "4", "h", "4x", "1.5h", "-4h"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn durations_format_as_two_units() {
        assert_eq!(format_duration(26 * 3600), "1d 2h");
        assert_eq!(format_duration(2 * 3600 + 600), "2h 10m");
        assert_eq!(format_duration(35 * 60), "35m");
        assert_eq!(format_duration(45), "45s");
        assert_eq!(format_duration(-35 * 60), "-35m");
    }

    #[test]
    fn instants_local_and_relative() {
        let now = parse_rfc3339("2026-11-22T15:30:00Z").unwrap();
        let ams = chrono_tz::Europe::Amsterdam;
        assert_eq!(parse_instant("now", now, &ams), Ok(now));
        assert_eq!(
            parse_instant("2026-11-23 09:00", now, &ams),
            Ok(parse_rfc3339("2026-11-23T08:00:00Z").unwrap())
        );
        assert_eq!(
            parse_instant("tomorrow 09:00", now, &ams),
            Ok(parse_rfc3339("2026-11-23T08:00:00Z").unwrap())
        );
        assert_eq!(
            parse_instant("2026-11-23", now, &Utc),
            Ok(parse_rfc3339("2026-11-23T00:00:00Z").unwrap())
        );
        assert!(parse_instant("2026-03-29 02:30", now, &ams).is_err(), "skipped by DST");
        assert!(parse_instant("whenever", now, &ams).is_err());
        assert!(parse_rfc3339("yesterday").is_err());
    }
}
