//! A clock's timeline, the way an ITSM suite's SLA timeline shows it: when it started, each
//! working window, holiday, weekend and pause that counted or did not, and how the deadline
//! follows.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::calendar::{Calendar, DayKind};
use super::clock::{ClockEval, ClockInput, merged_pauses};
use crate::domain::parse::format_duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Started(i64),
    /// Working time that counted: from, to, seconds.
    Counted(i64, i64, i64),
    /// A pause and the working seconds it took off the clock.
    Paused(i64, Option<i64>, i64),
    Holiday(chrono::NaiveDate),
    NoHours(chrono::NaiveDate),
    TargetReached(i64),
    Deadline(i64),
    Stopped(i64),
}

/// The timeline of a clock up to `now`, day by day (at most 60 days are itemised).
pub fn explain(cal: &Calendar, input: &ClockInput<'_>, eval: &ClockEval, now: i64) -> Vec<Entry> {
    let mut out = vec![Entry::Started(input.start)];
    let end = input.stop.unwrap_or(now).max(input.start);
    let pauses = merged_pauses(input.pauses, input.start, end);
    for (date, kind, intervals) in cal.days_between(input.start, end).into_iter().take(60) {
        match kind {
            DayKind::Holiday => out.push(Entry::Holiday(date)),
            DayKind::NoHours => out.push(Entry::NoHours(date)),
            DayKind::Working => {
                for (a, b) in intervals {
                    // Split the window around pauses.
                    let mut cursor = a;
                    for &(pa, pb) in pauses.iter().filter(|(pa, pb)| *pb > a && *pa < b) {
                        if pa > cursor {
                            out.push(Entry::Counted(cursor, pa, pa - cursor));
                        }
                        cursor = cursor.max(pb);
                    }
                    if b > cursor {
                        out.push(Entry::Counted(cursor, b, b - cursor));
                    }
                }
            }
        }
    }
    for &(a, b) in &pauses {
        let open = input.pauses.iter().any(|p| p.end.is_none() && p.start <= a) && b >= end && input.stop.is_none();
        out.push(Entry::Paused(
            a,
            if open { None } else { Some(b) },
            cal.working_seconds(a, b),
        ));
    }
    out.sort_by_key(|e| match e {
        Entry::Started(t) | Entry::Counted(t, _, _) | Entry::Paused(t, _, _) => *t,
        Entry::Holiday(d) | Entry::NoHours(d) => cal.day_start(*d),
        Entry::TargetReached(t) | Entry::Deadline(t) | Entry::Stopped(t) => *t,
    });
    if let Some(c) = eval.crossed_at {
        out.push(Entry::TargetReached(c));
    } else if let Some(d) = eval.deadline {
        out.push(Entry::Deadline(d));
    }
    if let Some(s) = input.stop {
        out.push(Entry::Stopped(s));
    }
    out
}

fn show(t: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.with_timezone(&tz).format("%a %Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The timeline as text, times in `tz`.
pub fn render_text(entries: &[Entry], eval: &ClockEval, tz: Tz) -> String {
    let mut out = String::new();
    let mut running = 0;
    for e in entries {
        let line = match e {
            Entry::Started(t) => format!("{}  clock starts", show(*t, tz)),
            Entry::Counted(a, b, s) => {
                running += s;
                format!(
                    "{}  counts until {} ({}; {} used)",
                    show(*a, tz),
                    show(*b, tz).get(15..).unwrap_or_default(),
                    format_duration(*s),
                    format_duration(running)
                )
            }
            Entry::Paused(a, b, s) => match b {
                Some(b) => format!(
                    "{}  paused until {} (waiting on customer: {} of working time not counted)",
                    show(*a, tz),
                    show(*b, tz),
                    format_duration(*s)
                ),
                None => format!("{}  paused, still waiting on the customer", show(*a, tz)),
            },
            Entry::Holiday(d) => format!("{d}            holiday: nothing counts"),
            Entry::NoHours(d) => format!("{d}            no working hours (weekend): nothing counts"),
            Entry::TargetReached(t) => format!(
                "{}  target of {} reached: breached",
                show(*t, tz),
                format_duration(eval.target)
            ),
            Entry::Deadline(t) => format!(
                "{}  deadline: {} of {} used, {} to go",
                show(*t, tz),
                format_duration(eval.elapsed),
                format_duration(eval.target),
                format_duration(eval.target - eval.elapsed)
            ),
            Entry::Stopped(t) => format!("{}  clock stops", show(*t, tz)),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}
