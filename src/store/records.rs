//! How each domain record maps to its table: one [`Record`] impl per aggregate, and the
//! generic get / list / save / remove built on them.

use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::types::{Type, Value};
use rusqlite::{Connection, OptionalExtension, Row};

use super::schema::Table;
use super::{Result, Store, StoreError, Upserted, Writer};
use crate::domain::ids::natural_id;
use crate::domain::model::*;

pub trait Record: Sized {
    const TABLE: &'static Table;
    /// What one of these is called in messages ("service").
    const NOUN: &'static str;
    fn id(&self) -> &str;
    /// The domain columns, in [`Table::columns`] order.
    fn fields(&self) -> Vec<(&'static str, Value)>;
    /// Reads a row selected as `id, <columns in table order>`.
    fn from_row(row: &Row<'_>) -> rusqlite::Result<Self>;
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid>;
    /// Writes what lives in other tables (links); called after the row is saved.
    fn save_links(&self, _w: &mut Writer<'_>) -> Result<()> {
        Ok(())
    }
    /// Reads what lives in other tables (links).
    fn load_links(&mut self, _conn: &Connection) -> Result<()> {
        Ok(())
    }
}

/// `SELECT id, c1, c2, ... FROM table`.
pub fn select_sql(table: &Table) -> String {
    let cols: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
    format!("SELECT id, {} FROM {}", cols.join(", "), table.name)
}

impl Store {
    /// The live record with this id.
    pub fn get<T: Record>(&self, id: &str) -> Result<Option<T>> {
        get_in(self.conn(), id)
    }

    /// Every live record of a kind (for small tables; large ones are paged by queries).
    pub fn all<T: Record>(&self) -> Result<Vec<T>> {
        list_where(self.conn(), "deleted = 0", [])
    }
}

pub fn get_in<T: Record>(conn: &Connection, id: &str) -> Result<Option<T>> {
    let sql = format!("{} WHERE id = ?1 AND deleted = 0", select_sql(T::TABLE));
    let found = conn.prepare_cached(&sql)?.query_row([id], T::from_row).optional()?;
    match found {
        Some(mut rec) => {
            rec.load_links(conn)?;
            Ok(Some(rec))
        }
        None => Ok(None),
    }
}

/// The records `WHERE <filter>`. A row whose values cannot be read is left out and noted
/// ([`super::unreadable`]), so one bad row never stops a command.
pub fn list_where<T: Record, P: rusqlite::Params>(conn: &Connection, filter: &str, params: P) -> Result<Vec<T>> {
    let sql = format!("{} WHERE {filter}", select_sql(T::TABLE));
    let mut stmt = conn.prepare_cached(&sql)?;
    let columns = selected_columns(T::TABLE);
    let mut out: Vec<T> = Vec::new();
    let mut rows = stmt.query(params)?;
    while let Some(row) = rows.next()? {
        if let Some(rec) = super::unreadable::read_or_skip(T::TABLE.name, &columns, row, T::from_row)? {
            out.push(rec);
        }
    }
    for rec in &mut out {
        rec.load_links(conn)?;
    }
    Ok(out)
}

/// The columns [`select_sql`] selects, in order.
fn selected_columns(table: &Table) -> Vec<&'static str> {
    std::iter::once("id")
        .chain(table.columns.iter().map(|c| c.name))
        .collect()
}

/// A stored value sdm cannot use: (row id, column, what is wrong).
pub type Problem = (String, String, String);

/// The rows of `T`'s table (all of them, or the one with `id`), tombstones included, whose
/// values do not read back as a valid record. With `mend`, a word of a row that does read back
/// but is spelt otherwise than sdm writes it ("Ticket", " open") is written as sdm writes it:
/// it reads the same, but every query that names the word would miss it.
fn problems_of<T: Record>(conn: &Connection, id: Option<&str>, mend: bool) -> Result<Vec<Problem>> {
    let sql = match id {
        Some(_) => format!("{} WHERE id = ?1", select_sql(T::TABLE)),
        None => select_sql(T::TABLE),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let columns = selected_columns(T::TABLE);
    let mut rows = match id {
        Some(id) => stmt.query([id])?,
        None => stmt.query([])?,
    };
    let mut out = Vec::new();
    let mut respelt: Vec<(String, &'static str, Value)> = Vec::new();
    while let Some(row) = rows.next()? {
        let row_id: String = row.get(0).unwrap_or_default();
        match T::from_row(row) {
            Ok(rec) => match rec.validate() {
                Err(e) => out.push((row_id, e.field.to_string(), e.message)),
                Ok(()) if mend => {
                    // Text comes back as it was stored; only a word can read back otherwise.
                    for (name, written) in rec.fields() {
                        let is_text = T::TABLE
                            .column(name)
                            .is_some_and(|c| c.kind == super::schema::Kind::Text);
                        if is_text && row.get::<_, Value>(name)? != written {
                            respelt.push((row_id.clone(), name, written));
                        }
                    }
                }
                Ok(()) => {}
            },
            Err(e) => {
                let Some(column) = super::unreadable::failed_column(&e, &columns) else {
                    return Err(e.into());
                };
                let message = match &e {
                    rusqlite::Error::FromSqlConversionFailure(_, _, inner) => inner.to_string(),
                    other => other.to_string(),
                };
                out.push((row_id, column.to_string(), message));
            }
        }
    }
    drop(rows);
    for (row_id, column, written) in respelt {
        conn.prepare_cached(&format!("UPDATE {} SET {column} = ?1 WHERE id = ?2", T::TABLE.name))?
            .execute(rusqlite::params![written, row_id])?;
    }
    Ok(out)
}

/// [`problems_of`] for the table called `table` (link tables hold only ids, which foreign
/// keys check).
pub fn problems(conn: &Connection, table: &str, id: Option<&str>) -> Result<Vec<Problem>> {
    read_back(conn, table, id, false)
}

/// [`problems`] of restored rows, their words written as sdm writes them. (Not a sync's: a
/// word rewritten there without its stamp would differ from the peer's for good.)
pub fn restored_problems(conn: &Connection, table: &str, id: Option<&str>) -> Result<Vec<Problem>> {
    read_back(conn, table, id, true)
}

fn read_back(conn: &Connection, table: &str, id: Option<&str>, mend: bool) -> Result<Vec<Problem>> {
    match table {
        "calendars" => problems_of::<CalendarRecord>(conn, id, mend),
        "services" => problems_of::<Service>(conn, id, mend),
        "sla_targets" => problems_of::<SlaTarget>(conn, id, mend),
        "tickets" => problems_of::<Ticket>(conn, id, mend),
        "outages" => problems_of::<Outage>(conn, id, mend),
        "breaches" => problems_of::<Breach>(conn, id, mend),
        "stakeholders" => problems_of::<Stakeholder>(conn, id, mend),
        "touch_points" => problems_of::<TouchPoint>(conn, id, mend),
        "changes" => problems_of::<Change>(conn, id, mend),
        "reviews" => problems_of::<Review>(conn, id, mend),
        "actions" => problems_of::<Action>(conn, id, mend),
        "scores" => problems_of::<Score>(conn, id, mend),
        "improvements" => problems_of::<Improvement>(conn, id, mend),
        "problems" => problems_of::<crate::domain::model::Problem>(conn, id, mend),
        "responses" => problems_of::<crate::domain::model::SurveyResponse>(conn, id, mend),
        _ => Ok(Vec::new()),
    }
}

/// Refuses a row that came from outside (a restore, a sync) unless it reads back as a valid
/// record: one line naming the table, the row and the column.
pub fn check_incoming(conn: &Connection, table: &str, id: &str) -> Result<()> {
    if let Some((row, column, message)) = problems(conn, table, Some(id))?.into_iter().next() {
        return Err(StoreError::BadInput(format!(
            "{table} row {row}, column {column}: {message}"
        )));
    }
    Ok(())
}

impl Writer<'_> {
    /// Validates and writes the whole record (insert or update).
    pub fn save<T: Record>(&mut self, rec: &T) -> Result<Upserted> {
        rec.validate()?;
        let fields = rec.fields();
        let outcome = self.upsert(T::TABLE, rec.id(), &fields)?;
        rec.save_links(self)?;
        Ok(outcome)
    }

    /// Validates and writes a record known to be new (its id was just looked up and is
    /// absent): [`Writer::save`] without looking it up again, for writes in bulk.
    pub fn add<T: Record>(&mut self, rec: &T) -> Result<()> {
        rec.validate()?;
        self.insert(T::TABLE, rec.id(), &rec.fields())?;
        rec.save_links(self)
    }

    /// Sets some fields of a record (a file that gives only some, such as the portfolio), and
    /// checks the record as it then stands with the same rules as [`Writer::save`]: a value the
    /// writer refuses is refused here too, and the transaction rolls back.
    pub fn upsert_checked(&mut self, table: &Table, id: &str, fields: &[(&str, Value)]) -> Result<Upserted> {
        let done = self.upsert(table, id, fields)?;
        let conn = self.conn();
        match table.name {
            "calendars" => check_stored::<CalendarRecord>(conn, id)?,
            "services" => check_stored::<Service>(conn, id)?,
            "sla_targets" => check_stored::<SlaTarget>(conn, id)?,
            "stakeholders" => check_stored::<Stakeholder>(conn, id)?,
            "tickets" => check_stored::<Ticket>(conn, id)?,
            "outages" => check_stored::<Outage>(conn, id)?,
            "changes" => check_stored::<Change>(conn, id)?,
            "scores" => check_stored::<Score>(conn, id)?,
            "responses" => check_stored::<crate::domain::model::SurveyResponse>(conn, id)?,
            _ => {}
        }
        Ok(done)
    }

    /// Deletes a record (a tombstone).
    pub fn remove<T: Record>(&mut self, id: &str) -> Result<()> {
        self.delete(T::TABLE, id)
    }

    /// Links `owner` to a service unless it is linked already (an import adds the service its
    /// file names and leaves the SDM's other links alone).
    pub fn add_link(&mut self, table: &Table, owner_col: &str, owner: &str, service_id: &str) -> Result<()> {
        let sql = format!(
            "SELECT count(*) FROM {} WHERE {owner_col} = ?1 AND service_id = ?2 AND deleted = 0",
            table.name
        );
        let linked: i64 = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([owner, service_id], |r| r.get(0))?;
        if linked == 0 {
            let id = natural_id(table.name, &format!("{owner}/{service_id}"));
            self.upsert(
                table,
                &id,
                &[(owner_col, text(owner)), ("service_id", text(service_id))],
            )?;
        }
        Ok(())
    }

    /// Makes the live links of `owner` to services exactly `service_ids`.
    pub(super) fn set_links(
        &mut self,
        table: &Table,
        owner_col: &str,
        owner: &str,
        service_ids: &[String],
    ) -> Result<()> {
        let sql = format!(
            "SELECT id, service_id FROM {} WHERE {owner_col} = ?1 AND deleted = 0",
            table.name
        );
        let existing: Vec<(String, String)> = self
            .conn()
            .prepare_cached(&sql)?
            .query_map([owner], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, service) in &existing {
            if !service_ids.contains(service) {
                self.delete(table, id)?;
            }
        }
        for service in service_ids {
            if existing.iter().any(|(_, s)| s == service) {
                continue;
            }
            let id = natural_id(table.name, &format!("{owner}/{service}"));
            self.upsert(table, &id, &[(owner_col, text(owner)), ("service_id", text(service))])?;
        }
        Ok(())
    }
}

pub(super) fn load_service_links(
    conn: &Connection,
    table: &Table,
    owner_col: &str,
    owner: &str,
) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT service_id FROM {} WHERE {owner_col} = ?1 AND deleted = 0 ORDER BY service_id",
        table.name
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_map([owner], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

// ---- value conversions ----

pub fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

pub fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, text)
}

pub fn int(i: i64) -> Value {
    Value::Integer(i)
}

pub fn opt_int(i: Option<i64>) -> Value {
    i.map_or(Value::Null, Value::Integer)
}

pub fn real(f: f64) -> Value {
    Value::Real(f)
}

pub fn opt_real(f: Option<f64>) -> Value {
    f.map_or(Value::Null, Value::Real)
}

pub fn boolean(b: bool) -> Value {
    Value::Integer(i64::from(b))
}

pub fn date(d: NaiveDate) -> Value {
    Value::Text(d.format("%Y-%m-%d").to_string())
}

pub fn opt_date(d: Option<NaiveDate>) -> Value {
    d.map_or(Value::Null, date)
}

pub fn json<T: serde::Serialize>(v: &T) -> Value {
    Value::Text(serde_json::to_string(v).unwrap_or_else(|_| "null".into()))
}

fn conversion(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))
}

