//! Service credits computed from the agreement's schedule: the portfolio's `charge` and
//! `credits`, the month's tier from sdm's own availability, the cap, missed tickets, a credit
//! typed by hand standing in for the computed one, and where the figures show.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use serde_json::Value;

const PORTFOLIO: &str = r#"
[[service]]
name = "Payroll"
customer = "Acme"
agreement = "contract"
window = "24x7"
charge = "10000 EUR"
cost = "6200 EUR"
credits = { availability = [ { below = "99.9%", credit = "10%" },
                             { below = "99.0%", credit = "25%" },
                             { below = "95.0%", credit = "100%" } ],
            per_breach = { P1 = "500 EUR", P2 = "2%" }, cap = "20%", minimum = "50 EUR" }
targets = [ { kind = "availability", goal = "99.9%" },
            { kind = "resolution", priority = "P1", goal = "4h" } ]
"#;

struct Desk {
    dir: tempfile::TempDir,
}

impl Desk {
    fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config.toml"), "timezone = \"UTC\"\n").unwrap();
        let desk = Desk { dir };
        let file = desk.file("portfolio.toml", PORTFOLIO);
        desk.run("2026-11-01T00:00:00Z", &["import", "portfolio", &file]);
        desk
    }

    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn cmd(&self, now: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sdm"));
        cmd.arg("--db")
            .arg(self.dir.path().join("sdm.db"))
            .arg("--config")
            .arg(self.dir.path().join("config.toml"))
            .arg("--now")
            .arg(now)
            .args(args)
            .env_remove("SDM_DB")
            .env("NO_COLOR", "1");
        cmd
    }

    fn run(&self, now: &str, args: &[&str]) -> String {
        let out = self.cmd(now, args).assert().success().get_output().stdout.clone();
        String::from_utf8(out).unwrap()
    }

    fn credits(&self, now: &str) -> Value {
        let agenda: Value = serde_json::from_str(&self.run(now, &["agenda", "--json"])).unwrap();
        agenda["credits"][0].clone()
    }
}

/// November (30 days, 43,200 minutes) down 561.6 minutes: 98.7% available.
const NOVEMBER_OUTAGE: &str =
    "service,start,end,planned,summary\nPayroll,2026-11-10 00:00:00,2026-11-10 09:21:36,no,Database down\n";

#[test]
fn a_month_at_98_7_percent_earns_the_25_percent_tier_capped_at_20_percent() {
    let desk = Desk::new();
    let file = desk.file("outages.csv", NOVEMBER_OUTAGE);
    desk.run("2026-11-20T00:00:00Z", &["import", "outages", &file]);

    // The last day of November: the month as it will end, 2,500 capped to 2,000.
    let c = desk.credits("2026-11-30T12:00:00Z");
    assert_eq!(c["service"], "Payroll");
    assert_eq!(c["month"], "2026-11");
    assert_eq!(c["availability"], 98.7);
    assert_eq!(c["tier"], "below 99%: 25%");
    assert_eq!(c["at_risk"], 2000.0);
    assert_eq!(c["currency"], "EUR");
    let why = c["explanation"].as_str().unwrap();
    assert!(why.starts_with("2,000.00 EUR (availability 98.70%"), "{why}");
    assert!(why.contains("25% of 10,000.00 EUR"), "{why}");
    assert!(why.contains("capped from 2,500.00 EUR"), "{why}");
    // 95% of the month allows 2,160 minutes down; 561.6 are gone: 1,598 minutes left.
    assert_eq!(c["next_tier"], "below 95%");
    assert_eq!(c["downtime_left_minutes"], 1598);

    // The review of November says the same, with the tier that applied.
    let review = desk.run(
        "2026-12-03T09:00:00Z",
        &["report", "--service", "Payroll", "--month", "2026-11"],
    );
    assert!(review.contains("Service credits: 2,000.00 EUR"), "{review}");
    assert!(
        review.contains(
            "- 2026-11: 2,000.00 EUR (availability 98.70% is below 99%: 25% of 10,000.00 EUR; capped from 2,500.00 EUR)"
        ),
        "{review}"
    );
}

