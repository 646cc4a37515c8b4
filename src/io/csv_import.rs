//! The CSV driver, the same for every kind of row: read the header and choose the format,
//! parse and check every row (every problem is kept, with its line and column), then write
//! all rows in one transaction, or none.
//!
//! Line numbers are the file's own (a quoted summary over three lines moves the next row down
//! three lines), taken from the CSV reader's position of each record.

use std::collections::HashMap;
use std::io::Read;
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
    /// How long the writing pass held the write lock, in milliseconds.
    pub write_ms: u128,
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
    if let Err(e) = std::fs::metadata(path) {
        return Err(ImportError::File(format!("cannot read {}: {e}", path.display())));
    }
    import_from(store, kind, &file_label(path), Source::Path(path), opts)
}

/// Imports CSV text already in memory; `file` names it in messages and in the import log.
pub fn import_csv_bytes(
    store: &mut Store,
    kind: ImportKind,
    file: &str,
    bytes: &[u8],
    opts: &CsvOptions<'_>,
) -> Result<CsvOutcome, ImportError> {
    import_from(store, kind, file, Source::Bytes(bytes), opts)
}

fn import_from(
    store: &mut Store,
    kind: ImportKind,
    file: &str,
    source: Source<'_>,
    opts: &CsvOptions<'_>,
) -> Result<CsvOutcome, ImportError> {
    match kind {
        ImportKind::Tickets => run::<super::tickets::Tickets>(store, file, source, opts),
        ImportKind::Outages => run::<super::outages::Outages>(store, file, source, opts),
        ImportKind::Changes => run::<super::changes::Changes>(store, file, source, opts),
        ImportKind::Scores => run::<super::scores::Scores>(store, file, source, opts),
        ImportKind::Portfolio => Err(ImportError::File(format!(
            "{file}: the portfolio is a TOML file, not a CSV one"
        ))),
    }
}

/// Where a CSV file's bytes come from. A file is read again for each pass and never held
/// whole, so an import's memory does not grow with the file.
#[derive(Clone, Copy)]
enum Source<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

impl<'a> Source<'a> {
    fn open(self) -> std::io::Result<Box<dyn Read + 'a>> {
        match self {
            Source::Path(p) => Ok(Box::new(std::io::BufReader::with_capacity(
                1 << 16,
                std::fs::File::open(p)?,
            ))),
            Source::Bytes(b) => Ok(Box::new(b)),
        }
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

/// What every row of one file is read with.
struct RowEnv<'a> {
    file: &'a str,
    columns: &'a Columns,
    width: usize,
    tz: Tz,
    now: i64,
    priorities: &'a HashMap<String, crate::domain::enums::Priority>,
    delimiter: u8,
}

/// What reading the rows found besides the rows themselves.
#[derive(Default)]
struct Findings {
    problems: Vec<(u64, Problem)>,
    placeholders: usize,
    /// Data rows (blank lines not counted).
    rows: usize,
}

fn csv_reader<'a>(input: Box<dyn Read + 'a>, delimiter: u8) -> csv::Reader<Box<dyn Read + 'a>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input)
}

/// Reads every record after the header and hands each row that parsed cleanly to `take`,
/// with its line. Problems go to `found`.
fn each_row<K: RowKind>(
    reader: &mut csv::Reader<Box<dyn Read + '_>>,
    lines: &Lines,
    env: &RowEnv<'_>,
    services: &mut Services<'_>,
    found: &mut Findings,
    mut take: impl FnMut(u64, K::Row) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let file = env.file;
    let mut record = ByteRecord::new();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| ImportError::File(format!("{file}: {e}")))?
    {
        let line = lines.at(&record);
        if record.iter().all(is_blank) {
            continue;
        }
        found.rows += 1;
        if record.len() < env.width || record.iter().skip(env.width).any(|f| !is_blank(f)) {
            found.problems.push((
                line,
                Problem::new(
                    format!("{file} line {line}"),
                    format!(
                        "has {} fields but the header has {}: a field with a comma or a line break must be in double quotes",
                        record.len(),
                        env.width
                    ),
                ),
            ));
            continue;
        }
        let mut cx = RowCx {
            file,
            line,
            record: &record,
            columns: env.columns,
            tz: env.tz,
            services: &mut *services,
            problems: &mut found.problems,
            bad: false,
            fatal: None,
            priorities: env.priorities,
            now: env.now,
            placeholders: &mut found.placeholders,
        };
        let row = K::parse(&mut cx);
        if let Some(e) = cx.fatal.take() {
            return Err(e.into());
        }
        if let (Some(row), false) = (row, cx.bad) {
            take(line, row)?;
        }
    }
    Ok(())
}

