//! The CSV driver, the same for every kind of row: read the header and choose the format,
//! parse and check every row (every problem is kept, with its line and column), then write
//! all rows in one transaction, or none.
//!
//! Line numbers are the file's own (a quoted summary over three lines moves the next row down
//! three lines), taken from the CSV reader's position of each record.

use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use csv::ByteRecord;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::mapping::{self, Columns, Field};
use super::{ImportError, ImportKind, Imported, Problem, Tally, after_import, file_label, transact};
use crate::config::Settings;
use crate::store::schema::Table;
use crate::store::{self, Store, StoreError, Upserted, Writer, queries};

/// How to read a CSV file.
#[derive(Debug, Clone)]
pub struct CsvOptions<'a> {
    /// `auto` or a format name ([`mapping::format_names`]).
    pub format: &'a str,
    /// The zone local times (`2026-11-02 14:30`) are read in.
    pub tz: Tz,
    /// The evaluation clock: the import log's time and the SLA engine's "now".
    pub now: DateTime<Utc>,
    /// Run the whole import and roll it back.
    pub dry_run: bool,
    pub settings: &'a Settings,
    /// Create a service the file names but the database does not know (instead of refusing).
    pub create_services: bool,
}

/// What a CSV import did (or, on a dry run, would do).
#[derive(Debug, Clone)]
pub struct CsvOutcome {
    pub kind: ImportKind,
    pub file: String,
    pub format: &'static str,
    /// Data rows in the file (blank lines not counted).
    pub rows: usize,
    pub tally: Tally,
    /// Header names no field uses.
    pub ignored_columns: Vec<String>,
    pub dry_run: bool,
    /// Services made because the file named them (`--create-services`).
    pub created_services: Vec<String>,
    /// Optional time cells holding an export's empty-date placeholder (`0001-01-01`, ...),
    /// read as empty: not measured.
    pub placeholders: usize,
}

/// Imports a CSV file of `kind` (not the portfolio, which is TOML).
/// A cell larger than this is refused: no summary is this long, and a runaway file should
/// not end up in the database.
pub const MAX_CELL_BYTES: usize = 64 * 1024;

pub fn import_csv(
    store: &mut Store,
    kind: ImportKind,
    path: &Path,
    opts: &CsvOptions<'_>,
) -> Result<CsvOutcome, ImportError> {
    let bytes = std::fs::read(path).map_err(|e| ImportError::File(format!("cannot read {}: {e}", path.display())))?;
    import_csv_bytes(store, kind, &file_label(path), &bytes, opts)
}

/// Imports CSV text already in memory; `file` names it in messages and in the import log.
pub fn import_csv_bytes(
    store: &mut Store,
    kind: ImportKind,
    file: &str,
    bytes: &[u8],
    opts: &CsvOptions<'_>,
) -> Result<CsvOutcome, ImportError> {
    match kind {
        ImportKind::Tickets => run::<super::tickets::Tickets>(store, file, bytes, opts),
        ImportKind::Outages => run::<super::outages::Outages>(store, file, bytes, opts),
        ImportKind::Changes => run::<super::changes::Changes>(store, file, bytes, opts),
        ImportKind::Scores => run::<super::scores::Scores>(store, file, bytes, opts),
        ImportKind::Portfolio => Err(ImportError::File(format!(
            "{file}: the portfolio is a TOML file, not a CSV one"
        ))),
    }
}

