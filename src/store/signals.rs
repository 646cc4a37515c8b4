//! Signals that point at a problem nobody owns: routine emergency changes, the same target
//! breached again and again; and the change success rate.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::Result;
use crate::domain::agenda::FlagItem;
use crate::domain::problem;

/// Emergency changes on one service within this many days...
pub const EMERGENCY_WINDOW_DAYS: i64 = 30;
/// ...at least this many times, and out of the ordinary for it ([`problem::unusual`]), flag it.
pub const EMERGENCY_CHANGES: i64 = 3;
/// The same target breached this many times...
pub const REPEATED_BREACHES: i64 = 3;
/// ...within this many days, and out of the ordinary for it, flags it.
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
    let mut flags = Vec::new();
    for e in emergency_runs(conn, now, only)? {
        flags.push(FlagItem {
            service: e.service,
            name: "needs problem management".into(),
            reason: format!(
                "{} emergency changes in {EMERGENCY_WINDOW_DAYS} days{} ({})",
                e.recent,
                usually(e.usual),
                e.references.join(", ")
            ),
            overdue: true,
        });
    }
    for b in breach_runs(conn, now, only)? {
        flags.push(FlagItem {
            service: b.service,
            name: "needs problem management".into(),
            reason: format!(
                "{} target breached {} times in {BREACH_WINDOW_DAYS} days{}",
                b.target,
                b.recent,
                usually(b.usual)
            ),
            overdue: true,
        });
    }
    Ok(flags)
}

/// " (about 2 at its usual rate)" beside a count, when the service has a usual rate.
fn usually(usual: f64) -> String {
    if usual >= 1.0 {
        format!(" (about {usual:.0} at its usual rate)")
    } else if usual > 0.0 {
        format!(" (about {usual:.1} at its usual rate)")
    } else {
        String::new()
    }
}

/// A service's emergency changes of the recent window, when they are out of the ordinary.
#[derive(Debug, Clone, PartialEq)]
pub struct EmergencyRun {
    pub service_id: String,
    pub service: String,
    pub recent: i64,
    pub usual: f64,
    pub change_ids: Vec<String>,
    pub references: Vec<String>,
}

/// One target's breaches of the recent window, when they are out of the ordinary.
#[derive(Debug, Clone, PartialEq)]
pub struct BreachRun {
    pub service_id: String,
    pub service: String,
    pub target_id: String,
    /// "P2 resolution"
    pub target: String,
    pub recent: i64,
    pub usual: f64,
}

/// When a service's history starts: its first ticket or change, whichever came first.
pub fn history_start(conn: &Connection, service_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached(
            // min() of two values is NULL when either is: the aggregate over both is not.
            "SELECT min(t) FROM (SELECT min(opened_at) AS t FROM tickets WHERE service_id = ?1 AND deleted = 0 \
             UNION ALL SELECT min(implemented_at) FROM changes WHERE service_id = ?1 AND deleted = 0)",
        )?
        .query_row([service_id], |r| r.get::<_, Option<i64>>(0))?)
}

/// What a service's work is counted in for a baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volume {
    Tickets,
    Changes,
}

/// How much work a service had in `[from, to)` (by the (service, time) indexes alone).
fn volume(conn: &Connection, kind: Volume, service_id: &str, from: i64, to: i64) -> Result<i64> {
    let sql = match kind {
        Volume::Tickets => "SELECT count(*) FROM tickets WHERE service_id = ?1 AND opened_at >= ?2 AND opened_at < ?3",
        Volume::Changes => {
            "SELECT count(*) FROM changes WHERE service_id = ?1 AND implemented_at >= ?2 AND implemented_at < ?3"
        }
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row(rusqlite::params![service_id, from, to], |r| r.get(0))?)
}

