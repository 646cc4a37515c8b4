//! `sdm costs`: a month's charge, cost, credits and margin per service and customer.

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::domain::costs::Total;
use crate::domain::credits::money;
use crate::domain::text::inert;
use crate::store::OpenMode;

#[derive(Debug, Args)]
pub struct CostsArgs {
    /// The month, YYYY-MM [default: the last complete month]
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    /// Print them as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &CostsArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let costs = crate::app::costs::month(&store, ctx, args.month.as_deref().unwrap_or(""))?;
    if args.json {
        super::out::say_json(&costs)?;
        return Ok(());
    }
    let so_far = if costs.finished { "" } else { " (so far)" };
    say!("Costs {}{so_far}", costs.month);
    let amount = |v: Option<f64>, currency: &str| v.map_or_else(|| "—".to_string(), |v| money(v, currency, 0));
    say!(
        "{:<28} {:>13} {:>13} {:>13} {:>13}",
        "Customer / service",
        "Charge",
        "Cost",
        "Credits",
        "Margin"
    );
    for c in &costs.customers {
        say!(
            "{}",
            inert(if c.customer.is_empty() {
                "(no customer)"
            } else {
                &c.customer
            })
        );
        for r in costs.services.iter().filter(|r| r.customer == c.customer) {
            let tier = r.tier.as_ref().map(|t| format!("  tier {t}")).unwrap_or_default();
            say!(
                "  {:<26} {:>13} {:>13} {:>13} {:>13}{tier}",
                inert(&r.service),
                amount(r.charge, &r.currency),
                amount(r.cost, &r.currency),
                money(r.credits, &r.currency, 0),
                amount(r.margin, &r.currency),
            );
        }
        for t in &c.totals {
            total_line(&format!("  total {}", t.currency), t);
        }
    }
    for t in &costs.totals {
        total_line(&format!("All services, {}", t.currency), t);
    }
    let per: Vec<String> = costs
        .services
        .iter()
        .filter_map(|r| {
            let ticket = r.cost_per_resolved_ticket.map(|c| {
                format!(
                    "{} per resolved ticket ({})",
                    money(c, &r.currency, 0),
                    r.resolved_tickets
                )
            });
            let point = r
                .cost_per_availability_point
                .map(|c| format!("{} per availability point", money(c, &r.currency, 0)));
            let parts: Vec<String> = ticket.into_iter().chain(point).collect();
            (!parts.is_empty()).then(|| format!("  {}: {}", inert(&r.service), parts.join(", ")))
        })
        .collect();
    if !per.is_empty() {
        say!("\nPer unit");
        for line in per {
            say!("{line}");
        }
    }
    Ok(())
}

fn total_line(label: &str, t: &Total) {
    let m = |v: f64| money(v, &t.currency, 0);
    let or_none = |n: usize, v: f64| if n == 0 { "—".to_string() } else { m(v) };
    // Sums over some of the services only say so: a partial sum is not the total.
    let n = t.services;
    let partial =
        if (t.charged > 0 && t.charged < n) || (t.costed > 0 && t.costed < n) || (t.priced > 0 && t.priced < n) {
            format!("  of {n}: charge {}, cost {}, margin {}", t.charged, t.costed, t.priced)
        } else {
            String::new()
        };
    say!(
        "{:<28} {:>13} {:>13} {:>13} {:>13}{partial}",
        inert(label),
        or_none(t.charged, t.charge),
        or_none(t.costed, t.cost),
        m(t.credits),
        or_none(t.priced, t.margin)
    );
}
