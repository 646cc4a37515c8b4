//! `sdm report`: the service review of a month, quarter or year, for the customer or for the
//! SDM alone, in Markdown or as one HTML file.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use color_eyre::Result;

use crate::app::Ctx;
use crate::app::report::Which;
use crate::domain::period::Period;
use crate::error::UserError;
use crate::report::{Audience, render};
use crate::store::OpenMode;

#[derive(Debug, Clone, Copy, ValueEnum)]
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
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReportFormat,
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

#[cfg(feature = "pdf")]
fn pdf_of(reports: &[crate::report::ServiceReview], audience: Audience) -> Result<Vec<u8>> {
    Ok(crate::report::pdf::to_pdf(reports, audience))
}

#[cfg(not(feature = "pdf"))]
fn pdf_of(_: &[crate::report::ServiceReview], _: Audience) -> Result<Vec<u8>> {
    Err(UserError::new("this sdm was built without PDF: use --format html and print it to PDF from a browser").into())
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
    if matches!(args.format, ReportFormat::Pdf) && args.out.is_none() {
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
    let reports = crate::app::report::service_reviews(&store, ctx, which, period)?;
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
    let bytes: Vec<u8> = match args.format {
        ReportFormat::Md => render::markdown(&reports, audience).into_bytes(),
        ReportFormat::Html => render::to_html(&reports, audience).into_bytes(),
        ReportFormat::Pdf => pdf_of(&reports, audience)?,
    };
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
