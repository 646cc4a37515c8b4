//! `sdm export --format csv`: a folder with one CSV per table. Tickets, outages, changes and
//! scores use the generic import columns (services by name, times in RFC 3339), so an export
//! imports back; every other table has all its columns.

use std::path::Path;

use rusqlite::types::Value;

use super::schema::{self, Kind};
use super::{Result, Store, StoreError};
use crate::files::{Replace, write_private_with};
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
    (
        "responses",
        &["service", "date", "score", "scale", "respondent", "comment"],
        "SELECT s.name, r.answered_on, r.score, r.scale, r.respondent, r.comment FROM responses r \
         JOIN services s ON s.id = r.service_id WHERE r.deleted = 0 ORDER BY s.name, r.answered_on, r.id",
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
    /// Files already there are replaced only when `replace` allows it; cells a spreadsheet
    /// would run as formulas are quoted unless `raw_cells`.
    pub fn export_csv(&self, dir: &Path, replace: Replace, raw_cells: bool) -> Result<Vec<String>> {
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
        let mut files: Vec<(String, Vec<String>, String)> = Vec::new();
        for (name, header, sql) in GENERIC {
            let header: Vec<String> = header.iter().map(|h| (*h).to_string()).collect();
            files.push(((*name).to_string(), header, (*sql).to_string()));
        }
        for table in schema::TABLES {
            if GENERIC.iter().any(|(n, _, _)| *n == table.name) {
                continue;
            }
            let names: Vec<String> = table.all_columns().map(|c| c.name.to_string()).collect();
            let sql = format!("SELECT {} FROM {} ORDER BY id", names.join(", "), table.name);
            files.push((table.name.to_string(), names, sql));
        }
        if replace == Replace::Refuse
            && let Some((name, _, _)) = files.iter().find(|(n, _, _)| dir.join(format!("{n}.csv")).exists())
        {
            return Err(StoreError::Conflict(format!(
                "{} already exists: give --force to replace the export in {}, or another folder",
                dir.join(format!("{name}.csv")).display(),
                dir.display()
            )));
        }
        let mut written = Vec::new();
        for (name, header, sql) in &files {
            let path = dir.join(format!("{name}.csv"));
            let generic = GENERIC.iter().any(|(n, _, _)| n == name);
            let table = schema::table(name);
            let mut failed: Option<StoreError> = None;
            let outcome = write_private_with(&path, Replace::Allow, |w| {
                let mut out = csv::Writer::from_writer(w);
                let result = self.write_csv_rows(&mut out, header, sql, generic, table, raw_cells);
                if let Err(e) = result {
                    let text = e.to_string();
                    failed = Some(e);
                    return Err(std::io::Error::other(text));
                }
                out.flush()
            });
            if let Some(e) = failed {
                return Err(e);
            }
            outcome.map_err(|e| StoreError::Io(std::io::Error::other(e.to_string())))?;
            written.push(format!("{name}.csv"));
        }
        Ok(written)
    }

    fn write_csv_rows<W: std::io::Write>(
        &self,
        out: &mut csv::Writer<W>,
        header: &[String],
        sql: &str,
        generic: bool,
        table: Option<&schema::Table>,
        raw_cells: bool,
    ) -> Result<()> {
        out.write_record(header).map_err(csv_err)?;
        let mut stmt = self.conn().prepare(sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let mut record = Vec::with_capacity(header.len());
            for (i, col) in header.iter().enumerate() {
                let v: Value = row.get(i)?;
                let kind = table.and_then(|t| t.column(col)).map(|c| c.kind);
                let cell = if generic {
                    match col.as_str() {
                        "opened" | "responded" | "resolved" | "start" | "end" | "implemented" => instant(&v),
                        "pauses" => pauses(&v),
                        "planned" => (plain(&v) == "1").to_string(),
                        _ => plain(&v),
                    }
                } else {
                    match kind {
                        Some(Kind::Instant) => instant(&v),
                        Some(Kind::Stamp) => match v {
                            Value::Integer(ms) => DateTime::<Utc>::from_timestamp_millis(ms)
                                .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true))
                                .unwrap_or_default(),
                            _ => String::new(),
                        },
                        Some(Kind::Bool) => (plain(&v) == "1").to_string(),
                        Some(Kind::Pauses) => pauses(&v),
                        _ => plain(&v),
                    }
                };
                record.push(spreadsheet_safe(cell, raw_cells));
            }
            out.write_record(&record).map_err(csv_err)?;
        }
        Ok(())
    }
}

/// A cell as it goes into the file: one a spreadsheet would take for a formula (it starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return, and is not a plain number) gets a
/// leading `'`, which spreadsheets show as text (the OWASP rule for CSV injection).
pub fn spreadsheet_safe(cell: String, raw: bool) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && cell.parse::<f64>().is_err();
    if raw || !risky { cell } else { format!("'{cell}") }
}

fn csv_err(e: csv::Error) -> StoreError {
    StoreError::Io(std::io::Error::other(e.to_string()))
}
