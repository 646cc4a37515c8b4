//! A service with its targets, and the calendars its clocks count in.

use std::collections::BTreeMap;

use crate::domain::enums::{AgreementKind, Criticality, Priority, ServiceStatus, TargetKind};
use crate::domain::ids::{natural_id, new_id};
use crate::domain::model::{ALWAYS_CALENDAR, CalendarRecord, Service, SlaTarget, parse_goal};
use crate::domain::parse::format_duration;
use crate::store::Store;
use crate::store::queries::{find_calendar, find_service};
use crate::store::records::{get_in, list_where};

use super::error::Checks;
use super::{
    AppError, AppResult, Ctx, RecordKind, RecordRef, Stamp, Values, date_text, existing, opt_date, verb, word,
};

/// The priorities a service form sets targets for, with their field names.
pub const PRIORITY_FIELDS: [(&str, Priority); 4] = [
    ("p1", Priority::P1),
    ("p2", Priority::P2),
    ("p3", Priority::P3),
    ("p4", Priority::P4),
];

/// A service as a person gives it; each field's name is the one errors name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveService {
    /// None adds a service.
    pub id: Option<String>,
    pub name: String,
    pub customer: String,
    pub agreement_kind: String,
    pub agreement_ref: String,
    /// `window`: the calendar name of the service window.
    pub window: String,
    pub criticality: String,
    pub agreement_review: String,
    /// `aliases`: other names the ITSM tool uses, comma-separated.
    pub aliases: String,
    /// `agreement_start` / `agreement_end`: the agreement's term (dates; empty for none).
    pub agreement_start: String,
    pub agreement_end: String,
    /// `notice_days`: the notice period before the end, in days (empty for none).
    pub notice_days: String,
    pub availability: String,
    /// `p1`..`p4`: "response / resolution", e.g. "30m / 8h".
    pub priorities: [String; 4],
    pub satisfaction: String,
    pub description: String,
    /// `charge` / `cost`: the monthly charge and cost, `10000 EUR` (empty for none).
    pub charge: String,
    pub cost: String,
    /// `credits`: the credit schedule on a line (see `Schedule::text`), empty for none.
    pub credits: String,
    /// `targets_apply`: a changed goal applies `from today` (default) or corrects the past.
    pub targets_apply: String,
}

/// How a changed target goal applies: from today (a new version; the months before keep the
/// old terms) or to the past as well (the same version corrected, and re-judged, with a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TargetsApply {
    #[default]
    FromToday,
    CorrectPast,
}

