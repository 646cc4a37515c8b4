//! Gathering one service's review for a period, as it stood at the period's end: indexed
//! queries over the period (in the service window's zone) and the SLA engine evaluated at
//! that moment, so facts recorded for later moments are left out.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::Connection;

use super::{
    ActionLine, AvailabilityLine, BreachLine, DayAvailability, ExclusionLine, ImprovementLine, PriorityRow, Rag,
    ServiceReview, TargetRow,
};
use crate::domain::enums::TargetKind;
use crate::domain::model::{Breach, Service};
use crate::domain::period::Period;
use crate::engine::Engine;
use crate::engine::health::months_back;
use crate::store::Result;
use crate::store::records::list_where;

/// A target's figures as they are gathered: its columns, and the met and measured tickets
/// of the period's months.
struct TargetSeries {
    id: String,
    kind: TargetKind,
    name: String,
    goal: String,
    /// The goal as a number (availability percent, day-weighted where the terms changed).
    goal_value: f64,
    months: Vec<(String, Option<f64>)>,
    met: usize,
    measured: usize,
}

fn avg(values: &[i64]) -> Option<i64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() / values.len() as i64)
}

/// What the review needs beyond the data: the moment it is written, and settings.
pub struct GatherOptions {
    pub now: DateTime<Utc>,
    pub stale_hours: i64,
}

