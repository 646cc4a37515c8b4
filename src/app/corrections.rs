//! Correcting the record: the SDM's own fields on imported facts. A ticket left out of the
//! SLA (with a reason from the `exclusion_reasons` setting and a note), made critical, paused
//! by hand or relieved of an imported pause; an outage left out of the SLA. An import never
//! overwrites any of it. Each correction is one undoable step that re-evaluates at once: a
//! breach whose cause is excluded turns void with a dated note, one whose cause is included
//! again comes back, a post-mortem falls due for a ticket made critical.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value;

use crate::config::Settings;
use crate::domain::model::{Outage, Pause, Service, Ticket};
use crate::engine::Engine;
use crate::engine::detect::{Detected, detect_in};
use crate::io::keys::{outage_id, ticket_id};
use crate::store::records::get_in;
use crate::store::reviews::{ReviewsEnsured, ensure_reviews_of};
use crate::store::{Store, schema};

use super::{AppError, AppResult, Ctx, service_named};

/// What to change on one or more tickets (several at once serve a major incident).
#[derive(Debug, Clone, Default)]
pub struct CorrectTickets {
    pub refs: Vec<String>,
    /// `exclude`: a reason from the `exclusion_reasons` setting.
    pub exclude: Option<String>,
    /// `note`: beside the exclusion's reason.
    pub note: Option<String>,
    /// `include`: back into the SLA.
    pub include: bool,
    /// `critical`: asks for a post-mortem (`Some(false)`: no longer critical).
    pub critical: Option<bool>,
    /// `pause`: `START/END` intervals to add, read like the import's pauses column.
    pub pauses: Vec<String>,
    /// `unpause`: pause numbers as `sdm clocks --explain` prints them.
    pub unpause: Vec<usize>,
    /// The zone local times in `pauses` are read in.
    pub tz: Tz,
}

/// What a correction did.
#[derive(Debug, Clone)]
pub struct Corrected {
    /// The undo step's label ("exclude INC1 (customer-caused)").
    pub label: String,
    pub detected: Detected,
    pub reviews: ReviewsEnsured,
}

fn rfc(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|d| d.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| t.to_string())
}

/// The pauses of a ticket as `sdm clocks --explain` numbers them: the imported ones first,
/// in stored order (a removed one keeps its number, marked), then the SDM's own.
pub fn numbered_pauses(imported: &[Pause], hand: &[Pause], ignored: &[i64]) -> Vec<(usize, Pause, &'static str)> {
    let mut out = Vec::new();
    for p in imported {
        let whose = if ignored.contains(&p.start) {
            "imported, removed by hand"
        } else {
            "imported"
        };
        out.push((out.len() + 1, *p, whose));
    }
    for p in hand {
        out.push((out.len() + 1, *p, "added by hand"));
    }
    out
}

impl Corrected {
    /// What the status line says: the step and what it led to.
    pub fn summary(&self) -> String {
        let d = &self.detected;
        let mut out = self.label.clone();
        for (n, what) in [
            (d.voided, "breach(es) now void"),
            (d.reopened, "breach(es) back"),
            (d.created, "new breach(es)"),
            (self.reviews.created, "review(s) now due"),
        ] {
            if n > 0 {
                out.push_str(&format!("; {n} {what}"));
            }
        }
        out
    }
}

/// How a form says "counted in the SLA" (no exclusion).
pub const IN_THE_SLA: &str = "(in the SLA)";

/// A ticket's own fields as the correction form shows them: `reference`, `exclude` (the
/// reason, or "(in the SLA)"), `note`, `critical` (yes/no).
pub fn ticket_values(store: &Store, id: &str) -> AppResult<super::Values> {
    let t = ticket_of(store, id)?;
    let mut v = super::Values::new();
    v.insert("reference", t.reference.clone());
    v.insert(
        "exclude",
        t.excluded_reason.clone().unwrap_or_else(|| IN_THE_SLA.to_string()),
    );
    v.insert("note", t.excluded_note.clone().unwrap_or_default());
    v.insert("critical", if t.critical { "yes" } else { "no" }.to_string());
    Ok(v)
}

