//! The demo portfolio: a dozen services for three customers, their calendars and SLA targets,
//! three months of tickets, outages and changes, stakeholders with their touch-point history,
//! reviews with actions, satisfaction scores and a few manual breaches. Everything is dated
//! relative to `now` and has a fixed id, so the same `now` always gives the same data.
//!
//! The story it tells: Payment Gateway lost four hours this month and is breaching its
//! availability; Store POS has had three emergency changes in a month (a problem nobody owns);
//! Expense Claims meets every SLA but its users are unhappy — the watermelon.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Utc};
use chrono_tz::Tz;

use super::DemoSummary;
use super::holidays;
use super::rng::Rng;
use crate::domain::enums::*;
use crate::domain::ids::natural_id;
use crate::domain::model::*;
use crate::domain::sla::Calendar;
use crate::engine::adapter::build_calendar;
use crate::store::{Result, Store, Writer, builtin_calendar_id, queries};

const SUMMARIES: &str = include_str!("../../assets/demo/summaries.txt");

/// What the SDM did with the breaches the engine detected in the demo's history: those
/// older than a fortnight were discussed with the customer and closed.
pub fn settle_history(w: &mut Writer<'_>, now: i64) -> Result<usize> {
    w.update_where(
        &crate::store::schema::BREACHES,
        "source <> 'manual' AND status = 'open' AND breached_at < ?1",
        [now - 14 * 86_400],
        &[
            ("status", crate::store::records::text("closed")),
            ("customer_informed", crate::store::records::boolean(true)),
            (
                "notes",
                crate::store::records::text("Discussed in the monthly service review"),
            ),
        ],
    )
}

/// A fixed id for a demo row without a natural key.
fn demo_id(key: &str) -> String {
    natural_id("demo", key)
}

/// The demo contracts' credit schedule: three availability tiers, a credit per missed P1
/// and P2, capped at a fifth of the charge, nothing under 50 EUR.
fn demo_credits() -> crate::domain::credits::Schedule {
    use crate::domain::credits::{Amount, Schedule, Tier};
    Schedule {
        tiers: vec![
            Tier {
                below: 99.9,
                credit: 0.10,
            },
            Tier {
                below: 99.0,
                credit: 0.25,
            },
            Tier {
                below: 95.0,
                credit: 1.0,
            },
        ],
        per_breach: vec![
            (Priority::P1, Amount::Money(500.0)),
            (Priority::P2, Amount::Share(0.01)),
        ],
        cap: Some(Amount::Share(0.20)),
        minimum: Some(50.0),
    }
}

struct ServiceSpec {
    name: &'static str,
    alias: &'static str,
    customer: &'static str,
    kind: AgreementKind,
    agreement: &'static str,
    window: &'static str,
    criticality: Criticality,
    availability: f64,
    cost: f64,
    description: &'static str,
    /// Relative share of the tickets.
    weight: i64,
}

const SERVICES: &[ServiceSpec] = &[
    ServiceSpec {
        name: "Web Shop",
        alias: "ECOM-PRD",
        customer: "Acme Retail",
        kind: AgreementKind::Contract,
        agreement: "C-2024-017",
        window: "24x7",
        criticality: Criticality::Critical,
        availability: 99.9,
        cost: 18_500.0,
        description: "The customer-facing online shop",
        weight: 14,
    },
    ServiceSpec {
        name: "Payment Gateway",
        alias: "PAYGW-PRD",
        customer: "Acme Retail",
        kind: AgreementKind::Contract,
        agreement: "C-2024-018",
        window: "24x7",
        criticality: Criticality::Critical,
        availability: 99.95,
        cost: 9_800.0,
        description: "Card and wallet payments for the shop and the stores",
        weight: 9,
    },
    ServiceSpec {
        name: "Store POS",
        alias: "POS-PRD",
        customer: "Acme Retail",
        kind: AgreementKind::Contract,
        agreement: "C-2024-019",
        window: "Office NL",
        criticality: Criticality::High,
        availability: 99.5,
        cost: 12_000.0,
        description: "Tills and back office in 140 stores",
        weight: 12,
    },
    ServiceSpec {
        name: "Loyalty App",
        alias: "LOYALTY-PRD",
        customer: "Acme Retail",
        kind: AgreementKind::Contract,
        agreement: "C-2025-004",
        window: "24x7",
        criticality: Criticality::Medium,
        availability: 99.5,
        cost: 4_200.0,
        description: "Mobile loyalty programme",
        weight: 6,
    },
    ServiceSpec {
        name: "Payroll",
        alias: "PAYROLL-PRD",
        customer: "Finance Division",
        kind: AgreementKind::Dou,
        agreement: "DOU-FIN-01",
        window: "Office NL",
        criticality: Criticality::High,
        availability: 99.5,
        cost: 7_500.0,
        description: "Monthly payroll runs and payslips",
        weight: 8,
    },
    ServiceSpec {
        name: "General Ledger",
        alias: "GL-PRD",
        customer: "Finance Division",
        kind: AgreementKind::Dou,
        agreement: "DOU-FIN-02",
        window: "Office NL",
        criticality: Criticality::High,
        availability: 99.5,
        cost: 6_900.0,
        description: "Ledger, month-end close and reporting",
        weight: 7,
    },
    ServiceSpec {
        name: "Expense Claims",
        alias: "EXPENSES",
        customer: "Finance Division",
        kind: AgreementKind::Dou,
        agreement: "DOU-FIN-03",
        window: "Office NL",
        criticality: Criticality::Medium,
        availability: 99.0,
        cost: 2_100.0,
        description: "Expense claims and approvals",
        weight: 6,
    },
    ServiceSpec {
        name: "Treasury Reporting",
        alias: "TREASURY-RPT",
        customer: "Finance Division",
        kind: AgreementKind::Dou,
        agreement: "DOU-FIN-04",
        window: "Office NL",
        criticality: Criticality::Low,
        availability: 99.0,
        cost: 1_500.0,
        description: "Daily cash position reports",
        weight: 3,
    },
    ServiceSpec {
        name: "Warehouse Management",
        alias: "WMS-PRD",
        customer: "Northwind Logistics",
        kind: AgreementKind::Ola,
        agreement: "OLA-NW-01",
        window: "Office US East",
        criticality: Criticality::Critical,
        availability: 99.8,
        cost: 15_000.0,
        description: "Picking, packing and stock for two warehouses",
        weight: 11,
    },
    ServiceSpec {
        name: "Carrier Integration",
        alias: "EDI-CARRIER",
        customer: "Northwind Logistics",
        kind: AgreementKind::Ola,
        agreement: "OLA-NW-02",
        window: "24x7",
        criticality: Criticality::High,
        availability: 99.7,
        cost: 5_400.0,
        description: "Bookings and tracking with eight carriers",
        weight: 9,
    },
    ServiceSpec {
        name: "Fleet Tracking",
        alias: "FLEET-PRD",
        customer: "Northwind Logistics",
        kind: AgreementKind::Ola,
        agreement: "OLA-NW-03",
        window: "24x7",
        criticality: Criticality::Medium,
        availability: 99.5,
        cost: 3_300.0,
        description: "Vehicle positions and ETAs",
        weight: 5,
    },
    ServiceSpec {
        name: "Customs Filing",
        alias: "CUSTOMS",
        customer: "Northwind Logistics",
        kind: AgreementKind::Ola,
        agreement: "OLA-NW-04",
        window: "Office US East",
        criticality: Criticality::Medium,
        availability: 99.0,
        cost: 2_600.0,
        description: "Export declarations",
        weight: 4,
    },
];

