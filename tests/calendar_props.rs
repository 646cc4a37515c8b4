//! Properties of business-hours calendars that must hold for any instants: working time is
//! additive, never negative, never more than wall time, and adding working time then
//! measuring it back gives the same amount — across daylight-saving changes too.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use proptest::prelude::*;
use sdm::domain::sla::{Calendar, WeekHours};

fn office(zone: &str) -> Calendar {
    let mut map = BTreeMap::new();
    for d in ["mon", "tue", "wed", "thu"] {
        map.insert(d.to_string(), vec!["08:00-18:00".to_string()]);
    }
    map.insert(
        "fri".to_string(),
        vec!["08:00-12:00".to_string(), "13:00-17:00".to_string()],
    );
    // A night shift across the DST hour on Sundays, to exercise the gaps and repeats.
    map.insert("sun".to_string(), vec!["00:00-04:00".to_string()]);
    let holidays: Vec<chrono::NaiveDate> = ["2026-04-06", "2026-12-25", "2026-12-26", "2027-01-01"]
        .iter()
        .map(|d| d.parse().unwrap())
        .collect();
    Calendar::new("Office", zone, WeekHours::from_map(&map).unwrap(), &holidays).unwrap()
}

/// Instants over 2026 and early 2027 (both DST changes in Europe and America).
fn instant() -> impl Strategy<Value = i64> {
    1_767_225_600i64..1_800_000_000i64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn working_time_is_additive_bounded_and_never_negative(a in instant(), d1 in 0i64..2_000_000, d2 in 0i64..2_000_000) {
        for cal in [office("Europe/Amsterdam"), office("America/New_York")] {
            let (b, c) = (a + d1, a + d1 + d2);
            let ab = cal.working_seconds(a, b);
            let bc = cal.working_seconds(b, c);
            prop_assert_eq!(ab + bc, cal.working_seconds(a, c));
            prop_assert!(ab >= 0 && ab <= b - a);
            if c > a {
                prop_assert_eq!(cal.working_seconds(c, a), 0, "backwards is nothing");
            }
            prop_assert!(cal.working_seconds(a, c) >= ab, "monotone in the end");
        }
    }

    #[test]
    fn adding_working_time_measures_back(a in instant(), secs in 0i64..400_000) {
        for cal in [office("Europe/Amsterdam"), office("America/New_York")] {
            let end = cal.add_working(a, secs).unwrap();
            prop_assert!(end >= a);
            prop_assert_eq!(cal.working_seconds(a, end), secs);
            // And it is the first such instant: a second earlier is not enough.
            if secs > 0 {
                prop_assert_eq!(cal.working_seconds(a, end - 1), secs - 1);
            }
        }
    }

    #[test]
    fn always_on_is_wall_time(a in instant(), d in 0i64..10_000_000) {
        let cal = Calendar::always_on();
        prop_assert_eq!(cal.working_seconds(a, a + d), d);
        prop_assert_eq!(cal.add_working(a, d), Some(a + d));
    }
}
