//! Getting data in: the portfolio file (TOML) and the ITSM tool's CSV exports.
//!
//! Every import is the same pipeline: read the file, parse and check every row (collecting
//! every problem with its place in the file), and only when all is well write it in one
//! transaction, upserting by natural key and touching only the columns the file supplies, so
//! the SDM's own fields survive a re-import. `--dry-run` runs the same transaction and rolls
//! it back, so its counts are exact.
//!
//! - [`mapping`]: which header names mean which field, per format (a new ITSM format is a new
//!   mapping); `auto` picks one by the headers.
//! - [`source`]: the file's bytes as CSV text (encodings, workbooks, JSON exports).
//! - [`dates`]: times as exports write them, and the file's day-month order.
//! - [`cells`]: how one cell's text becomes a value (times, priorities, states, pauses, ...).
//! - [`csv_import`]: the CSV driver; one small module per kind of row (tickets, outages,
//!   changes, scores) says how its rows are parsed and written.
//! - [`portfolio`]: the TOML catalogue: calendars, services with targets, stakeholders.
//! - [`keys`]: the natural ids imported rows are upserted by.

pub mod cells;
mod changes;
pub mod csv_import;
pub mod dates;
pub mod keys;
pub mod mapping;
mod outages;
pub mod portfolio;
mod problems;
mod responses;
mod row;
mod scores;
mod slas;
mod source;
mod stored;
mod tickets;

use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::config::Settings;
use crate::store::{self, Store, StoreError, Upserted, Writer};

pub use csv_import::{CsvOptions, CsvOutcome, import_csv, import_csv_bytes};
pub use portfolio::{PortfolioOutcome, import_portfolio, import_portfolio_text};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImportKind {
    Portfolio,
    Tickets,
    Outages,
    Changes,
    Scores,
    /// The ITSM tool's SLA records of tickets already imported (ServiceNow's task_sla).
    Slas,
    /// Problem records (ServiceNow problem, Jira problem).
    Problems,
    /// Survey responses one by one.
    Responses,
}

impl ImportKind {
    /// The word used on the command line and in the import log (`tickets`).
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Portfolio => "portfolio",
            ImportKind::Tickets => "tickets",
            ImportKind::Outages => "outages",
            ImportKind::Changes => "changes",
            ImportKind::Scores => "scores",
            ImportKind::Slas => "slas",
            ImportKind::Problems => "problems",
            ImportKind::Responses => "responses",
        }
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many records an import added, changed, left alone and removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    /// Only the portfolio removes: a service's targets that its `targets` list no longer has.
    pub removed: usize,
}

impl Tally {
    pub fn count(&mut self, outcome: Upserted) {
        match outcome {
            Upserted::Added => self.added += 1,
            Upserted::Changed => self.changed += 1,
            Upserted::Unchanged => self.unchanged += 1,
        }
    }

    pub fn add(&mut self, other: Tally) {
        self.added += other.added;
        self.changed += other.changed;
        self.unchanged += other.unchanged;
        self.removed += other.removed;
    }

    /// Whether the import changed anything.
    pub fn is_change(&self) -> bool {
        self.added + self.changed + self.removed > 0
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "added {}, changed {}, unchanged {}",
            self.added, self.changed, self.unchanged
        )?;
        if self.removed > 0 {
            write!(f, ", removed {}", self.removed)?;
        }
        Ok(())
    }
}

/// One thing wrong with a file, and where: `tickets.csv line 14, column opened`,
/// `portfolio.toml: service "Payroll" target 2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub place: String,
    pub message: String,
    /// Problems of one group are one line of the summary (the same column and message but
    /// for the value); `None`: a group of its own.
    pub group: Option<String>,
}

impl Problem {
    pub fn new(place: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            place: place.into(),
            message: message.into(),
            group: None,
        }
    }

    pub fn in_group(mut self, group: String) -> Self {
        self.group = Some(group);
        self
    }
}

