//! The demo data: a coherent portfolio dated relative to `now`, and synthetic data sets of
//! any size for benchmarks.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::store::{Result, Store};

/// What a demo wrote, for the command's one-line report.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub services: usize,
    pub tickets: usize,
    pub stakeholders: usize,
}

impl std::fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} services, {} tickets, {} stakeholders",
            self.services, self.tickets, self.stakeholders
        )
    }
}

pub fn write_demo(_store: &mut Store, _now: DateTime<Utc>, _tz: Tz) -> Result<DemoSummary> {
    Ok(DemoSummary::default())
}

pub fn write_synthetic(_store: &mut Store, _now: DateTime<Utc>, _tickets: u64, _seed: u64) -> Result<DemoSummary> {
    Ok(DemoSummary::default())
}
