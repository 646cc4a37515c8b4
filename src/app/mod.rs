//! The use cases: everything a person can do with sdm, written once. The command line and
//! the interface both translate their input into these typed requests, call them, and show
//! the typed result or error; neither decides what an action does, and neither touches SQL.
//!
//! Data flows one way: key or argument → request → use case → store → snapshot → draw.

pub mod agenda;
pub mod breaches;
pub mod corrections;
pub mod costs;
pub mod ctx;
pub mod demo;
pub mod detail;
pub mod error;
pub mod jump;
pub mod problems;
pub mod records;
pub mod report;
pub mod reviews;
pub mod services;
pub mod stakeholders;
pub mod touch;

pub use ctx::{Ctx, CtxOptions, NowArg};
pub use error::{AppError, AppResult};
pub use records::{RecordKind, RecordRef, Stamp};

use chrono::NaiveDate;

/// A record's values as text, by field name (a form's keys), to edit them.
pub type Values = std::collections::HashMap<&'static str, String>;

use crate::domain::model::Service;
use crate::domain::parse::{parse_date, parse_instant};
use crate::store::Store;
use crate::store::queries::find_service;

/// The service a field names (by name or alias).
fn service_named(store: &Store, field: &'static str, name: &str) -> AppResult<Service> {
    find_service(store.conn(), name).map_err(|e| AppError::at(field, e))
}

/// Services named in one field, comma-separated (names or aliases), as their ids.
fn service_list(store: &Store, field: &'static str, names: &str) -> AppResult<Vec<String>> {
    names
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|n| service_named(store, field, n).map(|s| s.id))
        .collect()
}

/// An optional service: empty is none.
fn opt_service(store: &Store, field: &'static str, name: &str) -> AppResult<Option<String>> {
    match name.trim() {
        "" => Ok(None),
        n => service_named(store, field, n).map(|s| Some(s.id)),
    }
}

/// A date as a person types it (2026-12-01, fri, +1w); empty is none.
fn opt_date(ctx: &Ctx, field: &'static str, text: &str) -> AppResult<Option<NaiveDate>> {
    match text.trim() {
        "" => Ok(None),
        t => parse_date(t, ctx.today())
            .map(Some)
            .map_err(|e| AppError::word(field, e)),
    }
}

/// An instant as a person types it (now, 2026-11-20 14:00, yesterday 10:00), in the display zone.
fn instant(ctx: &Ctx, field: &'static str, text: &str) -> AppResult<i64> {
    parse_instant(text, ctx.now, &ctx.tz)
        .map(|t| t.timestamp())
        .map_err(|e| AppError::word(field, e))
}

/// A closed-vocabulary word (a kind, a status, a channel).
fn word<T: std::str::FromStr>(field: &'static str, text: &str) -> AppResult<T>
where
    T::Err: std::fmt::Display,
{
    text.trim().parse::<T>().map_err(|e| AppError::word(field, e))
}

/// A sentiment score: 1 (unhappy) to 5 (happy), or none.
fn sentiment(text: Option<&str>) -> AppResult<Option<i64>> {
    match text.map(str::trim).unwrap_or("") {
        "" => Ok(None),
        v => match v.parse::<i64>() {
            Ok(s) if (1..=5).contains(&s) => Ok(Some(s)),
            _ => Err(AppError::invalid(
                "sentiment",
                format!("\"{v}\" is not a score: use 1 (unhappy) to 5 (happy), or leave it empty"),
            )),
        },
    }
}

/// The record an edit started from, if it is an edit.
fn existing<T: crate::store::records::Record>(store: &Store, id: &Option<String>) -> AppResult<Option<T>> {
    match id {
        Some(id) => Ok(crate::store::records::get_in(store.conn(), id)?),
        None => Ok(None),
    }
}

/// A date for a form or a detail line; none is empty.
fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// "add" for a new record, "edit" for one that exists.
fn verb(id: &Option<String>) -> &'static str {
    if id.is_some() { "edit" } else { "add" }
}
