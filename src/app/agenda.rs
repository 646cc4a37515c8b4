//! What needs attention now: the one agenda, for `sdm agenda`, a login message and the
//! interface's agenda line alike.

use chrono::{DateTime, Utc};

use crate::domain::agenda::{Agenda, FlagItem};
use crate::engine::Engine;
use crate::engine::clocks::TicketClock;
use crate::engine::health::ServiceHealth;
use crate::store::{OpenMode, Store};

use super::{AppResult, Ctx};

/// The agenda as of the context's now, listing at most `limit` of each long list (every
/// number in `counts` is of all of them).
pub fn build(store: &Store, ctx: &Ctx, limit: Option<usize>) -> AppResult<Agenda> {
    // The problem signals count a window of the history: they are counted on a second
    // connection, on another core, while this one works out the rest. Like the interface's
    // full load, they are then their own reading of the file (an import committing in between
    // shows in one and not the other until the next run).
    let path = store.path().to_path_buf();
    let now = ctx.now;
    std::thread::scope(|scope| {
        let mut aside = std::thread::Builder::new()
            .name("agenda-signals".into())
            .spawn_scoped(scope, move || flags_aside(&path, now))
            .ok();
        let result = (|| -> AppResult<Agenda> {
            // One read transaction for the rest: one consistent view of the file, locked once
            // rather than per query (what the rules work out is cached inside it and kept).
            let tx = store
                .conn()
                .unchecked_transaction()
                .map_err(crate::store::StoreError::from)?;
            let mut agenda = first_listing(store, ctx, limit)?;
            let engine = Engine::load(store.conn(), &ctx.settings)?;
            crate::engine::agenda::enrich(&mut agenda, store.conn(), &engine, ctx.now.timestamp())?;
            agenda.problem_flags = match aside.take().and_then(|h| h.join().ok()).flatten() {
                Some(Ok(flags)) => flags,
                // No second connection here (or its reading failed): counted on this one.
                _ => crate::store::signals::problem_flags(store.conn(), ctx.now)?,
            };
            agenda.finish();
            // Nothing but the rules' cache is written; if it cannot be kept now, it is worked out again.
            let _ = tx.commit();
            Ok(agenda)
        })();
        // Joined whatever happened above: an error returned early does not leave it running.
        if let Some(h) = aside.take() {
            let _ = h.join();
        }
        result
    })
}

/// The problem signals counted on a connection of their own to the file at `path`, in one read
/// transaction; `None` when it cannot be opened (the caller counts them on its own).
pub fn flags_aside(path: &std::path::Path, now: DateTime<Utc>) -> Option<crate::store::Result<Vec<FlagItem>>> {
    let other = Store::open(path, OpenMode::Existing).ok()?;
    let tx = other.conn().unchecked_transaction().ok()?;
    let flags = crate::store::signals::problem_flags(&tx, now);
    // Read only: nothing to keep.
    drop(tx);
    Some(flags)
}

/// The agenda from the store alone, before the rules add clocks and watermelons (the
/// interface's first frame).
pub fn listing(store: &Store, ctx: &Ctx, limit: Option<usize>) -> AppResult<Agenda> {
    listing_with(store, ctx, limit, true)
}

/// As [`listing`], without the problem signals (they read a window of the history): the
/// interface's first frame, drawn from indexed lists whatever the size of the file.
pub fn first_listing(store: &Store, ctx: &Ctx, limit: Option<usize>) -> AppResult<Agenda> {
    listing_with(store, ctx, limit, false)
}

fn listing_with(store: &Store, ctx: &Ctx, limit: Option<usize>, signals: bool) -> AppResult<Agenda> {
    let mut agenda = store.agenda_listing(
        ctx.now,
        ctx.tz,
        ctx.settings.due_horizon_days,
        ctx.settings.stale_import_hours,
        limit,
        signals,
    )?;
    agenda.problems = super::problems::list(store, ctx, false)?;
    agenda.finish();
    Ok(agenda)
}

/// As [`build`], from the clocks and health the caller has already worked out.
pub fn build_given(
    store: &Store,
    ctx: &Ctx,
    limit: Option<usize>,
    urgent: &[TicketClock],
    health: &[ServiceHealth],
) -> AppResult<Agenda> {
    let mut agenda = listing(store, ctx, limit)?;
    crate::engine::agenda::enrich_given(&mut agenda, store.conn(), ctx.now.timestamp(), urgent, health)?;
    Ok(agenda)
}
