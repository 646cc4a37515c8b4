//! The rules' cache gives the same answers as working everything out afresh: as time passes
//! (deadlines and risk thresholds crossed), as tickets are written, and as targets change.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Duration, Utc};
use sdm::config::Settings;
use sdm::domain::enums::TicketState;
use sdm::domain::model::{Pause, SlaTarget, Ticket};
use sdm::engine::Engine;
use sdm::store::records::list_where;
use sdm::store::{OpenMode, Store};

mod common;

/// What the cached paths answer, in a comparable form: every service's health, the urgent
/// clocks, and the last three months' figures of one service.
fn answers(store: &Store, settings: &Settings, now: i64) -> (serde_json::Value, Vec<String>, serde_json::Value) {
    let engine = Engine::load(store.conn(), settings).unwrap();
    let health = serde_json::to_value(engine.health(store.conn(), now).unwrap()).unwrap();
    let urgent: Vec<String> = engine
        .urgent(store.conn(), now)
        .unwrap()
        .iter()
        .map(|c| format!("{} {} {}", c.reference, c.kind.as_str(), c.view.state))
        .collect();
    let service = engine.services.values().map(|s| s.id.clone()).min().unwrap();
    let mut months = Vec::new();
    for (y, m) in sdm::engine::health::months_back(2026, 12, 2) {
        months.push(engine.month_figures(store.conn(), &service, y, m, now).unwrap());
    }
    (health, urgent, serde_json::to_value(months).unwrap())
}

/// A synthetic set of 12,000 tickets in a new file (named `name`, in a folder kept while the
/// returned guard lives), and the moment it was written for.
fn synthetic_set(name: &str) -> (tempfile::TempDir, Store, i64) {
    let dir = tempfile::tempdir().unwrap();
    let start: DateTime<Utc> = "2026-12-02T09:10:00Z".parse().unwrap();
    let mut store = Store::open(&dir.path().join(name), OpenMode::Create).unwrap();
    sdm::demo::write_synthetic(&mut store, start, 12_000, 7).unwrap();
    (dir, store, start.timestamp())
}

fn cached_entries(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM rule_cache", [], |r| r.get(0))
        .unwrap()
}

/// Asserts the answers with whatever the cache holds equal those worked out from nothing.
fn check(store: &Store, settings: &Settings, now: i64, what: &str) {
    let cached = answers(store, settings, now);
    store.conn().execute("DELETE FROM rule_cache", []).unwrap();
    let fresh = answers(store, settings, now);
    assert_eq!(cached.1, fresh.1, "urgent clocks differ {what}");
    assert_eq!(cached.2, fresh.2, "month figures differ {what}");
    assert_eq!(cached.0, fresh.0, "health differs {what}");
    assert!(cached_entries(store) > 0, "the fresh pass fills the cache {what}");
}

#[test]
fn cached_figures_match_fresh_ones_as_time_passes_and_data_changes() {
    let (_dir, mut store, t0) = synthetic_set("cache.db");
    let settings = Settings::default();

    // A second pass at the same moment is served from the cache, and says the same.
    let first = answers(&store, &settings, t0);
    let entries = cached_entries(&store);
    assert!(
        entries >= 20,
        "five services, three months and the urgent list each: {entries}"
    );
    assert!(!first.1.is_empty(), "the synthetic set has urgent clocks");
    check(&store, &settings, t0, "at the start");

    // Time passes: clocks cross their risk share and their deadlines, months turn.
    for minutes in [20, 95, 60 * 7, 60 * 30, 60 * 24 * 3, 60 * 24 * 31] {
        let now = t0 + minutes * 60;
        answers(&store, &settings, now);
        check(&store, &settings, now + 600, &format!("{minutes} minutes on"));
    }

    // Tickets are written: some open ones resolved, one paused, one moved to another service.
    let now = t0 + 3600;
    answers(&store, &settings, now);
    let open: Vec<Ticket> = list_where(store.conn(), "deleted = 0 AND state = 'open'", []).unwrap();
    assert!(open.len() >= 8, "open tickets: {}", open.len());
    store
        .write(None, |w| {
            for t in open.iter().take(5) {
                let mut t = t.clone();
                t.state = TicketState::Resolved;
                t.responded_at = Some(t.responded_at.unwrap_or(now - 60));
                t.resolved_at = Some(now - 30);
                w.save(&t)?;
            }
            let mut paused = open[6].clone();
            paused.pauses = vec![Pause {
                start: now - 1800,
                end: None,
            }];
            w.save(&paused)?;
            let mut moved = open[7].clone();
            let other = open.iter().find(|t| t.service_id != moved.service_id).unwrap();
            moved.service_id = other.service_id.clone();
            w.save(&moved)?;
            Ok(())
        })
        .unwrap();
    check(&store, &settings, now, "after tickets were written");

    // A target is tightened: every figure of its service is worked out again.
    answers(&store, &settings, now);
    let targets: Vec<SlaTarget> = list_where(store.conn(), "deleted = 0 AND kind = 'resolution'", []).unwrap();
    store
        .write(None, |w| {
            for t in targets.iter().take(8) {
                let mut t = t.clone();
                t.goal /= 4.0;
                w.save(&t)?;
            }
            Ok(())
        })
        .unwrap();
    check(&store, &settings, now, "after targets changed");

    // The risk share is a setting: a different one is not served another's list.
    answers(&store, &settings, now);
    let stricter = Settings {
        risk_percent: 50.0,
        ..Settings::default()
    };
    check(&store, &stricter, now, "with another risk share");

    // Asked about an earlier moment than the cache was filled at: worked out afresh.
    answers(&store, &settings, now + 86_400 * 3);
    check(&store, &settings, now - Duration::days(1).num_seconds(), "looking back");
}

