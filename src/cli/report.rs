//! `sdm report`: the monthly service review, in Markdown or as one HTML file.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use color_eyre::Result;

use crate::app::Ctx;
use crate::app::report::Which;
use crate::error::UserError;
use crate::report::{parse_month, render};
use crate::store::OpenMode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    /// Markdown, to paste into a wiki
    Md,
    /// One self-contained HTML file (styles and charts inline) that prints well
    Html,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The service (name or alias)
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub service: Option<String>,
    /// Every active service, one section each
    #[arg(long)]
    pub all: bool,
    /// The month, YYYY-MM
    #[arg(long, value_name = "YYYY-MM")]
    pub month: String,
    #[arg(long, value_enum, default_value = "md")]
    pub format: ReportFormat,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace the --out file when it exists
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Ctx, args: &ReportArgs) -> Result<()> {
    let Some((year, month)) = parse_month(&args.month) else {
        return Err(UserError::new(format!(
            "--month \"{}\" is not a month: use YYYY-MM, e.g. 2026-11",
            args.month
        ))
        .into());
    };
    if args.service.is_none() && !args.all {
        return Err(UserError::new("say which service (--service NAME) or --all").into());
    }
    let store = ctx.open(OpenMode::Existing)?;
    let which = match &args.service {
        Some(name) => Which::Named(name),
        None => Which::All,
    };
    let reports = crate::app::report::month_reviews(&store, ctx, which, year, month)?;
    let text = match args.format {
        ReportFormat::Md => render::markdown(&reports),
        ReportFormat::Html => render::to_html(&reports),
    };
    match &args.out {
        None => say_raw!("{text}"),
        Some(path) => {
            super::export::write_private(path, text.as_bytes(), args.force)?;
            note!(
                "wrote the {} review of {} service(s) to {}",
                args.month,
                reports.len(),
                path.display()
            );
        }
    }
    Ok(())
}
