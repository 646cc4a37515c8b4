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

/// A small tmpfs under `dir`, or `None` (saying so) where mounting one is not permitted.
fn small_disk(dir: &std::path::Path, size: &str) -> Option<std::path::PathBuf> {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: needs Linux tmpfs");
        return None;
    }
    let mnt = dir.join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            &format!("size={size}"),
            "tmpfs",
            mnt.to_str().unwrap(),
        ])
        .output();
    match mounted {
        Ok(o) if o.status.success() => Some(mnt),
        _ => {
            eprintln!("skipped: mounting a small tmpfs is not permitted here");
            None
        }
    }
}

#[test]
fn a_full_disk_fails_clearly_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mnt) = small_disk(dir.path(), "4m") else {
        return;
    };
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

/// Whether bytes hold anything a terminal would act on: ESC, BEL, other C0 controls but
/// newline and tab, DEL, C1 controls (UTF-8 C2 80..9F) or bidi overrides and isolates.
fn terminal_unsafe(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.chars()
        .find(|c| {
            (c.is_control() && !matches!(c, '\n' | '\t'))
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .map(|c| format!("{:?} in {text}", c))
}

const OSC52: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}]52;c;ZWNobyBoaQ==\u{7}\u{9b}31m\u{202e}";

#[test]
fn error_lines_and_hints_never_carry_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = common::populated(&path);
    store
        .write(None, |w| {
            for n in ["WHO1", "WHO2"] {
                w.save(&Stakeholder {
                    id: sdm::domain::ids::new_id(),
                    name: format!("{n}{OSC52}"),
                    organisation: "Acme".into(),
                    role: String::new(),
                    contact: String::new(),
                    channel: sdm::domain::enums::Channel::Email,
                    cadence_days: 30,
                    notes: String::new(),
                    service_ids: vec![],
                })?;
            }
            let mut svc: Service = sdm::store::records::get_in(w.conn(), &common::service("Payroll").id)?.unwrap();
            svc.name = format!("Payroll{OSC52}");
            w.save(&svc)
        })
        .unwrap();
    drop(store);
    let db = path.to_str().unwrap();
    let bad_export = dir.path().join("bad.json");
    std::fs::write(
        &bad_export,
        format!(
            "{{\"format\":\"sdm-export\",\"format_version\":1,\"schema_version\":1,\"tables\":{{\"x{}\":[]}}}}",
            OSC52
                .replace('\u{1b}', "\\u001b")
                .replace('\u{7}', "\\u0007")
                .replace('\u{9b}', "\\u009b")
                .replace('\u{202e}', "\\u202e")
        ),
    )
    .unwrap();
    let fresh = dir.path().join("fresh.db");
    let runs: Vec<Vec<&str>> = vec![
        vec!["--db", db, "touch", "WHO", "hello"],
        vec!["--db", db, "touch", "Ann de Vries", "--service", "Payrol", "hello"],
        vec!["--db", db, "report", "--service", "Payrol", "--month", "2026-11"],
        vec!["--db", db, "clocks", "--service", "Payrol"],
        vec!["--db", db, "report", "--all", "--month", "2026-11"],
        vec!["--db", db, "agenda"],
        vec!["--db", db, "agenda", "--json"],
        vec!["--db", db, "export"],
        vec!["--db", fresh.to_str().unwrap(), "restore", bad_export.to_str().unwrap()],
    ];
    for args in runs {
        let out = sdm().args(&args).output().unwrap();
        assert!(out.status.code().is_some(), "{args:?} was killed");
        if let Some(found) = terminal_unsafe(&out.stdout) {
            panic!("{args:?} stdout: {found}");
        }
        if let Some(found) = terminal_unsafe(&out.stderr) {
            panic!("{args:?} stderr: {found}");
        }
    }
    // The JSON still carries the names faithfully.
    let out = sdm().args(["--db", db, "agenda", "--json"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\\u009b") && text.contains("\\u202e"), "escaped in JSON");
    let export = sdm().args(["--db", db, "export"]).output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&export.stdout).unwrap();
    let names: Vec<&str> = doc["tables"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert!(
        names.contains(&format!("Payroll{OSC52}").as_str()),
        "the export keeps the value as stored"
    );
}

#[test]
fn exports_never_follow_a_planted_link_and_never_clobber_without_force() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let mut store = common::populated(&path);
    store
        .write(None, |w| {
            let mut svc: Service = sdm::store::records::get_in(w.conn(), &common::service("Payroll").id)?.unwrap();
            svc.description = "=HYPERLINK(\"http://evil\",\"click\")".into();
            svc.customer = "@SUM(1+1)".into();
            svc.agreement_ref = "-2+3+cmd|' /C calc'!A0".into();
            w.save(&svc)
        })
        .unwrap();
    drop(store);
    let db = path.to_str().unwrap();
    let out_dir = dir.path().join("csv");
    std::fs::create_dir(&out_dir).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    std::os::unix::fs::symlink(&victim, out_dir.join("services.csv")).unwrap();
    let open_file = out_dir.join("tickets.csv");
    std::fs::write(&open_file, "old").unwrap();
    std::fs::set_permissions(&open_file, std::fs::Permissions::from_mode(0o666)).unwrap();

    let refused = sdm()
        .args([
            "--db",
            db,
            "export",
            "--format",
            "csv",
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        refused.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");

    sdm()
        .args([
            "--db",
            db,
            "export",
            "--format",
            "csv",
            "--force",
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "precious",
        "the link was not followed"
    );
    let services_csv = out_dir.join("services.csv");
    assert!(
        !std::fs::symlink_metadata(&services_csv)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    for entry in std::fs::read_dir(&out_dir).unwrap() {
        let mode = entry.unwrap().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "every exported file is private");
    }
    let text = std::fs::read_to_string(&services_csv).unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains("'@SUM(1+1)"), "{text}");
    assert!(text.contains("'-2+3+cmd"), "{text}");

    sdm()
        .args([
            "--db",
            db,
            "export",
            "--format",
            "csv",
            "--force",
            "--raw-cells",
            "--out",
            out_dir.to_str().unwrap(),
        ])
        .assert()
        .success();
    let raw = std::fs::read_to_string(&services_csv).unwrap();
    assert!(raw.contains(",@SUM(1+1),") && !raw.contains("'@SUM"), "{raw}");

    // One file: refused onto an existing one without --force, replaced with it.
    let json = dir.path().join("dump.json");
    std::fs::write(&json, "keep me").unwrap();
    let refused = sdm()
        .args(["--db", db, "export", "--out", json.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&json).unwrap(), "keep me");
    sdm()
        .args(["--db", db, "export", "--force", "--out", json.to_str().unwrap()])
        .assert()
        .success();
    assert!(std::fs::read_to_string(&json).unwrap().contains("sdm-export"));
}

/// Values no sdm writes, put into the file by hand: every command still answers (leaving the
/// row out and saying so once), `sdm check` names the rows, and the export still works.
#[test]
fn a_bad_value_in_the_file_never_bricks_a_command() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    sdm()
        .args(["--db", path.to_str().unwrap(), "--now", "2026-11-22T09:00:00Z", "demo"])
        .assert()
        .success();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "UPDATE tickets SET state = 'pwned' WHERE id = (SELECT id FROM tickets ORDER BY id LIMIT 1);
             UPDATE tickets SET priority = 'P9', pauses = 'not json' WHERE id = (SELECT id FROM tickets ORDER BY id LIMIT 1 OFFSET 1);
             UPDATE services SET aliases = 'not json' WHERE id = (SELECT id FROM services ORDER BY id LIMIT 1);
             UPDATE services SET criticality = 'extreme' WHERE id = (SELECT id FROM services ORDER BY id LIMIT 1 OFFSET 1);
             UPDATE calendars SET hours = 'not json' WHERE name <> '24x7';",
        )
        .unwrap();
    }
    let db = path.to_str().unwrap();
    for args in [
        vec!["--db", db, "--now", "2026-11-22T09:00:00Z", "agenda"],
        vec!["--db", db, "--now", "2026-11-22T09:00:00Z", "agenda", "--json"],
        vec!["--db", db, "--now", "2026-11-22T09:00:00Z", "clocks"],
        vec![
            "--db",
            db,
            "--now",
            "2026-11-22T09:00:00Z",
            "report",
            "--all",
            "--month",
            "2026-11",
        ],
        vec!["--db", db, "export"],
    ] {
        let out = sdm().args(&args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {err}");
        assert!(
            !err.contains("backtrace") && !err.contains("Location:"),
            "{args:?}: {err}"
        );
    }
    let out = sdm()
        .args(["--db", db, "--now", "2026-11-22T09:00:00Z", "clocks"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unreadable") && err.contains("run sdm check"), "{err}");
    let check = sdm().args(["--db", db, "check"]).output().unwrap();
    let text = String::from_utf8_lossy(&check.stdout);
    assert!(!check.status.success());
    for needle in [
        "column state",
        "column priority",
        "column aliases",
        "column criticality",
        "column hours",
    ] {
        assert!(text.contains(needle), "check names {needle}: {text}");
    }
    // The export of a damaged file restores only after mending: restore names the row.
    let export = sdm().args(["--db", db, "export"]).output().unwrap();
    let dump = dir.path().join("dump.json");
    std::fs::write(&dump, &export.stdout).unwrap();
    let fresh = dir.path().join("fresh.db");
    let out = sdm()
        .args(["--db", fresh.to_str().unwrap(), "restore", dump.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("row") && err.contains("column"), "{err}");
}

/// Bytes flipped on disk (a failing disk, a bad copy): every command fails, if it fails, with
/// one line pointing to `sdm check`, never a report; `sdm check` says what it found.
#[test]
fn flipped_bytes_give_one_line_never_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.db");
    sdm()
        .args(["--db", good.to_str().unwrap(), "--now", "2026-11-22T09:00:00Z", "demo"])
        .assert()
        .success();
    let bytes = std::fs::read(&good).unwrap();
    // Past the first page (the file's header and schema): its size is in the header.
    let page = match u16::from_be_bytes([bytes[16], bytes[17]]) {
        1 => 65_536,
        n => usize::from(n),
    };
    for seed in 1..=6u64 {
        let mut damaged = bytes.clone();
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        for _ in 0..40 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let at = page + (x as usize) % (damaged.len() - page);
            damaged[at] ^= 0xff;
        }
        let path = dir.path().join(format!("damaged{seed}.db"));
        std::fs::write(&path, &damaged).unwrap();
        let db = path.to_str().unwrap();
        for args in [
            vec!["agenda"],
            vec!["agenda", "--json"],
            vec!["clocks"],
            vec!["report", "--all", "--month", "2026-11"],
            vec!["export"],
            vec!["check"],
        ] {
            let out = sdm()
                .env_remove("RUST_BACKTRACE")
                .args(["--db", db, "--now", "2026-11-22T09:00:00Z"])
                .args(&args)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(matches!(out.status.code(), Some(0..=2)), "seed {seed} {args:?}: {err}");
            assert!(err.trim().lines().count() <= 1, "seed {seed} {args:?}: {err}");
        }
    }
}

/// On a full disk the read commands still answer: a cleanly closed file is read as it stands.
#[test]
fn read_commands_answer_on_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mnt) = small_disk(dir.path(), "3m") else {
        return;
    };
    let path = mnt.join("full.db");
    sdm()
        .args(["--db", path.to_str().unwrap(), "--now", "2026-11-22T09:00:00Z", "demo"])
        .assert()
        .success();
    {
        use std::io::Write;
        let mut f = std::fs::File::create(mnt.join("filler")).unwrap();
        let block = vec![0u8; 64 * 1024];
        while f.write_all(&block).is_ok() {}
    }
    let db = path.to_str().unwrap();
    for args in [
        vec!["agenda"],
        vec!["agenda", "--json"],
        vec!["clocks"],
        vec!["report", "--all", "--month", "2026-11"],
        vec!["export"],
        vec!["check"],
    ] {
        let out = sdm()
            .args(["--db", db, "--now", "2026-11-22T09:00:00Z"])
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let out = sdm().args(["--db", db, "touch", "Ann de Vries", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a write fails clearly");
    let _ = std::process::Command::new("umount").arg(&mnt).status();
}
