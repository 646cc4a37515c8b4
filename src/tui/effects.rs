//! Carrying out the interface's effects against the store: saving forms (each one
//! transaction, undoable), deleting, patching a field, reading a detail view, jumping.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

use super::app::{
    Detail, Patch, Prefill, action_form, breach_form, calendar_form, improvement_form, review_form, service_form,
    stakeholder_form, touch_edit_form, touch_form,
};
use super::form::{Form, Purpose};
use crate::domain::enums::*;
use crate::domain::ids::{natural_id, new_id};
use crate::domain::model::*;
use crate::domain::parse::{format_duration, parse_date, parse_instant};
use crate::domain::text::inert;
use crate::store::queries::{find_calendar, find_service, find_stakeholder};
use crate::store::records::{get_in, list_where};
use crate::store::{Store, StoreError, schema};

/// Rules loaded at a state of the file (its `data_version`, this connection's change count).
type LoadedRules = ((i64, u64), std::rc::Rc<crate::engine::Engine>);

thread_local! {
    /// The rules as last loaded for a detail view.
    static ENGINE: std::cell::RefCell<Option<LoadedRules>> = const { std::cell::RefCell::new(None) };
}

/// The rules (calendars, services, targets), loaded again only when the file has changed since
/// (another connection's commit moves `data_version`; this one's writes move its change count).
fn engine(store: &Store, env: &Env) -> Result<std::rc::Rc<crate::engine::Engine>, StoreError> {
    let conn = store.conn();
    let key = (store.data_version()?, conn.total_changes());
    let cached = ENGINE.with_borrow(|c| {
        c.as_ref()
            .filter(|(k, e)| *k == key && e.settings == env.settings)
            .map(|(_, e)| e.clone())
    });
    if let Some(engine) = cached {
        return Ok(engine);
    }
    let engine = std::rc::Rc::new(crate::engine::Engine::load(conn, &env.settings)?);
    ENGINE.with_borrow_mut(|c| *c = Some((key, engine.clone())));
    Ok(engine)
}

/// What the runtime needs besides the store.
pub struct Env {
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub settings: crate::config::Settings,
}

/// The outcome of saving a form: a status line, or the form back with its error.
pub enum Saved {
    Done(String),
    Again(Form),
}

fn today(env: &Env) -> chrono::NaiveDate {
    env.now.with_timezone(&env.tz).date_naive()
}

fn opt_date(env: &Env, form: &mut Form, key: &str) -> Result<Option<chrono::NaiveDate>, ()> {
    let v = form.value(key).to_string();
    if v.is_empty() {
        return Ok(None);
    }
    match parse_date(&v, today(env)) {
        Ok(d) => Ok(Some(d)),
        Err(e) => {
            form.fail(key, e.to_string());
            Err(())
        }
    }
}

/// Saves a form; a wrong field comes back with its message.
pub fn save(store: &mut Store, env: &Env, mut form: Form) -> Saved {
    // Another sdm (a second SSH session) may have changed the record since the form opened.
    if let Some((table, id, stamp)) = form.base.clone()
        && !form.overwrite
    {
        let now: Option<String> = store
            .conn()
            .query_row(&format!("SELECT hlc FROM {table} WHERE id = ?1"), [&id], |r| r.get(0))
            .ok();
        if now.as_deref() != Some(stamp.as_str()) {
            form.overwrite = true;
            form.error = Some(
                "someone changed this record since you opened it (another sdm?): Enter saves yours over theirs, Esc keeps theirs"
                    .into(),
            );
            return Saved::Again(form);
        }
    }
    let result = match form.purpose.clone() {
        Purpose::Service(id) => save_service(store, env, &mut form, id),
        Purpose::Breach(id) => save_breach(store, env, &mut form, id),
        Purpose::Stakeholder(id) => save_stakeholder(store, &mut form, id),
        Purpose::Touch { stakeholder_id } => save_touch(store, env, &mut form, stakeholder_id),
        Purpose::Review(id) => save_review(store, env, &mut form, id),
        Purpose::Action { id, review_id } => save_action(store, env, &mut form, id, review_id),
        Purpose::Change => save_change(store, env, &mut form),
        Purpose::Improvement(id) => save_improvement(store, env, &mut form, id),
        Purpose::Score => save_score(store, &mut form),
        Purpose::Calendar(id) => save_calendar(store, env, &mut form, id),
        Purpose::TouchEdit(id) => save_touch_edit(store, env, &mut form, id),
    };
    match result {
        Ok(status) => Saved::Done(status),
        Err(Some(message)) => {
            form.error = Some(message);
            Saved::Again(form)
        }
        Err(None) => Saved::Again(form),
    }
}

/// A store error for the form: a validation message names its field.
fn store_err(form: &mut Form, e: StoreError) -> Option<String> {
    match e {
        StoreError::Invalid(inv) => {
            let key = form
                .fields
                .iter()
                .find(|f| f.label.eq_ignore_ascii_case(inv.field) || f.key == inv.field)
                .map(|f| f.key);
            match key {
                Some(k) => {
                    form.fail(k, inv.message);
                    None
                }
                None => Some(inv.to_string()),
            }
        }
        other => Some(other.to_string()),
    }
}

type Out = Result<String, Option<String>>;

