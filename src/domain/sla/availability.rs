//! Availability of a service for a month, inside its service window, from unplanned outages;
//! and its error budget.
//!
//! The error budget is (1 − target) × the month's window time. Availability is measured over
//! the part of the window that has passed (the whole month once it is over); the budget is
//! exhausted — the month breached — once unplanned downtime exceeds it, which no later uptime
//! can undo.

use chrono::NaiveDate;
use serde::Serialize;

use super::calendar::Calendar;
use crate::domain::parse::next_month_start;

/// An outage as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Downtime {
    pub start: i64,
    /// None while it lasts.
    pub end: Option<i64>,
    pub planned: bool,
    /// Left out of the SLA by the SDM.
    pub excluded: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Availability {
    /// The month's window time, seconds.
    pub window: i64,
    /// The window time passed so far (all of it once the month is over).
    pub window_elapsed: i64,
    /// Unplanned, counted downtime inside the window so far.
    pub down: i64,
    /// Percent available over the elapsed window (100 when nothing has elapsed).
    pub percent: f64,
    /// The error budget for the month, seconds.
    pub budget: i64,
    /// Budget left (negative once exhausted).
    pub budget_left: i64,
    pub budget_burnt_pct: f64,
    /// When the budget ran out, if it did.
    pub exhausted_at: Option<i64>,
}

/// The decimals an availability figure is shown with against a goal written as `goal`
/// (`99.95%`): one more than the goal has, at least two, so 99.86% never reads as a met 99.9%.
pub fn shown_decimals(goal: &str) -> usize {
    let goal = goal.trim().trim_end_matches('%');
    goal.split_once('.').map_or(0, |(_, d)| d.len()).max(1) + 1
}

/// [`shown_decimals`] for a goal as a number (one that is day-weighted across a change of
/// target is read as written to four places, not as its full binary expansion).
pub fn goal_decimals(goal: f64) -> usize {
    shown_decimals(&crate::domain::credits::number_text(goal))
}

/// The first instant of a month and of the next, in the calendar's zone.
pub fn month_bounds(cal: &Calendar, year: i32, month: u32) -> Option<(i64, i64)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = next_month_start(first)?;
    Some((cal.day_start(first), cal.day_start(next)))
}

pub fn month_availability(
    cal: &Calendar,
    year: i32,
    month: u32,
    outages: &[Downtime],
    target_pct: f64,
    now: i64,
) -> Availability {
    let (from, to) = month_bounds(cal, year, month).unwrap_or((0, 0));
    let upto = now.clamp(from, to);
    let window = cal.working_seconds(from, to);
    let window_elapsed = cal.working_seconds(from, upto);
    // Counted outages, clipped to the month so far and merged so overlaps count once.
    let mut spans: Vec<(i64, i64)> = outages
        .iter()
        .filter(|o| !o.planned && !o.excluded)
        .map(|o| (o.start.max(from), o.end.unwrap_or(upto).min(upto)))
        .filter(|(a, b)| b > a)
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let budget = ((1.0 - target_pct / 100.0) * window as f64).floor() as i64;
    let mut down = 0;
    let mut exhausted_at = None;
    for &(a, b) in &merged {
        let w = cal.working_seconds(a, b);
        if exhausted_at.is_none() && down + w > budget {
            exhausted_at = cal.add_working(a, budget - down + 1);
        }
        down += w;
    }
    let percent = if window_elapsed > 0 {
        (window_elapsed - down) as f64 * 100.0 / window_elapsed as f64
    } else {
        100.0
    };
    Availability {
        window,
        window_elapsed,
        down,
        percent,
        budget,
        budget_left: budget - down,
        budget_burnt_pct: if budget > 0 {
            down as f64 * 100.0 / budget as f64
        } else if down > 0 {
            100.0
        } else {
            0.0
        },
        exhausted_at,
    }
}

/// Share of tickets that met a target, in percent (None when none were measured).
pub fn attainment(met: usize, total: usize) -> Option<f64> {
    (total > 0).then(|| met as f64 * 100.0 / total as f64)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn a_month_of_24x7_with_one_unplanned_hour() {
        let cal = Calendar::always_on();
        let outages = [
            Downtime {
                start: at("2026-10-05T10:00:00Z"),
                end: Some(at("2026-10-05T11:00:00Z")),
                planned: false,
                excluded: false,
            },
            // Overlapping the first by 30 minutes: counts once.
            Downtime {
                start: at("2026-10-05T10:30:00Z"),
                end: Some(at("2026-10-05T11:00:00Z")),
                planned: false,
                excluded: false,
            },
            Downtime {
                start: at("2026-10-06T01:00:00Z"),
                end: Some(at("2026-10-06T05:00:00Z")),
                planned: true,
                excluded: false,
            },
            Downtime {
                start: at("2026-10-07T01:00:00Z"),
                end: Some(at("2026-10-07T05:00:00Z")),
                planned: false,
                excluded: true,
            },
        ];
        let a = month_availability(&cal, 2026, 10, &outages, 99.9, at("2026-11-22T00:00:00Z"));
        assert_eq!(a.window, 31 * 86_400);
        assert_eq!(a.window_elapsed, a.window);
        assert_eq!(a.down, 3600);
        // Budget: 0.1% of 31 days = 2678.4 s → 2678 s; 3600 s of downtime exhausts it.
        assert_eq!(a.budget, 2678);
        assert_eq!(a.budget_left, 2678 - 3600);
        assert_eq!(a.exhausted_at, Some(at("2026-10-05T10:00:00Z") + 2679));
        assert!((a.percent - (1.0 - 3600.0 / (31.0 * 86_400.0)) * 100.0).abs() < 1e-9);
    }

    #[test]
    fn the_current_month_counts_what_has_passed_and_open_outages_run_to_now() {
        let cal = Calendar::always_on();
        let outages = [Downtime {
            start: at("2026-11-22T09:00:00Z"),
            end: None,
            planned: false,
            excluded: false,
        }];
        let a = month_availability(&cal, 2026, 11, &outages, 99.5, at("2026-11-22T10:00:00Z"));
        assert_eq!(a.window, 30 * 86_400);
        assert_eq!(a.down, 3600);
        assert_eq!(a.window_elapsed, 21 * 86_400 + 10 * 3600);
        assert_eq!(a.exhausted_at, None, "0.5% of 30 days is 3.6 hours");
        assert_eq!(attainment(19, 20), Some(95.0));
        assert_eq!(attainment(0, 0), None);
    }
}
