//! The interface without a terminal: whole screens rendered into a test backend, key scripts
//! run against a real database, every size from 1x1 up.
#![allow(clippy::unwrap_used)]

mod common;

use common::{key, press};

use chrono::{DateTime, Utc};
use crossterm::event::KeyCode;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use sdm::app::Ctx;
use sdm::config::Settings;
use sdm::store::{OpenMode, Store};
use sdm::tui::Runtime;
use sdm::tui::app::Mode;
use sdm::tui::panes::PaneId;
use sdm::tui::view::{Theme, draw};

const NOW: &str = "2026-11-22T09:00:00Z";

fn runtime(dir: &std::path::Path) -> Runtime {
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let path = dir.join("demo.db");
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    sdm::demo::write_demo(&mut store, now, chrono_tz::Tz::UTC).unwrap();
    let settings = Settings::default();
    let engine = sdm::engine::Engine::load(store.conn(), &settings).unwrap();
    store
        .write(None, |w| {
            sdm::engine::detect::detect(w, &engine, now.timestamp())?;
            sdm::demo::portfolio::settle_history(w, now.timestamp())?;
            Ok(())
        })
        .unwrap();
    let ctx = Ctx {
        db: path,
        now,
        now_fixed: true,
        settings,
        tz: chrono_tz::Tz::UTC,
        color: false,
    };
    let mut rt = Runtime::new(store, &ctx, "test.db");
    rt.reload(false);
    rt
}

fn screen(rt: &Runtime, w: u16, h: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f, &rt.app, Theme { color: false })).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..h {
        for x in 0..w {
            out.push_str(buffer[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

#[test]
fn screens_at_80x24_and_160x48() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    insta::assert_snapshot!("services_80x24", screen(&rt, 80, 24));
    insta::assert_snapshot!("grid_160x48", screen(&rt, 160, 48));
    press(&mut rt, "2");
    insta::assert_snapshot!("breaches_80x24", screen(&rt, 80, 24));
    press(&mut rt, "?");
    insta::assert_snapshot!("help_80x24", screen(&rt, 80, 24));
}

#[test]
fn no_size_panics_in_any_mode() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    let sizes: Vec<(u16, u16)> = (1..=12)
        .flat_map(|w| (1..=6).map(move |h| (w * 17 % 201, h * 11 % 61)))
        .collect();
    let modes: [&dyn Fn(&mut Runtime); 5] = [
        &|_rt| {},
        &|rt| press(rt, "?"),
        &|rt| press(rt, "a"),
        &|rt| key(rt, KeyCode::Enter),
        &|rt| press(rt, "3/an"),
    ];
    for set_mode in modes {
        rt.app.mode = Mode::Normal;
        set_mode(&mut rt);
        for &(w, h) in sizes
            .iter()
            .chain([(1, 1), (20, 5), (39, 9), (40, 10), (80, 24), (200, 60)].iter())
        {
            let text = screen(&rt, w.max(1), h.max(1));
            if w < 40 || h < 10 {
                assert!(
                    w < 10 || h < 2 || text.contains("too") || text.contains("term"),
                    "{w}x{h}: {text}"
                );
            }
        }
    }
}

#[test]
fn logging_a_touch_point_by_keys_reaches_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "3");
    let first = rt.app.snap.stakeholders[0].clone();
    assert!(first.overdue);
    press(&mut rt, "t");
    press(&mut rt, "Walked through the outage");
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "4");
    key(&mut rt, KeyCode::Enter);
    assert!(rt.app.status.starts_with("logged a "), "{}", rt.app.status);
    let row = rt.app.snap.stakeholders.iter().find(|s| s.id == first.id).unwrap();
    assert!(!row.overdue, "the next touch moved out: {row:?}");
    let n: i64 = rt
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM touch_points WHERE summary = 'Walked through the outage' AND sentiment = 4",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
    // And undo takes it back.
    press(&mut rt, "u");
    assert!(rt.app.status.starts_with("undid: log a"), "{}", rt.app.status);
    let n: i64 = rt
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM touch_points WHERE summary = 'Walked through the outage' AND deleted = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
}

#[test]
fn a_bad_field_says_what_is_accepted_and_nothing_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "3a");
    press(&mut rt, "Zoe Newcomer");
    for _ in 0..5 {
        key(&mut rt, KeyCode::Tab);
    }
    // Cadence: clear the default 30 and type nonsense.
    key(&mut rt, KeyCode::Backspace);
    key(&mut rt, KeyCode::Backspace);
    press(&mut rt, "often");
    key(&mut rt, KeyCode::Enter);
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the form stays open")
    };
    assert_eq!(
        form.message().as_deref(),
        Some("Touch every (days): \"often\" is not a number of days: use 1 to 366")
    );
    assert!(screen(&rt, 80, 24).contains("is not a number of days"));
    for _ in 0..5 {
        key(&mut rt, KeyCode::Backspace);
    }
    press(&mut rt, "21");
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "Payroll, Nope");
    key(&mut rt, KeyCode::Enter);
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the form stays open")
    };
    assert!(
        form.message()
            .as_deref()
            .unwrap_or_default()
            .contains("no service named \"Nope\""),
        "{:?}",
        form.message()
    );
    for _ in 0..6 {
        key(&mut rt, KeyCode::Backspace);
    }
    key(&mut rt, KeyCode::Enter);
    assert_eq!(rt.app.mode, Mode::Normal);
    assert!(
        rt.app
            .snap
            .stakeholders
            .iter()
            .any(|s| s.name == "Zoe Newcomer" && s.due_text == "never contacted")
    );
}

