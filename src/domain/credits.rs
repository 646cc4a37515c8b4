//! Service credits from an agreement's schedule: which availability tier a month fell into,
//! what each missed ticket costs, the cap and the de-minimis floor, and how much downtime is
//! left before the next tier. Pure arithmetic on the figures the SLA engine gives; the
//! schedule's storage and display build on it (issue "Contracts and money").

use serde::Serialize;

use super::enums::Priority;

/// An amount in an agreement: money in the service's currency, or a share of the month's
/// charge (`0.25` for "25%").
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Amount {
    Money(f64),
    Share(f64),
}

impl Amount {
    /// In money, on a month's charge.
    pub fn on(self, charge: f64) -> f64 {
        match self {
            Amount::Money(m) => m,
            Amount::Share(s) => s * charge,
        }
    }
}

/// "25%" (a share), "500 EUR" or "500" (money; a currency other than the service's is
/// refused, since sdm converts none).
pub fn parse_amount(text: &str, currency: &str) -> Result<Amount, String> {
    let t = text.trim();
    if let Some(p) = t.strip_suffix('%') {
        let v: f64 = p
            .trim()
            .parse()
            .map_err(|_| format!("\"{t}\" is not a share: write it as 25%"))?;
        if !(0.0..=100.0).contains(&v) {
            return Err(format!("\"{t}\" is not a share between 0% and 100%"));
        }
        return Ok(Amount::Share(v / 100.0));
    }
    let (number, code) = match t.rsplit_once(' ') {
        Some((n, c)) if c.chars().all(|c| c.is_ascii_alphabetic()) => (n.trim(), Some(c)),
        _ => (t, None),
    };
    if let Some(code) = code
        && !currency.is_empty()
        && !code.eq_ignore_ascii_case(currency)
    {
        return Err(format!(
            "\"{t}\" is in {code} but the service's charge is in {currency}: sdm converts no currency"
        ));
    }
    let v: f64 = number
        .replace(',', "")
        .parse()
        .map_err(|_| format!("\"{t}\" is not an amount: write it as 500 {currency} or as a share, 2%"))?;
    if v < 0.0 {
        return Err(format!("\"{t}\" is below zero"));
    }
    Ok(Amount::Money(v))
}

/// Availability below `below` percent earns `credit` (a share of the charge).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tier {
    pub below: f64,
    pub credit: f64,
}

/// An agreement's credit schedule.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schedule {
    /// Any order; the most severe tier the month falls below applies (tiers do not add up).
    pub tiers: Vec<Tier>,
    /// What each missed ticket target of a priority costs.
    pub per_breach: Vec<(Priority, Amount)>,
    /// The most a month's credits come to.
    pub cap: Option<Amount>,
    /// Credits smaller than this are not paid (a de-minimis floor).
    pub minimum: Option<f64>,
}

/// A month's credit and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthCredit {
    /// The availability tier that applied.
    pub tier: Option<Tier>,
    pub availability_credit: f64,
    /// Per missed ticket, summed.
    pub ticket_credit: f64,
    /// Before the cap and the floor.
    pub uncapped: f64,
    /// What is owed.
    pub total: f64,
    pub capped: bool,
    /// Owed something, but less than the minimum, so nothing.
    pub under_minimum: bool,
}

/// The tier a month at `availability` percent falls into: the most severe one it is below.
pub fn tier_of(tiers: &[Tier], availability: f64) -> Option<Tier> {
    tiers
        .iter()
        .filter(|t| availability < t.below)
        .min_by(|a, b| a.below.total_cmp(&b.below))
        .copied()
}

/// A month's credit on `charge`, from its availability (none when not measured: a missing
/// figure earns no credit) and its missed tickets by priority.
pub fn month_credit(s: &Schedule, charge: f64, availability: Option<f64>, missed: &[(Priority, usize)]) -> MonthCredit {
    let tier = availability.and_then(|a| tier_of(&s.tiers, a));
    let availability_credit = tier.map_or(0.0, |t| t.credit * charge);
    let ticket_credit: f64 = missed
        .iter()
        .map(|(p, n)| {
            s.per_breach
                .iter()
                .find(|(q, _)| q == p)
                .map_or(0.0, |(_, a)| a.on(charge) * *n as f64)
        })
        .sum();
    let uncapped = availability_credit + ticket_credit;
    let cap = s.cap.map(|c| c.on(charge));
    let capped = cap.is_some_and(|c| uncapped > c);
    let mut total = cap.map_or(uncapped, |c| uncapped.min(c));
    let under_minimum = total > 0.0 && s.minimum.is_some_and(|m| total < m);
    if under_minimum {
        total = 0.0;
    }
    MonthCredit {
        tier,
        availability_credit,
        ticket_credit,
        uncapped,
        total,
        capped,
        under_minimum,
    }
}

