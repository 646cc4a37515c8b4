//! A record's detail view: what it is, where its figures come from, and what follows from it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::enums::*;
use crate::domain::model::*;
use crate::domain::parse::format_duration;
use crate::store::problems::Evidence;
use crate::store::records::get_in;
use crate::store::{Store, StoreError, read};

use super::{AppError, AppResult, Ctx, date_text};

/// What a detail view is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Service(String),
    Breach(String),
    /// A clock's ticket (a clock at risk, or past its target and not recorded yet).
    Ticket(String),
    Stakeholder(String),
    Review(String),
    Action(String),
    Improvement(String),
    Change(String),
    Outage(String),
    Problem(String),
}

/// A record shown whole: a title and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub title: String,
    pub lines: Vec<String>,
    /// The service the record is of, for keys that act on it (log a touch point).
    pub service_id: Option<String>,
    /// The record shown (the keys of the detail view act on it).
    pub subject: Option<Subject>,
    /// The lines that name another record, by index into `lines`, and that record: the
    /// detail view moves between them (Tab) and opens one (Enter).
    pub links: Vec<(usize, Subject)>,
}

/// Rules loaded at a state of the file (its `data_version`, this connection's change count).
type LoadedRules = ((i64, u64), std::rc::Rc<crate::engine::Engine>);

thread_local! {
    /// The rules as last loaded for a detail view.
    static ENGINE: std::cell::RefCell<Option<LoadedRules>> = const { std::cell::RefCell::new(None) };
}

/// The rules (calendars, services, targets), loaded again only when the file has changed since
/// (another connection's commit moves `data_version`; this one's writes move its change count).
fn engine(store: &Store, ctx: &Ctx) -> Result<std::rc::Rc<crate::engine::Engine>, StoreError> {
    let conn = store.conn();
    let key = (store.data_version()?, conn.total_changes());
    let cached = ENGINE.with_borrow(|c| {
        c.as_ref()
            .filter(|(k, e)| *k == key && e.settings == ctx.settings)
            .map(|(_, e)| e.clone())
    });
    if let Some(engine) = cached {
        return Ok(engine);
    }
    let engine = std::rc::Rc::new(crate::engine::Engine::load(conn, &ctx.settings)?);
    ENGINE.with_borrow_mut(|c| *c = Some((key, engine.clone())));
    Ok(engine)
}

