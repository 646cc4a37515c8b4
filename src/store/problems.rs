//! The questions asked of problem records: which are open, which name a ticket (to show its
//! workaround), which are a service's, and when each was raised.

use rusqlite::Connection;

use std::collections::BTreeSet;

use super::Result;
use super::records::{get_in, list_where};
use crate::domain::model::{Breach, Change, Problem, Ticket};
use crate::domain::{problem, similar};

/// The evidence lists a problem keeps, by column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    Ticket,
    Change,
    Breach,
    Review,
}

impl Evidence {
    fn column(self) -> &'static str {
        match self {
            Evidence::Ticket => "ticket_ids",
            Evidence::Change => "change_ids",
            Evidence::Breach => "breach_ids",
            Evidence::Review => "review_ids",
        }
    }
}

/// Every problem not deleted; only the open ones (not resolved or closed) when asked.
pub fn all(conn: &Connection, open_only: bool) -> Result<Vec<Problem>> {
    list_where(
        conn,
        if open_only {
            "deleted = 0 AND status NOT IN ('resolved', 'closed') ORDER BY created_at"
        } else {
            "deleted = 0 ORDER BY created_at"
        },
        [],
    )
}

/// When a problem's record last changed (its `updated_at`, in seconds).
pub fn last_change(conn: &Connection, id: &str) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT updated_at / 1000 FROM problems WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

/// The problems that name a record as evidence (a ticket, a change, a breach, a review).
pub fn naming(conn: &Connection, kind: Evidence, id: &str) -> Result<Vec<Problem>> {
    list_where(
        conn,
        &format!(
            "deleted = 0 AND EXISTS (SELECT 1 FROM json_each(problems.{}) j WHERE j.value = ?1) ORDER BY created_at",
            kind.column()
        ),
        [id],
    )
}

/// A service's problems, open ones first.
pub fn of_service(conn: &Connection, service_id: &str) -> Result<Vec<Problem>> {
    list_where(
        conn,
        "deleted = 0 AND id IN (SELECT problem_id FROM problem_services WHERE service_id = ?1 AND deleted = 0) \
         ORDER BY status IN ('resolved', 'closed'), created_at",
        [service_id],
    )
}

/// The problem with the ITSM tool's reference `reference` (any case).
pub fn by_reference(conn: &Connection, reference: &str) -> Result<Option<Problem>> {
    Ok(list_where::<Problem, _>(
        conn,
        "deleted = 0 AND reference = ?1 AND reference <> ''",
        [reference.trim()],
    )?
    .into_iter()
    .next())
}

/// The incidents (not requests, not cancelled) opened in `[from, to)`, oldest first, on the
/// services given (every service when none are), with their service's name.
pub fn incidents_between(
    conn: &Connection,
    from: i64,
    to: i64,
    service_ids: Option<&[String]>,
) -> Result<Vec<crate::domain::problem::Incident>> {
    let row = |r: &rusqlite::Row<'_>| {
        Ok(crate::domain::problem::Incident {
            id: r.get(0)?,
            service_id: r.get(4)?,
            service: r.get(1)?,
            opened_at: r.get(2)?,
            summary: r.get(3)?,
        })
    };
    let sql = "SELECT t.id, s.name, t.opened_at, t.summary, t.service_id FROM tickets t JOIN services s ON s.id = t.service_id \
               WHERE t.service_id = ?1 AND t.opened_at >= ?2 AND t.opened_at < ?3 AND t.deleted = 0 \
               AND t.kind = 'incident' AND t.state <> 'cancelled' ORDER BY t.opened_at";
    let mut out = Vec::new();
    match service_ids {
        Some(ids) => {
            let mut stmt = conn.prepare_cached(sql)?;
            for id in ids {
                for i in stmt.query_map(rusqlite::params![id, from, to], row)? {
                    out.push(i?);
                }
            }
            out.sort_by_key(|i| i.opened_at);
        }
        None => {
            let mut stmt = conn.prepare_cached(
                "SELECT t.id, s.name, t.opened_at, t.summary, t.service_id FROM tickets t JOIN services s ON s.id = t.service_id \
                 WHERE t.opened_at >= ?1 AND t.opened_at < ?2 AND t.deleted = 0 \
                 AND t.kind = 'incident' AND t.state <> 'cancelled' AND s.deleted = 0 ORDER BY t.opened_at",
            )?;
            for i in stmt.query_map(rusqlite::params![from, to], row)? {
                out.push(i?);
            }
        }
    }
    Ok(out)
}

