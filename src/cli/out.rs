//! Where command output meets the terminal: one filter for every byte, and no panic when the
//! reader has gone.

use std::io::Write;

use crate::domain::text::inert_lines;

/// Writes `text` and a newline to standard output, made inert.
pub fn stdout_line(text: &str) {
    let mut line = inert_lines(text).into_owned();
    line.push('\n');
    stdout_bytes(line.as_bytes());
}

/// Writes `text` to standard output, made inert.
pub fn stdout_text(text: &str) {
    stdout_bytes(inert_lines(text).as_bytes());
}

/// Writes bytes already made safe (a JSON document) to standard output. A reader that went
/// away (`| head`) ends the command quietly with success.
pub fn stdout_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

pub use crate::error::stderr_line;

/// A JSON value as a pretty document for the terminal: characters that must not reach it
/// written as escapes.
pub fn json_document<T: serde::Serialize>(value: &T) -> serde_json::Result<String> {
    Ok(crate::domain::text::json_for_terminal(serde_json::to_string_pretty(
        value,
    )?))
}
