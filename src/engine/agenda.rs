//! What the SLA rules add to the agenda: clocks at risk, clocks past their target that no
//! import has recorded as a breach yet, and the watermelons.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::Engine;
use super::detect::ticket_breach_id;
use crate::domain::agenda::{Agenda, BreachItem, ClockItem, FlagItem};
use crate::domain::health::Verdict;
use crate::store::Result;

fn rfc(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Adds clocks, live breaches and watermelons to an agenda built from the store.
pub fn enrich(agenda: &mut Agenda, conn: &Connection, engine: &Engine, now: i64) -> Result<()> {
    let urgent = engine.urgent(conn, now)?;
    for clock in &urgent {
        if clock.view.breached {
            let id = ticket_breach_id(&clock.ticket_id, clock.kind);
            let recorded: Option<i64> = conn
                .query_row("SELECT 1 FROM breaches WHERE id = ?1", [&id], |r| r.get(0))
                .optional()?;
            if recorded.is_some() {
                continue;
            }
            agenda.breaches.push(BreachItem {
                service: clock.service.clone(),
                reference: clock.reference.clone(),
                title: format!(
                    "{} {} target missed: {}",
                    clock.priority.label(),
                    clock.kind.as_str(),
                    clock.view.countdown
                ),
                source: "ticket".into(),
                status: "open".into(),
                breached_at: rfc(clock.view.crossed_at.unwrap_or(now)),
                customer_informed: false,
                overdue: true,
            });
        } else {
            agenda.at_risk.push(ClockItem {
                service: clock.service.clone(),
                reference: clock.reference.clone(),
                priority: clock.priority.label().to_string(),
                clock: clock.kind.as_str().to_string(),
                state: clock.view.state.to_string(),
                percent_used: (clock.view.percent_used * 10.0).round() / 10.0,
                deadline: clock.view.deadline.map(rfc),
                remaining: clock.view.countdown.clone(),
                overdue: false,
            });
        }
    }
    for h in engine.health_given(conn, now, None, &urgent)? {
        if h.health.verdict == Verdict::Watermelon {
            agenda.watermelons.push(FlagItem {
                service: h.service.clone(),
                name: "watermelon".into(),
                reason: h.health.reason.clone(),
                overdue: false,
            });
        }
    }
    agenda.summary = agenda.summarise();
    Ok(())
}