fn save_service(store: &mut Store, env: &Env, form: &mut Form, id: Option<String>) -> Out {
    let name = form.value("name").to_string();
    if name.is_empty() {
        form.fail("name", "must not be empty");
        return Err(None);
    }
    let window = match find_calendar(store.conn(), form.value("window")) {
        Ok(c) => c.id,
        Err(e) => {
            form.fail("window", e.to_string());
            return Err(None);
        }
    };
    let review = opt_date(env, form, "agreement_review").map_err(|_| None)?;
    let mut targets: Vec<(TargetKind, Option<Priority>, f64)> = Vec::new();
    let avail = form.value("availability").to_string();
    if !avail.is_empty() {
        match parse_goal(TargetKind::Availability, &avail) {
            Ok(g) => targets.push((TargetKind::Availability, None, g)),
            Err(e) => {
                form.fail("availability", e.message);
                return Err(None);
            }
        }
    }
    for (key, p) in [
        ("p1", Priority::P1),
        ("p2", Priority::P2),
        ("p3", Priority::P3),
        ("p4", Priority::P4),
    ] {
        let v = form.value(key).to_string();
        if v.is_empty() {
            continue;
        }
        let parts: Vec<&str> = v.split('/').map(str::trim).collect();
        if parts.len() != 2 {
            form.fail(key, "give the response and the resolution goal, e.g. 30m / 8h");
            return Err(None);
        }
        for (kind, text) in [(TargetKind::Response, parts[0]), (TargetKind::Resolution, parts[1])] {
            if text.is_empty() {
                continue;
            }
            match parse_goal(kind, text) {
                Ok(g) => targets.push((kind, Some(p), g)),
                Err(e) => {
                    form.fail(key, e.message);
                    return Err(None);
                }
            }
        }
    }
    let sat = form.value("satisfaction").to_string();
    if !sat.is_empty() {
        match parse_goal(TargetKind::Satisfaction, &sat) {
            Ok(g) => targets.push((TargetKind::Satisfaction, None, g)),
            Err(e) => {
                form.fail("satisfaction", e.message);
                return Err(None);
            }
        }
    }
    let existing: Option<Service> = existing(store, &id)?;
    let service_id = match &id {
        Some(id) => id.clone(),
        None => {
            let natural = natural_id("service", &name);
            // A renamed service keeps the id its first name gave it.
            match get_in::<Service>(store.conn(), &natural) {
                Ok(None) => natural,
                _ => new_id(),
            }
        }
    };
    let agreement_kind = word::<AgreementKind>(form, "agreement_kind")?;
    let criticality = word::<Criticality>(form, "criticality")?;
    let base = existing.unwrap_or(Service {
        id: service_id.clone(),
        name: String::new(),
        aliases: vec![],
        customer: String::new(),
        agreement_kind,
        agreement_ref: String::new(),
        agreement_start: None,
        agreement_end: None,
        notice_days: None,
        agreement_review: None,
        criticality,
        window_calendar_id: None,
        status: ServiceStatus::Active,
        monthly_cost: None,
        description: String::new(),
    });
    let svc = Service {
        name: name.clone(),
        customer: form.value("customer").to_string(),
        agreement_kind,
        agreement_ref: form.value("agreement_ref").to_string(),
        agreement_review: review,
        criticality,
        window_calendar_id: Some(window),
        description: form.value("description").to_string(),
        ..base
    };
    let label = format!("{} service {name}", if id.is_some() { "edit" } else { "add" });
    let result = store.write(Some(&label), |w| {
        if let Ok(other) = find_service(w.conn(), &name)
            && other.id != svc.id
        {
            return Err(StoreError::Conflict(format!(
                "a service named \"{}\" exists already",
                other.name
            )));
        }
        w.save(&svc)?;
        // The targets given replace the service's targets of those kinds; emptied ones go.
        let current: Vec<SlaTarget> = list_where(w.conn(), "deleted = 0 AND service_id = ?1", [&svc.id])?;
        for (kind, priority, goal) in &targets {
            let tid = natural_id(
                "target",
                &format!("{}/{}/{}", svc.id, kind, priority.map(|p| p.as_str()).unwrap_or("-")),
            );
            let calendar = current
                .iter()
                .find(|t| t.kind == *kind && t.priority == *priority)
                .and_then(|t| t.calendar_id.clone());
            let existing_id = current
                .iter()
                .find(|t| t.kind == *kind && t.priority == *priority)
                .map(|t| t.id.clone());
            w.save(&SlaTarget {
                id: existing_id.unwrap_or(tid),
                service_id: svc.id.clone(),
                kind: *kind,
                priority: *priority,
                goal: *goal,
                calendar_id: calendar,
            })?;
        }
        for t in &current {
            if !targets.iter().any(|(k, p, _)| *k == t.kind && *p == t.priority) {
                w.remove::<SlaTarget>(&t.id)?;
            }
        }
        Ok(())
    });
    match result {
        Ok(()) => Ok(format!("saved service {}", inert(&name))),
        Err(StoreError::Conflict(m)) => {
            form.fail("name", m);
            Err(None)
        }
        Err(e) => Err(store_err(form, e)),
    }
}

fn save_breach(store: &mut Store, env: &Env, form: &mut Form, id: Option<String>) -> Out {
    let service = service_field(store, form, "service")?;
    let when = match opt_date(env, form, "when").map_err(|_| None)? {
        Some(d) => d,
        None => today(env),
    };
    let at = crate::domain::parse::local_to_utc(when.and_hms_opt(9, 0, 0).unwrap_or_default(), &env.tz)
        .map(|t| t.timestamp())
        .unwrap_or(env.now.timestamp());
    let credit = match form.value("credit") {
        "" => None,
        v => match v.trim_start_matches(['€', '$', '£']).replace(',', "").parse::<f64>() {
            Ok(c) => Some(c),
            Err(_) => {
                form.fail("credit", format!("\"{v}\" is not an amount: use a number such as 500"));
                return Err(None);
            }
        },
    };
    let status = word::<BreachStatus>(form, "status")?;
    let existing: Option<Breach> = existing(store, &id)?;
    let breach = Breach {
        id: id.clone().unwrap_or_else(new_id),
        service_id: service.id.clone(),
        target_id: existing.as_ref().and_then(|b| b.target_id.clone()),
        source: existing.as_ref().map(|b| b.source).unwrap_or(BreachSource::Manual),
        ticket_id: existing.as_ref().and_then(|b| b.ticket_id.clone()),
        period: existing.as_ref().and_then(|b| b.period.clone()),
        title: form.value("title").to_string(),
        breached_at: if existing.as_ref().is_some_and(|b| b.source != BreachSource::Manual) {
            existing.as_ref().map(|b| b.breached_at).unwrap_or(at)
        } else {
            at
        },
        status,
        customer_informed: form.value("informed") == "yes",
        credit,
        notes: form.value("notes").to_string(),
    };
    let label = format!(
        "{} breach {}",
        if id.is_some() { "edit" } else { "record" },
        breach.title
    );
    store
        .write(Some(&label), |w| w.save(&breach))
        .map(|_| format!("saved breach \"{}\"", inert(&breach.title)))
        .map_err(|e| store_err(form, e))
}

fn service_ids(store: &Store, form: &mut Form, key: &str) -> Result<Vec<String>, Option<String>> {
    let mut ids = Vec::new();
    let list = form.value(key).to_string();
    for name in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        match find_service(store.conn(), name) {
            Ok(s) => ids.push(s.id),
            Err(e) => {
                form.fail(key, e.to_string());
                return Err(None);
            }
        }
    }
    Ok(ids)
}

fn save_stakeholder(store: &mut Store, form: &mut Form, id: Option<String>) -> Out {
    let name = form.value("name").to_string();
    let cadence = match form.value("cadence").parse::<i64>() {
        Ok(c) => c,
        Err(_) => {
            form.fail(
                "cadence",
                format!("\"{}\" is not a number of days: use 1 to 366", form.value("cadence")),
            );
            return Err(None);
        }
    };
    let channel = word::<Channel>(form, "channel")?;
    let services = service_ids(store, form, "services")?;
    let sid = id.clone().unwrap_or_else(|| {
        let natural = natural_id("stakeholder", &name);
        match get_in::<Stakeholder>(store.conn(), &natural) {
            Ok(None) => natural,
            _ => new_id(),
        }
    });
    let s = Stakeholder {
        id: sid,
        name: name.clone(),
        organisation: form.value("organisation").to_string(),
        role: form.value("role").to_string(),
        contact: form.value("contact").to_string(),
        channel,
        cadence_days: cadence,
        notes: form.value("notes").to_string(),
        service_ids: services,
    };
    let label = format!("{} stakeholder {name}", if id.is_some() { "edit" } else { "add" });
    let result = store.write(Some(&label), |w| {
        if let Ok(other) = find_stakeholder(w.conn(), &name)
            && other.id != s.id
            && other.name.eq_ignore_ascii_case(&name)
        {
            return Err(StoreError::Conflict(format!(
                "a stakeholder named \"{}\" exists already",
                other.name
            )));
        }
        w.save(&s).map(|_| ())
    });
    match result {
        Ok(()) => Ok(format!("saved stakeholder {}", inert(&name))),
        Err(StoreError::Conflict(m)) => {
            form.fail("name", m);
            Err(None)
        }
        Err(e) => Err(store_err(form, e)),
    }
}

