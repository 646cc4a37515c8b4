//! `sdm agenda`: what needs attention now.

use clap::Args;
use color_eyre::Result;

use super::Context;
use crate::domain::agenda::{Agenda, DueItem};
use crate::domain::text::inert;
use crate::store::OpenMode;

#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// Print the agenda as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Context, args: &AgendaArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let mut agenda = store.agenda(
        ctx.now,
        ctx.tz,
        ctx.settings.due_horizon_days,
        ctx.settings.stale_import_hours,
    )?;
    let engine = crate::engine::Engine::load(store.conn(), &ctx.settings)?;
    crate::engine::agenda::enrich(&mut agenda, store.conn(), &engine, ctx.now.timestamp())?;
    if args.json {
        say!("{}", serde_json::to_string_pretty(&agenda)?);
    } else {
        say_raw!("{}", render_text(ctx, &agenda));
    }
    Ok(())
}

/// The agenda as plain text, every value from the data made inert.
pub fn render_text(ctx: &Context, agenda: &Agenda) -> String {
    let mut out = String::new();
    let now = ctx.now.with_timezone(&ctx.tz).format("%a %d %b %Y %H:%M %Z");
    out.push_str(&format!("Agenda as of {now}\n{}\n", agenda.summary));
    if !agenda.breaches.is_empty() {
        out.push_str("\nOpen breaches\n");
        for b in &agenda.breaches {
            let told = if b.customer_informed {
                ""
            } else {
                "  [customer not told]"
            };
            let reference = if b.reference == b.title {
                String::new()
            } else {
                format!("{}  ", inert(&b.reference))
            };
            out.push_str(&format!(
                "  {}  {reference}{} ({}, {}){told}\n",
                inert(&b.service),
                inert(&b.title),
                b.source,
                b.status
            ));
        }
    }
    if !agenda.at_risk.is_empty() {
        out.push_str("\nClocks at risk\n");
        for c in &agenda.at_risk {
            out.push_str(&format!(
                "  {}  {} {} {}: {} ({:.0}% used)\n",
                inert(&c.service),
                c.priority,
                inert(&c.reference),
                c.clock,
                c.remaining,
                c.percent_used
            ));
        }
    }
    section(&mut out, "Touch points due", &agenda.touch_points_due);
    section(&mut out, "Actions due", &agenda.actions_due);
    section(&mut out, "Reviews due", &agenda.reviews_due);
    section(&mut out, "Agreements due", &agenda.agreements_due);
    for (title, flags) in [
        ("Watermelons", &agenda.watermelons),
        ("Needs problem management", &agenda.problem_flags),
    ] {
        if !flags.is_empty() {
            out.push_str(&format!("\n{title}\n"));
            for f in flags {
                out.push_str(&format!("  {}  {}\n", inert(&f.service), inert(&f.reason)));
            }
        }
    }
    if agenda.freshness.is_empty() {
        out.push_str("\nNo data imported yet.\n");
    } else {
        out.push('\n');
        for f in &agenda.freshness {
            let age = if f.age_hours < 48 {
                format!("{} hours", f.age_hours)
            } else {
                format!("{} days", f.age_hours / 24)
            };
            let warn = if f.stale { "  (stale)" } else { "" };
            out.push_str(&format!("{} last imported {age} ago{warn}\n", f.kind));
        }
    }
    out
}

fn section(out: &mut String, title: &str, items: &[DueItem]) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("\n{title}\n"));
    for item in items {
        let mark = if item.overdue { "!" } else { " " };
        let service = item
            .service
            .as_deref()
            .map(|s| format!("{}  ", inert(s)))
            .unwrap_or_default();
        out.push_str(&format!(
            "{mark} {}  {service}{}  {}\n",
            item.due,
            inert(&item.name),
            inert(&item.detail)
        ));
    }
}
