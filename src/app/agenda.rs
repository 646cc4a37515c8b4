//! What needs attention now: the one agenda, for `sdm agenda`, a login message and the
//! interface's agenda line alike.

use crate::domain::agenda::Agenda;
use crate::engine::Engine;
use crate::engine::clocks::TicketClock;
use crate::engine::health::{HealthReads, ServiceHealth};
use crate::store::rule_cache::Pending;
use crate::store::{OpenMode, Store};

use super::{AppResult, Ctx};

/// The agenda as of the context's now, listing at most `limit` of each long list (every
/// number in `counts` is of all of them).
pub fn build(store: &Store, ctx: &Ctx, limit: Option<usize>) -> AppResult<Agenda> {
    // Read on two connections at once, which must see the same file: when another writer
    // committed meanwhile (SQLite's data version moved), it is read again on one.
    // (Read outside a transaction, the version is the file's as it is now; this connection's
    // own writes to the rules' cache do not move it.)
    let version = store.data_version().ok();
    let agenda = build_on_two(store, ctx, limit)?;
    if version.is_some() && store.data_version().ok() == version {
        return Ok(agenda);
    }
    build_on_one(store, ctx, limit)
}

/// The agenda with its listing and problem signals (a window of the history) read on a second
/// connection, on another core, while this one works out the clocks and the services' health.
fn build_on_two(store: &Store, ctx: &Ctx, limit: Option<usize>) -> AppResult<Agenda> {
    let path = store.path().to_path_buf();
    // What the services' health reads besides the rules, read first on the other connection.
    let (send_reads, reads) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        let mut aside = std::thread::Builder::new()
            .name("agenda-listing".into())
            .spawn_scoped(scope, move || listing_aside_of(&path, ctx, limit, Some(send_reads)))
            .ok();
        let result = (|| -> AppResult<Agenda> {
            // One read transaction for the rest: one consistent view of the file, locked once
            // rather than per query (what the rules work out is cached inside it and kept).
            let tx = store
                .conn()
                .unchecked_transaction()
                .map_err(crate::store::StoreError::from)?;
            let conn = store.conn();
            let engine = Engine::load(conn, &ctx.settings)?;
            let now = ctx.now.timestamp();
            let urgent = engine.urgent(conn, now)?;
            // Read on the other connection while the clocks were worked out (there is none
            // when it could not be opened: the sender is gone, and they are read here).
            let health = match reads.recv() {
                Ok(Ok(reads)) => engine.health_from(conn, now, None, &urgent, reads)?,
                _ => engine.health_given(conn, now, None, &urgent)?,
            };
            // What the rules add is worked out while the listing may still be read.
            let items = crate::engine::agenda::rule_items(conn, now, &urgent, &health)?;
            let mut agenda = match aside.take().and_then(|h| h.join().ok()).flatten() {
                Some(Ok((agenda, counted))) => {
                    // The baselines the other connection counted, kept from this one (a
                    // write of its own would look like another writer's to this reading).
                    counted.flush(conn);
                    agenda
                }
                // No second connection here (or its reading failed): listed on this one.
                _ => listing(store, ctx, limit)?,
            };
            items.add_to(&mut agenda);
            // Nothing but the rules' cache is written; if it cannot be kept now, it is worked out again.
            let _ = tx.commit();
            free_aside((engine, urgent, health));
            Ok(agenda)
        })();
        // Joined whatever happened above: an error returned early does not leave it running.
        if let Some(h) = aside.take() {
            let _ = h.join();
        }
        result
    })
}

/// Frees `value` on a thread of its own (here, once the other connection is done, a core
/// is idle): the rules' clocks of a large file are some 100,000 strings.
fn free_aside<T: Send + 'static>(value: T) {
    // When no thread can be started, the value is freed here, inside `spawn`.
    let _ = std::thread::Builder::new()
        .name("agenda-free".into())
        .spawn(move || drop(value));
}

/// The agenda read in one transaction on this connection alone.
fn build_on_one(store: &Store, ctx: &Ctx, limit: Option<usize>) -> AppResult<Agenda> {
    let tx = store
        .conn()
        .unchecked_transaction()
        .map_err(crate::store::StoreError::from)?;
    let mut agenda = listing(store, ctx, limit)?;
    let engine = Engine::load(store.conn(), &ctx.settings)?;
    crate::engine::agenda::enrich(&mut agenda, store.conn(), &engine, ctx.now.timestamp())?;
    let _ = tx.commit();
    Ok(agenda)
}

