//! What the SLA rules add to the agenda: clocks at risk, clocks past their target that no
//! import has recorded as a breach yet, and the watermelons.

use chrono::{DateTime, SecondsFormat, Utc};
use std::collections::HashMap;

use rusqlite::Connection;

use super::clocks::TicketClock;
use super::detect::ticket_breach_id;
use super::{ClockKind, Engine};
use crate::domain::agenda::{Agenda, BreachItem, ClockItem, FlagItem};
use crate::domain::health::Verdict;
use crate::store::Result;

fn rfc(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The clocks past their target that are already recorded as a breach, by ticket id and kind.
#[derive(Debug, Default)]
pub struct Recorded(HashMap<String, Vec<ClockKind>>);

/// Which of these clocks past their target are already recorded as a breach (whatever its
/// status: one closed while its ticket stays open is still recorded), by the breach's id, in
/// one query. The command line's agenda and the interface both decide this here.
pub fn recorded_breaches(conn: &Connection, clocks: &[TicketClock]) -> Result<Recorded> {
    // Each candidate's breach id, worked out once.
    let candidates: HashMap<String, &TicketClock> = clocks
        .iter()
        .filter(|c| c.view.breached)
        .map(|c| (ticket_breach_id(&c.ticket_id, c.kind), c))
        .collect();
    let mut recorded = Recorded::default();
    if candidates.is_empty() {
        return Ok(recorded);
    }
    // Looked up in the order of the index, each step next to the one before.
    let mut ids: Vec<&String> = candidates.keys().collect();
    ids.sort_unstable();
    let list = serde_json::to_string(&ids).unwrap_or_default();
    let found: Vec<String> = conn
        .prepare_cached("SELECT id FROM breaches WHERE id IN (SELECT value FROM json_each(?1))")?
        .query_map([list], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in found {
        if let Some(clock) = candidates.get(&id) {
            recorded.0.entry(clock.ticket_id.clone()).or_default().push(clock.kind);
        }
    }
    Ok(recorded)
}

/// Whether a clock past its target is one [`recorded_breaches`] found.
pub fn is_recorded(recorded: &Recorded, clock: &TicketClock) -> bool {
    clock.view.breached
        && recorded
            .0
            .get(clock.ticket_id.as_str())
            .is_some_and(|kinds| kinds.contains(&clock.kind))
}

/// Adds clocks, live breaches and watermelons to an agenda built from the store.
pub fn enrich(agenda: &mut Agenda, conn: &Connection, engine: &Engine, now: i64) -> Result<()> {
    let urgent = engine.urgent(conn, now)?;
    let health = engine.health_given(conn, now, None, &urgent)?;
    enrich_given(agenda, conn, now, &urgent, &health)
}

/// As [`enrich`], from the clocks and health already worked out (the interface's full load).
pub fn enrich_given(
    agenda: &mut Agenda,
    conn: &Connection,
    now: i64,
    urgent: &[TicketClock],
    health: &[super::health::ServiceHealth],
) -> Result<()> {
    rule_items(conn, now, urgent, health)?.add_to(agenda);
    Ok(())
}

/// What the rules add to an agenda, worked out before (or while) its listing is read.
#[derive(Debug, Default)]
pub struct RuleItems {
    breaches: Vec<BreachItem>,
    at_risk: Vec<ClockItem>,
    watermelons: Vec<FlagItem>,
    credits: Vec<crate::domain::agenda::CreditItem>,
}

impl RuleItems {
    /// Adds the items after the agenda's own, and counts them all.
    pub fn add_to(self, agenda: &mut Agenda) {
        agenda.breaches.extend(self.breaches);
        agenda.at_risk.extend(self.at_risk);
        agenda.watermelons.extend(self.watermelons);
        agenda.credits.extend(self.credits);
        agenda.finish();
    }
}

/// The clocks at risk, the clocks past their target that no breach records yet, the
/// watermelons and the credits due, from the clocks and health already worked out.
pub fn rule_items(
    conn: &Connection,
    now: i64,
    urgent: &[TicketClock],
    health: &[super::health::ServiceHealth],
) -> Result<RuleItems> {
    let mut items = RuleItems::default();
    let recorded = recorded_breaches(conn, urgent)?;
    for clock in urgent {
        if clock.view.breached {
            if is_recorded(&recorded, clock) {
                continue;
            }
            items.breaches.push(BreachItem {
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
            items.at_risk.push(ClockItem {
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
    for h in health {
        if h.health.verdict == Verdict::Watermelon {
            items.watermelons.push(FlagItem {
                service: h.service.clone(),
                name: "watermelon".into(),
                reason: h.health.reason.clone(),
                overdue: false,
            });
        }
    }
    for h in health {
        if let Some(c) = &h.credit {
            items.credits.push(c.item(&h.service));
        }
    }
    Ok(items)
}
