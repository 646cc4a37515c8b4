//! One CSV record being read: its cells by field, how each kind of cell is read (times in the
//! file's one day-month order, states and kinds through the config's maps), and where its
//! problems and the counts the summary reports go.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use chrono_tz::Tz;
use csv::ByteRecord;
use rusqlite::Connection;

use super::cells::{self, FileState};
use super::dates::DateOrder;
use super::mapping::{Columns, Field};
use super::{Problem, keys};
use crate::domain::enums::{ChangeKind, ChangeOutcome, Priority, TicketKind};
use crate::store::{self, StoreError, queries};

/// A cell larger than this is refused: no summary is this long, and a runaway file should
/// not end up in the database.
pub const MAX_CELL_BYTES: usize = 64 * 1024;

/// What every row of one file is read with.
pub(super) struct RowEnv<'a> {
    pub file: &'a str,
    pub columns: &'a Columns,
    pub width: usize,
    pub tz: Tz,
    pub now: i64,
    /// The file's settled day-month order (`None`: no date needs one).
    pub order: Option<DateOrder>,
    pub priorities: &'a HashMap<String, Priority>,
    pub states: &'a HashMap<String, FileState>,
    pub kinds: &'a HashMap<String, TicketKind>,
    pub change_kinds: &'a HashMap<String, ChangeKind>,
    pub change_outcomes: &'a HashMap<String, ChangeOutcome>,
    /// `--service NAME`: every row's service.
    pub fixed_service: Option<&'a str>,
    /// Whether a degradation counts as an outage (the config's `degradation_is_outage`).
    pub degradation_is_outage: bool,
}

/// What reading the rows found besides the rows themselves.
#[derive(Default)]
pub(super) struct Findings {
    pub problems: Vec<(u64, Problem)>,
    /// Data rows (blank lines not counted).
    pub rows: usize,
    /// How often each thing the summary reports happened ("closed time taken as resolution").
    pub counts: BTreeMap<&'static str, usize>,
    /// Values read a way worth saying, each once with its count (`Bug` read as an incident).
    pub values: BTreeMap<(&'static str, String), usize>,
}

/// Services by the names a file uses, looked up once per distinct name.
pub(super) struct Services<'c> {
    /// `None` on the second pass, which only replays what the first resolved.
    conn: Option<&'c Connection>,
    cache: HashMap<String, Result<Rc<str>, String>>,
    create: bool,
    /// (id, name) of the services to create.
    pub to_create: Vec<(String, String)>,
    /// Service names and aliases with a comma, longest first (read when first needed).
    comma_names: Option<Vec<String>>,
}

impl<'c> Services<'c> {
    pub fn new(conn: Option<&'c Connection>, create: bool) -> Self {
        Services {
            conn,
            cache: HashMap::new(),
            create,
            to_create: Vec::new(),
            comma_names: None,
        }
    }

    /// What the first pass resolved, for the second to replay.
    pub fn resolved(&self) -> Replay {
        Replay {
            cache: self.cache.clone(),
            comma_names: self.comma_names.clone(),
        }
    }

