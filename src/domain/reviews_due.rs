//! When a review falls due by itself: a post-implementation review (PIR) for every emergency
//! change and every change not plainly successful, a post-mortem for every P1 or critical
//! ticket not cancelled; due a number of working days after the change went in or the ticket
//! was resolved (opened, while it is not). Pure: the store reads the facts and writes the
//! reviews these functions ask for.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::model::CalendarRecord;
use super::workdays::{add_working_days, is_working_day};

/// The priority whose tickets always get a post-mortem (the store narrows its reading by it).
pub const POSTMORTEM_PRIORITY: &str = "p1";

/// Why a change needs a PIR ("emergency change", "failed"), or `None` when it does not.
pub fn pir_reason(kind: &str, outcome: &str) -> Option<String> {
    if matches!(outcome, "pending" | "cancelled") {
        // Not gone in (yet): nothing to review.
        None
    } else if outcome != "successful" {
        Some(outcome.replace('_', " "))
    } else if kind == "emergency" {
        Some(format!("{kind} change"))
    } else {
        None
    }
}

/// Why a ticket needs a post-mortem ("P1", "critical"), or `None` when it does not.
pub fn postmortem_reason(priority: &str, critical: bool, state: &str) -> Option<&'static str> {
    if state == "cancelled" {
        None
    } else if priority == POSTMORTEM_PRIORITY {
        Some("P1")
    } else if critical {
        Some("critical")
    } else {
        None
    }
}

/// The title a review due by itself gets: "PIR CHG0001 (failed): summary".
pub fn title(word: &str, reference: &str, why: &str, summary: &str) -> String {
    format!("{word} {reference} ({why}): {summary}")
        .chars()
        .take(200)
        .collect()
}

/// `working_days` working days after the day of `from` in the calendar's zone (every day
/// counts when there is no calendar).
pub fn due_date(from: i64, calendar: Option<&CalendarRecord>, working_days: i64) -> NaiveDate {
    let tz: Tz = calendar.and_then(|c| c.timezone.parse().ok()).unwrap_or(Tz::UTC);
    let day = DateTime::<Utc>::from_timestamp(from, 0)
        .map(|t| t.with_timezone(&tz).date_naive())
        .unwrap_or_default();
    match calendar {
        Some(cal) => add_working_days(day, working_days, |d| is_working_day(cal, d)),
        None => add_working_days(day, working_days, |_| true),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn which_changes_and_tickets_get_a_review() {
        assert_eq!(pir_reason("normal", "successful"), None);
        assert_eq!(
            pir_reason("emergency", "successful").as_deref(),
            Some("emergency change")
        );
        assert_eq!(pir_reason("normal", "failed").as_deref(), Some("failed"));
        assert_eq!(pir_reason("emergency", "pending"), None, "not gone in yet");
        assert_eq!(pir_reason("emergency", "cancelled"), None);
        assert_eq!(
            pir_reason("emergency", "successful_with_issues").as_deref(),
            Some("successful with issues")
        );
        assert_eq!(postmortem_reason("p1", false, "resolved"), Some("P1"));
        assert_eq!(postmortem_reason("p2", true, "open"), Some("critical"));
        assert_eq!(postmortem_reason("p2", false, "open"), None);
        assert_eq!(postmortem_reason("p1", true, "cancelled"), None);
    }

    #[test]
    fn due_counts_days_without_a_calendar() {
        let from = chrono::DateTime::parse_from_rfc3339("2026-11-20T23:30:00Z")
            .unwrap()
            .timestamp();
        assert_eq!(due_date(from, None, 5), NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
    }
}
