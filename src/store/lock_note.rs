//! A small note beside the database (`DB.lock-note`, never the database file itself) that a
//! long writer — an import, a sync — leaves while its transaction is open. Another sdm that
//! needs to write then says who it is waiting for and keeps waiting while that writer lives,
//! instead of giving up after the usual busy timeout.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where the note of the database at `db` lives.
pub fn path_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock-note");
    PathBuf::from(name)
}

/// A note left while it is alive; removed when dropped.
pub struct Note {
    path: PathBuf,
}

impl Note {
    /// Leaves `what` ("an import of tickets.csv is writing") beside the database at `db`.
    /// A note that cannot be written is no reason to stop the writer.
    pub fn leave(db: &Path, what: &str) -> Note {
        let path = path_of(db);
        let text = format!("{}\n{what}\n", std::process::id());
        let _ = crate::files::write_private(&path, text.as_bytes(), crate::files::Replace::Allow);
        Note { path }
    }
}

impl Drop for Note {
    fn drop(&mut self) {
        // Only our own note: another writer may have left one since.
        if read(&self.path).is_some_and(|(pid, _)| pid == std::process::id()) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn read(path: &Path) -> Option<(u32, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut lines = text.lines();
    let pid = lines.next()?.trim().parse().ok()?;
    Some((pid, lines.next().unwrap_or("another sdm is writing").to_string()))
}

/// What another live sdm says it is writing, if one does (a note whose writer is gone is
/// ignored).
pub fn other_writer(db: &Path) -> Option<String> {
    let (pid, what) = read(&path_of(db))?;
    if pid == std::process::id() || !Path::new(&format!("/proc/{pid}")).exists() {
        return None;
    }
    Some(what)
}

/// The line that says what a wait is for.
pub fn waiting_for(what: &str) -> String {
    format!("waiting for another sdm: {what}")
}

/// Waits while another live sdm's note stands; calls `tell` once with what it waits for.
/// Returns whether it waited.
pub fn wait_for_other_writer(db: &Path, tell: &dyn Fn(&str)) -> bool {
    let mut told = false;
    while let Some(what) = other_writer(db) {
        if !told {
            tell(&waiting_for(&what));
            told = true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    told
}
