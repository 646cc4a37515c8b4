//! The benchmark suite: `cargo build --release --bins --examples && cargo run --release --example bench -- [SIZES]`
//! (SIZES is a comma list of ticket counts, default `1000,100000`; add `1000000` for the large
//! set, which takes about a minute to generate; a count followed by `r`, as `1000000r`, is a
//! queue shaped like a real one: `sdm demo --open 5% --breached 20%`). Needs tmux, which gives the interface a real
//! pseudo-terminal of a chosen size.
//!
//! For each size it writes a synthetic data set (`sdm demo --scale N`) and prints:
//! - the interface at 80x24 and 200x60: the first frame's time (from the start of the process
//!   to the flushed frame, timed inside the program through `SDM_FRAME_LOG`), the bytes of the
//!   first frame and of each cursor move (from tmux's copy of the output), key-to-frame p50/p99
//!   for cursor moves, pane switches, detail views and filtering, and peak resident memory;
//! - `sdm agenda` and `sdm report` (one service's month) wall time (median of runs);
//!
//! Then the clock and import rates, from their own examples (`bench_clocks`, `bench_import`),
//! which the build line above builds.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn sdm_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // target/release/examples/bench -> target/release/sdm
    exe.parent().and_then(Path::parent).unwrap().join("sdm")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn percentile(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

struct Tmux {
    sock: PathBuf,
    session: String,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn send(&self, key: &str) {
        self.cmd(&["send-keys", "-t", &self.session, key]);
    }

    /// Starts the session, detached, at the given size, running `command`.
    fn start(&self, cols: u16, rows: u16, command: &str) {
        let size = (cols.to_string(), rows.to_string());
        let started = Command::new("tmux")
            .arg("-S")
            .arg(&self.sock)
            .args(["new-session", "-d", "-s", &self.session, "-x", &size.0, "-y", &size.1])
            .arg(command)
            .status()
            .unwrap();
        assert!(started.success(), "tmux did not start");
    }
}

fn wait_for(what: impl Fn() -> bool, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if what() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Waits until the output copy has been quiet for 150 ms, and returns its length.
fn settled_len(p: &Path) -> u64 {
    let mut last = file_len(p);
    let mut quiet = Instant::now();
    let start = Instant::now();
    while quiet.elapsed() < Duration::from_millis(150) && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(10));
        let now = file_len(p);
        if now != last {
            last = now;
            quiet = Instant::now();
        }
    }
    last
}

