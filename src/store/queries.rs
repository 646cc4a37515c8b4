//! Finding records by what a person types, and whole-database facts.

use rusqlite::{Connection, OptionalExtension};

use super::records::{Record, get_in, not_found, select_sql};
use super::{Result, StoreError, schema};
use crate::domain::model::{CalendarRecord, Service, Stakeholder};

/// A service by its name or one of its aliases (case does not matter).
pub fn find_service(conn: &Connection, name: &str) -> Result<Service> {
    let name = name.trim();
    let sql = format!(
        "{} WHERE deleted = 0 AND (name = ?1 COLLATE NOCASE OR EXISTS \
         (SELECT 1 FROM json_each(services.aliases) WHERE value = ?1 COLLATE NOCASE)) LIMIT 1",
        select_sql(Service::TABLE)
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row([name], Service::from_row)
        .optional()?;
    match found {
        Some(s) => Ok(s),
        None => {
            let names = live_names(conn, "services")?;
            Err(not_found("service", name, &close_matches(&names, name)))
        }
    }
}

/// Every live service name and alias that holds a comma (an outage cell naming several
/// services is split around these first).
pub fn service_names_with_commas(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM services WHERE deleted = 0 AND instr(name, ',') > 0 \
         UNION SELECT a.value FROM services, json_each(services.aliases) AS a \
         WHERE services.deleted = 0 AND instr(a.value, ',') > 0",
    )?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}

/// A stakeholder by name: an exact match, or else the one name that contains the text.
/// The customers named on services not retired, in name order (each once, as first written).
pub fn customers(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT min(trim(customer)) FROM services WHERE deleted = 0 AND status <> 'retired' AND trim(customer) <> '' \
             GROUP BY lower(trim(customer)) ORDER BY lower(trim(customer))",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

pub fn find_stakeholder(conn: &Connection, name: &str) -> Result<Stakeholder> {
    let name = name.trim();
    let id: Option<String> = conn
        .query_row(
            "SELECT id FROM stakeholders WHERE deleted = 0 AND name = ?1 COLLATE NOCASE",
            [name],
            |r| r.get(0),
        )
        .optional()?;
    let id = match id {
        Some(id) => id,
        None => {
            let lower = name.to_lowercase();
            let mut matches: Vec<(String, String)> = conn
                .prepare("SELECT id, name FROM stakeholders WHERE deleted = 0 ORDER BY name")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(String, String)>>>()?;
            matches.retain(|(_, n)| n.to_lowercase().contains(&lower));
            // "ann" names Ann de Vries rather than Joanna: a word that starts with the text
            // wins over a match inside a word.
            if matches.len() > 1 {
                let starts: Vec<(String, String)> = matches
                    .iter()
                    .filter(|(_, n)| n.to_lowercase().split_whitespace().any(|w| w.starts_with(&lower)))
                    .cloned()
                    .collect();
                if !starts.is_empty() {
                    matches = starts;
                }
            }
            match matches.len() {
                1 => matches.remove(0).0,
                0 => {
                    let names = live_names(conn, "stakeholders")?;
                    return Err(not_found("stakeholder", name, &close_matches(&names, name)));
                }
                _ => {
                    let names: Vec<String> = matches.into_iter().map(|(_, n)| n).collect();
                    return Err(StoreError::NotFound(format!(
                        "\"{name}\" matches more than one stakeholder: {}; give the full name",
                        names.join(", ")
                    )));
                }
            }
        }
    };
    get_in(conn, &id)?.ok_or_else(|| StoreError::NotFound(format!("no stakeholder named \"{name}\"")))
}

/// A calendar by name (`24x7` always exists once the store is set up).
pub fn find_calendar(conn: &Connection, name: &str) -> Result<CalendarRecord> {
    let sql = format!(
        "{} WHERE deleted = 0 AND name = ?1 COLLATE NOCASE",
        select_sql(CalendarRecord::TABLE)
    );
    let found = conn
        .prepare_cached(&sql)?
        .query_row([name.trim()], CalendarRecord::from_row)
        .optional()?;
    match found {
        Some(c) => Ok(c),
        None => {
            let names = live_names(conn, "calendars")?;
            Err(not_found("calendar", name, &close_matches(&names, name)))
        }
    }
}

fn live_names(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let sql = format!("SELECT name FROM {table} WHERE deleted = 0 ORDER BY name");
    Ok(conn
        .prepare(&sql)?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Up to three candidates that look like `given`: containing it, or a few letters off.
pub fn close_matches(candidates: &[String], given: &str) -> Vec<String> {
    let g = given.to_lowercase();
    let mut scored: Vec<(usize, &String)> = candidates
        .iter()
        .filter_map(|c| {
            let l = c.to_lowercase();
            if !g.is_empty() && (l.contains(&g) || g.contains(&l)) {
                Some((0, c))
            } else {
                let d = crate::domain::text::edit_distance(&l, &g);
                (d <= 2.max(g.chars().count() / 4)).then_some((d, c))
            }
        })
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, c)| c.clone()).collect()
}

/// Live rows and tombstones per table.
pub fn row_counts(conn: &Connection) -> Result<Vec<(&'static str, i64, i64)>> {
    let mut out = Vec::new();
    for table in schema::TABLES {
        let sql = format!(
            "SELECT count(*) - coalesce(sum(deleted), 0), coalesce(sum(deleted), 0) FROM {}",
            table.name
        );
        let (live, dead): (i64, i64) = conn.query_row(&sql, [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        out.push((table.name, live, dead));
    }
    Ok(out)
}

/// What hangs on a record, to say before it is deleted: (what, how many), the non-zero ones.
pub fn ties(conn: &Connection, table: &str, id: &str) -> Result<Vec<(&'static str, i64)>> {
    let queries: &[(&'static str, &str)] = match table {
        "services" => &[
            (
                "tickets",
                "SELECT count(*) FROM tickets WHERE service_id = ?1 AND deleted = 0",
            ),
            (
                "open breaches",
                "SELECT count(*) FROM breaches WHERE service_id = ?1 AND deleted = 0 AND status IN ('open', 'acknowledged')",
            ),
            (
                "stakeholders",
                "SELECT count(*) FROM stakeholder_services WHERE service_id = ?1 AND deleted = 0",
            ),
        ],
        "stakeholders" => &[(
            "touch points",
            "SELECT count(*) FROM touch_points WHERE stakeholder_id = ?1 AND deleted = 0",
        )],
        _ => &[],
    };
    let mut out = Vec::new();
    for (what, sql) in queries {
        let n: i64 = conn.query_row(sql, [id], |r| r.get(0))?;
        if n > 0 {
            out.push((*what, n));
        }
    }
    Ok(out)
}

/// When each kind of data was last imported: (kind, unix seconds, file, rows).
pub fn import_log(conn: &Connection) -> Result<Vec<(String, i64, String, i64)>> {
    Ok(conn
        .prepare("SELECT kind, at, file, rows FROM import_log ORDER BY kind")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Records that an import of `kind` happened.
pub fn log_import(conn: &Connection, kind: &str, at: i64, file: &str, rows: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO import_log(kind, at, file, rows) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(kind) DO UPDATE SET at = excluded.at, file = excluded.file, rows = excluded.rows",
        rusqlite::params![kind, at, file, rows],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_matches_find_typos_and_parts() {
        let names: Vec<String> = ["Payroll", "Email", "Service Desk"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(close_matches(&names, "Payrol"), vec!["Payroll".to_string()]);
        assert_eq!(close_matches(&names, "desk"), vec!["Service Desk".to_string()]);
        assert!(close_matches(&names, "Quantum").is_empty());
    }
}
