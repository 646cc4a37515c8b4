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
    pub month: String,
    /// Attainment (share of tickets meeting the target) or availability, in percent.
    pub actual: Option<f64>,
    /// Whether the month met the target (None when there was nothing to measure).
    pub met: Option<bool>,
    pub measured: usize,
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
        let out = self.month_figures_with(conn, service_id, year, month, now, &mut pending)?;
        pending.flush(conn);
        Ok(out)
    }

    /// Per ticket target of a service: (met, measured, excluded) over the tickets opened in
    /// `[from, to)`, from the cache when it holds (see [`super::cache`]).
    fn ticket_counts(
        &self,
        conn: &Connection,
        service_id: &str,
        (from, to): (i64, i64),
        now: i64,
        pending: &mut Pending,
    ) -> Result<HashMap<String, (usize, usize, usize)>> {
        let key = format!("month/{service_id}/{from}");
        let stamp = cache::tickets_version(conn, service_id, Some((from, to)))
            .map(|v| format!("{}/{v}", self.rules_stamp(service_id)));
        if let Some(stamp) = &stamp
            && let Some(hit) = cache::get(conn, &key, stamp, now)
        {
            return Ok(hit);
        }
        // Tickets opened in the month: their clocks decide the month's attainment.
        let facts = super::clocks::load_facts(
            conn,
            "service_id = ?1 AND opened_at >= ?2 AND opened_at < ?3 AND state <> 'cancelled'",
            rusqlite::params![service_id, from, to],
        )?;
        let mut per_target: HashMap<String, (usize, usize, usize)> = HashMap::new();
        let mut valid_until = None;
        for t in &facts {
            for c in self.clocks(t, now) {
                let entry = per_target.entry(c.target_id.clone()).or_default();
                if c.excluded.is_some() {
                    entry.2 += 1;
                    continue;
                }
                // The count changes when a deadline passes or a stop recorded ahead comes.
                cache::earliest_after(now, [c.view.deadline, t.responded_at, t.resolved_at], &mut valid_until);
                // Only clocks that are decided (stopped, or already past the target) count.
                if c.view.stopped || c.view.breached {
                    entry.1 += 1;
                    if !c.view.breached {
                        entry.0 += 1;
                    }
                }
            }
        }
        if let Some(stamp) = stamp {
            pending.put(key, stamp, now, valid_until, &per_target);
        }
        Ok(per_target)
    }

    fn month_figures_with(
        &self,
        conn: &Connection,
        service_id: &str,
        year: i32,
        month: u32,
        now: i64,
        pending: &mut Pending,
    ) -> Result<Vec<TargetMonth>> {
        let period = format!("{year:04}-{month:02}");
        let mut out = Vec::new();
        let Some(targets) = self.targets.get(service_id) else {
            return Ok(out);
        };
        let (window, _) = self.calendar_for(service_id, None);
        let span = super::adapter::month_bounds(window, year, month);
        let per_target = self.ticket_counts(conn, service_id, span, now, pending)?;
        for target in targets {
            match target.kind {
                TargetKind::Response | TargetKind::Resolution => {
                    let (met, measured, excluded) = per_target.get(&target.id).copied().unwrap_or_default();
                    let actual = (measured > 0).then(|| met as f64 * 100.0 / measured as f64);
                    out.push(TargetMonth {
                        target_id: target.id.clone(),
                        kind: target.kind,
                        priority: target.priority.map(|p| p.label().to_string()),
                        goal: target.goal_text(),
                        month: period.clone(),
                        actual,
                        met: actual.map(|a| a + 1e-9 >= self.settings.ticket_target_attainment),
                        measured,
                        excluded,
                    });
                }
                TargetKind::Availability => {
                    let (cal, _) = self.calendar_for(service_id, Some(target));
                    let outages = load_outages(conn, service_id)?;
                    let a = super::adapter::availability(cal, year, month, &outages, target.goal, now);
                    let measured = usize::from(a.window_elapsed > 0);
                    out.push(TargetMonth {
                        target_id: target.id.clone(),
                        kind: target.kind,
                        priority: None,
                        goal: target.goal_text(),
                        month: period.clone(),
                        actual: (a.window_elapsed > 0).then_some(a.percent),
                        met: (a.window_elapsed > 0).then_some(a.budget_exhausted_at.is_none()),
                        measured,
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
        let open_breaches: HashMap<String, usize> = conn
            .prepare_cached(
                "SELECT service_id, count(*) FROM breaches WHERE deleted = 0 AND status IN ('open', 'acknowledged') GROUP BY service_id",
            )?
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize)))?
            .collect::<rusqlite::Result<_>>()?;
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
            for (i, (y, m)) in months_back(today.year(), today.month(), 2).into_iter().enumerate() {
                let figures = self.month_figures_with(conn, &service.id, y, m, now, &mut pending)?;
                let current = i == 2;
                let all_met = figures.iter().all(|f| f.met != Some(false));
                months_met.push(all_met);
                if current {
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
                    if let Some(t) = self
                        .targets
                        .get(&service.id)
                        .and_then(|ts| ts.iter().find(|t| t.kind == TargetKind::Availability))
                    {
                        let (cal, _) = self.calendar_for(&service.id, Some(t));
                        let outages = load_outages(conn, &service.id)?;
                        let a = super::adapter::availability(cal, y, m, &outages, t.goal, now);
                        availability_target = Some(t.goal);
                        budget_left = Some(a.budget_left as f64 / 60.0);
                    }
                }
            }
            let sla = SlaPicture {
                months_met,
                missed,
                open_breaches: open_breaches.get(&service.id).copied().unwrap_or(0),
                at_risk_clocks: at_risk.get(&service.id).copied().unwrap_or(0),
            };
            let (feedback, below_goal) = self.feedback(conn, &service.id, now)?;
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
            });
        }
        pending.flush(conn);
        Ok(out)
    }

    /// Touch-point sentiment and survey scores for a service, and a satisfaction target the
    /// latest survey missed.
    fn feedback(&self, conn: &Connection, service_id: &str, now: i64) -> Result<(Vec<Feedback>, Option<String>)> {
        let window = self.settings.experience_window_days;
        let since = now - window * 86_400;
        let mut out = Vec::new();
        let mut stmt = conn.prepare_cached(
            "SELECT tp.at, tp.sentiment FROM touch_points tp JOIN touch_point_services ts ON ts.touch_point_id = tp.id \
             WHERE ts.service_id = ?1 AND ts.deleted = 0 AND tp.deleted = 0 AND tp.sentiment IS NOT NULL \
             AND tp.at >= ?2 AND tp.at <= ?3",
        )?;
        let rows = stmt.query_map(rusqlite::params![service_id, since, now], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (at, s) = row?;
            out.push(Feedback {
                kind: FeedbackKind::Sentiment,
                days_ago: (now - at) as f64 / 86_400.0,
                score: s as f64,
            });
        }
        let mut stmt = conn.prepare_cached(
            "SELECT period, score, scale_max FROM scores WHERE service_id = ?1 AND deleted = 0 ORDER BY period",
        )?;
        let rows = stmt.query_map([service_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?, r.get::<_, f64>(2)?))
        })?;
        let mut latest: Option<f64> = None;
        for row in rows {
            let (period, score, scale) = row?;
            let Some(mid) = period_middle(&period) else { continue };
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
        let goal = self
            .targets
            .get(service_id)
            .and_then(|ts| ts.iter().find(|t| t.kind == TargetKind::Satisfaction));
        let below = match (goal, latest) {
            (Some(g), Some(l)) if l < g.goal => Some(g.goal_text()),
            _ => None,
        };
        Ok((out, below))
    }
}

/// The middle of a period `YYYY-MM` or `YYYY-Qn`, as unix seconds.
fn period_middle(period: &str) -> Option<i64> {
    let (y, rest) = period.split_once('-')?;
    let year: i32 = y.parse().ok()?;
    let (month, span) = if let Some(q) = rest.strip_prefix('Q').or_else(|| rest.strip_prefix('q')) {
        let q: u32 = q.parse().ok()?;
        ((q.checked_sub(1)? * 3) + 1, 45)
    } else {
        (rest.parse().ok()?, 15)
    };
    let start = NaiveDate::from_ymd_opt(year, month, 1)?;
    Some(start.and_hms_opt(0, 0, 0)?.and_utc().timestamp() + span * 86_400)
}
