//! The SLA clocks to the second where calendars are hardest: working ranges that meet inside
//! the hour the clocks repeat in autumn or skip in spring (Amsterdam, New York, Lord Howe's
//! half-hour shift, Kolkata without any), clocks stopped exactly at their target, facts
//! recorded after the moment of evaluation, and timelines of clocks that ran for months. The
//! worked examples are the reproductions an independent implementation found; the properties
//! would have caught them.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use chrono::DateTime;
use proptest::prelude::*;
use sdm::domain::model::Pause;
use sdm::domain::sla::explain::{Entry, explain};
use sdm::domain::sla::{Calendar, ClockInput, ClockState, Thresholds, WeekHours, evaluate};

fn at(text: &str) -> i64 {
    DateTime::parse_from_rfc3339(text).unwrap().timestamp()
}

fn every_day(zone: &str, ranges: &[&str]) -> Calendar {
    let mut map = BTreeMap::new();
    for d in ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] {
        map.insert(d.to_string(), ranges.iter().map(|r| r.to_string()).collect());
    }
    Calendar::new("test", zone, WeekHours::from_map(&map).unwrap(), &[]).unwrap()
}

const TH: Thresholds = Thresholds {
    warn_pct: 50.0,
    risk_pct: 75.0,
};

fn clock(cal: &Calendar, start: &str, stop: Option<&str>, target: i64, now: &str) -> sdm::domain::sla::ClockEval {
    let input = ClockInput {
        start: at(start),
        stop: stop.map(at),
        pauses: &[],
        target,
    };
    evaluate(cal, &input, at(now), &TH)
}

#[test]
fn a_repeated_hour_between_two_ranges_counts_once() {
    // Amsterdam, 2026-10-25: 03:00 CEST goes back to 02:00 CET. Ranges 01:00-02:30 and
    // 02:30-04:00 meet inside the repeated hour. A P1 opened 00:00Z (02:00 CEST), responded
    // 00:50Z: 50 minutes really passed, all of it working time.
    let ams = every_day("Europe/Amsterdam", &["01:00-02:30", "02:30-04:00"]);
    let e = clock(
        &ams,
        "2026-10-25T00:00:00Z",
        Some("2026-10-25T00:50:00Z"),
        3_600,
        "2026-10-25T06:00:00Z",
    );
    assert_eq!(e.elapsed, 3_000, "50 minutes, not 70");
    assert_eq!(e.state, ClockState::Met);
    // The whole day: 01:00 CEST (23:00Z) to 04:00 CET (03:00Z) is four real hours.
    assert_eq!(
        ams.working_seconds(at("2026-10-24T22:00:00Z"), at("2026-10-25T05:00:00Z")),
        4 * 3_600
    );
    // New York, 2026-11-01 (ranges meeting at 01:45, inside the repeated hour).
    let ny = every_day("America/New_York", &["00:30-01:45", "01:45-03:00"]);
    assert_eq!(
        ny.working_seconds(at("2026-11-01T04:00:00Z"), at("2026-11-01T09:00:00Z")),
        at("2026-11-01T08:00:00Z") - at("2026-11-01T04:30:00Z"),
        "00:30 EDT to 03:00 EST is three and a half real hours"
    );
    // Lord Howe, 2026-04-05: 02:00 (+11) goes back to 01:30 (+10:30). A ticket open 30 real
    // minutes uses 30 minutes of a 40-minute target.
    let lh = every_day("Australia/Lord_Howe", &["01:00-01:45", "01:45-03:00"]);
    let opened = at("2026-04-04T14:30:00Z"); // 01:30 +11
    let e = evaluate(
        &lh,
        &ClockInput {
            start: opened,
            stop: Some(opened + 1_800),
            pauses: &[],
            target: 2_400,
        },
        opened + 3_600,
        &TH,
    );
    assert_eq!(e.elapsed, 1_800);
    assert_eq!(e.state, ClockState::Met);
}

#[test]
fn a_clock_that_used_exactly_its_target_is_met_and_its_timeline_says_so() {
    let cal = Calendar::always_on();
    let input = ClockInput {
        start: at("2026-11-02T09:00:00Z"),
        stop: Some(at("2026-11-02T09:30:00Z")),
        pauses: &[],
        target: 1_800,
    };
    let now = at("2026-11-02T12:00:00Z");
    let e = evaluate(&cal, &input, now, &TH);
    assert_eq!((e.state, e.elapsed), (ClockState::Met, 1_800));
    let entries = explain(&cal, &input, &e, now);
    assert!(
        !entries.iter().any(|x| matches!(x, Entry::TargetReached(_))),
        "{entries:?}"
    );
    let text = sdm::domain::sla::explain::render_text(&entries, &e, chrono_tz::UTC);
    assert!(!text.contains("breached"), "{text}");
    assert!(text.contains("clock stops: met"), "{text}");
}

