//! Settings from a TOML file in the platform config dir (`--config` overrides). Every setting
//! has a default; an unknown key or a bad value is reported with what is accepted.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::UserError;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// The time zone times are shown in (IANA name); default: the system's.
    pub timezone: Option<String>,
    /// A clock turns amber at this percentage of its target.
    pub warn_percent: f64,
    /// A clock is at risk from this percentage of its target.
    pub risk_percent: f64,
    /// Reviews fall due this many working days after the change or the incident.
    pub review_due_working_days: i64,
    /// The agenda looks this many days ahead.
    pub due_horizon_days: i64,
    /// Warn when imported data is older than this many hours.
    pub stale_import_hours: i64,
    /// A ticket target is met for a month when at least this share of its tickets met it.
    pub ticket_target_attainment: f64,
    /// The customer's experience is poor below this weighted score (on a 1-5 scale).
    pub experience_poor_below: f64,
    /// Touch points and surveys older than this many days do not count for experience.
    pub experience_window_days: i64,
    /// `sdm clocks` shows tickets closed within this many days besides the open ones.
    pub clocks_recent_days: i64,
    /// How imports read the ITSM tool's priority names, e.g. `"Sev A" = "P1"` (on top of the
    /// built-in readings: `1 - Critical`, `Highest`, `High`, `Medium`, `Low`, ...).
    pub priorities: std::collections::BTreeMap<String, String>,
    /// How imports read the day-month order of numeric dates (`dmy` or `mdy`) when a file's
    /// own dates do not settle it; `--date-order` overrides.
    pub date_order: Option<crate::io::dates::DateOrder>,
    /// How imports read a state word local to one instance: `"Awaiting QA" = "open"` (open,
    /// on_hold, resolved, closed or cancelled), before the built-in words.
    pub states: std::collections::BTreeMap<String, String>,
    /// How imports read a ticket type: `"Bug" = "incident"` (incident or request). A type
    /// neither here nor built in is read as an incident, and the import says so.
    pub ticket_kinds: std::collections::BTreeMap<String, String>,
    /// How imports read a change type local to one instance: `"Comprehensive" = "normal"`
    /// (standard, normal or emergency).
    pub change_kinds: std::collections::BTreeMap<String, String>,
    /// How imports read a change outcome (a close code or sub-state): `"Done OK" = "successful"`
    /// (successful, successful_with_issues, failed, rolled_back, pending or cancelled).
    pub change_outcomes: std::collections::BTreeMap<String, String>,
    /// A clock is at risk also when less working time than this is left, per priority
    /// (`P1 = "30m"`), as the ITSM tools offer; by share used alone when a priority has none.
    pub at_risk_left: std::collections::BTreeMap<String, String>,
    /// Who "I" am: the owner of the actions sdm makes and the name on the steps taken on a
    /// breach. Default: the login name.
    pub me: String,
    /// The reasons an SDM may give for leaving a ticket or an outage out of the SLA (slugs).
    pub exclusion_reasons: Vec<String>,
    /// The causes an SDM may give when closing a breach (slugs).
    pub breach_causes: Vec<String>,
    /// Whether an imported degradation (ServiceNow's outage type `Degradation`) counts as
    /// downtime; by default it does not, and the import says how many it left out.
    pub degradation_is_outage: bool,
    /// Which column is which field where the header does not say: `"u_product" = "service"`
    /// for tickets; `[columns.changes]` and `[columns.outages]` for those kinds.
    pub columns: ColumnMaps,
    /// Where the interface writes service reviews; default: the documents folder's `sdm`,
    /// or the database's folder where there is none (a jump host).
    pub reports_dir: Option<String>,
}

/// `[columns]`: header → generic column name, per kind of file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct ColumnMaps {
    pub changes: std::collections::BTreeMap<String, String>,
    pub outages: std::collections::BTreeMap<String, String>,
    #[serde(flatten)]
    pub tickets: std::collections::BTreeMap<String, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            timezone: None,
            warn_percent: 50.0,
            risk_percent: 75.0,
            review_due_working_days: 5,
            due_horizon_days: 7,
            stale_import_hours: 24,
            ticket_target_attainment: 95.0,
            experience_poor_below: 3.0,
            experience_window_days: 90,
            clocks_recent_days: 7,
            priorities: std::collections::BTreeMap::new(),
            date_order: None,
            states: std::collections::BTreeMap::new(),
            ticket_kinds: std::collections::BTreeMap::new(),
            change_kinds: std::collections::BTreeMap::new(),
            change_outcomes: std::collections::BTreeMap::new(),
            degradation_is_outage: false,
            reports_dir: None,
            at_risk_left: std::collections::BTreeMap::new(),
            me: default_me(),
            exclusion_reasons: [
                "customer-caused",
                "third-party",
                "planned-work",
                "force-majeure",
                "duplicate",
                "other",
            ]
            .map(String::from)
            .to_vec(),
            breach_causes: [
                "understaffed",
                "handover-delay",
                "third-party",
                "wrong-priority",
                "change-related",
                "customer",
                "other",
            ]
            .map(String::from)
            .to_vec(),
            columns: ColumnMaps::default(),
        }
    }
}

