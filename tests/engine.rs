//! The SLA engine on stored data: clocks as `sdm clocks` shows them, breaches detected once
//! and voided when the data is corrected, at-risk clocks and watermelons in the agenda.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use chrono::DateTime;
use common::sdm;
use sdm::domain::enums::*;
use sdm::domain::ids::{natural_id, new_id};
use sdm::domain::model::*;
use sdm::store::{OpenMode, Store};

fn at(s: &str) -> i64 {
    DateTime::parse_from_rfc3339(s).unwrap().timestamp()
}

const NOW: &str = "2026-11-23T08:45:00Z"; // Monday 09:45 in Amsterdam

fn ticket(
    reference: &str,
    service: &str,
    priority: Priority,
    opened: &str,
    responded: Option<&str>,
    resolved: Option<&str>,
) -> Ticket {
    Ticket {
        id: natural_id("ticket", reference),
        reference: reference.into(),
        service_id: service.into(),
        kind: TicketKind::Incident,
        priority,
        state: if resolved.is_some() {
            TicketState::Resolved
        } else {
            TicketState::Open
        },
        opened_at: at(opened),
        responded_at: responded.map(at),
        resolved_at: resolved.map(at),
        pauses: vec![],
        summary: "x".into(),
        critical: false,
        excluded_reason: None,
        response_measured: true,
        waiting_secs: None,
        tool_response: None,
        tool_resolution: None,
        excluded_note: None,
        hand_pauses: Vec::new(),
        ignored_pauses: Vec::new(),
    }
}

