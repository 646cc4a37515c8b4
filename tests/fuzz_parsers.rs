//! Hostile input for the parsers a person types into: never a panic, never a control
//! character through to the screen. Bounded so CI stays quick; raise PROPTEST_CASES to dig.
#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use sdm::domain::parse::{format_duration, parse_date, parse_duration, parse_instant, parse_rfc3339};
use sdm::domain::text::inert;
use sdm::io::dates::DateOrder;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn dates_never_panic(s in "\\PC{0,40}") {
        let _ = parse_date(&s, today());
    }

    #[test]
    fn date_like_input_never_panics(sign in "[+-]?", n in "[0-9]{0,25}", unit in "[a-z]{0,6}") {
        let _ = parse_date(&format!("{sign}{n}{unit}"), today());
        let _ = parse_duration(&format!("{n}{unit}"));
    }

    #[test]
    fn durations_never_panic_and_round_trip(s in "\\PC{0,40}", secs in 0i64..10_000_000) {
        let _ = parse_duration(&s);
        // Whole minutes survive a format/parse round trip when there are no days or hours left over.
        let minutes = secs / 60 * 60;
        let shown = format_duration(minutes);
        prop_assert!(parse_duration(&shown).is_ok(), "{shown}");
    }

    #[test]
    fn export_cells_never_panic(s in "\\PC{0,40}", shaped in "[0-9]{1,4}[-/. ][0-9A-Za-zé]{1,4}[-/. ][0-9]{1,4}( [0-9]{1,2}:[0-9]{2}(:[0-9]{2})?( ?[AaPp][Mm])?)?( ?[+-][0-9é:]{1,5}|Z)?") {
        // Every reader of an export's cells: a value or a reason, never a panic.
        for text in [s.as_str(), shaped.as_str()] {
            for order in [None, Some(DateOrder::Dmy), Some(DateOrder::Mdy)] {
                let _ = sdm::io::dates::parse(text, order, &chrono_tz::Europe::Amsterdam);
            }
            let _ = sdm::io::dates::hint(text);
            let _ = sdm::io::cells::waiting(text);
            let _ = sdm::io::cells::verdict_met(text);
            let _ = sdm::io::cells::priority(text);
            let _ = sdm::io::cells::known_state(text);
            let _ = sdm::io::cells::outage_type(text);
        }
    }

    #[test]
    fn instants_never_panic(s in "\\PC{0,40}") {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap();
        let _ = parse_instant(&s, now, &chrono_tz::Europe::Amsterdam);
        let _ = parse_rfc3339(&s);
    }

    #[test]
    fn inert_text_never_holds_a_control_character(s in any::<String>()) {
        let shown = inert(&s);
        prop_assert!(!shown.chars().any(char::is_control), "{:?} -> {:?}", s, shown);
    }

    #[test]
    fn inert_keeps_plain_text(s in "[a-zA-Z0-9 .,;:'()&/-]{0,60}") {
        let shown = inert(&s).into_owned();
        prop_assert_eq!(shown, s);
    }
}
