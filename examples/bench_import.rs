//! How fast a tickets import is: writes a generic tickets CSV of 100,000 rows (or the number
//! given as the first argument) into a temporary folder, imports it into a fresh database,
//! then imports it again (every row unchanged), three times over, and prints rows per second.
//! The portfolio has response and resolution targets, so the import's breach detection and
//! post-mortems are real work (about 52,000 breaches and 50,000 reviews at 200,000 rows).
//!
//! `cargo run --release --example bench_import [ROWS] [fresh | write DIR]`

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use sdm::config::Settings;
use sdm::io::portfolio::PortfolioOptions;
use sdm::io::{CsvOptions, ImportKind, import_csv, import_portfolio_text};
use sdm::store::{OpenMode, Store};

const PORTFOLIO: &str = r#"
[[calendar]]
name = "Office NL"
timezone = "Europe/Amsterdam"
hours = { mon = ["08:00-18:00"], tue = ["08:00-18:00"], wed = ["08:00-18:00"], thu = ["08:00-18:00"], fri = ["08:00-17:00"] }

[[service]]
name = "Payroll"
aliases = ["PAYROLL-PRD"]
window = "Office NL"
targets = [ { kind = "response", priority = "P1", goal = "15m" }, { kind = "resolution", priority = "P1", goal = "4h" },
            { kind = "resolution", priority = "P2", goal = "8h" }, { kind = "resolution", priority = "P3", goal = "16h" } ]

[[service]]
name = "Email"
window = "24x7"
targets = [ { kind = "response", priority = "P1", goal = "15m" }, { kind = "resolution", priority = "P1", goal = "4h" } ]

[[service]]
name = "Service Desk"
window = "Office NL"
targets = [ { kind = "resolution", priority = "P2", goal = "8h" } ]
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rows: usize = match std::env::args().nth(1) {
        Some(n) => n.parse()?,
        None => 100_000,
    };
    // A second argument "fresh" runs one fresh import only (for a profiler).
    let fresh_only = std::env::args().nth(2).as_deref() == Some("fresh");
    let rounds = if fresh_only { 1 } else { 3 };
    let dir = tempfile::tempdir()?;
    let csv_path = dir.path().join("tickets.csv");

    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse()?;
    let services = ["Payroll", "PAYROLL-PRD", "Email", "Service Desk"];
    let mut text = String::with_capacity(rows * 120);
    text.push_str("ref,service,priority,opened,responded,resolved,summary,pauses\n");
    for i in 0..rows {
        let opened = start + Duration::minutes(i as i64 * 3);
        let responded = opened + Duration::minutes(10 + (i % 50) as i64);
        let resolved = opened + Duration::hours(1 + (i % 30) as i64);
        let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M").to_string();
        let _ = write!(
            text,
            "INC{i:07},{},P{},{},{},",
            services[i % services.len()],
            1 + i % 4,
            fmt(opened),
            fmt(responded)
        );
        if i % 5 != 0 {
            text.push_str(&fmt(resolved));
        }
        let _ = write!(text, ",\"Ticket {i}, something broke\",");
        if i % 10 == 0 {
            let _ = write!(
                text,
                "{}/{}",
                fmt(opened + Duration::minutes(20)),
                fmt(opened + Duration::minutes(40))
            );
        }
        text.push('\n');
    }
    std::fs::write(&csv_path, &text)?;
    // `write DIR` as the second argument: leaves the file and the portfolio in DIR, to time
    // the binary itself (`sdm import portfolio`, then `/usr/bin/time sdm import tickets`).
    if std::env::args().nth(2).as_deref() == Some("write") {
        let out = std::path::PathBuf::from(std::env::args().nth(3).ok_or("write needs a folder")?);
        std::fs::create_dir_all(&out)?;
        std::fs::write(out.join("tickets.csv"), &text)?;
        std::fs::write(out.join("portfolio.toml"), PORTFOLIO)?;
        println!(
            "wrote {} and {}",
            out.join("tickets.csv").display(),
            out.join("portfolio.toml").display()
        );
        return Ok(());
    }

    let settings = Settings::default();
    // The generated times are UTC wall times (a local zone would skip an hour in March).
    let opts = CsvOptions {
        format: "auto",
        tz: chrono_tz::UTC,
        now: Utc::now(),
        dry_run: false,
        settings: &settings,
        create_services: false,
        date_order: None,
        service: None,
        service_column: None,
        sheet: None,
    };
    // Three rounds, each on a fresh database: a shared machine makes single timings noisy.
    let mut best = [f64::MAX, f64::MAX];
    for round in 1..=rounds {
        let db_path = dir.path().join(format!("bench-{round}.db"));
        let mut store = Store::open(&db_path, OpenMode::Create)?;
        import_portfolio_text(
            &mut store,
            "portfolio.toml",
            PORTFOLIO,
            &PortfolioOptions {
                now: opts.now,
                tz: chrono_tz::UTC,
                dry_run: false,
                settings: &settings,
            },
        )?;
        let passes: &[&str] = if fresh_only {
            &["fresh database"]
        } else {
            &["fresh database", "re-import (unchanged)"]
        };
        for (i, what) in passes.iter().enumerate() {
            let clock = Instant::now();
            let cpu = cpu_seconds();
            let outcome = import_csv(&mut store, ImportKind::Tickets, &csv_path, &opts)?;
            let secs = clock.elapsed().as_secs_f64();
            let cpu = cpu_seconds().zip(cpu).map(|(b, a)| b - a);
            let per_cpu = cpu.map_or_else(String::new, |c| format!("; {c:.2} s of CPU"));
            println!(
                "round {round}, {what}: {} rows in {secs:.3} s = {:.0} rows/s{per_cpu} ({}); the write lock was held {} ms",
                outcome.rows,
                outcome.rows as f64 / secs,
                outcome.tally,
                outcome.write_ms
            );
            best[i] = best[i].min(secs);
        }
    }
    println!(
        "best: fresh {:.0} rows/s, re-import {:.0} rows/s",
        rows as f64 / best[0],
        rows as f64 / best[1]
    );
    Ok(())
}

/// The process's CPU time (user + system) from /proc on Linux, for a figure that a busy
/// machine does not skew; `None` elsewhere. Assumes the usual 100 clock ticks a second.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
