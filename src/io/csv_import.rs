//! The CSV driver, the same for every kind of row: turn the file into CSV text, read the
//! header and choose the format, settle the file's day-month order from all its dates, parse
//! and check every row (every problem is kept, with its line and column), then write all rows
//! in one transaction, or none.
//!
//! Line numbers are the file's own (a quoted summary over three lines moves the next row down
//! three lines), taken from the CSV reader's position of each record.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use csv::ByteRecord;

use super::cells::FileState;
use super::dates::{DateOrder, Evidence, Settled};
use super::mapping::{self, Field, Overrides};
use super::row::{self, Findings, RowCx, RowEnv, Services};
use super::source::{FileKind, Lines, Source, TextEncoding, delimiter, sniff};
use super::stored::{BigCache, Stored};
pub(super) use super::stored::{Held, held_by_id, put};
use super::{ImportError, ImportKind, Imported, Problem, Tally, after_import, file_label, transact};
use crate::config::Settings;
use crate::domain::enums::{ChangeKind, ChangeOutcome, Priority, TicketKind};
use crate::store::schema::Table;
use crate::store::{self, Store, StoreError, Upserted, Writer};

pub use super::row::MAX_CELL_BYTES;

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
    /// `--date-order`: how numeric dates are read when the file does not settle it (over
    /// the config's `date_order`).
    pub date_order: Option<DateOrder>,
    /// `--service NAME`: every row belongs to this service.
    pub service: Option<&'a str>,
    /// `--service-column COLUMN`: the column that names the service.
    pub service_column: Option<&'a str>,
    /// `--sheet NAME`: the workbook's sheet (default: the first).
    pub sheet: Option<&'a str>,
}

impl<'a> CsvOptions<'a> {
    /// The defaults for a file of sdm's own generic format.
    pub fn new(settings: &'a Settings, tz: Tz, now: DateTime<Utc>) -> Self {
        CsvOptions {
            format: "auto",
            tz,
            now,
            dry_run: false,
            settings,
            create_services: false,
            date_order: None,
            service: None,
            service_column: None,
            sheet: None,
        }
    }
}

/// What a CSV import did (or, on a dry run, would do).
#[derive(Debug, Clone)]
pub struct CsvOutcome {
    pub kind: ImportKind,
    pub file: String,
    pub format: &'static str,
    /// How the summary names the tool the file came from (`ServiceNow`).
    pub tool: &'static str,
    /// Data rows in the file (blank lines not counted).
    pub rows: usize,
    pub tally: Tally,
    /// Header names no field uses.
    pub ignored_columns: Vec<String>,
    /// Every column with the field it was read as (`None`: ignored), for `--dry-run`.
    pub columns: Vec<(String, Option<&'static str>)>,
    /// How the bytes were read (`UTF-8`, `Windows-1252`, `sheet "Page 1" of a workbook`).
    pub encoding: String,
    /// The day-month order numeric dates were read in, and why.
    pub date_order: Option<(DateOrder, String)>,
    pub dry_run: bool,
    /// Services made because the file named them (`--create-services`).
    pub created_services: Vec<String>,
    /// Optional time cells holding an export's empty-date placeholder (`0001-01-01`, ...),
    /// read as empty: not measured.
    pub placeholders: usize,
    /// What the summary says about how the file was read, one line each (columns of one
    /// meaning, facts not measured, states read from the category, ...).
    pub notes: Vec<String>,
    /// The first rows as sdm understood them, for `--dry-run` (times in `zone`).
    pub preview: Vec<String>,
    /// The zone local times were read in and the preview shows.
    pub zone: String,
    /// How long the writing pass held the write lock, in milliseconds.
    pub write_ms: u128,
}

/// Imports a file of `kind` (not the portfolio, which is TOML): CSV in any of the usual
/// encodings, an `.xlsx` workbook or a JSON export.
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

/// Imports a file already in memory; `file` names it in messages and in the import log.
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
    let read_error = |e: std::io::Error| ImportError::File(format!("cannot read {file}: {e}"));
    let head = source.head().map_err(read_error)?;
    let converted: Vec<u8>;
    let (source, encoding, label) = match sniff(file, &head).map_err(ImportError::File)? {
        FileKind::Text(encoding) => (source, encoding, None),
        FileKind::Xlsx => {
            let bytes = source.read_all().map_err(read_error)?;
            converted = super::source::xlsx_to_csv(file, bytes, opts.sheet).map_err(ImportError::File)?;
            let sheet = opts
                .sheet
                .map_or("the first sheet".to_string(), |s| format!("sheet \"{s}\""));
            (
                Source::Bytes(&converted),
                TextEncoding::Utf8,
                Some(format!("an Excel workbook ({sheet})")),
            )
        }
        FileKind::Json => {
            let bytes = source.read_all().map_err(read_error)?;
            converted = super::source::json_to_csv(file, &bytes).map_err(ImportError::File)?;
            (
                Source::Bytes(&converted),
                TextEncoding::Utf8,
                Some("a JSON export".to_string()),
            )
        }
    };
    let input = Input {
        file,
        source,
        encoding,
        label,
    };
    match kind {
        ImportKind::Tickets => run::<super::tickets::Tickets>(store, input, opts),
        ImportKind::Outages => run::<super::outages::Outages>(store, input, opts),
        ImportKind::Changes => run::<super::changes::Changes>(store, input, opts),
        ImportKind::Scores => run::<super::scores::Scores>(store, input, opts),
        ImportKind::Slas => run::<super::slas::Slas>(store, input, opts),
        ImportKind::Problems => run::<super::problems::Problems>(store, input, opts),
        ImportKind::Responses => run::<super::responses::Responses>(store, input, opts),
        ImportKind::Portfolio => Err(ImportError::File(format!(
            "{file}: the portfolio is a TOML file, not a CSV one"
        ))),
    }
}

