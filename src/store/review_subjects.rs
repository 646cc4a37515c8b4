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
    let Some(keep) = keep.filter(|_| ids.len() >= KEPT_FROM) else {
        return looked_up(conn, ids);
    };
    let stamp = format!("v1/t{}", rule_cache::tickets_version(conn)?);
    let mut known: FastMap<String, Subject> = rule_cache::entry(conn, KEY)
        .filter(|(found, _)| *found == stamp)
        .and_then(|(_, value)| serde_json::from_str::<Vec<(String, Subject)>>(&value).ok())
        .map(|rows| rows.into_iter().collect())
        .unwrap_or_default();
    let missing: Vec<&str> = ids.iter().copied().filter(|id| !known.contains_key(*id)).collect();
    if !missing.is_empty() {
        known.extend(looked_up(conn, &missing)?);
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
