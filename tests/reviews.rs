//! Reviews fall due by themselves, once, on the right working day.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::DateTime;
use sdm::domain::enums::*;
use sdm::domain::ids::natural_id;
use sdm::domain::model::*;
use sdm::store::reviews::ensure_reviews;

fn at(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}

#[test]
fn changes_and_p1_or_critical_tickets_get_one_review_each_on_the_right_day() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::populated(&dir.path().join("a.db"));
    let sid = common::service("Payroll").id;
    let office = natural_id("calendar", "Office NL");
    // Put Payroll's window on the office calendar, working Monday to Friday.
    store
        .write(None, |w| {
            let mut cal: CalendarRecord = sdm::store::records::get_in(w.conn(), &office)?.unwrap();
            for day in ["mon", "tue", "wed", "thu", "fri"] {
                cal.hours.insert(day.into(), vec!["08:00-18:00".into()]);
            }
            w.save(&cal)?;
            let mut svc: Service = sdm::store::records::get_in(w.conn(), &sid)?.unwrap();
            svc.window_calendar_id = Some(office.clone());
            w.save(&svc)?;
            // A successful normal change needs no review; a successful emergency one does.
            for (r, kind, outcome, when) in [
                (
                    "CHG0100",
                    ChangeKind::Normal,
                    ChangeOutcome::Successful,
                    "2026-11-18T10:00:00Z",
                ),
                (
                    "CHG0101",
                    ChangeKind::Emergency,
                    ChangeOutcome::Successful,
                    "2026-11-20T16:00:00Z",
                ),
                (
                    "CHG0102",
                    ChangeKind::Normal,
                    ChangeOutcome::SuccessfulWithIssues,
                    "2026-12-22T09:00:00Z",
                ),
            ] {
                w.save(&Change {
                    id: natural_id("change", r),
                    reference: r.into(),
                    service_id: sid.clone(),
                    kind,
                    implemented_at: at(when),
                    outcome,
                    summary: "work".into(),
                })?;
            }
            // An open P1 counts from when it was opened.
            w.save(&Ticket {
                id: natural_id("ticket", "INC0099"),
                reference: "INC0099".into(),
                service_id: sid.clone(),
                kind: TicketKind::Incident,
                priority: Priority::P1,
                state: TicketState::Open,
                opened_at: at("2026-11-23T07:30:00Z"),
                responded_at: None,
                resolved_at: None,
                pauses: vec![],
                summary: "Payroll down".into(),
                critical: false,
                excluded_reason: None,
                response_measured: true,
                waiting_secs: None,
                tool_response: None,
                tool_resolution: None,
                excluded_note: None,
                hand_pauses: Vec::new(),
                ignored_pauses: Vec::new(),
            })?;
            Ok(())
        })
        .unwrap();

    let first = store.write(None, |w| ensure_reviews(w, 5)).unwrap();
    // The fixture's PIR of CHG0001 already exists; new: CHG0101, CHG0102, INC0012345 (critical), INC0099 (P1).
    assert_eq!(first.created, 4, "{first:?}");
    let again = store.write(None, |w| ensure_reviews(w, 5)).unwrap();
    assert_eq!(again.created, 0, "created exactly once");

    // Friday 2026-11-20 + 5 working days (Mon..Fri) = Friday 2026-11-27.
    assert_eq!(review(&store, "CHG0101").due, common::day("2026-11-27"));
    assert_eq!(review(&store, "CHG0101").kind, ReviewKind::Pir);
    assert!(
        review(&store, "CHG0101")
            .title
            .starts_with("PIR CHG0101 (emergency change)")
    );
    // Tuesday 2026-12-22 + 5: Wed 23, Thu 24, (Fri 25 holiday), Mon 28, Tue 29, Wed 30.
    assert_eq!(review(&store, "CHG0102").due, common::day("2026-12-30"));
    // Monday 2026-11-23 (08:30 in Amsterdam) + 5 = Monday 2026-11-30.
    assert_eq!(review(&store, "INC0099").due, common::day("2026-11-30"));
    assert_eq!(review(&store, "INC0099").kind, ReviewKind::Postmortem);

    // Resolving the P1 moves its post-mortem; a held review never moves; a deleted one stays deleted.
    store
        .write(None, |w| {
            let mut t: Ticket = sdm::store::records::get_in(w.conn(), &natural_id("ticket", "INC0099"))?.unwrap();
            t.state = TicketState::Resolved;
            t.resolved_at = Some(at("2026-11-25T12:00:00Z"));
            w.save(&t)?;
            let mut held = review_in(w, "CHG0101");
            held.held_on = Some(common::day("2026-11-24"));
            w.save(&held)?;
            w.remove::<Review>(&natural_id("review", &natural_id("change", "CHG0102")))
        })
        .unwrap();
    let third = store.write(None, |w| ensure_reviews(w, 5)).unwrap();
    assert_eq!(third, sdm::store::reviews::ReviewsEnsured { created: 0, moved: 1 });
    assert_eq!(review(&store, "INC0099").due, common::day("2026-12-02"));
    assert_eq!(review(&store, "CHG0101").due, common::day("2026-11-27"));
    assert!(
        store
            .get::<Review>(&natural_id("review", &natural_id("change", "CHG0102")))
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .get::<Review>(&natural_id("review", &natural_id("change", "CHG0100")))
            .unwrap()
            .is_none()
    );
}

fn review(store: &sdm::store::Store, source: &str) -> Review {
    store
        .get(&natural_id("review", &natural_id_for(source)))
        .unwrap()
        .unwrap()
}

fn natural_id_for(source: &str) -> String {
    if source.starts_with("CHG") {
        natural_id("change", source)
    } else {
        natural_id("ticket", source)
    }
}

fn review_in(w: &sdm::store::Writer<'_>, source: &str) -> Review {
    sdm::store::records::get_in(w.conn(), &natural_id("review", &natural_id_for(source)))
        .unwrap()
        .unwrap()
}
