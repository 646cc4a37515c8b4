//! The plan: every entry of the file checked against the rules and the stored records, every
//! problem reported with its place, nothing written.

use super::*;

// ---- the plan: everything checked, nothing written ----

/// A record to upsert: where it goes, what it is called in messages, and the fields the file
/// gives.
pub(super) struct Planned {
    pub(super) table: &'static Table,
    pub(super) noun: &'static str,
    pub(super) label: String,
    pub(super) id: String,
    pub(super) fields: Vec<(&'static str, Value)>,
}

pub(super) struct ServicePlan {
    pub(super) record: Planned,
    /// `None`: the entry has no `targets` key (the service's targets are left alone).
    pub(super) targets: Option<Vec<Planned>>,
}

pub(super) struct StakeholderPlan {
    pub(super) record: Planned,
    /// `None`: the entry has no `services` key.
    pub(super) services: Option<Vec<String>>,
}

pub(super) struct Plan {
    pub(super) calendars: Vec<Planned>,
    pub(super) services: Vec<ServicePlan>,
    pub(super) stakeholders: Vec<StakeholderPlan>,
    pub(super) entries: usize,
}

/// Collects problems with the file's place prefix.
pub(super) struct Problems<'f> {
    pub(super) file: &'f str,
    pub(super) list: Vec<Problem>,
}

