//! Two copies, one truth: edits made apart merge per field, conflicts are kept, an
//! interrupted sync leaves each side as it was or fully merged, and the next one completes.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufReader, Write};
use std::path::Path;

use common::sdm;
use sdm::domain::enums::*;
use sdm::domain::ids::{natural_id, new_id};
use sdm::domain::model::*;
use sdm::store::records::get_in;
use sdm::store::{OpenMode, Store};

/// Two copies of the fixture (the second a file copy, sharing the first's identity).
fn two_copies(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let a = dir.join("laptop.db");
    let b = dir.join("jumphost.db");
    let store = common::populated(&a);
    store.backup_to(&b).unwrap();
    (a, b)
}

fn edit_apart(a: &Path, b: &Path) {
    let ann = natural_id("stakeholder", "Ann de Vries");
    let payroll = common::service("Payroll").id;
    let mut la = Store::open(a, OpenMode::Existing).unwrap();
    la.write(Some("laptop edits"), |w| {
        let mut s: Service = get_in(w.conn(), &payroll)?.unwrap();
        s.description = "Edited on the laptop".into();
        w.save(&s)?;
        let mut who: Stakeholder = get_in(w.conn(), &ann)?.unwrap();
        who.role = "Head of IT".into();
        w.save(&who)?;
        w.save(&Stakeholder {
            id: natural_id("stakeholder", "Alice Added"),
            name: "Alice Added".into(),
            organisation: "Acme".into(),
            role: "CFO office".into(),
            contact: String::new(),
            channel: Channel::Email,
            cadence_days: 30,
            notes: String::new(),
            service_ids: vec![payroll.clone()],
        })?;
        let action: String = w.conn().query_row("SELECT id FROM actions LIMIT 1", [], |r| r.get(0))?;
        w.remove::<Action>(&action)
    })
    .unwrap();
    drop(la);
    // The jump host edits a little later, so its value of the shared field is the newer one.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut lb = Store::open(b, OpenMode::Existing).unwrap();
    lb.write(Some("jump host edits"), |w| {
        let mut s: Service = get_in(w.conn(), &payroll)?.unwrap();
        s.customer = "Acme Europe".into();
        w.save(&s)?;
        let mut who: Stakeholder = get_in(w.conn(), &ann)?.unwrap();
        who.role = "CIO".into();
        w.save(&who)?;
        w.save(&TouchPoint {
            id: new_id(),
            stakeholder_id: ann.clone(),
            at: 1_795_000_000,
            channel: Channel::Meeting,
            summary: "Logged on the jump host".into(),
            sentiment: Some(3),
            follow_ups: String::new(),
            service_ids: vec![payroll.clone()],
        })
    })
    .unwrap();
}

fn export(db: &Path) -> Vec<u8> {
    let out = sdm().args(["--db", db.to_str().unwrap(), "export"]).output().unwrap();
    assert!(out.status.success());
    out.stdout
}

fn sync(a: &Path, b: &Path) -> String {
    common::sync(a, b)
}

fn kb_out(report: &str) -> f64 {
    let part = report.split(" KB out").next().unwrap();
    part.rsplit(' ').next().unwrap().parse().unwrap()
}

#[test]
fn copies_edited_apart_merge_to_identical_data_and_keep_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_copies(dir.path());
    edit_apart(&a, &b);
    let report = sync(&a, &b);
    let conflicts = sdm().args(["--db", a.to_str().unwrap(), "conflicts"]).output().unwrap();
    assert!(
        report.contains("1 conflicts"),
        "{report}\n{}",
        String::from_utf8_lossy(&conflicts.stdout)
    );
    assert!(report.contains("took a new identity"), "{report}");
    assert_eq!(export(&a), export(&b), "identical exports after the sync");

    let store = Store::open(&a, OpenMode::Existing).unwrap();
    let payroll: Service = store.get(&common::service("Payroll").id).unwrap().unwrap();
    assert_eq!(
        payroll.description, "Edited on the laptop",
        "edits of different fields both survive"
    );
    assert_eq!(payroll.customer, "Acme Europe");
    let ann: Stakeholder = store.get(&natural_id("stakeholder", "Ann de Vries")).unwrap().unwrap();
    assert_eq!(ann.role, "CIO", "the later edit of the same field wins");
    assert!(
        store
            .get::<Stakeholder>(&natural_id("stakeholder", "Alice Added"))
            .unwrap()
            .is_some()
    );
    let live_actions: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM actions WHERE deleted = 0", [], |r| r.get(0))
        .unwrap();
    assert_eq!(live_actions, 0, "the deletion travelled as a tombstone");
    let touches: i64 = store
        .conn()
        .query_row(
            "SELECT count(*) FROM touch_points WHERE summary = 'Logged on the jump host'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(touches, 1);
    drop(store);

    // The losing value is listed on both sides, and can be brought back.
    for db in [&a, &b] {
        let out = sdm()
            .args(["--db", db.to_str().unwrap(), "conflicts", "--json"])
            .output()
            .unwrap();
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(list[0]["field"], "role");
        assert_eq!(list[0]["kept"], "\"CIO\"");
        assert_eq!(list[0]["lost"], "\"Head of IT\"");
    }
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "conflicts", "--json"])
        .output()
        .unwrap();
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let seq = list[0]["seq"].as_i64().unwrap().to_string();
    sdm()
        .args([
            "--db",
            a.to_str().unwrap(),
            "conflicts",
            "--resolve",
            &seq,
            "--keep",
            "lost",
        ])
        .assert()
        .success();
    let second = sync(&a, &b);
    assert_eq!(export(&a), export(&b));
    let store = Store::open(&b, OpenMode::Existing).unwrap();
    let ann: Stakeholder = store.get(&natural_id("stakeholder", "Ann de Vries")).unwrap().unwrap();
    assert_eq!(ann.role, "Head of IT", "the resolution travelled: {second}");

    // An unchanged pair exchanges almost nothing.
    let third = sync(&a, &b);
    assert!(third.contains("sent 0 changed records, received 0"), "{third}");
    assert!(kb_out(&third) < 4.0, "{third}");
}

