//! The demo data set: the promised shape, dated relative to `--now`, the same every time.
#![allow(clippy::unwrap_used)]

mod common;

use common::sdm;

const NOW: &str = "2026-11-22T09:00:00Z";

fn export(db: &str) -> serde_json::Value {
    let out = sdm().args(["--db", db, "export"]).output().unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The export without what depends on the moment it was written (stamps).
fn facts(mut doc: serde_json::Value) -> serde_json::Value {
    for rows in doc["tables"].as_object_mut().unwrap().values_mut() {
        for row in rows.as_array_mut().unwrap() {
            let row = row.as_object_mut().unwrap();
            for key in ["created_at", "updated_at", "hlc", "field_hlc"] {
                row.remove(key);
            }
        }
    }
    doc["import_log"] = serde_json::Value::Null;
    doc
}

#[test]
fn the_demo_has_the_promised_shape() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    sdm().args(["--db", db, "--now", NOW, "demo"]).assert().success();
    let doc = export(db);
    let t = &doc["tables"];
    let live = |name: &str| {
        t[name]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["deleted"] == false)
            .count()
    };
    assert_eq!(live("services"), 12);
    let customers: std::collections::BTreeSet<&str> = t["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["customer"].as_str().unwrap())
        .collect();
    assert_eq!(customers.len(), 3);
    let kinds: std::collections::BTreeSet<&str> = t["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["agreement_kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains("contract") && kinds.contains("dou"));
    assert!((280..=320).contains(&live("tickets")), "{}", live("tickets"));
    let open = t["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["state"] == "open")
        .count();
    assert!((5..=10).contains(&open), "{open} open tickets");
    assert_eq!(live("stakeholders"), 15);
    assert!(live("calendars") >= 3, "24x7 and two business-hours calendars");
    let target_kinds: std::collections::BTreeSet<&str> = t["sla_targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(target_kinds.len(), 4, "targets of every kind");
    assert!(
        t["breaches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["source"] == "manual" && b["status"] == "open" && b["customer_informed"] == false)
    );
    assert!(
        t["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["kind"] == "emergency")
    );
    assert!(
        t["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["outcome"] == "failed" || c["outcome"] == "rolled_back")
    );

    let out = sdm()
        .args(["--db", db, "--now", NOW, "agenda", "--json"])
        .output()
        .unwrap();
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let never = a["touch_points_due"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "Priya Raman")
        .unwrap();
    assert!(never["detail"].as_str().unwrap().contains("never contacted"));
    assert!(
        a["touch_points_due"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["overdue"] == true)
            .count()
            >= 3
    );
    assert!(
        a["actions_due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["overdue"] == true)
    );
    assert!(
        a["reviews_due"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["overdue"] == true)
    );
    assert!(a["at_risk"].as_array().unwrap().len() >= 2, "clocks at risk now");
    assert!(
        a["breaches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["source"] == "availability")
    );
    let melons = a["watermelons"].as_array().unwrap();
    assert_eq!(melons.len(), 1);
    assert_eq!(melons[0]["service"], "Expense Claims");
    assert!(
        melons[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("SLAs met 3 months running; sentiment")
    );
    assert!(a["problem_flags"].as_array().unwrap().iter().any(|f| {
        f["service"] == "Store POS"
            && f["reason"]
                .as_str()
                .unwrap()
                .starts_with("3 emergency changes in 30 days")
    }));
    let check = sdm().args(["--db", db, "check"]).output().unwrap();
    assert!(check.status.success());
}

#[test]
fn the_same_now_gives_the_same_demo() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for db in [&a, &b] {
        sdm()
            .args(["--db", db.to_str().unwrap(), "--now", NOW, "demo"])
            .assert()
            .success();
    }
    assert_eq!(facts(export(a.to_str().unwrap())), facts(export(b.to_str().unwrap())));
}

#[test]
fn a_synthetic_set_is_deterministic_and_in_proportion() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for db in [&a, &b] {
        let out = sdm()
            .args([
                "--db",
                db.to_str().unwrap(),
                "--now",
                NOW,
                "demo",
                "--scale",
                "2000",
                "--seed",
                "7",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // Written in rollback-journal mode, left in WAL mode (the header's read and write
        // versions are 2) before anything else opens it.
        let header = std::fs::read(db).unwrap();
        assert_eq!(&header[18..20], &[2, 2], "the file is in WAL mode");
    }
    let (ea, eb) = (facts(export(a.to_str().unwrap())), facts(export(b.to_str().unwrap())));
    assert_eq!(ea, eb);
    let tickets = ea["tables"]["tickets"].as_array().unwrap();
    assert_eq!(tickets.len(), 2000);
    // The open ones are a live queue: a few, all opened in the last days (the latest a late
    // ticket can still be open), not a share of two years of history.
    let open: Vec<&serde_json::Value> = tickets.iter().filter(|t| t["state"] == "open").collect();
    assert!((1..=40).contains(&open.len()), "a few open: {}", open.len());
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().timestamp();
    for t in &open {
        let opened = chrono::DateTime::parse_from_rfc3339(t["opened_at"].as_str().unwrap())
            .unwrap()
            .timestamp();
        assert!(now - opened < 6 * 86_400, "open for {} days", (now - opened) / 86_400);
    }
    assert_eq!(ea["tables"]["services"].as_array().unwrap().len(), 5);
    assert!(!ea["tables"]["touch_points"].as_array().unwrap().is_empty());
    assert!(!ea["tables"]["changes"].as_array().unwrap().is_empty());
    let check = sdm().args(["--db", a.to_str().unwrap(), "check"]).output().unwrap();
    assert!(check.status.success());
}

/// A large shaped set is written with its indexes set aside and without looking each
/// reference up: every reference it holds is there all the same.
#[test]
fn a_large_shaped_set_holds_no_broken_reference() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shaped.db");
    let db = db.to_str().unwrap();
    let out = sdm()
        .args([
            "--db",
            db,
            "--now",
            NOW,
            "demo",
            "--scale",
            "20000",
            "--open",
            "5%",
            "--breached",
            "20%",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let check = sdm().args(["--db", db, "check"]).output().unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(check.status.success(), "{text}");
    assert!(text.contains("foreign keys: ok"), "{text}");
    // The rules found breaches, each referring to its ticket, target and service.
    let breaches: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("breaches "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(breaches > 1_000, "{text}");
}

#[test]
fn the_text_agenda_lists_ten_per_list_and_counts_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    let db = db.to_str().unwrap();
    let out = sdm()
        .args(["--db", db, "--now", NOW, "demo", "--scale", "20000"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json = sdm()
        .args(["--db", db, "--now", NOW, "agenda", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let breaches = doc["breaches"].as_array().unwrap().len();
    assert!(breaches > 10, "enough open breaches to cut: {breaches}");

    let text = sdm().args(["--db", db, "--now", NOW, "agenda"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    // The summary counts every item; the list shows ten and says how many more there are.
    assert_eq!(doc["summary"].as_str().unwrap(), text.lines().nth(1).unwrap());
    assert!(text.contains(&format!("{breaches} breaches open")), "{text}");
    let section: Vec<&str> = text
        .split("\nOpen breaches\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(section.len(), 11, "{section:?}");
    assert_eq!(
        section[10],
        format!("  … and {} more (sdm agenda --all lists them)", breaches - 10)
    );

    let all = sdm()
        .args(["--db", db, "--now", NOW, "agenda", "--all"])
        .output()
        .unwrap();
    let all = String::from_utf8(all.stdout).unwrap();
    assert!(!all.contains("more (sdm agenda --all"), "--all lists everything");
    assert!(all.lines().count() > text.lines().count());
}

#[test]
fn a_synthetic_queue_can_be_shaped_like_a_real_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shaped.db");
    let out = sdm()
        .args([
            "--db",
            db.to_str().unwrap(),
            "--now",
            "2026-11-22T09:00:00Z",
            "demo",
            "--scale",
            "4000",
        ])
        .args(["--open", "10%", "--breached", "20%"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let open: i64 = conn
        .query_row("SELECT count(*) FROM tickets WHERE state = 'open'", [], |r| r.get(0))
        .unwrap();
    // About 10% of 4,000 forced open, besides the few whose resolution lies ahead.
    assert!((320..=520).contains(&open), "{open} open");
    // Its breaches were settled without the baselines' counters, which are back after.
    let triggers: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%baseline_versions%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(triggers, 4, "the counters' triggers are all back");
    let calm = dir.path().join("calm.db");
    sdm()
        .args([
            "--db",
            calm.to_str().unwrap(),
            "--now",
            "2026-11-22T09:00:00Z",
            "demo",
            "--scale",
            "4000",
        ])
        .assert()
        .success();
    let calm_open: i64 = rusqlite::Connection::open(&calm)
        .unwrap()
        .query_row("SELECT count(*) FROM tickets WHERE state = 'open'", [], |r| r.get(0))
        .unwrap();
    assert!(calm_open < open / 4, "the default stays a calm queue: {calm_open} open");
}
