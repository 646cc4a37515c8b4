//! How one cell's text becomes a value. Each parser takes the trimmed, non-empty text and
//! returns the value, or the reason it is not one (quoting the text and saying what is
//! accepted); the caller adds the place. Parsers are lenient where ITSM exports differ
//! (`P1`, `1`, `1 - Critical`) and strict where guessing would be wrong (dates).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;

use crate::domain::enums::{Priority, TicketKind, TicketState};
use crate::domain::parse::{ParseError, local_to_utc};
use crate::domain::validate::EARLIEST_FACT;

/// An instant as unix seconds: RFC 3339 (`2026-11-02T14:30:00Z`, `...+01:00`), or a local
/// `YYYY-MM-DD HH:MM[:SS]` (or with `T`) read in `tz`.
pub fn time(text: &str, tz: &Tz) -> Result<i64, String> {
    if let Some(naive) = local_time(text) {
        return match local_to_utc(naive, tz) {
            Ok(t) => Ok(t.timestamp()),
            Err(ParseError::Skipped(..)) => Err(format!(
                "\"{text}\" does not exist in {} (the clocks skip that hour)",
                tz.name()
            )),
            Err(_) => Err(not_a_time(text, tz)),
        };
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    // The display formats of ITSM exports: ServiceNow's `02-11-2026 09:00:00` and Jira's
    // `02/Nov/26 9:00 AM`, read in the zone given.
    for format in [
        "%d-%m-%Y %H:%M:%S",
        "%d-%m-%Y %H:%M",
        "%d/%b/%y %I:%M %p",
        "%d/%b/%Y %I:%M %p",
        "%d/%b/%y %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return local_to_utc(naive, tz)
                .map(|t| t.timestamp())
                .map_err(|_| not_a_time(text, tz));
        }
    }
    Err(not_a_time(text, tz))
}

/// How far past the import's clock a fact may lie (a planned change, a clock a little ahead).
pub const LATEST_AHEAD_SECS: i64 = 366 * 86_400;

/// Whether a cell is one of the placeholders exports write for "no date": `0001-01-01`,
/// `1900-01-01` or `1970-01-01`, alone or at midnight (with or without a zone).
pub fn is_empty_date_placeholder(text: &str) -> bool {
    let t = text.trim();
    let Some(day) = ["0001-01-01", "1900-01-01", "1970-01-01"]
        .into_iter()
        .find(|d| t.starts_with(d))
    else {
        return false;
    };
    let rest = t[day.len()..].trim_start_matches(['T', ' ']);
    let rest = rest
        .trim_end_matches('Z')
        .trim_end_matches("+00:00")
        .trim_end_matches(".000");
    matches!(rest, "" | "00:00" | "00:00:00")
}

/// [`time`], refusing an instant before 1990 or more than a year after `now`: never clamped,
/// never guessed.
pub fn plausible_time(text: &str, tz: &Tz, now: i64) -> Result<i64, String> {
    let t = time(text, tz)?;
    if t < EARLIEST_FACT {
        return Err(format!("\"{text}\" is before 1990: not a date sdm takes as a fact"));
    }
    if t > now + LATEST_AHEAD_SECS {
        return Err(format!(
            "\"{text}\" is more than a year after the import's clock: not a date sdm takes as a fact"
        ));
    }
    Ok(t)
}

fn not_a_time(text: &str, tz: &Tz) -> String {
    format!(
        "\"{text}\" is not a time: use RFC 3339 (2026-11-02T14:30:00Z) or 2026-11-02 14:30[:00], read in {}",
        tz.name()
    )
}

/// `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (space or `T`), without a zone. Hand-written:
/// it is the hot path of a large ticket import.
fn local_time(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    if !(b.len() == 16 || b.len() == 19) || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b' ' | b'T') {
        return None;
    }
    if b[13] != b':' || (b.len() == 19 && b[16] != b':') {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(0, 4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, num(5, 7)?, num(8, 10)?)?;
    let seconds = if b.len() == 19 { num(17, 19)? } else { 0 };
    let time = NaiveTime::from_hms_opt(num(11, 13)?, num(14, 16)?, seconds)?;
    Some(date.and_time(time))
}

/// A calendar date, `YYYY-MM-DD`.
pub fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("\"{text}\" is not a date: use YYYY-MM-DD"))
}

/// Pauses as `start/end;start/end`; an empty end is a pause still running.
pub fn pauses(text: &str, tz: &Tz) -> Result<Vec<(i64, Option<i64>)>, String> {
    let mut out = Vec::new();
    for (n, piece) in text.split(';').map(str::trim).filter(|p| !p.is_empty()).enumerate() {
        let Some((start, end)) = piece.split_once('/') else {
            return Err(format!(
                "pause {} \"{piece}\" has no end: write start/end, separated by ; (an empty end is a pause still running)",
                n + 1
            ));
        };
        let start = time(start.trim(), tz).map_err(|e| format!("pause {}: {e}", n + 1))?;
        let end = match end.trim() {
            "" => None,
            e => Some(time(e, tz).map_err(|e| format!("pause {}: {e}", n + 1))?),
        };
        if let Some(e) = end
            && e < start
        {
            return Err(format!("pause {} \"{piece}\" ends before it starts", n + 1));
        }
        out.push((start, end));
    }
    Ok(out)
}

