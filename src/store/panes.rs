//! The interface's lists, read a screenful at a time: raw rows (ids, names, instants), each
//! list one indexed query. How a row reads on screen is the interface's business.

use rusqlite::Connection;

use super::Result;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceLine {
    pub id: String,
    pub name: String,
    pub customer: String,
    pub agreement_kind: String,
    pub agreement_ref: String,
    pub open_breaches: i64,
    /// The last touch point about the service (read only when asked: it reads every one).
    pub last_touch: Option<i64>,
}

/// Services not retired, by name; `last_touch` reads their touch points too.
pub fn services(conn: &Connection, last_touch: bool, limit: i64) -> Result<Vec<ServiceLine>> {
    let mut stmt = conn.prepare_cached(if last_touch {
        "SELECT s.id, s.name, s.customer, s.agreement_kind, s.agreement_ref, \
           (SELECT count(*) FROM breaches b WHERE b.service_id = s.id AND b.deleted = 0 AND b.status IN ('open','acknowledged')), \
           (SELECT max(tp.at) FROM touch_point_services ts JOIN touch_points tp ON tp.id = ts.touch_point_id \
              WHERE ts.service_id = s.id AND ts.deleted = 0 AND tp.deleted = 0) \
         FROM services s WHERE s.deleted = 0 AND s.status <> 'retired' ORDER BY s.name COLLATE NOCASE LIMIT ?1"
    } else {
        "SELECT s.id, s.name, s.customer, s.agreement_kind, s.agreement_ref, \
           (SELECT count(*) FROM breaches b WHERE b.service_id = s.id AND b.deleted = 0 AND b.status IN ('open','acknowledged')), \
           NULL \
         FROM services s WHERE s.deleted = 0 AND s.status <> 'retired' ORDER BY s.name COLLATE NOCASE LIMIT ?1"
    })?;
    let rows = stmt.query_map([limit], |r| {
        Ok(ServiceLine {
            id: r.get(0)?,
            name: r.get(1)?,
            customer: r.get(2)?,
            agreement_kind: r.get(3)?,
            agreement_ref: r.get(4)?,
            open_breaches: r.get(5)?,
            last_touch: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BreachLine {
    pub id: String,
    pub service: String,
    /// The ticket's reference; empty for a breach without one.
    pub reference: String,
    pub title: String,
    pub status: String,
    pub breached_at: i64,
    pub informed: bool,
}

/// Open and acknowledged breaches: the customer not told first, then the oldest.
pub fn open_breaches(conn: &Connection, limit: i64) -> Result<Vec<BreachLine>> {
    breach_lines(
        conn,
        "b.status IN ('open', 'acknowledged') ORDER BY b.customer_informed, b.breached_at",
        limit,
    )
}

/// Closed and void breaches, the latest first (the Breaches pane's history).
pub fn closed_breaches(conn: &Connection, limit: i64) -> Result<Vec<BreachLine>> {
    breach_lines(
        conn,
        "b.status IN ('closed', 'void') ORDER BY b.breached_at DESC",
        limit,
    )
}

/// The reference of breach `b`'s ticket, in SQL: the one kept with it, or (for a breach written
/// before references were kept) its ticket's, read only then; NULL without a ticket.
pub const BREACH_TICKET_REF: &str =
    "coalesce(b.ticket_ref, (SELECT t.reference FROM tickets t WHERE t.id = b.ticket_id))";

fn breach_lines(conn: &Connection, filter_and_order: &str, limit: i64) -> Result<Vec<BreachLine>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT b.id, s.name, coalesce({BREACH_TICKET_REF}, ''), b.title, b.status, b.breached_at, b.customer_informed \
         FROM breaches b JOIN services s ON s.id = b.service_id \
         WHERE b.deleted = 0 AND {filter_and_order} LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit], |r| {
        Ok(BreachLine {
            id: r.get(0)?,
            service: r.get(1)?,
            reference: r.get(2)?,
            title: r.get(3)?,
            status: r.get(4)?,
            breached_at: r.get(5)?,
            informed: r.get::<_, i64>(6)? != 0,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StakeholderLine {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub channel: String,
    pub cadence: i64,
    pub last_touch: Option<i64>,
}

pub fn stakeholders(conn: &Connection, limit: i64) -> Result<Vec<StakeholderLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT st.id, st.name, st.organisation, st.role, st.channel, st.cadence_days, \
           (SELECT max(tp.at) FROM touch_points tp WHERE tp.stakeholder_id = st.id AND tp.deleted = 0) \
         FROM stakeholders st WHERE st.deleted = 0 LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(StakeholderLine {
            id: r.get(0)?,
            name: r.get(1)?,
            organisation: r.get(2)?,
            role: r.get(3)?,
            channel: r.get(4)?,
            cadence: r.get(5)?,
            last_touch: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A stakeholder's services' names, by name, separated by commas.
pub fn stakeholder_service_names(conn: &Connection, stakeholder_id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached(
            "SELECT group_concat(name, ', ') FROM (SELECT s.name FROM stakeholder_services ss \
             JOIN services s ON s.id = ss.service_id \
             WHERE ss.stakeholder_id = ?1 AND ss.deleted = 0 AND s.deleted = 0 ORDER BY s.name)",
        )?
        .query_row([stakeholder_id], |r| r.get::<_, Option<String>>(0))?
        .unwrap_or_default())
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionLine {
    pub id: String,
    pub title: String,
    pub owner: String,
    /// YYYY-MM-DD, or none.
    pub due: Option<String>,
    pub service: String,
    /// The review it came from; empty for none.
    pub review: String,
}

/// Open actions by due date (none last).
pub fn open_actions(conn: &Connection, limit: i64) -> Result<Vec<ActionLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.title, a.owner, a.due, coalesce(s1.name, s2.name, ''), coalesce(r.title, '') \
         FROM actions a LEFT JOIN reviews r ON r.id = a.review_id \
         LEFT JOIN services s1 ON s1.id = a.service_id LEFT JOIN services s2 ON s2.id = r.service_id \
         WHERE a.deleted = 0 AND a.done_on IS NULL ORDER BY a.due IS NULL, a.due, a.title LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(ActionLine {
            id: r.get(0)?,
            title: r.get(1)?,
            owner: r.get(2)?,
            due: r.get(3)?,
            service: r.get(4)?,
            review: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReviewLine {
    pub id: String,
    pub title: String,
    pub due: String,
    pub service: String,
}

/// Reviews not held yet, by due date.
pub fn reviews_not_held(conn: &Connection, limit: i64) -> Result<Vec<ReviewLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT r.id, r.title, r.due, s.name FROM reviews r JOIN services s ON s.id = r.service_id \
         WHERE r.deleted = 0 AND r.held_on IS NULL ORDER BY r.due LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(ReviewLine {
            id: r.get(0)?,
            title: r.get(1)?,
            due: r.get(2)?,
            service: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImprovementLine {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due: Option<String>,
    pub service: String,
    pub kpi: String,
    pub status: String,
}

/// Improvements still being driven (proposed or in progress), by due date.
pub fn open_improvements(conn: &Connection, limit: i64) -> Result<Vec<ImprovementLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.id, i.title, i.owner, i.due, coalesce(s.name, ''), i.kpi, i.status FROM improvements i \
         LEFT JOIN services s ON s.id = i.service_id WHERE i.deleted = 0 AND i.status IN ('proposed', 'in_progress') \
         ORDER BY i.due IS NULL, i.due LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit], |r| {
        Ok(ImprovementLine {
            id: r.get(0)?,
            title: r.get(1)?,
            owner: r.get(2)?,
            due: r.get(3)?,
            service: r.get(4)?,
            kpi: r.get(5)?,
            status: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
