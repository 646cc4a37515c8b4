//! What the import tests share: a database in a temporary folder, the binary with a fixed
//! clock and display zone, and a look at the database through `sdm export`.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// The evaluation clock of every test.
pub const NOW: &str = "2026-11-22T09:00:00Z";

pub struct Desk {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
    config: PathBuf,
}

impl Desk {
    /// A fresh folder; the database does not exist yet.
    pub fn new() -> Desk {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sdm.db");
        let config = dir.path().join("config.toml");
        std::fs::write(&config, "timezone = \"Europe/Amsterdam\"\n").unwrap();
        Desk { dir, db, config }
    }

    /// A database holding the portfolio fixture.
    pub fn with_portfolio() -> Desk {
        let desk = Desk::new();
        desk.sdm(&["import", "portfolio", &fixture("portfolio.toml")])
            .assert()
            .success();
        desk
    }

    /// `sdm --db ... --config ... --now NOW <args>`.
    pub fn sdm(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_sdm"));
        cmd.arg("--db")
            .arg(&self.db)
            .arg("--config")
            .arg(&self.config)
            .arg("--now")
            .arg(NOW)
            .args(args)
            .env_remove("SDM_DB")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Writes a file into the test folder and returns its path.
    pub fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// The whole database, as `sdm export` writes it.
    pub fn export(&self) -> Value {
        let out = self.sdm(&["export"]).assert().success().get_output().stdout.clone();
        serde_json::from_slice(&out).unwrap()
    }

    /// The live rows of one table.
    pub fn rows(&self, table: &str) -> Vec<Value> {
        let doc = self.export();
        doc["tables"][table]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["deleted"] == Value::Bool(false))
            .cloned()
            .collect()
    }

    /// The one live row of `table` whose `column` is `value`.
    pub fn row(&self, table: &str, column: &str, value: &str) -> Value {
        let rows = self.rows(table);
        let found: Vec<&Value> = rows.iter().filter(|r| r[column] == value).collect();
        assert_eq!(found.len(), 1, "{table} rows with {column} = {value}: {rows:#?}");
        found[0].clone()
    }

    /// Every table's rows (for "nothing changed" comparisons).
    pub fn tables(&self) -> Value {
        self.export()["tables"].clone()
    }

    pub fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.db).unwrap()
    }
}

pub fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

pub fn stdout(mut cmd: Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

/// Runs a command that must fail with exit 2; returns its standard error.
pub fn refused(mut cmd: Command) -> String {
    let out = cmd.assert().code(2).get_output().clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(!err.contains("Backtrace"), "{err}");
    err
}
