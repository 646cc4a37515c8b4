//! The `rule_cache` table: what the rules and the signals worked out, kept in the database
//! file with the stamps it holds under, and the counters and watermarks those stamps name.
//! What an entry means and when it holds is its writer's (`engine::cache` for the clocks and
//! health, `engine::agenda` for the breaches recorded, `store::signals` for the problem
//! signals' baselines, `store::problems` for a service's year of incident summaries,
//! `store::review_subjects` for the tickets the reviews due review); this keeps and finds them.
//!
//! The cache is an optimisation only: reading or writing it never fails a command (a
//! read-only file, a busy lock), and an empty one gives the same answers.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Entries worked out during one pass, written together (one transaction, not one per entry),
/// and what the pass read once for all of them.
#[derive(Default)]
pub struct Pending {
    rows: Vec<(String, String, i64, Option<i64>, String)>,
    /// Entries found to hold under a new stamp: (key, the stamp found, the new stamp).
    restamped: Vec<(String, String, String)>,
    inserted: Inserted,
}

impl Pending {
    pub fn put<T: Serialize>(&mut self, key: String, stamp: String, computed_at: i64, valid_until: Option<i64>, v: &T) {
        if let Ok(json) = serde_json::to_string(v) {
            self.rows.push((key, stamp, computed_at, valid_until, json));
        }
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.restamped.is_empty()
    }

    /// How many entries are to be written anew (not counting those only stamped again).
    pub fn puts(&self) -> usize {
        self.rows.len()
    }

    /// Stamps the entry under `key` again, from `found` to `stamp`, when it is written: found
    /// still to hold under the new stamp.
    pub fn restamp(&mut self, key: String, found: String, stamp: String) {
        self.restamped.push((key, found, stamp));
    }

    /// Takes on the entries another pass worked out (on another connection), to be written
    /// with these.
    pub fn append(&mut self, other: Pending) {
        self.rows.extend(other.rows);
        self.restamped.extend(other.restamped);
    }

