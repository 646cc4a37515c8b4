//! Reviews fall due by themselves (which ones and when is `domain::reviews_due`); this writes
//! them. Each is created once (its id comes from the change or ticket), however often data is
//! re-imported, and a review the SDM deleted is not brought back.

use std::collections::HashMap;

use rusqlite::OptionalExtension;

use super::records::{Record, get_in};
use super::{Result, Writer, builtin_calendar_id};
use crate::domain::enums::ReviewKind;
use crate::domain::ids::natural_id;
use crate::domain::model::{CalendarRecord, Review};
use crate::domain::reviews_due::{self, POSTMORTEM_PRIORITY, due_date, pir_reason, postmortem_reason};

/// What `ensure_reviews` did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewsEnsured {
    pub created: usize,
    /// Reviews not yet held whose due date moved (a ticket got resolved).
    pub moved: usize,
}

struct Due {
    kind: ReviewKind,
    service_id: String,
    change_id: Option<String>,
    ticket_id: Option<String>,
    title: String,
    from: i64,
    window: Option<String>,
}

/// Creates the reviews that are due and not there yet; moves the due date of reviews not
/// yet held when the moment they count from changed.
pub fn ensure_reviews(w: &mut Writer<'_>, working_days: i64) -> Result<ReviewsEnsured> {
    ensure_reviews_of(w, working_days, None)
}

/// [`ensure_reviews`] for only the changes and tickets with these ids (an import's touched
/// records: no other's review can have changed); every one when `None`.
pub fn ensure_reviews_of(w: &mut Writer<'_>, working_days: i64, only: Option<&[String]>) -> Result<ReviewsEnsured> {
    if only.is_some_and(<[String]>::is_empty) {
        return Ok(ReviewsEnsured::default());
    }
    // The touched records are looked up by id, a slice at a time (an import of a thousand
    // rows reads a thousand, not the whole history); every one when `None`.
    // When they are most of what is stored (a first import), reading everything once and
    // keeping theirs is cheaper.
    let mut wanted: Vec<Due> = Vec::new();
    let held = |w: &Writer<'_>| -> Result<i64> {
        let mut held = 0i64;
        for table in ["tickets", "changes"] {
            held = held.saturating_add(super::bulk::last_rowid(w.conn(), table)?.max(0));
        }
        Ok(held)
    };
    match only {
        Some(ids) if i64::try_from(ids.len()).unwrap_or(i64::MAX).saturating_mul(2) < held(w)? => {
            for slice in ids.chunks(20_000) {
                wanted_of(w, Some(&serde_json::to_string(slice)?), &mut wanted)?;
            }
        }
        Some(ids) => {
            let ids: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
            wanted_of(w, None, &mut wanted)?;
            wanted.retain(|d| {
                d.change_id
                    .as_deref()
                    .or(d.ticket_id.as_deref())
                    .is_some_and(|id| ids.contains(id))
            });
        }
        None => wanted_of(w, None, &mut wanted)?,
    }
    ensure_wanted(w, working_days, wanted)
}

