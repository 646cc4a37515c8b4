//! `sdm import tickets`: the generic CSV, safe on real files, upserted by reference.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{Desk, NOW, fixture, refused, stdout};
use serde_json::{Value, json};

#[test]
fn an_excel_file_with_bom_crlf_and_a_multi_line_summary_imports() {
    let desk = Desk::with_portfolio();
    let out = stdout(desk.sdm(&["import", "tickets", &fixture("tickets_excel.csv")]));
    assert_eq!(
        out.trim(),
        "tickets_excel.csv: added 4, changed 0, unchanged 0 (4 rows, format generic)"
    );
    // Local times are read in the display zone (Europe/Amsterdam, UTC+1 in November).
    let inc1 = desk.row("tickets", "reference", "INC001");
    assert_eq!(inc1["opened_at"], "2026-11-02T08:00:00Z");
    assert_eq!(inc1["responded_at"], "2026-11-02T08:10:00Z");
    assert_eq!(inc1["resolved_at"], "2026-11-02T11:00:00Z");
    assert_eq!(inc1["state"], "resolved");
    assert_eq!(inc1["priority"], "p1");
    assert_eq!(inc1["kind"], "incident");
    assert_eq!(inc1["service_id"], desk.row("services", "name", "Payroll")["id"]);
    let inc2 = desk.row("tickets", "reference", "INC002");
    assert_eq!(
        inc2["summary"],
        "Export fails, twice\nsecond line of the summary\nthird line"
    );
    assert_eq!(
        inc2["opened_at"], "2026-11-03T08:00:00Z",
        "RFC 3339 keeps its own offset"
    );
    assert_eq!(inc2["state"], "open");
    assert_eq!(
        inc2["pauses"],
        json!([["2026-11-03T09:00:00Z", "2026-11-03T10:00:00Z"]])
    );
    assert_eq!(
        inc2["service_id"],
        desk.row("services", "name", "Payroll")["id"],
        "by alias"
    );
    let inc3 = desk.row("tickets", "reference", "INC003");
    assert_eq!(inc3["priority"], "p3", "a bare 3 is P3");
    assert_eq!(
        inc3["pauses"],
        json!([["2026-11-04T10:00:00Z", null]]),
        "a pause still running"
    );
    let inc4 = desk.row("tickets", "reference", "INC004");
    assert_eq!(inc4["summary"], "Quote \" inside");

    let log = &desk.export()["import_log"];
    let tickets: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "tickets")
        .collect();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["at"], NOW);
    assert_eq!(tickets[0]["rows"], 4);
    assert_eq!(tickets[0]["file"], "tickets_excel.csv");
}

#[test]
fn reimporting_the_same_file_changes_nothing() {
    let desk = Desk::with_portfolio();
    desk.sdm(&["import", "tickets", &fixture("tickets_excel.csv")])
        .assert()
        .success();
    let before = desk.tables();
    let out = stdout(desk.sdm(&["import", "tickets", &fixture("tickets_excel.csv")]));
    assert!(
        out.starts_with("tickets_excel.csv: added 0, changed 0, unchanged 4"),
        "{out}"
    );
    assert_eq!(desk.tables(), before);
}

#[test]
fn one_bad_row_in_the_middle_imports_nothing_and_names_its_line_and_column() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "tickets.csv",
        "ref,service,priority,opened,responded,resolved,summary,pauses\n\
         INC1,Payroll,P1,2026-11-02 09:00,,,first,\n\
         INC2,Payroll,P2,2026-11-02 10:00,,,\"two\nlines\",\n\
         INC3,Payroll,P2,31/02/2026,,,bad,\n\
         INC4,Payroll,P3,2026-11-02 11:00,,,last,\n",
    );
    let before = desk.tables();
    let err = refused(desk.sdm(&["import", "tickets", &file]));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("sdm: tickets.csv line 5, column opened: \"31/02/2026\" is not a real date"),
        "the line counts the summary's two lines: {err}"
    );
    assert!(err.trim_end().ends_with("; nothing was imported"), "{err}");
    assert_eq!(desk.tables(), before);
    assert!(desk.rows("tickets").is_empty());
}

