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

/// [`incident_summaries`] of a service's baseline span (whole UTC days: the same all day),
/// kept in the rules' cache under `summaries/{service}`: a service's detail asks for its
/// year of incidents each time it is opened (some 2,400 rows read at random at a million
/// tickets). Stamped with the span and the service's tickets' counters over the span's UTC
/// months (every update or removal of one of those tickets moves them) and the counter of
/// rows removed outright, at the tickets' watermark: it holds while no ticket of the service
/// opened in the span was inserted since.
/// What was worked out is left in `pending` to write.
pub fn incident_summaries_keeping(
    conn: &Connection,
    service_id: &str,
    (from, to): (i64, i64),
    now: i64,
    pending: &mut super::rule_cache::Pending,
) -> Result<Vec<(String, i64)>> {
    use super::rule_cache;
    let key = format!("summaries/{service_id}");
    let stamped = rule_cache::ticket_versions(conn, service_id)
        .zip(rule_cache::removed_outright(conn).ok())
        .map(|(versions, removed)| {
            format!(
                "v1/{from}-{to}/{}/r{removed}",
                rule_cache::versions_over(&versions, from, to)
            )
        })
        .zip(rule_cache::tickets_watermark(conn));
    if let Some((prefix, mark)) = &stamped
        && let Some(kept) = rule_cache::get_since(conn, pending, &key, prefix, *mark, now, service_id, |opened, _| {
            opened >= from && opened < to
        })
    {
        return Ok(kept);
    }
    let summaries = incident_summaries(conn, service_id, from, to)?;
    if let Some((prefix, mark)) = stamped {
        pending.put(key, rule_cache::stamp_at(&prefix, mark), now, None, &summaries);
    }
    Ok(summaries)
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::rule_cache::Pending;
    use crate::store::{OpenMode, Store};

    const DAY: i64 = 86_400;
    /// From 10 February to 12 March 1970: two UTC months, each partly.
    const SPAN: (i64, i64) = (40 * DAY, 70 * DAY);
    const NOW: i64 = 160 * DAY;

    fn ticket(store: &Store, id: &str, service: &str, opened_at: i64, summary: &str) {
        store
            .conn()
            .execute(
                "INSERT INTO tickets (id, created_at, updated_at, hlc, reference, service_id, kind, priority, state, \
                 opened_at, summary) VALUES (?1, 0, 0, '0', ?1, ?2, 'incident', 'p3', 'closed', ?3, ?4)",
                rusqlite::params![id, service, opened_at, summary],
            )
            .unwrap();
    }

    /// Through the cache, as a service's detail reads them; whether they were counted (and
    /// written anew) rather than read from the entry (and at most stamped again).
    fn kept(store: &Store, span: (i64, i64)) -> (Vec<(String, i64)>, bool) {
        let mut pending = Pending::default();
        let mut summaries = incident_summaries_keeping(store.conn(), "s", span, NOW, &mut pending).unwrap();
        let counted = pending.puts() > 0;
        pending.flush(store.conn());
        summaries.sort();
        (summaries, counted)
    }

    fn fresh(store: &Store, span: (i64, i64)) -> Vec<(String, i64)> {
        let mut summaries = incident_summaries(store.conn(), "s", span.0, span.1).unwrap();
        summaries.sort();
        summaries
    }

    /// A service's kept year of incident summaries reads as a fresh count after every kind of
    /// change: a summary, a kind or a removal; an opening moved into the span from a month
    /// outside it and out of it; a ticket moved to the service and away; a ticket added in the
    /// span; a row removed outright and its rowid taken again. A ticket of another service,
    /// or one outside the span, keeps the entry; another span is counted afresh.
    #[test]
    fn kept_incident_summaries_read_as_fresh_ones_after_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        for s in ["s", "other"] {
            store
                .conn()
                .execute(
                    "INSERT INTO services (id, created_at, updated_at, hlc, name) VALUES (?1, 0, 0, '0', ?1)",
                    [s],
                )
                .unwrap();
        }
        let opened = [45, 50, 65, 66].map(|d| d * DAY);
        for (i, (at, summary)) in opened
            .iter()
            .zip(["VPN down", "VPN down", "Printer jam", "Mail slow"])
            .enumerate()
        {
            ticket(&store, &format!("t{i}"), "s", *at, summary);
        }
        ticket(&store, "january", "s", 10 * DAY, "VPN down");
        ticket(&store, "theirs", "other", 46 * DAY, "VPN down");
        let (first, counted) = kept(&store, SPAN);
        assert!(counted);
        assert_eq!(first, fresh(&store, SPAN));
        assert_eq!(kept(&store, SPAN), (first.clone(), false), "read from the entry");

        let conn = store.conn();
        let changes = [
            "UPDATE tickets SET summary = 'Printer jam' WHERE id = 't0'",
            "UPDATE tickets SET kind = 'request' WHERE id = 't2'",
            "UPDATE tickets SET deleted = 1 WHERE id = 't3'",
            "UPDATE tickets SET opened_at = 67 * 86400 WHERE id = 'january'",
            "UPDATE tickets SET opened_at = 100 * 86400 WHERE id = 't1'",
            "UPDATE tickets SET service_id = 's' WHERE id = 'theirs'",
            "UPDATE tickets SET service_id = 'other' WHERE id = 'january'",
        ];
        let mut before = first;
        for change in changes {
            conn.execute(change, []).unwrap();
            let (now, _) = kept(&store, SPAN);
            assert_eq!(now, fresh(&store, SPAN), "after {change}");
            assert_ne!(now, before, "the count moved after {change}");
            before = now;
        }
        ticket(&store, "later", "s", 120 * DAY, "Disk full");
        ticket(&store, "another", "other", 50 * DAY, "Disk full");
        assert_eq!(
            kept(&store, SPAN),
            (before.clone(), false),
            "tickets outside the span or of another service keep it"
        );
        ticket(&store, "added", "s", 55 * DAY, "Disk full");
        let (now, _) = kept(&store, SPAN);
        assert_eq!(now, fresh(&store, SPAN));
        assert_ne!(now, before);
        // Rows removed outright: the last one, counted afresh; then, with the entry stamped at
        // the watermark of another service's ticket, that one, and its rowid taken by a ticket
        // of the span (at the same watermark).
        conn.execute("DELETE FROM tickets WHERE id = 'added'", []).unwrap();
        let (before, _) = kept(&store, SPAN);
        assert_eq!(before, fresh(&store, SPAN));
        conn.execute("DELETE FROM tickets WHERE id = 'another'", []).unwrap();
        ticket(&store, "taken", "s", 56 * DAY, "Fan noise");
        let (now, _) = kept(&store, SPAN);
        assert_eq!(now, fresh(&store, SPAN));
        assert_ne!(now, before);
        let later = (SPAN.0 + 10 * DAY, SPAN.1 + 10 * DAY);
        assert_ne!(fresh(&store, later), now, "another span holds other tickets");
        assert_eq!(kept(&store, later), (fresh(&store, later), true));
    }
}