#[test]
fn delete_asks_then_undo_brings_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    let before = rt.app.snap.services.len();
    press(&mut rt, "1d");
    key(&mut rt, KeyCode::Esc);
    assert_eq!(rt.app.snap.services.len(), before, "Esc is no");
    press(&mut rt, "dy");
    assert_eq!(rt.app.snap.services.len(), before - 1);
    press(&mut rt, "u");
    assert_eq!(rt.app.snap.services.len(), before);
    assert!(rt.app.status.contains("C-r redoes"), "{}", rt.app.status);
    // Ctrl-R does the delete again, and says so.
    let ctrl_r = crossterm::event::KeyEvent::new(KeyCode::Char('r'), crossterm::event::KeyModifiers::CONTROL);
    let effects = rt.app.handle(ctrl_r);
    rt.apply(effects);
    assert_eq!(rt.app.snap.services.len(), before - 1);
    assert!(rt.app.status.starts_with("redid: delete"), "{}", rt.app.status);
    press(&mut rt, "u");
    assert_eq!(rt.app.snap.services.len(), before);
    // U shows the journal, newest first: the delete stands undone (redo would bring it back).
    press(&mut rt, "U");
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("U opens the history: {:?}", rt.app.mode)
    };
    assert!(d.title.starts_with("Undo history"), "{}", d.title);
    let first = d.lines.first().cloned().unwrap_or_default();
    assert!(first.contains("delete") && first.contains("[undone"), "{:?}", d.lines);
    key(&mut rt, KeyCode::Esc);
    assert!(!matches!(rt.app.mode, Mode::Detail(_)), "Esc closes it");
}

#[test]
fn acknowledging_and_ticking_take_one_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "2");
    let i = rt
        .app
        .snap
        .breaches
        .iter()
        .position(|b| !b.is_clock && b.status == "open")
        .unwrap();
    rt.app.selected[PaneId::Breaches] = i;
    let id = rt.app.snap.breaches[i].id.clone();
    press(&mut rt, "A");
    let status: String = rt
        .store
        .conn()
        .query_row("SELECT status FROM breaches WHERE id = ?1", [&id], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "acknowledged");
    press(&mut rt, "4");
    let action = rt
        .app
        .snap
        .actions
        .iter()
        .find(|a| a.kind == sdm::tui::model::ToDo::Action)
        .unwrap()
        .clone();
    rt.app.selected[PaneId::Reviews] = rt.app.snap.actions.iter().position(|a| a.id == action.id).unwrap();
    press(&mut rt, "x");
    let done: Option<String> = rt
        .store
        .conn()
        .query_row("SELECT done_on FROM actions WHERE id = ?1", [&action.id], |r| r.get(0))
        .unwrap();
    assert_eq!(done.as_deref(), Some("2026-11-22"));
    assert!(
        !rt.app.snap.actions.iter().any(|a| a.id == action.id),
        "a done action leaves the list"
    );
}

#[test]
fn escape_sequences_in_names_are_drawn_inert() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    rt.store
        .write(None, |w| {
            let id = sdm::domain::ids::natural_id("service", "Web Shop");
            w.update(
                &sdm::store::schema::SERVICES,
                &id,
                &[(
                    "name",
                    rusqlite::types::Value::Text("Web\u{1b}]52;c;aGk=\u{7}Shop\u{1b}[2J".into()),
                )],
            )
        })
        .unwrap();
    rt.reload(false);
    for (w, h) in [(80, 24), (160, 48)] {
        let text = screen(&rt, w, h);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{text}");
        assert!(text.contains("WebShop"), "{text}");
    }
}

#[test]
fn jumping_by_reference_or_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, ":Laura");
    key(&mut rt, KeyCode::Enter);
    assert_eq!(rt.app.focus, PaneId::TouchPoints);
    let sel = rt.app.current(PaneId::TouchPoints).unwrap();
    assert_eq!(rt.app.snap.stakeholders[sel].name, "Laura Chen");
    let reference = rt
        .app
        .snap
        .breaches
        .iter()
        .find(|b| b.reference.starts_with("INC"))
        .unwrap()
        .reference
        .clone();
    press(&mut rt, ":");
    press(&mut rt, &reference);
    key(&mut rt, KeyCode::Enter);
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("a ticket opens its detail")
    };
    assert!(d.title.starts_with(&reference));
    assert!(d.lines.iter().any(|l| l.contains("clock")), "{:?}", d.lines);
    // The same ticket by its number alone, without the prefix and the leading zeros.
    key(&mut rt, KeyCode::Esc);
    let number = reference
        .trim_start_matches(|c: char| !c.is_ascii_digit())
        .trim_start_matches('0')
        .to_string();
    press(&mut rt, ":");
    press(&mut rt, &number);
    key(&mut rt, KeyCode::Enter);
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("{number} opens the ticket: {}", rt.app.status)
    };
    assert!(d.title.starts_with(&reference), "{}", d.title);
    // A first name: the one whose name has a word that starts with it.
    key(&mut rt, KeyCode::Esc);
    press(&mut rt, ":ann");
    key(&mut rt, KeyCode::Enter);
    assert_eq!(rt.app.focus, PaneId::TouchPoints, "{}", rt.app.status);
    let sel = rt.app.current(PaneId::TouchPoints).unwrap();
    assert_eq!(rt.app.snap.stakeholders[sel].name, "Ann de Vries");
}

