//! Problem-management signals: routine emergency changes, repeated breaches, success rate.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Utc};
use sdm::domain::enums::*;
use sdm::domain::ids::{natural_id, new_id};
use sdm::domain::model::*;
use sdm::store::signals::{change_success, problem_flags};

fn at(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}

/// A breach of a service's target, as detection writes one.
fn target_breach(id: &str, service_id: &str, target_id: &str, breached_at: i64, status: BreachStatus) -> Breach {
    Breach {
        id: id.into(),
        service_id: service_id.into(),
        target_id: Some(target_id.into()),
        source: BreachSource::Ticket,
        ticket_id: None,
        ticket_ref: None,
        period: None,
        title: "P2 resolution breached".into(),
        breached_at,
        status,
        customer_informed: true,
        credit: None,
        notes: String::new(),
        cause: None,
        history: Vec::new(),
    }
}

#[test]
fn three_emergency_changes_in_thirty_days_flag_the_service() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::populated(&dir.path().join("a.db"));
    let sid = common::service("Payroll").id;
    let now: DateTime<Utc> = "2026-11-22T09:00:00Z".parse().unwrap();
    // CHG0001 (emergency, 2026-09-22) is outside the window; add two inside it and one outside.
    store
        .write(None, |w| {
            for (r, when, kind) in [
                ("CHG0002", "2026-11-01T10:00:00Z", ChangeKind::Emergency),
                ("CHG0003", "2026-11-15T10:00:00Z", ChangeKind::Emergency),
                ("CHG0004", "2026-11-20T10:00:00Z", ChangeKind::Normal),
            ] {
                w.save(&Change {
                    id: natural_id("change", r),
                    reference: r.into(),
                    service_id: sid.clone(),
                    kind,
                    implemented_at: at(when),
                    outcome: ChangeOutcome::Successful,
                    summary: String::new(),
                })?;
            }
            Ok(())
        })
        .unwrap();
    assert!(
        problem_flags(store.conn(), now).unwrap().is_empty(),
        "two emergencies are not yet a pattern"
    );
    store
        .write(None, |w| {
            w.save(&Change {
                id: natural_id("change", "CHG0005"),
                reference: "CHG0005".into(),
                service_id: sid.clone(),
                kind: ChangeKind::Emergency,
                implemented_at: at("2026-11-21T23:00:00Z"),
                outcome: ChangeOutcome::Failed,
                summary: String::new(),
            })
        })
        .unwrap();
    let flags = problem_flags(store.conn(), now).unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].service, "Payroll");
    assert_eq!(
        flags[0].reason,
        "3 emergency changes in 30 days (CHG0002, CHG0003, CHG0005)"
    );
    // November: CHG0002, 3, 4 successful, CHG0005 failed.
    let rate = change_success(
        store.conn(),
        &sid,
        at("2026-11-01T00:00:00Z"),
        at("2026-12-01T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(rate, (3, 4));
}

#[test]
fn the_same_target_breached_three_times_in_ninety_days_flags_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::populated(&dir.path().join("a.db"));
    let sid = common::service("Payroll").id;
    let target = natural_id("target", &format!("{sid}/resolution/p2"));
    let now: DateTime<Utc> = "2026-11-22T09:00:00Z".parse().unwrap();
    let breach = |when: &str, status: BreachStatus| target_breach(&new_id(), &sid, &target, at(when), status);
    store
        .write(None, |w| {
            w.save(&breach("2026-10-01T10:00:00Z", BreachStatus::Closed))?;
            w.save(&breach("2026-10-20T10:00:00Z", BreachStatus::Open))?;
            w.save(&breach("2026-11-10T10:00:00Z", BreachStatus::Void))?;
            Ok(())
        })
        .unwrap();
    assert!(
        problem_flags(store.conn(), now).unwrap().is_empty(),
        "a void breach does not count"
    );
    store
        .write(None, |w| {
            w.save(&breach("2026-11-12T10:00:00Z", BreachStatus::Acknowledged))
                .map(|_| ())
        })
        .unwrap();
    let flags = problem_flags(store.conn(), now).unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].reason, "P2 resolution target breached 3 times in 90 days");
}