#[test]
fn line_numbers_hold_in_a_windows_file() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "windows.csv",
        "\u{feff}ref,service,priority,opened,summary\r\n\
         INC1,Payroll,P1,2026-11-02 09:00,\"one\r\ntwo\r\nthree\"\r\n\
         INC2,Payroll,P1,2026-11-02 09:00,fine\r\n\
         INC3,Payroll,P1,2026-11-02 25:00,bad hour\r\n",
    );
    let err = refused(desk.sdm(&["import", "tickets", &file]));
    assert!(
        err.starts_with("sdm: windows.csv line 6, column opened: \"2026-11-02 25:00\" is not a time"),
        "{err}"
    );
    let fixed = desk.file(
        "windows.csv",
        "\u{feff}ref,service,priority,opened,summary\r\nINC1,Payroll,P1,2026-11-02 09:00,\"one\r\ntwo\"\r\n",
    );
    stdout(desk.sdm(&["import", "tickets", &fixed]));
    assert_eq!(desk.row("tickets", "reference", "INC1")["summary"], "one\ntwo");
}

#[test]
fn every_bad_row_is_reported_in_file_order() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "tickets.csv",
        "ref,service,priority,opened,responded,resolved,summary,pauses\n\
         INC1,Payroll,P1,2026-11-02 09:00,,,ok,\n\
         INC2,Payrol,P9,2026-11-02 10:00,2026-11-02 09:00,,three bad cells,\n\
         INC3,Payroll,P2,2026-11-02 10:00,,,bad pause,2026-11-02 11:00\n\
         INC1,Payroll,P1,2026-11-02 09:00,,,again,\n\
         INC4,Payroll,P1,2026-11-02 09:00,,,one,field,too many\n\
         ,Payroll,P1,2026-11-02 09:00,,,no ref,\n",
    );
    let err = refused(desk.sdm(&["import", "tickets", &file]));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        vec![
            "tickets.csv line 3, column service: no service named \"Payrol\"; did you mean Payroll? (or import with --create-services)",
            "tickets.csv line 3, column priority: \"P9\" is not a priority: use P1, P2, P3 or P4 (or 1 - Critical, Highest, High, Medium, Low), or map it in the config: [priorities] \"P9\" = \"P3\"",
            "tickets.csv line 3, column responded: is before the ticket was opened",
            "tickets.csv line 4, column pauses: pause 1 \"2026-11-02 11:00\" has no end: write start/end, separated by ; (an empty end is a pause still running)",
            "tickets.csv line 5, column ref: the same ticket is already on line 2",
            "tickets.csv line 6: has 9 fields but the header has 8: a field with a comma or a line break must be in double quotes",
            "tickets.csv line 7, column ref: is empty: this column needs a value in every row",
            "sdm: tickets.csv: 7 problems; nothing was imported",
        ]
    );
    assert!(desk.rows("tickets").is_empty());
}

#[test]
fn the_sdms_own_fields_survive_a_reimport() {
    let desk = Desk::with_portfolio();
    desk.sdm(&["import", "tickets", &fixture("tickets_excel.csv")])
        .assert()
        .success();
    desk.conn()
        .execute(
            "UPDATE tickets SET critical = 1, excluded_reason = 'customer-caused' WHERE reference = 'INC001'",
            [],
        )
        .unwrap();
    let out = stdout(desk.sdm(&["import", "tickets", &fixture("tickets_excel.csv")]));
    assert!(out.contains("added 0, changed 0, unchanged 4"), "{out}");
    // A newer export of the same ticket changes what the tool knows, and only that.
    let file = desk.file(
        "newer.csv",
        "ref,service,priority,opened,responded,resolved,summary\n\
         INC001,Payroll,P2,2026-11-02 09:00,2026-11-02 09:10,2026-11-02 13:00,Payslips missing (all)\n",
    );
    let out = stdout(desk.sdm(&["import", "tickets", &file]));
    assert!(out.contains("added 0, changed 1, unchanged 0"), "{out}");
    let inc1 = desk.row("tickets", "reference", "INC001");
    assert_eq!(inc1["critical"], true);
    assert_eq!(inc1["excluded_reason"], "customer-caused");
    assert_eq!(inc1["priority"], "p2");
    assert_eq!(inc1["resolved_at"], "2026-11-02T12:00:00Z");
    assert_eq!(inc1["summary"], "Payslips missing (all)");
}

