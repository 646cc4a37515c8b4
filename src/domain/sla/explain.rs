//! A clock's timeline, the way an ITSM suite's SLA timeline shows it: when it started, each
//! working window, holiday, weekend and pause that counted or did not, and how the deadline
//! follows.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::calendar::{Calendar, DayKind};
use super::clock::{ClockEval, ClockInput, ClockState, merged_pauses};
use crate::domain::parse::format_duration_exact;

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
    /// Days not itemised: from, to, how many days, the working seconds that counted.
    Elided(i64, i64, i64, i64),
}

/// How many days a timeline itemises at each end; the days between are one summary line.
const ITEMISED_DAYS: i64 = 30;

/// The timeline of a clock up to `now`, day by day, in time order. A clock that ran longer
/// than two months itemises its first and last 30 days and sums the days between in one line,
/// so the running total still ends at the clock's elapsed time.
pub fn explain(cal: &Calendar, input: &ClockInput<'_>, eval: &ClockEval, now: i64) -> Vec<Entry> {
    let input = &input.as_of(now);
    let mut out = vec![Entry::Started(input.start)];
    let end = input.stop.unwrap_or(now).max(input.start);
    let pauses = merged_pauses(input.pauses, input.start, end);
    let first = cal.local_date(input.start);
    let last = cal.local_date(end);
    let span = (last - first).num_days();
    let mut days = Vec::new();
    if span < 2 * ITEMISED_DAYS {
        days = cal.days_between(input.start, end);
    } else {
        let head_end_day = first + chrono::Duration::days(ITEMISED_DAYS);
        let tail_start_day = last - chrono::Duration::days(ITEMISED_DAYS - 1);
        let (t1, t2) = (cal.day_start(head_end_day), cal.day_start(tail_start_day));
        days.extend(
            cal.days_between(input.start, t1)
                .into_iter()
                .filter(|(d, ..)| *d < head_end_day),
        );
        let counted = super::clock::net_working(cal, t1, t2, &pauses);
        out.push(Entry::Elided(
            t1,
            t2,
            (tail_start_day - head_end_day).num_days(),
            counted,
        ));
        days.extend(cal.days_between(t2, end));
    }
    for (date, kind, intervals) in days {
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
    // The target is reached only by a clock that used more than it; one that used exactly
    // its target is met.
    if let Some(c) = eval.crossed_at.filter(|_| eval.state == ClockState::Breached) {
        out.push(Entry::TargetReached(c));
    } else if let Some(d) = eval.deadline.filter(|_| input.stop.is_none()) {
        out.push(Entry::Deadline(d));
    }
    if let Some(s) = input.stop {
        out.push(Entry::Stopped(s));
    }
    // In time order; at one instant: the start, what counted, the pauses, then the target,
    // the deadline and the stop.
    let rank = |e: &Entry| match e {
        Entry::Started(_) => 0,
        Entry::Holiday(_) | Entry::NoHours(_) => 1,
        Entry::Counted(..) | Entry::Elided(..) => 2,
        Entry::Paused(..) => 3,
        Entry::TargetReached(_) => 4,
        Entry::Deadline(_) => 5,
        Entry::Stopped(_) => 6,
    };
    out.sort_by_key(|e| {
        let at = match e {
            Entry::Started(t) | Entry::Counted(t, _, _) | Entry::Paused(t, _, _) | Entry::Elided(t, _, _, _) => *t,
            Entry::Holiday(d) | Entry::NoHours(d) => cal.day_start(*d),
            Entry::TargetReached(t) | Entry::Deadline(t) | Entry::Stopped(t) => *t,
        };
        (at, rank(e))
    });
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
                    format_duration_exact(*s),
                    format_duration_exact(running)
                )
            }
            Entry::Paused(a, b, s) => match b {
                Some(b) => format!(
                    "{}  paused until {} (waiting on customer: {} of working time not counted)",
                    show(*a, tz),
                    show(*b, tz),
                    format_duration_exact(*s)
                ),
                None => format!("{}  paused, still waiting on the customer", show(*a, tz)),
            },
            Entry::Holiday(d) => format!("{d}            holiday: nothing counts"),
            Entry::NoHours(d) => format!("{d}            no working hours (weekend): nothing counts"),
            Entry::TargetReached(t) => format!(
                "{}  target of {} reached: breached",
                show(*t, tz),
                format_duration_exact(eval.target)
            ),
            Entry::Deadline(t) => format!(
                "{}  deadline: {} of {} used, {} of working time to go",
                show(*t, tz),
                format_duration_exact(eval.elapsed),
                format_duration_exact(eval.target),
                format_duration_exact(eval.target - eval.elapsed)
            ),
            Entry::Stopped(t) => format!(
                "{}  clock stops: {}",
                show(*t, tz),
                if eval.state == ClockState::Breached {
                    "breached"
                } else {
                    "met"
                }
            ),
            Entry::Elided(a, b, days, s) => {
                running += s;
                format!(
                    "{}  … {days} days to {} not itemised: {} counted ({} used)",
                    show(*a, tz),
                    show(*b, tz),
                    format_duration_exact(*s),
                    format_duration_exact(running)
                )
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}
