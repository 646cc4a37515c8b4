//! What `sdm check` asks of the file: each part answers on its own, also on a damaged file.

use super::Store;

/// The file's state as SQLite sees it.
pub struct FileCheck {
    /// "ok", or what the integrity check found (a part that could not run says why).
    pub integrity: Vec<String>,
    /// Broken references, or why they could not be counted.
    pub foreign_keys: Result<i64, String>,
    pub schema_version: super::Result<i64>,
    pub journal_mode: super::Result<String>,
}

impl FileCheck {
    pub fn integrity_ok(&self) -> bool {
        self.integrity.len() == 1 && self.integrity[0] == "ok"
    }
}

impl Store {
    /// Runs SQLite's own checks; a part that cannot run is reported as failed, and the rest
    /// still runs.
    pub fn file_check(&self) -> FileCheck {
        let conn = self.conn();
        let integrity: Vec<String> = conn
            .prepare("PRAGMA integrity_check")
            .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>())
            .unwrap_or_else(|e| vec![e.to_string()]);
        let foreign_keys = conn
            .prepare("PRAGMA foreign_key_check")
            .and_then(|mut s| s.query_map([], |_| Ok(()))?.collect::<rusqlite::Result<Vec<()>>>())
            .map(|v| v.len() as i64)
            .map_err(|e| e.to_string());
        let schema_version = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(super::StoreError::from);
        let journal_mode = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .map_err(super::StoreError::from);
        FileCheck {
            integrity,
            foreign_keys,
            schema_version,
            journal_mode,
        }
    }
}