impl Settings {
    /// Reads the settings; a missing default file means defaults, a missing `--config` file
    /// is an error.
    pub fn load(explicit: Option<&Path>) -> Result<Settings, UserError> {
        let (path, must_exist) = match explicit {
            Some(p) => (p.to_path_buf(), true),
            None => match default_path() {
                Some(p) => (p, false),
                None => return Ok(Settings::default()),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => return Ok(Settings::default()),
            Err(e) => {
                return Err(UserError::new(format!(
                    "cannot read the config file {}: {e}",
                    path.display()
                )));
            }
        };
        Settings::parse(&text).map_err(|m| UserError::new(format!("config file {}: {m}", path.display())))
    }

    pub fn parse(text: &str) -> Result<Settings, String> {
        let s: Settings = toml::from_str(text).map_err(|e| e.message().to_string())?;
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> Result<(), String> {
        if let Some(tz) = &self.timezone
            && tz.parse::<chrono_tz::Tz>().is_err()
        {
            return Err(format!(
                "timezone \"{tz}\" is not known: use an IANA name such as Europe/Amsterdam"
            ));
        }
        if !(0.0 < self.warn_percent && self.warn_percent < self.risk_percent && self.risk_percent < 100.0) {
            return Err("use 0 < warn_percent < risk_percent < 100 (defaults 50 and 75)".into());
        }
        if !(1..=60).contains(&self.review_due_working_days) {
            return Err("review_due_working_days: use 1 to 60 (default 5)".into());
        }
        if !(1..=90).contains(&self.due_horizon_days) {
            return Err("due_horizon_days: use 1 to 90 (default 7)".into());
        }
        if self.stale_import_hours < 1 {
            return Err("stale_import_hours: use 1 or more (default 24)".into());
        }
        if !(0.0..=100.0).contains(&self.ticket_target_attainment) {
            return Err("ticket_target_attainment: use a percentage from 0 to 100 (default 95)".into());
        }
        if !(1.0..=5.0).contains(&self.experience_poor_below) {
            return Err("experience_poor_below: use a score from 1 to 5 (default 3.0)".into());
        }
        if !(7..=366).contains(&self.experience_window_days) {
            return Err("experience_window_days: use 7 to 366 (default 90)".into());
        }
        if !(0..=366).contains(&self.clocks_recent_days) {
            return Err("clocks_recent_days: use 0 to 366 (default 7)".into());
        }
        for (name, p) in &self.priorities {
            if p.parse::<crate::domain::enums::Priority>().is_err() {
                return Err(format!(
                    "priorities: \"{name}\" = \"{p}\": map each name to P1, P2, P3 or P4"
                ));
            }
        }
        for (p, left) in &self.at_risk_left {
            if p.parse::<crate::domain::enums::Priority>().is_err() {
                return Err(format!("at_risk_left: \"{p}\": use P1, P2, P3 or P4"));
            }
            if crate::domain::parse::parse_duration(left).is_err() {
                return Err(format!(
                    "at_risk_left: {p} = \"{left}\": use a duration such as 30m or 2h"
                ));
            }
        }
        if self.me.trim().is_empty() {
            return Err("me: give a name (it owns the actions sdm makes)".into());
        }
        for (key, list) in [
            ("exclusion_reasons", &self.exclusion_reasons),
            ("breach_causes", &self.breach_causes),
        ] {
            if list.is_empty() || list.iter().any(|s| s.trim().is_empty()) {
                return Err(format!(
                    "{key}: give a list of one or more names, e.g. [\"customer-caused\", \"other\"]"
                ));
            }
        }
        for (word, state) in &self.states {
            if let Err(e) = state.parse::<crate::io::cells::FileState>() {
                return Err(format!("states: \"{word}\" = \"{state}\": {e}"));
            }
        }
        for (word, kind) in &self.ticket_kinds {
            if kind.parse::<crate::domain::enums::TicketKind>().is_err() {
                return Err(format!(
                    "ticket_kinds: \"{word}\" = \"{kind}\": use incident or request"
                ));
            }
        }
        for (word, kind) in &self.change_kinds {
            if kind.parse::<crate::domain::enums::ChangeKind>().is_err() {
                return Err(format!(
                    "change_kinds: \"{word}\" = \"{kind}\": use standard, normal or emergency"
                ));
            }
        }
        for (word, outcome) in &self.change_outcomes {
            if outcome.parse::<crate::domain::enums::ChangeOutcome>().is_err() {
                return Err(format!(
                    "change_outcomes: \"{word}\" = \"{outcome}\": use successful, successful_with_issues, failed, rolled_back, pending or cancelled"
                ));
            }
        }
        for (header, field) in self
            .columns
            .tickets
            .iter()
            .chain(&self.columns.changes)
            .chain(&self.columns.outages)
        {
            if crate::io::mapping::Field::from_name(field).is_none() {
                return Err(format!(
                    "columns: \"{header}\" = \"{field}\": use one of ref, service, priority, opened, responded, resolved, closed, updated, state, kind, summary, pauses, waiting (tickets), start, end, planned (outages), implemented, outcome (changes)"
                ));
            }
        }
        Ok(())
    }
}

/// The login name, else "me".
fn default_me() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| "me".to_string())
}