/// Two passes over the file, each reading it as a stream. The first reads, parses and
/// checks every row and writes nothing (the write lock is not taken); only a file without a
/// problem gets the second, which parses the rows again and writes each as it comes, in one
/// transaction.
fn run<K: RowKind>(
    store: &mut Store,
    file: &str,
    source: Source<'_>,
    opts: &CsvOptions<'_>,
) -> Result<CsvOutcome, ImportError> {
    let read_error = |e: std::io::Error| ImportError::File(format!("cannot read {file}: {e}"));
    let scan = Lines::scan(source.open().map_err(read_error)?).map_err(read_error)?;
    if scan.first.starts_with(&[0xFF, 0xFE]) || scan.first.starts_with(&[0xFE, 0xFF]) {
        return Err(ImportError::File(format!(
            "{file} is UTF-16 text: save it as UTF-8 (in Excel: CSV UTF-8)"
        )));
    }
    let delimiter = delimiter(&scan.first);
    let lines = scan.lines;
    let mut reader = csv_reader(source.open().map_err(read_error)?, delimiter);
    let mut record = ByteRecord::new();
    let csv_error = |e: csv::Error| ImportError::File(format!("{file}: {e}"));
    if !reader.read_byte_record(&mut record).map_err(csv_error)? {
        return Err(ImportError::File(format!(
            "{file} is empty: a {} file starts with a header line such as {}",
            K::KIND,
            example_header(K::KIND)
        )));
    }
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
    let priorities: HashMap<String, crate::domain::enums::Priority> = opts
        .settings
        .priorities
        .iter()
        .filter_map(|(k, v)| v.parse().ok().map(|p| (k.trim().to_lowercase(), p)))
        .collect();
    let env = RowEnv {
        file,
        columns: &columns,
        width: columns.width(),
        tz: opts.tz,
        now: opts.now.timestamp(),
        priorities: &priorities,
        delimiter,
    };

    // Pass one: every row checked; of the rows only their ids are kept (a row twice in one
    // file is a mistake, not an update).
    let mut found = Findings::default();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut duplicates: Vec<(u64, Problem)> = Vec::new();
    let (to_create, resolved) = {
        let mut services = Services::new(Some(store.conn()), opts.create_services);
        each_row::<K>(&mut reader, &lines, &env, &mut services, &mut found, |line, row| {
            let id = K::id(&row);
            if let Some(first) = first_line.get(id) {
                let place = format!("{file} line {line}, column {}", columns.header(K::KEY_FIELD));
                duplicates.push((
                    line,
                    Problem::new(place, format!("the same {} is already on line {first}", noun(K::KIND))),
                ));
                return Ok(());
            }
            first_line.insert(id.to_string(), line);
            Ok(())
        })?;
        (std::mem::take(&mut services.to_create), services.resolved())
    };
    drop(reader);
    found.problems.extend(duplicates);
    let valid_rows = first_line.len();
    drop(first_line);
    if !found.problems.is_empty() {
        found.problems.sort_by_key(|(line, _)| *line);
        return Err(ImportError::Rejected {
            file: file.to_string(),
            problems: found.problems.into_iter().map(|(_, p)| p).collect(),
        });
    }
    let mut outcome = CsvOutcome {
        kind: K::KIND,
        file: file.to_string(),
        format: chosen.mapping.format,
        rows: found.rows,
        tally: Tally::default(),
        ignored_columns: chosen.ignored,
        dry_run: opts.dry_run,
        created_services: to_create.iter().map(|(_, n)| n.clone()).collect(),
        placeholders: found.placeholders,
        write_ms: 0,
    };
    if valid_rows == 0 {
        return Ok(outcome);
    }

    // Pass two: the same rows again, each written as it is read, in one transaction.
    let cache = BigCache::new(store.conn(), valid_rows);
    let started = std::time::Instant::now();
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
        let stored = Stored::load(w, K::TABLE, K::STORED_COLUMN, valid_rows)?;
        let changed = |what: String| {
            StoreError::BadInput(format!(
                "{file} changed while it was being imported ({what}); nothing was imported: import it again"
            ))
        };
        let mut reader = csv_reader(source.open().map_err(StoreError::Io)?, env.delimiter);
        let mut header = ByteRecord::new();
        if !reader
            .read_byte_record(&mut header)
            .map_err(|e| changed(e.to_string()))?
        {
            return Err(changed("it is empty now".into()));
        }
        let mut again = Findings::default();
        let mut services = Services::replay(resolved.clone());
        let mut failure: Option<StoreError> = None;
        let mut seen = 0usize;
        let pass = each_row::<K>(&mut reader, &lines, &env, &mut services, &mut again, |line, row| {
            seen += 1;
            let id = K::id(&row).to_string();
            let result = stored
                .get(w, &id)
                .and_then(|held| K::write(w, row, held).map_err(|e| at_line(e, file, line)));
            match result {
                Ok(done) => {
                    tally.count(done);
                    if done != Upserted::Unchanged {
                        touched.push(id);
                    }
                    Ok(())
                }
                Err(e) => {
                    failure = Some(e);
                    Err(ImportError::File(String::new()))
                }
            }
        });
        if let Some(e) = failure {
            return Err(e);
        }
        match pass {
            Ok(()) => {}
            Err(ImportError::Store(e)) => return Err(e),
            Err(e) => return Err(changed(e.to_string())),
        }
        if !again.problems.is_empty() || seen != valid_rows {
            return Err(changed("its rows differ from the first reading".into()));
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
            queries::log_import(
                w.conn(),
                K::KIND.as_str(),
                opts.now.timestamp(),
                file,
                found.rows as i64,
            )?;
        }
        Ok(tally)
    });
    cache.restore(store.conn());
    outcome.write_ms = started.elapsed().as_millis();
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
    /// About 1 KiB of cache per row, from the default (2 MiB) up to 64 MiB (an import's
    /// memory stays bounded whatever the file's size).
    fn new(conn: &Connection, rows: usize) -> BigCache {
        let want_kib = (rows as i64).clamp(2_000, 64 * 1024);
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
fn delimiter(header: &[u8]) -> u8 {
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

/// Where the file's lines end, found in one streaming pass, so a record's line can be told
/// from its byte offset without holding the file (8 bytes a line). The CSV reader's own line
/// count is one short after a CRLF line end, so lines are counted here.
struct Lines {
    /// The offset of every `\n`.
    newlines: Vec<u64>,
    /// Whether the byte before each `\n` is a `\r`.
    crlf: Vec<bool>,
}

/// What the first look at a file finds: its first line (for the separator and the encoding)
/// and its line ends.
struct Scan {
    first: Vec<u8>,
    lines: Lines,
}

impl Lines {
    fn scan(mut input: Box<dyn Read + '_>) -> std::io::Result<Scan> {
        let mut lines = Lines {
            newlines: Vec::new(),
            crlf: Vec::new(),
        };
        let mut first: Vec<u8> = Vec::new();
        let mut first_done = false;
        let mut buf = vec![0u8; 1 << 16];
        let mut offset = 0u64;
        let mut last = 0u8;
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            for (i, &b) in buf[..n].iter().enumerate() {
                if b == b'\n' {
                    lines.newlines.push(offset + i as u64);
                    lines.crlf.push(last == b'\r');
                    first_done = true;
                } else if !first_done && first.len() < MAX_CELL_BYTES {
                    first.push(b);
                }
                last = b;
            }
            offset += n as u64;
        }
        Ok(Scan { first, lines })
    }

    /// The line a record starts on: the newlines before its first byte (its position points
    /// at or just before it, on the previous line's end).
    fn at(&self, record: &ByteRecord) -> u64 {
        let Some(mut at) = record.position().map(csv::Position::byte) else {
            return 1;
        };
        let mut i = self.newlines.partition_point(|&o| o < at);
        loop {
            match self.newlines.get(i) {
                Some(&o) if o == at => at += 1,
                Some(&o) if o == at + 1 && self.crlf[i] => at += 2,
                _ => break,
            }
            i += 1;
        }
        i as u64 + 1
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
    /// `None` on the second pass, which only replays what the first resolved.
    conn: Option<&'c Connection>,
    cache: HashMap<String, Result<Rc<str>, String>>,
    create: bool,
    /// (id, name) of the services to create.
    to_create: Vec<(String, String)>,
}

impl<'c> Services<'c> {
    fn new(conn: Option<&'c Connection>, create: bool) -> Self {
        Services {
            conn,
            cache: HashMap::new(),
            create,
            to_create: Vec::new(),
        }
    }

    /// What the first pass resolved, for the second to replay.
    fn resolved(&self) -> HashMap<String, Result<Rc<str>, String>> {
        self.cache.clone()
    }

    fn replay(cache: HashMap<String, Result<Rc<str>, String>>) -> Services<'static> {
        Services {
            conn: None,
            cache,
            create: false,
            to_create: Vec::new(),
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
        let lines = Lines::scan(Box::new(text.as_bytes())).unwrap().lines;
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