/// Response and resolution goals per priority (seconds).
const GOALS: [(Priority, i64, i64); 4] = [
    (Priority::P1, 15 * 60, 4 * 3600),
    (Priority::P2, 30 * 60, 8 * 3600),
    (Priority::P3, 2 * 3600, 16 * 3600),
    (Priority::P4, 8 * 3600, 40 * 3600),
];

struct StakeholderSpec {
    name: &'static str,
    organisation: &'static str,
    role: &'static str,
    channel: Channel,
    cadence: i64,
    services: &'static [&'static str],
    /// Usual sentiment, and whether they have been unhappy lately.
    mood: i64,
    unhappy: bool,
    /// Days since the last contact (how overdue they are follows from the cadence).
    last_contact_days: i64,
}

const STAKEHOLDERS: &[StakeholderSpec] = &[
    StakeholderSpec {
        name: "Ann de Vries",
        organisation: "Acme Retail",
        role: "IT manager",
        channel: Channel::Call,
        cadence: 14,
        services: &["Web Shop", "Payment Gateway", "Loyalty App"],
        mood: 4,
        unhappy: false,
        last_contact_days: 19,
    },
    StakeholderSpec {
        name: "Bram Jansen",
        organisation: "Acme Retail",
        role: "Head of e-commerce",
        channel: Channel::Meeting,
        cadence: 30,
        services: &["Web Shop"],
        mood: 4,
        unhappy: false,
        last_contact_days: 12,
    },
    StakeholderSpec {
        name: "Carla Smit",
        organisation: "Acme Retail",
        role: "Retail operations director",
        channel: Channel::Meeting,
        cadence: 30,
        services: &["Store POS"],
        mood: 3,
        unhappy: false,
        last_contact_days: 26,
    },
    StakeholderSpec {
        name: "Dirk Bakker",
        organisation: "Acme Retail",
        role: "Payments product owner",
        channel: Channel::Call,
        cadence: 14,
        services: &["Payment Gateway"],
        mood: 3,
        unhappy: false,
        last_contact_days: 4,
    },
    StakeholderSpec {
        name: "Eva Visser",
        organisation: "Acme Retail",
        role: "Contract manager",
        channel: Channel::ServiceReview,
        cadence: 90,
        services: &["Web Shop", "Payment Gateway", "Store POS", "Loyalty App"],
        mood: 4,
        unhappy: false,
        last_contact_days: 40,
    },
    StakeholderSpec {
        name: "Femke Mulder",
        organisation: "Finance Division",
        role: "Payroll manager",
        channel: Channel::Email,
        cadence: 21,
        services: &["Payroll"],
        mood: 4,
        unhappy: false,
        last_contact_days: 9,
    },
    StakeholderSpec {
        name: "Gerard de Boer",
        organisation: "Finance Division",
        role: "Financial controller",
        channel: Channel::Meeting,
        cadence: 30,
        services: &["General Ledger", "Treasury Reporting"],
        mood: 4,
        unhappy: false,
        last_contact_days: 35,
    },
    StakeholderSpec {
        name: "Hanna Peters",
        organisation: "Finance Division",
        role: "Expenses process owner",
        channel: Channel::Call,
        cadence: 14,
        services: &["Expense Claims"],
        mood: 2,
        unhappy: true,
        last_contact_days: 6,
    },
    StakeholderSpec {
        name: "Ivo Hendriks",
        organisation: "Finance Division",
        role: "CFO office",
        channel: Channel::Meeting,
        cadence: 30,
        services: &["Expense Claims", "Payroll", "General Ledger"],
        mood: 3,
        unhappy: true,
        last_contact_days: 16,
    },
    StakeholderSpec {
        name: "Joyce Dekker",
        organisation: "Finance Division",
        role: "Service desk lead",
        channel: Channel::Chat,
        cadence: 7,
        services: &["Expense Claims", "Payroll"],
        mood: 2,
        unhappy: true,
        last_contact_days: 3,
    },
    StakeholderSpec {
        name: "Kevin O'Brien",
        organisation: "Northwind Logistics",
        role: "Warehouse operations manager",
        channel: Channel::Call,
        cadence: 14,
        services: &["Warehouse Management"],
        mood: 4,
        unhappy: false,
        last_contact_days: 8,
    },
    StakeholderSpec {
        name: "Laura Chen",
        organisation: "Northwind Logistics",
        role: "Transport planner",
        channel: Channel::Email,
        cadence: 21,
        services: &["Carrier Integration", "Fleet Tracking"],
        mood: 4,
        unhappy: false,
        last_contact_days: 30,
    },
    StakeholderSpec {
        name: "Marcus Reed",
        organisation: "Northwind Logistics",
        role: "IT director",
        channel: Channel::ServiceReview,
        cadence: 60,
        services: &[
            "Warehouse Management",
            "Carrier Integration",
            "Fleet Tracking",
            "Customs Filing",
        ],
        mood: 4,
        unhappy: false,
        last_contact_days: 20,
    },
    StakeholderSpec {
        name: "Nadia Haddad",
        organisation: "Northwind Logistics",
        role: "Compliance officer",
        channel: Channel::Email,
        cadence: 45,
        services: &["Customs Filing"],
        mood: 3,
        unhappy: false,
        last_contact_days: 50,
    },
    StakeholderSpec {
        name: "Priya Raman",
        organisation: "Acme Retail",
        role: "New head of stores IT",
        channel: Channel::Meeting,
        cadence: 30,
        services: &["Store POS"],
        mood: 3,
        unhappy: false,
        last_contact_days: -1,
    },
];

