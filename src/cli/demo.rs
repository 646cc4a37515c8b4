//! `sdm demo`: the demo data set, or a synthetic one of a given size.

use clap::Args;
use color_eyre::Result;

use super::Context;
use crate::error::UserError;
use crate::store::{OpenMode, queries};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Instead of the demo portfolio, a synthetic data set of about N tickets
    #[arg(long, value_name = "N")]
    pub scale: Option<u64>,
    /// The seed of the synthetic data set (the same seed gives the same data)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
}

pub fn run(ctx: &Context, args: &DemoArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Create)?;
    let records: i64 = queries::row_counts(store.conn())?
        .iter()
        .filter(|(t, _, _)| *t != "calendars")
        .map(|(_, live, dead)| live + dead)
        .sum();
    if records > 0 {
        return Err(UserError::new(format!(
            "{} already holds records: write the demo into a new file (give another --db)",
            ctx.db.display()
        ))
        .into());
    }
    let summary = match args.scale {
        None => crate::demo::write_demo(&mut store, ctx.now, ctx.tz)?,
        Some(0) => return Err(UserError::new("--scale must be at least 1").into()),
        Some(n) if n > 20_000_000 => return Err(UserError::new("--scale is at most 20000000 tickets").into()),
        Some(n) => crate::demo::write_synthetic(&mut store, ctx.now, n, args.seed)?,
    };
    // The demo holds facts and manual breaches; the SLA engine detects the rest from them.
    let engine = crate::engine::Engine::load(store.conn(), &ctx.settings)?;
    let now = ctx.now.timestamp();
    let detected = store.write(None, |w| {
        let found = crate::engine::detect::detect(w, &engine, now)?;
        crate::demo::portfolio::settle_history(w, now)?;
        // Work out every service's health once, so the first start reads it from the cache.
        engine.health(w.conn(), now)?;
        Ok(found)
    })?;
    say!(
        "wrote {summary} to {} ({} breaches detected)",
        ctx.db.display(),
        detected.created
    );
    Ok(())
}