/// Gathers one service's review of `period`.
pub fn gather(
    conn: &Connection,
    engine: &Engine,
    service: &Service,
    period: Period,
    opts: &GatherOptions,
) -> Result<ServiceReview> {
    let now_s = opts.now.timestamp();
    let (window, _) = engine.calendar_for(&service.id, None);
    let months = period.months();
    let (first_y, first_m) = months.first().copied().unwrap_or((1970, 1));
    let (last_y, last_m) = months.last().copied().unwrap_or((1970, 1));
    let from = crate::engine::adapter::month_bounds(window, first_y, first_m).0;
    let to = crate::engine::adapter::month_bounds(window, last_y, last_m).1;
    // The span the review covers, and the moment it is evaluated at: the period's last
    // second, or now while the period runs.
    let complete = now_s >= to;
    let end = if complete { to } else { (now_s + 1).max(from + 1) };
    let at = end - 1;
    let end_date = window.local_date(at).succ_opt().unwrap_or_else(|| period.end_day());
    let required_ticket = engine.settings.ticket_target_attainment;

    // Targets: a month shows the six months up to it; a quarter or a year its own months.
    let columns = match period {
        Period::Month(y, m) => months_back(y, m, 5),
        _ => months.clone(),
    };
    let mut by_target: Vec<TargetSeries> = Vec::new();
    for (y, m) in &columns {
        let in_period = months.contains(&(*y, *m));
        for f in engine.month_figures(conn, &service.id, *y, *m, at)? {
            // One row per kind and priority, whichever version of its terms a month had.
            let name = match &f.priority {
                Some(p) => format!("{p} {}", f.kind),
                None => f.kind.to_string(),
            };
            let entry = match by_target.iter_mut().find(|t| t.name == name) {
                Some(e) => e,
                None => {
                    by_target.push(TargetSeries {
                        id: f.target_id.clone(),
                        kind: f.kind,
                        name,
                        goal: f.goal.clone(),
                        goal_value: f.goal_value,
                        months: Vec::new(),
                        met: 0,
                        measured: 0,
                    });
                    let last = by_target.len() - 1;
                    &mut by_target[last]
                }
            };
            entry.months.push((f.month.clone(), f.actual));
            if in_period {
                // The goal as the period's months had it (`4h → 2h from 2026-11-15`).
                entry.goal = f.goal.clone();
                entry.goal_value = f.goal_value;
                entry.id = f.target_id.clone();
                if f.actual.is_some() {
                    entry.met += f.measured - f.missed;
                    entry.measured += f.measured;
                }
            }
        }
    }

    // Availability over the period, month by month, and the daily figures of a month.
    let mut availability = None;
    let mut period_goal: Option<f64> = None;
    let mut daily = Vec::new();
    if let Some((_, cal, last_goal)) = engine.availability_terms(&service.id, last_y, last_m) {
        let outages = crate::engine::health::load_outages(conn, &service.id)?;
        let (mut elapsed, mut down, mut budget, mut window) = (0i64, 0i64, 0i64, 0i64);
        // Each month under its own terms: the budgets of months under other goals add up.
        for (y, m) in &months {
            let Some((_, _, goal)) = engine.availability_terms(&service.id, *y, *m) else {
                continue;
            };
            let a = crate::engine::adapter::availability(cal, *y, *m, &outages, goal, at);
            elapsed += a.window_elapsed;
            down += a.full.down;
            budget += a.full.budget;
            window += a.full.window;
        }
        // The period's goal: what its summed budget allows of its whole window.
        period_goal = (window > 0).then(|| 100.0 - budget as f64 * 100.0 / window as f64);
        let percent = if elapsed > 0 {
            (elapsed - down.min(elapsed)) as f64 * 100.0 / elapsed as f64
        } else {
            100.0
        };
        availability = Some(AvailabilityLine {
            percent,
            goal: last_goal,
            budget_min: budget as f64 / 60.0,
            down_min: down as f64 / 60.0,
        });
        if let Period::Month(year, month) = period {
            daily = daily_availability(cal, &outages, year, month, to, end);
        }
    }
    let mut targets = Vec::new();
    for t in by_target {
        let required = match (t.kind, period) {
            // A month: its own goal (day-weighted where the terms changed in it); a longer
            // period: what its months' budgets allow of its window together.
            (TargetKind::Availability, Period::Month(..)) => t.goal_value,
            (TargetKind::Availability, _) => period_goal.unwrap_or(t.goal_value),
            _ => required_ticket,
        };
        let figure = match (period, t.kind) {
            (Period::Month(..), _) => t.months.last().and_then(|m| m.1),
            (_, TargetKind::Availability) => availability.map(|a| a.percent),
            _ => (t.measured > 0).then(|| t.met as f64 * 100.0 / t.measured as f64),
        };
        let before = match period {
            Period::Month(..) => t.months.iter().rev().nth(1).and_then(|m| m.1),
            _ => None,
        };
        // Amber: just short (a point of attainment; a tenth of a point of availability).
        let margin = if t.kind == TargetKind::Availability { 0.1 } else { 1.0 };
        let rag = match figure {
            None => Rag::None,
            Some(a) if a + 1e-9 >= required => Rag::Green,
            Some(a) if a + margin >= required => Rag::Amber,
            Some(_) => Rag::Red,
        };
        let trend = match (figure, before) {
            (Some(a), Some(b)) if a > b + 1e-9 => "▲",
            (Some(a), Some(b)) if a + 1e-9 < b => "▼",
            (Some(_), Some(_)) => "=",
            _ => "",
        };
        let decimals = match t.kind {
            TargetKind::Availability => crate::domain::sla::availability::goal_decimals(t.goal_value),
            _ => 1,
        };
        let goal = if t.kind == TargetKind::Availability {
            t.goal
        } else {
            format!("{required}% within {}", t.goal)
        };
        targets.push(TargetRow {
            decimals,
            name: t.name,
            goal,
            required,
            months: t.months,
            figure,
            rag,
            trend,
            measured: t.measured,
        });
    }

    // Tickets by priority and the mean times (wall clock). The tickets alive in the period —
    // opened before its end, not resolved before its start — come from the index, in one pass.
    let mut counts: std::collections::BTreeMap<String, (i64, i64, i64)> = ["p1", "p2", "p3", "p4"]
        .iter()
        .map(|p| (p.to_string(), (0, 0, 0)))
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT priority, opened_at, resolved_at FROM tickets WHERE service_id = ?1 AND opened_at < ?3 \
         AND (resolved_at IS NULL OR resolved_at >= ?2) AND deleted = 0 AND state <> 'cancelled'",
    )?;
    let rows = stmt.query_map(rusqlite::params![service.id, from, end], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Option<i64>>(2)?))
    })?;
    for row in rows {
        let (priority, opened, resolved) = row?;
        let Some(c) = counts.get_mut(&priority) else { continue };
        if opened >= from {
            c.0 += 1;
        }
        if resolved.is_some_and(|r| r < end) {
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
    let rows = stmt.query_map(rusqlite::params![service.id, from, end], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, Option<i64>>(2)?,
        ))
    })?;
    for row in rows {
        let (opened, responded, resolved) = row?;
        if let Some(r) = responded.filter(|r| (from..end).contains(r)) {
            respond.push(r - opened);
        }
        if let Some(r) = resolved.filter(|r| (from..end).contains(r)) {
            resolve.push(r - opened);
        }
    }

    // Unplanned outages in the period, cut at its end.
    let outage_rows: Vec<(i64, i64)> = conn
        .prepare_cached(
            "SELECT start_at, coalesce(end_at, ?3) FROM outages WHERE deleted = 0 AND service_id = ?1 AND planned = 0 \
             AND excluded_reason IS NULL AND start_at < ?3 AND coalesce(end_at, ?3) > ?2 ORDER BY start_at",
        )?
        .query_map(rusqlite::params![service.id, from, end], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let durations: Vec<i64> = outage_rows.iter().map(|(s, e)| e.min(&end) - s.max(&from)).collect();
    let downtime: i64 = durations.iter().sum();
    let mtbf = (!durations.is_empty()).then(|| (end - from - downtime) / durations.len() as i64);

    // Breaches: those of the period as they stood at its end (void ones left out), and every
    // breach open then, for the verdict.
    let all_breaches: Vec<Breach> = list_where(
        conn,
        "deleted = 0 AND service_id = ?1 AND breached_at < ?2 AND status <> 'void' ORDER BY breached_at",
        rusqlite::params![service.id, end],
    )?;
    let open_at_end = all_breaches.iter().filter(|b| b.status_at(at).is_open()).count();
    let show = |t: i64| local_minute(window.tz(), t);
    let breaches: Vec<BreachLine> = all_breaches
        .iter()
        .filter(|b| b.breached_at >= from)
        .map(|b| BreachLine {
            title: b.title.clone(),
            status: b.status_at(at).as_str().to_string(),
            credit: b.credit,
            informed: b.informed_at(at),
            told: b
                .history
                .iter()
                .filter(|s| s.step == "informed" && s.at <= at)
                .map(|s| {
                    let how = s.channel.as_deref().map(|c| format!(" by {c}")).unwrap_or_default();
                    let to = s.to.as_deref().map(|t| format!(" to {t}")).unwrap_or_default();
                    format!("{}{how}{to}", show(s.at))
                })
                .collect(),
            cause: b.cause_at(at),
        })
        .collect();
    // How the agreement's terms changed (targets by date, charge and cost).
    // Only terms that had started by the period's end: a later change is not this period's.
    let started: Vec<crate::domain::model::SlaTarget> = engine
        .targets
        .get(&service.id)
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|t| t.valid_from.is_none_or(|d| d < end_date))
        .cloned()
        .collect();
    let money_then: Vec<crate::domain::costs::MoneyTerm> = service
        .money_history
        .iter()
        .filter(|t| t.from < end_date)
        .copied()
        .collect();
    let amendments = crate::domain::model::amendments(&started, &money_then, service.currency.as_deref().unwrap_or(""));
    // Money, month by month (the SDM's own: the internal copy only).
    let mut cost_lines: Vec<String> = Vec::new();
    for (y, m) in &months {
        let when = if complete { end } else { at };
        let row = engine.service_month_cost(conn, service, *y, *m, when)?;
        if row.charge.is_some() || row.cost.is_some() || row.credits > 0.0 {
            cost_lines.push(format!("{y:04}-{m:02}: {}", row.line()));
        }
    }
    // Survey responses answered in the period, up to the moment it is judged at.
    let answered = crate::store::read::responses_between(conn, &service.id, period.first_day(), end_date)?;
    let (survey, verbatims) = match crate::domain::survey::summary(&answered) {
        Some((figures, quotes)) => (figures.line(), quotes),
        None => (String::new(), Vec::new()),
    };
    // Credits: under the agreement's schedule, month by month with the tier that applied (a
    // credit typed on a breach stands in for the computed one); else those typed on breaches.
    let mut credit_lines: Vec<String> = Vec::new();
    let mut credit_lines_customer: Vec<String> = Vec::new();
    let credits = if service.credits.is_some() {
        let mut total = 0.0;
        for (y, m) in &months {
            let when = if complete { end } else { at };
            if let Some(c) = engine.month_credit(conn, &service.id, *y, *m, when)? {
                total += c.credit.total;
                let why = c.explain();
                if why != "none" {
                    credit_lines.push(format!("{}: {why}", c.month));
                    credit_lines_customer.push(format!("{}: {}", c.month, c.explain_for(false)));
                }
            }
        }
        total
    } else {
        breaches.iter().filter_map(|b| b.credit).fold(0.0, |a, c| a + c)
    };

    // Exclusions: the period's tickets (by opening) and outages (by start) left out.
    let mut exclusions: Vec<ExclusionLine> = conn
        .prepare_cached(
            "SELECT reference, excluded_reason, coalesce(excluded_note, '') FROM tickets WHERE deleted = 0 \
             AND service_id = ?1 AND opened_at >= ?2 AND opened_at < ?3 AND excluded_reason IS NOT NULL ORDER BY opened_at",
        )?
        .query_map(rusqlite::params![service.id, from, end], |r| {
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
        .query_map(rusqlite::params![service.id, from, end], |r| {
            Ok(ExclusionLine {
                what: format!("outage from {}", show(r.get(0)?)),
                reason: r.get(1)?,
                note: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    exclusions.extend(outage_exclusions);

    let changes = crate::store::signals::change_success(conn, &service.id, from, end)?;
    let notable_changes: Vec<String> = conn
        .prepare_cached(
            "SELECT reference, kind, outcome, summary FROM changes WHERE deleted = 0 AND service_id = ?1 \
             AND implemented_at >= ?2 AND implemented_at < ?3 AND (kind = 'emergency' OR outcome <> 'successful') ORDER BY implemented_at",
        )?
        .query_map(rusqlite::params![service.id, from, end], |r| {
            Ok(format!("{} ({}, {}): {}", r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?.replace('_', " "), r.get::<_, String>(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;

    // Reviews held in the period; actions as they stood at its end: raised by then (by the
    // review or touch point they came from, else when they were recorded), open then (not
    // done, or done after it), overdue by then, or due in the next period.
    let (first_day, end_day, next_end) = (
        period.first_day().to_string(),
        end_date.to_string(),
        period.next().end_day().to_string(),
    );
    let reviews_held: i64 = conn.query_row(
        "SELECT count(*) FROM reviews WHERE deleted = 0 AND service_id = ?1 AND held_on >= ?2 AND held_on < ?3",
        rusqlite::params![service.id, first_day, end_day],
        |r| r.get(0),
    )?;
    let open_actions: Vec<ActionLine> = conn
        .prepare_cached(&format!(
            "SELECT a.title, a.owner, coalesce(a.due, '') FROM actions a LEFT JOIN reviews r ON r.id = a.review_id \
             LEFT JOIN touch_points tp ON tp.id = a.touch_point_id \
             WHERE a.deleted = 0 AND (a.done_on IS NULL OR a.done_on >= ?2) \
             AND coalesce(a.service_id, r.service_id) = ?1 AND {RAISED_BY_THEN} ORDER BY a.due, a.title"
        ))?
        .query_map(rusqlite::params![service.id, end_day, end], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let actions_open = open_actions.len() as i64;
    let undated_actions: Vec<ActionLine> = open_actions.iter().filter(|a| a.2.is_empty()).cloned().collect();
    let overdue_actions: Vec<ActionLine> = open_actions
        .iter()
        .filter(|a| !a.2.is_empty() && a.2 < end_day)
        .cloned()
        .collect();
    let next_actions: Vec<ActionLine> = open_actions
        .into_iter()
        .filter(|a| a.2 >= end_day && a.2 < next_end)
        .collect();
    // The improvement plan as it stands (an improvement keeps no dated steps): the ones
    // recorded by the span's end and not dropped.
    let improvements: Vec<ImprovementLine> = conn
        .prepare_cached(&format!(
            "SELECT a.title, a.kpi, a.owner, coalesce(a.due, ''), a.status FROM improvements a \
             LEFT JOIN reviews r ON r.id = a.review_id LEFT JOIN touch_points tp ON tp.id = a.touch_point_id \
             WHERE a.deleted = 0 AND coalesce(a.service_id, r.service_id) = ?1 AND a.status <> 'dropped' \
             AND {RAISED_BY_THEN} ORDER BY a.status = 'done', a.due, a.title"
        ))?
        .query_map(rusqlite::params![service.id, end_day, end], |r| {
            Ok(ImprovementLine {
                title: r.get(0)?,
                kpi: r.get(1)?,
                owner: r.get(2)?,
                due: r.get(3)?,
                status: r.get::<_, String>(4)?.replace('_', " "),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Problems as they stand: raised by the span's end, and not resolved or closed before it
    // began (the last change of a finished one is taken as when it finished).
    let (first_day, end_day) = (window.local_date(from), window.local_date(end - 1));
    let mut problems = Vec::new();
    for p in crate::store::problems::of_service(conn, &service.id)? {
        let raised = p.raised_on.unwrap_or(first_day);
        let finished_before = !p.status.is_open() && crate::store::problems::last_change(conn, &p.id)? < from;
        if raised > end_day || finished_before {
            continue;
        }
        let since_fix = crate::store::problems::fix_effect(conn, &p, at, window.tz())?.map(|e| e.said());
        problems.push(super::ProblemLine {
            name: if p.reference.is_empty() {
                p.title.clone()
            } else {
                format!("{} {}", p.reference, p.title)
            },
            // A problem keeps no dated steps: a finished period's review says where it stands
            // now, as now.
            status: if complete {
                format!("now {}", p.status.label())
            } else {
                p.status.label()
            },
            root_cause: p.root_cause.clone(),
            workaround: p.workaround.clone(),
            owner: p.owner.clone(),
            raised_in_period: raised >= first_day,
            since_fix,
        });
    }
    // The period's breaches by cause, most first.
    let causes = crate::domain::problem::pareto(
        breaches
            .iter()
            .map(|b| b.cause.as_deref().unwrap_or("no cause recorded")),
    );
    let (touch_points, sentiment): (i64, Option<f64>) = conn.query_row(
        "SELECT count(*), avg(tp.sentiment) FROM touch_points tp JOIN touch_point_services ts ON ts.touch_point_id = tp.id \
         WHERE ts.service_id = ?1 AND ts.deleted = 0 AND tp.deleted = 0 AND tp.at >= ?2 AND tp.at < ?3",
        rusqlite::params![service.id, from, end],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let verdict = engine
        .health_at(conn, at, &service.id, open_at_end)?
        .map(|h| (h.health.verdict.label().to_string(), h.health.reason))
        .unwrap_or_default();
    let currency = service.currency.clone().unwrap_or_default();
    let revisions = if complete {
        revisions_after(conn, &service.id, from, to, &all_breaches, window.tz(), &currency)?
    } else {
        Vec::new()
    };
    // Freshness as dates, not ages, so the review reads the same whenever it is written; a
    // file imported before the span's end (less the stale hours) may lack its last days.
    let freshness = crate::store::queries::import_log(conn)?
        .into_iter()
        .map(|(kind, imported, file, _)| {
            let warn = match (imported + opts.stale_hours * 3600 < end, complete) {
                (false, _) => String::new(),
                (true, true) => format!(" (before the {} ended: its last days may be missing)", period.noun()),
                (true, false) => format!(" (over {} hours before this was written)", opts.stale_hours),
            };
            format!(
                "{kind} last imported {} {} from {file}{warn}",
                local_minute(window.tz(), imported),
                window.tz().name()
            )
        })
        .collect();
    let window_name = engine
        .calendar_names
        .get(service.window_calendar_id.as_deref().unwrap_or_default())
        .cloned()
        .unwrap_or_else(|| "24x7".into());
    let as_of = if complete {
        let last_day = window.local_date(to - 1);
        format!("the end of {} ({} 24:00 {})", period, last_day, window.tz().name())
    } else {
        format!(
            "{} so far ({} {})",
            period,
            local_minute(window.tz(), now_s),
            window.tz().name()
        )
    };
    Ok(ServiceReview {
        service: service.name.clone(),
        customer: service.customer.clone(),
        agreement: format!(
            "{} {}",
            service.agreement_kind.as_str().to_uppercase(),
            service.agreement_ref
        )
        .trim_end()
        .to_string(),
        window: window_name,
        zone: window.tz().name().to_string(),
        period: period.to_string(),
        noun: period.noun(),
        complete,
        as_of,
        generated: opts.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
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
        credit_lines,
        credit_lines_customer,
        survey,
        verbatims,
        cost_lines,
        amendments,
        currency: service.currency.clone().unwrap_or_default(),
        exclusions,
        changes,
        notable_changes,
        reviews_held,
        actions_open,
        touch_points,
        sentiment,
        poor_below: engine.settings.experience_poor_below,
        verdict,
        overdue_actions,
        next_actions,
        undated_actions,
        improvements,
        problems,
        causes,
        revisions,
        changed_since: None,
    })
}

/// Whether an action or improvement `a` (joined to its review `r` and touch point `tp`) was
/// raised by the span's end: by the review or touch point it came from, else when it was
/// recorded. `?2` is the first date after the span, `?3` its end instant.
const RAISED_BY_THEN: &str = "(r.held_on IS NULL OR r.held_on < ?2) AND (tp.at IS NULL OR tp.at < ?3) \
     AND (a.review_id IS NOT NULL OR a.touch_point_id IS NOT NULL OR a.created_at < ?3 * 1000)";

/// An instant as `YYYY-MM-DD HH:MM` in a zone.
fn local_minute(tz: chrono_tz::Tz, t: i64) -> String {
    DateTime::from_timestamp(t, 0)
        .map(|d| d.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Daily availability inside the service window for the days of a month up to `end`.
fn daily_availability(
    cal: &crate::domain::sla::Calendar,
    outages: &[crate::engine::health::OutageFacts],
    year: i32,
    month: u32,
    to: i64,
    end: i64,
) -> Vec<DayAvailability> {
    let mut daily = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    while day.month() == month && cal.day_start(day) < end {
        let (a0, a1) = (
            cal.day_start(day),
            day.succ_opt().map(|d| cal.day_start(d)).unwrap_or(to),
        );
        let window_secs = cal.working_seconds(a0, a1.min(end));
        let (mut down, mut planned, mut excluded) = (0, false, false);
        for o in outages {
            let (s, e) = (o.start.max(a0), o.end.unwrap_or(end).min(a1).min(end));
            if e <= s {
                continue;
            }
            if o.planned {
                planned = true;
            } else if o.excluded {
                excluded = true;
            } else {
                down += cal.working_seconds(s, e);
            }
        }
        if window_secs > 0 {
            daily.push(DayAvailability {
                date: day,
                percent: (window_secs - down.min(window_secs)) as f64 * 100.0 / window_secs as f64,
                down_secs: down.min(window_secs),
                planned,
                excluded,
            });
        }
        match day.succ_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    daily
}

/// The corrections of the period's record made after its end `to`: breaches voided or given a
/// credit, tickets and outages left out of the SLA or brought back. Each is dated by its own
/// stamp, so writing the review again gives the same lines.
fn revisions_after(
    conn: &Connection,
    service_id: &str,
    from: i64,
    to: i64,
    breaches: &[Breach],
    tz: chrono_tz::Tz,
    currency: &str,
) -> Result<Vec<String>> {
    let day = |t: i64| local_minute(tz, t).chars().take(10).collect::<String>();
    let mut out: Vec<(i64, String)> = Vec::new();
    let voided: Vec<Breach> = list_where(
        conn,
        "deleted = 0 AND service_id = ?1 AND breached_at >= ?2 AND breached_at < ?3 AND status = 'void'",
        rusqlite::params![service_id, from, to],
    )?;
    for b in voided.iter().chain(breaches.iter().filter(|b| b.breached_at >= from)) {
        for s in b.history.iter().filter(|s| s.at >= to) {
            let voided =
                crate::domain::breach_history::status_after(&s.step) == Some(crate::domain::enums::BreachStatus::Void);
            let what = match (voided, s.credit) {
                (true, _) if s.note.is_empty() => format!("\"{}\" is no breach after all", b.title),
                (true, _) => format!("\"{}\" is no breach after all ({})", b.title, s.note),
                (false, Some(credit)) => format!(
                    "\"{}\" given a service credit of {}",
                    b.title,
                    format!("{credit:.2} {currency}").trim_end()
                ),
                _ => continue,
            };
            out.push((s.at, what));
        }
    }
    // A field's own stamp says when it was last set (the stamp's first part is its wall
    // time in milliseconds, zero-padded, so stamps compare as text).
    let after = format!("{:015}", to.saturating_mul(1000));
    for (table, label, when) in [("tickets", "ticket", "opened_at"), ("outages", "outage", "start_at")] {
        let sql = format!(
            "SELECT {}, excluded_reason, json_extract(field_hlc, '$.excluded_reason') FROM {table} \
             WHERE deleted = 0 AND service_id = ?1 AND {when} >= ?2 AND {when} < ?3 \
             AND json_extract(field_hlc, '$.excluded_reason') > ?4",
            if table == "tickets" { "reference" } else { "start_at" }
        );
        let rows: Vec<(rusqlite::types::Value, Option<String>, String)> = conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params![service_id, from, to, after], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (what, reason, stamp) in rows {
            let at = stamp.get(..15).and_then(|m| m.parse::<i64>().ok()).unwrap_or(to * 1000) / 1000;
            let name = match what {
                rusqlite::types::Value::Integer(start) => format!("{label} from {}", local_minute(tz, start)),
                rusqlite::types::Value::Text(reference) => format!("{label} {reference}"),
                _ => label.to_string(),
            };
            let change = match reason {
                Some(r) => format!("{name} left out of the SLA ({r})"),
                None => format!("{name} brought back into the SLA"),
            };
            out.push((at, change));
        }
    }
    out.sort();
    Ok(out
        .into_iter()
        .map(|(at, what)| format!("{}: {what}", day(at)))
        .collect())
}