/// Minutes of downtime left before the month falls into the next, more severe tier, at
/// `availability` percent of a window of `window_minutes` (none past the last tier).
pub fn downtime_to_next_tier(tiers: &[Tier], availability: f64, window_minutes: f64) -> Option<f64> {
    tiers
        .iter()
        .filter(|t| availability >= t.below)
        .max_by(|a, b| a.below.total_cmp(&b.below))
        .map(|next| (availability - next.below) / 100.0 * window_minutes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule() -> Schedule {
        Schedule {
            tiers: vec![
                Tier {
                    below: 99.9,
                    credit: 0.10,
                },
                Tier {
                    below: 99.0,
                    credit: 0.25,
                },
                Tier {
                    below: 95.0,
                    credit: 1.00,
                },
            ],
            per_breach: vec![
                (Priority::P1, Amount::Money(500.0)),
                (Priority::P2, Amount::Share(0.02)),
            ],
            cap: Some(Amount::Share(0.20)),
            minimum: Some(50.0),
        }
    }

    #[test]
    fn a_month_at_98_7_percent_falls_in_the_25_percent_tier_and_is_capped_at_20() {
        // The hand-worked case: 10,000 EUR, 98.7% → 2,500 EUR, capped at 2,000 EUR.
        let c = month_credit(&schedule(), 10_000.0, Some(98.7), &[]);
        assert_eq!(
            c.tier,
            Some(Tier {
                below: 99.0,
                credit: 0.25
            })
        );
        assert_eq!(
            (c.availability_credit, c.uncapped, c.total),
            (2_500.0, 2_500.0, 2_000.0)
        );
        assert!(c.capped);
        // Exactly at a threshold is not below it.
        assert_eq!(
            tier_of(&schedule().tiers, 99.0),
            Some(Tier {
                below: 99.9,
                credit: 0.10
            })
        );
        assert_eq!(tier_of(&schedule().tiers, 99.95), None);
    }

    #[test]
    fn missed_tickets_add_and_small_credits_are_not_paid() {
        // 99.95%: no tier; one missed P1 (500) and two P2 (2% of 1,000 each, 20 each).
        let c = month_credit(
            &schedule(),
            1_000.0,
            Some(99.95),
            &[(Priority::P1, 1), (Priority::P2, 2)],
        );
        assert_eq!((c.ticket_credit, c.total, c.capped), (540.0, 200.0, true));
        // One P2 only: 20 EUR, under the 50 EUR minimum: nothing.
        let c = month_credit(&schedule(), 1_000.0, Some(99.95), &[(Priority::P2, 1)]);
        assert_eq!((c.uncapped, c.total, c.under_minimum), (20.0, 0.0, true));
        // Not measured: no credit is invented.
        let c = month_credit(&schedule(), 10_000.0, None, &[]);
        assert_eq!((c.tier, c.total), (None, 0.0));
    }

    #[test]
    fn downtime_left_before_the_next_tier() {
        // A 30-day 24x7 month (43,200 minutes) at 99.95%: 0.05% of it, 21.6 minutes, to 99.9%.
        let left = downtime_to_next_tier(&schedule().tiers, 99.95, 43_200.0).unwrap_or(f64::NAN);
        assert!((left - 21.6).abs() < 1e-9, "{left}");
        // At 98.7% the next tier is 95%: 3.7% of the month.
        let left = downtime_to_next_tier(&schedule().tiers, 98.7, 43_200.0).unwrap_or(f64::NAN);
        assert!((left - 1_598.4).abs() < 1e-6, "{left}");
        assert_eq!(downtime_to_next_tier(&schedule().tiers, 90.0, 43_200.0), None);
    }

    #[test]
    fn amounts_read_as_shares_or_money_in_the_services_currency() {
        assert_eq!(parse_amount("25%", "EUR"), Ok(Amount::Share(0.25)));
        assert_eq!(parse_amount("500 EUR", "EUR"), Ok(Amount::Money(500.0)));
        assert_eq!(parse_amount("1,500", "EUR"), Ok(Amount::Money(1_500.0)));
        assert!(
            parse_amount("500 USD", "EUR")
                .err()
                .unwrap_or_default()
                .contains("converts no currency")
        );
        assert!(parse_amount("150%", "EUR").is_err());
        assert!(parse_amount("lots", "EUR").is_err());
    }
}
