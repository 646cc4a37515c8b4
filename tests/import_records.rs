//! `sdm import outages|changes|scores`: the same pipeline as tickets, other rows.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{Desk, refused, stdout};

const OUTAGES: &str = "service,start,end,planned,summary\n\
    Payroll,2026-11-02 08:00,2026-11-02 09:30,no,Database down\n\
    EXCH-01,2026-11-08T02:00:00Z,2026-11-08T04:00:00Z,yes,Patching\n\
    Email,2026-11-20 10:00,,,Still down\n";

#[test]
fn outages_import_by_service_and_start_and_keep_the_sdms_exclusion() {
    let desk = Desk::with_portfolio();
    let file = desk.file("outages.csv", OUTAGES);
    let out = stdout(desk.sdm(&["import", "outages", &file]));
    assert_eq!(
        out.trim(),
        "outages.csv: added 3, changed 0, unchanged 0 (3 rows, format generic)"
    );
    let payroll = desk.row("services", "name", "Payroll");
    let email = desk.row("services", "name", "Email");
    let db_down = desk.row("outages", "summary", "Database down");
    assert_eq!(db_down["service_id"], payroll["id"]);
    assert_eq!(db_down["start_at"], "2026-11-02T07:00:00Z");
    assert_eq!(db_down["end_at"], "2026-11-02T08:30:00Z");
    assert_eq!(db_down["planned"], false);
    let patching = desk.row("outages", "summary", "Patching");
    assert_eq!(patching["service_id"], email["id"]);
    assert_eq!(patching["planned"], true);
    assert_eq!(
        desk.row("outages", "summary", "Still down")["end_at"],
        serde_json::Value::Null
    );

    desk.conn()
        .execute(
            "UPDATE outages SET excluded_reason = 'third party' WHERE summary = 'Database down'",
            [],
        )
        .unwrap();
    let mut before = desk.tables();
    let out = stdout(desk.sdm(&["import", "outages", &file]));
    assert!(out.contains("added 0, changed 0, unchanged 3"), "{out}");
    // The outage keeps the SDM's exclusion; the SLA engine, re-evaluating after the import,
    // voids the availability breach the outage had caused (kept, with a note).
    let mut after = desk.tables();
    let breach = after["breaches"][0].clone();
    assert_eq!(breach["source"], "availability");
    assert_eq!(breach["status"], "void", "{breach}");
    before.as_object_mut().unwrap().remove("breaches");
    after.as_object_mut().unwrap().remove("breaches");
    assert_eq!(after, before);

    // The outage ended: the same service and start is the same outage.
    let ended = desk.file(
        "ended.csv",
        "service,start,end\nEmail,2026-11-20 10:00,2026-11-20 12:00\n",
    );
    let out = stdout(desk.sdm(&["import", "outages", &ended]));
    assert!(out.contains("added 0, changed 1, unchanged 0"), "{out}");
    let still = desk.row("outages", "summary", "Still down");
    assert_eq!(still["end_at"], "2026-11-20T11:00:00Z");
    assert_eq!(
        desk.row("outages", "summary", "Database down")["excluded_reason"],
        "third party"
    );
}

#[test]
fn an_outage_that_ends_before_it_starts_is_refused() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "o.csv",
        "service,start,end,planned\nPayroll,2026-11-02 10:00,2026-11-02 09:00,maybe\n",
    );
    let err = refused(desk.sdm(&["import", "outages", &file]));
    assert!(err.contains("o.csv line 2, column end: is before the start"), "{err}");
    assert!(
        err.contains("o.csv line 2, column planned: \"maybe\" is not an outage type: use Outage, Planned or Degradation (or yes/no in a planned column)"),
        "{err}"
    );
}

