//! The command line as a user meets it: exit codes, one-line errors, files it writes.
#![allow(clippy::unwrap_used)]

mod common;

use std::os::unix::fs::PermissionsExt;

use common::sdm;

fn one_line_error(out: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "exit 2 expected, stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line expected: {err}");
    assert!(!err.contains("Backtrace") && !err.contains("Location:"), "{err}");
    err
}

#[test]
fn bad_input_is_one_clear_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let db = db.to_str().unwrap();

    let out = sdm()
        .args(["--db", db, "--now", "next tuesday", "agenda"])
        .output()
        .unwrap();
    let err = one_line_error(&out);
    assert!(
        err.contains("\"next tuesday\" is neither an RFC 3339 time nor a date"),
        "{err}"
    );

    let out = sdm()
        .args(["--db", db, "restore", "/nonexistent/export.json"])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("cannot read /nonexistent/export.json"));
    assert!(
        !dir.path().join("a.db").exists(),
        "a failed restore creates no database"
    );

    let junk = dir.path().join("junk");
    std::fs::write(&junk, vec![0x42u8; 4096]).unwrap();
    let out = sdm().args(["--db", junk.to_str().unwrap(), "check"]).output().unwrap();
    assert!(one_line_error(&out).contains("is not an sdm database"));
    assert_eq!(std::fs::read(&junk).unwrap(), vec![0x42u8; 4096], "left untouched");

    let out = sdm()
        .args(["--db", dir.path().to_str().unwrap(), "agenda"])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("is a directory"));

    let out = sdm().args(["--db", db, "frobnicate"]).output().unwrap();
    assert!(one_line_error(&out).contains("frobnicate"));

    let out = sdm().args(["--db", db, "agenda"]).output().unwrap();
    assert!(one_line_error(&out).contains("no database at"));
}

