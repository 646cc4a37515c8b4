//! Targets with validity dates: a month is judged under the terms valid then (a ticket by the
//! version in force when it was opened), an earlier month's review does not move when a target
//! is tightened, and the service form asks whether a change applies from today or corrects the
//! past.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;

struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "timezone = \"UTC\"\n").unwrap();
        Desk { dir }
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn run(&self, now: &str, args: &[&str]) -> String {
        let out = Command::new(env!("CARGO_BIN_EXE_sdm"))
            .arg("--db")
            .arg(self.dir.path().join("sdm.db"))
            .arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .arg("--now")
            .arg(now)
            .args(args)
            .env_remove("SDM_DB")
            .env("NO_COLOR", "1")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    }
}

const ONE_TERM: &str = r#"
[[service]]
name = "Payroll"
customer = "Acme"
window = "24x7"
targets = [ { kind = "resolution", priority = "P2", goal = "4h", from = "2026-01-01" } ]
"#;

const TIGHTENED: &str = r#"
[[service]]
name = "Payroll"
customer = "Acme"
window = "24x7"
targets = [ { kind = "resolution", priority = "P2", goal = "4h", from = "2026-01-01" },
            { kind = "resolution", priority = "P2", goal = "2h", from = "2026-11-15" } ]
"#;

/// Each resolved in 3 hours: within 4h, not within 2h.
const TICKETS: &str = "number,service,priority,state,opened,responded,resolved,summary\n\
INC1,Payroll,P2,resolved,2026-10-10 09:00,2026-10-10 09:05,2026-10-10 12:00,October\n\
INC2,Payroll,P2,resolved,2026-11-10 09:00,2026-11-10 09:05,2026-11-10 12:00,Before the change\n\
INC3,Payroll,P2,resolved,2026-11-20 09:00,2026-11-20 09:05,2026-11-20 12:00,After the change\n";

