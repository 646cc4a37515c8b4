//! The one way rows are written: every write stamps the row and each changed field with the
//! transaction's clock stamp, deletes leave tombstones, and (for the interface) each change
//! keeps the row's earlier values for undo.

use std::fmt::Write as _;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use serde_json::{Map, Value as Json};

use super::schema::Table;
use super::undo::UndoEntry;
use super::{Result, StoreError};
use crate::domain::ids::Hlc;

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upserted {
    Added,
    Changed,
    Unchanged,
}

pub struct Writer<'c> {
    conn: &'c Connection,
    hlc: String,
    now_ms: i64,
    undo: Option<Vec<UndoEntry>>,
}

impl<'c> Writer<'c> {
    pub(super) fn new(conn: &'c Connection, hlc: Hlc, keep_undo: bool) -> Self {
        // The bookkeeping times are the stamp's wall time, so two copies that merge the same
        // write agree on them to the millisecond.
        Writer {
            conn,
            now_ms: hlc.millis,
            hlc: hlc.to_string(),
            undo: keep_undo.then(Vec::new),
        }
    }

    /// The connection, for reads inside the transaction.
    pub fn conn(&self) -> &Connection {
        self.conn
    }

    pub(super) fn take_undo(&mut self) -> Vec<UndoEntry> {
        self.undo.take().unwrap_or_default()
    }

    /// This transaction's clock stamp.
    pub fn hlc(&self) -> &str {
        &self.hlc
    }

    /// Inserts a new row.
    pub fn insert(&mut self, table: &Table, id: &str, fields: &[(&str, Value)]) -> Result<()> {
        check_columns(table, fields)?;
        let mut sql = format!(
            "INSERT INTO {} (id, created_at, updated_at, hlc, field_hlc, deleted",
            table.name
        );
        for (name, _) in fields {
            sql.push_str(", ");
            sql.push_str(name);
        }
        sql.push_str(") VALUES (?1, ?2, ?2, ?3, ?4, 0");
        for i in 0..fields.len() {
            let _ = write!(sql, ", ?{}", i + 5);
        }
        sql.push(')');
        let field_hlc = format!("{{\"*\":\"{}\"}}", self.hlc);
        let head = [
            Value::Text(id.to_string()),
            Value::Integer(self.now_ms),
            Value::Text(self.hlc.clone()),
            Value::Text(field_hlc),
        ];
        // Bound by reference: a bulk import inserts many rows, and cloning every value again
        // showed up in its profile.
        let values = head.iter().chain(fields.iter().map(|(_, v)| v));
        self.conn.prepare_cached(&sql)?.execute(params_from_iter(values))?;
        if let Some(undo) = &mut self.undo {
            let mut after: Map<String, Json> = fields.iter().map(|(n, v)| ((*n).to_string(), to_json(v))).collect();
            after.insert("deleted".into(), Json::from(0));
            undo.push(UndoEntry {
                table: table.name.to_string(),
                id: id.to_string(),
                before: None,
                after: Some(after),
            });
        }
        Ok(())
    }