/// The agenda's listing with its problem signals ([`listing`]), read on a connection of its
/// own to the file at `path` in one read transaction; `None` when it cannot be opened (the
/// caller lists on its own).
pub fn listing_aside(path: &std::path::Path, ctx: &Ctx, limit: Option<usize>) -> Option<AppResult<Agenda>> {
    listing_aside_of(path, ctx, limit, None).map(|listed| listed.map(|(agenda, _)| agenda))
}

/// [`listing_aside`], with the baselines the signals counted (for the caller to keep).
/// With `reads`, what the services' health reads besides the rules is read first and sent
/// there (in the same read transaction as the listing).
fn listing_aside_of(
    path: &std::path::Path,
    ctx: &Ctx,
    limit: Option<usize>,
    reads: Option<std::sync::mpsc::Sender<crate::store::Result<HealthReads>>>,
) -> Option<AppResult<(Agenda, Pending)>> {
    let other = Store::open(path, OpenMode::Existing).ok()?;
    let tx = other.conn().unchecked_transaction().ok()?;
    if let Some(send) = reads {
        // Nobody to send to when this one's caller gave up: nothing lost.
        let _ = send.send(HealthReads::read(
            other.conn(),
            ctx.now.timestamp(),
            &ctx.settings,
            None,
        ));
    }
    let mut counted = Pending::default();
    let agenda = listing_of(&other, ctx, limit, Some(&mut counted));
    // Read only: nothing to keep here.
    drop(tx);
    Some(agenda.map(|agenda| (agenda, counted)))
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
    let mut counted = Pending::default();
    let agenda = listing_of(store, ctx, limit, signals.then_some(&mut counted))?;
    counted.flush(store.conn());
    Ok(agenda)
}

/// [`listing_with`], the signals' baselines left in `signals` when it is given.
fn listing_of(store: &Store, ctx: &Ctx, limit: Option<usize>, signals: Option<&mut Pending>) -> AppResult<Agenda> {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::store::OpenMode;

    /// The demo data set in a new file: its folder (kept while the test runs), path, a context
    /// at a fixed moment, and the store.
    fn demo() -> (tempfile::TempDir, std::path::PathBuf, Ctx, Store) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.db");
        let now: chrono::DateTime<chrono::Utc> = "2026-11-22T09:00:00Z".parse().unwrap();
        let ctx = Ctx::fixed(&path, now, chrono_tz::Tz::UTC, crate::config::Settings::default());
        let mut store = Store::open(&path, OpenMode::Create).unwrap();
        crate::app::demo::seed(&mut store, &ctx, crate::app::demo::DataSet::Demo).unwrap();
        (dir, path, ctx, store)
    }

    /// Read on two connections or on one, the demo's agenda is the same document, listed in
    /// full and cut to a few of each.
    #[test]
    fn the_agenda_read_on_two_connections_is_the_one_read_on_one() {
        let (_dir, _path, ctx, store) = demo();
        for limit in [None, Some(3)] {
            let two = build_on_two(&store, &ctx, limit).unwrap();
            let one = build_on_one(&store, &ctx, limit).unwrap();
            assert!(!two.breaches.is_empty() && !two.problem_flags.is_empty());
            // Every review listed when every item is (`--json`), counted all the same when not.
            assert!(
                two.reviews_due.len() > 3 || limit.is_some(),
                "{} reviews",
                two.reviews_due.len()
            );
            assert_eq!(two.counts.reviews_due, one.counts.reviews_due);
            assert_eq!(serde_json::to_value(&two).unwrap(), serde_json::to_value(&one).unwrap());
        }
    }

    /// The guard that sends the agenda back to one connection: the rules' cache the agenda
    /// writes itself does not trip it (else every agenda would be read twice), another
    /// connection's commit does.
    #[test]
    fn only_another_writer_sends_the_agenda_back_to_one_connection() {
        let (_dir, path, ctx, store) = demo();
        store.conn().execute("DELETE FROM rule_cache", []).unwrap();
        let version = store.data_version().unwrap();
        build_on_two(&store, &ctx, Some(3)).unwrap();
        let cached: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM rule_cache", [], |r| r.get(0))
            .unwrap();
        assert!(cached > 0, "the agenda kept what the rules worked out");
        // And the baselines the signals counted on the other connection, kept from this one.
        let baselines: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM rule_cache WHERE key LIKE 'baseline/%'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(baselines > 0, "the signals' baselines are kept");
        assert_eq!(store.data_version().unwrap(), version);
        let other = Store::open(&path, OpenMode::Existing).unwrap();
        other.conn().execute("DELETE FROM rule_cache", []).unwrap();
        assert_ne!(store.data_version().unwrap(), version);
    }
}
