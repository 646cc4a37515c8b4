//! `sdm ticket` and `sdm outage`: the SDM's own fields on imported facts (an SLA exclusion
//! with its reason and note, critical, pauses by hand), and `sdm outages` to list outages.

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::app::corrections::{CorrectOutage, CorrectTickets, Corrected, correct_outage, correct_tickets, outages};
use crate::domain::text::inert;
use crate::error::UserError;
use crate::io::cells;
use crate::store::OpenMode;

#[derive(Debug, Args)]
pub struct TicketArgs {
    /// The tickets' references (several at once for a major incident)
    #[arg(required = true, value_name = "REF")]
    pub refs: Vec<String>,
    #[command(flatten)]
    pub sla: ExclusionArgs,
    /// Critical: a post-mortem falls due, as for a P1
    #[arg(long, conflicts_with = "not_critical")]
    pub critical: bool,
    /// No longer critical
    #[arg(long)]
    pub not_critical: bool,
    /// Add a pause: START/END, RFC 3339 or local time in --tz (repeat for several)
    #[arg(long = "pause", value_name = "START/END")]
    pub pauses: Vec<String>,
    /// Remove pause N, as `sdm clocks --explain REF` numbers them (repeat for several)
    #[arg(long = "unpause", value_name = "N")]
    pub unpause: Vec<usize>,
    /// The time zone of local times in --pause [default: the display zone]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
}

/// In or out of the SLA, for `sdm ticket` and `sdm outage`.
#[derive(Debug, Args)]
pub struct ExclusionArgs {
    /// Leave it out of the SLA, for this reason (the exclusion_reasons setting: customer-caused, third-party, planned-work, force-majeure, duplicate, other)
    #[arg(long, value_name = "REASON", conflicts_with = "include")]
    pub exclude: Option<String>,
    /// A note beside the exclusion's reason
    #[arg(long, value_name = "TEXT", requires = "exclude")]
    pub note: Option<String>,
    /// Bring it back into the SLA
    #[arg(long)]
    pub include: bool,
}

#[derive(Debug, Args)]
pub struct OutageArgs {
    /// The outage's service (name or alias)
    #[arg(long, value_name = "NAME")]
    pub service: String,
    /// The outage's start, as `sdm outages` lists it
    #[arg(long, value_name = "TIME")]
    pub start: String,
    #[command(flatten)]
    pub sla: ExclusionArgs,
    /// The time zone of a local --start [default: the display zone]
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
}

#[derive(Debug, Args)]
pub struct OutagesArgs {
    /// Only this service (name or alias)
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Print them as JSON
    #[arg(long)]
    pub json: bool,
}

fn zone(ctx: &Ctx, tz: &Option<String>) -> Result<chrono_tz::Tz> {
    match tz {
        Some(name) => Ok(cells::zone(name).map_err(|m| UserError::new(format!("--tz {m}")))?),
        None => Ok(ctx.tz),
    }
}

fn report(done: &Corrected) {
    say!("{}", inert(&done.label));
    let d = &done.detected;
    if d.voided > 0 {
        say!("  {} breach(es) now void", d.voided);
    }
    if d.reopened > 0 {
        say!("  {} breach(es) back", d.reopened);
    }
    if d.created > 0 {
        say!("  {} new breach(es)", d.created);
    }
    if done.reviews.created > 0 {
        say!("  {} review(s) now due", done.reviews.created);
    }
}

pub fn ticket(ctx: &Ctx, args: &TicketArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Existing)?;
    let input = CorrectTickets {
        refs: args.refs.clone(),
        exclude: args.sla.exclude.clone(),
        note: args.sla.note.clone(),
        include: args.sla.include,
        critical: match (args.critical, args.not_critical) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        pauses: args.pauses.clone(),
        unpause: args.unpause.clone(),
        tz: zone(ctx, &args.tz)?,
    };
    let done = correct_tickets(&mut store, ctx, &input)?;
    report(&done);
    Ok(())
}

