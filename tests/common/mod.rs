//! Shared fixtures for the integration tests.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::NaiveDate;
use sdm::domain::enums::*;
use sdm::domain::ids::{natural_id, new_id};
use sdm::domain::model::*;
use sdm::store::{OpenMode, Store, builtin_calendar_id};

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A ticket like `model`, opened at `opened_at` and not yet answered, resolved or paused.
pub fn open_ticket_like(model: &Ticket, id: &str, reference: &str, service_id: &str, opened_at: i64) -> Ticket {
    Ticket {
        id: id.into(),
        reference: reference.into(),
        service_id: service_id.into(),
        opened_at,
        responded_at: None,
        resolved_at: None,
        pauses: vec![],
        hand_pauses: vec![],
        ignored_pauses: vec![],
        ..model.clone()
    }
}

pub fn service(name: &str) -> Service {
    Service {
        id: natural_id("service", name),
        name: name.to_string(),
        aliases: vec![format!("{}-PRD", name.to_uppercase())],
        customer: "Acme".into(),
        agreement_kind: AgreementKind::Contract,
        agreement_ref: "C-2024-17".into(),
        agreement_start: Some(day("2024-01-01")),
        agreement_end: Some(day("2027-12-31")),
        notice_days: Some(90),
        agreement_review: Some(day("2026-11-25")),
        criticality: Criticality::High,
        window_calendar_id: Some(builtin_calendar_id()),
        status: ServiceStatus::Active,
        monthly_cost: Some(12_500.0),
        description: "Monthly payroll runs".into(),
        currency: Some("EUR".into()),
        charge: Some(15_000.0),
        credits: sdm::domain::credits::Schedule::parse("below 99.9% 10%; P1 500 EUR; cap 20%", "EUR").ok(),
        money_history: Vec::new(),
    }
}