/// The count to expect in the window `[from, to)` at the service's usual rate, from `before`
/// events counted in the baseline before it ([`problem::BASELINE_DAYS`]).
pub fn usual_before(conn: &Connection, kind: Volume, service_id: &str, window: (i64, i64), before: i64) -> Result<f64> {
    Baselines::default().usual(conn, kind, service_id, window, before)
}

/// A service's work before and in a window, and its days of history, read once per service
/// for all its targets.
#[derive(Default)]
struct Baselines {
    seen: std::collections::HashMap<String, (i64, i64, i64)>,
}

impl Baselines {
    fn usual(
        &mut self,
        conn: &Connection,
        kind: Volume,
        service_id: &str,
        (from, to): (i64, i64),
        before: i64,
    ) -> Result<f64> {
        let (before_volume, recent_volume, history_days) = match self.seen.get(service_id) {
            Some(v) => *v,
            None => {
                // Only a baseline long enough is worth counting the work for.
                let history_days = history_start(conn, service_id)?.map_or(0, |start| (from - start) / 86_400);
                let v = if history_days < problem::BASELINE_MIN_DAYS {
                    (0, 0, history_days)
                } else {
                    let base = from - problem::BASELINE_DAYS * 86_400;
                    (
                        volume(conn, kind, service_id, base, from)?,
                        volume(conn, kind, service_id, from, to)?,
                        history_days,
                    )
                };
                self.seen.insert(service_id.to_string(), v);
                v
            }
        };
        Ok(problem::usual(problem::Baseline {
            before,
            before_volume,
            recent_volume,
            history_days,
        }))
    }
}

