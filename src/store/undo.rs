//! The undo journal: each labelled change keeps the earlier values of what it touched, in the
//! database, so undo works across restarts. Undoing is itself an ordinary (stamped) write.
//!
//! A step remembers who wrote it (the interface, a command, a sync) and the stamps it wrote.
//! Undo reverts a step only while every field it changed still holds what the step wrote: a
//! record changed since (by an import, another session, a sync) is refused, naming the field,
//! so an undo never silently puts an old value over a newer one. The interface undoes its own
//! steps at once and asks before reverting anyone else's.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Map;

use super::write::from_json;
use super::{Result, Store, StoreError, schema};

/// How many changes the journal keeps.
const KEEP: i64 = 200;

/// Who writes through a store: recorded with each undo step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Interface,
    Command,
    Sync,
}

impl Actor {
    pub fn as_str(self) -> &'static str {
        match self {
            Actor::Interface => "interface",
            Actor::Command => "command",
            Actor::Sync => "sync",
        }
    }

    /// How a step by this actor is named when asking ("a command-line step").
    pub fn describe(actor: &str) -> &'static str {
        match actor {
            "interface" => "a step in the interface",
            "command" => "a command-line step",
            "sync" => "a sync",
            _ => "a step from an earlier sdm",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UndoEntry {
    pub table: String,
    pub id: String,
    /// The changed fields' earlier values; `None` when the change inserted the row.
    pub before: Option<Map<String, serde_json::Value>>,
    /// What the step wrote to the fields it changed (every field, for an insert): undo is
    /// refused once a record no longer holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Map<String, serde_json::Value>>,
}

/// One step in the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoStep {
    pub seq: i64,
    pub label: String,
    pub actor: String,
    pub at: i64,
}

/// What an undo came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone {
    /// Reverted; the step's label.
    Done(String),
    /// Nothing to undo.
    Nothing,
    /// The step is someone else's: ask, naming it, then undo with consent.
    Ask(UndoStep),
}

pub(crate) fn record(conn: &Connection, label: &str, entries: &[UndoEntry], actor: Actor, hlc: &str) -> Result<()> {
    // A new change ends what could be redone.
    conn.execute("DELETE FROM undo_log WHERE undone > 0", [])?;
    conn.execute(
        "INSERT INTO undo_log(label, at, entries, actor, hlc) VALUES (?1, ?2, ?3, ?4, ?5)",
        rusqlite::params![
            label,
            chrono::Utc::now().timestamp(),
            serde_json::to_string(entries)?,
            actor.as_str(),
            hlc
        ],
    )?;
    conn.execute(
        "DELETE FROM undo_log WHERE seq <= (SELECT max(seq) FROM undo_log) - ?1",
        [KEEP],
    )?;
    Ok(())
}

impl Store {
    /// The step `undo` would revert.
    pub fn last_step(&self) -> Result<Option<UndoStep>> {
        self.latest_step("1 = 1", [])
    }

    /// The label of the change `undo` would revert.
    pub fn last_undoable(&self) -> Result<Option<String>> {
        Ok(self.last_step()?.map(|s| s.label))
    }

