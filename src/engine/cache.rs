//! What the rules worked out, kept in the database file (`rule_cache`) so that a large history
//! is read once, not on every start or key press.
//!
//! An entry holds for as long as three things stay the same: the rules it was computed under
//! (the service's targets and calendars, a [`RULES_VERSION`] of this code), the tickets it was
//! computed from (the `ticket_versions` counters, which triggers move on every update or
//! delete of a ticket, and an index count of the tickets, which every insert moves), and the
//! moment: it was computed at `computed_at` and holds until `valid_until`, the first
//! instant at which one of its clocks could change its standing (a deadline passing, a stop
//! recorded ahead of the clock). Outside that, it is worked out again and replaced.
//!
//! The cache is an optimisation only: reading or writing it never fails a command (a
//! read-only file, a busy lock), and an empty one gives the same answers.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Engine;
use crate::domain::model::CalendarRecord;

/// Bumped whenever the clock or health rules change what they compute.
pub const RULES_VERSION: u32 = 4;

/// A stable 64-bit hash (FNV-1a) of some text: the same in every build and run.
pub fn fnv(text: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The stamp of a calendar record: its whole stored form.
pub fn calendar_stamp(rec: &CalendarRecord) -> u64 {
    fnv(&format!("{rec:?}"))
}

/// Entries worked out during one pass, written together (one transaction, not one per entry).
#[derive(Default)]
pub struct Pending {
    rows: Vec<(String, String, i64, Option<i64>, String)>,
}

impl Pending {
    pub fn put<T: Serialize>(&mut self, key: String, stamp: String, computed_at: i64, valid_until: Option<i64>, v: &T) {
        if let Ok(json) = serde_json::to_string(v) {
            self.rows.push((key, stamp, computed_at, valid_until, json));
        }
    }

    /// Writes the entries; gives up quietly when the file cannot be written just now.
    pub fn flush(self, conn: &Connection) {
        if self.rows.is_empty() {
            return;
        }
        let write = |conn: &Connection| -> rusqlite::Result<()> {
            let mut stmt = conn.prepare_cached(
                "INSERT OR REPLACE INTO rule_cache (key, stamp, computed_at, valid_until, value) \
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (key, stamp, at, until, value) in &self.rows {
                stmt.execute(rusqlite::params![key, stamp, at, until, value])?;
            }
            Ok(())
        };
        if conn.is_autocommit() {
            // Not waiting for another writer (an import may hold the lock for a while, and the
            // interface must not freeze behind it): the figures are worked out again next time.
            let _ = conn.busy_timeout(std::time::Duration::ZERO);
            if let Ok(tx) = conn.unchecked_transaction()
                && write(&tx).is_ok()
            {
                let _ = tx.commit();
            }
            let _ = conn.busy_timeout(crate::store::busy_timeout());
        } else {
            // Inside the caller's transaction: kept or rolled back with its writes.
            let _ = write(conn);
        }
    }
}

/// The entry under `key` if it was computed under `stamp` and still holds at `now`.
pub fn get<T: DeserializeOwned>(conn: &Connection, key: &str, stamp: &str, now: i64) -> Option<T> {
    let row: Option<(String, i64, Option<i64>, String)> = conn
        .prepare_cached("SELECT stamp, computed_at, valid_until, value FROM rule_cache WHERE key = ?1")
        .ok()?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()
        .ok()?;
    let (found, at, until, value) = row?;
    let holds = found == stamp && at <= now && until.is_none_or(|u| now < u);
    if !holds {
        return None;
    }
    serde_json::from_str(&value).ok()
}

/// The UTC month (`YYYY-MM`) of an instant, as the `ticket_versions` triggers write it.
fn utc_month(t: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_default()
}

/// The tickets' counter of a whole service: it moves whenever one of its tickets is updated or
/// deleted.
pub fn service_tickets_version(conn: &Connection, service_id: &str) -> Option<i64> {
    conn.prepare_cached("SELECT coalesce(sum(version), 0) FROM ticket_versions WHERE service_id = ?1")
        .ok()?
        .query_row([service_id], |r| r.get(0))
        .ok()
}

/// A service's tickets' counters, per UTC month.
pub fn ticket_versions(conn: &Connection, service_id: &str) -> Option<Vec<(String, i64)>> {
    let mut stmt = conn
        .prepare_cached("SELECT month, version FROM ticket_versions WHERE service_id = ?1")
        .ok()?;
    let rows = stmt.query_map([service_id], |r| Ok((r.get(0)?, r.get(1)?))).ok()?;
    rows.collect::<rusqlite::Result<_>>().ok()
}

/// The counter over `[from, to)` (opened_at) from a service's counters per UTC month: it moves
/// whenever a ticket opened in that span (give or take the UTC months around it) is written.
pub fn versions_over(versions: &[(String, i64)], from: i64, to: i64) -> i64 {
    let (low, high) = (utc_month(from), utc_month(to - 1));
    versions
        .iter()
        .filter(|(m, _)| *m >= low && *m <= high)
        .map(|(_, v)| v)
        .sum()
}

/// How many tickets of a service were opened in `[from, to)` (an index count): with the
/// counters, which updates and deletes move, it tells whether the tickets changed.
pub fn tickets_opened(conn: &Connection, service_id: &str, from: i64, to: i64) -> Option<i64> {
    conn.prepare_cached("SELECT count(*) FROM tickets WHERE service_id = ?1 AND opened_at >= ?2 AND opened_at < ?3")
        .ok()?
        .query_row(rusqlite::params![service_id, from, to], |r| r.get(0))
        .ok()
}

/// How many open tickets a service has (an index count).
pub fn tickets_open(conn: &Connection, service_id: &str) -> Option<i64> {
    // Through the partial index of open tickets (an index count): left to itself SQLite reads
    // every ticket the service ever had.
    conn.prepare_cached(
        "SELECT count(*) FROM tickets INDEXED BY tickets_open_service \
         WHERE service_id = ?1 AND state = 'open' AND deleted = 0",
    )
    .ok()?
    .query_row([service_id], |r| r.get(0))
    .ok()
}

/// The earliest of some instants after `now`: when a cached figure stops holding.
pub fn earliest_after(now: i64, candidates: impl IntoIterator<Item = Option<i64>>, until: &mut Option<i64>) {
    for t in candidates.into_iter().flatten() {
        if t > now {
            *until = Some(until.map_or(t, |u| u.min(t)));
        }
    }
}

impl Engine {
    /// The stamp of the rules a service's ticket clocks are computed under: its targets, the
    /// calendars they count in, and this code's rules version.
    pub fn rules_stamp(&self, service_id: &str) -> String {
        let mut text = format!("v{RULES_VERSION}");
        let mut calendars: Vec<String> = Vec::new();
        if let Some(s) = self.services.get(service_id) {
            text.push_str(&format!("|window {:?}", s.window_calendar_id));
        }
        calendars.push(self.calendar_for(service_id, None).1);
        if let Some(targets) = self.targets.get(service_id) {
            let mut sorted: Vec<_> = targets.iter().collect();
            sorted.sort_by(|a, b| a.id.cmp(&b.id));
            for t in sorted {
                text.push_str(&format!("|{t:?}"));
                calendars.push(self.calendar_for(service_id, Some(t)).1);
            }
        }
        calendars.sort();
        calendars.dedup();
        for c in calendars {
            let stamp = self.calendar_stamps.get(&c).copied().unwrap_or(0);
            text.push_str(&format!("|{c}={stamp:x}"));
        }
        format!("{:016x}", fnv(&text))
    }
}

/// Stamps of calendar records by id.
pub fn calendar_stamps(records: &[CalendarRecord]) -> HashMap<String, u64> {
    records.iter().map(|r| (r.id.clone(), calendar_stamp(r))).collect()
}