#[test]
fn recording_a_failed_change_makes_its_review_fall_due() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "c");
    press(&mut rt, "CHG0099999");
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "Payroll");
    key(&mut rt, KeyCode::Tab);
    key(&mut rt, KeyCode::Right); // emergency
    key(&mut rt, KeyCode::Right);
    key(&mut rt, KeyCode::Tab);
    key(&mut rt, KeyCode::Tab);
    key(&mut rt, KeyCode::Right);
    key(&mut rt, KeyCode::Right); // failed
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "Patch the payslip engine");
    key(&mut rt, KeyCode::Enter);
    assert!(
        rt.app.status.contains("a post-implementation review is now due"),
        "{}",
        rt.app.status
    );
    let review = rt
        .app
        .snap
        .actions
        .iter()
        .find(|a| a.kind == sdm::tui::model::ToDo::Review && a.title.starts_with("PIR CHG0099999"))
        .unwrap();
    assert!(review.title.contains("(failed)"), "{}", review.title);
    // Implemented now, Sunday 22 November; Payroll's window is Office NL: 5 working days
    // after Sunday is Friday 27 November.
    assert_eq!(review.due, "2026-11-27");
}

#[test]
fn calendars_and_scores_are_edited_in_forms() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    // Payroll counts in Office NL: make Friday a full day.
    press(&mut rt, "1");
    rt.app.selected[PaneId::Services] = rt.app.snap.services.iter().position(|s| s.name == "Payroll").unwrap();
    press(&mut rt, "w");
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the calendar form opens")
    };
    assert_eq!(form.value("name"), "Office NL");
    assert_eq!(form.value("fri"), "08:00-12:00 13:00-17:00");
    for _ in 0..6 {
        key(&mut rt, KeyCode::Tab);
    }
    for _ in 0..30 {
        key(&mut rt, KeyCode::Backspace);
    }
    press(&mut rt, "18:00-08:00");
    key(&mut rt, KeyCode::Enter);
    let Mode::Form(form) = &rt.app.mode else {
        panic!("a bad range keeps the form open")
    };
    assert!(
        form.message()
            .as_deref()
            .unwrap_or_default()
            .contains("the end must be after the start"),
        "{:?}",
        form.message()
    );
    for _ in 0..11 {
        key(&mut rt, KeyCode::Backspace);
    }
    press(&mut rt, "08:00-18:00");
    key(&mut rt, KeyCode::Enter);
    assert!(
        rt.app.status.starts_with("saved calendar Office NL"),
        "{}",
        rt.app.status
    );
    let hours: String = rt
        .store
        .conn()
        .query_row("SELECT hours FROM calendars WHERE name = 'Office NL'", [], |r| r.get(0))
        .unwrap();
    assert!(hours.contains("\"fri\":[\"08:00-18:00\"]"), "{hours}");

    press(&mut rt, "s");
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "2026-11");
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "4.4");
    key(&mut rt, KeyCode::Enter);
    assert!(
        rt.app.status.starts_with("recorded 4.4/5 for Payroll in 2026-11"),
        "{}",
        rt.app.status
    );
}

#[test]
fn a_form_open_when_the_session_ends_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "3t");
    press(&mut rt, "Half-typed note about the outage");
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "2");
    rt.keep_draft();
    let draft = dir.path().join("demo.db.draft.json");
    assert!(draft.exists());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&draft).unwrap().permissions().mode() & 0o777, 0o600);
    drop(rt); // the link drops: nothing was saved

    let store = Store::open(&dir.path().join("demo.db"), OpenMode::Existing).unwrap();
    let ctx = Ctx {
        db: dir.path().join("demo.db"),
        now: NOW.parse().unwrap(),
        now_fixed: true,
        settings: Settings::default(),
        tz: chrono_tz::Tz::UTC,
        color: false,
    };
    let mut rt = Runtime::new(store, &ctx, "test.db");
    rt.reload(false);
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the draft is offered back")
    };
    assert_eq!(form.value("summary"), "Half-typed note about the outage");
    assert_eq!(form.value("sentiment"), "2");
    assert!(rt.app.status.starts_with("restored the form"), "{}", rt.app.status);
    key(&mut rt, KeyCode::Enter);
    rt.keep_draft();
    assert!(rt.app.status.starts_with("logged a "), "{}", rt.app.status);
    assert!(!draft.exists(), "a saved form leaves no draft");
}

#[test]
fn an_edit_does_not_silently_overwrite_another_sessions_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "3");
    let i = rt
        .app
        .snap
        .stakeholders
        .iter()
        .position(|s| s.name == "Laura Chen")
        .unwrap();
    rt.app.selected[PaneId::TouchPoints] = i;
    press(&mut rt, "e");
    assert!(matches!(rt.app.mode, Mode::Form(_)));
    for _ in 0..3 {
        key(&mut rt, KeyCode::Tab);
    }
    press(&mut rt, " (desk)");
    // Meanwhile the SSH session changes the same stakeholder.
    let mut other = Store::open(&dir.path().join("demo.db"), OpenMode::Existing).unwrap();
    other
        .write(Some("edit"), |w| {
            let id = sdm::domain::ids::natural_id("stakeholder", "Laura Chen");
            w.update(
                &sdm::store::schema::STAKEHOLDERS,
                &id,
                &[("notes", rusqlite::types::Value::Text("from the jump host".into()))],
            )
        })
        .unwrap();
    key(&mut rt, KeyCode::Enter);
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the user is told, not overwritten")
    };
    assert!(
        form.message()
            .as_deref()
            .unwrap_or_default()
            .starts_with("someone changed this record"),
        "{:?}",
        form.message()
    );
    // The user chooses to save theirs.
    key(&mut rt, KeyCode::Enter);
    assert_eq!(rt.app.mode, Mode::Normal);
    let contact: String = rt
        .store
        .conn()
        .query_row("SELECT contact FROM stakeholders WHERE name = 'Laura Chen'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(contact.ends_with(" (desk)"), "{contact}");
}

