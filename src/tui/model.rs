//! What the panes show, read from the store a screenful at a time: plain rows, no SQLite or
//! terminal types, so drawing never touches the database.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::Connection;

use crate::config::Settings;
use crate::domain::agenda::{describe, due_within, next_touch_due};
use crate::engine::Engine;
use crate::store::Result;

/// Lists longer than this are cut (with a note): a pane shows a screenful, not a table.
pub const PAGE: i64 = 500;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceRow {
    pub id: String,
    pub name: String,
    pub customer: String,
    pub agreement: String,
    pub verdict: String,
    pub reason: String,
    pub availability: String,
    pub budget: String,
    pub open_breaches: i64,
    pub last_touch: String,
    /// "needs problem management", with the evidence, when the signals say so.
    pub problem: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BreachRow {
    pub id: String,
    /// Empty for a clock at risk (not a breach yet).
    pub is_clock: bool,
    pub service: String,
    pub reference: String,
    pub title: String,
    pub status: String,
    pub when: String,
    pub informed: bool,
    pub overdue: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StakeholderRow {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub channel: String,
    pub cadence: i64,
    pub last: String,
    pub due: String,
    pub due_text: String,
    pub overdue: bool,
    pub services: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionRow {
    pub id: String,
    /// A review not held yet (rather than an action).
    pub is_review: bool,
    /// An improvement from the register (rather than an action).
    pub is_improvement: bool,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub due_text: String,
    pub overdue: bool,
    pub service: String,
    pub from: String,
}

/// A value a sync kept aside because both copies changed it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConflictRow {
    pub seq: i64,
    pub what: String,
    pub kept: String,
    pub lost: String,
    pub lost_where: String,
}

/// Everything the four panes and the agenda line show.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub services: Vec<ServiceRow>,
    pub breaches: Vec<BreachRow>,
    pub stakeholders: Vec<StakeholderRow>,
    pub actions: Vec<ActionRow>,
    pub agenda: String,
    /// The agenda line for a narrow terminal.
    pub agenda_short: String,
    pub freshness: String,
    pub health_loaded: bool,
    pub conflicts: Vec<ConflictRow>,
    /// Per pane, each row's text as the filter searches it (lowercase), made once per load.
    pub search: [Vec<String>; 4],
}

impl Snapshot {
    /// The text the filter searches in row `i` of `pane`, in lowercase.
    pub fn search_text(&self, pane: usize, i: usize) -> String {
        let text = match pane {
            0 => self
                .services
                .get(i)
                .map(|r| format!("{} {} {} {}", r.name, r.customer, r.verdict, r.agreement)),
            1 => self
                .breaches
                .get(i)
                .map(|r| format!("{} {} {} {}", r.service, r.reference, r.title, r.status)),
            2 => self
                .stakeholders
                .get(i)
                .map(|r| format!("{} {} {} {}", r.name, r.organisation, r.role, r.services)),
            _ => self
                .actions
                .get(i)
                .map(|r| format!("{} {} {} {}", r.title, r.owner, r.service, r.from)),
        };
        text.unwrap_or_default().to_lowercase()
    }

    /// The number of rows in a pane.
    pub fn len(&self, pane: usize) -> usize {
        match pane {
            0 => self.services.len(),
            1 => self.breaches.len(),
            2 => self.stakeholders.len(),
            _ => self.actions.len(),
        }
    }

    /// Whether the filter's texts match the rows (rows added after a load are not indexed).
    pub fn search_indexed(&self) -> bool {
        (0..4).all(|pane| self.search[pane].len() == self.len(pane))
    }

    /// Makes the filter's texts for every pane (after the rows are in).
    pub fn index_search(&mut self) {
        for pane in 0..4 {
            let texts = (0..self.len(pane)).map(|i| self.search_text(pane, i)).collect();
            self.search[pane] = texts;
        }
    }
}

fn day_of(t: i64, tz: Tz) -> NaiveDate {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.with_timezone(&tz).date_naive())
        .unwrap_or_default()
}

