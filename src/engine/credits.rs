//! A month's service credits, worked out from sdm's own figures under the service's credit
//! schedule (`domain::credits`): the availability tier the month falls in, the ticket targets
//! it missed by priority, and the credits typed by hand on its breaches, which stand in for
//! the computed ones.

use rusqlite::Connection;
use serde::Serialize;

use super::Engine;
use super::health::{OutageFacts, TargetMonth, load_outages};
use crate::domain::credits::{self, MonthCredit, Tier, Typed};
use crate::domain::enums::{Priority, TargetKind};
use crate::domain::model::Service;
use crate::store::Result;

/// A month's credit under a service's schedule, and what it came from.
#[derive(Debug, Clone, Serialize)]
pub struct CreditMonth {
    pub month: String,
    pub currency: String,
    pub charge: Option<f64>,
    /// The month's availability for the tiers: the share of the whole month's window not
    /// down (what it ends at if nothing more goes down); none without an availability target.
    pub availability: Option<f64>,
    /// Missed ticket targets by priority (`P1`), each a breach the schedule may credit.
    pub missed: Vec<(String, usize)>,
    #[serde(flatten)]
    pub credit: MonthCredit,
    /// The next tier and the downtime it is away, while the month runs.
    pub next_tier: Option<NextTier>,
    /// Whether the month is over (else the credit is what is at risk so far).
    pub finished: bool,
    /// Why part of the schedule could not be applied (nothing is guessed in its place).
    pub unapplied: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct NextTier {
    pub below: f64,
    pub credit: f64,
    pub minutes_left: i64,
}

impl CreditMonth {
    /// `2,000.00 EUR (availability 98.70% below 99%: 25% of 10,000.00 EUR; capped at 20%)`.
    pub fn explain(&self) -> String {
        self.explain_for(true)
    }

    /// As [`CreditMonth::explain`]; for the customer (`internal` false) without how the
    /// figure was kept (typed by hand, parts of the schedule not applied).
    pub fn explain_for(&self, internal: bool) -> String {
        let m = |v: f64| credits::money(v, &self.currency, 2);
        let c = &self.credit;
        let mut why: Vec<String> = Vec::new();
        if let Some(Tier { below, credit }) = c.tier {
            let a = self.availability.map(|a| format!("{a:.2}%")).unwrap_or_default();
            let so_far = if self.finished {
                ""
            } else {
                " if nothing more goes down"
            };
            why.push(format!(
                "availability {a}{so_far} is below {}%: {}% of {}",
                credits::number_text(below),
                credits::number_text(credit * 100.0),
                m(self.charge.unwrap_or(0.0))
            ));
        }
        let missed: Vec<String> = self
            .missed
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(p, n)| format!("{n} missed {p}"))
            .collect();
        if !missed.is_empty() && c.ticket_credit > 0.0 {
            why.push(format!("{}: {}", missed.join(", "), m(c.ticket_credit)));
        }
        if internal && c.typed_count > 0 {
            why.push(format!(
                "{} of it typed by hand on {} breach{}",
                m(c.typed),
                c.typed_count,
                if c.typed_count == 1 { "" } else { "es" }
            ));
        }
        if c.capped {
            why.push(format!("capped from {}", m(c.uncapped)));
        }
        if c.under_minimum {
            why.push(format!("{} is under the minimum: nothing due", m(c.capped_total)));
        }
        if internal {
            why.extend(self.unapplied.iter().cloned());
        }
        let head = if c.total > 0.0 { m(c.total) } else { "none".into() };
        if why.is_empty() {
            head
        } else {
            format!("{head} ({})", why.join("; "))
        }
    }

    /// As the agenda lists it.
    pub fn item(&self, service: &str) -> crate::domain::agenda::CreditItem {
        crate::domain::agenda::CreditItem {
            service: service.to_string(),
            month: self.month.clone(),
            currency: self.currency.clone(),
            at_risk: (self.credit.total * 100.0).round() / 100.0,
            tier: self.credit.tier.map(|t| t.text()),
            availability: self.availability.map(|a| (a * 1000.0).round() / 1000.0),
            next_tier: self
                .next_tier
                .map(|n| format!("below {}%", credits::number_text(n.below))),
            downtime_left_minutes: self.next_tier.map(|n| n.minutes_left),
            typed_by_hand: self.credit.typed_count,
            explanation: self.explain(),
        }
    }