/// The file to read: its CSV text and how it was made.
struct Input<'a> {
    file: &'a str,
    source: Source<'a>,
    encoding: TextEncoding,
    /// What the file was before it became CSV text (a workbook, a JSON export).
    label: Option<String>,
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
    /// Columns of the stored row that writing needs to see (the ticket's state and pauses).
    const STORED_COLUMNS: &'static [&'static str] = &[];
    /// The natural id the row is upserted by.
    fn id(row: &Self::Row) -> &str;
    /// What makes a row the same as another in one file (a mistake, not an update): its id,
    /// unless several rows of a file write to one record (a ticket's SLAs).
    fn key(row: &Self::Row) -> String {
        Self::id(row).to_string()
    }
    /// The row as sdm understood it, in a line, for `--dry-run`.
    fn describe(row: &Self::Row, tz: &Tz) -> String;
    /// Writes the row, only the fields whose columns the file has; `held` is what the table
    /// holds under the row's id (write it with [`put`]).
    fn write(w: &mut Writer<'_>, row: Self::Row, held: Option<Held>) -> store::Result<Upserted>;
    /// What the summary says about the file as a whole, from the columns it has (a file
    /// with no response times).
    fn file_notes(_columns: &mapping::Columns) -> Vec<String> {
        Vec::new()
    }
    /// Why the file as a whole cannot be read as this kind, from the columns it has.
    fn file_check(_columns: &mapping::Columns) -> Result<(), String> {
        Ok(())
    }
}

fn csv_reader<'a>(input: Box<dyn Read + 'a>, delimiter: u8) -> csv::Reader<Box<dyn Read + 'a>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input)
}

fn is_blank(field: &[u8]) -> bool {
    field.iter().all(u8::is_ascii_whitespace)
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
            let message = format!(
                "has {} fields but the header has {}: a field with a comma or a line break must be in double quotes",
                record.len(),
                env.width
            );
            found.problems.push((
                line,
                Problem::new(format!("{file} line {line}"), message).in_group("|fields".into()),
            ));
            continue;
        }
        let mut cx = RowCx {
            env,
            line,
            record: &record,
            services: &mut *services,
            found: &mut *found,
            bad: false,
            fatal: None,
        };
        let row = K::parse(&mut cx);
        let (bad, fatal) = (cx.bad, cx.fatal.take());
        if let Some(e) = fatal {
            return Err(e.into());
        }
        if let (Some(row), false) = (row, bad) {
            take(line, row)?;
        }
    }
    Ok(())
}

