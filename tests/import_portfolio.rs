//! `sdm import portfolio`: the catalogue as a TOML file, upserted by name.
#![allow(clippy::unwrap_used)]

mod import_support;

use import_support::{Desk, fixture, refused, stdout};
use serde_json::{Value, json};

#[test]
fn portfolio_imports_calendars_services_targets_and_stakeholders() {
    let desk = Desk::new();
    let out = stdout(desk.sdm(&["import", "portfolio", &fixture("portfolio.toml")]));
    assert!(
        out.starts_with("portfolio.toml: added 8, changed 0, unchanged 0"),
        "{out}"
    );
    assert!(out.contains("add service \"Payroll\""), "{out}");
    assert!(out.contains("add target \"Payroll\" response P1"), "{out}");

    let office = desk.row("calendars", "name", "Office NL");
    assert_eq!(office["timezone"], "Europe/Amsterdam");
    assert_eq!(office["hours"]["fri"], json!(["08:00-12:00", "13:00-17:00"]));
    assert_eq!(office["holidays"], json!(["2026-12-25", "2026-12-26"]));
    let always = desk.row("calendars", "name", "24x7");

    let payroll = desk.row("services", "name", "Payroll");
    assert_eq!(payroll["aliases"], json!(["PAYROLL-PRD", "Payroll (SAP)"]));
    assert_eq!(payroll["customer"], "Acme");
    assert_eq!(payroll["agreement_kind"], "contract");
    assert_eq!(payroll["agreement_ref"], "C-2024-17");
    assert_eq!(payroll["criticality"], "high");
    assert_eq!(payroll["window_calendar_id"], always["id"]);
    let email = desk.row("services", "name", "Email");
    assert_eq!(email["window_calendar_id"], office["id"]);
    assert_eq!(email["agreement_kind"], "dou");
    assert_eq!(email["agreement_start"], "2025-01-01");
    assert_eq!(email["agreement_end"], "2026-12-31");
    assert_eq!(email["notice_days"], 90);
    assert_eq!(email["monthly_cost"], 1200.0);

    let targets: Vec<Value> = desk
        .rows("sla_targets")
        .into_iter()
        .filter(|t| t["service_id"] == payroll["id"])
        .collect();
    assert_eq!(targets.len(), 4);
    let find = |kind: &str| targets.iter().find(|t| t["kind"] == kind).cloned().unwrap_or_default();
    assert_eq!(find("response")["priority"], "p1");
    assert_eq!(find("response")["goal"], 900.0);
    assert_eq!(find("response")["calendar_id"], always["id"]);
    assert_eq!(find("resolution")["goal"], 4.0 * 3600.0);
    assert_eq!(find("resolution")["calendar_id"], office["id"]);
    assert_eq!(find("availability")["goal"], 99.9);
    assert_eq!(find("availability")["calendar_id"], Value::Null);
    assert_eq!(find("satisfaction")["goal"], 4.0);

    let ann = desk.row("stakeholders", "name", "Ann de Vries");
    assert_eq!(ann["channel"], "call");
    assert_eq!(ann["cadence_days"], 14);
    let mut linked: Vec<Value> = desk
        .rows("stakeholder_services")
        .into_iter()
        .filter(|l| l["stakeholder_id"] == ann["id"])
        .map(|l| l["service_id"].clone())
        .collect();
    linked.sort_by_key(|v| v.to_string());
    let mut expected = vec![payroll["id"].clone(), email["id"].clone()];
    expected.sort_by_key(|v| v.to_string());
    assert_eq!(linked, expected, "services named by name and by alias (exch-01)");

    let log = &desk.export()["import_log"];
    assert_eq!(log[0]["kind"], "portfolio");
    assert_eq!(log[0]["at"], import_support::NOW);
    assert_eq!(log[0]["file"], "portfolio.toml");
}

#[test]
fn portfolio_reimport_changes_nothing() {
    let desk = Desk::with_portfolio();
    let before = desk.tables();
    let out = stdout(desk.sdm(&["import", "portfolio", &fixture("portfolio.toml")]));
    assert!(
        out.starts_with("portfolio.toml: added 0, changed 0, unchanged 8; nothing changed"),
        "{out}"
    );
    assert!(out.contains("services     added 0, changed 0, unchanged 2"), "{out}");
    assert_eq!(desk.tables(), before);
}

