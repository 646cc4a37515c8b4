//! Breaches are detected, not typed: from ticket clocks past their target and from months
//! whose unplanned downtime used up the error budget. Each is created once (its id comes
//! from its cause); when corrected data shows the target was met after all, it becomes void
//! with a note — kept, never silently deleted. Manual breaches are never touched.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Datelike, Utc};

use super::{ClockKind, Engine};
use crate::domain::enums::{BreachSource, BreachStatus, TargetKind};
use crate::domain::ids::natural_id;
use crate::domain::model::{Breach, BreachStep};
use crate::store::records::{Record, int, opt_text, text};
use crate::store::{Result, Writer, schema};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Detected {
    pub created: usize,
    pub reopened: usize,
    pub voided: usize,
    pub unchanged: usize,
}

/// The id of the breach a ticket's clock makes.
pub fn ticket_breach_id(ticket_id: &str, kind: ClockKind) -> String {
    natural_id("breach", &format!("{ticket_id}/{}", kind.as_str()))
}

/// The id of the breach a month's availability makes.
pub fn availability_breach_id(target_id: &str, month: &str) -> String {
    natural_id("breach", &format!("{target_id}/{month}"))
}

struct Existing {
    status: BreachStatus,
    notes: String,
    breached_at: i64,
    history: String,
    ticket_ref: Option<String>,
}

/// The history with one more step the rules took, as stored.
fn with_step(history: &str, now: i64, step: &str, note: &str) -> String {
    let mut steps: Vec<BreachStep> = serde_json::from_str(history).unwrap_or_default();
    steps.push(BreachStep {
        at: now,
        step: step.to_string(),
        by: "sdm".to_string(),
        note: note.to_string(),
        ..BreachStep::default()
    });
    serde_json::to_string(&steps).unwrap_or_else(|_| "[]".into())
}

