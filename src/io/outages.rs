//! Outage rows: upserted by service and start. The SLA exclusion is the SDM's own and is
//! never written. A row that names several services (`Business, Voice, HSD`) is one outage
//! per service sdm knows; a degradation is not an outage unless the config says it is.

use std::rc::Rc;

use rusqlite::types::Value;

use super::ImportKind;
use super::cells::{self, OutageType};
use super::csv_import::{Held, RowKind, put};
use super::keys::outage_id;
use super::mapping::Field;
use super::row::{self, RowCx};
use crate::store::schema::{self, Table};
use crate::store::{self, Upserted, Writer};

pub(super) struct Outages;

pub(super) struct OutageRow {
    /// (id, service) of each outage the row stands for; the first identifies the row.
    outages: Vec<(String, Rc<str>)>,
    start: i64,
    /// Outer `None`: the file has no such column. An empty end is an outage still going on.
    end: Option<Option<i64>>,
    planned: Option<bool>,
    summary: Option<String>,
    /// A degradation the config does not count as downtime: read, checked, not written.
    skip: bool,
}

impl RowKind for Outages {
    const KIND: ImportKind = ImportKind::Outages;
    const KEY_FIELD: Field = Field::Start;
    const TABLE: &'static Table = &schema::OUTAGES;
    type Row = OutageRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<OutageRow> {
        let services = cx.services();
        let start = cx.required_time(Field::Start);
        let end = cx.optional_time(Field::End);
        let kind = cx.optional(Field::Planned, cells::outage_type);
        let summary = cx.text(Field::Summary);
        if let (Some(start), Some(Some(end))) = (start, end)
            && end < start
        {
            cx.problem(Field::End, "is before the start");
        }
        let skip = kind == Some(Some(OutageType::Degradation)) && !cx.degradation_is_outage();
        if skip {
            cx.count(row::DEGRADATION);
        }
        let (services, start) = (services?, start?);
        Some(OutageRow {
            outages: services.into_iter().map(|s| (outage_id(&s, start), s)).collect(),
            start,
            end,
            // An empty cell in a planned column: not planned.
            planned: kind.map(|k| k == Some(OutageType::Planned)),
            summary: summary.map(super::tickets::one_newline),
            skip,
        })
    }

    fn id(row: &OutageRow) -> &str {
        row.outages.first().map_or("", |(id, _)| id.as_str())
    }

    fn describe(row: &OutageRow, tz: &chrono_tz::Tz) -> String {
        let end = match row.end {
            None => "no end column".to_string(),
            Some(None) => "still going on".to_string(),
            Some(Some(t)) => super::row::local_time(t, tz),
        };
        format!(
            "{} service(s), from {} to {end}{}{}",
            row.outages.len(),
            super::row::local_time(row.start, tz),
            if row.planned == Some(true) { ", planned" } else { "" },
            if row.skip { ", a degradation (not written)" } else { "" }
        )
    }

    fn write(w: &mut Writer<'_>, row: OutageRow, held: Option<Held>) -> store::Result<Upserted> {
        if row.skip {
            return Ok(Upserted::Unchanged);
        }
        let mut result = Upserted::Unchanged;
        for (i, (id, service_id)) in row.outages.iter().enumerate() {
            // The first outage's stored row was looked up by the driver; the others here.
            let held = if i == 0 {
                held.clone()
            } else {
                super::csv_import::held_by_id(w, &schema::OUTAGES, id)?
            };
            let mut fields: Vec<(&str, Value)> = Vec::with_capacity(5);
            fields.push(("service_id", Value::Text(service_id.to_string())));
            fields.push(("start_at", Value::Integer(row.start)));
            if let Some(end) = row.end {
                fields.push(("end_at", end.map_or(Value::Null, Value::Integer)));
            }
            if let Some(planned) = row.planned {
                fields.push(("planned", Value::Integer(i64::from(planned))));
            }
            if let Some(summary) = &row.summary {
                fields.push(("summary", Value::Text(summary.clone())));
            }
            result = match (result, put(w, &schema::OUTAGES, id, held, fields)?) {
                (Upserted::Added, _) | (_, Upserted::Added) => Upserted::Added,
                (Upserted::Changed, _) | (_, Upserted::Changed) => Upserted::Changed,
                _ => Upserted::Unchanged,
            };
        }
        Ok(result)
    }
}
