//! Change rows: upserted by reference.

use std::rc::Rc;

use rusqlite::types::Value;

use super::ImportKind;
use super::cells;
use super::csv_import::{Held, RowKind, put};
use super::keys::change_id;
use super::mapping::{Columns, Field};
use super::row::{self, RowCx};
use crate::domain::enums::{ChangeKind, ChangeOutcome};
use crate::store::schema::{self, Table};
use crate::store::{self, Upserted, Writer};

pub(super) struct Changes;

pub(super) struct ChangeRow {
    id: String,
    reference: String,
    service_id: Rc<str>,
    kind: ChangeKind,
    implemented: i64,
    outcome: ChangeOutcome,
    summary: Option<String>,
}

/// The outcome of a change the file gives none for, counted for the summary.
fn pending(cx: &mut RowCx<'_, '_, '_>, state: Option<&str>) -> ChangeOutcome {
    if state.is_some_and(cells::change_not_done) {
        cx.count(row::CHANGE_PENDING);
    } else {
        cx.count(row::CHANGE_NO_OUTCOME);
    }
    ChangeOutcome::Pending
}

impl RowKind for Changes {
    const KIND: ImportKind = ImportKind::Changes;
    const KEY_FIELD: Field = Field::Ref;
    const TABLE: &'static Table = &schema::CHANGES;
    type Row = ChangeRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<ChangeRow> {
        let reference = cx.required(Field::Ref, |t| {
            if t.chars().count() > 500 {
                Err("is too long for a reference (500 characters at most)".to_string())
            } else {
                Ok(t)
            }
        });
        let service_id = cx.service();
        let kind = cx.change_kind();
        let state = cx.text(Field::State);
        let outcome = match cx.change_outcome() {
            Some(Some(o)) => Some(o),
            // No outcome: a change whose state says it has not gone in is pending; one closed
            // without an outcome is not measured (pending too), and no review falls due.
            Some(None) => Some(pending(cx, state)),
            None if cx.has(Field::Outcome) => None,
            // Neither column: refused before any row (file_check).
            None => Some(pending(cx, state)),
        };
        let implemented = cx.required_time(Field::Implemented);
        let summary = cx.text(Field::Summary);
        let reference = reference?;
        Some(ChangeRow {
            id: change_id(reference),
            reference: reference.to_string(),
            service_id: service_id?,
            kind: kind?,
            implemented: implemented?,
            outcome: outcome?,
            summary: summary.map(super::tickets::one_newline),
        })
    }

    fn file_check(columns: &Columns) -> Result<(), String> {
        if columns.has(Field::Outcome) || columns.has(Field::State) {
            Ok(())
        } else {
            Err("the file has neither an outcome column (close_code) nor a state column, so no change's outcome is known: export close_code or state, or name the column that holds it in the config ([columns.changes] u_substate = \"outcome\")".to_string())
        }
    }

    fn id(row: &ChangeRow) -> &str {
        &row.id
    }

    fn describe(row: &ChangeRow, tz: &chrono_tz::Tz) -> String {
        format!(
            "{} {} implemented {}, outcome {}",
            row.reference,
            row.kind.as_str(),
            super::row::local_time(row.implemented, tz),
            row.outcome.as_str()
        )
    }

    fn write(w: &mut Writer<'_>, row: ChangeRow, held: Option<Held>) -> store::Result<Upserted> {
        let mut fields: Vec<(&str, Value)> = vec![
            ("reference", Value::Text(row.reference)),
            ("service_id", Value::Text(row.service_id.to_string())),
            ("kind", Value::Text(row.kind.as_str().to_string())),
            ("implemented_at", Value::Integer(row.implemented)),
            ("outcome", Value::Text(row.outcome.as_str().to_string())),
        ];
        if let Some(summary) = row.summary {
            fields.push(("summary", Value::Text(summary)));
        }
        put(w, &schema::CHANGES, &row.id, held, fields)
    }
}