struct Ctx<'a> {
    now: i64,
    rng: Rng,
    cals: BTreeMap<&'static str, (String, Calendar)>,
    service_ids: BTreeMap<&'static str, String>,
    /// Ticket summaries by service name, and those any service gets under "*".
    summaries: BTreeMap<&'a str, Vec<&'a str>>,
}

impl Ctx<'_> {
    fn calendar(&self, service: &ServiceSpec) -> &Calendar {
        &self.cals[service.window].1
    }

    /// The latest instant from which `secs` of working time runs to `now` in `cal`.
    fn opened_for(&self, cal: &Calendar, secs: i64) -> i64 {
        let (mut lo, mut hi) = (self.now - 60 * 86_400, self.now);
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if cal.working_seconds(mid, self.now) >= secs {
                lo = mid
            } else {
                hi = mid
            }
        }
        lo
    }

    /// A plausible opening time in the last `days` days, inside the calendar's hours.
    fn opened_within(&mut self, cal: &Calendar, days: i64) -> i64 {
        for _ in 0..50 {
            let t = self.now - self.rng.range(3600, days * 86_400);
            if cal.is_working(t) {
                return t;
            }
        }
        self.now - days * 43_200
    }
}

/// The summaries file read into its sections: `[Service]` starts one, `[*]` is any
/// service's, `#` lines are comments.
pub fn summaries_by_service(text: &str) -> BTreeMap<&str, Vec<&str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut section = "*";
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name;
            continue;
        }
        out.entry(section).or_default().push(line);
    }
    out
}

pub fn write(store: &mut Store, now: DateTime<Utc>, _tz: Tz) -> Result<DemoSummary> {
    let now_s = now.timestamp();
    let year = now.year();
    let mut summary = DemoSummary::default();
    store.write(None, |w| {
        let mut ctx = Ctx {
            now: now_s,
            rng: Rng::new(2026),
            cals: BTreeMap::new(),
            service_ids: BTreeMap::new(),
            summaries: summaries_by_service(SUMMARIES),
        };
        calendars(w, &mut ctx, year)?;
        services(w, &mut ctx)?;
        summary.services = SERVICES.len();
        summary.tickets = tickets(w, &mut ctx)?;
        outages(w, &mut ctx)?;
        changes(w, &mut ctx)?;
        summary.tickets += problem_story(w, &ctx)?;
        summary.stakeholders = stakeholders(w, &mut ctx)?;
        scores(w, &mut ctx)?;
        manual_breaches(w, &mut ctx)?;
        // Reviews fall due by the rules; the older ones were held, with actions.
        crate::store::reviews::ensure_reviews(w, 5)?;
        reviews_and_actions(w, &mut ctx)?;
        story_problem(w, &ctx)?;
        improvements(w, &ctx)?;
        survey_responses(w, &mut ctx)?;
        for (kind, rows) in [
            ("tickets", summary.tickets as i64),
            ("outages", 7),
            ("changes", 40),
            ("scores", 72),
        ] {
            queries::log_import(w.conn(), kind, now_s - 5 * 3600, &format!("demo-{kind}.csv"), rows)?;
        }
        Ok(())
    })?;
    Ok(summary)
}

fn calendars(w: &mut Writer<'_>, ctx: &mut Ctx<'_>, year: i32) -> Result<()> {
    let mut nl_hours = BTreeMap::new();
    for d in ["mon", "tue", "wed", "thu"] {
        nl_hours.insert(d.to_string(), vec!["08:00-18:00".to_string()]);
    }
    nl_hours.insert(
        "fri".to_string(),
        vec!["08:00-12:00".to_string(), "13:00-17:00".to_string()],
    );
    let mut us_hours = BTreeMap::new();
    for d in ["mon", "tue", "wed", "thu", "fri"] {
        us_hours.insert(d.to_string(), vec!["09:00-17:00".to_string()]);
    }
    let specs = [
        (
            "Office NL",
            "Europe/Amsterdam",
            nl_hours,
            [
                holidays::netherlands(year - 1),
                holidays::netherlands(year),
                holidays::netherlands(year + 1),
            ]
            .concat(),
        ),
        (
            "Office US East",
            "America/New_York",
            us_hours,
            [
                holidays::united_states(year - 1),
                holidays::united_states(year),
                holidays::united_states(year + 1),
            ]
            .concat(),
        ),
    ];
    for (name, zone, hours, holidays) in specs {
        let rec = CalendarRecord {
            id: natural_id("calendar", name),
            name: name.to_string(),
            timezone: zone.to_string(),
            hours,
            holidays,
        };
        w.save(&rec)?;
        let cal = build_calendar(&rec).map_err(crate::store::StoreError::BadInput)?;
        ctx.cals.insert(name, (rec.id.clone(), cal));
    }
    ctx.cals.insert("24x7", (builtin_calendar_id(), Calendar::always_on()));
    Ok(())
}