#[test]
fn a_touch_point_is_edited_and_deleted_by_keys() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "3");
    rt.app.selected[PaneId::TouchPoints] = rt
        .app
        .snap
        .stakeholders
        .iter()
        .position(|s| s.name == "Laura Chen")
        .unwrap();
    press(&mut rt, "tFirst version");
    key(&mut rt, KeyCode::Enter);
    rt.app.selected[PaneId::TouchPoints] = rt
        .app
        .snap
        .stakeholders
        .iter()
        .position(|s| s.name == "Laura Chen")
        .unwrap();
    press(&mut rt, "T");
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the last touch point opens")
    };
    assert_eq!(form.value("summary"), "First version");
    press(&mut rt, ", corrected");
    key(&mut rt, KeyCode::Enter);
    let summary = |rt: &Runtime| -> Option<String> {
        rt.store
            .conn()
            .query_row(
                "SELECT summary FROM touch_points WHERE deleted = 0 AND summary LIKE 'First version%'",
                [],
                |r| r.get(0),
            )
            .ok()
    };
    assert_eq!(summary(&rt).as_deref(), Some("First version, corrected"));
    press(&mut rt, "D");
    assert!(matches!(rt.app.mode, Mode::Confirm { .. }));
    press(&mut rt, "y");
    assert_eq!(summary(&rt), None, "deleted");
    press(&mut rt, "u");
    assert_eq!(summary(&rt).as_deref(), Some("First version, corrected"), "undone");
}

#[test]
fn r_asks_the_period_and_the_audience_and_writes_into_the_reports_folder() {
    use crossterm::event::KeyCode;
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    let reviews = dir.path().join("reviews");
    rt.ctx.settings.reports_dir = Some(reviews.to_str().unwrap().to_string());
    press(&mut rt, "1");
    rt.app.selected[PaneId::Services] = rt
        .app
        .snap
        .services
        .iter()
        .position(|s| s.name == "Expense Claims")
        .unwrap();
    press(&mut rt, "R");
    // The form offers the last complete month (on 22 November: October) for the customer.
    let Mode::Form(form) = &rt.app.mode else {
        panic!("R opens a form: {:?}", rt.app.mode)
    };
    assert_eq!(form.value("period"), "2026-10");
    assert_eq!(form.value("audience"), "customer");
    key(&mut rt, KeyCode::Enter);
    let path = reviews.join("review-expense-claims-2026-10.html");
    assert!(rt.app.status.contains(path.to_str().unwrap()), "{}", rt.app.status);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("Service review: Expense Claims — 2026-10"));
    assert!(
        !html.contains("watermelon"),
        "the customer's copy has no internal verdict"
    );

    // Again, for the SDM, this month so far: another file; the same one again asks first.
    for _ in 0..2 {
        press(&mut rt, "R");
        let Mode::Form(form) = &mut rt.app.mode else { panic!() };
        form.fields[0].value = "2026-11".into();
        form.fields[1].value = "internal".into();
        key(&mut rt, KeyCode::Enter);
    }
    let Mode::Form(form) = &rt.app.mode else {
        panic!("a file already there is not replaced silently: {:?}", rt.app.mode)
    };
    assert!(
        form.message().as_deref().unwrap_or("").contains("is there already"),
        "{:?}",
        form.message()
    );
    key(&mut rt, KeyCode::Enter);
    let internal = std::fs::read_to_string(reviews.join("review-expense-claims-2026-11-internal.html")).unwrap();
    assert!(internal.contains("watermelon"), "the internal copy names the verdict");
    assert!(internal.contains("2026-11 so far"), "a month still running says so");
}

fn live_touch(rt: &Runtime, summary: &str) -> i64 {
    rt.store
        .conn()
        .query_row(
            "SELECT count(*) FROM touch_points WHERE summary = ?1 AND deleted = 0",
            [summary],
            |r| r.get(0),
        )
        .unwrap()
}

/// `u` undoes this user's own interface steps; another session's command-line step is undone
/// only after asking, naming it; a record changed since the step is refused, naming the field.
#[test]
fn undo_asks_before_reverting_another_sessions_step_and_refuses_a_record_changed_since() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    let db = dir.path().join("demo.db");
    // Another session (a command on the jump host) logs a touch point.
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("sdm"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "touch",
            "Ann de Vries",
            "Logged from the shell",
        ])
        .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    rt.reload(false);
    press(&mut rt, "u");
    assert!(
        matches!(rt.app.mode, Mode::Confirm { .. }),
        "asks first: {}",
        rt.app.status
    );
    let shown = screen(&rt, 100, 24);
    assert!(shown.contains("command-line step"), "{shown}");
    press(&mut rt, "n");
    assert_eq!(live_touch(&rt, "Logged from the shell"), 1, "No keeps it");
    press(&mut rt, "u");
    press(&mut rt, "y");
    assert!(rt.app.status.starts_with("undid:"), "{}", rt.app.status);
    assert_eq!(live_touch(&rt, "Logged from the shell"), 0, "Yes undoes it");

    // An interface edit, then a change by someone else to the same field: undo refuses.
    press(&mut rt, "3");
    press(&mut rt, "t");
    press(&mut rt, "Own note");
    key(&mut rt, KeyCode::Enter);
    assert_eq!(live_touch(&rt, "Own note"), 1);
    rt.store
        .conn()
        .execute(
            "UPDATE touch_points SET summary = 'Own note, corrected elsewhere' WHERE summary = 'Own note'",
            [],
        )
        .unwrap();
    press(&mut rt, "u");
    assert!(
        rt.app.status.contains("cannot undo") && rt.app.status.contains("summary"),
        "{}",
        rt.app.status
    );
    assert_eq!(
        live_touch(&rt, "Own note, corrected elsewhere"),
        1,
        "the newer value stays"
    );
}