impl Problems<'_> {
    fn add(&mut self, place: &str, message: impl Into<String>) {
        self.list.push(Problem::new(format!("{}: {place}", self.file), message));
    }

    /// Where entry `i` of a kind is named in messages (`service "Payroll"`, `service 3`), or
    /// `None` (said) when its name is empty or given twice in the file.
    fn named(&mut self, kind: &str, i: usize, name: &str, seen: &mut HashSet<String>) -> Option<String> {
        let place = if name.is_empty() {
            format!("{kind} {}", i + 1)
        } else {
            format!("{kind} \"{name}\"")
        };
        if name.is_empty() {
            self.add(&place, "name must not be empty");
            return None;
        }
        if !seen.insert(name.to_lowercase()) {
            self.add(&place, "appears twice in the file");
            return None;
        }
        Some(place)
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
pub(super) fn goal_problem(text: &str, message: &str) -> String {
    if message.starts_with('"') {
        format!("goal {message}")
    } else {
        format!("goal \"{text}\": {message}")
    }
}

pub(super) fn plan(conn: &Connection, file: &str, text: &str, today: NaiveDate) -> Result<Plan, ImportError> {
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
        let Some(place) = problems.named("calendar", i, name, &mut seen) else {
            continue;
        };
        if name.eq_ignore_ascii_case(ALWAYS_CALENDAR) {
            problems.add(
                &place,
                "24x7 is built in (all hours, every day) and cannot be redefined: leave it out of the file",
            );
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
        let Some(place) = problems.named("service", i, name, &mut seen) else {
            continue;
        };
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
        if let Some(d) = &s.description {
            fields.push(("description", Value::Text(d.trim().to_string())));
        }
        plan_money(conn, s, (&id, today), &place, &mut fields, &mut problems);
        let targets = s.targets.as_ref().map(|list| {
            let mut out: Vec<Planned> = Vec::new();
            let mut keys_seen: Vec<TargetKey> = Vec::new();
            for (j, t) in list.iter().enumerate() {
                let tplace = format!("{place} target {}", j + 1);
                let Some(planned) = plan_target(t, &id, name, &tplace, &calendars, &mut problems) else {
                    continue;
                };
                let key = planned.1;
                if let Some(k) = keys_seen.iter().position(|x| *x == key) {
                    problems.add(
                        &tplace,
                        format!("is the same kind, priority and start as target {}", k + 1),
                    );
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
        let Some(place) = problems.named("stakeholder", i, name, &mut seen) else {
            continue;
        };
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

/// What makes two targets of a file the same: kind, priority and start.
type TargetKey = (TargetKind, Option<Priority>, Option<NaiveDate>);

fn plan_target(
    t: &TargetEntry,
    service_id: &str,
    service_name: &str,
    place: &str,
    calendars: &BTreeMap<String, (String, String)>,
    problems: &mut Problems<'_>,
) -> Option<(Planned, TargetKey)> {
    let from = match &t.from {
        None => None,
        Some(v) => match date_value(v) {
            Ok(d) => Some(d),
            Err(m) => {
                problems.add(place, format!("from: {m}"));
                return None;
            }
        },
    };
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
    let mut label = match priority {
        Some(p) => format!("\"{service_name}\" {kind} {}", p.label()),
        None => format!("\"{service_name}\" {kind}"),
    };
    if let Some(d) = from {
        label.push_str(&format!(" from {d}"));
    }
    Some((
        Planned {
            table: &schema::SLA_TARGETS,
            noun: "target",
            label,
            id: keys::target_version_id(service_id, kind, priority, from),
            fields: vec![
                ("service_id", Value::Text(service_id.to_string())),
                ("kind", Value::Text(kind.as_str().to_string())),
                (
                    "priority",
                    priority.map_or(Value::Null, |p| Value::Text(p.as_str().to_string())),
                ),
                ("goal", Value::Real(goal)),
                ("calendar_id", calendar_id.map_or(Value::Null, Value::Text)),
                ("valid_from", from.map_or(Value::Null, |d| Value::Text(d.to_string()))),
            ],
        },
        (kind, priority, from),
    ))
}

/// A service's money: its cost and charge (with their currency, one for all its amounts) and
/// its credit schedule, checked as the record's own rules check them.
fn plan_money(
    conn: &Connection,
    s: &super::ServiceEntry,
    (id, today): (&str, NaiveDate),
    place: &str,
    fields: &mut Vec<(&'static str, Value)>,
    problems: &mut Problems,
) {
    use crate::domain::credits::{self, Amount, Schedule, Tier};
    let mut codes: Vec<(String, &str)> = Vec::new();
    if let Some(c) = &s.currency {
        let c = c.trim().to_uppercase();
        if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
            codes.push((c, "currency"));
        } else {
            problems.add(
                place,
                format!("currency \"{c}\": use a three-letter code such as EUR, USD or GBP"),
            );
        }
    }
    let mut amount = |key: &'static str, v: &toml::Value, codes: &mut Vec<(String, &str)>| -> Option<f64> {
        let text = match v {
            toml::Value::String(t) => t.clone(),
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(f) => f.to_string(),
            other => other.to_string(),
        };
        match credits::parse_money(&text) {
            Ok((v, code)) => {
                if let Some(code) = code {
                    codes.push((code, key));
                }
                Some(v)
            }
            Err(m) => {
                problems.add(place, format!("{key}: {m}"));
                None
            }
        }
    };
    let cost = match (&s.cost, s.monthly_cost) {
        (Some(v), _) => amount("cost", v, &mut codes),
        (None, Some(c)) => amount("monthly_cost", &toml::Value::Float(c), &mut codes),
        (None, None) => None,
    };
    let charge = s.charge.as_ref().and_then(|v| amount("charge", v, &mut codes));
    if let Some(cost) = cost {
        fields.push(("monthly_cost", Value::Real(cost)));
    }
    if let Some(charge) = charge {
        fields.push(("charge", Value::Real(charge)));
    }
    // A changed charge or cost applies from this month; the months before keep theirs.
    if charge.is_some() || cost.is_some() {
        type Held = (Option<f64>, Option<f64>, String, Option<String>);
        let held: Option<Held> = conn
            .query_row(
                "SELECT charge, monthly_cost, money_history, agreement_start FROM services WHERE id = ?1 AND deleted = 0",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .ok();
        if let Some((old_charge, old_cost, history, start)) = held {
            let history: Vec<crate::domain::costs::MoneyTerm> = serde_json::from_str(&history).unwrap_or_default();
            let new = (charge.or(old_charge), cost.or(old_cost));
            let start = start.and_then(|s| s.parse::<NaiveDate>().ok());
            let moved = crate::domain::costs::record_change(&history, (old_charge, old_cost), new, today, start);
            if moved != history {
                fields.push(("money_history", super::json_text(&moved)));
            }
        }
    }
    // One currency for all of a service's amounts: sdm converts none.
    let currency = match codes.first() {
        Some((code, _)) => {
            if let Some((other, key)) = codes.iter().find(|(c, _)| c != code) {
                problems.add(
                    place,
                    format!(
                        "{key} is in {other} but {} is in {code}: one currency per service (sdm converts none)",
                        codes[0].1
                    ),
                );
            }
            // Amounts on record are in the service's currency: a new one would relabel them.
            let held: Option<(Option<String>, bool)> = conn
                .query_row(
                    "SELECT currency, charge IS NOT NULL OR monthly_cost IS NOT NULL OR money_history <> '[]' \
                     FROM services WHERE id = ?1 AND deleted = 0",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .ok();
            if let Some((Some(was), true)) = held
                && was != *code
            {
                problems.add(
                    place,
                    format!("currency {code}: the service's amounts are in {was}, and sdm converts none (a new currency would relabel its past months)"),
                );
            }
            fields.push(("currency", Value::Text(code.clone())));
            code.clone()
        }
        None => conn
            .query_row("SELECT currency FROM services WHERE id = ?1", [id], |r| {
                r.get::<_, Option<String>>(0)
            })
            .unwrap_or(None)
            .unwrap_or_default(),
    };
    let Some(entry) = &s.credits else {
        return;
    };
    let text_of = |v: &toml::Value| match v {
        toml::Value::String(t) => t.clone(),
        other => other.to_string(),
    };
    let mut schedule = Schedule::default();
    let mut wrong: Vec<String> = Vec::new();
    for (j, t) in entry.availability.iter().flatten().enumerate() {
        let below = credits::parse_percent(&text_of(&t.below));
        let credit = text_of(&t.credit);
        let credit = if credit.trim().ends_with('%') {
            credits::parse_percent(&credit).map(|c| c / 100.0)
        } else {
            Err(format!("\"{credit}\" is not a share of the charge: write it as 10%"))
        };
        match (below, credit) {
            (Ok(below), Ok(credit)) => schedule.tiers.push(Tier { below, credit }),
            (Err(m), _) | (_, Err(m)) => wrong.push(format!("availability tier {}: {m}", j + 1)),
        }
    }
    for (p, v) in entry.per_breach.iter().flatten() {
        match (
            p.parse::<crate::domain::enums::Priority>(),
            credits::parse_amount(&text_of(v), &currency),
        ) {
            (Ok(p), Ok(a)) => schedule.per_breach.push((p, a)),
            (Err(e), _) => wrong.push(format!("per_breach: {e}")),
            (_, Err(m)) => wrong.push(format!("per_breach {p}: {m}")),
        }
    }
    schedule.per_breach.sort_by_key(|(p, _)| *p);
    if let Some(v) = &entry.cap {
        match credits::parse_amount(&text_of(v), &currency) {
            Ok(a) => schedule.cap = Some(a),
            Err(m) => wrong.push(format!("cap: {m}")),
        }
    }
    if let Some(v) = &entry.minimum {
        match credits::parse_amount(&text_of(v), &currency) {
            Ok(Amount::Money(m)) => schedule.minimum = Some(m),
            Ok(Amount::Share(_)) => wrong.push("minimum: write it as an amount, 50 EUR".into()),
            Err(m) => wrong.push(format!("minimum: {m}")),
        }
    }
    if let Err(m) = schedule.check() {
        wrong.push(m);
    }
    let has_charge = charge.is_some()
        || conn
            .query_row("SELECT charge FROM services WHERE id = ?1", [id], |r| {
                r.get::<_, Option<f64>>(0)
            })
            .unwrap_or(None)
            .is_some();
    if schedule.needs_charge() && !has_charge {
        wrong.push("credits in percent need the monthly charge they apply to: add charge = \"10000 EUR\"".into());
    }
    if wrong.is_empty() {
        fields.push((
            "credits",
            Value::Text(serde_json::to_string(&schedule).unwrap_or_else(|_| "null".into())),
        ));
    } else {
        for m in wrong {
            problems.add(place, format!("credits: {m}"));
        }
    }
}
