//! Two sdm on one file (the desk and an SSH session): neither fails with "database is
//! locked", whatever they do at the same moment.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;

#[test]
fn two_writers_at_once_both_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    drop(common::populated(&db));
    let bin = assert_cmd::cargo::cargo_bin("sdm");
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let bin = bin.clone();
            let db = db.clone();
            std::thread::spawn(move || {
                for i in 0..15 {
                    let out = Command::new(&bin)
                        .args([
                            "--db",
                            db.to_str().unwrap(),
                            "touch",
                            "Ann de Vries",
                            &format!("writer {w} note {i}"),
                        ])
                        .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config")
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "writer {w}: {}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM touch_points WHERE summary LIKE 'writer %'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 30);
}

#[test]
fn two_sdm_creating_the_same_new_file_at_once_both_succeed() {
    for round in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(format!("new{round}.db"));
        let stores: Vec<_> = (0..3)
            .map(|_| {
                let db = db.clone();
                std::thread::spawn(move || sdm::store::Store::open(&db, sdm::store::OpenMode::Create).map(|_| ()))
            })
            .collect();
        for s in stores {
            s.join().unwrap().unwrap();
        }
        let conn = rusqlite::Connection::open(&db).unwrap();
        let cals: i64 = conn
            .query_row("SELECT count(*) FROM calendars", [], |r| r.get(0))
            .unwrap();
        assert_eq!(cals, 1, "one built-in calendar, not three");
    }
}

#[test]
fn a_session_notices_the_others_writes() {
    // The interface polls PRAGMA data_version about once a second and reloads when it moves.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let desk = common::populated(&db);
    let before = desk.data_version().unwrap();
    assert_eq!(desk.data_version().unwrap(), before, "reading changes nothing");
    let mut ssh = sdm::store::Store::open(&db, sdm::store::OpenMode::Existing).unwrap();
    ssh.write(Some("edit"), |w| {
        let id = sdm::domain::ids::natural_id("stakeholder", "Ann de Vries");
        w.update(
            &sdm::store::schema::STAKEHOLDERS,
            &id,
            &[("role", rusqlite::types::Value::Text("CIO".into()))],
        )
    })
    .unwrap();
    assert_ne!(
        desk.data_version().unwrap(),
        before,
        "the other session's commit is seen"
    );
}

/// A long writer (an import) holds the lock past the busy timeout: a short writer beside it
/// says once what it waits for and keeps waiting while that writer lives, then succeeds; a
/// lock held without a note is given up on with one clear line, exit 2, no backtrace.
#[test]
fn a_short_writer_waits_for_a_long_one_that_left_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    drop(common::populated(&db));
    let touch = || {
        common::sdm()
            .args([
                "--db",
                db.to_str().unwrap(),
                "touch",
                "Ann de Vries",
                "while an import writes",
            ])
            .env("SDM_BUSY_TIMEOUT_MS", "300")
            .output()
            .unwrap()
    };
    // The long writer: this test process, holding the write lock with a note, for 2 s (well
    // past the shortened 300 ms timeout).
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let note = sdm::store::lock_note::Note::leave(&db, "an import of tickets.csv is writing");
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(2));
        holder.execute_batch("COMMIT").unwrap();
        drop(note);
    });
    let started = std::time::Instant::now();
    let out = touch();
    release.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(1500), "it waited");
    assert_eq!(
        err.matches("waiting for another sdm: an import of tickets.csv is writing")
            .count(),
        1,
        "said once: {err}"
    );

    // Without a note the usual timeout holds, with one clear line.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let out = touch();
    holder.execute_batch("ROLLBACK").unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("is busy"), "{err}");
}

/// A first import writes in rollback-journal mode, where even opening the file waits for it:
/// another sdm opening the file then says once what it waits for and waits while that writer
/// lives (past the busy timeout), and answers after.
#[test]
fn an_sdm_opening_the_file_during_a_first_import_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    drop(common::populated(&db));
    let holder = rusqlite::Connection::open(&db).unwrap();
    let mode: String = holder
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete");
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let note = sdm::store::lock_note::Note::leave(&db, "an import of tickets.csv is writing");
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(2));
        holder.execute_batch("COMMIT").unwrap();
        let _: String = holder.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).unwrap();
        drop(note);
    });
    let started = std::time::Instant::now();
    // With the usual (30 s) timeout: the wait is told at once, not after the timeout.
    let out = common::sdm()
        .args(["--db", db.to_str().unwrap(), "agenda"])
        .output()
        .unwrap();
    release.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(1500), "it waited");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "only while the import wrote"
    );
    assert_eq!(
        err.matches("waiting for another sdm: an import of tickets.csv is writing")
            .count(),
        1,
        "said once: {err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Agenda"));

    // Without a note the usual timeout holds, with one clear line.
    let holder = rusqlite::Connection::open(&db).unwrap();
    let _: String = holder
        .query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))
        .unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = common::sdm()
        .args(["--db", db.to_str().unwrap(), "agenda"])
        .env("SDM_BUSY_TIMEOUT_MS", "300")
        .output()
        .unwrap();
    holder.execute_batch("ROLLBACK").unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("is busy"), "{err}");
}