impl Settings {
    /// The working time left under which a clock of this priority is at risk, if set.
    pub fn at_risk_left_secs(&self, priority: crate::domain::enums::Priority) -> Option<i64> {
        self.at_risk_left
            .iter()
            .find(|(p, _)| p.parse::<crate::domain::enums::Priority>().ok() == Some(priority))
            .and_then(|(_, left)| crate::domain::parse::parse_duration(left).ok())
    }

    /// A slug from one of the settings' lists (`customer-caused`), matched case-blind and
    /// with spaces or underscores for dashes; the error lists what is accepted.
    pub fn pick<'a>(list: &'a [String], what: &str, given: &str) -> Result<&'a str, String> {
        let norm = |s: &str| s.trim().to_lowercase().replace([' ', '_'], "-");
        let g = norm(given);
        list.iter()
            .find(|s| norm(s) == g)
            .map(String::as_str)
            .ok_or_else(|| format!("\"{}\" is not a {what}: use one of {}", given.trim(), list.join(", ")))
    }
}

pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "sdm").map(|d| d.config_dir().join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_overrides() {
        assert_eq!(Settings::parse(""), Ok(Settings::default()));
        let s = Settings::parse("risk_percent = 80\ntimezone = \"Europe/Amsterdam\"").ok();
        assert_eq!(s.map(|s| s.risk_percent), Some(80.0));
    }

    #[test]
    fn bad_settings_say_what_is_accepted() {
        let unknown = Settings::parse("colour = \"pink\"").err().unwrap_or_default();
        assert!(unknown.contains("colour"), "{unknown}");
        let tz = Settings::parse("timezone = \"Mars/Olympus\"").err().unwrap_or_default();
        assert!(tz.contains("IANA"), "{tz}");
        assert!(Settings::parse("warn_percent = 90").is_err());
        let state = Settings::parse("[states]\n\"Awaiting QA\" = \"limbo\"")
            .err()
            .unwrap_or_default();
        assert!(state.contains("on_hold"), "{state}");
        let column = Settings::parse("[columns]\nu_product = \"product\"")
            .err()
            .unwrap_or_default();
        assert!(column.contains("u_product"), "{column}");
    }

    #[test]
    fn import_maps() {
        let s = Settings::parse(
            "date_order = \"mdy\"\n[states]\n\"Awaiting QA\" = \"on_hold\"\n[columns]\nu_product = \"service\"\n[columns.changes]\nu_cab = \"kind\"\n",
        )
        .unwrap_or_default();
        assert_eq!(s.date_order, Some(crate::io::dates::DateOrder::Mdy));
        assert_eq!(s.states.get("Awaiting QA").map(String::as_str), Some("on_hold"));
        assert_eq!(s.columns.tickets.get("u_product").map(String::as_str), Some("service"));
        assert_eq!(s.columns.changes.get("u_cab").map(String::as_str), Some("kind"));
    }
}
