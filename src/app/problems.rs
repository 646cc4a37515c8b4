//! Problem management: raise a problem from the evidence behind a signal (a ⚑ service, a
//! breach, a PIR or a post-mortem), move it from open to a known error with a workaround and
//! a fix, and list what is open.

use std::collections::HashMap;

use crate::domain::enums::{BreachStatus, ChangeKind, ProblemStatus};
use crate::domain::ids::new_id;
use crate::domain::model::{Breach, Change, Problem, Review, Service, Ticket};
use crate::domain::problem::{self, ProblemItem};
use crate::store::Store;
use crate::store::problems::{self as stored, Evidence};
use crate::store::read;
use crate::store::records::{get_in, list_where};
use crate::store::signals::{BREACH_WINDOW_DAYS, EMERGENCY_WINDOW_DAYS};

use super::detail::Subject;
use super::error::Checks;
use super::{
    AppError, AppResult, Ctx, RecordKind, RecordRef, Stamp, Values, date_text, existing, opt_date, service_named, verb,
    word,
};

/// A problem as a form or the command line gives it. The evidence lists are ids, carried
/// from the record it was raised from; on an edit, empty lists keep what the problem has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveProblem {
    pub id: Option<String>,
    pub reference: String,
    pub title: String,
    pub status: String,
    /// Service names or aliases, comma-separated.
    pub services: String,
    pub root_cause: String,
    pub workaround: String,
    pub owner: String,
    pub due: String,
    /// The fixing change's reference (CHG…), empty for none.
    pub fix_change: String,
    pub notes: String,
    pub links: Links,
}

/// The evidence a problem names, by record id.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Links {
    pub ticket_ids: Vec<String>,
    pub change_ids: Vec<String>,
    pub breach_ids: Vec<String>,
    pub review_ids: Vec<String>,
}

/// Saves a problem (one undoable step).
pub fn save(store: &mut Store, ctx: &Ctx, input: &SaveProblem) -> AppResult<Problem> {
    let mut checks = Checks::default();
    let status = checks.take(word::<ProblemStatus>(
        "status",
        if input.status.trim().is_empty() {
            "open"
        } else {
            &input.status
        },
    ));
    let due = checks.take(opt_date(ctx, "due", &input.due)).flatten();
    let services = checks.take(
        input
            .services
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|n| service_named(store, "services", n).map(|s| s.id))
            .collect::<AppResult<Vec<_>>>(),
    );
    let fix = match input.fix_change.trim() {
        "" => None,
        r => checks.take(
            read::change_by_reference(store.conn(), r)
                .map_err(AppError::from)
                .and_then(|c| {
                    c.ok_or_else(|| AppError::invalid("fix_change", format!("no change \"{r}\" is on file")))
                }),
        ),
    };
    if input.title.trim().is_empty() {
        checks.fail("title", "must not be empty");
    }
    if let Some(other) = non_empty(&input.reference).and_then(|r| stored::by_reference(store.conn(), r).ok().flatten())
        && Some(&other.id) != input.id.as_ref()
    {
        checks.fail(
            "reference",
            format!("{} is the problem \"{}\" already", other.reference, other.title),
        );
    }
    checks.finish()?;
    let (status, services) = (Checks::taken(status)?, Checks::taken(services)?);
    let old: Option<Problem> = existing(store, &input.id)?;
    let keep = |given: &Vec<String>, had: Option<&Vec<String>>| -> Vec<String> {
        let mut all: Vec<String> = had.cloned().unwrap_or_default();
        for id in given {
            if !all.contains(id) {
                all.push(id.clone());
            }
        }
        all
    };
    let mut change_ids = keep(&input.links.change_ids, old.as_ref().map(|p| &p.change_ids));
    if let Some(c) = &fix
        && !change_ids.contains(&c.id)
    {
        change_ids.push(c.id.clone());
    }
    let p = Problem {
        id: input.id.clone().unwrap_or_else(new_id),
        reference: input.reference.trim().to_string(),
        title: input.title.trim().to_string(),
        status,
        root_cause: input.root_cause.trim().to_string(),
        workaround: input.workaround.trim().to_string(),
        owner: input.owner.trim().to_string(),
        due,
        fix_change_id: fix.map(|c| c.id),
        notes: input.notes.clone(),
        ticket_ids: keep(&input.links.ticket_ids, old.as_ref().map(|p| &p.ticket_ids)),
        change_ids,
        breach_ids: keep(&input.links.breach_ids, old.as_ref().map(|p| &p.breach_ids)),
        review_ids: keep(&input.links.review_ids, old.as_ref().map(|p| &p.review_ids)),
        service_ids: services,
    };
    let label = format!("{} problem {}", verb(&input.id), p.name());
    store.write(Some(&label), |w| w.save(&p))?;
    Ok(p)
}