#[test]
fn a_busy_target_breaching_at_its_usual_rate_is_not_flagged_and_a_spike_is() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::populated(&dir.path().join("a.db"));
    let sid = common::service("Payroll").id;
    let target = natural_id("target", &format!("{sid}/resolution/p2"));
    let now: DateTime<Utc> = "2026-11-22T09:00:00Z".parse().unwrap();
    let day = 86_400;
    let breach = |at: i64| target_breach(&new_id(), &sid, &target, at, BreachStatus::Closed);
    // A year and more of history (its tickets alone say so: the service has no old change),
    // and 32 breaches in the 360 days before the last 90, then 9 in the last 90 days.
    let recent_from = now.timestamp() - 90 * day;
    store
        .write(None, |w| {
            // No change on file at all (the fixture's one goes): history from tickets alone.
            w.remove::<Change>(&natural_id("change", "CHG0001"))?;
            for k in 0..32 {
                w.save(&breach(recent_from - (k * 11 + 5) * day))?;
            }
            // Its work: a ticket every third day, 120 in the baseline and 30 in the window,
            // so the usual rate is 32 × 30 / 120 = 8 a quarter.
            let model: Vec<Ticket> = sdm::store::records::list_where(w.conn(), "deleted = 0 LIMIT 1", [])?;
            let model = model.into_iter().next().unwrap();
            for k in 0..150 {
                w.save(&common::open_ticket_like(
                    &model,
                    &format!("volume-{k}"),
                    &format!("INC9{k:05}"),
                    &sid,
                    now.timestamp() - 450 * day + k * 3 * day + 3600,
                ))?;
            }
            for k in 0..9 {
                w.save(&breach(recent_from + (k * 9 + 3) * day))?;
            }
            Ok(())
        })
        .unwrap();
    assert!(
        problem_flags(store.conn(), now).unwrap().is_empty(),
        "9 against a usual 8 is the service's normal: {:?}",
        problem_flags(store.conn(), now).unwrap()
    );
    // A spike: 16 more in the last month, 25 in the quarter (2 × 8 + 3 × √8 ≈ 24.5).
    store
        .write(None, |w| {
            for k in 0..16 {
                w.save(&breach(now.timestamp() - (k + 1) * day))?;
            }
            Ok(())
        })
        .unwrap();
    let flags = problem_flags(store.conn(), now).unwrap();
    assert_eq!(flags.len(), 1, "{flags:?}");
    assert_eq!(
        flags[0].reason,
        "P2 resolution target breached 25 times in 90 days (about 8 at its usual rate)"
    );
}

