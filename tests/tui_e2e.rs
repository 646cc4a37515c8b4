//! The real binary in a real terminal (tmux), as a person meets it: it opens at 80x24, keys
//! work, a resize to a tiny window and back does not crash it, and quitting restores the
//! terminal. Skipped, saying so, where tmux is missing.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().unwrap();
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn the_binary_in_a_terminal() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e2e.db");
    common::sdm()
        .args(["--db", db.to_str().unwrap(), "--now", "2026-11-22T09:00:00Z", "demo"])
        .assert()
        .success();
    let session = format!("sdm-e2e-{}", std::process::id());
    let frame_log = dir.path().join("frames.log");
    let socket = dir.path().join("tmux.sock");
    let sock = socket.to_str().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("sdm");
    let command = format!(
        "SDM_FRAME_LOG={} NO_COLOR=1 XDG_CONFIG_HOME=/nonexistent {} --db {} --now 2026-11-22T09:00:00Z; echo SDM-EXITED-$?; stty -a; sleep 20",
        frame_log.display(),
        bin.display(),
        db.display()
    );
    let started = Command::new("tmux")
        .args([
            "-S",
            sock,
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "80",
            "-y",
            "24",
            &command,
        ])
        .status()
        .unwrap();
    assert!(started.success());
    let t = |args: &[&str]| {
        let mut all = vec!["-S", sock];
        all.extend_from_slice(args);
        tmux(&all)
    };
    let wait = |text: &str| {
        let start = Instant::now();
        loop {
            let screen = t(&["capture-pane", "-p", "-t", &session]);
            if screen.contains(text) || start.elapsed() > Duration::from_secs(30) {
                return screen;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let screen = wait("watermelon");
    assert!(screen.contains("1 Services (12)"), "{screen}");
    assert!(screen.contains("? help · q quit"), "{screen}");
    // The Touch points pane, then log a touch point in two keys plus the text.
    t(&["send-keys", "-t", &session, "3"]);
    let screen = wait("Touch points (15) ─");
    assert!(screen.contains("never contacted"), "{screen}");
    t(&["send-keys", "-t", &session, "t"]);
    wait("Log a touch point");
    t(&["send-keys", "-t", &session, "Quick call about the outage", "Enter"]);
    let screen = wait("next touch due");
    assert!(screen.contains("next touch due"), "{screen}");
    // Raise a problem from the ⚑ service: jump to it, P, the evidence already linked, Enter.
    t(&["send-keys", "-t", &session, ":", "Store POS", "Enter"]);
    let screen = wait("Store POS ⚑");
    assert!(screen.contains("1 Services (12) ─"), "{screen}");
    t(&["send-keys", "-t", &session, "P"]);
    let form = wait("Store POS: 3 emergency changes in 30 days");
    assert!(form.contains("Raise a problem"), "{form}");
    t(&["send-keys", "-t", &session, "Enter"]);
    let screen = wait("saved problem \"Store POS: 3 emergency changes in 30 days\"");
    assert!(screen.contains("saved problem \"Store POS"), "{screen}");
    // Help, then a tiny window and back.
    t(&["send-keys", "-t", &session, "?"]);
    // Wait for the line asserted on, not the first one drawn: a frame can be caught half
    // written.
    let help = wait("undo / redo / history");
    assert!(help.contains("any key closes this"), "{help}");
    t(&["send-keys", "-t", &session, "Escape"]);
    t(&["resize-window", "-t", &session, "-x", "20", "-y", "5"]);
    assert!(wait("too small").contains("too small"));
    t(&["resize-window", "-t", &session, "-x", "120", "-y", "40"]);
    assert!(wait("4 Reviews").contains("2 Breaches"));
    t(&["send-keys", "-t", &session, "q"]);
    // Wait for stty's report too, not only the exit line before it.
    wait("SDM-EXITED-");
    let screen = wait("icanon");
    t(&["kill-server"]);
    assert!(screen.contains("SDM-EXITED-0"), "{screen}");
    // The terminal is back in cooked mode: canonical input and echo on.
    assert!(screen.contains(" icanon") && screen.contains(" echo"), "{screen}");
    let out = common::sdm()
        .args(["--db", db.to_str().unwrap(), "export"])
        .output()
        .unwrap();
    let exported = String::from_utf8_lossy(&out.stdout);
    assert!(exported.contains("Quick call about the outage"));
    assert!(
        exported.contains("Store POS: 3 emergency changes in 30 days"),
        "the problem is on file"
    );
    // The benchmarks' frame log: the first frame, then one line per key with its time.
    let log = std::fs::read_to_string(&frame_log).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines[0].starts_with("first_frame_us "), "{log}");
    assert!(lines.iter().any(|l| l.starts_with("key 3 ")), "{log}");
    assert!(lines.iter().any(|l| l.starts_with("key t ")), "{log}");
    assert!(lines.iter().any(|l| l.starts_with("key enter ")), "{log}");
    let keys = lines.iter().filter(|l| l.starts_with("key ")).count();
    assert!(keys >= 30, "every key press is logged: {log}");
}

/// A dropped link whose hang-up signal never reaches sdm (its parent ignored SIGHUP, so sdm
/// inherits the ignoring): the terminal reads end-of-file. sdm takes that as a hang-up —
/// keeps the open form as a draft and exits with 129 — instead of spinning.
#[test]
fn a_vanished_terminal_is_a_hang_up_even_when_sighup_is_ignored() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("skipped: tmux is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hup.db");
    common::sdm()
        .args(["--db", db.to_str().unwrap(), "--now", "2026-11-22T09:00:00Z", "demo"])
        .assert()
        .success();
    let socket = dir.path().join("tmux.sock");
    let sock = socket.to_str().unwrap();
    let rc = dir.path().join("rc");
    let bin = assert_cmd::cargo::cargo_bin("sdm");
    let command = format!(
        "sh -c 'trap \"\" HUP; NO_COLOR=1 XDG_CONFIG_HOME=/nonexistent {} --db {} --now 2026-11-22T09:00:00Z; echo $? > {}; sleep 30'",
        bin.display(),
        db.display(),
        rc.display()
    );
    let started = Command::new("tmux")
        .args([
            "-S",
            sock,
            "new-session",
            "-d",
            "-s",
            "hup",
            "-x",
            "80",
            "-y",
            "24",
            &command,
        ])
        .status()
        .unwrap();
    assert!(started.success());
    let screen = |s: &str| tmux(&["-S", s, "capture-pane", "-p", "-t", "hup"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !screen(sock).contains("Services") {
        assert!(Instant::now() < deadline, "the interface never drew");
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux(&["-S", sock, "send-keys", "-t", "hup", "3"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux(&["-S", sock, "send-keys", "-t", "hup", "a"]);
    std::thread::sleep(Duration::from_millis(300));
    tmux(&["-S", sock, "send-keys", "-t", "hup", "-l", "Half-typed person"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !screen(sock).contains("Half-typed person") {
        assert!(
            Instant::now() < deadline,
            "the form never showed the text: {}",
            screen(sock)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The link drops: the terminal goes away with everything on it.
    tmux(&["-S", sock, "kill-server"]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rc.exists() {
        assert!(
            Instant::now() < deadline,
            "sdm is still running after its terminal went away"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(std::fs::read_to_string(&rc).unwrap().trim(), "129", "exit as a hang-up");
    let draft = std::fs::read_to_string(sdm::tui::draft_path(&db)).unwrap();
    assert!(draft.contains("Half-typed person"), "the open form is kept: {draft}");
}
