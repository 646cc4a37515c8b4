//! What the SLA rules add to the agenda: clocks at risk, clocks past their target that no
//! import has recorded as a breach yet, and the watermelons.

use super::{FastMap, FastSet};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use rusqlite::Connection;

use super::clocks::TicketClock;
use super::detect::ticket_breach_id;
use super::{ClockKind, Engine};
use crate::domain::agenda::{Agenda, BreachItem, ClockItem, FlagItem};
use crate::domain::health::Verdict;
use crate::store::Result;
use crate::store::rule_cache::{self, Pending};

fn rfc(t: i64) -> String {
    DateTime::<Utc>::from_timestamp(t, 0)
        .map(|u| u.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The clocks past their target that are already recorded as a breach, by ticket id and kind
/// (borrowed from the clocks asked about).
#[derive(Debug, Default)]
pub struct Recorded<'c>(FastSet<(&'c str, ClockKind)>);

/// Which of these clocks past their target are already recorded as a breach (whatever its
/// status: one closed while its ticket stays open is still recorded). The command line's agenda
/// and the interface both decide this here.
pub fn recorded_breaches<'c>(conn: &Connection, clocks: &'c [TicketClock]) -> Result<Recorded<'c>> {
    let mut pending = Pending::default();
    let recorded = recorded_keeping(conn, clocks, &mut pending)?;
    pending.flush(conn);
    Ok(recorded)
}

/// What [`recorded_breaches`] found for one service's clocks past their target, kept in the
/// rules' cache under `recorded/{service}`: (ticket, clock kind, recorded). A breach is only
/// ever inserted (above the breaches' watermark, which the stamp names) or, outside sdm,
/// removed outright (which moves the counter the stamp also names): a kept `true` stays true,
/// a kept `false` holds until a breach of its ticket is inserted (then it is looked up again).
#[derive(Debug, Default, Serialize, Deserialize)]
struct KeptRecorded {
    clocks: Vec<(String, String, bool)>,
}

/// One service's clocks past their target with their answers, and whether its kept entry
/// answered them all at the current stamp.
struct Answered<'c> {
    service_id: &'c str,
    answers: Vec<(&'c TicketClock, bool)>,
    unchanged: bool,
}