    pub fn replay(replay: Replay) -> Services<'static> {
        Services {
            conn: None,
            cache: replay.cache,
            create: false,
            to_create: Vec::new(),
            comma_names: replay.comma_names,
        }
    }

    /// The database, on the first pass (the second only replays).
    pub fn conn(&self) -> Option<&'c Connection> {
        self.conn
    }

    fn comma_names(&mut self) -> store::Result<&[String]> {
        if self.comma_names.is_none() {
            let mut names = match self.conn {
                Some(conn) => queries::service_names_with_commas(conn)?,
                None => Vec::new(),
            };
            names.sort_by_key(|n| std::cmp::Reverse(n.len()));
            self.comma_names = Some(names);
        }
        Ok(self.comma_names.as_deref().unwrap_or_default())
    }

    /// Whether a service of this name or alias exists, or the import already creates it.
    fn known(&mut self, name: &str) -> store::Result<bool> {
        if let Some(found) = self.cache.get(name) {
            return Ok(found.is_ok());
        }
        match self.conn {
            Some(conn) => match queries::find_service(conn, name) {
                Ok(_) => Ok(true),
                Err(e) if e.is_user_error() => Ok(false),
                Err(e) => Err(e),
            },
            None => Ok(false),
        }
    }

    fn resolve(&mut self, name: &str) -> store::Result<Result<Rc<str>, String>> {
        if let Some(found) = self.cache.get(name) {
            return Ok(found.clone());
        }
        let Some(conn) = self.conn else {
            return Ok(Err(format!(
                "the service \"{name}\" was not in the file when it was first read"
            )));
        };
        let found = match queries::find_service(conn, name) {
            Ok(service) => Ok(Rc::from(service.id)),
            Err(e) if e.is_user_error() && self.create => {
                let id = keys::service_id(name);
                if !self.to_create.iter().any(|(i, _)| *i == id) {
                    self.to_create.push((id.clone(), name.to_string()));
                }
                Ok(Rc::from(id))
            }
            Err(e) if e.is_user_error() => Err(format!("{e} (or import with --create-services)")),
            Err(e) => return Err(e),
        };
        self.cache.insert(name.to_string(), found.clone());
        Ok(found)
    }
}

/// What the first pass found of the services, for the second to replay.
#[derive(Clone)]
pub(super) struct Replay {
    cache: HashMap<String, Result<Rc<str>, String>>,
    comma_names: Option<Vec<String>>,
}

/// One record being parsed: its cells by field, and where its problems go.
pub(super) struct RowCx<'r, 'p, 'c> {
    pub(super) env: &'r RowEnv<'r>,
    pub(super) line: u64,
    pub(super) record: &'r ByteRecord,
    pub(super) services: &'p mut Services<'c>,
    pub(super) found: &'p mut Findings,
    pub(super) bad: bool,
    pub(super) fatal: Option<StoreError>,
}