impl TargetsApply {
    pub const CHOICES: [&'static str; 2] = ["from today", "correct the past"];

    fn read(text: &str) -> AppResult<TargetsApply> {
        match text.trim() {
            "" | "from today" => Ok(TargetsApply::FromToday),
            "correct the past" => Ok(TargetsApply::CorrectPast),
            other => Err(AppError::invalid(
                "targets_apply",
                format!("\"{other}\": choose from today or correct the past"),
            )),
        }
    }
}

/// Saves a service and replaces its targets of the kinds given (emptied ones go).
pub fn save(store: &mut Store, ctx: &Ctx, input: &SaveService) -> AppResult<Service> {
    // Every field is checked before any is refused, so the form can say all that is wrong.
    let mut checks = Checks::default();
    let name = input.name.trim().to_string();
    if name.is_empty() {
        checks.fail("name", "must not be empty");
    }
    let window = checks.take(find_calendar(store.conn(), &input.window).map_err(|e| AppError::at("window", e)));
    let review = checks
        .take(opt_date(ctx, "agreement_review", &input.agreement_review))
        .flatten();
    let start = checks
        .take(opt_date(ctx, "agreement_start", &input.agreement_start))
        .flatten();
    let end = checks
        .take(opt_date(ctx, "agreement_end", &input.agreement_end))
        .flatten();
    // The term and the notice period's range are the record's own rules (Service::validate).
    let notice_days = match input.notice_days.trim().trim_end_matches('d').trim() {
        "" => None,
        n => checks.take(
            n.parse::<i64>()
                .map_err(|_| AppError::invalid("notice_days", format!("\"{n}\" is not a number of days, e.g. 90"))),
        ),
    };
    let mut aliases: Vec<String> = Vec::new();
    for a in input.aliases.split(',').map(str::trim).filter(|a| !a.is_empty()) {
        if a.eq_ignore_ascii_case(input.name.trim()) {
            checks.fail("aliases", format!("\"{a}\" is the service's own name"));
        } else if !aliases.iter().any(|x| x.eq_ignore_ascii_case(a)) {
            aliases.push(a.to_string());
        }
    }
    let targets = checks.take(targets(input)).unwrap_or_default();
    let money = checks.take(money_of(store, input)).unwrap_or_default();
    let apply = checks
        .take(TargetsApply::read(&input.targets_apply))
        .unwrap_or_default();
    let agreement_kind = checks.take(word::<AgreementKind>("agreement_kind", &input.agreement_kind));
    let criticality = checks.take(word::<Criticality>("criticality", &input.criticality));
    checks.finish()?;
    let (Some(window), Some(agreement_kind), Some(criticality)) = (window, agreement_kind, criticality) else {
        return Err(AppError::invalid("name", "the form could not be read")); // finish() refused already
    };
    let window = window.id;
    let id = input.id.clone();
    let current: Option<Service> = existing(store, &id)?;
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
    let base = current.unwrap_or(Service {
        id: service_id,
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
        currency: None,
        charge: None,
        credits: None,
        money_history: Vec::new(),
    });
    let svc = Service {
        name: name.clone(),
        customer: input.customer.trim().to_string(),
        agreement_kind,
        agreement_ref: input.agreement_ref.trim().to_string(),
        agreement_review: review,
        agreement_start: start,
        agreement_end: end,
        notice_days,
        aliases,
        criticality,
        window_calendar_id: Some(window),
        description: input.description.trim().to_string(),
        // A new charge or cost applies from this month; the months before keep theirs.
        money_history: crate::domain::costs::record_change(
            &base.money_history,
            (base.charge, base.monthly_cost),
            (money.charge, money.cost),
            ctx.today(),
            start.or(base.agreement_start),
        ),
        charge: money.charge,
        monthly_cost: money.cost,
        currency: money.currency.or(base.currency.clone()),
        credits: money.credits,
        ..base
    };
    let label = format!("{} service {name}", verb(&id));
    store
        .write(Some(&label), |w| {
            if let Ok(other) = find_service(w.conn(), &name)
                && other.id != svc.id
            {
                return Err(crate::store::StoreError::Conflict(format!(
                    "a service named \"{}\" exists already",
                    other.name
                )));
            }
            // An alias that names another service would take its files and its reviews.
            for alias in &svc.aliases {
                if let Ok(other) = find_service(w.conn(), alias)
                    && other.id != svc.id
                {
                    return Err(crate::store::StoreError::Invalid(
                        crate::domain::validate::Invalid::new(
                            "aliases",
                            format!("\"{alias}\" already names the service {}", other.name),
                        ),
                    ));
                }
            }
            w.save(&svc)?;
            let current: Vec<SlaTarget> = list_where(w.conn(), "deleted = 0 AND service_id = ?1", [&svc.id])?;
            let today = ctx.today();
            for (kind, priority, goal) in &targets {
                let same = crate::domain::model::target_in_force(&current, *kind, *priority, today);
                let target = match same {
                    Some(t) if (t.goal - goal).abs() < 1e-9 => continue,
                    // A changed goal from today: a new version; the past keeps the old terms.
                    Some(t) if apply == TargetsApply::FromToday && t.valid_from != Some(today) => SlaTarget {
                        id: crate::io::keys::target_version_id(&svc.id, *kind, *priority, Some(today)),
                        goal: *goal,
                        valid_from: Some(today),
                        note: String::new(),
                        ..t.clone()
                    },
                    // Corrected: the same version, its past judged again, with why.
                    Some(t) => {
                        let mut note = t.note.clone();
                        if apply == TargetsApply::CorrectPast {
                            let was = t.goal_text();
                            let said = format!("corrected on {today} from {was}");
                            note = if note.is_empty() {
                                said
                            } else {
                                format!("{note}; {said}")
                            };
                        }
                        SlaTarget {
                            goal: *goal,
                            note,
                            ..t.clone()
                        }
                    }
                    // A new target: from the start, or from today when changes apply from today
                    // on a service that already had terms.
                    None => SlaTarget {
                        id: {
                            let from = (apply == TargetsApply::FromToday && !current.is_empty()).then_some(today);
                            crate::io::keys::target_version_id(&svc.id, *kind, *priority, from)
                        },
                        service_id: svc.id.clone(),
                        kind: *kind,
                        priority: *priority,
                        goal: *goal,
                        calendar_id: None,
                        valid_from: (apply == TargetsApply::FromToday && !current.is_empty()).then_some(today),
                        note: String::new(),
                    },
                };
                w.save(&target)?;
            }
            for t in &current {
                if targets.iter().any(|(k, p, _)| *k == t.kind && *p == t.priority) {
                    continue;
                }
                // Not on the form because none of its versions is in force today (one starts
                // later): left alone.
                if crate::domain::model::target_in_force(&current, t.kind, t.priority, today).is_none() {
                    continue;
                }
                // Emptied: only a correction of the past removes a target with its history.
                if apply == TargetsApply::FromToday {
                    return Err(crate::store::StoreError::Invalid(crate::domain::validate::Invalid::new(
                        target_field(t.kind, t.priority),
                        "a target cannot end from today yet (its past keeps it): to remove it with its history, choose correct the past",
                    )));
                }
                w.remove::<SlaTarget>(&t.id)?;
            }
            // A version from today whose goal went back to the one before it changes nothing:
            // it goes.
            let now_targets: Vec<SlaTarget> = list_where(w.conn(), "deleted = 0 AND service_id = ?1", [&svc.id])?;
            for t in now_targets.iter().filter(|t| t.valid_from == Some(today)) {
                let before = today.pred_opt().and_then(|d| {
                    crate::domain::model::target_in_force(&now_targets, t.kind, t.priority, d)
                });
                if before.is_some_and(|b| (b.goal - t.goal).abs() < 1e-9 && b.calendar_id == t.calendar_id) {
                    w.remove::<SlaTarget>(&t.id)?;
                }
            }
            Ok(())
        })
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict { message, .. } => AppError::conflict("name", message),
            other => other,
        })?;
    Ok(svc)
}

