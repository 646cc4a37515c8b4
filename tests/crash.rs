//! Crash safety: sdm is killed with SIGKILL at random moments while writing; after every kill
//! the database passes its integrity check and holds every change reported committed.
//!
//! CI runs a short loop; the long one is `cargo test --release --test crash -- --ignored`.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A tiny deterministic generator, so a failing run can be repeated.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn crash_loop(kills: usize, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    drop(common::populated(&db));
    let bin = assert_cmd::cargo::cargo_bin("sdm");
    let mut rng = SplitMix(seed);
    // The first write is timed to start the kill window; after it the window follows what
    // writes take now: it shrinks when a writer finished before the kill and widens when one was
    // killed, so the loop kills about as often as it lets a write finish, on a fast or a busy
    // machine alike (a fixed window from a cold first run let almost every later write finish).
    let timed = Instant::now();
    let ok = Command::new(&bin)
        .args(["--db", db.to_str().unwrap(), "touch", "Ann de Vries", "warm-up"])
        .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config")
        .output()
        .unwrap();
    assert!(ok.status.success());
    let mut window = (timed.elapsed().as_micros() as u64).max(2_000);
    let mut committed: Vec<String> = Vec::new();
    let mut killed = 0;
    let mut round = 0;
    let started = Instant::now();
    while killed < kills {
        round += 1;
        assert!(round < kills * 50, "could not kill a writer mid-way in {round} rounds");
        let summary = format!("crash round {round}");
        let mut child = Command::new(&bin)
            .args(["--db", db.to_str().unwrap(), "touch", "Ann de Vries", &summary])
            .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = Duration::from_micros(rng.next() % window);
        std::thread::sleep(delay);
        match child.try_wait().unwrap() {
            Some(status) => {
                assert!(status.success(), "a writer failed on its own in round {round}");
                committed.push(summary);
                window = (window * 2 / 3).max(500);
            }
            None => {
                child.kill().unwrap();
                let status = child.wait().unwrap();
                if status.success() {
                    committed.push(summary);
                } else {
                    killed += 1;
                }
                window = window * 5 / 4;
            }
        }
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "after round {round}");
        let mut stmt = conn
            .prepare("SELECT summary FROM touch_points WHERE deleted = 0")
            .unwrap();
        let present: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        for c in &committed {
            assert!(
                present.contains(c),
                "\"{c}\" was reported committed but is gone after round {round}"
            );
        }
    }
    eprintln!(
        "crash loop: {killed} kills in {round} rounds, {} committed writes kept, last window {window} µs, {:.1}s",
        committed.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(!committed.is_empty(), "some writes completed");
}

#[test]
fn killed_writers_never_corrupt_or_lose_committed_changes() {
    crash_loop(15, 7);
}

#[test]
#[ignore = "takes minutes: run with --ignored"]
fn killed_writers_never_corrupt_or_lose_committed_changes_many_times() {
    crash_loop(300, 11);
}

/// A first import large enough to be written in rollback-journal mode, killed at random
/// moments: the file then opens as it was before the import or as after it, never half, and
/// is back in WAL mode.
fn killed_first_imports(kills: usize, seed: u64) {
    let dir = tempfile::tempdir().unwrap();
    let pristine = dir.path().join("pristine.db");
    drop(common::populated(&pristine));
    let csv = dir.path().join("tickets.csv");
    let mut text = String::from("ref,service,priority,opened,responded,resolved,summary\n");
    for n in 0..25_000 {
        let day = 1 + n % 28;
        text.push_str(&format!(
            "INC9{n:06},Payroll,P{},2026-10-{day:02} 09:00,2026-10-{day:02} 09:10,2026-10-{day:02} 15:00,Ticket {n}\n",
            1 + n % 4
        ));
    }
    std::fs::write(&csv, text).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("sdm");
    let db = dir.path().join("crash.db");
    let run = |db: &std::path::Path| {
        let mut command = Command::new(&bin);
        command
            .args([
                "--db",
                db.to_str().unwrap(),
                "--now",
                "2026-11-01T00:00:00Z",
                "import",
                "tickets",
            ])
            .arg(&csv)
            .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        command
    };
    let copy = |db: &std::path::Path| {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = db.as_os_str().to_owned();
            p.push(suffix);
            let _ = std::fs::remove_file(std::path::PathBuf::from(p));
        }
        std::fs::copy(&pristine, db).unwrap();
    };
    copy(&db);
    let timed = Instant::now();
    assert!(run(&db).status().unwrap().success());
    let full = timed.elapsed().as_micros() as u64;
    let tickets = |db: &std::path::Path| -> i64 {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.busy_timeout(Duration::from_secs(10)).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
        conn.query_row("SELECT count(*) FROM tickets", [], |r| r.get(0))
            .unwrap()
    };
    let all = tickets(&db);
    assert_eq!(all, 25_001);
    let mut rng = SplitMix(seed);
    let mut killed = 0;
    let mut round = 0;
    let (mut journals, mut before, mut after) = (0, 0, 0);
    while killed < kills {
        round += 1;
        assert!(round < kills * 20, "could not kill an import mid-way in {round} rounds");
        copy(&db);
        let mut child = run(&db).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(full / 4 + rng.next() % full));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            if !child.wait().unwrap().success() {
                killed += 1;
            }
        } else {
            continue;
        }
        // The journal the kill left behind: sdm rolls it back as it opens the file, and answers.
        let mut journal = db.as_os_str().to_owned();
        journal.push("-journal");
        if std::fs::metadata(std::path::PathBuf::from(&journal)).is_ok_and(|m| m.len() > 0) {
            journals += 1;
            let out = Command::new(&bin)
                .args(["--db", db.to_str().unwrap(), "agenda"])
                .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config")
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let n = tickets(&db);
        assert!(
            n == 1 || n == all,
            "round {round}: {n} tickets, neither before nor after the import"
        );
        if n == 1 {
            before += 1;
        } else {
            after += 1;
        }
        // Opened by sdm, the file is in WAL mode again.
        let out = Command::new(&bin)
            .args(["--db", db.to_str().unwrap(), "check"])
            .env("XDG_CONFIG_HOME", "/nonexistent/sdm-test-config")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
        let header = std::fs::read(&db).unwrap();
        assert_eq!(&header[18..20], &[2, 2], "round {round}: back in WAL mode");
    }
    eprintln!("killed imports: {killed} kills, {journals} left a journal, {before} as before, {after} as after");
    assert!(
        journals > 0,
        "no kill landed while the import wrote in rollback-journal mode"
    );
}

#[test]
fn killed_first_imports_leave_the_file_as_it_was_or_as_after() {
    killed_first_imports(3, 5);
}

#[test]
#[ignore = "takes a minute: run with --ignored"]
fn killed_first_imports_leave_the_file_as_it_was_or_as_after_many_times() {
    killed_first_imports(40, 13);
}