#[test]
fn the_running_month_shows_the_downtime_left_before_the_next_tier_to_the_minute() {
    let desk = Desk::new();
    // Ten minutes down in December (31 days): 0.1% of it is 2,678.4 s, so 2,078 s (34
    // minutes) are left before 99.9%; nothing is owed yet.
    let file = desk.file(
        "outages.csv",
        "service,start,end,planned,summary\nPayroll,2026-12-02 10:00,2026-12-02 10:10,no,Blip\n",
    );
    desk.run("2026-12-03T09:00:00Z", &["import", "outages", &file]);
    let c = desk.credits("2026-12-03T09:00:00Z");
    assert_eq!(c["month"], "2026-12");
    assert_eq!(c["at_risk"], 0.0);
    assert_eq!(c["tier"], Value::Null);
    assert_eq!(c["next_tier"], "below 99.9%");
    assert_eq!(c["downtime_left_minutes"], 34);
    // The plain agenda lists only what is owed.
    let text = desk.run("2026-12-03T09:00:00Z", &["agenda"]);
    assert!(!text.contains("Service credits this month"), "{text}");

    // The Services pane, zoomed to the money, says the same to the minute.
    let now: chrono::DateTime<chrono::Utc> = "2026-12-03T09:00:00Z".parse().unwrap();
    let path = desk.dir.path().join("sdm.db");
    let store = sdm::store::Store::open(&path, sdm::store::OpenMode::Existing).unwrap();
    let ctx = sdm::app::Ctx {
        db: path,
        now,
        now_fixed: true,
        settings: sdm::config::Settings::default(),
        tz: chrono_tz::Tz::UTC,
        color: false,
    };
    let mut rt = sdm::tui::Runtime::new(store, &ctx, "test.db");
    rt.reload(false);
    let row = rt.app.snap.services.iter().find(|r| r.name == "Payroll").unwrap();
    assert_eq!(
        (
            row.next_tier.as_str(),
            row.credit.as_str(),
            row.charge.as_str(),
            row.cost.as_str(),
            row.margin.as_str()
        ),
        ("34m", "0 EUR", "10,000 EUR", "6,200 EUR", "3,800 EUR")
    );
    rt.app.zoomed = true;
    let backend = ratatui::backend::TestBackend::new(80, 24);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    terminal
        .draw(|f| sdm::tui::view::draw(f, &rt.app, sdm::tui::view::Theme { color: false }))
        .unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .chunks(80)
        .map(|line| line.iter().map(|c| c.symbol()).collect::<String>() + "\n")
        .collect();
    let line = screen.lines().find(|l| l.contains("Payroll")).unwrap_or_default();
    for cell in ["34m", "10,000 EUR", "6,200 EUR", "3,800 EUR"] {
        assert!(line.contains(cell), "{cell} in {line}\n{screen}");
    }
    assert!(screen.contains("Next tier"), "{screen}");
}

#[test]
fn missed_tickets_add_their_credit_and_a_credit_typed_by_hand_stands_in_and_says_so() {
    let desk = Desk::new();
    // Two P1 incidents in November, resolved after 6h (target 4h): two missed P1, 500 each.
    let file = desk.file(
        "tickets.csv",
        "number,service,priority,state,opened,responded,resolved,summary\n\
         INC1,Payroll,P1,resolved,2026-11-03 08:00,2026-11-03 08:05,2026-11-03 14:00,Pay run stuck\n\
         INC2,Payroll,P1,resolved,2026-11-05 08:00,2026-11-05 08:05,2026-11-05 14:00,Pay run stuck again\n",
    );
    desk.run("2026-11-20T00:00:00Z", &["import", "tickets", &file]);
    let c = desk.credits("2026-11-20T00:00:00Z");
    assert_eq!(c["at_risk"], 1000.0, "{c}");
    assert!(
        c["explanation"].as_str().unwrap().contains("2 missed P1: 1,000.00 EUR"),
        "{c}"
    );

    // One is settled by hand at 300: it stands in for its 500.
    desk.run(
        "2026-11-20T00:00:00Z",
        &[
            "breach",
            "--close",
            "INC1",
            "--clock",
            "resolution",
            "--cause",
            "other",
            "--credit",
            "300",
        ],
    );
    let c = desk.credits("2026-11-20T00:00:00Z");
    assert_eq!(c["at_risk"], 800.0, "{c}");
    assert_eq!(c["typed_by_hand"], 1);
    assert!(
        c["explanation"]
            .as_str()
            .unwrap()
            .contains("300.00 EUR of it typed by hand on 1 breach"),
        "{c}"
    );
}

