//! Ticket rows: upserted by reference. The SDM's own fields (`critical`, the SLA exclusion)
//! are never written, so they survive every re-import.

use std::rc::Rc;

use rusqlite::types::Value;

use super::ImportKind;
use super::cells;
use super::csv_import::{Held, RowCx, RowKind, put};
use super::keys::ticket_id;
use super::mapping::Field;
use crate::domain::enums::{Priority, TicketKind, TicketState};
use crate::store::schema::{self, Table};
use crate::store::{self, Upserted, Writer};

pub(super) struct Tickets;

pub(super) struct TicketRow {
    id: String,
    reference: String,
    service_id: Rc<str>,
    priority: Priority,
    opened: i64,
    /// Outer `None`: the file has no such column (the field is left alone).
    responded: Option<Option<i64>>,
    resolved: Option<Option<i64>>,
    summary: Option<String>,
    /// As stored: JSON `[[start, end|null], ...]`.
    pauses: Option<String>,
    state: Option<TicketState>,
    kind: Option<TicketKind>,
}

impl RowKind for Tickets {
    const KIND: ImportKind = ImportKind::Tickets;
    const KEY_FIELD: Field = Field::Ref;
    const TABLE: &'static Table = &schema::TICKETS;
    const STORED_COLUMN: Option<&'static str> = Some("state");
    type Row = TicketRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<TicketRow> {
        let tz = cx.tz;
        let reference = cx.required(Field::Ref, |t| {
            if t.chars().count() > 500 {
                Err("is too long for a reference (500 characters at most)".to_string())
            } else {
                Ok(t)
            }
        });
        let service_id = cx.service();
        let map = cx.priorities;
        let priority = cx.required(Field::Priority, |text| match map.get(&text.trim().to_lowercase()) {
            Some(p) => Ok(*p),
            None => cells::priority(text),
        });
        let opened = cx.required_time(Field::Opened);
        let responded = cx.optional_time(Field::Responded);
        let resolved = cx.optional_time(Field::Resolved);
        let summary = cx.text(Field::Summary);
        let pauses = cx.optional(Field::Pauses, |t| cells::pauses(t, &tz));
        let state = cx.optional(Field::State, cells::ticket_state);
        let kind = cx.optional(Field::Kind, cells::ticket_kind);

        if let Some(opened) = opened {
            for (field, at) in [(Field::Responded, responded), (Field::Resolved, resolved)] {
                if let Some(Some(at)) = at
                    && at < opened
                {
                    cx.problem(field, "is before the ticket was opened");
                }
            }
            if let Some(Some(pauses)) = &pauses
                && pauses.iter().any(|(start, _)| *start < opened)
            {
                cx.problem(Field::Pauses, "a pause starts before the ticket was opened");
            }
        }
        let state = match state {
            Some(Some(s)) => Some(s),
            Some(None) => {
                cx.problem(Field::State, "is empty: use open, resolved, closed or cancelled");
                None
            }
            None => None,
        };
        let kind = match kind {
            Some(Some(k)) => Some(k),
            Some(None) => {
                cx.problem(Field::Kind, "is empty: use incident or request");
                None
            }
            None => None,
        };
        let reference = reference?;
        Some(TicketRow {
            id: ticket_id(reference),
            reference: reference.to_string(),
            service_id: service_id?,
            priority: priority?,
            opened: opened?,
            responded,
            resolved,
            summary: summary.map(one_newline),
            pauses: pauses.map(|p| serde_json::to_string(&p.unwrap_or_default()).unwrap_or_else(|_| "[]".into())),
            state,
            kind,
        })
    }

    fn id(row: &TicketRow) -> &str {
        &row.id
    }

    fn write(w: &mut Writer<'_>, row: TicketRow, held: Option<Held>) -> store::Result<Upserted> {
        let mut fields: Vec<(&str, Value)> = Vec::with_capacity(10);
        fields.push(("reference", Value::Text(row.reference)));
        fields.push(("service_id", Value::Text(row.service_id.to_string())));
        fields.push(("priority", Value::Text(row.priority.as_str().to_string())));
        fields.push(("opened_at", Value::Integer(row.opened)));
        if let Some(at) = row.responded {
            fields.push(("responded_at", at.map_or(Value::Null, Value::Integer)));
        }
        if let Some(at) = row.resolved {
            fields.push(("resolved_at", at.map_or(Value::Null, Value::Integer)));
        }
        if let Some(summary) = row.summary {
            fields.push(("summary", Value::Text(summary)));
        }
        if let Some(pauses) = row.pauses {
            fields.push(("pauses", Value::Text(pauses)));
        }
        let state = match row.state {
            Some(state) => Some(state),
            None => {
                let stored = held
                    .as_ref()
                    .filter(|h| !h.deleted)
                    .and_then(|h| h.value.as_deref())
                    .and_then(|v| v.parse().ok());
                derived_state(stored, row.resolved)
            }
        };
        if let Some(state) = state {
            fields.push(("state", Value::Text(state.as_str().to_string())));
        }
        if let Some(kind) = row.kind {
            fields.push(("kind", Value::Text(kind.as_str().to_string())));
        }
        put(w, &schema::TICKETS, &row.id, held, fields)
    }
}

/// Text with Windows line breaks inside a quoted field kept as plain `\n`.
pub(super) fn one_newline(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text.to_string()
    }
}

/// The state of a ticket when the file has no state column: resolved when it has a resolved
/// time, else open. A cancelled ticket stays cancelled and a closed one stays closed while it
/// is resolved; without a resolved column an existing ticket's state is left alone.
/// `None` means: do not write the state.
fn derived_state(current: Option<TicketState>, resolved: Option<Option<i64>>) -> Option<TicketState> {
    match (current, resolved) {
        (Some(TicketState::Cancelled), _) => None,
        (Some(TicketState::Closed), Some(Some(_))) => None,
        (_, Some(Some(_))) => Some(TicketState::Resolved),
        (_, Some(None)) => Some(TicketState::Open),
        (None, None) => Some(TicketState::Open),
        (Some(_), None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_state_keeps_what_the_file_cannot_know() {
        use TicketState::*;
        assert_eq!(derived_state(None, Some(Some(5))), Some(Resolved));
        assert_eq!(derived_state(None, Some(None)), Some(Open));
        assert_eq!(derived_state(None, None), Some(Open));
        assert_eq!(derived_state(Some(Cancelled), Some(Some(5))), None);
        assert_eq!(derived_state(Some(Cancelled), Some(None)), None);
        assert_eq!(derived_state(Some(Closed), Some(Some(5))), None);
        assert_eq!(derived_state(Some(Closed), Some(None)), Some(Open), "reopened");
        assert_eq!(derived_state(Some(Resolved), Some(None)), Some(Open), "reopened");
        assert_eq!(derived_state(Some(Open), None), None);
    }
}
