//! Ticket clocks: working time from start to stop (or now), less the working time inside
//! pauses, against a target — with its state, percent used, deadline and time left.
//!
//! Pauses are measured on the clock's calendar: a pause outside working hours costs nothing,
//! and a pause never moves a deadline by wall-clock time. While a pause is open the deadline
//! shown is the one that would hold if the pause ended now.

use serde::Serialize;

use super::calendar::Calendar;
use crate::domain::model::Pause;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// Amber from this percentage of the target.
    pub warn_pct: f64,
    /// At risk from this percentage.
    pub risk_pct: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            warn_pct: 50.0,
            risk_pct: 75.0,
        }
    }
}

pub struct ClockInput<'a> {
    pub start: i64,
    pub stop: Option<i64>,
    pub pauses: &'a [Pause],
    pub target: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Running,
    Paused,
    Met,
    Breached,
}

impl ClockState {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
        }
    }
}

/// The graded warning, as the ITSM suites show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ok,
    Warning,
    AtRisk,
    Breached,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClockEval {
    pub state: ClockState,
    pub level: Level,
    /// Working seconds used, pauses left out.
    pub elapsed: i64,
    pub target: i64,
    pub percent_used: f64,
    /// When elapsed reaches (or reached) the target.
    pub deadline: Option<i64>,
    /// Seconds to the deadline from now; negative once past it and breached (a running clock
    /// at exactly its target has 0 left; for a stopped clock: the margin it stopped with).
    pub remaining: i64,
    /// When the target was crossed, for a breached clock.
    pub crossed_at: Option<i64>,
}

/// Sorted, merged pause intervals within `[start, end)`; an open pause runs to `end`.
pub fn merged_pauses(pauses: &[Pause], start: i64, end: i64) -> Vec<(i64, i64)> {
    let mut v: Vec<(i64, i64)> = pauses
        .iter()
        .map(|p| (p.start.max(start), p.end.unwrap_or(end).min(end)))
        .filter(|(a, b)| b > a)
        .collect();
    v.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// Working seconds in `[from, to)` outside the (merged) pauses.
pub fn net_working(cal: &Calendar, from: i64, to: i64, pauses: &[(i64, i64)]) -> i64 {
    let gross = cal.working_seconds(from, to);
    let paused: i64 = pauses
        .iter()
        .map(|&(a, b)| cal.working_seconds(a.max(from), b.min(to)))
        .sum();
    gross - paused
}

/// The instant at which `amount` of net working time has elapsed from `from`.
fn add_net(cal: &Calendar, from: i64, amount: i64, pauses: &[(i64, i64)]) -> Option<i64> {
    let mut left = amount;
    let mut cursor = from;
    for &(a, b) in pauses.iter().filter(|(_, b)| *b > from) {
        let a = a.max(cursor);
        let available = cal.working_seconds(cursor, a);
        if left <= available {
            return cal.add_working(cursor, left);
        }
        left -= available;
        cursor = b.max(cursor);
    }
    cal.add_working(cursor, left)
}

impl<'a> ClockInput<'a> {
    /// The clock as it stands at `now`: a response or resolution recorded after `now` has not
    /// happened yet (the clock still runs at `now`).
    pub fn as_of(&self, now: i64) -> ClockInput<'a> {
        ClockInput {
            start: self.start,
            stop: self.stop.filter(|s| *s <= now),
            pauses: self.pauses,
            target: self.target,
        }
    }
}

pub fn evaluate(cal: &Calendar, input: &ClockInput<'_>, now: i64, th: &Thresholds) -> ClockEval {
    let input = &input.as_of(now);
    let target = input.target.max(1);
    let end = input.stop.unwrap_or(now).max(input.start);
    let pauses = merged_pauses(input.pauses, input.start, end);
    let elapsed = net_working(cal, input.start, end, &pauses);
    let paused_now = input.stop.is_none()
        && input
            .pauses
            .iter()
            .any(|p| p.start <= now && p.end.is_none_or(|e| e > now));
    let percent_used = elapsed as f64 * 100.0 / target as f64;
    let breached = elapsed > target;
    let crossed_at = if elapsed >= target {
        add_net(cal, input.start, target, &pauses)
    } else {
        None
    };
    let deadline = if elapsed >= target {
        crossed_at
    } else {
        // From here on no pause is known: the rest of the target counts from now.
        cal.add_working(end.max(input.start), target - elapsed)
    };
    let state = match (input.stop, breached, paused_now) {
        (_, true, _) => ClockState::Breached,
        (Some(_), false, _) => ClockState::Met,
        (None, false, true) => ClockState::Paused,
        (None, false, false) => ClockState::Running,
    };
    let level = if breached {
        Level::Breached
    } else if input.stop.is_some() {
        Level::Ok
    } else if percent_used >= th.risk_pct {
        Level::AtRisk
    } else if percent_used >= th.warn_pct {
        Level::Warning
    } else {
        Level::Ok
    };
    let remaining = match input.stop {
        Some(_) => target - elapsed,
        // A running clock that used exactly its target outside working time (a P4 opened
        // overnight, at the end of its fourth working day) is met until the next working
        // second counts: no time left, not "breached 3h ago".
        None => match deadline {
            Some(d) if breached => d - now,
            Some(d) => (d - now).max(0),
            None => i64::MAX / 4,
        },
    };
    ClockEval {
        state,
        level,
        elapsed,
        target,
        percent_used,
        deadline,
        remaining,
        crossed_at,
    }
}