/// A ticket breach closed while its ticket is still open stays recorded: the interface does
/// not bring the clock back as an unrecorded breach (it decides as `sdm agenda` does, by the
/// breach's id), so its agenda line's breach count equals the command line's.
#[test]
fn a_closed_breach_of_an_open_ticket_does_not_come_back_as_a_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    let db = dir.path().join("demo.db");
    let target: Option<(String, String)> = rt
        .store
        .conn()
        .query_row(
            "SELECT b.id, t.reference FROM breaches b JOIN tickets t ON t.id = b.ticket_id \
             WHERE b.source = 'ticket' AND b.status IN ('open', 'acknowledged') AND b.deleted = 0 \
             AND t.resolved_at IS NULL AND t.state = 'open' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let (breach, reference) = target.expect("the demo has a breach of a ticket still open");
    rt.store
        .conn()
        .execute("UPDATE breaches SET status = 'closed' WHERE id = ?1", [&breach])
        .unwrap();
    rt.reload(false);
    assert!(
        !rt.app
            .snap
            .breaches
            .iter()
            .any(|b| b.is_clock && b.overdue && b.reference == reference),
        "the closed breach came back as a clock"
    );
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("sdm"))
        .args(["--db", db.to_str().unwrap(), "--now", NOW, "agenda", "--json"])
        .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config")
        .output()
        .unwrap();
    let agenda: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cli_breaches = agenda["breaches"].as_array().unwrap().len();
    let line = rt.app.snap.agenda.clone();
    assert!(
        line.starts_with(&format!("{cli_breaches} breach")),
        "interface: {line:?}, sdm agenda: {cli_breaches} breaches"
    );
}

/// A breach's row of one column, read back from the database.
fn breach_field(rt: &Runtime, id: &str, column: &str) -> Option<String> {
    rt.store
        .conn()
        .query_row(&format!("SELECT {column} FROM breaches WHERE id = ?1"), [id], |r| {
            r.get::<_, Option<String>>(0)
        })
        .unwrap()
}

#[test]
fn closing_telling_reopening_and_excluding_a_breach_from_the_interface() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "2");
    // A ticket breach that is open.
    let i = rt
        .app
        .snap
        .breaches
        .iter()
        .position(|b| !b.is_clock && b.status == "open" && !b.reference.is_empty())
        .unwrap();
    rt.app.selected[PaneId::Breaches] = i;
    let id = rt.app.snap.breaches[i].id.clone();
    let open_before = rt.app.snap.counts.breaches_open;

    // C: a form asks for the cause, the credit and a note.
    press(&mut rt, "C");
    assert!(matches!(rt.app.mode, Mode::Form(_)), "close opens a form");
    key(&mut rt, KeyCode::Right); // understaffed -> handover-delay
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "250");
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "Shift change lost the ticket");
    key(&mut rt, KeyCode::Enter);
    assert!(rt.app.status.starts_with("close"), "{}", rt.app.status);
    assert_eq!(breach_field(&rt, &id, "status").as_deref(), Some("closed"));
    assert_eq!(breach_field(&rt, &id, "cause").as_deref(), Some("handover-delay"));
    let credit: Option<f64> = rt
        .store
        .conn()
        .query_row("SELECT credit FROM breaches WHERE id = ?1", [&id], |r| r.get(0))
        .unwrap();
    assert_eq!(credit, Some(250.0));
    let history = breach_field(&rt, &id, "history").unwrap();
    assert!(
        history.contains("\"step\":\"closed\"") && history.contains("Shift change lost the ticket"),
        "{history}"
    );
    assert_eq!(rt.app.snap.counts.breaches_open, open_before - 1);
    assert!(
        !rt.app.snap.breaches.iter().any(|b| b.id == id),
        "closed ones leave the default list"
    );

    // H: closed ones too; open its detail, reopen it there (O), it refreshes in place.
    press(&mut rt, "H");
    let j = rt
        .app
        .snap
        .breaches
        .iter()
        .position(|b| b.id == id)
        .expect("closed shown");
    rt.app.selected[PaneId::Breaches] = j;
    key(&mut rt, KeyCode::Enter);
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("detail")
    };
    assert!(
        d.lines.iter().any(|l| l.contains("cause: handover-delay")),
        "{:?}",
        d.lines
    );
    assert!(d.lines.iter().any(|l| l.contains("closed by")), "{:?}", d.lines);
    press(&mut rt, "O");
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("the detail comes back")
    };
    assert!(d.lines[0].contains("open"), "{:?}", d.lines);
    assert!(d.lines.iter().any(|l| l.contains("reopened by")), "{:?}", d.lines);
    // The breach names its service, and its time's zone.
    assert!(d.lines[1].starts_with("service General Ledger"), "{:?}", d.lines);
    assert!(
        d.lines[2].starts_with("breached at ") && d.lines[2].ends_with(" UTC"),
        "{:?}",
        d.lines
    );
    assert_eq!(breach_field(&rt, &id, "status").as_deref(), Some("open"));

    // I in the detail: told a stakeholder by phone; a touch point is logged with them.
    let touches_before: i64 = rt
        .store
        .conn()
        .query_row("SELECT count(*) FROM touch_points WHERE deleted = 0", [], |r| r.get(0))
        .unwrap();
    press(&mut rt, "I");
    let Mode::Form(form) = &rt.app.mode else {
        panic!("a form")
    };
    let to = form.value("to").to_string();
    assert!(!to.is_empty(), "the service's first stakeholder is offered");
    key(&mut rt, KeyCode::Enter);
    let informed: i64 = rt
        .store
        .conn()
        .query_row("SELECT customer_informed FROM breaches WHERE id = ?1", [&id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(informed, 1);
    let touches_after: i64 = rt
        .store
        .conn()
        .query_row("SELECT count(*) FROM touch_points WHERE deleted = 0", [], |r| r.get(0))
        .unwrap();
    assert_eq!(touches_after, touches_before + 1);
    assert!(matches!(rt.app.mode, Mode::Detail(_)), "back to the detail");

    // E: exclude the breach's ticket as customer-caused; the breach turns void.
    press(&mut rt, "E");
    let Mode::Form(form) = &rt.app.mode else {
        panic!("a form")
    };
    assert_eq!(form.value("exclude"), "(in the SLA)");
    key(&mut rt, KeyCode::Right); // customer-caused
    key(&mut rt, KeyCode::Tab);
    press(&mut rt, "waited on their data");
    key(&mut rt, KeyCode::Enter);
    assert_eq!(breach_field(&rt, &id, "status").as_deref(), Some("void"));
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("the detail comes back")
    };
    assert!(
        d.lines
            .iter()
            .any(|l| l.contains("excluded from the SLA: customer-caused — waited on their data")),
        "{:?}",
        d.lines
    );

    // u undoes one step at a time: the exclusion, then the telling.
    key(&mut rt, KeyCode::Esc);
    press(&mut rt, "u");
    assert!(rt.app.status.starts_with("undid: exclude"), "{}", rt.app.status);
    assert_eq!(breach_field(&rt, &id, "status").as_deref(), Some("open"));
}

