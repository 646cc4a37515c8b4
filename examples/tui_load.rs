//! Times what the interface reads for its first frame and for the full one:
//! `cargo run --release --example tui_load -- DB`.
use std::time::Instant;

fn main() -> color_eyre::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/big.db".into());
    let now = chrono::Utc::now();
    let settings = sdm::config::Settings::default();
    let store = sdm::store::Store::open(std::path::Path::new(&path), sdm::store::OpenMode::Existing)?;
    for with_health in [false, true] {
        let t = Instant::now();
        let ctx = sdm::app::Ctx::fixed(&path, now, chrono_tz::Tz::UTC, settings.clone());
        let snap = sdm::tui::model::load(&store, &ctx, with_health, Default::default())?;
        println!(
            "load (health {with_health}): {:?} — {} services, {} breach rows, {} stakeholders, {} action rows",
            t.elapsed(),
            snap.services.len(),
            snap.breaches.len(),
            snap.stakeholders.len(),
            snap.actions.len()
        );
    }
    Ok(())
}
