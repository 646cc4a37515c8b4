//! Times what `sdm agenda` reads on its second connection (the listing with its problem
//! signals), there and on the first: `cargo run --release --example aside_parts -- DB [NOW]`.
use std::time::Instant;

fn main() -> color_eyre::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/big.db".into());
    let now: chrono::DateTime<chrono::Utc> = match std::env::args().nth(2) {
        Some(at) => at.parse()?,
        None => chrono::Utc::now(),
    };
    let path = std::path::Path::new(&path);
    let ctx = sdm::app::Ctx::fixed(path, now, chrono_tz::Tz::UTC, sdm::config::Settings::default());
    let store = sdm::store::Store::open(path, sdm::store::OpenMode::Existing)?;
    let t = Instant::now();
    let flags = sdm::store::signals::problem_flags(store.conn(), now)?;
    println!("signals ({}): {:?}", flags.len(), t.elapsed());
    let t = Instant::now();
    let listing = sdm::app::agenda::listing(&store, &ctx, Some(10))?;
    println!(
        "listing with signals ({} breaches): {:?}",
        listing.breaches.len(),
        t.elapsed()
    );
    let t = Instant::now();
    let aside = sdm::app::agenda::listing_aside(path, &ctx, Some(10));
    println!(
        "on a second connection (open, listing, signals): {:?} ({})",
        t.elapsed(),
        aside.is_some()
    );
    Ok(())
}