    /// `22m to the 99% tier (25%)`, while the month runs.
    pub fn next_tier_text(&self) -> Option<String> {
        let n = self.next_tier?;
        Some(format!(
            "{} of downtime left before the {}% tier ({}%)",
            crate::domain::parse::format_duration(n.minutes_left * 60),
            credits::number_text(n.below),
            credits::number_text(n.credit * 100.0)
        ))
    }
}

impl Engine {
    /// The credit of a service's month, `None` when its agreement has no credit schedule.
    pub fn month_credit(
        &self,
        conn: &Connection,
        service_id: &str,
        year: i32,
        month: u32,
        now: i64,
    ) -> Result<Option<CreditMonth>> {
        let Some(service) = self.services.get(service_id) else {
            return Ok(None);
        };
        if service.credits.is_none() {
            return Ok(None);
        }
        let figures = self.month_figures(conn, service_id, year, month, now)?;
        let outages = load_outages(conn, service_id)?;
        self.credit_from(conn, service, (year, month), &figures, &outages, now)
    }

    /// The credit from a month's figures and the service's outages, read by the caller.
    pub(crate) fn credit_from(
        &self,
        conn: &Connection,
        service: &Service,
        (year, month): (i32, u32),
        figures: &[TargetMonth],
        outages: &[OutageFacts],
        now: i64,
    ) -> Result<Option<CreditMonth>> {
        let Some(schedule) = &service.credits else {
            return Ok(None);
        };
        let currency = service.currency.clone().unwrap_or_default();
        let mut unapplied = Vec::new();
        let terms = self.availability_terms(&service.id, year, month);
        let (window, _) = self.calendar_for(&service.id, None);
        let (_, month_end) = super::adapter::month_bounds(window, year, month);
        let finished = now >= month_end;
        let (mut availability, mut next_tier) = (None, None);
        match terms {
            Some((_, cal, goal)) => {
                let a = super::adapter::availability(cal, year, month, outages, goal, now);
                availability = credits::standing(a.full.down, a.full.window);
                if !finished {
                    next_tier = credits::downtime_to_next_tier(&schedule.tiers, a.full.down, a.full.window).map(
                        |(tier, secs)| NextTier {
                            below: tier.below,
                            credit: tier.credit,
                            minutes_left: secs / 60,
                        },
                    );
                }
            }
            None if !schedule.tiers.is_empty() => {
                unapplied.push("no availability target, so no tier applied".to_string());
            }
            None => {}
        }
        let mut missed: Vec<(Priority, usize)> = Vec::new();
        for f in figures {
            if !matches!(f.kind, TargetKind::Response | TargetKind::Resolution) {
                continue;
            }
            let Some(p) = f.priority.as_deref().and_then(|p| p.parse::<Priority>().ok()) else {
                continue;
            };
            let n = f.missed;
            match missed.iter_mut().find(|(q, _)| *q == p) {
                Some(entry) => entry.1 += n,
                None => missed.push((p, n)),
            }
        }
        missed.sort();
        let typed = typed_credits(conn, &service.id, window, (year, month))?;
        // The charge in force that month (a later change does not rewrite it).
        let first = chrono::NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
        let (charge, _) =
            crate::domain::costs::money_in(&service.money_history, (service.charge, service.monthly_cost), first);
        if charge.is_none() && schedule.needs_charge() {
            unapplied.push("no charge on record for the month, so no share of it applied".to_string());
        }
        let credit = credits::month_credit(schedule, charge.unwrap_or(0.0), availability, &missed, &typed);
        Ok(Some(CreditMonth {
            month: format!("{year:04}-{month:02}"),
            currency,
            charge,
            availability,
            missed: missed.iter().map(|(p, n)| (p.label().to_string(), *n)).collect(),
            credit,
            next_tier,
            finished,
            unapplied,
        }))
    }
}

