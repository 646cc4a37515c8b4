//! The one place that turns stored records into the pure rules' types and back.

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Serialize;

use super::health::OutageFacts;
use crate::domain::model::{CalendarRecord, Pause};
use crate::domain::sla::{self, Calendar, ClockInput, ClockState, Level, Thresholds, WeekHours};

pub type Cal = Calendar;

pub fn build_calendar(rec: &CalendarRecord) -> Result<Cal, String> {
    if rec.name.eq_ignore_ascii_case(crate::domain::model::ALWAYS_CALENDAR) && rec.hours.is_empty() {
        return Ok(Calendar::always_on());
    }
    let hours = WeekHours::from_map(&rec.hours).map_err(|e| e.to_string())?;
    Calendar::new(&rec.name, &rec.timezone, hours, &rec.holidays).map_err(|e| e.to_string())
}

pub fn always_on() -> Cal {
    Calendar::always_on()
}

pub fn always_on_ref() -> &'static Cal {
    static ALWAYS: OnceLock<Calendar> = OnceLock::new();
    ALWAYS.get_or_init(Calendar::always_on)
}

/// A clock as the rest of sdm shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClockView {
    pub state: &'static str,
    pub stopped: bool,
    pub breached: bool,
    pub at_risk: bool,
    pub warning: bool,
    pub percent_used: f64,
    pub elapsed: i64,
    pub target: i64,
    pub deadline: Option<i64>,
    pub remaining: i64,
    pub crossed_at: Option<i64>,
    pub countdown: String,
    /// The next instant at which time alone can change whether this clock is breached: its
    /// deadline, or for a running clock that used exactly its target (met until the next
    /// working second counts) that second; none once it is stopped or breached.
    pub next_change: Option<i64>,
}

#[allow(clippy::too_many_arguments)]
pub fn evaluate(
    cal: &Cal,
    start: i64,
    stop: Option<i64>,
    pauses: &[Pause],
    target: i64,
    now: i64,
    warn: f64,
    risk: f64,
) -> ClockView {
    let input = ClockInput {
        start,
        stop,
        pauses,
        target,
    };
    let e = sla::evaluate(
        cal,
        &input,
        now,
        &Thresholds {
            warn_pct: warn,
            risk_pct: risk,
        },
    );
    let stopped = stop.is_some_and(|s| s <= now);
    let breached = e.state == ClockState::Breached;
    let next_change = match e.deadline {
        _ if stopped || breached => None,
        Some(d) if d > now => Some(d),
        _ => cal.add_working(now, 1),
    };
    ClockView {
        state: e.state.as_str(),
        stopped,
        breached,
        at_risk: e.level == Level::AtRisk,
        warning: e.level == Level::Warning,
        percent_used: e.percent_used,
        elapsed: e.elapsed,
        target: e.target,
        deadline: e.deadline,
        remaining: e.remaining,
        crossed_at: e.crossed_at,
        countdown: countdown_in(cal, &e),
        next_change,
    }
}

/// The countdown, saying when the time left is working time (a calendar with hours), which
/// is not the time on the wall: "1h 26m working time left".
fn countdown_in(cal: &Cal, e: &sla::ClockEval) -> String {
    let text = sla::countdown(e);
    if cal.is_always() {
        text
    } else {
        text.replacen(" left", " working time left", 1)
    }
}

/// [`evaluate`] for a clock with a waiting total not placed in time (an export's "on hold
/// 3h 10m"): the clock may run `waiting` longer before it breaches, and shows its working
/// time less the waiting.
#[allow(clippy::too_many_arguments)]
pub fn evaluate_waiting(
    cal: &Cal,
    start: i64,
    stop: Option<i64>,
    pauses: &[Pause],
    target: i64,
    waiting: i64,
    now: i64,
    warn: f64,
    risk: f64,
) -> ClockView {
    if waiting <= 0 {
        return evaluate(cal, start, stop, pauses, target, now, warn, risk);
    }
    let mut view = evaluate(cal, start, stop, pauses, target + waiting, now, warn, risk);
    view.elapsed = (view.elapsed - waiting).max(0);
    view.target = target;
    view.percent_used = if target > 0 {
        view.elapsed as f64 * 100.0 / target as f64
    } else {
        0.0
    };
    let live = !view.breached;
    view.at_risk = live && !view.stopped && view.percent_used >= risk;
    view.warning = live && !view.at_risk && view.percent_used >= warn;
    view
}

/// The timeline of a clock as text in `tz`.
#[allow(clippy::too_many_arguments)]
pub fn explain(
    cal: &Cal,
    start: i64,
    stop: Option<i64>,
    pauses: &[Pause],
    target: i64,
    now: i64,
    tz: chrono_tz::Tz,
    th: Thresholds,
) -> String {
    let input = ClockInput {
        start,
        stop,
        pauses,
        target,
    };
    let e = sla::evaluate(cal, &input, now, &th);
    let entries = sla::explain::explain(cal, &input, &e, now);
    sla::explain::render_text(&entries, &e, tz)
}

pub fn local_date(cal: &Cal, t: i64) -> NaiveDate {
    cal.local_date(t)
}

pub fn month_bounds(cal: &Cal, year: i32, month: u32) -> (i64, i64) {
    sla::availability::month_bounds(cal, year, month).unwrap_or((0, 0))
}

pub struct AvailabilityView {
    pub percent: f64,
    pub window_elapsed: i64,
    pub budget_left: i64,
    pub budget_exhausted_at: Option<i64>,
    pub full: sla::Availability,
}

pub fn availability(
    cal: &Cal,
    year: i32,
    month: u32,
    outages: &[OutageFacts],
    target: f64,
    now: i64,
) -> AvailabilityView {
    let downs: Vec<sla::Downtime> = outages
        .iter()
        .map(|o| sla::Downtime {
            start: o.start,
            end: o.end,
            planned: o.planned,
            excluded: o.excluded,
        })
        .collect();
    let a = sla::month_availability(cal, year, month, &downs, target, now);
    AvailabilityView {
        percent: a.percent,
        window_elapsed: a.window_elapsed,
        budget_left: a.budget_left,
        budget_exhausted_at: a.exhausted_at,
        full: a,
    }
}
