//! The questions asked of problem records: which are open, which name a ticket (to show its
//! workaround), which are a service's, and when each was raised.

use std::collections::HashMap;

use rusqlite::Connection;

use super::Result;
use super::records::list_where;
use crate::domain::model::Problem;

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

/// When each problem was raised (its record's creation), by id.
pub fn raised(conn: &Connection) -> Result<HashMap<String, i64>> {
    Ok(conn
        .prepare_cached("SELECT id, created_at FROM problems WHERE deleted = 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
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
