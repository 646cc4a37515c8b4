//! The demo data: a coherent portfolio dated relative to `now`, and synthetic data sets of
//! any size for benchmarks.

pub mod holidays;
pub mod portfolio;
pub mod rng;
pub mod synthetic;

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

/// Writes the demo portfolio as of `now`.
pub fn write_demo(store: &mut Store, now: DateTime<Utc>, tz: Tz) -> Result<DemoSummary> {
    portfolio::write(store, now, tz)
}

/// Writes a synthetic data set of about `tickets` tickets.
pub fn write_synthetic(store: &mut Store, now: DateTime<Utc>, tickets: u64, seed: u64) -> Result<DemoSummary> {
    synthetic::write(store, now, tickets, seed)
}

/// A synthetic data set shaped like a real queue (`--open`, `--breached`).
pub fn write_synthetic_shaped(
    store: &mut Store,
    now: DateTime<Utc>,
    tickets: u64,
    seed: u64,
    shape: synthetic::Shape,
) -> Result<DemoSummary> {
    synthetic::write_shaped(store, now, tickets, seed, shape)
}
