//! How a sync performs: two copies of the demo, 10,000 records changed on one, synced over a
//! pipe in-process; prints the records, bytes and time of that sync and of a second, idle one.
//!
//! `cargo run --release --example bench_sync [-- N]`

use std::io::BufReader;
use std::time::Instant;

use sdm::domain::enums::Channel;
use sdm::domain::ids::new_id;
use sdm::domain::model::TouchPoint;
use sdm::store::{OpenMode, Store};

fn once(a: &std::path::Path, b: &std::path::Path) -> color_eyre::Result<(sdm::sync::SyncReport, f64)> {
    let (from_client, to_server) = std::io::pipe()?;
    let (from_server, to_client) = std::io::pipe()?;
    let b = b.to_path_buf();
    let server = std::thread::spawn(move || -> color_eyre::Result<()> {
        let mut store = Store::open(&b, OpenMode::Existing)?;
        sdm::sync::serve(&mut store, BufReader::new(from_client), to_client)?;
        Ok(())
    });
    let mut store = Store::open(a, OpenMode::Existing)?;
    let started = Instant::now();
    let report = sdm::sync::client(&mut store, BufReader::new(from_server), to_server, "bench")?;
    let took = started.elapsed().as_secs_f64();
    server
        .join()
        .map_err(|_| color_eyre::eyre::eyre!("the server thread panicked"))??;
    Ok((report, took))
}

fn main() -> color_eyre::Result<()> {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let dir = std::env::temp_dir().join(format!("sdm-bench-sync-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (a, b) = (dir.join("laptop.db"), dir.join("jumphost.db"));
    let now = chrono::Utc::now();
    let mut store = Store::open(&a, OpenMode::Create)?;
    sdm::demo::write_demo(&mut store, now, chrono_tz::Tz::UTC)?;
    store.backup_to(&b)?;
    // The copies meet once, so the next sync carries only what changes after.
    drop(store);
    once(&a, &b)?;
    let mut store = Store::open(&a, OpenMode::Existing)?;
    let who: String = store
        .conn()
        .query_row("SELECT id FROM stakeholders LIMIT 1", [], |r| r.get(0))?;
    store.write(None, |w| {
        for i in 0..n {
            w.save(&TouchPoint {
                id: new_id(),
                stakeholder_id: who.clone(),
                at: now.timestamp() - i as i64,
                channel: Channel::Email,
                summary: format!("note {i}"),
                sentiment: Some(4),
                follow_ups: String::new(),
                service_ids: vec![],
            })?;
        }
        Ok(())
    })?;
    drop(store);
    let (report, took) = once(&a, &b)?;
    println!(
        "sync of {} changed records: {:.1} KB sent, {:.1} KB received, {:.2} s",
        report.sent_rows,
        report.bytes_sent as f64 / 1024.0,
        report.bytes_received as f64 / 1024.0,
        took
    );
    let (idle, took) = once(&a, &b)?;
    println!(
        "sync of an unchanged pair: {} records, {} bytes sent, {} bytes received, {:.3} s",
        idle.sent_rows, idle.bytes_sent, idle.bytes_received, took
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