fn save_touch(store: &mut Store, env: &Env, form: &mut Form, stakeholder_id: Option<String>) -> Out {
    let who = match stakeholder_id {
        Some(id) => match get_in::<Stakeholder>(store.conn(), &id) {
            Ok(Some(s)) => s,
            _ => return Err(Some("that stakeholder is gone (deleted elsewhere?)".into())),
        },
        None => match find_stakeholder(store.conn(), form.value("stakeholder")) {
            Ok(s) => s,
            Err(e) => {
                form.fail("stakeholder", e.to_string());
                return Err(None);
            }
        },
    };
    let summary = form.value("summary").to_string();
    if summary.is_empty() {
        form.fail("summary", "say in a few words what was discussed");
        return Err(None);
    }
    let sentiment = match form.value("sentiment") {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(s) if (1..=5).contains(&s) => Some(s),
            _ => {
                form.fail(
                    "sentiment",
                    format!("\"{v}\" is not a score: use 1 (unhappy) to 5 (happy), or leave it empty"),
                );
                return Err(None);
            }
        },
    };
    let channel = word::<Channel>(form, "channel")?;
    let at = match parse_instant(form.value("when"), env.now, &env.tz) {
        Ok(t) => t.timestamp(),
        Err(e) => {
            form.fail("when", e.to_string());
            return Err(None);
        }
    };
    let follow_up = form.value("follow_up").to_string();
    let tp = TouchPoint {
        id: new_id(),
        stakeholder_id: who.id.clone(),
        at,
        channel,
        summary,
        sentiment,
        follow_ups: follow_up.clone(),
        service_ids: who.service_ids.clone(),
    };
    let due = today(env) + Duration::days(7);
    let label = format!("log a {channel} with {}", who.name);
    store
        .write(Some(&label), |w| {
            w.save(&tp)?;
            if !follow_up.is_empty() {
                // A follow-up becomes an action, listed with the others.
                w.save(&Action {
                    id: new_id(),
                    title: follow_up.clone(),
                    owner: "me".into(),
                    due: Some(due),
                    done_on: None,
                    review_id: None,
                    touch_point_id: Some(tp.id.clone()),
                    service_id: who.service_ids.first().cloned(),
                    notes: format!("follow-up of a {channel} with {}", who.name),
                })?;
            }
            Ok(())
        })
        .map(|_| {
            let next = crate::domain::agenda::next_touch_due(Some(today(env)), who.cadence_days, today(env));
            format!(
                "logged a touch point ({channel}) with {}; next touch due {next}",
                inert(&who.name)
            )
        })
        .map_err(|e| store_err(form, e))
}

fn save_review(store: &mut Store, env: &Env, form: &mut Form, id: Option<String>) -> Out {
    let service = service_field(store, form, "service")?;
    let due = opt_date(env, form, "due")
        .map_err(|_| None)?
        .unwrap_or_else(|| today(env));
    let held = opt_date(env, form, "held_on").map_err(|_| None)?;
    let kind = word::<ReviewKind>(form, "kind")?;
    let existing: Option<Review> = existing(store, &id)?;
    let r = Review {
        id: id.clone().unwrap_or_else(new_id),
        kind,
        service_id: service.id,
        change_id: existing.as_ref().and_then(|r| r.change_id.clone()),
        ticket_id: existing.as_ref().and_then(|r| r.ticket_id.clone()),
        title: form.value("title").to_string(),
        due,
        held_on: held,
        attendees: form.value("attendees").to_string(),
        what_went_wrong: form.value("what_went_wrong").to_string(),
        root_cause: form.value("root_cause").to_string(),
        problem_ref: form.value("problem_ref").to_string(),
        findings: form.value("findings").to_string(),
    };
    let label = format!("{} review {}", if id.is_some() { "edit" } else { "add" }, r.title);
    store
        .write(Some(&label), |w| w.save(&r))
        .map(|_| format!("saved review \"{}\"", inert(&r.title)))
        .map_err(|e| store_err(form, e))
}

fn save_action(store: &mut Store, env: &Env, form: &mut Form, id: Option<String>, review_id: Option<String>) -> Out {
    let due = opt_date(env, form, "due").map_err(|_| None)?;
    let service_id = match form.value("service") {
        "" => None,
        name => match find_service(store.conn(), name) {
            Ok(s) => Some(s.id),
            Err(e) => {
                form.fail("service", e.to_string());
                return Err(None);
            }
        },
    };
    let existing: Option<Action> = existing(store, &id)?;
    let a = Action {
        id: id.clone().unwrap_or_else(new_id),
        title: form.value("title").to_string(),
        owner: form.value("owner").to_string(),
        due,
        done_on: existing.as_ref().and_then(|a| a.done_on),
        review_id: existing.as_ref().and_then(|a| a.review_id.clone()).or(review_id),
        touch_point_id: existing.as_ref().and_then(|a| a.touch_point_id.clone()),
        service_id,
        notes: form.value("notes").to_string(),
    };
    let label = format!("{} action {}", if id.is_some() { "edit" } else { "add" }, a.title);
    store
        .write(Some(&label), |w| w.save(&a))
        .map(|_| format!("saved action \"{}\"", inert(&a.title)))
        .map_err(|e| store_err(form, e))
}

fn save_change(store: &mut Store, env: &Env, form: &mut Form) -> Out {
    let reference = form.value("reference").to_string();
    if reference.is_empty() {
        form.fail("reference", "must not be empty");
        return Err(None);
    }
    let service = service_field(store, form, "service")?;
    let at = match parse_instant(form.value("implemented"), env.now, &env.tz) {
        Ok(t) => t.timestamp(),
        Err(e) => {
            form.fail("implemented", e.to_string());
            return Err(None);
        }
    };
    let kind = word::<ChangeKind>(form, "kind")?;
    let outcome = word::<ChangeOutcome>(form, "outcome")?;
    let change = Change {
        id: natural_id("change", &reference),
        reference: reference.clone(),
        service_id: service.id,
        kind,
        implemented_at: at,
        outcome,
        summary: form.value("summary").to_string(),
    };
    let days = env.settings.review_due_working_days;
    store
        .write(Some(&format!("record change {reference}")), |w| {
            w.save(&change)?;
            crate::store::reviews::ensure_reviews(w, days)
        })
        .map(|r| {
            let pir = if r.created > 0 {
                "; a post-implementation review is now due"
            } else {
                ""
            };
            format!("recorded change {}{pir}", inert(&reference))
        })
        .map_err(|e| store_err(form, e))
}

