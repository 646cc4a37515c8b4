//! The synced tables and their columns: export, restore, undo and sync walk [`TABLES`]. Each
//! record's table is declared once, with its field mapping, in `store::tables`; the two link
//! tables are here.

/// How a column's value is stored, and how it appears in an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (ids, words, free text); exported as a string.
    Text,
    /// A whole number.
    Int,
    /// A real number.
    Real,
    /// 0 or 1; exported as true/false.
    Bool,
    /// Unix seconds; exported as an RFC 3339 string.
    Instant,
    /// Unix milliseconds of a bookkeeping stamp; exported as RFC 3339 with milliseconds.
    Stamp,
    /// `YYYY-MM-DD` text.
    Date,
    /// JSON text; exported as the JSON value itself.
    Json,
    /// Pauses, JSON `[[start, end|null], ...]` in unix seconds; exported with RFC 3339 strings.
    Pauses,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

const fn c(name: &'static str, kind: Kind) -> Column {
    Column { name, kind }
}

#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The domain columns (the bookkeeping ones are in [`BOOKKEEPING`]).
    pub columns: &'static [Column],
}

impl Table {
    pub fn all_columns(&self) -> impl Iterator<Item = &Column> {
        BOOKKEEPING.iter().chain(self.columns.iter())
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.all_columns().find(|c| c.name == name)
    }
}

pub use super::tables::{
    ACTIONS, BREACHES, CALENDARS, CHANGES, IMPROVEMENTS, OUTAGES, PROBLEMS, RESPONSES, REVIEWS, SCORES, SERVICES,
    SLA_TARGETS, STAKEHOLDERS, TICKETS, TOUCH_POINTS,
};
use Kind::*;

/// The bookkeeping columns every synced table starts with.
pub const BOOKKEEPING: &[Column] = &[
    c("id", Text),
    c("created_at", Stamp),
    c("updated_at", Stamp),
    c("hlc", Text),
    c("field_hlc", Json),
    c("deleted", Bool),
];

pub const STAKEHOLDER_SERVICES: Table = Table {
    name: "stakeholder_services",
    columns: &[c("stakeholder_id", Text), c("service_id", Text)],
};

pub const TOUCH_POINT_SERVICES: Table = Table {
    name: "touch_point_services",
    columns: &[c("touch_point_id", Text), c("service_id", Text)],
};

pub const PROBLEM_SERVICES: Table = Table {
    name: "problem_services",
    columns: &[c("problem_id", Text), c("service_id", Text)],
};

/// Every synced table, parents before children (the order a restore inserts in).
pub const TABLES: &[&Table] = &[
    &CALENDARS,
    &SERVICES,
    &SLA_TARGETS,
    &TICKETS,
    &OUTAGES,
    &BREACHES,
    &STAKEHOLDERS,
    &STAKEHOLDER_SERVICES,
    &TOUCH_POINTS,
    &TOUCH_POINT_SERVICES,
    &CHANGES,
    &REVIEWS,
    &PROBLEMS,
    &PROBLEM_SERVICES,
    &ACTIONS,
    &SCORES,
    &RESPONSES,
    &IMPROVEMENTS,
];

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.name == name)
}
