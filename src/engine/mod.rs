//! The SLA rules applied to what the store holds: ticket clocks, breach detection,
//! availability and each service's health. The rules themselves are pure
//! (`domain::sla`, `domain::health`); this layer loads their inputs and stores their results.

pub mod adapter;
pub mod agenda;
pub mod cache;
pub mod clocks;
pub mod costs;
pub mod credits;
pub mod detect;
pub mod health;

use std::collections::HashMap;

use rusqlite::Connection;

use crate::config::Settings;
use crate::domain::enums::{Priority, TargetKind};
use crate::domain::model::{CalendarRecord, Service, SlaTarget};
use crate::store::Result;
use crate::store::builtin_calendar_id;
use crate::store::records::list_where;
pub use adapter::{Cal, ClockView};

/// A map keyed by id with a fast hasher: the rules look services, targets and calendars up
/// for every clock of every ticket (millions of times in a detection at a million tickets),
/// and the standard hasher's resistance to chosen keys costs several times as much per
/// lookup. The hasher is still seeded per process.
pub type IdMap<V> = FastMap<String, V>;

/// A map with the fast seeded hasher of [`IdMap`], for lookups made per clock.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
/// A set with the fast seeded hasher of [`IdMap`].
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Everything the rules need besides the tickets: calendars, services, targets, thresholds.
pub struct Engine {
    pub calendars: IdMap<Cal>,
    pub calendar_names: IdMap<String>,
    /// A stamp of each calendar's stored form (what cached figures were computed under).
    pub calendar_stamps: IdMap<u64>,
    pub services: IdMap<Service>,
    /// Per service: its targets.
    pub targets: IdMap<Vec<SlaTarget>>,
    pub settings: Settings,
    /// Calendars whose stored form the rules refused, with why (shown, and 24x7 used instead).
    pub problems: Vec<String>,
    /// Each service's [`Engine::rules_stamp`], worked out once (the rules loaded do not change).
    rule_stamps: std::sync::Mutex<HashMap<String, String>>,
}

/// Which clock of a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    Response,
    Resolution,
}

impl ClockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::Response => "response",
            ClockKind::Resolution => "resolution",
        }
    }

    pub fn target_kind(self) -> TargetKind {
        match self {
            ClockKind::Response => TargetKind::Response,
            ClockKind::Resolution => TargetKind::Resolution,
        }
    }
}

impl Engine {
    pub fn load(conn: &Connection, settings: &Settings) -> Result<Engine> {
        let mut calendars = IdMap::default();
        let mut calendar_names = IdMap::default();
        let mut problems = Vec::new();
        let records: Vec<CalendarRecord> = list_where(conn, "deleted = 0", [])?;
        let calendar_stamps = cache::calendar_stamps(&records);
        for rec in records {
            calendar_names.insert(rec.id.clone(), rec.name.clone());
            match adapter::build_calendar(&rec) {
                Ok(cal) => {
                    calendars.insert(rec.id.clone(), cal);
                }
                Err(why) => problems.push(format!("calendar \"{}\": {why}; counted as 24x7", rec.name)),
            }
        }
        calendars
            .entry(builtin_calendar_id())
            .or_insert_with(adapter::always_on);
        let services: IdMap<Service> = list_where::<Service, _>(conn, "deleted = 0", [])?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect();
        let mut targets: IdMap<Vec<SlaTarget>> = IdMap::default();
        for t in list_where::<SlaTarget, _>(conn, "deleted = 0", [])? {
            targets.entry(t.service_id.clone()).or_default().push(t);
        }
        Ok(Engine {
            calendars,
            calendar_names,
            calendar_stamps,
            services,
            targets,
            settings: settings.clone(),
            problems,
            rule_stamps: Default::default(),
        })
    }

    /// An engine that knows nothing yet (for a first frame drawn before the rules run).
    pub fn empty(settings: &Settings) -> Engine {
        let mut calendars = IdMap::default();
        calendars.insert(builtin_calendar_id(), adapter::always_on());
        Engine {
            calendars,
            calendar_names: IdMap::default(),
            calendar_stamps: IdMap::default(),
            services: IdMap::default(),
            targets: IdMap::default(),
            settings: settings.clone(),
            problems: Vec::new(),
            rule_stamps: Default::default(),
        }
    }

    /// The target of a service for a clock and priority, as in force when the ticket was
    /// opened (a ticket is judged by the terms valid then; the day in the service window).
    pub fn target(&self, service_id: &str, kind: ClockKind, priority: Priority, opened_at: i64) -> Option<&SlaTarget> {
        let targets = self.targets.get(service_id)?;
        // Most services have one version of each target: no day to work out then.
        if targets.iter().all(|t| t.valid_from.is_none()) {
            return targets
                .iter()
                .find(|t| t.kind == kind.target_kind() && t.priority == Some(priority));
        }
        let day = self.calendar_for(service_id, None).0.local_date(opened_at);
        crate::domain::model::target_in_force(targets, kind.target_kind(), Some(priority), day)
    }

    /// The calendar a target counts in: its own, else the service window, else 24x7; with
    /// its id (borrowed: this is asked for every clock of every ticket).
    pub fn calendar_for<'a>(&'a self, service_id: &str, target: Option<&'a SlaTarget>) -> (&'a Cal, &'a str) {
        let id = target
            .and_then(|t| t.calendar_id.as_deref())
            .or_else(|| {
                self.services
                    .get(service_id)
                    .and_then(|s| s.window_calendar_id.as_deref())
            })
            .unwrap_or_else(|| always_calendar_id());
        match self.calendars.get(id) {
            Some(c) => (c, id),
            None => {
                let always = always_calendar_id();
                // The built-in one is always loaded.
                let cal = self.calendars.get(always).unwrap_or_else(|| adapter::always_on_ref());
                (cal, always)
            }
        }
    }

    pub fn service_name(&self, id: &str) -> &str {
        self.services.get(id).map(|s| s.name.as_str()).unwrap_or("?")
    }
}

/// The built-in 24x7 calendar's id, worked out once.
fn always_calendar_id() -> &'static str {
    static ID: std::sync::LazyLock<String> = std::sync::LazyLock::new(builtin_calendar_id);
    &ID
}