fn save_improvement(store: &mut Store, env: &Env, form: &mut Form, id: Option<String>) -> Out {
    let due = opt_date(env, form, "due").map_err(|_| None)?;
    let service_id = match form.value("service") {
        "" => None,
        name => match find_service(store.conn(), name) {
            Ok(s) => Some(s.id),
            Err(e) => {
                form.fail("service", e.to_string());
                return Err(None);
            }
        },
    };
    let status = word::<ImprovementStatus>(form, "status")?;
    let existing: Option<Improvement> = existing(store, &id)?;
    let imp = Improvement {
        id: id.clone().unwrap_or_else(new_id),
        title: form.value("title").to_string(),
        service_id,
        review_id: existing.as_ref().and_then(|i| i.review_id.clone()),
        touch_point_id: existing.as_ref().and_then(|i| i.touch_point_id.clone()),
        kpi: form.value("kpi").to_string(),
        owner: form.value("owner").to_string(),
        due,
        status,
        notes: form.value("notes").to_string(),
    };
    let label = format!(
        "{} improvement {}",
        if id.is_some() { "edit" } else { "add" },
        imp.title
    );
    store
        .write(Some(&label), |w| w.save(&imp))
        .map(|_| format!("saved improvement \"{}\"", inert(&imp.title)))
        .map_err(|e| store_err(form, e))
}

fn save_score(store: &mut Store, form: &mut Form) -> Out {
    let service = service_field(store, form, "service")?;
    let period = form.value("period").to_string();
    let valid_period = {
        let (y, rest) = period.split_once('-').unwrap_or(("", ""));
        y.len() == 4
            && y.chars().all(|c| c.is_ascii_digit())
            && (matches!(rest.parse::<u32>(), Ok(1..=12)) && rest.len() == 2
                || matches!(rest, "Q1" | "Q2" | "Q3" | "Q4" | "q1" | "q2" | "q3" | "q4"))
    };
    if !valid_period {
        form.fail(
            "period",
            format!("\"{period}\" is not a period: use a month (2026-11) or a quarter (2026-Q4)"),
        );
        return Err(None);
    }
    let number = |form: &mut Form, key: &str, what: &str| -> Result<f64, ()> {
        form.value(key).parse::<f64>().map_err(|_| {
            let v = form.value(key).to_string();
            form.fail(key, format!("\"{v}\" is not {what}"));
        })
    };
    let score = number(form, "score", "a number such as 4.2").map_err(|_| None)?;
    let scale = number(form, "scale", "a number such as 5").map_err(|_| None)?;
    let responses = number(form, "responses", "a whole number").map_err(|_| None)? as i64;
    let rec = Score {
        id: natural_id("score", &format!("{}/{}", service.id, period.to_uppercase())),
        service_id: service.id,
        period: period.to_uppercase(),
        score,
        scale_max: scale,
        responses,
    };
    store
        .write(Some(&format!("record score {period} for {}", service.name)), |w| {
            w.save(&rec)
        })
        .map(|_| format!("recorded {score}/{scale} for {} in {period}", inert(&service.name)))
        .map_err(|e| store_err(form, e))
}

fn save_calendar(store: &mut Store, env: &Env, form: &mut Form, id: Option<String>) -> Out {
    let name = form.value("name").to_string();
    if name.eq_ignore_ascii_case(ALWAYS_CALENDAR) {
        form.fail(
            "name",
            "24x7 is built in and always works around the clock: give another name",
        );
        return Err(None);
    }
    let mut hours = std::collections::BTreeMap::new();
    for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        let text = form.value(day).to_string();
        let ranges: Vec<String> = text
            .split([' ', ',', ';'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        if !ranges.is_empty() {
            hours.insert(day.to_string(), ranges);
        }
    }
    // Check day by day, so the message lands on the day that is wrong.
    for (day, ranges) in &hours {
        let one: std::collections::BTreeMap<String, Vec<String>> =
            [(day.clone(), ranges.clone())].into_iter().collect();
        if let Err(e) = crate::domain::sla::WeekHours::from_map(&one) {
            let key = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
                .into_iter()
                .find(|d| d == day)
                .unwrap_or("mon");
            form.fail(key, e.to_string());
            return Err(None);
        }
    }
    let mut holidays = Vec::new();
    let holiday_text = form.value("holidays").to_string();
    for h in holiday_text.split(',').map(str::trim).filter(|h| !h.is_empty()) {
        match parse_date(h, today(env)) {
            Ok(d) => holidays.push(d),
            Err(e) => {
                form.fail("holidays", e.to_string());
                return Err(None);
            }
        }
    }
    holidays.sort();
    holidays.dedup();
    let rec = CalendarRecord {
        id: id.clone().unwrap_or_else(|| natural_id("calendar", &name)),
        name: name.clone(),
        timezone: form.value("timezone").to_string(),
        hours,
        holidays,
    };
    if let Err(e) = rec.validate() {
        form.fail(if e.field == "timezone" { "timezone" } else { "name" }, e.message);
        return Err(None);
    }
    store
        .write(Some(&format!("edit calendar {name}")), |w| w.save(&rec))
        .map(|_| format!("saved calendar {}; clocks counted in it follow at once", inert(&name)))
        .map_err(|e| store_err(form, e))
}

/// The form for the calendar of a service's window (a new one when it counts in 24x7).
pub fn calendar_edit_form(store: &Store, service_id: &str) -> Result<Form, String> {
    let s: Service = get_in(store.conn(), service_id)
        .map_err(|e| e.to_string())?
        .ok_or("that service is gone")?;
    let cal: Option<CalendarRecord> = match &s.window_calendar_id {
        Some(id) => get_in(store.conn(), id).map_err(|e| e.to_string())?,
        None => None,
    };
    match cal {
        Some(c) if !c.name.eq_ignore_ascii_case(ALWAYS_CALENDAR) => {
            let mut p = Prefill::new();
            p.insert("name", c.name.clone());
            p.insert("timezone", c.timezone.clone());
            for day in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
                p.insert(day, c.hours.get(day).map(|r| r.join(" ")).unwrap_or_default());
            }
            p.insert(
                "holidays",
                c.holidays.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "),
            );
            let mut form = calendar_form(Some(c.id.clone()), &p);
            form.base = stamp_of(store, "calendars", &c.id);
            Ok(form)
        }
        _ => {
            let mut f = calendar_form(None, &Prefill::new());
            f.title = format!(
                "{} counts in 24x7: add a business-hours calendar (then pick it in e)",
                s.name
            );
            Ok(f)
        }
    }
}