#[test]
fn a_file_without_some_columns_leaves_those_fields_alone() {
    let desk = Desk::with_portfolio();
    desk.sdm(&["import", "tickets", &fixture("tickets_excel.csv")])
        .assert()
        .success();
    let file = desk.file(
        "slim.csv",
        "ref,service,priority,opened\nINC002,Payroll,P1,2026-11-03T08:00:00Z\n",
    );
    let out = stdout(desk.sdm(&["import", "tickets", &file]));
    assert!(out.contains("changed 1"), "{out}");
    let inc2 = desk.row("tickets", "reference", "INC002");
    assert_eq!(inc2["priority"], "p1");
    assert_eq!(
        inc2["summary"],
        "Export fails, twice\nsecond line of the summary\nthird line"
    );
    assert_eq!(
        inc2["pauses"],
        json!([["2026-11-03T09:00:00Z", "2026-11-03T10:00:00Z"]])
    );
}

#[test]
fn ticket_states_come_from_the_file_and_a_cancelled_ticket_stays_cancelled() {
    let desk = Desk::with_portfolio();
    let with_state = desk.file(
        "states.csv",
        "ref,service,priority,opened,resolved,state,kind\n\
         REQ1,Payroll,P3,2026-11-02 09:00,,Canceled,Service Request\n\
         REQ2,Payroll,P3,2026-11-02 09:00,2026-11-02 10:00,Closed,request\n\
         INC9,Payroll,P2,2026-11-02 09:00,,In Progress,incident\n",
    );
    stdout(desk.sdm(&["import", "tickets", &with_state]));
    assert_eq!(desk.row("tickets", "reference", "REQ1")["state"], "cancelled");
    assert_eq!(desk.row("tickets", "reference", "REQ1")["kind"], "request");
    assert_eq!(desk.row("tickets", "reference", "REQ2")["state"], "closed");
    assert_eq!(desk.row("tickets", "reference", "INC9")["state"], "open");

    // Without a state column the state is derived, but never un-cancels or un-closes.
    let derived = desk.file(
        "derived.csv",
        "ref,service,priority,opened,resolved\n\
         REQ1,Payroll,P3,2026-11-02 09:00,2026-11-02 11:00\n\
         REQ2,Payroll,P3,2026-11-02 09:00,2026-11-02 10:00\n\
         INC9,Payroll,P2,2026-11-02 09:00,2026-11-02 12:00\n",
    );
    stdout(desk.sdm(&["import", "tickets", &derived]));
    assert_eq!(desk.row("tickets", "reference", "REQ1")["state"], "cancelled");
    assert_eq!(desk.row("tickets", "reference", "REQ2")["state"], "closed");
    assert_eq!(desk.row("tickets", "reference", "INC9")["state"], "resolved");
    assert_eq!(
        desk.row("tickets", "reference", "REQ1")["kind"],
        "request",
        "no kind column: kept"
    );
}

#[test]
fn an_unknown_service_lists_close_matches() {
    let desk = Desk::with_portfolio();
    let file = desk.file("t.csv", "ref,service,priority,opened\nINC1,Emial,P1,2026-11-02 09:00\n");
    let err = refused(desk.sdm(&["import", "tickets", &file]));
    assert_eq!(
        err.trim(),
        "sdm: t.csv line 2, column service: no service named \"Emial\"; did you mean Email? (or import with --create-services); nothing was imported"
    );
}

#[test]
fn a_header_only_file_imports_nothing_and_says_so() {
    let desk = Desk::with_portfolio();
    let before = desk.export();
    let file = desk.file(
        "empty.csv",
        "ref,service,priority,opened,responded,resolved,summary,pauses\r\n",
    );
    let err = refused(desk.sdm(&["import", "tickets", &file]));
    assert!(
        err.contains("empty.csv has only a header, no rows: nothing was imported"),
        "{err}"
    );
    let after = desk.export();
    assert_eq!(after["tables"], before["tables"]);
    assert_eq!(after["import_log"], before["import_log"]);
}