const CHANGED: &str = r#"
[[service]]
name = "payroll"
criticality = "critical"
targets = [
  { kind = "response", priority = "P1", goal = "10m", calendar = "24x7" },
  { kind = "availability", goal = "99.9%" },
]
"#;

#[test]
fn portfolio_dry_run_says_what_would_change_and_writes_nothing() {
    let desk = Desk::with_portfolio();
    let before = desk.tables();
    let file = desk.file("changed.toml", CHANGED);
    let out = stdout(desk.sdm(&["import", "portfolio", &file, "--dry-run"]));
    assert!(out.contains("dry run: nothing was written"), "{out}");
    assert!(
        out.contains("would change service \"payroll\": name, criticality"),
        "{out}"
    );
    assert!(
        out.contains("would change target \"payroll\" response P1: goal"),
        "{out}"
    );
    assert!(out.contains("would remove target \"payroll\" resolution P2"), "{out}");
    assert!(
        out.contains("targets      added 0, changed 1, unchanged 1, removed 2"),
        "{out}"
    );
    assert_eq!(desk.tables(), before, "a dry run writes nothing");

    // The real thing does what the dry run said.
    let out = stdout(desk.sdm(&["import", "portfolio", &file]));
    assert!(
        out.starts_with("changed.toml: added 0, changed 2, unchanged 1, removed 2"),
        "{out}"
    );
    let payroll = desk.row("services", "name", "payroll");
    assert_eq!(payroll["criticality"], "critical");
    assert_eq!(payroll["customer"], "Acme", "a key the file leaves out is left alone");
    assert_eq!(
        desk.rows("sla_targets")
            .iter()
            .filter(|t| t["service_id"] == payroll["id"])
            .count(),
        2
    );
}

#[test]
fn portfolio_dry_run_on_a_new_database_creates_no_file() {
    let desk = Desk::new();
    let out = stdout(desk.sdm(&["import", "portfolio", &fixture("portfolio.toml"), "--dry-run"]));
    assert!(
        out.starts_with("portfolio.toml: added 8, changed 0, unchanged 0; dry run"),
        "{out}"
    );
    assert!(!desk.db.exists(), "no database was created");
}

#[test]
fn fields_set_outside_the_file_survive_a_reimport() {
    let desk = Desk::with_portfolio();
    desk.conn()
        .execute(
            "UPDATE services SET description = 'Kept by the SDM', status = 'retiring' WHERE name = 'Payroll'",
            [],
        )
        .unwrap();
    let out = stdout(desk.sdm(&["import", "portfolio", &fixture("portfolio.toml")]));
    assert!(out.contains("nothing changed"), "{out}");
    let payroll = desk.row("services", "name", "Payroll");
    assert_eq!(payroll["description"], "Kept by the SDM");
    assert_eq!(payroll["status"], "retiring");
}

/// Imports `text` as a portfolio into a database holding the fixture; the import must be
/// refused (exit 2) and leave the database as it was. Returns standard error.
fn refused_portfolio(text: &str) -> String {
    let desk = Desk::with_portfolio();
    let before = desk.tables();
    let file = desk.file("bad.toml", text);
    let err = refused(desk.sdm(&["import", "portfolio", &file]));
    assert_eq!(desk.tables(), before, "a refused file changes nothing");
    err
}

#[test]
fn an_unknown_window_calendar_is_named_with_the_known_ones() {
    let err = refused_portfolio("[[service]]\nname = \"Payroll\"\nwindow = \"Office UK\"\n");
    assert_eq!(
        err.trim(),
        "sdm: bad.toml: service \"Payroll\": window \"Office UK\" is not a calendar; known: 24x7, Office NL; nothing was imported"
    );
}

#[test]
fn a_backwards_time_range_is_named() {
    let err = refused_portfolio(
        "[[calendar]]\nname = \"Office NL\"\ntimezone = \"Europe/Amsterdam\"\nhours = { mon = [\"18:00-08:00\"] }\n",
    );
    assert!(
        err.contains("calendar \"Office NL\": hours.mon \"18:00-08:00\": the end must be after the start"),
        "{err}"
    );
}

#[test]
fn an_unknown_time_zone_is_named_with_a_suggestion() {
    let err = refused_portfolio(
        "[[calendar]]\nname = \"Office BE\"\ntimezone = \"Europe/Brussles\"\nhours = { mon = [\"08:00-18:00\"] }\n",
    );
    assert!(
        err.contains("calendar \"Office BE\": timezone \"Europe/Brussles\" is not a time zone"),
        "{err}"
    );
    assert!(err.contains("did you mean Europe/Brussels?"), "{err}");
}

