//! What a table already holds of the rows an import writes (looked up once, or read in one
//! scan when the file is large next to the table), the writer that knows it, and the page
//! cache an import works with.

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::store::schema::Table;
use crate::store::{self, Upserted, Writer};

/// What a table holds under an id: whether it is a tombstone, and the value of the kind's
/// [`RowKind::STORED_COLUMN`].
#[derive(Debug, Clone)]
pub(super) struct Held {
    pub deleted: bool,
    /// The values of the kind's [`RowKind::STORED_COLUMNS`], in order.
    pub values: Vec<Option<String>>,
}

impl Held {
    /// The value of the `i`th stored column of a live row.
    pub fn value(held: Option<&Held>, i: usize) -> Option<&str> {
        held.filter(|h| !h.deleted)
            .and_then(|h| h.values.get(i))
            .and_then(|v| v.as_deref())
    }
}

/// Up to how many stored rows are read into memory in one scan; past that each row is
/// looked up (an import's memory stays flat whatever the table's size).
const PRELOAD_AT_MOST: i64 = 50_000;

/// What the table already holds of the rows being written. When the file is large next to
/// the table (a first import of the history), one scan replaces a lookup per row.
pub(super) struct Stored {
    preloaded: Option<HashMap<String, Held>>,
    lookup: String,
    width: usize,
}

impl Stored {
    pub(super) fn load(w: &Writer<'_>, table: &Table, columns: &[&str], rows: usize) -> store::Result<Stored> {
        let width = columns.len();
        let value = if columns.is_empty() {
            "NULL".to_string()
        } else {
            columns.join(", ")
        };
        let lookup = format!("SELECT deleted, {value} FROM {} WHERE id = ?1", table.name);
        let held: i64 = w
            .conn()
            .query_row(&format!("SELECT count(*) FROM {}", table.name), [], |r| r.get(0))?;
        if held as usize > rows.saturating_mul(4) || held > PRELOAD_AT_MOST {
            return Ok(Stored {
                preloaded: None,
                lookup,
                width,
            });
        }
        let mut map = HashMap::with_capacity(held as usize);
        let mut stmt = w
            .conn()
            .prepare(&format!("SELECT id, deleted, {value} FROM {}", table.name))?;
        let mut all = stmt.query([])?;
        while let Some(r) = all.next()? {
            let deleted: i64 = r.get(1)?;
            let values = (0..width).map(|i| r.get(2 + i)).collect::<rusqlite::Result<Vec<_>>>()?;
            map.insert(
                r.get::<_, String>(0)?,
                Held {
                    deleted: deleted != 0,
                    values,
                },
            );
        }
        Ok(Stored {
            preloaded: Some(map),
            lookup,
            width,
        })
    }

    pub(super) fn get(&self, w: &Writer<'_>, id: &str) -> store::Result<Option<Held>> {
        if let Some(map) = &self.preloaded {
            return Ok(map.get(id).cloned());
        }
        Ok(w.conn()
            .prepare_cached(&self.lookup)?
            .query_row([id], |r| {
                let deleted: i64 = r.get(0)?;
                Ok(Held {
                    deleted: deleted != 0,
                    values: (0..self.width)
                        .map(|i| r.get(1 + i))
                        .collect::<rusqlite::Result<Vec<_>>>()?,
                })
            })
            .optional()?)
    }
}

/// What a table holds under one id (no stored columns), for a row that writes more than
/// one record.
pub(super) fn held_by_id(w: &Writer<'_>, table: &Table, id: &str) -> store::Result<Option<Held>> {
    Ok(w.conn()
        .prepare_cached(&format!("SELECT deleted FROM {} WHERE id = ?1", table.name))?
        .query_row([id], |r| {
            let deleted: i64 = r.get(0)?;
            Ok(Held {
                deleted: deleted != 0,
                values: Vec::new(),
            })
        })
        .optional()?)
}

/// Writes a row whose stored state is known: inserts it, updates the given fields, or brings
/// back a tombstone — what `Writer::upsert` does, without looking the row up again.
pub(super) fn put(
    w: &mut Writer<'_>,
    table: &Table,
    id: &str,
    held: Option<Held>,
    mut fields: Vec<(&str, Value)>,
) -> store::Result<Upserted> {
    match held {
        None => {
            w.insert(table, id, &fields)?;
            Ok(Upserted::Added)
        }
        Some(Held { deleted: true, .. }) => {
            fields.push(("deleted", Value::Integer(0)));
            w.update(table, id, &fields)
        }
        Some(Held { deleted: false, .. }) => w.update(table, id, &fields),
    }
}

/// A bigger SQLite page cache for the length of one import, set back afterwards.
pub(super) struct BigCache {
    before: Option<i64>,
}

impl BigCache {
    /// About 1 KiB of cache per row, from the default (2 MiB) up to 32 MiB (an import's
    /// memory stays bounded whatever the file's size).
    pub(super) fn new(conn: &Connection, rows: usize) -> BigCache {
        let want_kib = (rows as i64).clamp(2_000, 32 * 1024);
        let before: Option<i64> = conn.query_row("PRAGMA cache_size", [], |r| r.get(0)).ok();
        let grow = before.is_some_and(|b| b < 0 && -b < want_kib);
        if grow && conn.pragma_update(None, "cache_size", -want_kib).is_ok() {
            BigCache { before }
        } else {
            BigCache { before: None }
        }
    }

    pub(super) fn restore(self, conn: &Connection) {
        if let Some(before) = self.before {
            let _ = conn.pragma_update(None, "cache_size", before);
        }
    }
}
