//! Signals that point at a problem nobody owns: routine emergency changes, the same target
//! breached again and again; and the change success rate.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::Result;
use crate::domain::agenda::FlagItem;

/// Emergency changes on one service within this many days...
pub const EMERGENCY_WINDOW_DAYS: i64 = 30;
/// ...at least this many times flag it.
pub const EMERGENCY_CHANGES: i64 = 3;
/// The same target breached this many times...
pub const REPEATED_BREACHES: i64 = 3;
/// ...within this many days flags it.
pub const BREACH_WINDOW_DAYS: i64 = 90;

/// Services that need problem management, with the evidence.
pub fn problem_flags(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<FlagItem>> {
    flags_of(conn, now, None)
}

/// Whether one service needs problem management (reads only that service's history).
pub fn problem_flags_of(conn: &Connection, now: DateTime<Utc>, service_id: &str) -> Result<Vec<FlagItem>> {
    flags_of(conn, now, Some(service_id))
}

fn flags_of(conn: &Connection, now: DateTime<Utc>, only: Option<&str>) -> Result<Vec<FlagItem>> {
    let now_s = now.timestamp();
    let mut flags = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT s.name, count(*), group_concat(c.reference, ', ') FROM \
           (SELECT * FROM changes WHERE deleted = 0 AND kind = 'emergency' \
              AND implemented_at > ?1 AND implemented_at <= ?2 AND (?4 IS NULL OR service_id = ?4) \
              ORDER BY implemented_at) c \
         JOIN services s ON s.id = c.service_id WHERE s.deleted = 0 \
         GROUP BY c.service_id HAVING count(*) >= ?3 ORDER BY s.name",
    )?;
    let rows = stmt.query_map(
        rusqlite::params![now_s - EMERGENCY_WINDOW_DAYS * 86_400, now_s, EMERGENCY_CHANGES, only],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)),
    )?;
    for row in rows {
        let (service, n, refs) = row?;
        flags.push(FlagItem {
            service,
            name: "needs problem management".into(),
            reason: format!("{n} emergency changes in {EMERGENCY_WINDOW_DAYS} days ({refs})"),
            overdue: true,
        });
    }
    // Counted per target first (one service by the (service, time) index, all from the
    // window's covering index), then named: a name is looked up per flag, not per breach.
    let mut stmt = conn.prepare_cached(if only.is_some() {
        "SELECT s.name, t.kind, t.priority, g.n FROM \
           (SELECT target_id, count(*) AS n FROM breaches WHERE service_id = ?4 \
              AND breached_at > ?1 AND breached_at <= ?2 AND deleted = 0 AND status <> 'void' \
              GROUP BY target_id HAVING count(*) >= ?3) g \
         JOIN sla_targets t ON t.id = g.target_id JOIN services s ON s.id = t.service_id \
         ORDER BY s.name, t.kind, t.priority"
    } else {
        "SELECT s.name, t.kind, t.priority, g.n FROM \
           (SELECT target_id, count(*) AS n FROM breaches WHERE deleted = 0 AND status <> 'void' \
              AND breached_at > ?1 AND breached_at <= ?2 AND ?4 IS NULL \
              GROUP BY target_id HAVING count(*) >= ?3) g \
         JOIN sla_targets t ON t.id = g.target_id JOIN services s ON s.id = t.service_id \
         ORDER BY s.name, t.kind, t.priority"
    })?;
    let rows = stmt.query_map(
        rusqlite::params![now_s - BREACH_WINDOW_DAYS * 86_400, now_s, REPEATED_BREACHES, only],
        |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
            ))
        },
    )?;
    for row in rows {
        let (service, kind, priority, n) = row?;
        let target = match priority {
            Some(p) => format!("{} {kind}", p.to_uppercase()),
            None => kind,
        };
        flags.push(FlagItem {
            service,
            name: "needs problem management".into(),
            reason: format!("{target} target breached {n} times in {BREACH_WINDOW_DAYS} days"),
            overdue: true,
        });
    }
    Ok(flags)
}

/// Changes implemented in `[from, to)` on a service: (plainly successful, all).
pub fn change_success(conn: &Connection, service_id: &str, from: i64, to: i64) -> Result<(i64, i64)> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(sum(outcome = 'successful'), 0), count(*) FROM changes \
         WHERE deleted = 0 AND service_id = ?1 AND implemented_at >= ?2 AND implemented_at < ?3",
        )?
        .query_row(rusqlite::params![service_id, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?)
}
