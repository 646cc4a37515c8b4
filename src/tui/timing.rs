//! Frame timings for the benchmark suite: with `SDM_FRAME_LOG=FILE` set, the interface appends
//! one line per frame to FILE — how long the first frame took from the start of the process, and
//! for every key press the time from reading the event to the flushed frame. Without the
//! variable nothing is measured or written.

use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

pub const ENV: &str = "SDM_FRAME_LOG";

pub struct FrameLog {
    file: Option<File>,
}

impl FrameLog {
    pub fn from_env() -> FrameLog {
        let file = std::env::var_os(ENV).and_then(|p| Self::open(Path::new(&p)));
        FrameLog { file }
    }

    fn open(path: &Path) -> Option<File> {
        std::fs::OpenOptions::new().create(true).append(true).open(path).ok()
    }

    pub fn enabled(&self) -> bool {
        self.file.is_some()
    }

    fn line(&mut self, text: &str) {
        if let Some(f) = &mut self.file {
            let _ = writeln!(f, "{text}");
        }
    }

    /// A moment since the start of the process: `first_frame` (the first complete frame is
    /// flushed) or `full_load` (the SLA health has come in from its thread).
    pub fn since_start(&mut self, what: &str) {
        let us = started().elapsed().as_micros();
        self.line(&format!("{what}_us {us}"));
    }

    /// A key's frame: `what` names the key, `took` runs from the event read to the flush.
    pub fn key_frame(&mut self, what: &str, took: Duration) {
        self.line(&format!("key {what} {}", took.as_micros()));
    }
}

/// A short name for a key press, for the log.
pub fn key_name(key: &crossterm::event::KeyEvent) -> String {
    use crossterm::event::KeyCode;
    match key.code {
        KeyCode::Char(' ') => "space".into(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "tab".into(),
        KeyCode::BackTab => "backtab".into(),
        KeyCode::Enter => "enter".into(),
        KeyCode::Esc => "esc".into(),
        KeyCode::Up => "up".into(),
        KeyCode::Down => "down".into(),
        KeyCode::Left => "left".into(),
        KeyCode::Right => "right".into(),
        KeyCode::Backspace => "backspace".into(),
        other => format!("{other:?}").to_lowercase().replace(' ', ""),
    }
}

static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Marks the start of the process (called first thing in `main`).
pub fn mark_start() {
    let _ = STARTED.set(Instant::now());
}

/// When the process started (or, if never marked, now).
pub fn started() -> Instant {
    *STARTED.get_or_init(Instant::now)
}
