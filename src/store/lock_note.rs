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
        // The start time goes last: an sdm from before it reads the pid and the what as ever.
        let text = match process(pid) {
            Some((_, start)) => format!("{pid}\n{what}\n{start}\n"),
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
    let pid = lines.next()?.trim().parse().ok()?;
    let what = lines.next().unwrap_or("another sdm is writing").to_string();
    let start = lines.next().and_then(|s| s.trim().parse().ok());
    Some((pid, start, what))
}

/// Process `pid`'s state letter and when it started (`/proc/PID/stat`, clock ticks after
/// boot): with its pid, the start names one process, not whichever holds the number now.
fn process(pid: u32) -> Option<(char, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command's name (the second field) is in parentheses and may hold spaces: the fields
    // after the last ')' start with the third (the state); the start time is the 22nd.
    let mut rest = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
    let state = rest.next()?.chars().next()?;
    Some((state, rest.nth(18)?.parse().ok()?))
}

/// What another live sdm says it is writing, if one does (a note whose writer is gone is
/// ignored: exited, killed and not yet reaped, or its pid since taken by another process).
pub fn other_writer(db: &Path) -> Option<String> {
    let (pid, start, what) = read(&path_of(db))?;
    if pid == std::process::id() || !Path::new(&format!("/proc/{pid}")).exists() {
        return None;
    }
    if let Some((state, now)) = process(pid)
        && (matches!(state, 'Z' | 'X') || start.is_some_and(|start| start != now))
    {
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
        // Process 1 lives as long as the machine does; without /proc there is nothing to tell.
        let Some((_, start)) = process(1) else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let note = |text: &str| std::fs::write(path_of(&db), text).unwrap();
        note(&format!("1\nan import of a.csv is writing\n{start}\n"));
        assert_eq!(other_writer(&db).as_deref(), Some("an import of a.csv is writing"));
        note(&format!("1\nan import of a.csv is writing\n{}\n", start + 1));
        assert_eq!(other_writer(&db), None, "the pid was taken by another process");
        // A note written before start times were (pid and what alone): the pid decides.
        note("1\nan import of a.csv is writing\n");
        assert!(other_writer(&db).is_some());
        // Its own note is not another writer's, and an sdm from before reads its pid as ever.
        let own = Note::leave(&db, "a sync is writing");
        assert_eq!(other_writer(&db), None);
        let text = std::fs::read_to_string(path_of(&db)).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next().unwrap().parse::<u32>().unwrap(),
            std::process::id(),
            "{text}"
        );
        assert_eq!(lines.next(), Some("a sync is writing"));
        drop(own);
        assert!(!path_of(&db).exists(), "removed with the writer");
    }

    /// A writer killed and not yet reaped (a zombie keeps its pid and start time) is gone.
    #[test]
    fn a_killed_writer_not_yet_reaped_is_not_waited_for() {
        // Without /proc there is nothing to tell.
        if process(1).is_none() {
            return;
        }
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        // Exited but not waited for: a zombie until reaped.
        let mut zombie = false;
        for _ in 0..200 {
            if process(pid).is_some_and(|(state, _)| state == 'Z') {
                zombie = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        assert!(zombie, "the child exited and is not reaped yet");
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        let (_, start) = process(pid).unwrap();
        std::fs::write(path_of(&db), format!("{pid}\nan import is writing\n{start}\n")).unwrap();
        assert!(Path::new(&format!("/proc/{pid}")).exists(), "a zombie keeps its pid");
        assert_eq!(other_writer(&db), None);
        let _ = child.wait();
        assert_eq!(other_writer(&db), None, "reaped");
    }
}
