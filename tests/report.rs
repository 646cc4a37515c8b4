//! The monthly service review as a person gets it: every section, figures that match the
//! data, an HTML file that loads nothing, hostile names escaped, clear errors.
#![allow(clippy::unwrap_used)]

mod common;

use common::sdm;

const NOW: &str = "2026-11-22T09:00:00Z";

fn demo() -> (tempfile::TempDir, String) {
    demo_at(NOW)
}

/// The demo written as of `now` (its facts lie around that moment).
fn demo_at(now: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").to_str().unwrap().to_string();
    sdm().args(["--db", &db, "--now", now, "demo"]).assert().success();
    (dir, db)
}

#[test]
fn the_markdown_review_has_every_section_and_the_months_figures() {
    let (_dir, db) = demo();
    let out = sdm()
        .args([
            "--db",
            &db,
            "--now",
            NOW,
            "report",
            "--service",
            "Payment Gateway",
            "--month",
            "2026-11",
            "--internal",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout).unwrap();
    for section in [
        "# Service review: Payment Gateway — 2026-11",
        "## SLA targets",
        "## Tickets",
        "## Outages",
        "## Breaches",
        "## Changes",
        "## Reviews and relationship",
        "## Actions overdue",
        "## Actions due by the end of next month",
        "last imported",
    ] {
        assert!(md.contains(section), "missing {section}:\n{md}");
    }
    // The demo's 4-hour unplanned outage this month blows the 99.95% target.
    assert!(md.contains("| availability | 99.95% | 99.220% | ▼ | red |"), "{md}");
    assert!(
        md.contains("1 unplanned outage, 4h down · mean time to restore 4h"),
        "{md}"
    );
    assert!(md.contains("**Health (internal):** breaching"), "{md}");
}

#[test]
fn the_html_review_is_self_contained_and_escapes_the_data() {
    let (dir, db) = demo();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE services SET name = '<script>alert(1)</script>\u{1b}]52;c;aGk=\u{7}Shop' WHERE name = 'Web Shop'",
        [],
    )
    .unwrap();
    drop(conn);
    let path = dir.path().join("review.html");
    sdm()
        .args([
            "--db",
            &db,
            "--now",
            NOW,
            "report",
            "--all",
            "--month",
            "2026-11",
            "--format",
            "html",
            "--out",
            path.to_str().unwrap(),
        ])
        .assert()
        .success();
    let html = std::fs::read_to_string(&path).unwrap();
    for forbidden in [
        "http://", "https://", "src=", "@import", "url(", "<script>", "\u{1b}", "\u{7}",
    ] {
        assert!(!html.contains(forbidden), "the HTML holds {forbidden:?}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;Shop"));
    assert!(html.contains("<svg"), "charts inline");
    assert_eq!(html.matches("<section>").count(), 12, "one section per service");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn bad_report_requests_say_what_is_accepted() {
    let (_dir, db) = demo();
    for (args, expect) in [
        (
            vec!["report", "--service", "Payroll", "--month", "2026-13"],
            "use YYYY-MM, e.g. 2026-11",
        ),
        (vec!["report", "--service", "Payroll", "--month", "Nov"], "use YYYY-MM"),
        (vec!["report", "--month", "2026-11"], "(--customer NAME) or --all"),
        (
            vec!["report", "--service", "Payrol", "--month", "2026-11"],
            "did you mean Payroll",
        ),
        (
            vec!["report", "--service", "Payroll", "--all", "--month", "2026-11"],
            "cannot be used with",
        ),
    ] {
        let out = sdm().args(["--db", &db]).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

#[test]
fn a_csv_export_imports_back_unchanged() {
    let (dir, db) = demo();
    let out = dir.path().join("csv");
    sdm()
        .args(["--db", &db, "export", "--format", "csv", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    for name in [
        "tickets.csv",
        "outages.csv",
        "changes.csv",
        "scores.csv",
        "services.csv",
        "stakeholders.csv",
    ] {
        assert!(out.join(name).exists(), "{name}");
    }
    // The generic files import back into the same database as nothing new.
    for kind in ["tickets", "outages", "changes", "scores"] {
        let file = out.join(format!("{kind}.csv"));
        let res = sdm()
            .args(["--db", &db, "--now", NOW, "import", kind, file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(res.status.success(), "{kind}: {}", String::from_utf8_lossy(&res.stderr));
        let said = String::from_utf8_lossy(&res.stdout);
        assert!(said.contains("added 0, changed 0"), "{kind}: {said}");
    }
}

#[test]
fn a_small_month_worked_by_hand() {
    // Payroll (portfolio fixture): 24x7 window, P1 response 15m, availability 99.9%.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db").to_str().unwrap().to_string();
    let fixture = |n: &str| format!("{}/tests/fixtures/{n}", env!("CARGO_MANIFEST_DIR"));
    sdm()
        .args(["--db", &db, "import", "portfolio", &fixture("portfolio.toml")])
        .assert()
        .success();
    let t = dir.path().join("t.csv");
    std::fs::write(
        &t,
        "ref,service,priority,opened,responded,resolved\n\
         INC1,Payroll,P1,2026-11-02T09:00:00Z,2026-11-02T09:10:00Z,2026-11-02T11:00:00Z\n\
         INC2,Payroll,P1,2026-11-10T10:00:00Z,2026-11-10T10:30:00Z,2026-11-10T10:45:00Z\n",
    )
    .unwrap();
    let o = dir.path().join("o.csv");
    std::fs::write(
        &o,
        "service,start,end,planned,summary\nPayroll,2026-11-05T12:00:00Z,2026-11-05T13:00:00Z,no,Database down\n",
    )
    .unwrap();
    let now = "2026-12-01T00:00:00Z";
    sdm()
        .args(["--db", &db, "--now", now, "import", "tickets", t.to_str().unwrap()])
        .assert()
        .success();
    sdm()
        .args(["--db", &db, "--now", now, "import", "outages", o.to_str().unwrap()])
        .assert()
        .success();
    let out = sdm()
        .args([
            "--db",
            &db,
            "--now",
            now,
            "report",
            "--service",
            "Payroll",
            "--month",
            "2026-11",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    // INC1 responded in 10 minutes (met), INC2 in 30 (missed): 50% against 95%.
    assert!(
        md.contains("| P1 response | 95% within 15m | 50.0% |  | missed |"),
        "{md}"
    );
    // (10m + 30m) / 2 and (2h + 45m) / 2.
    assert!(md.contains("Mean time to respond 20m · to resolve 1h 22m"), "{md}");
    // One hour down in a 30-day month: 99.861%; budget 0.1% of 43200 min = 43 min, 60 used.
    assert!(md.contains("| availability | 99.9% | 99.86% | ▼ | missed |"), "{md}");
    assert!(
        md.contains("**Availability:** 99.86% against 99.9% · error budget 43 min, used 60 min, left -17 min"),
        "{md}"
    );
    assert!(
        md.contains("1 unplanned outage, 1h down · mean time to restore 1h · mean time between failures 29d 23h"),
        "{md}"
    );
    assert!(md.contains("| P1 | 2 | 2 | 0 |"), "{md}");
}

fn report(db: &str, now: &str, args: &[&str]) -> String {
    let out = sdm()
        .args(["--db", db, "--now", now, "report"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `sdm report ARGS` at `NOW`, refused: its one line of error (exit 2).
fn refused(db: &str, args: &[&str]) -> String {
    let out = sdm()
        .args(["--db", db, "--now", NOW, "report"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?} should be refused");
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Every line but the one stamped with the moment of writing.
fn without_stamp(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("Generated "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn novembers_review_written_in_december_holds_only_november_and_stays_the_same() {
    let early = "2026-12-03T09:00:00Z";
    let (_dir, db) = demo_at(early);
    let args = ["--all", "--month", "2026-11", "--internal"];
    let first = report(&db, early, &args);
    assert!(
        first.contains("as of the end of 2026-11 (2026-11-30 24:00 UTC)"),
        "{first}"
    );

    // December goes on: a sour call on 2 December with a follow-up, December's P1 breach
    // closed with a credit, a touch point of today.
    let later = "2026-12-20T09:00:00Z";
    sdm()
        .args([
            "--db",
            &db,
            "--now",
            later,
            "touch",
            "Ann de Vries",
            "Angry about the outage",
        ])
        .args([
            "--sentiment",
            "1",
            "--service",
            "Payment Gateway",
            "--when",
            "2026-12-02 10:00",
        ])
        .args(["--follow-up", "Send the outage report"])
        .assert()
        .success();
    sdm()
        .args([
            "--db",
            &db,
            "--now",
            later,
            "breach",
            "INC0018075",
            "--close",
            "--cause",
            "understaffed",
        ])
        .args(["--credit", "500"])
        .assert()
        .success();
    let again = report(&db, later, &args);
    assert_ne!(first, again, "the generated stamps differ");
    assert_eq!(without_stamp(&first), without_stamp(&again));
    for december in ["Send the outage report", "understaffed", "500.00"] {
        assert!(!again.contains(december), "{december} is December's:\n{again}");
    }
    // December's own review, so far, has them.
    let december = report(&db, later, &["--service", "Payment Gateway", "--month", "2026-12"]);
    assert!(
        december.contains("as of 2026-12 so far (2026-12-20 09:00 UTC)"),
        "{december}"
    );
    assert!(december.contains("| closed | 500.00 EUR |"), "{december}");
    // Under the contract's schedule: the 10% tier so far and the P1 (typed by hand, which the
    // customer's copy does not say).
    assert!(
        december.contains("- 2026-12: 1,770.00 EUR (availability 99.46% if nothing more goes down is below 99.9%: 10% of 12,700.00 EUR; 1 missed P1: 500.00 EUR)"),
        "{december}"
    );
    assert!(
        !december.contains("understaffed"),
        "the cause is the SDM's own finding:\n{december}"
    );
    assert!(december.contains("- Send the outage report — "), "{december}");
}

#[test]
fn the_customer_gets_plain_words_and_the_sdm_the_internal_ones() {
    let (_dir, db) = demo();
    let customer = report(&db, NOW, &["--all", "--month", "2026-10"]);
    let internal = report(&db, NOW, &["--all", "--month", "2026-10", "--internal"]);
    for word in [
        "avocado",
        "watermelon",
        "Customer told",
        "last imported",
        "demo-tickets.csv",
        "(s)",
        "Health",
    ] {
        assert!(!customer.contains(word), "the customer's pack says {word}");
    }
    for word in ["watermelon", "Customer told", "last imported", "Health (internal)"] {
        assert!(internal.contains(word), "the internal pack lacks {word}");
    }
    assert!(customer.contains("**Service levels:** "), "{customer}");
    assert!(customer.contains("**Customer experience:** "), "{customer}");
    assert!(customer.contains("| Result |"), "{customer}");
    assert!(
        !customer.contains("| green |") && !customer.contains("| red |"),
        "{customer}"
    );
}

#[test]
fn a_quarter_shows_its_months_side_by_side_and_bad_periods_are_refused() {
    let (_dir, db) = demo();
    let q = report(&db, NOW, &["--service", "Payment Gateway", "--quarter", "2026-Q3"]);
    assert!(q.contains("# Service review: Payment Gateway — 2026-Q3"), "{q}");
    assert!(
        q.contains("| Target | Goal | 2026-07 | 2026-08 | 2026-09 | Q3 | Result |"),
        "{q}"
    );
    assert!(q.contains("as of the end of 2026-Q3 (2026-09-30 24:00 UTC)"), "{q}");
    assert!(q.contains("## Actions due next quarter"), "{q}");
    for (args, expect) in [
        (
            vec!["--quarter", "2026-11"],
            "--quarter \"2026-11\" is not a quarter: use YYYY-Qn",
        ),
        (vec!["--year", "26"], "--year \"26\" is not a year: use YYYY"),
        (
            vec!["--month", "2027-02"],
            "2027-02 has not started yet: choose 2026-11 or earlier",
        ),
    ] {
        let err = refused(&db, &[&["--service", "Payroll"][..], &args[..]].concat());
        assert!(err.contains(expect), "{args:?}: {err}");
    }
}

#[test]
fn a_correction_made_after_the_month_is_listed_as_a_revision() {
    let (_dir, db) = demo_at("2026-12-03T09:00:00Z");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let reference: String = conn
        .query_row(
            "SELECT t.reference FROM tickets t JOIN services s ON s.id = t.service_id WHERE s.name = 'Web Shop' \
             AND t.opened_at >= strftime('%s', '2026-11-01') AND t.opened_at < strftime('%s', '2026-12-01') \
             ORDER BY t.opened_at LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    let args = ["--service", "Web Shop", "--month", "2026-11"];
    let before = report(&db, "2026-12-03T09:00:00Z", &args);
    assert!(!before.contains("Revised"), "{before}");
    sdm()
        .args(["--db", &db, "--now", "2026-12-10T15:00:00Z", "ticket", &reference])
        .args(["--exclude", "duplicate", "--note", "logged twice"])
        .assert()
        .success();
    let after = report(&db, "2026-12-20T09:00:00Z", &args);
    // Dated by the correction's own stamp (the machine's clock when it was made).
    let line = format!(": ticket {reference} left out of the SLA (duplicate)");
    assert!(after.contains("**Revised after the month ended:**"), "{after}");
    assert!(after.contains(&line), "{line}\n{after}");
    assert!(
        after.contains(&format!("| ticket {reference} | duplicate |")),
        "{after}"
    );
    // The customer's copy names no internal note.
    assert!(!after.contains("logged twice"), "{after}");
}

#[test]
fn a_customers_quarterly_pack_opens_with_a_summary_of_every_service() {
    let (_dir, db) = demo();
    let pack = report(&db, NOW, &["--customer", "acme retail", "--quarter", "2026-Q3"]);
    assert!(
        pack.starts_with("# Acme Retail — service review 2026-Q3 (summary)"),
        "{pack}"
    );
    let sections: Vec<&str> = pack.lines().filter(|l| l.starts_with("# Service review: ")).collect();
    assert_eq!(
        sections,
        [
            "# Service review: Loyalty App — 2026-Q3",
            "# Service review: Payment Gateway — 2026-Q3",
            "# Service review: Store POS — 2026-Q3",
            "# Service review: Web Shop — 2026-Q3",
        ]
    );
    // The matrix has a row per service and a column per target, then the figures.
    assert!(
        pack.contains("| Service | P1 response | P1 resolution | P2 response |"),
        "{pack}"
    );
    assert!(
        pack.contains("| availability | Available | Budget left | Breaches | Credits | Experience |"),
        "{pack}"
    );
    for s in ["Loyalty App", "Payment Gateway", "Store POS", "Web Shop"] {
        assert!(pack.contains(&format!("\n| {s} | ")), "{s} has no row:\n{pack}");
    }
    assert!(
        pack.contains("## Top issues") && pack.contains("## Improvement plan"),
        "{pack}"
    );
    assert_eq!(
        pack.matches("| 2026-07 | 2026-08 | 2026-09 | Q3 |").count(),
        4,
        "{pack}"
    );

    // --all groups by customer, a summary each.
    let all = report(&db, NOW, &["--all", "--month", "2026-10"]);
    let summaries: Vec<&str> = all.lines().filter(|l| l.ends_with("(summary)")).collect();
    assert_eq!(
        summaries,
        [
            "# Acme Retail — service review 2026-10 (summary)",
            "# Finance Division — service review 2026-10 (summary)",
            "# Northwind Logistics — service review 2026-10 (summary)",
        ]
    );

    let out = sdm()
        .args([
            "--db",
            &db,
            "--now",
            NOW,
            "report",
            "--customer",
            "Acme",
            "--month",
            "2026-10",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "no service has the customer \"Acme\": the customers are Acme Retail, Finance Division, Northwind Logistics"
        ),
        "{err}"
    );
}

#[test]
fn an_action_without_a_due_date_is_listed_apart() {
    let (_dir, db) = demo();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (title, service): (String, String) = conn
        .query_row(
            "SELECT a.title, s.name FROM actions a JOIN reviews r ON r.id = a.review_id JOIN services s ON s.id = r.service_id \
             WHERE a.done_on IS NULL AND a.deleted = 0 ORDER BY a.due LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    conn.execute(
        "UPDATE actions SET due = NULL WHERE id = (SELECT a.id FROM actions a WHERE a.done_on IS NULL AND a.deleted = 0 ORDER BY a.due LIMIT 1)",
        [],
    )
    .unwrap();
    drop(conn);
    let md = report(&db, NOW, &["--service", &service, "--month", "2026-11"]);
    let undated = md
        .split("## Actions open without a due date")
        .nth(1)
        .unwrap_or_default();
    assert!(undated.contains(&format!("- {title} — ")), "{md}");
}

#[test]
fn a_late_import_after_the_review_was_written_is_said_on_the_next_writing() {
    let early = "2026-12-03T09:00:00Z";
    let (dir, db) = demo_at(early);
    let args = ["--service", "General Ledger", "--month", "2026-11"];
    let first = report(&db, early, &args);
    assert!(!first.contains("Revised"), "{first}");
    assert_eq!(
        without_stamp(&first),
        without_stamp(&report(&db, "2026-12-04T09:00:00Z", &args))
    );

    // On 10 December a ticket of 20 November arrives, answered a day late.
    let late = dir.path().join("late.csv");
    std::fs::write(
        &late,
        "ref,service,priority,opened,responded,resolved\n\
         INC9999001,General Ledger,P3,2026-11-20T09:00:00Z,2026-11-21T09:00:00Z,2026-11-23T09:00:00Z\n",
    )
    .unwrap();
    sdm()
        .args([
            "--db",
            &db,
            "--now",
            "2026-12-10T09:00:00Z",
            "import",
            "tickets",
            late.to_str().unwrap(),
        ])
        .assert()
        .success();
    let again = report(&db, "2026-12-20T09:00:00Z", &args);
    let said = again
        .lines()
        .find(|l| l.starts_with("**Revised since first written on 2026-12-03:**"))
        .unwrap_or_else(|| panic!("no revision line:\n{again}"));
    assert!(said.contains("P3 response 100.0% → 80.0%"), "{said}");
    assert!(said.contains("P3 tickets opened 4 → 5"), "{said}");
}

#[test]
fn the_meetings_minutes_become_actions_and_the_next_review_date() {
    let (dir, db) = demo();
    let minutes = dir.path().join("minutes.md");
    std::fs::write(
        &minutes,
        "# Acme Retail service review, 2026-10\n\
         Attendees: Ann de Vries, Sam\n\n\
         - [ ] Send the outage report @Ann due:2026-12-15 service:\"Payment Gateway\"\n\
         - [ ] Load test the checkout @\"Sam (SDM)\" due:2026-12-20 service:\"Web Shop\"\n\
         - [x] Agree the contact list\n\
         Next review: 2027-01-12\n",
    )
    .unwrap();
    let run = |path: &std::path::Path| {
        sdm()
            .args([
                "--db",
                &db,
                "--now",
                NOW,
                "report",
                "--customer",
                "Acme Retail",
                "--month",
                "2026-10",
            ])
            .args(["--minutes", path.to_str().unwrap()])
            .output()
            .unwrap()
    };
    let out = run(&minutes);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("minutes: 2 follow-ups recorded as actions, 0 already recorded, 1 ticked item left out (done in the meeting); next agreement review 2027-01-12 on 4 services"),
        "{said}"
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (owner, due, service): (String, String, String) = conn
        .query_row(
            "SELECT a.owner, a.due, s.name FROM actions a JOIN services s ON s.id = a.service_id WHERE a.title = 'Load test the checkout'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (owner.as_str(), due.as_str(), service.as_str()),
        ("Sam (SDM)", "2026-12-20", "Web Shop")
    );
    let reviews: i64 = conn
        .query_row(
            "SELECT count(*) FROM services WHERE customer = 'Acme Retail' AND agreement_review = '2027-01-12'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(reviews, 4);
    drop(conn);
    // The same minutes again change nothing.
    let again = run(&minutes);
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 follow-ups recorded as actions, 2 already recorded"));

    // A follow-up without an owner or a service is refused with its line, and nothing is written.
    let bad = dir.path().join("bad.md");
    std::fs::write(
        &bad,
        "- [ ] Fix it due:2026-12-15\n- [ ] Call back @Ann due:2026-12-16\n",
    )
    .unwrap();
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 1: a follow-up needs an owner (@name)"), "{err}");
    let out = run(&dir.path().join("bad2.md"));
    assert_eq!(out.status.code(), Some(2), "a missing file is refused");
    std::fs::write(&bad, "- [ ] Call back @Ann due:2026-12-16\n").unwrap();
    let err = String::from_utf8_lossy(&run(&bad).stderr).to_string();
    assert!(err.contains("line 1: say which service (service:\"NAME\"): this review covers Loyalty App, Payment Gateway, Store POS, Web Shop"), "{err}");
}

#[test]
fn a_pdf_review_holds_the_same_figures_as_the_markdown() {
    let (dir, db) = demo();
    let pdf = dir.path().join("pack.pdf");
    let args = ["--customer", "Acme Retail", "--month", "2026-10"];
    sdm()
        .args(["--db", &db, "--now", NOW, "report"])
        .args(args)
        .args(["--format", "pdf", "--out", pdf.to_str().unwrap()])
        .assert()
        .success();
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    assert!(bytes.trim_ascii_end().ends_with(b"%%EOF"), "a PDF ends with %%EOF");
    // Without a file it is refused: a PDF is not for a terminal.
    let out = sdm()
        .args(["--db", &db, "--now", NOW, "report"])
        .args(args)
        .args(["--format", "pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let Ok(text) = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
    else {
        eprintln!("pdftotext is not installed: the PDF's text was not read back (skipped)");
        return;
    };
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let markdown = report(&db, NOW, &args);
    // Every service, the summary, and the same headline figures as the Markdown.
    for wanted in [
        "Acme Retail — service review 2026-10 (summary)",
        "Service review: Loyalty App — 2026-10",
        "Service review: Web Shop — 2026-10",
        "Top issues",
        "Improvement plan",
    ] {
        assert!(text.contains(wanted), "the PDF lacks {wanted}:\n{text}");
    }
    for line in markdown
        .lines()
        .filter(|l| l.starts_with("**Service levels:**") || l.starts_with("**Availability:**"))
    {
        let figure = line.split(":** ").nth(1).unwrap();
        let squeezed = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            squeezed(&text).contains(&squeezed(figure)),
            "the PDF lacks {figure:?}:\n{text}"
        );
    }
    let info = std::process::Command::new("pdfinfo").arg(&pdf).output().unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    // A4: the summary's wide matrix on its side, the services upright.
    assert!(info.contains("Page size:") && info.contains("pts (A4)"), "{info}");
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    assert!(
        pages >= 5,
        "a page for the summary and for each of the 4 services: {pages}"
    );
}

#[test]
fn no_review_before_the_agreement_and_the_file_name_sets_the_format() {
    let (dir, db) = demo();
    let err = refused(&db, &["--service", "Payment Gateway", "--year", "2024"]);
    assert!(
        err.contains("Payment Gateway: its agreement starts"),
        "a 100% before the agreement would be invented: {err}"
    );
    let pdf = dir.path().join("pg.pdf");
    let args = ["--service", "Payment Gateway", "--month", "2026-10"];
    report(&db, NOW, &[&args[..], &["--out", pdf.to_str().unwrap()]].concat());
    assert!(
        std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"),
        "a .pdf name writes a PDF"
    );
    let x = dir.path().join("x.pdf");
    let err = refused(
        &db,
        &[&args[..], &["--format", "md", "--out", x.to_str().unwrap()]].concat(),
    );
    assert!(err.contains("--out names a .pdf file but --format is md"), "{err}");
}