    /// The latest `limit` steps of the journal, newest first, each with whether it stands
    /// undone (what Ctrl-R would redo).
    pub fn undo_history(&self, limit: usize) -> Result<Vec<(UndoStep, bool)>> {
        let mut stmt = self
            .conn()
            .prepare("SELECT seq, label, actor, at, undone FROM undo_log ORDER BY seq DESC LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok((
                UndoStep {
                    seq: r.get(0)?,
                    label: r.get(1)?,
                    actor: r.get(2)?,
                    at: r.get(3)?,
                },
                r.get::<_, i64>(4)? > 0,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The latest step written by `actor` (a sync's, for `sdm sync --undo`).
    pub fn last_step_by(&self, actor: Actor) -> Result<Option<UndoStep>> {
        self.latest_step("actor = ?1", [actor.as_str()])
    }

    fn latest_step<P: rusqlite::Params>(&self, filter: &str, params: P) -> Result<Option<UndoStep>> {
        let sql = format!(
            "SELECT seq, label, actor, at FROM undo_log WHERE undone = 0 AND ({filter}) ORDER BY seq DESC LIMIT 1"
        );
        Ok(self
            .conn()
            .query_row(&sql, params, |r| {
                Ok(UndoStep {
                    seq: r.get(0)?,
                    label: r.get(1)?,
                    actor: r.get(2)?,
                    at: r.get(3)?,
                })
            })
            .optional()?)
    }

    /// Reverts the last step, whoever wrote it; returns its label, or `None` when there is
    /// nothing. A record changed since the step is refused.
    pub fn undo(&mut self) -> Result<Option<String>> {
        match self.undo_last(true)? {
            Undone::Done(label) => Ok(Some(label)),
            _ => Ok(None),
        }
    }

    /// Reverts the last step: this actor's own at once, anyone else's only with `consent`
    /// (else [`Undone::Ask`] names it).
    pub fn undo_last(&mut self, consent: bool) -> Result<Undone> {
        let Some(step) = self.last_step()? else {
            return Ok(Undone::Nothing);
        };
        if step.actor != self.actor().as_str() && !consent {
            return Ok(Undone::Ask(step));
        }
        self.undo_step(step.seq)
    }

    /// Reverts step `seq`, refusing when a record it touched changed since.
    pub fn undo_step(&mut self, seq: i64) -> Result<Undone> {
        self.write(None, |w| {
            let step: Option<(String, String)> = w
                .conn()
                .query_row(
                    "SELECT label, entries FROM undo_log WHERE seq = ?1 AND undone = 0",
                    [seq],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((label, entries)) = step else {
                return Ok(Undone::Nothing);
            };
            let entries: Vec<UndoEntry> = serde_json::from_str(&entries)?;
            // Checked newest first against what each entry wrote: a step that wrote a field
            // twice is judged by its last write.
            let mut seen = std::collections::HashSet::new();
            for entry in entries.iter().rev() {
                if seen.insert((entry.table.as_str(), entry.id.as_str())) {
                    changed_since(w.conn(), entry, &label)?;
                }
            }
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
            // Kept for redo, in the order undone.
            w.conn().execute(
                "UPDATE undo_log SET undone = (SELECT coalesce(max(undone), 0) + 1 FROM undo_log) WHERE seq = ?1",
                [seq],
            )?;
            Ok(Undone::Done(label))
        })
    }

    /// Does again the step undone last, while every record it touched still holds what the
    /// undo left (else refused, naming the field, like undo). Returns its label, or `None`
    /// when nothing was undone since the last change.
    pub fn redo(&mut self) -> Result<Option<String>> {
        self.write(None, |w| {
            let step: Option<(i64, String, String)> = w
                .conn()
                .query_row(
                    "SELECT seq, label, entries FROM undo_log WHERE undone > 0 ORDER BY undone DESC LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((seq, label, entries)) = step else {
                return Ok(None);
            };
            let entries: Vec<UndoEntry> = serde_json::from_str(&entries)?;
            let mut seen = std::collections::HashSet::new();
            for entry in &entries {
                if seen.insert((entry.table.as_str(), entry.id.as_str())) {
                    unchanged_since_undo(w.conn(), entry, &label)?;
                }
            }
            for entry in &entries {
                let table = schema::table(&entry.table)
                    .ok_or_else(|| StoreError::BadInput(format!("redo names an unknown table {}", entry.table)))?;
                let Some(after) = &entry.after else {
                    return Err(StoreError::Conflict(format!(
                        "cannot redo \"{label}\": it was written by an older sdm that kept no values to redo"
                    )));
                };
                let fields: Vec<(&str, Value)> = after.iter().map(|(k, v)| (k.as_str(), from_json(v))).collect();
                w.update(table, &entry.id, &fields)?;
            }
            w.conn()
                .execute("UPDATE undo_log SET undone = 0 WHERE seq = ?1", [seq])?;
            Ok(Some(label))
        })
    }
}

/// Refuses when a field the step wrote no longer holds what the step wrote: something
/// changed it since (an import, another session, a sync). Steps from before the written
/// values were kept are not checked.
fn changed_since(conn: &Connection, entry: &UndoEntry, label: &str) -> Result<()> {
    let Some(after) = &entry.after else {
        return Ok(());
    };
    match first_difference(conn, entry, after)? {
        None => Ok(()),
        Some(what) => Err(StoreError::Conflict(format!(
            "cannot undo \"{label}\": the {what} was changed after it; change it by hand instead"
        ))),
    }
}

/// Refuses a redo when a record no longer holds what the undo left in it (its `before`, or
/// deleted for a record the step had added).
fn unchanged_since_undo(conn: &Connection, entry: &UndoEntry, label: &str) -> Result<()> {
    let expected: Map<String, serde_json::Value> = match &entry.before {
        Some(before) => before.clone(),
        None => [("deleted".to_string(), serde_json::Value::from(1))]
            .into_iter()
            .collect(),
    };
    match first_difference(conn, entry, &expected)? {
        None => Ok(()),
        Some(what) => Err(StoreError::Conflict(format!(
            "cannot redo \"{label}\": the {what} was changed after the undo; change it by hand instead"
        ))),
    }
}

/// The first field of the entry's record that no longer holds `expected`, named with its
/// record ("status of breach X"); `None` when all do (or the record is gone).
fn first_difference(
    conn: &Connection,
    entry: &UndoEntry,
    expected: &Map<String, serde_json::Value>,
) -> Result<Option<String>> {
    let Some(table) = schema::table(&entry.table) else {
        return Ok(None);
    };
    let fields: Vec<&str> = expected
        .keys()
        .map(String::as_str)
        .filter(|f| table.column(f).is_some())
        .collect();
    if fields.is_empty() {
        return Ok(None);
    }
    let sql = format!("SELECT {} FROM {} WHERE id = ?1", fields.join(", "), table.name);
    let current: Option<Vec<Value>> = conn
        .query_row(&sql, [&entry.id], |r| {
            (0..fields.len()).map(|i| r.get::<_, Value>(i)).collect()
        })
        .optional()?;
    let Some(current) = current else {
        return Ok(None);
    };
    for (field, now) in fields.iter().zip(&current) {
        let then = expected.get(*field).map(from_json).unwrap_or(Value::Null);
        if !same_value(now, &then) {
            let field = if *field == "deleted" { "existence" } else { field };
            return Ok(Some(format!("{field} of {}", record_name(conn, table, &entry.id))));
        }
    }
    Ok(None)
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => (*x as f64) == *y,
        _ => a == b,
    }
}

/// "service Payroll", "ticket INC0012", or the table and id where a record has no name.
fn record_name(conn: &Connection, table: &schema::Table, id: &str) -> String {
    let kind = table.name.trim_end_matches('s').replace('_', " ");
    for col in ["name", "reference", "title", "summary"] {
        if table.column(col).is_some() {
            let sql = format!("SELECT {col} FROM {} WHERE id = ?1", table.name);
            if let Ok(Some(name)) = conn.query_row(&sql, [id], |r| r.get::<_, Option<String>>(0)) {
                return format!("{kind} {name}");
            }
        }
    }
    format!("{kind} {id}")
}
