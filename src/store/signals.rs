//! Signals that point at a problem nobody owns: routine emergency changes, the same target
//! breached again and again; and the change success rate.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::Result;
use super::rule_cache::{self, Pending};
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
    let mut pending = Pending::default();
    let flags = flags_of(conn, now, None, &mut pending)?;
    pending.flush(conn);
    Ok(flags)
}

/// [`problem_flags`], the baselines it counted left in `pending` for the caller to keep.
pub fn problem_flags_keeping(conn: &Connection, now: DateTime<Utc>, pending: &mut Pending) -> Result<Vec<FlagItem>> {
    flags_of(conn, now, None, pending)
}

/// Whether one service needs problem management (reads only that service's history).
pub fn problem_flags_of(conn: &Connection, now: DateTime<Utc>, service_id: &str) -> Result<Vec<FlagItem>> {
    let mut pending = Pending::default();
    let flags = flags_of(conn, now, Some(service_id), &mut pending)?;
    pending.flush(conn);
    Ok(flags)
}

fn flags_of(conn: &Connection, now: DateTime<Utc>, only: Option<&str>, pending: &mut Pending) -> Result<Vec<FlagItem>> {
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
    for b in breach_runs_keeping(conn, now, only, pending)? {
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
/// events counted in the baseline's span before it ([`problem::baseline_span`]).
pub fn usual_before(conn: &Connection, kind: Volume, service_id: &str, window: (i64, i64), before: i64) -> Result<f64> {
    Ok(UsualRate::of(conn, kind, service_id, window)?.usual(before))
}

/// A service's work in the baseline's span and in a window, and its days of history: what
/// [`usual_before`] weighs any count of events by (read once for all of a service's
/// possible problems).
pub struct UsualRate(problem::Baseline);

impl UsualRate {
    pub fn of(conn: &Connection, kind: Volume, service_id: &str, window: (i64, i64)) -> Result<UsualRate> {
        let (from, to) = problem::baseline_span(window.0);
        let days = history_days(conn, service_id, window.0)?;
        Ok(UsualRate(baseline_with(days, 0, || {
            Ok((
                volume(conn, kind, service_id, from, to)?,
                volume(conn, kind, service_id, window.0, window.1)?,
            ))
        })?))
    }

    /// The count to expect in the window from `before` events in the baseline's span.
    pub fn usual(&self, before: i64) -> f64 {
        problem::usual(problem::Baseline { before, ..self.0 })
    }
}

/// A service's days of history before `window_start` (from its first ticket or change).
fn history_days(conn: &Connection, service_id: &str, window_start: i64) -> Result<i64> {
    Ok(history_start(conn, service_id)?.map_or(0, |start| (window_start - start) / 86_400))
}

/// A baseline of `before` events over `history_days`, with `work` giving the work of the
/// baseline's span and of the window, counted only when the history is long enough to be
/// worth it.
fn baseline_with(
    history_days: i64,
    before: i64,
    work: impl FnOnce() -> Result<(i64, i64)>,
) -> Result<problem::Baseline> {
    let (before_volume, recent_volume) = if history_days < problem::BASELINE_MIN_DAYS {
        (0, 0)
    } else {
        work()?
    };
    Ok(problem::Baseline {
        before,
        before_volume,
        recent_volume,
        history_days,
    })
}

/// Emergency changes in the last [`EMERGENCY_WINDOW_DAYS`] days per service, flagged by
/// [`problem::unusual`] against the service's own baseline.
pub fn emergency_runs(conn: &Connection, now: DateTime<Utc>, only: Option<&str>) -> Result<Vec<EmergencyRun>> {
    let now_s = now.timestamp();
    let from = now_s - EMERGENCY_WINDOW_DAYS * 86_400;
    let (base, base_end) = problem::baseline_span(from);
    // The window's emergency changes per service first; the baseline's only where enough came.
    let mut stmt = conn.prepare_cached(
        "SELECT c.service_id, s.name, count(*), \
                group_concat(c.id, char(31) ORDER BY c.implemented_at), \
                group_concat(c.reference, char(31) ORDER BY c.implemented_at) \
         FROM (SELECT service_id, id, reference, implemented_at FROM changes WHERE deleted = 0 AND kind = 'emergency' \
                 AND implemented_at > ?1 AND implemented_at <= ?2 AND (?4 IS NULL OR service_id = ?4)) c \
         JOIN services s ON s.id = c.service_id WHERE s.deleted = 0 \
         GROUP BY c.service_id HAVING count(*) >= ?3 ORDER BY s.name",
    )?;
    let split = |s: Option<String>| -> Vec<String> {
        s.map(|s| s.split('\u{1f}').map(str::to_string).collect())
            .unwrap_or_default()
    };
    let runs: Vec<EmergencyRun> = stmt
        .query_map(rusqlite::params![from, now_s, EMERGENCY_CHANGES, only], |r| {
            Ok(EmergencyRun {
                service_id: r.get(0)?,
                service: r.get(1)?,
                recent: r.get(2)?,
                usual: 0.0,
                change_ids: split(r.get(3)?),
                references: split(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    // Each run with its count in the baseline's span.
    let mut rows = Vec::new();
    for run in runs {
        let before: i64 = conn
            .prepare_cached(
                "SELECT count(*) FROM changes WHERE service_id = ?1 AND implemented_at >= ?2 \
                 AND implemented_at < ?3 AND deleted = 0 AND kind = 'emergency'",
            )?
            .query_row(rusqlite::params![run.service_id, base, base_end], |r| r.get(0))?;
        rows.push((run, before));
    }
    let mut out = Vec::new();
    for (mut run, before) in rows {
        run.usual = usual_before(conn, Volume::Changes, &run.service_id, (from, now_s + 1), before)?;
        if problem::unusual(run.recent, run.usual) {
            out.push(run);
        }
    }
    Ok(out)
}

/// Breaches per target in the last [`BREACH_WINDOW_DAYS`] days (void ones do not count),
/// flagged by [`problem::unusual`] against the target's own baseline.
pub fn breach_runs(conn: &Connection, now: DateTime<Utc>, only: Option<&str>) -> Result<Vec<BreachRun>> {
    let mut pending = Pending::default();
    let runs = breach_runs_keeping(conn, now, only, &mut pending)?;
    pending.flush(conn);
    Ok(runs)
}

/// [`breach_runs`], the baselines it worked out left in `pending` for the caller to keep.
pub fn breach_runs_keeping(
    conn: &Connection,
    now: DateTime<Utc>,
    only: Option<&str>,
    pending: &mut Pending,
) -> Result<Vec<BreachRun>> {
    let now_s = now.timestamp();
    let from = now_s - BREACH_WINDOW_DAYS * 86_400;
    // Each target's kind and priority: a target's versions count together.
    let mut targets: HashMap<String, (String, Option<String>)> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT id, kind, priority FROM sla_targets")?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?))))? {
        let (id, kind) = row?;
        targets.insert(id, kind);
    }
    let services: Vec<(String, String)> = conn
        .prepare_cached("SELECT id, name FROM services WHERE ?1 IS NULL OR id = ?1 ORDER BY name, id")?
        .query_map([only], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut kept = KeptBaselines::new(conn, from, now_s)?;
    let mut out = Vec::new();
    for (service_id, service) in services {
        let base = kept.of(conn, pending, &service_id)?;
        // The recent window's breaches per target: its whole days kept, the hours of its first
        // and of this day counted (ranges of the (service, time) index).
        let (mid_from, mid_to) = base.mid;
        let mut recent = base.mid_breaches.clone();
        recent.extend(breaches_per_target(conn, &service_id, (from + 1, mid_from))?);
        recent.extend(breaches_per_target(conn, &service_id, (mid_to, now_s + 1))?);
        // Per kind and priority, with the largest target id of the versions seen.
        let mut groups: std::collections::BTreeMap<(String, Option<String>), (String, i64, i64)> = Default::default();
        for (target_id, n) in &recent {
            if let Some(key) = targets.get(target_id) {
                let g = groups.entry(key.clone()).or_insert((target_id.clone(), 0, 0));
                g.0 = g.0.clone().max(target_id.clone());
                g.1 += n;
            }
        }
        if !groups.values().any(|g| g.1 >= REPEATED_BREACHES) {
            continue;
        }
        for (target_id, n) in &base.breaches {
            if let Some(g) = targets.get(target_id).and_then(|key| groups.get_mut(key)) {
                g.0 = g.0.clone().max(target_id.clone());
                g.2 += n;
            }
        }
        let days = history_days(conn, &service_id, from)?;
        // The work of the span and of the window, counted once for all the service's targets.
        let mut work = None;
        for ((kind, priority), (target_id, recent, before)) in groups {
            if recent < REPEATED_BREACHES {
                continue;
            }
            let baseline = baseline_with(days, before, || {
                if work.is_none() {
                    let recent = volume(conn, Volume::Tickets, &service_id, from, mid_from)?
                        + base.mid_tickets
                        + volume(conn, Volume::Tickets, &service_id, mid_to, now_s + 1)?;
                    work = Some((base.tickets, recent));
                }
                Ok(work.unwrap_or_default())
            })?;
            let usual = problem::usual(baseline);
            if problem::unusual(recent, usual) {
                out.push(BreachRun {
                    service_id: service_id.clone(),
                    service: service.clone(),
                    target_id,
                    target: match priority {
                        Some(p) => format!("{} {kind}", p.to_uppercase()),
                        None => kind,
                    },
                    recent,
                    usual,
                });
            }
        }
    }
    Ok(out)
}

/// A service's breaches per target with `breached_at` in `[from, to)`, void ones not
/// counted: a range of the (service, time) index, read alone.
fn breaches_per_target(conn: &Connection, service_id: &str, (from, to): (i64, i64)) -> Result<Vec<(String, i64)>> {
    if to <= from {
        return Ok(Vec::new());
    }
    Ok(conn
        .prepare_cached(
            "SELECT target_id, count(*) FROM breaches INDEXED BY breaches_recent_service \
             WHERE service_id = ?1 AND breached_at >= ?2 AND breached_at < ?3 AND deleted = 0 \
             AND status <> 'void' AND target_id IS NOT NULL GROUP BY target_id",
        )?
        .query_map(rusqlite::params![service_id, from, to], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// What a service's breach signal counts that stays the same all day, kept: per target, the
/// breaches of the baseline's span ([`problem::baseline_span`]) and its tickets then; and the
/// same of the recent window's whole days (`mid`: from the day after the one it starts in to
/// today's midnight, UTC). Only the hours of the window's first day and of today are left to
/// count.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BreachBaseline {
    pub breaches: Vec<(String, i64)>,
    pub tickets: i64,
    pub mid: (i64, i64),
    pub mid_breaches: Vec<(String, i64)>,
    pub mid_tickets: i64,
}

/// The services' breach baselines for one span, kept in the rules' cache under
/// `baseline/{service}`. An entry holds while its span, the service's `baseline_versions`
/// counter (moved by triggers whenever a counted fact changes in place) and the tickets and
/// breaches inserted since its watermarks (none of the service's in the span) say nothing
/// moved; it is then stamped again at the new watermarks.
struct KeptBaselines {
    span: (i64, i64),
    now: i64,
    tickets_mark: i64,
    breaches_mark: i64,
    tickets_above: Option<InsertedAbove>,
    breaches_above: Option<InsertedAbove>,
}

/// Rows inserted above a watermark, read once for every entry that asks: the watermark read
/// above, and (rowid, service, time) of each row.
type InsertedAbove = (i64, Vec<(i64, String, i64)>);

impl KeptBaselines {
    fn new(conn: &Connection, window_start: i64, now: i64) -> Result<Self> {
        Ok(KeptBaselines {
            span: problem::baseline_span(window_start),
            now,
            tickets_mark: super::bulk::last_rowid(conn, "tickets")?,
            breaches_mark: super::bulk::last_rowid(conn, "breaches")?,
            tickets_above: None,
            breaches_above: None,
        })
    }

    /// The recent window's whole days: from the day after the span ends (the day the window
    /// starts in) to today's midnight, both fixed by the span.
    fn mid(&self) -> (i64, i64) {
        (self.span.1 + 86_400, self.span.1 + BREACH_WINDOW_DAYS * 86_400)
    }

    /// Service `service_id`'s baseline: kept, or counted (and left in `pending` to keep).
    fn of(&mut self, conn: &Connection, pending: &mut Pending, service_id: &str) -> Result<BreachBaseline> {
        let key = format!("baseline/{service_id}");
        let version: i64 = conn
            .prepare_cached("SELECT coalesce(sum(version), 0) FROM baseline_versions WHERE service_id IN (?1, '')")?
            .query_row([service_id], |r| r.get(0))?;
        let prefix = format!("v3/{}/{version}", self.span.0);
        let stamp = format!("{prefix}/t{}/b{}", self.tickets_mark, self.breaches_mark);
        if let Some((found, value)) = rule_cache::entry(conn, &key)
            && let Ok(kept) = serde_json::from_str::<BreachBaseline>(&value)
        {
            if found == stamp {
                return Ok(kept);
            }
            if let Some((t, b)) = marks_of(&found, &prefix)
                && self.nothing_inserted(conn, service_id, t, b)?
            {
                pending.restamp(key, found, stamp);
                return Ok(kept);
            }
        }
        let (from, to) = self.span;
        let mid = self.mid();
        let base = BreachBaseline {
            breaches: breaches_per_target(conn, service_id, (from, to))?,
            tickets: volume(conn, Volume::Tickets, service_id, from, to)?,
            mid,
            mid_breaches: breaches_per_target(conn, service_id, mid)?,
            mid_tickets: volume(conn, Volume::Tickets, service_id, mid.0, mid.1)?,
        };
        pending.put(key, stamp, self.now, None, &base);
        Ok(base)
    }

    /// Whether no ticket of the service opened in the span or on a whole day of the window was
    /// inserted above `tickets`, and no breach of it then above `breaches` (void or not);
    /// `false` when too many rows were inserted since to look through.
    fn nothing_inserted(&mut self, conn: &Connection, service_id: &str, tickets: i64, breaches: i64) -> Result<bool> {
        let (from, to) = (self.span.0, self.mid().1);
        for (table, mark, now_mark, above) in [
            ("tickets", tickets, self.tickets_mark, &mut self.tickets_above),
            ("breaches", breaches, self.breaches_mark, &mut self.breaches_above),
        ] {
            if mark > now_mark || now_mark - mark > rule_cache::INSERTED_LOOKED_THROUGH {
                return Ok(false);
            }
            if above.as_ref().is_none_or(|(read_above, _)| *read_above > mark) {
                let time = if table == "tickets" { "opened_at" } else { "breached_at" };
                let rows = conn
                    .prepare_cached(&format!(
                        "SELECT rowid, service_id, {time} FROM {table} WHERE rowid > ?1 AND rowid <= ?2 ORDER BY rowid"
                    ))?
                    .query_map([mark, now_mark], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<rusqlite::Result<Vec<(i64, String, i64)>>>()?;
                *above = Some((mark, rows));
            }
            let rows = above.as_ref().map(|(_, rows)| rows.as_slice()).unwrap_or(&[]);
            if rows
                .iter()
                .any(|(rowid, s, at)| *rowid > mark && s == service_id && *at >= from && *at < to)
            {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// The tickets' and breaches' watermarks of a kept baseline's stamp, when it was stamped under
/// `prefix`.
fn marks_of(stamp: &str, prefix: &str) -> Option<(i64, i64)> {
    let rest = stamp.strip_prefix(prefix)?.strip_prefix("/t")?;
    let (t, b) = rest.split_once("/b")?;
    Some((t.parse().ok()?, b.parse().ok()?))
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