fn show(t: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A zone as a person names it: `America/New_York` → `New York`.
pub fn zone_name(tz: Tz) -> String {
    let name = tz.name();
    name.rsplit('/').next().unwrap_or(name).replace('_', " ")
}

/// Said above a clock's timeline when its calendar keeps another zone than the display: the
/// timeline's times are the calendar's (where its working hours are), and the deadline is
/// also given in the display zone, so the two never read as one.
pub fn timeline_zone_note(calendar: Tz, display: Tz, deadline: Option<i64>) -> Option<String> {
    if calendar == display {
        return None;
    }
    let due = deadline
        .and_then(|d| DateTime::<Utc>::from_timestamp(d, 0))
        .map(|d| {
            format!(
                " · due {} {}",
                d.with_timezone(&display).format("%a %d %b %H:%M"),
                zone_name(display)
            )
        })
        .unwrap_or_default();
    Some(format!("times in {} (the calendar's zone){due}", zone_name(calendar)))
}

/// The detail view of a record.
pub fn detail(store: &Store, ctx: &Ctx, subject: &Subject) -> AppResult<Detail> {
    let mut d = detail_of(store, ctx, subject)?;
    d.subject = Some(subject.clone());
    Ok(d)
}

fn detail_of(store: &Store, ctx: &Ctx, subject: &Subject) -> AppResult<Detail> {
    let conn = store.conn();
    let mut lines = Vec::new();
    let mut links: Vec<(usize, Subject)> = Vec::new();
    let now = ctx.now.timestamp();
    match subject {
        Subject::Service(id) => {
            let id = id.as_str();
            let s: Service = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that service is gone"))?;
            lines.push(format!(
                "{} · {} {} · {}",
                s.customer,
                s.agreement_kind.as_str().to_uppercase(),
                s.agreement_ref,
                s.criticality
            ));
            lines.push(format!(
                "agreement {} to {}, review {}, notice {} days",
                date_text(s.agreement_start),
                date_text(s.agreement_end),
                date_text(s.agreement_review),
                s.notice_days.unwrap_or(0)
            ));
            if !s.description.is_empty() {
                lines.push(s.description.clone());
            }
            let engine = engine(store, ctx)?;
            if let Some(h) = engine.health_of(conn, now, Some(&s.id))?.into_iter().next() {
                lines.push(String::new());
                lines.push(format!("Health: {} — {}", h.health.verdict.label(), h.health.reason));
            }
            for f in crate::store::signals::problem_flags_of(conn, ctx.now, &s.id)? {
                lines.push(format!("⚑ Needs problem management: {}", f.reason));
            }
            for p in crate::store::problems::of_service(conn, &s.id)?
                .into_iter()
                .filter(|p| p.status.is_open())
            {
                links.push((lines.len(), Subject::Problem(p.id.clone())));
                lines.push(format!("▲ problem {} · {}", p.name(), p.status.label()));
            }
            for c in super::problems::candidates(store, ctx, Some(&s.id))? {
                lines.push(format!("▲ {}", c.said()));
            }
            for c in super::problems::recurring_causes(store, ctx, Some(&s.id))? {
                lines.push(format!("▲ {}", c.said()));
            }
            // Why its breaches happened: the causes they were closed with, most first.
            let quarter_ago = now - crate::domain::problem::CAUSE_WINDOW_DAYS * 86_400;
            let causes = crate::store::problems::breach_causes(conn, Some(&s.id), quarter_ago, now + 1)?;
            if !causes.is_empty() {
                let pareto = crate::domain::problem::pareto(causes.iter().map(|c| c.2.as_str()));
                lines.push(format!(
                    "Breach causes, last {} days: {}",
                    crate::domain::problem::CAUSE_WINDOW_DAYS,
                    crate::domain::problem::pareto_line(&pareto)
                ));
            }
            let (window, _) = engine.calendar_for(&s.id, None);
            let month = window.local_date(now);
            use chrono::Datelike;
            // Last month beside this one: early in a month this one has measured little.
            let (last_y, last_m) = crate::domain::period::month_before(month);
            let this = engine.month_figures(conn, &s.id, month.year(), month.month(), now)?;
            let before = engine.month_figures(conn, &s.id, last_y, last_m, now)?;
            let cell = |f: Option<&crate::engine::health::TargetMonth>| -> String {
                let Some(f) = f else { return "—".into() };
                let decimals = if f.kind == TargetKind::Availability {
                    crate::domain::sla::availability::goal_decimals(f.goal_value)
                } else {
                    1
                };
                let actual = f
                    .actual
                    .map(|a| format!("{a:.decimals$}%"))
                    .unwrap_or_else(|| "—".into());
                let met = match f.met {
                    Some(true) => "met",
                    Some(false) => "MISSED",
                    None => "none measured",
                };
                let count = if f.kind == TargetKind::Availability || f.met.is_none() {
                    String::new()
                } else {
                    format!(" ({})", f.measured)
                };
                format!("{actual} {met}{count}")
            };
            lines.push(String::new());
            lines.push(format!(
                "  {:<16} {:<8} {:<22} {} (so far)",
                "Targets",
                "goal",
                format!("{last_y:04}-{last_m:02}"),
                month.format("%Y-%m")
            ));
            for f in &this {
                let what = match &f.priority {
                    Some(p) => format!("{p} {}", f.kind),
                    None => f.kind.to_string(),
                };
                // The same target last month, whichever version of its terms it had.
                let prev = before.iter().find(|b| b.kind == f.kind && b.priority == f.priority);
                lines.push(format!(
                    "  {what:<16} {:<8} {:<22} {}",
                    f.goal,
                    cell(prev),
                    cell(Some(f))
                ));
            }
            // Survey responses: last month and this one, and the latest comments.
            let first_of = |(y, m): (i32, u32)| chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(month);
            let this_first = first_of((month.year(), month.month()));
            let last_first = first_of((last_y, last_m));
            let tomorrow = month.succ_opt().unwrap_or(month);
            let recent = read::responses_between(conn, &s.id, last_first, tomorrow)?;
            for (label, from, to) in [
                (format!("{last_y:04}-{last_m:02}"), last_first, this_first),
                (format!("{} so far", month.format("%Y-%m")), this_first, tomorrow),
            ] {
                let of_month: Vec<_> = recent
                    .iter()
                    .filter(|r| r.answered_on >= from && r.answered_on < to)
                    .cloned()
                    .collect();
                if let Some((f, _)) = crate::domain::survey::summary(&of_month) {
                    lines.push(format!("  survey {label:<9} {}", f.line()));
                }
            }
            if let Some((_, quotes)) = crate::domain::survey::summary(&recent) {
                for q in quotes {
                    lines.push(format!("    {q}"));
                }
            }
            lines.extend(renewal_lines(&engine, conn, &s, month, now)?);
            lines.extend(money_lines(
                &engine,
                conn,
                &s,
                [(last_y, last_m), (month.year(), month.month())],
                now,
            )?);
            let (from, to) = crate::engine::adapter::month_bounds(window, month.year(), month.month());
            let (ok, all) = crate::store::signals::change_success(conn, &s.id, from, to)?;
            if all > 0 {
                lines.push(format!(
                    "  changes          {ok} of {all} plainly successful ({:.0}%)",
                    ok as f64 * 100.0 / all as f64
                ));
            }
            // Open work first: what the SDM owes on this service.
            let (reviews, actions) = read::service_open_work(conn, id)?;
            if !reviews.is_empty() || !actions.is_empty() {
                lines.push(String::new());
                lines.push("Open reviews and actions".into());
            }
            for r in reviews {
                links.push((lines.len(), Subject::Review(r.id.clone())));
                lines.push(format!("  {} · due {} · not held yet", r.title, r.due));
            }
            for a in actions {
                let due = a
                    .due
                    .map(|d| format!("due {d}"))
                    .unwrap_or_else(|| "no due date".into());
                links.push((lines.len(), Subject::Action(a.id.clone())));
                lines.push(format!("  action {} · {} · {due}", a.title, a.owner));
            }
            lines.push(String::new());
            lines.push("Recent tickets".into());
            for t in read::recent_tickets(conn, id, 10)? {
                links.push((lines.len(), Subject::Ticket(t.id.clone())));
                lines.push(format!(
                    "  {} {} {:<9} {}  {}",
                    t.reference,
                    t.priority.label(),
                    t.state.as_str(),
                    show(t.opened_at, ctx.tz),
                    t.summary
                ));
            }
            lines.push(String::new());
            lines.push("Breaches of the last 12 months".into());
            let year_ago = now - 365 * 86_400;
            let breaches: Vec<Breach> = crate::store::records::list_where(
                conn,
                "deleted = 0 AND service_id = ?1 AND breached_at >= ?2 ORDER BY breached_at DESC",
                rusqlite::params![id, year_ago],
            )?;
            if breaches.is_empty() {
                lines.push("  none".into());
            }
            for b in &breaches {
                let cause = b.cause.as_deref().map(|c| format!(" ({c})")).unwrap_or_default();
                links.push((lines.len(), Subject::Breach(b.id.clone())));
                lines.push(format!(
                    "  {} {:<12} {}{cause}",
                    show(b.breached_at, ctx.tz),
                    b.status.as_str(),
                    b.title
                ));
            }
            lines.push(String::new());
            lines.push("Outages".into());
            for o in read::recent_outages(conn, id, 5)? {
                links.push((lines.len(), Subject::Outage(o.id.clone())));
                lines.push(format!("  {}", outage_line(&o, ctx.tz)));
            }
            lines.push(String::new());
            lines.push("Changes".into());
            for c in read::recent_changes(conn, id, 8)? {
                links.push((lines.len(), Subject::Change(c.id.clone())));
                lines.push(format!(
                    "  {} {:<9} {:<22} {}  {}",
                    c.reference,
                    c.kind.as_str(),
                    c.outcome.as_str().replace('_', " "),
                    show(c.implemented_at, ctx.tz),
                    c.summary
                ));
            }
            lines.push(String::new());
            lines.push("Stakeholders".into());
            for (sid, n, role, _) in read::service_stakeholders(conn, id)? {
                links.push((lines.len(), Subject::Stakeholder(sid)));
                lines.push(format!("  {n}, {role}"));
            }
            let touches = read::service_touches(conn, id, 5)?;
            if !touches.is_empty() {
                lines.push(String::new());
                lines.push("Touch history".into());
            }
            for tp in touches {
                let who = read::record_name(conn, "stakeholders", &tp.stakeholder_id).unwrap_or_default();
                let mood = tp.sentiment.map(|s| format!(" [{s}/5]")).unwrap_or_default();
                links.push((lines.len(), Subject::Stakeholder(tp.stakeholder_id.clone())));
                lines.push(format!(
                    "  {} {who} · {}{mood} {}",
                    show(tp.at, ctx.tz),
                    tp.channel.as_str(),
                    tp.summary
                ));
            }
            Ok(Detail {
                title: s.name,
                lines,
                service_id: Some(s.id),
                subject: None,
                links: std::mem::take(&mut links),
            })
        }
        Subject::Breach(id) | Subject::Ticket(id) => {
            let id = id.as_str();
            if let Ok(Some(b)) = get_in::<Breach>(conn, id) {
                let service = get_in::<Service>(conn, &b.service_id)?;
                lines.push(format!(
                    "{} · {} · {}",
                    b.source,
                    b.status,
                    if b.customer_informed {
                        "customer told"
                    } else {
                        "customer NOT told"
                    }
                ));
                if let Some(s) = &service {
                    lines.push(if s.customer.is_empty() {
                        format!("service {}", s.name)
                    } else {
                        format!("service {} · {}", s.name, s.customer)
                    });
                }
                lines.push(format!(
                    "breached at {} {}",
                    show(b.breached_at, ctx.tz),
                    zone_name(ctx.tz)
                ));
                if let Some(cause) = &b.cause {
                    lines.push(format!("cause: {cause}"));
                }
                // The credit: typed by hand, which stands in for what the schedule gives.
                let currency = service.as_ref().and_then(|s| s.currency.clone()).unwrap_or_default();
                let m = |v: f64| crate::domain::credits::money(v, &currency, 2);
                let computed = engine(store, ctx)?.breach_credit(conn, &b, now)?;
                match (b.credit, computed) {
                    (Some(c), Some((auto, why))) => lines.push(format!(
                        "service credit {} typed by hand (the schedule gives {}: {why})",
                        m(c),
                        m(auto)
                    )),
                    (Some(c), None) => lines.push(format!("service credit {} typed by hand", m(c))),
                    (None, Some((auto, why))) => {
                        lines.push(format!("service credit {} by the schedule ({why})", m(auto)))
                    }
                    (None, None) => {}
                }
                // A known error's workaround where its incidents appear.
                let mut evidence = vec![(Evidence::Breach, b.id.as_str())];
                if let Some(t) = &b.ticket_id {
                    evidence.push((Evidence::Ticket, t.as_str()));
                }
                problem_lines(conn, &evidence, &mut lines, &mut links)?;
                if !b.history.is_empty() {
                    lines.push(String::new());
                    lines.push("History".into());
                    for step in &b.history {
                        let mut said = Vec::new();
                        if let Some(c) = &step.cause {
                            said.push(format!("cause {c}"));
                        }
                        if let Some(c) = step.credit {
                            said.push(format!("credit {c:.2}"));
                        }
                        if let Some(ch) = &step.channel {
                            said.push(format!("by {}", ch.replace('_', " ")));
                        }
                        if let Some(to) = &step.to {
                            said.push(format!("to {to}"));
                        }
                        if !step.note.is_empty() {
                            said.push(format!("\"{}\"", step.note));
                        }
                        let said = if said.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", said.join(", "))
                        };
                        lines.push(format!(
                            "  {} {} by {}{said}",
                            show(step.at, ctx.tz),
                            step.step,
                            step.by
                        ));
                    }
                }
                if let Some(t) = &b.ticket_id
                    && let Ok(Some(ticket)) = get_in::<Ticket>(conn, t)
                {
                    lines.push(format!(
                        "ticket {} {}: {}",
                        ticket.reference,
                        ticket.priority.label(),
                        ticket.summary
                    ));
                    lines.extend(ticket_own_lines(&ticket, ctx));
                    lines.push(String::new());
                    lines.extend(explain_ticket(store, ctx, &ticket.reference));
                }
                if !b.notes.is_empty() {
                    lines.push(String::new());
                    lines.extend(b.notes.lines().map(str::to_string));
                }
                return Ok(Detail {
                    title: b.title,
                    lines,
                    service_id: None,
                    subject: None,
                    links: std::mem::take(&mut links),
                });
            }
            // A clock at risk: its ticket's timeline.
            let t: Ticket = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that ticket is gone"))?;
            lines.push(format!(
                "{} · {} · {} · opened {}",
                t.priority.label(),
                t.state.as_str(),
                t.kind.as_str(),
                show(t.opened_at, ctx.tz)
            ));
            lines.extend(ticket_own_lines(&t, ctx));
            problem_lines(conn, &[(Evidence::Ticket, &t.id)], &mut lines, &mut links)?;
            known_error_lines(conn, &t, &mut lines, &mut links)?;
            if !lines.is_empty() {
                lines.push(String::new());
            }
            lines.extend(explain_ticket(store, ctx, &t.reference));
            Ok(Detail {
                title: format!("{} {}", t.reference, t.summary),
                lines,
                service_id: Some(t.service_id),
                subject: None,
                links: std::mem::take(&mut links),
            })
        }
        Subject::Change(id) => {
            let c: Change = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that change is gone"))?;
            problem_lines(conn, &[(Evidence::Change, &c.id)], &mut lines, &mut links)?;
            // The problems first (a few lines), then the change and what followed it.
            lines.extend(change_lines(store, ctx, &c));
            Ok(Detail {
                title: format!("{} {}", c.reference, c.summary),
                lines,
                service_id: Some(c.service_id),
                subject: None,
                links,
            })
        }
        Subject::Problem(id) => {
            let p: Problem = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that problem is gone"))?;
            let services: Vec<String> = p
                .service_ids
                .iter()
                .filter_map(|s| read::record_name(conn, "services", s))
                .collect();
            lines.push(format!(
                "{} · {} · owner {} · due {}",
                p.status.label(),
                services.join(", "),
                if p.owner.is_empty() { "—" } else { &p.owner },
                if p.due.is_none() {
                    "—".to_string()
                } else {
                    date_text(p.due)
                }
            ));
            lines.push(format!(
                "root cause: {}",
                if p.root_cause.is_empty() {
                    "not known yet"
                } else {
                    &p.root_cause
                }
            ));
            if !p.workaround.is_empty() {
                lines.push(format!("workaround: {}", p.workaround));
            }
            if let Some(cid) = &p.fix_change_id
                && let Some(c) = get_in::<Change>(conn, cid)?
            {
                links.push((lines.len(), Subject::Change(c.id.clone())));
                lines.push(format!(
                    "fix: {} {} · {}",
                    c.reference,
                    show(c.implemented_at, ctx.tz),
                    c.outcome.as_str().replace('_', " ")
                ));
            }
            if let Some(effect) = super::problems::fix_effect(store, ctx, &p)? {
                lines.push(format!("  {}", effect.said()));
            }
            if !p.notes.is_empty() {
                lines.push(p.notes.clone());
            }
            lines.push(String::new());
            lines.push("Evidence".into());
            if p.ticket_ids.is_empty() && p.change_ids.is_empty() && p.breach_ids.is_empty() && p.review_ids.is_empty()
            {
                lines.push("  none linked".into());
            }
            for tid in &p.ticket_ids {
                if let Some(t) = get_in::<Ticket>(conn, tid)? {
                    links.push((lines.len(), Subject::Ticket(t.id.clone())));
                    lines.push(format!(
                        "  ticket {} {} {}  {}",
                        t.reference,
                        t.priority.label(),
                        show(t.opened_at, ctx.tz),
                        t.summary
                    ));
                }
            }
            for cid in &p.change_ids {
                if let Some(c) = get_in::<Change>(conn, cid)? {
                    links.push((lines.len(), Subject::Change(c.id.clone())));
                    lines.push(format!(
                        "  change {} {} {}  {}",
                        c.reference,
                        c.kind.as_str(),
                        show(c.implemented_at, ctx.tz),
                        c.summary
                    ));
                }
            }
            for bid in &p.breach_ids {
                if let Some(b) = get_in::<Breach>(conn, bid)? {
                    links.push((lines.len(), Subject::Breach(b.id.clone())));
                    lines.push(format!(
                        "  breach {} {}  {}",
                        show(b.breached_at, ctx.tz),
                        b.status.as_str(),
                        b.title
                    ));
                }
            }
            for rid in &p.review_ids {
                if let Some(r) = get_in::<Review>(conn, rid)? {
                    links.push((lines.len(), Subject::Review(r.id.clone())));
                    lines.push(format!("  {} {} · due {}", r.kind.label(), r.title, r.due));
                }
            }
            let actions: Vec<Action> =
                crate::store::records::list_where(conn, "deleted = 0 AND problem_id = ?1 ORDER BY due", [&p.id])?;
            if !actions.is_empty() {
                lines.push(String::new());
                lines.push("Actions".into());
            }
            for a in actions {
                links.push((lines.len(), Subject::Action(a.id.clone())));
                let done = a.done_on.map(|d| format!("done {d}")).unwrap_or_else(|| "open".into());
                lines.push(format!(
                    "  {} · {} · due {} · {done}",
                    a.title,
                    a.owner,
                    date_text(a.due)
                ));
            }
            Ok(Detail {
                title: format!("Problem {}", p.name()),
                lines,
                service_id: p.service_ids.first().cloned(),
                subject: None,
                links,
            })
        }
        Subject::Outage(id) => {
            let o: Outage = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that outage is gone"))?;
            let service = read::record_name(conn, "services", &o.service_id).unwrap_or_default();
            lines.push(format!("service {service}"));
            lines.push(outage_line(&o, ctx.tz));
            lines.push(format!("times in {}", zone_name(ctx.tz)));
            if o.excluded_reason.is_none() {
                lines.push(String::new());
                lines.push("X excludes it from the availability figure (with a reason).".into());
            }
            Ok(Detail {
                title: format!("Outage of {service}"),
                lines,
                service_id: Some(o.service_id),
                subject: None,
                links,
            })
        }
        Subject::Stakeholder(id) => {
            let id = id.as_str();
            let s: Stakeholder = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that stakeholder is gone"))?;
            lines.push(format!(
                "{} · {} · {} · every {} days by {}",
                s.organisation, s.role, s.contact, s.cadence_days, s.channel
            ));
            lines.push(String::new());
            lines.push("Touch history".into());
            let tps = read::touch_history(conn, id, 50)?;
            for tp in tps {
                let mood = tp.sentiment.map(|s| format!(" [{s}/5]")).unwrap_or_default();
                lines.push(format!(
                    "  {} {:<14}{mood} {}",
                    show(tp.at, ctx.tz),
                    tp.channel.as_str(),
                    tp.summary
                ));
                if !tp.follow_ups.is_empty() {
                    lines.push(format!("      follow-up: {}", tp.follow_ups));
                }
            }
            Ok(Detail {
                title: s.name,
                lines,
                service_id: None,
                subject: None,
                links: std::mem::take(&mut links),
            })
        }
        Subject::Improvement(id) | Subject::Review(id) | Subject::Action(id) => {
            let id = id.as_str();
            if let Ok(Some(i)) = get_in::<Improvement>(conn, id) {
                lines.push(format!(
                    "{} · owner {} · due {} · KPI: {}",
                    i.status.as_str().replace('_', " "),
                    i.owner,
                    date_text(i.due),
                    i.kpi
                ));
                if !i.notes.is_empty() {
                    lines.push(i.notes.clone());
                }
                return Ok(Detail {
                    title: format!("Improvement: {}", i.title),
                    lines,
                    service_id: i.service_id,
                    subject: None,
                    links: std::mem::take(&mut links),
                });
            }
            let (review, action): (Option<Review>, Option<Action>) = match get_in::<Review>(conn, id)? {
                Some(r) => (Some(r), None),
                None => {
                    let a: Action = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that action is gone"))?;
                    let r = match &a.review_id {
                        Some(rid) => get_in::<Review>(conn, rid)?,
                        None => None,
                    };
                    (r, Some(a))
                }
            };
            if let Some(a) = &action {
                lines.push(format!(
                    "action: {} · owner {} · due {}",
                    a.title,
                    a.owner,
                    date_text(a.due)
                ));
                if !a.notes.is_empty() {
                    lines.push(a.notes.clone());
                }
                lines.push(String::new());
            }
            let Some(r) = review else {
                return Ok(Detail {
                    title: action.map(|a| a.title).unwrap_or_default(),
                    lines,
                    service_id: None,
                    subject: None,
                    links: std::mem::take(&mut links),
                });
            };
            lines.push(format!(
                "{} · due {} · {}",
                r.kind.label(),
                r.due,
                match r.held_on {
                    Some(d) => format!("held {d}"),
                    None => "not held yet".into(),
                }
            ));
            for (label, text) in [
                ("attendees", &r.attendees),
                ("what went wrong", &r.what_went_wrong),
                ("findings", &r.findings),
            ] {
                if !text.is_empty() {
                    lines.push(format!("{label}: {text}"));
                }
            }
            // The problems this review is evidence of (P raises one from it).
            problem_lines(conn, &[(Evidence::Review, &r.id)], &mut lines, &mut links)?;
            if let Some(cid) = &r.change_id
                && let Ok(Some(c)) = get_in::<Change>(conn, cid)
            {
                lines.push(String::new());
                lines.extend(change_lines(store, ctx, &c));
            }
            let actions: Vec<Action> = read::review_actions(conn, &r.id)?;
            let open = actions.iter().filter(|a| a.done_on.is_none()).count();
            lines.push(String::new());
            lines.push(match (r.held_on, open) {
                (Some(_), 0) => "Closed: held, and every action done".to_string(),
                (Some(_), n) => format!("Open: held, {n} action(s) still to do"),
                (None, _) => "Open: not held yet".to_string(),
            });
            lines.push(String::new());
            lines.push("Actions".into());
            for a in actions {
                let done = a.done_on.map(|d| format!("done {d}")).unwrap_or_else(|| "open".into());
                links.push((lines.len(), Subject::Action(a.id.clone())));
                lines.push(format!(
                    "  [{}] {} · {} · due {} · {done}",
                    if a.done_on.is_some() { "x" } else { " " },
                    a.title,
                    a.owner,
                    date_text(a.due)
                ));
            }
            Ok(Detail {
                title: r.title,
                lines,
                service_id: None,
                subject: None,
                links: std::mem::take(&mut links),
            })
        }
    }
}