/// "2h 10m left", "breached 35m ago", "met with 1h 5m to spare".
pub fn countdown(eval: &ClockEval) -> String {
    use crate::domain::parse::format_duration;
    match eval.state {
        ClockState::Running | ClockState::Paused if eval.remaining >= 0 => {
            let paused = if eval.state == ClockState::Paused {
                " (paused)"
            } else {
                ""
            };
            format!("{} left{paused}", format_duration(eval.remaining))
        }
        ClockState::Running | ClockState::Paused | ClockState::Breached => {
            if eval.remaining < 0 {
                format!("breached {} ago", format_duration(-eval.remaining))
            } else {
                format!("breached by {}", format_duration(eval.elapsed - eval.target))
            }
        }
        ClockState::Met => format!("met with {} to spare", format_duration(eval.remaining)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::DateTime;

    use super::*;
    use crate::domain::sla::calendar::WeekHours;

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn office(holidays: &[&str]) -> Calendar {
        let mut map = BTreeMap::new();
        for d in ["mon", "tue", "wed", "thu"] {
            map.insert(d.to_string(), vec!["08:00-18:00".to_string()]);
        }
        map.insert(
            "fri".to_string(),
            vec!["08:00-12:00".to_string(), "13:00-17:00".to_string()],
        );
        let hol: Vec<chrono::NaiveDate> = holidays.iter().map(|h| h.parse().unwrap()).collect();
        Calendar::new(
            "Office NL",
            "Europe/Amsterdam",
            WeekHours::from_map(&map).unwrap(),
            &hol,
        )
        .unwrap()
    }

    fn p(a: &str, b: Option<&str>) -> Pause {
        Pause {
            start: at(a),
            end: b.map(at),
        }
    }

    #[test]
    fn worked_examples() {
        let th = Thresholds::default();
        let cal = office(&[]);
        // A P2 opened Friday 15:30 local (14:30 UTC) with 4h: Friday 15:30-17:00 = 1h30,
        // Monday 08:00 + 2h30 = 10:30 local = 09:30 UTC.
        let input = ClockInput {
            start: at("2026-11-20T14:30:00Z"),
            stop: None,
            pauses: &[],
            target: 4 * 3600,
        };
        let e = evaluate(&cal, &input, at("2026-11-20T15:00:00Z"), &th);
        assert_eq!(e.deadline, Some(at("2026-11-23T09:30:00Z")));
        assert_eq!(e.state, ClockState::Running);
        assert_eq!(e.elapsed, 1800);
        // A pause on Friday 16:00-16:30 local costs 30 working minutes: Monday 11:00 local.
        let pauses = [p("2026-11-20T15:00:00Z", Some("2026-11-20T15:30:00Z"))];
        let input = ClockInput {
            pauses: &pauses,
            ..input
        };
        let e = evaluate(&cal, &input, at("2026-11-20T16:30:00Z"), &th);
        assert_eq!(e.deadline, Some(at("2026-11-23T10:00:00Z")));
        // A pause on Saturday changes nothing.
        let weekend = [p("2026-11-21T09:00:00Z", Some("2026-11-21T15:00:00Z"))];
        let input = ClockInput {
            pauses: &weekend,
            ..input
        };
        let e = evaluate(&cal, &input, at("2026-11-22T12:00:00Z"), &th);
        assert_eq!(e.deadline, Some(at("2026-11-23T09:30:00Z")));
        // The lunch hour on Friday does not count: opened 11:30 local, 1h target = 13:30 local.
        let input = ClockInput {
            start: at("2026-11-20T10:30:00Z"),
            stop: None,
            pauses: &[],
            target: 3600,
        };
        let e = evaluate(&cal, &input, at("2026-11-20T10:31:00Z"), &th);
        assert_eq!(e.deadline, Some(at("2026-11-20T12:30:00Z")));
    }

    #[test]
    fn states_levels_and_the_exact_crossing() {
        let th = Thresholds::default();
        let cal = Calendar::always_on();
        let start = 1_000_000;
        let run = |stop: Option<i64>, pauses: &[Pause], now: i64| {
            evaluate(
                &cal,
                &ClockInput {
                    start,
                    stop,
                    pauses,
                    target: 3600,
                },
                now,
                &th,
            )
        };
        let e = run(None, &[], start + 2000);
        assert_eq!((e.state, e.level), (ClockState::Running, Level::Warning));
        assert_eq!(countdown(&e), "26m left");
        let e = run(None, &[], start + 3000);
        assert_eq!(e.level, Level::AtRisk);
        // Paused at 80%: at risk and paused; the deadline assumes the pause ends now.
        let pauses = [Pause {
            start: start + 2880,
            end: None,
        }];
        let e = run(None, &pauses, start + 5000);
        assert_eq!((e.state, e.level), (ClockState::Paused, Level::AtRisk));
        assert_eq!(e.elapsed, 2880);
        assert_eq!(e.deadline, Some(start + 5000 + 720));
        // Breached 35 minutes ago, crossed exactly at start + 1h.
        let e = run(None, &[], start + 3600 + 35 * 60);
        assert_eq!(e.state, ClockState::Breached);
        assert_eq!(e.crossed_at, Some(start + 3600));
        assert_eq!(countdown(&e), "breached 35m ago");
        // With a closed pause of 10 minutes before the crossing, the crossing moves 10 minutes.
        let pauses = [Pause {
            start: start + 600,
            end: Some(start + 1200),
        }];
        let e = run(None, &pauses, start + 7200);
        assert_eq!(e.crossed_at, Some(start + 4200));
        // Met with time to spare.
        let e = run(Some(start + 1800), &[], start + 99_999);
        assert_eq!((e.state, e.level), (ClockState::Met, Level::Ok));
        assert_eq!(countdown(&e), "met with 30m to spare");
        // Stopped after the target: breached.
        let e = run(Some(start + 4000), &[], start + 99_999);
        assert_eq!(e.state, ClockState::Breached);
    }

    #[test]
    fn a_running_clock_at_exactly_its_target_after_hours_is_not_breached() {
        // A P4 (40 working hours) opened before 08:00 on Wednesday uses exactly 40h at 18:00
        // on Monday; at 21:40 that evening no working second has counted since.
        let input = ClockInput {
            start: at("2026-12-02T04:17:00Z"),
            stop: None,
            pauses: &[],
            target: 40 * 3600,
        };
        let mut map = BTreeMap::new();
        for d in ["mon", "tue", "wed", "thu", "fri"] {
            map.insert(d.to_string(), vec!["08:00-18:00".to_string()]);
        }
        let cal = Calendar::new("Office", "Europe/Amsterdam", WeekHours::from_map(&map).unwrap(), &[]).unwrap();
        let e = evaluate(&cal, &input, at("2026-12-07T20:40:00Z"), &Thresholds::default());
        assert_eq!(e.elapsed, 40 * 3600);
        assert_eq!((e.state, e.level), (ClockState::Running, Level::AtRisk));
        assert_eq!(e.deadline, Some(at("2026-12-07T17:00:00Z")));
        assert_eq!(e.remaining, 0);
        assert_eq!(countdown(&e), "0s left");
        // The first working second the next morning breaches it, counted from the deadline.
        let e = evaluate(&cal, &input, at("2026-12-08T07:00:01Z"), &Thresholds::default());
        assert_eq!(e.state, ClockState::Breached);
        assert_eq!(e.crossed_at, Some(at("2026-12-07T17:00:00Z")));
        assert_eq!(countdown(&e), "breached 14h ago");
    }

    #[test]
    fn overlapping_pauses_count_once() {
        let m = merged_pauses(
            &[
                Pause {
                    start: 10,
                    end: Some(50),
                },
                Pause {
                    start: 30,
                    end: Some(70),
                },
                Pause { start: 80, end: None },
            ],
            0,
            100,
        );
        assert_eq!(m, vec![(10, 70), (80, 100)]);
    }
}
