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
        Ok(())
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
    }
}