#[test]
fn an_outage_is_excluded_from_a_services_detail() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    // The demo's Payment Gateway has an unplanned outage that breached the month.
    let i = rt
        .app
        .snap
        .services
        .iter()
        .position(|s| s.name == "Payment Gateway")
        .unwrap();
    rt.app.selected[PaneId::Services] = i;
    let availability_open = |rt: &Runtime| -> i64 {
        rt.store
            .conn()
            .query_row(
                "SELECT count(*) FROM breaches WHERE deleted = 0 AND source = 'availability' AND status = 'open'",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let before = availability_open(&rt);
    key(&mut rt, KeyCode::Enter);
    press(&mut rt, "X");
    let Mode::Form(form) = &rt.app.mode else {
        panic!("a form: {}", rt.app.status)
    };
    assert!(!form.value("start").is_empty());
    assert_eq!(form.value("exclude"), "customer-caused");
    key(&mut rt, KeyCode::Enter);
    assert!(
        rt.app.status.contains("exclude the outage of Payment Gateway"),
        "{}",
        rt.app.status
    );
    assert!(before > 0, "the demo's outage breached the month");
    assert_eq!(availability_open(&rt), before - 1, "availability recovers");
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("the detail comes back")
    };
    assert!(
        d.lines.iter().any(|l| l.contains("[excluded: customer-caused]")),
        "{:?}",
        d.lines
    );
}

#[test]
fn the_selection_follows_the_record_when_the_list_resorts() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "2");
    // Breaches the customer was not told of come first: telling moves the row down.
    let i = rt
        .app
        .snap
        .breaches
        .iter()
        .position(|b| !b.is_clock && !b.informed && b.status == "open")
        .unwrap();
    rt.app.selected[PaneId::Breaches] = i;
    let id = rt.app.snap.breaches[i].id.clone();
    press(&mut rt, "I");
    key(&mut rt, KeyCode::Enter);
    let now_at = rt.app.current(PaneId::Breaches).unwrap();
    assert_eq!(rt.app.snap.breaches[now_at].id, id, "the same breach stays selected");
    assert_ne!(now_at, i, "it moved down the list");
    // So the next key acts on it, not on the row that took its old place.
    press(&mut rt, "A");
    let status: String = rt
        .store
        .conn()
        .query_row("SELECT status FROM breaches WHERE id = ?1", [&id], |r| r.get(0))
        .unwrap();
    assert_eq!(status, "acknowledged");
}

#[test]
fn today_lists_everything_due_overdue_first_and_opens_a_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "n");
    let Mode::Today { items, .. } = &rt.app.mode else {
        panic!("n opens Today")
    };
    assert!(!items.is_empty());
    let first_due = items.iter().position(|i| !i.overdue).unwrap_or(items.len());
    assert!(items[first_due..].iter().all(|i| !i.overdue), "overdue ones first");
    assert!(
        items.iter().any(|i| i.line.starts_with("touch")),
        "touch points are in it"
    );
    assert!(items.iter().any(|i| i.line.starts_with("breach")), "breaches are in it");
    assert!(
        items
            .iter()
            .any(|i| i.line.starts_with("action") || i.line.starts_with("review"))
    );
    let screen = screen(&rt, 80, 24);
    assert!(screen.contains("Today:"), "{screen}");
    key(&mut rt, KeyCode::Down);
    key(&mut rt, KeyCode::Enter);
    assert!(matches!(rt.app.mode, Mode::Detail(_)), "Enter opens the line's record");
}