fn log_lines(p: &Path) -> Vec<String> {
    std::fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn key_times(p: &Path, name: &str) -> Vec<f64> {
    log_lines(p)
        .iter()
        .filter_map(|l| {
            let mut it = l.split(' ');
            (it.next() == Some("key") && it.next() == Some(name))
                .then(|| it.next().and_then(|v| v.parse::<f64>().ok()).map(|us| us / 1000.0))
                .flatten()
        })
        .collect()
}

/// Starts sdm `n` times in a fresh tmux of the given size and returns each first frame's time
/// (ms, from the frame log), quitting as soon as it is drawn: one start is one noisy sample.
fn first_frames(db: &Path, dir: &Path, cols: u16, rows: u16, n: usize) -> Vec<f64> {
    let mut out = Vec::new();
    for i in 0..n {
        let log = dir.join(format!("first-{cols}x{rows}-{i}.log"));
        let _ = std::fs::remove_file(&log);
        let tmux = Tmux {
            sock: dir.join("tmux-first.sock"),
            session: format!("first-{cols}x{rows}-{i}"),
        };
        let command = format!(
            "SDM_FRAME_LOG={log} NO_COLOR=1 exec {bin} --db {db}",
            log = log.display(),
            bin = sdm_bin().display(),
            db = db.display()
        );
        tmux.start(cols, rows, &command);
        let drawn = wait_for(
            || log_lines(&log).iter().any(|l| l.starts_with("first_frame_us")),
            Duration::from_secs(60),
        );
        if drawn
            && let Some(us) = log_lines(&log)
                .iter()
                .find_map(|l| l.strip_prefix("first_frame_us ").and_then(|v| v.parse::<f64>().ok()))
        {
            out.push(us / 1000.0);
        }
        tmux.send("q");
        std::thread::sleep(Duration::from_millis(100));
        tmux.cmd(&["kill-server"]);
        let _ = std::fs::remove_file(&log);
    }
    out
}

fn interface(db: &Path, dir: &Path, cols: u16, rows: u16) {
    let starts = first_frames(db, dir, cols, rows, 7);
    let log = dir.join(format!("frames-{cols}x{rows}.log"));
    let out = dir.join(format!("output-{cols}x{rows}.bin"));
    let _ = std::fs::remove_file(&log);
    let _ = std::fs::remove_file(&out);
    let tmux = Tmux {
        sock: dir.join("tmux.sock"),
        session: format!("bench-{cols}x{rows}"),
    };
    // The shell waits for tmux's output copy to be in place before sdm starts.
    let command = format!(
        "while [ ! -e {out} ]; do sleep 0.01; done; SDM_FRAME_LOG={log} NO_COLOR=1 exec {bin} --db {db}",
        out = out.display(),
        log = log.display(),
        bin = sdm_bin().display(),
        db = db.display()
    );
    tmux.start(cols, rows, &command);
    tmux.cmd(&[
        "pipe-pane",
        "-t",
        &tmux.session,
        "-o",
        &format!("cat >> {}", out.display()),
    ]);
    wait_for(|| out.exists(), Duration::from_secs(5));
    let first = wait_for(
        || log_lines(&log).iter().any(|l| l.starts_with("first_frame_us")),
        Duration::from_secs(60),
    );
    if !first {
        println!("  {cols}x{rows}: no first frame within 60 s");
        tmux.cmd(&["kill-server"]);
        return;
    }
    let first_us: f64 = log_lines(&log)
        .iter()
        .find_map(|l| l.strip_prefix("first_frame_us ").and_then(|v| v.parse().ok()))
        .unwrap_or(0.0);
    let first_bytes = settled_len(&out);
    // Let the background load land, so keys are measured on the full picture.
    wait_for(
        || log_lines(&log).iter().any(|l| l.starts_with("full_load_us")),
        Duration::from_secs(120),
    );
    let full_us: f64 = log_lines(&log)
        .iter()
        .find_map(|l| l.strip_prefix("full_load_us ").and_then(|v| v.parse().ok()))
        .unwrap_or(0.0);
    settled_len(&out);
    let pid = tmux.cmd(&["display-message", "-p", "-t", &tmux.session, "#{pane_pid}"]);
    let pid = pid.trim().to_string();

    let mut move_bytes = Vec::new();
    let press = |key: &str, n: usize, bytes: &mut Vec<f64>| {
        for _ in 0..n {
            let before = settled_len(&out);
            let count = log_lines(&log).len();
            tmux.send(key);
            wait_for(|| log_lines(&log).len() > count, Duration::from_secs(10));
            bytes.push((settled_len(&out) - before) as f64);
        }
    };
    // Down and up in turn, so every press moves the cursor (the pane has at least two rows).
    for _ in 0..15 {
        press("j", 1, &mut move_bytes);
        press("k", 1, &mut move_bytes);
    }
    let mut other = Vec::new();
    for _ in 0..8 {
        press("Tab", 1, &mut other);
    }
    for _ in 0..4 {
        press("Enter", 1, &mut other);
        press("Escape", 1, &mut other);
    }
    for _ in 0..3 {
        press("/", 1, &mut other);
        for c in ["a", "p", "i"] {
            press(c, 1, &mut other);
        }
        press("Escape", 1, &mut other);
    }
    let rss = pid
        .parse()
        .ok()
        .and_then(peak_kb_of)
        .map_or_else(|| "?".into(), |kb| format!("{kb} kB"));
    tmux.send("q");
    std::thread::sleep(Duration::from_millis(200));
    tmux.cmd(&["kill-server"]);

    let moves: Vec<f64> = [key_times(&log, "j"), key_times(&log, "k")].concat();
    let tabs = key_times(&log, "tab");
    let enters = key_times(&log, "enter");
    let filter: Vec<f64> = ["/", "a", "p", "i"].iter().flat_map(|k| key_times(&log, k)).collect();
    let fmt = |v: &[f64]| {
        if v.is_empty() {
            "—".to_string()
        } else {
            format!("p50 {:.2} ms, p99 {:.2} ms", percentile(v, 0.5), percentile(v, 0.99))
        }
    };
    println!(
        "  {cols}x{rows}: first frame median {:.1} ms of {} starts (min {:.1}; this session {:.1}) ({first_bytes} bytes); full load {:.0} ms; peak memory {rss}",
        median(starts.clone()),
        starts.len(),
        starts.iter().copied().fold(f64::INFINITY, f64::min),
        first_us / 1000.0,
        full_us / 1000.0
    );
    println!(
        "    cursor move {} — {:.0} bytes each (max {:.0})",
        fmt(&moves),
        median(move_bytes.clone()),
        move_bytes.iter().copied().fold(0.0, f64::max)
    );
    println!("    pane switch {}", fmt(&tabs));
    println!("    detail view {}", fmt(&enters));
    println!("    filter keys {}", fmt(&filter));
}

/// `sdm clocks --json`: when its first item is written, how long the whole takes, and the
/// process's peak memory (its VmHWM, read as the output arrives).
fn clocks_stream(db: &str) {
    use std::io::Read;
    let started = Instant::now();
    let mut child = Command::new(sdm_bin())
        .args(["clocks", "--json", "--db", db])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut out = child.stdout.take().unwrap();
    let mut buf = vec![0u8; 1 << 16];
    let (mut first, mut bytes, mut items, mut peak_kb) = (None, 0usize, 0usize, 0u64);
    // The last bytes of the chunk before: an item's opening may straddle two reads.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = out.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        bytes += n;
        carry.extend_from_slice(&buf[..n]);
        // An item of the array is an object at its first level of indentation.
        let opened = carry.windows(4).filter(|w| w == b"\n  {").count();
        carry.drain(..carry.len().saturating_sub(3));
        if first.is_none() && opened > 0 {
            first = Some(started.elapsed());
        }
        items += opened;
        if let Some(kb) = peak_kb_of(pid) {
            peak_kb = peak_kb.max(kb);
        }
    }
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    // (Read as the output came: a process that ended before the first read shows none.)
    let peak = if peak_kb > 0 {
        format!("{:.1} MB", peak_kb as f64 / 1024.0)
    } else {
        "not read".to_string()
    };
    println!(
        "  sdm clocks --json: first item after {:.0} ms, all {items} in {:.0} ms ({:.1} MB), peak memory {peak}{}",
        first.map_or(f64::NAN, |f| f.as_secs_f64() * 1000.0),
        started.elapsed().as_secs_f64() * 1000.0,
        bytes as f64 / 1e6,
        if ok { "" } else { " (failed)" }
    );
}

