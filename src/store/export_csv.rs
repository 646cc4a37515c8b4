//! `sdm export --format csv`: a folder with one CSV per table. Tickets, outages, changes and
//! scores use the generic import columns (services by name, times in RFC 3339), so an export
//! imports back; every other table has all its columns.

use std::path::Path;

use rusqlite::types::Value;

use super::schema::{self, Kind};
use super::{Result, Store, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};

/// The tables written in the generic import shape, with their query.
const GENERIC: &[(&str, &[&str], &str)] = &[
    (
        "tickets",
        &[
            "ref",
            "service",
            "priority",
            "opened",
            "responded",
            "resolved",
            "summary",
            "pauses",
            "state",
            "kind",
        ],
        "SELECT t.reference, s.name, upper(t.priority), t.opened_at, t.responded_at, t.resolved_at, t.summary, \
         t.pauses, t.state, t.kind FROM tickets t JOIN services s ON s.id = t.service_id \
         WHERE t.deleted = 0 ORDER BY t.opened_at, t.reference",
    ),
    (
        "outages",
        &["service", "start", "end", "planned", "summary"],
        "SELECT s.name, o.start_at, o.end_at, o.planned, o.summary FROM outages o \
         JOIN services s ON s.id = o.service_id WHERE o.deleted = 0 ORDER BY o.start_at, s.name",
    ),
    (
        "changes",
        &["ref", "service", "kind", "implemented", "outcome", "summary"],
        "SELECT c.reference, s.name, c.kind, c.implemented_at, c.outcome, c.summary FROM changes c \
         JOIN services s ON s.id = c.service_id WHERE c.deleted = 0 ORDER BY c.implemented_at, c.reference",
    ),
    (
        "scores",
        &["service", "period", "score", "scale", "responses"],
        "SELECT s.name, sc.period, sc.score, sc.scale_max, sc.responses FROM scores sc \
         JOIN services s ON s.id = sc.service_id WHERE sc.deleted = 0 ORDER BY s.name, sc.period",
    ),
];

fn instant(v: &Value) -> String {
    match v {
        Value::Integer(secs) => DateTime::<Utc>::from_timestamp(*secs, 0)
            .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(s) => s.clone(),
        Value::Blob(_) => String::new(),
    }
}

fn pauses(v: &Value) -> String {
    let Value::Text(s) = v else { return String::new() };
    let pairs: Vec<(i64, Option<i64>)> = serde_json::from_str(s).unwrap_or_default();
    pairs
        .iter()
        .map(|(a, b)| {
            format!(
                "{}/{}",
                instant(&Value::Integer(*a)),
                b.map(|b| instant(&Value::Integer(b))).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

impl Store {
    /// Writes one CSV per table into `dir` (created 0700 if missing). Returns the files written.
    pub fn export_csv(&self, dir: &Path) -> Result<Vec<String>> {
        if dir.exists() && !dir.is_dir() {
            return Err(StoreError::BadInput(format!(
                "{} is a file: give a folder for the CSV export",
                dir.display()
            )));
        }
        if !dir.exists() {
            use std::os::unix::fs::DirBuilderExt;
            std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
        }
        let conn = self.conn();
        let mut written = Vec::new();
        for (name, header, sql) in GENERIC {
            let mut out = csv_writer(dir, name)?;
            out.write_record(*header).map_err(csv_err)?;
            let mut stmt = conn.prepare(sql)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let mut record = Vec::with_capacity(header.len());
                for (i, col) in header.iter().enumerate() {
                    let v: Value = row.get(i)?;
                    record.push(match *col {
                        "opened" | "responded" | "resolved" | "start" | "end" | "implemented" => instant(&v),
                        "pauses" => pauses(&v),
                        "planned" => (plain(&v) == "1").to_string(),
                        _ => plain(&v),
                    });
                }
                out.write_record(&record).map_err(csv_err)?;
            }
            out.flush()?;
            written.push(format!("{name}.csv"));
        }
        for table in schema::TABLES {
            if GENERIC.iter().any(|(n, _, _)| *n == table.name) {
                continue;
            }
            let cols: Vec<&schema::Column> = table.all_columns().collect();
            let mut out = csv_writer(dir, table.name)?;
            out.write_record(cols.iter().map(|c| c.name)).map_err(csv_err)?;
            let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
            let sql = format!("SELECT {} FROM {} ORDER BY id", names.join(", "), table.name);
            let mut stmt = conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let mut record = Vec::with_capacity(cols.len());
                for (i, col) in cols.iter().enumerate() {
                    let v: Value = row.get(i)?;
                    record.push(match col.kind {
                        Kind::Instant => instant(&v),
                        Kind::Stamp => match v {
                            Value::Integer(ms) => DateTime::<Utc>::from_timestamp_millis(ms)
                                .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
                                .unwrap_or_default(),
                            _ => String::new(),
                        },
                        Kind::Bool => (plain(&v) == "1").to_string(),
                        Kind::Pauses => pauses(&v),
                        _ => plain(&v),
                    });
                }
                out.write_record(&record).map_err(csv_err)?;
            }
            out.flush()?;
            written.push(format!("{}.csv", table.name));
        }
        Ok(written)
    }
}

fn csv_writer(dir: &Path, name: &str) -> Result<csv::Writer<std::fs::File>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(dir.join(format!("{name}.csv")))?;
    Ok(csv::Writer::from_writer(file))
}

fn csv_err(e: csv::Error) -> StoreError {
    StoreError::Io(std::io::Error::other(e.to_string()))
}