impl Engine {
    /// What the schedule gives one breach, and why: a ticket's per-breach credit for its
    /// priority, an availability breach's month tier (before the month's cap and minimum).
    /// None when the service has no schedule or the schedule gives it nothing.
    pub fn breach_credit(
        &self,
        conn: &Connection,
        b: &crate::domain::model::Breach,
        now: i64,
    ) -> Result<Option<(f64, String)>> {
        let Some(service) = self.services.get(&b.service_id) else {
            return Ok(None);
        };
        let Some(schedule) = &service.credits else {
            return Ok(None);
        };
        // A void breach was no breach: it earns nothing.
        if b.status == crate::domain::enums::BreachStatus::Void {
            return Ok(None);
        }
        let currency = service.currency.clone().unwrap_or_default();
        // The charge in force in the breach's month.
        let (window, _) = self.calendar_for(&service.id, None);
        let month = crate::domain::costs::month_start(window.local_date(b.breached_at));
        let charge =
            crate::domain::costs::money_in(&service.money_history, (service.charge, service.monthly_cost), month).0;
        // A share of an unknown charge is unknown: nothing is shown rather than a guess.
        let on = |a: credits::Amount| match (a, charge) {
            (credits::Amount::Money(m), _) => Some(m),
            (credits::Amount::Share(s), Some(c)) => Some(s * c),
            (credits::Amount::Share(_), None) => None,
        };
        match b.source {
            crate::domain::enums::BreachSource::Ticket => {
                let Some(ticket) = &b.ticket_id else { return Ok(None) };
                let priority: Option<String> = conn
                    .query_row(
                        "SELECT priority FROM tickets WHERE id = ?1 AND deleted = 0",
                        [ticket],
                        |r| r.get(0),
                    )
                    .ok();
                let Some(p) = priority.and_then(|p| p.parse::<Priority>().ok()) else {
                    return Ok(None);
                };
                Ok(schedule
                    .per_breach
                    .iter()
                    .find(|(q, _)| *q == p)
                    .and_then(|(_, a)| Some((on(*a)?, format!("{} per missed {}", a.text(&currency), p.label())))))
            }
            crate::domain::enums::BreachSource::Availability => {
                let Some(crate::domain::period::Period::Month(y, m)) =
                    b.period.as_deref().and_then(crate::domain::period::Period::parse)
                else {
                    return Ok(None);
                };
                let Some(month) = self.month_credit(conn, &service.id, y, m, now)? else {
                    return Ok(None);
                };
                Ok(month.credit.tier.and_then(|t| {
                    Some((
                        on(credits::Amount::Share(t.credit))?,
                        format!("availability {} of the charge", t.text()),
                    ))
                }))
            }
            crate::domain::enums::BreachSource::Manual => Ok(None),
        }
    }
}

/// The credits typed by hand on a month's breaches (void ones aside): the month's
/// availability breach, ticket breaches of tickets opened in the month (as attainment counts
/// them), breaches recorded by hand in it.
fn typed_credits(conn: &Connection, service_id: &str, window: &super::Cal, (year, month): (i32, u32)) -> Result<Typed> {
    let (from, to) = super::adapter::month_bounds(window, year, month);
    let period = format!("{year:04}-{month:02}");
    let mut stmt = conn.prepare_cached(
        "SELECT b.source, t.priority, b.credit FROM breaches b LEFT JOIN tickets t ON t.id = b.ticket_id \
         WHERE b.service_id = ?1 AND b.deleted = 0 AND b.credit IS NOT NULL AND b.status <> 'void' \
         AND ((b.source = 'availability' AND b.period = ?2) \
           OR (b.source = 'ticket' AND t.opened_at >= ?3 AND t.opened_at < ?4) \
           OR (b.source = 'manual' AND b.breached_at >= ?3 AND b.breached_at < ?4))",
    )?;
    let rows = stmt.query_map(rusqlite::params![service_id, period, from, to], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, f64>(2)?,
        ))
    })?;
    let mut typed = Typed::default();
    for row in rows {
        let (source, priority, credit) = row?;
        if source == "availability" {
            *typed.availability.get_or_insert(0.0) += credit;
        } else {
            typed
                .tickets
                .push((priority.and_then(|p| p.parse::<Priority>().ok()), credit));
        }
    }
    Ok(typed)
}
