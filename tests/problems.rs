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
    assert_eq!(
        shared.raised_on,
        "2026-10-01".parse().ok(),
        "raised when its first review fell due"
    );
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
            raised: "2026-10-13".into(),
            ..Default::default()
        };
        sdm::app::problems::save(&mut store, &ctx(&path), &input).unwrap();
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
    common::sync(&a, &b);
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

#[test]
fn a_cause_that_keeps_closing_a_services_breaches_proposes_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let mut store = Store::open(&path, OpenMode::Existing).unwrap();
    let ctx = ctx(&path);
    // Three breaches of one service closed as "Capacity", one as "third party".
    let web: Service = list_where(store.conn(), "name = 'Web Shop'", []).unwrap().remove(0);
    let service = web.id.clone();
    let mine: Vec<sdm::domain::model::Breach> = (0..4)
        .map(|k| sdm::domain::model::Breach {
            id: format!("cause-{k}"),
            service_id: service.clone(),
            target_id: None,
            source: sdm::domain::enums::BreachSource::Manual,
            ticket_id: None,
            ticket_ref: None,
            period: None,
            title: format!("Checkout slow {k}"),
            breached_at: ctx.now.timestamp() - (60 - 10 * k) * 86_400,
            status: sdm::domain::enums::BreachStatus::Closed,
            customer_informed: true,
            credit: None,
            notes: String::new(),
            cause: Some(if k < 3 { "Capacity" } else { "third party" }.into()),
            history: Vec::new(),
        })
        .collect();
    store
        .write(Some("causes"), |w| {
            for b in &mine {
                w.save(b)?;
            }
            Ok(())
        })
        .unwrap();
    let found = sdm::app::problems::recurring_causes(&store, &ctx, None).unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        found[0].breach_ids,
        mine[..3].iter().map(|b| b.id.clone()).collect::<Vec<_>>()
    );
    assert_eq!(
        found[0].said(),
        "possible problem: 3 breaches closed as 'Capacity' in 90 days"
    );
    // The service's detail rolls the causes up, most first.
    let d = sdm::app::detail::detail(&store, &ctx, &Subject::Service(service.clone())).unwrap();
    assert!(
        d.lines
            .iter()
            .any(|l| l == "Breach causes, last 90 days: Capacity 3 · third party 1"),
        "{:#?}",
        d.lines
    );
    // P on the service links the three.
    let raised = sdm::app::problems::raise_from(&store, &ctx, &Subject::Service(service)).unwrap();
    for b in &mine[..3] {
        assert!(raised.input.links.breach_ids.contains(&b.id), "{raised:#?}");
    }
}

#[test]
fn an_export_from_before_problem_records_restores_with_its_review_problems_moved() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::populated(&dir.path().join("a.db"));
    let mut export = store.export_json().unwrap();
    // As an sdm of schema 12 wrote it: no problem tables, no problem_id on actions, and the
    // review naming its problem itself.
    export["schema_version"] = serde_json::json!(12);
    let tables = export["tables"].as_object_mut().unwrap();
    tables.remove("problems");
    tables.remove("problem_services");
    for a in tables["actions"].as_array_mut().unwrap() {
        a.as_object_mut().unwrap().remove("problem_id");
    }
    let review = &mut tables["reviews"].as_array_mut().unwrap()[0];
    review["problem_ref"] = serde_json::json!("PRB0040999");
    review["root_cause"] = serde_json::json!("The patch tool skips the schema check");
    let review_id = review["id"].as_str().unwrap().to_string();
    let mut fresh = Store::open(&dir.path().join("b.db"), OpenMode::Create).unwrap();
    fresh.restore_json(&export).unwrap();
    let problems: Vec<Problem> = list_where(fresh.conn(), "deleted = 0", []).unwrap();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].reference, "PRB0040999");
    assert_eq!(problems[0].review_ids, vec![review_id]);
    assert_eq!(problems[0].root_cause, "The patch tool skips the schema check");
}

