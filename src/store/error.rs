//! The store's typed errors. Those a person causes (a wrong path, a bad value, a newer
//! database) are "user errors": the command line shows them as one line and exits 2.

use std::path::PathBuf;

use crate::domain::validate::Invalid;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} is a directory, not a database file: give the path of a file")]
    IsDirectory(PathBuf),
    #[error("no database at {0}: create one with `sdm --db {0} demo`, `sdm import portfolio` or by starting `sdm`")]
    Missing(PathBuf),
    #[error("{0} is empty: it is not an sdm database (remove it, or give another --db)")]
    Empty(PathBuf),
    #[error("{0} is not an sdm database (it is not an SQLite file, or it belongs to another program)")]
    NotADatabase(PathBuf),
    #[error(
        "{path} was written by a newer sdm (schema version {found}; this sdm knows up to {supported}): upgrade sdm to open it"
    )]
    NewerSchema { path: PathBuf, found: i64, supported: i64 },
    #[error("{0} is busy: another program has held it for writing for more than 30 seconds; try again when it is done")]
    Busy(PathBuf),
    #[error("cannot write {0}: the file or its folder is read-only, or the disk is full")]
    ReadOnly(PathBuf),
    #[error("cannot open {path}: {reason}")]
    CannotOpen { path: PathBuf, reason: String },
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    BadInput(String),
    #[error("the database cannot be written: {0}")]
    Storage(String),
    #[error(
        "the database file is damaged ({0}): run `sdm check` to see what is wrong, and restore from a backup (`sdm restore`) if it fails"
    )]
    Damaged(String),
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("bad JSON in the database: {0}")]
    Json(#[from] serde_json::Error),
}

impl From<rusqlite::Error> for StoreError {
    /// A full disk, a failing one or a read-only file is the machine's state, not a bug: say
    /// so in one line.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        match e.sqlite_error_code() {
            Some(DiskFull) => StoreError::Storage("the disk is full; free some space and try again".into()),
            Some(SystemIoFailure) => StoreError::Storage(format!(
                "the disk is full or failing ({e}); free some space and try again"
            )),
            Some(ReadOnly) => StoreError::Storage("the file or its folder is read-only (or the disk is full)".into()),
            Some(DatabaseCorrupt) | Some(NotADatabase) => StoreError::Damaged(e.to_string()),
            // Text that is not UTF-8 is never written by sdm.
            _ if matches!(e, rusqlite::Error::Utf8Error(..)) => StoreError::Damaged(e.to_string()),
            // sdm's own statements name only what its migrations made: a table, column,
            // index or collation missing means a damaged (or hand-edited) schema.
            _ if {
                let text = e.to_string();
                [
                    "no such column",
                    "no such table",
                    "malformed",
                    "no such collation sequence",
                    "no such index",
                ]
                .iter()
                .any(|t| text.contains(t))
            } =>
            {
                StoreError::Damaged(e.to_string())
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

impl StoreError {
    /// Whether a person's input caused this (exit 2), rather than a fault (exit 1).
    pub fn is_user_error(&self) -> bool {
        !matches!(
            self,
            StoreError::Sqlite(_) | StoreError::Io(_) | StoreError::Json(_) | StoreError::Damaged(_)
        )
    }

    /// A fault that one line explains fully (a damaged file): exit 1, but no report.
    pub fn is_plain_fault(&self) -> bool {
        matches!(self, StoreError::Damaged(_))
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
