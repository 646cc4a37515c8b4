//! Times the parts of `sdm agenda` on a database:
//! `cargo run --release --example agenda_parts -- DB`.
use std::time::Instant;

fn main() -> color_eyre::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/big.db".into());
    let now: chrono::DateTime<chrono::Utc> = match std::env::args().nth(2) {
        Some(at) => at.parse()?,
        None => chrono::Utc::now(),
    };
    let settings = sdm::config::Settings::default();
    let t = Instant::now();
    let store = sdm::store::Store::open(std::path::Path::new(&path), sdm::store::OpenMode::Existing)?;
    println!("open: {:?}", t.elapsed());
    let t = Instant::now();
    let mut agenda = store.agenda_listing(now, chrono_tz::Tz::UTC, 7, 24, Some(10), Some(&mut Default::default()))?;
    println!("store agenda: {:?}", t.elapsed());
    let t = Instant::now();
    let engine = sdm::engine::Engine::load(store.conn(), &settings)?;
    println!("engine load: {:?}", t.elapsed());
    let t = Instant::now();
    let urgent = engine.urgent(store.conn(), now.timestamp())?;
    println!("urgent clocks ({}): {:?}", urgent.len(), t.elapsed());
    let t = Instant::now();
    let health = engine.health(store.conn(), now.timestamp())?;
    println!("health ({} services): {:?}", health.len(), t.elapsed());
    let t = Instant::now();
    sdm::engine::agenda::enrich(&mut agenda, store.conn(), &engine, now.timestamp())?;
    println!("enrich: {:?}", t.elapsed());
    Ok(())
}