#[test]
fn a_touch_point_logged_from_a_services_detail_is_about_that_service() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    let i = rt
        .app
        .snap
        .services
        .iter()
        .position(|s| s.name == "Expense Claims")
        .unwrap();
    rt.app.selected[PaneId::Services] = i;
    let service_id = rt.app.snap.services[i].id.clone();
    key(&mut rt, KeyCode::Enter);
    press(&mut rt, "t");
    let Mode::Form(form) = &rt.app.mode else {
        panic!("a form")
    };
    assert_eq!(
        form.value("services"),
        "Expense Claims",
        "only the service it came from"
    );
    press(&mut rt, "Claims backlog cleared");
    // summary, stakeholder, sentiment, channel, when, about, follow-up
    for _ in 0..6 {
        key(&mut rt, KeyCode::Tab);
    }
    press(&mut rt, "Confirm the backlog stays clear");
    key(&mut rt, KeyCode::Enter);
    assert!(rt.app.status.starts_with("logged a "), "{}", rt.app.status);
    let conn = rt.store.conn();
    let tp_id: String = conn
        .query_row(
            "SELECT id FROM touch_points WHERE summary = 'Claims backlog cleared'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let linked: Vec<String> = conn
        .prepare("SELECT service_id FROM touch_point_services WHERE touch_point_id = ?1 AND deleted = 0")
        .unwrap()
        .query_map([&tp_id], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(linked, vec![service_id.clone()]);
    let action_service: String = conn
        .query_row(
            "SELECT service_id FROM actions WHERE title = 'Confirm the backlog stays clear'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(action_service, service_id, "the follow-up lands on that service");
}

#[test]
fn the_service_form_edits_the_agreement_term_notice_and_aliases_and_scrolls_at_80x24() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, "1");
    rt.app.selected[PaneId::Services] = rt.app.snap.services.iter().position(|s| s.name == "Payroll").unwrap();
    press(&mut rt, "e");
    let Mode::Form(form) = &mut rt.app.mode else {
        panic!("the service form opens: {:?}", rt.app.mode)
    };
    assert_eq!(form.value("aliases"), "PAYROLL-PRD, Payroll (prod)");
    for (key, value) in [
        ("aliases", "PAYROLL-PRD, Payroll (prod), HR Pay"),
        ("agreement_start", "2025-01-01"),
        ("agreement_end", "2027-12-31"),
        ("notice_days", "90"),
    ] {
        let field = form.fields.iter_mut().find(|f| f.key == key).unwrap();
        field.value = value.into();
    }
    // The last field in focus: the form scrolls and says what lies above.
    form.focus = form.fields.len() - 1;
    let shown = screen(&rt, 80, 24);
    assert!(shown.contains("more ↑"), "{shown}");
    assert!(shown.contains("Description"), "{shown}");
    key(&mut rt, KeyCode::Enter);
    assert!(rt.app.status.starts_with("saved service Payroll"), "{}", rt.app.status);
    let (aliases, start, end, notice): (String, String, String, i64) = rt
        .store
        .conn()
        .query_row(
            "SELECT aliases, agreement_start, agreement_end, notice_days FROM services WHERE name = 'Payroll'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!(
        (aliases.as_str(), start.as_str(), end.as_str(), notice),
        (
            "[\"PAYROLL-PRD\",\"Payroll (prod)\",\"HR Pay\"]",
            "2025-01-01",
            "2027-12-31",
            90
        )
    );

    // An end before the start is refused by the record's own rule, the form kept.
    press(&mut rt, "e");
    let Mode::Form(form) = &mut rt.app.mode else { panic!() };
    form.fields.iter_mut().find(|f| f.key == "agreement_end").unwrap().value = "2024-12-31".into();
    key(&mut rt, KeyCode::Enter);
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the form stays open with the error")
    };
    assert!(
        form.message()
            .as_deref()
            .unwrap_or("")
            .contains("before the agreement start"),
        "{:?}",
        form.message()
    );
    // An alias that names another service is refused: it would take that service's files.
    let Mode::Form(form) = &mut rt.app.mode else { panic!() };
    form.fields.iter_mut().find(|f| f.key == "agreement_end").unwrap().value = "2027-12-31".into();
    form.fields.iter_mut().find(|f| f.key == "aliases").unwrap().value = "PAYROLL-PRD, Expense Claims".into();
    key(&mut rt, KeyCode::Enter);
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the form stays open with the error")
    };
    assert!(
        form.message()
            .as_deref()
            .unwrap_or("")
            .contains("\"Expense Claims\" already names the service Expense Claims"),
        "{:?}",
        form.message()
    );
    // Several wrong fields are said at once, each marked, the cursor on the first of them.
    let Mode::Form(form) = &mut rt.app.mode else { panic!() };
    for (k, v) in [
        ("aliases", "PAYROLL-PRD"),
        ("agreement_start", "someday"),
        ("notice_days", "ninety"),
        ("p1", "30m"),
        ("window", "Office Mars"),
    ] {
        form.fields.iter_mut().find(|f| f.key == k).unwrap().value = v.into();
    }
    key(&mut rt, KeyCode::Enter);
    let Mode::Form(form) = &rt.app.mode else {
        panic!("the form stays open with the errors")
    };
    let wrong: Vec<&str> = form.wrong.iter().map(|(k, _)| *k).collect();
    for k in ["agreement_start", "notice_days", "p1", "window"] {
        assert!(wrong.contains(&k), "{k} not marked: {:?}", form.wrong);
    }
    let first_wrong = form.fields.iter().position(|f| form.wrong_of(f.key).is_some()).unwrap();
    assert_eq!(form.focus, first_wrong, "the cursor is on the first wrong field");
    let shown = screen(&rt, 120, 40);
    assert!(shown.contains("\"ninety\" is not a number of days"), "{shown}");
    assert!(shown.contains("give the response and the resolution goal"), "{shown}");
    assert!(shown.contains("Office Mars"), "{shown}");
}