/// A service's money as the form gives it.
#[derive(Default)]
struct Money {
    charge: Option<f64>,
    cost: Option<f64>,
    currency: Option<String>,
    credits: Option<crate::domain::credits::Schedule>,
}

/// The charge, the cost and the credit schedule, in one currency (the one they are written
/// in, else the service's).
fn money_of(store: &Store, input: &SaveService) -> AppResult<Money> {
    use crate::domain::credits::{Schedule, parse_money};
    let mut checks = Checks::default();
    let mut codes: Vec<(String, &str)> = Vec::new();
    let mut amount = |field: &'static str, text: &str, codes: &mut Vec<(String, &str)>| match text.trim() {
        "" => None,
        t => match parse_money(t) {
            Ok((v, code)) => {
                if let Some(c) = code {
                    codes.push((c, field));
                }
                Some(v)
            }
            Err(m) => {
                checks.fail(field, m);
                None
            }
        },
    };
    let charge = amount("charge", &input.charge, &mut codes);
    let cost = amount("cost", &input.cost, &mut codes);
    if let (Some((a, fa)), Some((b, fb))) = (codes.first(), codes.get(1))
        && a != b
    {
        checks.fail(
            fb,
            format!("is in {b} but the {fa} is in {a}: one currency per service"),
        );
    }
    let held = input
        .id
        .as_ref()
        .and_then(|id| get_in::<Service>(store.conn(), id).ok().flatten());
    // Amounts on record are in the service's currency: a new one would relabel its past.
    if let (Some(h), Some((code, field))) = (&held, codes.first())
        && let Some(was) = &h.currency
        && was != code
        && (h.charge.is_some() || h.monthly_cost.is_some() || !h.money_history.is_empty())
    {
        checks.fail(
            field,
            format!("the service's amounts are in {was}: sdm converts none, and a new currency would relabel its past months"),
        );
    }
    let currency = codes
        .first()
        .map(|(c, _)| c.clone())
        .or_else(|| held.and_then(|s| s.currency));
    let credits = match input.credits.trim() {
        "" => None,
        t => match Schedule::parse(t, currency.as_deref().unwrap_or("")) {
            Ok(s) if s.needs_charge() && charge.is_none() => {
                checks.fail("charge", "the credits in percent apply to it: give the monthly charge");
                Some(s)
            }
            Ok(s) => Some(s),
            Err(m) => {
                checks.fail("credits", m);
                None
            }
        },
    };
    checks.finish()?;
    Ok(Money {
        charge,
        cost,
        currency,
        credits,
    })
}

