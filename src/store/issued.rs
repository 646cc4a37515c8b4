//! The key figures of service reviews as first written (table `review_issued`, local to the
//! file): kept once per service and period, read back to tell what changed since.

use rusqlite::{Connection, OptionalExtension};

use super::Result;

/// When the review of `period` of a service was first written, and its figures then (JSON).
pub fn first_written(conn: &Connection, service_id: &str, period: &str) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT written_at, figures FROM review_issued WHERE service_id = ?1 AND period = ?2")?
        .query_row([service_id, period], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Keeps the figures of a review written now, unless one was written before (the first stays).
pub fn keep_first(conn: &Connection, service_id: &str, period: &str, at: i64, figures: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR IGNORE INTO review_issued (service_id, period, written_at, figures) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![service_id, period, at, figures])?;
    Ok(())
}
