//! The full, versioned JSON dump and its restore. Every column of every synced table is in
//! it — ids, stamps and tombstones included — so export → restore → export is identical.
//! The copy's own identity (replica id, clock) is not data and stays out: a restored file is
//! a new copy, and two synced copies export the same document.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, params_from_iter};
use serde_json::{Map, Value as Json};

use super::schema::{self, Kind, Table};
use super::write::{from_json, to_json};
use super::{Result, Store, StoreError, migrations};

pub const FORMAT: &str = "sdm-export";
pub const FORMAT_VERSION: i64 = 1;

impl Store {
    /// The whole database as one JSON document.
    pub fn export_json(&self) -> Result<Json> {
        let conn = self.conn();
        let mut doc = Map::new();
        doc.insert("format".into(), Json::from(FORMAT));
        doc.insert("format_version".into(), Json::from(FORMAT_VERSION));
        doc.insert("schema_version".into(), Json::from(migrations::LATEST));
        let mut log = Vec::new();
        for (kind, at, file, rows) in super::queries::import_log(conn)? {
            let mut m = Map::new();
            m.insert("kind".into(), Json::String(kind));
            m.insert("at".into(), Json::String(instant_text(at)));
            m.insert("file".into(), Json::String(file));
            m.insert("rows".into(), Json::from(rows));
            log.push(Json::Object(m));
        }
        doc.insert("import_log".into(), Json::Array(log));
        let mut tables = Map::new();
        for table in schema::TABLES {
            tables.insert(table.name.to_string(), Json::Array(export_table(conn, table)?));
        }
        doc.insert("tables".into(), Json::Object(tables));
        Ok(Json::Object(doc))
    }