pub fn improvement_edit_form(store: &Store, id: &str) -> Result<Form, String> {
    let i: Improvement = get_in(store.conn(), id)
        .map_err(|e| e.to_string())?
        .ok_or("that improvement is gone")?;
    let mut p = Prefill::new();
    p.insert("title", i.title.clone());
    p.insert("kpi", i.kpi.clone());
    p.insert("owner", i.owner.clone());
    p.insert("due", date_text(i.due));
    p.insert("status", i.status.as_str().into());
    p.insert("notes", i.notes.clone());
    if let Some(sid) = &i.service_id
        && let Ok(Some(svc)) = get_in::<Service>(store.conn(), sid)
    {
        p.insert("service", svc.name);
    }
    let mut form = improvement_form(Some(id.to_string()), &p);
    form.base = stamp_of(store, "improvements", id);
    Ok(form)
}

/// A closed-vocabulary field (a kind, a status, a channel); a wrong word marks the field.
fn word<T: std::str::FromStr>(form: &mut Form, key: &str) -> Result<T, Option<String>>
where
    T::Err: std::fmt::Display,
{
    form.value(key).parse::<T>().map_err(|e| {
        form.fail(key, e.to_string());
        None
    })
}

/// The record an edit form started from, if it is an edit.
fn existing<T: crate::store::records::Record>(store: &Store, id: &Option<String>) -> Result<Option<T>, Option<String>> {
    match id {
        Some(id) => get_in(store.conn(), id).map_err(|e| Some(e.to_string())),
        None => Ok(None),
    }
}

/// The service a form field names; a wrong name marks the field.
fn service_field(store: &Store, form: &mut Form, key: &str) -> Result<Service, Option<String>> {
    find_service(store.conn(), form.value(key)).map_err(|e| {
        form.fail(key, e.to_string());
        None
    })
}

