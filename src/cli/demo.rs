//! `sdm demo`: the demo data set, or a synthetic one of a given size.

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::app::demo::DataSet;
use crate::store::OpenMode;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Instead of the demo portfolio, a synthetic data set of about N tickets
    #[arg(long, value_name = "N")]
    pub scale: Option<u64>,
    /// The seed of the synthetic data set (the same seed gives the same data)
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// The share of synthetic tickets still open (a real queue's shape), e.g. 5%
    #[arg(long, value_name = "PCT", value_parser = share, requires = "scale")]
    pub open: Option<f64>,
    /// The share of synthetic tickets that missed a target, e.g. 20% [default: 5%]
    #[arg(long, value_name = "PCT", value_parser = share, requires = "scale")]
    pub breached: Option<f64>,
}

/// A share as typed: `5%`, `5` or `0.5%`, from 0 to 100 percent.
fn share(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('%').trim();
    match t.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p / 100.0),
        _ => Err(format!(
            "\"{text}\" is not a share: use a percentage from 0 to 100, e.g. 5%"
        )),
    }
}

pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Create)?;
    // Another sdm opening the file meanwhile waits for it as for an import (a large data set
    // takes a while, in rollback-journal mode).
    store.announce_writes(Some("sdm demo is writing a data set".into()));
    let set = match args.scale {
        None => DataSet::Demo,
        Some(tickets) => DataSet::Synthetic {
            tickets,
            seed: args.seed,
            shape: crate::demo::synthetic::Shape {
                open: args.open,
                breached: args
                    .breached
                    .unwrap_or(crate::demo::synthetic::Shape::default().breached),
            },
        },
    };
    let seeded = crate::app::demo::seed(&mut store, ctx, set)?;
    say!(
        "wrote {} to {} ({} breaches detected)",
        seeded.summary,
        ctx.db.display(),
        seeded.detected
    );
    Ok(())
}