/// One kind of CSV row: how a record is parsed and checked, and how it is written.
pub(super) trait RowKind {
    const KIND: ImportKind;
    /// The column that identifies a row, for the message about a repeated row.
    const KEY_FIELD: Field;
    type Row;
    /// Parses one record. Every bad cell is reported through `cx`; the row is used only if
    /// none was.
    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<Self::Row>;
    /// The table the rows go to.
    const TABLE: &'static Table;
    /// A column of the stored row that writing needs to see (the ticket state), if any.
    const STORED_COLUMN: Option<&'static str> = None;
    /// The natural id the row is upserted by.
    fn id(row: &Self::Row) -> &str;
    /// Writes the row, only the fields whose columns the file has; `held` is what the table
    /// holds under the row's id (write it with [`put`]).
    fn write(w: &mut Writer<'_>, row: Self::Row, held: Option<Held>) -> store::Result<Upserted>;
}

struct Parsed<R> {
    line: u64,
    row: R,
}

fn run<K: RowKind>(
    store: &mut Store,
    file: &str,
    bytes: &[u8],
    opts: &CsvOptions<'_>,
) -> Result<CsvOutcome, ImportError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportError::File(format!(
            "{file} is UTF-16 text: save it as UTF-8 (in Excel: CSV UTF-8)"
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(bytes))
        .from_reader(bytes);
    let mut record = ByteRecord::new();
    let csv_error = |e: csv::Error| ImportError::File(format!("{file}: {e}"));
    if !reader.read_byte_record(&mut record).map_err(csv_error)? {
        return Err(ImportError::File(format!(
            "{file} is empty: a {} file starts with a header line such as {}",
            K::KIND,
            example_header(K::KIND)
        )));
    }
    let mut lines = LineCounter::new(bytes);
    let header_line = lines.at(&record);
    let headers = record
        .iter()
        .map(|h| std::str::from_utf8(h).map(|s| s.trim_start_matches('\u{feff}').to_string()))
        .collect::<Result<Vec<String>, _>>()
        .map_err(|_| {
            ImportError::File(format!(
                "{file} line {header_line}: the header is not UTF-8 text: save the file as UTF-8 (in Excel: CSV UTF-8)"
            ))
        })?;
    let chosen = mapping::choose(K::KIND, opts.format, &headers)
        .map_err(|m| ImportError::File(format!("{file} line {header_line}: {m}")))?;
    let columns = chosen.columns;
    let width = columns.width();

    let mut parsed: Vec<Parsed<K::Row>> = Vec::new();
    // Problems with their line, to report them in file order.
    let mut problems: Vec<(u64, Problem)> = Vec::new();
    let mut placeholders = 0usize;
    let mut rows = 0usize;
    let to_create;
    {
        let mut services = Services::new(store.conn(), opts.create_services);
        let priorities: HashMap<String, crate::domain::enums::Priority> = opts
            .settings
            .priorities
            .iter()
            .filter_map(|(k, v)| v.parse().ok().map(|p| (k.trim().to_lowercase(), p)))
            .collect();
        while reader.read_byte_record(&mut record).map_err(csv_error)? {
            let line = lines.at(&record);
            if record.iter().all(is_blank) {
                continue;
            }
            rows += 1;
            if record.len() < width || record.iter().skip(width).any(|f| !is_blank(f)) {
                problems.push((
                    line,
                    Problem::new(
                        format!("{file} line {line}"),
                        format!(
                            "has {} fields but the header has {width}: a field with a comma or a line break must be in double quotes",
                            record.len()
                        ),
                    ),
                ));
                continue;
            }
            let mut cx = RowCx {
                file,
                line,
                record: &record,
                columns: &columns,
                tz: opts.tz,
                services: &mut services,
                problems: &mut problems,
                bad: false,
                fatal: None,
                priorities: &priorities,
                now: opts.now.timestamp(),
                placeholders: &mut placeholders,
            };
            let row = K::parse(&mut cx);
            if let Some(e) = cx.fatal.take() {
                return Err(e.into());
            }
            let (Some(row), false) = (row, cx.bad) else {
                continue;
            };
            parsed.push(Parsed { line, row });
        }
        to_create = std::mem::take(&mut services.to_create);
    }
    // The same record twice in one file: the second is a mistake, not an update.
    let mut first_line: HashMap<&str, u64> = HashMap::with_capacity(parsed.len());
    for p in &parsed {
        if let Some(first) = first_line.insert(K::id(&p.row), p.line) {
            first_line.insert(K::id(&p.row), first);
            let place = format!("{file} line {}, column {}", p.line, columns.header(K::KEY_FIELD));
            problems.push((
                p.line,
                Problem::new(place, format!("the same {} is already on line {first}", noun(K::KIND))),
            ));
        }
    }
    drop(first_line);
    if !problems.is_empty() {
        problems.sort_by_key(|(line, _)| *line);
        return Err(ImportError::Rejected {
            file: file.to_string(),
            problems: problems.into_iter().map(|(_, p)| p).collect(),
        });
    }
    let mut outcome = CsvOutcome {
        kind: K::KIND,
        file: file.to_string(),
        format: chosen.mapping.format,
        rows,
        tally: Tally::default(),
        ignored_columns: chosen.ignored,
        dry_run: opts.dry_run,
        created_services: to_create.iter().map(|(_, n)| n.clone()).collect(),
        placeholders,
    };
    if parsed.is_empty() {
        return Ok(outcome);
    }
    // A large import touches pages all over the tables and their indexes (ids are hashes):
    // a page cache that holds them saves spilling to the WAL and reading them back.
    let cache = BigCache::new(store.conn(), parsed.len());
    let written = transact(store, opts.dry_run, |w| {
        let mut tally = Tally::default();
        let mut touched = Vec::new();
        for (id, name) in &to_create {
            w.save(&crate::domain::model::Service {
                id: id.clone(),
                name: name.clone(),
                aliases: Vec::new(),
                customer: String::new(),
                agreement_kind: crate::domain::enums::AgreementKind::Contract,
                agreement_ref: String::new(),
                agreement_start: None,
                agreement_end: None,
                notice_days: None,
                agreement_review: None,
                criticality: crate::domain::enums::Criticality::Medium,
                window_calendar_id: Some(crate::store::builtin_calendar_id()),
                status: crate::domain::enums::ServiceStatus::Active,
                monthly_cost: None,
                description: format!("created by the import of {file}"),
            })?;
        }
        let stored = Stored::load(w, K::TABLE, K::STORED_COLUMN, parsed.len())?;
        for p in parsed {
            let id = K::id(&p.row).to_string();
            let held = stored.get(w, &id)?;
            let done = K::write(w, p.row, held).map_err(|e| at_line(e, file, p.line))?;
            tally.count(done);
            if done != Upserted::Unchanged {
                touched.push(id);
            }
        }
        after_import(
            w,
            &Imported {
                kind: K::KIND,
                now: opts.now,
                tz: opts.tz,
                settings: opts.settings,
                touched: &touched,
                dry_run: opts.dry_run,
            },
        )?;
        if !opts.dry_run {
            queries::log_import(w.conn(), K::KIND.as_str(), opts.now.timestamp(), file, rows as i64)?;
        }
        Ok(tally)
    });
    cache.restore(store.conn());
    outcome.tally = written?;
    Ok(outcome)
}

/// What a table holds under an id: whether it is a tombstone, and the value of the kind's
/// [`RowKind::STORED_COLUMN`].
#[derive(Debug, Clone)]
pub(super) struct Held {
    pub deleted: bool,
    pub value: Option<String>,
}

/// What the table already holds of the rows being written. When the file is large next to
/// the table (a first import of the history), one scan replaces a lookup per row.
struct Stored {
    preloaded: Option<HashMap<String, Held>>,
    lookup: String,
}

impl Stored {
    fn load(w: &Writer<'_>, table: &Table, column: Option<&str>, rows: usize) -> store::Result<Stored> {
        let value = column.unwrap_or("NULL");
        let lookup = format!("SELECT deleted, {value} FROM {} WHERE id = ?1", table.name);
        let held: i64 = w
            .conn()
            .query_row(&format!("SELECT count(*) FROM {}", table.name), [], |r| r.get(0))?;
        if held as usize > rows.saturating_mul(4) {
            return Ok(Stored {
                preloaded: None,
                lookup,
            });
        }
        let mut map = HashMap::with_capacity(held as usize);
        let mut stmt = w
            .conn()
            .prepare(&format!("SELECT id, deleted, {value} FROM {}", table.name))?;
        let mut all = stmt.query([])?;
        while let Some(r) = all.next()? {
            let deleted: i64 = r.get(1)?;
            map.insert(
                r.get::<_, String>(0)?,
                Held {
                    deleted: deleted != 0,
                    value: r.get(2)?,
                },
            );
        }
        Ok(Stored {
            preloaded: Some(map),
            lookup,
        })
    }