/// The form field a target is edited in.
fn target_field(kind: TargetKind, priority: Option<Priority>) -> &'static str {
    match (kind, priority) {
        (TargetKind::Availability, _) => "availability",
        (TargetKind::Satisfaction, _) => "satisfaction",
        (_, Some(p)) => PRIORITY_FIELDS.iter().find(|(_, q)| *q == p).map_or("p1", |(f, _)| f),
        (_, None) => "p1",
    }
}

type Goals = Vec<(TargetKind, Option<Priority>, f64)>;

fn targets(input: &SaveService) -> AppResult<Goals> {
    let mut out: Goals = Vec::new();
    let mut checks = Checks::default();
    let mut goal = |field: &'static str, kind: TargetKind, p: Option<Priority>, text: &str| {
        if let Some(g) = checks.take(parse_goal(kind, text).map_err(|e| AppError::invalid(field, e.message))) {
            out.push((kind, p, g));
        }
    };
    if !input.availability.trim().is_empty() {
        goal(
            "availability",
            TargetKind::Availability,
            None,
            input.availability.trim(),
        );
    }
    let mut shape = Vec::new();
    for ((field, p), text) in PRIORITY_FIELDS.iter().zip(&input.priorities) {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let parts: Vec<&str> = text.split('/').map(str::trim).collect();
        if parts.len() != 2 {
            shape.push(*field);
            continue;
        }
        for (kind, t) in [(TargetKind::Response, parts[0]), (TargetKind::Resolution, parts[1])] {
            if !t.is_empty() {
                goal(field, kind, Some(*p), t);
            }
        }
    }
    if !input.satisfaction.trim().is_empty() {
        goal(
            "satisfaction",
            TargetKind::Satisfaction,
            None,
            input.satisfaction.trim(),
        );
    }
    for field in shape {
        checks.fail(field, "give the response and the resolution goal, e.g. 30m / 8h");
    }
    checks.finish()?;
    Ok(out)
}

/// What saves but deserves a second look: a service with no targets measures nothing, and a
/// resolution goal shorter than its response goal is almost always the two typed the wrong
/// way round. Warnings, not refusals: the SDM may mean it.
pub fn target_warnings(input: &SaveService) -> Vec<String> {
    let Ok(goals) = targets(input) else {
        return vec![];
    };
    let mut out = Vec::new();
    if goals.is_empty() {
        out.push("no targets, so nothing is measured".to_string());
    }
    for (field, p) in PRIORITY_FIELDS {
        let goal_of = |kind| goals.iter().find(|(k, q, _)| *k == kind && *q == Some(p)).map(|g| g.2);
        if let (Some(respond), Some(resolve)) = (goal_of(TargetKind::Response), goal_of(TargetKind::Resolution))
            && resolve < respond
        {
            out.push(format!("{} resolution goal < response goal", field.to_uppercase()));
        }
    }
    out
}