/// The config's maps, read once per import (keys lower case).
struct Maps {
    priorities: HashMap<String, Priority>,
    states: HashMap<String, FileState>,
    kinds: HashMap<String, TicketKind>,
    change_kinds: HashMap<String, ChangeKind>,
    change_outcomes: HashMap<String, ChangeOutcome>,
}

/// A config map with its keys in lower case and its values read (the config was checked
/// when it was loaded, so a value that does not read is left out).
fn lower_map<T: std::str::FromStr>(map: &std::collections::BTreeMap<String, String>) -> HashMap<String, T> {
    map.iter()
        .filter_map(|(k, v)| v.parse().ok().map(|x| (k.trim().to_lowercase(), x)))
        .collect()
}

impl Maps {
    fn of(settings: &Settings) -> Maps {
        Maps {
            priorities: lower_map(&settings.priorities),
            states: lower_map(&settings.states),
            kinds: lower_map(&settings.ticket_kinds),
            change_kinds: lower_map(&settings.change_kinds),
            change_outcomes: lower_map(&settings.change_outcomes),
        }
    }
}

/// What the user said about the file's columns: `--service-column`, the config's
/// `[columns]` for the kind, and `--service`.
fn overrides(kind: ImportKind, opts: &CsvOptions<'_>) -> Overrides {
    let mut columns = Vec::new();
    if let Some(c) = opts.service_column {
        columns.push((c.to_string(), Field::Service));
    }
    let config = match kind {
        ImportKind::Changes => &opts.settings.columns.changes,
        ImportKind::Outages => &opts.settings.columns.outages,
        ImportKind::Tickets => &opts.settings.columns.tickets,
        _ => {
            return Overrides {
                columns,
                fixed_service: opts.service.is_some(),
            };
        }
    };
    for (header, field) in config {
        if let Some(f) = Field::from_name(field) {
            columns.push((header.clone(), f));
        }
    }
    Overrides {
        columns,
        fixed_service: opts.service.is_some(),
    }
}

/// Reads every time cell once and settles the file's day-month order, or refuses the file.
fn settle_dates(
    input: &Input<'_>,
    delimiter: u8,
    columns: &mapping::Columns,
    opts: &CsvOptions<'_>,
) -> Result<Option<(DateOrder, String)>, ImportError> {
    let file = input.file;
    let times = columns.time_columns();
    let given = match (opts.date_order, opts.settings.date_order) {
        (Some(o), _) => Some((o, format!("--date-order {}", o.as_str()))),
        (None, Some(o)) => Some((o, format!("date_order = \"{}\" in the config", o.as_str()))),
        (None, None) => None,
    };
    if times.is_empty() {
        return Ok(None);
    }
    let mut evidence = Evidence::default();
    if given.is_none() {
        let read_error = |e: std::io::Error| ImportError::File(format!("cannot read {file}: {e}"));
        let mut reader = csv_reader(input.source.open(input.encoding).map_err(read_error)?, delimiter);
        let mut record = ByteRecord::new();
        let mut header = true;
        while reader
            .read_byte_record(&mut record)
            .map_err(|e| ImportError::File(format!("{file}: {e}")))?
        {
            if std::mem::take(&mut header) {
                continue;
            }
            for (_, index, name) in &times {
                if let Some(text) = record.get(*index).and_then(|b| std::str::from_utf8(b).ok()) {
                    evidence.observe(name, text);
                }
            }
        }
    }
    match evidence.settle(given.as_ref().map(|(o, why)| (*o, why.as_str()))) {
        Ok(Settled::Irrelevant) => Ok(None),
        Ok(Settled::Order { order, because }) => Ok(Some((order, because))),
        Err(message) => Err(ImportError::File(format!("{file}: {message}"))),
    }
}

