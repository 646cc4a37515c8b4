//! Synthetic data sets of about N tickets, everything else in proportion, for benchmarks:
//! deterministic for a seed and `now`, written in one transaction with a fast path for the
//! tickets. Tickets are open while their resolution lies ahead of `now` (a live queue), about one
//! in twenty misses its targets.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use rusqlite::params;
use uuid::Uuid;

use super::DemoSummary;
use super::rng::Rng;
use crate::domain::enums::*;
use crate::domain::ids::{natural_id, natural_uuid};
use crate::domain::model::*;
use crate::store::{Result, Store, builtin_calendar_id, queries};

const SUMMARIES: &str = include_str!("../../assets/demo/summaries.txt");

/// The shape of a synthetic queue: how many of its tickets are still open, and how many missed
/// a target (shares from 0 to 1). The default is a calm queue: the open ones are those whose
/// resolution lies ahead (about 0.35%), one in twenty late.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub open: Option<f64>,
    pub breached: f64,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            open: None,
            breached: 0.05,
        }
    }
}

/// Tickets sorted in chunks of at most this many (20 bytes each while sorting).
const ID_ORDER_CHUNK: u64 = 1_000_000;

/// The reference of synthetic ticket `n`.
fn ticket_reference(n: u64) -> String {
    format!("INC{:09}", 1_000_000 + n)
}

/// Ticket numbers `0..tickets` with their ids, in the order of the ids within each chunk of
/// `chunk` numbers.
fn in_id_order(tickets: u64, chunk: u64) -> impl Iterator<Item = (Uuid, u64)> {
    (0..tickets).step_by(chunk.max(1) as usize).flat_map(move |first| {
        let last = tickets.min(first + chunk.max(1));
        let mut chunk: Vec<(Uuid, u32)> = (first..last)
            .map(|n| (natural_uuid("ticket", &ticket_reference(n)), (n - first) as u32))
            .collect();
        chunk.sort_unstable();
        chunk.into_iter().map(move |(id, k)| (id, first + u64::from(k)))
    })
}

pub fn write(store: &mut Store, now: DateTime<Utc>, tickets: u64, seed: u64) -> Result<DemoSummary> {
    write_shaped(store, now, tickets, seed, Shape::default())
}