/// A ticket as the import file writes it: reference, service, priority, kind, opened,
/// responded, resolved, summary.
type TicketRow = (String, String, String, String, i64, Option<i64>, Option<i64>, String);

/// An import of 1,000 tickets that are there already with a later resolution (so each is
/// changed, and detection and reviews run for them), timed through the binary: the median of
/// five, each run moving the times by another minute.
fn changed_import(db: &str, dir: &Path) {
    let conn = match rusqlite::Connection::open(db) {
        Ok(c) => c,
        Err(e) => return println!("  import of 1,000 changed tickets: cannot read {db}: {e}"),
    };
    let rows: Vec<TicketRow> = conn
        .prepare(
            "SELECT t.reference, s.name, t.priority, t.kind, t.opened_at, t.responded_at, t.resolved_at, t.summary \
             FROM tickets t JOIN services s ON s.id = t.service_id \
             WHERE t.deleted = 0 AND t.resolved_at IS NOT NULL ORDER BY t.rowid DESC LIMIT 1000",
        )
        .and_then(|mut stmt| {
            stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()
        })
        .unwrap_or_else(|e| {
            println!("  import of 1,000 changed tickets: cannot read the tickets: {e}");
            Vec::new()
        });
    drop(conn);
    if rows.len() != 1000 {
        return println!(
            "  import of 1,000 changed tickets: the data set has {} resolved tickets to change",
            rows.len()
        );
    }
    let rfc = |t: i64| {
        chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_default()
    };
    let mut times = Vec::new();
    for run in 1..=5i64 {
        let mut text = String::from("ref,service,priority,opened,responded,resolved,state,kind,summary\n");
        for (reference, service, priority, kind, opened, responded, resolved, summary) in &rows {
            let resolved = resolved.map(|r| r + 60 * run).unwrap_or(*opened);
            text.push_str(&format!(
                "{reference},\"{}\",{},{},{},{},resolved,{kind},\"{}\"\n",
                service.replace('"', "\"\""),
                priority.to_uppercase(),
                rfc(*opened),
                responded.map(rfc).unwrap_or_default(),
                rfc(resolved),
                summary.replace('"', "\"\"")
            ));
        }
        let file = dir.join(format!("changed-{run}.csv"));
        std::fs::write(&file, text).unwrap();
        let t = Instant::now();
        let out = Command::new(sdm_bin())
            .args(["import", "tickets", "--db", db])
            .arg(&file)
            .output()
            .unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if !out.status.success() {
            return println!(
                "  import of 1,000 changed tickets failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
    println!(
        "  import of 1,000 changed tickets (detection and reviews included): {:.0} ms (median of 5)",
        median(times)
    );
}

fn timed(args: &[&str], runs: usize) -> f64 {
    let mut times = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let out = Command::new(sdm_bin()).args(args).output().unwrap();
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        if !out.status.success() {
            println!(
                "  sdm {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
            break;
        }
    }
    median(times)
}

fn main() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("the benchmark needs tmux (apt-get install tmux)");
        std::process::exit(2);
    }
    if !sdm_bin().exists() {
        eprintln!("build sdm first: cargo build --release");
        std::process::exit(2);
    }
    // Each size is a calm synthetic queue (0.35% open), or with an `r` after it shaped like a
    // real one (`--open 5% --breached 20%`): `1000000,1000000r`.
    let sizes: Vec<(u64, bool)> = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "1000,100000".into())
        .split(',')
        .filter_map(|s| {
            let s = s.trim();
            let real = s.ends_with('r');
            s.trim_end_matches('r').parse().ok().map(|n| (n, real))
        })
        .collect();
    // SDM_BENCH_DIR keeps the data sets there and uses those already written.
    let kept = std::env::var_os("SDM_BENCH_DIR").map(std::path::PathBuf::from);
    let dir = kept
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("sdm-bench-{}", std::process::id())));
    std::fs::create_dir_all(&dir).unwrap();
    for (n, real) in sizes {
        let (suffix, shape): (&str, &[&str]) = if real {
            ("r", &["--open", "5%", "--breached", "20%"])
        } else {
            ("", &[])
        };
        let label = if real { "real-shaped" } else { "calm" };
        let db = dir.join(format!("bench-{n}{suffix}.db"));
        if db.exists() {
            println!(
                "{n} tickets, {label} ({:.1} MB, written before)",
                file_len(&db) as f64 / 1e6
            );
        } else {
            let t = Instant::now();
            let status = Command::new(sdm_bin())
                .args(["demo", "--scale", &n.to_string(), "--db", db.to_str().unwrap()])
                .args(shape)
                .output()
                .unwrap();
            assert!(status.status.success(), "sdm demo --scale {n} failed");
            println!(
                "{n} tickets, {label} ({:.1} MB, written in {:.1} s)",
                file_len(&db) as f64 / 1e6,
                t.elapsed().as_secs_f64()
            );
        }
        let dbs = db.to_str().unwrap();
        println!(
            "  sdm agenda: {:.0} ms (median of 5)",
            timed(&["agenda", "--db", dbs], 5)
        );
        println!(
            "  sdm agenda --json: {:.0} ms (median of 5)",
            timed(&["agenda", "--json", "--db", dbs], 5)
        );
        let month = chrono::Utc::now().format("%Y-%m").to_string();
        let report = dir.join("review.md");
        println!(
            "  sdm report (one service's month): {:.0} ms (median of 3)",
            timed(
                &[
                    "report",
                    "--service",
                    "Service 000",
                    "--month",
                    &month,
                    "--db",
                    dbs,
                    "--out",
                    report.to_str().unwrap(),
                    "--force"
                ],
                3
            )
        );
        clocks_stream(dbs);
        interface(&db, &dir, 80, 24);
        interface(&db, &dir, 200, 60);
        // Last: it changes the data set.
        if n >= 100_000 {
            changed_import(dbs, &dir);
        }
    }
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    // The rates that do not depend on a data set's size, from their own examples.
    println!("rates");
    for (example, args) in [("bench_clocks", vec![]), ("bench_import", vec!["100000"])] {
        let path = std::env::current_exe().unwrap().with_file_name(example);
        match Command::new(&path).args(&args).output() {
            Ok(out) if out.status.success() => {
                let text = String::from_utf8_lossy(&out.stdout);
                for line in text.lines().filter(|l| !l.trim().is_empty()).rev().take(1) {
                    println!("  {example}: {}", line.trim());
                }
            }
            _ => println!(
                "  {example}: not built (cargo build --release --examples) or failed: {}",
                path.display()
            ),
        }
    }
    first_import(200_000);
}

