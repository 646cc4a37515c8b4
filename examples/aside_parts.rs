//! Times what `sdm agenda` reads on its second connection (the problem signals), there and
//! on the first: `cargo run --release --example aside_parts -- DB [NOW]`.
use std::time::Instant;

fn main() -> color_eyre::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/big.db".into());
    let now: chrono::DateTime<chrono::Utc> = match std::env::args().nth(2) {
        Some(at) => at.parse()?,
        None => chrono::Utc::now(),
    };
    let store = sdm::store::Store::open(std::path::Path::new(&path), sdm::store::OpenMode::Existing)?;
    let t = Instant::now();
    let flags = sdm::store::signals::problem_flags(store.conn(), now)?;
    println!("signals ({}): {:?}", flags.len(), t.elapsed());
    let t = Instant::now();
    let aside = sdm::app::agenda::flags_aside(std::path::Path::new(&path), now);
    println!("aside (open and signals): {:?} ({})", t.elapsed(), aside.is_some());
    Ok(())
}
