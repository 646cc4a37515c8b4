//! How errors reach a person: a mistake of theirs is one line and exit 2, never a backtrace;
//! anything else is a full report and exit 1.

use std::process::ExitCode;

use crate::domain::enums::UnknownWord;
use crate::domain::parse::ParseError;
use crate::domain::validate::Invalid;
use crate::store::StoreError;

/// A fault that one line explains fully (a damaged file, a failed check): exit 1, no report.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Fault(pub String);

/// Whether one line says all there is to say about a fault.
fn is_plain_fault(report: &color_eyre::Report) -> bool {
    report.chain().any(|cause| {
        cause.downcast_ref::<Fault>().is_some()
            || cause
                .downcast_ref::<StoreError>()
                .is_some_and(StoreError::is_plain_fault)
            || matches!(
                cause.downcast_ref::<crate::app::AppError>(),
                Some(crate::app::AppError::Store(e)) if e.is_plain_fault()
            )
    })
}

/// A mistake in what the user gave: bad usage, a bad value, a missing file.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UserError(pub String);

impl UserError {
    pub fn new(message: impl Into<String>) -> Self {
        UserError(message.into())
    }
}

pub fn install_hooks() {
    // Backtraces only when asked for; a second install (tests) is harmless to ignore.
    let _ = color_eyre::config::HookBuilder::default()
        .display_env_section(false)
        .install();
}

/// Whether the error (or one of its causes) is the user's to fix.
pub fn is_user_error(report: &color_eyre::Report) -> bool {
    report.chain().any(|cause| {
        cause.downcast_ref::<UserError>().is_some()
            || cause.downcast_ref::<Invalid>().is_some()
            || cause.downcast_ref::<ParseError>().is_some()
            || cause.downcast_ref::<UnknownWord>().is_some()
            || cause.downcast_ref::<crate::files::FileError>().is_some()
            || cause
                .downcast_ref::<crate::app::AppError>()
                .is_some_and(crate::app::AppError::is_user_error)
            || cause
                .downcast_ref::<StoreError>()
                .is_some_and(StoreError::is_user_error)
    })
}

/// The whole chain of messages on one line.
pub fn one_line(report: &color_eyre::Report) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in report.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ").replace('\n', " ")
}

pub fn exit_with(report: color_eyre::Report) -> ExitCode {
    // Error texts quote names from the database and files: they go through the same filter
    // as every other output, and a standard error that is gone is no reason to panic.
    // Output piped into `head` that stops reading: the reader has what it wanted.
    if report.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return ExitCode::SUCCESS;
    }
    if is_user_error(&report) {
        stderr_line(&format!("sdm: {}", one_line(&report)));
        ExitCode::from(2)
    } else if is_plain_fault(&report) {
        stderr_line(&format!("sdm: {}", one_line(&report)));
        ExitCode::from(1)
    } else {
        stderr_line(&format!("sdm: {report:?}"));
        ExitCode::from(1)
    }
}

/// Writes `text` and a newline to standard error, made inert (no escape sequence from data
/// reaches the terminal); a failed write (standard error gone with the link) is ignored.
pub fn stderr_line(text: &str) {
    use std::io::Write;
    let mut line = crate::domain::text::inert_lines(text).into_owned();
    line.push('\n');
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(line.as_bytes());
    let _ = err.flush();
}