    /// Whether a row with this id exists (tombstones included).
    pub fn exists(&self, table: &Table, id: &str) -> Result<Option<bool>> {
        let sql = format!("SELECT deleted FROM {} WHERE id = ?1", table.name);
        Ok(self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|d| d != 0))
    }

    /// Sets the given fields of an existing row; only fields whose value differs are written
    /// and stamped. A tombstone is brought back when `deleted` is among the fields.
    pub fn update(&mut self, table: &Table, id: &str, fields: &[(&str, Value)]) -> Result<Upserted> {
        check_columns(table, fields)?;
        let sql = format!("SELECT {} FROM {} WHERE id = ?1", current_columns(fields), table.name);
        let current: Option<Current> = self
            .conn
            .prepare_cached(&sql)?
            .query_row([id], |r| current_row(r, fields.len()))
            .optional()?;
        let Some((rowid, stamps, old)) = current else {
            return Err(StoreError::NotFound(format!("no {} row with id {id}", table.name)));
        };
        self.write_changes(table, rowid, id, &stamps, &old, fields)
    }

    /// [`Writer::update`] on every live row of `table` that the SQL condition `filter` (with
    /// `params`) selects, read in one pass rather than looked up one by one; the number of
    /// rows changed.
    pub fn update_where(
        &mut self,
        table: &Table,
        filter: &str,
        params: impl rusqlite::Params,
        fields: &[(&str, Value)],
    ) -> Result<usize> {
        check_columns(table, fields)?;
        let sql = format!(
            "SELECT {}, id FROM {} WHERE deleted = 0 AND ({filter})",
            current_columns(fields),
            table.name
        );
        let rows: Vec<(Current, String)> = self
            .conn
            .prepare(&sql)?
            .query_map(params, |r| {
                Ok((current_row(r, fields.len())?, r.get(fields.len() + 2)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut changed = 0;
        for ((rowid, stamps, old), id) in rows {
            if self.write_changes(table, rowid, &id, &stamps, &old, fields)? == Upserted::Changed {
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// Writes the fields of row `rowid` (id `id`) whose value differs from `old`, stamping
    /// each, and keeps them for undo.
    fn write_changes(
        &mut self,
        table: &Table,
        rowid: i64,
        id: &str,
        stamps: &str,
        old: &[Value],
        fields: &[(&str, Value)],
    ) -> Result<Upserted> {
        let changed: Vec<usize> = (0..fields.len()).filter(|&i| !same(&old[i], &fields[i].1)).collect();
        if changed.is_empty() {
            return Ok(Upserted::Unchanged);
        }
        let mut stamps: Map<String, Json> = serde_json::from_str(stamps).unwrap_or_default();
        let mut sql = format!("UPDATE {} SET updated_at = ?1, hlc = ?2, field_hlc = ?3", table.name);
        let mut values: Vec<&Value> = Vec::with_capacity(changed.len());
        for (n, &i) in changed.iter().enumerate() {
            let (name, value) = &fields[i];
            let _ = write!(sql, ", {name} = ?{}", n + 5);
            values.push(value);
            stamps.insert((*name).to_string(), Json::String(self.hlc.clone()));
        }
        sql.push_str(" WHERE rowid = ?4");
        let head = [
            Value::Integer(self.now_ms),
            Value::Text(self.hlc.clone()),
            Value::Text(Json::Object(stamps).to_string()),
            Value::Integer(rowid),
        ];
        self.conn
            .prepare_cached(&sql)?
            .execute(params_from_iter(head.iter().chain(values)))?;
        if let Some(undo) = &mut self.undo {
            // The fields' values before and after, for undo (only where it is kept).
            let before: Map<String, Json> = changed
                .iter()
                .map(|&i| (fields[i].0.to_string(), to_json(&old[i])))
                .collect();
            let after: Map<String, Json> = changed
                .iter()
                .map(|&i| (fields[i].0.to_string(), to_json(&fields[i].1)))
                .collect();
            undo.push(UndoEntry {
                table: table.name.to_string(),
                id: id.to_string(),
                before: Some(before),
                after: Some(after),
            });
        }
        Ok(Upserted::Changed)
    }

    /// Inserts the row, or updates just the given fields of it (bringing back a tombstone).
    pub fn upsert(&mut self, table: &Table, id: &str, fields: &[(&str, Value)]) -> Result<Upserted> {
        match self.exists(table, id)? {
            None => {
                self.insert(table, id, fields)?;
                Ok(Upserted::Added)
            }
            Some(deleted) => {
                if deleted {
                    let mut with_alive: Vec<(&str, Value)> = fields.to_vec();
                    with_alive.push(("deleted", Value::Integer(0)));
                    self.update(table, id, &with_alive)
                } else {
                    self.update(table, id, fields)
                }
            }
        }
    }

    /// Deletes a row by leaving a tombstone.
    pub fn delete(&mut self, table: &Table, id: &str) -> Result<()> {
        match self.update(table, id, &[("deleted", Value::Integer(1))])? {
            Upserted::Unchanged => Err(StoreError::NotFound(format!("{} {id} is already deleted", table.name))),
            _ => Ok(()),
        }
    }
}

/// The columns [`Writer::write_changes`] needs of a row: its rowid, its stamps and `fields`.
fn current_columns(fields: &[(&str, Value)]) -> String {
    let mut sql = String::from("rowid, field_hlc");
    for (name, _) in fields {
        sql.push_str(", ");
        sql.push_str(name);
    }
    sql
}

/// A row read by [`current_columns`]: rowid, stamps and the fields' values.
type Current = (i64, String, Vec<Value>);

fn current_row(r: &rusqlite::Row<'_>, fields: usize) -> rusqlite::Result<Current> {
    let mut vals = Vec::with_capacity(fields);
    for i in 0..fields {
        vals.push(r.get::<_, Value>(i + 2)?);
    }
    Ok((r.get(0)?, r.get(1)?, vals))
}

fn check_columns(table: &Table, fields: &[(&str, Value)]) -> Result<()> {
    for (name, _) in fields {
        if *name != "deleted" && !table.columns.iter().any(|c| c.name == *name) {
            return Err(StoreError::BadInput(format!("{} has no column {name}", table.name)));
        }
    }
    Ok(())
}

/// Values compare as SQLite stores them (an integer 1 and a real 1.0 are the same).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => (*x as f64) == *y,
        _ => a == b,
    }
}

pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(*i),
        Value::Real(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        Value::Text(s) => Json::String(s.clone()),
        Value::Blob(b) => Json::Array(b.iter().map(|x| Json::from(*x)).collect()),
    }
}

pub fn from_json(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}