    /// Loads an export into this database, which must hold no records yet.
    pub fn restore_json(&mut self, doc: &Json) -> Result<usize> {
        let bad = |m: String| StoreError::BadInput(m);
        let obj = doc
            .as_object()
            .ok_or_else(|| bad("the file is not an sdm export (not a JSON object)".into()))?;
        if obj.get("format").and_then(Json::as_str) != Some(FORMAT) {
            return Err(bad(
                "the file is not an sdm export (no \"format\": \"sdm-export\")".into()
            ));
        }
        let version = obj.get("format_version").and_then(Json::as_i64).unwrap_or(0);
        if version != FORMAT_VERSION {
            return Err(bad(format!(
                "export format version {version} is not supported (this sdm reads version {FORMAT_VERSION})"
            )));
        }
        let schema_version = obj.get("schema_version").and_then(Json::as_i64).unwrap_or(0);
        if schema_version > migrations::LATEST {
            return Err(bad(format!(
                "the export comes from a newer sdm (schema version {schema_version}; this sdm knows up to {}): upgrade sdm",
                migrations::LATEST
            )));
        }
        // The built-in 24x7 calendar every new database has does not count; the export has it.
        let total: i64 = super::queries::row_counts(self.conn())?
            .iter()
            .map(|(_, l, d)| l + d)
            .sum();
        if total > 1 {
            return Err(StoreError::Conflict(format!(
                "{} already holds records: restore only into a new, empty database (give another --db)",
                self.path().display()
            )));
        }
        let tables = obj
            .get("tables")
            .and_then(Json::as_object)
            .ok_or_else(|| bad("the export has no \"tables\"".into()))?;
        for name in tables.keys() {
            if schema::table(name).is_none() {
                return Err(bad(format!("the export has an unknown table \"{name}\"")));
            }
        }
        let log = obj
            .get("import_log")
            .and_then(Json::as_array)
            .cloned()
            .unwrap_or_default();
        let builtin = super::builtin_calendar_id();
        let tx = self.conn_mut().transaction()?;
        tx.execute("DELETE FROM calendars WHERE id = ?1", [&builtin])?;
        let mut count = 0;
        for table in schema::TABLES {
            let Some(rows) = tables.get(table.name) else { continue };
            let rows = rows
                .as_array()
                .ok_or_else(|| bad(format!("table \"{}\" is not a list of rows", table.name)))?;
            for (i, row) in rows.iter().enumerate() {
                insert_row(&tx, table, row).map_err(|e| match e {
                    StoreError::BadInput(m) => bad(format!("{} row {}: {m}", table.name, i + 1)),
                    other => other,
                })?;
                count += 1;
            }
            // Every value as the interface and the imports would accept it, or nothing.
            if let Some((row, column, message)) = super::records::restored_problems(&tx, table.name, None)?
                .into_iter()
                .next()
            {
                return Err(bad(format!(
                    "{} row {row}, column {column}: {message}; nothing was restored",
                    table.name
                )));
            }
        }
        // An export from before problem records holds the reviews' problems in the reviews:
        // they move as the upgrade moves them.
        if schema_version < migrations::PROBLEMS_VERSION {
            tx.execute_batch(migrations::MOVE_REVIEW_PROBLEMS)?;
        }
        // And from before breaches kept their tickets' references: they keep them, as the
        // upgrade does.
        if schema_version < migrations::TICKET_REFS_VERSION {
            tx.execute_batch(migrations::KEEP_TICKET_REFS)?;
        }
        // The clock moves past every stamp restored, so new edits sort after them.
        let mut highest = String::new();
        for table in schema::TABLES {
            let sql = format!("SELECT coalesce(max(hlc), '') FROM {}", table.name);
            let h: String = tx.query_row(&sql, [], |r| r.get(0))?;
            if h > highest {
                highest = h;
            }
        }
        if let Ok(h) = highest.parse::<crate::domain::ids::Hlc>() {
            let node = self_node(&tx)?;
            let mine = crate::domain::ids::Hlc {
                millis: h.millis,
                counter: h.counter.saturating_add(1),
                node,
            };
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'hlc' AND value < ?1",
                [mine.to_string()],
            )?;
        }
        for entry in &log {
            let get = |k: &str| entry.get(k).cloned().unwrap_or(Json::Null);
            let at = get("at")
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| t.timestamp())
                .ok_or_else(|| bad("an import_log entry has no valid \"at\"".into()))?;
            tx.execute(
                "INSERT OR REPLACE INTO import_log(kind, at, file, rows) VALUES (?1, ?2, ?3, ?4)",
                rusqlite::params![
                    get("kind").as_str().unwrap_or_default(),
                    at,
                    get("file").as_str().unwrap_or_default(),
                    get("rows").as_i64().unwrap_or(0)
                ],
            )?;
        }
        tx.commit().map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                bad("the export refers to records it does not contain (a broken or edited file)".into())
            }
            _ => StoreError::from(e),
        })?;
        Ok(count)
    }
}

fn self_node(conn: &Connection) -> Result<String> {
    Ok(conn.query_row("SELECT value FROM meta WHERE key = 'node'", [], |r| r.get(0))?)
}

fn export_table(conn: &Connection, table: &Table) -> Result<Vec<Json>> {
    let cols: Vec<&schema::Column> = table.all_columns().collect();
    let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
    let sql = format!("SELECT {} FROM {} ORDER BY id", names.join(", "), table.name);
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut obj = Map::new();
        for (i, col) in cols.iter().enumerate() {
            let v: Value = row.get(i)?;
            obj.insert(col.name.to_string(), export_value(col.kind, &v)?);
        }
        out.push(Json::Object(obj));
    }
    Ok(out)
}

fn instant_text(secs: i64) -> String {
    DateTime::<Utc>::from_timestamp(secs, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| secs.to_string())
}

fn stamp_text(millis: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(millis)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
        .unwrap_or_else(|| millis.to_string())
}

