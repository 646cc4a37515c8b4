//! Validation errors: which field, what is wrong and what is accepted.

/// A field whose value is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Invalid {
            field,
            message: message.into(),
        }
    }
}

/// The earliest instant sdm takes as a fact (1990-01-01T00:00:00Z): an earlier one is an
/// export's placeholder for "no date" or a typo, and would make every clock run for decades.
pub const EARLIEST_FACT: i64 = 631_152_000;

/// Refuses an instant before [`EARLIEST_FACT`].
pub fn plausible_instant(field: &'static str, at: i64) -> Result<(), Invalid> {
    if at < EARLIEST_FACT {
        return Err(Invalid::new(field, "is before 1990: not a date sdm takes as a fact"));
    }
    Ok(())
}

pub fn required(field: &'static str, value: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        Err(Invalid::new(field, "must not be empty"))
    } else if value.chars().count() > 500 {
        Err(Invalid::new(field, "is too long (500 characters at most)"))
    } else {
        Ok(())
    }
}

pub fn in_range(field: &'static str, value: f64, low: f64, high: f64, accepted: &str) -> Result<(), Invalid> {
    if value.is_finite() && value >= low && value <= high {
        Ok(())
    } else {
        Err(Invalid::new(field, format!("{value} is out of range: use {accepted}")))
    }
}

pub fn ordered(field: &'static str, start: i64, end: Option<i64>, what: &str) -> Result<(), Invalid> {
    match end {
        Some(end) if end < start => Err(Invalid::new(field, format!("must not be before {what}"))),
        _ => Ok(()),
    }
}
