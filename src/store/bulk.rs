//! Bulk writes: a large import into a table that holds fewer than half as many rows as it
//! brings (a first import, a new data set) writes its rows with the table's plain (non-unique)
//! indexes set aside, and builds them again once at the end, inside the same transaction.
//! SQLite builds an index from sorted keys far faster than it inserts the same keys one row at
//! a time into several B-trees. Unique indexes stay (but for a generated data set's), so
//! duplicates are still refused as they are written. A failure rolls the drop back with
//! everything else; other connections never see the table without its indexes.

use super::Result;
use super::Store;
use super::write::Writer;

/// Fewer new rows than this are written with the indexes in place (the rebuild would cost more).
const BULK_ROWS: usize = 20_000;

/// The indexes of one table set aside for a bulk write, with the statements that rebuild them
/// (and the triggers [`Writer::set_aside_counters`] set aside, with theirs).
#[derive(Debug, Default)]
pub struct SetAside {
    indexes: Vec<(String, String)>,
    triggers: Vec<String>,
}

impl SetAside {
    /// Whether any index was set aside.
    pub fn is_empty(&self) -> bool {
        self.indexes.is_empty()
    }
}

/// The indexes SQLite holds for `table` (every table when `None`), by name, with the
/// statements that made them (none for a primary key's own): what a bulk write must leave as
/// it found.
pub fn indexes(conn: &rusqlite::Connection, table: Option<&str>) -> Result<Vec<(String, Option<String>)>> {
    Ok(conn
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND (?1 IS NULL OR tbl_name = ?1) ORDER BY name",
        )?
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The largest rowid of `table` (0 when it is empty): it bounds the row count and costs one
/// page read, not a scan; rows added after reading it are the ones above it.
pub fn last_rowid(conn: &rusqlite::Connection, table: &str) -> Result<i64> {
    Ok(
        conn.query_row(&format!("SELECT coalesce(max(rowid), 0) FROM {table}"), [], |r| {
            r.get(0)
        })?,
    )
}

/// Whether `incoming` rows into `table` are a bulk write: many, and at least twice as many as
/// the table holds (a first import, a new data set).
pub fn is_bulk(conn: &rusqlite::Connection, table: &str, incoming: usize) -> Result<bool> {
    if incoming < BULK_ROWS {
        return Ok(false);
    }
    let held = last_rowid(conn, table)?;
    Ok(usize::try_from(held).unwrap_or(usize::MAX).saturating_mul(2) <= incoming)
}

/// Whether `table` holds no row at all (deleted ones included).
pub fn holds_none(conn: &rusqlite::Connection, table: &str) -> Result<bool> {
    Ok(conn.query_row(&format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"), [], |r| r.get(0))?)
}

impl Store {
    /// Runs `write` with the file in SQLite's rollback-journal mode, and puts it back in WAL
    /// mode after (whatever `write` returned): for writing a whole data set (a new one, a
    /// first import), which nothing else reads meanwhile. In WAL mode every page is written twice, to the log
    /// and then into the file; here a page new to the file is written once (a rollback journal
    /// keeps only the pages the file held before). A crash rolls back the transaction it
    /// interrupted, from the journal, as in WAL mode. When the mode cannot be changed (another
    /// connection has the file open), `write` runs in WAL mode as always. The 1M-ticket demo
    /// and a 200k first import: about a sixth faster (BENCHMARKS.md).
    pub fn in_rollback_journal<T, E: From<super::StoreError>>(
        &mut self,
        write: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        // Another sdm opening the file meanwhile waits for this write (it cannot read until
        // the file is in WAL mode again): the note tells it what it waits for, and to wait
        // for as long as this writer lives. One note for the whole of it: the transaction
        // leaves none of its own meanwhile, so none is removed before the file is in WAL
        // mode again.
        let writing = self.writing.take();
        let _note = writing
            .as_deref()
            .map(|what| super::lock_note::Note::leave(self.path(), what));
        // Not waiting for another connection to let go: then it is written in WAL mode.
        let _ = self.conn().busy_timeout(std::time::Duration::ZERO);
        let changed = self.journal_mode("DELETE").is_ok_and(|mode| mode == "delete");
        let _ = self.conn().busy_timeout(super::busy_timeout());
        let result = write(self);
        // Back in WAL mode, or the rest of this session would have readers and the writer
        // block each other (the next open would put it back, as every open does).
        let back = changed.then(|| self.journal_mode("WAL"));
        self.writing = writing;
        if let Some(back) = back
            && result.is_ok()
            && back.as_deref().map_or(true, |mode| mode != "wal")
        {
            return Err(super::StoreError::Conflict(format!(
                "{} was written but could not be put back in WAL mode: open it again",
                self.path().display()
            ))
            .into());
        }
        result
    }

    /// Runs `write` with the connection set for writing a whole data set into a new file: a
    /// larger page cache ([`DATA_SET_CACHE_KIB`]) and temporary storage on file, so that
    /// indexes built again sort in runs on worker threads ([`SORT_MEMORY_KIB`]). Both are set
    /// back after, whatever `write` returned. Outside a transaction only: SQLite refuses to
    /// move temporary storage inside one, and drops the temporary tables when it moves
    /// (none is kept across a transaction here).
    pub fn writing_a_data_set<T, E: From<super::StoreError>>(
        &mut self,
        write: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let conn = self.conn();
        let (cache, temp): (i64, i64) = conn
            .query_row("SELECT * FROM pragma_cache_size, pragma_temp_store", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| E::from(e.into()))?;
        let set = conn
            .pragma_update(None, "cache_size", -DATA_SET_CACHE_KIB)
            .and_then(|()| conn.pragma_update(None, "temp_store", "FILE"));
        let result = set.map_err(|e| E::from(e.into())).and_then(|()| write(self));
        let conn = self.conn();
        let back = conn
            .pragma_update(None, "temp_store", temp)
            .and(conn.pragma_update(None, "cache_size", cache));
        let result = result?;
        back.map_err(|e| E::from(e.into()))?;
        Ok(result)
    }

    /// Runs `write` with SQLite's foreign key checks off, and turns them on again after
    /// (whatever `write` returned). Only for rows that reference each other by construction
    /// and are written into a new file (a generated data set): every breach the rules find
    /// then looks its ticket up in a million-entry index, about 0.8 s of the 1M demo. `sdm
    /// check` still counts broken references, and the demo's tests run it. Off only outside
    /// a transaction (SQLite ignores the setting inside one); inside one, `write` runs with
    /// the checks on.
    pub fn without_foreign_key_checks<T, E: From<super::StoreError>>(
        &mut self,
        write: impl FnOnce(&mut Store) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.conn()
            .pragma_update(None, "foreign_keys", "OFF")
            .map_err(|e| E::from(e.into()))?;
        let result = write(self);
        let on = self.conn().pragma_update(None, "foreign_keys", "ON");
        let result = result?;
        on.map_err(|e| E::from(e.into()))?;
        Ok(result)
    }

    /// Sets SQLite's journal mode; the mode it is in after, in lower case.
    fn journal_mode(&self, mode: &str) -> Result<String> {
        let now: String = self
            .conn()
            .query_row(&format!("PRAGMA journal_mode = {mode}"), [], |r| r.get(0))?;
        Ok(now.to_ascii_lowercase())
    }
}

/// The memory each index's sort works in while indexes are built again (KiB), when
/// temporary storage is on file (a data set written whole, [`Store::writing_a_data_set`]).
/// SQLite then sorts in runs of the page cache's size, spilled to the file, and merges them:
/// runs of a few megabytes stay in the processor's caches, where one run of the whole 64 MB
/// cache does not. At 1M tickets the six ticket indexes took 3.2 s with the whole cache and
/// 2.0 s with 8 MB; with worker threads sorting the runs beside the scan, 1.6 s; and the
/// demo's peak memory went 163 to 148 MB.
const SORT_MEMORY_KIB: i64 = 8_000;

/// The page cache (KiB) while a whole data set is written: a million tickets' id index
/// (about 50 MB) stays in it as rows are added in the order of their ids.
const DATA_SET_CACHE_KIB: i64 = 64_000;

/// The worker threads SQLite may sort runs on while an index is built: the processors there
/// are, at most four.
fn sort_threads() -> i64 {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) as i64
}

impl Writer<'_> {
    /// Sets aside `table`'s plain indexes when `incoming` rows are many and at least twice as
    /// many as the table already holds; otherwise sets nothing aside (a re-import of rows
    /// mostly there would pay for a rebuild and write little). Call
    /// [`Writer::rebuild_indexes`] before anything reads the table through them.
    pub fn set_aside_indexes(&mut self, table: &str, incoming: usize) -> Result<SetAside> {
        self.set_aside_indexes_but(table, incoming, &[])
    }

    /// [`Writer::set_aside_indexes`], keeping the indexes named in `keep` (ones the bulk
    /// write itself reads through).
    pub fn set_aside_indexes_but(&mut self, table: &str, incoming: usize, keep: &[&str]) -> Result<SetAside> {
        self.set_aside(table, incoming, keep, false)
    }

    /// [`Writer::set_aside_indexes`], unique indexes too: for rows whose keys are unique by
    /// construction (a generated data set) written with plain inserts. Nothing refuses a
    /// duplicate as it is written (and an `ON CONFLICT` or `OR IGNORE` on such a key sees no
    /// conflict); rebuilding the unique index does refuse it, and fails the write.
    pub fn set_aside_all_indexes(&mut self, table: &str, incoming: usize) -> Result<SetAside> {
        self.set_aside(table, incoming, &[], true)
    }

    fn set_aside(&mut self, table: &str, incoming: usize, keep: &[&str], unique_too: bool) -> Result<SetAside> {
        let conn = self.conn();
        if !is_bulk(conn, table, incoming)? {
            return Ok(SetAside::default());
        }
        let indexes: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1 \
                 AND sql IS NOT NULL AND (?2 OR sql NOT LIKE 'CREATE UNIQUE%')",
            )?
            .query_map(rusqlite::params![table, unique_too], |r| Ok((r.get(0)?, r.get(1)?)))?
            .filter(|r| {
                r.as_ref()
                    .map_or(true, |(name, _): &(String, String)| !keep.contains(&name.as_str()))
            })
            .collect::<rusqlite::Result<_>>()?;
        for (name, _) in &indexes {
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        Ok(SetAside {
            indexes,
            triggers: Vec::new(),
        })
    }

    /// Builds again the indexes that [`Writer::set_aside_indexes`] set aside, and puts back
    /// the triggers [`Writer::set_aside_counters`] did.
    pub fn rebuild_indexes(&mut self, aside: SetAside) -> Result<()> {
        let conn = self.conn();
        // Sorting in runs on worker threads needs the runs to spill to a file: with
        // temporary storage in memory (as the store opens) SQLite sorts in one run, on this
        // thread, whatever these say, and a smaller cache would only spill the transaction's
        // pages early. `PRAGMA temp_store` is 2 for memory.
        let on_file = conn.query_row("PRAGMA temp_store", [], |r| r.get::<_, i64>(0))? != 2;
        if on_file && !aside.indexes.is_empty() {
            let cache: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
            let threads: i64 = conn.query_row("PRAGMA threads", [], |r| r.get(0))?;
            let built = conn
                .pragma_update(None, "cache_size", -SORT_MEMORY_KIB)
                .and_then(|()| conn.pragma_update(None, "threads", sort_threads()))
                .and_then(|()| aside.indexes.iter().try_for_each(|(_, sql)| conn.execute_batch(sql)));
            let cache_back = conn.pragma_update(None, "cache_size", cache);
            let threads_back = conn.pragma_update(None, "threads", threads);
            built?;
            cache_back?;
            threads_back?;
        } else {
            for (_, sql) in &aside.indexes {
                conn.execute_batch(sql)?;
            }
        }
        for sql in aside.triggers {
            self.conn().execute_batch(&sql)?;
        }
        Ok(())
    }

    /// Also sets aside the triggers on `table` that move the kept baselines' counters
    /// (`baseline_versions`), while no baseline is kept in the file (a data set written into a
    /// new file): a counter only has to move for an entry counted before the change, and
    /// there is none. A file that keeps one keeps its triggers.
    pub fn set_aside_counters(&mut self, table: &str, aside: &mut SetAside) -> Result<()> {
        let conn = self.conn();
        let kept: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM rule_cache WHERE key >= 'baseline/' AND key < 'baseline0')",
            [],
            |r| r.get(0),
        )?;
        if kept {
            return Ok(());
        }
        let triggers: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1 \
                 AND sql LIKE '%baseline_versions%'",
            )?
            .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (name, sql) in triggers {
            conn.execute_batch(&format!("DROP TRIGGER \"{}\"", name.replace('"', "\"\"")))?;
            aside.triggers.push(sql);
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::store::{OpenMode, Store};

    fn index_sql(store: &Store) -> Vec<(String, Option<String>)> {
        index_sql_of(store.conn())
    }

    /// The baselines' counters are set aside only while no baseline is kept, and put back.
    #[test]
    fn the_counters_are_set_aside_only_in_a_file_that_keeps_no_baseline() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        let counters = |conn: &rusqlite::Connection| -> i64 {
            conn.query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'breaches' \
                     AND sql LIKE '%baseline_versions%'",
                [],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(counters(store.conn()), 2);
        store
            .write(None, |w| {
                let mut aside = super::SetAside::default();
                w.set_aside_counters("breaches", &mut aside)?;
                assert_eq!(counters(w.conn()), 0, "set aside");
                w.rebuild_indexes(aside)
            })
            .unwrap();
        assert_eq!(counters(store.conn()), 2, "put back");
        store
            .conn()
            .execute(
                "INSERT INTO rule_cache (key, stamp, computed_at, value) VALUES ('baseline/s', 'x', 0, '{}')",
                [],
            )
            .unwrap();
        store
            .write(None, |w| {
                let mut aside = super::SetAside::default();
                w.set_aside_counters("breaches", &mut aside)?;
                assert_eq!(counters(w.conn()), 2, "a kept baseline keeps them");
                w.rebuild_indexes(aside)
            })
            .unwrap();
        assert_eq!(counters(store.conn()), 2);
    }

    /// Indexes set aside are built again (sorting on file when writing a data set, in memory
    /// otherwise), and the connection's page cache, threads and temporary storage are what
    /// they were after.
    #[test]
    fn indexes_are_built_again_and_the_connections_settings_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        let setting = |conn: &rusqlite::Connection, name: &str| -> i64 {
            conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap()
        };
        let before = index_sql(&store);
        let settings =
            |conn: &rusqlite::Connection| ["cache_size", "threads", "temp_store"].map(|name| setting(conn, name));
        let opened = settings(store.conn());
        assert_eq!(opened[2], 2, "temporary storage in memory");
        let rebuild = |store: &mut Store| {
            store.write(None, |w| {
                let inside = settings(w.conn());
                let aside = w.set_aside_all_indexes("tickets", super::BULK_ROWS)?;
                assert!(!aside.indexes.is_empty());
                assert_ne!(index_sql_of(w.conn()), before, "set aside");
                w.rebuild_indexes(aside)?;
                assert_eq!(index_sql_of(w.conn()), before);
                assert_eq!(settings(w.conn()), inside);
                Ok(inside)
            })
        };
        let in_memory = rebuild(&mut store).unwrap();
        assert_eq!(in_memory, opened);
        let on_file = store.writing_a_data_set(|store| rebuild(store)).unwrap();
        assert_eq!(on_file[0], -super::DATA_SET_CACHE_KIB);
        assert_ne!(on_file[2], 2, "temporary storage on file");
        assert_eq!(settings(store.conn()), opened);
    }

    fn index_sql_of(conn: &rusqlite::Connection) -> Vec<(String, Option<String>)> {
        super::indexes(conn, Some("tickets")).unwrap()
    }

    #[test]
    fn foreign_key_checks_are_on_again_after_a_write_without_them_whatever_it_returned() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        let checks =
            |store: &Store| -> i64 { store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap() };
        assert_eq!(checks(&store), 1);
        let inside = store
            .without_foreign_key_checks(|s| Ok::<_, crate::store::StoreError>(checks(s)))
            .unwrap();
        assert_eq!(inside, 0);
        assert_eq!(checks(&store), 1);
        let failed =
            store.without_foreign_key_checks(|_| Err::<(), _>(crate::store::StoreError::Conflict("refused".into())));
        assert!(failed.is_err());
        assert_eq!(checks(&store), 1);
    }

    #[test]
    fn a_write_in_rollback_journal_mode_leaves_the_file_in_wal_mode_whatever_it_returned() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        let mode = |store: &Store| {
            store
                .conn()
                .query_row("PRAGMA journal_mode", [], |r| r.get::<_, String>(0))
                .unwrap()
        };
        let inside = store
            .in_rollback_journal(|s| -> crate::store::Result<String> { Ok(mode(s)) })
            .unwrap();
        assert_eq!(inside, "delete");
        assert_eq!(mode(&store), "wal");
        let failed = store.in_rollback_journal(|s| -> crate::store::Result<()> {
            assert_eq!(mode(s), "delete");
            Err(crate::store::StoreError::BadInput("no".into()))
        });
        assert!(failed.is_err());
        assert_eq!(mode(&store), "wal");
        // With a second connection open the mode cannot change: the write runs in WAL mode.
        let other = rusqlite::Connection::open(dir.path().join("t.db")).unwrap();
        let _: i64 = other
            .query_row("SELECT count(*) FROM services", [], |r| r.get(0))
            .unwrap();
        let inside = store
            .in_rollback_journal(|s| -> crate::store::Result<String> { Ok(mode(s)) })
            .unwrap();
        assert_eq!(inside, "wal");
    }

    #[test]
    fn plain_indexes_come_back_as_they_were_and_unique_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        let before = index_sql(&store);
        assert!(before.iter().any(|(n, _)| n == "tickets_reference"));
        store
            .write(None, |w| {
                let aside = w.set_aside_indexes("tickets", 50_000)?;
                assert!(!aside.is_empty());
                let during = w
                    .conn()
                    .query_row(
                        "SELECT group_concat(name) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL",
                        [],
                        |r| r.get::<_, String>(0),
                    )
                    .unwrap();
                assert_eq!(during, "tickets_reference", "only the unique index is kept while rows go in");
                w.rebuild_indexes(aside)
            })
            .unwrap();
        assert_eq!(index_sql(&store), before);
    }

    #[test]
    fn a_small_import_keeps_its_indexes() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        store
            .write(None, |w| {
                assert!(w.set_aside_indexes("tickets", 19_999)?.is_empty());
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn a_generated_set_sets_aside_its_unique_indexes_too_and_a_duplicate_fails_their_rebuild() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Create).unwrap();
        let before = index_sql(&store);
        store
            .write(None, |w| {
                let aside = w.set_aside_all_indexes("tickets", 50_000)?;
                let left: i64 = w.conn().query_row(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets' AND sql IS NOT NULL",
                    [],
                    |r| r.get(0),
                )?;
                assert_eq!(left, 0, "only the primary key's own index is left");
                w.rebuild_indexes(aside)
            })
            .unwrap();
        assert_eq!(index_sql(&store), before);

        let duplicate = store.write(None, |w| {
            let aside = w.set_aside_all_indexes("tickets", 50_000)?;
            w.conn().execute_batch(
                "INSERT INTO services (id, created_at, updated_at, hlc, name, customer) VALUES ('s', 0, 0, 'h', 'S', 'C');
                 INSERT INTO tickets (id, created_at, updated_at, hlc, reference, service_id, kind, priority, state, opened_at)
                   VALUES ('a', 0, 0, 'h', 'INC1', 's', 'incident', 'p1', 'open', 0),
                          ('b', 0, 0, 'h', 'INC1', 's', 'incident', 'p1', 'open', 0);",
            )?;
            w.rebuild_indexes(aside)
        });
        let err = duplicate.map(|_| ()).unwrap_err().to_string();
        assert!(
            err.contains("UNIQUE"),
            "two rows with one reference fail the write: {err}"
        );
        assert_eq!(index_sql(&store), before, "and the failed write took nothing with it");
    }
}
