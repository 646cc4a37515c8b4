//! Rows that cannot be read (a value no sdm writes: edited by hand, or from a damaged file).
//!
//! Restore and sync refuse such values at the door; one that is in the file all the same is
//! skipped by the readers, so every command still answers, and noted here so the command can
//! say once what it skipped and `sdm check` can list it.

use std::collections::BTreeMap;
use std::sync::Mutex;

use rusqlite::Row;

/// (table, row id) → the column that could not be read.
static SKIPPED: Mutex<BTreeMap<(String, String), String>> = Mutex::new(BTreeMap::new());

/// Notes a row a reader skipped.
pub fn note(table: &str, id: &str, column: &str) {
    if let Ok(mut skipped) = SKIPPED.lock() {
        skipped.insert((table.to_string(), id.to_string()), column.to_string());
    }
}

/// The rows skipped since the last call: (table, id, column).
pub fn take() -> Vec<(String, String, String)> {
    match SKIPPED.lock() {
        Ok(mut skipped) => std::mem::take(&mut *skipped)
            .into_iter()
            .map(|((t, id), c)| (t, id, c))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// One line per table for what was skipped: "1 ticket row unreadable: tickets id …, column
/// state; run sdm check".
pub fn summary(skipped: &[(String, String, String)]) -> Vec<String> {
    let mut by_table: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for (t, id, c) in skipped {
        by_table.entry(t.as_str()).or_default().push((id.as_str(), c.as_str()));
    }
    by_table
        .into_iter()
        .map(|(table, rows)| {
            let noun = table.trim_end_matches('s').replace('_', " ");
            let (id, column) = rows[0];
            let more = if rows.len() > 1 {
                format!(" and {} more", rows.len() - 1)
            } else {
                String::new()
            };
            format!(
                "{} {noun} row{} unreadable and left out: {table} id {id}, column {column}{more}; run sdm check",
                rows.len(),
                if rows.len() == 1 { "" } else { "s" }
            )
        })
        .collect()
}

/// Maps one row with `map`; a row whose values cannot be read is noted and gives `None`.
/// `columns` names the selected columns in order (the first is the id).
pub fn read_or_skip<T>(
    table: &str,
    columns: &[&'static str],
    row: &Row<'_>,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Option<T>> {
    match map(row) {
        Ok(v) => Ok(Some(v)),
        Err(e) => {
            let Some(column) = failed_column(&e, columns) else {
                return Err(e);
            };
            let id: String = row.get(0).unwrap_or_default();
            note(table, &id, column);
            Ok(None)
        }
    }
}

/// The column a row-mapping error points at (`columns` names the selected columns in order),
/// or `None` when the error is not about one value.
pub fn failed_column(e: &rusqlite::Error, columns: &[&'static str]) -> Option<&'static str> {
    match e {
        rusqlite::Error::FromSqlConversionFailure(i, _, _)
        | rusqlite::Error::InvalidColumnType(i, _, _)
        | rusqlite::Error::IntegralValueOutOfRange(i, _) => Some(columns.get(*i).copied().unwrap_or("?")),
        _ => None,
    }
}