    fn get(&self, w: &Writer<'_>, id: &str) -> store::Result<Option<Held>> {
        if let Some(map) = &self.preloaded {
            return Ok(map.get(id).cloned());
        }
        Ok(w.conn()
            .prepare_cached(&self.lookup)?
            .query_row([id], |r| {
                let deleted: i64 = r.get(0)?;
                Ok(Held {
                    deleted: deleted != 0,
                    value: r.get(1)?,
                })
            })
            .optional()?)
    }
}

/// Writes a row whose stored state is known: inserts it, updates the given fields, or brings
/// back a tombstone — what `Writer::upsert` does, without looking the row up again.
pub(super) fn put(
    w: &mut Writer<'_>,
    table: &Table,
    id: &str,
    held: Option<Held>,
    mut fields: Vec<(&str, Value)>,
) -> store::Result<Upserted> {
    match held {
        None => {
            w.insert(table, id, &fields)?;
            Ok(Upserted::Added)
        }
        Some(Held { deleted: true, .. }) => {
            fields.push(("deleted", Value::Integer(0)));
            w.update(table, id, &fields)
        }
        Some(Held { deleted: false, .. }) => w.update(table, id, &fields),
    }
}

/// A bigger SQLite page cache for the length of one import, set back afterwards.
struct BigCache {
    before: Option<i64>,
}

impl BigCache {
    /// About 1 KiB of cache per row, from the default (2 MiB) up to 256 MiB.
    fn new(conn: &Connection, rows: usize) -> BigCache {
        let want_kib = (rows as i64).clamp(2_000, 256 * 1024);
        let before: Option<i64> = conn.query_row("PRAGMA cache_size", [], |r| r.get(0)).ok();
        let grow = before.is_some_and(|b| b < 0 && -b < want_kib);
        if grow && conn.pragma_update(None, "cache_size", -want_kib).is_ok() {
            BigCache { before }
        } else {
            BigCache { before: None }
        }
    }

