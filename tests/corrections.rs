//! The SDM corrects the record from the shell: a ticket excluded from the SLA (its breach
//! turns void with the reason, and comes back when included), made critical (a post-mortem
//! falls due), paused by hand (its deadline moves), relieved of an imported pause (which stays
//! removed after a re-import); an outage excluded (availability recovers). Each step is one
//! undo; bad input is one line and exit 2.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{Desk, refused, stdout};
use serde_json::Value;

/// Payroll (portfolio fixture): P2 resolution 4h in Office NL, P1 response 15m 24x7,
/// availability 99.9% on 24x7.
const TICKETS: &str = "ref,service,priority,opened,responded,resolved,pauses\n\
INC1,Payroll,P2,2026-11-16 09:00,2026-11-16 09:05,2026-11-17 12:00,\n\
INC2,Payroll,P3,2026-11-16 09:00,2026-11-16 09:05,2026-11-16 10:00,\n\
INC3,Payroll,P2,2026-11-20 09:00,2026-11-20 09:05,,2026-11-20 10:00/2026-11-20 11:00\n";

fn desk_with_tickets() -> (Desk, String) {
    let desk = Desk::with_portfolio();
    let file = desk.file("tickets.csv", TICKETS);
    desk.sdm(&["import", "tickets", &file]).assert().success();
    (desk, file)
}

fn breach_of(desk: &Desk, reference: &str) -> Value {
    let ticket = desk.row("tickets", "reference", reference);
    let found: Vec<Value> = desk
        .rows("breaches")
        .into_iter()
        .filter(|b| b["ticket_id"] == ticket["id"])
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    found[0].clone()
}

fn open_breaches(desk: &Desk) -> i64 {
    let out = stdout(desk.sdm(&["agenda", "--json"]));
    let doc: Value = serde_json::from_str(&out).unwrap();
    doc["counts"]["breaches_open"].as_i64().unwrap()
}