#[test]
fn facts_after_now_have_not_happened_yet() {
    // Resolved at 19:00, evaluated at 15:00: the clock is still running at 15:00 (62.5% of
    // 8 hours since 10:00), not breached three hours in the future.
    let cal = Calendar::always_on();
    let e = clock(
        &cal,
        "2026-11-02T10:00:00Z",
        Some("2026-11-02T19:00:00Z"),
        8 * 3_600,
        "2026-11-02T15:00:00Z",
    );
    assert_eq!(e.state, ClockState::Running);
    assert_eq!(e.elapsed, 5 * 3_600);
    assert!((e.percent_used - 62.5).abs() < 1e-9);
    assert_eq!(e.crossed_at, None);
}

#[test]
fn a_long_timeline_sums_to_the_clock_and_stays_in_time_order() {
    // Open since March, explained in December, on office hours with a pause.
    let cal = every_day("Europe/Amsterdam", &["08:00-12:00", "13:00-17:00"]);
    let pauses = [Pause {
        start: at("2026-06-01T08:00:00Z"),
        end: Some(at("2026-06-15T08:00:00Z")),
    }];
    let input = ClockInput {
        start: at("2026-03-02T09:00:00Z"),
        stop: None,
        pauses: &pauses,
        target: 40 * 3_600,
    };
    let now = at("2026-12-01T10:00:00Z");
    let e = evaluate(&cal, &input, now, &TH);
    let entries = explain(&cal, &input, &e, now);
    let counted: i64 = entries
        .iter()
        .map(|x| match x {
            Entry::Counted(_, _, s) | Entry::Elided(_, _, _, s) => *s,
            _ => 0,
        })
        .sum();
    assert_eq!(counted, e.elapsed, "the last running total is the clock's elapsed");
    assert!(
        entries.iter().any(|x| matches!(x, Entry::Elided(..))),
        "the middle is summed"
    );
    let times: Vec<i64> = entries
        .iter()
        .filter_map(|x| match x {
            Entry::Started(t) | Entry::Counted(t, _, _) | Entry::TargetReached(t) | Entry::Elided(t, ..) => Some(*t),
            _ => None,
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order: {entries:?}");
}

/// A calendar whose every day has two ranges meeting at `split` minutes past midnight
/// (inside the small hours where the clocks change), from `from` to `to` minutes.
fn split_day(zone: &str, from: u32, split: u32, to: u32) -> Calendar {
    let hm = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
    let a = format!("{}-{}", hm(from), hm(split));
    let b = format!("{}-{}", hm(split), hm(to));
    every_day(zone, &[a.as_str(), b.as_str()])
}

/// Instants around the 2026 clock changes of the four zones.
fn near_a_change() -> impl Strategy<Value = i64> {
    prop_oneof![
        at("2026-03-28T12:00:00Z")..at("2026-03-30T12:00:00Z"), // Amsterdam spring
        at("2026-10-24T12:00:00Z")..at("2026-10-26T12:00:00Z"), // Amsterdam autumn
        at("2026-03-07T12:00:00Z")..at("2026-03-09T12:00:00Z"), // New York spring
        at("2026-10-31T12:00:00Z")..at("2026-11-02T12:00:00Z"), // New York autumn
        at("2026-04-04T00:00:00Z")..at("2026-04-06T00:00:00Z"), // Lord Howe autumn
        at("2026-10-03T00:00:00Z")..at("2026-10-05T00:00:00Z"), // Lord Howe spring
    ]
}

/// Working seconds by brute force, written apart from the calendar: each range of each local
/// day becomes the real minutes from the first instant its start has (after a gap, the first
/// that exists) to the last instant its end has; every real minute of `[start, end)` that any
/// of them covers counts once.
fn oracle(zone: &str, ranges: &[(u32, u32)], start: i64, end: i64) -> i64 {
    use chrono::TimeZone;
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    let instant = |date: chrono::NaiveDate, minutes: u32, first: bool| -> i64 {
        let mut naive = date.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::minutes(i64::from(minutes));
        loop {
            let found = if first {
                tz.from_local_datetime(&naive).earliest()
            } else {
                tz.from_local_datetime(&naive).latest()
            };
            if let Some(t) = found {
                return t.timestamp();
            }
            naive += chrono::Duration::minutes(1);
        }
    };
    let mut covered = std::collections::HashSet::new();
    let local = |t: i64| DateTime::from_timestamp(t, 0).unwrap().with_timezone(&tz).date_naive();
    let mut date = local(start).pred_opt().unwrap();
    while date <= local(end).succ_opt().unwrap() {
        for &(a, b) in ranges {
            let (s, e) = (instant(date, a, true), instant(date, b, false));
            let mut t = s;
            while t < e {
                covered.insert(t / 60);
                t += 60;
            }
        }
        date = date.succ_opt().unwrap();
    }
    (start / 60..end / 60).filter(|m| covered.contains(m)).count() as i64 * 60
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn working_time_is_the_real_minutes_the_ranges_cover(
        start in near_a_change(),
        minutes in 0i64..(2 * 24 * 60),
        from in 0u32..8,
        split in 8u32..16,
        to in 16u32..24,
        zone in prop::sample::select(vec!["Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
    ) {
        let start = start - start.rem_euclid(60);
        let end = start + minutes * 60;
        let cal = split_day(zone, from * 15, split * 15, to * 15);
        let ranges = [(from * 15, split * 15), (split * 15, to * 15)];
        prop_assert_eq!(cal.working_seconds(start, end), oracle(zone, &ranges, start, end));
    }

    #[test]
    fn working_time_and_deadlines_are_inverses_across_folds_and_gaps(
        start in near_a_change(),
        len in 0i64..(3 * 86_400),
        from in 0u32..8,
        split in 8u32..16,
        to in 16u32..24,
        zone in prop::sample::select(vec!["Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]),
    ) {
        // Ranges on quarter hours between 00:00 and 06:00, meeting at the split.
        let cal = split_day(zone, from * 15, split * 15, to * 15);
        let end = start + len;
        let worked = cal.working_seconds(start, end);
        prop_assert!(worked >= 0 && worked <= end - start, "never more than wall time");
        // For every end inside working time, adding back what was measured lands on it.
        if worked > 0 && cal.is_working(end - 1) {
            prop_assert_eq!(cal.add_working(start, worked), Some(end));
        }
        // And adding working time measures back to the same amount.
        if let Some(d) = cal.add_working(start, worked) {
            prop_assert_eq!(cal.working_seconds(start, d), worked);
        }
    }
}

#[test]
fn a_clock_is_at_risk_by_time_left_where_the_settings_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let db = db.to_str().unwrap();
    let config = dir.path().join("config.toml");
    let portfolio = format!("{}/tests/fixtures/portfolio.toml", env!("CARGO_MANIFEST_DIR"));
    let sdm = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sdm"))
            .args([
                "--db",
                db,
                "--config",
                config.to_str().unwrap(),
                "--now",
                "2026-11-22T09:00:00Z",
            ])
            .args(args)
            .env_remove("SDM_DB")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    std::fs::write(&config, "timezone = \"UTC\"\n").unwrap();
    sdm(&["import", "portfolio", &portfolio]);
    // Payroll's P1 response: 15 minutes, 24x7. Opened 6 minutes ago: 40% used, 9 minutes left.
    let file = dir.path().join("t.csv");
    std::fs::write(
        &file,
        "ref,service,priority,opened,responded\nINC1,Payroll,P1,2026-11-22 08:54,\n",
    )
    .unwrap();
    sdm(&["import", "tickets", file.to_str().unwrap()]);
    let at_risk = |out: &str| -> bool {
        let all: Vec<serde_json::Value> = serde_json::from_str(out).unwrap();
        all.iter()
            .find(|c| c["reference"] == "INC1" && c["clock"] == "response")
            .unwrap()["at_risk"]
            .as_bool()
            .unwrap()
    };
    assert!(
        !at_risk(&sdm(&["clocks", "--json"])),
        "by share alone, 40% is not at risk"
    );
    std::fs::write(&config, "timezone = \"UTC\"\n[at_risk_left]\nP1 = \"10m\"\n").unwrap();
    assert!(at_risk(&sdm(&["clocks", "--json"])), "under 10 minutes left: at risk");
    let agenda: serde_json::Value = serde_json::from_str(&sdm(&["agenda", "--json"])).unwrap();
    assert_eq!(
        agenda["counts"]["at_risk"], 1,
        "the agenda counts it (its cache follows the setting)"
    );
}