/// The problems a record is evidence of, one line each with its status, root cause and (for
/// a known error) its workaround, each line opening the problem.
fn problem_lines(
    conn: &rusqlite::Connection,
    evidence: &[(crate::store::problems::Evidence, &str)],
    lines: &mut Vec<String>,
    links: &mut Vec<(usize, Subject)>,
) -> Result<(), StoreError> {
    let mut seen: Vec<String> = Vec::new();
    for (kind, id) in evidence {
        for p in crate::store::problems::naming(conn, *kind, id)? {
            if seen.contains(&p.id) {
                continue;
            }
            seen.push(p.id.clone());
            let mut line = format!("problem {} · {}", p.name(), p.status.label());
            if !p.root_cause.is_empty() {
                line.push_str(&format!(" — root cause: {}", p.root_cause));
            }
            links.push((lines.len(), Subject::Problem(p.id.clone())));
            lines.push(line);
            if !p.workaround.is_empty() {
                lines.push(format!("  workaround: {}", p.workaround));
            }
        }
    }
    Ok(())
}

/// The known errors of a ticket's service whose incidents it looks like, though no one has
/// linked it yet: their workaround may restore service now.
fn known_error_lines(
    conn: &rusqlite::Connection,
    t: &Ticket,
    lines: &mut Vec<String>,
    links: &mut Vec<(usize, Subject)>,
) -> Result<(), StoreError> {
    let words = crate::domain::similar::words(&t.summary);
    for p in crate::store::problems::of_service(conn, &t.service_id)? {
        if !p.status.is_open() || p.workaround.is_empty() || p.ticket_ids.contains(&t.id) {
            continue;
        }
        let pattern = crate::store::problems::pattern_of(conn, &p)?;
        if pattern.iter().any(|w| crate::domain::similar::alike(w, &words)) {
            links.push((lines.len(), Subject::Problem(p.id.clone())));
            lines.push(format!("looks like problem {} · {}", p.name(), p.status.label()));
            lines.push(format!("  workaround: {}", p.workaround));
        }
    }
    Ok(())
}

