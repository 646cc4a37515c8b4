//! The portfolio file: the SDM's catalogue as TOML they can keep in git — calendars, services
//! with their SLA targets, stakeholders (the shape is in DESIGN.md).
//!
//! Records are matched by name (case-blind): an existing one keeps its id, a new one gets the
//! natural id of its name. Only the keys an entry has are written, so a field set in the
//! interface survives; but a service's `targets` list, when given, is the whole set of its
//! targets (one the list no longer has is removed), and a stakeholder's `services` list is the
//! whole set of their services. Everything is checked first, every problem reported with its
//! place; then everything is written in one transaction.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;

use super::{ImportError, ImportKind, Imported, Problem, Tally, after_import, cells, file_label, keys, transact};
use crate::config::Settings;
use crate::domain::enums::{AgreementKind, Channel, Criticality, Priority, ServiceStatus, TargetKind};
use crate::domain::model::{ALWAYS_CALENDAR, parse_goal};
use crate::store::schema::{self, Table};
use crate::store::{self, Store, Upserted, Writer, queries};

/// How to import a portfolio file.
#[derive(Debug, Clone)]
pub struct PortfolioOptions<'a> {
    /// The evaluation clock: the import log's time and the SLA engine's "now".
    pub now: DateTime<Utc>,
    /// The display zone (passed on to [`after_import`]).
    pub tz: Tz,
    /// Run the whole import and roll it back.
    pub dry_run: bool,
    pub settings: &'a Settings,
}

/// What a portfolio import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default)]
pub struct PortfolioOutcome {
    pub file: String,
    pub calendars: Tally,
    pub services: Tally,
    pub targets: Tally,
    pub stakeholders: Tally,
    /// One line per record added, changed or removed, in file order:
    /// `add service "Payroll"`, `change calendar "Office NL": hours`.
    pub details: Vec<String>,
    pub dry_run: bool,
}

impl PortfolioOutcome {
    pub fn total(&self) -> Tally {
        let mut t = Tally::default();
        for part in [self.calendars, self.services, self.targets, self.stakeholders] {
            t.add(part);
        }
        t
    }
}

