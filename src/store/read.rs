//! Named read models: the questions the use cases ask of the file beyond "this record" and
//! "these records", each one query, so no front end writes SQL.

use rusqlite::{Connection, OptionalExtension};

use super::Result;
use super::records::list_where;
use crate::domain::model::{Action, Change, Outage, Review, SurveyResponse, Ticket, TouchPoint};

/// The stamp a row of `table` has now (none when it is not there).
pub fn stamp(conn: &Connection, table: &str, id: &str) -> Option<String> {
    super::schema::table(table)?;
    conn.query_row(&format!("SELECT hlc FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
        .ok()
}

/// A stakeholder's most recent touch point: (id, summary, at).
pub fn last_touch(conn: &Connection, stakeholder_id: &str) -> Option<(String, String, i64)> {
    conn.query_row(
        "SELECT id, summary, at FROM touch_points WHERE deleted = 0 AND stakeholder_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
        [stakeholder_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .ok()
}

/// A stakeholder's touch points, newest first.
pub fn touch_history(conn: &Connection, stakeholder_id: &str, limit: i64) -> Result<Vec<TouchPoint>> {
    list_where(
        conn,
        "deleted = 0 AND stakeholder_id = ?1 ORDER BY at DESC LIMIT ?2",
        rusqlite::params![stakeholder_id, limit],
    )
}

/// A service's latest tickets, newest first.
pub fn recent_tickets(conn: &Connection, service_id: &str, limit: i64) -> Result<Vec<Ticket>> {
    list_where(
        conn,
        "deleted = 0 AND service_id = ?1 ORDER BY opened_at DESC LIMIT ?2",
        rusqlite::params![service_id, limit],
    )
}

/// A service's latest outages, newest first.
pub fn recent_outages(conn: &Connection, service_id: &str, limit: i64) -> Result<Vec<Outage>> {
    list_where(
        conn,
        "deleted = 0 AND service_id = ?1 ORDER BY start_at DESC LIMIT ?2",
        rusqlite::params![service_id, limit],
    )
}

/// A service's latest changes, newest first.
pub fn recent_changes(conn: &Connection, service_id: &str, limit: i64) -> Result<Vec<Change>> {
    list_where(
        conn,
        "deleted = 0 AND service_id = ?1 ORDER BY implemented_at DESC LIMIT ?2",
        rusqlite::params![service_id, limit],
    )
}

/// The tickets opened on a service between two instants (what followed a change).
pub fn tickets_opened_between(conn: &Connection, service_id: &str, from: i64, to: i64) -> Result<Vec<Ticket>> {
    list_where(
        conn,
        "deleted = 0 AND service_id = ?1 AND opened_at >= ?2 AND opened_at <= ?3 ORDER BY opened_at",
        rusqlite::params![service_id, from, to],
    )
}

/// A ticket by its reference (case does not matter).
pub fn ticket_by_reference(conn: &Connection, reference: &str) -> Result<Option<Ticket>> {
    Ok(
        list_where(conn, "deleted = 0 AND reference = ?1 COLLATE NOCASE", [reference])?
            .into_iter()
            .next(),
    )
}

/// A change by its reference (case does not matter).
pub fn change_by_reference(conn: &Connection, reference: &str) -> Result<Option<Change>> {
    Ok(
        list_where(conn, "deleted = 0 AND reference = ?1 COLLATE NOCASE", [reference])?
            .into_iter()
            .next(),
    )
}

/// A review's actions by due date.
/// A service's open reviews (not held yet) and its open actions (its own, and those of its
/// reviews), due first, undated last.
pub fn service_open_work(conn: &Connection, service_id: &str) -> Result<(Vec<Review>, Vec<Action>)> {
    let reviews = list_where(
        conn,
        "deleted = 0 AND service_id = ?1 AND held_on IS NULL ORDER BY due",
        [service_id],
    )?;
    let actions = list_where(
        conn,
        "deleted = 0 AND done_on IS NULL AND (service_id = ?1 OR review_id IN \
         (SELECT id FROM reviews WHERE service_id = ?1 AND deleted = 0)) ORDER BY due IS NULL, due",
        [service_id],
    )?;
    Ok((reviews, actions))
}

/// The touch points that name a service, latest first.
pub fn service_touches(conn: &Connection, service_id: &str, limit: i64) -> Result<Vec<TouchPoint>> {
    list_where(
        conn,
        "deleted = 0 AND id IN (SELECT touch_point_id FROM touch_point_services WHERE service_id = ?1 \
         AND deleted = 0) ORDER BY at DESC LIMIT ?2",
        rusqlite::params![service_id, limit],
    )
}

pub fn review_actions(conn: &Connection, review_id: &str) -> Result<Vec<Action>> {
    list_where(conn, "deleted = 0 AND review_id = ?1 ORDER BY due", [review_id])
}

/// The stakeholders of a service: (id, name, role, channel), by name.
pub fn service_stakeholders(conn: &Connection, service_id: &str) -> Result<Vec<(String, String, String, String)>> {
    Ok(conn
        .prepare_cached(
            "SELECT st.id, st.name, st.role, st.channel FROM stakeholder_services ss JOIN stakeholders st ON st.id = ss.stakeholder_id \
             WHERE ss.service_id = ?1 AND ss.deleted = 0 AND st.deleted = 0 ORDER BY st.name",
        )?
        .query_map([service_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The references of tickets and changes whose number is `digits` whatever their prefix
/// and leading zeros (`17487` for INC0017487), at most `limit`.
pub fn references_numbered(conn: &Connection, digits: &str, limit: usize) -> Result<Vec<String>> {
    let digits = digits.trim().trim_start_matches('0');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for table in ["tickets", "changes"] {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT reference FROM {table} WHERE deleted = 0 AND reference LIKE '%' || ?1"
        ))?;
        let rows = stmt.query_map([digits], |r| r.get::<_, String>(0))?;
        for r in rows {
            let r = r?;
            let tail: String = r
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if tail.trim_start_matches('0') == digits {
                out.push(r);
                if out.len() >= limit {
                    return Ok(out);
                }
            }
        }
    }
    Ok(out)
}

/// The name of a named record (a service, a stakeholder, a calendar), for a conflict's line.
pub fn record_name(conn: &Connection, table: &str, id: &str) -> Option<String> {
    if !matches!(table, "services" | "stakeholders" | "calendars") {
        return None;
    }
    conn.query_row(&format!("SELECT name FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
        .optional()
        .ok()
        .flatten()
}

/// A service's survey responses answered on days `[from, to)`, newest first.
pub fn responses_between(
    conn: &Connection,
    service_id: &str,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<SurveyResponse>> {
    list_where(
        conn,
        "deleted = 0 AND service_id = ?1 AND answered_on >= ?2 AND answered_on < ?3 \
         ORDER BY answered_on DESC, id",
        rusqlite::params![service_id, from.to_string(), to.to_string()],
    )
}
