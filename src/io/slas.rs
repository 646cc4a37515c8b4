//! ServiceNow `task_sla` rows: the tool's own SLA records of tickets already imported. Each
//! row is one SLA of one ticket; its name says whether it times the response or the
//! resolution. The tool's verdict (`has_breached`) is kept beside sdm's, and a completed
//! response SLA's end is the ticket's response time (incident list exports carry none).

use chrono_tz::Tz;
use rusqlite::OptionalExtension;
use rusqlite::types::Value;

use super::ImportKind;
use super::cells;
use super::csv_import::{Held, RowKind, put};
use super::keys::ticket_id;
use super::mapping::Field;
use super::row::{self, RowCx};
use crate::domain::enums::Verdict;
use crate::engine::ClockKind;
use crate::store::schema::{self, Table};
use crate::store::{self, Upserted, Writer};

pub(super) struct Slas;

pub(super) struct SlaRow {
    ticket_id: String,
    reference: String,
    sla: String,
    /// `None`: an SLA neither response nor resolution, or a cancelled one (counted, not written).
    clock: Option<ClockKind>,
    verdict: Verdict,
    /// A completed response SLA's end: when the response came.
    responded: Option<i64>,
}

/// Which clock an SLA definition times, by its name ("Priority 1 response (15 minutes)").
fn clock_of(name: &str) -> Option<ClockKind> {
    let n = name.to_lowercase();
    if [
        "response",
        "respond",
        "reaction",
        "first reply",
        "acknowledg",
        "reactie",
        "reaktion",
        "réponse",
        "respuesta",
        "resposta",
    ]
    .iter()
    .any(|w| n.contains(w))
    {
        Some(ClockKind::Response)
    } else if [
        "resolution",
        "resolve",
        "restor",
        "fix",
        "oplos",
        "lösung",
        "résolution",
        "resolución",
        "resolução",
        "solução",
    ]
    .iter()
    .any(|w| n.contains(w))
    {
        Some(ClockKind::Resolution)
    } else {
        None
    }
}

impl RowKind for Slas {
    const KIND: ImportKind = ImportKind::Slas;
    const KEY_FIELD: Field = Field::Ref;
    const TABLE: &'static Table = &schema::TICKETS;
    type Row = SlaRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<SlaRow> {
        let reference = cx.required(Field::Ref, Ok);
        let sla = cx.required(Field::SlaName, Ok);
        let verdict = cx.required(Field::HasBreached, cells::verdict_exceeded);
        let stage = cx.text(Field::Stage).unwrap_or_default().to_lowercase();
        let end = cx.optional_time(Field::End).flatten();
        let (reference, sla) = (reference?, sla?);
        // The ticket must be in sdm: an SLA record of a ticket it does not know is a file
        // imported in the wrong order.
        if let Some(conn) = cx.conn() {
            let found: Option<i64> = match conn
                .query_row(
                    "SELECT 1 FROM tickets WHERE reference = ?1 AND deleted = 0",
                    [reference],
                    |r| r.get(0),
                )
                .optional()
            {
                Ok(found) => found,
                Err(e) => {
                    cx.fatal(e.into());
                    return None;
                }
            };
            if found.is_none() {
                cx.problem(
                    Field::Ref,
                    format!("\"{reference}\" is not a ticket sdm has: import the ticket export first, then its SLAs"),
                );
                return None;
            }
        }
        let mut clock = clock_of(sla);
        if clock.is_none() {
            cx.count_value(row::SLA_OTHER, sla);
        }
        if stage.contains("cancel") {
            cx.count(row::SLA_CANCELLED);
            clock = None;
        }
        let completed = stage.contains("complet") || stage.contains("achiev");
        let responded = match (clock, completed, end) {
            (Some(ClockKind::Response), true, Some(at)) => {
                cx.count(row::SLA_RESPONSE_TIME);
                Some(at)
            }
            _ => None,
        };
        Some(SlaRow {
            ticket_id: ticket_id(reference),
            reference: reference.to_string(),
            sla: sla.to_string(),
            clock,
            verdict: verdict?,
            responded,
        })
    }

    fn id(row: &SlaRow) -> &str {
        &row.ticket_id
    }

    fn key(row: &SlaRow) -> String {
        format!("{}/{}", row.ticket_id, row.sla.to_lowercase())
    }

    fn describe(row: &SlaRow, tz: &Tz) -> String {
        let what = row.clock.map_or("left out", ClockKind::as_str);
        let responded = row
            .responded
            .map(|t| format!(", responded {}", row::local_time(t, tz)))
            .unwrap_or_default();
        format!(
            "{} \"{}\" ({what}): {}{responded}",
            row.reference,
            row.sla,
            row.verdict.as_str()
        )
    }

    fn write(w: &mut Writer<'_>, row: SlaRow, held: Option<Held>) -> store::Result<Upserted> {
        let Some(clock) = row.clock else {
            return Ok(Upserted::Unchanged);
        };
        if held.as_ref().is_none_or(|h| h.deleted) {
            return Err(store::StoreError::BadInput(format!(
                "\"{}\" is not a ticket sdm has: import the ticket export first, then its SLAs",
                row.reference
            )));
        }
        let verdict = Value::Text(row.verdict.as_str().to_string());
        let mut fields: Vec<(&str, Value)> = Vec::with_capacity(3);
        match clock {
            ClockKind::Response => {
                fields.push(("tool_response", verdict));
                if let Some(at) = row.responded {
                    fields.push(("responded_at", Value::Integer(at)));
                    fields.push(("response_measured", Value::Integer(1)));
                }
            }
            ClockKind::Resolution => fields.push(("tool_resolution", verdict)),
        }
        put(w, &schema::TICKETS, &row.ticket_id, held, fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sla_names_say_their_clock() {
        assert_eq!(clock_of("Priority 1 response (15 minutes)"), Some(ClockKind::Response));
        assert_eq!(clock_of("P2 resolution (8 hour)"), Some(ClockKind::Resolution));
        assert_eq!(clock_of("Restore service - P1"), Some(ClockKind::Resolution));
        assert_eq!(clock_of("Customer satisfaction follow-up"), None);
    }
}