fn short_time(t: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.with_timezone(&tz).format("%d %b %H:%M").to_string())
        .unwrap_or_default()
}

/// Reads the panes. `with_health` also runs the SLA rules for the Services pane (slower on a
/// large database, so the first frame is drawn without them).
pub fn load(conn: &Connection, settings: &Settings, now: DateTime<Utc>, tz: Tz, with_health: bool) -> Result<Snapshot> {
    load_rows(conn, settings, now, tz, with_health, PAGE)
}

/// As [`load`], reading at most `rows` rows into each list that grows with the history (the
/// first frame reads a screenful; the full load that follows reads a page).
pub fn load_rows(
    conn: &Connection,
    settings: &Settings,
    now: DateTime<Utc>,
    tz: Tz,
    with_health: bool,
    rows: i64,
) -> Result<Snapshot> {
    let page = rows.clamp(1, PAGE);
    let now_s = now.timestamp();
    let today = now.with_timezone(&tz).date_naive();
    let mut snap = Snapshot::default();
    let engine = if with_health {
        Engine::load(conn, settings)?
    } else {
        Engine::empty(settings)
    };

    // Services, with their open breaches and (in the full load: it reads every touch point of
    // the service) their last touch.
    let mut stmt = conn.prepare_cached(if with_health {
        "SELECT s.id, s.name, s.customer, s.agreement_kind, s.agreement_ref, \
           (SELECT count(*) FROM breaches b WHERE b.service_id = s.id AND b.deleted = 0 AND b.status IN ('open','acknowledged')), \
           (SELECT max(tp.at) FROM touch_point_services ts JOIN touch_points tp ON tp.id = ts.touch_point_id \
              WHERE ts.service_id = s.id AND ts.deleted = 0 AND tp.deleted = 0), 0 \
         FROM services s WHERE s.deleted = 0 AND s.status <> 'retired' ORDER BY s.name COLLATE NOCASE LIMIT ?1"
    } else {
        "SELECT s.id, s.name, s.customer, s.agreement_kind, s.agreement_ref, \
           (SELECT count(*) FROM breaches b WHERE b.service_id = s.id AND b.deleted = 0 AND b.status IN ('open','acknowledged')), \
           NULL, 1 \
         FROM services s WHERE s.deleted = 0 AND s.status <> 'retired' ORDER BY s.name COLLATE NOCASE LIMIT ?1"
    })?;
    let rows = stmt.query_map([page], |r| {
        let kind: String = r.get(3)?;
        let reference: String = r.get(4)?;
        Ok(ServiceRow {
            id: r.get(0)?,
            name: r.get(1)?,
            customer: r.get(2)?,
            agreement: if reference.is_empty() {
                kind.to_uppercase()
            } else {
                format!("{} {reference}", kind.to_uppercase())
            },
            open_breaches: r.get(5)?,
            last_touch: match (r.get::<_, Option<i64>>(6)?, r.get::<_, i64>(7)? != 0) {
                (_, true) => "…".into(),
                (Some(t), false) => day_of(t, tz).format("%d %b").to_string(),
                (None, false) => "never".into(),
            },
            verdict: "…".into(),
            availability: "…".into(),
            budget: String::new(),
            reason: String::new(),
            problem: String::new(),
        })
    })?;
    snap.services = rows.collect::<rusqlite::Result<_>>()?;

    // What needs the SLA rules or the whole history comes with the full load only: the first
    // frame is drawn from indexed lists, whatever the size of the database.
    let flags = if with_health {
        crate::store::signals::problem_flags(conn, now)?
    } else {
        Vec::new()
    };
    for row in &mut snap.services {
        let evidence: Vec<String> = flags
            .iter()
            .filter(|f| f.service == row.name)
            .map(|f| f.reason.clone())
            .collect();
        row.problem = evidence.join("; ");
    }

    let urgent = if with_health {
        engine.urgent(conn, now_s)?
    } else {
        Vec::new()
    };
    if with_health {
        let health: HashMap<String, crate::engine::health::ServiceHealth> = engine
            .health_given(conn, now_s, None, &urgent)?
            .into_iter()
            .map(|h| (h.service_id.clone(), h))
            .collect();
        for row in &mut snap.services {
            if let Some(h) = health.get(&row.id) {
                row.verdict = h.health.verdict.label().to_string();
                row.reason = h.health.reason.clone();
                row.availability = match (h.availability, h.availability_target) {
                    (Some(a), Some(t)) => format!("{a:.2}/{t}%"),
                    (None, Some(t)) => format!("—/{t}%"),
                    _ => "—".into(),
                };
                row.budget = h.budget_left_minutes.map(|m| format!("{m:.0}m")).unwrap_or_default();
            }
        }
        snap.health_loaded = true;
    }

    // Breaches: open ones most urgent first (oldest first), then clocks at risk.
    let mut stmt = conn.prepare_cached(
        "SELECT b.id, s.name, coalesce(t.reference, ''), b.title, b.status, b.breached_at, b.customer_informed \
         FROM breaches b JOIN services s ON s.id = b.service_id LEFT JOIN tickets t ON t.id = b.ticket_id \
         WHERE b.deleted = 0 AND b.status IN ('open', 'acknowledged') ORDER BY b.customer_informed, b.breached_at LIMIT ?1",
    )?;
    let rows = stmt.query_map([page], |r| {
        let at: i64 = r.get(5)?;
        Ok(BreachRow {
            id: r.get(0)?,
            is_clock: false,
            service: r.get(1)?,
            reference: r.get(2)?,
            title: r.get(3)?,
            status: r.get(4)?,
            when: format!("{} ago", crate::domain::parse::format_duration(now_s - at)),
            informed: r.get::<_, i64>(6)? != 0,
            overdue: true,
        })
    })?;
    snap.breaches = rows.collect::<rusqlite::Result<_>>()?;
    // The pane shows a page; the agenda line counts them all (an indexed count).
    let open_total: i64 = conn.query_row(
        "SELECT count(*) FROM breaches WHERE deleted = 0 AND status IN ('open', 'acknowledged')",
        [],
        |r| r.get(0),
    )?;
    // Recorded or not is decided as `sdm agenda` decides it: by the breach's id, whatever its
    // status and whether or not it is on the loaded page.
    let shown: Vec<_> = urgent.iter().take(page as usize).cloned().collect();
    let recorded = crate::engine::agenda::recorded_breaches(conn, &shown)?;
    for c in &shown {
        if crate::engine::agenda::is_recorded(&recorded, c) {
            continue;
        }
        snap.breaches.push(BreachRow {
            id: c.ticket_id.clone(),
            is_clock: true,
            service: c.service.clone(),
            reference: c.reference.clone(),
            title: format!("{} {} {}", c.priority.label(), c.kind.as_str(), c.view.countdown),
            status: if c.view.breached {
                "breached".into()
            } else {
                format!("{:.0}% used", c.view.percent_used)
            },
            when: c.view.deadline.map(|d| short_time(d, tz)).unwrap_or_default(),
            informed: false,
            overdue: c.view.breached,
        });
    }

    // Stakeholders by next due touch.
    let mut stmt = conn.prepare_cached(
        "SELECT st.id, st.name, st.organisation, st.role, st.channel, st.cadence_days, \
           (SELECT max(tp.at) FROM touch_points tp WHERE tp.stakeholder_id = st.id AND tp.deleted = 0) \
         FROM stakeholders st WHERE st.deleted = 0 LIMIT ?1",
    )?;
    let rows = stmt.query_map([PAGE], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, Option<i64>>(6)?,
        ))
    })?;
    for row in rows {
        let (id, name, organisation, role, channel, cadence, last) = row?;
        let last_day = last.map(|t| day_of(t, tz));
        let due = next_touch_due(last_day, cadence, today);
        let d = due_within(due, today, 100_000);
        let never = last_day.is_none();
        snap.stakeholders.push(StakeholderRow {
            id,
            name,
            organisation,
            role,
            channel: channel.replace('_', " "),
            cadence,
            last: last_day
                .map(|l| l.format("%d %b").to_string())
                .unwrap_or_else(|| "never".into()),
            due: due.to_string(),
            due_text: if never {
                "never contacted".into()
            } else {
                d.map(|d| describe(&d)).unwrap_or_default()
            },
            overdue: never || d.is_some_and(|d| d.overdue),
            services: String::new(),
        });
    }
    snap.stakeholders
        .sort_by(|a, b| (&a.due, &a.name).cmp(&(&b.due, &b.name)));
    // Their services, for the rows this load shows (all of them in the full load).
    let mut stmt = conn.prepare_cached(
        "SELECT group_concat(name, ', ') FROM (SELECT s.name FROM stakeholder_services ss \
         JOIN services s ON s.id = ss.service_id \
         WHERE ss.stakeholder_id = ?1 AND ss.deleted = 0 AND s.deleted = 0 ORDER BY s.name)",
    )?;
    for row in snap.stakeholders.iter_mut().take(page as usize) {
        row.services = stmt
            .query_row([&row.id], |r| r.get::<_, Option<String>>(0))?
            .unwrap_or_default();
    }

    // Open actions by due date, then reviews not held.
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.title, a.owner, a.due, coalesce(s1.name, s2.name, ''), coalesce(r.title, '') \
         FROM actions a LEFT JOIN reviews r ON r.id = a.review_id \
         LEFT JOIN services s1 ON s1.id = a.service_id LEFT JOIN services s2 ON s2.id = r.service_id \
         WHERE a.deleted = 0 AND a.done_on IS NULL ORDER BY a.due IS NULL, a.due, a.title LIMIT ?1",
    )?;
    let rows = stmt.query_map([page], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    for row in rows {
        let (id, title, owner, due, service, from) = row?;
        let d = due
            .as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .and_then(|day| due_within(day, today, 100_000));
        snap.actions.push(ActionRow {
            id,
            is_review: false,
            is_improvement: false,
            title,
            owner,
            due: due.unwrap_or_default(),
            due_text: d.map(|d| describe(&d)).unwrap_or_else(|| "no due date".into()),
            overdue: d.is_some_and(|d| d.overdue),
            service,
            from,
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.title, r.due, s.name FROM reviews r JOIN services s ON s.id = r.service_id \
         WHERE r.deleted = 0 AND r.held_on IS NULL ORDER BY r.due LIMIT ?1",
    )?;
    let rows = stmt.query_map([page], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    for row in rows {
        let (id, title, due, service) = row?;
        let d = NaiveDate::parse_from_str(&due, "%Y-%m-%d")
            .ok()
            .and_then(|day| due_within(day, today, 100_000));
        snap.actions.push(ActionRow {
            id,
            is_review: true,
            is_improvement: false,
            title,
            owner: String::new(),
            due,
            due_text: format!("review {}", d.map(|d| describe(&d)).unwrap_or_default()),
            overdue: d.is_some_and(|d| d.overdue),
            service,
            from: String::new(),
        });
    }

    // The improvement register: what is still being driven.
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.title, i.owner, i.due, coalesce(s.name, ''), i.kpi, i.status FROM improvements i \
         LEFT JOIN services s ON s.id = i.service_id WHERE i.deleted = 0 AND i.status IN ('proposed', 'in_progress') \
         ORDER BY i.due IS NULL, i.due LIMIT ?1",
    )?;
    let rows = stmt.query_map([page], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
        ))
    })?;
    for row in rows {
        let (id, title, owner, due, service, kpi, status) = row?;
        let d = due
            .as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .and_then(|day| due_within(day, today, 100_000));
        snap.actions.push(ActionRow {
            id,
            is_review: false,
            is_improvement: true,
            title,
            owner,
            due: due.unwrap_or_default(),
            due_text: format!(
                "{} · {}",
                status.replace('_', " "),
                d.map(|d| describe(&d)).unwrap_or_else(|| "no due date".into())
            ),
            overdue: d.is_some_and(|d| d.overdue),
            service,
            from: format!("KPI: {kpi}"),
        });
    }

    // Sync conflicts waiting for the user.
    for c in crate::sync::open_conflicts(conn).map_err(|e| crate::store::StoreError::BadInput(e.to_string()))? {
        let name: Option<String> = if c.table == "services" || c.table == "stakeholders" || c.table == "calendars" {
            conn.query_row(
                &format!("SELECT name FROM {} WHERE id = ?1", c.table),
                [&c.row_id],
                |r| r.get(0),
            )
            .ok()
        } else {
            None
        };
        snap.conflicts.push(ConflictRow {
            seq: c.seq,
            what: format!(
                "{} {} · {}",
                c.table.trim_end_matches('s'),
                name.unwrap_or_else(|| c.row_id.chars().take(8).collect()),
                c.field
            ),
            kept: c.kept.unwrap_or_default(),
            lost: c.lost.unwrap_or_default(),
            lost_where: if c.lost_side == "local" {
                "this copy".into()
            } else {
                "the other copy".into()
            },
        });
    }

    // The agenda line and freshness.
    // Every recorded open breach, plus clocks past their target not recorded yet.
    let open = open_total.max(0) as usize + snap.breaches.iter().filter(|b| b.is_clock && b.overdue).count();
    let at_risk = snap.breaches.iter().filter(|b| b.is_clock && !b.overdue).count();
    let overdue_touch = snap.stakeholders.iter().filter(|s| s.overdue).count();
    let week = (today + Duration::days(settings.due_horizon_days)).to_string();
    let actions_week = snap
        .actions
        .iter()
        .filter(|a| !a.is_review && !a.is_improvement && !a.due.is_empty() && a.due <= week)
        .count();
    let reviews_due = snap.actions.iter().filter(|a| a.is_review && a.due <= week).count();
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let mut parts = vec![format!("{} open", plural(open, "breach", "breaches"))];
    if at_risk > 0 {
        parts.push(format!("{} at risk", plural(at_risk, "clock", "clocks")));
    }
    parts.push(format!(
        "{} overdue",
        plural(overdue_touch, "touch point", "touch points")
    ));
    parts.push(format!("{} due this week", plural(actions_week, "action", "actions")));
    if reviews_due > 0 {
        parts.push(format!("{} due", plural(reviews_due, "review", "reviews")));
    }
    if !snap.conflicts.is_empty() {
        parts.push(format!(
            "{} to settle (:conflicts)",
            plural(snap.conflicts.len(), "sync conflict", "sync conflicts")
        ));
    }
    snap.agenda = parts.join(" · ");
    snap.agenda_short = format!(
        "{open} breaches · {at_risk} at risk · {overdue_touch} touch overdue · {actions_week} actions this week · {reviews_due} reviews"
    );
    let log = crate::store::queries::import_log(conn)?;
    snap.freshness = match log.iter().find(|(k, ..)| k == "tickets") {
        Some((_, at, _, _)) => {
            let hours = (now_s - at) / 3600;
            let age = if hours < 48 {
                format!("{hours}h")
            } else {
                format!("{} days", hours / 24)
            };
            let stale = if hours >= settings.stale_import_hours {
                " (stale)"
            } else {
                ""
            };
            format!("tickets imported {age} ago{stale}")
        }
        None => "no tickets imported yet".into(),
    };
    // Made here, so a background load makes them off the interface's thread.
    snap.index_search();
    Ok(snap)
}
