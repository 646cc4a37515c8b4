//! Each service's health: availability and error budget this month, attainment per target,
//! open breaches and clocks at risk, and the experience side — the watermelon check.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;

use super::Engine;
use super::cache::{self, Pending};
use crate::domain::enums::TargetKind;
use crate::domain::health::{Feedback, FeedbackKind, Health, HealthRules, SlaPicture, classify};
use crate::store::Result;

/// An outage as the availability rules see it.
#[derive(Debug, Clone, Copy)]
pub struct OutageFacts {
    pub start: i64,
    pub end: Option<i64>,
    pub planned: bool,
    pub excluded: bool,
}

pub fn load_outages(conn: &Connection, service_id: &str) -> Result<Vec<OutageFacts>> {
    let mut stmt = conn.prepare_cached(
        "SELECT start_at, end_at, planned, excluded_reason IS NOT NULL FROM outages \
         WHERE deleted = 0 AND service_id = ?1 ORDER BY start_at",
    )?;
    let rows = stmt.query_map([service_id], |r| {
        Ok(OutageFacts {
            start: r.get(0)?,
            end: r.get(1)?,
            planned: r.get::<_, i64>(2)? != 0,
            excluded: r.get::<_, i64>(3)? != 0,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A target's figure for one month.
#[derive(Debug, Clone, Serialize)]
pub struct TargetMonth {
    pub target_id: String,
    pub kind: TargetKind,
    pub priority: Option<String>,
    pub goal: String,
    /// The goal as a number: availability percent (day-weighted across a change), or the
    /// ticket target's seconds under the version in force at the month's end.
    pub goal_value: f64,
    pub month: String,
    /// Attainment (share of tickets meeting the target) or availability, in percent.
    pub actual: Option<f64>,
    /// Whether the month met the target (None when there was nothing to measure).
    pub met: Option<bool>,
    pub measured: usize,
    /// Of the measured, how many missed the target (tickets; 0 for availability).
    pub missed: usize,
    pub excluded: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceHealth {
    pub service_id: String,
    pub service: String,
    pub health: Health,
    pub availability: Option<f64>,
    pub availability_target: Option<f64>,
    pub budget_left_minutes: Option<f64>,
    pub open_breaches: usize,
    pub at_risk: usize,
    /// This month's service credit so far under the agreement's schedule (money at risk).
    pub credit: Option<super::credits::CreditMonth>,
}

/// What a service's monthly figures read besides its tickets.
struct ServiceInputs {
    /// The stamp of the rules its clocks are computed under.
    rules: String,
    /// Its tickets' counters per UTC month (None when they cannot be read: no caching then).
    versions: Option<Vec<(String, i64)>>,
    /// The counter of rows removed outright ([`cache::removed_outright`]; None: no caching).
    removed: Option<i64>,
    /// The tickets' insert watermark ([`cache::tickets_watermark`]).
    watermark: Option<i64>,
    outages: Vec<OutageFacts>,
}

/// The base the cache keeps of a service's month: the counts of the tickets whose clocks are
/// all settled, and the facts of the others.
#[derive(Debug, Default, Serialize, serde::Deserialize)]
struct MonthBase {
    settled: HashMap<String, (usize, usize, usize)>,
    live: Vec<super::clocks::TicketFacts>,
}

/// A target's goal over a month of versions: `4h`, or `4h → 2h from 2026-11-15`.
pub fn versions_text(versions: &[&crate::domain::model::SlaTarget]) -> String {
    let mut out = String::new();
    for (i, v) in versions.iter().enumerate() {
        if i == 0 {
            out.push_str(&v.goal_text());
        } else {
            let from = v.valid_from.map(|d| format!(" from {d}")).unwrap_or_default();
            out.push_str(&format!(" → {}{from}", v.goal_text()));
        }
    }
    out
}

/// An availability goal over a month under several versions: each day at the goal in force
/// that day, weighted by its window time (the month's error budget is the days' budgets
/// summed). One version: its goal.
pub fn month_goal(
    cal: &super::Cal,
    versions: &[&crate::domain::model::SlaTarget],
    first: NaiveDate,
    next: NaiveDate,
) -> f64 {
    if versions.len() <= 1 {
        return versions.first().map_or(100.0, |v| v.goal);
    }
    let (mut weighted, mut window) = (0.0, 0.0);
    let mut day = first;
    while day < next {
        let Some(after) = day.succ_opt() else { break };
        let secs = cal.working_seconds(cal.day_start(day), cal.day_start(after)) as f64;
        let goal = crate::domain::model::target_in_force(versions.iter().copied(), versions[0].kind, None, day)
            .map_or(versions[0].goal, |v| v.goal);
        weighted += secs * goal;
        window += secs;
        day = after;
    }
    if window > 0.0 {
        weighted / window
    } else {
        versions[0].goal
    }
}

impl Engine {
    /// A service's availability terms for a month: the versions in force in it (oldest
    /// first; the first names the month's availability breach), the calendar they count in
    /// and the month's goal, day-weighted when the terms change inside it. None without an
    /// availability target in force that month.
    pub fn availability_terms(
        &self,
        service_id: &str,
        year: i32,
        month: u32,
    ) -> Option<(Vec<&crate::domain::model::SlaTarget>, &super::Cal, f64)> {
        let targets = self.targets.get(service_id)?;
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = first.checked_add_months(chrono::Months::new(1))?;
        let versions = crate::domain::model::targets_in_span(targets, TargetKind::Availability, None, first, next);
        // A month is judged only under terms in force from its first day: days before a first
        // target began had none, and are not judged against one they never had.
        if versions.first()?.valid_from.is_some_and(|d| d > first) {
            return None;
        }
        let (cal, _) = self.calendar_for(service_id, Some(versions.first()?));
        let goal = month_goal(cal, &versions, first, next);
        Some((versions, cal, goal))
    }
}

/// (year, month) and the `n` months before it, oldest first.
pub fn months_back(year: i32, month: u32, n: u32) -> Vec<(i32, u32)> {
    let mut out = Vec::new();
    let mut y = year;
    let mut m = month as i32;
    for _ in 0..=n {
        out.push((y, m as u32));
        m -= 1;
        if m == 0 {
            m = 12;
            y -= 1;
        }
    }
    out.reverse();
    out
}

impl Engine {
    /// Figures per target for a month of a service (in the service window's zone).
    pub fn month_figures(
        &self,
        conn: &Connection,
        service_id: &str,
        year: i32,
        month: u32,
        now: i64,
    ) -> Result<Vec<TargetMonth>> {
        let mut pending = Pending::default();
        let inputs = self.service_inputs(conn, service_id, cache::removed_outright(conn).ok())?;
        let out = self.month_figures_with(conn, service_id, year, month, now, &inputs, &mut pending)?;
        pending.flush(conn);
        Ok(out)
    }

    /// What a service's monthly figures read besides its tickets, read once for all months.
    fn service_inputs(&self, conn: &Connection, service_id: &str, removed: Option<i64>) -> Result<ServiceInputs> {
        Ok(ServiceInputs {
            rules: self.rules_stamp(service_id),
            versions: cache::ticket_versions(conn, service_id),
            removed,
            watermark: cache::tickets_watermark(conn),
            outages: load_outages(conn, service_id)?,
        })
    }

    /// Per ticket target of a service: (met, measured, excluded) over the tickets opened in
    /// `[from, to)`, through two cache entries (see [`super::cache`]): the month's base — the
    /// counts of the tickets whose clocks are all settled, which later moments do not change,
    /// and the facts of the rest — and the totals, which hold until one of those other clocks
    /// could change its standing. Expired totals are worked out from the base alone.
    fn ticket_counts(
        &self,
        conn: &Connection,
        service_id: &str,
        (from, to): (i64, i64),
        now: i64,
        inputs: &ServiceInputs,
        pending: &mut Pending,
    ) -> Result<HashMap<String, (usize, usize, usize)>> {
        type Counts = HashMap<String, (usize, usize, usize)>;
        // Under the rules, the counters of the month's tickets and the removals (a freed rowid
        // can be taken again at the watermark), at the tickets' watermark: an entry holds while
        // no ticket opened in the month was inserted since.
        let prefix = inputs
            .versions
            .as_ref()
            .zip(inputs.removed)
            .map(|(v, removed)| format!("{}/{}/r{removed}", inputs.rules, cache::versions_over(v, from, to)));
        let stamped = prefix.as_deref().zip(inputs.watermark);
        let in_month = |opened: i64, _open: bool| opened >= from && opened < to;
        let stamp = stamped.map(|(prefix, mark)| cache::stamp_at(prefix, mark));
        let totals_key = format!("month/{service_id}/{from}");
        let base_key = format!("month-base/{service_id}/{from}");
        if let Some((prefix, mark)) = stamped
            && let Some(totals) =
                cache::get_since::<Counts>(conn, pending, &totals_key, prefix, mark, now, service_id, in_month)
        {
            return Ok(totals);
        }
        let cached: Option<MonthBase> = stamped.and_then(|(prefix, mark)| {
            cache::get_since(conn, pending, &base_key, prefix, mark, now, service_id, in_month)
        });
        let base = match cached {
            Some(base) => base,
            None => {
                // Tickets opened in the month: their clocks decide the month's attainment.
                let facts = super::clocks::load_facts(
                    conn,
                    "service_id = ?1 AND opened_at >= ?2 AND opened_at < ?3 AND state <> 'cancelled'",
                    rusqlite::params![service_id, from, to],
                )?;
                let mut base = MonthBase::default();
                for t in facts {
                    // A clock is settled once stopped at or before now, or past its target
                    // while running: later moments give it the same standing.
                    let standings = self.standings(&t, now);
                    let settled = standings.iter().all(|c| {
                        c.excluded
                            || (c.stopped && super::clocks::stop_of(&t, c.kind).is_some_and(|s| s <= now))
                            || (!c.stopped && c.breached)
                    });
                    if settled {
                        count_standings(&standings, &mut base.settled);
                    } else {
                        base.live.push(t);
                    }
                }
                if let Some(stamp) = &stamp {
                    pending.put(base_key, stamp.clone(), now, None, &base);
                }
                base
            }
        };
        let mut totals = base.settled;
        let mut valid_until = None;
        for t in &base.live {
            self.count_clocks(t, now, &mut totals);
            for c in self.clocks(t, now) {
                // The totals change when a clock can breach (a deadline passing, the next
                // working second of one at exactly its target) or a stop recorded ahead comes.
                cache::earliest_after(
                    now,
                    [c.view.next_change, t.responded_at, t.resolved_at],
                    &mut valid_until,
                );
            }
        }
        if let Some(stamp) = stamp {
            pending.put(totals_key, stamp, now, valid_until, &totals);
        }
        Ok(totals)
    }

    /// Adds a ticket's clocks to per-target (met, measured, excluded) counts.
    fn count_clocks(
        &self,
        t: &super::clocks::TicketFacts,
        now: i64,
        counts: &mut HashMap<String, (usize, usize, usize)>,
    ) {
        count_standings(&self.standings(t, now), counts);
    }

    #[allow(clippy::too_many_arguments)]
    fn month_figures_with(
        &self,
        conn: &Connection,
        service_id: &str,
        year: i32,
        month: u32,
        now: i64,
        inputs: &ServiceInputs,
        pending: &mut Pending,
    ) -> Result<Vec<TargetMonth>> {
        let period = format!("{year:04}-{month:02}");
        let mut out = Vec::new();
        let Some(targets) = self.targets.get(service_id) else {
            return Ok(out);
        };
        let (window, _) = self.calendar_for(service_id, None);
        let span = super::adapter::month_bounds(window, year, month);
        let per_target = self.ticket_counts(conn, service_id, span, now, inputs, pending)?;
        let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
        let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
        // One figure per kind and priority, under the versions of its terms in force in the
        // month (a ticket by the version valid when it was opened).
        let mut keys: Vec<(TargetKind, Option<crate::domain::enums::Priority>)> = Vec::new();
        for t in targets {
            if !keys.contains(&(t.kind, t.priority)) {
                keys.push((t.kind, t.priority));
            }
        }
        for (kind, priority) in keys {
            let versions = crate::domain::model::targets_in_span(targets, kind, priority, first, next);
            let Some(last) = versions.last() else {
                continue;
            };
            let goal = versions_text(&versions);
            match kind {
                TargetKind::Response | TargetKind::Resolution => {
                    let (mut met, mut measured, mut excluded) = (0, 0, 0);
                    for v in &versions {
                        let (m, n, x) = per_target.get(&v.id).copied().unwrap_or_default();
                        (met, measured, excluded) = (met + m, measured + n, excluded + x);
                    }
                    let actual = (measured > 0).then(|| met as f64 * 100.0 / measured as f64);
                    out.push(TargetMonth {
                        target_id: last.id.clone(),
                        kind,
                        priority: priority.map(|p| p.label().to_string()),
                        goal,
                        goal_value: last.goal,
                        month: period.clone(),
                        actual,
                        met: actual.map(|a| a + 1e-9 >= self.settings.ticket_target_attainment),
                        measured,
                        missed: measured - met,
                        excluded,
                    });
                }
                TargetKind::Availability => {
                    let Some((_, cal, goal_pct)) = self.availability_terms(service_id, year, month) else {
                        continue;
                    };
                    let a = super::adapter::availability(cal, year, month, &inputs.outages, goal_pct, now);
                    let measured = usize::from(a.window_elapsed > 0);
                    out.push(TargetMonth {
                        target_id: last.id.clone(),
                        kind,
                        priority: None,
                        goal,
                        goal_value: goal_pct,
                        month: period.clone(),
                        actual: (a.window_elapsed > 0).then_some(a.percent),
                        met: (a.window_elapsed > 0).then_some(a.budget_exhausted_at.is_none()),
                        measured,
                        missed: 0,
                        excluded: 0,
                    });
                }
                TargetKind::Satisfaction => {}
            }
        }
        Ok(out)
    }

    /// The health of every active service as of `now`.
    pub fn health(&self, conn: &Connection, now: i64) -> Result<Vec<ServiceHealth>> {
        self.health_of(conn, now, None)
    }

    /// The health of one service (or of all, with `None`).
    pub fn health_of(&self, conn: &Connection, now: i64, only: Option<&str>) -> Result<Vec<ServiceHealth>> {
        let urgent = self.urgent_of(conn, now, only)?;
        self.health_given(conn, now, only, &urgent)
    }

    /// The health of one service or all, given their urgent clocks (as [`Engine::urgent_of`]
    /// gives them for the same `now` and `only`).
    pub fn health_given(
        &self,
        conn: &Connection,
        now: i64,
        only: Option<&str>,
        urgent: &[super::clocks::TicketClock],
    ) -> Result<Vec<ServiceHealth>> {
        let reads = HealthReads::read(conn, now, &self.settings, only)?;
        self.health_from(conn, now, only, urgent, reads)
    }

    /// [`Engine::health_given`], with what it reads besides the rules and the tickets read
    /// already (for the same `now` and `only`; the agenda reads them on its other connection).
    pub fn health_from(
        &self,
        conn: &Connection,
        now: i64,
        only: Option<&str>,
        urgent: &[super::clocks::TicketClock],
        reads: HealthReads,
    ) -> Result<Vec<ServiceHealth>> {
        self.health_with(conn, now, only, urgent, reads, false)
    }

    /// One service's health as it stood at `at` (a review period's end): its clocks then,
    /// facts recorded for later moments left out, with the breaches open then as the caller
    /// counted them (from their dated steps).
    pub fn health_at(
        &self,
        conn: &Connection,
        at: i64,
        service_id: &str,
        open_breaches: usize,
    ) -> Result<Option<ServiceHealth>> {
        let facts = super::clocks::load_facts(
            conn,
            "service_id = ?1 AND state <> 'cancelled' AND opened_at < ?2 AND (resolved_at IS NULL OR resolved_at >= ?2)",
            rusqlite::params![service_id, at],
        )?;
        let urgent: Vec<super::clocks::TicketClock> = facts
            .iter()
            .flat_map(|t| self.clocks(t, at))
            .filter(super::clocks::is_urgent)
            .collect();
        let since = at - self.settings.experience_window_days * 86_400;
        let reads = HealthReads {
            open_breaches: HashMap::from([(service_id.to_string(), open_breaches)]),
            feedback: RawFeedback::load(conn, since, at, Some(service_id))?,
        };
        Ok(self
            .health_with(conn, at, Some(service_id), &urgent, reads, true)?
            .into_iter()
            .next())
    }

    fn health_with(
        &self,
        conn: &Connection,
        now: i64,
        only: Option<&str>,
        urgent: &[super::clocks::TicketClock],
        reads: HealthReads,
        // As it stood at `now`, an earlier moment: a survey whose period ends later is left
        // out (its score could not be known yet).
        past: bool,
    ) -> Result<Vec<ServiceHealth>> {
        let mut at_risk: HashMap<String, usize> = HashMap::new();
        for c in urgent {
            if c.view.at_risk && !c.view.breached {
                *at_risk.entry(c.service_id.clone()).or_default() += 1;
            }
        }
        let rules = HealthRules {
            window_days: self.settings.experience_window_days as f64,
            poor_below: self.settings.experience_poor_below,
            ..HealthRules::default()
        };
        let mut out = Vec::new();
        let mut pending = Pending::default();
        let removed = cache::removed_outright(conn).ok();
        let mut services: Vec<_> = self
            .services
            .values()
            .filter(|s| s.status != crate::domain::enums::ServiceStatus::Retired)
            .filter(|s| only.is_none_or(|id| s.id == id))
            .collect();
        services.sort_by_key(|s| s.name.to_lowercase());
        for service in services {
            let (window, _) = self.calendar_for(&service.id, None);
            let today = super::adapter::local_date(window, now);
            let mut months_met = Vec::new();
            let mut missed = Vec::new();
            let mut availability = None;
            let mut availability_target = None;
            let mut budget_left = None;
            let mut credit = None;
            let inputs = self.service_inputs(conn, &service.id, removed)?;
            for (i, (y, m)) in months_back(today.year(), today.month(), 2).into_iter().enumerate() {
                let figures = self.month_figures_with(conn, &service.id, y, m, now, &inputs, &mut pending)?;
                let current = i == 2;
                let all_met = figures.iter().all(|f| f.met != Some(false));
                months_met.push(all_met);
                if current {
                    credit = self.credit_from(conn, service, (y, m), &figures, &inputs.outages, now)?;
                    for f in &figures {
                        if f.met == Some(false) {
                            let what = match &f.priority {
                                Some(p) => format!("{p} {}", f.kind),
                                None => f.kind.to_string(),
                            };
                            let actual = f.actual.map(|a| format!("{a:.1}%")).unwrap_or_default();
                            let goal = if f.kind == TargetKind::Availability {
                                f.goal.clone()
                            } else {
                                format!("{}% within {}", self.settings.ticket_target_attainment, f.goal)
                            };
                            missed.push(format!("{what} {actual} against {goal}"));
                        }
                        if f.kind == TargetKind::Availability {
                            availability = f.actual;
                        }
                    }
                    if let Some((versions, cal, goal)) = self.availability_terms(&service.id, y, m) {
                        let a = super::adapter::availability(cal, y, m, &inputs.outages, goal, now);
                        // The goal in force today (the budget is the month's, day-weighted).
                        availability_target = crate::domain::model::target_in_force(
                            versions.iter().copied(),
                            TargetKind::Availability,
                            None,
                            today,
                        )
                        .map(|t| t.goal);
                        budget_left = Some(a.budget_left as f64 / 60.0);
                    }
                }
            }
            let sla = SlaPicture {
                months_met,
                missed,
                open_breaches: reads.open_breaches.get(&service.id).copied().unwrap_or(0),
                at_risk_clocks: at_risk.get(&service.id).copied().unwrap_or(0),
            };
            let (feedback, below_goal) = self.feedback(&service.id, now, &reads.feedback, past);
            let health = classify(&sla, &feedback, below_goal.as_deref(), &rules);
            out.push(ServiceHealth {
                service_id: service.id.clone(),
                service: service.name.clone(),
                health,
                availability,
                availability_target,
                budget_left_minutes: budget_left,
                open_breaches: sla.open_breaches,
                at_risk: sla.at_risk_clocks,
                credit,
            });
        }
        pending.flush(conn);
        Ok(out)
    }

    /// Touch-point sentiment and survey scores for a service, and a satisfaction target the
    /// latest survey missed.
    fn feedback(&self, service_id: &str, now: i64, raw: &RawFeedback, past: bool) -> (Vec<Feedback>, Option<String>) {
        let window = self.settings.experience_window_days;
        let mut out = Vec::new();
        for &(at, s) in raw.sentiments.get(service_id).map(Vec::as_slice).unwrap_or_default() {
            out.push(Feedback {
                kind: FeedbackKind::Sentiment,
                days_ago: (now - at) as f64 / 86_400.0,
                score: s as f64,
            });
        }
        for &(day, score, scale) in raw.responses.get(service_id).map(Vec::as_slice).unwrap_or_default() {
            // Answered some time that day: counted from its middle.
            let at = day.and_hms_opt(12, 0, 0).map_or(now, |t| t.and_utc().timestamp());
            out.push(Feedback {
                kind: FeedbackKind::Response {
                    satisfied: crate::domain::survey::satisfied(score, scale),
                },
                days_ago: ((now - at) as f64 / 86_400.0).max(0.0),
                score: crate::domain::survey::on_five(score, scale),
            });
        }
        let mut latest: Option<f64> = None;
        for (period, score, scale) in raw.scores.get(service_id).map(Vec::as_slice).unwrap_or_default() {
            let Some((mid, half)) = period_middle(period) else {
                continue;
            };
            if past && mid + half > now {
                continue;
            }
            let days_ago = (now - mid) as f64 / 86_400.0;
            // The current month's (or quarter's) middle may lie ahead.
            if days_ago > window as f64 || days_ago < -46.0 {
                continue;
            }
            let on_five = (score * 5.0 / scale).clamp(0.0, 5.0);
            out.push(Feedback {
                kind: FeedbackKind::Survey,
                days_ago: days_ago.max(0.0),
                score: on_five,
            });
            latest = Some(on_five);
        }
        let today = self.calendar_for(service_id, None).0.local_date(now);
        let goal = self
            .targets
            .get(service_id)
            .and_then(|ts| crate::domain::model::target_in_force(ts, TargetKind::Satisfaction, None, today));
        let below = match (goal, latest) {
            (Some(g), Some(l)) if l < g.goal => Some(g.goal_text()),
            _ => None,
        };
        (out, below)
    }
}

/// What the health of services reads besides the rules and the tickets: their open
/// breaches and the feedback of the experience window. Read on their own, so that the agenda
/// can read them on its other connection while this one works out the clocks.
pub struct HealthReads {
    open_breaches: HashMap<String, usize>,
    feedback: RawFeedback,
}

impl HealthReads {
    /// For one service, or for all with `None`, as of `now`.
    pub fn read(
        conn: &Connection,
        now: i64,
        settings: &crate::config::Settings,
        only: Option<&str>,
    ) -> Result<HealthReads> {
        let open_breaches: HashMap<String, usize> = conn
            .prepare_cached(if only.is_some() {
                "SELECT service_id, count(*) FROM breaches WHERE service_id = ?1 \
                 AND deleted = 0 AND status IN ('open', 'acknowledged') GROUP BY service_id"
            } else {
                "SELECT service_id, count(*) FROM breaches WHERE deleted = 0 AND status IN ('open', 'acknowledged') \
                 AND ?1 IS NULL GROUP BY service_id"
            })?
            .query_map([only], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize)))?
            .collect::<rusqlite::Result<_>>()?;
        let since = now - settings.experience_window_days * 86_400;
        let feedback = RawFeedback::load(conn, since, now, only)?;
        Ok(HealthReads {
            open_breaches,
            feedback,
        })
    }
}

/// Sentiments (at, score) in the experience window and survey scores (period, score, scale),
/// per service: read in two queries for every service at once (or for one).
#[derive(Default)]
struct RawFeedback {
    sentiments: HashMap<String, Vec<(i64, i64)>>,
    scores: HashMap<String, Vec<(String, f64, f64)>>,
    /// Survey responses in the window: (day answered, score, scale).
    responses: HashMap<String, Vec<(NaiveDate, f64, crate::domain::enums::SurveyScale)>>,
}

impl RawFeedback {
    fn load(conn: &Connection, since: i64, now: i64, only: Option<&str>) -> Result<RawFeedback> {
        let mut raw = RawFeedback::default();
        // One service reads its own touch points; all read the window's.
        let mut stmt = conn.prepare_cached(if only.is_some() {
            "SELECT ts.service_id, tp.at, tp.sentiment FROM touch_point_services ts \
             JOIN touch_points tp ON tp.id = ts.touch_point_id \
             WHERE ts.service_id = ?3 AND ts.deleted = 0 \
             AND tp.at >= ?1 AND tp.at <= ?2 AND tp.deleted = 0 AND tp.sentiment IS NOT NULL"
        } else {
            "SELECT ts.service_id, tp.at, tp.sentiment FROM touch_points tp \
             JOIN touch_point_services ts ON ts.touch_point_id = tp.id \
             WHERE tp.at >= ?1 AND tp.at <= ?2 AND tp.deleted = 0 AND tp.sentiment IS NOT NULL \
             AND ts.deleted = 0 AND ?3 IS NULL"
        })?;
        let rows = stmt.query_map(rusqlite::params![since, now, only], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        })?;
        for row in rows {
            let (service, at, s) = row?;
            raw.sentiments.entry(service).or_default().push((at, s));
        }
        let mut stmt = conn.prepare_cached(if only.is_some() {
            "SELECT service_id, period, score, scale_max FROM scores \
             WHERE service_id = ?1 AND deleted = 0 ORDER BY service_id, period"
        } else {
            "SELECT service_id, period, score, scale_max FROM scores \
             WHERE deleted = 0 AND ?1 IS NULL ORDER BY service_id, period"
        })?;
        let rows = stmt.query_map([only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, f64>(2)?,
                r.get::<_, f64>(3)?,
            ))
        })?;
        for row in rows {
            let (service, period, score, scale) = row?;
            raw.scores.entry(service).or_default().push((period, score, scale));
        }
        let day = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.date_naive().to_string())
                .unwrap_or_default()
        };
        let mut stmt = conn.prepare_cached(if only.is_some() {
            "SELECT service_id, answered_on, score, scale FROM responses \
             WHERE service_id = ?3 AND deleted = 0 AND answered_on >= ?1 AND answered_on <= ?2"
        } else {
            "SELECT service_id, answered_on, score, scale FROM responses \
             WHERE deleted = 0 AND answered_on >= ?1 AND answered_on <= ?2 AND ?3 IS NULL"
        })?;
        let rows = stmt.query_map(rusqlite::params![day(since), day(now), only], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, f64>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        for row in rows {
            let (service, answered, score, scale) = row?;
            if let (Ok(d), Ok(scale)) = (answered.parse::<NaiveDate>(), scale.parse()) {
                raw.responses.entry(service).or_default().push((d, score, scale));
            }
        }
        Ok(raw)
    }
}

/// A survey period's middle and half its length, in seconds (`2026-11`, `2026-Q4`).
fn period_middle(period: &str) -> Option<(i64, i64)> {
    let (y, rest) = period.split_once('-')?;
    let year: i32 = y.parse().ok()?;
    let (month, span) = if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
        let q: u32 = q.parse().ok()?;
        ((q.checked_sub(1)? * 3) + 1, 45)
    } else {
        (rest.parse().ok()?, 15)
    };
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    Some((
        start.and_hms_opt(0, 0, 0)?.and_utc().timestamp() + span * 86_400,
        span * 86_400,
    ))
}

/// Adds decided clocks' standings to `counts` per target: (met, measured, excluded).
fn count_standings(standings: &[super::clocks::Standing<'_>], counts: &mut HashMap<String, (usize, usize, usize)>) {
    for c in standings {
        let entry = match counts.get_mut(c.target_id) {
            Some(entry) => entry,
            None => counts.entry(c.target_id.to_string()).or_default(),
        };
        if c.excluded {
            entry.2 += 1;
            continue;
        }
        // Only clocks that are decided (stopped, or already past the target) count.
        if c.stopped || c.breached {
            entry.1 += 1;
            if !c.breached {
                entry.0 += 1;
            }
        }
    }
}