fn services(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<()> {
    let today = DateTime::<Utc>::from_timestamp(ctx.now, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default();
    for (i, s) in SERVICES.iter().enumerate() {
        let id = natural_id("service", s.name);
        let start = today - Duration::days(400 + 30 * i as i64);
        // Payroll's agreement review is next week, Customs Filing's is overdue; Treasury
        // Reporting's DoU ends within its notice period.
        let review = match s.name {
            "Payroll" => today + Duration::days(4),
            "Customs Filing" => today - Duration::days(10),
            _ => today + Duration::days(40 + 17 * i as i64),
        };
        let end = match s.name {
            "Treasury Reporting" => today + Duration::days(75),
            _ => start + Duration::days(3 * 365),
        };
        w.save(&Service {
            id: id.clone(),
            name: s.name.to_string(),
            aliases: vec![s.alias.to_string(), format!("{} (prod)", s.name)],
            customer: s.customer.to_string(),
            agreement_kind: s.kind,
            agreement_ref: s.agreement.to_string(),
            agreement_start: Some(start),
            agreement_end: Some(end),
            notice_days: Some(90),
            agreement_review: Some(review),
            criticality: s.criticality,
            window_calendar_id: Some(ctx.cals[s.window].0.clone()),
            status: ServiceStatus::Active,
            monthly_cost: Some(s.cost),
            description: s.description.to_string(),
            currency: Some("EUR".into()),
            // Contracts charge a margin over cost and pay credits by the usual three tiers.
            charge: (s.kind == AgreementKind::Contract).then(|| (s.cost * 1.3 / 100.0).round() * 100.0),
            credits: (s.kind == AgreementKind::Contract).then(demo_credits),
            money_history: Vec::new(),
        })?;
        for (priority, response, resolution) in GOALS {
            // P1 and P2 clocks run around the clock on critical services; the rest in the window.
            let calendar = if matches!(priority, Priority::P1) {
                Some(builtin_calendar_id())
            } else {
                None
            };
            for (kind, goal) in [(TargetKind::Response, response), (TargetKind::Resolution, resolution)] {
                w.save(&SlaTarget {
                    id: natural_id("target", &format!("{id}/{kind}/{priority}")),
                    service_id: id.clone(),
                    kind,
                    priority: Some(priority),
                    goal: goal as f64,
                    calendar_id: calendar.clone(),
                    valid_from: None,
                    note: String::new(),
                })?;
            }
        }
        w.save(&SlaTarget {
            id: natural_id("target", &format!("{id}/availability/-")),
            service_id: id.clone(),
            kind: TargetKind::Availability,
            priority: None,
            goal: s.availability,
            calendar_id: None,
            valid_from: None,
            note: String::new(),
        })?;
        w.save(&SlaTarget {
            id: natural_id("target", &format!("{id}/satisfaction/-")),
            service_id: id.clone(),
            kind: TargetKind::Satisfaction,
            priority: None,
            goal: 4.0,
            calendar_id: None,
            valid_from: None,
            note: String::new(),
        })?;
        ctx.service_ids.insert(s.name, id);
    }
    Ok(())
}

fn priority_for(r: f64) -> Priority {
    if r < 0.03 {
        Priority::P1
    } else if r < 0.15 {
        Priority::P2
    } else if r < 0.6 {
        Priority::P3
    } else {
        Priority::P4
    }
}

fn goals(priority: Priority) -> (i64, i64) {
    GOALS
        .iter()
        .find(|g| g.0 == priority)
        .map(|g| (g.1, g.2))
        .unwrap_or((3600, 8 * 3600))
}

/// The clock calendar of a priority on a service: P1 around the clock, else the window.
fn clock_calendar<'a>(ctx: &'a Ctx<'_>, s: &ServiceSpec, p: Priority) -> &'a Calendar {
    if p == Priority::P1 {
        &ctx.cals["24x7"].1
    } else {
        ctx.calendar(s)
    }
}

fn tickets(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<usize> {
    let total_weight: i64 = SERVICES.iter().map(|s| s.weight).sum();
    let mut n = 0usize;
    let mut number = 12_000;
    let mut turns: BTreeMap<&str, usize> = BTreeMap::new();
    // About 290 tickets over the last three months, resolved.
    for i in 0..290 {
        let mut pick = ctx.rng.range(0, total_weight);
        let s = SERVICES.iter().find(|s| {
            pick -= s.weight;
            pick < 0
        });
        let Some(s) = s else { continue };
        let request = ctx.rng.chance(0.2);
        let priority = if request {
            if ctx.rng.chance(0.5) {
                Priority::P3
            } else {
                Priority::P4
            }
        } else {
            priority_for(ctx.rng.unit())
        };
        let (response, resolution) = goals(priority);
        let cal = clock_calendar(ctx, s, priority).clone();
        let opened = ctx.opened_within(&cal, 90);
        // Expense Claims meets every target; elsewhere about one ticket in twenty misses one.
        let miss = s.name != "Expense Claims" && ctx.rng.chance(0.025);
        let resp_frac = if miss && ctx.rng.chance(0.4) {
            1.2 + ctx.rng.unit()
        } else {
            0.1 + 0.6 * ctx.rng.unit()
        };
        let res_frac = if miss {
            1.1 + ctx.rng.unit()
        } else {
            0.2 + 0.7 * ctx.rng.unit()
        };
        let responded = cal
            .add_working(opened, (response as f64 * resp_frac) as i64)
            .unwrap_or(opened + 600);
        let mut resolved = cal
            .add_working(opened, (resolution as f64 * res_frac) as i64)
            .unwrap_or(opened + 3600);
        if resolved < responded {
            resolved = responded + 300;
        }
        if resolved > ctx.now - 600 {
            continue;
        }
        let mut pauses = Vec::new();
        if ctx.rng.chance(0.06) {
            let start = responded + (resolved - responded) / 3;
            let end = start + ctx.rng.range(1800, 6 * 3600);
            if end < resolved {
                pauses.push(Pause { start, end: Some(end) });
                // The pause gives the clock its time back: resolve that much later.
                resolved += cal.working_seconds(start, end);
            }
        }
        let state = if i % 97 == 13 {
            TicketState::Cancelled
        } else if resolved < ctx.now - 5 * 86_400 {
            TicketState::Closed
        } else {
            TicketState::Resolved
        };
        number += 1 + ctx.rng.range(0, 40);
        let reference = if request {
            format!("REQ00{number:05}")
        } else {
            format!("INC00{number:05}")
        };
        // The service's own summaries and those any service gets, taken in turn, so that no
        // summary comes up often enough by chance to look like a run of alike incidents (the
        // draw is kept, so the rest of the demo is as it was).
        let own: Vec<&str> = ctx
            .summaries
            .get(s.name)
            .into_iter()
            .chain(ctx.summaries.get("*"))
            .flatten()
            .copied()
            .collect();
        let _ = ctx.rng.pick(&own);
        let turn = turns.entry(s.name).or_insert(0usize);
        let summary = own
            .get(*turn % own.len().max(1))
            .copied()
            .unwrap_or("Service unavailable")
            .to_string();
        *turn += 1;
        w.save(&Ticket {
            id: natural_id("ticket", &reference),
            reference,
            service_id: ctx.service_ids[s.name].clone(),
            kind: if request {
                TicketKind::Request
            } else {
                TicketKind::Incident
            },
            priority,
            state,
            opened_at: opened,
            responded_at: Some(responded),
            resolved_at: Some(resolved.min(ctx.now - 60)),
            pauses,
            summary,
            critical: i == 41 || i == 177,
            excluded_reason: (i == 88).then(|| "customer-caused: wrong data in their upload".to_string()),
            ..handled_ticket()
        })?;
        n += 1;
    }
    // Open now: two at risk, one just past its target, one long past, two calm, one paused.
    let open: [(&str, Priority, f64, bool, &str); 7] = [
        (
            "Web Shop",
            Priority::P2,
            0.82,
            false,
            "Checkout fails for some card types",
        ),
        (
            "Warehouse Management",
            Priority::P3,
            0.91,
            false,
            "Scanner devices cannot connect to the server",
        ),
        (
            "Payment Gateway",
            Priority::P1,
            1.15,
            false,
            "Card payments declined by the acquirer",
        ),
        (
            "General Ledger",
            Priority::P3,
            1.6,
            false,
            "Export to the data warehouse failed",
        ),
        (
            "Carrier Integration",
            Priority::P4,
            0.2,
            false,
            "Label printing fails for international parcels",
        ),
        ("Payroll", Priority::P3, 0.35, false, "Request for a new report field"),
        (
            "Loyalty App",
            Priority::P3,
            0.8,
            true,
            "Loyalty points not credited after purchase",
        ),
    ];
    for (k, (service, priority, frac, paused, text)) in open.iter().enumerate() {
        let Some(s) = SERVICES.iter().find(|s| s.name == *service) else {
            continue;
        };
        let (response, resolution) = goals(*priority);
        let cal = clock_calendar(ctx, s, *priority).clone();
        let used = (resolution as f64 * frac) as i64;
        let mut opened = ctx.opened_for(&cal, used);
        let mut pauses = Vec::new();
        if *paused {
            // Waiting on the customer since two hours ago, the clock stopped at 80%.
            let pause_start = ctx.now - 2 * 3600;
            opened = ctx.opened_for(&cal, used + cal.working_seconds(pause_start, ctx.now));
            pauses.push(Pause {
                start: pause_start,
                end: None,
            });
        }
        let responded = cal.add_working(opened, response / 3).filter(|r| *r < ctx.now);
        number += 7;
        let reference = format!("INC00{number:05}");
        w.save(&Ticket {
            id: natural_id("ticket", &reference),
            reference,
            service_id: ctx.service_ids[s.name].clone(),
            kind: TicketKind::Incident,
            priority: *priority,
            state: TicketState::Open,
            opened_at: opened,
            responded_at: responded,
            resolved_at: None,
            pauses,
            summary: text.to_string(),
            critical: k == 2,
            ..handled_ticket()
        })?;
        n += 1;
    }
    Ok(n)
}

/// Service, start, length, planned, summary, exclusion.
type OutageSpec<'a> = (&'a str, i64, i64, bool, &'a str, Option<&'a str>);

fn outages(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<()> {
    let month_start = DateTime::<Utc>::from_timestamp(ctx.now, 0)
        .and_then(|t| t.date_naive().with_day(1))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc().timestamp())
        .unwrap_or(ctx.now);
    let this_month_at = |frac: f64| month_start + ((ctx.now - month_start) as f64 * frac) as i64;
    let list: [OutageSpec<'_>; 7] = [
        (
            "Payment Gateway",
            this_month_at(0.4),
            4 * 3600,
            false,
            "Acquirer link down after a certificate change",
            None,
        ),
        (
            "Web Shop",
            ctx.now - 35 * 86_400,
            2 * 3600,
            true,
            "Planned database upgrade",
            None,
        ),
        (
            "General Ledger",
            ctx.now - 62 * 86_400,
            30 * 60,
            false,
            "Application server restart",
            None,
        ),
        (
            "Warehouse Management",
            ctx.now - 27 * 86_400,
            80 * 60,
            false,
            "Network switch failure in warehouse 2",
            None,
        ),
        (
            "Carrier Integration",
            ctx.now - 15 * 86_400,
            50 * 60,
            false,
            "Carrier's API unavailable",
            Some("third party: carrier outage"),
        ),
        (
            "Store POS",
            this_month_at(0.7),
            20 * 60,
            false,
            "Till software hang after an emergency patch",
            None,
        ),
        (
            "Loyalty App",
            ctx.now - 50 * 86_400,
            3 * 3600,
            true,
            "Planned platform migration",
            None,
        ),
    ];
    for (service, start, length, planned, text, excluded) in list.iter() {
        w.save(&Outage {
            // The id an import of the same outage would give it.
            id: crate::io::keys::outage_id(&ctx.service_ids[service], *start),
            service_id: ctx.service_ids[service].clone(),
            start_at: *start,
            end_at: Some(start + length),
            planned: *planned,
            summary: text.to_string(),
            excluded_reason: excluded.map(str::to_string),
            excluded_note: None,
        })?;
    }
    Ok(())
}

/// What every demo ticket shares: measured as the tool gave it, nothing corrected by hand
/// (each ticket fills in the rest).
fn handled_ticket() -> Ticket {
    Ticket {
        id: String::new(),
        reference: String::new(),
        service_id: String::new(),
        kind: TicketKind::Incident,
        priority: Priority::P3,
        state: TicketState::Closed,
        opened_at: 0,
        responded_at: None,
        resolved_at: None,
        pauses: Vec::new(),
        summary: String::new(),
        critical: false,
        excluded_reason: None,
        response_measured: true,
        waiting_secs: None,
        tool_response: None,
        tool_resolution: None,
        excluded_note: None,
        hand_pauses: Vec::new(),
        ignored_pauses: Vec::new(),
    }
}

/// The problem story's incidents on Payment Gateway: seven alike, in the three weeks before
/// the fix went in 21 days ago, none since (the fourth a P1, so a post-mortem falls due).
const STORY_RUN: [(&str, i64, Priority); 7] = [
    ("Payment confirmations delayed for wallet payments", 40, Priority::P2),
    ("Wallet payment confirmations delayed", 37, Priority::P2),
    ("Delayed payment confirmation for wallet users", 34, Priority::P3),
    (
        "Payment confirmations for wallet payments delayed by an hour",
        31,
        Priority::P1,
    ),
    ("Wallet payments: confirmation delayed", 28, Priority::P2),
    ("Payment confirmation delays on wallet checkout", 25, Priority::P2),
    ("Confirmations of wallet payments delayed again", 22, Priority::P3),
];
/// The fixing change of the story, and how many days ago it went in.
const STORY_FIX: (&str, i64) = ("CHG0003139", 21);
/// A run on Web Shop in the last month that no problem covers yet: the finder proposes it.
const STORY_CANDIDATE: [(&str, i64); 5] = [
    ("Product pages load slowly", 23),
    ("Product pages slow to load", 17),
    ("Slow loading product pages", 11),
    ("Product page loads slowly on mobile", 6),
    ("Product pages load slowly again", 2),
];

fn story_ticket_ref(k: usize) -> String {
    format!("INC00190{k:02}")
}

/// The problem story's tickets and fixing change (no draws from the generator, so the rest
/// of the demo is as before). Returns the tickets written.
fn problem_story(w: &mut Writer<'_>, ctx: &Ctx<'_>) -> Result<usize> {
    let mut n = 0;
    let runs = STORY_RUN
        .iter()
        .map(|(text, days, p)| ("Payment Gateway", *text, *days, *p))
        .chain(
            STORY_CANDIDATE
                .iter()
                .map(|(text, days)| ("Web Shop", *text, *days, Priority::P3)),
        );
    for (k, (service, text, days, priority)) in runs.enumerate() {
        let reference = story_ticket_ref(k);
        let Some(spec) = SERVICES.iter().find(|s| s.name == service) else {
            continue;
        };
        let cal = clock_calendar(ctx, spec, priority);
        let (response, resolution) = goals(priority);
        // Opened in working time on that day, handled well inside its targets.
        let day_start = ctx.now - days * 86_400;
        let opened = (0..48)
            .map(|h| day_start + h * 1800)
            .find(|t| cal.is_working(*t))
            .unwrap_or(day_start);
        let responded = cal.add_working(opened, response / 4).unwrap_or(opened + 600);
        let resolved = cal.add_working(opened, resolution / 2).unwrap_or(opened + 3600);
        w.save(&Ticket {
            id: natural_id("ticket", &reference),
            reference,
            service_id: ctx.service_ids[service].clone(),
            kind: TicketKind::Incident,
            priority,
            state: TicketState::Closed,
            opened_at: opened,
            responded_at: Some(responded),
            resolved_at: Some(resolved.min(ctx.now - 600)),
            pauses: Vec::new(),
            summary: text.to_string(),
            critical: false,
            ..handled_ticket()
        })?;
        n += 1;
    }
    let (reference, days) = STORY_FIX;
    w.save(&Change {
        id: natural_id("change", reference),
        reference: reference.into(),
        service_id: ctx.service_ids["Payment Gateway"].clone(),
        kind: ChangeKind::Normal,
        implemented_at: ctx.now - days * 86_400,
        outcome: ChangeOutcome::Successful,
        summary: "Give the confirmation consumer more memory and back-pressure".into(),
    })?;
    Ok(n)
}

/// The story's problem: a known error found by the post-mortem of its P1, fixed by
/// [`STORY_FIX`], with the run of incidents as its evidence.
fn story_problem(w: &mut Writer<'_>, ctx: &Ctx<'_>) -> Result<()> {
    let ticket_ids: Vec<String> = (0..STORY_RUN.len())
        .map(|k| natural_id("ticket", &story_ticket_ref(k)))
        .collect();
    let reviews: Vec<Review> = crate::store::records::list_where(w.conn(), "deleted = 0 AND kind = 'postmortem'", [])?;
    let review_ids: Vec<String> = reviews
        .into_iter()
        .filter(|r| r.ticket_id.as_ref().is_some_and(|t| ticket_ids.contains(t)))
        .map(|r| r.id)
        .collect();
    w.save(&Problem {
        id: demo_id("problem/wallet"),
        reference: "PRB0040112".into(),
        title: "Wallet payment confirmations delayed at peak times".into(),
        status: ProblemStatus::Resolved,
        root_cause: "The confirmation consumer runs out of memory at wallet payment peaks".into(),
        workaround: "Restart the confirmation consumer; queued confirmations go out within 10 minutes".into(),
        owner: "Sam (SDM)".into(),
        raised_on: DateTime::<Utc>::from_timestamp(ctx.now - STORY_RUN[3].1 * 86_400, 0).map(|t| t.date_naive()),
        due: None,
        fix_change_id: Some(natural_id("change", STORY_FIX.0)),
        notes: "Found by the post-mortem of the P1; known error from then until the fix".into(),
        ticket_ids,
        change_ids: vec![natural_id("change", STORY_FIX.0)],
        breach_ids: vec![],
        review_ids,
        service_ids: vec![ctx.service_ids["Payment Gateway"].clone()],
    })?;
    Ok(())
}

fn changes(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<()> {
    let texts = [
        "Apply security patches",
        "Upgrade the application to the new release",
        "Rotate certificates",
        "Add capacity to the database cluster",
        "Change firewall rules for the new carrier",
        "Deploy the new checkout page",
        "Fix the tax calculation for returns",
        "Update the payslip template",
    ];
    let mut number = 3_100;
    for i in 0..37 {
        let s = &SERVICES[i % SERVICES.len()];
        number += 3;
        let kind_r = ctx.rng.unit();
        let kind = if kind_r < 0.06 {
            ChangeKind::Emergency
        } else if kind_r < 0.5 {
            ChangeKind::Normal
        } else {
            ChangeKind::Standard
        };
        let out_r = ctx.rng.unit();
        let outcome = if out_r < 0.06 {
            ChangeOutcome::Failed
        } else if out_r < 0.1 {
            ChangeOutcome::RolledBack
        } else if out_r < 0.18 {
            ChangeOutcome::SuccessfulWithIssues
        } else {
            ChangeOutcome::Successful
        };
        let reference = format!("CHG000{number}");
        let at = ctx.now - ctx.rng.range(2 * 86_400, 88 * 86_400);
        w.save(&Change {
            id: natural_id("change", &reference),
            reference,
            service_id: ctx.service_ids[s.name].clone(),
            kind,
            implemented_at: at,
            outcome,
            summary: ctx.rng.pick(&texts).to_string(),
        })?;
    }
    // Store POS: three emergency fixes in a month, one of them rolled back.
    for (k, (days, outcome)) in [
        (26, ChangeOutcome::Successful),
        (12, ChangeOutcome::RolledBack),
        (3, ChangeOutcome::Successful),
    ]
    .iter()
    .enumerate()
    {
        let reference = format!("CHG000{}", 3_300 + k);
        w.save(&Change {
            id: natural_id("change", &reference),
            reference,
            service_id: ctx.service_ids["Store POS"].clone(),
            kind: ChangeKind::Emergency,
            implemented_at: ctx.now - days * 86_400,
            outcome: *outcome,
            summary: "Emergency patch for till freezes".into(),
        })?;
    }
    Ok(())
}

fn stakeholders(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<usize> {
    let topics = [
        ("Monthly check-in", "Nothing pressing; asked for the availability trend"),
        ("Service review", "Walked through the month's figures"),
        ("Incident follow-up", "Explained the root cause and the fix"),
        ("Roadmap chat", "Discussed next quarter's changes"),
    ];
    let unhappy = [
        (
            "Complaint about approvals",
            "Claims stuck for days; the team is frustrated",
        ),
        (
            "Escalation",
            "Users say the app is slow and confusing, although no incidents are open",
        ),
        ("Check-in", "Unhappy with how long simple changes take"),
    ];
    for (i, s) in STAKEHOLDERS.iter().enumerate() {
        let id = natural_id("stakeholder", s.name);
        let service_ids: Vec<String> = s.services.iter().map(|n| ctx.service_ids[n].clone()).collect();
        w.save(&Stakeholder {
            id: id.clone(),
            name: s.name.to_string(),
            organisation: s.organisation.to_string(),
            role: s.role.to_string(),
            contact: format!(
                "{}@{}.example",
                s.name.to_lowercase().replace([' ', '\''], "."),
                s.organisation.split(' ').next().unwrap_or("org").to_lowercase()
            ),
            channel: s.channel,
            cadence_days: s.cadence,
            notes: String::new(),
            service_ids: service_ids.clone(),
        })?;
        if s.last_contact_days < 0 {
            continue; // newly appointed: never contacted
        }
        // Six months of touch points at about the cadence, the last one `last_contact_days` ago.
        let mut days_ago = s.last_contact_days;
        let mut k = 0;
        while days_ago < 180 {
            let at = ctx.now - days_ago * 86_400 - ctx.rng.range(8 * 3600, 10 * 3600);
            let recent = days_ago < 60;
            let (title, text) = if s.unhappy && recent {
                *ctx.rng.pick(&unhappy)
            } else {
                *ctx.rng.pick(&topics)
            };
            let sentiment = if s.unhappy && recent {
                ctx.rng.range(1, 3)
            } else {
                (s.mood + ctx.rng.range(-1, 2)).clamp(1, 5)
            };
            let follow_ups = if k == 0 && i % 4 == 0 {
                "Send the updated availability report".to_string()
            } else {
                String::new()
            };
            w.save(&TouchPoint {
                id: demo_id(&format!("touch/{i}/{k}")),
                stakeholder_id: id.clone(),
                at,
                channel: s.channel,
                summary: format!("{title}: {text}"),
                sentiment: Some(sentiment),
                follow_ups,
                service_ids: service_ids.clone(),
            })?;
            days_ago += s.cadence + ctx.rng.range(-3, 6);
            k += 1;
        }
    }
    Ok(STAKEHOLDERS.len())
}

fn scores(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<()> {
    let now = DateTime::<Utc>::from_timestamp(ctx.now, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default();
    for s in SERVICES {
        for back in 1..=6 {
            let month = now.checked_sub_months(chrono::Months::new(back)).unwrap_or(now);
            let period = format!("{:04}-{:02}", month.year(), month.month());
            let score = if s.name == "Expense Claims" {
                2.6 + 0.1 * (back as f64 % 3.0)
            } else {
                3.9 + 0.1 * ctx.rng.range(0, 7) as f64
            };
            let id = natural_id("score", &format!("{}/{period}", ctx.service_ids[s.name]));
            w.save(&Score {
                id,
                service_id: ctx.service_ids[s.name].clone(),
                period,
                score: (score * 10.0).round() / 10.0,
                scale_max: 5.0,
                responses: ctx.rng.range(12, 80),
            })?;
        }
    }
    Ok(())
}

/// Survey responses one by one over the last two months: the shop's customers answer the
/// 0–10 question, Finance's users rate 1–5; Expense Claims' users are unhappy (the
/// watermelon's other side). Written last, so the rest of the demo draws the same numbers.
fn survey_responses(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<()> {
    use crate::domain::enums::SurveyScale;
    const PRAISE: [&str; 4] = [
        "Quick fix, kept us informed",
        "Works well since the last release",
        "Friendly and fast service desk",
        "",
    ];
    const GRIPES: [&str; 4] = [
        "Took days to hear back",
        "Same problem as last month",
        "Approvals still get stuck",
        "",
    ];
    let people = [
        "Ann de Vries",
        "Bram Jansen",
        "Carla Smit",
        "Dirk Bakker",
        "Eva Visser",
        "",
    ];
    for (name, count, scale, mood) in [
        ("Web Shop", 34, SurveyScale::ZeroToTen, 0.8),
        ("Payment Gateway", 12, SurveyScale::ZeroToTen, 0.6),
        ("Payroll", 18, SurveyScale::OneToFive, 0.75),
        ("Expense Claims", 9, SurveyScale::OneToFive, 0.2),
    ] {
        let Some(service_id) = ctx.service_ids.get(name).cloned() else {
            continue;
        };
        for i in 0..count {
            let day = DateTime::<Utc>::from_timestamp(ctx.now - ctx.rng.range(0, 60) * 86_400, 0)
                .map(|t| t.date_naive())
                .unwrap_or_default();
            let happy = ctx.rng.chance(mood);
            let score = match (scale, happy) {
                (SurveyScale::ZeroToTen, true) => ctx.rng.range(8, 11),
                (SurveyScale::ZeroToTen, false) => ctx.rng.range(2, 8),
                (SurveyScale::OneToFive, true) => ctx.rng.range(4, 6),
                (SurveyScale::OneToFive, false) => ctx.rng.range(1, 4),
            } as f64;
            let words = if happy { PRAISE } else { GRIPES };
            let comment = words[ctx.rng.range(0, words.len() as i64) as usize];
            let respondent = people[ctx.rng.range(0, people.len() as i64) as usize];
            w.save(&crate::domain::model::SurveyResponse {
                id: natural_id("response", &format!("{service_id}/demo/{i}")),
                service_id: service_id.clone(),
                answered_on: day,
                score,
                scale,
                respondent: respondent.to_string(),
                comment: comment.to_string(),
            })?;
        }
    }
    Ok(())
}

fn manual_breaches(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<()> {
    let list = [
        (
            "General Ledger",
            "Monthly availability report delivered late",
            6,
            BreachStatus::Open,
            false,
            None,
            "",
        ),
        (
            "Warehouse Management",
            "Capacity review not held this quarter",
            20,
            BreachStatus::Acknowledged,
            true,
            None,
            "Agreed with Marcus to hold it next month",
        ),
        (
            "Web Shop",
            "Quarterly service review minutes sent late",
            45,
            BreachStatus::Closed,
            true,
            Some(500.0),
            "Credit applied to the October invoice",
        ),
    ];
    for (i, (service, title, days, status, told, credit, notes)) in list.iter().enumerate() {
        w.save(&Breach {
            id: demo_id(&format!("breach/{i}")),
            service_id: ctx.service_ids[service].clone(),
            target_id: None,
            source: BreachSource::Manual,
            ticket_id: None,
            ticket_ref: None,
            period: None,
            title: title.to_string(),
            breached_at: ctx.now - days * 86_400,
            status: *status,
            customer_informed: *told,
            credit: *credit,
            notes: notes.to_string(),
            cause: None,
            history: Vec::new(),
        })?;
    }
    Ok(())
}

fn reviews_and_actions(w: &mut Writer<'_>, ctx: &mut Ctx<'_>) -> Result<()> {
    let reviews: Vec<Review> = crate::store::records::list_where(w.conn(), "deleted = 0 ORDER BY due, id", [])?;
    let today = DateTime::<Utc>::from_timestamp(ctx.now, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default();
    let owners = ["Sam (SDM)", "Ops team", "Vendor", "Change manager", "DBA team"];
    let mut drift = Problem {
        id: demo_id("problem/drift"),
        reference: "PRB0040100".into(),
        title: "Changes fail where test and production differ".into(),
        status: ProblemStatus::RootCauseKnown,
        root_cause: "Configuration drift between test and production".into(),
        workaround: String::new(),
        owner: "Sam (SDM)".into(),
        raised_on: Some(today - Duration::days(45)),
        due: Some(today + Duration::days(21)),
        fix_change_id: None,
        notes: "Named by every review held this year".into(),
        ticket_ids: vec![],
        change_ids: vec![],
        breach_ids: vec![],
        review_ids: vec![],
        service_ids: vec![],
    };
    for (i, mut r) in reviews.into_iter().enumerate() {
        // Reviews due over a fortnight ago were held; the rest are still to hold.
        let held = r.due < today - Duration::days(14);
        let story = r
            .ticket_id
            .as_ref()
            .is_some_and(|t| (0..STORY_RUN.len()).any(|k| *t == natural_id("ticket", &story_ticket_ref(k))));
        if held && story {
            r.held_on = Some(r.due - Duration::days(1));
            r.attendees = "SDM, payments team, vendor".into();
            r.what_went_wrong = "Wallet payment confirmations queued for over an hour at the evening peak".into();
            r.findings = "The confirmation consumer runs out of memory at wallet payment peaks; \
                          restarting it clears the queue"
                .into();
            w.save(&r)?;
        } else if held {
            r.held_on = Some(r.due - Duration::days(1));
            r.attendees = "SDM, service owner, resolver group".into();
            r.what_went_wrong = "The change was tested in an environment that differs from production".into();
            r.findings = "Keep the environments in step; add a check to the release checklist".into();
            w.save(&r)?;
            // The reviews held all found the same cause: one problem names them all.
            drift.review_ids.push(r.id.clone());
            drift.ticket_ids.extend(r.ticket_id.clone());
            drift.change_ids.extend(r.change_id.clone());
            if !drift.service_ids.contains(&r.service_id) {
                drift.service_ids.push(r.service_id.clone());
            }
        }
        let n_actions = 1 + i % 2;
        for k in 0..n_actions {
            let due = if held {
                r.due + Duration::days(10 + 7 * k as i64)
            } else {
                r.due + Duration::days(14)
            };
            let done = held && (due < today - Duration::days(3)) && (i + k) % 3 != 0;
            w.save(&Action {
                id: demo_id(&format!("action/{}/{k}", r.id)),
                title: if k == 0 {
                    "Add the missing check to the release checklist".into()
                } else {
                    "Align test configuration with production".into()
                },
                owner: ctx.rng.pick(&owners).to_string(),
                due: Some(due),
                done_on: done.then(|| due - Duration::days(1)),
                review_id: Some(r.id.clone()),
                touch_point_id: None,
                service_id: None,
                notes: String::new(),
                problem_id: None,
            })?;
        }
    }
    if !drift.review_ids.is_empty() {
        w.save(&drift)?;
    }
    // A follow-up from a touch point, due this week.
    w.save(&Action {
        id: demo_id("action/touch/0"),
        title: "Send Ann the updated availability report".into(),
        owner: "Sam (SDM)".into(),
        due: Some(today + Duration::days(2)),
        done_on: None,
        review_id: None,
        touch_point_id: Some(demo_id("touch/0/0")),
        service_id: Some(ctx.service_ids["Web Shop"].clone()),
        notes: String::new(),
        problem_id: None,
    })?;
    Ok(())
}

fn improvements(w: &mut Writer<'_>, ctx: &Ctx<'_>) -> Result<()> {
    let today = DateTime::<Utc>::from_timestamp(ctx.now, 0)
        .map(|t| t.date_naive())
        .unwrap_or_default();
    let list = [
        (
            "Simplify the expense approval flow",
            "Expense Claims",
            "Satisfaction score",
            ImprovementStatus::InProgress,
            30,
        ),
        (
            "Automate till patch testing",
            "Store POS",
            "Emergency changes per month",
            ImprovementStatus::Proposed,
            60,
        ),
        (
            "Second acquirer link for payments",
            "Payment Gateway",
            "Availability",
            ImprovementStatus::InProgress,
            45,
        ),
    ];
    for (i, (title, service, kpi, status, days)) in list.iter().enumerate() {
        w.save(&Improvement {
            id: demo_id(&format!("improvement/{i}")),
            title: title.to_string(),
            service_id: Some(ctx.service_ids[service].clone()),
            review_id: None,
            touch_point_id: None,
            kpi: kpi.to_string(),
            owner: "Sam (SDM)".into(),
            due: Some(today + Duration::days(*days)),
            status: *status,
            notes: String::new(),
        })?;
    }
    Ok(())
}