// ---- the file's shape ----

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortfolioFile {
    #[serde(default)]
    calendar: Vec<CalendarEntry>,
    #[serde(default)]
    service: Vec<ServiceEntry>,
    #[serde(default)]
    stakeholder: Vec<StakeholderEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarEntry {
    name: String,
    timezone: String,
    hours: BTreeMap<String, Vec<String>>,
    holidays: Option<Vec<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceEntry {
    name: String,
    aliases: Option<Vec<String>>,
    customer: Option<String>,
    agreement: Option<String>,
    agreement_ref: Option<String>,
    agreement_start: Option<toml::Value>,
    agreement_end: Option<toml::Value>,
    notice_days: Option<i64>,
    agreement_review: Option<toml::Value>,
    window: Option<String>,
    criticality: Option<String>,
    status: Option<String>,
    monthly_cost: Option<f64>,
    description: Option<String>,
    targets: Option<Vec<TargetEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetEntry {
    kind: String,
    priority: Option<String>,
    goal: toml::Value,
    calendar: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StakeholderEntry {
    name: String,
    organisation: Option<String>,
    role: Option<String>,
    contact: Option<String>,
    channel: Option<String>,
    cadence_days: Option<i64>,
    services: Option<Vec<String>>,
    notes: Option<String>,
}

// ---- the hour ranges ----

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Checks a calendar's working hours and returns them as stored: day keys `mon`..`sun`,
/// ranges `HH:MM-HH:MM` (zero-padded, in order; `24:00` ends a day). A range must end after
/// it starts and must not overlap another of the same day.
///
/// The one place hour ranges are read on import: the SLA engine's calendar parser will take
/// its place, so the rules cannot drift apart.
pub fn check_hours(hours: &BTreeMap<String, Vec<String>>) -> Result<BTreeMap<String, Vec<String>>, String> {
    if hours.is_empty() {
        return Err("hours: give the working hours of at least one day, e.g. mon = [\"08:00-18:00\"]".into());
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (day, ranges) in hours {
        let lower = day.trim().to_lowercase();
        let Some(key) = DAYS
            .iter()
            .find(|d| lower == **d || (lower.len() > 3 && lower.starts_with(**d) && is_day_name(&lower)))
        else {
            return Err(format!(
                "hours.{day}: not a day: use mon, tue, wed, thu, fri, sat or sun"
            ));
        };
        if out.contains_key(*key) {
            return Err(format!("hours.{day}: {key} is given twice"));
        }
        let mut spans: Vec<(u32, u32, &str)> = Vec::new();
        for range in ranges {
            let (start, end) = parse_range(range).ok_or_else(|| {
                format!("hours.{day} \"{range}\": not a time range: use HH:MM-HH:MM, e.g. 08:00-18:00")
            })?;
            if end <= start {
                return Err(format!("hours.{day} \"{range}\": the end must be after the start"));
            }
            if let Some((_, _, other)) = spans.iter().find(|(s, e, _)| start < *e && *s < end) {
                return Err(format!("hours.{day} \"{range}\": overlaps \"{other}\""));
            }
            spans.push((start, end, range));
        }
        spans.sort_unstable();
        let text = spans
            .iter()
            .map(|(s, e, _)| format!("{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60))
            .collect();
        out.insert((*key).to_string(), text);
    }
    Ok(out)
}

fn is_day_name(s: &str) -> bool {
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .contains(&s)
}

/// `HH:MM-HH:MM` as minutes of the day; the end may be `24:00`.
fn parse_range(text: &str) -> Option<(u32, u32)> {
    let (a, b) = text.split_once('-')?;
    let clock = |s: &str| -> Option<u32> {
        let (h, m) = s.trim().split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let start = clock(a)?;
    (start < 24 * 60).then_some(())?;
    Some((start, clock(b)?))
}

// ---- the plan: everything checked, nothing written ----

/// A record to upsert: where it goes, what it is called in messages, and the fields the file
/// gives.
struct Planned {
    table: &'static Table,
    noun: &'static str,
    label: String,
    id: String,
    fields: Vec<(&'static str, Value)>,
}

struct ServicePlan {
    record: Planned,
    /// `None`: the entry has no `targets` key (the service's targets are left alone).
    targets: Option<Vec<Planned>>,
}

struct StakeholderPlan {
    record: Planned,
    /// `None`: the entry has no `services` key.
    services: Option<Vec<String>>,
}

struct Plan {
    calendars: Vec<Planned>,
    services: Vec<ServicePlan>,
    stakeholders: Vec<StakeholderPlan>,
    entries: usize,
}

/// Collects problems with the file's place prefix.
struct Problems<'f> {
    file: &'f str,
    list: Vec<Problem>,
}

impl Problems<'_> {
    fn add(&mut self, place: &str, message: impl Into<String>) {
        self.list.push(Problem::new(format!("{}: {place}", self.file), message));
    }
}

/// The names of live records, with their ids.
fn live(conn: &Connection, sql: &str) -> store::Result<Vec<(String, String)>> {
    Ok(conn
        .prepare(sql)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Live services: id, name, aliases (JSON).
fn live_services(conn: &Connection) -> store::Result<Vec<(String, String, String)>> {
    Ok(conn
        .prepare("SELECT id, name, aliases FROM services WHERE deleted = 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

fn date_value(v: &toml::Value) -> Result<NaiveDate, String> {
    match v {
        toml::Value::String(s) => cells::date(s.trim()),
        toml::Value::Datetime(d) => match (d.date, d.time) {
            (Some(date), None) => {
                NaiveDate::from_ymd_opt(i32::from(date.year), u32::from(date.month), u32::from(date.day))
                    .ok_or_else(|| format!("\"{d}\" is not a date: use YYYY-MM-DD"))
            }
            _ => Err(format!("\"{d}\" is not a date: use YYYY-MM-DD, without a time")),
        },
        other => Err(format!("{other} is not a date: use \"YYYY-MM-DD\"")),
    }
}

fn known_list(names: &BTreeMap<String, (String, String)>) -> String {
    let mut list: Vec<&str> = names.values().map(|(n, _)| n.as_str()).collect();
    list.sort_by_key(|n| n.to_lowercase());
    list.join(", ")
}

/// Why a goal is refused, saying the goal as written.
fn goal_problem(text: &str, message: &str) -> String {
    if message.starts_with('"') {
        format!("goal {message}")
    } else {
        format!("goal \"{text}\": {message}")
    }
}

fn plan(conn: &Connection, file: &str, text: &str) -> Result<Plan, ImportError> {
    let doc: PortfolioFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let place = line.map_or_else(|| file.to_string(), |l| format!("{file} line {l}"));
        ImportError::Rejected {
            file: file.to_string(),
            problems: vec![Problem::new(place, e.message().trim().to_string())],
        }
    })?;
    let mut problems = Problems { file, list: Vec::new() };

    // Calendars: those in the database, then the file's (which may replace them).
    let mut calendars: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (id, name) in live(conn, "SELECT id, name FROM calendars WHERE deleted = 0")? {
        calendars.insert(name.to_lowercase(), (name, id));
    }
    let mut planned_calendars = Vec::new();
    let mut seen = HashSet::new();
    for (i, c) in doc.calendar.iter().enumerate() {
        let name = c.name.trim();
        let place = if name.is_empty() {
            format!("calendar {}", i + 1)
        } else {
            format!("calendar \"{name}\"")
        };
        if name.is_empty() {
            problems.add(&place, "name must not be empty");
            continue;
        }
        if name.eq_ignore_ascii_case(ALWAYS_CALENDAR) {
            problems.add(
                &place,
                "24x7 is built in (all hours, every day) and cannot be redefined: leave it out of the file",
            );
            continue;
        }
        if !seen.insert(name.to_lowercase()) {
            problems.add(&place, "appears twice in the file");
            continue;
        }
        let id = calendars
            .get(&name.to_lowercase())
            .map_or_else(|| keys::calendar_id(name), |(_, id)| id.clone());
        calendars.insert(name.to_lowercase(), (name.to_string(), id.clone()));
        let mut fields = vec![("name", Value::Text(name.to_string()))];
        match cells::zone(&c.timezone) {
            Ok(tz) => fields.push(("timezone", Value::Text(tz.name().to_string()))),
            Err(m) => problems.add(&place, format!("timezone {m}")),
        }
        match check_hours(&c.hours) {
            Ok(hours) => fields.push(("hours", json_text(&hours))),
            Err(m) => problems.add(&place, m),
        }
        if let Some(holidays) = &c.holidays {
            let mut days = Vec::new();
            for h in holidays {
                match date_value(h) {
                    Ok(d) => days.push(d),
                    Err(m) => problems.add(&place, format!("holidays: {m}")),
                }
            }
            days.sort_unstable();
            days.dedup();
            fields.push(("holidays", json_text(&days)));
        }
        planned_calendars.push(Planned {
            table: &schema::CALENDARS,
            noun: "calendar",
            label: format!("\"{name}\""),
            id,
            fields,
        });
    }
    let calendar_id = |name: &str| calendars.get(&name.trim().to_lowercase()).map(|(_, id)| id.clone());

    // Services: ids by name, then every field.
    let db_services = live_services(conn)?;
    // Looked up by name, not searched: a portfolio of thousands re-imports in linear time.
    let db_service_ids: HashMap<String, String> = db_services
        .iter()
        .map(|(id, n, _)| (n.to_lowercase(), id.clone()))
        .collect();
    let db_service_id = |name: &str| db_service_ids.get(&name.to_lowercase()).cloned();
    let mut planned_services = Vec::new();
    // Every name and alias a service answers to after the import: lower case -> (id, name).
    let mut labels: HashMap<String, (String, String)> = HashMap::new();
    let mut file_service_ids = HashSet::new();
    let mut seen = HashSet::new();
    for s in &doc.service {
        let name = s.name.trim();
        let id = db_service_id(name).unwrap_or_else(|| keys::service_id(name));
        file_service_ids.insert(id.clone());
    }
    for (id, name, aliases) in &db_services {
        if file_service_ids.contains(id) {
            continue;
        }
        labels.insert(name.to_lowercase(), (id.clone(), name.clone()));
        let aliases: Vec<String> = serde_json::from_str(aliases).unwrap_or_default();
        for a in aliases {
            labels
                .entry(a.to_lowercase())
                .or_insert_with(|| (id.clone(), name.clone()));
        }
    }
    for (i, s) in doc.service.iter().enumerate() {
        let name = s.name.trim();
        let place = if name.is_empty() {
            format!("service {}", i + 1)
        } else {
            format!("service \"{name}\"")
        };
        if name.is_empty() {
            problems.add(&place, "name must not be empty");
            continue;
        }
        if !seen.insert(name.to_lowercase()) {
            problems.add(&place, "appears twice in the file");
            continue;
        }
        let id = db_service_id(name).unwrap_or_else(|| keys::service_id(name));
        let mut fields = vec![("name", Value::Text(name.to_string()))];

        // The names it answers to must be its own.
        let aliases: Option<Vec<String>> = s.aliases.as_ref().map(|list| {
            let mut out: Vec<String> = Vec::new();
            for a in list.iter().map(|a| a.trim()) {
                if a.is_empty() {
                    problems.add(&place, "aliases: an alias must not be empty");
                } else if !out.iter().any(|o| o.eq_ignore_ascii_case(a)) && !a.eq_ignore_ascii_case(name) {
                    out.push(a.to_string());
                }
            }
            out
        });
        let own: Vec<String> = match &aliases {
            Some(list) => list.clone(),
            None => db_services
                .iter()
                .find(|(sid, _, _)| *sid == id)
                .and_then(|(_, _, a)| serde_json::from_str(a).ok())
                .unwrap_or_default(),
        };
        for (what, label) in std::iter::once(("name", name)).chain(own.iter().map(|a| ("alias", a.as_str()))) {
            match labels.get(&label.to_lowercase()) {
                Some((other, other_name)) if *other != id => {
                    let message = if what == "name" {
                        format!("its name is already an alias of service \"{other_name}\"")
                    } else {
                        format!("alias \"{label}\" already names service \"{other_name}\"")
                    };
                    problems.add(&place, message);
                }
                _ => {
                    labels.insert(label.to_lowercase(), (id.clone(), name.to_string()));
                }
            }
        }
        if let Some(list) = &aliases {
            fields.push(("aliases", json_text(list)));
        }
        if let Some(customer) = &s.customer {
            fields.push(("customer", Value::Text(customer.trim().to_string())));
        }
        if let Some(kind) = &s.agreement {
            match cells::word::<AgreementKind>(kind) {
                Ok(k) => fields.push(("agreement_kind", Value::Text(k.as_str().to_string()))),
                Err(m) => problems.add(&place, m),
            }
        }
        if let Some(r) = &s.agreement_ref {
            fields.push(("agreement_ref", Value::Text(r.trim().to_string())));
        }
        let mut dates: [Option<NaiveDate>; 2] = [None, None];
        for (n, (key, value)) in [
            ("agreement_start", &s.agreement_start),
            ("agreement_end", &s.agreement_end),
            ("agreement_review", &s.agreement_review),
        ]
        .into_iter()
        .enumerate()
        {
            let Some(v) = value else { continue };
            match date_value(v) {
                Ok(d) => {
                    if n < 2 {
                        dates[n] = Some(d);
                    }
                    fields.push((key, Value::Text(d.format("%Y-%m-%d").to_string())));
                }
                Err(m) => problems.add(&place, format!("{key}: {m}")),
            }
        }
        if let [Some(start), Some(end)] = dates
            && end < start
        {
            problems.add(&place, format!("agreement_end {end} is before agreement_start {start}"));
        }
        if let Some(days) = s.notice_days {
            if (0..=3650).contains(&days) {
                fields.push(("notice_days", Value::Integer(days)));
            } else {
                problems.add(
                    &place,
                    format!("notice_days {days}: use a number of days from 0 to 3650"),
                );
            }
        }
        if let Some(window) = &s.window {
            match calendar_id(window) {
                Some(cid) => fields.push(("window_calendar_id", Value::Text(cid))),
                None => problems.add(
                    &place,
                    format!(
                        "window \"{}\" is not a calendar; known: {}",
                        window.trim(),
                        known_list(&calendars)
                    ),
                ),
            }
        }
        if let Some(c) = &s.criticality {
            match cells::word::<Criticality>(c) {
                Ok(c) => fields.push(("criticality", Value::Text(c.as_str().to_string()))),
                Err(m) => problems.add(&place, m),
            }
        }
        if let Some(st) = &s.status {
            match cells::word::<ServiceStatus>(st) {
                Ok(st) => fields.push(("status", Value::Text(st.as_str().to_string()))),
                Err(m) => problems.add(&place, m),
            }
        }
        if let Some(cost) = s.monthly_cost {
            if cost.is_finite() && cost >= 0.0 {
                fields.push(("monthly_cost", Value::Real(cost)));
            } else {
                problems.add(&place, format!("monthly_cost {cost}: use an amount of 0 or more"));
            }
        }
        if let Some(d) = &s.description {
            fields.push(("description", Value::Text(d.trim().to_string())));
        }
        let targets = s.targets.as_ref().map(|list| {
            let mut out: Vec<Planned> = Vec::new();
            let mut keys_seen: Vec<(TargetKind, Option<Priority>)> = Vec::new();
            for (j, t) in list.iter().enumerate() {
                let tplace = format!("{place} target {}", j + 1);
                let Some(planned) = plan_target(t, &id, name, &tplace, &calendars, &mut problems) else {
                    continue;
                };
                let key = planned.1;
                if let Some(k) = keys_seen.iter().position(|x| *x == key) {
                    problems.add(&tplace, format!("is the same kind and priority as target {}", k + 1));
                    continue;
                }
                keys_seen.push(key);
                out.push(planned.0);
            }
            out
        });
        planned_services.push(ServicePlan {
            record: Planned {
                table: &schema::SERVICES,
                noun: "service",
                label: format!("\"{name}\""),
                id,
                fields,
            },
            targets,
        });
    }

    // Stakeholders.
    let db_stakeholders = live(conn, "SELECT id, name FROM stakeholders WHERE deleted = 0")?;
    let service_names: Vec<String> = {
        let mut names: Vec<String> = labels.values().map(|(_, n)| n.clone()).collect();
        names.sort();
        names.dedup();
        names
    };
    let mut planned_stakeholders = Vec::new();
    let db_stakeholder_ids: HashMap<String, String> = db_stakeholders
        .iter()
        .map(|(id, n)| (n.to_lowercase(), id.clone()))
        .collect();
    let mut seen = HashSet::new();
    for (i, p) in doc.stakeholder.iter().enumerate() {
        let name = p.name.trim();
        let place = if name.is_empty() {
            format!("stakeholder {}", i + 1)
        } else {
            format!("stakeholder \"{name}\"")
        };
        if name.is_empty() {
            problems.add(&place, "name must not be empty");
            continue;
        }
        if !seen.insert(name.to_lowercase()) {
            problems.add(&place, "appears twice in the file");
            continue;
        }
        let id = db_stakeholder_ids
            .get(&name.to_lowercase())
            .cloned()
            .unwrap_or_else(|| keys::stakeholder_id(name));
        let mut fields = vec![("name", Value::Text(name.to_string()))];
        for (key, value) in [
            ("organisation", &p.organisation),
            ("role", &p.role),
            ("contact", &p.contact),
            ("notes", &p.notes),
        ] {
            if let Some(v) = value {
                fields.push((key, Value::Text(v.trim().to_string())));
            }
        }
        if let Some(c) = &p.channel {
            match cells::word::<Channel>(c) {
                Ok(c) => fields.push(("channel", Value::Text(c.as_str().to_string()))),
                Err(m) => problems.add(&place, m),
            }
        }
        if let Some(days) = p.cadence_days {
            if (1..=366).contains(&days) {
                fields.push(("cadence_days", Value::Integer(days)));
            } else {
                problems.add(
                    &place,
                    format!("cadence_days {days}: use a number of days from 1 to 366"),
                );
            }
        }
        let services = p.services.as_ref().map(|list| {
            let mut ids: Vec<String> = Vec::new();
            for s in list {
                match labels.get(&s.trim().to_lowercase()) {
                    Some((sid, _)) => {
                        if !ids.contains(sid) {
                            ids.push(sid.clone());
                        }
                    }
                    None => {
                        let close = queries::close_matches(&service_names, s.trim());
                        let hint = if close.is_empty() {
                            format!("known: {}", service_names.join(", "))
                        } else {
                            format!("did you mean {}?", close.join(", "))
                        };
                        problems.add(&place, format!("service \"{}\" is not a service; {hint}", s.trim()));
                    }
                }
            }
            ids
        });
        planned_stakeholders.push(StakeholderPlan {
            record: Planned {
                table: &schema::STAKEHOLDERS,
                noun: "stakeholder",
                label: format!("\"{name}\""),
                id,
                fields,
            },
            services,
        });
    }

    if !problems.list.is_empty() {
        return Err(ImportError::Rejected {
            file: file.to_string(),
            problems: problems.list,
        });
    }
    Ok(Plan {
        entries: doc.calendar.len() + doc.service.len() + doc.stakeholder.len(),
        calendars: planned_calendars,
        services: planned_services,
        stakeholders: planned_stakeholders,
    })
}

fn plan_target(
    t: &TargetEntry,
    service_id: &str,
    service_name: &str,
    place: &str,
    calendars: &BTreeMap<String, (String, String)>,
    problems: &mut Problems<'_>,
) -> Option<(Planned, (TargetKind, Option<Priority>))> {
    let kind = match cells::word::<TargetKind>(&t.kind) {
        Ok(k) => k,
        Err(m) => {
            problems.add(place, m);
            return None;
        }
    };
    let timed = matches!(kind, TargetKind::Response | TargetKind::Resolution);
    let priority = match (&t.priority, timed) {
        (Some(p), true) => match cells::priority(p.trim()) {
            Ok(p) => Some(p),
            Err(m) => {
                problems.add(place, format!("priority {m}"));
                return None;
            }
        },
        (None, true) => {
            problems.add(place, format!("a {kind} target needs a priority (P1-P4)"));
            return None;
        }
        (Some(_), false) => {
            problems.add(
                place,
                format!("a {kind} target has no priority: priorities are for response and resolution targets"),
            );
            return None;
        }
        (None, false) => None,
    };
    let goal_text = match &t.goal {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        other => {
            problems.add(
                place,
                format!("goal {other}: write it as text, e.g. \"4h\" or \"99.9%\""),
            );
            return None;
        }
    };
    let goal = match parse_goal(kind, &goal_text) {
        Ok(g) => g,
        Err(e) => {
            problems.add(place, goal_problem(&goal_text, &e.message));
            return None;
        }
    };
    let calendar_id = match &t.calendar {
        None => None,
        Some(c) => match calendars.get(&c.trim().to_lowercase()) {
            Some((_, id)) => Some(id.clone()),
            None => {
                problems.add(
                    place,
                    format!(
                        "calendar \"{}\" is not a calendar; known: {}",
                        c.trim(),
                        known_list(calendars)
                    ),
                );
                return None;
            }
        },
    };
    let label = match priority {
        Some(p) => format!("\"{service_name}\" {kind} {}", p.label()),
        None => format!("\"{service_name}\" {kind}"),
    };
    Some((
        Planned {
            table: &schema::SLA_TARGETS,
            noun: "target",
            label,
            id: keys::target_id(service_id, kind, priority),
            fields: vec![
                ("service_id", Value::Text(service_id.to_string())),
                ("kind", Value::Text(kind.as_str().to_string())),
                (
                    "priority",
                    priority.map_or(Value::Null, |p| Value::Text(p.as_str().to_string())),
                ),
                ("goal", Value::Real(goal)),
                ("calendar_id", calendar_id.map_or(Value::Null, Value::Text)),
            ],
        },
        (kind, priority),
    ))
}

fn json_text<T: serde::Serialize>(v: &T) -> Value {
    crate::store::records::json(v)
}

// ---- writing the plan ----

/// Imports a portfolio file.
pub fn import_portfolio(
    store: &mut Store,
    path: &Path,
    opts: &PortfolioOptions<'_>,
) -> Result<PortfolioOutcome, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::File(format!("cannot read {}: {e}", path.display())))?;
    let file = file_label(path);
    let text = String::from_utf8(bytes)
        .map_err(|_| ImportError::File(format!("{file} is not UTF-8 text: save it as UTF-8")))?;
    import_portfolio_text(store, &file, &text, opts)
}

/// Imports portfolio TOML already in memory; `file` names it in messages and the import log.
pub fn import_portfolio_text(
    store: &mut Store,
    file: &str,
    text: &str,
    opts: &PortfolioOptions<'_>,
) -> Result<PortfolioOutcome, ImportError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let plan = plan(store.conn(), file, text)?;
    let mut out = PortfolioOutcome {
        file: file.to_string(),
        dry_run: opts.dry_run,
        ..PortfolioOutcome::default()
    };
    let out = transact(store, opts.dry_run, |w| {
        let mut touched = Vec::new();
        for c in &plan.calendars {
            let done = apply(w, c, &mut out.details)?;
            note(&mut out.calendars, done, &c.id, &mut touched);
        }
        for s in &plan.services {
            let done = apply(w, &s.record, &mut out.details)?;
            note(&mut out.services, done, &s.record.id, &mut touched);
            if let Some(targets) = &s.targets {
                for t in targets {
                    let done = apply(w, t, &mut out.details)?;
                    note(&mut out.targets, done, &t.id, &mut touched);
                }
                out.targets.removed += remove_other_targets(w, &s.record, targets, &mut out.details)?;
            }
        }
        for p in &plan.stakeholders {
            let mut done = apply(w, &p.record, &mut out.details)?;
            if let Some(services) = &p.services
                && set_services(w, &p.record.id, services)?
                && done == Upserted::Unchanged
            {
                done = Upserted::Changed;
                out.details
                    .push(format!("change stakeholder {}: services", p.record.label));
            }
            note(&mut out.stakeholders, done, &p.record.id, &mut touched);
        }
        after_import(
            w,
            &Imported {
                kind: ImportKind::Portfolio,
                now: opts.now,
                tz: opts.tz,
                settings: opts.settings,
                touched: &touched,
                dry_run: opts.dry_run,
            },
        )?;
        if !opts.dry_run {
            queries::log_import(
                w.conn(),
                ImportKind::Portfolio.as_str(),
                opts.now.timestamp(),
                file,
                plan.entries as i64,
            )?;
        }
        Ok(out)
    })?;
    Ok(out)
}

fn note(tally: &mut Tally, done: Upserted, id: &str, touched: &mut Vec<String>) {
    tally.count(done);
    if done != Upserted::Unchanged {
        touched.push(id.to_string());
    }
}

/// Upserts one record and says what it did, naming the fields that changed.
fn apply(w: &mut Writer<'_>, p: &Planned, details: &mut Vec<String>) -> store::Result<Upserted> {
    let before = changed_fields(w.conn(), p)?;
    let done = w.upsert_checked(p.table, &p.id, &p.fields)?;
    match (done, before) {
        (Upserted::Added, _) | (Upserted::Changed, None) => details.push(format!("add {} {}", p.noun, p.label)),
        (Upserted::Changed, Some(fields)) => {
            let names: Vec<&str> = fields.iter().map(|f| human(f)).collect();
            details.push(format!("change {} {}: {}", p.noun, p.label, names.join(", ")));
        }
        (Upserted::Unchanged, _) => {}
    }
    Ok(done)
}

/// The fields of a live record that the plan would change; `None` when there is no live
/// record.
fn changed_fields(conn: &Connection, p: &Planned) -> store::Result<Option<Vec<&'static str>>> {
    let cols: Vec<&str> = p.fields.iter().map(|(n, _)| *n).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1 AND deleted = 0",
        cols.join(", "),
        p.table.name
    );
    Ok(conn
        .query_row(&sql, [&p.id], |r| {
            let mut changed = Vec::new();
            for (i, (name, value)) in p.fields.iter().enumerate() {
                let old: Value = r.get(i)?;
                if !same(&old, value) {
                    changed.push(*name);
                }
            }
            Ok(changed)
        })
        .optional()?)
}

fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Real(y)) | (Value::Real(y), Value::Integer(x)) => (*x as f64) == *y,
        _ => a == b,
    }
}

/// A column as the file calls it.
fn human(column: &str) -> &str {
    match column {
        "window_calendar_id" => "window",
        "calendar_id" => "calendar",
        "agreement_kind" => "agreement",
        "scale_max" => "scale",
        other => other,
    }
}

/// Removes the service's live targets that its `targets` list no longer has.
fn remove_other_targets(
    w: &mut Writer<'_>,
    service: &Planned,
    keep: &[Planned],
    details: &mut Vec<String>,
) -> store::Result<usize> {
    let existing: Vec<(String, String, Option<String>)> = w
        .conn()
        .prepare_cached(
            "SELECT id, kind, priority FROM sla_targets WHERE service_id = ?1 AND deleted = 0 ORDER BY kind, priority",
        )?
        .query_map([&service.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut removed = 0;
    for (id, kind, priority) in existing {
        if keep.iter().any(|t| t.id == id) {
            continue;
        }
        w.delete(&schema::SLA_TARGETS, &id)?;
        removed += 1;
        let priority = priority.map(|p| format!(" {}", p.to_uppercase())).unwrap_or_default();
        details.push(format!("remove target {} {kind}{priority}", service.label));
    }
    Ok(removed)
}

/// Makes the stakeholder's live links to services exactly `service_ids`; whether any changed.
fn set_services(w: &mut Writer<'_>, stakeholder_id: &str, service_ids: &[String]) -> store::Result<bool> {
    let existing: Vec<(String, String)> = w
        .conn()
        .prepare_cached("SELECT id, service_id FROM stakeholder_services WHERE stakeholder_id = ?1 AND deleted = 0")?
        .query_map([stakeholder_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut changed = false;
    for (id, service) in &existing {
        if !service_ids.contains(service) {
            w.delete(&schema::STAKEHOLDER_SERVICES, id)?;
            changed = true;
        }
    }
    for service in service_ids {
        if existing.iter().any(|(_, s)| s == service) {
            continue;
        }
        let id = keys::stakeholder_service_id(stakeholder_id, service);
        w.upsert(
            &schema::STAKEHOLDER_SERVICES,
            &id,
            &[
                ("stakeholder_id", Value::Text(stakeholder_id.to_string())),
                ("service_id", Value::Text(service.clone())),
            ],
        )?;
        changed = true;
    }
    Ok(changed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn hours(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(d, r)| (d.to_string(), r.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn hours_are_checked_and_normalised() {
        let ok = check_hours(&hours(&[
            ("Mon", &["13:00-17:00", "8:00-12:00"]),
            ("friday", &["00:00-24:00"]),
        ]))
        .unwrap();
        assert_eq!(ok["mon"], vec!["08:00-12:00", "13:00-17:00"]);
        assert_eq!(ok["fri"], vec!["00:00-24:00"]);
        assert_eq!(
            check_hours(&hours(&[("mon", &["18:00-08:00"])])).unwrap_err(),
            "hours.mon \"18:00-08:00\": the end must be after the start"
        );
        assert!(
            check_hours(&hours(&[("mon", &["08:00-12:00", "11:00-13:00"])]))
                .unwrap_err()
                .contains("overlaps \"08:00-12:00\"")
        );
        assert!(
            check_hours(&hours(&[("mon", &["8-12"])]))
                .unwrap_err()
                .contains("not a time range")
        );
        assert!(check_hours(&hours(&[("mon", &["24:00-24:30"])])).is_err());
        assert!(
            check_hours(&hours(&[("someday", &["08:00-12:00"])]))
                .unwrap_err()
                .contains("not a day")
        );
        assert!(check_hours(&hours(&[("mon", &["08:00-12:00"]), ("monday", &["13:00-14:00"])])).is_err());
        assert!(check_hours(&BTreeMap::new()).is_err());
    }

    #[test]
    fn goal_problems_quote_the_goal() {
        assert_eq!(
            goal_problem("4 hours", "\"4 hours\" is not a percentage: use e.g. 99.9%"),
            "goal \"4 hours\" is not a percentage: use e.g. 99.9%"
        );
        assert_eq!(
            goal_problem("0m", "a duration must be longer than zero"),
            "goal \"0m\": a duration must be longer than zero"
        );
    }
}