#[test]
fn the_monthly_review_lists_the_services_problems_and_what_the_fix_did() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let db = path.to_str().unwrap();
    let write = |audience: &[&str], out: &str| {
        let out = dir.path().join(out);
        let mut cmd = sdm();
        cmd.args([
            "--db",
            db,
            "--now",
            "2026-12-03T09:00:00Z",
            "report",
            "--service",
            "Payment Gateway",
        ]);
        cmd.args(["--month", "2026-11", "--format", "md", "--out", out.to_str().unwrap()]);
        cmd.args(audience);
        let run = cmd.output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        std::fs::read_to_string(out).unwrap()
    };
    let internal = write(&["--internal"], "internal.md");
    let section = internal.split("## Problems").nth(1).expect("a Problems section");
    let wallet = section
        .lines()
        .find(|l| l.contains("PRB0040112"))
        .expect("the wallet problem");
    // The demo as of 22 November: the fix went in on 1 November, the run from 13 to 31
    // October. As of 30 November 24:00 that is 29 days either side, all 7 before, none after.
    assert!(
        wallet.contains("— now resolved;"),
        "raised in October; its state is today's, said as such: {wallet}"
    );
    assert!(
        wallet.contains(
            "since the fix (CHG0003139, 1 Nov): 0 similar incidents in 29 days against 7 in the 29 days before"
        ),
        "{wallet}"
    );
    assert!(wallet.contains("root cause: The confirmation consumer"), "{wallet}");
    // The customer's copy says what was done, not the SDM's finding of why.
    let customer = write(&[], "customer.md");
    let line = customer.lines().find(|l| l.contains("PRB0040112")).unwrap();
    assert!(line.contains("workaround: Restart the confirmation consumer"), "{line}");
    assert!(!line.contains("root cause"), "{line}");
}

#[test]
fn reviews_whose_findings_say_the_same_thing_propose_a_problem_until_one_holds_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let mut store = Store::open(&path, OpenMode::Existing).unwrap();
    let ctx = ctx(&path);
    // The demo's problem PRB0040100 holds the reviews that found configuration drift.
    assert!(sdm::app::problems::shared_findings(&store, &ctx).unwrap().is_empty());
    let drift: Vec<Problem> = list_where(store.conn(), "reference = 'PRB0040100'", []).unwrap();
    let held = drift[0].review_ids.clone();
    store
        .write(Some("delete"), |w| w.remove::<Problem>(&drift[0].id))
        .unwrap();
    let found = sdm::app::problems::shared_findings(&store, &ctx).unwrap();
    assert_eq!(found.len(), 1, "{found:#?}");
    let mut ids = found[0].review_ids.clone();
    ids.sort();
    let mut expected = held;
    expected.sort();
    assert_eq!(
        ids, expected,
        "the same reviews, and not the post-mortem of the wallet story"
    );
    assert!(
        found[0].said().starts_with(&format!(
            "possible problem: {} reviews found 'Keep the environments in step",
            ids.len()
        )),
        "{}",
        found[0].said()
    );
}

#[test]
fn servicenow_and_jira_problem_exports_import_by_reference() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let db = path.to_str().unwrap();
    let fixture = |f: &str| format!("{}/tests/fixtures/{f}", env!("CARGO_MANIFEST_DIR"));
    let import = |f: &str| {
        let out = sdm()
            .args(["--db", db, "--now", NOW, "import", "problems", &fixture(f)])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    // The demo's PRB0040112 is the file's first row: updated, not doubled.
    let said = import("servicenow_problems.csv");
    assert!(
        said.contains("added 2, changed 1, unchanged 0 (3 rows, ServiceNow problems"),
        "{said}"
    );
    let said = import("jira_problems.csv");
    assert!(
        said.contains("added 2, changed 0, unchanged 0 (2 rows, Jira problems"),
        "{said}"
    );
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let by_ref = |r: &str| -> Problem {
        let mut found: Vec<Problem> = list_where(store.conn(), "deleted = 0 AND reference = ?1", [r]).unwrap();
        assert_eq!(found.len(), 1, "one {r}");
        found.remove(0)
    };
    let wallet = by_ref("PRB0040112");
    assert_eq!(wallet.ticket_ids.len(), 7, "the SDM's evidence stays");
    assert_eq!(
        (wallet.owner.as_str(), wallet.status),
        ("Priya Raman", ProblemStatus::Resolved)
    );
    assert_eq!(wallet.workaround, "Restart the confirmation consumer");
    assert_eq!(wallet.raised_on, "2026-10-22".parse().ok());
    let slow = by_ref("PRB0040200");
    assert_eq!(slow.status, ProblemStatus::Open, "Root Cause Analysis is still open");
    let web: Service = list_where(store.conn(), "name = 'Web Shop'", []).unwrap().remove(0);
    assert_eq!(slow.service_ids, vec![web.id]);
    assert_eq!(by_ref("PRB0040201").status, ProblemStatus::FixInProgress);
    let payslips = by_ref("PRB-8");
    assert_eq!(payslips.status, ProblemStatus::KnownError);
    assert_eq!(
        payslips.root_cause,
        "Template ignores the overtime code since the November release"
    );
    assert_eq!(payslips.raised_on, "2026-11-09".parse().ok());
    assert_eq!(by_ref("PRB-7").status, ProblemStatus::Open);
    // The planted Web Shop run is PRB0040200's now: no longer proposed.
    let found = sdm::app::problems::candidates(&store, &ctx(&path), None).unwrap();
    assert!(found.is_empty(), "{found:#?}");
    // An open ticket that looks like PRB-7's incidents shows its workaround, unlinked as it is.
    let labels: Vec<sdm::domain::model::Ticket> = list_where(
        store.conn(),
        "deleted = 0 AND state = 'open' AND summary = 'Label printing fails for international parcels'",
        [],
    )
    .unwrap();
    let d = sdm::app::detail::detail(&store, &ctx(&path), &Subject::Ticket(labels[0].id.clone())).unwrap();
    let at = d
        .lines
        .iter()
        .position(|l| l.starts_with("looks like problem PRB-7"))
        .expect("PRB-7 named");
    assert_eq!(d.lines[at + 1], "  workaround: Print the label from the carrier portal");
    assert!(
        d.links
            .iter()
            .any(|(line, s)| *line == at && matches!(s, Subject::Problem(_)))
    );
    drop(store);
    // Again: nothing new.
    let said = import("servicenow_problems.csv");
    assert!(said.contains("added 0, changed 0, unchanged 3"), "{said}");
    // A state that is no problem state is refused, naming it.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "number,short_description,cmdb_ci,problem_state\nPRB1,Slow,Web Shop,Pending vendor\n",
    )
    .unwrap();
    let out = sdm()
        .args(["--db", db, "--now", NOW, "import", "problems", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"Pending vendor\" is not a problem state"), "{err}");
    // An incident export (or a Jira file of other issue types) is not read as problems, even
    // with every row given a service.
    for (file, said) in [
        ("servicenow_incidents.csv", "is an incident's number, not a problem's"),
        (
            "jira_issues.csv",
            "is not a problem: export the Problem issue type only",
        ),
    ] {
        let out = sdm()
            .args([
                "--db",
                db,
                "--now",
                NOW,
                "import",
                "problems",
                &fixture(file),
                "--service",
                "Payroll",
                "--date-order",
                "dmy",
            ])
            .output()
            .unwrap();
        assert!(!out.status.success(), "{file} was imported as problems");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(said) && err.contains("nothing was imported"), "{err}");
    }
}