fn export_value(kind: Kind, v: &Value) -> Result<Json> {
    Ok(match (kind, v) {
        (_, Value::Null) => Json::Null,
        (Kind::Bool, Value::Integer(i)) => Json::Bool(*i != 0),
        (Kind::Instant, Value::Integer(i)) => Json::String(instant_text(*i)),
        (Kind::Stamp, Value::Integer(i)) => Json::String(stamp_text(*i)),
        // A value that is not what sdm writes (edited by hand) still goes out, as the text it
        // is: the export is the way out of a damaged file, and restore refuses it by name.
        (Kind::Json, Value::Text(s)) => serde_json::from_str(s).unwrap_or_else(|_| Json::String(s.clone())),
        (Kind::Pauses, Value::Text(s)) => {
            let Ok(pairs) = serde_json::from_str::<Vec<(i64, Option<i64>)>>(s) else {
                return Ok(Json::String(s.clone()));
            };
            Json::Array(
                pairs
                    .into_iter()
                    .map(|(a, b)| {
                        Json::Array(vec![
                            Json::String(instant_text(a)),
                            b.map_or(Json::Null, |b| Json::String(instant_text(b))),
                        ])
                    })
                    .collect(),
            )
        }
        _ => to_json(v),
    })
}

fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

fn import_value(kind: Kind, column: &str, v: &Json) -> Result<Value> {
    let bad = || StoreError::BadInput(format!("column {column} has an unexpected value {v}"));
    Ok(match (kind, v) {
        (_, Json::Null) => Value::Null,
        (Kind::Bool, Json::Bool(b)) => Value::Integer(i64::from(*b)),
        (Kind::Instant, Json::String(s)) => Value::Integer(parse_time(s).ok_or_else(bad)?.timestamp()),
        (Kind::Stamp, Json::String(s)) => Value::Integer(parse_time(s).ok_or_else(bad)?.timestamp_millis()),
        (Kind::Json, other) => Value::Text(other.to_string()),
        (Kind::Pauses, Json::Array(items)) => {
            let mut pairs: Vec<(i64, Option<i64>)> = Vec::new();
            for item in items {
                let pair = item.as_array().filter(|p| p.len() == 2).ok_or_else(bad)?;
                let start = pair[0].as_str().and_then(parse_time).ok_or_else(bad)?.timestamp();
                let end = match &pair[1] {
                    Json::Null => None,
                    Json::String(s) => Some(parse_time(s).ok_or_else(bad)?.timestamp()),
                    _ => return Err(bad()),
                };
                pairs.push((start, end));
            }
            Value::Text(serde_json::to_string(&pairs)?)
        }
        (Kind::Text | Kind::Date, Json::String(s)) => Value::Text(s.clone()),
        (Kind::Int, Json::Number(n)) => Value::Integer(n.as_i64().ok_or_else(bad)?),
        (Kind::Real, Json::Number(_)) => match from_json(v) {
            Value::Integer(i) => Value::Real(i as f64),
            other => other,
        },
        _ => return Err(bad()),
    })
}

fn insert_row(conn: &Connection, table: &Table, row: &Json) -> Result<()> {
    let obj = row
        .as_object()
        .ok_or_else(|| StoreError::BadInput("a row is not a JSON object".into()))?;
    for key in obj.keys() {
        if table.column(key).is_none() {
            return Err(StoreError::BadInput(format!("unknown column \"{key}\"")));
        }
    }
    let mut names = Vec::new();
    let mut values = Vec::new();
    for col in table.all_columns() {
        if let Some(v) = obj.get(col.name) {
            names.push(col.name);
            values.push(import_value(col.kind, col.name, v)?);
        }
    }
    let placeholders: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.name,
        names.join(", "),
        placeholders.join(", ")
    );
    conn.prepare_cached(&sql)?
        .execute(params_from_iter(values))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => {
                StoreError::BadInput(format!("it breaks a rule of the table ({e})"))
            }
            _ => StoreError::from(e),
        })?;
    Ok(())
}