    fn restore(self, conn: &Connection) {
        if let Some(before) = self.before {
            let _ = conn.pragma_update(None, "cache_size", before);
        }
    }
}

/// The field separator, guessed from the header line: a comma, or the semicolon that Excel
/// writes where the decimal mark is a comma, or a tab.
fn delimiter(bytes: &[u8]) -> u8 {
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in header {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
            c.1 += 1;
        }
    }
    // The first of the most frequent; a comma when there is none.
    let mut best = counts[0];
    for c in &counts[1..] {
        if c.1 > best.1 {
            best = *c;
        }
    }
    best.0
}

/// The file's line a record starts on. The CSV reader's own line count is one short after
/// a CRLF line end (it counts the `\n` only once it reads on), so lines are counted here from
/// the record's byte offset, which points at or just before the record.
struct LineCounter<'b> {
    bytes: &'b [u8],
    offset: usize,
    line: u64,
}

impl<'b> LineCounter<'b> {
    fn new(bytes: &'b [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// Records come in file order, so the count only moves forward.
    fn at(&mut self, record: &ByteRecord) -> u64 {
        let Some(byte) = record.position().map(csv::Position::byte) else {
            return self.line;
        };
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start > self.offset {
            self.line += self.bytes[self.offset..start].iter().filter(|&&b| b == b'\n').count() as u64;
            self.offset = start;
        }
        self.line
    }
}

fn is_blank(field: &[u8]) -> bool {
    field.iter().all(u8::is_ascii_whitespace)
}

fn noun(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Tickets => "ticket",
        ImportKind::Outages => "outage (service and start)",
        ImportKind::Changes => "change",
        ImportKind::Scores => "score (service and period)",
        ImportKind::Portfolio => "entry",
    }
}

fn example_header(kind: ImportKind) -> String {
    mapping::MAPPINGS
        .iter()
        .find(|m| m.kind == kind)
        .map(|m| m.columns.iter().map(|c| c.headers[0]).collect::<Vec<_>>().join(","))
        .unwrap_or_default()
}

/// A write that the database refused (a reference already taken by a row with another id):
/// said with the row's line, as the user's to fix.
fn at_line(e: StoreError, file: &str, line: u64) -> StoreError {
    match e {
        StoreError::Sqlite(inner) if inner.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation) => {
            StoreError::BadInput(format!(
                "{file} line {line}: cannot be saved: {inner} (a record with the same reference exists under another id)"
            ))
        }
        other => other,
    }
}

/// Services by the names a file uses, looked up once per distinct name.
pub(super) struct Services<'c> {
    conn: &'c Connection,
    cache: HashMap<String, Result<Rc<str>, String>>,
    create: bool,
    /// (id, name) of the services to create.
    to_create: Vec<(String, String)>,
}

impl<'c> Services<'c> {
    fn new(conn: &'c Connection, create: bool) -> Self {
        Services {
            conn,
            cache: HashMap::new(),
            create,
            to_create: Vec::new(),
        }
    }

