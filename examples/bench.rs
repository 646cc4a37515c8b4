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
    let rss = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().to_string()))
        .unwrap_or_else(|| "?".into());
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
        interface(&db, &dir, 80, 24);
        interface(&db, &dir, 200, 60);
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
}
