//! `sdm clocks`: every open or recently closed ticket's response and resolution clocks;
//! `sdm clocks --explain REF`: one ticket's timelines. `sdm detect`: record breaches and due
//! reviews from the facts as of now.

use chrono::{DateTime, SecondsFormat, Utc};
use clap::Args;
use color_eyre::Result;
use serde::Serialize;

use crate::app::Ctx;
use crate::domain::parse::format_duration;
use crate::domain::sla::Thresholds;
use crate::domain::text::inert;
use crate::engine::clocks::facts_of;
use crate::engine::{ClockKind, Engine, adapter};
use crate::error::UserError;
use crate::store::OpenMode;
use crate::store::queries::find_service;

#[derive(Debug, Args)]
pub struct ClocksArgs {
    /// Only this service (name or alias)
    #[arg(long, value_name = "NAME")]
    pub service: Option<String>,
    /// Print the clocks as JSON
    #[arg(long)]
    pub json: bool,
    /// Show how one ticket's clocks count, step by step
    #[arg(long, value_name = "REF")]
    pub explain: Option<String>,
    /// List the clocks on which the ITSM tool's own verdict (from an import) and sdm's differ
    #[arg(long, conflicts_with = "explain")]
    pub disagree: bool,
}

#[derive(Serialize)]
struct ClockJson {
    reference: String,
    service: String,
    priority: String,
    clock: ClockKind,
    state: String,
    at_risk: bool,
    percent_used: f64,
    elapsed_seconds: i64,
    target_seconds: i64,
    deadline: Option<String>,
    remaining_seconds: i64,
    countdown: String,
    calendar: String,
    excluded: Option<String>,
}

