//! `sdm report`: the service review of a month, quarter or year, for the customer or for the
//! SDM alone, in Markdown or as one HTML file.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use color_eyre::Result;

use crate::app::Ctx;
use crate::app::report::{FileFormat, Which};
use crate::domain::period::Period;
use crate::error::UserError;
use crate::report::Audience;
use crate::store::OpenMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, to paste into a wiki
    Md,
    /// One self-contained HTML file (styles and charts inline) that prints well
    Html,
    /// One A4 PDF (needs --out)
    Pdf,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The service (name or alias)
    #[arg(long, value_name = "NAME", conflicts_with_all = ["all", "customer"])]
    pub service: Option<String>,
    /// Every active service of one customer: a summary, then a section each
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub customer: Option<String>,
    /// Every active service, grouped by customer: a summary per customer, then a section each
    #[arg(long)]
    pub all: bool,
    /// The month, YYYY-MM (default: the last complete month)
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["quarter", "year"])]
    pub month: Option<String>,
    /// The quarter, YYYY-Qn: its months side by side
    #[arg(long, value_name = "YYYY-Qn", conflicts_with = "year")]
    pub quarter: Option<String>,
    /// The year, YYYY: its months side by side
    #[arg(long, value_name = "YYYY")]
    pub year: Option<String>,
    /// Add what the SDM alone should see: the health verdict by name, notes, data freshness,
    /// who was told when (the default is what the customer receives)
    #[arg(long)]
    pub internal: bool,
    /// md, html or pdf [default: from the --out file's name (.html, .pdf), else md]
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace the --out file when it exists
    #[arg(long)]
    pub force: bool,
    /// Record the review meeting's minutes (Markdown): each `- [ ] title @owner due:YYYY-MM-DD
    /// [service:NAME]` becomes an action on its service, and `Next review: YYYY-MM-DD` sets
    /// the services' agreement review
    #[arg(long, value_name = "FILE")]
    pub minutes: Option<PathBuf>,
}

impl From<ReportFormat> for FileFormat {
    fn from(f: ReportFormat) -> FileFormat {
        match f {
            ReportFormat::Md => FileFormat::Md,
            ReportFormat::Html => FileFormat::Html,
            ReportFormat::Pdf => FileFormat::Pdf,
        }
    }
}

pub fn run(ctx: &Ctx, args: &ReportArgs) -> Result<()> {
    let (flag, text) = match (&args.month, &args.quarter, &args.year) {
        (Some(m), _, _) => ("--month", m.as_str()),
        (_, Some(q), _) => ("--quarter", q.as_str()),
        (_, _, Some(y)) => ("--year", y.as_str()),
        _ => ("--month", ""),
    };
    let period = if text.is_empty() {
        crate::app::report::period_of(ctx, "")?
    } else {
        let read = Period::parse(text).filter(|p| {
            matches!(
                (flag, p),
                ("--month", Period::Month(..)) | ("--quarter", Period::Quarter(..)) | ("--year", Period::Year(_))
            )
        });
        let Some(period) = read else {
            let form = match flag {
                "--quarter" => "YYYY-Qn, e.g. 2026-Q4",
                "--year" => "YYYY, e.g. 2026",
                _ => "YYYY-MM, e.g. 2026-11",
            };
            return Err(UserError::new(format!("{flag} \"{text}\" is not a {}: use {form}", &flag[2..])).into());
        };
        period
    };
    // The format follows the file's name unless given; a name that says another is refused.
    let by_name = args.out.as_deref().and_then(FileFormat::from_name);
    let format = match (args.format.map(FileFormat::from), by_name) {
        (Some(f), Some(n)) if f != n => {
            return Err(UserError::new(format!(
                "--out names a .{} file but --format is {}: give one or the other",
                n.extension(),
                f.extension()
            ))
            .into());
        }
        (Some(f), _) | (None, Some(f)) => f,
        (None, None) => FileFormat::Md,
    };
    if format == FileFormat::Pdf && args.out.is_none() {
        return Err(UserError::new("a PDF is written to a file: add --out FILE.pdf").into());
    }
    if args.service.is_none() && args.customer.is_none() && !args.all {
        return Err(
            UserError::new("say which service (--service NAME), which customer (--customer NAME) or --all").into(),
        );
    }
    let mut store = ctx.open(OpenMode::Existing)?;
    // The minutes are read (and refused, line by line) before anything is written.
    let minutes = match &args.minutes {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| UserError::new(format!("cannot read the minutes {}: {e}", path.display())))?,
        ),
        None => None,
    };
    let which = match (&args.service, &args.customer) {
        (Some(name), _) => Which::Named(name),
        (_, Some(name)) => Which::Customer(name),
        _ => Which::All,
    };
    let audience = if args.internal {
        Audience::Internal
    } else {
        Audience::Customer
    };
    let crate::app::report::Reviews {
        reviews: reports,
        left_out,
    } = crate::app::report::service_reviews(&store, ctx, which, period)?;
    for why in &left_out {
        note!("left out of the pack: {why}");
    }
    if let Some(text) = &minutes {
        let services = crate::app::report::services_of(&store, which)?;
        let done = crate::app::report::record_minutes(&mut store, &services, period, text)?;
        let count = crate::report::render::plural;
        let mut said = format!(
            "minutes: {} recorded as actions, {} already recorded",
            count(done.recorded as i64, "follow-up"),
            done.unchanged
        );
        if done.done > 0 {
            said.push_str(&format!(
                ", {} left out (done in the meeting)",
                count(done.done as i64, "ticked item")
            ));
        }
        if let Some((next, n)) = done.next_review {
            said.push_str(&format!(
                "; next agreement review {next} on {}",
                count(n as i64, "service")
            ));
        }
        note!("{said}");
    }
    let bytes = format.render(&reports, audience)?;
    match &args.out {
        None => say_raw!("{}", String::from_utf8_lossy(&bytes)),
        Some(path) => {
            super::export::write_private(path, &bytes, args.force)?;
            note!(
                "wrote the {period} review of {} to {}",
                crate::report::render::plural(reports.len() as i64, "service"),
                path.display()
            );
        }
    }
    Ok(())
}
