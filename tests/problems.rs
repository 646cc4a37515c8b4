//! Problem records: the reviews' problem references move into them, `P` raises one from the
//! evidence behind a signal, and the agenda, `sdm problems` and the interface list them.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use rusqlite::Connection;
use sdm::app::Ctx;
use sdm::app::detail::Subject;
use sdm::config::Settings;
use sdm::domain::enums::ProblemStatus;
use sdm::domain::model::{Change, Problem, Service};
use sdm::store::migrations::{LATEST, MIGRATIONS, migrate_with};
use sdm::store::records::{get_in, list_where};
use sdm::store::{OpenMode, Store};
use sdm::tui::Runtime;
use sdm::tui::app::Mode;
use sdm::tui::model::ToDo;

use common::{key, press, sdm};

const NOW: &str = "2026-11-22T09:00:00Z";

fn demo(path: &std::path::Path) {
    let out = sdm()
        .args(["--db", path.to_str().unwrap(), "--now", NOW, "demo"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

fn ctx(path: &std::path::Path) -> Ctx {
    let now: DateTime<Utc> = NOW.parse().unwrap();
    Ctx::fixed(path, now, chrono_tz::Tz::UTC, Settings::default())
}

#[test]
fn the_reviews_problem_references_and_root_causes_move_into_problem_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    sdm::store::create_private_file(&path).unwrap();
    {
        let mut conn = Connection::open(&path).unwrap();
        // The schema before problem records, with reviews that name problems.
        migrate_with(&mut conn, &path, 0, &MIGRATIONS[..12]).unwrap();
        conn.execute_batch(
            "INSERT INTO services (id, created_at, updated_at, hlc, name) VALUES
               ('s1', 1, 1, '000000000000001-000000-ab', 'Payroll'),
               ('s2', 1, 1, '000000000000001-000000-ab', 'Store POS');
             INSERT INTO reviews (id, created_at, updated_at, hlc, kind, service_id, title, due, root_cause, problem_ref) VALUES
               ('r1', 10, 10, '000000000000010-000000-ab', 'pir', 's1', 'PIR CHG1', '2026-10-01', '', 'PRB0041'),
               ('r2', 20, 20, '000000000000020-000000-ab', 'pir', 's2', 'PIR CHG2', '2026-10-02', 'Drift between test and production', ' prb0041 '),
               ('r3', 30, 30, '000000000000030-000000-ab', 'postmortem', 's1', 'PM INC3', '2026-10-03', 'Certificate not renewed', ''),
               ('r4', 40, 40, '000000000000040-000000-ab', 'pir', 's1', 'PIR CHG4', '2026-10-04', '', '');",
        )
        .unwrap();
    }
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let version: i64 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, LATEST);
    let problems: Vec<Problem> = list_where(store.conn(), "deleted = 0 ORDER BY id", []).unwrap();
    assert_eq!(problems.len(), 2, "{problems:#?}");
    // Two reviews naming one reference share one problem, with both services.
    let shared = &problems[0];
    assert_eq!(shared.id, "problem-prb0041");
    assert_eq!(shared.reference, "PRB0041");
    assert_eq!(shared.review_ids, vec!["r1".to_string(), "r2".to_string()]);
    assert_eq!(shared.root_cause, "Drift between test and production");
    assert_eq!(shared.status, ProblemStatus::RootCauseKnown);
    assert_eq!(shared.service_ids, vec!["s1".to_string(), "s2".to_string()]);
    // A root cause without a reference makes a problem of its own; a review with neither, none.
    let own = &problems[1];
    assert_eq!((own.id.as_str(), own.reference.as_str()), ("problem-review-r3", ""));
    assert_eq!(own.review_ids, vec!["r3".to_string()]);
    assert_eq!(own.title, "PM INC3");
}

#[test]
fn p_on_a_flagged_service_raises_a_problem_linked_to_its_emergency_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let ctx = ctx(&path);
    let pos: Service = list_where(store.conn(), "name = 'Store POS'", []).unwrap().remove(0);
    // The ⚑ names the emergency changes it counted.
    let flags = sdm::store::signals::problem_flags_of(store.conn(), ctx.now, &pos.id).unwrap();
    let flag = flags
        .iter()
        .find(|f| f.reason.contains("emergency changes"))
        .expect("Store POS is flagged for its emergency changes");
    let raised = sdm::app::problems::raise_from(&store, &ctx, &Subject::Service(pos.id.clone())).unwrap();
    let refs: Vec<String> = raised
        .input
        .links
        .change_ids
        .iter()
        .map(|id| get_in::<Change>(store.conn(), id).unwrap().unwrap().reference)
        .collect();
    assert_eq!(refs.len(), 3, "{refs:?}");
    for r in &refs {
        assert!(
            flag.reason.contains(r.as_str()),
            "{r} is not in the flag: {}",
            flag.reason
        );
    }
    assert_eq!(raised.input.services, "Store POS");
    drop(store);

    // The same from the interface: P on the service, Enter saves, the Reviews pane lists it.
    let mut rt = Runtime::new(Store::open(&path, OpenMode::Existing).unwrap(), &ctx, "test.db");
    rt.reload(false);
    press(&mut rt, ":Store POS");
    key(&mut rt, KeyCode::Enter);
    if matches!(rt.app.mode, Mode::Detail(_)) {
        key(&mut rt, KeyCode::Esc);
    }
    press(&mut rt, "P");
    let Mode::Form(form) = &rt.app.mode else {
        panic!("P opens the problem form: {:?} {}", rt.app.mode, rt.app.status)
    };
    assert!(form.title.contains("3 emergency change"), "{}", form.title);
    key(&mut rt, KeyCode::Enter);
    assert!(rt.app.status.starts_with("saved problem"), "{}", rt.app.status);
    let row = rt
        .app
        .snap
        .actions
        .iter()
        .find(|a| a.kind == ToDo::Problem && a.title.starts_with("Store POS"))
        .expect("the Reviews pane lists the problem")
        .clone();
    let saved: Problem = get_in(rt.store.conn(), &row.id).unwrap().unwrap();
    assert_eq!(saved.change_ids, raised.input.links.change_ids);
    assert_eq!(saved.service_ids, vec![pos.id.clone()]);
    // Its detail names the evidence, each line openable.
    let d = sdm::app::detail::detail(&rt.store, &ctx, &Subject::Problem(saved.id.clone())).unwrap();
    for r in &refs {
        assert!(
            d.lines.iter().any(|l| l.contains(r.as_str())),
            "{r} missing: {:?}",
            d.lines
        );
    }
    assert_eq!(
        d.links.iter().filter(|(_, s)| matches!(s, Subject::Change(_))).count(),
        3
    );
}

