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
    let breach = |when: &str, status: BreachStatus| Breach {
        id: new_id(),
        service_id: sid.clone(),
        target_id: Some(target.clone()),
        source: BreachSource::Ticket,
        ticket_id: None,
        ticket_ref: None,
        period: None,
        title: "P2 resolution breached".into(),
        breached_at: at(when),
        status,
        customer_informed: true,
        credit: None,
        notes: String::new(),
        cause: None,
        history: Vec::new(),
    };
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
    let breach = |at: i64| Breach {
        id: new_id(),
        service_id: sid.clone(),
        target_id: Some(target.clone()),
        source: BreachSource::Ticket,
        ticket_id: None,
        ticket_ref: None,
        period: None,
        title: "P2 resolution breached".into(),
        breached_at: at,
        status: BreachStatus::Closed,
        customer_informed: true,
        credit: None,
        notes: String::new(),
        cause: None,
        history: Vec::new(),
    };
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
                w.save(&Ticket {
                    id: format!("volume-{k}"),
                    reference: format!("INC9{k:05}"),
                    service_id: sid.clone(),
                    opened_at: now.timestamp() - 450 * day + k * 3 * day + 3600,
                    responded_at: None,
                    resolved_at: None,
                    pauses: vec![],
                    hand_pauses: vec![],
                    ignored_pauses: vec![],
                    ..model.clone()
                })?;
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