/// A first import of `rows` tickets through the binary (the file `bench_import` writes, on
/// its portfolio): its time and peak memory, and `sdm agenda` right after it, twice.
fn first_import(rows: usize) {
    let dir = match tempfile_dir("first-import") {
        Some(d) => d,
        None => return println!("  first import: no folder to write in"),
    };
    let writer = std::env::current_exe().unwrap().with_file_name("bench_import");
    let wrote = Command::new(&writer)
        .args([&rows.to_string(), "write", dir.to_str().unwrap()])
        .output();
    if !wrote.is_ok_and(|o| o.status.success()) {
        return println!("  first import: bench_import could not write the file (cargo build --release --examples)");
    }
    let db = dir.join("import.db");
    let dbs = db.to_str().unwrap();
    let portfolio = Command::new(sdm_bin())
        .args(["import", "portfolio", "--db", dbs])
        .arg(dir.join("portfolio.toml"))
        .output();
    if !portfolio.is_ok_and(|o| o.status.success()) {
        return println!("  first import: the portfolio did not import");
    }
    let started = Instant::now();
    let mut child = Command::new(sdm_bin())
        .args(["import", "tickets", "--db", dbs])
        .arg(dir.join("tickets.csv"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Its high-water mark, read until it ends (it only grows).
    let pid = child.id();
    let mut peak_kb = 0u64;
    let status = loop {
        if let Some(kb) = peak_kb_of(pid) {
            peak_kb = peak_kb.max(kb);
        }
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break child.wait().unwrap(),
        }
    };
    let secs = started.elapsed().as_secs_f64();
    if !status.success() {
        return println!("  first import of {rows} tickets failed");
    }
    let after: Vec<String> = (0..2)
        .map(|_| format!("{:.0} ms", timed(&["agenda", "--db", dbs], 1)))
        .collect();
    println!(
        "  first import of {rows} tickets through the binary (detection and reviews included): {secs:.2} s, peak memory {:.1} MB; sdm agenda right after: {}",
        peak_kb as f64 / 1024.0,
        after.join(", then ")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A running process's peak memory so far (its VmHWM), in kB.
fn peak_kb_of(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// A new folder under the system's temporary one.
fn tempfile_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!("sdm-bench-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir)
}
