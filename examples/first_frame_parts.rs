//! Times what the first frame reads: `cargo run --release --example first_frame_parts -- DB`.
use std::time::Instant;

fn main() -> color_eyre::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/big.db".into());
    let settings = sdm::config::Settings::default();
    let t = Instant::now();
    let store = sdm::store::Store::open(std::path::Path::new(&path), sdm::store::OpenMode::Existing)?;
    println!("open: {:?}", t.elapsed());
    for rows in [24, 60, 500] {
        let t = Instant::now();
        let ctx = sdm::app::Ctx::fixed(&path, chrono::Utc::now(), chrono_tz::Tz::UTC, settings.clone());
        let snap = sdm::tui::model::load_rows(&store, &ctx, false, rows, Default::default())?;
        println!(
            "quick load of {rows} rows: {:?} ({} services)",
            t.elapsed(),
            snap.services.len()
        );
    }
    Ok(())
}
