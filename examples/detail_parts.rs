//! Times a service's detail view and its parts: `cargo run --release --example detail_parts -- DB`.
use std::time::Instant;

fn main() -> color_eyre::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "/tmp/big.db".into());
    let settings = sdm::config::Settings::default();
    let store = sdm::store::Store::open(std::path::Path::new(&path), sdm::store::OpenMode::Existing)?;
    let id: String = store.conn().query_row(
        "SELECT id FROM services WHERE deleted = 0 ORDER BY name COLLATE NOCASE LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    let env = sdm::app::Ctx::fixed(&path, chrono::Utc::now(), chrono_tz::Tz::UTC, settings.clone());
    let now = env.now.timestamp();
    for _ in 0..3 {
        let t = Instant::now();
        let engine = sdm::engine::Engine::load(store.conn(), &settings)?;
        let a = t.elapsed();
        let urgent = engine.urgent_of(store.conn(), now, Some(&id))?;
        let b = t.elapsed();
        let _ = engine.health_of(store.conn(), now, Some(&id))?;
        let c = t.elapsed();
        let _ = sdm::store::signals::problem_flags_of(store.conn(), env.now, &id)?;
        let d = t.elapsed();
        let t3 = Instant::now();
        let _ = sdm::app::problems::candidates(&store, &env, Some(&id))?;
        let e = t3.elapsed();
        let _ = sdm::app::problems::recurring_causes(&store, &env, Some(&id))?;
        let f = t3.elapsed();
        let _ = sdm::store::problems::of_service(store.conn(), &id)?;
        let g = t3.elapsed();
        println!(
            "problems: candidates {e:?}, recurring causes {:?}, of service {:?}",
            f - e,
            g - f
        );
        let t2 = Instant::now();
        let detail = sdm::app::detail::detail(&store, &env, &sdm::app::detail::Subject::Service(id.clone()))?;
        println!(
            "engine {a:?}, urgent ({}) {:?}, health {:?}, flags {:?}; whole detail {:?} ({} lines)",
            urgent.len(),
            b - a,
            c - b,
            d - c,
            t2.elapsed(),
            detail.lines.len()
        );
    }
    Ok(())
}
