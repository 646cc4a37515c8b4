//! The undo journal: each labelled change keeps the earlier values of what it touched, in the
//! database, so undo works across restarts. Undoing is itself an ordinary (stamped) write.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Map;

use super::write::from_json;
use super::{Result, Store, StoreError, schema};

/// How many changes the journal keeps.
const KEEP: i64 = 200;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UndoEntry {
    pub table: String,
    pub id: String,
    /// The changed fields' earlier values; `None` when the change inserted the row.
    pub before: Option<Map<String, serde_json::Value>>,
}

pub(super) fn record(conn: &Connection, label: &str, entries: &[UndoEntry]) -> Result<()> {
    conn.execute(
        "INSERT INTO undo_log(label, at, entries) VALUES (?1, ?2, ?3)",
        rusqlite::params![label, chrono::Utc::now().timestamp(), serde_json::to_string(entries)?],
    )?;
    conn.execute(
        "DELETE FROM undo_log WHERE seq <= (SELECT max(seq) FROM undo_log) - ?1",
        [KEEP],
    )?;
    Ok(())
}

impl Store {
    /// The label of the change `undo` would revert.
    pub fn last_undoable(&self) -> Result<Option<String>> {
        Ok(self
            .conn()
            .query_row("SELECT label FROM undo_log ORDER BY seq DESC LIMIT 1", [], |r| r.get(0))
            .optional()?)
    }

    /// Reverts the last labelled change; returns its label, or `None` when there is nothing.
    pub fn undo(&mut self) -> Result<Option<String>> {
        self.write(None, |w| {
            let last: Option<(i64, String, String)> = w
                .conn()
                .query_row(
                    "SELECT seq, label, entries FROM undo_log ORDER BY seq DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((seq, label, entries)) = last else {
                return Ok(None);
            };
            let entries: Vec<UndoEntry> = serde_json::from_str(&entries)?;
            for entry in entries.iter().rev() {
                let table = schema::table(&entry.table)
                    .ok_or_else(|| StoreError::BadInput(format!("undo names an unknown table {}", entry.table)))?;
                match &entry.before {
                    None => {
                        w.update(table, &entry.id, &[("deleted", Value::Integer(1))])?;
                    }
                    Some(before) => {
                        let fields: Vec<(&str, Value)> =
                            before.iter().map(|(k, v)| (k.as_str(), from_json(v))).collect();
                        w.update(table, &entry.id, &fields)?;
                    }
                }
            }
            w.conn().execute("DELETE FROM undo_log WHERE seq = ?1", [seq])?;
            Ok(Some(label))
        })
    }
}