/// The stakeholder's most recent touch point: (id, summary).
pub fn last_touch_id(store: &Store, stakeholder_id: &str) -> Option<(String, String)> {
    store
        .conn()
        .query_row(
            "SELECT id, summary FROM touch_points WHERE deleted = 0 AND stakeholder_id = ?1 ORDER BY at DESC, id DESC LIMIT 1",
            [stakeholder_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok()
}

/// The form for the stakeholder's most recent touch point.
pub fn last_touch_form(store: &Store, env: &Env, stakeholder_id: &str) -> Result<Form, String> {
    let (id, _) = last_touch_id(store, stakeholder_id).ok_or("no touch point with this stakeholder yet")?;
    let tp: TouchPoint = get_in(store.conn(), &id)
        .map_err(|e| e.to_string())?
        .ok_or("that touch point is gone")?;
    let mut p = Prefill::new();
    p.insert("summary", tp.summary.clone());
    p.insert("sentiment", tp.sentiment.map(|s| s.to_string()).unwrap_or_default());
    p.insert("channel", tp.channel.as_str().into());
    p.insert("when", show(tp.at, env.tz));
    p.insert("follow_up", tp.follow_ups.clone());
    let mut form = touch_edit_form(id.clone(), &p);
    form.base = stamp_of(store, "touch_points", &id);
    Ok(form)
}

fn save_touch_edit(store: &mut Store, env: &Env, form: &mut Form, id: String) -> Out {
    let Some(mut tp) = get_in::<TouchPoint>(store.conn(), &id).map_err(|e| Some(e.to_string()))? else {
        return Err(Some("that touch point is gone (deleted elsewhere?)".into()));
    };
    let summary = form.value("summary").to_string();
    if summary.is_empty() {
        form.fail("summary", "say in a few words what was discussed");
        return Err(None);
    }
    tp.sentiment = match form.value("sentiment") {
        "" => None,
        v => match v.parse::<i64>() {
            Ok(s) if (1..=5).contains(&s) => Some(s),
            _ => {
                form.fail(
                    "sentiment",
                    format!("\"{v}\" is not a score: use 1 (unhappy) to 5 (happy), or leave it empty"),
                );
                return Err(None);
            }
        },
    };
    tp.channel = word::<Channel>(form, "channel")?;
    tp.at = match parse_instant(form.value("when"), env.now, &env.tz) {
        Ok(t) => t.timestamp(),
        Err(e) => {
            form.fail("when", e.to_string());
            return Err(None);
        }
    };
    tp.summary = summary;
    tp.follow_ups = form.value("follow_up").to_string();
    store
        .write(Some("edit a touch point"), |w| w.save(&tp))
        .map(|_| format!("saved the touch point \"{}\"", inert(&tp.summary)))
        .map_err(|e| store_err(form, e))
}

/// What writing a file came to.
pub enum Written {
    Done(std::path::PathBuf),
    /// The file is there already and replacing it was not allowed (yet).
    Exists(std::path::PathBuf),
}

/// Writes this month's review of a service as HTML beside the database.
pub fn write_report(store: &Store, env: &Env, service_id: &str, replace: bool) -> Result<Written, String> {
    use chrono::Datelike;
    let conn = store.conn();
    let service: Service = get_in(conn, service_id)
        .map_err(|e| e.to_string())?
        .ok_or("that service is gone")?;
    let engine = crate::engine::Engine::load(conn, &env.settings).map_err(|e| e.to_string())?;
    let (window, _) = engine.calendar_for(&service.id, None);
    let day = window.local_date(env.now.timestamp());
    let report = crate::report::gather(
        conn,
        &engine,
        &service,
        day.year(),
        day.month(),
        env.now,
        env.settings.stale_import_hours,
    )
    .map_err(|e| e.to_string())?;
    let safe: String = service
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let dir = store
        .path()
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let path = dir.join(format!("review-{safe}-{}.html", report.month));
    let html = crate::report::render::to_html(std::slice::from_ref(&report));
    match crate::files::write_private(&path, html.as_bytes(), crate::files::Replace::when(replace)) {
        Ok(()) => Ok(Written::Done(path)),
        Err(crate::files::FileError::Exists(_)) => Ok(Written::Exists(path)),
        Err(e) => Err(e.to_string()),
    }
}

/// Deletes a record (a tombstone), undoably.
pub fn delete(store: &mut Store, table: &str, id: &str, label: &str) -> Result<String, String> {
    let Some(t) = schema::table(table) else {
        return Err(format!("unknown table {table}"));
    };
    store
        .write(Some(label), |w| w.delete(t, id))
        .map(|_| format!("{label}: done (u to undo)"))
        .map_err(|e| e.to_string())
}

/// Sets one field, undoably.
pub fn patch(
    store: &mut Store,
    env: &Env,
    table: &str,
    id: &str,
    field: &str,
    value: &Patch,
    label: &str,
) -> Result<String, String> {
    let Some(t) = schema::table(table) else {
        return Err(format!("unknown table {table}"));
    };
    let v = match value {
        Patch::Text(s) => crate::store::records::text(s),
        Patch::Int(i) => crate::store::records::int(*i),
        Patch::Today => crate::store::records::date(today(env)),
    };
    store
        .write(Some(label), |w| {
            w.update(t, id, &[(field, v)])?;
            Ok(())
        })
        .map(|_| format!("{label}: done (u to undo)"))
        .map_err(|e| e.to_string())
}

fn date_text(d: Option<chrono::NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// The stamp a record has now, to notice a change made elsewhere while a form is open.
fn stamp_of(store: &Store, table: &str, id: &str) -> Option<(String, String, String)> {
    store
        .conn()
        .query_row(&format!("SELECT hlc FROM {table} WHERE id = ?1"), [id], |r| {
            r.get::<_, String>(0)
        })
        .ok()
        .map(|h| (table.to_string(), id.to_string(), h))
}

/// The form for editing a record, filled from the store, remembering the record's stamp.
pub fn edit_form(store: &Store, pane: usize, id: &str, is_review: bool) -> Result<Form, String> {
    let table = match pane {
        0 => "services",
        1 => "breaches",
        2 => "stakeholders",
        _ if is_review => "reviews",
        _ => "actions",
    };
    let mut form = edit_form_fields(store, pane, id, is_review)?;
    form.base = stamp_of(store, table, id);
    Ok(form)
}

fn edit_form_fields(store: &Store, pane: usize, id: &str, is_review: bool) -> Result<Form, String> {
    let conn = store.conn();
    let err = |e: StoreError| e.to_string();
    let mut p = Prefill::new();
    match pane {
        0 => {
            let s: Service = get_in(conn, id).map_err(err)?.ok_or("that service is gone")?;
            p.insert("name", s.name.clone());
            p.insert("customer", s.customer.clone());
            p.insert("agreement_kind", s.agreement_kind.as_str().into());
            p.insert("agreement_ref", s.agreement_ref.clone());
            p.insert("criticality", s.criticality.as_str().into());
            p.insert("agreement_review", date_text(s.agreement_review));
            p.insert("description", s.description.clone());
            if let Some(cal) = &s.window_calendar_id
                && let Ok(Some(c)) = get_in::<CalendarRecord>(conn, cal)
            {
                p.insert("window", c.name);
            }
            let targets: Vec<SlaTarget> = list_where(conn, "deleted = 0 AND service_id = ?1", [id]).map_err(err)?;
            for t in &targets {
                match (t.kind, t.priority) {
                    (TargetKind::Availability, _) => {
                        p.insert("availability", t.goal_text());
                    }
                    (TargetKind::Satisfaction, _) => {
                        p.insert("satisfaction", t.goal_text());
                    }
                    (kind, Some(pr)) => {
                        let key = match pr {
                            Priority::P1 => "p1",
                            Priority::P2 => "p2",
                            Priority::P3 => "p3",
                            Priority::P4 => "p4",
                        };
                        let resp = targets
                            .iter()
                            .find(|x| x.kind == TargetKind::Response && x.priority == Some(pr));
                        let reso = targets
                            .iter()
                            .find(|x| x.kind == TargetKind::Resolution && x.priority == Some(pr));
                        let text = format!(
                            "{} / {}",
                            resp.map(|x| format_duration(x.goal as i64)).unwrap_or_default(),
                            reso.map(|x| format_duration(x.goal as i64)).unwrap_or_default()
                        );
                        let _ = kind;
                        p.insert(key, text);
                    }
                    _ => {}
                }
            }
            Ok(service_form(Some(id.to_string()), &p))
        }
        1 => {
            let b: Breach = get_in(conn, id).map_err(err)?.ok_or("that breach is gone")?;
            let svc: Option<Service> = get_in(conn, &b.service_id).map_err(err)?;
            p.insert("service", svc.map(|s| s.name).unwrap_or_default());
            p.insert("title", b.title.clone());
            p.insert(
                "when",
                DateTime::<Utc>::from_timestamp(b.breached_at, 0)
                    .map(|t| t.date_naive().to_string())
                    .unwrap_or_default(),
            );
            p.insert("status", b.status.as_str().into());
            p.insert("informed", if b.customer_informed { "yes" } else { "no" }.into());
            p.insert("credit", b.credit.map(|c| c.to_string()).unwrap_or_default());
            p.insert("notes", b.notes.clone());
            Ok(breach_form(Some(id.to_string()), &p))
        }
        2 => {
            let s: Stakeholder = get_in(conn, id).map_err(err)?.ok_or("that stakeholder is gone")?;
            p.insert("name", s.name.clone());
            p.insert("organisation", s.organisation.clone());
            p.insert("role", s.role.clone());
            p.insert("contact", s.contact.clone());
            p.insert("channel", s.channel.as_str().into());
            p.insert("cadence", s.cadence_days.to_string());
            p.insert("notes", s.notes.clone());
            let mut names = Vec::new();
            for sid in &s.service_ids {
                if let Ok(Some(svc)) = get_in::<Service>(conn, sid) {
                    names.push(svc.name);
                }
            }
            p.insert("services", names.join(", "));
            Ok(stakeholder_form(Some(id.to_string()), &p))
        }
        _ if is_review => {
            let r: Review = get_in(conn, id).map_err(err)?.ok_or("that review is gone")?;
            let svc: Option<Service> = get_in(conn, &r.service_id).map_err(err)?;
            p.insert("title", r.title.clone());
            p.insert("service", svc.map(|s| s.name).unwrap_or_default());
            p.insert("kind", r.kind.as_str().into());
            p.insert("due", r.due.to_string());
            p.insert("held_on", date_text(r.held_on));
            p.insert("attendees", r.attendees.clone());
            p.insert("what_went_wrong", r.what_went_wrong.clone());
            p.insert("root_cause", r.root_cause.clone());
            p.insert("problem_ref", r.problem_ref.clone());
            p.insert("findings", r.findings.clone());
            let mut f = review_form(Some(id.to_string()), &p);
            if r.held_on.is_none() {
                f.focus_key("held_on");
            }
            Ok(f)
        }
        _ => {
            let a: Action = get_in(conn, id).map_err(err)?.ok_or("that action is gone")?;
            p.insert("title", a.title.clone());
            p.insert("owner", a.owner.clone());
            p.insert("due", date_text(a.due));
            p.insert("notes", a.notes.clone());
            if let Some(sid) = &a.service_id
                && let Ok(Some(svc)) = get_in::<Service>(conn, sid)
            {
                p.insert("service", svc.name);
            }
            Ok(action_form(Some(id.to_string()), a.review_id.clone(), &p))
        }
    }
}

/// The quick-log form from a service: with its first stakeholder filled in.
pub fn touch_from_service(store: &Store, service_id: &str) -> Form {
    let first: Option<(String, String)> = store
        .conn()
        .query_row(
            "SELECT st.name, st.channel FROM stakeholder_services ss JOIN stakeholders st ON st.id = ss.stakeholder_id \
             WHERE ss.service_id = ?1 AND ss.deleted = 0 AND st.deleted = 0 ORDER BY st.name LIMIT 1",
            [service_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let (name, channel) = first.unwrap_or_default();
    let mut form = touch_form(None, &name, if channel.is_empty() { "call" } else { &channel });
    form.title = "Log a touch point about this service".into();
    form
}

fn show(t: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The detail view of a record.
pub fn detail(store: &Store, env: &Env, pane: usize, id: &str) -> Result<Detail, String> {
    let conn = store.conn();
    let err = |e: StoreError| e.to_string();
    let mut lines = Vec::new();
    let now = env.now.timestamp();
    match pane {
        0 => {
            let s: Service = get_in(conn, id).map_err(err)?.ok_or("that service is gone")?;
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
            let engine = engine(store, env).map_err(err)?;
            if let Some(h) = engine
                .health_of(conn, now, Some(&s.id))
                .map_err(err)?
                .into_iter()
                .next()
            {
                lines.push(String::new());
                lines.push(format!("Health: {} — {}", h.health.verdict.label(), h.health.reason));
            }
            for f in crate::store::signals::problem_flags_of(conn, env.now, &s.id).map_err(err)? {
                lines.push(format!("⚑ Needs problem management: {}", f.reason));
            }
            let (window, _) = engine.calendar_for(&s.id, None);
            let month = window.local_date(now);
            use chrono::Datelike;
            let figures = engine
                .month_figures(conn, &s.id, month.year(), month.month(), now)
                .map_err(err)?;
            lines.push(String::new());
            lines.push(format!("Targets this month ({})", month.format("%Y-%m")));
            for f in figures {
                let what = match &f.priority {
                    Some(p) => format!("{p} {}", f.kind),
                    None => f.kind.to_string(),
                };
                let actual = f.actual.map(|a| format!("{a:.1}%")).unwrap_or_else(|| "—".into());
                let met = match f.met {
                    Some(true) => "met",
                    Some(false) => "MISSED",
                    None => "nothing measured",
                };
                let count = if f.kind == TargetKind::Availability {
                    String::new()
                } else {
                    format!(" ({} ticket{})", f.measured, if f.measured == 1 { "" } else { "s" })
                };
                lines.push(format!(
                    "  {what:<16} goal {:<8} actual {actual:<8} {met}{count}",
                    f.goal
                ));
            }
            let (from, to) = crate::engine::adapter::month_bounds(window, month.year(), month.month());
            let (ok, all) = crate::store::signals::change_success(conn, &s.id, from, to).map_err(err)?;
            if all > 0 {
                lines.push(format!(
                    "  changes          {ok} of {all} plainly successful ({:.0}%)",
                    ok as f64 * 100.0 / all as f64
                ));
            }
            lines.push(String::new());
            lines.push("Recent tickets".into());
            let mut stmt = conn
                .prepare("SELECT reference, priority, state, opened_at, summary FROM tickets WHERE deleted = 0 AND service_id = ?1 ORDER BY opened_at DESC LIMIT 10")
                .map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })
                .map_err(|e| e.to_string())?;
            for row in rows.flatten() {
                lines.push(format!(
                    "  {} {} {:<9} {}  {}",
                    row.0,
                    row.1.to_uppercase(),
                    row.2,
                    show(row.3, env.tz),
                    row.4
                ));
            }
            lines.push(String::new());
            lines.push("Outages".into());
            let mut stmt = conn
                .prepare("SELECT start_at, end_at, planned, summary FROM outages WHERE deleted = 0 AND service_id = ?1 ORDER BY start_at DESC LIMIT 5")
                .map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map([id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                })
                .map_err(|e| e.to_string())?;
            for (start, end, planned, summary) in rows.flatten() {
                let length = end
                    .map(|e| format_duration(e - start))
                    .unwrap_or_else(|| "ongoing".into());
                lines.push(format!(
                    "  {} {length:<7} {} {summary}",
                    show(start, env.tz),
                    if planned != 0 { "planned  " } else { "unplanned" }
                ));
            }
            lines.push(String::new());
            lines.push("Changes (Enter on none; `:` and a CHG reference shows what followed one)".into());
            let mut stmt = conn
                .prepare("SELECT reference, kind, outcome, implemented_at, summary FROM changes WHERE deleted = 0 AND service_id = ?1 ORDER BY implemented_at DESC LIMIT 8")
                .map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                    ))
                })
                .map_err(|e| e.to_string())?;
            for (r, k, o, at, summary) in rows.flatten() {
                lines.push(format!(
                    "  {r} {k:<9} {:<22} {}  {summary}",
                    o.replace('_', " "),
                    show(at, env.tz)
                ));
            }
            lines.push(String::new());
            lines.push("Stakeholders (t logs a touch point)".into());
            let mut stmt = conn
                .prepare("SELECT st.name, st.role FROM stakeholder_services ss JOIN stakeholders st ON st.id = ss.stakeholder_id WHERE ss.service_id = ?1 AND ss.deleted = 0 AND st.deleted = 0 ORDER BY st.name")
                .map_err(|e| e.to_string())?;
            let rows = stmt
                .query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
                .map_err(|e| e.to_string())?;
            for (n, role) in rows.flatten() {
                lines.push(format!("  {n}, {role}"));
            }
            Ok(Detail {
                title: s.name,
                lines,
                scroll: 0,
                service_id: Some(s.id),
            })
        }
        1 => {
            if let Ok(Some(b)) = get_in::<Breach>(conn, id) {
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
                lines.push(format!("breached at {}", show(b.breached_at, env.tz)));
                if let Some(c) = b.credit {
                    lines.push(format!("service credit {c}"));
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
                    lines.push(String::new());
                    lines.extend(explain_ticket(store, env, &ticket.reference));
                }
                if !b.notes.is_empty() {
                    lines.push(String::new());
                    lines.extend(b.notes.lines().map(str::to_string));
                }
                lines.push(String::new());
                lines.push("A acknowledge · C close · I customer informed · e edit".into());
                return Ok(Detail {
                    title: b.title,
                    lines,
                    scroll: 0,
                    service_id: None,
                });
            }
            // A clock at risk: its ticket's timeline.
            let t: Ticket = get_in(conn, id).map_err(err)?.ok_or("that ticket is gone")?;
            lines.extend(explain_ticket(store, env, &t.reference));
            Ok(Detail {
                title: format!("{} {}", t.reference, t.summary),
                lines,
                scroll: 0,
                service_id: Some(t.service_id),
            })
        }
        2 => {
            let s: Stakeholder = get_in(conn, id).map_err(err)?.ok_or("that stakeholder is gone")?;
            lines.push(format!(
                "{} · {} · {} · every {} days by {}",
                s.organisation, s.role, s.contact, s.cadence_days, s.channel
            ));
            lines.push(String::new());
            lines.push("Touch history (t logs another)".into());
            let tps: Vec<TouchPoint> = list_where(
                conn,
                "deleted = 0 AND stakeholder_id = ?1 ORDER BY at DESC LIMIT 50",
                [id],
            )
            .map_err(err)?;
            for tp in tps {
                let mood = tp.sentiment.map(|s| format!(" [{s}/5]")).unwrap_or_default();
                lines.push(format!(
                    "  {} {:<14}{mood} {}",
                    show(tp.at, env.tz),
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
                scroll: 0,
                service_id: None,
            })
        }
        _ => {
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
                lines.push(String::new());
                lines.push("x marks it done · e edits it".into());
                return Ok(Detail {
                    title: format!("Improvement: {}", i.title),
                    lines,
                    scroll: 0,
                    service_id: i.service_id,
                });
            }
            let (review, action): (Option<Review>, Option<Action>) = match get_in::<Review>(conn, id).map_err(err)? {
                Some(r) => (Some(r), None),
                None => {
                    let a: Action = get_in(conn, id).map_err(err)?.ok_or("that action is gone")?;
                    let r = match &a.review_id {
                        Some(rid) => get_in::<Review>(conn, rid).map_err(err)?,
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
                    scroll: 0,
                    service_id: None,
                });
            };
            lines.push(format!(
                "{} · due {} · {}",
                if r.kind == ReviewKind::Pir {
                    "PIR"
                } else {
                    "post-mortem"
                },
                r.due,
                match r.held_on {
                    Some(d) => format!("held {d}"),
                    None => "not held yet".into(),
                }
            ));
            for (label, text) in [
                ("attendees", &r.attendees),
                ("what went wrong", &r.what_went_wrong),
                ("root cause", &r.root_cause),
                ("problem", &r.problem_ref),
                ("findings", &r.findings),
            ] {
                if !text.is_empty() {
                    lines.push(format!("{label}: {text}"));
                }
            }
            if let Some(cid) = &r.change_id
                && let Ok(Some(c)) = get_in::<Change>(conn, cid)
            {
                lines.push(String::new());
                lines.extend(change_lines(store, env, &c));
            }
            let actions: Vec<Action> =
                list_where(conn, "deleted = 0 AND review_id = ?1 ORDER BY due", [&r.id]).map_err(err)?;
            let open = actions.iter().filter(|a| a.done_on.is_none()).count();
            lines.push(String::new());
            lines.push(match (r.held_on, open) {
                (Some(_), 0) => "Closed: held, and every action done".to_string(),
                (Some(_), n) => format!("Open: held, {n} action(s) still to do"),
                (None, _) => "Open: not held yet (e records it)".to_string(),
            });
            lines.push(String::new());
            lines.push("Actions".into());
            for a in actions {
                let done = a.done_on.map(|d| format!("done {d}")).unwrap_or_else(|| "open".into());
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
                scroll: 0,
                service_id: None,
            })
        }
    }
}

