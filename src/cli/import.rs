//! `sdm import portfolio|tickets|outages|changes|scores|slas|problems|responses FILE`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, builder::PossibleValuesParser};
use color_eyre::Result;

use crate::app::Ctx;
use crate::domain::text::inert;
use crate::error::UserError;
use crate::io::dates::DateOrder;
use crate::io::portfolio::PortfolioOptions;
use crate::io::{self, CsvOptions, ImportError, ImportKind, cells, mapping};
use crate::store::{OpenMode, Store};

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub what: ImportWhat,
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Calendars, services with their SLA targets, and stakeholders from a TOML file (by name)
    Portfolio(PortfolioArgs),
    /// Tickets from a CSV export (by reference): ref,service,priority,opened,responded,resolved,summary,pauses
    Tickets(CsvArgs),
    /// Outages from a CSV file (by service and start): service,start,end,planned,summary
    Outages(CsvArgs),
    /// Changes from a CSV export (by reference): ref,service,kind,implemented,outcome,summary
    Changes(CsvArgs),
    /// Customer satisfaction scores from a CSV file (by service and period): service,period,score,scale,responses
    Scores(CsvArgs),
    /// The tool's SLA records of tickets already imported (ServiceNow task_sla: task,sla,stage,has_breached,end_time)
    Slas(CsvArgs),
    /// Problem records from a ServiceNow problem or Jira problem export (by reference): ref,title,service,state,opened,root_cause,workaround,owner
    Problems(CsvArgs),
    /// Survey responses one by one: service,date,score,scale,respondent,comment (scale 0-10 or 1-5)
    Responses(CsvArgs),
}

#[derive(Debug, Args)]
pub struct PortfolioArgs {
    /// The portfolio file (TOML)
    pub file: PathBuf,
    /// Say what would be added, changed and left unchanged, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct CsvArgs {
    /// The CSV file (UTF-8; a header line, then one row per record)
    pub file: PathBuf,
    /// The file's format; auto picks it by the header
    #[arg(long, default_value = "auto", value_parser = PossibleValuesParser::new(mapping::format_names()))]
    pub format: String,
    /// The time zone of local times in the file (2026-11-02 14:30) [default: the display zone]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Say what would be added, changed and left unchanged, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Create a service the file names but sdm does not know, instead of refusing the file
    #[arg(long)]
    pub create_services: bool,
    /// Every row belongs to this service (for an export with no service column)
    #[arg(long, value_name = "NAME", conflicts_with = "service_column")]
    pub service: Option<String>,
    /// The column that names the service (u_product, Project name, Categoria, ...)
    #[arg(long, value_name = "COLUMN")]
    pub service_column: Option<String>,
    /// How numeric dates are read when the file's own dates do not settle it: dmy (31-12-2026) or mdy (12-31-2026)
    #[arg(long, value_name = "ORDER", value_parser = PossibleValuesParser::new(["dmy", "mdy"]))]
    pub date_order: Option<String>,
    /// The sheet of an .xlsx workbook to read [default: the first]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
}

pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<()> {
    match &args.what {
        ImportWhat::Portfolio(a) => portfolio(ctx, a),
        ImportWhat::Tickets(a) => csv(ctx, ImportKind::Tickets, a),
        ImportWhat::Outages(a) => csv(ctx, ImportKind::Outages, a),
        ImportWhat::Changes(a) => csv(ctx, ImportKind::Changes, a),
        ImportWhat::Scores(a) => csv(ctx, ImportKind::Scores, a),
        ImportWhat::Problems(a) => csv(ctx, ImportKind::Problems, a),
        ImportWhat::Responses(a) => csv(ctx, ImportKind::Responses, a),
        ImportWhat::Slas(a) => csv(ctx, ImportKind::Slas, a),
    }
}

fn csv(ctx: &Ctx, kind: ImportKind, args: &CsvArgs) -> Result<()> {
    let tz = match &args.tz {
        Some(name) => cells::zone(name).map_err(|m| UserError::new(format!("--tz {m}")))?,
        None => ctx.tz,
    };
    let date_order = match &args.date_order {
        Some(o) => Some(
            o.parse::<DateOrder>()
                .map_err(|m| UserError::new(format!("--date-order {m}")))?,
        ),
        None => None,
    };
    let opts = CsvOptions {
        format: &args.format,
        tz,
        now: ctx.now,
        dry_run: args.dry_run,
        settings: &ctx.settings,
        create_services: args.create_services,
        date_order,
        service: args.service.as_deref(),
        service_column: args.service_column.as_deref(),
        sheet: args.sheet.as_deref(),
    };
    let mut store = ctx.open(OpenMode::Existing)?;
    store.announce_writes(Some(format!("an import of {} is writing", io::file_label(&args.file))));
    let outcome = io::import_csv(&mut store, kind, &args.file, &opts).map_err(user_error)?;
    if !outcome.created_services.is_empty() {
        note!(
            "sdm: note: {} new service(s) {}: {} (fill in their agreement and targets: e on the Services pane, or the portfolio file)",
            outcome.created_services.len(),
            if outcome.dry_run { "would be created" } else { "created" },
            quoted_list(&outcome.created_services, 10)
        );
    }
    if outcome.placeholders > 0 {
        note!(
            "sdm: note: {}: {} time cell(s) held an empty-date placeholder (0001-01-01, 1900-01-01, 1970-01-01) and were read as empty: not measured",
            inert(&outcome.file),
            outcome.placeholders
        );
    }
    let file = inert(&outcome.file);
    for line in &outcome.notes {
        note!("sdm: note: {file}: {}", inert(line));
    }
    if outcome.dry_run {
        print_reading(&outcome);
    } else if !outcome.ignored_columns.is_empty() {
        note!(
            "sdm: note: {file}: ignored columns: {}",
            name_list(&outcome.ignored_columns, 20)
        );
    }
    if outcome.rows == 0 {
        // Nothing to import is a mistake worth a non-zero exit: a truncated export, the wrong
        // file, an export run before the data was there.
        return Err(
            crate::error::UserError::new(format!("{file} has only a header, no rows: nothing was imported")).into(),
        );
    }
    let rows = if outcome.rows == 1 { "row" } else { "rows" };
    let dry = if outcome.dry_run {
        "; dry run: nothing was written"
    } else {
        ""
    };
    let tool = if outcome.format == "generic" {
        String::new()
    } else {
        format!("{} {}: ", outcome.tool, outcome.kind)
    };
    say!(
        "{file}: {} ({} {rows}, {tool}format {}{dry})",
        outcome.tally,
        outcome.rows,
        outcome.format
    );
    Ok(())
}