/// The problems of a refused file as a summary: one line per kind of problem, with how many
/// rows have it and at most three examples, most frequent first. A 200,000-row file with
/// one systematic problem is one line, not 200,000.
pub fn summarise(problems: &[Problem]) -> Vec<String> {
    let mut groups = group(problems);
    groups.sort_by_key(|(_, members)| std::cmp::Reverse(members.len()));
    let mut out = Vec::new();
    let shown = groups.len().min(MAX_PROBLEM_KINDS);
    let rest: usize = groups[shown..].iter().map(|(_, m)| m.len()).sum();
    let rest_kinds = groups.len() - shown;
    groups.truncate(shown);
    for (_, members) in groups {
        let first = members[0];
        if members.len() == 1 {
            out.push(first.to_string());
            continue;
        }
        let examples: Vec<String> = members.iter().take(3).map(|p| p.place.clone()).collect();
        let more = if members.len() > 3 {
            format!(" and {} more", members.len() - 3)
        } else {
            String::new()
        };
        out.push(format!(
            "{} rows: {} (e.g. {}{more})",
            members.len(),
            first.message,
            examples.join("; ")
        ));
    }
    if rest_kinds > 0 {
        out.push(format!(
            "and {rest_kinds} more kinds of problem on {rest} more rows (each distinct value is its own kind: an unknown service or state name, say)"
        ));
    }
    out
}

/// The problems by kind, in the order each kind first appears.
fn group(problems: &[Problem]) -> Vec<(Option<&str>, Vec<&Problem>)> {
    let mut groups: Vec<(Option<&str>, Vec<&Problem>)> = Vec::new();
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for p in problems {
        match p.group.as_deref() {
            Some(g) => match at.get(g) {
                Some(&i) => groups[i].1.push(p),
                None => {
                    at.insert(g, groups.len());
                    groups.push((Some(g), vec![p]));
                }
            },
            None => groups.push((None, vec![p])),
        }
    }
    groups
}

/// How many kinds of problem a refused file's summary shows.
pub const MAX_PROBLEM_KINDS: usize = 12;

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file as a whole cannot be read: missing, empty, not UTF-8, no usable header.
    #[error("{0}")]
    File(String),
    /// Rows or entries are wrong; nothing was written. Every problem is in `problems`.
    #[error("{}", rejected_summary(.file, .problems))]
    Rejected { file: String, problems: Vec<Problem> },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    /// Every problem found (empty unless [`ImportError::Rejected`]).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ImportError::Rejected { problems, .. } => problems,
            _ => &[],
        }
    }
}

fn rejected_summary(file: &str, problems: &[Problem]) -> String {
    match problems {
        [one] => format!("{one}; nothing was imported"),
        many => {
            let kinds = group(many).len();
            if kinds == many.len() {
                format!("{file}: {} problems; nothing was imported", many.len())
            } else if kinds == 1 {
                format!(
                    "{file}: {} problems of one kind (above); nothing was imported",
                    many.len()
                )
            } else {
                format!(
                    "{file}: {} problems of {kinds} kinds (above); nothing was imported",
                    many.len()
                )
            }
        }
    }
}

/// What an import did, for [`after_import`].
#[derive(Debug)]
pub struct Imported<'a> {
    pub kind: ImportKind,
    /// The evaluation clock (`--now`).
    pub now: DateTime<Utc>,
    /// The zone local times were read in.
    pub tz: Tz,
    pub settings: &'a Settings,
    /// The ids of the records the import added or changed (tickets, outages, changes, scores;
    /// for the portfolio: calendars, services, targets and stakeholders).
    pub touched: &'a [String],
    /// A tickets import only, when every tickets row after this rowid was added by it (and
    /// only those): with the ids of the tickets it changed, read by range rather than by id.
    pub added: Option<Added<'a>>,
    /// Whether the transaction will be rolled back (`--dry-run`).
    pub dry_run: bool,
    /// The file read and its rows, for the import log (`sdm check`, the header's freshness).
    pub file: &'a str,
    pub rows: usize,
    /// Whether the file carried the tool's own SLA verdicts (else there is nothing of its to
    /// disagree with).
    pub verdicts: bool,
}