#[test]
fn an_empty_file_is_refused() {
    let desk = Desk::with_portfolio();
    let file = desk.file("nothing.csv", "");
    let err = refused(desk.sdm(&["import", "tickets", &file]));
    assert!(
        err.contains(
            "nothing.csv is empty: a tickets file starts with a header line such as ref,service,priority,opened"
        ),
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_a_clear_error_not_a_panic() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "latin1.csv",
        b"ref,service,priority,opened,summary\nINC1,Payroll,P1,2026-11-02 09:00,Caf\xe9 down\n".as_slice(),
    );
    // Bytes that are not UTF-8 are Windows-1252 (what Excel writes in Western Europe): read
    // as such, and said.
    let out = desk
        .sdm(&["import", "tickets", &file])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("latin1.csv: the file is Windows-1252 text, converted to UTF-8"),
        "{err}"
    );
    let summaries: Vec<String> = desk
        .rows("tickets")
        .iter()
        .map(|t| t["summary"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(summaries, vec!["Café down".to_string()]);
    // A UTF-16 file is read as text too: this one has a header and nothing that fits it.
    let file = desk.file("utf16.csv", b"\xff\xfer\x00e\x00f\x00".as_slice());
    let err = refused(desk.sdm(&["import", "tickets", &file]));
    assert!(err.contains("utf16.csv line 1: the header does not fit"), "{err}");
    assert!(err.contains("the header has: ref"), "{err}");
}

#[test]
fn missing_columns_are_named_with_what_the_format_needs() {
    let desk = Desk::with_portfolio();
    let file = desk.file("t.csv", "ref,service,when\nINC1,Payroll,2026-11-02 09:00\n");
    let err = refused(desk.sdm(&["import", "tickets", &file]));
    assert!(
        err.contains("t.csv line 1: the header does not fit: no columns priority, opened"),
        "{err}"
    );
    assert!(err.contains("the header has: ref, service, when"), "{err}");
}

#[test]
fn a_dry_run_counts_and_writes_nothing() {
    let desk = Desk::with_portfolio();
    let before = desk.export();
    let out = stdout(desk.sdm(&["import", "tickets", &fixture("tickets_excel.csv"), "--dry-run"]));
    assert_eq!(
        out.trim().lines().last().unwrap_or_default(),
        "tickets_excel.csv: added 4, changed 0, unchanged 0 (4 rows, format generic; dry run: nothing was written)"
    );
    // How each column was read, and the first rows as understood.
    assert!(out.contains("encoding: UTF-8"), "{out}");
    assert!(out.contains("  opened                           -> opened"), "{out}");
    assert!(
        out.contains("line 2: INC001 P1 state (from resolved), opened 2026-11-02 09:00, responded 2026-11-02 09:10, resolved 2026-11-02 12:00"),
        "{out}"
    );
    let after = desk.export();
    assert_eq!(after["tables"], before["tables"]);
    assert_eq!(after["import_log"], before["import_log"]);
}

#[test]
fn local_times_are_read_in_the_zone_given() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "ny.csv",
        "ref,service,priority,opened\nINC1,Payroll,P1,2026-11-02 09:00\n",
    );
    stdout(desk.sdm(&["import", "tickets", &file, "--tz", "America/New_York"]));
    assert_eq!(
        desk.row("tickets", "reference", "INC1")["opened_at"],
        "2026-11-02T14:00:00Z"
    );
    let err = refused(desk.sdm(&["import", "tickets", &file, "--tz", "Amerika/New_York"]));
    assert!(err.contains("--tz \"Amerika/New_York\" is not a time zone"), "{err}");
    assert!(err.contains("did you mean America/New_York?"), "{err}");
}

#[test]
fn extra_columns_are_ignored_with_a_note() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "t.csv",
        "Ref,Service,Priority,Opened,Assignment group\nINC1,Payroll,P1,2026-11-02 09:00,Team A\n",
    );
    let out = desk
        .sdm(&["import", "tickets", &file])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        err.trim(),
        "sdm: note: t.csv: no response times in this file: new tickets' response clocks are not measured (no clock, no breach)\nsdm: note: t.csv: ignored columns: Assignment group"
    );
}

#[test]
fn tickets_need_a_database() {
    let desk = Desk::new();
    let err = refused(desk.sdm(&["import", "tickets", &fixture("tickets_excel.csv")]));
    assert!(err.contains("no database at"), "{err}");
    assert!(!desk.db.exists());
}

