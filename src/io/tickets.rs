//! Ticket rows: upserted by reference. The SDM's own fields (`critical`, the SLA exclusion)
//! are never written, so they survive every re-import.
//!
//! A fact the file does not give is not measured, never invented: a file with no response
//! times leaves new tickets' responses unmeasured; a resolved or closed ticket without a
//! resolution time takes its closed time when the file has one, else its resolution is not
//! measured; a ticket on hold is an open ticket with a running pause, started at the file's
//! time for that state and ended by the first import that shows it in another state.

use std::rc::Rc;

use chrono_tz::Tz;
use rusqlite::types::Value;

use super::ImportKind;
use super::cells::{self, FileState};
use super::csv_import::{Held, RowKind, put};
use super::keys::ticket_id;
use super::mapping::{Columns, Field};
use super::row::{self, RowCx};
use crate::domain::enums::{Priority, TicketKind, TicketState, Verdict};
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
    /// The file's pauses column, when it has one.
    pauses: Option<Vec<(i64, Option<i64>)>>,
    state: Option<FileState>,
    kind: Option<TicketKind>,
    /// When the file says the row last changed state (or changed at all): where an on-hold
    /// pause starts or ends. `None`: the import's clock.
    changed_at: Option<i64>,
    /// The import's clock.
    now: i64,
    /// Whether the file gives response times (a column of them).
    response_column: bool,
    /// A waiting total as a duration (seconds); outer `None`: no such column.
    waiting: Option<Option<i64>>,
    /// The tool's own verdicts; outer `None`: no such column.
    tool_response: Option<Option<Verdict>>,
    tool_resolution: Option<Option<Verdict>>,
}

/// The stored columns writing needs: the state and the pauses.
const STATE: usize = 0;
const PAUSES: usize = 1;
const RESOLVED: usize = 2;