/// A store holding at least one record of every kind, one edited and one deleted.
pub fn populated(path: &std::path::Path) -> Store {
    let mut store = Store::open(path, OpenMode::Create).unwrap();
    let svc = service("Payroll");
    let sid = svc.id.clone();
    store
        .write(None, |w| {
            let cal = CalendarRecord {
                id: natural_id("calendar", "Office NL"),
                name: "Office NL".into(),
                timezone: "Europe/Amsterdam".into(),
                hours: [("mon".to_string(), vec!["08:00-18:00".to_string()])]
                    .into_iter()
                    .collect(),
                holidays: vec![day("2026-12-25")],
            };
            w.save(&cal)?;
            w.save(&svc)?;
            w.save(&SlaTarget {
                id: natural_id("target", &format!("{sid}/resolution/p2")),
                service_id: sid.clone(),
                kind: TargetKind::Resolution,
                priority: Some(Priority::P2),
                goal: 4.0 * 3600.0,
                calendar_id: Some(cal.id.clone()),
                valid_from: None,
                note: String::new(),
            })?;
            let ticket = Ticket {
                id: natural_id("ticket", "INC0012345"),
                reference: "INC0012345".into(),
                service_id: sid.clone(),
                kind: TicketKind::Incident,
                priority: Priority::P2,
                state: TicketState::Resolved,
                opened_at: 1_790_000_000,
                responded_at: Some(1_790_000_600),
                resolved_at: Some(1_790_010_000),
                pauses: vec![Pause {
                    start: 1_790_001_000,
                    end: Some(1_790_002_000),
                }],
                summary: "Payslips not generated, \"quoted\", with, commas".into(),
                critical: true,
                excluded_reason: None,
                response_measured: true,
                waiting_secs: None,
                tool_response: None,
                tool_resolution: None,
                excluded_note: None,
                hand_pauses: Vec::new(),
                ignored_pauses: Vec::new(),
            };
            w.save(&ticket)?;
            w.save(&Outage {
                id: new_id(),
                service_id: sid.clone(),
                start_at: 1_790_000_000,
                end_at: Some(1_790_003_600),
                planned: false,
                summary: "Database failover".into(),
                excluded_reason: Some("third party".into()),
                excluded_note: None,
            })?;
            w.save(&Breach {
                id: new_id(),
                service_id: sid.clone(),
                target_id: None,
                source: BreachSource::Manual,
                ticket_id: None,
                ticket_ref: None,
                period: Some("2026-10".into()),
                title: "Monthly report late".into(),
                breached_at: 1_790_100_000,
                status: BreachStatus::Open,
                customer_informed: false,
                credit: Some(250.5),
                notes: "Second time this year".into(),
                cause: None,
                history: Vec::new(),
            })?;
            let sh = Stakeholder {
                id: natural_id("stakeholder", "Ann de Vries"),
                name: "Ann de Vries".into(),
                organisation: "Acme".into(),
                role: "IT manager".into(),
                contact: "ann@example.com".into(),
                channel: Channel::Call,
                cadence_days: 14,
                notes: String::new(),
                service_ids: vec![sid.clone()],
            };
            w.save(&sh)?;
            let tp = TouchPoint {
                id: new_id(),
                stakeholder_id: sh.id.clone(),
                at: 1_790_200_000,
                channel: Channel::Call,
                summary: "Quarterly check-in".into(),
                sentiment: Some(2),
                follow_ups: "Send the availability report".into(),
                service_ids: vec![sid.clone()],
            };
            w.save(&tp)?;
            let change = Change {
                id: natural_id("change", "CHG0001"),
                reference: "CHG0001".into(),
                service_id: sid.clone(),
                kind: ChangeKind::Emergency,
                implemented_at: 1_790_300_000,
                outcome: ChangeOutcome::RolledBack,
                summary: "Patch the payroll engine".into(),
            };
            w.save(&change)?;
            let review = Review {
                id: natural_id("review", &change.id),
                kind: ReviewKind::Pir,
                service_id: sid.clone(),
                change_id: Some(change.id.clone()),
                ticket_id: None,
                title: "PIR CHG0001".into(),
                due: day("2026-11-20"),
                held_on: None,
                attendees: String::new(),
                what_went_wrong: String::new(),
                root_cause: String::new(),
                problem_ref: String::new(),
                findings: String::new(),
            };
            w.save(&review)?;
            let problem = Problem {
                id: natural_id("problem", "PRB0040001"),
                reference: "PRB0040001".into(),
                title: "Payroll engine patches roll back".into(),
                status: ProblemStatus::KnownError,
                root_cause: "The patch tool skips the schema check".into(),
                workaround: "Re-run the patch with --check".into(),
                owner: "Bob".into(),
                raised_on: Some(day("2026-10-02")),
                due: Some(day("2026-12-15")),
                fix_change_id: None,
                notes: String::new(),
                ticket_ids: vec![],
                change_ids: vec![change.id.clone()],
                breach_ids: vec![],
                review_ids: vec![review.id.clone()],
                service_ids: vec![sid.clone()],
            };
            w.save(&problem)?;
            w.save(&Action {
                id: new_id(),
                title: "Add a rollback test".into(),
                owner: "Bob".into(),
                due: Some(day("2026-11-24")),
                done_on: None,
                review_id: Some(review.id.clone()),
                touch_point_id: None,
                service_id: None,
                notes: String::new(),
                problem_id: Some(problem.id.clone()),
            })?;
            w.save(&Score {
                id: natural_id("score", &format!("{sid}/2026-10")),
                service_id: sid.clone(),
                period: "2026-10".into(),
                score: 3.2,
                scale_max: 5.0,
                responses: 41,
            })?;
            w.save(&SurveyResponse {
                id: natural_id("response", &format!("{sid}/2026-10-14/ann")),
                service_id: sid.clone(),
                answered_on: day("2026-10-14"),
                score: 9.0,
                scale: SurveyScale::ZeroToTen,
                respondent: "Ann de Vries".into(),
                comment: "Payslips on time again — thank you".into(),
            })?;
            w.save(&Improvement {
                id: new_id(),
                title: "Automate payslip checks".into(),
                service_id: Some(sid.clone()),
                review_id: Some(review.id.clone()),
                touch_point_id: None,
                kpi: "P2 resolution attainment".into(),
                owner: "Bob".into(),
                due: Some(day("2027-01-31")),
                status: ImprovementStatus::InProgress,
                notes: String::new(),
            })?;
            Ok(())
        })
        .unwrap();
    // An edit (per-field stamps) and a deletion (a tombstone) in later transactions.
    store
        .write(Some("edit service"), |w| {
            let mut s: Service = sdm::store::records::get_in(w.conn(), &sid)?.unwrap();
            s.description = "Monthly and ad-hoc payroll runs".into();
            w.save(&s)?;
            Ok(())
        })
        .unwrap();
    store
        .write(Some("delete stakeholder"), |w| {
            let extra = Stakeholder {
                id: natural_id("stakeholder", "Temp Person"),
                name: "Temp Person".into(),
                organisation: "Acme".into(),
                role: String::new(),
                contact: String::new(),
                channel: Channel::Email,
                cadence_days: 30,
                notes: String::new(),
                service_ids: vec![],
            };
            w.save(&extra)?;
            w.remove::<Stakeholder>(&extra.id)
        })
        .unwrap();
    store
}

pub fn sdm() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("sdm").unwrap();
    cmd.env_remove("SDM_DB")
        .env("NO_COLOR", "1")
        .env("TZ", "UTC")
        .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config");
    cmd
}

/// Presses each character as a key in the interface and carries out what it asks.
pub fn press(rt: &mut sdm::tui::Runtime, keys: &str) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    for c in keys.chars() {
        let effects = rt.app.handle(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        rt.apply(effects);
    }
}

/// Syncs copy `a` with copy `b` as over SSH (b's sdm serving on a pipe); the report.
pub fn sync(a: &std::path::Path, b: &std::path::Path) -> String {
    let server = format!(
        "{} --db '{}' sync --serve",
        assert_cmd::cargo::cargo_bin("sdm").display(),
        b.display()
    );
    let out = sdm()
        .args(["--db", a.to_str().unwrap(), "sync", "jumphost", "--remote-cmd", &server])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Presses one key in the interface and carries out what it asks.
pub fn key(rt: &mut sdm::tui::Runtime, code: crossterm::event::KeyCode) {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let effects = rt.app.handle(KeyEvent::new(code, KeyModifiers::NONE));
    rt.apply(effects);
}