#[test]
fn a_semicolon_separated_file_from_excel_imports() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "nl.csv",
        "\u{feff}ref;service;priority;opened;summary;pauses\r\n\
         INC1;Payroll;P1;2026-11-02 09:00;Salarisstrook, leeg;\"2026-11-02 10:00/2026-11-02 11:00;2026-11-02 12:00/\"\r\n",
    );
    let out = stdout(desk.sdm(&["import", "tickets", &file]));
    assert!(out.contains("added 1"), "{out}");
    let inc1 = desk.row("tickets", "reference", "INC1");
    assert_eq!(inc1["summary"], "Salarisstrook, leeg");
    assert_eq!(inc1["pauses"].as_array().map(Vec::len), Some(2));
}

/// Exports write `0001-01-01` (or 1900, or the epoch) for "no date": in an optional column that
/// is an empty cell (not measured, counted); any other date before 1990 or more than a year
/// ahead is refused with its line and column; nothing is clamped.
#[test]
fn empty_date_placeholders_are_empty_and_implausible_dates_are_refused() {
    let desk = Desk::with_portfolio();
    let ok = desk.file(
        "placeholders.csv",
        "ref,service,priority,opened,responded,resolved,summary\n\
         INC901,Payroll,P2,2026-11-02 09:00,0001-01-01 00:00:00,1970-01-01T00:00:00Z,placeholder dates\n\
         INC902,Payroll,P3,2026-11-02 10:00,1900-01-01,2026-11-02 12:00,one placeholder\n",
    );
    let mut cmd = desk.sdm(&["import", "tickets", &ok]);
    let out = cmd.assert().success().get_output().clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("3 time cell(s) held an empty-date placeholder"), "{err}");
    let t = desk.row("tickets", "reference", "INC901");
    assert_eq!(t["responded_at"], Value::Null, "not measured, not 0001-01-01");
    assert_eq!(t["resolved_at"], Value::Null);
    assert_eq!(desk.row("tickets", "reference", "INC902")["responded_at"], Value::Null);

    let bad = desk.file(
        "hostile_dates.csv",
        "ref,service,priority,opened,responded,resolved,summary\n\
         INC911,Payroll,P2,0001-01-01,,,opened on a placeholder\n\
         INC912,Payroll,P2,1985-03-01 10:00,,,before 1990\n\
         INC913,Payroll,P2,2026-11-02 09:00,,2031-01-01 10:00,years ahead\n",
    );
    let err = refused(desk.sdm(&["import", "tickets", &bad]));
    assert!(err.contains("line 2") && err.contains("placeholder"), "{err}");
    assert!(err.contains("line 3") && err.contains("before 1990"), "{err}");
    assert!(err.contains("line 4") && err.contains("more than a year"), "{err}");
    let conn = desk.conn();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM tickets WHERE reference LIKE 'INC91%'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(n, 0, "nothing was half-imported");
}

#[test]
fn a_p1_gets_its_post_mortem_whether_the_import_is_most_of_the_file_or_a_few_rows() {
    let desk = Desk::with_portfolio();
    // A first import: every row is new (the reviews are read for the whole file at once).
    let mut first = String::from("ref,service,priority,opened,resolved\n");
    first.push_str("INC100,Payroll,P1,2026-11-02 08:00,2026-11-02 11:00\n");
    for i in 0..9 {
        first.push_str(&format!("INC2{i:02},Payroll,P3,2026-11-0{} 09:00,\n", 3 + i % 5));
    }
    stdout(desk.sdm(&["import", "tickets", &desk.file("first.csv", &first)]));
    let reviews = desk.rows("reviews");
    assert_eq!(reviews.len(), 1, "{reviews:?}");
    assert!(reviews[0]["title"].as_str().unwrap().contains("INC100"), "{reviews:?}");

    // A later import that adds one P1 to ten stored tickets (its review is looked up by id).
    let later = "ref,service,priority,opened,resolved\nINC101,Payroll,P1,2026-11-09 08:00,2026-11-09 10:00\n";
    let out = stdout(desk.sdm(&["import", "tickets", &desk.file("later.csv", later)]));
    assert!(out.contains("added 1"), "{out}");
    let titles: Vec<String> = desk
        .rows("reviews")
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("INC101")), "{titles:?}");
}