/// `P1`..`P4`, also `1`..`4` and labelled forms such as `1 - Critical` or `P2 (High)`.
pub fn priority(text: &str) -> Result<Priority, String> {
    let digits = text.strip_prefix(['p', 'P']).unwrap_or(text);
    let mut chars = digits.chars();
    let level = chars.next();
    let rest_ok = chars.next().is_none_or(|c| !c.is_alphanumeric());
    match (level, rest_ok) {
        (Some('1'), true) => Ok(Priority::P1),
        (Some('2'), true) => Ok(Priority::P2),
        (Some('3'), true) => Ok(Priority::P3),
        (Some('4'), true) => Ok(Priority::P4),
        _ => match text.trim().to_ascii_lowercase().as_str() {
            // Jira's names (and the common words) by default.
            "highest" | "blocker" | "critical" | "urgent" => Ok(Priority::P1),
            "high" | "major" => Ok(Priority::P2),
            "medium" | "normal" | "moderate" => Ok(Priority::P3),
            "low" | "lowest" | "minor" | "trivial" | "planning" => Ok(Priority::P4),
            _ => Err(format!(
                "\"{text}\" is not a priority: use P1, P2, P3 or P4 (or 1 - Critical, Highest, High, Medium, Low)"
            )),
        },
    }
}

/// A ticket state, with the words ITSM tools use for the open ones.
pub fn ticket_state(text: &str) -> Result<TicketState, String> {
    let word = text.to_ascii_lowercase().replace(['_', '-'], " ");
    match word.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
        "open" | "new" | "active" | "assigned" | "in progress" | "work in progress" | "on hold" | "pending"
        | "waiting" | "awaiting customer" | "reopened" => Ok(TicketState::Open),
        "to do" | "in review" | "escalated" | "waiting for support" | "waiting for customer" => Ok(TicketState::Open),
        "resolved" | "done" | "fixed" | "completed" => Ok(TicketState::Resolved),
        "closed" => Ok(TicketState::Closed),
        "cancelled" | "canceled" | "won't do" | "declined" | "duplicate" => Ok(TicketState::Cancelled),
        _ => Err(format!(
            "\"{text}\" is not a ticket state: use open, resolved, closed or cancelled"
        )),
    }
}

/// Incident or request.
pub fn ticket_kind(text: &str) -> Result<TicketKind, String> {
    let word = text.to_ascii_lowercase().replace(['_', '-'], " ");
    match word.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
        "incident" | "inc" => Ok(TicketKind::Incident),
        "request" | "service request" | "req" | "sr" | "ritm" => Ok(TicketKind::Request),
        // Jira's issue types: "[System] Incident", "Service request with approvals", ...
        w if w.contains("incident") || w.contains("problem") => Ok(TicketKind::Incident),
        w if w.contains("request") || w.contains("change") || w.contains("task") => Ok(TicketKind::Request),
        _ => Err(format!("\"{text}\" is not a ticket kind: use incident or request")),
    }
}

/// Any word of one of the domain's closed vocabularies (change kind, outcome, ...).
pub fn word<T: std::str::FromStr>(text: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e: T::Err| e.to_string())
}

/// Yes or no.
pub fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "t" | "1" | "planned" => Ok(true),
        "no" | "n" | "false" | "f" | "0" | "unplanned" => Ok(false),
        _ => Err(format!("\"{text}\" is not yes or no: use yes/no, true/false or 1/0")),
    }
}

/// A survey period: a month `2026-11` or a quarter `2026-Q4` (returned in that form).
pub fn period(text: &str) -> Result<String, String> {
    let bad = || format!("\"{text}\" is not a period: use a month (2026-11) or a quarter (2026-Q4)");
    let (year, rest) = text.split_at_checked(4).ok_or_else(bad)?;
    if !year.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    if let Some(q) = rest.strip_prefix(['q', 'Q']) {
        return match q {
            "1" | "2" | "3" | "4" => Ok(format!("{year}-Q{q}")),
            _ => Err(bad()),
        };
    }
    match rest.parse::<u32>() {
        Ok(m) if (1..=12).contains(&m) && rest.len() == 2 => Ok(format!("{year}-{rest}")),
        _ => Err(bad()),
    }
}

/// A number (a score, a scale).
pub fn number(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("\"{text}\" is not a number: use e.g. 4.2")),
    }
}

/// A whole number of zero or more (a count of survey responses).
pub fn count(text: &str) -> Result<i64, String> {
    match text.parse::<i64>() {
        Ok(v) if v >= 0 => Ok(v),
        _ => Err(format!("\"{text}\" is not a count: use a whole number of 0 or more")),
    }
}