/// Emergency changes in the last [`EMERGENCY_WINDOW_DAYS`] days per service, flagged by
/// [`problem::unusual`] against the service's own baseline.
pub fn emergency_runs(conn: &Connection, now: DateTime<Utc>, only: Option<&str>) -> Result<Vec<EmergencyRun>> {
    let now_s = now.timestamp();
    let from = now_s - EMERGENCY_WINDOW_DAYS * 86_400;
    let base = from - problem::BASELINE_DAYS * 86_400;
    let mut stmt = conn.prepare_cached(
        "SELECT c.service_id, s.name, sum(c.implemented_at > ?2), sum(c.implemented_at <= ?2), \
                group_concat(CASE WHEN c.implemented_at > ?2 THEN c.id END, char(31) ORDER BY c.implemented_at), \
                group_concat(CASE WHEN c.implemented_at > ?2 THEN c.reference END, char(31) ORDER BY c.implemented_at) \
         FROM (SELECT * FROM changes WHERE deleted = 0 AND kind = 'emergency' \
                 AND implemented_at > ?1 AND implemented_at <= ?3 AND (?5 IS NULL OR service_id = ?5) \
                 ORDER BY implemented_at) c \
         JOIN services s ON s.id = c.service_id WHERE s.deleted = 0 \
         GROUP BY c.service_id HAVING sum(c.implemented_at > ?2) >= ?4 ORDER BY s.name",
    )?;
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| s.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default()
    };
    // Each run with its count before the window.
    let rows: Vec<(EmergencyRun, i64)> = stmt
        .query_map(rusqlite::params![base, from, now_s, EMERGENCY_CHANGES, only], |r| {
            Ok((
                EmergencyRun {
                    service_id: r.get(0)?,
                    service: r.get(1)?,
                    recent: r.get(2)?,
                    usual: 0.0,
                    change_ids: split(r.get(4)?),
                    references: split(r.get(5)?),
                },
                r.get(3)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    let mut baselines = Baselines::default();
    for (mut run, before) in rows {
        run.usual = baselines.usual(conn, Volume::Changes, &run.service_id, (from, now_s + 1), before)?;
        if problem::unusual(run.recent, run.usual) {
            out.push(run);
        }
    }
    Ok(out)
}

/// Breaches per target in the last [`BREACH_WINDOW_DAYS`] days (void ones do not count),
/// flagged by [`problem::unusual`] against the target's own baseline.
pub fn breach_runs(conn: &Connection, now: DateTime<Utc>, only: Option<&str>) -> Result<Vec<BreachRun>> {
    let now_s = now.timestamp();
    let from = now_s - BREACH_WINDOW_DAYS * 86_400;
    let base = from - problem::BASELINE_DAYS * 86_400;
    // Counted per target first (one service by the (service, time) index), then named: a
    // name is looked up per run, not per breach.
    let mut stmt = conn.prepare_cached(if only.is_some() {
        "SELECT g.service_id, s.name, g.target_id, g.kind, g.priority, g.recent, g.before FROM \
           (SELECT b.service_id, t.kind, t.priority, max(b.target_id) AS target_id, \
                   sum(b.breached_at > ?2) AS recent, count(*) - sum(b.breached_at > ?2) AS before \
              FROM breaches b JOIN sla_targets t ON t.id = b.target_id WHERE b.service_id = ?5 \
              AND b.breached_at > ?1 AND b.breached_at <= ?3 AND b.deleted = 0 AND b.status <> 'void' \
              GROUP BY b.service_id, t.kind, t.priority HAVING sum(b.breached_at > ?2) >= ?4) g \
         JOIN services s ON s.id = g.service_id \
         ORDER BY s.name, g.kind, g.priority"
    } else {
        // Counted per target and breach's service on the covering (target, service, time)
        // index alone, in its order, then summed per service, kind and priority (a target's
        // versions together). One count and one sum per entry: a second sum costs SQLite as
        // much again as the scan.
        "SELECT g.service_id, s.name, g.target_id, g.kind, g.priority, g.recent, g.before FROM \
           (SELECT x.service_id, t.kind, t.priority, max(x.target_id) AS target_id, \
                   sum(x.recent) AS recent, sum(x.total) - sum(x.recent) AS before \
              FROM (SELECT service_id, target_id, sum(breached_at > ?2) AS recent, count(*) AS total \
                      FROM breaches WHERE deleted = 0 AND status <> 'void' \
                      AND breached_at > ?1 AND breached_at <= ?3 AND ?5 IS NULL GROUP BY target_id, service_id) x \
              JOIN sla_targets t ON t.id = x.target_id \
              GROUP BY x.service_id, t.kind, t.priority HAVING sum(x.recent) >= ?4) g \
         JOIN services s ON s.id = g.service_id \
         ORDER BY s.name, g.kind, g.priority"
    })?;
    // Each run with its count before the window.
    let rows: Vec<(BreachRun, i64)> = stmt
        .query_map(rusqlite::params![base, from, now_s, REPEATED_BREACHES, only], |r| {
            let kind: String = r.get(3)?;
            let target = match r.get::<_, Option<String>>(4)? {
                Some(p) => format!("{} {kind}", p.to_uppercase()),
                None => kind,
            };
            Ok((
                BreachRun {
                    service_id: r.get(0)?,
                    service: r.get(1)?,
                    target_id: r.get(2)?,
                    target,
                    recent: r.get(5)?,
                    usual: 0.0,
                },
                r.get(6)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    let mut baselines = Baselines::default();
    for (mut run, before) in rows {
        run.usual = baselines.usual(conn, Volume::Tickets, &run.service_id, (from, now_s + 1), before)?;
        if problem::unusual(run.recent, run.usual) {
            out.push(run);
        }
    }
    Ok(out)
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

/// Every version of the target `target_id` is one of (the same service, kind and priority):
/// breaches count together whichever version's terms judged them.
pub fn target_versions(conn: &Connection, target_id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.id FROM sla_targets t JOIN sla_targets v ON v.service_id = t.service_id \
         AND v.kind = t.kind AND v.priority IS t.priority WHERE t.id = ?1 ORDER BY v.id",
    )?;
    let ids = stmt
        .query_map([target_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(if ids.is_empty() {
        vec![target_id.to_string()]
    } else {
        ids
    })
}
