//! The synced tables and their columns, in one place: export, restore, undo and (later) sync
//! all walk this list, so a column added by a migration is added here too.

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

pub const CALENDARS: Table = Table {
    name: "calendars",
    columns: &[
        c("name", Text),
        c("timezone", Text),
        c("hours", Json),
        c("holidays", Json),
    ],
};

pub const SERVICES: Table = Table {
    name: "services",
    columns: &[
        c("name", Text),
        c("aliases", Json),
        c("customer", Text),
        c("agreement_kind", Text),
        c("agreement_ref", Text),
        c("agreement_start", Date),
        c("agreement_end", Date),
        c("notice_days", Int),
        c("agreement_review", Date),
        c("criticality", Text),
        c("window_calendar_id", Text),
        c("status", Text),
        c("monthly_cost", Real),
        c("description", Text),
    ],
};

pub const SLA_TARGETS: Table = Table {
    name: "sla_targets",
    columns: &[
        c("service_id", Text),
        c("kind", Text),
        c("priority", Text),
        c("goal", Real),
        c("calendar_id", Text),
    ],
};

pub const TICKETS: Table = Table {
    name: "tickets",
    columns: &[
        c("reference", Text),
        c("service_id", Text),
        c("kind", Text),
        c("priority", Text),
        c("state", Text),
        c("opened_at", Instant),
        c("responded_at", Instant),
        c("resolved_at", Instant),
        c("pauses", Pauses),
        c("summary", Text),
        c("critical", Bool),
        c("excluded_reason", Text),
    ],
};

pub const OUTAGES: Table = Table {
    name: "outages",
    columns: &[
        c("service_id", Text),
        c("start_at", Instant),
        c("end_at", Instant),
        c("planned", Bool),
        c("summary", Text),
        c("excluded_reason", Text),
    ],
};

pub const BREACHES: Table = Table {
    name: "breaches",
    columns: &[
        c("service_id", Text),
        c("target_id", Text),
        c("source", Text),
        c("ticket_id", Text),
        c("period", Text),
        c("title", Text),
        c("breached_at", Instant),
        c("status", Text),
        c("customer_informed", Bool),
        c("credit", Real),
        c("notes", Text),
    ],
};

pub const STAKEHOLDERS: Table = Table {
    name: "stakeholders",
    columns: &[
        c("name", Text),
        c("organisation", Text),
        c("role", Text),
        c("contact", Text),
        c("channel", Text),
        c("cadence_days", Int),
        c("notes", Text),
    ],
};

pub const STAKEHOLDER_SERVICES: Table = Table {
    name: "stakeholder_services",
    columns: &[c("stakeholder_id", Text), c("service_id", Text)],
};

pub const TOUCH_POINTS: Table = Table {
    name: "touch_points",
    columns: &[
        c("stakeholder_id", Text),
        c("at", Instant),
        c("channel", Text),
        c("summary", Text),
        c("sentiment", Int),
        c("follow_ups", Text),
    ],
};

pub const TOUCH_POINT_SERVICES: Table = Table {
    name: "touch_point_services",
    columns: &[c("touch_point_id", Text), c("service_id", Text)],
};

pub const CHANGES: Table = Table {
    name: "changes",
    columns: &[
        c("reference", Text),
        c("service_id", Text),
        c("kind", Text),
        c("implemented_at", Instant),
        c("outcome", Text),
        c("summary", Text),
    ],
};

pub const REVIEWS: Table = Table {
    name: "reviews",
    columns: &[
        c("kind", Text),
        c("service_id", Text),
        c("change_id", Text),
        c("ticket_id", Text),
        c("title", Text),
        c("due", Date),
        c("held_on", Date),
        c("attendees", Text),
        c("what_went_wrong", Text),
        c("root_cause", Text),
        c("problem_ref", Text),
        c("findings", Text),
    ],
};

pub const ACTIONS: Table = Table {
    name: "actions",
    columns: &[
        c("title", Text),
        c("owner", Text),
        c("due", Date),
        c("done_on", Date),
        c("review_id", Text),
        c("touch_point_id", Text),
        c("service_id", Text),
        c("notes", Text),
    ],
};

pub const SCORES: Table = Table {
    name: "scores",
    columns: &[
        c("service_id", Text),
        c("period", Text),
        c("score", Real),
        c("scale_max", Real),
        c("responses", Int),
    ],
};

pub const IMPROVEMENTS: Table = Table {
    name: "improvements",
    columns: &[
        c("title", Text),
        c("service_id", Text),
        c("review_id", Text),
        c("touch_point_id", Text),
        c("kpi", Text),
        c("owner", Text),
        c("due", Date),
        c("status", Text),
        c("notes", Text),
    ],
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
    &ACTIONS,
    &SCORES,
    &IMPROVEMENTS,
];

pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.name == name)
}
