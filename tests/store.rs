//! The store as the rest of sdm meets it: migrations, stamps, tombstones, undo, export and
//! restore, permissions.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;

use rusqlite::Connection;
use sdm::domain::enums::*;
use sdm::domain::model::*;
use sdm::store::migrations::{LATEST, MIGRATIONS, migrate_with};
use sdm::store::records::get_in;
use sdm::store::{OpenMode, Store, StoreError, Upserted, schema};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_new_database_has_the_latest_schema_and_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new/deeper/sdm.db");
    let store = Store::open(&path, OpenMode::Create).unwrap();
    let conn = store.conn();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, LATEST);
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(app, sdm::store::APPLICATION_ID);
    let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page, 8192, "a new file is laid out in 8 KiB pages");
    for table in schema::TABLES {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {}", table.name), [], |r| r.get(0))
            .unwrap();
        assert!(n >= 0);
    }
    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir.path().join("new")), 0o700);
    assert_eq!(mode(&dir.path().join("new/deeper")), 0o700);
    // The write-ahead log takes the database's permissions.
    assert_eq!(mode(&dir.path().join("new/deeper/sdm.db-wal")), 0o600);
    // The 24x7 calendar always exists.
    assert!(sdm::store::queries::find_calendar(conn, "24x7").is_ok());
}

#[test]
fn an_existing_folder_keeps_its_permissions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let _store = Store::open(&dir.path().join("sdm.db"), OpenMode::Create).unwrap();
    assert_eq!(mode(dir.path()), 0o755);
}

#[test]
fn a_database_of_an_earlier_schema_migrates_with_its_data_and_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    sdm::store::create_private_file(&path).unwrap();
    // From before breaches kept their tickets' references, through every migration since.
    let earlier = sdm::store::migrations::TICKET_REFS_VERSION - 1;
    {
        let mut conn = Connection::open(&path).unwrap();
        migrate_with(&mut conn, &path, 0, &MIGRATIONS[..earlier as usize]).unwrap();
        conn.execute_batch(
            "INSERT INTO services (id, created_at, updated_at, hlc, name) VALUES ('s1', 1, 1, '000000000000001-000000-ab', 'Payroll');
             INSERT INTO tickets (id, created_at, updated_at, hlc, reference, service_id, kind, priority, state, opened_at)
               VALUES ('t1', 1, 1, '000000000000001-000000-ab', 'INC042', 's1', 'incident', 'p1', 'open', 1);
             INSERT INTO breaches (id, created_at, updated_at, hlc, service_id, source, ticket_id, title, breached_at)
               VALUES ('b1', 1, 1, '000000000000001-000000-ab', 's1', 'ticket', 't1', 'P1 resolution target missed', 2);",
        )
        .unwrap();
    }
    let store = Store::open(&path, OpenMode::Existing).unwrap();
    let version: i64 = store.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, LATEST);
    let svc: Service = store.get("s1").unwrap().unwrap();
    assert_eq!(svc.name, "Payroll");
    let breach: Breach = store.get("b1").unwrap().unwrap();
    assert_eq!(breach.ticket_ref.as_deref(), Some("INC042"), "kept from its ticket");
    let page: i64 = store.conn().query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page, 4096, "an existing file keeps its pages");
    // Version 17: the baselines' counters are kept, the index no query used is gone.
    let indexes: Vec<String> = store
        .conn()
        .prepare("SELECT name FROM sqlite_master WHERE type IN ('index', 'table') ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        indexes.contains(&"baseline_versions".to_string()) && indexes.contains(&"breaches_recent_service".to_string())
    );
    assert!(
        !indexes.contains(&"tickets_review".to_string()) && indexes.contains(&"breaches_recent_target".to_string())
    );
    let backup = dir.path().join(format!("old.db.v{earlier}.bak"));
    assert!(backup.exists(), "a copy is taken before migrating");
    assert_eq!(mode(&backup), 0o600);
    let old = Connection::open(&backup).unwrap();
    let old_version: i64 = old.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(old_version, earlier);
    let names: String = old.query_row("SELECT name FROM services", [], |r| r.get(0)).unwrap();
    assert_eq!(names, "Payroll");
}