/// Breaches of the targets given recorded in `[from, to)` (voided ones do not count).
pub fn target_breaches_between(conn: &Connection, target_ids: &[String], from: i64, to: i64) -> Result<usize> {
    let mut stmt = conn.prepare_cached(
        "SELECT count(*) FROM breaches WHERE target_id = ?1 AND breached_at >= ?2 AND breached_at < ?3 \
         AND deleted = 0 AND status <> 'void'",
    )?;
    let mut n = 0usize;
    for t in target_ids {
        n += stmt.query_row(rusqlite::params![t, from, to], |r| r.get::<_, i64>(0))? as usize;
    }
    Ok(n)
}

/// What a problem's incidents look like: the words of the tickets it names, else of its title.
pub fn pattern_of(conn: &Connection, p: &Problem) -> Result<Vec<BTreeSet<String>>> {
    let mut pattern = Vec::new();
    for id in &p.ticket_ids {
        if let Some(t) = get_in::<Ticket>(conn, id)? {
            pattern.push(similar::words(&t.summary));
        }
    }
    if pattern.is_empty() {
        pattern.push(similar::words(&p.title));
    }
    Ok(pattern)
}

/// What followed a problem's fix as of `now`: incidents like its own and breaches of the
/// targets its breaches were of, over equal windows either side of the fixing change (none
/// without one, or before it went in). Days are named in `tz`.
pub fn fix_effect(conn: &Connection, p: &Problem, now: i64, tz: chrono_tz::Tz) -> Result<Option<problem::FixEffect>> {
    let Some(change) = p
        .fix_change_id
        .as_deref()
        .map(|id| get_in::<Change>(conn, id))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let Some(problem::FixWindows { days, before, after }) = problem::fix_windows(change.implemented_at, now) else {
        return Ok(None);
    };
    let pattern = pattern_of(conn, p)?;
    let services = if p.service_ids.is_empty() {
        vec![change.service_id.clone()]
    } else {
        p.service_ids.clone()
    };
    // The windows, and everything from the fix to now.
    let incidents = incidents_between(conn, before.0, after.1.max(now + 1), Some(&services))?;
    let mut targets: Vec<String> = Vec::new();
    for id in &p.breach_ids {
        if let Some(t) = get_in::<Breach>(conn, id)?.and_then(|b| b.target_id) {
            // Every version of the target: a tightened goal is the same target.
            for v in super::signals::target_versions(conn, &t)? {
                if !targets.contains(&v) {
                    targets.push(v);
                }
            }
        }
    }
    let fixed_on = chrono::DateTime::from_timestamp(change.implemented_at, 0)
        .map(|t| t.with_timezone(&tz).format("%-d %b").to_string())
        .unwrap_or_default();
    Ok(Some(problem::FixEffect {
        change: change.reference,
        fixed_on,
        days,
        incidents_before: problem::alike_between(&pattern, &incidents, before),
        incidents_after: problem::alike_between(&pattern, &incidents, after),
        incidents_since: problem::alike_between(&pattern, &incidents, (change.implemented_at, now + 1)),
        breaches_before: target_breaches_between(conn, &targets, before.0, before.1)?,
        breaches_after: target_breaches_between(conn, &targets, after.0, after.1)?,
    }))
}

/// The causes a service's breaches (every service's without one) were closed with in
/// `[from, to)`, as (service id, service name, cause, breach id), oldest first; void breaches
/// and those without a cause are left out.
pub fn breach_causes(
    conn: &Connection,
    service_id: Option<&str>,
    from: i64,
    to: i64,
) -> Result<Vec<(String, String, String, String)>> {
    // One service by its (service, time) index; every service by the time index (a query
    // that takes either would read every service's breaches for one).
    let sql = if service_id.is_some() {
        "SELECT b.service_id, s.name, b.cause, b.id FROM breaches b JOIN services s ON s.id = b.service_id \
         WHERE b.service_id = ?3 AND b.breached_at >= ?1 AND b.breached_at < ?2 AND b.deleted = 0 \
         AND b.status <> 'void' AND b.cause IS NOT NULL AND trim(b.cause) <> '' ORDER BY b.breached_at"
    } else {
        "SELECT b.service_id, s.name, b.cause, b.id FROM breaches b JOIN services s ON s.id = b.service_id \
         WHERE b.breached_at >= ?1 AND b.breached_at < ?2 AND ?3 IS NULL AND b.deleted = 0 \
         AND b.status <> 'void' AND b.cause IS NOT NULL AND trim(b.cause) <> '' ORDER BY b.breached_at"
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_map(rusqlite::params![from, to, service_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// A service's incidents (not requests, not cancelled) opened in `[from, to)` as their
/// distinct summaries, each with how many there were.
pub fn incident_summaries(conn: &Connection, service_id: &str, from: i64, to: i64) -> Result<Vec<(String, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT summary, count(*) FROM tickets WHERE service_id = ?1 AND opened_at >= ?2 AND opened_at < ?3 \
             AND deleted = 0 AND kind = 'incident' AND state <> 'cancelled' GROUP BY summary",
        )?
        .query_map(rusqlite::params![service_id, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}
