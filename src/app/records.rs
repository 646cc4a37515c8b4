//! Which record a request is about, its stamp (to notice another sdm's change while a form
//! is open), deleting one, and undo.

use crate::store::undo::{Actor, Undone};
use crate::store::{Store, schema};

use super::{AppError, AppResult};

/// The kinds of record a person edits or deletes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RecordKind {
    Service,
    Breach,
    Stakeholder,
    TouchPoint,
    Review,
    Action,
    Improvement,
    Calendar,
    Problem,
}

impl RecordKind {
    fn table(self) -> &'static str {
        match self {
            RecordKind::Service => "services",
            RecordKind::Breach => "breaches",
            RecordKind::Stakeholder => "stakeholders",
            RecordKind::TouchPoint => "touch_points",
            RecordKind::Review => "reviews",
            RecordKind::Action => "actions",
            RecordKind::Improvement => "improvements",
            RecordKind::Calendar => "calendars",
            RecordKind::Problem => "problems",
        }
    }

    /// What a person calls it.
    pub fn noun(self) -> &'static str {
        match self {
            RecordKind::Service => "service",
            RecordKind::Breach => "breach",
            RecordKind::Stakeholder => "stakeholder",
            RecordKind::TouchPoint => "touch point",
            RecordKind::Review => "review",
            RecordKind::Action => "action",
            RecordKind::Improvement => "improvement",
            RecordKind::Calendar => "calendar",
            RecordKind::Problem => "problem",
        }
    }
}

/// One record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub id: String,
}

impl RecordRef {
    pub fn new(kind: RecordKind, id: impl Into<String>) -> RecordRef {
        RecordRef { kind, id: id.into() }
    }
}

/// A record's stamp as it was when an edit began.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub record: RecordRef,
    pub hlc: String,
}

/// The stamp a record has now.
pub fn stamp(store: &Store, record: &RecordRef) -> Option<Stamp> {
    crate::store::read::stamp(store.conn(), record.kind.table(), &record.id).map(|hlc| Stamp {
        record: record.clone(),
        hlc,
    })
}

/// Whether someone (another sdm) changed the record since `base` was taken.
pub fn changed_since(store: &Store, base: &Stamp) -> bool {
    stamp(store, &base.record).is_none_or(|now| now.hlc != base.hlc)
}

/// Deletes a record (a tombstone), undoably; `label` names the step for undo.
pub fn delete(store: &mut Store, record: &RecordRef, label: &str) -> AppResult<()> {
    let table = schema::table(record.kind.table())
        .ok_or_else(|| AppError::not_found(format!("no {} table", record.kind.noun())))?;
    store.write(Some(label), |w| w.delete(table, &record.id))?;
    Ok(())
}

/// What hangs on a record, said before it is deleted ("30 tickets, 3 open breaches"); empty
/// when nothing does. A delete marks only the record itself: these are kept as they are.
pub fn ties(store: &Store, record: &RecordRef) -> AppResult<String> {
    let ties = crate::store::queries::ties(store.conn(), record.kind.table(), &record.id)?;
    Ok(ties_text(&ties))
}

fn ties_text(ties: &[(&str, i64)]) -> String {
    ties.iter()
        .map(|(what, n)| {
            let what = match (*n, *what) {
                (1, "open breaches") => "open breach",
                (1, w) => w.strip_suffix('s').unwrap_or(w),
                (_, w) => w,
            };
            format!("{n} {what}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// What an undo came to.
pub enum UndoOutcome {
    Done(String),
    Nothing,
    /// The last step is someone else's (another session's, a command's, a sync's): ask first.
    Ask {
        whose: &'static str,
        label: String,
    },
}

/// Does again what the last undo took back; `None` when nothing was undone since the last
/// change.
pub fn redo(store: &mut Store) -> AppResult<Option<String>> {
    Ok(store.redo()?)
}

/// The undo journal as a detail to read: the latest steps, newest first, each with when, what
/// and whose, and which stand undone (what redo would do again, in order).
pub fn undo_history(store: &Store, ctx: &super::Ctx) -> AppResult<super::detail::Detail> {
    let steps = store.undo_history(50)?;
    let mut lines = Vec::with_capacity(steps.len() + 2);
    if steps.is_empty() {
        lines.push("nothing has been changed in this file yet".to_string());
    }
    for (step, undone) in &steps {
        let when = chrono::DateTime::from_timestamp(step.at, 0)
            .map(|t| t.with_timezone(&ctx.tz).format("%a %d %b %H:%M").to_string())
            .unwrap_or_default();
        let whose = match step.actor.as_str() {
            "interface" => "",
            "command" => "  (command line)",
            "sync" => "  (sync)",
            _ => "  (earlier sdm)",
        };
        let mark = if *undone { "  [undone: redo brings it back]" } else { "" };
        lines.push(format!(
            "{when}  {}{whose}{mark}",
            crate::domain::text::inert(&step.label)
        ));
    }
    if steps.len() == 50 {
        lines.push("… older steps are kept too; undo reaches them one at a time".into());
    }
    Ok(super::detail::Detail {
        title: "Undo history (newest first)".into(),
        lines,
        service_id: None,
        subject: None,
        links: vec![],
    })
}

/// Undoes the last step; another's only with `consent`.
pub fn undo(store: &mut Store, consent: bool) -> AppResult<UndoOutcome> {
    Ok(match store.undo_last(consent)? {
        Undone::Done(label) => UndoOutcome::Done(label),
        Undone::Nothing => UndoOutcome::Nothing,
        Undone::Ask(step) => UndoOutcome::Ask {
            whose: Actor::describe(&step.actor),
            label: step.label,
        },
    })
}

#[cfg(test)]
mod ties_tests {
    #[test]
    fn one_of_a_kind_is_said_in_the_singular() {
        assert_eq!(
            super::ties_text(&[("tickets", 1), ("open breaches", 1), ("stakeholders", 1)]),
            "1 ticket, 1 open breach, 1 stakeholder"
        );
        assert_eq!(super::ties_text(&[("touch points", 7)]), "7 touch points");
        assert_eq!(super::ties_text(&[]), "");
    }
}
