//! The monthly service review: what an SDM presents to the customer. Figures are gathered with
//! indexed queries over the month (in the service window's zone) and the SLA engine; rendering
//! to Markdown (for a wiki) and to one self-contained HTML file is in [`render`].

pub mod render;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::Connection;

use crate::domain::enums::TargetKind;
use crate::domain::model::Service;
use crate::engine::Engine;
use crate::engine::health::months_back;
use crate::store::Result;

/// Red, amber or green for a target's month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rag {
    Green,
    Amber,
    Red,
    /// Nothing was measured.
    None,
}

impl Rag {
    pub fn label(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
            Rag::None => "—",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TargetRow {
    pub name: String,
    pub goal: String,
    /// The figure the target asks for, in percent (attainment share or availability).
    pub required: f64,
    /// The last six months, oldest first: (YYYY-MM, percent).
    pub months: Vec<(String, Option<f64>)>,
    pub rag: Rag,
    /// Against last month: "▲", "▼", "=" or "".
    pub trend: &'static str,
    pub measured: usize,
}

#[derive(Debug, Clone, Default)]
pub struct PriorityRow {
    pub priority: String,
    pub opened: i64,
    pub resolved: i64,
    pub open_at_end: i64,
}

#[derive(Debug, Clone)]
pub struct BreachLine {
    pub title: String,
    pub status: String,
    pub credit: Option<f64>,
    pub informed: bool,
    /// Why it happened, when it was closed with a cause.
    pub cause: Option<String>,
}

/// A ticket or an outage of the period that the SDM left out of the SLA, and why.
#[derive(Debug, Clone)]
pub struct ExclusionLine {
    /// The ticket's reference, or "outage <start>".
    pub what: String,
    pub reason: String,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct MonthReport {
    pub service: String,
    pub customer: String,
    pub agreement: String,
    pub window: String,
    pub month: String,
    pub as_of: String,
    pub freshness: Vec<String>,
    pub targets: Vec<TargetRow>,
    pub availability: Option<(f64, f64, f64, f64)>,
    /// Daily availability in percent, for the chart.
    pub daily: Vec<(NaiveDate, f64)>,
    pub priorities: Vec<PriorityRow>,
    pub mean_respond: Option<i64>,
    pub mean_resolve: Option<i64>,
    pub outages: usize,
    pub downtime: i64,
    pub mtrs: Option<i64>,
    pub mtbf: Option<i64>,
    pub breaches: Vec<BreachLine>,
    pub credits: f64,
    /// The service's currency (credits are in it); empty when not set.
    pub currency: String,
    /// The period's tickets and outages left out of the SLA, with their reasons.
    pub exclusions: Vec<ExclusionLine>,
    pub changes: (i64, i64),
    pub notable_changes: Vec<String>,
    pub reviews_held: i64,
    pub actions_open: i64,
    pub touch_points: i64,
    pub sentiment: Option<f64>,
    pub verdict: (String, String),
    pub next_actions: Vec<(String, String, String)>,
}

/// A target's figures as they are gathered: id, kind, name, goal, months, measured now.
type TargetSeries = (String, TargetKind, String, String, Vec<(String, Option<f64>)>, usize);

/// Parses `YYYY-MM`.
pub fn parse_month(text: &str) -> Option<(i32, u32)> {
    let (y, m) = text.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    (1..=12).contains(&m).then_some((y, m))
}

fn avg(values: &[i64]) -> Option<i64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() / values.len() as i64)
}

/// Gathers one service's month.
pub fn gather(
    conn: &Connection,
    engine: &Engine,
    service: &Service,
    year: i32,
    month: u32,
    now: DateTime<Utc>,
    stale_hours: i64,
) -> Result<MonthReport> {
    let now_s = now.timestamp();
    let (window, _) = engine.calendar_for(&service.id, None);
    let (from, to) = crate::engine::adapter::month_bounds(window, year, month);
    let period = format!("{year:04}-{month:02}");
    let required_ticket = engine.settings.ticket_target_attainment;

    // Targets: six months of figures each.
    let series = months_back(year, month, 5);
    let mut by_target: Vec<TargetSeries> = Vec::new();
    for (i, (y, m)) in series.iter().enumerate() {
        for f in engine.month_figures(conn, &service.id, *y, *m, now_s)? {
            let entry = match by_target.iter_mut().find(|t| t.0 == f.target_id) {
                Some(e) => e,
                None => {
                    let name = match &f.priority {
                        Some(p) => format!("{p} {}", f.kind),
                        None => f.kind.to_string(),
                    };
                    by_target.push((f.target_id.clone(), f.kind, name, f.goal.clone(), Vec::new(), 0));
                    let last = by_target.len() - 1;
                    &mut by_target[last]
                }
            };
            entry.4.push((f.month.clone(), f.actual));
            if i == series.len() - 1 {
                entry.5 = f.measured;
            }
        }
    }
    let mut targets = Vec::new();
    for (_, kind, name, goal, months, measured) in by_target {
        let required = match kind {
            TargetKind::Availability => goal.trim_end_matches('%').parse().unwrap_or(100.0),
            _ => required_ticket,
        };
        let this = months.last().and_then(|m| m.1);
        let last = months.iter().rev().nth(1).and_then(|m| m.1);
        // Amber: just short (a point of attainment; a tenth of a point of availability).
        let margin = if kind == TargetKind::Availability { 0.1 } else { 1.0 };
        let rag = match this {
            None => Rag::None,
            Some(a) if a + 1e-9 >= required => Rag::Green,
            Some(a) if a + margin >= required => Rag::Amber,
            Some(_) => Rag::Red,
        };
        let trend = match (this, last) {
            (Some(a), Some(b)) if a > b + 1e-9 => "▲",
            (Some(a), Some(b)) if a + 1e-9 < b => "▼",
            (Some(_), Some(_)) => "=",
            _ => "",
        };
        let goal = if kind == TargetKind::Availability {
            goal
        } else {
            format!("{required}% within {goal}")
        };
        targets.push(TargetRow {
            name,
            goal,
            required,
            months,
            rag,
            trend,
            measured,
        });
    }

    // Availability and the daily figures.
    let mut availability = None;
    let mut daily = Vec::new();
    if let Some(t) = engine
        .targets
        .get(&service.id)
        .and_then(|ts| ts.iter().find(|t| t.kind == TargetKind::Availability))
    {
        let (cal, _) = engine.calendar_for(&service.id, Some(t));
        let outages = crate::engine::health::load_outages(conn, &service.id)?;
        let a = crate::engine::adapter::availability(cal, year, month, &outages, t.goal, now_s);
        availability = Some((
            a.percent,
            t.goal,
            a.full.budget as f64 / 60.0,
            a.full.down as f64 / 60.0,
        ));
        let mut day = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
        while day.month() == month && cal.day_start(day) < now_s {
            let (a0, a1) = (
                cal.day_start(day),
                day.succ_opt().map(|d| cal.day_start(d)).unwrap_or(to),
            );
            let window_secs = cal.working_seconds(a0, a1.min(now_s));
            let mut down = 0;
            for o in outages.iter().filter(|o| !o.planned && !o.excluded) {
                let (s, e) = (o.start.max(a0), o.end.unwrap_or(now_s).min(a1).min(now_s));
                if e > s {
                    down += cal.working_seconds(s, e);
                }
            }
            if window_secs > 0 {
                daily.push((
                    day,
                    (window_secs - down.min(window_secs)) as f64 * 100.0 / window_secs as f64,
                ));
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
    }

    // Tickets by priority and the mean times (wall clock). The tickets alive in the month —
    // opened before its end, not resolved before its start — come from the index, in one pass.
    let mut counts: std::collections::BTreeMap<String, (i64, i64, i64)> = ["p1", "p2", "p3", "p4"]
        .iter()
        .map(|p| (p.to_string(), (0, 0, 0)))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT priority, opened_at, resolved_at FROM tickets WHERE service_id = ?1 AND opened_at < ?3 \
         AND (resolved_at IS NULL OR resolved_at >= ?2) AND deleted = 0 AND state <> 'cancelled'",
    )?;
    let rows = stmt.query_map(rusqlite::params![service.id, from, to], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<i64>>(2)?))
    })?;
    for row in rows {
        let (priority, opened, resolved) = row?;
        let Some(c) = counts.get_mut(&priority) else { continue };
        if opened >= from {
            c.0 += 1;
        }
        if resolved.is_some_and(|r| r < to) {
            c.1 += 1;
        } else {
            c.2 += 1;
        }
    }
    let priorities: Vec<PriorityRow> = counts
        .into_iter()
        .map(|(p, (opened, resolved, open_at_end))| PriorityRow {
            priority: p.to_uppercase(),
            opened,
            resolved,
            open_at_end,
        })
        .collect();
    let mut respond = Vec::new();
    let mut resolve = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT opened_at, responded_at, resolved_at FROM tickets WHERE deleted = 0 AND state <> 'cancelled' \
         AND service_id = ?1 AND opened_at >= ?2 - 90 * 86400 AND opened_at < ?3",
    )?;
    let rows = stmt.query_map(rusqlite::params![service.id, from, to], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, Option<i64>>(2)?,
        ))
    })?;
    for row in rows {
        let (opened, responded, resolved) = row?;
        if let Some(r) = responded.filter(|r| (from..to).contains(r)) {
            respond.push(r - opened);
        }
        if let Some(r) = resolved.filter(|r| (from..to).contains(r)) {
            resolve.push(r - opened);
        }
    }

    // Outages in the month.
    let outage_rows: Vec<(i64, i64)> = conn
        .prepare_cached(
            "SELECT start_at, coalesce(end_at, ?4) FROM outages WHERE deleted = 0 AND service_id = ?1 AND planned = 0 \
             AND excluded_reason IS NULL AND start_at < ?3 AND coalesce(end_at, ?4) > ?2 ORDER BY start_at",
        )?
        .query_map(rusqlite::params![service.id, from, to, now_s], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let durations: Vec<i64> = outage_rows.iter().map(|(s, e)| e.min(&to) - s.max(&from)).collect();
    let downtime: i64 = durations.iter().sum();
    let span = now_s.min(to) - from;
    let mtbf = (!durations.is_empty()).then(|| (span - downtime) / durations.len() as i64);

    // Breaches in the month (void ones are left out).
    let breaches: Vec<BreachLine> = conn
        .prepare_cached(
            "SELECT title, status, credit, customer_informed, cause FROM breaches WHERE deleted = 0 AND status <> 'void' \
             AND service_id = ?1 AND breached_at >= ?2 AND breached_at < ?3 ORDER BY breached_at",
        )?
        .query_map(rusqlite::params![service.id, from, to], |r| {
            Ok(BreachLine {
                title: r.get(0)?,
                status: r.get(1)?,
                credit: r.get(2)?,
                informed: r.get::<_, i64>(3)? != 0,
                cause: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let credits = breaches.iter().filter_map(|b| b.credit).fold(0.0, |a, c| a + c);

    // Exclusions: the month's tickets (by opening) and outages (by start) left out.
    let mut exclusions: Vec<ExclusionLine> = conn
        .prepare_cached(
            "SELECT reference, excluded_reason, coalesce(excluded_note, '') FROM tickets WHERE deleted = 0 \
             AND service_id = ?1 AND opened_at >= ?2 AND opened_at < ?3 AND excluded_reason IS NOT NULL ORDER BY opened_at",
        )?
        .query_map(rusqlite::params![service.id, from, to], |r| {
            Ok(ExclusionLine {
                what: format!("ticket {}", r.get::<_, String>(0)?),
                reason: r.get(1)?,
                note: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let outage_exclusions: Vec<ExclusionLine> = conn
        .prepare_cached(
            "SELECT start_at, excluded_reason, coalesce(excluded_note, '') FROM outages WHERE deleted = 0 \
             AND service_id = ?1 AND start_at >= ?2 AND start_at < ?3 AND excluded_reason IS NOT NULL ORDER BY start_at",
        )?
        .query_map(rusqlite::params![service.id, from, to], |r| {
            let start: i64 = r.get(0)?;
            Ok(ExclusionLine {
                what: format!(
                    "outage from {}",
                    chrono::DateTime::from_timestamp(start, 0)
                        .map(|t| t.with_timezone(&window.tz).format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default()
                ),
                reason: r.get(1)?,
                note: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    exclusions.extend(outage_exclusions);

    let changes = crate::store::signals::change_success(conn, &service.id, from, to)?;
    let notable_changes: Vec<String> = conn
        .prepare_cached(
            "SELECT reference, kind, outcome, summary FROM changes WHERE deleted = 0 AND service_id = ?1 \
             AND implemented_at >= ?2 AND implemented_at < ?3 AND (kind = 'emergency' OR outcome <> 'successful') ORDER BY implemented_at",
        )?
        .query_map(rusqlite::params![service.id, from, to], |r| {
            Ok(format!("{} ({}, {}): {}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?.replace('_', " "), r.get::<_, String>(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let (first_day, next_first) = (
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default(),
        crate::domain::parse::next_month_start(NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default())
            .unwrap_or_default(),
    );
    let after_next = crate::domain::parse::next_month_start(next_first).unwrap_or_default();
    let (reviews_held, actions_open): (i64, i64) = conn.query_row(
        "SELECT (SELECT count(*) FROM reviews WHERE deleted = 0 AND service_id = ?1 AND held_on >= ?2 AND held_on < ?3), \
                (SELECT count(*) FROM actions a JOIN reviews r ON r.id = a.review_id WHERE a.deleted = 0 AND r.deleted = 0 \
                   AND r.service_id = ?1 AND a.done_on IS NULL)",
        rusqlite::params![service.id, first_day.to_string(), next_first.to_string()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (touch_points, sentiment): (i64, Option<f64>) = conn.query_row(
        "SELECT count(*), avg(tp.sentiment) FROM touch_points tp JOIN touch_point_services ts ON ts.touch_point_id = tp.id \
         WHERE ts.service_id = ?1 AND ts.deleted = 0 AND tp.deleted = 0 AND tp.at >= ?2 AND tp.at < ?3",
        rusqlite::params![service.id, from, to],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let next_actions: Vec<(String, String, String)> = conn
        .prepare_cached(
            "SELECT a.title, a.owner, a.due FROM actions a LEFT JOIN reviews r ON r.id = a.review_id \
             WHERE a.deleted = 0 AND a.done_on IS NULL AND coalesce(a.service_id, r.service_id) = ?1 \
             AND a.due < ?2 ORDER BY a.due",
        )?
        .query_map(rusqlite::params![service.id, after_next.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let verdict = engine
        .health_of(conn, now_s, Some(&service.id))?
        .into_iter()
        .find(|h| h.service_id == service.id)
        .map(|h| (h.health.verdict.label().to_string(), h.health.reason))
        .unwrap_or_default();
    let freshness = crate::store::queries::import_log(conn)?
        .into_iter()
        .map(|(kind, at, file, _)| {
            let hours = (now_s - at) / 3600;
            let age = if hours < 48 {
                format!("{hours} hours")
            } else {
                format!("{} days", hours / 24)
            };
            let warn = if hours >= stale_hours { " (stale)" } else { "" };
            format!("{kind} last imported {age} ago from {file}{warn}")
        })
        .collect();
    let window_name = engine
        .calendar_names
        .get(service.window_calendar_id.as_deref().unwrap_or_default())
        .cloned()
        .unwrap_or_else(|| "24x7".into());
    Ok(MonthReport {
        service: service.name.clone(),
        customer: service.customer.clone(),
        agreement: format!(
            "{} {}",
            service.agreement_kind.as_str().to_uppercase(),
            service.agreement_ref
        ),
        window: window_name,
        month: period,
        as_of: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        freshness,
        targets,
        availability,
        daily,
        priorities,
        mean_respond: avg(&respond),
        mean_resolve: avg(&resolve),
        outages: durations.len(),
        downtime,
        mtrs: avg(&durations),
        mtbf,
        breaches,
        credits,
        currency: service.currency.clone().unwrap_or_default(),
        exclusions,
        changes,
        notable_changes,
        reviews_held,
        actions_open,
        touch_points,
        sentiment,
        verdict,
        next_actions,
    })
}
