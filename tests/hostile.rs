//! Hostile and broken input: names carrying terminal escape sequences are shown inert, and a
//! database on a full disk fails with a clear message and loses nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::sdm;
use sdm::domain::model::*;

const EVIL: &str = "Evil\u{1b}]52;c;ZWNobyBoaQ==\u{7} Corp\u{1b}[2J\u{1b}]0;pwned\u{7}";

#[test]
fn escape_sequences_in_data_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = common::populated(&path);
    store
        .write(None, |w| {
            let mut svc: Service = sdm::store::records::get_in(w.conn(), &common::service("Payroll").id)?.unwrap();
            svc.name = EVIL.into();
            w.save(&svc)?;
            let mut who: Stakeholder =
                sdm::store::records::get_in(w.conn(), &sdm::domain::ids::natural_id("stakeholder", "Ann de Vries"))?
                    .unwrap();
            who.name = format!("Ann {EVIL}");
            w.save(&who)
        })
        .unwrap();
    drop(store);
    let db = path.to_str().unwrap();
    for args in [
        vec!["--db", db, "--now", "2026-11-22T09:00:00Z", "agenda"],
        vec!["--db", db, "--now", "2026-11-22T09:00:00Z", "clocks"],
        vec!["--db", db, "--now", "2026-11-22T09:00:00Z", "ics"],
        vec!["--db", db, "conflicts"],
    ] {
        let out = sdm().args(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !out.stdout.contains(&0x1b),
            "{args:?} printed an escape: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(!out.stdout.contains(&0x07), "{args:?} printed a bell");
    }
    // JSON carries the text faithfully, escaped as JSON (no raw control bytes).
    let out = sdm()
        .args(["--db", db, "--now", "2026-11-22T09:00:00Z", "agenda", "--json"])
        .output()
        .unwrap();
    assert!(!out.stdout.contains(&0x1b));
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(a["breaches"][0]["service"], EVIL);
}

#[test]
fn a_full_disk_fails_clearly_and_loses_nothing() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: needs Linux tmpfs");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mnt = dir.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs", mnt.to_str().unwrap()])
        .output();
    match mounted {
        Ok(o) if o.status.success() => {}
        _ => {
            eprintln!("skipped: mounting a small tmpfs is not permitted here");
            return;
        }
    }
    let path = mnt.join("full.db");
    drop(common::populated(&path));
    let before = sdm()
        .args(["--db", path.to_str().unwrap(), "export"])
        .output()
        .unwrap()
        .stdout;
    // Fill the disk, then try to write.
    let filler = mnt.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
    }
    let mut last = None;
    for i in 0..200 {
        let out = sdm()
            .args([
                "--db",
                path.to_str().unwrap(),
                "touch",
                "Ann",
                &format!("note {i} {}", "x".repeat(4000)),
            ])
            .output()
            .unwrap();
        if !out.status.success() {
            last = Some(out);
            break;
        }
    }
    let out = last.expect("the disk never filled up");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "no panic: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one clear line: {err}");
    let _ = std::fs::remove_file(&filler);
    let check = sdm().args(["--db", path.to_str().unwrap(), "check"]).output().unwrap();
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stdout));
    let after = sdm()
        .args(["--db", path.to_str().unwrap(), "export"])
        .output()
        .unwrap()
        .stdout;
    assert!(after.len() >= before.len(), "nothing committed before was lost");
    let _ = std::process::Command::new("umount").arg(&mnt).status();
}