#[test]
fn a_schedule_that_cannot_be_applied_is_refused_whole() {
    let desk = Desk::new();
    let bad = desk.file(
        "bad.toml",
        r#"
[[service]]
name = "Email"
cost = "100 USD"
charge = "200 EUR"
credits = { availability = [ { below = "99.9%", credit = "500 EUR" } ], per_breach = { P9 = "1%" } }
"#,
    );
    let out = desk
        .cmd("2026-11-20T00:00:00Z", &["import", "portfolio", &bad])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("one currency per service"), "{err}");
    assert!(err.contains("share of the charge"), "{err}");
    assert!(err.contains("P9"), "{err}");
    let nocharge = desk.file(
        "nocharge.toml",
        "[[service]]\nname = \"Email\"\ncredits = { cap = \"20%\" }\n",
    );
    let out = desk
        .cmd("2026-11-20T00:00:00Z", &["import", "portfolio", &nocharge])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("need the monthly charge"), "{err}");
}

#[test]
fn a_new_charge_applies_from_its_month_and_novembers_credit_and_costs_stay() {
    let desk = Desk::new();
    let file = desk.file("outages.csv", NOVEMBER_OUTAGE);
    desk.run("2026-11-20T00:00:00Z", &["import", "outages", &file]);
    let before = desk.run(
        "2026-12-03T09:00:00Z",
        &["report", "--service", "Payroll", "--month", "2026-11"],
    );
    // The charge goes up in December.
    let raise = desk.file(
        "raise.toml",
        "[[service]]\nname = \"Payroll\"\ncharge = \"12000 EUR\"\n",
    );
    desk.run("2026-12-03T09:00:00Z", &["import", "portfolio", &raise]);
    let after = desk.run(
        "2026-12-03T09:00:00Z",
        &["report", "--service", "Payroll", "--month", "2026-11"],
    );
    let credits = |r: &str| {
        r.lines()
            .filter(|l| l.contains("Service credits") || l.starts_with("- 2026-11"))
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        credits(&before),
        credits(&after),
        "November is judged on November's charge"
    );
    assert!(after.contains("25% of 10,000.00 EUR"), "{after}");

    let costs = |month: &str| -> Value {
        serde_json::from_str(&desk.run("2026-12-20T09:00:00Z", &["costs", "--month", month, "--json"])).unwrap()
    };
    let nov = costs("2026-11");
    assert_eq!(nov["services"][0]["charge"], 10_000.0);
    assert_eq!(nov["services"][0]["credits"], 2_000.0);
    assert_eq!(nov["services"][0]["margin"], 10_000.0 - 6_200.0 - 2_000.0);
    assert_eq!(nov["services"][0]["tier"], "below 99%: 25%");
    let dec = costs("2026-12");
    assert_eq!(dec["services"][0]["charge"], 12_000.0);
    assert_eq!(dec["finished"], false);
}

#[test]
fn costs_per_customer_add_up_to_the_services() {
    let desk = Desk::new();
    let more = desk.file(
        "more.toml",
        r#"
[[service]]
name = "Email"
customer = "Acme"
charge = "3000 EUR"
cost = "2500 EUR"

[[service]]
name = "Wiki"
customer = "Globex"
cost = "800 EUR"
"#,
    );
    desk.run("2026-11-01T00:00:00Z", &["import", "portfolio", &more]);
    let doc: Value =
        serde_json::from_str(&desk.run("2026-12-03T09:00:00Z", &["costs", "--month", "2026-11", "--json"])).unwrap();
    let services = doc["services"].as_array().unwrap();
    assert_eq!(services.len(), 3);
    for c in doc["customers"].as_array().unwrap() {
        let name = c["customer"].as_str().unwrap();
        let mine: Vec<&Value> = services.iter().filter(|s| s["customer"] == name).collect();
        let sum = |k: &str| mine.iter().map(|s| s[k].as_f64().unwrap_or(0.0)).sum::<f64>();
        let total = &c["totals"][0];
        for k in ["charge", "cost", "credits", "margin"] {
            assert_eq!(total[k].as_f64().unwrap(), sum(k), "{name} {k}");
        }
    }
    let acme = &doc["customers"][0];
    assert_eq!(acme["customer"], "Acme");
    assert_eq!(acme["totals"][0]["charge"], 13_000.0);
    assert_eq!(acme["totals"][0]["margin"], 10_000.0 - 6_200.0 + 3_000.0 - 2_500.0);
    // Globex has no charge: its margin is not made up.
    assert_eq!(doc["customers"][1]["totals"][0]["priced"], 0);
    let text = desk.run("2026-12-03T09:00:00Z", &["costs", "--month", "2026-11"]);
    assert!(text.contains("All services, EUR"), "{text}");
    assert!(text.contains("of 3: charge 2, cost 3, margin 2"), "{text}");
}