#[test]
fn changes_import_by_reference() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "changes.csv",
        "ref,service,kind,implemented,outcome,summary\n\
         CHG100,Payroll,normal,2026-11-10 20:00,successful,Upgrade\n\
         CHG101,Email,Emergency,2026-11-12T22:00:00Z,Rolled back,Hotfix\n\
         CHG102,Email,standard,2026-11-13 08:00,successful with issues,Certificate\n",
    );
    let out = stdout(desk.sdm(&["import", "changes", &file]));
    assert_eq!(
        out.trim(),
        "changes.csv: added 3, changed 0, unchanged 0 (3 rows, format generic)"
    );
    let hotfix = desk.row("changes", "reference", "CHG101");
    assert_eq!(hotfix["kind"], "emergency");
    assert_eq!(hotfix["outcome"], "rolled_back");
    assert_eq!(hotfix["implemented_at"], "2026-11-12T22:00:00Z");
    assert_eq!(
        desk.row("changes", "reference", "CHG102")["outcome"],
        "successful_with_issues"
    );
    let out = stdout(desk.sdm(&["import", "changes", &file]));
    assert!(out.contains("added 0, changed 0, unchanged 3"), "{out}");
    let log = desk.export()["import_log"].clone();
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "changes" && e["rows"] == 3),
        "{log}"
    );
}

#[test]
fn a_change_with_an_unknown_kind_or_outcome_is_refused() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "changes.csv",
        "ref,service,kind,implemented,outcome\nCHG1,Payroll,whenever,2026-11-10 20:00,meh\n",
    );
    let err = refused(desk.sdm(&["import", "changes", &file]));
    assert!(
        err.contains("changes.csv line 2, column kind: \"whenever\" is not a change type sdm knows: map it in the config, e.g. [change_kinds] \"whenever\" = \"normal\" (standard, normal or emergency)"),
        "{err}"
    );
    assert!(
        err.contains("changes.csv line 2, column outcome: \"meh\" is not a change outcome sdm knows: map it in the config, e.g. [change_outcomes] \"meh\" = \"successful\""),
        "{err}"
    );
}

#[test]
fn scores_import_by_service_and_period() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "scores.csv",
        "service,period,score,scale,responses\n\
         Payroll,2026-10,4.2,5,31\n\
         Payroll,2026-q3,8.1,10,12\n\
         Email,2026-10,3.1,,\n",
    );
    let out = stdout(desk.sdm(&["import", "scores", &file]));
    assert_eq!(
        out.trim(),
        "scores.csv: added 3, changed 0, unchanged 0 (3 rows, format generic)"
    );
    let q3 = desk.row("scores", "period", "2026-Q3");
    assert_eq!(q3["score"], 8.1);
    assert_eq!(q3["scale_max"], 10.0);
    assert_eq!(q3["responses"], 12);
    let rows = desk.rows("scores");
    let email = desk.row("services", "name", "Email");
    let email_score = rows
        .iter()
        .find(|r| r["service_id"] == email["id"])
        .cloned()
        .unwrap_or_default();
    assert_eq!(email_score["scale_max"], 5.0, "no scale: out of 5");
    let out = stdout(desk.sdm(&["import", "scores", &file]));
    assert!(out.contains("added 0, changed 0, unchanged 3"), "{out}");
}

#[test]
fn a_score_outside_its_scale_or_period_is_refused() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "scores.csv",
        "service,period,score\nPayroll,Nov 2026,4\nPayroll,2026-11,7\nPayroll,2026-12,4\nPayroll,2026-12,5\n",
    );
    let err = refused(desk.sdm(&["import", "scores", &file]));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        vec![
            "scores.csv line 2, column period: \"Nov 2026\" is not a period: use a month (2026-11) or a quarter (2026-Q4)",
            "scores.csv line 3, column score: 7 is outside the scale 0 to 5 (without a scale column scores are out of 5)",
            "scores.csv line 5, column period: the same score (service and period) is already on line 4",
            "sdm: scores.csv: 3 problems; nothing was imported",
        ]
    );
}

#[test]
fn a_format_that_does_not_exist_for_the_kind_is_refused_by_the_command_line() {
    let desk = Desk::with_portfolio();
    let file = desk.file("scores.csv", "service,period,score\n");
    let err = refused(desk.sdm(&["import", "scores", &file, "--format", "servicenow"]));
    assert!(
        err.contains("there is no \"servicenow\" format for scores: use auto or generic"),
        "{err}"
    );
}
