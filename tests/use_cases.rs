//! The command line and the interface are two front ends on one use-case layer: given the
//! same input they write the same rows, and the interface's agenda line counts what
//! `sdm agenda` counts.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use sdm::app::Ctx;
use sdm::config::Settings;
use sdm::domain::model::{Action, Breach, Ticket, TouchPoint};
use sdm::store::records::{get_in, list_where};
use sdm::store::{OpenMode, Store};
use sdm::tui::Runtime;
use sdm::tui::panes::PaneId;

use common::{key, press, sdm};

const NOW: &str = "2026-11-22T09:00:00Z";

fn demo(path: &std::path::Path, scale: Option<&str>) {
    let mut cmd = sdm();
    cmd.args(["--db", path.to_str().unwrap(), "--now", NOW, "demo"]);
    if let Some(n) = scale {
        cmd.args(["--scale", n]);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn runtime(path: &std::path::Path) -> Runtime {
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let store = Store::open(path, OpenMode::Existing).unwrap();
    let ctx = Ctx::fixed(path, now, chrono_tz::Tz::UTC, Settings::default());
    let mut rt = Runtime::new(store, &ctx, "test.db");
    rt.reload(false);
    rt
}

/// A touch point and its follow-up action, without their ids and stamps.
fn written(path: &std::path::Path, summary: &str) -> (TouchPoint, Vec<Action>) {
    let store = Store::open(path, OpenMode::Existing).unwrap();
    let mut found: Vec<TouchPoint> = list_where(store.conn(), "deleted = 0 AND summary = ?1", [summary]).unwrap();
    assert_eq!(found.len(), 1, "one touch point \"{summary}\" in {}", path.display());
    let mut tp = found.remove(0);
    let mut actions: Vec<Action> = list_where(store.conn(), "deleted = 0 AND touch_point_id = ?1", [&tp.id]).unwrap();
    tp.id = String::new();
    for a in &mut actions {
        a.id = String::new();
        a.touch_point_id = None;
    }
    (tp, actions)
}

#[test]
fn touch_from_the_shell_and_from_the_form_write_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (shell, form) = (dir.path().join("shell.db"), dir.path().join("form.db"));
    demo(&shell, None);
    demo(&form, None);

    let mut rt = runtime(&form);
    press(&mut rt, "3");
    let who = rt.app.snap.stakeholders[0].name.clone();
    press(&mut rt, "t");
    press(&mut rt, "Walked through the outage");
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "4");
    // Channel, when and the services it was about keep their defaults (the stakeholder's
    // channel, now, the stakeholder's services).
    key(&mut rt, KeyCode::Tab);
    key(&mut rt, KeyCode::Tab);
    key(&mut rt, KeyCode::Tab);
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "Send the incident report");
    key(&mut rt, KeyCode::Enter);
    assert!(rt.app.status.starts_with("logged a "), "{}", rt.app.status);
    drop(rt);

    let out = sdm()
        .args([
            "--db",
            shell.to_str().unwrap(),
            "--now",
            NOW,
            "touch",
            &who,
            "Walked through the outage",
            "--sentiment",
            "4",
            "--follow-up",
            "Send the incident report",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let (a, a_actions) = written(&shell, "Walked through the outage");
    let (b, b_actions) = written(&form, "Walked through the outage");
    assert_eq!(a, b, "the touch point");
    assert_eq!(a_actions.len(), 1, "the follow-up became an action");
    assert_eq!(a_actions, b_actions, "the follow-up action");
    assert!(!a.service_ids.is_empty(), "linked to the stakeholder's services");
}

fn cli_counts(path: &std::path::Path) -> serde_json::Value {
    let out = sdm()
        .args(["--db", path.to_str().unwrap(), "--now", NOW, "agenda", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["counts"].clone()
}

fn tui_counts(rt: &Runtime) -> serde_json::Value {
    serde_json::to_value(rt.app.snap.counts).unwrap()
}

/// Every number on the agenda line is a field of `counts`.
fn line_matches(rt: &Runtime) {
    let c = rt.app.snap.counts;
    let line = &rt.app.snap.agenda;
    assert!(line.starts_with(&format!("{} breach", c.breaches_open)), "{line}");
    assert!(
        line.contains(&format!("{} touch point", c.touch_points_overdue)),
        "{line}"
    );
    assert!(line.contains(&format!("{} action", c.actions_due)), "{line}");
    // The short line leaves out what is zero (the open breaches always count).
    let short = &rt.app.snap.agenda_short;
    let start = match c.at_risk {
        0 => format!("{} breaches", c.breaches_open),
        n => format!("{} breaches · {n} at risk", c.breaches_open),
    };
    assert!(short.starts_with(&start), "{short}");
    assert_eq!(short.contains("at risk"), c.at_risk > 0, "{short}");
}

#[test]
fn the_agenda_line_counts_what_sdm_agenda_counts_also_after_closing_a_breach() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path, None);
    let mut rt = runtime(&path);
    assert_eq!(tui_counts(&rt), cli_counts(&path));
    line_matches(&rt);
    let before = rt.app.snap.counts;

    // Close a ticket breach whose ticket is still open: it stays recorded, so it does not come
    // back as a clock past its target.
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let index = rt
        .app
        .snap
        .breaches
        .iter()
        .position(|row| {
            !row.is_clock
                && get_in::<Breach>(store.conn(), &row.id)
                    .unwrap()
                    .and_then(|b| b.ticket_id)
                    .and_then(|t| get_in::<Ticket>(store.conn(), &t).unwrap())
                    .is_some_and(|t| t.resolved_at.is_none())
        })
        .expect("the demo has a ticket breach whose ticket is open");
    drop(store);
    press(&mut rt, "2");
    rt.app.selected[PaneId::Breaches] = index;
    press(&mut rt, "C");
    // Closing asks for a cause (the first offered is taken) and saves with Enter.
    key(&mut rt, KeyCode::Enter);
    assert!(rt.app.status.starts_with("close"), "{}", rt.app.status);
    assert_eq!(rt.app.snap.counts.breaches_open, before.breaches_open - 1);
    assert_eq!(tui_counts(&rt), cli_counts(&path));
    line_matches(&rt);
}

#[test]
fn the_agenda_line_counts_every_breach_beyond_the_loaded_page() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.db");
    demo(&path, Some("20000"));
    let mut rt = runtime(&path);
    // A page of 20 rows per list: far fewer than the open breaches and reviews due.
    rt.reload_rows(false, 20);
    let cli = cli_counts(&path);
    assert!(cli["breaches_open"].as_u64().unwrap() > 20, "{cli}");
    assert!(rt.app.snap.breaches.iter().filter(|b| !b.is_clock).count() <= 20);
    assert_eq!(tui_counts(&rt), cli);
    line_matches(&rt);
}

#[test]
fn before_a_delete_what_hangs_on_the_record_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path, None);
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let service = sdm::store::queries::find_service(store.conn(), "Payment Gateway").unwrap();
    let record = sdm::app::RecordRef {
        kind: sdm::app::RecordKind::Service,
        id: service.id,
    };
    let ties = sdm::app::records::ties(&store, &record).unwrap();
    let tickets: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM tickets t JOIN services s ON s.id = t.service_id WHERE s.name = 'Payment Gateway' AND t.deleted = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(tickets > 1);
    assert!(ties.starts_with(&format!("{tickets} tickets, ")), "{ties}");
    assert!(ties.contains("stakeholder"), "{ties}");
}