/// The tickets an import added (the rows after `after`) and the ones it changed.
#[derive(Debug, Clone, Copy)]
pub struct Added<'a> {
    pub after: i64,
    pub changed: &'a [String],
}

/// Runs after every successful import, inside its transaction, before it commits (also on a
/// dry run, which then rolls it back, so a dry run shows what the import would lead to).
///
/// The SLA engine re-evaluates here: it detects the breaches the new facts make (ticket
/// clocks past target, months whose downtime used up the error budget), voids the ones whose
/// cause was corrected, and raises the reviews that fall due.
pub fn after_import(w: &mut Writer<'_>, imported: &Imported<'_>) -> store::Result<usize> {
    let engine = crate::engine::Engine::load(w.conn(), imported.settings)?;
    // Tickets: only the touched ones' clocks can have changed; outages, changes and scores
    // touch no ticket clock; the portfolio (targets, calendars) can change every clock.
    let scope: Option<&[String]> = match imported.kind {
        ImportKind::Tickets | ImportKind::Slas => Some(imported.touched),
        ImportKind::Outages
        | ImportKind::Changes
        | ImportKind::Scores
        | ImportKind::Problems
        | ImportKind::Responses => Some(&[]),
        ImportKind::Portfolio => None,
    };
    // A bulk import into few breaches and reviews writes them with their plain indexes set
    // aside (rebuilt before anything else reads them); detection reads the breaches of its
    // tickets through `breaches_ticket`, which stays.
    // (Only tickets and changes make breaches and reviews in bulk.)
    let bulk = match imported.kind {
        ImportKind::Tickets | ImportKind::Slas | ImportKind::Changes => imported.touched.len(),
        _ => 0,
    };
    let breaches_aside = w.set_aside_indexes_but("breaches", bulk, &["breaches_ticket"])?;
    // (Only a tickets import says what it added.)
    match imported.added {
        Some(added) => {
            crate::engine::detect::detect_added(w, &engine, imported.now.timestamp(), added.after, added.changed)?;
        }
        None => {
            crate::engine::detect::detect_in(w, &engine, imported.now.timestamp(), scope)?;
        }
    }
    // Reviews come from tickets and changes: only the touched ones' can be new or move; a
    // portfolio import (a service's window calendar) can move any.
    let reviews_scope: Option<&[String]> = match imported.kind {
        ImportKind::Tickets | ImportKind::Slas | ImportKind::Changes => Some(imported.touched),
        ImportKind::Outages | ImportKind::Scores | ImportKind::Problems | ImportKind::Responses => Some(&[]),
        ImportKind::Portfolio => None,
    };
    w.rebuild_indexes(breaches_aside)?;
    let reviews_aside = w.set_aside_indexes("reviews", bulk)?;
    crate::store::reviews::ensure_reviews_of(w, imported.settings.review_due_working_days, reviews_scope)?;
    w.rebuild_indexes(reviews_aside)?;
    // Where the file carried the tool's own verdicts: how many of its clocks sdm sees
    // otherwise (said in the summary).
    let disagree = match imported.kind {
        ImportKind::Tickets | ImportKind::Slas if imported.verdicts && !imported.touched.is_empty() => engine
            .disagreements(w.conn(), imported.now.timestamp(), Some(imported.touched))?
            .len(),
        _ => 0,
    };
    if !imported.dry_run {
        crate::store::queries::log_import(
            w.conn(),
            imported.kind.as_str(),
            imported.now.timestamp(),
            imported.file,
            imported.rows as i64,
        )?;
    }
    Ok(disagree)
}

/// Runs `f` in one transaction: committed, or on a dry run rolled back.
pub(crate) fn transact<T>(
    store: &mut Store,
    dry_run: bool,
    f: impl FnOnce(&mut Writer<'_>) -> store::Result<T>,
) -> store::Result<T> {
    if dry_run {
        store.rehearse(f)
    } else {
        store.write(None, f)
    }
}

/// The name a file is called by in messages: its file name, else the path as given.
pub fn file_label(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
