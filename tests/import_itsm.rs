//! Exports as the ITSM tools write them — ServiceNow incident and change lists, a Jira Service
//! Management issue export — recognised by their headers, with a byte-order mark, CRLF,
//! quoted commas and line breaks, display-format dates and named priorities.
#![allow(clippy::unwrap_used)]

mod common;

use common::sdm;

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn desk() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db").to_str().unwrap().to_string();
    sdm()
        .args(["--db", &db, "import", "portfolio", &fixture("portfolio.toml")])
        .assert()
        .success();
    (dir, db)
}

fn tickets(db: &str) -> Vec<serde_json::Value> {
    let out = sdm().args(["--db", db, "export"]).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["tables"]["tickets"].as_array().unwrap().clone()
}

#[test]
fn servicenow_and_jira_exports_import_with_auto() {
    let (_dir, db) = desk();
    // Every date of the ServiceNow file fits both day-first and month-first: refused, never
    // guessed, with the option that settles it.
    let out = sdm()
        .args([
            "--db",
            &db,
            "--now",
            "2026-11-22T09:00:00Z",
            "import",
            "tickets",
            &fixture("servicenow_incidents.csv"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("could be either): say which with --date-order dmy or --date-order mdy"),
        "{err}"
    );
    assert!(tickets(&db).is_empty());
    for (file, format) in [("servicenow_incidents.csv", "servicenow"), ("jira_issues.csv", "jira")] {
        let out = sdm()
            .args([
                "--db",
                &db,
                "--now",
                "2026-11-22T09:00:00Z",
                "import",
                "tickets",
                &fixture(file),
                "--tz",
                "Europe/Amsterdam",
                "--date-order",
                "dmy",
            ])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("format {format}")));
    }
    let all = tickets(&db);
    let get = |r: &str| all.iter().find(|t| t["reference"] == r).unwrap().clone();
    let sn = get("INC0010001");
    assert_eq!(sn["priority"], "p1", "1 - Critical");
    assert_eq!(sn["state"], "resolved");
    assert_eq!(
        sn["opened_at"], "2026-11-02T08:00:00Z",
        "02-11-2026 09:00:00 in Amsterdam"
    );
    assert_eq!(sn["summary"], "Payslips missing, again");
    assert_eq!(get("INC0010002")["summary"], "VPN drops\nevery 10 minutes");
    assert_eq!(
        get("INC0010003")["state"],
        "cancelled",
        "a cancelled ticket is kept as cancelled"
    );
    let jira = get("SD-101");
    assert_eq!(jira["priority"], "p1", "Highest");
    assert_eq!(
        jira["opened_at"], "2026-11-02T08:00:00Z",
        "02/Nov/26 9:00 AM in Amsterdam"
    );
    assert_eq!(get("SD-102")["kind"], "request");
    assert_eq!(get("SD-102")["state"], "open", "To Do");
    // Re-importing changes nothing.
    let again = sdm()
        .args([
            "--db",
            &db,
            "import",
            "tickets",
            &fixture("jira_issues.csv"),
            "--tz",
            "Europe/Amsterdam",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("added 0, changed 0, unchanged 2"));
}

#[test]
fn servicenow_changes_raise_their_reviews() {
    let (_dir, db) = desk();
    let out = sdm()
        .args([
            "--db",
            &db,
            "--now",
            "2026-11-22T09:00:00Z",
            "import",
            "changes",
            &fixture("servicenow_changes.csv"),
            "--tz",
            "Europe/Amsterdam",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value =
        serde_json::from_slice(&sdm().args(["--db", &db, "export"]).output().unwrap().stdout).unwrap();
    let changes = doc["tables"]["changes"].as_array().unwrap();
    let failed = changes.iter().find(|c| c["reference"] == "CHG0040001").unwrap();
    assert_eq!(failed["kind"], "emergency");
    assert_eq!(failed["outcome"], "failed", "Unsuccessful");
    let reviews = doc["tables"]["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 1, "one PIR, for the failed emergency change");
    assert!(reviews[0]["title"].as_str().unwrap().starts_with("PIR CHG0040001"));
}

#[test]
fn a_bad_row_in_a_jira_export_names_its_line_and_imports_nothing() {
    let (dir, db) = desk();
    let path = dir.path().join("bad.csv");
    std::fs::write(
        &path,
        "\u{feff}Issue key,Summary,Status,Priority,Created,Resolved,Component/s\r\nSD-1,Ok,Done,High,02/Nov/26 9:00 AM,02/Nov/26 10:00 AM,Payroll\r\nSD-2,Bad,Done,Sometimes,02/Nov/26 9:00 AM,,Payroll\r\nSD-3,Ok,Done,Low,02/Nov/26 9:00 AM,,Payroll\r\n",
    )
    .unwrap();
    let out = sdm()
        .args(["--db", &db, "import", "tickets", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv line 3, column Priority: \"Sometimes\" is not a priority"),
        "{err}"
    );
    assert!(tickets(&db).is_empty(), "nothing imported");
}

#[test]
fn an_unknown_service_is_refused_unless_asked_to_create_it() {
    let (dir, db) = desk();
    let path = dir.path().join("new.csv");
    std::fs::write(
        &path,
        "ref,service,priority,opened\nINC9,Intranet,P3,2026-11-02T09:00:00Z\nINC10,Payroll,P3,2026-11-02T09:00:00Z\n",
    )
    .unwrap();
    let out = sdm()
        .args(["--db", &db, "import", "tickets", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no service named \"Intranet\"") && err.contains("--create-services"),
        "{err}"
    );
    let out = sdm()
        .args([
            "--db",
            &db,
            "import",
            "tickets",
            path.to_str().unwrap(),
            "--create-services",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 new service(s) created: \"Intranet\""));
    let doc: serde_json::Value =
        serde_json::from_slice(&sdm().args(["--db", &db, "export"]).output().unwrap().stdout).unwrap();
    assert!(
        doc["tables"]["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Intranet")
    );
    assert_eq!(tickets(&db).len(), 2);
}

#[test]
fn priority_names_can_be_mapped_in_the_config_file() {
    let (dir, db) = desk();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "[priorities]\n\"Sev A\" = \"P1\"\n\"Sev B\" = \"P2\"\n").unwrap();
    let path = dir.path().join("sev.csv");
    std::fs::write(&path, "ref,service,priority,opened\nINC1,Payroll,Sev A,2026-11-02T09:00:00Z\nINC2,Payroll,sev b,2026-11-02T09:00:00Z\n").unwrap();
    let out = sdm()
        .args([
            "--db",
            &db,
            "--config",
            config.to_str().unwrap(),
            "import",
            "tickets",
            path.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let all = tickets(&db);
    assert_eq!(all.iter().find(|t| t["reference"] == "INC1").unwrap()["priority"], "p1");
    assert_eq!(all.iter().find(|t| t["reference"] == "INC2").unwrap()["priority"], "p2");
    // Without the mapping the names are refused, saying what is accepted.
    let bad = sdm()
        .args(["--db", &db, "import", "tickets", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    std::fs::write(&config, "[priorities]\n\"Sev A\" = \"P7\"\n").unwrap();
    let out = sdm()
        .args(["--db", &db, "--config", config.to_str().unwrap(), "agenda"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("map each name to P1, P2, P3 or P4"));
}

#[test]
fn an_import_detects_and_voids_the_breaches_of_the_tickets_it_touches() {
    let (dir, db) = desk();
    let first = dir.path().join("first.csv");
    // Payroll P1 response target: 15 minutes (24x7). INC1 responded after 40 minutes, INC2 after 50.
    std::fs::write(
        &first,
        "ref,service,priority,opened,responded,resolved\nINC1,Payroll,P1,2026-11-02T09:00:00Z,2026-11-02T09:40:00Z,2026-11-02T10:00:00Z\nINC2,Payroll,P1,2026-11-03T09:00:00Z,2026-11-03T09:50:00Z,2026-11-03T10:00:00Z\n",
    )
    .unwrap();
    sdm()
        .args([
            "--db",
            &db,
            "--now",
            "2026-11-22T09:00:00Z",
            "import",
            "tickets",
            first.to_str().unwrap(),
        ])
        .assert()
        .success();
    let breaches = |db: &str| -> Vec<serde_json::Value> {
        let doc: serde_json::Value =
            serde_json::from_slice(&sdm().args(["--db", db, "export"]).output().unwrap().stdout).unwrap();
        doc["tables"]["breaches"].as_array().unwrap().clone()
    };
    let open = breaches(&db).iter().filter(|b| b["status"] == "open").count();
    assert_eq!(open, 2, "two response breaches detected on import");
    // A corrected export of INC1 alone: responded after 10 minutes.
    let second = dir.path().join("second.csv");
    std::fs::write(&second, "ref,service,priority,opened,responded,resolved\nINC1,Payroll,P1,2026-11-02T09:00:00Z,2026-11-02T09:10:00Z,2026-11-02T10:00:00Z\n").unwrap();
    sdm()
        .args([
            "--db",
            &db,
            "--now",
            "2026-11-22T09:00:00Z",
            "import",
            "tickets",
            second.to_str().unwrap(),
        ])
        .assert()
        .success();
    let all = breaches(&db);
    assert_eq!(
        all.iter().filter(|b| b["status"] == "void").count(),
        1,
        "INC1's breach is void, kept"
    );
    assert_eq!(
        all.iter().filter(|b| b["status"] == "open").count(),
        1,
        "INC2's breach, untouched by the file, stays open"
    );
}