#[test]
fn a_failing_migration_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    sdm::store::create_private_file(&path).unwrap();
    let mut conn = Connection::open(&path).unwrap();
    migrate_with(&mut conn, &path, 0, &MIGRATIONS[..1]).unwrap();
    conn.execute(
        "INSERT INTO services (id, created_at, updated_at, hlc, name) VALUES ('s1', 1, 1, 'x', 'Payroll')",
        [],
    )
    .unwrap();
    let broken = [MIGRATIONS[0], "CREATE TABLE half_done (x INTEGER); THIS IS NOT SQL;"];
    assert!(migrate_with(&mut conn, &path, 1, &broken).is_err());
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 1);
    let half: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(half, 0, "the failed migration's first statement was rolled back");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM services", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_database_from_a_newer_sdm_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    drop(Store::open(&path, OpenMode::Create).unwrap());
    Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Store::open(&path, OpenMode::Existing).unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { found: 99, .. }), "{err}");
    assert!(err.to_string().contains("newer sdm"));
}

#[test]
fn files_that_are_not_sdm_databases_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is a shopping list, not a database").unwrap();
    assert!(matches!(
        Store::open(&junk, OpenMode::Create),
        Err(StoreError::NotADatabase(_))
    ));
    assert_eq!(
        std::fs::read(&junk).unwrap(),
        b"this is a shopping list, not a database"
    );
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute("CREATE TABLE photos (x)", [])
        .unwrap();
    assert!(matches!(
        Store::open(&other, OpenMode::Existing),
        Err(StoreError::NotADatabase(_))
    ));
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(
        Store::open(&empty, OpenMode::Existing),
        Err(StoreError::Empty(_))
    ));
    assert!(matches!(
        Store::open(dir.path(), OpenMode::Create),
        Err(StoreError::IsDirectory(_))
    ));
    assert!(matches!(
        Store::open(&dir.path().join("missing.db"), OpenMode::Existing),
        Err(StoreError::Missing(_))
    ));
}

#[test]
fn writes_stamp_rows_and_fields_and_upserts_touch_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = common::populated(&dir.path().join("a.db"));
    let sid = common::service("Payroll").id;
    let (hlc, field_hlc): (String, String) = store
        .conn()
        .query_row("SELECT hlc, field_hlc FROM services WHERE id = ?1", [&sid], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let stamps: serde_json::Value = serde_json::from_str(&field_hlc).unwrap();
    assert_eq!(
        stamps["description"].as_str(),
        Some(hlc.as_str()),
        "the edited field carries the edit's stamp"
    );
    assert!(stamps["*"].as_str().unwrap() < hlc.as_str(), "creation stamp is older");
    assert!(stamps.get("name").is_none());

    // An import-style upsert of some fields leaves the SDM's own fields alone.
    let tid = sdm::domain::ids::natural_id("ticket", "INC0012345");
    let outcome = store
        .write(None, |w| {
            w.upsert(
                &schema::TICKETS,
                &tid,
                &[("summary", rusqlite::types::Value::Text("New text".into()))],
            )
        })
        .unwrap();
    assert_eq!(outcome, Upserted::Changed);
    let t: Ticket = store.get(&tid).unwrap().unwrap();
    assert!(t.critical);
    assert_eq!(t.summary, "New text");
    let again = store
        .write(None, |w| {
            w.upsert(
                &schema::TICKETS,
                &tid,
                &[("summary", rusqlite::types::Value::Text("New text".into()))],
            )
        })
        .unwrap();
    assert_eq!(again, Upserted::Unchanged);
}

#[test]
fn an_update_of_the_rows_a_condition_selects_stamps_and_undoes_as_one_update_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("a.db"), OpenMode::Create).unwrap();
    let names = ["Email", "Payroll", "Portal", "Wiki"];
    store
        .write(None, |w| {
            for name in names {
                let mut svc = common::service(name);
                // One already says what the update writes: nothing to change there.
                if name == "Portal" {
                    svc.customer = "Globex".into();
                }
                w.save(&svc)?;
            }
            w.remove::<Service>(&common::service("Wiki").id)
        })
        .unwrap();
    let text = |s: &str| rusqlite::types::Value::Text(s.into());
    let changed = store
        .write(Some("move to Globex"), |w| {
            w.update_where(
                &schema::SERVICES,
                "name <> ?1",
                ["Payroll"],
                &[("customer", text("Globex"))],
            )
        })
        .unwrap();
    // Email changes; Payroll is not selected, Portal already says it, Wiki is deleted.
    assert_eq!(changed, 1);
    let customer = |store: &Store, name: &str| -> (String, String, String) {
        store
            .conn()
            .query_row(
                "SELECT customer, hlc, field_hlc FROM services WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap()
    };
    let (email, hlc, stamps) = customer(&store, "Email");
    assert_eq!(email, "Globex");
    let stamps: serde_json::Value = serde_json::from_str(&stamps).unwrap();
    assert_eq!(
        stamps["customer"].as_str(),
        Some(hlc.as_str()),
        "the changed field carries the stamp"
    );
    assert_eq!(customer(&store, "Payroll").0, "Acme");
    assert_eq!(customer(&store, "Wiki").0, "Acme");
    assert_eq!(store.undo().unwrap().as_deref(), Some("move to Globex"));
    assert_eq!(customer(&store, "Email").0, "Acme");
    assert_eq!(customer(&store, "Portal").0, "Globex");
}