fn non_empty(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// A problem's values to edit, and its stamp.
pub fn values(store: &Store, id: &str) -> AppResult<(Values, Option<Stamp>)> {
    let conn = store.conn();
    let p: Problem = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that problem is gone"))?;
    let mut v = Values::new();
    v.insert("reference", p.reference.clone());
    v.insert("title", p.title.clone());
    v.insert("status", p.status.as_str().into());
    v.insert("services", service_names(store, &p.service_ids).join(", "));
    v.insert("root_cause", p.root_cause.clone());
    v.insert("workaround", p.workaround.clone());
    v.insert("owner", p.owner.clone());
    v.insert("due", date_text(p.due));
    let fix = match &p.fix_change_id {
        Some(cid) => get_in::<Change>(conn, cid)?.map(|c| c.reference).unwrap_or_default(),
        None => String::new(),
    };
    v.insert("fix_change", fix);
    v.insert("notes", p.notes.clone());
    let stamp = super::records::stamp(store, &RecordRef::new(RecordKind::Problem, id));
    Ok((v, stamp))
}

fn service_names(store: &Store, ids: &[String]) -> Vec<String> {
    ids.iter()
        .filter_map(|id| read::record_name(store.conn(), "services", id))
        .collect()
}

/// A new problem prefilled from where `P` was pressed: its title, services and evidence, and
/// (from a review) the review's root cause or findings. Says in `said` what it linked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Raised {
    pub input: SaveProblem,
    /// "links 3 emergency changes: CHG…, CHG…, CHG…"
    pub said: String,
}