    fn resolve(&mut self, name: &str) -> store::Result<Result<Rc<str>, String>> {
        if let Some(found) = self.cache.get(name) {
            return Ok(found.clone());
        }
        let found = match queries::find_service(self.conn, name) {
            Ok(service) => Ok(Rc::from(service.id)),
            Err(e) if e.is_user_error() && self.create => {
                let id = super::keys::service_id(name);
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

/// One record being parsed: its cells by field, and where its problems go.
pub(super) struct RowCx<'r, 'p, 'c> {
    file: &'r str,
    line: u64,
    record: &'r ByteRecord,
    columns: &'r Columns,
    pub tz: Tz,
    services: &'p mut Services<'c>,
    problems: &'p mut Vec<(u64, Problem)>,
    bad: bool,
    fatal: Option<StoreError>,
    /// The configured priority names (lower case), read before the built-in ones.
    pub priorities: &'p HashMap<String, crate::domain::enums::Priority>,
    /// The import's clock (unix seconds): no fact lies more than a year after it.
    now: i64,
    /// Optional time cells read as empty because they hold a placeholder.
    placeholders: &'p mut usize,
}

impl<'r> RowCx<'r, '_, '_> {
    pub fn has(&self, field: Field) -> bool {
        self.columns.has(field)
    }

    /// Reports a problem with the field's cell.
    pub fn problem(&mut self, field: Field, message: impl Into<String>) {
        self.bad = true;
        let place = format!(
            "{} line {}, column {}",
            self.file,
            self.line,
            self.columns.header(field)
        );
        self.problems.push((self.line, Problem::new(place, message)));
    }

    /// The cell's trimmed text; `None` when the file has no such column, or the cell is not
    /// UTF-8 (reported).
    fn raw(&mut self, field: Field) -> Option<&'r str> {
        let index = self.columns.index(field)?;
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
        if text.is_empty() {
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
        let (tz, now) = (self.tz, self.now);
        self.required(field, |t| {
            if super::cells::is_empty_date_placeholder(t) {
                return Err(format!(
                    "\"{t}\" is an export's placeholder for an empty date, and this column needs a real time"
                ));
            }
            super::cells::plausible_time(t, &tz, now)
        })
    }

    /// A time cell that may be empty; an export's empty-date placeholder (`0001-01-01`,
    /// `1900-01-01`, `1970-01-01T00:00:00Z`) counts as empty (not measured) and is counted.
    pub fn optional_time(&mut self, field: Field) -> Option<Option<i64>> {
        if self.raw(field).is_some_and(super::cells::is_empty_date_placeholder) {
            *self.placeholders += 1;
            return Some(None);
        }
        let (tz, now) = (self.tz, self.now);
        self.optional(field, |t| super::cells::plausible_time(t, &tz, now))
    }

    /// Free text (a summary): `None` when the file has no such column. Kept as written,
    /// line breaks included, only trimmed.
    pub fn text(&mut self, field: Field) -> Option<&'r str> {
        self.raw(field)
    }

    /// The service named in the `service` column, by name or alias.
    pub fn service(&mut self) -> Option<Rc<str>> {
        let name = self.required(Field::Service, Ok)?;
        match self.services.resolve(name) {
            Ok(Ok(id)) => Some(id),
            Ok(Err(message)) => {
                self.problem(Field::Service, message);
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = ByteRecord::new();
        let mut lines = LineCounter::new(text.as_bytes());
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            out.push(lines.at(&record));
        }
        out
    }

    #[test]
    fn lines_are_the_files_own_whatever_the_line_ends() {
        assert_eq!(lines_of("h\n\"a\nb\nc\"\nx\ny\n"), vec![1, 2, 5, 6]);
        assert_eq!(lines_of("h\r\n\"a\r\nb\r\nc\"\r\nx\r\ny\r\n"), vec![1, 2, 5, 6]);
        assert_eq!(lines_of("\u{feff}h\r\n\r\nx\r\n\r\n\r\ny"), vec![1, 3, 6]);
        assert_eq!(lines_of("h\n\"a\r\nb\"\nx\n"), vec![1, 2, 4]);
    }

    #[test]
    fn the_delimiter_is_guessed_from_the_header() {
        assert_eq!(delimiter(b"ref,service,priority\nA;B,C"), b',');
        assert_eq!(delimiter(b"ref;service;priority\r\nINC1;Pay,roll;P1"), b';');
        assert_eq!(delimiter(b"ref\tservice\tpriority\n"), b'\t');
        assert_eq!(delimiter(b"\"a;b\",c\n"), b',', "inside quotes does not count");
        assert_eq!(delimiter(b"ref\n"), b',');
        assert_eq!(delimiter(b""), b',');
    }

    #[test]
    fn example_headers_come_from_the_generic_mapping() {
        assert_eq!(
            example_header(ImportKind::Tickets),
            "ref,service,priority,opened,responded,resolved,summary,pauses,state,kind"
        );
    }
}