/// [`recorded_breaches`], what it looked up left in `pending` to keep.
fn recorded_keeping<'c>(conn: &Connection, clocks: &'c [TicketClock], pending: &mut Pending) -> Result<Recorded<'c>> {
    let mut grouped: FastMap<&str, Vec<&TicketClock>> = FastMap::default();
    for c in clocks.iter().filter(|c| c.view.breached) {
        grouped.entry(c.service_id.as_str()).or_default().push(c);
    }
    // In the order of the services' ids: the entries are kept in one order whatever the hasher.
    let mut by_service: Vec<(&str, Vec<&TicketClock>)> = grouped.into_iter().collect();
    by_service.sort_unstable_by_key(|(service, _)| *service);
    let mut recorded = Recorded::default();
    if by_service.is_empty() {
        return Ok(recorded);
    }
    // The counter a row removed outright moves.
    let removed_counter = || rule_cache::removed_outright(conn);
    let removed = removed_counter()?;
    let mark = crate::store::bulk::last_rowid(conn, "breaches")?;
    let prefix = format!("v1/r{removed}/b");
    let stamp = format!("{prefix}{mark}");
    // The tickets of the breaches inserted above a watermark: (read above, ticket ids).
    let mut inserted: Option<(i64, FastSet<String>)> = None;
    let mut ask: Vec<&TicketClock> = Vec::new();
    let mut answered: Vec<Answered> = Vec::new();
    for (service_id, candidates) in &by_service {
        let key = format!("recorded/{service_id}");
        let mut found_stamp = None;
        let kept = rule_cache::entry(conn, &key).and_then(|(found, value)| {
            let found_mark: i64 = found.strip_prefix(&prefix)?.parse().ok()?;
            if found_mark > mark || mark - found_mark > rule_cache::INSERTED_LOOKED_THROUGH {
                return None;
            }
            found_stamp = Some(found);
            Some((found_mark, serde_json::from_str::<KeptRecorded>(&value).ok()?))
        });
        let mut known: FastMap<(&str, &str), bool> = FastMap::default();
        let mut since = None;
        if let Some((found_mark, kept)) = &kept {
            for (ticket, kind, yes) in &kept.clocks {
                known.insert((ticket.as_str(), kind.as_str()), *yes);
            }
            if inserted.as_ref().is_none_or(|(above, _)| above > found_mark) {
                let tickets = conn
                    .prepare_cached("SELECT ticket_id FROM breaches WHERE rowid > ?1 AND ticket_id IS NOT NULL")?
                    .query_map([found_mark], |r| r.get::<_, String>(0))?
                    .collect::<rusqlite::Result<FastSet<String>>>()?;
                inserted = Some((*found_mark, tickets));
            }
            since = inserted.as_ref().map(|(_, tickets)| tickets);
        }
        let mut answers = Vec::new();
        let mut complete = true;
        for c in candidates {
            let yes = known.get(&(c.ticket_id.as_str(), c.kind.as_str())).copied();
            match yes {
                Some(true) => answers.push((*c, true)),
                Some(false) if since.is_some_and(|t| !t.contains(&c.ticket_id)) => answers.push((*c, false)),
                _ => {
                    complete = false;
                    ask.push(c);
                }
            }
        }
        // Nothing to write when the entry answered every clock at this very watermark (it may
        // hold more, each answer valid at its stamp); else this pass's answers are kept anew,
        // not restamped (the entry may hold answers for clocks this pass did not check).
        let unchanged = complete && found_stamp.as_deref() == Some(stamp.as_str());
        answered.push(Answered {
            service_id,
            answers,
            unchanged,
        });
    }
    // The clocks not answered above, looked up in one query (in the order of the index).
    if !ask.is_empty() {
        let asked: FastMap<String, &TicketClock> = ask
            .iter()
            .map(|c| (ticket_breach_id(&c.ticket_id, c.kind), *c))
            .collect();
        let mut ids: Vec<&String> = asked.keys().collect();
        ids.sort_unstable();
        let list = serde_json::to_string(&ids).unwrap_or_default();
        let found: FastSet<String> = conn
            .prepare_cached("SELECT id FROM breaches WHERE id IN (SELECT value FROM json_each(?1))")?
            .query_map([list], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut looked_up: FastMap<&str, Vec<(&TicketClock, bool)>> = FastMap::default();
        for (id, c) in &asked {
            looked_up
                .entry(c.service_id.as_str())
                .or_default()
                .push((*c, found.contains(id)));
        }
        for a in &mut answered {
            a.answers.extend(looked_up.remove(a.service_id).unwrap_or_default());
        }
    }
    // Read outside a transaction (the interface), a row removed meanwhile could have let an
    // insert take a rowid below the watermark read: nothing is kept from such a pass.
    let removed_after = removed_counter()?;
    for Answered {
        service_id,
        answers,
        unchanged,
    } in answered
    {
        for (c, yes) in &answers {
            if *yes {
                recorded.0.insert((c.ticket_id.as_str(), c.kind));
            }
        }
        if unchanged || removed_after != removed {
            continue;
        }
        let kept = KeptRecorded {
            clocks: answers
                .iter()
                .map(|(c, yes)| (c.ticket_id.clone(), c.kind.as_str().to_string(), *yes))
                .collect(),
        };
        pending.put(format!("recorded/{service_id}"), stamp.clone(), 0, None, &kept);
    }
    Ok(recorded)
}

/// Whether a clock past its target is one [`recorded_breaches`] found.
pub fn is_recorded(recorded: &Recorded, clock: &TicketClock) -> bool {
    clock.view.breached && recorded.0.contains(&(clock.ticket_id.as_str(), clock.kind))
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