fn without_generated(text: &str) -> String {
    text.lines()
        .filter(|l| !l.starts_with("Generated"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_target_tightened_on_15_november_judges_november_by_day_and_leaves_october_alone() {
    let desk = Desk::new();
    let now = "2026-12-03T09:00:00Z";
    desk.run(now, &["import", "portfolio", &desk.file("one.toml", ONE_TERM)]);
    desk.run(now, &["import", "tickets", &desk.file("tickets.csv", TICKETS)]);
    let october = desk.run(now, &["report", "--service", "Payroll", "--month", "2026-10"]);
    assert!(
        october.contains("| P2 resolution | 95% within 4h | 100.0% |"),
        "{october}"
    );

    desk.run(now, &["import", "portfolio", &desk.file("tightened.toml", TIGHTENED)]);
    // October: under the old target, its review the same document as before.
    let again = desk.run(now, &["report", "--service", "Payroll", "--month", "2026-10"]);
    assert_eq!(without_generated(&october), without_generated(&again));
    // November: INC2 (opened on the 10th) by 4h, met; INC3 (the 20th) by 2h, missed.
    let november = desk.run(now, &["report", "--service", "Payroll", "--month", "2026-11"]);
    assert!(
        november.contains("| P2 resolution | 95% within 4h → 2h from 2026-11-15 | 50.0% |"),
        "{november}"
    );
    assert!(november.contains("## Amendments to the terms"), "{november}");
    assert!(
        november.contains("- P2 resolution: 4h from 2026-01-01, 2h from 2026-11-15"),
        "{november}"
    );
    // The clocks say which version judged them.
    let inc3 = desk.run(now, &["clocks", "--explain", "INC3"]);
    assert!(inc3.contains("2h"), "{inc3}");
    assert!(inc3.to_lowercase().contains("breach"), "{inc3}");
    let inc2 = desk.run(now, &["clocks", "--explain", "INC2"]);
    assert!(inc2.contains("4h"), "{inc2}");
}

#[test]
fn the_service_form_adds_a_version_from_today_or_corrects_the_past_with_a_note() {
    use sdm::app::services::{SaveService, save, values};
    let desk = Desk::new();
    let then = "2026-11-20T09:00:00Z";
    desk.run(then, &["import", "portfolio", &desk.file("one.toml", ONE_TERM)]);
    desk.run(then, &["import", "tickets", &desk.file("tickets.csv", TICKETS)]);

    let path = desk.dir.path().join("sdm.db");
    let mut store = sdm::store::Store::open(&path, sdm::store::OpenMode::Existing).unwrap();
    let ctx = |now: &str| sdm::app::Ctx {
        db: path.clone(),
        now: now.parse().unwrap(),
        now_fixed: true,
        settings: sdm::config::Settings::default(),
        tz: chrono_tz::Tz::UTC,
        color: false,
    };
    let id = sdm::store::queries::find_service(store.conn(), "Payroll").unwrap().id;
    let form = |store: &sdm::store::Store, today: &str, p2: &str, apply: &str| {
        let (v, _) = values(store, today.parse().unwrap(), &id).unwrap();
        let get = |k: &str| v.get(k).cloned().unwrap_or_default();
        SaveService {
            id: Some(id.clone()),
            name: get("name"),
            customer: get("customer"),
            agreement_kind: get("agreement_kind"),
            agreement_ref: get("agreement_ref"),
            window: get("window"),
            criticality: get("criticality"),
            priorities: [String::new(), p2.to_string(), String::new(), String::new()],
            targets_apply: apply.to_string(),
            ..SaveService::default()
        }
    };
    // The response goal is added and the resolution tightened from 15 November.
    let c = ctx("2026-11-15T08:00:00Z");
    let input = form(&store, "2026-11-15", "30m / 2h", "from today");
    save(&mut store, &c, &input).unwrap();
    let versions: Vec<(String, Option<String>)> = store
        .conn()
        .prepare(
            "SELECT goal, valid_from FROM sla_targets WHERE deleted = 0 AND kind = 'resolution' ORDER BY valid_from",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get::<_, f64>(0)?.to_string(), r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        versions,
        [
            ("14400".to_string(), Some("2026-01-01".to_string())),
            ("7200".to_string(), Some("2026-11-15".to_string()))
        ]
    );
    // The form shows the goal in force today; a correction of the past rewrites that version
    // and says so.
    let (v, _) = values(&store, "2026-11-20".parse().unwrap(), &id).unwrap();
    assert_eq!(v.get("p2").map(String::as_str), Some("30m / 2h"));
    let c = ctx("2026-11-20T08:00:00Z");
    let input = form(&store, "2026-11-20", "30m / 3h", "correct the past");
    save(&mut store, &c, &input).unwrap();
    let (goal, note): (f64, String) = store
        .conn()
        .query_row(
            "SELECT goal, note FROM sla_targets WHERE deleted = 0 AND kind = 'resolution' AND valid_from = '2026-11-15'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((goal, note.as_str()), (10_800.0, "corrected on 2026-11-20 from 2h"));
    drop(store);
    let november = desk.run(
        "2026-12-03T09:00:00Z",
        &["report", "--service", "Payroll", "--month", "2026-11", "--internal"],
    );
    assert!(
        november.contains("- P2 resolution: 4h from 2026-01-01, 3h from 2026-11-15 (corrected on 2026-11-20 from 2h)"),
        "{november}"
    );
    // 3h: INC3 resolved in exactly 3h meets the corrected goal.
    assert!(november.contains("4h → 3h from 2026-11-15 | 100.0% |"), "{november}");

    // Emptying a target from today is refused (its past keeps it); a goal changed and changed
    // back on one day leaves no version behind.
    let mut store = sdm::store::Store::open(&path, sdm::store::OpenMode::Existing).unwrap();
    let c = ctx("2026-12-05T08:00:00Z");
    let input = form(&store, "2026-12-05", "", "from today");
    let Err(e) = save(&mut store, &c, &input) else {
        panic!("emptied from today was saved")
    };
    assert!(e.to_string().contains("cannot end from today"), "{e}");
    let count = |store: &sdm::store::Store| -> i64 {
        store
            .conn()
            .query_row("SELECT count(*) FROM sla_targets WHERE deleted = 0", [], |r| r.get(0))
            .unwrap()
    };
    let before = count(&store);
    let input = form(&store, "2026-12-05", "30m / 1h", "from today");
    save(&mut store, &c, &input).unwrap();
    assert_eq!(count(&store), before + 1);
    let input = form(&store, "2026-12-05", "30m / 3h", "from today");
    save(&mut store, &c, &input).unwrap();
    assert_eq!(count(&store), before, "back to 3h the same day: no version left");

    // A version from today is one undo step: undone, the goal in force is the one before.
    let input = form(&store, "2026-12-05", "30m / 1h", "from today");
    save(&mut store, &c, &input).unwrap();
    assert_eq!(count(&store), before + 1);
    sdm::app::records::undo(&mut store, true).unwrap();
    assert_eq!(count(&store), before, "the version from today is undone");
    let (v, _) = values(&store, "2026-12-05".parse().unwrap(), &id).unwrap();
    assert_eq!(v.get("p2").map(String::as_str), Some("30m / 3h"));
}

#[test]
fn a_month_straddling_an_availability_change_is_judged_day_by_day() {
    let desk = Desk::new();
    let now = "2026-12-03T09:00:00Z";
    // 99.9% to the 15th, 99% from the 16th: November's budget is 15 days at 0.1% (21.6 min)
    // and 15 at 1% (216 min), 237.6 minutes: a goal of 99.45% over the month.
    // 200 minutes down on the 5th: 99.537%, within the month's 237.6 minutes (though past
    // what 99.9% alone would allow).
    availability_change(&desk, now, "2026-11-16", "2026-11-05");
    let november = desk.run(now, &["report", "--service", "Payroll", "--month", "2026-11"]);
    let row = november
        .lines()
        .find(|l| l.starts_with("| availability |"))
        .unwrap_or_default()
        .to_string();
    assert!(row.contains("99.9% → 99% from 2026-11-16"), "{row}");
    assert!(row.contains("| met |"), "{row}\n{november}");
    let agenda: serde_json::Value = serde_json::from_str(&desk.run(now, &["agenda", "--json"])).unwrap();
    assert_eq!(agenda["breaches"].as_array().map(Vec::len), Some(0), "{agenda}");
    // 250 minutes instead: past the 237.6, missed and recorded.
    desk.run(
        now,
        &[
            "import",
            "outages",
            &desk.file(
                "more.csv",
                "service,start,end,planned,summary\nPayroll,2026-11-20 10:00,2026-11-20 10:50,no,Down again\n",
            ),
        ],
    );
    let agenda: serde_json::Value = serde_json::from_str(&desk.run(now, &["agenda", "--json"])).unwrap();
    let titles: Vec<String> = agenda["breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["title"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(titles.len(), 1, "{titles:?}");
    assert!(titles[0].starts_with("availability 2026-11"), "{titles:?}");
}

#[test]
fn a_goal_weighted_by_day_reads_as_written_in_the_review() {
    let desk = Desk::new();
    let now = "2026-11-03T09:00:00Z";
    // 99.9% for 10 days of October, 99% for 21: a goal of 99.2903…% over the month.
    availability_change(&desk, now, "2026-10-11", "2026-10-05");
    let october = desk.run(now, &["report", "--service", "Payroll", "--month", "2026-10"]);
    let line = october
        .lines()
        .find(|l| l.starts_with("**Availability:**"))
        .unwrap_or_default();
    assert!(
        line.starts_with("**Availability:** 99.55197% against 99.2903% ·"),
        "{line}"
    );
}

/// Payroll's availability goal goes from 99.9% to 99% on `from`; it was down for 200 minutes
/// on `down` (from 10:00).
fn availability_change(desk: &Desk, now: &str, from: &str, down: &str) {
    let portfolio = format!(
        r#"
[[service]]
name = "Payroll"
customer = "Acme"
window = "24x7"
targets = [ {{ kind = "availability", goal = "99.9%" }},
            {{ kind = "availability", goal = "99%", from = "{from}" }} ]
"#
    );
    desk.run(now, &["import", "portfolio", &desk.file("avail.toml", &portfolio)]);
    let outages = format!("service,start,end,planned,summary\nPayroll,{down} 10:00,{down} 13:20,no,Down\n");
    desk.run(now, &["import", "outages", &desk.file("outages.csv", &outages)]);
}