pub fn outage(ctx: &Ctx, args: &OutageArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Existing)?;
    let input = CorrectOutage {
        service: args.service.clone(),
        start: args.start.clone(),
        exclude: args.sla.exclude.clone(),
        note: args.sla.note.clone(),
        include: args.sla.include,
        tz: zone(ctx, &args.tz)?,
    };
    let done = correct_outage(&mut store, ctx, &input)?;
    report(&done);
    Ok(())
}

pub fn list(ctx: &Ctx, args: &OutagesArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let list = outages(&store, args.service.as_deref())?;
    if args.json {
        super::out::say_json(&list)?;
        return Ok(());
    }
    if list.is_empty() {
        say!("no outages");
        return Ok(());
    }
    for o in &list {
        let end = o.end.as_deref().unwrap_or("still going on");
        let planned = if o.planned { " planned" } else { "" };
        let excluded = match (&o.excluded, &o.note) {
            (Some(r), Some(n)) => format!("  excluded: {} — {}", inert(r), inert(n)),
            (Some(r), None) => format!("  excluded: {}", inert(r)),
            _ => String::new(),
        };
        say!(
            "{}  {} → {}{planned}  {}{excluded}",
            inert(&o.service),
            o.start,
            end,
            inert(&o.summary)
        );
    }
    Ok(())
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("step").required(true).args(["ack", "close", "reopen", "told"])))]
pub struct BreachArgs {
    /// The breach: its id, or the reference of the ticket that breached
    pub breach: String,
    /// Which of the ticket's clocks, when it breached both: response or resolution
    #[arg(long, value_name = "CLOCK", value_parser = ["response", "resolution"])]
    pub clock: Option<String>,
    /// Acknowledge it
    #[arg(long)]
    pub ack: bool,
    /// Close it, with a --cause (the breach_causes setting) and optionally a --credit
    #[arg(long, requires = "cause")]
    pub close: bool,
    /// Open it again
    #[arg(long)]
    pub reopen: bool,
    /// The customer was told (--to, --channel, --when)
    #[arg(long)]
    pub told: bool,
    /// Why it happened (closing): understaffed, handover-delay, third-party, wrong-priority, change-related, customer, other
    #[arg(long, value_name = "CAUSE")]
    pub cause: Option<String>,
    /// The service credit (closing), in the service's currency
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub credit: Option<String>,
    /// Who was told: a stakeholder (a touch point is logged with them) or anyone else
    #[arg(long, value_name = "NAME")]
    pub to: Option<String>,
    /// How they were told: call, email, meeting, chat or service_review
    #[arg(long, value_name = "CHANNEL")]
    pub channel: Option<String>,
    /// When they were told [default: now]
    #[arg(long, value_name = "TIME")]
    pub when: Option<String>,
    /// A note kept with the step in the breach's history
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
}

/// `sdm breach`: a step of a breach's handling, kept in its history.
pub fn breach(ctx: &Ctx, args: &BreachArgs) -> Result<()> {
    use crate::app::breaches::{Handling, StepInput, find, take_step};
    if !args.close && (args.cause.is_some() || args.credit.is_some()) {
        return Err(UserError::new("--cause and --credit go with --close").into());
    }
    if !args.told && (args.to.is_some() || args.channel.is_some() || args.when.is_some()) {
        return Err(UserError::new("--to, --channel and --when go with --told").into());
    }
    let mut store = ctx.open(OpenMode::Existing)?;
    let clock = match args.clock.as_deref() {
        Some("response") => Some(crate::engine::ClockKind::Response),
        Some(_) => Some(crate::engine::ClockKind::Resolution),
        None => None,
    };
    let b = find(&store, &args.breach, clock)?;
    let step = if args.ack {
        Handling::Acknowledge
    } else if args.close {
        Handling::Close
    } else if args.reopen {
        Handling::Reopen
    } else {
        Handling::Inform
    };
    let input = StepInput {
        note: args.note.clone().unwrap_or_default(),
        cause: args.cause.clone().unwrap_or_default(),
        credit: args.credit.clone().unwrap_or_default(),
        when: args.when.clone().unwrap_or_default(),
        channel: args.channel.clone().unwrap_or_default(),
        to: args.to.clone().unwrap_or_default(),
    };
    let label = take_step(&mut store, ctx, &b.id, step, &input)?;
    say!("{}", inert(&label));
    Ok(())
}
