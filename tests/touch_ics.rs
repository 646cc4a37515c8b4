//! Quick capture from the shell and the calendar export.
#![allow(clippy::unwrap_used)]

mod common;

use common::sdm;

const NOW: &str = "2026-11-22T09:00:00Z";

fn db() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(common::populated(&path));
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

#[test]
fn touch_logs_with_defaults_and_moves_the_next_due_date() {
    let (_dir, db) = db();
    let out = sdm()
        .args([
            "--db",
            &db,
            "--now",
            NOW,
            "touch",
            "Ann",
            "--sentiment",
            "4",
            "Walked through the October report",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        said.trim(),
        "logged a call with Ann de Vries (sentiment 4/5); next touch due 2026-12-06"
    );
    let agenda = sdm()
        .args(["--db", &db, "--now", NOW, "agenda", "--json"])
        .output()
        .unwrap();
    let a: serde_json::Value = serde_json::from_slice(&agenda.stdout).unwrap();
    assert!(
        a["touch_points_due"].as_array().unwrap().is_empty(),
        "Ann is no longer due"
    );
    let export = sdm().args(["--db", &db, "export"]).output().unwrap();
    let e: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let touch = e["tables"]["touch_points"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["summary"] == "Walked through the October report")
        .unwrap()
        .clone();
    assert_eq!(touch["channel"], "call", "the preferred channel is the default");
    assert_eq!(touch["at"], NOW);
    assert_eq!(touch["sentiment"], 4);
    let links = e["tables"]["touch_point_services"].as_array().unwrap();
    assert!(
        links.iter().any(|l| l["touch_point_id"] == touch["id"]),
        "linked to Ann's services"
    );
}

#[test]
fn touch_explains_unknown_names_and_bad_values() {
    let (_dir, db) = db();
    let out = sdm()
        .args(["--db", &db, "touch", "Anne de Vris", "hello"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("did you mean Ann de Vries"), "{err}");
    let out = sdm()
        .args(["--db", &db, "touch", "Ann", "--sentiment", "9", "hello"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sdm()
        .args(["--db", &db, "touch", "Ann", "--channel", "pigeon", "hello"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("meeting, call, email, chat, service_review"), "{err}");
    let out = sdm()
        .args(["--db", &db, "touch", "Ann", "--service", "Nope", "hello"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn ics_lists_due_touch_points_and_actions_as_icalendar() {
    let (dir, db) = db();
    let path = dir.path().join("due.ics");
    sdm()
        .args([
            "--db",
            &db,
            "--now",
            NOW,
            "ics",
            "--days",
            "30",
            "--out",
            path.to_str().unwrap(),
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 3, "{text}");
    assert_eq!(text.matches("END:VEVENT").count(), 3);
    // The agreement's review date is on the calendar too.
    assert!(
        text.contains("SUMMARY:Agreement C-2024-17 (Payroll): agreement review due in 3 days"),
        "{text}"
    );
    assert!(text.contains("CATEGORIES:Agreement"));
    // Ann is overdue, so her touch point is put on today.
    assert!(
        text.contains("SUMMARY:Touch base with Ann de Vries (overdue)"),
        "{text}"
    );
    assert!(text.contains("DTSTART;VALUE=DATE:20261122"));
    assert!(text.contains("SUMMARY:Action due: Add a rollback test"));
    assert!(text.contains("DTSTART;VALUE=DATE:20261124"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "folded: {line}");
    }
    assert!(!text.replace("\r\n", "").contains('\n'), "CRLF line ends only");
}

#[test]
fn a_follow_up_from_the_shell_becomes_an_action() {
    let (_dir, db) = db();
    sdm()
        .args([
            "--db",
            &db,
            "--now",
            NOW,
            "touch",
            "Ann",
            "--follow-up",
            "Send the SLA report",
            "Call about the report",
        ])
        .assert()
        .success();
    let agenda = sdm()
        .args(["--db", &db, "--now", NOW, "agenda", "--json"])
        .output()
        .unwrap();
    let a: serde_json::Value = serde_json::from_slice(&agenda.stdout).unwrap();
    let action = a["actions_due"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == "Send the SLA report")
        .unwrap()
        .clone();
    assert_eq!(action["due"], "2026-11-29");
}
