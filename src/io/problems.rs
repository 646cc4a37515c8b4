//! Problem records from an ITSM tool's problem export (ServiceNow problem, Jira problem):
//! upserted by reference. A problem already on file under that reference (raised in sdm, or
//! moved from a review) is the one updated; the SDM's evidence links, fix and notes are left
//! alone, and the file's service is added to its services.

use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::types::Value;

use super::ImportKind;
use super::csv_import::{Held, RowKind, put};
use super::mapping::Field;
use super::row::RowCx;
use crate::domain::enums::ProblemStatus;
use crate::domain::ids::natural_id;
use crate::store::schema::{self, Table};
use crate::store::{self, Upserted, Writer};

pub(super) struct Problems;

pub(super) struct ProblemRow {
    id: String,
    reference: String,
    title: String,
    service_id: Rc<str>,
    status: Option<ProblemStatus>,
    raised_on: Option<NaiveDate>,
    /// The import's day, the raised date of a new problem whose file gives none.
    today: NaiveDate,
    root_cause: Option<String>,
    workaround: Option<String>,
    owner: Option<String>,
}

/// A problem state as ServiceNow, Jira and the generic format write it (the words of the
/// problem workflow, ServiceNow's numbers 101–107 too); anything else is refused, not
/// guessed.
pub fn problem_state(text: &str) -> Result<ProblemStatus, String> {
    let t = text.trim().to_lowercase();
    let status = match t.as_str() {
        "new"
        | "open"
        | "assess"
        | "assessed"
        | "root cause analysis"
        | "rca"
        | "under investigation"
        | "investigating"
        | "in analysis"
        | "to do"
        | "101"
        | "102"
        | "103" => ProblemStatus::Open,
        "root cause known" | "root_cause_known" | "under review" => ProblemStatus::RootCauseKnown,
        "known error" | "known_error" | "ke" => ProblemStatus::KnownError,
        "fix in progress" | "fix_in_progress" | "in progress" | "work in progress" | "104" => {
            ProblemStatus::FixInProgress
        }
        "resolved" | "fixed" | "done" | "completed" | "106" => ProblemStatus::Resolved,
        "closed" | "cancelled" | "canceled" | "107" => ProblemStatus::Closed,
        _ => {
            return Err(format!(
                "\"{}\" is not a problem state: use New, Assess, Root Cause Analysis, Known Error, Fix in Progress, \
                 Resolved or Closed (or map it in the config)",
                text.trim()
            ));
        }
    };
    Ok(status)
}

/// What a ServiceNow number's prefix says a record is, when it is not a problem: an
/// incident or request export given to the problem import is refused, not read as problems.
fn not_a_problem_number(reference: &str) -> Option<&'static str> {
    let r = reference.trim().to_ascii_uppercase();
    let starts = |p: &str| r.starts_with(p) && r[p.len()..].chars().next().is_some_and(|c| c.is_ascii_digit());
    if starts("INC") {
        Some("an incident")
    } else if starts("RITM") || starts("REQ") || starts("SCTASK") || starts("TASK") {
        Some("a request")
    } else if starts("CHG") {
        Some("a change")
    } else {
        None
    }
}