/// An outage on one line: its start, length, kind, summary and exclusion.
fn outage_line(o: &Outage, tz: Tz) -> String {
    let length = o
        .end_at
        .map(|e| format_duration(e - o.start_at))
        .unwrap_or_else(|| "ongoing".into());
    let excluded = match (&o.excluded_reason, &o.excluded_note) {
        (Some(r), Some(n)) => format!("  [excluded: {r} — {n}]"),
        (Some(r), None) => format!("  [excluded: {r}]"),
        _ => String::new(),
    };
    format!(
        "{} {length:<7} {} {}{excluded}",
        show(o.start_at, tz),
        if o.planned { "planned  " } else { "unplanned" },
        o.summary
    )
}

/// A change and the tickets on its service in the 72 hours after it: what did it break?
pub fn change_lines(store: &Store, ctx: &Ctx, c: &Change) -> Vec<String> {
    let mut lines = vec![format!(
        "change {} · {} · {} · implemented {}: {}",
        c.reference,
        c.kind.as_str(),
        c.outcome.as_str().replace('_', " "),
        show(c.implemented_at, ctx.tz),
        c.summary
    )];
    lines.push("Tickets on the service in the 72 hours after it".into());
    let tickets = read::tickets_opened_between(
        store.conn(),
        &c.service_id,
        c.implemented_at,
        c.implemented_at + 72 * 3600,
    )
    .unwrap_or_default();
    if tickets.is_empty() {
        lines.push("  none".into());
    }
    for t in tickets {
        lines.push(format!(
            "  {} {} {}  {}",
            t.reference,
            t.priority.label(),
            show(t.opened_at, ctx.tz),
            t.summary
        ));
    }
    lines
}