/// A problem's group in the summary: its column and its message with the quoted value left
/// out, so 200,000 bad dates are one line.
fn group_of(column: &str, message: &str) -> String {
    let mut out = String::with_capacity(column.len() + message.len());
    out.push_str(column);
    out.push('|');
    let mut quoted = false;
    for c in message.chars() {
        if c == '"' {
            quoted = !quoted;
            out.push_str(if quoted { "\"…" } else { "\"" });
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

impl<'r> RowCx<'r, '_, '_> {
    pub fn has(&self, field: Field) -> bool {
        self.env.columns.has(field)
    }

    pub fn tz(&self) -> Tz {
        self.env.tz
    }

    pub fn order(&self) -> Option<DateOrder> {
        self.env.order
    }

    /// The database while rows are checked (`None` while they are written).
    pub fn conn(&self) -> Option<&Connection> {
        self.services.conn()
    }

    pub fn degradation_is_outage(&self) -> bool {
        self.env.degradation_is_outage
    }

    /// The import's clock (unix seconds).
    pub fn now(&self) -> i64 {
        self.env.now
    }

    /// Reports a problem with the field's cell (grouped with others of its kind).
    pub fn problem(&mut self, field: Field, message: impl Into<String>) {
        let message = message.into();
        let group = group_of(self.env.columns.header(field), &message);
        self.push_problem(field, message, group);
    }

    /// Reports a problem that is its own group for each distinct value (an unknown state:
    /// one config line maps it).
    pub fn problem_per_value(&mut self, field: Field, message: impl Into<String>) {
        let message = message.into();
        let group = format!("{}|{message}", self.env.columns.header(field));
        self.push_problem(field, message, group);
    }

    fn push_problem(&mut self, field: Field, message: String, group: String) {
        self.bad = true;
        let place = format!(
            "{} line {}, column {}",
            self.env.file,
            self.line,
            self.env.columns.header(field)
        );
        self.found
            .problems
            .push((self.line, Problem::new(place, message).in_group(group)));
    }

    /// Stops the import: the database failed (not the file).
    pub fn fatal(&mut self, e: StoreError) {
        self.bad = true;
        self.fatal = Some(e);
    }

    /// Counts something the summary reports.
    pub fn count(&mut self, what: &'static str) {
        *self.found.counts.entry(what).or_default() += 1;
    }

    /// Counts a value read a way worth saying (once per distinct value in the summary).
    pub fn count_value(&mut self, what: &'static str, value: &str) {
        *self.found.values.entry((what, value.to_string())).or_default() += 1;
    }

    /// The cell's trimmed text; `None` when the file has no such column, or the cell is too
    /// large (reported).
    pub fn raw(&mut self, field: Field) -> Option<&'r str> {
        let index = self.env.columns.index(field)?;
        let record: &'r ByteRecord = self.record;
        let bytes = record.get(index).unwrap_or_default();
        if bytes.len() > MAX_CELL_BYTES {
            self.problem(
                field,
                format!(
                    "holds {} bytes: a cell may hold at most {} KB (is the file really an export?)",
                    bytes.len(),
                    MAX_CELL_BYTES / 1024
                ),
            );
            return None;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(text.trim()),
            Err(_) => {
                self.problem(field, "is not UTF-8 text: save the file as UTF-8 (in Excel: CSV UTF-8)");
                None
            }
        }
    }

    /// A cell that must hold a value.
    pub fn required<T>(&mut self, field: Field, parse: impl FnOnce(&'r str) -> Result<T, String>) -> Option<T> {
        let text = self.raw(field)?;
        if text.is_empty() {
            self.problem(field, "is empty: this column needs a value in every row");
            return None;
        }
        match parse(text) {
            Ok(v) => Some(v),
            Err(message) => {
                self.problem(field, message);
                None
            }
        }
    }

    /// A cell that may be empty: `None` when the file has no such column (or the cell is bad),
    /// `Some(None)` when it is empty.
    pub fn optional<T>(&mut self, field: Field, parse: impl FnOnce(&'r str) -> Result<T, String>) -> Option<Option<T>> {
        let text = self.raw(field)?;
        if text.is_empty() || text.eq_ignore_ascii_case("null") {
            return Some(None);
        }
        match parse(text) {
            Ok(v) => Some(Some(v)),
            Err(message) => {
                self.problem(field, message);
                None
            }
        }
    }

    /// A time cell that must hold a real time (a ticket's opening, an outage's start).
    pub fn required_time(&mut self, field: Field) -> Option<i64> {
        let (order, tz, now) = (self.env.order, self.env.tz, self.env.now);
        self.required(field, |t| {
            if cells::is_empty_date_placeholder(t) {
                return Err(format!(
                    "\"{t}\" is an export's placeholder for an empty date, and this column needs a real time"
                ));
            }
            cells::plausible_time(t, order, &tz, now)
        })
    }

    /// A time cell that may be empty; an export's empty-date placeholder (`0001-01-01`,
    /// `1900-01-01`, `1970-01-01T00:00:00Z`) counts as empty (not measured) and is counted.
    pub fn optional_time(&mut self, field: Field) -> Option<Option<i64>> {
        if self.raw(field).is_some_and(cells::is_empty_date_placeholder) {
            self.count(PLACEHOLDERS);
            return Some(None);
        }
        let (order, tz, now) = (self.env.order, self.env.tz, self.env.now);
        self.optional(field, |t| cells::plausible_time(t, order, &tz, now))
    }

    /// Free text (a summary): `None` when the file has no such column. Kept as written,
    /// line breaks included, only trimmed.
    pub fn text(&mut self, field: Field) -> Option<&'r str> {
        self.raw(field)
    }

    /// The priority: the config's names first, then the built-in readings.
    pub fn priority(&mut self) -> Option<Priority> {
        let map = self.env.priorities;
        let text = self.raw(Field::Priority)?;
        if text.is_empty() {
            if let Some(p) = map.get("(empty)") {
                return Some(*p);
            }
            self.problem(
                Field::Priority,
                "is empty: give every ticket a priority, or say which an empty one is in the config: [priorities] \"(empty)\" = \"P3\"",
            );
            return None;
        }
        match map.get(&text.to_lowercase()) {
            Some(p) => Some(*p),
            None => match cells::priority(text) {
                Ok(p) => Some(p),
                Err(message) => {
                    self.problem_per_value(Field::Priority, message);
                    None
                }
            },
        }
    }

    /// The state: the config's `[states]` first, then the built-in words, then (Jira) the
    /// status category. `None` when the file has no state column; an unknown word is one
    /// problem per distinct value, naming the config line that maps it.
    pub fn state(&mut self) -> Option<FileState> {
        let text = self.raw(Field::State)?;
        let category = self.raw(Field::StatusCategory);
        if text.is_empty() {
            if let Some(state) = category.and_then(cells::status_category) {
                return Some(state);
            }
            self.problem(
                Field::State,
                "is empty: use open, on_hold, resolved, closed or cancelled",
            );
            return None;
        }
        if let Some(state) = self.env.states.get(&text.to_lowercase()) {
            return Some(*state);
        }
        if let Some(state) = cells::known_state(text) {
            return Some(state);
        }
        if let Some(state) = category.and_then(cells::status_category) {
            self.count_value(STATE_BY_CATEGORY, &format!("{text} ({})", category.unwrap_or_default()));
            return Some(state);
        }
        self.problem_per_value(
            Field::State,
            format!(
                "\"{text}\" is not a state sdm knows: map it in the config, e.g. [states] \"{text}\" = \"open\" (open, on_hold, resolved, closed or cancelled)"
            ),
        );
        None
    }

    /// The ticket kind: the config's `[ticket_kinds]` first, then the built-in words; a type
    /// neither knows is an incident, counted for the summary.
    pub fn kind(&mut self) -> Option<TicketKind> {
        let text = self.raw(Field::Kind)?;
        if text.is_empty() {
            return None;
        }
        if let Some(kind) = self.env.kinds.get(&text.to_lowercase()) {
            return Some(*kind);
        }
        match cells::ticket_kind(text) {
            Some(kind) => Some(kind),
            None => {
                self.count_value(KIND_UNKNOWN, text);
                Some(TicketKind::Incident)
            }
        }
    }

    /// A change's kind: the config's `[change_kinds]` first, then the built-in words; an
    /// unknown one is one problem per distinct value, naming the config line that maps it.
    pub fn change_kind(&mut self) -> Option<ChangeKind> {
        let map = self.env.change_kinds;
        let text = self.required(Field::Kind, Ok)?;
        if let Some(k) = map
            .get(&text.to_lowercase())
            .copied()
            .or_else(|| cells::change_kind(text))
        {
            return Some(k);
        }
        self.problem_per_value(
            Field::Kind,
            format!(
                "\"{text}\" is not a change type sdm knows: map it in the config, e.g. [change_kinds] \"{text}\" = \"normal\" (standard, normal or emergency)"
            ),
        );
        None
    }

    /// A change's outcome: `None` when the file has no such column or the cell is bad
    /// (reported), `Some(None)` when it is empty.
    pub fn change_outcome(&mut self) -> Option<Option<ChangeOutcome>> {
        let map = self.env.change_outcomes;
        let text = self.raw(Field::Outcome)?;
        if text.is_empty() {
            return Some(None);
        }
        if let Some(o) = map
            .get(&text.to_lowercase())
            .copied()
            .or_else(|| cells::change_outcome(text))
        {
            return Some(Some(o));
        }
        self.problem_per_value(
            Field::Outcome,
            format!(
                "\"{text}\" is not a change outcome sdm knows: map it in the config, e.g. [change_outcomes] \"{text}\" = \"successful\" (successful, successful_with_issues, failed, rolled_back, pending or cancelled)"
            ),
        );
        None
    }

    /// The service: `--service`, or the one the service column names (by name or alias).
    pub fn service(&mut self) -> Option<Rc<str>> {
        let name = match self.env.fixed_service {
            Some(name) => name,
            None => self.required(Field::Service, Ok)?,
        };
        match self.services.resolve(name) {
            Ok(Ok(id)) => Some(id),
            Ok(Err(message)) if self.env.fixed_service.is_some() => {
                self.bad = true;
                self.fatal = Some(StoreError::BadInput(format!("--service {message}")));
                None
            }
            Ok(Err(message)) => {
                self.problem_per_value(Field::Service, message);
                None
            }
            Err(e) => {
                self.bad = true;
                self.fatal = Some(e);
                None
            }
        }
    }
}

impl RowCx<'_, '_, '_> {
    /// The services a cell names, for a row that may name several (`Business, Voice, HSD`):
    /// the whole cell when it is one service's name, else the known names with commas
    /// first, then the pieces between commas and semicolons. Names sdm does not know are
    /// left out and counted for the summary; a cell that names none is a problem.
    pub fn services(&mut self) -> Option<Vec<Rc<str>>> {
        if self.env.fixed_service.is_some() {
            return self.service().map(|s| vec![s]);
        }
        let text = self.required(Field::Service, Ok)?;
        let whole = match self.services.known(text) {
            Ok(known) => known,
            Err(e) => {
                self.bad = true;
                self.fatal = Some(e);
                return None;
            }
        };
        if whole || !text.contains([',', ';', '|']) {
            return self.service().map(|s| vec![s]);
        }
        let mut rest = text.to_string();
        let mut names: Vec<String> = Vec::new();
        let comma_names = match self.services.comma_names() {
            Ok(n) => n.to_vec(),
            Err(e) => {
                self.bad = true;
                self.fatal = Some(e);
                return None;
            }
        };
        for known in comma_names {
            let lower = rest.to_lowercase();
            if let Some(at) = lower.find(&known.to_lowercase()) {
                names.push(known.clone());
                rest.replace_range(at..at + known.len(), ",");
            }
        }
        names.extend(
            rest.split([',', ';', '|'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string),
        );
        let mut ids: Vec<Rc<str>> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for name in &names {
            match self.services.resolve(name) {
                Ok(Ok(id)) => {
                    if !ids.contains(&id) {
                        ids.push(id);
                    }
                }
                Ok(Err(_)) => unknown.push(name.clone()),
                Err(e) => {
                    self.bad = true;
                    self.fatal = Some(e);
                    return None;
                }
            }
        }
        if ids.is_empty() {
            self.problem_per_value(
                Field::Service,
                format!(
                    "\"{text}\" names no service sdm knows (by name or alias): add them to the portfolio, or import with --create-services"
                ),
            );
            return None;
        }
        for name in unknown {
            self.count_value(UNKNOWN_SERVICE, &name);
        }
        Some(ids)
    }
}

/// The summary's counts (keys of [`Findings::counts`] and [`Findings::values`]).
pub const PLACEHOLDERS: &str = "placeholders";
pub const CLOSED_AS_RESOLVED: &str = "closed as resolved";
pub const RESOLUTION_UNMEASURED: &str = "resolution unmeasured";
pub const ON_HOLD: &str = "on hold";
pub const ON_HOLD_AT_IMPORT: &str = "on hold from the import's clock";
pub const VOIDED_BY_RESOLUTION: &str = "voided by resolution";
pub const STATE_BY_CATEGORY: &str = "state by category";
pub const KIND_UNKNOWN: &str = "kind unknown";
pub const REFS_JOINED: &str = "refs joined";
pub const RESPONSE_CAPPED: &str = "response capped";
pub const CHANGE_PENDING: &str = "change pending";
pub const UNKNOWN_SERVICE: &str = "unknown service";
pub const DEGRADATION: &str = "degradation";
pub const SLA_OTHER: &str = "sla neither response nor resolution";
pub const SLA_CANCELLED: &str = "sla cancelled";
pub const SLA_RESPONSE_TIME: &str = "sla response time";
pub const CHANGE_NO_OUTCOME: &str = "change without outcome";

/// An instant as the dry run shows it: local time in `tz`.
pub(super) fn local_time(t: i64, tz: &Tz) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.with_timezone(tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| t.to_string())
}

/// What the summary says about the rows read: facts taken from another column, facts not
/// measured, states read from the category, types read as incidents.
pub(super) fn notes(found: &Findings) -> Vec<String> {
    let mut out = Vec::new();
    let count = |what: &str| found.counts.get(what).copied().unwrap_or(0);
    let n = count(CLOSED_AS_RESOLVED);
    if n > 0 {
        out.push(format!(
            "{n} ticket(s) have no resolution time but a closed time: the closed time is read as their resolution"
        ));
    }
    let n = count(RESOLUTION_UNMEASURED);
    if n > 0 {
        out.push(format!(
            "{n} resolved or closed ticket(s) have no resolution or closed time: their resolution is not measured (no clock, no breach)"
        ));
    }
    let n = count(ON_HOLD);
    if n > 0 {
        out.push(format!(
            "{n} ticket(s) are on hold: their clocks are paused from the file's time for that state (its status-changed or updated column) until an import shows them in another state"
        ));
    }
    let n = count(ON_HOLD_AT_IMPORT);
    if n > 0 {
        out.push(format!(
            "{n} ticket(s) are on hold and the file says since when for none of them (no updated column): their clocks are paused from this import's clock (--now) on, a start later imports keep (sdm ticket REF --unpause N --pause START/END corrects it)"
        ));
    }
    let n = count(VOIDED_BY_RESOLUTION);
    if n > 0 {
        out.push(format!(
            "{n} ticket(s) resolved as a duplicate, rejected or not done count for nothing (cancelled)"
        ));
    }
    let n = count(REFS_JOINED);
    if n > 0 {
        out.push(format!(
            "{n} reference(s) written with thousands separators (52 267) are read without them (52267)"
        ));
    }
    let n = count(RESPONSE_CAPPED);
    if n > 0 {
        out.push(format!(
            "{n} ticket(s) were responded to after they were resolved: their response is taken as at the resolution"
        ));
    }
    let n = count(DEGRADATION);
    if n > 0 {
        out.push(format!(
            "{n} row(s) are degradations, not outages: they count as no downtime (set degradation_is_outage = true in the config to count them)"
        ));
    }
    let n = count(CHANGE_PENDING);
    if n > 0 {
        out.push(format!(
            "{n} change(s) have not gone in yet (no outcome; their state says so): pending, no review due"
        ));
    }
    let n = count(CHANGE_NO_OUTCOME);
    if n > 0 {
        out.push(format!(
            "{n} change(s) are closed without an outcome: read as pending (not measured), no review due; give the outcome column, or map one with [columns.changes]"
        ));
    }
    let n = count(SLA_CANCELLED);
    if n > 0 {
        out.push(format!(
            "{n} cancelled SLA row(s) left out (the tool stopped counting them)"
        ));
    }
    let n = count(SLA_RESPONSE_TIME);
    if n > 0 {
        out.push(format!(
            "{n} ticket(s) take their response time from a completed response SLA (its end time)"
        ));
    }
    for ((what, value), n) in &found.values {
        match *what {
            STATE_BY_CATEGORY => out.push(format!("status {value} read from its status category ({n} ticket(s))")),
            SLA_OTHER => out.push(format!(
                "SLA \"{value}\" is neither a response nor a resolution SLA by its name: {n} row(s) left out"
            )),
            UNKNOWN_SERVICE => out.push(format!(
                "\"{value}\" is not a service sdm knows: left out of {n} outage row(s) that also name known services"
            )),
            KIND_UNKNOWN => out.push(format!(
                "type \"{value}\" is read as an incident ({n} ticket(s)); map it in the config: [ticket_kinds] \"{value}\" = \"request\""
            )),
            _ => {}
        }
    }
    out
}