/// A service's values to edit, and its stamp.
pub fn values(store: &Store, today: chrono::NaiveDate, id: &str) -> AppResult<(Values, Option<Stamp>)> {
    let conn = store.conn();
    let s: Service = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that service is gone"))?;
    let mut p = Values::new();
    p.insert("name", s.name.clone());
    p.insert("customer", s.customer.clone());
    p.insert("agreement_kind", s.agreement_kind.as_str().into());
    p.insert("agreement_ref", s.agreement_ref.clone());
    p.insert("criticality", s.criticality.as_str().into());
    p.insert("agreement_review", date_text(s.agreement_review));
    p.insert("agreement_start", date_text(s.agreement_start));
    p.insert("agreement_end", date_text(s.agreement_end));
    p.insert("notice_days", s.notice_days.map(|d| d.to_string()).unwrap_or_default());
    p.insert("aliases", s.aliases.join(", "));
    p.insert("description", s.description.clone());
    let currency = s.currency.clone().unwrap_or_default();
    let amount = |v: Option<f64>| {
        v.map(|v| {
            format!("{} {currency}", crate::domain::credits::number_text(v))
                .trim_end()
                .to_string()
        })
        .unwrap_or_default()
    };
    p.insert("charge", amount(s.charge));
    p.insert("cost", amount(s.monthly_cost));
    p.insert(
        "credits",
        s.credits.as_ref().map(|c| c.text(&currency)).unwrap_or_default(),
    );
    if let Some(cal) = &s.window_calendar_id
        && let Ok(Some(c)) = get_in::<CalendarRecord>(conn, cal)
    {
        p.insert("window", c.name);
    }
    let all: Vec<SlaTarget> = list_where(conn, "deleted = 0 AND service_id = ?1", [id])?;
    // The versions in force today (a later or earlier version of a target is not edited here).
    let targets: Vec<SlaTarget> = all
        .iter()
        .filter(|t| {
            crate::domain::model::target_in_force(&all, t.kind, t.priority, today).is_some_and(|f| f.id == t.id)
        })
        .cloned()
        .collect();
    for t in &targets {
        match t.kind {
            TargetKind::Availability => {
                p.insert("availability", t.goal_text());
            }
            TargetKind::Satisfaction => {
                p.insert("satisfaction", t.goal_text());
            }
            _ => {}
        }
    }
    for (field, pr) in PRIORITY_FIELDS {
        let goal = |kind| {
            targets
                .iter()
                .find(|x| x.kind == kind && x.priority == Some(pr))
                .map(|x| format_duration(x.goal as i64))
        };
        let (resp, reso) = (goal(TargetKind::Response), goal(TargetKind::Resolution));
        if resp.is_some() || reso.is_some() {
            p.insert(
                field,
                format!("{} / {}", resp.unwrap_or_default(), reso.unwrap_or_default()),
            );
        }
    }
    Ok((
        p,
        super::records::stamp(store, &RecordRef::new(RecordKind::Service, id)),
    ))
}

/// A record's values to edit, its id and its stamp.
pub struct Editing {
    pub id: String,
    pub values: Values,
    pub stamp: Option<Stamp>,
}

/// The day names of a calendar's week, as its fields are named.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A working calendar as a person gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveCalendar {
    pub id: Option<String>,
    pub name: String,
    pub timezone: String,
    /// `mon`..`sun`: ranges such as "08:00-12:00 13:00-17:00"; empty for none.
    pub days: [String; 7],
    /// Dates separated by commas.
    pub holidays: String,
}