#[test]
fn a_running_clock_at_exactly_its_target_is_worked_out_again_when_it_breaches() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::populated(&dir.path().join("exact.db"));
    let settings = Settings::default();
    // The office counts Mondays 08:00-18:00 in Amsterdam; a P2 has 4 working hours. Opened at
    // 14:00 on Monday 7 December it uses exactly 4h at 18:00, and is met until 08:00 on the
    // next Monday, when its first working second breaches it.
    let opened: i64 = "2026-12-07T13:00:00Z".parse::<DateTime<Utc>>().unwrap().timestamp();
    let sid = sdm::domain::ids::natural_id("service", "Payroll");
    store
        .write(None, |w| {
            let mut t: Ticket = list_where(w.conn(), "reference = 'INC0012345'", []).unwrap().remove(0);
            t.id = sdm::domain::ids::natural_id("ticket", "INC0099999");
            t.reference = "INC0099999".into();
            t.service_id = sid.clone();
            t.state = TicketState::Open;
            t.opened_at = opened;
            t.responded_at = None;
            t.resolved_at = None;
            t.pauses = Vec::new();
            w.save(&t)
        })
        .unwrap();
    let evening = opened + 7 * 3600;
    let engine = Engine::load(store.conn(), &settings).unwrap();
    let clock = engine
        .urgent(store.conn(), evening)
        .unwrap()
        .into_iter()
        .find(|c| c.reference == "INC0099999")
        .unwrap();
    assert_eq!((clock.view.state, clock.view.remaining), ("running", 0));
    check(&store, &settings, evening, "in the evening, at exactly the target");
    answers(&store, &settings, evening);
    let next_monday = "2026-12-14T07:00:01Z".parse::<DateTime<Utc>>().unwrap().timestamp();
    check(
        &store,
        &settings,
        next_monday + 60,
        "once the next working second has counted",
    );
}

/// A new open ticket of `model`'s service, opened long enough before `now` to be past its
/// targets.
fn past_its_targets(model: &Ticket, reference: &str, now: i64) -> Ticket {
    let id = sdm::domain::ids::natural_id("ticket", reference);
    common::open_ticket_like(model, &id, reference, &model.service_id, now - 30 * 86_400)
}

