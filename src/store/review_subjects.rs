//! What the reviews not yet held review, when it is a ticket: its reference and when it was
//! resolved (else opened). The agenda lists every review due with these, and at a million
//! tickets looking each ticket up again is a random read of its row (some 3,500 reviews due:
//! 20 ms). So the agenda read in full keeps them in the rules' cache, under
//! [`KEY`], stamped with the counter every update or removal of any ticket moves
//! ([`rule_cache::tickets_version`]): a ticket added since changes no ticket kept, and one the
//! entry does not hold is looked up.

use rusqlite::Connection;

use super::Result;
use super::rule_cache::{self, Pending};
use crate::engine::FastMap;

/// The rules' cache key of the kept subjects.
pub const KEY: &str = "review-subjects";

/// How many tickets a listing must name before their subjects are kept (a listing cut to a
/// few looks them up as quickly).
const KEPT_FROM: usize = 100;

/// A ticket under review: its reference, when it was resolved, when it was opened.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Subject {
    #[serde(rename = "r")]
    pub reference: String,
    #[serde(rename = "s")]
    pub resolved_at: Option<i64>,
    #[serde(rename = "o")]
    pub opened_at: i64,
}

impl Subject {
    /// The moment the review counts from: the ticket's resolution, else its opening.
    pub fn since(&self) -> i64 {
        self.resolved_at.unwrap_or(self.opened_at)
    }
}

/// The subjects of the tickets `ids` (deleted ones too, as a review still names them; an id
/// no ticket has is left out). With `keep`, and enough of them, those kept under the current
/// counter are read from the cache, the rest looked up, and the subjects of these `ids` left
/// in `keep` to write whenever the cache did not hold them all.
pub fn of_tickets(conn: &Connection, ids: &[&str], keep: Option<&mut Pending>) -> Result<FastMap<String, Subject>> {
    // (The cache never fails a command: without its counter, they are looked up.)
    let Some((keep, version)) = keep
        .filter(|_| ids.len() >= KEPT_FROM)
        .zip(rule_cache::tickets_version(conn))
    else {
        return looked_up(conn, ids);
    };
    let stamp = format!("v1/t{version}");
    let mut known: FastMap<String, Subject> = rule_cache::entry(conn, KEY)
        .filter(|(found, _)| *found == stamp)
        .and_then(|(_, value)| serde_json::from_str::<Vec<(String, Subject)>>(&value).ok())
        .map(|rows| rows.into_iter().collect())
        .unwrap_or_default();
    let missing: Vec<&str> = ids.iter().copied().filter(|id| !known.contains_key(*id)).collect();
    // Kept anew when a ticket was found that the entry did not hold (an id no ticket has is
    // looked up each time, and written nowhere).
    let found = looked_up(conn, &missing)?;
    if !found.is_empty() {
        known.extend(found);
        let rows: Vec<(&str, &Subject)> = ids.iter().filter_map(|id| known.get(*id).map(|s| (*id, s))).collect();
        keep.put(KEY.to_string(), stamp, 0, None, &rows);
    }
    Ok(known)
}

/// The subjects of the tickets `ids`, read from the tickets.
fn looked_up(conn: &Connection, ids: &[&str]) -> Result<FastMap<String, Subject>> {
    if ids.is_empty() {
        return Ok(FastMap::default());
    }
    let list = serde_json::to_string(ids)?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, reference, resolved_at, opened_at FROM tickets WHERE id IN (SELECT value FROM json_each(?1))",
    )?;
    let rows = stmt.query_map([list], |r| {
        Ok((
            r.get::<_, String>(0)?,
            Subject {
                reference: r.get(1)?,
                resolved_at: r.get(2)?,
                opened_at: r.get(3)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::{OpenMode, Store};

    /// Tickets `0..n` of one service, written as plain rows.
    fn tickets(store: &Store, from: usize, n: usize) -> Vec<String> {
        let conn = store.conn();
        conn.execute(
            "INSERT OR IGNORE INTO services (id, created_at, updated_at, hlc, name) VALUES ('s', 0, 0, '0', 'S')",
            [],
        )
        .unwrap();
        (from..from + n)
            .map(|i| {
                let id = format!("t{i:04}");
                conn.execute(
                    "INSERT INTO tickets (id, created_at, updated_at, hlc, reference, service_id, priority, state, \
                     opened_at, resolved_at) VALUES (?1, 0, 0, '0', ?2, 's', 'p3', 'closed', ?3, ?4)",
                    rusqlite::params![id, format!("INC{i:06}"), 1_000 + i as i64, 5_000 + i as i64],
                )
                .unwrap();
                id
            })
            .collect()
    }

    /// Read through the cache (and kept), as the agenda reads them; whether anything was
    /// written.
    fn kept_writing(store: &Store, ids: &[&str]) -> (FastMap<String, Subject>, bool) {
        let mut pending = Pending::default();
        let subjects = of_tickets(store.conn(), ids, Some(&mut pending)).unwrap();
        let wrote = !pending.is_empty();
        pending.flush(store.conn());
        (subjects, wrote)
    }

    fn kept(store: &Store, ids: &[&str]) -> FastMap<String, Subject> {
        kept_writing(store, ids).0
    }

    fn stamp(store: &Store) -> Option<String> {
        rule_cache::entry(store.conn(), KEY).map(|(stamp, _)| stamp)
    }

    /// Kept subjects read as fresh ones after every kind of change to a ticket: its reference
    /// or resolution updated, the ticket removed (a tombstone), a review of a ticket the entry
    /// does not hold, a review of no ticket at all.
    #[test]
    fn kept_subjects_read_as_fresh_ones_after_every_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        let owned = tickets(&store, 0, KEPT_FROM + 20);
        let mut ids: Vec<&str> = owned.iter().map(String::as_str).collect();
        let fresh = |ids: &[&str]| looked_up(store.conn(), ids).unwrap();
        assert_eq!(kept_writing(&store, &ids), (fresh(&ids), true));
        let first = stamp(&store).unwrap();
        assert_eq!(kept_writing(&store, &ids), (fresh(&ids), false), "read from the entry");

        let conn = store.conn();
        conn.execute("UPDATE tickets SET reference = 'inc000000' WHERE id = 't0000'", [])
            .unwrap();
        let subjects = kept(&store, &ids);
        assert_eq!(subjects["t0000"].reference, "inc000000");
        assert_eq!(subjects, fresh(&ids));
        conn.execute("UPDATE tickets SET resolved_at = NULL WHERE id = 't0001'", [])
            .unwrap();
        let subjects = kept(&store, &ids);
        assert_eq!(subjects["t0001"].since(), 1_001, "opened, no longer resolved");
        assert_eq!(subjects, fresh(&ids));
        conn.execute("UPDATE tickets SET deleted = 1 WHERE id = 't0002'", [])
            .unwrap();
        assert_eq!(kept(&store, &ids), fresh(&ids));
        assert!(
            kept(&store, &ids).contains_key("t0002"),
            "a tombstone still names its ticket"
        );
        assert_ne!(stamp(&store).unwrap(), first);

        let added = tickets(&store, 500, 1);
        ids.push(&added[0]);
        ids.push("no-such-ticket");
        let (subjects, wrote) = kept_writing(&store, &ids);
        assert!(wrote, "the added ticket kept");
        assert_eq!(subjects, fresh(&ids));
        assert!(subjects.contains_key("t0500") && !subjects.contains_key("no-such-ticket"));
        assert_eq!(
            kept_writing(&store, &ids),
            (fresh(&ids), false),
            "an id no ticket has is not written again and again"
        );
    }
}