pub fn explain_ticket(store: &Store, ctx: &Ctx, reference: &str) -> Vec<String> {
    let Ok(engine) = crate::engine::Engine::load(store.conn(), &ctx.settings) else {
        return vec![];
    };
    let Ok(Some(facts)) = crate::engine::clocks::facts_of(store.conn(), reference) else {
        return vec![];
    };
    let t = &facts;
    let now = ctx.now.timestamp();
    let mut lines = Vec::new();
    for c in engine.clocks(t, now) {
        let target = engine.target(&t.service_id, c.kind, t.priority, t.opened_at);
        let (cal, _) = engine.calendar_for(&t.service_id, target);
        let stop = crate::engine::clocks::stop_of(t, c.kind);
        lines.push(format!(
            "{} clock: {} of {} ({:.0}%) in {} — {}",
            c.kind.as_str(),
            format_duration(c.view.elapsed),
            format_duration(c.goal_secs),
            c.view.percent_used,
            c.calendar,
            c.view.countdown
        ));
        let th = crate::domain::sla::Thresholds {
            warn_pct: ctx.settings.warn_percent,
            risk_pct: ctx.settings.risk_percent,
        };
        if let Some(note) = timeline_zone_note(cal.tz(), ctx.tz, c.view.deadline) {
            lines.push(format!("  {note}"));
        }
        let text = crate::engine::adapter::explain(cal, t.opened_at, stop, &t.pauses, c.goal_secs, now, cal.tz(), th);
        lines.extend(text.lines().map(|l| format!("  {l}")));
        lines.push(String::new());
    }
    lines
}