#[test]
fn a_malformed_goal_names_its_service_and_target() {
    let err = refused_portfolio(
        "[[service]]\nname = \"Payroll\"\ntargets = [\n  { kind = \"response\", priority = \"P1\", goal = \"15m\" },\n  { kind = \"availability\", goal = \"4 hours\" },\n]\n",
    );
    assert!(
        err.contains("service \"Payroll\" target 2: goal \"4 hours\" is not a percentage: use e.g. 99.9%"),
        "{err}"
    );
    let err = refused_portfolio(
        "[[service]]\nname = \"Payroll\"\ntargets = [{ kind = \"resolution\", priority = \"P2\", goal = \"soon\" }]\n",
    );
    assert!(
        err.contains("service \"Payroll\" target 1: goal \"soon\" is not a duration"),
        "{err}"
    );
    let err =
        refused_portfolio("[[service]]\nname = \"Payroll\"\ntargets = [{ kind = \"response\", goal = \"1h\" }]\n");
    assert!(
        err.contains("target 1: a response target needs a priority (P1-P4)"),
        "{err}"
    );
}

#[test]
fn unknown_keys_are_refused_with_their_line() {
    let err = refused_portfolio("[[service]]\nname = \"Payroll\"\ncolour = \"red\"\n");
    assert!(err.contains("bad.toml line 3: unknown field `colour`"), "{err}");
    let err = refused_portfolio(
        "[[service]]\nname = \"Payroll\"\ntargets = [{ kind = \"response\", priority = \"P1\", goal = \"15m\", within = \"24x7\" }]\n",
    );
    assert!(err.contains("unknown field `within`"), "{err}");
    let err = refused_portfolio("[[services]]\nname = \"Payroll\"\n");
    assert!(err.contains("line 1: unknown field `services`"), "{err}");
}

#[test]
fn every_problem_of_a_portfolio_is_reported() {
    let err = refused_portfolio(
        "[[service]]\nname = \"HR\"\naliases = [\"payroll-prd\"]\nagreement = \"handshake\"\n\n\
         [[stakeholder]]\nname = \"Bob\"\ncadence_days = 0\nservices = [\"Payrol\"]\n",
    );
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 5, "{err}");
    assert!(
        lines[0].contains("service \"HR\": alias \"payroll-prd\" already names service \"Payroll\""),
        "{err}"
    );
    assert!(
        lines[1].contains("agreement kind \"handshake\" is not known: use one of contract, dou, ola"),
        "{err}"
    );
    assert!(lines[2].contains("stakeholder \"Bob\": cadence_days 0"), "{err}");
    assert!(
        lines[3].contains("service \"Payrol\" is not a service; did you mean Payroll?"),
        "{err}"
    );
    assert_eq!(lines[4], "sdm: bad.toml: 4 problems; nothing was imported");
}

#[test]
fn the_built_in_calendar_cannot_be_redefined() {
    let err =
        refused_portfolio("[[calendar]]\nname = \"24x7\"\ntimezone = \"UTC\"\nhours = { mon = [\"08:00-18:00\"] }\n");
    assert!(err.contains("calendar \"24x7\": 24x7 is built in"), "{err}");
}

#[test]
fn a_portfolio_that_is_not_utf8_or_missing_is_refused() {
    let desk = Desk::new();
    let file = desk.file("latin1.toml", b"[[service]]\nname = \"Caf\xe9\"\n");
    let err = refused(desk.sdm(&["import", "portfolio", &file]));
    assert!(err.contains("latin1.toml is not UTF-8 text"), "{err}");
    let err = refused(desk.sdm(&["import", "portfolio", "/nonexistent/portfolio.toml"]));
    assert!(err.contains("cannot read /nonexistent/portfolio.toml"), "{err}");
}

#[test]
fn a_file_that_gives_some_fields_is_checked_with_the_stored_ones_as_the_writer_checks() {
    // The file gives only a start; the stored end (2026-12-31) is then before it: the same
    // rule the forms and every other writer apply refuses it.
    let err = refused_portfolio("[[service]]\nname = \"Email\"\nagreement_start = \"2027-03-01\"\n");
    assert!(
        err.contains("agreement end") && err.contains("before the agreement start"),
        "{err}"
    );
}