impl RowKind for Tickets {
    const KIND: ImportKind = ImportKind::Tickets;
    const KEY_FIELD: Field = Field::Ref;
    const TABLE: &'static Table = &schema::TICKETS;
    const STORED_COLUMNS: &'static [&'static str] = &["state", "pauses", "CAST(resolved_at AS TEXT)"];
    type Row = TicketRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<TicketRow> {
        let reference = cx.required(Field::Ref, |t| {
            if t.chars().count() > 500 {
                Err("is too long for a reference (500 characters at most)".to_string())
            } else {
                Ok(t)
            }
        });
        let reference = reference.map(|r| match joined_number(r) {
            Some(joined) => {
                cx.count(row::REFS_JOINED);
                joined
            }
            None => r.to_string(),
        });
        let service_id = cx.service();
        let priority = cx.priority();
        let opened = cx.required_time(Field::Opened);
        let mut responded = cx.optional_time(Field::Responded);
        let first_reply = cx.optional(Field::FirstReplyMinutes, cells::number);
        let mut resolved = cx.optional_time(Field::Resolved);
        let closed = cx.optional_time(Field::Closed);
        let updated = cx.optional_time(Field::Updated);
        let state_changed = cx.optional_time(Field::StateChanged);
        let summary = cx.text(Field::Summary);
        let (order, tz) = (cx.order(), cx.tz());
        let pauses = cx.optional(Field::Pauses, |t| cells::pauses(t, order, &tz));
        let waiting = cx.optional(Field::Waiting, cells::waiting);
        let tool_response = cx.optional(Field::ToolResponse, cells::verdict_met);
        let tool_resolution = match cx.optional(Field::ToolResolution, cells::verdict_met) {
            None => cx.optional(Field::ResolutionExceeded, cells::verdict_exceeded),
            given => given,
        };
        let mut state = cx.state();
        let kind = cx.kind();
        if let Some(resolution) = cx.text(Field::Resolution)
            && cells::resolution_voids(resolution)
            && state != Some(FileState::Cancelled)
        {
            state = Some(FileState::Cancelled);
            cx.count(row::VOIDED_BY_RESOLUTION);
        }
        if let (Some(opened), Some(Some(minutes))) = (opened, first_reply) {
            if minutes < 0.0 {
                cx.problem(
                    Field::FirstReplyMinutes,
                    "is below zero: a reply cannot come before the ticket",
                );
            } else {
                responded = Some(Some(opened + (minutes * 60.0).round() as i64));
            }
        }
        // A resolved or closed ticket without a resolution time: its closed time, when the
        // file has one; else its resolution is not measured (the engine runs no clock).
        let done = state.is_none_or(FileState::is_done);
        if done && !matches!(resolved, Some(Some(_))) {
            if let Some(Some(at)) = closed {
                resolved = Some(Some(at));
                cx.count(row::CLOSED_AS_RESOLVED);
            } else if state.is_some() {
                cx.count(row::RESOLUTION_UNMEASURED);
            }
        }
        // Responded after resolved: a ticket resolved is responded to, so the response is
        // taken as at the resolution (counted; the engine stops the clock there too).
        if let (Some(Some(r)), Some(Some(s))) = (responded, resolved)
            && r > s
        {
            responded = Some(Some(s));
            cx.count(row::RESPONSE_CAPPED);
        }
        if state == Some(FileState::OnHold) {
            if state_changed.flatten().or(updated.flatten()).is_some() {
                cx.count(row::ON_HOLD);
            } else {
                cx.count(row::ON_HOLD_AT_IMPORT);
            }
        }
        if let Some(opened) = opened {
            for (field, at) in [(Field::Responded, responded), (Field::Resolved, resolved)] {
                if let Some(Some(at)) = at
                    && at < opened
                {
                    let field = if field == Field::Resolved && !cx.has(Field::Resolved) {
                        Field::Closed
                    } else {
                        field
                    };
                    cx.problem(field, "is before the ticket was opened");
                }
            }
            if let Some(Some(pauses)) = &pauses
                && pauses.iter().any(|(start, _)| *start < opened)
            {
                cx.problem(Field::Pauses, "a pause starts before the ticket was opened");
            }
        }
        let response_column = cx.has(Field::Responded) || cx.has(Field::FirstReplyMinutes);
        let reference = reference?;
        let now = cx.now();
        Some(TicketRow {
            id: ticket_id(&reference),
            reference,
            service_id: service_id?,
            priority: priority?,
            opened: opened?,
            responded,
            resolved,
            summary: summary.map(one_newline),
            pauses: pauses.map(Option::unwrap_or_default),
            state,
            kind,
            changed_at: state_changed.flatten().or(updated.flatten()),
            now,
            response_column,
            waiting,
            tool_response,
            tool_resolution,
        })
    }

    fn id(row: &TicketRow) -> &str {
        &row.id
    }

    fn describe(row: &TicketRow, tz: &Tz) -> String {
        let at = |t: Option<Option<i64>>| match t {
            None => "no column".to_string(),
            Some(None) => "empty".to_string(),
            Some(Some(t)) => row::local_time(t, tz),
        };
        let pauses = match &row.pauses {
            None => String::new(),
            Some(p) => format!(", {} pause(s)", p.len()),
        };
        format!(
            "{} {} state {}, opened {}, responded {}, resolved {}{pauses}",
            row.reference,
            row.priority.label(),
            row.state.map_or("(from resolved)", FileState::as_str),
            row::local_time(row.opened, tz),
            if row.response_column {
                at(row.responded)
            } else {
                "not measured".to_string()
            },
            at(row.resolved),
        )
    }

    fn file_notes(columns: &Columns) -> Vec<String> {
        if columns.has(Field::Responded) || columns.has(Field::FirstReplyMinutes) {
            Vec::new()
        } else {
            vec![
                "no response times in this file: new tickets' response clocks are not measured (no clock, no breach)"
                    .to_string(),
            ]
        }
    }

    fn write(w: &mut Writer<'_>, row: TicketRow, held: Option<Held>) -> store::Result<Upserted> {
        let is_new = held.as_ref().is_none_or(|h| h.deleted);
        let mut fields: Vec<(&str, Value)> = Vec::with_capacity(12);
        fields.push(("reference", Value::Text(row.reference)));
        fields.push(("service_id", Value::Text(row.service_id.to_string())));
        fields.push(("priority", Value::Text(row.priority.as_str().to_string())));
        fields.push(("opened_at", Value::Integer(row.opened)));
        if let Some(at) = row.responded {
            fields.push(("responded_at", at.map_or(Value::Null, Value::Integer)));
        }
        if row.response_column {
            fields.push(("response_measured", Value::Integer(1)));
        } else if is_new {
            fields.push(("response_measured", Value::Integer(0)));
        }
        if let Some(at) = row.resolved {
            fields.push(("resolved_at", at.map_or(Value::Null, Value::Integer)));
        }
        if let Some(summary) = row.summary {
            fields.push(("summary", Value::Text(summary)));
        }
        for (column, verdict) in [
            ("tool_response", row.tool_response),
            ("tool_resolution", row.tool_resolution),
        ] {
            if let Some(v) = verdict {
                fields.push((column, v.map_or(Value::Null, |v| Value::Text(v.as_str().to_string()))));
            }
        }
        if let Some(waiting) = row.waiting {
            fields.push(("waiting_secs", waiting.map_or(Value::Null, Value::Integer)));
        }
        let stored_pauses: Vec<(i64, Option<i64>)> = Held::value(held.as_ref(), PAUSES)
            .and_then(|p| serde_json::from_str(p).ok())
            .unwrap_or_default();
        let from_file = row.pauses.is_some();
        let before = row.pauses.unwrap_or_else(|| stored_pauses.clone());
        // The file's own pauses column is the whole story of its pauses: an on-hold state
        // adds a running pause to it only where it has none, and ends none.
        let state_for_pauses = match row.state {
            Some(s) if from_file && s != FileState::OnHold => None,
            other => other,
        };
        let mut after = on_hold_pauses(before, state_for_pauses, row.changed_at, row.opened, row.now);
        // Reopened: a ticket stored as resolved that the file shows open again does not count
        // the time it spent resolved (a pause from its resolution to its reopening: the
        // file's time for the change, else the import's clock).
        let stored_state: Option<TicketState> = Held::value(held.as_ref(), STATE).and_then(|v| v.parse().ok());
        let stored_resolved: Option<i64> = Held::value(held.as_ref(), RESOLVED).and_then(|v| v.parse().ok());
        let shown_open = match row.state {
            Some(s) => !s.is_done() && s != FileState::Cancelled,
            None => row.resolved == Some(None),
        };
        if let (Some(TicketState::Resolved | TicketState::Closed), Some(resolved), true, false) =
            (stored_state, stored_resolved, shown_open, from_file)
        {
            let back = row.changed_at.unwrap_or(row.now).max(resolved);
            if back > resolved && !after.contains(&(resolved, Some(back))) {
                after.push((resolved, Some(back)));
                after.sort_unstable();
            }
            if row.resolved.is_none() {
                fields.push(("resolved_at", Value::Null));
            }
        }
        if from_file || after != stored_pauses {
            fields.push((
                "pauses",
                Value::Text(serde_json::to_string(&after).unwrap_or_else(|_| "[]".into())),
            ));
        }
        let state = match row.state {
            Some(state) => Some(state.stored()),
            None => {
                let stored = Held::value(held.as_ref(), STATE).and_then(|v| v.parse().ok());
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

/// A ticket's pauses after an import that shows it `state`: on hold opens a pause (from
/// `changed_at`, else `now`) unless one is running; any other state ends a running pause
/// (at `changed_at`, else `now`). Successive daily imports so rebuild the pause windows;
/// a re-import of the same file keeps the first-seen start.
fn on_hold_pauses(
    mut pauses: Vec<(i64, Option<i64>)>,
    state: Option<FileState>,
    changed_at: Option<i64>,
    opened: i64,
    now: i64,
) -> Vec<(i64, Option<i64>)> {
    let at = changed_at.unwrap_or(now).max(opened);
    let running = pauses.iter().position(|(_, end)| end.is_none());
    match (state, running) {
        (Some(FileState::OnHold), None) => pauses.push((at, None)),
        (Some(FileState::OnHold), Some(_)) | (None, _) => {}
        (Some(_), Some(i)) => {
            let start = pauses[i].0;
            pauses[i].1 = Some(changed_at.unwrap_or(now).max(start));
        }
        (Some(_), None) => {}
    }
    pauses
}

/// A number written with thousands separators (GLPI's `52 267`, `1.234.567`) without them;
/// `None` for any other reference.
fn joined_number(reference: &str) -> Option<String> {
    let groups: Vec<&str> = reference.split([' ', '\u{a0}', '\u{202f}', '.', ',']).collect();
    if groups.len() < 2
        || !groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        || groups[0].len() > 3
        || groups[1..].iter().any(|g| g.len() != 3)
    {
        return None;
    }
    Some(groups.concat())
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

    #[test]
    fn on_hold_opens_one_pause_and_the_next_state_ends_it() {
        let hold = Some(FileState::OnHold);
        // First seen on hold at 150 (the file's update time).
        let p = on_hold_pauses(vec![], hold, Some(150), 100, 1_000);
        assert_eq!(p, vec![(150, None)]);
        // Seen on hold again later: the first-seen start is kept.
        let p = on_hold_pauses(p, hold, Some(400), 100, 1_000);
        assert_eq!(p, vec![(150, None)]);
        // Then open again, updated at 500: the pause ends there.
        let p = on_hold_pauses(p, Some(FileState::Open), Some(500), 100, 1_000);
        assert_eq!(p, vec![(150, Some(500))]);
        // On hold again with no time in the file: from the import's clock.
        let p = on_hold_pauses(p, hold, None, 100, 1_000);
        assert_eq!(p, vec![(150, Some(500)), (1_000, None)]);
        // A file without a state column leaves them alone.
        assert_eq!(on_hold_pauses(p.clone(), None, Some(2_000), 100, 3_000), p);
        // A pause never starts before the ticket.
        assert_eq!(on_hold_pauses(vec![], hold, Some(50), 100, 1_000), vec![(100, None)]);
    }

    #[test]
    fn thousands_separators_in_numeric_references() {
        assert_eq!(joined_number("52 267").as_deref(), Some("52267"));
        assert_eq!(joined_number("1.234.567").as_deref(), Some("1234567"));
        assert_eq!(joined_number("52\u{a0}267").as_deref(), Some("52267"));
        assert_eq!(joined_number("52267"), None);
        assert_eq!(joined_number("INC 001"), None);
        assert_eq!(joined_number("12 34"), None);
        assert_eq!(joined_number("SR-1517"), None);
    }
}