/// A change and the tickets on its service in the 72 hours after it: what did it break?
fn change_lines(store: &Store, env: &Env, c: &Change) -> Vec<String> {
    let mut lines = vec![format!(
        "change {} · {} · {} · implemented {}: {}",
        c.reference,
        c.kind.as_str(),
        c.outcome.as_str().replace('_', " "),
        show(c.implemented_at, env.tz),
        c.summary
    )];
    lines.push("Tickets on the service in the 72 hours after it".into());
    let tickets: Vec<Ticket> = list_where(
        store.conn(),
        "deleted = 0 AND service_id = ?1 AND opened_at >= ?2 AND opened_at <= ?3 ORDER BY opened_at",
        rusqlite::params![c.service_id, c.implemented_at, c.implemented_at + 72 * 3600],
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
            show(t.opened_at, env.tz),
            t.summary
        ));
    }
    lines
}

fn explain_ticket(store: &Store, env: &Env, reference: &str) -> Vec<String> {
    let Ok(engine) = crate::engine::Engine::load(store.conn(), &env.settings) else {
        return vec![];
    };
    let Ok(facts) = crate::engine::clocks::load_facts(store.conn(), "reference = ?1", [reference]) else {
        return vec![];
    };
    let Some(t) = facts.first() else { return vec![] };
    let now = env.now.timestamp();
    let mut lines = Vec::new();
    for c in engine.clocks(t, now) {
        let target = engine.target(&t.service_id, c.kind, t.priority);
        let (cal, _) = engine.calendar_for(&t.service_id, target);
        let stop = match c.kind {
            crate::engine::ClockKind::Response => t.responded_at.or(t.resolved_at),
            crate::engine::ClockKind::Resolution => t.resolved_at,
        };
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
            warn_pct: env.settings.warn_percent,
            risk_pct: env.settings.risk_percent,
        };
        let text = crate::engine::adapter::explain(cal, t.opened_at, stop, &t.pauses, c.goal_secs, now, cal.tz, th);
        lines.extend(text.lines().map(|l| format!("  {l}")));
        lines.push(String::new());
    }
    lines
}