pub fn get_word<T: FromStr>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    with_text(row, idx, |text| text.parse().map_err(|e| conversion(idx, e)))
}

pub fn get_opt_word<T: FromStr>(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<T>>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let s: Option<String> = row.get(idx)?;
    s.map(|s| s.parse().map_err(|e| conversion(idx, e))).transpose()
}

pub fn get_date(row: &Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    let s: String = row.get(idx)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| conversion(idx, e))
}

pub fn get_opt_date(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let s: Option<String> = row.get(idx)?;
    s.map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| conversion(idx, e)))
        .transpose()
}

pub fn get_json<T: serde::de::DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    with_text(row, idx, |text| {
        serde_json::from_str(text).map_err(|e| conversion(idx, e))
    })
}

/// `read` of a text column, read in place (a million tickets' pauses are a million small
/// texts, mostly `[]`); any other type is read as `row.get::<String>` reads it, and refused the
/// same way.
fn with_text<T>(row: &Row<'_>, idx: usize, read: impl FnOnce(&str) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    if let rusqlite::types::ValueRef::Text(bytes) = row.get_ref(idx)? {
        return read(std::str::from_utf8(bytes).map_err(|e| rusqlite::Error::Utf8Error(idx, e))?);
    }
    let s: String = row.get(idx)?;
    read(&s)
}

/// Reads a record back and checks it as the writer would.
fn check_stored<T: Record>(conn: &Connection, id: &str) -> Result<()> {
    if let Some(rec) = get_in::<T>(conn, id)? {
        rec.validate()?;
    }
    Ok(())
}

/// A name or reference that names nothing, with the close matches to offer.
pub fn not_found(noun: &str, given: &str, close: &[String]) -> StoreError {
    if close.is_empty() {
        StoreError::NotFound(format!("no {noun} named \"{given}\""))
    } else {
        StoreError::NotFound(format!(
            "no {noun} named \"{given}\"; did you mean {}?",
            close.join(", ")
        ))
    }
}
