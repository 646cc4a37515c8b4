//! Hostile CSV: whatever bytes arrive, the importer answers with a result or a clear error,
//! never a panic, and a refused file changes nothing. Bounded so CI stays quick; raise
//! PROPTEST_CASES to dig deeper.
#![allow(clippy::unwrap_used)]

mod common;

use proptest::prelude::*;
use sdm::config::Settings;
use sdm::io::ImportKind;
use sdm::io::csv_import::{CsvOptions, import_csv_bytes};

fn header_and_rows() -> impl Strategy<Value = Vec<u8>> {
    let cell = prop_oneof![
        Just(String::new()),
        Just("Payroll".to_string()),
        Just("P2".to_string()),
        Just("2026-11-02T09:00:00Z".to_string()),
        Just("2026-11-02 09:00".to_string()),
        Just("\"quoted, with comma\"".to_string()),
        "\\PC{0,12}",
        "[0-9/:;T Z-]{0,20}",
    ];
    let row = proptest::collection::vec(cell, 0..10).prop_map(|cells| cells.join(","));
    let header = prop_oneof![
        Just("ref,service,priority,opened,responded,resolved,summary,pauses".to_string()),
        Just("\u{feff}ref,service,priority,opened".to_string()),
        Just("service,start,end,planned,summary".to_string()),
        "[a-z,]{0,40}",
    ];
    let eol = prop_oneof![Just("\n"), Just("\r\n")];
    (header, proptest::collection::vec(row, 0..6), eol).prop_map(|(h, rows, eol)| {
        let mut text = h;
        for r in rows {
            text.push_str(eol);
            text.push_str(&r);
        }
        text.into_bytes()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_csv_is_imported_or_refused_cleanly(bytes in prop_oneof![header_and_rows(), proptest::collection::vec(any::<u8>(), 0..300)]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.db");
        let mut store = common::populated(&path);
        let settings = Settings::default();
        let opts = CsvOptions {
            format: "auto",
            tz: chrono_tz::Tz::UTC,
            now: "2026-11-22T09:00:00Z".parse().unwrap(),
            dry_run: false,
            settings: &settings,
            create_services: false,
            date_order: None,
            service: None,
            service_column: None,
            sheet: None,
    };
        for kind in [ImportKind::Tickets, ImportKind::Outages] {
            let before = store.export_json().unwrap();
            match import_csv_bytes(&mut store, kind, "fuzz.csv", &bytes, &opts) {
                Ok(_) => {}
                Err(e) => {
                    prop_assert!(!e.to_string().is_empty());
                    let after = store.export_json().unwrap();
                    prop_assert_eq!(&after["tables"], &before["tables"], "a refused file changed the database");
                }
            }
        }
    }
}
