//! What the panes show, read from the store a screenful at a time: plain rows, no SQLite or
//! terminal types, so drawing never touches the database.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::panes::{PaneId, PerPane};
use crate::app::{AppResult, Ctx};
use crate::domain::agenda::{Counts, describe, due_within, next_touch_due};
use crate::domain::health::Verdict;
use crate::engine::Engine;
use crate::store::{Store, panes, read};

/// Lists longer than this are cut (with a note): a pane shows a screenful, not a table.
pub const PAGE: i64 = 500;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceRow {
    pub id: String,
    pub name: String,
    pub customer: String,
    pub agreement: String,
    /// The health verdict; none until the full load has worked it out.
    pub verdict: Option<Verdict>,
    pub reason: String,
    pub availability: String,
    pub budget: String,
    pub open_breaches: i64,
    pub last_touch: String,
    /// "needs problem management", with the evidence, when the signals say so.
    pub problem: String,
    /// Money, from the full load: this month's credit so far, the downtime left before the
    /// next tier, the monthly charge and cost, and the margin (charge − cost − credit).
    pub credit: String,
    pub next_tier: String,
    pub charge: String,
    pub cost: String,
    pub margin: String,
    /// The agreement's notice day when it is near: `in 12d`, `passed`; and in days.
    pub notice: String,
    pub notice_in: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BreachRow {
    pub id: String,
    /// Empty for a clock at risk (not a breach yet).
    pub is_clock: bool,
    pub service: String,
    pub reference: String,
    pub title: String,
    pub status: String,
    pub when: String,
    pub informed: bool,
    pub overdue: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StakeholderRow {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub channel: String,
    pub cadence: i64,
    pub last: String,
    pub due: String,
    pub due_text: String,
    pub overdue: bool,
    pub services: String,
}

/// What a row of the Reviews pane is: every kind of to-do that comes out of reviews.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ToDo {
    #[default]
    Action,
    /// A review not held yet.
    Review,
    /// An improvement from the register.
    Improvement,
    /// A problem being worked (not resolved or closed).
    Problem,
}

impl ToDo {
    /// The record the row is.
    pub fn record(self) -> crate::app::RecordKind {
        use crate::app::RecordKind;
        match self {
            ToDo::Action => RecordKind::Action,
            ToDo::Review => RecordKind::Review,
            ToDo::Improvement => RecordKind::Improvement,
            ToDo::Problem => RecordKind::Problem,
        }
    }

    /// The detail view of the row's record.
    pub fn subject(self, id: &str) -> crate::app::detail::Subject {
        use crate::app::detail::Subject;
        let id = id.to_string();
        match self {
            ToDo::Action => Subject::Action(id),
            ToDo::Review => Subject::Review(id),
            ToDo::Improvement => Subject::Improvement(id),
            ToDo::Problem => Subject::Problem(id),
        }
    }

    /// A short word for lists (the jump, Today).
    pub fn word(self) -> &'static str {
        match self {
            ToDo::Action => "action",
            ToDo::Review => "review",
            ToDo::Improvement => "improve",
            ToDo::Problem => "problem",
        }
    }

    /// The mark before the title in the pane (an action has none).
    pub fn mark(self) -> &'static str {
        match self {
            ToDo::Action => "",
            ToDo::Review => "◆ ",
            ToDo::Improvement => "★ ",
            ToDo::Problem => "▲ ",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActionRow {
    pub id: String,
    pub kind: ToDo,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub due_text: String,
    pub overdue: bool,
    pub service: String,
    pub from: String,
}

/// A value a sync kept aside because both copies changed it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConflictRow {
    pub seq: i64,
    pub what: String,
    pub kept: String,
    pub lost: String,
    pub lost_where: String,
}

/// A verdict as a pane shows it ("…" while it is being worked out).
pub fn verdict_text(v: Option<Verdict>) -> &'static str {
    v.map_or("…", Verdict::label)
}