#[test]
fn invalid_records_are_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("a.db"), OpenMode::Create).unwrap();
    let mut svc = common::service("Email");
    svc.agreement_end = Some(common::day("2020-01-01"));
    let err = store.write(None, |w| w.save(&svc)).unwrap_err();
    assert_eq!(err.to_string(), "agreement end: must not be before the agreement start");
    assert!(store.all::<Service>().unwrap().is_empty());
}

#[test]
fn undo_reverts_changes_in_order_even_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    let mut svc = common::service("Email");
    store.write(Some("add service Email"), |w| w.save(&svc)).unwrap();
    svc.customer = "Globex".into();
    store.write(Some("edit service Email"), |w| w.save(&svc)).unwrap();
    store
        .write(Some("delete service Email"), |w| w.remove::<Service>(&svc.id))
        .unwrap();
    assert!(store.get::<Service>(&svc.id).unwrap().is_none());
    drop(store);

    let mut store = Store::open(&path, OpenMode::Existing).unwrap();
    assert_eq!(store.last_undoable().unwrap().as_deref(), Some("delete service Email"));
    assert_eq!(store.undo().unwrap().as_deref(), Some("delete service Email"));
    assert_eq!(store.get::<Service>(&svc.id).unwrap().unwrap().customer, "Globex");
    assert_eq!(store.undo().unwrap().as_deref(), Some("edit service Email"));
    assert_eq!(store.get::<Service>(&svc.id).unwrap().unwrap().customer, "Acme");
    assert_eq!(store.undo().unwrap().as_deref(), Some("add service Email"));
    assert!(store.get::<Service>(&svc.id).unwrap().is_none());
    assert_eq!(store.undo().unwrap(), None);
}

#[test]
fn redo_does_again_what_undo_took_back_and_a_new_change_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = Store::open(&path, OpenMode::Create).unwrap();
    let mut svc = common::service("Email");
    store.write(Some("add service Email"), |w| w.save(&svc)).unwrap();
    svc.customer = "Globex".into();
    store.write(Some("edit service Email"), |w| w.save(&svc)).unwrap();
    store
        .write(Some("delete service Email"), |w| w.remove::<Service>(&svc.id))
        .unwrap();
    for _ in 0..3 {
        store.undo().unwrap();
    }
    assert!(store.get::<Service>(&svc.id).unwrap().is_none());
    drop(store);

    // Across a restart, in the order undone: the add first.
    let mut store = Store::open(&path, OpenMode::Existing).unwrap();
    assert_eq!(store.redo().unwrap().as_deref(), Some("add service Email"));
    assert_eq!(store.get::<Service>(&svc.id).unwrap().unwrap().customer, "Acme");
    assert_eq!(store.redo().unwrap().as_deref(), Some("edit service Email"));
    assert_eq!(store.get::<Service>(&svc.id).unwrap().unwrap().customer, "Globex");
    // Undo and redo round-trip.
    assert_eq!(store.undo().unwrap().as_deref(), Some("edit service Email"));
    assert_eq!(store.redo().unwrap().as_deref(), Some("edit service Email"));
    assert_eq!(store.get::<Service>(&svc.id).unwrap().unwrap().customer, "Globex");
    // The delete is still undone; a change made now ends the redo.
    svc.description = "mail for all".into();
    store.write(Some("edit service Email"), |w| w.save(&svc)).unwrap();
    assert_eq!(store.redo().unwrap(), None, "a new change ends what could be redone");
    assert!(store.get::<Service>(&svc.id).unwrap().is_some());
}