/// [`write`] with a queue shaped like a real one: `shape.open` of the tickets still open
/// (opened in the last days, running), `shape.breached` of them late.
pub fn write_shaped(
    store: &mut Store,
    now: DateTime<Utc>,
    tickets: u64,
    seed: u64,
    shape: Shape,
) -> Result<DemoSummary> {
    let now_s = now.timestamp();
    let today = now.date_naive();
    let mut rng = Rng::new(seed);
    let n_services = (tickets / 5_000).clamp(5, 500) as usize;
    let n_stakeholders = n_services * 3 / 2;
    let summaries: Vec<&str> = super::portfolio::summaries_by_service(SUMMARIES)
        .into_values()
        .flatten()
        .collect();
    let span = 730 * 86_400i64;
    let mut summary = DemoSummary::default();
    store.write(None, |w| {
        let office = natural_id("calendar", "Office");
        let mut hours = BTreeMap::new();
        for d in ["mon", "tue", "wed", "thu", "fri"] {
            hours.insert(d.to_string(), vec!["08:00-18:00".to_string()]);
        }
        w.save(&CalendarRecord {
            id: office.clone(),
            name: "Office".into(),
            timezone: "Europe/Amsterdam".into(),
            hours,
            holidays: vec![],
        })?;
        let mut service_ids = Vec::with_capacity(n_services);
        for i in 0..n_services {
            let name = format!("Service {i:03}");
            let id = natural_id("service", &name);
            w.save(&Service {
                id: id.clone(),
                name: name.clone(),
                aliases: vec![format!("SVC-{i:03}")],
                customer: format!("Customer {}", i % 7),
                agreement_kind: if i % 3 == 0 { AgreementKind::Dou } else { AgreementKind::Contract },
                agreement_ref: format!("C-{i:04}"),
                agreement_start: Some(today - Duration::days(400)),
                agreement_end: Some(today + Duration::days(300 + i as i64)),
                notice_days: Some(90),
                agreement_review: Some(today + Duration::days((i as i64 * 7) % 120 - 10)),
                criticality: Criticality::Medium,
                window_calendar_id: Some(if i % 2 == 0 { office.clone() } else { builtin_calendar_id() }),
                status: ServiceStatus::Active,
                monthly_cost: Some(1000.0 + i as f64),
                description: String::new(),
                currency: None,
                charge: None,
                credits: None,
                money_history: Vec::new(),
            })?;
            for (p, resp, res) in [(Priority::P1, 900, 4 * 3600), (Priority::P2, 1800, 8 * 3600), (Priority::P3, 7200, 16 * 3600), (Priority::P4, 28_800, 40 * 3600)] {
                for (kind, goal) in [(TargetKind::Response, resp), (TargetKind::Resolution, res)] {
                    w.save(&SlaTarget {
                        id: natural_id("target", &format!("{id}/{kind}/{p}")),
                        service_id: id.clone(),
                        kind,
                        priority: Some(p),
                        goal: goal as f64,
                        calendar_id: None,
                        valid_from: None,
                        note: String::new(),
                    })?;
                }
            }
            w.save(&SlaTarget {
                id: natural_id("target", &format!("{id}/availability/-")),
                service_id: id.clone(),
                kind: TargetKind::Availability,
                priority: None,
                goal: 99.5,
                calendar_id: None,
                valid_from: None,
                note: String::new(),
            })?;
            service_ids.push(id);
        }

        // Tickets: the fast path, every bookkeeping column as the writer fills it.
        let hlc = w.hlc().to_string();
        let stamps = format!("{{\"*\":\"{hlc}\"}}");
        let millis = hlc.split('-').next().and_then(|m| m.parse::<i64>().ok()).unwrap_or(0);
        // Written in the order of their ids (within each million), with every other index
        // set aside and built once at the end: each row then lands at the end of the id index
        // (or, past the first million, next to the row before it) instead of on a random
        // page. The references are unique by construction; rebuilding their unique index
        // checks it.
        let aside = w.set_aside_all_indexes("tickets", usize::try_from(tickets).unwrap_or(usize::MAX))?;
        {
            let mut stmt = w.conn().prepare(
                "INSERT INTO tickets (id, created_at, updated_at, hlc, field_hlc, deleted, reference, service_id, kind, \
                 priority, state, opened_at, responded_at, resolved_at, pauses, summary, critical, excluded_reason) \
                 VALUES (?1, ?2, ?2, ?3, ?4, 0, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 0, NULL)",
            )?;
            for (id, n) in in_id_order(tickets, ID_ORDER_CHUNK) {
                let reference = ticket_reference(n);
                // Each ticket draws from its own stream, so the order they are written in does
                // not change them.
                let mut rng = Rng::for_item(seed, n);
                let service = &service_ids[(rng.next_u64() % service_ids.len() as u64) as usize];
                let r = rng.unit();
                let priority = if r < 0.03 { "p1" } else if r < 0.15 { "p2" } else if r < 0.6 { "p3" } else { "p4" };
                // Mostly well within the targets (wall time never undercounts working time);
                // about one in twenty late.
                let (resp_goal, res_goal) = match priority {
                    "p1" => (900, 4 * 3600),
                    "p2" => (1800, 8 * 3600),
                    "p3" => (7200, 16 * 3600),
                    _ => (28_800, 40 * 3600),
                };
                let late = rng.chance(shape.breached);
                // A real queue's open share: opened in the last few resolution targets, still
                // running (the late ones past their target).
                let forced_open = shape.open.is_some_and(|p| rng.chance(p));
                // Spread over two years, newer ones denser.
                let opened = if forced_open {
                    now_s - (res_goal as f64 * if late { 1.5 + 2.0 * rng.unit() } else { 0.9 * rng.unit() }) as i64 - 600
                } else {
                    now_s - (span as f64 * rng.unit().powf(1.3)) as i64 - 600
                };
                let factor = |rng: &mut Rng| if late { 1.2 + 2.0 * rng.unit() } else { 0.05 + 0.8 * rng.unit() };
                let responded = opened + (resp_goal as f64 * factor(&mut rng)) as i64;
                let resolved = opened + (res_goal as f64 * factor(&mut rng)) as i64;
                let resolved = resolved.max(responded + 60);
                // A ticket is open while its resolution lies ahead: the open ones are a live
                // queue (recent, mostly within their targets), not a share of the history.
                let cancelled = !forced_open && rng.chance(0.01);
                let open = forced_open || (!cancelled && resolved > now_s);
                let (state, responded, resolved) = if open {
                    ("open", (responded < now_s).then_some(responded), None)
                } else if cancelled {
                    ("cancelled", Some(responded.min(now_s)), Some(resolved.min(now_s)))
                } else {
                    ("closed", Some(responded), Some(resolved))
                };
                let pauses = if !open && rng.chance(0.2) {
                    let start = responded.unwrap_or(opened) + 600;
                    format!("[[{start},{}]]", start + rng.range(600, 8 * 3600))
                } else {
                    "[]".to_string()
                };
                let kind = if rng.chance(0.2) { "request" } else { "incident" };
                stmt.execute(params![
                    id.to_string(),
                    millis,
                    hlc,
                    stamps,
                    reference,
                    service,
                    kind,
                    priority,
                    state,
                    opened,
                    responded,
                    resolved,
                    pauses,
                    summaries[(n as usize) % summaries.len()],
                ])?;
            }
        }
        w.rebuild_indexes(aside)?;
        summary.tickets = tickets as usize;
        summary.services = n_services;

        // Stakeholders and their touch points.
        for i in 0..n_stakeholders {
            let name = format!("Stakeholder {i:04}");
            let id = natural_id("stakeholder", &name);
            let svc = service_ids[i % service_ids.len()].clone();
            let cadence = [14, 21, 30, 60][i % 4];
            w.save(&Stakeholder {
                id: id.clone(),
                name,
                organisation: format!("Customer {}", i % 7),
                role: "Service owner".into(),
                contact: String::new(),
                channel: Channel::Call,
                cadence_days: cadence,
                notes: String::new(),
                service_ids: vec![svc.clone()],
            })?;
            let mut at = now_s - rng.range(0, 40) * 86_400;
            for k in 0..20 {
                w.save(&TouchPoint {
                    id: natural_id("synthetic-touch", &format!("{i}/{k}")),
                    stakeholder_id: id.clone(),
                    at,
                    channel: Channel::Call,
                    summary: "Regular check-in".into(),
                    sentiment: Some(rng.range(2, 6)),
                    follow_ups: String::new(),
                    service_ids: vec![svc.clone()],
                })?;
                at -= cadence * 86_400;
            }
        }
        summary.stakeholders = n_stakeholders;

        // Changes, outages and scores in proportion.
        let n_changes = (tickets / 20).max(10);
        for n in 0..n_changes {
            let reference = format!("CHG{:09}", 1_000_000 + n);
            let r = rng.unit();
            w.save(&Change {
                id: natural_id("change", &reference),
                reference,
                service_id: service_ids[(n as usize) % service_ids.len()].clone(),
                kind: if r < 0.05 { ChangeKind::Emergency } else if r < 0.5 { ChangeKind::Normal } else { ChangeKind::Standard },
                implemented_at: now_s - rng.range(3600, span),
                outcome: if rng.chance(0.9) { ChangeOutcome::Successful } else { ChangeOutcome::Failed },
                summary: "Routine change".into(),
            })?;
        }
        for svc in service_ids.iter() {
            for _ in 0..10 {
                let start = now_s - rng.range(3600, span);
                w.save(&Outage {
                    id: crate::io::keys::outage_id(svc, start),
                    service_id: svc.clone(),
                    start_at: start,
                    end_at: Some(start + rng.range(300, 3 * 3600)),
                    planned: rng.chance(0.3),
                    summary: "Outage".into(),
                    excluded_reason: None,
                    excluded_note: None,
                })?;
            }
            for back in 0..24u32 {
                let month = today.checked_sub_months(chrono::Months::new(back)).unwrap_or(today);
                let period = month.format("%Y-%m").to_string();
                w.save(&Score {
                    id: natural_id("score", &format!("{svc}/{period}")),
                    service_id: svc.clone(),
                    period,
                    score: 3.0 + rng.unit() * 2.0,
                    scale_max: 5.0,
                    responses: rng.range(5, 100),
                })?;
            }
        }
        crate::store::reviews::ensure_reviews(w, 5)?;
        // Reviews due over a fortnight ago were held, as an SDM keeping up would have.
        w.conn().execute(
            "UPDATE reviews SET held_on = due, findings = 'Held' WHERE held_on IS NULL AND due < ?1",
            [(today - Duration::days(14)).to_string()],
        )?;
        for kind in ["tickets", "outages", "changes", "scores"] {
            queries::log_import(w.conn(), kind, now_s - 3600, &format!("synthetic-{seed}-{kind}.csv"), tickets as i64)?;
        }
        Ok(())
    })?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_come_once_each_in_id_order_within_a_chunk() {
        let all: Vec<(Uuid, u64)> = in_id_order(250, 100).collect();
        let mut numbers: Vec<u64> = all.iter().map(|(_, n)| *n).collect();
        numbers.sort_unstable();
        assert_eq!(numbers, (0..250).collect::<Vec<_>>());
        for (id, n) in &all {
            assert_eq!(id.to_string(), natural_id("ticket", &ticket_reference(*n)));
        }
        for chunk in [&all[..100], &all[100..200], &all[200..]] {
            assert!(chunk.windows(2).all(|w| w[0].0.to_string() < w[1].0.to_string()));
            let first = chunk.iter().map(|(_, n)| *n).min().unwrap_or(0);
            assert!(chunk.iter().all(|(_, n)| (first..first + 100).contains(n)));
        }
    }
}
