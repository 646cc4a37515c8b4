//! A hostile or broken sync peer: stamps from the far future, a peer that deletes everything,
//! and undoing a sync.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use common::sdm;
use sdm::store::schema;
use sdm::store::{OpenMode, Store};

fn demo_copies(dir: &Path) -> (PathBuf, PathBuf) {
    let a = dir.join("laptop.db");
    let b = dir.join("jumphost.db");
    sdm().args(["--db", a.to_str().unwrap(), "demo"]).assert().success();
    let store = Store::open(&a, OpenMode::Existing).unwrap();
    store.backup_to(&b).unwrap();
    drop(store);
    // A first sync: the copy takes its own identity, and both have met.
    sync(&a, &b, &[]).0.then_some(()).unwrap();
    (a, b)
}

/// Runs `sdm --db a sync b`; (success, exit code, stderr, stdout).
fn sync(a: &Path, b: &Path, extra: &[&str]) -> (bool, Option<i32>, String, String) {
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", b.to_str().unwrap()])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.success(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn live(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table} WHERE deleted = 0"), [], |r| {
        r.get(0)
    })
    .unwrap()
}

fn clock(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn stamps_from_the_far_future_are_refused_and_the_clock_stays() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = demo_copies(dir.path());
    let evil = "9223372036854775807-4294967295-evil";
    {
        let conn = rusqlite::Connection::open(&b).unwrap();
        conn.execute(
            "UPDATE services SET hlc = ?1, field_hlc = json_object('*', ?1), description = 'pwned' \
             WHERE id = (SELECT id FROM services LIMIT 1)",
            [evil],
        )
        .unwrap();
    }
    let before = clock(&a);
    let (ok, code, err, _) = sync(&a, &b, &[]);
    assert!(!ok);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(err.contains("24 hours ahead"), "{err}");
    assert!(err.contains("nothing was changed here"), "{err}");
    assert_eq!(clock(&a), before, "the local clock did not jump");
    let conn = rusqlite::Connection::open(&a).unwrap();
    let pwned: i64 = conn
        .query_row("SELECT count(*) FROM services WHERE description = 'pwned'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(pwned, 0);
    // The other way round (the hostile copy as the client) is refused too.
    let (ok, code, err, _) = sync(&b, &a, &[]);
    assert!(!ok && code == Some(2), "{err}");
    let export = sdm().args(["--db", a.to_str().unwrap(), "export"]).output().unwrap();
    assert!(export.status.success());
}

#[test]
fn a_peer_deleting_everything_stops_and_asks_and_a_sync_can_be_undone() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = demo_copies(dir.path());
    let tickets_before = live(&a, "tickets");
    assert!(tickets_before > 150, "the demo has enough tickets: {tickets_before}");
    {
        let mut peer = Store::open(&b, OpenMode::Existing).unwrap();
        let ids: Vec<String> = {
            let mut stmt = peer.conn().prepare("SELECT id FROM tickets WHERE deleted = 0").unwrap();
            stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
        };
        peer.write(None, |w| {
            for id in &ids {
                w.delete(&schema::TICKETS, id)?;
            }
            Ok(())
        })
        .unwrap();
    }
    let (ok, code, err, _) = sync(&a, &b, &[]);
    assert!(!ok);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("would delete") && err.contains("--allow-mass-delete"),
        "{err}"
    );
    assert_eq!(live(&a, "tickets"), tickets_before, "nothing was deleted");

    let backup = {
        let mut p = a.as_os_str().to_owned();
        p.push(".before-sync.bak");
        PathBuf::from(p)
    };
    let (ok, _, err, out) = sync(&a, &b, &["--allow-mass-delete"]);
    assert!(ok, "{err}");
    assert!(out.contains("deleted"), "{out}");
    assert_eq!(live(&a, "tickets"), 0);
    assert!(backup.exists(), "a copy was taken before the sync");
    assert_eq!(
        live(&backup, "tickets"),
        tickets_before,
        "the copy holds what was there before"
    );

    let undo = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", "--undo"])
        .output()
        .unwrap();
    assert!(undo.status.success(), "{}", String::from_utf8_lossy(&undo.stderr));
    assert!(String::from_utf8_lossy(&undo.stdout).contains("undid: sync with"));
    assert_eq!(live(&a, "tickets"), tickets_before, "the sync's deletions are undone");
    // The undo is a change like any other: the next sync brings the tickets back on the peer.
    let (ok, _, err, _) = sync(&a, &b, &[]);
    assert!(ok, "{err}");
    assert_eq!(live(&b, "tickets"), tickets_before);
}

#[test]
fn a_target_that_looks_like_an_option_never_reaches_ssh() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    drop(common::populated(&a));
    let marker = dir.path().join("pwned");
    let hostile = format!("-oProxyCommand=touch {} user@host", marker.display());
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", "--", &hostile])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!marker.exists(), "ssh took the target as an option");
}

#[test]
fn a_garbage_value_from_a_peer_is_refused_by_table_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = demo_copies(dir.path());
    let fresh = format!("{:015}-{:06}-evilnode", chrono::Utc::now().timestamp_millis(), 0);
    {
        let conn = rusqlite::Connection::open(&b).unwrap();
        conn.execute(
            "UPDATE tickets SET state = 'pwned', hlc = ?1, field_hlc = json_object('*', ?1) \
             WHERE id = (SELECT id FROM tickets ORDER BY id LIMIT 1)",
            [&fresh],
        )
        .unwrap();
    }
    for (client, server) in [(&a, &b), (&b, &a)] {
        let (ok, code, err, _) = sync(client, server, &[]);
        assert!(!ok);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("tickets row") && err.contains("column state"), "{err}");
    }
    let conn = rusqlite::Connection::open(&a).unwrap();
    let bad: i64 = conn
        .query_row("SELECT count(*) FROM tickets WHERE state = 'pwned'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(bad, 0, "nothing of it reached this copy");
    let agenda = sdm().args(["--db", a.to_str().unwrap(), "agenda"]).output().unwrap();
    assert!(agenda.status.success());
}
