//! What every use case needs, whichever front end calls it: the database, the evaluation
//! clock (and whether it is fixed), the display time zone and the settings.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use color_eyre::Result;

use crate::config::Settings;
use crate::error::UserError;
use crate::store::{OpenMode, Store};

#[derive(Debug, Clone)]
pub struct Ctx {
    pub db: PathBuf,
    /// The clock for evaluation and defaults (`--now`, else the real clock).
    pub now: DateTime<Utc>,
    /// Whether `--now` fixed the clock (the interface then does not let it run).
    pub now_fixed: bool,
    pub settings: Settings,
    /// The zone times are shown in.
    pub tz: Tz,
    pub color: bool,
}

/// `--now` as given: an instant, or a day that starts in the display zone (known only once
/// the settings are read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NowArg {
    Instant(DateTime<Utc>),
    Day(chrono::NaiveDate),
}

impl NowArg {
    /// The instant meant: a day's first moment in `tz` (after a gap, the first that exists).
    pub fn resolve(self, tz: Tz) -> DateTime<Utc> {
        use chrono::TimeZone;
        match self {
            NowArg::Instant(t) => t,
            NowArg::Day(d) => {
                let midnight = d.and_time(chrono::NaiveTime::MIN);
                // A zone that moves its clocks at midnight has no 00:00 that day: step forward.
                (0..=180)
                    .step_by(15)
                    .find_map(|m| {
                        tz.from_local_datetime(&(midnight + chrono::Duration::minutes(m)))
                            .earliest()
                    })
                    .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
            }
        }
    }
}

/// What the command line gives to make a context from.
#[derive(Debug, Clone, Default)]
pub struct CtxOptions {
    pub db: Option<PathBuf>,
    pub now: Option<NowArg>,
    pub config: Option<PathBuf>,
    pub no_color: bool,
}

impl Ctx {
    pub fn new(cli: &CtxOptions) -> Result<Ctx> {
        let settings = Settings::load(cli.config.as_deref())?;
        let tz = match &settings.timezone {
            Some(name) => name.parse().unwrap_or(Tz::UTC),
            None => system_zone(),
        };
        let db = match &cli.db {
            Some(p) if p.as_os_str().is_empty() => return Err(UserError::new("--db is empty: give a file path").into()),
            Some(p) => p.clone(),
            None => default_db_path()?,
        };
        let color = !cli.no_color && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Ok(Ctx {
            db,
            now: cli.now.map_or_else(Utc::now, |n| n.resolve(tz)),
            now_fixed: cli.now.is_some(),
            settings,
            tz,
            color,
        })
    }

    pub fn open(&self, mode: OpenMode) -> Result<Store> {
        Ok(Store::open_telling(&self.db, mode, |what| {
            crate::error::stderr_line(&format!("sdm: {what}"))
        })?)
    }

    /// Today in the display zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.now.with_timezone(&self.tz).date_naive()
    }

    /// A context for tests and tools: a fixed clock, UTC unless told, default settings.
    pub fn fixed(db: impl Into<PathBuf>, now: DateTime<Utc>, tz: Tz, settings: Settings) -> Ctx {
        Ctx {
            db: db.into(),
            now,
            now_fixed: true,
            settings,
            tz,
            color: false,
        }
    }

    /// An instant as RFC 3339 in the display zone.
    pub fn show_instant(&self, t: DateTime<Utc>) -> String {
        t.with_timezone(&self.tz).to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

pub fn default_db_path() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "sdm")
        .map(|d| d.data_dir().join("sdm.db"))
        .ok_or_else(|| UserError::new("no home directory to keep the database in: give --db PATH").into())
}

/// The system's time zone: `TZ`, else /etc/localtime's link, else /etc/timezone, else UTC.
pub fn system_zone() -> Tz {
    if let Ok(tz) = std::env::var("TZ")
        && let Ok(z) = tz.trim_start_matches(':').parse()
    {
        return z;
    }
    if let Ok(target) = std::fs::read_link("/etc/localtime")
        && let Some(z) = zone_from_path(&target)
    {
        return z;
    }
    if let Ok(text) = std::fs::read_to_string("/etc/timezone")
        && let Ok(z) = text.trim().parse()
    {
        return z;
    }
    Tz::UTC
}

fn zone_from_path(path: &Path) -> Option<Tz> {
    let s = path.to_str()?;
    let idx = s.find("zoneinfo/")?;
    s[idx + "zoneinfo/".len()..].parse().ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod now_tests {
    use super::*;

    #[test]
    fn a_plain_date_is_the_start_of_that_day_in_the_display_zone() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let ny: Tz = "America/New_York".parse().unwrap();
        assert_eq!(NowArg::Day(d).resolve(ny).to_rfc3339(), "2026-12-01T05:00:00+00:00");
        assert_eq!(
            NowArg::Day(d).resolve(Tz::UTC).to_rfc3339(),
            "2026-12-01T00:00:00+00:00"
        );
        // Santiago moved its clocks at midnight on 2022-09-11: the day began at 01:00.
        let scl: Tz = "America/Santiago".parse().unwrap();
        let gap = chrono::NaiveDate::from_ymd_opt(2022, 9, 11).unwrap();
        assert_eq!(NowArg::Day(gap).resolve(scl).to_rfc3339(), "2022-09-11T04:00:00+00:00");
    }
}