/// Where `:` takes you: a ticket, a change, a service or a stakeholder.
pub enum Jumped {
    Detail(Detail),
    Select { pane: usize, id: String },
    Nothing(String),
}

pub fn jump(store: &Store, env: &Env, text: &str) -> Jumped {
    let conn = store.conn();
    if let Ok(Some(t)) =
        crate::store::records::list_where::<Ticket, _>(conn, "deleted = 0 AND reference = ?1 COLLATE NOCASE", [text])
            .map(|v| v.into_iter().next())
    {
        let mut lines = vec![format!(
            "{} · {} · {} · opened {}",
            t.priority.label(),
            t.state.as_str(),
            t.kind.as_str(),
            show(t.opened_at, env.tz)
        )];
        lines.push(String::new());
        lines.extend(explain_ticket(store, env, &t.reference));
        return Jumped::Detail(Detail {
            title: format!("{} {}", t.reference, t.summary),
            lines,
            scroll: 0,
            service_id: Some(t.service_id),
        });
    }
    if let Ok(Some(c)) =
        crate::store::records::list_where::<Change, _>(conn, "deleted = 0 AND reference = ?1 COLLATE NOCASE", [text])
            .map(|v| v.into_iter().next())
    {
        return Jumped::Detail(Detail {
            title: c.reference.clone(),
            lines: change_lines(store, env, &c),
            scroll: 0,
            service_id: Some(c.service_id),
        });
    }
    if let Ok(s) = find_service(conn, text) {
        return Jumped::Select { pane: 0, id: s.id };
    }
    match find_stakeholder(conn, text) {
        Ok(s) => Jumped::Select { pane: 2, id: s.id },
        Err(_) => Jumped::Nothing(format!(
            "nothing called \"{}\": give a ticket or change reference, a service or a stakeholder",
            inert(text)
        )),
    }
}