/// Two passes over the file, each reading it as a stream (after a first look that finds its
/// line ends and, where its dates need it, one that settles their day-month order). The
/// first reads, parses and checks every row and writes nothing (the write lock is not
/// taken); only a file without a problem gets the second, which parses the rows again and
/// writes each as it comes, in one transaction.
fn run<K: RowKind>(store: &mut Store, input: Input<'_>, opts: &CsvOptions<'_>) -> Result<CsvOutcome, ImportError> {
    let file = input.file;
    let source = input.source;
    let read_error = |e: std::io::Error| ImportError::File(format!("cannot read {file}: {e}"));
    let mut input = input;
    let mut scan = Lines::scan(source.open(input.encoding).map_err(read_error)?, MAX_CELL_BYTES).map_err(read_error)?;
    let mut notes: Vec<String> = Vec::new();
    if input.encoding == TextEncoding::Utf8 && !scan.utf8 {
        // Not UTF-8: what Excel and older tools write in Western Europe and the Americas.
        input.encoding = TextEncoding::Windows1252;
        scan = Lines::scan(source.open(input.encoding).map_err(read_error)?, MAX_CELL_BYTES).map_err(read_error)?;
    }
    let encoding = match &input.label {
        Some(label) => label.clone(),
        None => input.encoding.label().to_string(),
    };
    if input.encoding != TextEncoding::Utf8 {
        notes.push(format!(
            "the file is {} text, converted to UTF-8",
            input.encoding.label()
        ));
    }
    let delimiter = delimiter(&scan.first);
    let lines = scan.lines;
    let mut reader = csv_reader(source.open(input.encoding).map_err(read_error)?, delimiter);
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
    let chosen = mapping::choose(K::KIND, opts.format, &headers, &overrides(K::KIND, opts))
        .map_err(|m| ImportError::File(format!("{file} line {header_line}: {m}")))?;
    notes.extend(chosen.notes.iter().cloned());
    let columns = chosen.columns;
    let verdicts =
        K::KIND == ImportKind::Slas || columns.has(Field::ToolResponse) || columns.has(Field::ToolResolution);
    K::file_check(&columns).map_err(|m| ImportError::File(format!("{file} line {header_line}: {m}")))?;
    notes.extend(K::file_notes(&columns));
    let date_order = settle_dates(&input, delimiter, &columns, opts)?;
    let maps = Maps::of(opts.settings);
    let env = RowEnv {
        file,
        columns: &columns,
        width: columns.width(),
        tz: opts.tz,
        now: opts.now.timestamp(),
        order: date_order.as_ref().map(|(o, _)| *o),
        priorities: &maps.priorities,
        states: &maps.states,
        kinds: &maps.kinds,
        change_kinds: &maps.change_kinds,
        change_outcomes: &maps.change_outcomes,
        fixed_service: opts.service,
        degradation_is_outage: opts.settings.degradation_is_outage,
    };

    // Pass one: every row checked; of the rows only their ids are kept (a row twice in one
    // file is a mistake, not an update), and the first three described for a dry run.
    let mut found = Findings::default();
    let mut first_line: HashMap<String, u64> = HashMap::new();
    let mut duplicates: Vec<(u64, Problem)> = Vec::new();
    let mut preview: Vec<String> = Vec::new();
    let (to_create, resolved) = {
        let mut services = Services::new(Some(store.conn()), opts.create_services);
        each_row::<K>(&mut reader, &lines, &env, &mut services, &mut found, |line, row| {
            let id = K::key(&row);
            if let Some(first) = first_line.get(&id) {
                let place = format!("{file} line {line}, column {}", columns.header(K::KEY_FIELD));
                duplicates.push((
                    line,
                    Problem::new(place, format!("the same {} is already on line {first}", noun(K::KIND)))
                        .in_group("|duplicate".into()),
                ));
                return Ok(());
            }
            if preview.len() < 3 {
                preview.push(format!("line {line}: {}", K::describe(&row, &opts.tz)));
            }
            first_line.insert(id, line);
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
    notes.extend(row::notes(&found));
    let mut outcome = CsvOutcome {
        kind: K::KIND,
        file: file.to_string(),
        format: chosen.mapping.format,
        tool: chosen.mapping.tool,
        rows: found.rows,
        tally: Tally::default(),
        ignored_columns: chosen.ignored,
        columns: columns
            .described()
            .into_iter()
            .map(|(h, f)| (h, f.map(Field::name)))
            .collect(),
        encoding,
        date_order,
        dry_run: opts.dry_run,
        created_services: to_create.iter().map(|(_, n)| n.clone()).collect(),
        placeholders: found.counts.get(row::PLACEHOLDERS).copied().unwrap_or(0),
        notes,
        preview,
        zone: opts.tz.name().to_string(),
        write_ms: 0,
    };
    if valid_rows == 0 {
        return Ok(outcome);
    }

    // Pass two: the same rows again, each written as it is read, in one transaction.
    let cache = BigCache::new(store.conn(), valid_rows);
    let started = std::time::Instant::now();
    let work = |w: &mut Writer<'_>| {
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
                currency: None,
                charge: None,
                credits: None,
                money_history: Vec::new(),
            })?;
        }
        let stored = Stored::load(w, K::TABLE, K::STORED_COLUMNS, valid_rows)?;
        let changed = |what: String| {
            StoreError::BadInput(format!(
                "{file} changed while it was being imported ({what}); nothing was imported: import it again"
            ))
        };
        let mut reader = csv_reader(source.open(input.encoding).map_err(StoreError::Io)?, delimiter);
        let mut header = ByteRecord::new();
        if !reader
            .read_byte_record(&mut header)
            .map_err(|e| changed(e.to_string()))?
        {
            return Err(changed("it is empty now".into()));
        }
        // The last ticket row before the import: the rows after it are the ones it adds.
        let tickets = K::KIND == ImportKind::Tickets;
        let last_row = if tickets {
            crate::store::bulk::last_rowid(w.conn(), K::TABLE.name)?
        } else {
            0
        };
        let mut changed_ids = Vec::new();
        let aside = w.set_aside_indexes(K::TABLE.name, valid_rows)?;
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
                    if done == Upserted::Changed {
                        changed_ids.push(id.clone());
                    }
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
        w.rebuild_indexes(aside)?;
        // Rows after the last one are the added ones, unless SQLite had to place a new row
        // below it (a rowid at its largest): then they are looked up by id.
        let after_last: i64 = if tickets {
            w.conn().query_row(
                &format!("SELECT count(*) FROM {} WHERE rowid > ?1", K::TABLE.name),
                [last_row],
                |r| r.get(0),
            )?
        } else {
            -1
        };
        let added = (usize::try_from(after_last).ok() == Some(tally.added)).then_some(crate::io::Added {
            after: last_row,
            changed: &changed_ids,
        });
        let disagree = after_import(
            w,
            &Imported {
                kind: K::KIND,
                now: opts.now,
                tz: opts.tz,
                settings: opts.settings,
                touched: &touched,
                added,
                dry_run: opts.dry_run,
                file,
                rows: found.rows,
                verdicts,
            },
        )?;
        Ok((tally, disagree))
    };
    // A first import (many rows into a table that holds far fewer) goes in in rollback-journal
    // mode, as a new data set does: each page written once, not to the log and again.
    let bulk = !opts.dry_run && crate::store::bulk::is_bulk(store.conn(), K::TABLE.name, valid_rows)?;
    let written = if bulk {
        store.in_rollback_journal(|store| transact(store, false, work))
    } else {
        transact(store, opts.dry_run, work)
    };
    cache.restore(store.conn());
    outcome.write_ms = started.elapsed().as_millis();
    let (tally, disagree) = written?;
    outcome.tally = tally;
    if disagree > 0 {
        outcome.notes.push(format!(
            "sdm and the file disagree on {disagree} clock(s): the file's own SLA verdict differs from sdm's (sdm clocks --disagree lists them)"
        ));
    }
    Ok(outcome)
}

fn noun(kind: ImportKind) -> &'static str {
    match kind {
        ImportKind::Tickets => "ticket",
        ImportKind::Outages => "outage (service and start)",
        ImportKind::Changes => "change",
        ImportKind::Scores => "score (service and period)",
        ImportKind::Slas => "SLA of the ticket",
        ImportKind::Problems => "problem",
        ImportKind::Responses => "survey response (service, date, respondent, score and comment)",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_headers_come_from_the_generic_mapping() {
        assert_eq!(
            example_header(ImportKind::Tickets),
            "ref,service,priority,opened,responded,resolved,summary,pauses,state,kind,closed,updated,state_changed,waiting,resolution"
        );
    }
}
