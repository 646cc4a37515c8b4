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
    /// What it costs to run each month: `6200 EUR` or a number (monthly_cost stays accepted).
    cost: Option<toml::Value>,
    /// The monthly charge credit percentages apply to: `10000 EUR` or a number.
    charge: Option<toml::Value>,
    credits: Option<CreditsEntry>,
    currency: Option<String>,
    description: Option<String>,
    targets: Option<Vec<TargetEntry>>,
}

/// A credit schedule: `{ availability = [{ below = "99.9%", credit = "10%" }], per_breach =
/// { P1 = "500 EUR", P2 = "2%" }, cap = "20%", minimum = "50 EUR" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreditsEntry {
    availability: Option<Vec<TierEntry>>,
    per_breach: Option<BTreeMap<String, toml::Value>>,
    cap: Option<toml::Value>,
    minimum: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TierEntry {
    below: toml::Value,
    credit: toml::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetEntry {
    kind: String,
    priority: Option<String>,
    goal: toml::Value,
    calendar: Option<String>,
    /// The day its terms start (a later entry of the same kind and priority takes over from
    /// its own): a TOML date or "YYYY-MM-DD"; none: from the start.
    from: Option<toml::Value>,
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
mod hours;
mod plan;

pub use hours::check_hours;
use plan::{Planned, plan};

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
    let today = opts.now.with_timezone(&opts.tz).date_naive();
    let plan = plan(store.conn(), file, text, today)?;
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
                added: None,
                dry_run: opts.dry_run,
                file,
                rows: plan.entries,
                verdicts: false,
            },
        )?;
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
    use super::plan::goal_problem;
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