/// Everything the four panes and the agenda line show.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub services: Vec<ServiceRow>,
    pub breaches: Vec<BreachRow>,
    pub stakeholders: Vec<StakeholderRow>,
    pub actions: Vec<ActionRow>,
    pub agenda: String,
    /// The agenda's numbers, as `sdm agenda` counts them (the line is made of them).
    pub counts: Counts,
    /// The agenda line for a narrow terminal.
    pub agenda_short: String,
    pub freshness: String,
    pub health_loaded: bool,
    pub conflicts: Vec<ConflictRow>,
    /// Per pane, each row's text as the filter searches it (lowercase), made once per load.
    pub search: PerPane<Vec<String>>,
}

impl Snapshot {
    /// The text the filter searches in row `i` of `pane`, in lowercase.
    pub fn search_text(&self, pane: PaneId, i: usize) -> String {
        self.search_text_with(pane, i, &self.customers())
    }

    /// Each service's customer, by the service's name in lowercase: a row about a service is
    /// found by its customer too (`/acme`, `:customer Acme Retail`).
    fn customers(&self) -> std::collections::HashMap<String, &str> {
        self.services
            .iter()
            .map(|s| (s.name.to_lowercase(), s.customer.as_str()))
            .collect()
    }

    fn search_text_with(&self, pane: PaneId, i: usize, customers: &std::collections::HashMap<String, &str>) -> String {
        let customer = |service: &str| {
            customers
                .get(&service.trim().to_lowercase())
                .copied()
                .unwrap_or_default()
        };
        let text = match pane {
            PaneId::Services => self
                .services
                .get(i)
                .map(|r| format!("{} {} {} {}", r.name, r.customer, verdict_text(r.verdict), r.agreement)),
            PaneId::Breaches => self.breaches.get(i).map(|r| {
                format!(
                    "{} {} {} {} {}",
                    r.service,
                    r.reference,
                    r.title,
                    r.status,
                    customer(&r.service)
                )
            }),
            PaneId::TouchPoints => self.stakeholders.get(i).map(|r| {
                let theirs: Vec<&str> = r.services.split(',').map(customer).collect();
                format!(
                    "{} {} {} {} {}",
                    r.name,
                    r.organisation,
                    r.role,
                    r.services,
                    theirs.join(" ")
                )
            }),
            PaneId::Reviews => self.actions.get(i).map(|r| {
                format!(
                    "{} {} {} {} {}",
                    r.title,
                    r.owner,
                    r.service,
                    r.from,
                    customer(&r.service)
                )
            }),
        };
        text.unwrap_or_default().to_lowercase()
    }

    /// The id of a pane's row (the record it shows: a clock's is its ticket's).
    pub fn row_id(&self, pane: PaneId, i: usize) -> Option<&str> {
        match pane {
            PaneId::Services => self.services.get(i).map(|r| r.id.as_str()),
            PaneId::Breaches => self.breaches.get(i).map(|r| r.id.as_str()),
            PaneId::TouchPoints => self.stakeholders.get(i).map(|r| r.id.as_str()),
            PaneId::Reviews => self.actions.get(i).map(|r| r.id.as_str()),
        }
    }

    /// The number of rows in a pane.
    pub fn len(&self, pane: PaneId) -> usize {
        match pane {
            PaneId::Services => self.services.len(),
            PaneId::Breaches => self.breaches.len(),
            PaneId::TouchPoints => self.stakeholders.len(),
            PaneId::Reviews => self.actions.len(),
        }
    }

    /// Whether the filter's texts match the rows (rows added after a load are not indexed).
    pub fn search_indexed(&self) -> bool {
        PaneId::ALL
            .iter()
            .all(|&pane| self.search[pane].len() == self.len(pane))
    }

    /// Writes the agenda lines from the counts (and the conflicts waiting).
    pub fn set_agenda_line(&mut self) {
        let mut line = self.counts.line();
        if !self.conflicts.is_empty() {
            let n = self.conflicts.len();
            line.push_str(&format!(
                " · {n} sync conflict{} to settle (:conflicts)",
                if n == 1 { "" } else { "s" }
            ));
        }
        self.agenda = line;
        self.agenda_short = self.counts.short_line();
    }

    /// Makes the filter's texts for every pane (after the rows are in).
    pub fn index_search(&mut self) {
        let mut search = PerPane::<Vec<String>>::default();
        {
            let customers = self.customers();
            for pane in PaneId::ALL {
                search[pane] = (0..self.len(pane))
                    .map(|i| self.search_text_with(pane, i, &customers))
                    .collect();
            }
        }
        self.search = search;
    }
}