/// Names for a one-line note, quoted: at most `most`, then how many more.
fn quoted_list(names: &[String], most: usize) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{}\"", inert(n))).collect();
    capped(&quoted, most)
}

/// Names for a one-line note, as they are: at most `most`, then how many more.
fn name_list(names: &[String], most: usize) -> String {
    let plain: Vec<String> = names.iter().map(|n| inert(n).into_owned()).collect();
    capped(&plain, most)
}

fn capped(items: &[String], most: usize) -> String {
    if items.len() <= most {
        items.join(", ")
    } else {
        format!("{} and {} more", items[..most].join(", "), items.len() - most)
    }
}

/// What `--dry-run` shows of how the file was read: the encoding, the date order, each
/// column and the field it went to, and the first rows as sdm understood them.
fn print_reading(outcome: &io::CsvOutcome) {
    say!("encoding: {}", inert(&outcome.encoding));
    match &outcome.date_order {
        Some((order, why)) => say!("dates: numeric dates read {} ({})", order.words(), inert(why)),
        None => say!("dates: no numeric date needed a day-month order"),
    }
    say!("columns:");
    for (header, field) in &outcome.columns {
        match field {
            Some(f) => say!("  {:<32} -> {f}", inert(header)),
            None => say!("  {:<32}    ignored", inert(header)),
        }
    }
    if !outcome.preview.is_empty() {
        say!("first rows as read (times in {}):", inert(&outcome.zone));
        for line in &outcome.preview {
            say!("  {}", inert(line));
        }
    }
}

fn portfolio(ctx: &Ctx, args: &PortfolioArgs) -> Result<()> {
    let opts = PortfolioOptions {
        now: ctx.now,
        tz: ctx.tz,
        dry_run: args.dry_run,
        settings: &ctx.settings,
    };
    // A dry run against a database that does not exist yet rehearses on a scratch copy, so
    // that it creates nothing.
    let scratch = if args.dry_run && !ctx.db.exists() {
        Some(Scratch::new())
    } else {
        None
    };
    let mut store = match &scratch {
        Some(s) => Store::open(&s.path, OpenMode::Create)?,
        None => ctx.open(OpenMode::Create)?,
    };
    store.announce_writes(Some(format!("an import of {} is writing", io::file_label(&args.file))));
    let outcome = io::import_portfolio(&mut store, &args.file, &opts).map_err(user_error)?;
    drop(store);
    drop(scratch);
    let file = inert(&outcome.file);
    let dry = if outcome.dry_run {
        "; dry run: nothing was written"
    } else {
        ""
    };
    let unchanged = if outcome.total().is_change() {
        ""
    } else {
        "; nothing changed"
    };
    say!("{file}: {}{unchanged}{dry}", outcome.total());
    for line in &outcome.details {
        let verb = if outcome.dry_run { "would " } else { "" };
        say!("  {verb}{}", inert(line));
    }
    for (noun, tally) in [
        ("calendars", outcome.calendars),
        ("services", outcome.services),
        ("targets", outcome.targets),
        ("stakeholders", outcome.stakeholders),
    ] {
        say!("  {noun:<13}{tally}");
    }
    Ok(())
}

/// Prints every problem of a rejected file (when there is more than one; a single one is the
/// error line itself) and turns the error into the one line the user sees.
fn user_error(e: ImportError) -> color_eyre::Report {
    match e {
        ImportError::Store(inner) => inner.into(),
        ImportError::Rejected { .. } => {
            let problems = e.problems();
            if problems.len() > 1 {
                for line in io::summarise(problems) {
                    note!("{}", inert(&line));
                }
            }
            UserError::new(inert(&e.to_string()).into_owned()).into()
        }
        ImportError::File(_) => UserError::new(inert(&e.to_string()).into_owned()).into(),
    }
}

/// A database file in the temporary folder, removed (with its WAL files) when dropped.
struct Scratch {
    path: PathBuf,
}

impl Scratch {
    fn new() -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let path = std::env::temp_dir().join(format!("sdm-dry-run-{}-{nanos}.db", std::process::id()));
        Scratch { path }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = self.path.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(Path::new(&name));
        }
    }
}