/// The reviews the rules want for the changes and tickets whose ids are in the JSON array
/// `ids` (every one when `None`).
fn wanted_of(w: &Writer<'_>, ids: Option<&str>, wanted: &mut Vec<Due>) -> Result<()> {
    {
        let conn = w.conn();
        let mut stmt = conn.prepare_cached(if ids.is_some() {
            "SELECT c.id, c.reference, c.summary, c.service_id, c.implemented_at, s.window_calendar_id, c.kind, c.outcome \
             FROM changes c JOIN services s ON s.id = c.service_id WHERE c.deleted = 0 \
             AND c.id IN (SELECT value FROM json_each(?1))"
        } else {
            "SELECT c.id, c.reference, c.summary, c.service_id, c.implemented_at, s.window_calendar_id, c.kind, c.outcome \
             FROM changes c JOIN services s ON s.id = c.service_id WHERE c.deleted = 0 AND ?1 IS NULL"
        })?;
        let rows = stmt.query_map([ids], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in rows {
            let (id, reference, summary, service_id, at, window, kind, outcome) = row?;
            let Some(why) = pir_reason(&kind, &outcome) else {
                continue;
            };
            wanted.push(Due {
                kind: ReviewKind::Pir,
                service_id,
                change_id: Some(id),
                ticket_id: None,
                title: reviews_due::title("PIR", &reference, &why, &summary),
                from: at,
                window,
            });
        }
        let mut stmt = conn.prepare_cached(if ids.is_some() {
            "SELECT t.id, t.reference, t.summary, t.service_id, coalesce(t.resolved_at, t.opened_at), \
               s.window_calendar_id, t.priority, t.critical, t.state \
             FROM tickets t JOIN services s ON s.id = t.service_id \
             WHERE t.deleted = 0 AND (t.priority = ?1 OR t.critical = 1) \
             AND t.id IN (SELECT value FROM json_each(?2))"
        } else {
            "SELECT t.id, t.reference, t.summary, t.service_id, coalesce(t.resolved_at, t.opened_at), \
               s.window_calendar_id, t.priority, t.critical, t.state \
             FROM tickets t JOIN services s ON s.id = t.service_id \
             WHERE t.deleted = 0 AND (t.priority = ?1 OR t.critical = 1) AND ?2 IS NULL"
        })?;
        // Read narrowed to the tickets that can qualify (an index's work); the rule decides.
        let rows = stmt.query_map(rusqlite::params![POSTMORTEM_PRIORITY, ids], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, bool>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        for row in rows {
            let (id, reference, summary, service_id, from, window, priority, critical, state) = row?;
            let Some(why) = postmortem_reason(&priority, critical, &state) else {
                continue;
            };
            wanted.push(Due {
                kind: ReviewKind::Postmortem,
                service_id,
                change_id: None,
                ticket_id: Some(id),
                title: reviews_due::title("Post-mortem", &reference, why, &summary),
                from,
                window,
            });
        }
    }
    Ok(())
}

/// Adds the wanted reviews not there yet and moves the due date of those not yet held.
fn ensure_wanted(w: &mut Writer<'_>, working_days: i64, wanted: Vec<Due>) -> Result<ReviewsEnsured> {
    let mut calendars: HashMap<String, Option<CalendarRecord>> = HashMap::new();
    let mut done = ReviewsEnsured::default();
    // Into a file with no review at all (a first import) there is none to look up: each is
    // new, once (a record named twice is raised once).
    let none_yet = super::bulk::holds_none(w.conn(), "reviews")?;
    let mut raised: std::collections::HashSet<String> = std::collections::HashSet::new();
    for due in wanted {
        let source = due
            .change_id
            .as_deref()
            .or(due.ticket_id.as_deref())
            .unwrap_or_default();
        let id = natural_id("review", source);
        let calendar_id = due.window.clone().unwrap_or_else(builtin_calendar_id);
        if !calendars.contains_key(&calendar_id) {
            let cal: Option<CalendarRecord> = get_in(w.conn(), &calendar_id)?;
            calendars.insert(calendar_id.clone(), cal);
        }
        let cal = calendars.get(&calendar_id).and_then(|c| c.as_ref());
        let due_date = due_date(due.from, cal, working_days);
        // (deleted, held on) of the review already there, if any.
        let there: Option<(bool, Option<String>)> = if none_yet {
            if !raised.insert(id.clone()) {
                continue;
            }
            None
        } else {
            w.conn()
                .prepare_cached("SELECT deleted, held_on FROM reviews WHERE id = ?1")?
                .query_row([&id], |r| Ok((r.get::<_, i64>(0)? != 0, r.get(1)?)))
                .optional()?
        };
        match there {
            Some((true, _)) => continue, // deleted by the SDM: stays deleted
            Some((false, held)) => {
                if held.is_none() {
                    let outcome = w.update(Review::TABLE, &id, &[("due", super::records::date(due_date))])?;
                    if outcome == super::Upserted::Changed {
                        done.moved += 1;
                    }
                }
            }
            None => {
                let review = Review {
                    id,
                    kind: due.kind,
                    service_id: due.service_id,
                    change_id: due.change_id,
                    ticket_id: due.ticket_id,
                    title: due.title,
                    due: due_date,
                    held_on: None,
                    attendees: String::new(),
                    what_went_wrong: String::new(),
                    root_cause: String::new(),
                    problem_ref: String::new(),
                    findings: String::new(),
                };
                w.add(&review)?;
                done.created += 1;
            }
        }
    }
    Ok(done)
}