/// A writer that fails after a number of writes: the link dropping mid-way.
struct Flaky<W> {
    inner: W,
    writes_left: usize,
}

impl<W: Write> Write for Flaky<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.writes_left == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "link dropped"));
        }
        self.writes_left -= 1;
        self.inner.write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Runs one sync in-process, the client's link dropping after `budget` writes.
fn sync_in_process(a: &Path, b: &Path, budget: usize) -> bool {
    let (from_client, to_server) = std::io::pipe().unwrap();
    let (from_server, to_client) = std::io::pipe().unwrap();
    let b = b.to_path_buf();
    let server = std::thread::spawn(move || {
        let mut store = Store::open(&b, OpenMode::Existing).unwrap();
        sdm::sync::serve(&mut store, BufReader::new(from_client), to_client).is_ok()
    });
    let mut store = Store::open(a, OpenMode::Existing).unwrap();
    let flaky = Flaky {
        inner: to_server,
        writes_left: budget,
    };
    let client_ok = sdm::sync::client(&mut store, BufReader::new(from_server), flaky, "jumphost").is_ok();
    drop(store);
    let server_ok = server.join().unwrap();
    client_ok && server_ok
}

#[test]
fn a_sync_cut_at_any_point_leaves_each_side_whole_and_the_next_one_converges() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_copies(dir.path());
    edit_apart(&a, &b);
    // Where each side would end up.
    let (fa, fb) = (dir.path().join("fa.db"), dir.path().join("fb.db"));
    Store::open(&a, OpenMode::Existing).unwrap().backup_to(&fa).unwrap();
    Store::open(&b, OpenMode::Existing).unwrap().backup_to(&fb).unwrap();
    assert!(sync_in_process(&fa, &fb, usize::MAX));
    let merged = export(&fa);
    assert_eq!(merged, export(&fb));
    let (before_a, before_b) = (export(&a), export(&b));

    // Cut the link after 0, 1, 2, ... writes of the client until a sync gets through.
    let mut cuts = 0;
    for budget in 0..20 {
        let (ca, cb) = (
            dir.path().join(format!("ca{budget}.db")),
            dir.path().join(format!("cb{budget}.db")),
        );
        Store::open(&a, OpenMode::Existing).unwrap().backup_to(&ca).unwrap();
        Store::open(&b, OpenMode::Existing).unwrap().backup_to(&cb).unwrap();
        let ok = sync_in_process(&ca, &cb, budget);
        let (ea, eb) = (export(&ca), export(&cb));
        assert!(
            ea == before_a || ea == merged,
            "client side half-merged after a cut at write {budget}"
        );
        assert!(
            eb == before_b || eb == merged,
            "server side half-merged after a cut at write {budget}"
        );
        // The next sync always completes and converges.
        assert!(
            sync_in_process(&ca, &cb, usize::MAX),
            "re-sync after a cut at write {budget}"
        );
        assert_eq!(export(&ca), merged, "after a cut at write {budget}");
        assert_eq!(export(&cb), merged);
        if ok {
            break;
        }
        cuts += 1;
    }
    assert!(cuts >= 3, "the link was cut at several points ({cuts})");
}

#[test]
fn peers_that_cannot_sync_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_copies(dir.path());
    rusqlite::Connection::open(&b)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let server = format!(
        "{} --db '{}' sync --serve",
        assert_cmd::cargo::cargo_bin("sdm").display(),
        b.display()
    );
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", "x", "--remote-cmd", &server])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("newer sdm"), "{err}");
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", a.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("this database itself"));
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", "/nonexistent/copy.db"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_local_path_is_a_peer_too() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_copies(dir.path());
    edit_apart(&a, &b);
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", b.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(export(&a), export(&b));
}

#[test]
fn the_interface_lists_conflicts_and_settles_them() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_copies(dir.path());
    edit_apart(&a, &b);
    sync(&a, &b);
    let ctx = sdm::app::Ctx {
        db: a.clone(),
        now: "2026-11-22T09:00:00Z".parse().unwrap(),
        now_fixed: true,
        settings: sdm::config::Settings::default(),
        tz: chrono_tz::Tz::UTC,
        color: false,
    };
    let store = Store::open(&a, OpenMode::Existing).unwrap();
    let mut rt = sdm::tui::Runtime::new(store, &ctx, "laptop");
    rt.reload(false);
    assert_eq!(rt.app.snap.conflicts.len(), 1);
    assert!(
        rt.app.snap.agenda.contains("1 sync conflict to settle"),
        "{}",
        rt.app.snap.agenda
    );
    let press = |rt: &mut sdm::tui::Runtime, code: KeyCode| {
        let effects = rt.app.handle(KeyEvent::new(code, KeyModifiers::NONE));
        rt.apply(effects);
    };
    for c in ":conflicts".chars() {
        press(&mut rt, KeyCode::Char(c));
    }
    press(&mut rt, KeyCode::Enter);
    assert!(matches!(rt.app.mode, sdm::tui::app::Mode::Conflicts { .. }));
    press(&mut rt, KeyCode::Char('b'));
    assert!(rt.app.snap.conflicts.is_empty());
    let ann: Stakeholder = rt
        .store
        .get(&natural_id("stakeholder", "Ann de Vries"))
        .unwrap()
        .unwrap();
    assert_eq!(ann.role, "Head of IT", "the value that lost is back");
}