fn day(now: i64) -> String {
    DateTime::<Utc>::from_timestamp(now, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn with_note(notes: &str, note: &str) -> String {
    if notes.is_empty() {
        note.to_string()
    } else {
        format!("{notes}\n{note}")
    }
}

/// The exclusion (reason, and note) of the ticket a breach is about, if it is excluded.
fn excluded_cause(w: &Writer<'_>, breach_id: &str) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let found: Option<(String, Option<String>)> = w
        .conn()
        .prepare_cached(
            "SELECT t.excluded_reason, t.excluded_note FROM breaches b JOIN tickets t ON t.id = b.ticket_id \
             WHERE b.id = ?1 AND t.excluded_reason IS NOT NULL",
        )?
        .query_row([breach_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(found.map(|(reason, note)| match note {
        Some(n) if !n.trim().is_empty() => format!("{reason}: {n}"),
        _ => reason,
    }))
}

/// Brings detected breaches in line with the facts as of `now`.
pub fn detect(w: &mut Writer<'_>, engine: &Engine, now: i64) -> Result<Detected> {
    detect_in(w, engine, now, None)
}

/// [`detect`], reading the tickets table a span of `rows` rowids at a time (at most that
/// many rows; the same result at any size; tests check the edges of the spans with a small
/// one).
pub fn detect_by_rows(w: &mut Writer<'_>, engine: &Engine, now: i64, rows: i64) -> Result<Detected> {
    let mut done = Detected::default();
    all_tickets(w, engine, now, rows.max(1), &mut done)?;
    availability_pass(w, engine, now, &mut done)?;
    Ok(done)
}

/// Every ticket, a range of rows at a time (memory stays flat at any size), then the
/// breaches whose ticket is gone.
fn all_tickets(w: &mut Writer<'_>, engine: &Engine, now: i64, step: i64, done: &mut Detected) -> Result<()> {
    // In a file that never held a ticket breach (a new data set), each ticket's are new:
    // none is read back or looked up.
    let none_yet = no_ticket_breach_yet(w)?;
    rows_after(w, engine, now, None, step, none_yet, done)?;
    ticket_pass(w, engine, now, Scope::Orphans, done)
}

/// The tickets stored in rows after `from` (all when `None`), `step` rows at a time; `new`
/// when they were all just added to a file that held no breach (see [`Scope::NewRows`]).
fn rows_after(
    w: &mut Writer<'_>,
    engine: &Engine,
    now: i64,
    from: Option<i64>,
    step: i64,
    new: bool,
    done: &mut Detected,
) -> Result<()> {
    use rusqlite::OptionalExtension;
    // Pages of at most `step` rowids from the next row on, whatever the rowids are (gaps,
    // negatives, the largest): the next row is one seek, where counting `step` rows ahead
    // would read every row's page twice.
    let mut after: Option<i64> = from;
    loop {
        // (Two statements: `?1 IS NULL OR rowid > ?1` would make SQLite scan the table.)
        let first: Option<i64> = match after {
            Some(a) => w
                .conn()
                .prepare_cached("SELECT rowid FROM tickets WHERE rowid > ?1 ORDER BY rowid LIMIT 1")?
                .query_row([a], |r| r.get(0))
                .optional()?,
            None => w
                .conn()
                .prepare_cached("SELECT rowid FROM tickets ORDER BY rowid LIMIT 1")?
                .query_row([], |r| r.get(0))
                .optional()?,
        };
        let Some(first) = first else { break };
        let upto = first.saturating_add(step - 1);
        let scope = if new {
            Scope::NewRows(after, Some(upto))
        } else {
            Scope::Rows(after, Some(upto))
        };
        ticket_pass(w, engine, now, scope, done)?;
        if upto == i64::MAX {
            break;
        }
        after = Some(upto);
    }
    Ok(())
}

/// How many tickets one pass of a scoped detection reads at a time: a large import's
/// touched tickets are evaluated in chunks, so memory does not grow with the file.
const CHUNK: usize = 10_000;

/// Like [`detect`], but the ticket clocks only of the tickets `scope` names (the ones an
/// import touched); availability is always evaluated whole.
pub fn detect_in(w: &mut Writer<'_>, engine: &Engine, now: i64, scope: Option<&[String]>) -> Result<Detected> {
    let mut done = Detected::default();
    match scope {
        Some(ids) => ids_pass(w, engine, now, ids, &mut done)?,
        None => all_tickets(w, engine, now, ROWS_CHUNK, &mut done)?,
    }
    availability_pass(w, engine, now, &mut done)?;
    Ok(done)
}

/// The tickets with these ids, [`CHUNK`] at a time.
fn ids_pass(w: &mut Writer<'_>, engine: &Engine, now: i64, ids: &[String], done: &mut Detected) -> Result<()> {
    for chunk in ids.chunks(CHUNK) {
        ticket_pass(w, engine, now, Scope::Ids(chunk), done)?;
    }
    Ok(())
}

/// Like [`detect_in`] for an import that added every ticket stored after the row `added_after`
/// and changed the tickets `changed`: the added ones are read a range of rows at a time (in
/// the order they were written), not looked up one by one by id.
pub fn detect_added(
    w: &mut Writer<'_>,
    engine: &Engine,
    now: i64,
    added_after: i64,
    changed: &[String],
) -> Result<Detected> {
    let mut done = Detected::default();
    // Into a file that never held a ticket breach (a first import), the added tickets have
    // none to read back or look up: each is evaluated once, in one range.
    let none_yet = no_ticket_breach_yet(w)?;
    rows_after(w, engine, now, Some(added_after), CHUNK as i64, none_yet, &mut done)?;
    ids_pass(w, engine, now, changed, &mut done)?;
    availability_pass(w, engine, now, &mut done)?;
    Ok(done)
}

/// Whether the file holds no ticket breach at all, not even a deleted one.
fn no_ticket_breach_yet(w: &Writer<'_>) -> Result<bool> {
    let none = |sql: &str| -> Result<bool> { Ok(w.conn().query_row(sql, [], |r| r.get(0))?) };
    // Through the partial index of ticket breaches; when it has none, the few other breaches
    // are read for one that names a ticket all the same (a restore keeps a word as exported,
    // "Ticket" say), which a breach written without a look-up would collide with.
    Ok(
        none("SELECT NOT EXISTS (SELECT 1 FROM breaches WHERE source = 'ticket')")?
            && none("SELECT NOT EXISTS (SELECT 1 FROM breaches WHERE ticket_id IS NOT NULL)")?,
    )
}

/// How many rows of the tickets table a whole detection reads at most at a time (a span of
/// this many rowids).
const ROWS_CHUNK: i64 = 50_000;

/// Which tickets one pass evaluates, and so which of their detected breaches it reconciles.
#[derive(Debug, Clone, Copy)]
enum Scope<'a> {
    /// The tickets with these ids.
    Ids(&'a [String]),
    /// The tickets stored in rows after the first (from the start when `None`) up to and
    /// with the second (to the end when `None`).
    Rows(Option<i64>, Option<i64>),
    /// As `Rows`, for tickets each evaluated in this range only, in a file that held no ticket
    /// breach before: they have no breach to read back, and one created here is new.
    NewRows(Option<i64>, Option<i64>),
    /// None: the ticket breaches whose ticket is not stored at all.
    Orphans,
}

/// The detected breaches a filter selects, as they stand.
fn existing_where(w: &Writer<'_>, filter: &str) -> Result<HashMap<String, Existing>> {
    let mut existing: HashMap<String, Existing> = HashMap::new();
    {
        let sql = format!(
            "SELECT id, status, notes, breached_at, history, ticket_ref FROM breaches WHERE deleted = 0 AND {filter}"
        );
        let mut stmt = w.conn().prepare(&sql)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let read = crate::store::unreadable::read_or_skip(
                "breaches",
                &["id", "status", "notes", "breached_at", "history", "ticket_ref"],
                row,
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        crate::store::records::get_word::<BreachStatus>(r, 1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                },
            )?;
            let Some((id, status, notes, breached_at, history, ticket_ref)) = read else {
                continue;
            };
            existing.insert(
                id,
                Existing {
                    status,
                    notes,
                    breached_at,
                    history,
                    ticket_ref,
                },
            );
        }
    }
    Ok(existing)
}

/// Ticket clocks past their target: the tickets `scope` names, or all.
fn ticket_pass(w: &mut Writer<'_>, engine: &Engine, now: i64, scope: Scope<'_>, done: &mut Detected) -> Result<()> {
    if let Scope::Ids(ids) = scope {
        w.conn().execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS detect_scope (id TEXT PRIMARY KEY); DELETE FROM temp.detect_scope;",
        )?;
        let mut insert = w
            .conn()
            .prepare_cached("INSERT OR IGNORE INTO temp.detect_scope (id) VALUES (?1)")?;
        for id in ids {
            insert.execute([id])?;
        }
    }
    let (breaches, tickets) = match scope {
        Scope::Ids(_) => (
            "source = 'ticket' AND ticket_id IN (SELECT id FROM temp.detect_scope)".to_string(),
            Some("id IN (SELECT id FROM temp.detect_scope)".to_string()),
        ),
        Scope::Rows(after, upto) | Scope::NewRows(after, upto) => {
            let rows = format!(
                "{} AND {}",
                after.map_or("1".to_string(), |a| format!("rowid > {a}")),
                upto.map_or("1".to_string(), |u| format!("rowid <= {u}"))
            );
            (
                format!("source = 'ticket' AND ticket_id IN (SELECT id FROM tickets WHERE {rows})"),
                Some(rows),
            )
        }
        Scope::Orphans => (
            "source = 'ticket' AND (ticket_id IS NULL OR ticket_id NOT IN (SELECT id FROM tickets))".to_string(),
            None,
        ),
    };
    let new = matches!(scope, Scope::NewRows(..));
    let existing = if new {
        HashMap::new()
    } else {
        existing_where(w, &breaches)?
    };
    let mut wanted: HashMap<String, Breach> = HashMap::new();

    // Ticket clocks.
    // Only the tickets of services with a response or resolution target can have a clock
    // (the others' breaches, if any, are in `existing` and are reconciled all the same). The
    // `+` keeps SQLite on the page's rows or ids rather than walking each service's index.
    let clocked: Vec<&String> = engine
        .targets
        .iter()
        .filter(|(_, targets)| {
            targets
                .iter()
                .any(|t| matches!(t.kind, TargetKind::Response | TargetKind::Resolution))
        })
        .map(|(service, _)| service)
        .collect();
    let facts = match tickets {
        Some(tickets) if !clocked.is_empty() => super::clocks::load_facts(
            w.conn(),
            &format!(
                "state <> 'cancelled' AND excluded_reason IS NULL AND {tickets} \
                 AND +service_id IN (SELECT value FROM json_each(?1))"
            ),
            [serde_json::to_string(&clocked)?],
        )?,
        _ => Vec::new(),
    };
    for t in &facts {
        for clock in engine.standings(t, now) {
            if !clock.breached {
                continue;
            }
            let id = ticket_breach_id(&t.id, clock.kind);
            let title = format!(
                "{} {} target missed (goal {})",
                t.priority.label(),
                clock.kind.as_str(),
                crate::domain::parse::format_duration(clock.goal_secs)
            );
            wanted.insert(
                id.clone(),
                Breach {
                    id,
                    service_id: t.service_id.clone(),
                    target_id: Some(clock.target_id.to_string()),
                    source: BreachSource::Ticket,
                    ticket_id: Some(t.id.clone()),
                    ticket_ref: Some(t.reference.clone()),
                    period: None,
                    title,
                    breached_at: clock.crossed_at.unwrap_or(now),
                    status: BreachStatus::Open,
                    customer_informed: false,
                    credit: None,
                    notes: String::new(),
                    cause: None,
                    history: Vec::new(),
                },
            );
        }
    }

    reconcile(w, now, existing, wanted, new, done)
}

/// Months whose downtime used up the error budget.
fn availability_pass(w: &mut Writer<'_>, engine: &Engine, now: i64, done: &mut Detected) -> Result<()> {
    let existing = existing_where(w, "source = 'availability'")?;
    let mut wanted: HashMap<String, Breach> = HashMap::new();
    // Monthly availability: months with unplanned downtime, up to now.
    for (service_id, targets) in &engine.targets {
        if !targets.iter().any(|t| t.kind == TargetKind::Availability) {
            continue;
        }
        let outages = super::health::load_outages(w.conn(), service_id)?;
        // The months with counted downtime, in the zones of the window and of the targets'
        // calendars (a month's edge differs between zones).
        let mut zones = vec![engine.calendar_for(service_id, None).0];
        for t in targets.iter().filter(|t| t.kind == TargetKind::Availability) {
            zones.push(engine.calendar_for(service_id, Some(t)).0);
        }
        let mut months: BTreeSet<(i32, u32)> = BTreeSet::new();
        for o in outages.iter().filter(|o| !o.planned && !o.excluded) {
            let end = o.end.unwrap_or(now).min(now);
            for cal in &zones {
                let mut t = o.start;
                while t <= end {
                    let local = super::adapter::local_date(cal, t);
                    months.insert((local.year(), local.month()));
                    t += 28 * 86_400;
                }
                let local = super::adapter::local_date(cal, end);
                months.insert((local.year(), local.month()));
            }
        }
        for (year, month) in months {
            // Each month under the terms in force in it (day-weighted where they change).
            let Some((versions, cal, goal)) = engine.availability_terms(service_id, year, month) else {
                continue;
            };
            let Some(target) = versions.first() else { continue };
            let a = super::adapter::availability(cal, year, month, &outages, goal, now);
            if let Some(at) = a.budget_exhausted_at {
                let period = format!("{year:04}-{month:02}");
                let id = availability_breach_id(&target.id, &period);
                wanted.insert(
                    id.clone(),
                    Breach {
                        id,
                        service_id: service_id.clone(),
                        target_id: Some(target.id.clone()),
                        source: BreachSource::Availability,
                        ticket_id: None,
                        ticket_ref: None,
                        period: Some(period.clone()),
                        title: format!(
                            "availability {period}: {:.3}% against {}%",
                            a.percent,
                            crate::domain::credits::number_text(goal)
                        ),
                        breached_at: at,
                        status: BreachStatus::Open,
                        customer_informed: false,
                        credit: None,
                        notes: String::new(),
                        cause: None,
                        history: Vec::new(),
                    },
                );
            }
        }
    }

    reconcile(w, now, existing, wanted, false, done)
}

/// Creates the wanted breaches not there yet, brings back void ones breached again, and
/// voids the detected ones no longer breached.
fn reconcile(
    w: &mut Writer<'_>,
    now: i64,
    existing: HashMap<String, Existing>,
    wanted: HashMap<String, Breach>,
    // Whether none of the wanted can be stored yet, not even deleted (see `Scope::NewRows`).
    new: bool,
    done: &mut Detected,
) -> Result<()> {
    let today = day(now);
    // In the order of their ids, so the new ones get the same rowids from the same facts.
    let mut order: Vec<(&String, &Breach)> = wanted.iter().collect();
    order.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (id, breach) in order {
        match existing.get(id) {
            None => {
                // A breach deleted by the SDM stays deleted.
                if new || w.exists(Breach::TABLE, id)?.is_none() {
                    w.add(breach)?;
                    done.created += 1;
                } else {
                    done.unchanged += 1;
                }
            }
            Some(old) if old.status == BreachStatus::Void => {
                let why = "breached again after the data changed";
                let notes = with_note(&old.notes, &format!("{today}: {why}"));
                w.update(
                    Breach::TABLE,
                    id,
                    &[
                        ("status", text(BreachStatus::Open.as_str())),
                        ("notes", text(&notes)),
                        ("breached_at", int(breach.breached_at)),
                        ("title", text(&breach.title)),
                        ("ticket_ref", opt_text(breach.ticket_ref.as_deref())),
                        ("history", text(&with_step(&old.history, now, "breached again", why))),
                    ],
                )?;
                done.reopened += 1;
            }
            Some(old) => {
                // The title moves with the breach's moment (not otherwise: the SDM may have
                // written their own); the ticket's reference is kept up to date on its own (a
                // re-import may change its case; a breach written before it was kept has none).
                let mut fields = Vec::new();
                if old.breached_at != breach.breached_at {
                    fields.push(("breached_at", int(breach.breached_at)));
                    fields.push(("title", text(&breach.title)));
                }
                if old.ticket_ref != breach.ticket_ref {
                    fields.push(("ticket_ref", opt_text(breach.ticket_ref.as_deref())));
                }
                if !fields.is_empty() {
                    w.update(Breach::TABLE, id, &fields)?;
                }
                done.unchanged += 1;
            }
        }
    }
    for (id, old) in &existing {
        if wanted.contains_key(id) || old.status == BreachStatus::Void {
            continue;
        }
        let why = match excluded_cause(w, id)? {
            Some(reason) => format!("void, its ticket is excluded from the SLA ({reason})"),
            None => "void, the corrected data meets the target".to_string(),
        };
        let notes = with_note(&old.notes, &format!("{today}: {why}"));
        w.update(
            &schema::BREACHES,
            id,
            &[
                ("status", text(BreachStatus::Void.as_str())),
                ("notes", text(&notes)),
                ("history", text(&with_step(&old.history, now, "void", &why))),
            ],
        )?;
        done.voided += 1;
    }
    Ok(())
}