/// The ticket an id names: a ticket's own, or a ticket breach's (the Breaches pane lists both).
fn ticket_of(store: &Store, id: &str) -> AppResult<Ticket> {
    if let Some(t) = get_in::<Ticket>(store.conn(), id)? {
        return Ok(t);
    }
    let breach: Option<crate::domain::model::Breach> = get_in(store.conn(), id)?;
    match breach.and_then(|b| b.ticket_id) {
        Some(tid) => get_in::<Ticket>(store.conn(), &tid)?.ok_or_else(|| AppError::not_found("that ticket is gone")),
        None => Err(AppError::not_found(
            "that breach is not a ticket's (availability or by hand): there is no ticket to correct",
        )),
    }
}

/// A reason from the settings' list, for `field`.
fn reason(settings: &Settings, field: &'static str, given: &str) -> AppResult<String> {
    Settings::pick(&settings.exclusion_reasons, "reason for an exclusion", given)
        .map(str::to_string)
        .map_err(|m| AppError::invalid(field, m))
}

/// Applies `input` to every ticket it names, in one undoable step, and re-evaluates them.
pub fn correct_tickets(store: &mut Store, ctx: &Ctx, input: &CorrectTickets) -> AppResult<Corrected> {
    if input.refs.is_empty() {
        return Err(AppError::invalid("ref", "name one or more tickets by reference"));
    }
    if input.exclude.is_some() && input.include {
        return Err(AppError::invalid("include", "exclude or include, not both"));
    }
    if input.note.is_some() && input.exclude.is_none() {
        return Err(AppError::invalid("note", "a note goes with --exclude REASON"));
    }
    if input.exclude.is_none()
        && !input.include
        && input.critical.is_none()
        && input.pauses.is_empty()
        && input.unpause.is_empty()
    {
        return Err(AppError::invalid(
            "ref",
            "say what to change: --exclude REASON, --include, --critical, --not-critical, --pause START/END or --unpause N",
        ));
    }
    let why = match &input.exclude {
        Some(r) => Some(reason(&ctx.settings, "exclude", r)?),
        None => None,
    };
    let now = ctx.now.timestamp();
    let mut tickets: Vec<Ticket> = Vec::new();
    for reference in &input.refs {
        let t: Option<Ticket> = get_in(store.conn(), &ticket_id(reference))?;
        match t {
            Some(t) => tickets.push(t),
            None => {
                return Err(AppError::not_found(format!(
                    "no ticket with reference \"{}\"",
                    reference.trim()
                )));
            }
        }
    }
    // Every change is checked against every ticket before anything is written.
    let mut writes: Vec<(String, Vec<(&'static str, Value)>)> = Vec::new();
    for t in &tickets {
        let mut fields: Vec<(&'static str, Value)> = Vec::new();
        if let Some(why) = &why {
            fields.push(("excluded_reason", Value::Text(why.clone())));
            let note = input.note.as_deref().map(str::trim).unwrap_or_default();
            fields.push((
                "excluded_note",
                if note.is_empty() {
                    Value::Null
                } else {
                    Value::Text(note.to_string())
                },
            ));
        }
        if input.include {
            fields.push(("excluded_reason", Value::Null));
            fields.push(("excluded_note", Value::Null));
        }
        if let Some(c) = input.critical {
            fields.push(("critical", Value::Integer(i64::from(c))));
        }
        let mut hand = t.hand_pauses.clone();
        let mut ignored = t.ignored_pauses.clone();
        // Numbers refer to the pauses as they stand before this step.
        let numbered = numbered_pauses(&t.pauses, &t.hand_pauses, &t.ignored_pauses);
        let mut drop_hand: Vec<Pause> = Vec::new();
        for &n in &input.unpause {
            let Some((_, p, whose)) = numbered.iter().find(|(i, _, _)| *i == n) else {
                let message = if numbered.is_empty() {
                    format!("{} has no pauses to remove", t.reference)
                } else {
                    format!(
                        "{} has {} pause(s): give a number from 1 to {} (sdm clocks --explain {} numbers them)",
                        t.reference,
                        numbered.len(),
                        numbered.len(),
                        t.reference
                    )
                };
                return Err(AppError::invalid("unpause", message));
            };
            if *whose == "added by hand" {
                drop_hand.push(*p);
            } else if !ignored.contains(&p.start) {
                ignored.push(p.start);
            }
        }
        hand.retain(|p| !drop_hand.contains(p));
        for text in &input.pauses {
            let read = crate::io::cells::pauses(text, None, &input.tz).map_err(|m| AppError::invalid("pause", m))?;
            for (start, end) in read {
                let Some(end) = end else {
                    return Err(AppError::invalid(
                        "pause",
                        format!("\"{text}\": give the pause's end (START/END)"),
                    ));
                };
                let life_end = t.resolved_at.unwrap_or(now);
                if start < t.opened_at || end > life_end || end <= start {
                    return Err(AppError::invalid(
                        "pause",
                        format!(
                            "\"{text}\" is outside the life of {} (opened {}, {} {}): a pause must lie within it and end after it starts",
                            t.reference,
                            rfc(t.opened_at),
                            if t.resolved_at.is_some() {
                                "resolved"
                            } else {
                                "open until now,"
                            },
                            rfc(life_end)
                        ),
                    ));
                }
                let pause = Pause { start, end: Some(end) };
                if let Some((n, _, _)) = numbered.iter().find(|(_, p, _)| *p == pause) {
                    return Err(AppError::invalid(
                        "pause",
                        format!("{} already has this pause (number {n})", t.reference),
                    ));
                }
                hand.push(pause);
            }
        }
        hand.sort_by_key(|p| (p.start, p.end));
        if hand != t.hand_pauses {
            let pairs: Vec<(i64, Option<i64>)> = hand.iter().map(|p| (p.start, p.end)).collect();
            fields.push((
                "hand_pauses",
                Value::Text(serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())),
            ));
        }
        if ignored != t.ignored_pauses {
            fields.push((
                "ignored_pauses",
                Value::Text(serde_json::to_string(&ignored).unwrap_or_else(|_| "[]".into())),
            ));
        }
        writes.push((t.id.clone(), fields));
    }
    let refs: Vec<&str> = tickets.iter().map(|t| t.reference.as_str()).collect();
    let mut what: Vec<String> = Vec::new();
    if let Some(why) = &why {
        what.push(format!("exclude ({why})"));
    }
    if input.include {
        what.push("include".into());
    }
    match input.critical {
        Some(true) => what.push("mark critical".into()),
        Some(false) => what.push("mark not critical".into()),
        None => {}
    }
    if !input.pauses.is_empty() {
        what.push(format!("add pause {}", input.pauses.join(", ")));
    }
    if !input.unpause.is_empty() {
        let numbers: Vec<String> = input.unpause.iter().map(|n| format!("#{n}")).collect();
        what.push(format!("remove pause {}", numbers.join(", ")));
    }
    let label = format!("{} {}", what.join(", "), refs.join(", "));
    let ids: Vec<String> = tickets.iter().map(|t| t.id.clone()).collect();
    let settings = ctx.settings.clone();
    let (detected, reviews) = store.write(Some(&label), |w| {
        for (id, fields) in &writes {
            w.update(&schema::TICKETS, id, fields)?;
        }
        let engine = Engine::load(w.conn(), &settings)?;
        let detected = detect_in(w, &engine, now, Some(&ids))?;
        let reviews = ensure_reviews_of(w, settings.review_due_working_days, Some(&ids))?;
        Ok((detected, reviews))
    })?;
    Ok(Corrected {
        label,
        detected,
        reviews,
    })
}

/// What to change on one outage, named by its service and start.
#[derive(Debug, Clone)]
pub struct CorrectOutage {
    pub service: String,
    /// `start`: the outage's start, as listed (`sdm outages`), read in `tz` when local.
    pub start: String,
    pub exclude: Option<String>,
    pub note: Option<String>,
    pub include: bool,
    pub tz: Tz,
}

/// Leaves an outage out of the SLA (or brings it back), undoably, and re-evaluates the
/// service's availability.
pub fn correct_outage(store: &mut Store, ctx: &Ctx, input: &CorrectOutage) -> AppResult<Corrected> {
    if input.exclude.is_some() == input.include {
        return Err(AppError::invalid("exclude", "say --exclude REASON or --include"));
    }
    if input.note.is_some() && input.exclude.is_none() {
        return Err(AppError::invalid("note", "a note goes with --exclude REASON"));
    }
    let service: Service = service_named(store, "service", &input.service)?;
    let start =
        crate::io::cells::time(input.start.trim(), None, &input.tz).map_err(|m| AppError::invalid("start", m))?;
    // The start as listed, to the second; or to the minute, as a person types it.
    let outage = match get_in::<Outage>(store.conn(), &outage_id(&service.id, start))? {
        Some(o) => Some(o),
        None => {
            let same_minute: Vec<Outage> = crate::store::records::list_where(
                store.conn(),
                "deleted = 0 AND service_id = ?1 AND start_at >= ?2 AND start_at < ?3",
                rusqlite::params![
                    service.id,
                    start - start.rem_euclid(60),
                    start - start.rem_euclid(60) + 60
                ],
            )?;
            match same_minute.as_slice() {
                [one] => Some(one.clone()),
                _ => None,
            }
        }
    };
    let Some(outage) = outage else {
        return Err(AppError::not_found(format!(
            "{} has no outage starting {}: sdm outages --service \"{}\" lists them",
            service.name,
            rfc(start),
            service.name
        )));
    };
    let fields: Vec<(&'static str, Value)> = match &input.exclude {
        Some(r) => {
            let why = reason(&ctx.settings, "exclude", r)?;
            let note = input.note.as_deref().map(str::trim).unwrap_or_default();
            vec![
                ("excluded_reason", Value::Text(why)),
                (
                    "excluded_note",
                    if note.is_empty() {
                        Value::Null
                    } else {
                        Value::Text(note.to_string())
                    },
                ),
            ]
        }
        None => vec![("excluded_reason", Value::Null), ("excluded_note", Value::Null)],
    };
    let label = format!(
        "{} the outage of {} at {}",
        if input.include { "include" } else { "exclude" },
        service.name,
        rfc(outage.start_at)
    );
    let now = ctx.now.timestamp();
    let settings = ctx.settings.clone();
    let detected = store.write(Some(&label), |w| {
        w.update(&schema::OUTAGES, &outage.id, &fields)?;
        let engine = Engine::load(w.conn(), &settings)?;
        detect_in(w, &engine, now, Some(&[]))
    })?;
    Ok(Corrected {
        label,
        detected,
        reviews: ReviewsEnsured::default(),
    })
}

/// A service's name and its outages' starts (RFC 3339, newest first), for the form that
/// picks one.
pub fn outages_of(store: &Store, service_id: &str) -> AppResult<(String, Vec<String>)> {
    let s: Service = get_in(store.conn(), service_id)?.ok_or_else(|| AppError::not_found("that service is gone"))?;
    let starts = outages(store, Some(&s.name))?.into_iter().map(|o| o.start).collect();
    Ok((s.name, starts))
}

/// One outage as `sdm outages` lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct OutageLine {
    pub service: String,
    pub start: String,
    pub end: Option<String>,
    pub planned: bool,
    pub excluded: Option<String>,
    pub note: Option<String>,
    pub summary: String,
}

/// Every outage, newest first, of one service or all.
pub fn outages(store: &Store, service: Option<&str>) -> AppResult<Vec<OutageLine>> {
    let only = match service {
        Some(name) => Some(service_named(store, "service", name)?),
        None => None,
    };
    let all: Vec<Outage> = crate::store::records::list_where(store.conn(), "deleted = 0", [])?;
    let services: Vec<Service> = crate::store::records::list_where(store.conn(), "deleted = 0", [])?;
    let name_of = |id: &str| {
        services
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let mut out: Vec<(i64, OutageLine)> = all
        .into_iter()
        .filter(|o| only.as_ref().is_none_or(|s| s.id == o.service_id))
        .map(|o| {
            (
                o.start_at,
                OutageLine {
                    service: name_of(&o.service_id),
                    start: rfc(o.start_at),
                    end: o.end_at.map(rfc),
                    planned: o.planned,
                    excluded: o.excluded_reason.clone(),
                    note: o.excluded_note.clone(),
                    summary: o.summary.clone(),
                },
            )
        })
        .collect();
    out.sort_by_key(|(start, _)| std::cmp::Reverse(*start));
    Ok(out.into_iter().map(|(_, l)| l).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_are_numbered_imported_first() {
        let p = |s: i64, e: i64| Pause { start: s, end: Some(e) };
        let list = numbered_pauses(&[p(10, 20), p(30, 40)], &[p(50, 60)], &[30]);
        assert_eq!(
            list,
            vec![
                (1, p(10, 20), "imported"),
                (2, p(30, 40), "imported, removed by hand"),
                (3, p(50, 60), "added by hand"),
            ]
        );
    }
}