    /// Writes the entries; gives up quietly when the file cannot be written just now.
    pub fn flush(self, conn: &Connection) {
        if self.rows.is_empty() && self.restamped.is_empty() {
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
            // Only the entry that was found to hold: not one another process wrote since.
            let mut stmt = conn.prepare_cached("UPDATE rule_cache SET stamp = ?3 WHERE key = ?1 AND stamp = ?2")?;
            for (key, found, stamp) in &self.restamped {
                stmt.execute(rusqlite::params![key, found, stamp])?;
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
    let (found, value) = holding(conn, key, now)?;
    if found != stamp {
        return None;
    }
    serde_json::from_str(&value).ok()
}

/// The tickets' insert watermark: the table's largest rowid (one index step). A ticket is never
/// removed (a delete leaves a tombstone, and the counters see it), so every insert raises it.
pub fn tickets_watermark(conn: &Connection) -> Option<i64> {
    conn.prepare_cached("SELECT coalesce(max(rowid), 0) FROM tickets")
        .ok()?
        .query_row([], |r| r.get(0))
        .ok()
}

/// The stamp of an entry that holds for as long as `prefix` (the rules, the counters) and the
/// tickets it counts stay the same: `prefix` and the watermark it was computed at.
pub fn stamp_at(prefix: &str, watermark: i64) -> String {
    format!("{prefix}/w{watermark}")
}

/// Fewer rows inserted since an entry than this are looked through to see whether the entry
/// still holds; after more, it is worked out again (every kind of entry).
pub const INSERTED_LOOKED_THROUGH: i64 = 20_000;

/// The tickets inserted above a watermark, read once in a pass for every entry that asks:
/// (rowid, service, opened at, open and not deleted), by rowid.
#[derive(Default)]
struct Inserted {
    /// The rows above this watermark were read...
    above: Option<i64>,
    /// ...up to this one (outside a transaction, another connection may insert meanwhile).
    upto: i64,
    rows: Vec<(i64, String, i64, bool)>,
}

impl Inserted {
    /// Whether a ticket of `service_id` inserted above `watermark` (and at most at `now_mark`)
    /// is one `counts(opened_at, open)` counts; `None` when too many were inserted to tell.
    fn touch(
        &mut self,
        conn: &Connection,
        watermark: i64,
        now_mark: i64,
        service_id: &str,
        counts: impl Fn(i64, bool) -> bool,
    ) -> Option<bool> {
        if now_mark - watermark > INSERTED_LOOKED_THROUGH {
            return None;
        }
        if self.above.is_none_or(|a| a > watermark) || self.upto < now_mark {
            let rows = conn
                .prepare_cached(
                    "SELECT rowid, service_id, opened_at, state = 'open' AND deleted = 0 FROM tickets \
                     WHERE rowid > ?1 ORDER BY rowid",
                )
                .ok()?
                .query_map([watermark], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .ok()?
                .collect::<rusqlite::Result<Vec<(i64, String, i64, bool)>>>()
                .ok()?;
            self.above = Some(watermark);
            self.upto = rows.last().map_or(now_mark, |r| r.0).max(now_mark);
            self.rows = rows;
        }
        Some(
            self.rows
                .iter()
                .filter(|(rowid, ..)| *rowid > watermark && *rowid <= now_mark)
                .any(|(_, s, opened, open)| s == service_id && counts(*opened, *open)),
        )
    }
}

/// [`get`] for an entry stamped by [`stamp_at`]: one stamped at an earlier watermark under the
/// same `prefix` still holds when no ticket inserted since is one it counts
/// (`counts(opened_at, open)` for a ticket of `service_id`), and is stamped again at
/// `watermark` (so the next pass need not look).
#[allow(clippy::too_many_arguments)]
pub fn get_since<T: DeserializeOwned>(
    conn: &Connection,
    pending: &mut Pending,
    key: &str,
    prefix: &str,
    watermark: i64,
    now: i64,
    service_id: &str,
    counts: impl Fn(i64, bool) -> bool,
) -> Option<T> {
    let stamp = stamp_at(prefix, watermark);
    let (found, value) = holding(conn, key, now)?;
    if found != stamp {
        let (found_prefix, mark) = found.rsplit_once("/w")?;
        let mark: i64 = mark.parse().ok()?;
        if found_prefix != prefix
            || mark > watermark
            || pending.inserted.touch(conn, mark, watermark, service_id, counts)?
        {
            return None;
        }
        pending.restamped.push((key.to_string(), found.clone(), stamp));
    }
    serde_json::from_str(&value).ok()
}

/// The stamp and value of the entry under `key`, whenever it was computed: for an entry whose
/// stamp alone says whether it holds.
pub fn entry(conn: &Connection, key: &str) -> Option<(String, String)> {
    conn.prepare_cached("SELECT stamp, value FROM rule_cache WHERE key = ?1")
        .ok()?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .ok()?
}

/// The stamp and value of the entry under `key` when it was computed at or before `now` and
/// holds then.
fn holding(conn: &Connection, key: &str, now: i64) -> Option<(String, String)> {
    let row: Option<(String, i64, Option<i64>, String)> = conn
        .prepare_cached("SELECT stamp, computed_at, valid_until, value FROM rule_cache WHERE key = ?1")
        .ok()?
        .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()
        .ok()?;
    let (found, at, until, value) = row?;
    (at <= now && until.is_none_or(|u| now < u)).then_some((found, value))
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

/// The counter a row removed outright (not tombstoned) from the tickets or the breaches
/// moves: the row `''` of `baseline_versions`. A rowid freed so can be taken again by an
/// insert at or below a kept watermark, which the inserted-rows check would then not see.
pub fn removed_outright(conn: &Connection) -> super::Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(version), 0) FROM baseline_versions WHERE service_id = ''")?
        .query_row([], |r| r.get(0))?)
}

/// The tickets' counter of the whole file: it moves whenever any ticket is updated or
/// removed (the sum of every service's counters, each only ever counted up).
pub fn tickets_version(conn: &Connection) -> Option<i64> {
    conn.prepare_cached("SELECT coalesce(sum(version), 0) FROM ticket_versions")
        .ok()?
        .query_row([], |r| r.get(0))
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

/// The earliest of some instants after `now`: when a cached figure stops holding.
pub fn earliest_after(now: i64, candidates: impl IntoIterator<Item = Option<i64>>, until: &mut Option<i64>) {
    for t in candidates.into_iter().flatten() {
        if t > now {
            *until = Some(until.map_or(t, |u| u.min(t)));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_tickets_inserted_since_are_read_again_when_a_later_watermark_asks() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE tickets (service_id TEXT, opened_at INTEGER, state TEXT, deleted INTEGER);")
            .unwrap();
        let add = |service: &str, state: &str| {
            conn.execute("INSERT INTO tickets VALUES (?1, 5, ?2, 0)", [service, state])
                .unwrap();
        };
        for _ in 0..3 {
            add("a", "open");
        }
        let mut inserted = Inserted::default();
        let any = |_: i64, _: bool| true;
        assert_eq!(inserted.touch(&conn, 1, 3, "b", any), Some(false));
        // Inserted after the first look (another connection, outside a transaction): a later
        // watermark reads again, an earlier one does not see it.
        add("b", "resolved");
        assert_eq!(inserted.touch(&conn, 2, 3, "b", any), Some(false));
        assert_eq!(inserted.touch(&conn, 2, 4, "b", any), Some(true));
        assert_eq!(inserted.touch(&conn, 2, 4, "b", |_, open| open), Some(false));
        assert_eq!(inserted.touch(&conn, 2, 4, "a", any), Some(true));
        assert_eq!(inserted.touch(&conn, 3, 4, "a", any), Some(false));
        // Too many inserted since to look through: not known.
        assert_eq!(inserted.touch(&conn, 0, INSERTED_LOOKED_THROUGH + 1, "b", any), None);
    }
}