/// What the SDM set on a ticket: its exclusion, critical, and its pauses numbered as
/// `sdm ticket --unpause` and the correction form take them.
pub fn ticket_own_lines(t: &Ticket, ctx: &Ctx) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(r) = &t.excluded_reason {
        let note = t
            .excluded_note
            .as_deref()
            .map(|n| format!(" — {n}"))
            .unwrap_or_default();
        lines.push(format!("excluded from the SLA: {r}{note}"));
    }
    if t.critical {
        lines.push("critical: a post-mortem is due".into());
    }
    let pauses = super::corrections::numbered_pauses(&t.pauses, &t.hand_pauses, &t.ignored_pauses);
    if !pauses.is_empty() {
        lines.push("pauses:".into());
        for (n, p, whose) in pauses {
            let end = p.end.map_or_else(|| "still paused".to_string(), |e| show(e, ctx.tz));
            lines.push(format!("  {n}. {} → {end} ({whose})", show(p.start, ctx.tz)));
        }
    }
    lines
}

/// When the agreement's notice day is near (or passed, with the end still to come): the last
/// twelve complete months' attainment and credits, at hand for the renewal talk.
fn renewal_lines(
    engine: &crate::engine::Engine,
    conn: &rusqlite::Connection,
    s: &Service,
    today: chrono::NaiveDate,
    now: i64,
) -> AppResult<Vec<String>> {
    use chrono::Datelike;
    let Some(days) = crate::domain::due_items::notice_in(s.agreement_end, s.notice_days, today)
        .filter(|d| *d <= crate::domain::due_items::NOTICE_AHEAD_DAYS)
    else {
        return Ok(Vec::new());
    };
    let when = match days {
        d if d < 0 => format!("passed {} days ago", -d),
        0 => "today".to_string(),
        d => format!("in {d} days"),
    };
    let mut lines = vec![format!(
        "  renewal          agreement ends {}; last day for notice {when}",
        date_text(s.agreement_end)
    )];
    let (mut met, mut measured, mut credits) = (0, 0, 0.0);
    // Each month's credit from the figures just worked out, and the outages read once.
    let with_credits = engine.services.get(&s.id).filter(|svc| svc.credits.is_some());
    let outages = match with_credits {
        Some(_) => crate::engine::health::load_outages(conn, &s.id)?,
        None => Vec::new(),
    };
    for (y, m) in crate::engine::health::months_back(today.year(), today.month(), 12)
        .into_iter()
        .take(12)
    {
        let figures = engine.month_figures(conn, &s.id, y, m, now)?;
        if figures.iter().any(|f| f.met.is_some()) {
            measured += 1;
            met += usize::from(figures.iter().all(|f| f.met != Some(false)));
        }
        if let Some(service) = with_credits
            && let Some(c) = engine.credit_from(conn, service, (y, m), &figures, &outages, now)?
        {
            credits += c.credit.total;
        }
    }
    let currency = s.currency.clone().unwrap_or_default();
    let credit = if s.credits.is_some() {
        format!("; credits {}", crate::domain::credits::money(credits, &currency, 2))
    } else {
        String::new()
    };
    lines.push(format!(
        "  {:<16} last 12 months: every target met in {met} of {measured} measured months{credit}",
        ""
    ));
    Ok(lines)
}