fn clock(desk: &Desk, reference: &str, kind: &str) -> Value {
    let out = stdout(desk.sdm(&["clocks", "--json"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    all.into_iter()
        .find(|c| c["reference"] == reference && c["clock"] == kind)
        .unwrap_or(Value::Null)
}

#[test]
fn an_excluded_ticket_voids_its_breach_and_a_reimport_keeps_the_exclusion() {
    let (desk, file) = desk_with_tickets();
    assert_eq!(
        breach_of(&desk, "INC1")["status"],
        "open",
        "INC1 took 13 working hours against 4"
    );
    let before = open_breaches(&desk);
    let out = stdout(desk.sdm(&[
        "ticket",
        "INC1",
        "--exclude",
        "customer caused",
        "--note",
        "waited two days on their test data",
    ]));
    assert!(out.contains("exclude (customer-caused) INC1"), "{out}");
    assert!(out.contains("1 breach(es) now void"), "{out}");
    let b = breach_of(&desk, "INC1");
    assert_eq!(b["status"], "void");
    assert!(
        b["notes"].as_str().unwrap().contains(
            "void, its ticket is excluded from the SLA (customer-caused: waited two days on their test data)"
        ),
        "{b}"
    );
    assert_eq!(b["history"][0]["step"], "void");
    assert_eq!(open_breaches(&desk), before - 1);
    let t = desk.row("tickets", "reference", "INC1");
    assert_eq!(t["excluded_reason"], "customer-caused");
    assert_eq!(t["excluded_note"], "waited two days on their test data");
    // The same file again: the SDM's own fields survive.
    desk.sdm(&["import", "tickets", &file]).assert().success();
    assert_eq!(
        desk.row("tickets", "reference", "INC1")["excluded_reason"],
        "customer-caused"
    );
    assert_eq!(breach_of(&desk, "INC1")["status"], "void");
    // Included again: the breach comes back.
    let out = stdout(desk.sdm(&["ticket", "INC1", "--include"]));
    assert!(out.contains("1 breach(es) back"), "{out}");
    assert_eq!(breach_of(&desk, "INC1")["status"], "open");
    assert_eq!(open_breaches(&desk), before);
}

#[test]
fn critical_tickets_get_a_post_mortem_and_several_refs_are_one_step() {
    let (desk, _) = desk_with_tickets();
    let reviews = |desk: &Desk| desk.rows("reviews").len();
    let before = reviews(&desk);
    let out = stdout(desk.sdm(&["ticket", "INC2", "INC3", "--critical"]));
    assert!(out.contains("mark critical INC2, INC3"), "{out}");
    assert!(out.contains("2 review(s) now due"), "{out}");
    assert_eq!(reviews(&desk), before + 2);
    let titles: Vec<String> = desk
        .rows("reviews")
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect();
    assert!(
        titles.iter().any(|t| t.starts_with("Post-mortem INC2 (critical)")),
        "{titles:?}"
    );
}

#[test]
fn a_pause_by_hand_moves_the_deadline_and_an_imported_one_stays_removed() {
    let (desk, file) = desk_with_tickets();
    // INC3 (P2, 4h in Office NL: Friday 08-12 and 13-17) opened Fri 20 Nov 09:00, paused
    // 10:00-11:00 by the file: 09-10, 11-12, 13-15 — due 15:00 Amsterdam.
    let deadline = |desk: &Desk| clock(desk, "INC3", "resolution")["deadline"].clone();
    assert_eq!(deadline(&desk), "2026-11-20T14:00:00Z");
    let out = stdout(desk.sdm(&["ticket", "INC3", "--pause", "2026-11-20 13:00/2026-11-20 13:30"]));
    assert!(
        out.contains("add pause 2026-11-20 13:00/2026-11-20 13:30 INC3"),
        "{out}"
    );
    assert_eq!(deadline(&desk), "2026-11-20T14:30:00Z", "half an hour later");
    let explained = stdout(desk.sdm(&["clocks", "--explain", "INC3"]));
    assert!(
        explained.contains("1. Fri 20 Nov 2026 10:00 → Fri 20 Nov 2026 11:00 (imported)"),
        "{explained}"
    );
    assert!(
        explained.contains("2. Fri 20 Nov 2026 13:00 → Fri 20 Nov 2026 13:30 (added by hand)"),
        "{explained}"
    );
    // Remove the imported pause: it stays removed after a re-import.
    desk.sdm(&["ticket", "INC3", "--unpause", "1"]).assert().success();
    assert_eq!(deadline(&desk), "2026-11-20T13:30:00Z", "09-12, 13:30-14:30");
    desk.sdm(&["import", "tickets", &file]).assert().success();
    assert_eq!(deadline(&desk), "2026-11-20T13:30:00Z");
    let explained = stdout(desk.sdm(&["clocks", "--explain", "INC3"]));
    assert!(explained.contains("(imported, removed by hand)"), "{explained}");
    // Remove the hand pause too.
    desk.sdm(&["ticket", "INC3", "--unpause", "2"]).assert().success();
    assert_eq!(deadline(&desk), "2026-11-20T13:00:00Z", "09-12, 13-14");
}

#[test]
fn bad_corrections_are_one_line_and_exit_2() {
    let (desk, _) = desk_with_tickets();
    let before = desk.tables();
    let err = refused(desk.sdm(&["ticket", "INC1", "--exclude", "blame"]));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("\"blame\" is not a reason for an exclusion: use one of customer-caused, third-party, planned-work, force-majeure, duplicate, other"),
        "{err}"
    );
    let err = refused(desk.sdm(&["ticket", "INC404", "--critical"]));
    assert_eq!(err.trim(), "sdm: no ticket with reference \"INC404\"");
    let err = refused(desk.sdm(&["ticket", "INC2", "--pause", "2026-11-15 09:00/2026-11-15 10:00"]));
    assert!(err.contains("is outside the life of INC2"), "{err}");
    let err = refused(desk.sdm(&["ticket", "INC2", "--unpause", "1"]));
    assert!(err.contains("INC2 has no pauses to remove"), "{err}");
    let err = refused(desk.sdm(&["ticket", "INC2"]));
    assert!(err.contains("say what to change"), "{err}");
    // One bad ticket among several: nothing is written.
    let err = refused(desk.sdm(&["ticket", "INC1", "INC404", "--critical"]));
    assert!(err.contains("INC404"), "{err}");
    assert_eq!(desk.tables(), before);
}

#[test]
fn an_excluded_outage_gives_the_availability_back() {
    let desk = Desk::with_portfolio();
    // Four hours down in a 99.9% month (budget about 43 minutes): a breach.
    let file = desk.file(
        "outages.csv",
        "service,start,end,planned,summary\nPayroll,2026-11-10 09:00,2026-11-10 13:00,no,Database down\n",
    );
    desk.sdm(&["import", "outages", &file]).assert().success();
    let availability = |desk: &Desk| {
        desk.rows("breaches")
            .into_iter()
            .find(|b| b["source"] == "availability")
            .map(|b| b["status"].as_str().unwrap().to_string())
    };
    assert_eq!(availability(&desk).as_deref(), Some("open"));
    let listed = stdout(desk.sdm(&["outages", "--service", "Payroll"]));
    assert!(
        listed.contains("Payroll  2026-11-10T08:00:00Z → 2026-11-10T12:00:00Z"),
        "{listed}"
    );
    let out = stdout(desk.sdm(&[
        "outage",
        "--service",
        "Payroll",
        "--start",
        "2026-11-10 09:00",
        "--exclude",
        "planned-work",
        "--note",
        "the customer's own migration",
    ]));
    assert!(out.contains("1 breach(es) now void"), "{out}");
    assert_eq!(availability(&desk).as_deref(), Some("void"));
    let listed = stdout(desk.sdm(&["outages"]));
    assert!(
        listed.contains("excluded: planned-work — the customer's own migration"),
        "{listed}"
    );
    let err = refused(desk.sdm(&[
        "outage",
        "--service",
        "Payroll",
        "--start",
        "2026-11-11 09:00",
        "--include",
    ]));
    assert!(err.contains("Payroll has no outage starting"), "{err}");
}

#[test]
fn a_breach_is_handled_from_the_shell_and_the_review_lists_cause_credit_and_exclusions() {
    let (desk, _) = desk_with_tickets();
    // INC1's resolution breach: closed with a cause and a credit, the customer told.
    let out = stdout(desk.sdm(&[
        "breach",
        "INC1",
        "--close",
        "--cause",
        "understaffed",
        "--credit",
        "400",
        "--note",
        "two engineers sick",
    ]));
    assert!(out.starts_with("close \""), "{out}");
    let err = refused(desk.sdm(&["breach", "INC1", "--close", "--cause", "understaffed"]));
    assert!(err.contains("the breach is closed already"), "{err}");
    // A cause goes with closing only: refused before anything is written.
    let err = refused(desk.sdm(&["breach", "INC1", "--reopen", "--cause", "x"]));
    assert!(err.contains("--close"), "{err}");
    desk.sdm(&[
        "breach",
        "INC1",
        "--told",
        "--to",
        "Ann de Vries",
        "--channel",
        "call",
        "--note",
        "apologised",
    ])
    .assert()
    .success();
    let b = breach_of(&desk, "INC1");
    assert_eq!(
        (b["status"].as_str(), b["cause"].as_str()),
        (Some("closed"), Some("understaffed"))
    );
    assert_eq!(b["credit"], 400.0);
    let steps: Vec<&str> = b["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, vec!["closed", "informed"]);
    let touch = desk
        .rows("touch_points")
        .into_iter()
        .find(|t| {
            t["summary"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Told about the breach")
        })
        .expect("a touch point with Ann");
    assert_eq!(touch["channel"], "call");
    let err = refused(desk.sdm(&["breach", "NOPE", "--ack"]));
    assert!(err.contains("no breach \"NOPE\""), "{err}");
    // An exclusion in the month, and the review that lists it all.
    desk.sdm(&["ticket", "INC2", "--exclude", "duplicate", "--note", "same as INC1"])
        .assert()
        .success();
    let report = stdout(desk.sdm(&["report", "--service", "Payroll", "--month", "2026-11", "--internal"]));
    assert!(
        report.contains("| Breach | Status at the end | Credit | Cause | Customer told |"),
        "{report}"
    );
    assert!(
        report.contains("| closed | 400.00 | understaffed | 2026-11-"),
        "{report}"
    );
    assert!(report.contains(" by call to Ann"), "{report}");
    assert!(report.contains("## Left out of the SLA"), "{report}");
    assert!(
        report.contains("| ticket INC2 | duplicate | same as INC1 |"),
        "{report}"
    );
}