#[test]
fn demo_then_check_then_agenda_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let now = "2026-11-22T09:00:00Z";
    sdm().args(["--db", db, "--now", now, "demo"]).assert().success();
    assert_eq!(std::fs::metadata(db).unwrap().permissions().mode() & 0o777, 0o600);
    let out = sdm().args(["--db", db, "check"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("integrity: ok"), "{text}");
    let out = sdm()
        .args(["--db", db, "--now", now, "agenda", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let agenda: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "breaches",
        "at_risk",
        "touch_points_due",
        "actions_due",
        "reviews_due",
        "agreements_due",
        "watermelons",
        "problem_flags",
        "freshness",
    ] {
        assert!(agenda[key].is_array(), "{key} is an array");
    }
    assert_eq!(agenda["as_of"], now);
    // A second demo into the same file is refused rather than mixed in.
    let out = sdm().args(["--db", db, "demo"]).output().unwrap();
    assert!(one_line_error(&out).contains("already holds records"));
}

#[test]
fn agenda_counts_match_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    drop(common::populated(&path));
    let db = path.to_str().unwrap();
    let out = sdm()
        .args(["--db", db, "--now", "2026-11-22T09:00:00Z", "agenda", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // One open manual breach, not yet told to the customer.
    assert_eq!(a["breaches"].as_array().unwrap().len(), 1);
    assert_eq!(a["breaches"][0]["service"], "Payroll");
    assert_eq!(a["breaches"][0]["customer_informed"], false);
    // Ann was last contacted 2026-09-23 21:46 UTC with a 14-day cadence: due 2026-10-07.
    let touch = &a["touch_points_due"][0];
    assert_eq!(touch["name"], "Ann de Vries");
    assert_eq!(touch["due"], "2026-10-07");
    assert_eq!(touch["overdue"], true);
    assert_eq!(
        a["touch_points_due"].as_array().unwrap().len(),
        1,
        "the deleted stakeholder is not due"
    );
    // The action is due 2026-11-24 (in 2 days); the PIR was due 2026-11-20 (overdue).
    assert_eq!(a["actions_due"][0]["due"], "2026-11-24");
    assert_eq!(a["actions_due"][0]["overdue"], false);
    assert_eq!(a["reviews_due"][0]["name"], "CHG0001");
    assert_eq!(a["reviews_due"][0]["overdue"], true);
    // The agreement review on 2026-11-25 is within the week.
    assert_eq!(a["agreements_due"][0]["due"], "2026-11-25");
    assert_eq!(
        a["summary"],
        "1 breach open · 1 touch point overdue · 1 action due this week · 1 review due · 1 agreement to review"
    );
    let text = sdm()
        .args(["--db", db, "--now", "2026-11-22T09:00:00Z", "agenda"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("[customer not told]"), "{text}");
}

#[test]
fn export_restore_export_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    drop(common::populated(&a));
    let first = dir.path().join("first.json");
    sdm()
        .args([
            "--db",
            a.to_str().unwrap(),
            "export",
            "--format",
            "json",
            "--out",
            first.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert_eq!(std::fs::metadata(&first).unwrap().permissions().mode() & 0o777, 0o600);
    let b = dir.path().join("b.db");
    sdm()
        .args(["--db", b.to_str().unwrap(), "restore", first.to_str().unwrap()])
        .assert()
        .success();
    let second = sdm().args(["--db", b.to_str().unwrap(), "export"]).output().unwrap();
    assert!(second.status.success());
    assert_eq!(
        std::fs::read(&first).unwrap(),
        second.stdout,
        "byte for byte the same document"
    );
    // Restoring again into the now-full database is refused.
    let out = sdm()
        .args(["--db", b.to_str().unwrap(), "restore", first.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("already holds records"));
    // A file that is not an export.
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, "{\"hello\": 1}").unwrap();
    let c = dir.path().join("c.db");
    let out = sdm()
        .args(["--db", c.to_str().unwrap(), "restore", bogus.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("not an sdm export"));
}

#[test]
fn backup_is_a_private_valid_copy_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    drop(common::populated(&a));
    let copy = dir.path().join("copy.db");
    let db = a.to_str().unwrap();
    sdm()
        .args(["--db", db, "backup", "--out", copy.to_str().unwrap()])
        .assert()
        .success();
    assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
    let original = sdm().args(["--db", db, "export"]).output().unwrap().stdout;
    let copied = sdm()
        .args(["--db", copy.to_str().unwrap(), "export"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(original, copied);
    let out = sdm()
        .args(["--db", db, "backup", "--out", copy.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("already exists"));
}

#[test]
fn a_database_from_a_newer_sdm_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    drop(common::populated(&a));
    rusqlite::Connection::open(&a)
        .unwrap()
        .pragma_update(None, "user_version", 42)
        .unwrap();
    let out = sdm().args(["--db", a.to_str().unwrap(), "check"]).output().unwrap();
    assert!(one_line_error(&out).contains("newer sdm"));
}

#[test]
fn sdm_db_environment_variable_picks_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("env.db");
    drop(common::populated(&a));
    let out = sdm().env("SDM_DB", &a).arg("check").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("env.db"));
}

#[test]
fn shell_completions_and_a_manual_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = sdm().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let script = String::from_utf8(out.stdout).unwrap();
    assert!(
        script.contains("_sdm()") && script.contains("complete -F _sdm"),
        "{script}"
    );
    // The script is valid bash, and completes the subcommands.
    let path = dir.path().join("sdm.bash");
    std::fs::write(&path, &script).unwrap();
    if let Ok(check) = std::process::Command::new("bash").arg("-n").arg(&path).output() {
        assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));
    }
    assert!(
        script.contains("import") && script.contains("agenda"),
        "subcommands are offered"
    );
    for shell in ["zsh", "fish"] {
        assert!(
            sdm().args(["completions", shell]).output().unwrap().status.success(),
            "{shell}"
        );
    }
    let err = one_line_error(&sdm().args(["completions", "tcsh"]).output().unwrap());
    assert!(err.contains("tcsh"), "{err}");
    let man = sdm().arg("man").output().unwrap();
    assert!(man.status.success());
    let page = String::from_utf8(man.stdout).unwrap();
    assert!(page.contains(".TH sdm 1") && page.contains(".SH NAME"), "{page}");
}

#[test]
fn now_takes_a_plain_date_as_the_start_of_that_day_in_the_display_zone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let db = db.to_str().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "timezone = \"Europe/Amsterdam\"\n").unwrap();
    let config = config.to_str().unwrap();
    sdm()
        .args(["--db", db, "--now", "2026-11-22T09:00:00Z", "demo"])
        .assert()
        .success();
    let out = sdm()
        .args([
            "--db",
            db,
            "--config",
            config,
            "--now",
            "2026-11-22",
            "agenda",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let agenda: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(agenda["as_of"], "2026-11-21T23:00:00Z", "midnight in Amsterdam");
    let out = sdm()
        .args(["--db", db, "--now", "2026-11-31", "agenda"])
        .output()
        .unwrap();
    assert!(one_line_error(&out).contains("nor a date"));
}