/// Up to three IANA zone names a few letters off `given`, nearest first, for an error message.
pub fn close_zones(given: &str) -> Vec<String> {
    let given = given.to_lowercase();
    let mut scored: Vec<(usize, &str)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| {
            (
                crate::domain::text::edit_distance(&z.name().to_lowercase(), &given),
                z.name(),
            )
        })
        .filter(|(d, _)| *d <= 3)
        .collect();
    scored.sort_unstable();
    scored.into_iter().take(3).map(|(_, n)| n.to_string()).collect()
}

/// A time zone by its IANA name, or why not.
pub fn zone(text: &str) -> Result<Tz, String> {
    text.trim().parse::<Tz>().map_err(|_| {
        let close = close_zones(text.trim());
        let hint = if close.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", close.join(", "))
        };
        format!("\"{text}\" is not a time zone: use an IANA name such as Europe/Amsterdam{hint}")
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const AMS: Tz = chrono_tz::Europe::Amsterdam;

    #[test]
    fn times_rfc3339_and_local() {
        assert_eq!(time("2026-11-02T14:30:00Z", &AMS), Ok(1_793_629_800));
        assert_eq!(time("2026-11-02T15:30:00+01:00", &AMS), Ok(1_793_629_800));
        assert_eq!(time("2026-11-02 15:30", &AMS), Ok(1_793_629_800));
        assert_eq!(time("2026-11-02 15:30:00", &AMS), Ok(1_793_629_800));
        assert_eq!(time("2026-11-02T15:30", &AMS), Ok(1_793_629_800));
        let err = time("31/02/2026", &AMS).unwrap_err();
        assert!(err.starts_with("\"31/02/2026\" is not a time: use RFC 3339"), "{err}");
        assert!(err.contains("Europe/Amsterdam"), "{err}");
        assert!(time("2026-02-31 10:00", &AMS).is_err());
        assert!(time("2026-11-02 25:00", &AMS).is_err());
        let skipped = time("2026-03-29 02:30", &AMS).unwrap_err();
        assert!(skipped.contains("does not exist"), "{skipped}");
    }

    #[test]
    fn empty_date_placeholders_and_implausible_dates() {
        for p in [
            "0001-01-01",
            "1900-01-01 00:00:00",
            "1970-01-01T00:00:00Z",
            "0001-01-01T00:00:00.000Z",
        ] {
            assert!(is_empty_date_placeholder(p), "{p}");
        }
        assert!(!is_empty_date_placeholder("1970-01-01 10:00"));
        assert!(!is_empty_date_placeholder("2026-01-01"));
        let now = 1_795_000_000; // 2026-11
        assert!(plausible_time("1989-12-31T23:59:59Z", &Tz::UTC, now).is_err());
        assert!(plausible_time("2030-01-01T00:00:00Z", &Tz::UTC, now).is_err());
        assert!(plausible_time("2026-11-02 14:30", &Tz::UTC, now).is_ok());
    }

    #[test]
    fn pauses_in_pairs() {
        let p = pauses("2026-11-02 10:00/2026-11-02 11:00; 2026-11-03 09:00/", &chrono_tz::UTC).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].1.map(|e| e - p[0].0), Some(3600));
        assert_eq!(p[1].1, None);
        assert!(pauses("2026-11-02 10:00", &AMS).unwrap_err().contains("no end"));
        assert!(
            pauses("2026-11-02 11:00/2026-11-02 10:00", &AMS)
                .unwrap_err()
                .contains("ends before")
        );
        assert_eq!(pauses("", &AMS), Ok(vec![]));
    }

    #[test]
    fn lenient_words() {
        assert_eq!(priority("P1"), Ok(Priority::P1));
        assert_eq!(priority("p3"), Ok(Priority::P3));
        assert_eq!(priority("2 - High"), Ok(Priority::P2));
        assert_eq!(priority("4"), Ok(Priority::P4));
        assert!(priority("P5").is_err());
        assert!(priority("12").is_err());
        assert!(priority("whenever").is_err());
        assert_eq!(priority("Highest"), Ok(Priority::P1));
        assert_eq!(priority("Low"), Ok(Priority::P4));
        assert_eq!(ticket_state("In Progress"), Ok(TicketState::Open));
        assert_eq!(ticket_state("Canceled"), Ok(TicketState::Cancelled));
        assert!(ticket_state("limbo").is_err());
        assert_eq!(ticket_kind("Service Request"), Ok(TicketKind::Request));
        assert_eq!(yes_no("Yes"), Ok(true));
        assert!(yes_no("maybe").is_err());
    }

    #[test]
    fn periods() {
        assert_eq!(period("2026-11"), Ok("2026-11".to_string()));
        assert_eq!(period("2026-q4"), Ok("2026-Q4".to_string()));
        assert_eq!(period("2026Q1"), Ok("2026-Q1".to_string()));
        for bad in ["2026-13", "2026-1", "Nov 2026", "2026-Q5", "26-11"] {
            assert!(period(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn zones_suggest_close_names() {
        assert!(zone("Europe/Amsterdam").is_ok());
        let err = zone("Europe/Amsterdm").unwrap_err();
        assert!(err.contains("(did you mean Europe/Amsterdam?)"), "{err}");
    }
}
