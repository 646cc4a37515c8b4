//! `sdm touch`: log a touch point from the shell (a jump host's prompt).

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::app::touch::{LogTouch, Who};
use crate::store::OpenMode;

#[derive(Debug, Args)]
pub struct TouchArgs {
    /// The stakeholder (full name, or a part that names one person)
    pub stakeholder: String,
    /// What was discussed
    pub summary: String,
    /// meeting, call, email, chat or service_review [default: the stakeholder's preferred channel]
    #[arg(long)]
    pub channel: Option<String>,
    /// How it went, 1 (unhappy) to 5 (happy)
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=5))]
    pub sentiment: Option<i64>,
    /// The service it was about (repeat for several) [default: the stakeholder's services]
    #[arg(long = "service", value_name = "NAME")]
    pub services: Vec<String>,
    /// Follow-ups agreed (free text); they become an action due in a week
    #[arg(long, value_name = "TEXT")]
    pub follow_up: Option<String>,
    /// When it happened [default: now]: RFC 3339, 2026-11-20 14:00, yesterday 10:00
    #[arg(long, value_name = "TIME")]
    pub when: Option<String>,
}

pub fn run(ctx: &Ctx, args: &TouchArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Existing)?;
    let input = LogTouch {
        stakeholder: Some(Who::Name(args.stakeholder.clone())),
        summary: args.summary.clone(),
        channel: args.channel.clone(),
        sentiment: args.sentiment.map(|s| s.to_string()),
        when: args.when.clone(),
        services: Some(args.services.clone()),
        follow_up: args.follow_up.clone().unwrap_or_default(),
    };
    let logged = crate::app::touch::log(&mut store, ctx, &input)?;
    say!("{}", logged.describe());
    Ok(())
}
