//! How fast the SLA engine computes ticket clocks: 1,000,000 synthetic tickets, a realistic
//! mix (over half in business-hours calendars with holidays, a fifth with pauses, ~2% open),
//! every response and resolution clock evaluated on one thread.
//!
//! `cargo run --release --example bench_clocks [-- N]`

use std::collections::BTreeMap;
use std::time::Instant;

use sdm::domain::model::Pause;
use sdm::domain::sla::{Calendar, ClockInput, Thresholds, WeekHours, evaluate};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
}

fn office(zone: &str, holidays: &[&str]) -> Calendar {
    let mut map = BTreeMap::new();
    for d in ["mon", "tue", "wed", "thu"] {
        map.insert(d.to_string(), vec!["08:00-18:00".to_string()]);
    }
    map.insert(
        "fri".to_string(),
        vec!["08:00-12:00".to_string(), "13:00-17:00".to_string()],
    );
    let hol: Vec<chrono::NaiveDate> = holidays.iter().filter_map(|h| h.parse().ok()).collect();
    match WeekHours::from_map(&map)
        .map_err(|e| e.to_string())
        .and_then(|w| Calendar::new("Office", zone, w, &hol).map_err(|e| e.to_string()))
    {
        Ok(c) => c,
        Err(e) => panic!("calendar: {e}"),
    }
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let calendars = [
        office(
            "Europe/Amsterdam",
            &[
                "2026-01-01",
                "2026-04-06",
                "2026-04-27",
                "2026-05-14",
                "2026-05-25",
                "2026-12-25",
                "2026-12-26",
            ],
        ),
        office(
            "America/New_York",
            &[
                "2026-01-01",
                "2026-05-25",
                "2026-07-04",
                "2026-09-07",
                "2026-11-26",
                "2026-12-25",
            ],
        ),
        Calendar::always_on(),
    ];
    let now = 1_795_500_000i64; // late November 2026
    let mut rng = Rng(42);
    // Build the tickets first, so only the clocks are timed.
    struct T {
        cal: usize,
        start: i64,
        responded: Option<i64>,
        resolved: Option<i64>,
        pauses: Vec<Pause>,
        response: i64,
        resolution: i64,
    }
    let mut tickets = Vec::with_capacity(n);
    let (mut business, mut paused, mut open) = (0, 0, 0);
    for _ in 0..n {
        let cal = if rng.below(100) < 60 { rng.below(2) as usize } else { 2 };
        if cal < 2 {
            business += 1;
        }
        let start = now - rng.below(365 * 86_400);
        let (response, resolution) = [
            (900, 4 * 3600),
            (1800, 8 * 3600),
            (7200, 16 * 3600),
            (28_800, 40 * 3600),
        ][rng.below(4) as usize];
        let is_open = rng.below(100) < 2;
        // Wall time from 10% to 130% of the goal: most met, some breached (in business hours a
        // long wall time is far less working time).
        let responded = Some(start + response / 10 + rng.below(response as u64 * 6 / 5) + 60);
        let resolved = if is_open {
            None
        } else {
            Some(start + resolution / 10 + rng.below(resolution as u64 * 6 / 5) + 600)
        };
        let pauses = if rng.below(100) < 20 {
            paused += 1;
            let p = start + rng.below(86_400);
            vec![Pause {
                start: p,
                end: if is_open {
                    None
                } else {
                    Some(p + rng.below(8 * 3600) + 60)
                },
            }]
        } else {
            vec![]
        };
        if is_open {
            open += 1;
        }
        tickets.push(T {
            cal,
            start,
            responded,
            resolved,
            pauses,
            response,
            resolution,
        });
    }
    let th = Thresholds::default();
    let started = Instant::now();
    let mut breached = 0usize;
    for t in &tickets {
        let cal = &calendars[t.cal];
        let r = evaluate(
            cal,
            &ClockInput {
                start: t.start,
                stop: t.responded,
                pauses: &t.pauses,
                target: t.response,
            },
            now,
            &th,
        );
        let s = evaluate(
            cal,
            &ClockInput {
                start: t.start,
                stop: t.resolved,
                pauses: &t.pauses,
                target: t.resolution,
            },
            now,
            &th,
        );
        breached += usize::from(r.crossed_at.is_some()) + usize::from(s.crossed_at.is_some());
    }
    let took = started.elapsed();
    let clocks = 2 * n;
    println!(
        "clocks: {clocks} in {:.0} ms = {:.0} clocks/s on one thread ({}% business hours, {}% with pauses, {}% open; {breached} breached)",
        took.as_secs_f64() * 1000.0,
        clocks as f64 / took.as_secs_f64(),
        business * 100 / n,
        paused * 100 / n,
        open * 100 / n
    );
}
