//! `sdm touch`: log a touch point from the shell (a jump host's prompt).

use clap::Args;
use color_eyre::Result;

use super::Context;
use crate::domain::enums::Channel;
use crate::domain::ids::new_id;
use crate::domain::model::TouchPoint;
use crate::domain::text::inert;
use crate::error::UserError;
use crate::store::OpenMode;
use crate::store::queries::{find_service, find_stakeholder};

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
    /// Follow-ups agreed (free text)
    #[arg(long, value_name = "TEXT")]
    pub follow_up: Option<String>,
}

pub fn run(ctx: &Context, args: &TouchArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Existing)?;
    if args.summary.trim().is_empty() {
        return Err(UserError::new("the summary is empty: say in a few words what was discussed").into());
    }
    let who = find_stakeholder(store.conn(), &args.stakeholder)?;
    let channel = match &args.channel {
        Some(c) => c.parse::<Channel>()?,
        None => who.channel,
    };
    let service_ids = if args.services.is_empty() {
        who.service_ids.clone()
    } else {
        args.services
            .iter()
            .map(|name| find_service(store.conn(), name).map(|s| s.id))
            .collect::<Result<Vec<_>, _>>()?
    };
    let touch = TouchPoint {
        id: new_id(),
        stakeholder_id: who.id.clone(),
        at: ctx.now.timestamp(),
        channel,
        summary: args.summary.trim().to_string(),
        sentiment: args.sentiment,
        follow_ups: args.follow_up.clone().unwrap_or_default(),
        service_ids,
    };
    let label = format!("log a {channel} with {}", who.name);
    let due = ctx.now.with_timezone(&ctx.tz).date_naive() + chrono::Duration::days(7);
    store.write(Some(&label), |w| {
        w.save(&touch)?;
        // A follow-up becomes an action, listed with the others.
        if let Some(text) = args.follow_up.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            w.save(&crate::domain::model::Action {
                id: new_id(),
                title: text.to_string(),
                owner: "me".into(),
                due: Some(due),
                done_on: None,
                review_id: None,
                touch_point_id: Some(touch.id.clone()),
                service_id: touch.service_ids.first().cloned(),
                notes: format!("follow-up of a {} with {}", channel, who.name),
            })?;
        }
        Ok(())
    })?;
    let next = ctx.now.with_timezone(&ctx.tz).date_naive() + chrono::Duration::days(who.cadence_days);
    let mood = args
        .sentiment
        .map(|s| format!(" (sentiment {s}/5)"))
        .unwrap_or_default();
    say!(
        "logged a {} with {}{mood}; next touch due {next}",
        channel.as_str().replace('_', " "),
        inert(&who.name)
    );
    Ok(())
}
