//! Problem management: raise a problem from the evidence behind a signal (a ⚑ service, a
//! breach, a PIR or a post-mortem), move it from open to a known error with a workaround and
//! a fix, and list what is open.

use crate::domain::enums::{BreachStatus, ProblemStatus};
use crate::domain::ids::new_id;
use crate::domain::model::{Breach, Change, Problem, Review, Service, Ticket};
use crate::domain::problem::{self, ProblemItem};
use crate::store::Store;
use crate::store::problems as stored;
use crate::store::read;
use crate::store::records::{get_in, list_where};
use crate::store::signals::{self, BREACH_WINDOW_DAYS, EMERGENCY_WINDOW_DAYS};

use super::detail::Subject;
use super::error::Checks;
use super::{
    AppError, AppResult, Ctx, RecordKind, RecordRef, Stamp, Values, date_text, existing, opt_date, service_list, verb,
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
    /// The day it was raised; empty is today for a new one, as it was for an edit.
    pub raised: String,
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

/// A problem saved, and what deserves a second look (it is closed while incidents like it
/// keep coming).
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub problem: Problem,
    pub warnings: Vec<String>,
}

/// Saves a problem (one undoable step).
pub fn save(store: &mut Store, ctx: &Ctx, input: &SaveProblem) -> AppResult<Saved> {
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
    let raised = checks.take(opt_date(ctx, "raised", &input.raised)).flatten();
    let services = checks.take(service_list(store, "services", &input.services));
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
    let same_reference = match non_empty(&input.reference) {
        Some(r) => checks
            .take(stored::by_reference(store.conn(), r).map_err(AppError::from))
            .flatten(),
        None => None,
    };
    if let Some(other) = same_reference
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
        raised_on: raised
            .or_else(|| old.as_ref().and_then(|p| p.raised_on))
            .or_else(|| Some(ctx.today())),
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
    let warnings = closing_warning(store, ctx, &p)?.into_iter().collect();
    Ok(Saved { problem: p, warnings })
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
    v.insert("raised", date_text(p.raised_on));
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
            // The evidence behind the ⚑: its emergency changes and the breaches of each
            // target breached out of the ordinary.
            let changes = signals::emergency_runs(conn, ctx.now, Some(id))?;
            let runs = signals::breach_runs(conn, ctx.now, Some(id))?;
            let mut breaches = Vec::new();
            for run in &runs {
                breaches.extend(breaches_of_target(store, &run.target_id, now)?);
            }
            // And the runs of alike incidents the finder proposes, and the causes that keep
            // closing its breaches.
            let alike = candidates(store, ctx, Some(id))?;
            let causes = recurring_causes(store, ctx, Some(id))?;
            for c in &causes {
                said.push(format!("{} breaches closed as '{}'", c.breach_ids.len(), c.cause));
                for b in &c.breach_ids {
                    if let Some(b) = get_in::<Breach>(conn, b)?
                        && !breaches.iter().any(|x| x.id == b.id)
                    {
                        breaches.push(b);
                    }
                }
            }
            let n_changes: usize = changes.iter().map(|c| c.change_ids.len()).sum();
            input.title = match (changes.first(), runs.iter().max_by_key(|r| r.recent), alike.first()) {
                (_, _, Some(c)) => format!("{}: {}", s.name, c.like),
                (Some(c), _, None) => format!(
                    "{}: {} emergency changes in {EMERGENCY_WINDOW_DAYS} days",
                    s.name, c.recent
                ),
                (None, Some(r), None) => format!(
                    "{}: {} target breached {} times in {BREACH_WINDOW_DAYS} days",
                    s.name, r.target, r.recent
                ),
                (None, None, None) => match causes.first() {
                    Some(_) => format!("{}: breaches that keep having the same cause", s.name),
                    None => {
                        said.push("no signal to link: name what keeps happening".to_string());
                        format!("{}: ", s.name)
                    }
                },
            };
            for c in &alike {
                said.push(format!("{} incidents like '{}'", c.incidents, c.like));
            }
            if n_changes > 0 {
                said.push(format!(
                    "{n_changes} emergency change(s): {}",
                    changes
                        .iter()
                        .flat_map(|c| c.references.iter().map(String::as_str))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if !breaches.is_empty() {
                said.push(format!("{} breach(es) of {} target(s)", breaches.len(), runs.len()));
            }
            input.links.change_ids = changes.into_iter().flat_map(|c| c.change_ids).collect();
            // Its incidents are the runs' (a breached ticket is evidence through its breach,
            // and what it is about may be anything).
            input.links.ticket_ids = alike.into_iter().flat_map(|c| c.ticket_ids).collect();
            input.links.breach_ids = breaches.into_iter().map(|b| b.id).collect();
        }
        Subject::Breach(id) => {
            let b: Breach = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that breach is gone"))?;
            input.services = read::record_name(conn, "services", &b.service_id).unwrap_or_default();
            input.title = b.title.clone();
            // This breach and the other breaches of its target in the signal's window.
            let mut breaches = match &b.target_id {
                Some(t) => breaches_of_target(store, t, now)?,
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
            // A review's findings become the root cause.
            input.root_cause = problem::review_cause(&r).to_string();
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

/// A target's breaches in the signal's window ([`BREACH_WINDOW_DAYS`]), oldest first, void
/// ones left out.
fn breaches_of_target(store: &Store, target_id: &str, now: i64) -> AppResult<Vec<Breach>> {
    let mut all: Vec<Breach> = Vec::new();
    // Every version of the target: a tightened goal is the same target.
    for id in signals::target_versions(store.conn(), target_id)? {
        all.extend(list_where::<Breach, _>(
            store.conn(),
            "deleted = 0 AND target_id = ?1 AND breached_at > ?2 AND breached_at <= ?3",
            rusqlite::params![id, now - BREACH_WINDOW_DAYS * 86_400, now],
        )?);
    }
    all.sort_by_key(|b| b.breached_at);
    Ok(all.into_iter().filter(|b| b.status != BreachStatus::Void).collect())
}

/// The problems listed: the open ones (every one with `all`), overdue and long-waiting first.
pub fn list(store: &Store, ctx: &Ctx, all: bool) -> AppResult<Vec<ProblemItem>> {
    let conn = store.conn();
    let today = ctx.today();
    let mut items = Vec::new();
    for p in stored::all(conn, !all)? {
        let day = p.raised_on.unwrap_or(today);
        let mut item = ProblemItem::of(&p, service_names(store, &p.service_ids), day, today);
        item.since_fix = fix_effect(store, ctx, &p)?;
        items.push(item);
    }
    problem::sort(&mut items);
    Ok(items)
}

/// Runs of alike incidents in the last [`problem::CANDIDATE_WINDOW_DAYS`] days that no open
/// problem covers yet (one whose evidence holds most of the run's tickets covers it).
pub fn candidates(store: &Store, ctx: &Ctx, service_id: Option<&str>) -> AppResult<Vec<problem::Candidate>> {
    let conn = store.conn();
    let now = ctx.now.timestamp();
    let ids: Vec<String> = service_id.map(|s| vec![s.to_string()]).unwrap_or_default();
    let incidents = stored::incidents_between(
        conn,
        now - problem::CANDIDATE_WINDOW_DAYS * 86_400,
        now + 1,
        service_id.map(|_| ids.as_slice()),
    )?;
    let open = stored::all(conn, true)?;
    let covered: Vec<Vec<String>> = open.iter().map(|p| p.ticket_ids.clone()).collect();
    // What each open problem's incidents look like, by service: a run alike to one is its.
    let mut patterns: Vec<(Vec<String>, Vec<std::collections::BTreeSet<String>>)> = Vec::new();
    for p in &open {
        patterns.push((p.service_ids.clone(), stored::pattern_of(conn, p)?));
    }
    let from = now - problem::CANDIDATE_WINDOW_DAYS * 86_400;
    let mut out = Vec::new();
    // Each service's baseline span (the whole days of the year before the window), read once
    // for all its candidates, as the words of its distinct summaries and how often each came;
    // and its usual rate of work.
    type Year = (Vec<(std::collections::BTreeSet<String>, i64)>, signals::UsualRate);
    let mut baselines: std::collections::HashMap<String, Year> = Default::default();
    let mut kept = crate::store::rule_cache::Pending::default();
    for c in problem::candidates(&incidents) {
        let held_by_a_problem = covered.iter().any(|linked| {
            let held = c.ticket_ids.iter().filter(|t| linked.contains(t)).count();
            held * 2 >= c.ticket_ids.len()
        });
        if held_by_a_problem {
            continue;
        }
        // Out of the ordinary for the service, as the ⚑ is: a summary that comes up this
        // often every month is the service's normal (a request in disguise, a known chore).
        let Some(service_id) = incidents
            .iter()
            .find(|i| c.ticket_ids.first() == Some(&i.id))
            .map(|i| i.service_id.clone())
        else {
            continue;
        };
        let like = crate::domain::similar::words(&c.like);
        let alike_to_a_problem = patterns.iter().any(|(services, pattern)| {
            services.contains(&service_id) && pattern.iter().any(|p| crate::domain::similar::alike(p, &like))
        });
        if alike_to_a_problem {
            continue;
        }
        let (before, rate) = match baselines.entry(service_id.clone()) {
            std::collections::hash_map::Entry::Occupied(year) => year.into_mut(),
            std::collections::hash_map::Entry::Vacant(slot) => {
                let (span_from, span_to) = problem::baseline_span(from);
                let summaries =
                    stored::incident_summaries_keeping(conn, &service_id, (span_from, span_to), now, &mut kept)?
                        .into_iter()
                        .map(|(summary, n)| (crate::domain::similar::words(&summary), n))
                        .collect();
                let rate = signals::UsualRate::of(conn, signals::Volume::Tickets, &service_id, (from, now + 1))?;
                slot.insert((summaries, rate))
            }
        };
        let n: i64 = before
            .iter()
            .filter(|(words, _)| crate::domain::similar::alike(&like, words))
            .map(|(_, n)| n)
            .sum();
        let usual = rate.usual(n);
        if problem::unusual(c.incidents as i64, usual) {
            out.push(c);
        }
    }
    kept.flush(conn);
    Ok(out)
}

/// PIRs and post-mortems held in the last [`problem::FINDINGS_WINDOW_DAYS`] days whose
/// findings say the same thing (two or more), unless an open problem holds most of them.
pub fn shared_findings(store: &Store, ctx: &Ctx) -> AppResult<Vec<problem::SharedFinding>> {
    let conn = store.conn();
    let since = ctx.today() - chrono::Duration::days(problem::FINDINGS_WINDOW_DAYS);
    let reviews: Vec<Review> = list_where(
        conn,
        "deleted = 0 AND held_on IS NOT NULL AND held_on >= ?1 ORDER BY held_on, id",
        [since.to_string()],
    )?;
    let reviews: Vec<Review> = reviews
        .into_iter()
        .filter(|r| !problem::review_cause(r).is_empty())
        .collect();
    let words: Vec<_> = reviews
        .iter()
        .map(|r| crate::domain::similar::words(problem::review_cause(r)))
        .collect();
    let covered: Vec<Vec<String>> = stored::all(conn, true)?.into_iter().map(|p| p.review_ids).collect();
    let mut out = Vec::new();
    for group in crate::domain::similar::groups(&words) {
        let ids: Vec<String> = group.iter().map(|&k| reviews[k].id.clone()).collect();
        if covered
            .iter()
            .any(|held| ids.iter().filter(|i| held.contains(i)).count() * 2 >= ids.len())
        {
            continue;
        }
        let mut services: Vec<String> = Vec::new();
        for &k in &group {
            let name = read::record_name(conn, "services", &reviews[k].service_id).unwrap_or_default();
            if !services.contains(&name) {
                services.push(name);
            }
        }
        out.push(problem::SharedFinding {
            cause: problem::review_cause(&reviews[group[0]]).to_string(),
            review_ids: ids,
            services,
        });
    }
    Ok(out)
}

/// Causes that closed at least [`problem::RECURRING_CAUSE`] of a service's breaches in the last
/// [`problem::CAUSE_WINDOW_DAYS`] days, unless an open problem holds most of those breaches.
pub fn recurring_causes(store: &Store, ctx: &Ctx, service_id: Option<&str>) -> AppResult<Vec<problem::RecurringCause>> {
    let conn = store.conn();
    let now = ctx.now.timestamp();
    let rows = stored::breach_causes(conn, service_id, now - problem::CAUSE_WINDOW_DAYS * 86_400, now + 1)?;
    let covered: Vec<Vec<String>> = stored::all(conn, true)?.into_iter().map(|p| p.breach_ids).collect();
    let mut out: Vec<problem::RecurringCause> = Vec::new();
    for (_, service, cause, breach) in &rows {
        let key = cause.trim().to_lowercase();
        match out
            .iter_mut()
            .find(|c| c.service == *service && c.cause.to_lowercase() == key)
        {
            Some(c) => c.breach_ids.push(breach.clone()),
            None => out.push(problem::RecurringCause {
                service: service.clone(),
                cause: cause.trim().to_string(),
                breach_ids: vec![breach.clone()],
                days: problem::CAUSE_WINDOW_DAYS,
            }),
        }
    }
    out.retain(|c| {
        c.breach_ids.len() >= problem::RECURRING_CAUSE
            && !covered.iter().any(|held| {
                let n = c.breach_ids.iter().filter(|b| held.contains(b)).count();
                n * 2 >= c.breach_ids.len()
            })
    });
    Ok(out)
}

/// What followed a problem's fix, once its fixing change has gone in (none before, or
/// without a fixing change), as of now.
pub fn fix_effect(store: &Store, ctx: &Ctx, p: &Problem) -> AppResult<Option<problem::FixEffect>> {
    Ok(stored::fix_effect(store.conn(), p, ctx.now.timestamp(), ctx.tz)?)
}

/// A problem without a fix is not called over while incidents like it came in this many days.
pub const QUIET_DAYS: i64 = 14;

/// What to say when a problem is resolved or closed while incidents like its own keep coming:
/// since its fix, or (without one) in the last [`QUIET_DAYS`] days. Saving is not refused.
pub fn closing_warning(store: &Store, ctx: &Ctx, p: &Problem) -> AppResult<Option<String>> {
    if p.status.is_open() {
        return Ok(None);
    }
    if let Some(effect) = fix_effect(store, ctx, p)? {
        return Ok(effect.still_happening().then(|| {
            format!(
                "{} incident(s) like it since the fix ({}, {})",
                effect.incidents_since, effect.change, effect.fixed_on
            )
        }));
    }
    let now = ctx.now.timestamp();
    let from = now - QUIET_DAYS * 86_400;
    // New ones: the tickets it names already are its evidence.
    let incidents: Vec<_> = stored::incidents_between(store.conn(), from, now + 1, Some(&p.service_ids))?
        .into_iter()
        .filter(|i| !p.ticket_ids.contains(&i.id))
        .collect();
    let n = problem::alike_between(&stored::pattern_of(store.conn(), p)?, &incidents, (from, now + 1));
    Ok((n > 0).then(|| format!("{n} new incident(s) like it in the last {QUIET_DAYS} days and no fixing change")))
}
