//! Versioned schema migrations, kept in `PRAGMA user_version`.
//!
//! Each migration runs in one transaction. Before an existing database is migrated, a copy
//! of it is written beside it (`NAME.v3.bak`), so a failed or regretted upgrade loses nothing.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, TransactionBehavior};

use super::{APPLICATION_ID, Result};

/// The migrations in order; the schema version is the number applied.
pub const MIGRATIONS: &[&str] = &[
    include_str!("sql/001_initial.sql"),
    include_str!("sql/002_improvements.sql"),
    include_str!("sql/003_sync.sql"),
    include_str!("sql/004_open_breach_indexes.sql"),
    include_str!("sql/005_rule_cache.sql"),
    include_str!("sql/006_ticket_insert_counted.sql"),
    include_str!("sql/007_undo_actor.sql"),
    include_str!("sql/008_unmeasured_and_waiting.sql"),
    include_str!("sql/009_tool_verdicts.sql"),
    include_str!("sql/010_corrections.sql"),
    include_str!("sql/011_redo.sql"),
    include_str!("sql/012_review_issued.sql"),
    concat!(
        include_str!("sql/013_problems.sql"),
        include_str!("sql/013_move_review_problems.sql")
    ),
    include_str!("sql/014_credits_and_responses.sql"),
    include_str!("sql/015_breach_signal_index.sql"),
    concat!(
        include_str!("sql/016_open_breach_listing.sql"),
        include_str!("sql/016_keep_ticket_refs.sql")
    ),
    include_str!("sql/017_kept_baselines.sql"),
];

/// The data move of schema version 13 (reviews' problem references and root causes into
/// problem records), also run after restoring an export written before it.
pub const MOVE_REVIEW_PROBLEMS: &str = include_str!("sql/013_move_review_problems.sql");

/// The schema version from which the reviews' problems live in problem records.
pub const PROBLEMS_VERSION: i64 = 13;

/// The data fill of schema version 16 (each ticket breach keeps its ticket's reference), also
/// run after restoring an export written before it.
pub const KEEP_TICKET_REFS: &str = include_str!("sql/016_keep_ticket_refs.sql");

/// The schema version from which breaches keep their tickets' references.
pub const TICKET_REFS_VERSION: i64 = 16;

pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the database from `version` to [`LATEST`].
pub fn migrate(conn: &mut Connection, path: &Path, version: i64) -> Result<()> {
    migrate_with(conn, path, version, MIGRATIONS)
}

/// Applies `migrations[version..]`; a failing one rolls back and stops, leaving the database
/// at the last version that applied whole (and the copy taken before the first).
pub fn migrate_with(conn: &mut Connection, path: &Path, version: i64, migrations: &[&str]) -> Result<()> {
    let latest = migrations.len() as i64;
    if version >= latest {
        return Ok(());
    }
    if version > 0 {
        backup_before_migration(conn, path, version)?;
    }
    for (index, sql) in migrations.iter().enumerate().skip(version as usize) {
        let target = index as i64 + 1;
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| super::classify_write_error(e, path))?;
        // Another sdm opening the same new file may have applied it while this one waited.
        let now_at: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if now_at >= target {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", target)?;
        tx.commit().map_err(|e| super::classify_write_error(e, path))?;
    }
    Ok(())
}

/// Where the copy taken before migrating from `version` goes.
pub fn backup_path(path: &Path, version: i64) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".v{version}.bak"));
    let first = PathBuf::from(name);
    if !first.exists() {
        return first;
    }
    let mut n = 2;
    loop {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".v{version}.{n}.bak"));
        let candidate = PathBuf::from(name);
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

fn backup_before_migration(conn: &Connection, path: &Path, version: i64) -> Result<()> {
    super::copy_whole(conn, path, &backup_path(path, version))
}
