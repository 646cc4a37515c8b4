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
        let pid = std::process::id();
        let text = match started(pid) {
            Some(start) => format!("{pid} {start}\n{what}\n"),
            None => format!("{pid}\n{what}\n"),
        };
        let _ = crate::files::write_private(&path, text.as_bytes(), crate::files::Replace::Allow);
        Note { path }
    }
}

impl Drop for Note {
    fn drop(&mut self) {
        // Only our own note: another writer may have left one since.
        if read(&self.path).is_some_and(|(pid, _, _)| pid == std::process::id()) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A note's writer (its pid, and when it started where the note says), and what it writes.
fn read(path: &Path) -> Option<(u32, Option<u64>, String)> {
    let text = std::fs::read_to_string(path).ok()?;
    let mut lines = text.lines();
    let mut first = lines.next()?.split_whitespace();
    let pid = first.next()?.parse().ok()?;
    let start = first.next().and_then(|s| s.parse().ok());
    Some((pid, start, lines.next().unwrap_or("another sdm is writing").to_string()))
}

/// When process `pid` started (`/proc/PID/stat`, clock ticks after boot): with its pid it names
/// one process, not whichever holds the number now.
fn started(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command's name (the second field) is in parentheses and may hold spaces: the fields
    // after the last ')' start with the third; the start time is the 22nd.
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// What another live sdm says it is writing, if one does (a note whose writer is gone is
/// ignored, and one whose pid another process has since taken).
pub fn other_writer(db: &Path) -> Option<String> {
    let (pid, start, what) = read(&path_of(db))?;
    if pid == std::process::id() || !Path::new(&format!("/proc/{pid}")).exists() {
        return None;
    }
    if start.is_some_and(|start| started(pid).is_some_and(|now| now != start)) {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A note names its writer by pid and start time: a live process that only took the pid of
    /// a writer that is gone is not waited for.
    #[test]
    fn a_note_whose_pid_another_process_took_is_not_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let note = |text: &str| std::fs::write(path_of(&db), text).unwrap();
        // Process 1 lives as long as the machine does.
        let start = started(1).unwrap();
        note(&format!("1 {start}\nan import of a.csv is writing\n"));
        assert_eq!(other_writer(&db).as_deref(), Some("an import of a.csv is writing"));
        note(&format!("1 {}\nan import of a.csv is writing\n", start + 1));
        assert_eq!(other_writer(&db), None, "the pid was taken by another process");
        // A note written before start times were (pid alone): the pid decides.
        note("1\nan import of a.csv is writing\n");
        assert!(other_writer(&db).is_some());
        // Its own note is not another writer's.
        let own = Note::leave(&db, "a sync is writing");
        assert_eq!(other_writer(&db), None);
        let text = std::fs::read_to_string(path_of(&db)).unwrap();
        assert!(text.starts_with(&format!("{} ", std::process::id())), "{text}");
        drop(own);
        assert!(!path_of(&db).exists(), "removed with the writer");
    }
}