fn rfc(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

pub fn run(ctx: &Ctx, args: &ClocksArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let engine = Engine::load(store.conn(), &ctx.settings)?;
    for problem in &engine.problems {
        note!("sdm: note: {problem}");
    }
    let now = ctx.now.timestamp();
    if let Some(reference) = &args.explain {
        return explain(ctx, &store, &engine, reference, now);
    }
    let service_id = match &args.service {
        Some(name) => Some(find_service(store.conn(), name)?.id),
        None => None,
    };
    if args.disagree {
        return disagree(&store, &engine, now, service_id.as_deref(), args.json);
    }
    if args.json {
        return json_clocks(ctx, &store, &engine, now, service_id.as_deref());
    }
    let clocks = engine.open_and_recent(
        store.conn(),
        now,
        ctx.settings.clocks_recent_days,
        service_id.as_deref(),
    )?;
    if clocks.is_empty() {
        say!("no open or recently closed tickets with SLA clocks");
        return Ok(());
    }
    say!(
        "{:<14} {:<18} {:<3} {:<10} {:<9} {:>6}  {:<20}  time",
        "ticket",
        "service",
        "pri",
        "clock",
        "state",
        "used",
        "deadline"
    );
    for c in &clocks {
        let deadline = c
            .view
            .deadline
            .and_then(|d| DateTime::<Utc>::from_timestamp(d, 0))
            .map(|d| d.with_timezone(&ctx.tz).format("%a %d %b %H:%M %Z").to_string())
            .unwrap_or_default();
        let state = if c.view.at_risk { "at risk" } else { c.view.state };
        let excluded = if c.excluded.is_some() { "  (excluded)" } else { "" };
        say!(
            "{:<14} {:<18} {:<3} {:<10} {:<9} {:>5.0}%  {:<20}  {}{excluded}",
            clip(&inert(&c.reference), 14),
            clip(&inert(&c.service), 18),
            c.priority.label(),
            c.kind.as_str(),
            state,
            c.view.percent_used,
            deadline,
            c.view.countdown
        );
    }
    Ok(())
}

/// `sdm clocks --json`: written a service at a time as its clocks are worked out (services by
/// name, each one's most urgent first), so the first ones come at once and memory holds one
/// service's tickets, whatever the size of the file.
fn json_clocks(
    ctx: &Ctx,
    store: &crate::store::Store,
    engine: &Engine,
    now: i64,
    service_id: Option<&str>,
) -> Result<()> {
    // One read transaction for the whole stream: one consistent view of the file however
    // slowly the reader takes it.
    let tx = store
        .conn()
        .unchecked_transaction()
        .map_err(crate::store::StoreError::from)?;
    let mut started = false;
    engine.open_and_recent_by_service(
        store.conn(),
        now,
        ctx.settings.clocks_recent_days,
        service_id,
        |clocks| {
            let mut text = String::new();
            for c in &clocks {
                let item = ClockJson {
                    reference: c.reference.clone(),
                    service: c.service.clone(),
                    priority: c.priority.label().to_string(),
                    clock: c.kind,
                    state: c.view.state.to_string(),
                    at_risk: c.view.at_risk,
                    percent_used: (c.view.percent_used * 10.0).round() / 10.0,
                    elapsed_seconds: c.view.elapsed,
                    target_seconds: c.view.target,
                    deadline: c.view.deadline.map(rfc),
                    remaining_seconds: c.view.remaining,
                    countdown: c.view.countdown.clone(),
                    calendar: c.calendar.clone(),
                    excluded: c.excluded.clone(),
                };
                // The array's items as a pretty document has them: two spaces in.
                let pretty = serde_json::to_string_pretty(&item).map_err(crate::store::StoreError::from)?;
                text.push_str(if started { ",\n" } else { "[\n" });
                started = true;
                for (i, line) in pretty.lines().enumerate() {
                    if i > 0 {
                        text.push('\n');
                    }
                    text.push_str("  ");
                    text.push_str(line);
                }
            }
            super::out::stdout_text(&crate::domain::text::json_for_terminal(text));
            Ok(())
        },
    )?;
    super::out::stdout_line(if started { "\n]" } else { "[]" });
    // Nothing but the rules' cache is written; if it cannot be kept now, it is worked out again.
    let _ = tx.commit();
    Ok(())
}

/// `sdm clocks --disagree`: where the tool's verdict and sdm's clock differ, so the SDM can
/// show a customer why the contract's figure is not the tool's.
fn disagree(
    store: &crate::store::Store,
    engine: &Engine,
    now: i64,
    service_id: Option<&str>,
    json: bool,
) -> Result<()> {
    let mut list = engine.disagreements(store.conn(), now, None)?;
    if let Some(id) = service_id {
        let name = engine.service_name(id).to_string();
        list.retain(|d| d.service == name);
    }
    if json {
        super::out::say_json(&list)?;
        return Ok(());
    }
    if list.is_empty() {
        say!("no clock on which the tool's verdict and sdm's differ");
        return Ok(());
    }
    say!(
        "{:<14} {:<18} {:<10} {:<9} {:<9} {:>6}",
        "ticket",
        "service",
        "clock",
        "tool",
        "sdm",
        "used"
    );
    for d in &list {
        say!(
            "{:<14} {:<18} {:<10} {:<9} {:<9} {:>5.0}%",
            clip(&inert(&d.reference), 14),
            clip(&inert(&d.service), 18),
            d.clock.as_str(),
            d.tool.as_str(),
            d.sdm,
            d.percent_used
        );
    }
    say!(
        "{} clock(s) differ; sdm clocks --explain REF shows how sdm counted one",
        list.len()
    );
    Ok(())
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn explain(ctx: &Ctx, store: &crate::store::Store, engine: &Engine, reference: &str, now: i64) -> Result<()> {
    let facts = facts_of(store.conn(), reference)?;
    let Some(t) = facts.as_ref() else {
        return Err(UserError::new(format!("no ticket with reference \"{}\"", reference.trim())).into());
    };
    let clocks = engine.clocks(t, now);
    // Clocks a fact is missing for: said, never run.
    for kind in [ClockKind::Response, ClockKind::Resolution] {
        if engine.target(&t.service_id, kind, t.priority, t.opened_at).is_some()
            && t.state != crate::domain::enums::TicketState::Cancelled
            && !crate::engine::clocks::is_measured(t, kind)
        {
            say!(
                "{} {} {} clock: not measured — {}",
                inert(&t.reference),
                t.priority.label(),
                kind.as_str(),
                match kind {
                    ClockKind::Response if !t.response_measured => "the ticket's source gives no response times",
                    ClockKind::Response => "it is resolved or closed with neither a response nor a resolution time",
                    ClockKind::Resolution => "it is resolved or closed without a resolution time",
                }
            );
        }
    }
    let pauses = crate::app::corrections::numbered_pauses(&t.imported_pauses, &t.hand_pauses, &t.ignored_pauses);
    if !pauses.is_empty() {
        say!("pauses (sdm ticket {} --unpause N removes one):", inert(&t.reference));
        for (n, p, whose) in &pauses {
            let at = |x: i64| {
                DateTime::<Utc>::from_timestamp(x, 0)
                    .map(|d| d.with_timezone(&ctx.tz).format("%a %d %b %Y %H:%M").to_string())
                    .unwrap_or_default()
            };
            say!(
                "  {n}. {} → {} ({whose}) [{}]",
                at(p.start),
                p.end.map_or("still paused".to_string(), at),
                ctx.tz.name()
            );
        }
    }
    if let Some(w) = t.waiting_secs.filter(|w| *w > 0) {
        say!(
            "waiting {} as exported, not placed in time: taken off the clocks' working time",
            format_duration(w)
        );
    }
    let has_target = [ClockKind::Response, ClockKind::Resolution]
        .iter()
        .any(|k| engine.target(&t.service_id, *k, t.priority, t.opened_at).is_some());
    if clocks.is_empty() && has_target && t.state != crate::domain::enums::TicketState::Cancelled {
        // Every clock it has a target for is not measured (said above).
        return Ok(());
    }
    if clocks.is_empty() {
        say!(
            "{} has no SLA clocks: {}",
            inert(&t.reference),
            if t.state == crate::domain::enums::TicketState::Cancelled {
                "it is cancelled"
            } else {
                "its service has no response or resolution target for its priority"
            }
        );
        return Ok(());
    }
    for c in clocks {
        let target = engine.target(&t.service_id, c.kind, t.priority, t.opened_at);
        let (cal, _) = engine.calendar_for(&t.service_id, target);
        let stop = crate::engine::clocks::stop_of(t, c.kind);
        say!(
            "{} {} {} clock: target {} in calendar {} ({}) — {}, {:.0}% used{}",
            inert(&t.reference),
            t.priority.label(),
            c.kind.as_str(),
            format_duration(c.goal_secs),
            inert(&c.calendar),
            cal.tz().name(),
            c.view.state,
            c.view.percent_used,
            c.excluded
                .as_deref()
                .map(|r| format!(", excluded from the SLA: {}", inert(r)))
                .unwrap_or_default()
        );
        let th = Thresholds {
            warn_pct: ctx.settings.warn_percent,
            risk_pct: ctx.settings.risk_percent,
        };
        // The timeline is told in the calendar's own zone, where its working hours are.
        if let Some(note) = crate::app::detail::timeline_zone_note(cal.tz(), ctx.tz, c.view.deadline) {
            say!("{note}");
        }
        say_raw!(
            "{}",
            adapter::explain(cal, t.opened_at, stop, &t.pauses, c.goal_secs, now, cal.tz(), th)
        );
        say!();
    }
    Ok(())
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// Say what would change, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Records breaches and due reviews from the facts as of `--now`.
pub fn detect(ctx: &Ctx, args: &DetectArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Existing)?;
    let engine = Engine::load(store.conn(), &ctx.settings)?;
    let now = ctx.now.timestamp();
    let days = ctx.settings.review_due_working_days;
    let run = |w: &mut crate::store::Writer<'_>| {
        let breaches = crate::engine::detect::detect(w, &engine, now)?;
        let reviews = crate::store::reviews::ensure_reviews(w, days)?;
        Ok((breaches, reviews))
    };
    let (b, r) = if args.dry_run {
        store.rehearse(run)?
    } else {
        store.write(None, run)?
    };
    say!(
        "breaches: {} new, {} reopened, {} void; reviews: {} new, {} moved{}",
        b.created,
        b.reopened,
        b.voided,
        r.created,
        r.moved,
        if args.dry_run {
            " (dry run: nothing written)"
        } else {
            ""
        }
    );
    Ok(())
}