/// The breach signal keeps each service's baseline (the year before the window, and the
/// window's whole days) in the rules' cache: after every kind of change to what it counts, the
/// kept answer is the one counted afresh, and a change it does not count leaves it kept.
#[test]
fn a_kept_baseline_answers_as_a_fresh_count_after_every_change() {
    use sdm::store::signals::breach_runs;
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::populated(&dir.path().join("a.db"));
    let sid = common::service("Payroll").id;
    let target = natural_id("target", &format!("{sid}/resolution/p2"));
    let now: DateTime<Utc> = "2026-11-22T09:00:00Z".parse().unwrap();
    let day = 86_400;
    let breach = |id: &str, at: i64, status: BreachStatus| target_breach(id, &sid, &target, at, status);
    let recent_from = now.timestamp() - 90 * day;
    let model: Vec<Ticket> = sdm::store::records::list_where(store.conn(), "deleted = 0 LIMIT 1", []).unwrap();
    let model = model.into_iter().next().unwrap();
    let ticket = |k: i64, opened_at: i64| {
        common::open_ticket_like(&model, &format!("volume-{k}"), &format!("INC9{k:05}"), &sid, opened_at)
    };
    // 32 breaches in the baseline, 25 in the window (a spike), a ticket every third day.
    store
        .write(None, |w| {
            for k in 0..32 {
                w.save(&breach(
                    &format!("before-{k}"),
                    recent_from - (k * 11 + 5) * day,
                    BreachStatus::Closed,
                ))?;
            }
            for k in 0..150 {
                w.save(&ticket(k, now.timestamp() - 450 * day + k * 3 * day + 3600))?;
            }
            for k in 0..25 {
                w.save(&breach(
                    &format!("recent-{k}"),
                    now.timestamp() - (k * 3 + 1) * day,
                    BreachStatus::Open,
                ))?;
            }
            Ok(())
        })
        .unwrap();
    let key = format!("baseline/{sid}");
    let kept = |store: &sdm::store::Store| -> Option<(String, i64, String)> {
        store
            .conn()
            .query_row(
                "SELECT stamp, computed_at, value FROM rule_cache WHERE key = ?1",
                [&key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .ok()
    };
    // Each step at a later second of the same day: the kept entry says when it was counted.
    let mut second = 0;
    let mut check = |store: &sdm::store::Store, what: &str| {
        second += 1;
        let at = now + chrono::Duration::seconds(second);
        let from_kept = breach_runs(store.conn(), at, None).unwrap();
        store
            .conn()
            .execute("DELETE FROM rule_cache WHERE key LIKE 'baseline/%'", [])
            .unwrap();
        let counted = breach_runs(store.conn(), at, None).unwrap();
        assert_eq!(from_kept, counted, "{what}");
        assert_eq!(counted.len(), 1, "{what}: the spike stays flagged");
        counted[0].usual
    };
    let first = check(&store, "first count");
    assert!(kept(&store).is_some(), "the baseline is kept");
    type Step<'a> = Box<dyn Fn(&mut sdm::store::Writer) -> sdm::store::Result<()> + 'a>;
    let steps: Vec<(&str, Step)> = vec![
        (
            "a breach inserted into the baseline's year",
            Box::new(|w| {
                w.save(&breach("late", recent_from - 200 * day, BreachStatus::Closed))
                    .map(|_| ())
            }),
        ),
        (
            "a breach of the year made void",
            Box::new(|w| {
                w.save(&breach("before-3", recent_from - 38 * day, BreachStatus::Void))
                    .map(|_| ())
            }),
        ),
        (
            "a breach of the year removed",
            Box::new(|w| w.remove::<Breach>("before-4")),
        ),
        (
            "a breach of the window's whole days moved back into the year",
            Box::new(|w| {
                w.save(&breach("recent-20", recent_from - 3 * day, BreachStatus::Open))
                    .map(|_| ())
            }),
        ),
        (
            "a ticket's opening moved from the year into the window",
            Box::new(|w| w.save(&ticket(10, now.timestamp() - 10 * day)).map(|_| ())),
        ),
        (
            "a ticket inserted on a whole day of the window",
            Box::new(|w| w.save(&ticket(500, now.timestamp() - 20 * day)).map(|_| ())),
        ),
    ];
    let mut usual = first;
    for (what, step) in steps {
        let before = kept(&store).unwrap();
        store.write(None, |w| step(w)).unwrap();
        let after = check(&store, what);
        assert_ne!(after, usual, "{what}: the figure moved (so the step tests something)");
        usual = after;
        assert_ne!(kept(&store).unwrap().1, before.1, "{what}: counted again");
    }
    // A ticket opened today, after the kept days: the entry holds (stamped again, not counted
    // again), and today's hours are counted live.
    let before = kept(&store).unwrap();
    store
        .write(None, |w| w.save(&ticket(501, now.timestamp() - 3600)).map(|_| ()))
        .unwrap();
    second += 1;
    let at = now + chrono::Duration::seconds(second);
    let runs = breach_runs(store.conn(), at, None).unwrap();
    let after = kept(&store).unwrap();
    assert_eq!((after.1, &after.2), (before.1, &before.2), "kept, not counted again");
    assert_ne!(after.0, before.0, "stamped at the new watermark");
    assert_ne!(runs[0].usual, usual, "today's ticket is in the window's work");
    store.conn().execute("DELETE FROM rule_cache", []).unwrap();
    assert_eq!(runs, breach_runs(store.conn(), at, None).unwrap());
    // A row removed outright (nothing in sdm does it, a tombstone stays) lets the next insert
    // take its rowid again, below the watermark: every service's counter moves.
    let other = common::service("Ledger");
    store
        .write(None, |w| {
            w.save(&other)?;
            w.save(&Breach {
                service_id: other.id.clone(),
                target_id: None,
                ..breach("other", recent_from - 50 * day, BreachStatus::Closed)
            })
            .map(|_| ())
        })
        .unwrap();
    let kept_runs = breach_runs(store.conn(), at, None).unwrap();
    let before = kept(&store).unwrap();
    store
        .conn()
        .execute("DELETE FROM breaches WHERE id = 'other'", [])
        .unwrap();
    store
        .write(None, |w| {
            w.save(&breach("reused", recent_from - 60 * day, BreachStatus::Closed))
                .map(|_| ())
        })
        .unwrap();
    let reused: i64 = store
        .conn()
        .query_row("SELECT rowid FROM breaches WHERE id = 'reused'", [], |r| r.get(0))
        .unwrap();
    assert!(
        before.0.ends_with(&format!("/b{reused}")),
        "the rowid came back: {}",
        before.0
    );
    let from_kept = breach_runs(store.conn(), at, None).unwrap();
    assert_ne!(from_kept, kept_runs);
    store.conn().execute("DELETE FROM rule_cache", []).unwrap();
    assert_eq!(from_kept, breach_runs(store.conn(), at, None).unwrap());
    // The next day: another span, counted again.
    let tomorrow = now + chrono::Duration::days(1);
    let kept_runs = breach_runs(store.conn(), tomorrow, None).unwrap();
    assert_ne!(kept(&store).unwrap().0, after.0);
    store.conn().execute("DELETE FROM rule_cache", []).unwrap();
    assert_eq!(kept_runs, breach_runs(store.conn(), tomorrow, None).unwrap());
}
