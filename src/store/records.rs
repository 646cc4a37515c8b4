//! How each domain record maps to its table: one [`Record`] impl per aggregate, and the
//! generic get / list / save / remove built on them.

use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::types::{Type, Value};
use rusqlite::{Connection, OptionalExtension, Row};

use super::schema::{self, Table};
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
/// values do not read back as a valid record.
fn problems_of<T: Record>(conn: &Connection, id: Option<&str>) -> Result<Vec<Problem>> {
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
    while let Some(row) = rows.next()? {
        let row_id: String = row.get(0).unwrap_or_default();
        match T::from_row(row) {
            Ok(rec) => {
                if let Err(e) = rec.validate() {
                    out.push((row_id, e.field.to_string(), e.message));
                }
            }
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
    Ok(out)
}

/// [`problems_of`] for the table called `table` (link tables hold only ids, which foreign
/// keys check).
pub fn problems(conn: &Connection, table: &str, id: Option<&str>) -> Result<Vec<Problem>> {
    match table {
        "calendars" => problems_of::<CalendarRecord>(conn, id),
        "services" => problems_of::<Service>(conn, id),
        "sla_targets" => problems_of::<SlaTarget>(conn, id),
        "tickets" => problems_of::<Ticket>(conn, id),
        "outages" => problems_of::<Outage>(conn, id),
        "breaches" => problems_of::<Breach>(conn, id),
        "stakeholders" => problems_of::<Stakeholder>(conn, id),
        "touch_points" => problems_of::<TouchPoint>(conn, id),
        "changes" => problems_of::<Change>(conn, id),
        "reviews" => problems_of::<Review>(conn, id),
        "actions" => problems_of::<Action>(conn, id),
        "scores" => problems_of::<Score>(conn, id),
        "improvements" => problems_of::<Improvement>(conn, id),
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

    /// Deletes a record (a tombstone).
    pub fn remove<T: Record>(&mut self, id: &str) -> Result<()> {
        self.delete(T::TABLE, id)
    }

    /// Makes the live links of `owner` to services exactly `service_ids`.
    fn set_links(&mut self, table: &Table, owner_col: &str, owner: &str, service_ids: &[String]) -> Result<()> {
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

fn load_service_links(conn: &Connection, table: &Table, owner_col: &str, owner: &str) -> Result<Vec<String>> {
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
    let s: String = row.get(idx)?;
    s.parse().map_err(|e| conversion(idx, e))
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
    let s: String = row.get(idx)?;
    serde_json::from_str(&s).map_err(|e| conversion(idx, e))
}

fn get_bool(row: &Row<'_>, idx: usize) -> rusqlite::Result<bool> {
    Ok(row.get::<_, i64>(idx)? != 0)
}

/// Pauses are kept as `[[start, end|null], ...]`.
fn pauses_value(pauses: &[Pause]) -> Value {
    let pairs: Vec<(i64, Option<i64>)> = pauses.iter().map(|p| (p.start, p.end)).collect();
    json(&pairs)
}

fn get_pauses(row: &Row<'_>, idx: usize) -> rusqlite::Result<Vec<Pause>> {
    let pairs: Vec<(i64, Option<i64>)> = get_json(row, idx)?;
    Ok(pairs.into_iter().map(|(start, end)| Pause { start, end }).collect())
}

// ---- the records ----

impl Record for CalendarRecord {
    const TABLE: &'static Table = &schema::CALENDARS;
    const NOUN: &'static str = "calendar";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("name", text(&self.name)),
            ("timezone", text(&self.timezone)),
            ("hours", json(&self.hours)),
            ("holidays", json(&self.holidays)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(CalendarRecord {
            id: r.get(0)?,
            name: r.get(1)?,
            timezone: r.get(2)?,
            hours: get_json(r, 3)?,
            holidays: get_json(r, 4)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        CalendarRecord::validate(self)
    }
}

impl Record for Service {
    const TABLE: &'static Table = &schema::SERVICES;
    const NOUN: &'static str = "service";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("name", text(&self.name)),
            ("aliases", json(&self.aliases)),
            ("customer", text(&self.customer)),
            ("agreement_kind", text(self.agreement_kind.as_str())),
            ("agreement_ref", text(&self.agreement_ref)),
            ("agreement_start", opt_date(self.agreement_start)),
            ("agreement_end", opt_date(self.agreement_end)),
            ("notice_days", opt_int(self.notice_days)),
            ("agreement_review", opt_date(self.agreement_review)),
            ("criticality", text(self.criticality.as_str())),
            ("window_calendar_id", opt_text(self.window_calendar_id.as_deref())),
            ("status", text(self.status.as_str())),
            ("monthly_cost", opt_real(self.monthly_cost)),
            ("description", text(&self.description)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Service {
            id: r.get(0)?,
            name: r.get(1)?,
            aliases: get_json(r, 2)?,
            customer: r.get(3)?,
            agreement_kind: get_word(r, 4)?,
            agreement_ref: r.get(5)?,
            agreement_start: get_opt_date(r, 6)?,
            agreement_end: get_opt_date(r, 7)?,
            notice_days: r.get(8)?,
            agreement_review: get_opt_date(r, 9)?,
            criticality: get_word(r, 10)?,
            window_calendar_id: r.get(11)?,
            status: get_word(r, 12)?,
            monthly_cost: r.get(13)?,
            description: r.get(14)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Service::validate(self)
    }
}

impl Record for SlaTarget {
    const TABLE: &'static Table = &schema::SLA_TARGETS;
    const NOUN: &'static str = "SLA target";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("service_id", text(&self.service_id)),
            ("kind", text(self.kind.as_str())),
            ("priority", opt_text(self.priority.map(|p| p.as_str()))),
            ("goal", real(self.goal)),
            ("calendar_id", opt_text(self.calendar_id.as_deref())),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(SlaTarget {
            id: r.get(0)?,
            service_id: r.get(1)?,
            kind: get_word(r, 2)?,
            priority: get_opt_word(r, 3)?,
            goal: r.get(4)?,
            calendar_id: r.get(5)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        SlaTarget::validate(self)
    }
}

impl Record for Ticket {
    const TABLE: &'static Table = &schema::TICKETS;
    const NOUN: &'static str = "ticket";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("reference", text(&self.reference)),
            ("service_id", text(&self.service_id)),
            ("kind", text(self.kind.as_str())),
            ("priority", text(self.priority.as_str())),
            ("state", text(self.state.as_str())),
            ("opened_at", int(self.opened_at)),
            ("responded_at", opt_int(self.responded_at)),
            ("resolved_at", opt_int(self.resolved_at)),
            ("pauses", pauses_value(&self.pauses)),
            ("summary", text(&self.summary)),
            ("critical", boolean(self.critical)),
            ("excluded_reason", opt_text(self.excluded_reason.as_deref())),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Ticket {
            id: r.get(0)?,
            reference: r.get(1)?,
            service_id: r.get(2)?,
            kind: get_word(r, 3)?,
            priority: get_word(r, 4)?,
            state: get_word(r, 5)?,
            opened_at: r.get(6)?,
            responded_at: r.get(7)?,
            resolved_at: r.get(8)?,
            pauses: get_pauses(r, 9)?,
            summary: r.get(10)?,
            critical: get_bool(r, 11)?,
            excluded_reason: r.get(12)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Ticket::validate(self)
    }
}

impl Record for Outage {
    const TABLE: &'static Table = &schema::OUTAGES;
    const NOUN: &'static str = "outage";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("service_id", text(&self.service_id)),
            ("start_at", int(self.start_at)),
            ("end_at", opt_int(self.end_at)),
            ("planned", boolean(self.planned)),
            ("summary", text(&self.summary)),
            ("excluded_reason", opt_text(self.excluded_reason.as_deref())),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Outage {
            id: r.get(0)?,
            service_id: r.get(1)?,
            start_at: r.get(2)?,
            end_at: r.get(3)?,
            planned: get_bool(r, 4)?,
            summary: r.get(5)?,
            excluded_reason: r.get(6)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Outage::validate(self)
    }
}

impl Record for Breach {
    const TABLE: &'static Table = &schema::BREACHES;
    const NOUN: &'static str = "breach";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("service_id", text(&self.service_id)),
            ("target_id", opt_text(self.target_id.as_deref())),
            ("source", text(self.source.as_str())),
            ("ticket_id", opt_text(self.ticket_id.as_deref())),
            ("period", opt_text(self.period.as_deref())),
            ("title", text(&self.title)),
            ("breached_at", int(self.breached_at)),
            ("status", text(self.status.as_str())),
            ("customer_informed", boolean(self.customer_informed)),
            ("credit", opt_real(self.credit)),
            ("notes", text(&self.notes)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Breach {
            id: r.get(0)?,
            service_id: r.get(1)?,
            target_id: r.get(2)?,
            source: get_word(r, 3)?,
            ticket_id: r.get(4)?,
            period: r.get(5)?,
            title: r.get(6)?,
            breached_at: r.get(7)?,
            status: get_word(r, 8)?,
            customer_informed: get_bool(r, 9)?,
            credit: r.get(10)?,
            notes: r.get(11)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Breach::validate(self)
    }
}

impl Record for Stakeholder {
    const TABLE: &'static Table = &schema::STAKEHOLDERS;
    const NOUN: &'static str = "stakeholder";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("name", text(&self.name)),
            ("organisation", text(&self.organisation)),
            ("role", text(&self.role)),
            ("contact", text(&self.contact)),
            ("channel", text(self.channel.as_str())),
            ("cadence_days", int(self.cadence_days)),
            ("notes", text(&self.notes)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Stakeholder {
            id: r.get(0)?,
            name: r.get(1)?,
            organisation: r.get(2)?,
            role: r.get(3)?,
            contact: r.get(4)?,
            channel: get_word(r, 5)?,
            cadence_days: r.get(6)?,
            notes: r.get(7)?,
            service_ids: Vec::new(),
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Stakeholder::validate(self)
    }
    fn save_links(&self, w: &mut Writer<'_>) -> Result<()> {
        w.set_links(
            &schema::STAKEHOLDER_SERVICES,
            "stakeholder_id",
            &self.id,
            &self.service_ids,
        )
    }
    fn load_links(&mut self, conn: &Connection) -> Result<()> {
        self.service_ids = load_service_links(conn, &schema::STAKEHOLDER_SERVICES, "stakeholder_id", &self.id)?;
        Ok(())
    }
}

impl Record for TouchPoint {
    const TABLE: &'static Table = &schema::TOUCH_POINTS;
    const NOUN: &'static str = "touch point";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("stakeholder_id", text(&self.stakeholder_id)),
            ("at", int(self.at)),
            ("channel", text(self.channel.as_str())),
            ("summary", text(&self.summary)),
            ("sentiment", opt_int(self.sentiment)),
            ("follow_ups", text(&self.follow_ups)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(TouchPoint {
            id: r.get(0)?,
            stakeholder_id: r.get(1)?,
            at: r.get(2)?,
            channel: get_word(r, 3)?,
            summary: r.get(4)?,
            sentiment: r.get(5)?,
            follow_ups: r.get(6)?,
            service_ids: Vec::new(),
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        TouchPoint::validate(self)
    }
    fn save_links(&self, w: &mut Writer<'_>) -> Result<()> {
        w.set_links(
            &schema::TOUCH_POINT_SERVICES,
            "touch_point_id",
            &self.id,
            &self.service_ids,
        )
    }
    fn load_links(&mut self, conn: &Connection) -> Result<()> {
        self.service_ids = load_service_links(conn, &schema::TOUCH_POINT_SERVICES, "touch_point_id", &self.id)?;
        Ok(())
    }
}

impl Record for Change {
    const TABLE: &'static Table = &schema::CHANGES;
    const NOUN: &'static str = "change";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("reference", text(&self.reference)),
            ("service_id", text(&self.service_id)),
            ("kind", text(self.kind.as_str())),
            ("implemented_at", int(self.implemented_at)),
            ("outcome", text(self.outcome.as_str())),
            ("summary", text(&self.summary)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Change {
            id: r.get(0)?,
            reference: r.get(1)?,
            service_id: r.get(2)?,
            kind: get_word(r, 3)?,
            implemented_at: r.get(4)?,
            outcome: get_word(r, 5)?,
            summary: r.get(6)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Change::validate(self)
    }
}

impl Record for Review {
    const TABLE: &'static Table = &schema::REVIEWS;
    const NOUN: &'static str = "review";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("kind", text(self.kind.as_str())),
            ("service_id", text(&self.service_id)),
            ("change_id", opt_text(self.change_id.as_deref())),
            ("ticket_id", opt_text(self.ticket_id.as_deref())),
            ("title", text(&self.title)),
            ("due", date(self.due)),
            ("held_on", opt_date(self.held_on)),
            ("attendees", text(&self.attendees)),
            ("what_went_wrong", text(&self.what_went_wrong)),
            ("root_cause", text(&self.root_cause)),
            ("problem_ref", text(&self.problem_ref)),
            ("findings", text(&self.findings)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Review {
            id: r.get(0)?,
            kind: get_word(r, 1)?,
            service_id: r.get(2)?,
            change_id: r.get(3)?,
            ticket_id: r.get(4)?,
            title: r.get(5)?,
            due: get_date(r, 6)?,
            held_on: get_opt_date(r, 7)?,
            attendees: r.get(8)?,
            what_went_wrong: r.get(9)?,
            root_cause: r.get(10)?,
            problem_ref: r.get(11)?,
            findings: r.get(12)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Review::validate(self)
    }
}

impl Record for Action {
    const TABLE: &'static Table = &schema::ACTIONS;
    const NOUN: &'static str = "action";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("title", text(&self.title)),
            ("owner", text(&self.owner)),
            ("due", opt_date(self.due)),
            ("done_on", opt_date(self.done_on)),
            ("review_id", opt_text(self.review_id.as_deref())),
            ("touch_point_id", opt_text(self.touch_point_id.as_deref())),
            ("service_id", opt_text(self.service_id.as_deref())),
            ("notes", text(&self.notes)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Action {
            id: r.get(0)?,
            title: r.get(1)?,
            owner: r.get(2)?,
            due: get_opt_date(r, 3)?,
            done_on: get_opt_date(r, 4)?,
            review_id: r.get(5)?,
            touch_point_id: r.get(6)?,
            service_id: r.get(7)?,
            notes: r.get(8)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Action::validate(self)
    }
}

impl Record for Score {
    const TABLE: &'static Table = &schema::SCORES;
    const NOUN: &'static str = "score";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("service_id", text(&self.service_id)),
            ("period", text(&self.period)),
            ("score", real(self.score)),
            ("scale_max", real(self.scale_max)),
            ("responses", int(self.responses)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Score {
            id: r.get(0)?,
            service_id: r.get(1)?,
            period: r.get(2)?,
            score: r.get(3)?,
            scale_max: r.get(4)?,
            responses: r.get(5)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Score::validate(self)
    }
}

impl Record for Improvement {
    const TABLE: &'static Table = &schema::IMPROVEMENTS;
    const NOUN: &'static str = "improvement";
    fn id(&self) -> &str {
        &self.id
    }
    fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("title", text(&self.title)),
            ("service_id", opt_text(self.service_id.as_deref())),
            ("review_id", opt_text(self.review_id.as_deref())),
            ("touch_point_id", opt_text(self.touch_point_id.as_deref())),
            ("kpi", text(&self.kpi)),
            ("owner", text(&self.owner)),
            ("due", opt_date(self.due)),
            ("status", text(self.status.as_str())),
            ("notes", text(&self.notes)),
        ]
    }
    fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Improvement {
            id: r.get(0)?,
            title: r.get(1)?,
            service_id: r.get(2)?,
            review_id: r.get(3)?,
            touch_point_id: r.get(4)?,
            kpi: r.get(5)?,
            owner: r.get(6)?,
            due: get_opt_date(r, 7)?,
            status: get_word(r, 8)?,
            notes: r.get(9)?,
        })
    }
    fn validate(&self) -> Result<(), crate::domain::validate::Invalid> {
        Improvement::validate(self)
    }
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
