//! `sdm agenda`: what needs attention now.

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::domain::agenda::{Agenda, DueItem};
use crate::domain::text::inert;
use crate::store::OpenMode;

#[derive(Debug, Args)]
pub struct AgendaArgs {
    /// Print the agenda as JSON (every item of every list)
    #[arg(long)]
    pub json: bool,
    /// List every item; by default each list shows its first ten and counts the rest
    #[arg(long)]
    pub all: bool,
}

/// Items listed per list in the text agenda (a login message must stay readable).
pub const LISTED: usize = 10;

pub fn run(ctx: &Ctx, args: &AgendaArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let limit = (!args.json && !args.all).then_some(LISTED);
    let agenda = crate::app::agenda::build(&store, ctx, limit)?;
    if args.json {
        super::out::say_json(&agenda)?;
    } else {
        say_raw!("{}", render_text(ctx, &agenda, limit));
    }
    // The command ends here: the agenda's strings (some 150,000 for a million tickets, listed
    // in full) are left to the process's end rather than freed one by one (4 ms of 100).
    std::mem::forget(agenda);
    Ok(())
}

/// The agenda as plain text, every value from the data made inert.
pub fn render_text(ctx: &Ctx, agenda: &Agenda, limit: Option<usize>) -> String {
    let shown = limit.unwrap_or(usize::MAX);
    let mut out = String::new();
    let now = ctx.now.with_timezone(&ctx.tz).format("%a %d %b %Y %H:%M %Z");
    out.push_str(&format!("Agenda as of {now}\n{}\n", agenda.summary));
    if !agenda.breaches.is_empty() {
        out.push_str("\nOpen breaches\n");
        for b in agenda.breaches.iter().take(shown) {
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
        more(
            &mut out,
            agenda.breaches.len().saturating_sub(shown) + agenda.left_out.breaches,
        );
    }
    if !agenda.at_risk.is_empty() {
        out.push_str("\nClocks at risk\n");
        for c in agenda.at_risk.iter().take(shown) {
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
        more(&mut out, agenda.at_risk.len().saturating_sub(shown));
    }
    section(&mut out, "Touch points due", &agenda.touch_points_due, shown, 0);
    section(
        &mut out,
        "Actions due",
        &agenda.actions_due,
        shown,
        agenda.left_out.actions,
    );
    section(
        &mut out,
        "Reviews due",
        &agenda.reviews_due,
        shown,
        agenda.left_out.reviews,
    );
    section(&mut out, "Agreements due", &agenda.agreements_due, shown, 0);
    for (title, flags) in [
        ("Watermelons", &agenda.watermelons),
        ("Needs problem management", &agenda.problem_flags),
    ] {
        if !flags.is_empty() {
            out.push_str(&format!("\n{title}\n"));
            for f in flags.iter().take(shown) {
                out.push_str(&format!("  {}  {}\n", inert(&f.service), inert(&f.reason)));
            }
            more(&mut out, flags.len().saturating_sub(shown));
        }
    }
    if !agenda.problems.is_empty() {
        out.push_str("\nProblems\n");
        for p in agenda.problems.iter().take(shown) {
            out.push_str(&format!("  {}\n", problem_line(p)));
        }
        more(&mut out, agenda.problems.len().saturating_sub(shown));
    }
    let owed: Vec<&crate::domain::agenda::CreditItem> = agenda.credits.iter().filter(|c| c.at_risk > 0.0).collect();
    if !owed.is_empty() {
        out.push_str("\nService credits this month\n");
        for c in owed.iter().take(shown) {
            out.push_str(&format!("  {}  {}\n", inert(&c.service), inert(&c.explanation)));
        }
        more(&mut out, owed.len().saturating_sub(shown));
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

/// The line that says how many items a list did not show.
fn more(out: &mut String, n: usize) {
    if n > 0 {
        out.push_str(&format!("  … and {n} more (sdm agenda --all lists them)\n"));
    }
}

fn section(out: &mut String, title: &str, items: &[DueItem], shown: usize, left_out: usize) {
    if items.is_empty() {
        return;
    }
    out.push_str(&format!("\n{title}\n"));
    for item in items.iter().take(shown) {
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
    more(out, items.len().saturating_sub(shown) + left_out);
}

/// A problem on one line: "Payroll  PRB0040100 Changes fail … — known error, due 2026-12-24,
/// owner Sam (SDM)" with what is late said at its end.
pub fn problem_line(p: &crate::domain::problem::ProblemItem) -> String {
    let mut line = format!(
        "{}  {} — {}",
        inert(&p.services.join(", ")),
        inert(&p.name()),
        p.status.label()
    );
    if let Some(due) = &p.due {
        line.push_str(&format!(", due {due}"));
    }
    if !p.owner.is_empty() {
        line.push_str(&format!(", owner {}", inert(&p.owner)));
    }
    if p.overdue {
        line.push_str("  [overdue]");
    }
    if p.waiting_for_root_cause {
        line.push_str(&format!("  [no root cause for {} days]", p.age_days));
    }
    line
}