/// Payroll on an Office NL window (Mon-Fri 08:00-18:00 Amsterdam), P2: respond 30m,
/// resolve 4h; availability 99.9% on 24x7.
fn scenario(path: &Path) -> Store {
    let mut store = Store::open(path, OpenMode::Create).unwrap();
    let office = natural_id("calendar", "Office NL");
    let mut svc = common::service("Payroll");
    svc.window_calendar_id = Some(office.clone());
    let sid = svc.id.clone();
    store
        .write(None, |w| {
            let mut hours = std::collections::BTreeMap::new();
            for d in ["mon", "tue", "wed", "thu", "fri"] {
                hours.insert(d.to_string(), vec!["08:00-18:00".to_string()]);
            }
            w.save(&CalendarRecord {
                id: office.clone(),
                name: "Office NL".into(),
                timezone: "Europe/Amsterdam".into(),
                hours,
                holidays: vec![common::day("2026-12-25")],
            })?;
            w.save(&svc)?;
            for (kind, priority, goal, cal) in [
                (TargetKind::Response, Some(Priority::P2), 1800.0, None),
                (TargetKind::Resolution, Some(Priority::P2), 4.0 * 3600.0, None),
                (
                    TargetKind::Availability,
                    None,
                    99.9,
                    Some(sdm::store::builtin_calendar_id()),
                ),
            ] {
                w.save(&SlaTarget {
                    id: natural_id("target", &format!("{sid}/{kind}/{priority:?}")),
                    service_id: sid.clone(),
                    kind,
                    priority,
                    goal,
                    calendar_id: cal,
                    valid_from: None,
                    note: String::new(),
                })?;
            }
            // Opened Friday 16:30 local: 1h30 on Friday, due Monday 10:30 local; at 09:45 it
            // has used 3h15 of 4h = 81%: at risk.
            w.save(&ticket(
                "INC001",
                &sid,
                Priority::P2,
                "2026-11-20T15:30:00Z",
                Some("2026-11-20T15:40:00Z"),
                None,
            ))?;
            // Opened Thursday 09:00 local, still open: long past its 4 hours.
            w.save(&ticket(
                "INC002",
                &sid,
                Priority::P2,
                "2026-11-19T08:00:00Z",
                Some("2026-11-19T08:10:00Z"),
                None,
            ))?;
            // Resolved in 2 hours: met.
            w.save(&ticket(
                "INC003",
                &sid,
                Priority::P2,
                "2026-11-18T08:00:00Z",
                Some("2026-11-18T08:05:00Z"),
                Some("2026-11-18T10:00:00Z"),
            ))?;
            // Responded after 45 minutes: a response breach, resolved in time.
            w.save(&ticket(
                "INC004",
                &sid,
                Priority::P2,
                "2026-11-17T08:00:00Z",
                Some("2026-11-17T08:45:00Z"),
                Some("2026-11-17T09:00:00Z"),
            ))?;
            // 90 minutes of unplanned downtime in November: more than 0.1% of 30 days (43m12s).
            w.save(&Outage {
                id: new_id(),
                service_id: sid.clone(),
                start_at: at("2026-11-10T12:00:00Z"),
                end_at: Some(at("2026-11-10T13:30:00Z")),
                planned: false,
                summary: "Database down".into(),
                excluded_reason: None,
                excluded_note: None,
            })?;
            Ok(())
        })
        .unwrap();
    store
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = sdm().args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn clocks_show_state_deadline_and_time_left() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(scenario(&path));
    let db = path.to_str().unwrap();
    let clocks = json(&["--db", db, "--now", NOW, "clocks", "--json"]);
    let find = |r: &str, k: &str| -> serde_json::Value {
        clocks
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["reference"] == r && c["clock"] == k)
            .unwrap()
            .clone()
    };
    let c = find("INC001", "resolution");
    assert_eq!(c["state"], "running");
    assert_eq!(c["at_risk"], true);
    assert_eq!(c["deadline"], "2026-11-23T09:30:00Z");
    assert_eq!(c["remaining_seconds"], 45 * 60);
    assert_eq!(c["countdown"], "45m working time left");
    assert_eq!(c["percent_used"], 81.3);
    let c = find("INC002", "resolution");
    assert_eq!(c["state"], "breached");
    // Thursday 09:00 + 4h = 13:00 local = 12:00 UTC; now is Monday: 3 working days later.
    assert_eq!(c["deadline"], "2026-11-19T12:00:00Z");
    assert_eq!(find("INC003", "resolution")["state"], "met");
    assert_eq!(find("INC004", "response")["state"], "breached");
    // The most urgent first: the breached ones lead.
    assert_eq!(clocks[0]["state"], "breached");

    let out = sdm()
        .args(["--db", db, "--now", NOW, "clocks", "--explain", "INC001"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no working hours (weekend)"), "{text}");
    assert!(text.contains("deadline"), "{text}");
    assert!(
        text.contains("Fri 2026-11-20 16:30  counts until 18:00 (1h 30m; 1h 30m used)"),
        "{text}"
    );
}

#[test]
fn breaches_are_detected_once_and_voided_when_corrected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(scenario(&path));
    let db = path.to_str().unwrap();
    let out = sdm().args(["--db", db, "--now", NOW, "detect"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    // INC002 resolution, INC004 response, November availability.
    assert!(said.starts_with("breaches: 3 new, 0 reopened, 0 void"), "{said}");
    let again = sdm().args(["--db", db, "--now", NOW, "detect"]).output().unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).starts_with("breaches: 0 new, 0 reopened, 0 void"));

    let agenda = json(&["--db", db, "--now", NOW, "agenda", "--json"]);
    let breaches = agenda["breaches"].as_array().unwrap();
    assert_eq!(breaches.len(), 3, "{breaches:?}");
    assert!(
        breaches
            .iter()
            .any(|b| b["source"] == "availability" && b["title"].as_str().unwrap().contains("2026-11"))
    );
    let at_risk = agenda["at_risk"].as_array().unwrap();
    assert_eq!(at_risk.len(), 1);
    assert_eq!(at_risk[0]["reference"], "INC001");

    // The response of INC004 turns out to have been at 08:20: the breach becomes void, kept.
    let mut store = Store::open(&path, OpenMode::Existing).unwrap();
    store
        .write(None, |w| {
            let mut t: Ticket = sdm::store::records::get_in(w.conn(), &natural_id("ticket", "INC004"))?.unwrap();
            t.responded_at = Some(at("2026-11-17T08:20:00Z"));
            w.save(&t)
        })
        .unwrap();
    drop(store);
    let out = sdm().args(["--db", db, "--now", NOW, "detect"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("breaches: 0 new, 0 reopened, 1 void"));
    let export = json(&["--db", db, "export"]);
    let void: Vec<&serde_json::Value> = export["tables"]["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["status"] == "void")
        .collect();
    assert_eq!(void.len(), 1);
    assert!(
        void[0]["notes"]
            .as_str()
            .unwrap()
            .contains("void, the corrected data meets the target")
    );
    let agenda = json(&["--db", db, "--now", NOW, "agenda", "--json"]);
    assert_eq!(
        agenda["breaches"].as_array().unwrap().len(),
        2,
        "a void breach is not open"
    );
}

#[test]
fn a_green_service_with_unhappy_people_is_a_watermelon_and_happy_ones_an_avocado() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    let svc = common::service("Email");
    let sid = svc.id.clone();
    let ann = natural_id("stakeholder", "Ann");
    store
        .write(None, |w| {
            w.save(&svc)?;
            w.save(&SlaTarget {
                id: new_id(),
                service_id: sid.clone(),
                kind: TargetKind::Resolution,
                priority: Some(Priority::P3),
                goal: 8.0 * 3600.0,
                calendar_id: None,
                valid_from: None,
                note: String::new(),
            })?;
            // Every ticket resolved within its target.
            for (i, day) in ["2026-09-10", "2026-10-12", "2026-11-05"].iter().enumerate() {
                let opened = format!("{day}T09:00:00Z");
                let resolved = format!("{day}T10:00:00Z");
                w.save(&ticket(
                    &format!("INC10{i}"),
                    &sid,
                    Priority::P3,
                    &opened,
                    Some(&opened),
                    Some(&resolved),
                ))?;
            }
            w.save(&Stakeholder {
                id: ann.clone(),
                name: "Ann".into(),
                organisation: "Acme".into(),
                role: String::new(),
                contact: String::new(),
                channel: Channel::Call,
                cadence_days: 14,
                notes: String::new(),
                service_ids: vec![sid.clone()],
            })?;
            for (when, s) in [
                ("2026-11-18T10:00:00Z", 2),
                ("2026-11-02T10:00:00Z", 1),
                ("2026-10-05T10:00:00Z", 2),
            ] {
                w.save(&TouchPoint {
                    id: new_id(),
                    stakeholder_id: ann.clone(),
                    at: at(when),
                    channel: Channel::Call,
                    summary: "unhappy".into(),
                    sentiment: Some(s),
                    follow_ups: String::new(),
                    service_ids: vec![sid.clone()],
                })?;
            }
            Ok(())
        })
        .unwrap();
    drop(store);
    let db = path.to_str().unwrap();
    let agenda = json(&["--db", db, "--now", NOW, "agenda", "--json"]);
    let melons = agenda["watermelons"].as_array().unwrap();
    assert_eq!(melons.len(), 1, "{agenda}");
    assert_eq!(melons[0]["service"], "Email");
    assert_eq!(
        melons[0]["reason"],
        "SLAs met 3 months running; sentiment 1.7/5 from 3 touch points, 2 negative this month"
    );
    // Cheer Ann up: two recent happy calls outweigh the old complaints.
    for _ in 0..3 {
        sdm()
            .args([
                "--db",
                db,
                "--now",
                NOW,
                "touch",
                "Ann",
                "--sentiment",
                "5",
                "--service",
                "Email",
                "Great month",
            ])
            .assert()
            .success();
    }
    let agenda = json(&["--db", db, "--now", NOW, "agenda", "--json"]);
    assert!(agenda["watermelons"].as_array().unwrap().is_empty(), "{agenda}");
}

/// The breaches as detection leaves them: (id, status, breached_at), sorted.
fn breach_set(store: &Store) -> Vec<(String, String, i64)> {
    store
        .conn()
        .prepare("SELECT id, status, breached_at FROM breaches WHERE deleted = 0 ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn detection_by_ranges_of_rows_finds_what_one_pass_finds_and_voids_a_gone_tickets_breach() {
    let now: chrono::DateTime<chrono::Utc> = "2026-11-22T09:00:00Z".parse().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let settings = sdm::config::Settings::default();
    let mut stores: Vec<Store> = Vec::new();
    for (name, rows) in [("whole.db", 1_000_000), ("by3.db", 3), ("by1.db", 1)] {
        let mut store = Store::open(&dir.path().join(name), OpenMode::Create).unwrap();
        sdm::demo::write_demo(&mut store, now, chrono_tz::Tz::UTC).unwrap();
        if let Some(whole) = stores.first() {
            // Two breaching tickets stored at rowids no page boundary guesses: below zero and
            // the largest there is.
            let ticket = |n: i64| -> String {
                whole
                    .conn()
                    .query_row(
                        "SELECT ticket_id FROM breaches WHERE source = 'ticket' ORDER BY id LIMIT 1 OFFSET ?1",
                        [n],
                        |r| r.get(0),
                    )
                    .unwrap()
            };
            for (n, rowid) in [(0, -7), (1, i64::MAX)] {
                let moved = store
                    .conn()
                    .execute(
                        "UPDATE tickets SET rowid = ?1 WHERE id = ?2",
                        rusqlite::params![rowid, ticket(n)],
                    )
                    .unwrap();
                assert_eq!(moved, 1);
            }
        }
        let engine = sdm::engine::Engine::load(store.conn(), &settings).unwrap();
        let found = store
            .write(None, |w| {
                sdm::engine::detect::detect_by_rows(w, &engine, now.timestamp(), rows)
            })
            .unwrap();
        assert!(found.created > 3, "{name}: {found:?}");
        stores.push(store);
    }
    let whole = breach_set(&stores[0]);
    assert!(whole.iter().any(|(_, status, _)| status == "open"));
    assert_eq!(breach_set(&stores[1]), whole, "3 rows at a time");
    assert_eq!(breach_set(&stores[2]), whole, "1 row at a time");

    // A ticket whose row is gone (the foreign key, off here, keeps sdm's own writes from
    // doing it; a file another program wrote may): its breach is void, the others stand.
    let store = &mut stores[2];
    store.conn().pragma_update(None, "foreign_keys", false).unwrap();
    let (ticket, breach): (String, String) = store
        .conn()
        .query_row(
            "SELECT ticket_id, id FROM breaches WHERE source = 'ticket' AND status = 'open' AND deleted = 0 ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let its: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM breaches WHERE ticket_id = ?1 AND status <> 'void' AND deleted = 0",
            [&ticket],
            |r| r.get(0),
        )
        .unwrap();
    store
        .conn()
        .execute("DELETE FROM tickets WHERE id = ?1", [&ticket])
        .unwrap();
    let engine = sdm::engine::Engine::load(store.conn(), &settings).unwrap();
    let again = store
        .write(None, |w| {
            sdm::engine::detect::detect_by_rows(w, &engine, now.timestamp(), 2)
        })
        .unwrap();
    assert_eq!((again.created as i64, again.voided as i64), (0, its), "{again:?}");
    assert!(its >= 1);
    let status: String = store
        .conn()
        .query_row("SELECT status FROM breaches WHERE id = ?1", [&breach], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "void");
}

#[test]
fn a_service_whose_ticket_targets_are_gone_has_its_ticket_breaches_voided() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(scenario(&path));
    let db = path.to_str().unwrap();
    let out = sdm().args(["--db", db, "--now", NOW, "detect"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("breaches: 3 new"));
    // The response and resolution targets removed (availability stays): no ticket has a clock,
    // and the two ticket breaches are void; the month's availability breach stands.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute("UPDATE sla_targets SET deleted = 1 WHERE kind <> 'availability'", [])
        .unwrap();
    drop(conn);
    let out = sdm().args(["--db", db, "--now", NOW, "detect"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("breaches: 0 new, 0 reopened, 2 void"), "{said}");
}

#[test]
fn clocks_json_comes_a_service_at_a_time_each_most_urgent_first_with_every_clock_the_list_has() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    sdm().args(["--db", db, "--now", NOW, "demo"]).assert().success();
    let clocks = json(&["--db", db, "--now", NOW, "clocks", "--json"]);
    let clocks = clocks.as_array().unwrap();
    assert!(clocks.len() > 20, "{}", clocks.len());
    // Services in name order, each once, as one run.
    let mut services: Vec<&str> = Vec::new();
    for c in clocks {
        let s = c["service"].as_str().unwrap();
        if services.last() != Some(&s) {
            assert!(!services.contains(&s), "{s} comes back after another service");
            services.push(s);
        }
    }
    let mut sorted = services.clone();
    sorted.sort();
    assert_eq!(services, sorted);
    assert!(services.len() > 3);
    // Within a service, the running clocks the least time left first.
    let running: Vec<&serde_json::Value> = clocks.iter().filter(|c| c["state"] == "running").collect();
    assert!(running.len() > 3);
    for pair in running.windows(2) {
        if pair[0]["service"] == pair[1]["service"] {
            let left = |c: &serde_json::Value| c["remaining_seconds"].as_i64().unwrap();
            assert!(left(pair[0]) <= left(pair[1]), "{} then {}", pair[0], pair[1]);
        }
    }
    // The same clocks as the list a person reads (which is ordered across services).
    let out = sdm().args(["--db", db, "--now", NOW, "clocks"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count() - 1, clocks.len(), "{text}");
}

/// The scenario in `dir`, its breaches detected.
fn detected(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("a.db");
    drop(scenario(&path));
    sdm()
        .args(["--db", path.to_str().unwrap(), "--now", NOW, "detect"])
        .assert()
        .success();
    path
}

/// The references the agenda lists its open ticket breaches with, sorted.
fn listed_references(db: &str) -> Vec<String> {
    let agenda = json(&["--db", db, "--now", NOW, "agenda", "--json"]);
    let mut refs: Vec<String> = agenda["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["source"] == "ticket")
        .map(|b| b["reference"].as_str().unwrap().to_string())
        .collect();
    refs.sort();
    refs
}

#[test]
fn a_breach_keeps_its_tickets_reference_and_one_without_it_is_listed_with_the_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let path = detected(dir.path());
    let db = path.to_str().unwrap();
    let kept = |conn: &rusqlite::Connection, reference: &str| -> Option<String> {
        conn.query_row(
            "SELECT ticket_ref FROM breaches WHERE ticket_id = ?1",
            [natural_id("ticket", reference)],
            |r| r.get(0),
        )
        .unwrap()
    };
    let conn = rusqlite::Connection::open(&path).unwrap();
    assert_eq!(kept(&conn, "INC002").as_deref(), Some("INC002"));
    assert_eq!(listed_references(db), ["INC002", "INC004"]);

    // Breaches written before references were kept (or restored from such an export): the
    // lists read the ticket's, and the next detection keeps it again.
    conn.execute("UPDATE breaches SET ticket_ref = NULL", []).unwrap();
    // A title the SDM wrote stays when the reference is kept again.
    conn.execute(
        "UPDATE breaches SET title = 'Agreed with the customer: counts' WHERE ticket_id = ?1",
        [natural_id("ticket", "INC002")],
    )
    .unwrap();
    assert_eq!(listed_references(db), ["INC002", "INC004"]);
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let pane: Vec<String> = sdm::store::panes::open_breaches(store.conn(), 10)
        .unwrap()
        .into_iter()
        .map(|b| b.reference)
        .filter(|r| !r.is_empty())
        .collect();
    assert_eq!(pane.len(), 2, "{pane:?}");
    drop(store);
    sdm().args(["--db", db, "--now", NOW, "detect"]).assert().success();
    assert_eq!(kept(&conn, "INC004").as_deref(), Some("INC004"));
    let title: String = conn
        .query_row(
            "SELECT title FROM breaches WHERE ticket_id = ?1",
            [natural_id("ticket", "INC002")],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(title, "Agreed with the customer: counts");

    // The ticket's reference comes in another case (the id stays): its breach follows.
    let mut store = Store::open(&path, OpenMode::Existing).unwrap();
    store
        .write(None, |w| {
            let mut t: Ticket = sdm::store::records::get_in(w.conn(), &natural_id("ticket", "INC002"))?.unwrap();
            t.reference = "inc002".into();
            w.save(&t)
        })
        .unwrap();
    drop(store);
    sdm().args(["--db", db, "--now", NOW, "detect"]).assert().success();
    assert_eq!(kept(&conn, "INC002").as_deref(), Some("inc002"));
    assert_eq!(listed_references(db), ["INC004", "inc002"]);
}

#[test]
fn an_export_from_before_kept_references_restores_as_the_upgrade_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = detected(dir.path());
    let db = path.to_str().unwrap();
    let now = json(&["--db", db, "export"]);
    // As an sdm of schema 15 wrote it: breaches without their tickets' references.
    let mut old = now.clone();
    old["schema_version"] = serde_json::json!(15);
    for b in old["tables"]["breaches"].as_array_mut().unwrap() {
        b.as_object_mut().unwrap().remove("ticket_ref");
    }
    let mut fresh = Store::open(&dir.path().join("b.db"), OpenMode::Create).unwrap();
    fresh.restore_json(&old).unwrap();
    let restored = fresh.export_json().unwrap();
    // The same rows, values and stamps as the upgraded copy: a sync between them sees nothing.
    assert_eq!(restored["tables"]["breaches"], now["tables"]["breaches"]);
    assert!(
        now["tables"]["breaches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["ticket_ref"] == "INC002")
    );
}

#[test]
fn ticket_breaches_restored_with_their_source_spelt_otherwise_are_kept_as_sdm_spells_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = detected(dir.path());
    let mut doc = json(&["--db", path.to_str().unwrap(), "export"]);
    // A hand-edited export: the word in another case; the restore keeps it as written.
    for b in doc["tables"]["breaches"].as_array_mut().unwrap() {
        if b["source"] == "ticket" {
            b["source"] = serde_json::json!("Ticket");
        }
    }
    let copy = dir.path().join("b.db");
    let mut store = Store::open(&copy, OpenMode::Create).unwrap();
    store.restore_json(&doc).unwrap();
    // Restored as sdm writes the word, so every query that names it finds them.
    let spelt: Vec<String> = store
        .conn()
        .prepare("SELECT DISTINCT source FROM breaches ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(spelt, ["availability", "ticket"]);
    drop(store);
    let out = sdm()
        .args(["--db", copy.to_str().unwrap(), "--now", NOW, "detect"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("breaches: 0 new"), "{said}");
}

#[test]
fn a_clocks_standing_is_what_its_full_view_says_at_every_moment() {
    // A queue shaped like a real one (open, late, paused tickets, office hours and 24x7), plus
    // waiting totals, pauses ahead of now and stops ahead of now, asked at several moments.
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), OpenMode::Create).unwrap();
    let start: chrono::DateTime<chrono::Utc> = "2026-12-02T09:10:00Z".parse().unwrap();
    sdm::demo::write_synthetic_shaped(
        &mut store,
        start,
        6_000,
        3,
        sdm::demo::synthetic::Shape {
            open: Some(0.1),
            breached: 0.3,
        },
    )
    .unwrap();
    let engine = sdm::engine::Engine::load(store.conn(), &sdm::config::Settings::default()).unwrap();
    let mut facts = sdm::engine::clocks::load_facts(store.conn(), "1", []).unwrap();
    let t0 = start.timestamp();
    for (i, t) in facts.iter_mut().enumerate() {
        match i % 7 {
            1 => t.waiting_secs = Some(1800 * (i as i64 % 5)),
            2 => t.pauses.push(Pause {
                start: t.opened_at + 600,
                end: Some(t0 + 3600),
            }),
            3 => t.resolved_at = t.resolved_at.map(|r| r + 86_400),
            4 => t.excluded_reason = Some("third party".into()),
            _ => {}
        }
    }
    let mut compared = 0;
    let mut breached = 0;
    for now in [t0 - 86_400 * 30, t0, t0 + 1800, t0 + 86_400 * 2] {
        for t in &facts {
            let full: Vec<_> = engine
                .clocks(t, now)
                .into_iter()
                .map(|c| {
                    (
                        c.kind,
                        c.target_id,
                        c.excluded.is_some(),
                        c.view.stopped,
                        c.view.breached,
                        c.view.breached.then_some(c.view.crossed_at).flatten(),
                    )
                })
                .collect();
            let light: Vec<_> = engine
                .standings(t, now)
                .into_iter()
                .map(|c| {
                    (
                        c.kind,
                        c.target_id.to_string(),
                        c.excluded,
                        c.stopped,
                        c.breached,
                        c.crossed_at,
                    )
                })
                .collect();
            assert_eq!(light, full, "{} at {now}", t.reference);
            compared += full.len();
            breached += full.iter().filter(|c| c.4).count();
        }
    }
    assert!(
        compared > 30_000 && breached > 3_000,
        "{compared} clocks, {breached} breached"
    );
}