#[test]
fn an_action_added_on_a_problem_row_works_towards_that_problem() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let ctx = ctx(&path);
    let mut rt = Runtime::new(Store::open(&path, OpenMode::Existing).unwrap(), &ctx, "test.db");
    rt.reload(false);
    press(&mut rt, "4");
    let row = rt
        .app
        .snap
        .actions
        .iter()
        .position(|a| a.kind == ToDo::Problem)
        .expect("a problem in the Reviews pane");
    let problem_id = rt.app.snap.actions[row].id.clone();
    // Down to the problem's row, then a.
    key(&mut rt, KeyCode::Char('g'));
    for _ in 0..row {
        key(&mut rt, KeyCode::Char('j'));
    }
    press(&mut rt, "a");
    let Mode::Form(form) = &rt.app.mode else {
        panic!("a opens the action form: {:?}", rt.app.mode)
    };
    assert_eq!(form.title, "Add an action to this problem");
    press(&mut rt, "Size the consumer for the peak");
    key(&mut rt, KeyCode::Enter);
    assert!(rt.app.status.starts_with("saved action"), "{}", rt.app.status);
    let actions: Vec<sdm::domain::model::Action> =
        list_where(rt.store.conn(), "deleted = 0 AND problem_id = ?1", [&problem_id]).unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].title, "Size the consumer for the peak");
    let d = sdm::app::detail::detail(&rt.store, &ctx, &Subject::Problem(problem_id)).unwrap();
    assert!(
        d.lines.iter().any(|l| l.contains("Size the consumer for the peak")),
        "{:#?}",
        d.lines
    );
}

#[test]
fn the_agendas_listing_read_on_its_own_connection_is_the_one_read_on_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    demo(&path);
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let ctx = ctx(&path);
    let here = sdm::app::agenda::listing(&store, &ctx, Some(5)).unwrap();
    assert!(!here.problem_flags.is_empty(), "the demo has flagged services");
    // The agenda reads it on a second connection while the first works out the clocks.
    let aside = sdm::app::agenda::listing_aside(&path, &ctx, Some(5))
        .expect("a second connection to the file opens")
        .unwrap();
    assert_eq!(
        serde_json::to_value(&aside).unwrap(),
        serde_json::to_value(&here).unwrap()
    );
    // A file that is not there gives none (the agenda then lists on its own connection).
    assert!(sdm::app::agenda::listing_aside(&dir.path().join("gone.db"), &ctx, None).is_none());
}