pub fn save_calendar(store: &mut Store, ctx: &Ctx, input: &SaveCalendar) -> AppResult<CalendarRecord> {
    let name = input.name.trim().to_string();
    if name.eq_ignore_ascii_case(ALWAYS_CALENDAR) {
        return Err(AppError::invalid(
            "name",
            "24x7 is built in and always works around the clock: give another name",
        ));
    }
    let mut hours = BTreeMap::new();
    for (day, text) in DAYS.iter().zip(&input.days) {
        let ranges: Vec<String> = text
            .split([' ', ',', ';'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .collect();
        if ranges.is_empty() {
            continue;
        }
        // Checked day by day, so the message lands on the day that is wrong.
        let one: BTreeMap<String, Vec<String>> = [(day.to_string(), ranges.clone())].into_iter().collect();
        if let Err(e) = crate::domain::sla::WeekHours::from_map(&one) {
            return Err(AppError::invalid(day, e.to_string()));
        }
        hours.insert(day.to_string(), ranges);
    }
    let mut holidays = Vec::new();
    for h in input.holidays.split(',').map(str::trim).filter(|h| !h.is_empty()) {
        holidays.extend(opt_date(ctx, "holidays", h)?);
    }
    holidays.sort();
    holidays.dedup();
    let rec = CalendarRecord {
        id: input.id.clone().unwrap_or_else(|| natural_id("calendar", &name)),
        name: name.clone(),
        timezone: input.timezone.trim().to_string(),
        hours,
        holidays,
    };
    rec.validate()
        .map_err(|e| AppError::invalid(if e.field == "timezone" { "timezone" } else { "name" }, e.message))?;
    store.write(Some(&format!("edit calendar {name}")), |w| w.save(&rec))?;
    Ok(rec)
}

/// The calendar of a service's window, to edit: `None` values when it counts in 24x7 (then a
/// new calendar is to be added).
pub fn window_calendar(store: &Store, service_id: &str) -> AppResult<(Service, Option<Editing>)> {
    let conn = store.conn();
    let s: Service = get_in(conn, service_id)?.ok_or_else(|| AppError::not_found("that service is gone"))?;
    let cal: Option<CalendarRecord> = match &s.window_calendar_id {
        Some(id) => get_in(conn, id)?,
        None => None,
    };
    let Some(c) = cal.filter(|c| !c.name.eq_ignore_ascii_case(ALWAYS_CALENDAR)) else {
        return Ok((s, None));
    };
    let mut p = Values::new();
    p.insert("name", c.name.clone());
    p.insert("timezone", c.timezone.clone());
    for day in DAYS {
        p.insert(day, c.hours.get(day).map(|r| r.join(" ")).unwrap_or_default());
    }
    p.insert(
        "holidays",
        c.holidays.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", "),
    );
    let stamp = super::records::stamp(store, &RecordRef::new(RecordKind::Calendar, &c.id));
    Ok((
        s,
        Some(Editing {
            id: c.id,
            values: p,
            stamp,
        }),
    ))
}

/// A service's name by its id (for a form that starts from the service).
pub fn name_of(store: &Store, service_id: &str) -> AppResult<String> {
    let s: Option<Service> = crate::store::records::get_in(store.conn(), service_id)?;
    s.map(|s| s.name)
        .ok_or_else(|| AppError::not_found("that service is gone"))
}

#[cfg(test)]
mod warning_tests {
    use super::*;

    fn input(p1: &str, availability: &str) -> SaveService {
        SaveService {
            name: "Payroll".into(),
            availability: availability.into(),
            priorities: [p1.into(), String::new(), String::new(), String::new()],
            ..Default::default()
        }
    }

    #[test]
    fn resolve_before_respond_is_warned_not_refused() {
        let w = target_warnings(&input("2h / 1h", ""));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("P1 resolution goal < response goal"), "{w:?}");
        assert!(target_warnings(&input("30m / 8h", "")).is_empty());
    }

    #[test]
    fn a_service_without_targets_is_warned() {
        let w = target_warnings(&input("", ""));
        assert_eq!(w, vec!["no targets, so nothing is measured".to_string()]);
        assert!(target_warnings(&input("", "99.5%")).is_empty());
    }
}
