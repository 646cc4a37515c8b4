//! What every command needs: the database path, the evaluation clock, settings, time zone.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use color_eyre::Result;

use super::Cli;
use crate::config::Settings;
use crate::error::UserError;
use crate::store::{OpenMode, Store};

#[derive(Debug, Clone)]
pub struct Context {
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

impl Context {
    pub fn new(cli: &Cli) -> Result<Context> {
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
        Ok(Context {
            db,
            now: cli.now.unwrap_or_else(Utc::now),
            now_fixed: cli.now.is_some(),
            settings,
            tz,
            color,
        })
    }

    pub fn open(&self, mode: OpenMode) -> Result<Store> {
        let mut store = Store::open(&self.db, mode)?;
        store.on_wait(|what| super::out::stderr_line(&format!("sdm: {what}")));
        Ok(store)
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