#[test]
fn a_ticket_inserted_into_one_service_leaves_the_others_cached_and_its_own_worked_out_again() {
    let (_dir, mut store, now) = synthetic_set("insert.db");
    let settings = Settings::default();
    answers(&store, &settings, now);
    let entry = |store: &Store, key: &str| -> (String, i64) {
        store
            .conn()
            .query_row("SELECT stamp, computed_at FROM rule_cache WHERE key = ?1", [key], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
    };
    let open: Vec<Ticket> = list_where(store.conn(), "deleted = 0 AND state = 'open'", []).unwrap();
    let mine = open[0].service_id.clone();
    let other = open.iter().find(|t| t.service_id != mine).unwrap().service_id.clone();
    let (other_before, other_at) = entry(&store, &format!("urgent/{other}"));
    // A new open ticket of `mine`, opened long enough ago to be past its targets.
    let new = past_its_targets(&open[0], "INC0777777", now);
    store.write(None, |w| w.save(&new)).unwrap();
    let later = now + 60;
    let cached = answers(&store, &settings, later);
    assert!(
        cached.1.iter().any(|c| c.starts_with("INC0777777 ")),
        "the new ticket's clocks are urgent at once"
    );
    // The other service's entry still held: stamped again at the new watermark, not worked out.
    let (other_after, other_at_after) = entry(&store, &format!("urgent/{other}"));
    assert_ne!(other_after, other_before);
    assert_eq!(
        other_at_after, other_at,
        "the other service's entry was not worked out again"
    );
    check(&store, &settings, later, "after a ticket was inserted");
}

/// A ticket removed outright frees the largest rowid, and a ticket of another service inserted
/// next takes it again, at the very watermark the kept entries were stamped at: the kept
/// clocks and month figures are worked out again all the same (the removals' counter).
#[test]
fn a_rowid_freed_and_taken_again_by_another_service_leaves_no_kept_answer_stale() {
    let (_dir, mut store, now) = synthetic_set("reuse.db");
    let settings = Settings::default();
    answers(&store, &settings, now);
    let (last, gone_from): (i64, String) = store
        .conn()
        .query_row(
            "SELECT rowid, service_id FROM tickets ORDER BY rowid DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    // Outright, as a hand-made tool might (sdm itself leaves a tombstone).
    store.conn().pragma_update(None, "foreign_keys", "OFF").unwrap();
    store
        .conn()
        .execute("DELETE FROM tickets WHERE rowid = ?1", [last])
        .unwrap();
    store.conn().pragma_update(None, "foreign_keys", "ON").unwrap();
    let open: Vec<Ticket> = list_where(store.conn(), "deleted = 0 AND state = 'open'", []).unwrap();
    let new = past_its_targets(
        open.iter().find(|t| t.service_id != gone_from).unwrap(),
        "INC0888888",
        now,
    );
    store.write(None, |w| w.save(&new)).unwrap();
    let taken: i64 = store
        .conn()
        .query_row("SELECT rowid FROM tickets WHERE reference = 'INC0888888'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(taken, last, "the freed rowid taken again");
    let later = now + 60;
    let cached = answers(&store, &settings, later);
    assert!(
        cached.1.iter().any(|c| c.starts_with("INC0888888 ")),
        "the new ticket's clocks are urgent at once"
    );
    check(&store, &settings, later, "after a rowid was freed and taken again");
}

/// Which clocks past their target a breach records is kept per service: as clocks cross their
/// targets, as detection records them, and when a breach row goes outright, the kept answers
/// are the ones looked up afresh.
#[test]
fn kept_answers_to_which_breaches_are_recorded_match_fresh_ones() {
    use sdm::engine::agenda::{is_recorded, recorded_breaches};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recorded.db");
    let start: DateTime<Utc> = "2026-12-02T09:10:00Z".parse().unwrap();
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    // A queue shaped like a real one: many tickets open, their clocks crossing day by day.
    let shape = sdm::demo::synthetic::Shape {
        open: Some(0.1),
        breached: 0.2,
    };
    sdm::demo::write_synthetic_shaped(&mut store, start, 6_000, 7, shape).unwrap();
    let settings = Settings::default();
    let engine = Engine::load(store.conn(), &settings).unwrap();
    // (recorded, not recorded) among the clocks past their target.
    let recorded = |store: &Store, now: i64, fresh: bool| -> (Vec<String>, Vec<String>) {
        if fresh {
            store
                .conn()
                .execute("DELETE FROM rule_cache WHERE key LIKE 'recorded/%'", [])
                .unwrap();
        }
        let urgent = engine.urgent(store.conn(), now).unwrap();
        let found = recorded_breaches(store.conn(), &urgent).unwrap();
        let (mut yes, mut no) = (Vec::new(), Vec::new());
        for c in urgent.iter().filter(|c| c.view.breached) {
            let name = format!("{} {}", c.reference, c.kind.as_str());
            if is_recorded(&found, c) {
                yes.push(name)
            } else {
                no.push(name)
            }
        }
        yes.sort();
        no.sort();
        (yes, no)
    };
    let kept_entries = |store: &Store| -> i64 {
        store
            .conn()
            .query_row("SELECT count(*) FROM rule_cache WHERE key LIKE 'recorded/%'", [], |r| {
                r.get(0)
            })
            .unwrap()
    };
    // Nothing detected yet: every clock past its target is kept as not recorded.
    let later = start.timestamp() + 3 * 86_400;
    let first = recorded(&store, later, true);
    assert!(kept_entries(&store) > 0, "kept");
    assert!(
        first.0.is_empty() && !first.1.is_empty(),
        "none recorded yet: {first:?}"
    );
    assert_eq!(recorded(&store, later, false), first, "the same, kept");
    // Detection as of the start records those past their target then (inserted above the
    // kept watermark): those kept as not recorded are looked up again.
    store
        .write(None, |w| {
            sdm::engine::detect::detect(w, &engine, start.timestamp()).map(|_| ())
        })
        .unwrap();
    let kept = recorded(&store, later, false);
    assert!(!kept.0.is_empty(), "recorded now: {kept:?}");
    assert_eq!(kept, recorded(&store, later, true), "after detection as of the start");
    // New tickets, running at the kept moment; a day on their clocks are past their target
    // (new to the kept answers); then detection records them.
    let model: Vec<Ticket> = list_where(store.conn(), "deleted = 0 AND state = 'open' LIMIT 1", []).unwrap();
    let model = model.into_iter().next().unwrap();
    store
        .write(None, |w| {
            for k in 0..5 {
                w.save(&common::open_ticket_like(
                    &model,
                    &format!("new-{k}"),
                    &format!("INC77{k:05}"),
                    &model.service_id,
                    later - 600,
                ))?;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(
        recorded(&store, later, false),
        recorded(&store, later, true),
        "with new tickets"
    );
    let later_still = later + 86_400;
    let kept = recorded(&store, later_still, false);
    assert!(
        kept.1.iter().any(|c| c.starts_with("INC77")),
        "new ones not recorded: {kept:?}"
    );
    assert_eq!(kept, recorded(&store, later_still, true), "a day on");
    // A clock left out of one pass (the interface asks for a page of clocks first): a breach of
    // its ticket recorded meanwhile is still seen by the next pass that asks for it.
    let (reference, kind) = kept.1[0].split_once(' ').unwrap();
    let (ticket_id, service_id): (String, String) = store
        .conn()
        .query_row(
            "SELECT id, service_id FROM tickets WHERE reference = ?1",
            [reference],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let kind = match kind {
        "response" => sdm::engine::ClockKind::Response,
        _ => sdm::engine::ClockKind::Resolution,
    };
    let urgent = engine.urgent(store.conn(), later_still).unwrap();
    let others: Vec<_> = urgent.iter().filter(|c| c.ticket_id != ticket_id).cloned().collect();
    store
        .write(None, |w| {
            w.save(&sdm::domain::model::Breach {
                id: sdm::engine::detect::ticket_breach_id(&ticket_id, kind),
                service_id: service_id.clone(),
                target_id: None,
                source: sdm::domain::enums::BreachSource::Ticket,
                ticket_id: Some(ticket_id.clone()),
                ticket_ref: Some(reference.to_string()),
                period: None,
                title: "recorded by hand".into(),
                breached_at: later_still - 60,
                status: sdm::domain::enums::BreachStatus::Open,
                customer_informed: false,
                credit: None,
                notes: String::new(),
                cause: None,
                history: Vec::new(),
            })
            .map(|_| ())
        })
        .unwrap();
    sdm::engine::agenda::recorded_breaches(store.conn(), &others).unwrap();
    let seen = recorded(&store, later_still, false);
    assert!(
        seen.0.contains(&format!("{reference} {}", kind.as_str())),
        "seen as recorded"
    );
    assert_eq!(seen, recorded(&store, later_still, true), "after a pass without it");
    store
        .write(None, |w| {
            sdm::engine::detect::detect(w, &engine, later_still).map(|_| ())
        })
        .unwrap();
    let after = recorded(&store, later_still, false);
    assert!(
        after.1.len() < kept.1.len(),
        "detection recorded some: {} → {}",
        kept.1.len(),
        after.1.len()
    );
    assert_eq!(after, recorded(&store, later_still, true), "after detection");
    // A breach row removed outright (nothing in sdm does; a tombstone stays).
    let (reference, kind) = after.0[0].split_once(' ').unwrap();
    let ticket_id: String = store
        .conn()
        .query_row("SELECT id FROM tickets WHERE reference = ?1", [reference], |r| r.get(0))
        .unwrap();
    let kind = match kind {
        "response" => sdm::engine::ClockKind::Response,
        _ => sdm::engine::ClockKind::Resolution,
    };
    let gone = sdm::engine::detect::ticket_breach_id(&ticket_id, kind);
    recorded(&store, later_still, false);
    store
        .conn()
        .execute("DELETE FROM breaches WHERE id = ?1", [&gone])
        .unwrap();
    let removed = recorded(&store, later_still, false);
    assert_eq!(removed.0.len() + 1, after.0.len(), "one fewer recorded");
    assert_eq!(removed, recorded(&store, later_still, true), "after a removal");
}