impl RowKind for Problems {
    const KIND: ImportKind = ImportKind::Problems;
    const KEY_FIELD: Field = Field::Ref;
    const TABLE: &'static Table = &schema::PROBLEMS;
    type Row = ProblemRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<ProblemRow> {
        let reference = cx.required(Field::Ref, |t| {
            if t.chars().count() > 500 {
                Err("is too long for a reference (500 characters at most)".to_string())
            } else if let Some(kind) = not_a_problem_number(t) {
                Err(format!(
                    "\"{t}\" is {kind}'s number, not a problem's: this is not a problem export (import it with sdm import {})",
                    if kind == "a change" { "changes" } else { "tickets" }
                ))
            } else {
                Ok(t)
            }
        });
        // A Jira file says each issue's type: only problems are problems.
        if let Some(kind) = cx.text(Field::Kind)
            && !kind.trim().is_empty()
            && !kind.to_lowercase().contains("problem")
        {
            cx.problem(
                Field::Kind,
                format!(
                    "\"{}\" is not a problem: export the Problem issue type only",
                    kind.trim()
                ),
            );
        }
        let title = cx.required(Field::Summary, Ok);
        let service_id = cx.service();
        // A state that is not a problem state is refused with the row (the cell's problem).
        let mut status = cx.optional(Field::State, problem_state).flatten();
        // ServiceNow marks a known error apart from its state: one still being analysed is
        // a known error (the file says so); one further on keeps its state.
        if cx.optional(Field::KnownError, super::cells::yes_no).flatten() == Some(true)
            && matches!(status, None | Some(ProblemStatus::Open | ProblemStatus::RootCauseKnown))
        {
            status = Some(ProblemStatus::KnownError);
        }
        let raised = cx.optional_time(Field::Opened).flatten();
        let root_cause = cx.text(Field::RootCause).map(super::tickets::one_newline);
        let workaround = cx.text(Field::Workaround).map(super::tickets::one_newline);
        let owner = cx.text(Field::Owner).map(|o| o.trim().to_string());
        let tz = cx.tz();
        let today = chrono::DateTime::from_timestamp(cx.now(), 0)
            .map(|t| t.with_timezone(&tz).date_naive())
            .unwrap_or_default();
        let reference = reference?;
        Some(ProblemRow {
            id: natural_id("problem", &reference.trim().to_uppercase()),
            reference: reference.trim().to_string(),
            title: title?.trim().to_string(),
            service_id: service_id?,
            status,
            raised_on: raised
                .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
                .map(|t| t.with_timezone(&tz).date_naive()),
            today,
            root_cause,
            workaround,
            owner,
        })
    }

    fn id(row: &ProblemRow) -> &str {
        &row.id
    }

    fn describe(row: &ProblemRow, _tz: &chrono_tz::Tz) -> String {
        format!(
            "{} {} — {}",
            row.reference,
            row.title,
            row.status
                .map(|s| s.label())
                .unwrap_or_else(|| "state not given".into())
        )
    }

    fn write(w: &mut Writer<'_>, row: ProblemRow, held: Option<Held>) -> store::Result<Upserted> {
        let mut fields: Vec<(&str, Value)> = vec![
            ("reference", Value::Text(row.reference.clone())),
            ("title", Value::Text(row.title)),
        ];
        if let Some(s) = row.status {
            fields.push(("status", Value::Text(s.as_str().to_string())));
        }
        if let Some(d) = row.raised_on {
            fields.push(("raised_on", Value::Text(d.to_string())));
        }
        for (column, value) in [
            ("root_cause", row.root_cause),
            ("workaround", row.workaround),
            ("owner", row.owner),
        ] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                fields.push((column, Value::Text(v)));
            }
        }
        // Raised in sdm (or moved from a review) under another id: that record is the one.
        let done;
        let id = match held {
            Some(_) => {
                done = put(w, &schema::PROBLEMS, &row.id, held, fields)?;
                row.id
            }
            None => {
                let same: Option<String> =
                    crate::store::problems::by_reference(w.conn(), &row.reference)?.map(|p| p.id);
                match same {
                    Some(id) => {
                        done = w.upsert(&schema::PROBLEMS, &id, &fields)?;
                        id
                    }
                    None => {
                        // New, and the file says not when it was raised: from today.
                        if row.raised_on.is_none() {
                            fields.push(("raised_on", Value::Text(row.today.to_string())));
                        }
                        done = put(w, &schema::PROBLEMS, &row.id, None, fields)?;
                        row.id
                    }
                }
            }
        };
        w.add_link(&schema::PROBLEM_SERVICES, "problem_id", &id, &row.service_id)?;
        Ok(done)
    }
}