fn day_of(t: i64, tz: Tz) -> NaiveDate {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.with_timezone(&tz).date_naive())
        .unwrap_or_default()
}

fn short_time(t: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.with_timezone(&tz).format("%d %b %H:%M").to_string())
        .unwrap_or_default()
}

/// Reads the panes. `with_health` also runs the SLA rules for the Services pane (slower on a
/// large database, so the first frame is drawn without them).
pub fn load(store: &Store, ctx: &Ctx, with_health: bool, view: View) -> AppResult<Snapshot> {
    load_rows(store, ctx, with_health, PAGE, view)
}

/// What the person chose to see besides the defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct View {
    /// The Breaches pane lists closed and void breaches too, after the open ones.
    pub closed_breaches: bool,
}

/// As [`load`], reading at most `rows` rows into each list that grows with the history (the
/// first frame reads a screenful; the full load that follows reads a page).
pub fn load_rows(store: &Store, ctx: &Ctx, with_health: bool, rows: i64, view: View) -> AppResult<Snapshot> {
    let conn = store.conn();
    let (now, tz) = (ctx.now, ctx.tz);
    let page = rows.clamp(1, PAGE);
    let now_s = now.timestamp();
    let today = ctx.today();
    let mut snap = Snapshot::default();
    let engine = if with_health {
        Engine::load(conn, &ctx.settings)?
    } else {
        Engine::empty(&ctx.settings)
    };

    // Services, with their open breaches and (in the full load: it reads every touch point of
    // the service) their last touch.
    snap.services = panes::services(conn, with_health, page)?
        .into_iter()
        .map(|l| ServiceRow {
            agreement: if l.agreement_ref.is_empty() {
                l.agreement_kind.to_uppercase()
            } else {
                format!("{} {}", l.agreement_kind.to_uppercase(), l.agreement_ref)
            },
            open_breaches: l.open_breaches,
            last_touch: match (l.last_touch, with_health) {
                (_, false) => "…".into(),
                (Some(t), true) => day_of(t, tz).format("%d %b").to_string(),
                (None, true) => "never".into(),
            },
            availability: "…".into(),
            id: l.id,
            name: l.name,
            customer: l.customer,
            ..ServiceRow::default()
        })
        .collect();

    // What needs the SLA rules or the whole history comes with the full load only: the first
    // frame is drawn from indexed lists, whatever the size of the database.
    let (urgent, health) = if with_health {
        let urgent = engine.urgent(conn, now_s)?;
        let health = engine.health_given(conn, now_s, None, &urgent)?;
        (urgent, health)
    } else {
        (Vec::new(), Vec::new())
    };
    if with_health {
        let by_id: HashMap<&str, &crate::engine::health::ServiceHealth> =
            health.iter().map(|h| (h.service_id.as_str(), h)).collect();
        for row in &mut snap.services {
            if let Some(h) = by_id.get(row.id.as_str()) {
                row.verdict = Some(h.health.verdict);
                row.reason = h.health.reason.clone();
                row.availability = match (h.availability, h.availability_target) {
                    // As many decimals as the target needs to be told apart (one rule with
                    // the detail and the review).
                    (Some(a), Some(t)) => {
                        let d = crate::domain::sla::availability::shown_decimals(&t.to_string());
                        format!("{a:.d$}/{t}%")
                    }
                    (None, Some(t)) => format!("—/{t}%"),
                    _ => "—".into(),
                };
                row.budget = h.budget_left_minutes.map(|m| format!("{m:.0}m")).unwrap_or_default();
                if let Some(service) = engine.services.get(&row.id) {
                    row.notice =
                        crate::domain::due_items::notice_text(service.agreement_end, service.notice_days, today);
                    row.notice_in =
                        crate::domain::due_items::notice_in(service.agreement_end, service.notice_days, today);
                    let money = crate::domain::credits::pane_money(
                        service.charge,
                        service.monthly_cost,
                        h.credit.as_ref().map(|c| c.credit.total),
                        service.currency.as_deref().unwrap_or(""),
                    );
                    row.charge = money.charge;
                    row.cost = money.cost;
                    row.credit = money.credit;
                    row.margin = money.margin;
                }
                row.next_tier = h
                    .credit
                    .as_ref()
                    .and_then(|c| c.next_tier)
                    // To the minute, however far: 1598m, not 1d 2h.
                    .map(|n| format!("{}m", n.minutes_left))
                    .unwrap_or_default();
            }
        }
        snap.health_loaded = true;
    }

    // Breaches: open ones most urgent first (oldest first), then clocks at risk.
    // An open breach is overdue for attention; a closed or void one is history.
    let row = |b: panes::BreachLine, overdue: bool| BreachRow {
        id: b.id,
        is_clock: false,
        service: b.service,
        reference: b.reference,
        title: b.title,
        status: b.status,
        when: format!("{} ago", crate::domain::parse::format_duration(now_s - b.breached_at)),
        informed: b.informed,
        overdue,
    };
    snap.breaches = panes::open_breaches(conn, page)?
        .into_iter()
        .map(|b| row(b, true))
        .collect();
    if view.closed_breaches {
        snap.breaches
            .extend(panes::closed_breaches(conn, page)?.into_iter().map(|b| row(b, false)));
    }
    // Recorded or not is decided as `sdm agenda` decides it: by the breach's id, whatever its
    // status and whether or not it is on the loaded page.
    let shown: Vec<_> = urgent.iter().take(page as usize).cloned().collect();
    let recorded = crate::engine::agenda::recorded_breaches(conn, &shown)?;
    for c in &shown {
        if crate::engine::agenda::is_recorded(&recorded, c) {
            continue;
        }
        snap.breaches.push(BreachRow {
            id: c.ticket_id.clone(),
            is_clock: true,
            service: c.service.clone(),
            reference: c.reference.clone(),
            title: format!("{} {} {}", c.priority.label(), c.kind.as_str(), c.view.countdown),
            status: if c.view.breached {
                "breached".into()
            } else {
                format!("{:.0}% used", c.view.percent_used)
            },
            when: c.view.deadline.map(|d| short_time(d, tz)).unwrap_or_default(),
            informed: false,
            overdue: c.view.breached,
        });
    }

    // Stakeholders by next due touch.
    for l in panes::stakeholders(conn, PAGE)? {
        let last_day = l.last_touch.map(|t| day_of(t, tz));
        let due = next_touch_due(last_day, l.cadence, today);
        let d = due_within(due, today, 100_000);
        let never = last_day.is_none();
        snap.stakeholders.push(StakeholderRow {
            id: l.id,
            name: l.name,
            organisation: l.organisation,
            role: l.role,
            channel: l.channel.replace('_', " "),
            cadence: l.cadence,
            last: last_day
                .map(|l| l.format("%d %b").to_string())
                .unwrap_or_else(|| "never".into()),
            due: due.to_string(),
            due_text: if never {
                "never contacted".into()
            } else {
                d.map(|d| describe(&d)).unwrap_or_default()
            },
            overdue: never || d.is_some_and(|d| d.overdue),
            services: String::new(),
        });
    }
    snap.stakeholders
        .sort_by(|a, b| (&a.due, &a.name).cmp(&(&b.due, &b.name)));
    // Their services, for the rows this load shows (all of them in the full load).
    for row in snap.stakeholders.iter_mut().take(page as usize) {
        row.services = panes::stakeholder_service_names(conn, &row.id)?;
    }

    // Open actions by due date, then reviews not held.
    let due_of = |due: Option<&str>| {
        due.and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .and_then(|day| due_within(day, today, 100_000))
    };
    for a in panes::open_actions(conn, page)? {
        let d = due_of(a.due.as_deref());
        snap.actions.push(ActionRow {
            id: a.id,
            kind: ToDo::Action,
            title: a.title,
            owner: a.owner,
            due: a.due.unwrap_or_default(),
            due_text: d.map(|d| describe(&d)).unwrap_or_else(|| "no due date".into()),
            overdue: d.is_some_and(|d| d.overdue),
            service: a.service,
            from: a.review,
        });
    }
    for r in panes::reviews_not_held(conn, page)? {
        let d = due_of(Some(&r.due));
        snap.actions.push(ActionRow {
            id: r.id,
            kind: ToDo::Review,
            title: r.title,
            owner: String::new(),
            due: r.due,
            due_text: format!("review {}", d.map(|d| describe(&d)).unwrap_or_default()),
            overdue: d.is_some_and(|d| d.overdue),
            service: r.service,
            from: String::new(),
        });
    }

    // The improvement register: what is still being driven.
    for i in panes::open_improvements(conn, page)? {
        let d = due_of(i.due.as_deref());
        snap.actions.push(ActionRow {
            id: i.id,
            kind: ToDo::Improvement,
            title: i.title,
            owner: i.owner,
            due: i.due.unwrap_or_default(),
            due_text: format!(
                "{} · {}",
                i.status.replace('_', " "),
                d.map(|d| describe(&d)).unwrap_or_else(|| "no due date".into())
            ),
            overdue: d.is_some_and(|d| d.overdue),
            service: i.service,
            from: format!("KPI: {}", i.kpi),
        });
    }

    // Problems being worked: due ones by their date; one waiting for its root cause past
    // the limit counts as overdue.
    for p in crate::app::problems::list(store, ctx, false)?
        .into_iter()
        .take(page as usize)
    {
        let d = due_of(p.due.as_deref());
        let due_text = match (&d, p.waiting_for_root_cause) {
            (Some(d), _) => format!("{} · {}", p.status.label(), describe(d)),
            (None, true) => format!("no root cause for {} d", p.age_days),
            (None, false) => format!("{} · no due date", p.status.label()),
        };
        snap.actions.push(ActionRow {
            kind: ToDo::Problem,
            title: p.name(),
            owner: p.owner.clone(),
            due: p.due.clone().unwrap_or_default(),
            due_text,
            overdue: p.overdue || p.waiting_for_root_cause,
            service: p.services.join(", "),
            from: p.workaround.clone(),
            id: p.id,
        });
    }

    // Overdue first, whatever the kind (an overdue review above an action due next week),
    // then by due date; those without one last. The sort is stable: ties keep their order.
    snap.actions.sort_by(|a, b| {
        let key = |r: &ActionRow| (!r.overdue, r.due.is_empty(), r.due.clone());
        key(a).cmp(&key(b))
    });

    // Sync conflicts waiting for the user.
    for c in crate::sync::open_conflicts(conn).map_err(|e| crate::store::StoreError::BadInput(e.to_string()))? {
        let name = read::record_name(conn, &c.table, &c.row_id);
        snap.conflicts.push(ConflictRow {
            seq: c.seq,
            what: format!(
                "{} {} · {}",
                c.table.trim_end_matches('s'),
                name.unwrap_or_else(|| c.row_id.chars().take(8).collect()),
                c.field
            ),
            kept: c.kept.unwrap_or_default(),
            lost: c.lost.unwrap_or_default(),
            lost_where: if c.lost_side == "local" {
                "this copy".into()
            } else {
                "the other copy".into()
            },
        });
    }

    // The agenda line: the same agenda `sdm agenda` builds (the first frame's lacks the
    // clocks and watermelons the rules add and the problem signals; the full load's has them).
    let agenda = if with_health {
        crate::app::agenda::build_given(store, ctx, Some(page as usize), &urgent, &health)?
    } else {
        crate::app::agenda::first_listing(store, ctx, Some(page as usize))?
    };
    // Each service's ⚑ evidence: the agenda's problem signals (the full load's only).
    for row in &mut snap.services {
        let evidence: Vec<String> = agenda
            .problem_flags
            .iter()
            .filter(|f| f.service == row.name)
            .map(|f| f.reason.clone())
            .collect();
        row.problem = evidence.join("; ");
    }
    snap.counts = agenda.counts;
    snap.set_agenda_line();
    snap.freshness = match agenda.ticket_freshness() {
        Some(f) => {
            let hours = f.age_hours;
            let age = if hours < 48 {
                format!("{hours}h")
            } else {
                format!("{} days", hours / 24)
            };
            format!("tickets imported {age} ago{}", if f.stale { " (stale)" } else { "" })
        }
        None => "no tickets imported yet".into(),
    };
    // Made here, so a background load makes them off the interface's thread.
    snap.index_search();
    Ok(snap)
}
