//! Another SQLite client on the file while sdm holds it open (the `sqlite3` shell, a backup
//! tool, a sync agent): nothing sdm writes afterwards is lost and the file stays whole.
//!
//! The defect this guards against: opening and closing any descriptor of the database inside
//! the process (the interface's background loader did, to read the header) drops every POSIX
//! lock the process holds on it; the other client then believes it is alone, deletes the
//! write-ahead log on exit, and sdm's later saves go into a deleted file.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::Command;

use sdm::domain::ids::natural_id;
use sdm::domain::model::TouchPoint;
use sdm::store::{OpenMode, Store};

/// Opens and closes the file from another process through SQLite: the system's `sqlite3`
/// shell when there is one, else a second sdm (another process, its own SQLite).
fn foreign_read(db: &Path) {
    let shell = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT count(*) FROM meta;")
        .output();
    match shell {
        Ok(out) => assert!(
            out.status.success(),
            "sqlite3: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => {
            let out = common::sdm()
                .args(["--db", db.to_str().unwrap(), "check"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}

fn touch(summary: &str) -> TouchPoint {
    TouchPoint {
        id: sdm::domain::ids::new_id(),
        stakeholder_id: natural_id("stakeholder", "Ann de Vries"),
        at: chrono::Utc::now().timestamp(),
        channel: sdm::domain::enums::Channel::Call,
        summary: summary.into(),
        sentiment: Some(4),
        follow_ups: String::new(),
        service_ids: vec![],
    }
}

/// What another process sees of the touch points.
fn seen_elsewhere(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT summary FROM touch_points ORDER BY summary")
        .unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
}

#[test]
fn a_foreign_sqlite_client_beside_an_open_store_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("held.db");
    drop(common::populated(&db));
    let mut held = Store::open(&db, OpenMode::Existing).unwrap();
    for round in 0..4 {
        // What the interface does every time it reloads: a second store on the same file,
        // opened and dropped while the first stays open.
        drop(Store::open(&db, OpenMode::Existing).unwrap());
        held.write(None, |w| w.save(&touch(&format!("before foreign {round}"))))
            .unwrap();
        foreign_read(&db);
        held.write(None, |w| w.save(&touch(&format!("after foreign {round}"))))
            .unwrap();
        let wal = db.with_extension("db-wal");
        assert!(
            wal.exists(),
            "round {round}: the write-ahead log was deleted under an open store"
        );
        let seen = seen_elsewhere(&db);
        assert!(
            seen.contains(&format!("after foreign {round}")),
            "round {round}: a save after the foreign client is invisible to other sessions: {seen:?}"
        );
    }
    drop(held);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let seen = seen_elsewhere(&db);
    for round in 0..4 {
        assert!(seen.contains(&format!("before foreign {round}")));
        assert!(seen.contains(&format!("after foreign {round}")));
    }
}