/// The evidence behind a signal, gathered into a problem to save.
pub fn raise_from(store: &Store, ctx: &Ctx, from: &Subject) -> AppResult<Raised> {
    let conn = store.conn();
    let now = ctx.now.timestamp();
    let mut input = SaveProblem {
        owner: ctx.settings.me.clone(),
        status: ProblemStatus::Open.as_str().into(),
        ..SaveProblem::default()
    };
    let mut said = Vec::new();
    match from {
        Subject::Service(id) => {
            let s: Service = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that service is gone"))?;
            input.services = s.name.clone();
            // The emergency changes of the last 30 days, and the breaches of every target
            // breached again and again in 90 days: what the ⚑ counts.
            let since = now - EMERGENCY_WINDOW_DAYS * 86_400;
            let changes: Vec<Change> = list_where(
                conn,
                "deleted = 0 AND service_id = ?1 AND kind = ?2 AND implemented_at > ?3 AND implemented_at <= ?4 \
                 ORDER BY implemented_at",
                rusqlite::params![id, ChangeKind::Emergency.as_str(), since, now],
            )?;
            let repeated = repeated_breaches(store, id, None, now)?;
            if changes.is_empty() && repeated.is_empty() {
                input.title = format!("{}: ", s.name);
                said.push("no signal to link: name what keeps happening".to_string());
            } else if changes.len() >= repeated.len() {
                input.title = format!(
                    "{}: {} emergency changes in {EMERGENCY_WINDOW_DAYS} days",
                    s.name,
                    changes.len()
                );
            } else {
                input.title = format!("{}: the same target breached {} times", s.name, repeated.len());
            }
            if !changes.is_empty() {
                said.push(format!(
                    "{} emergency change(s): {}",
                    changes.len(),
                    changes
                        .iter()
                        .map(|c| c.reference.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !repeated.is_empty() {
                said.push(format!("{} repeated breach(es)", repeated.len()));
            }
            input.links.change_ids = changes.into_iter().map(|c| c.id).collect();
            input.links.breach_ids = repeated.iter().map(|b| b.id.clone()).collect();
            input.links.ticket_ids = repeated.iter().filter_map(|b| b.ticket_id.clone()).collect();
        }
        Subject::Breach(id) => {
            let b: Breach = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that breach is gone"))?;
            input.services = read::record_name(conn, "services", &b.service_id).unwrap_or_default();
            input.title = b.title.clone();
            // This breach and the other breaches of its target in 90 days.
            let mut breaches = match &b.target_id {
                Some(t) => repeated_breaches(store, &b.service_id, Some(t), now)?,
                None => vec![],
            };
            if !breaches.iter().any(|x| x.id == b.id) {
                breaches.push(b.clone());
            }
            said.push(format!("{} breach(es) of this target", breaches.len()));
            input.links.ticket_ids = breaches.iter().filter_map(|x| x.ticket_id.clone()).collect();
            input.links.breach_ids = breaches.into_iter().map(|x| x.id).collect();
        }
        Subject::Ticket(id) => {
            let t: Ticket = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that ticket is gone"))?;
            input.services = read::record_name(conn, "services", &t.service_id).unwrap_or_default();
            input.title = t.summary.clone();
            said.push(format!("the ticket {}", t.reference));
            input.links.ticket_ids = vec![t.id];
        }
        Subject::Review(id) => {
            let r: Review = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that review is gone"))?;
            input.services = read::record_name(conn, "services", &r.service_id).unwrap_or_default();
            input.title = r.title.clone();
            // A review's findings become the root cause when it names none.
            input.root_cause = [&r.root_cause, &r.what_went_wrong, &r.findings]
                .into_iter()
                .map(|t| t.trim())
                .find(|t| !t.is_empty())
                .unwrap_or("")
                .to_string();
            if !input.root_cause.is_empty() {
                input.status = ProblemStatus::RootCauseKnown.as_str().into();
            }
            said.push(format!("the {} and what it reviewed", r.kind.label()));
            input.links.review_ids = vec![r.id.clone()];
            input.links.change_ids = r.change_id.into_iter().collect();
            input.links.ticket_ids = r.ticket_id.into_iter().collect();
        }
        Subject::Change(id) => {
            let c: Change = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that change is gone"))?;
            input.services = read::record_name(conn, "services", &c.service_id).unwrap_or_default();
            input.title = c.summary.clone();
            said.push(format!("the change {}", c.reference));
            input.links.change_ids = vec![c.id];
        }
        _ => {
            return Err(AppError::invalid(
                "",
                "P raises a problem from a service, a breach, a ticket, a review or a change",
            ));
        }
    }
    Ok(Raised {
        input,
        said: format!("links {}", said.join("; ")),
    })
}

/// The breaches of a service's targets breached at least three times in 90 days (of one
/// target when given), oldest first: the evidence the ⚑ counts.
fn repeated_breaches(store: &Store, service_id: &str, target: Option<&str>, now: i64) -> AppResult<Vec<Breach>> {
    let since = now - BREACH_WINDOW_DAYS * 86_400;
    let all: Vec<Breach> = list_where(
        store.conn(),
        "deleted = 0 AND service_id = ?1 AND breached_at > ?2 AND breached_at <= ?3 AND target_id IS NOT NULL \
         AND (?4 IS NULL OR target_id = ?4) ORDER BY breached_at",
        rusqlite::params![service_id, since, now, target],
    )?;
    let live: Vec<Breach> = all.into_iter().filter(|b| b.status != BreachStatus::Void).collect();
    let mut per_target: HashMap<&str, usize> = HashMap::new();
    for b in &live {
        *per_target.entry(b.target_id.as_deref().unwrap_or("")).or_default() += 1;
    }
    let repeated = |b: &Breach| {
        per_target
            .get(b.target_id.as_deref().unwrap_or(""))
            .copied()
            .unwrap_or(0)
            >= crate::store::signals::REPEATED_BREACHES as usize
    };
    Ok(live.iter().filter(|b| repeated(b)).cloned().collect())
}

/// The problems listed: the open ones (every one with `all`), overdue and long-waiting first.
pub fn list(store: &Store, ctx: &Ctx, all: bool) -> AppResult<Vec<ProblemItem>> {
    let conn = store.conn();
    let raised = stored::raised(conn)?;
    let today = ctx.today();
    let mut items: Vec<ProblemItem> = stored::all(conn, !all)?
        .iter()
        .map(|p| {
            let day = raised
                .get(&p.id)
                .and_then(|t| chrono::DateTime::from_timestamp(*t, 0))
                .map(|t| t.with_timezone(&ctx.tz).date_naive())
                .unwrap_or(today);
            ProblemItem::of(p, service_names(store, &p.service_ids), day, today)
        })
        .collect();
    problem::sort(&mut items);
    Ok(items)
}

/// The known errors a ticket is evidence of, with their workarounds: "PRB0040012 known
/// error — workaround: restart the confirmation queue".
pub fn workarounds_for_ticket(store: &Store, ticket_id: &str) -> AppResult<Vec<String>> {
    Ok(stored::naming(store.conn(), Evidence::Ticket, ticket_id)?
        .into_iter()
        .map(|p| {
            if p.workaround.is_empty() {
                format!("problem {} · {}", p.name(), p.status.label())
            } else {
                format!(
                    "problem {} · {} — workaround: {}",
                    p.name(),
                    p.status.label(),
                    p.workaround
                )
            }
        })
        .collect())
}
