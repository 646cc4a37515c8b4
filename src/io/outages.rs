//! Outage rows: upserted by service and start. The SLA exclusion is the SDM's own and is
//! never written.

use std::rc::Rc;

use rusqlite::types::Value;

use super::ImportKind;
use super::cells;
use super::csv_import::{Held, RowKind, put};
use super::keys::outage_id;
use super::mapping::Field;
use super::row::RowCx;
use crate::store::schema::{self, Table};
use crate::store::{self, Upserted, Writer};

pub(super) struct Outages;

pub(super) struct OutageRow {
    id: String,
    service_id: Rc<str>,
    start: i64,
    /// Outer `None`: the file has no such column. An empty end is an outage still going on.
    end: Option<Option<i64>>,
    planned: Option<bool>,
    summary: Option<String>,
}

impl RowKind for Outages {
    const KIND: ImportKind = ImportKind::Outages;
    const KEY_FIELD: Field = Field::Start;
    const TABLE: &'static Table = &schema::OUTAGES;
    type Row = OutageRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<OutageRow> {
        let service_id = cx.service();
        let start = cx.required_time(Field::Start);
        let end = cx.optional_time(Field::End);
        let planned = cx.optional(Field::Planned, cells::yes_no);
        let summary = cx.text(Field::Summary);
        if let (Some(start), Some(Some(end))) = (start, end)
            && end < start
        {
            cx.problem(Field::End, "is before the start");
        }
        let (service_id, start) = (service_id?, start?);
        Some(OutageRow {
            id: outage_id(&service_id, start),
            service_id,
            start,
            end,
            // An empty cell in a planned column: not planned.
            planned: planned.map(|p| p.unwrap_or(false)),
            summary: summary.map(super::tickets::one_newline),
        })
    }

    fn id(row: &OutageRow) -> &str {
        &row.id
    }

    fn describe(row: &OutageRow, tz: &chrono_tz::Tz) -> String {
        let end = match row.end {
            None => "no end column".to_string(),
            Some(None) => "still going on".to_string(),
            Some(Some(t)) => super::row::local_time(t, tz),
        };
        format!(
            "from {} to {end}{}",
            super::row::local_time(row.start, tz),
            if row.planned == Some(true) { ", planned" } else { "" }
        )
    }

    fn write(w: &mut Writer<'_>, row: OutageRow, held: Option<Held>) -> store::Result<Upserted> {
        let mut fields: Vec<(&str, Value)> = Vec::with_capacity(5);
        fields.push(("service_id", Value::Text(row.service_id.to_string())));
        fields.push(("start_at", Value::Integer(row.start)));
        if let Some(end) = row.end {
            fields.push(("end_at", end.map_or(Value::Null, Value::Integer)));
        }
        if let Some(planned) = row.planned {
            fields.push(("planned", Value::Integer(i64::from(planned))));
        }
        if let Some(summary) = row.summary {
            fields.push(("summary", Value::Text(summary)));
        }
        put(w, &schema::OUTAGES, &row.id, held, fields)
    }
}
