//! What can go wrong in a use case, typed so each front end can say it its way: a form puts
//! an `Invalid` message under its field; the command line prints one line and exits 2 for
//! `Invalid`, `NotFound` and `Conflict`, and 1 for a fault of the store.

use crate::domain::validate;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A field of the input is not accepted; `field` is the input's field name (a form's key).
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    /// The record the input names is not there (deleted elsewhere, or never was).
    #[error("{0}")]
    NotFound(String),
    /// The input clashes with what is stored (a name taken, a record changed elsewhere).
    #[error("{message}")]
    Conflict { field: &'static str, message: String },
    /// Several fields at once (a form shows each under its field); never empty.
    #[error("{}", join_fields(.0))]
    Fields(Vec<(&'static str, String)>),
    #[error(transparent)]
    Store(StoreError),
}

fn join_fields(errors: &[(&'static str, String)]) -> String {
    errors
        .iter()
        .map(|(f, m)| format!("{f}: {m}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Gathers what is wrong with an input's fields, so that all of them are said at once
/// rather than one per attempt: `take` keeps a field's value or its error, `finish` fails
/// with every field error found (or with the first fault that is not a field's).
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<AppError>,
}

impl Checks {
    pub fn take<T>(&mut self, r: AppResult<T>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Records a field error found by hand.
    pub fn fail(&mut self, field: &'static str, message: impl Into<String>) {
        self.errors.push(AppError::invalid(field, message));
    }

    /// A value `take` kept, once `finish` has passed (when every `take` kept its value).
    pub fn taken<T>(v: Option<T>) -> AppResult<T> {
        v.ok_or_else(|| AppError::invalid("", "the input could not be read"))
    }

    pub fn finish(self) -> AppResult<()> {
        let mut fields = Vec::new();
        for e in self.errors {
            match e {
                AppError::Invalid { field, message } => fields.push((field, message)),
                AppError::Fields(more) => fields.extend(more),
                other => return Err(other),
            }
        }
        match fields.len() {
            0 => Ok(()),
            1 => {
                let (field, message) = fields.remove(0);
                Err(AppError::Invalid { field, message })
            }
            _ => Err(AppError::Fields(fields)),
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Invalid {
            field,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> AppError {
        AppError::NotFound(message.into())
    }

    pub fn conflict(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            field,
            message: message.into(),
        }
    }

    /// The field at fault, when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            AppError::Invalid { field, .. } | AppError::Conflict { field, .. } => Some(field),
            AppError::Fields(all) => all.first().map(|(f, _)| *f),
            _ => None,
        }
    }

    /// Every field at fault with its message (one for `Invalid` and `Conflict`).
    pub fn field_errors(&self) -> Vec<(&'static str, String)> {
        match self {
            AppError::Fields(all) => all.clone(),
            AppError::Invalid { field, message } | AppError::Conflict { field, message } => {
                vec![(field, message.clone())]
            }
            _ => vec![],
        }
    }

    /// The message without its field's name (a form shows it under the field).
    pub fn message(&self) -> String {
        match self {
            AppError::Invalid { message, .. } | AppError::Conflict { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// Whether the person's input caused it (exit 2) rather than a fault (exit 1).
    pub fn is_user_error(&self) -> bool {
        match self {
            AppError::Store(e) => e.is_user_error(),
            _ => true,
        }
    }

    /// A store error's validation failure names its field; a lookup that failed is not found.
    pub fn at(field: &'static str, e: StoreError) -> AppError {
        match e {
            StoreError::NotFound(m) | StoreError::BadInput(m) => AppError::invalid(field, m),
            other => AppError::from(other),
        }
    }

    /// A closed-vocabulary word or a date that did not parse, for `field`.
    pub fn word(field: &'static str, e: impl std::fmt::Display) -> AppError {
        AppError::invalid(field, e.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Invalid(inv) => AppError::from(inv),
            StoreError::NotFound(m) => AppError::NotFound(m),
            StoreError::Conflict(m) => AppError::Conflict { field: "", message: m },
            other => AppError::Store(other),
        }
    }
}

impl From<validate::Invalid> for AppError {
    fn from(inv: validate::Invalid) -> AppError {
        AppError::Invalid {
            field: inv.field,
            message: inv.message,
        }
    }
}
