//! Every record's table, declared once: its columns (what migrations must have made, and what
//! export, restore, undo and sync walk) and how each domain field maps to its column, read by
//! name. Adding a column takes the SQL migration and one line here.

use rusqlite::types::Value;
use rusqlite::{Connection, Row};

use super::codec::{self, Codec};
use super::records::{Record, load_service_links};
use super::schema::{self, Column, Kind, Table};
use super::{Result, Writer};
use crate::domain::model::*;
use crate::domain::validate::Invalid;

macro_rules! codec_of {
    ($kind:ident) => {
        codec::$kind
    };
    ($kind:ident, $codec:ident) => {
        codec::$codec
    };
}

/// `record!(Type, CONST, "table", "noun", { field: Kind [as Codec], ... } [links LINK_TABLE by "owner_column" into field])`
macro_rules! record {
    (
        $ty:ident, $table:ident, $name:literal, $noun:literal,
        { $($field:ident : $kind:ident $(as $codec:ident)?),+ $(,)? }
        $(links $link:ident by $owner:literal into $links:ident)?
    ) => {
        pub const $table: Table = Table {
            name: $name,
            columns: &[$(Column { name: stringify!($field), kind: Kind::$kind }),+],
        };

        impl Record for $ty {
            const TABLE: &'static Table = &$table;
            const NOUN: &'static str = $noun;
            fn id(&self) -> &str {
                &self.id
            }
            fn fields(&self) -> Vec<(&'static str, Value)> {
                vec![$((stringify!($field), <codec_of!($kind $(, $codec)?) as Codec<_>>::put(&self.$field))),+]
            }
            fn from_row(r: &Row<'_>) -> rusqlite::Result<Self> {
                Ok($ty {
                    id: r.get("id")?,
                    $($field: <codec_of!($kind $(, $codec)?) as Codec<_>>::get(r, stringify!($field))?,)+
                    $($links: Vec::new(),)?
                })
            }
            fn validate(&self) -> Result<(), Invalid> {
                $ty::validate(self)
            }
            $(
                fn save_links(&self, w: &mut Writer<'_>) -> Result<()> {
                    w.set_links(&schema::$link, $owner, &self.id, &self.$links)
                }
                fn load_links(&mut self, conn: &Connection) -> Result<()> {
                    self.$links = load_service_links(conn, &schema::$link, $owner, &self.id)?;
                    Ok(())
                }
            )?
        }
    };
}

record!(CalendarRecord, CALENDARS, "calendars", "calendar", {
    name: Text,
    timezone: Text,
    hours: Json,
    holidays: Json,
});

record!(Service, SERVICES, "services", "service", {
    name: Text,
    aliases: Json,
    customer: Text,
    agreement_kind: Text as Word,
    agreement_ref: Text,
    agreement_start: Date,
    agreement_end: Date,
    notice_days: Int,
    agreement_review: Date,
    criticality: Text as Word,
    window_calendar_id: Text,
    status: Text as Word,
    monthly_cost: Real,
    description: Text,
    currency: Text,
    charge: Real,
    credits: Json,
    money_history: Json,
});

record!(SlaTarget, SLA_TARGETS, "sla_targets", "SLA target", {
    service_id: Text,
    kind: Text as Word,
    priority: Text as Word,
    goal: Real,
    calendar_id: Text,
    valid_from: Date,
    note: Text,
});

record!(Ticket, TICKETS, "tickets", "ticket", {
    reference: Text,
    service_id: Text,
    kind: Text as Word,
    priority: Text as Word,
    state: Text as Word,
    opened_at: Instant,
    responded_at: Instant,
    resolved_at: Instant,
    pauses: Pauses,
    summary: Text,
    critical: Bool,
    excluded_reason: Text,
    response_measured: Bool,
    waiting_secs: Int,
    tool_response: Text as Word,
    tool_resolution: Text as Word,
    excluded_note: Text,
    hand_pauses: Pauses,
    ignored_pauses: Json,
});

record!(Outage, OUTAGES, "outages", "outage", {
    service_id: Text,
    start_at: Instant,
    end_at: Instant,
    planned: Bool,
    summary: Text,
    excluded_reason: Text,
    excluded_note: Text,
});

record!(Breach, BREACHES, "breaches", "breach", {
    service_id: Text,
    target_id: Text,
    source: Text as Word,
    ticket_id: Text,
    ticket_ref: Text,
    period: Text,
    title: Text,
    breached_at: Instant,
    status: Text as Word,
    customer_informed: Bool,
    credit: Real,
    notes: Text,
    cause: Text,
    history: Json,
});

record!(Stakeholder, STAKEHOLDERS, "stakeholders", "stakeholder", {
    name: Text,
    organisation: Text,
    role: Text,
    contact: Text,
    channel: Text as Word,
    cadence_days: Int,
    notes: Text,
} links STAKEHOLDER_SERVICES by "stakeholder_id" into service_ids);

record!(TouchPoint, TOUCH_POINTS, "touch_points", "touch point", {
    stakeholder_id: Text,
    at: Instant,
    channel: Text as Word,
    summary: Text,
    sentiment: Int,
    follow_ups: Text,
} links TOUCH_POINT_SERVICES by "touch_point_id" into service_ids);

record!(Change, CHANGES, "changes", "change", {
    reference: Text,
    service_id: Text,
    kind: Text as Word,
    implemented_at: Instant,
    outcome: Text as Word,
    summary: Text,
});

record!(Review, REVIEWS, "reviews", "review", {
    kind: Text as Word,
    service_id: Text,
    change_id: Text,
    ticket_id: Text,
    title: Text,
    due: Date,
    held_on: Date,
    attendees: Text,
    what_went_wrong: Text,
    root_cause: Text,
    problem_ref: Text,
    findings: Text,
});

record!(Action, ACTIONS, "actions", "action", {
    title: Text,
    owner: Text,
    due: Date,
    done_on: Date,
    review_id: Text,
    touch_point_id: Text,
    service_id: Text,
    notes: Text,
    problem_id: Text,
});

record!(Score, SCORES, "scores", "score", {
    service_id: Text,
    period: Text,
    score: Real,
    scale_max: Real,
    responses: Int,
});

record!(SurveyResponse, RESPONSES, "responses", "survey response", {
    service_id: Text,
    answered_on: Date,
    score: Real,
    scale: Text as Word,
    respondent: Text,
    comment: Text,
});

record!(Improvement, IMPROVEMENTS, "improvements", "improvement", {
    title: Text,
    service_id: Text,
    review_id: Text,
    touch_point_id: Text,
    kpi: Text,
    owner: Text,
    due: Date,
    status: Text as Word,
    notes: Text,
});

record!(Problem, PROBLEMS, "problems", "problem", {
    reference: Text,
    title: Text,
    status: Text as Word,
    root_cause: Text,
    workaround: Text,
    owner: Text,
    raised_on: Date,
    due: Date,
    fix_change_id: Text,
    notes: Text,
    ticket_ids: Json,
    change_ids: Json,
    breach_ids: Json,
    review_ids: Json,
} links PROBLEM_SERVICES by "problem_id" into service_ids);
