//! Seeding a database with the demo portfolio or a synthetic data set of a given size.

use crate::store::{Store, queries};

use super::{AppError, AppResult, Ctx};

/// Which data set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DataSet {
    /// The demo portfolio, dated around now.
    Demo,
    /// About `tickets` synthetic tickets; the same seed gives the same data.
    Synthetic {
        tickets: u64,
        seed: u64,
        shape: crate::demo::synthetic::Shape,
    },
}

/// The largest synthetic data set.
pub const MAX_TICKETS: u64 = 20_000_000;

pub struct Seeded {
    /// What was written, e.g. "the demo portfolio (12 services, ...)".
    pub summary: String,
    /// Breaches the rules found in it.
    pub detected: usize,
}

/// Writes a data set into an empty database, lets the rules detect breaches and works out each
/// service's health once (so the first start reads it from the cache).
pub fn seed(store: &mut Store, ctx: &Ctx, set: DataSet) -> AppResult<Seeded> {
    let records: i64 = queries::row_counts(store.conn())?
        .iter()
        .filter(|(t, _, _)| *t != "calendars")
        .map(|(_, live, dead)| live + dead)
        .sum();
    if records > 0 {
        return Err(AppError::conflict(
            "db",
            format!(
                "{} already holds records: write the demo into a new file (give another --db)",
                store.path().display()
            ),
        ));
    }
    // The whole data set goes into the new file in rollback-journal mode (written once, not
    // to the log and again into the file), and the file is in WAL mode again after.
    // Its rows reference each other by construction: written without looking each reference
    // up (`sdm check` counts broken ones; the demo's tests run it).
    // The indexes set aside are built again sorting on file (`writing_a_data_set`).
    store.in_rollback_journal(|store| {
        store.without_foreign_key_checks(|store| store.writing_a_data_set(|store| seed_into(store, ctx, set)))
    })
}

fn seed_into(store: &mut Store, ctx: &Ctx, set: DataSet) -> AppResult<Seeded> {
    let summary = match set {
        DataSet::Demo => crate::demo::write_demo(store, ctx.now, ctx.tz)?,
        DataSet::Synthetic { tickets: 0, .. } => return Err(AppError::invalid("--scale", "must be at least 1")),
        DataSet::Synthetic { tickets, .. } if tickets > MAX_TICKETS => {
            return Err(AppError::invalid(
                "--scale",
                format!("is at most {MAX_TICKETS} tickets"),
            ));
        }
        DataSet::Synthetic { tickets, seed, shape } => {
            crate::demo::write_synthetic_shaped(store, ctx.now, tickets, seed, shape)?
        }
    };
    // The data set holds facts and manual breaches; the rules detect the rest from them.
    let engine = crate::engine::Engine::load(store.conn(), &ctx.settings)?;
    let now = ctx.now.timestamp();
    let tickets = match set {
        DataSet::Synthetic { tickets, .. } => usize::try_from(tickets).unwrap_or(usize::MAX),
        DataSet::Demo => 0,
    };
    let detected = store.write(None, |w| {
        // The breaches of a large data set are written and settled with their plain indexes set
        // aside (detection reads them through `breaches_ticket`, which stays), then indexed once;
        // settled without the baselines' counters (a new file keeps no baseline yet).
        let mut aside = w.set_aside_indexes_but("breaches", tickets, &["breaches_ticket"])?;
        if !aside.is_empty() {
            w.set_aside_counters("breaches", &mut aside)?;
        }
        let found = crate::engine::detect::detect(w, &engine, now)?;
        crate::demo::portfolio::settle_history(w, now)?;
        w.rebuild_indexes(aside)?;
        engine.health(w.conn(), now)?;
        Ok(found)
    })?;
    Ok(Seeded {
        summary: summary.to_string(),
        detected: detected.created,
    })
}
