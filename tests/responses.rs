//! `sdm import responses`: survey responses one by one, CSAT and NPS from them as counted by
//! hand, their comments quoted, and the watermelon check fed by them.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{Desk, refused, stdout};

/// Ten answers in November: 0–10: 10, 9, 9, 8, 7, 6, 3 (promoters 3, detractors 2: NPS
/// (3 − 2) / 7 = +14); 1–5: 5, 4, 2. Satisfied: the three 9–10 and the 5 and the 4: CSAT 50%.
const FILE: &str = "service,date,score,scale,respondent,comment\n\
Payroll,2026-11-02,10,0-10,Ann de Vries,Payslips on time again\n\
Payroll,2026-11-03,9,0-10,Bram Jansen,\n\
Payroll,2026-11-04,9,0-10,,\n\
Payroll,2026-11-05,8,0-10,Carla Smit,Fine\n\
Payroll,2026-11-06,7,0-10,,\n\
Payroll,2026-11-07,6,0-10,,\n\
Payroll,2026-11-08,3,0-10,Dirk Bakker,\"Overtime missing, again\"\n\
Payroll,2026-11-09,5,1-5,,\n\
Payroll,2026-11-10,4,1-5,,\n\
Payroll,2026-11-11,2,1-5,Eva Visser,Nobody called back\n";

#[test]
fn csat_nps_and_comments_match_the_hand_counts() {
    let desk = Desk::with_portfolio();
    let file = desk.file("responses.csv", FILE);
    let out = stdout(desk.sdm(&["import", "responses", &file]));
    assert!(out.contains("added 10"), "{out}");
    assert_eq!(desk.rows("responses").len(), 10);
    // The same file again adds nothing.
    let again = stdout(desk.sdm(&["import", "responses", &file]));
    assert!(again.contains("added 0"), "{again}");
    assert_eq!(desk.rows("responses").len(), 10);

    // Two people who both gave a 9 with no comment on one day are two answers; the file
    // again still adds nothing.
    let twins = desk.file(
        "twins.csv",
        "service,date,score,scale\nPayroll,2026-10-20,9,0-10\nPayroll,2026-10-20,9,0-10\n",
    );
    let out = stdout(desk.sdm(&["import", "responses", &twins]));
    assert!(out.contains("added 2"), "{out}");
    let out = stdout(desk.sdm(&["import", "responses", &twins]));
    assert!(out.contains("added 0"), "{out}");
    assert_eq!(desk.rows("responses").len(), 12);

    let review = stdout(desk.sdm(&["report", "--service", "Payroll", "--month", "2026-11"]));
    assert!(
        review.contains("**Survey:** CSAT 50% · NPS +14 · 10 responses (fewer than 30: one answer moves it a lot)"),
        "{review}"
    );
    // The latest three comments, newest first.
    let quotes: Vec<&str> = review.lines().filter(|l| l.starts_with("- \"")).collect();
    assert_eq!(
        quotes,
        [
            "- \"Nobody called back\" — Eva Visser, 2 of 1-5, 2026-11-11",
            "- \"Overtime missing, again\" — Dirk Bakker, 3 of 0-10, 2026-11-08",
            "- \"Fine\" — Carla Smit, 8 of 0-10, 2026-11-05",
        ],
        "{review}"
    );
    // The health check (the watermelon's experience side) says what fed it: its window
    // holds October's two 9s too, 7 satisfied of 12 (58%).
    let internal = stdout(desk.sdm(&["report", "--service", "Payroll", "--month", "2026-11", "--internal"]));
    let health = internal
        .lines()
        .find(|l| l.contains("Health (internal)"))
        .unwrap_or_default();
    assert!(health.contains("CSAT 58% from 12 survey responses"), "{health}");
}

#[test]
fn a_score_off_its_scale_or_a_missing_scale_is_refused_with_the_row() {
    let desk = Desk::with_portfolio();
    let file = desk.file(
        "bad.csv",
        "service,date,score,scale\nPayroll,2026-11-02,11,0-10\nPayroll,2026-11-03,4,1-7\nPayroll,2026-11-04,4.5,1-5\n",
    );
    let err = refused(desk.sdm(&["import", "responses", &file]));
    assert!(err.contains("11 is not a whole score on the 0-10 scale"), "{err}");
    assert!(err.contains("\"1-7\" is not a scale"), "{err}");
    assert!(err.contains("4.5 is not a whole score on the 1-5 scale"), "{err}");
    let noscale = desk.file("noscale.csv", "service,date,score\nPayroll,2026-11-02,9\n");
    let err = refused(desk.sdm(&["import", "responses", &noscale]));
    assert!(err.contains("scale"), "{err}");
    assert!(desk.rows("responses").is_empty());
}