/// A service's money: its charge and cost, its credit schedule and what last month and this
/// one come to under it (with the downtime left before the next tier while the month runs).
fn money_lines(
    engine: &crate::engine::Engine,
    conn: &rusqlite::Connection,
    s: &Service,
    months: [(i32, u32); 2],
    now: i64,
) -> AppResult<Vec<String>> {
    let currency = s.currency.clone().unwrap_or_default();
    let m = |v: f64| crate::domain::credits::money(v, &currency, 2);
    let mut lines = Vec::new();
    let mut said = Vec::new();
    if let Some(c) = s.charge {
        said.push(format!("charge {}", m(c)));
    }
    if let Some(c) = s.monthly_cost {
        said.push(format!("cost {}", m(c)));
    }
    if !said.is_empty() {
        lines.push(format!("  money            {} a month", said.join(" · ")));
    }
    // How the terms changed over time.
    let targets: Vec<crate::domain::model::SlaTarget> = engine.targets.get(&s.id).cloned().unwrap_or_default();
    for a in crate::domain::model::amendments(&targets, &s.money_history, &currency) {
        lines.push(format!("  amended          {a}"));
    }
    let Some(schedule) = &s.credits else {
        return Ok(lines);
    };
    lines.push(format!("  credits          {}", schedule.text(&currency)));
    for (y, mo) in months {
        let Some(c) = engine.month_credit(conn, &s.id, y, mo, now)? else {
            continue;
        };
        let when = if c.finished {
            c.month.clone()
        } else {
            format!("{} so far", c.month)
        };
        lines.push(format!("  {when:<16} {}", c.explain()));
        if let Some(next) = c.next_tier_text() {
            lines.push(format!("  {:<16} {next}", ""));
        }
    }
    Ok(lines)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod zone_tests {
    use super::*;

    #[test]
    fn a_timeline_in_another_zone_names_it_and_gives_the_deadline_in_the_display_zone() {
        let ny: Tz = "America/New_York".parse().unwrap();
        // 2026-12-07 15:26 UTC = 10:26 in New York.
        let deadline = 1_796_657_160;
        assert_eq!(
            timeline_zone_note(ny, Tz::UTC, Some(deadline)).unwrap(),
            "times in New York (the calendar's zone) · due Mon 07 Dec 15:26 UTC"
        );
        assert_eq!(
            timeline_zone_note(ny, ny, Some(deadline)),
            None,
            "one zone: nothing to say"
        );
    }
}