#[test]
fn redo_is_refused_when_the_record_changed_after_the_undo() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("a.db"), OpenMode::Create).unwrap();
    let mut svc = common::service("Email");
    store.write(Some("add service Email"), |w| w.save(&svc)).unwrap();
    svc.customer = "Globex".into();
    store.write(Some("edit service Email"), |w| w.save(&svc)).unwrap();
    store.undo().unwrap();
    // Changed without an undo step (as an import or a sync writes).
    svc.customer = "Initech".into();
    store.write(None, |w| w.save(&svc)).unwrap();
    let err = store.redo().unwrap_err().to_string();
    assert!(err.contains("cannot redo \"edit service Email\""), "{err}");
    assert!(err.contains("customer of service Email"), "{err}");
    assert_eq!(
        store.get::<Service>(&svc.id).unwrap().unwrap().customer,
        "Initech",
        "nothing written"
    );
}

#[test]
fn export_restore_export_is_identical_and_holds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::populated(&dir.path().join("a.db"));
    let first = store.export_json().unwrap();
    let mut fresh = Store::open(&dir.path().join("b.db"), OpenMode::Create).unwrap();
    let n = fresh.restore_json(&first).unwrap();
    assert!(n > 10);
    let second = fresh.export_json().unwrap();
    assert_eq!(first, second);

    // Every column of every table, in every row.
    let tables = first["tables"].as_object().unwrap();
    for table in schema::TABLES {
        let rows = tables[table.name].as_array().unwrap();
        assert!(!rows.is_empty(), "{} has a row in the fixture", table.name);
        for row in rows {
            for col in table.all_columns() {
                assert!(row.get(col.name).is_some(), "{}.{} missing", table.name, col.name);
            }
        }
    }
    let deleted: Vec<&serde_json::Value> = tables["stakeholders"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["deleted"] == serde_json::Value::Bool(true))
        .collect();
    assert_eq!(deleted.len(), 1, "the tombstone is exported");
    assert_eq!(deleted[0]["name"], "Temp Person");
    let ticket = &tables["tickets"][0];
    assert_eq!(ticket["opened_at"], "2026-09-21T14:13:20Z");
    assert_eq!(ticket["pauses"][0][0], "2026-09-21T14:30:00Z");
    assert_eq!(ticket["critical"], true);
    assert!(
        first.get("meta").is_none(),
        "the copy's identity is not part of the data"
    );
}

#[test]
fn restore_refuses_a_database_with_records_and_broken_documents() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::populated(&dir.path().join("a.db"));
    let doc = store.export_json().unwrap();
    let mut same = store;
    assert!(matches!(same.restore_json(&doc), Err(StoreError::Conflict(_))));

    let mut fresh = Store::open(&dir.path().join("b.db"), OpenMode::Create).unwrap();
    let mut bad = doc.clone();
    bad["tables"]["services"][0]["colour"] = serde_json::json!("pink");
    let err = fresh.restore_json(&bad).unwrap_err().to_string();
    assert!(err.contains("unknown column \"colour\""), "{err}");
    let mut orphan = doc.clone();
    orphan["tables"]["services"] = serde_json::json!([]);
    assert!(
        fresh.restore_json(&orphan).is_err(),
        "rows pointing at missing services are refused"
    );
    assert_eq!(
        sdm::store::queries::row_counts(fresh.conn())
            .unwrap()
            .iter()
            .map(|(_, l, _)| l)
            .sum::<i64>(),
        1,
        "a refused restore leaves only the built-in calendar"
    );
    assert!(fresh.restore_json(&serde_json::json!({"format": "something"})).is_err());
}

#[test]
fn finders_match_names_aliases_and_suggest_close_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::populated(&dir.path().join("a.db"));
    let conn = store.conn();
    use sdm::store::queries::{find_service, find_stakeholder};
    assert_eq!(find_service(conn, "payroll").unwrap().name, "Payroll");
    assert_eq!(find_service(conn, "PAYROLL-PRD").unwrap().name, "Payroll");
    let err = find_service(conn, "Payrol").unwrap_err().to_string();
    assert!(err.contains("did you mean Payroll"), "{err}");
    assert_eq!(find_stakeholder(conn, "ann").unwrap().name, "Ann de Vries");
    assert!(
        find_stakeholder(conn, "Temp Person").is_err(),
        "deleted stakeholders are not found"
    );
    let svc: Service = get_in(conn, &common::service("Payroll").id).unwrap().unwrap();
    assert_eq!(svc.agreement_kind, AgreementKind::Contract);
}