#[test]
fn the_jump_offers_matches_as_you_type_and_enter_opens_the_chosen_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    press(&mut rt, ":ann");
    let shown = screen(&rt, 80, 24);
    assert!(shown.contains("matches (↑/↓ choose, Enter opens)"), "{shown}");
    assert!(shown.contains("person   Ann de Vries (Acme Retail)"), "{shown}");
    key(&mut rt, KeyCode::Enter);
    assert_eq!(rt.app.focus, PaneId::TouchPoints, "{}", rt.app.status);
    let sel = rt.app.current(PaneId::TouchPoints).unwrap();
    assert_eq!(rt.app.snap.stakeholders[sel].name, "Ann de Vries");

    // ↓ chooses the second match; a few letters of a service find it.
    press(&mut rt, ":wareh");
    let first = sdm::tui::popups::jump_list::matches(&rt.app, "wareh");
    assert!(first[0].label.starts_with("service  Warehouse Management"), "{first:?}");
    key(&mut rt, KeyCode::Down);
    key(&mut rt, KeyCode::Enter);
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("Enter opens the chosen match: {:?}", rt.app.mode)
    };
    assert!(!d.title.is_empty(), "the second match opens its record: {}", d.title);
    assert_ne!(
        rt.app.focus,
        PaneId::Services,
        "not the first match (a service, selected)"
    );
    key(&mut rt, KeyCode::Esc);

    // A reference typed in part: no exact record, so the best match opens.
    let reference = rt
        .app
        .snap
        .breaches
        .iter()
        .find(|b| b.reference.starts_with("INC"))
        .unwrap()
        .reference
        .clone();
    press(&mut rt, ":");
    press(&mut rt, &reference[..reference.len() - 1]);
    key(&mut rt, KeyCode::Enter);
    assert!(
        matches!(rt.app.mode, Mode::Detail(_)),
        "{reference} in part opens the best match: {}",
        rt.app.status
    );
}

#[test]
fn a_service_detail_opens_its_tickets_changes_and_people_and_esc_comes_back_to_the_same_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut rt = runtime(dir.path());
    key(&mut rt, KeyCode::Enter);
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("Enter opens the service: {:?}", rt.app.mode)
    };
    let service = d.title.clone();
    for section in ["Recent tickets", "Changes", "Stakeholders"] {
        assert!(d.lines.iter().any(|l| l == section), "{section} missing: {:?}", d.lines);
    }
    // Every section's records are openable: a link sits on each ticket, change and person line.
    let first_ticket = d.lines.iter().position(|l| l == "Recent tickets").unwrap() + 1;
    let ticket_link = d.links.iter().position(|(line, _)| *line == first_ticket).unwrap();
    let ticket_ref = d.lines[first_ticket].split_whitespace().next().unwrap().to_string();
    assert!(
        d.links
            .iter()
            .any(|(_, s)| matches!(s, sdm::app::detail::Subject::Change(_))),
        "changes open: {:?}",
        d.links
    );
    // Tab walks the links to the first ticket; Enter opens that ticket.
    for _ in 0..=ticket_link {
        key(&mut rt, KeyCode::Tab);
    }
    let Mode::Detail(d) = &rt.app.mode else { panic!() };
    assert_eq!(d.chosen_line(), Some(first_ticket));
    assert!(
        screen(&rt, 80, 24).contains(&ticket_ref),
        "the chosen line is scrolled into view"
    );
    key(&mut rt, KeyCode::Enter);
    let Mode::Detail(d) = &rt.app.mode else { panic!() };
    assert!(d.title.starts_with(&ticket_ref), "{} is not {ticket_ref}", d.title);
    // Esc comes back to the service, the same line still chosen; Esc again closes.
    key(&mut rt, KeyCode::Esc);
    let Mode::Detail(d) = &rt.app.mode else {
        panic!("Esc goes back to the service: {:?}", rt.app.mode)
    };
    assert_eq!(d.title, service);
    assert_eq!(d.chosen_line(), Some(first_ticket));
    key(&mut rt, KeyCode::Esc);
    assert!(!matches!(rt.app.mode, Mode::Detail(_)), "Esc closes it");
}

#[test]
fn the_first_frame_leaves_the_problem_signals_to_the_full_load() {
    let dir = tempfile::tempdir().unwrap();
    let rt = runtime(dir.path());
    let now: DateTime<Utc> = NOW.parse().unwrap();
    let store = Store::open(&dir.path().join("demo.db"), OpenMode::Existing).unwrap();
    let ctx = Ctx {
        db: dir.path().join("demo.db"),
        now,
        now_fixed: true,
        settings: Settings::default(),
        tz: chrono_tz::Tz::UTC,
        color: false,
    };
    // The demo has a service that needs problem management: `sdm agenda` and the full load
    // say so; the first frame, drawn from indexed lists alone, does not read the history.
    let full = sdm::app::agenda::listing(&store, &ctx, Some(10)).unwrap();
    assert!(!full.problem_flags.is_empty());
    let first = sdm::app::agenda::first_listing(&store, &ctx, Some(10)).unwrap();
    assert!(first.problem_flags.is_empty());
    assert_eq!(first.breaches.len(), full.breaches.len());

    // A quick reload (after an edit, each minute) keeps what the full load worked out: the ⚑
    // count on the agenda line, and each service's health, money and notice.
    let mut rt = rt;
    assert!(
        rt.app.snap.agenda.contains("needs problem management"),
        "{}",
        rt.app.snap.agenda
    );
    let before = rt.app.snap.services.clone();
    rt.reload(true);
    assert!(
        rt.app.snap.agenda.contains("needs problem management"),
        "{}",
        rt.app.snap.agenda
    );
    assert_eq!(rt.app.snap.services, before);
}