#[test]
fn the_agenda_and_sdm_problems_list_open_problems_and_say_which_wait_for_a_root_cause() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let db = path.to_str().unwrap();
    // A problem raised 40 days ago without a root cause waits too long for one.
    {
        let mut store = Store::open(&path, OpenMode::Existing).unwrap();
        let input = sdm::app::problems::SaveProblem {
            title: "Label printing fails now and then".into(),
            services: "Carrier Integration".into(),
            ..Default::default()
        };
        let p = sdm::app::problems::save(&mut store, &ctx(&path), &input)
            .unwrap()
            .problem;
        let forty_days_ago = NOW.parse::<DateTime<Utc>>().unwrap().timestamp() - 40 * 86_400;
        store
            .conn()
            .execute(
                "UPDATE problems SET created_at = ?1 WHERE id = ?2",
                rusqlite::params![forty_days_ago, p.id],
            )
            .unwrap();
    }
    let out = sdm()
        .args(["--db", db, "--now", NOW, "agenda", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let agenda: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems = agenda["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 2, "the demo's and the new one: {problems:#?}");
    assert_eq!(agenda["counts"]["problems_without_root_cause"], 1);
    assert_eq!(
        problems[0]["title"], "Label printing fails now and then",
        "waiting ones first"
    );
    assert_eq!(problems[0]["waiting_for_root_cause"], true);
    assert_eq!(problems[0]["age_days"], 40);
    let summary = agenda["summary"].as_str().unwrap();
    assert!(
        summary.contains("1 problem without a root cause for 30 days"),
        "{summary}"
    );

    let text = sdm().args(["--db", db, "--now", NOW, "problems"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("Carrier Integration  Label printing fails now and then — open  [no root cause for 40 days]"),
        "{text}"
    );
    assert!(
        text.contains("PRB0040100 Changes fail where test and production differ — root cause known"),
        "{text}"
    );
    let json = sdm()
        .args(["--db", db, "--now", NOW, "problems", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["problems"].as_array().unwrap().len(), 2);
    assert!(json["candidates"].is_array());
}

#[test]
fn the_finder_proposes_the_planted_run_and_no_unrelated_tickets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let ctx = ctx(&path);
    let found = sdm::app::problems::candidates(&store, &ctx, None).unwrap();
    // The Web Shop run of five; the Payment Gateway run is PRB0040112's evidence already.
    assert_eq!(found.len(), 1, "{found:#?}");
    let refs: Vec<String> = found[0]
        .ticket_ids
        .iter()
        .map(|id| {
            get_in::<sdm::domain::model::Ticket>(store.conn(), id)
                .unwrap()
                .unwrap()
                .reference
        })
        .collect();
    assert_eq!(
        refs,
        ["INC0019007", "INC0019008", "INC0019009", "INC0019010", "INC0019011"]
    );
    assert_eq!(
        found[0].said(),
        "possible problem: 5 incidents like 'Product pages load slowly' in 30 days"
    );
    // P on the service raises a problem from the run, its tickets linked.
    let web: Service = list_where(store.conn(), "name = 'Web Shop'", []).unwrap().remove(0);
    let raised = sdm::app::problems::raise_from(&store, &ctx, &Subject::Service(web.id)).unwrap();
    assert_eq!(raised.input.title, "Web Shop: Product pages load slowly");
    assert_eq!(raised.input.links.ticket_ids, found[0].ticket_ids);
}

#[test]
fn the_fix_shows_its_effect_and_closing_a_problem_whose_incidents_go_on_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let mut store = Store::open(&path, OpenMode::Existing).unwrap();
    let ctx = ctx(&path);
    // PRB0040112: 7 incidents like it in the 21 days before CHG0003139, none since (a hand
    // count of the demo's story).
    let items = sdm::app::problems::list(&store, &ctx, true).unwrap();
    let wallet = items.iter().find(|p| p.reference == "PRB0040112").unwrap();
    let effect = wallet.since_fix.as_ref().unwrap();
    assert_eq!(
        (effect.days, effect.incidents_before, effect.incidents_after),
        (21, 7, 0)
    );
    assert_eq!(
        effect.said(),
        format!(
            "since the fix (CHG0003139, {}): 0 similar incidents in 21 days against 7 in the 21 days before",
            (NOW.parse::<DateTime<Utc>>().unwrap() - chrono::Duration::days(21)).format("%-d %b")
        )
    );
    // Closing a problem while incidents like it keep coming saves, and says so.
    let input = sdm::app::problems::SaveProblem {
        title: "Product pages load slowly".into(),
        services: "Web Shop".into(),
        status: "closed".into(),
        ..Default::default()
    };
    let saved = sdm::app::problems::save(&mut store, &ctx, &input).unwrap();
    assert_eq!(
        saved.warnings,
        vec!["3 new incident(s) like it in the last 14 days and no fixing change".to_string()]
    );
    // An open one is not warned about.
    let input = sdm::app::problems::SaveProblem {
        status: "open".into(),
        ..input
    };
    assert!(
        sdm::app::problems::save(&mut store, &ctx, &input)
            .unwrap()
            .warnings
            .is_empty()
    );
}

#[test]
fn a_problem_edited_on_two_copies_merges_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("laptop.db"), dir.path().join("jumphost.db"));
    common::populated(&a).backup_to(&b).unwrap();
    let id = sdm::domain::ids::natural_id("problem", "PRB0040001");
    let edit = |db: &std::path::Path, f: &dyn Fn(&mut Problem)| {
        let mut store = Store::open(db, OpenMode::Existing).unwrap();
        store
            .write(Some("edit problem"), |w| {
                let mut p: Problem = get_in(w.conn(), &id)?.unwrap();
                f(&mut p);
                w.save(&p)
            })
            .unwrap();
    };
    edit(&a, &|p| p.workaround = "Run the patch twice".into());
    edit(&b, &|p| p.status = ProblemStatus::FixInProgress);
    let server = format!(
        "{} --db '{}' sync --serve",
        assert_cmd::cargo::cargo_bin("sdm").display(),
        b.display()
    );
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", "jumphost", "--remote-cmd", &server])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for db in [&a, &b] {
        let store = Store::open(db, OpenMode::Existing).unwrap();
        let p: Problem = get_in(store.conn(), &id).unwrap().unwrap();
        assert_eq!(
            (p.workaround.as_str(), p.status),
            ("Run the patch twice", ProblemStatus::FixInProgress),
            "{}",
            db.display()
        );
        assert_eq!(p.service_ids, vec![common::service("Payroll").id]);
    }
}
