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
}
