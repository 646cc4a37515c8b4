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
}

pub fn run(ctx: &Ctx, args: &DemoArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Create)?;
    let set = match args.scale {
        None => DataSet::Demo,
        Some(tickets) => DataSet::Synthetic {
            tickets,
            seed: args.seed,
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