/// The indexes of a database file, by name, with their definitions.
fn index_sql(desk: &Desk) -> Vec<(String, Option<String>)> {
    sdm::store::bulk::indexes(&desk.conn(), None).unwrap()
}

#[test]
fn a_bulk_import_and_a_later_mixed_one_find_what_a_whole_detection_finds() {
    let desk = Desk::with_portfolio();
    let indexes = index_sql(&desk);
    // More rows than the bulk threshold: the tickets, breaches and reviews are written with
    // their plain indexes set aside, and detection reads the new rows by range.
    let row = |i: usize, late: bool| {
        let opened =
            chrono::DateTime::parse_from_rfc3339("2026-10-01T00:00:00Z").unwrap() + chrono::Duration::minutes(i as i64);
        let fmt = |t: chrono::DateTime<chrono::FixedOffset>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let (priority, responded, resolved) = match (i % 2, late) {
            (0, true) => (
                "P1",
                opened + chrono::Duration::minutes(40),
                opened + chrono::Duration::hours(2),
            ),
            (0, false) => (
                "P1",
                opened + chrono::Duration::minutes(5),
                opened + chrono::Duration::hours(2),
            ),
            (_, true) => (
                "P2",
                opened + chrono::Duration::minutes(5),
                opened + chrono::Duration::days(3),
            ),
            (_, false) => (
                "P2",
                opened + chrono::Duration::minutes(5),
                opened + chrono::Duration::minutes(30),
            ),
        };
        format!(
            "INC{i:06},Payroll,{priority},{},{},{}\n",
            fmt(opened),
            fmt(responded),
            fmt(resolved)
        )
    };
    let header = "ref,service,priority,opened,responded,resolved\n";
    let mut first = String::from(header);
    // Late ones on the edges of detection's pages of rows too (rowids 1, 10,001, 20,001...).
    let first_late = |i: usize| i.is_multiple_of(7) || i % 10_000 <= 1 || i % 10_000 == 9_999;
    for i in 0..20_500 {
        first.push_str(&row(i, first_late(i)));
    }
    let out = stdout(desk.sdm(&["import", "tickets", &desk.file("first.csv", &first)]));
    assert!(out.contains("added 20500"), "{out}");
    assert_eq!(index_sql(&desk), indexes, "every index set aside is built again");
    let breaches = desk
        .conn()
        .query_row("SELECT count(*) FROM breaches", [], |r| r.get::<_, i64>(0))
        .unwrap();
    assert!(breaches > 2_000, "{breaches}");
    // The first import alone leaves nothing for a whole detection either.
    let out = stdout(desk.sdm(&["detect"]));
    assert!(
        out.starts_with("breaches: 0 new, 0 reopened, 0 void; reviews: 0 new, 0 moved"),
        "{out}"
    );

    // Ten tickets change (the late become on time and the reverse) and ten are added.
    let mut later = String::from(header);
    for i in 0..10 {
        later.push_str(&row(i, !first_late(i)));
    }
    for i in 30_000..30_010 {
        later.push_str(&row(i, true));
    }
    let out = stdout(desk.sdm(&["import", "tickets", &desk.file("later.csv", &later)]));
    assert!(out.contains("added 10, changed 10"), "{out}");

    // A whole detection, every ticket read again, has nothing left to do.
    let out = stdout(desk.sdm(&["detect"]));
    assert!(
        out.starts_with("breaches: 0 new, 0 reopened, 0 void; reviews: 0 new, 0 moved"),
        "{out}"
    );
    // The added late ones breached; the changed ones follow their new facts.
    let open = |reference: &str| -> i64 {
        desk.conn()
            .query_row(
                "SELECT count(*) FROM breaches b JOIN tickets t ON t.id = b.ticket_id \
                 WHERE t.reference = ?1 AND b.status = 'open'",
                [reference],
                |r| r.get(0),
            )
            .unwrap()
    };
    assert_eq!(open("INC030000"), 1, "a late P1 response");
    assert_eq!(open("INC030001"), 1, "a late P2 resolution");
    assert_eq!(open("INC000000"), 0, "was late, now on time");
    assert_eq!(open("INC000002"), 1, "was on time, now late");
    assert_eq!(open("INC010000"), 1, "late on the edge of a page");
    assert_eq!(open("INC019999"), 1, "late on the edge of a page");
}
