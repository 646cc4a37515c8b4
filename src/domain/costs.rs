//! What services cost and earn per month: the monthly charge and cost with their history (a
//! change applies from the month it is made in; earlier months keep the values they had), the
//! margin left after credits, and the figures people ask for in reviews (cost per resolved
//! ticket, per availability point). Totals are per currency: sdm converts none.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The charge and cost from a month on (`from` is the first day of a month).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MoneyTerm {
    pub from: NaiveDate,
    pub charge: Option<f64>,
    pub cost: Option<f64>,
}

/// The first day of `day`'s month.
pub fn month_start(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

/// The history after the charge or cost changed from `old` to `new` during `today`'s month:
/// the old values are kept for the months before (from the agreement's start, or always when
/// none is known), the new ones apply from this month. Nothing changes when nothing moved.
pub fn record_change(
    history: &[MoneyTerm],
    old: (Option<f64>, Option<f64>),
    new: (Option<f64>, Option<f64>),
    today: NaiveDate,
    agreement_start: Option<NaiveDate>,
) -> Vec<MoneyTerm> {
    let mut out = history.to_vec();
    // Nothing moved; or the first values given: they hold for every month until changed.
    if old == new || (out.is_empty() && old == (None, None)) {
        return out;
    }
    let this_month = month_start(today);
    if out.is_empty() && (old.0.is_some() || old.1.is_some()) {
        let since = agreement_start.map(month_start).unwrap_or(NaiveDate::MIN);
        if since < this_month {
            out.push(MoneyTerm {
                from: since,
                charge: old.0,
                cost: old.1,
            });
        }
    }
    out.retain(|t| t.from != this_month);
    out.push(MoneyTerm {
        from: this_month,
        charge: new.0,
        cost: new.1,
    });
    out.sort_by_key(|t| t.from);
    out
}

/// The charge and cost of the month starting `month`: the term in force then, else (no
/// history, or a month before it) the service's current values when there is no history, and
/// none before the first recorded term (nothing is assumed for a time nobody recorded).
pub fn money_in(
    history: &[MoneyTerm],
    current: (Option<f64>, Option<f64>),
    month: NaiveDate,
) -> (Option<f64>, Option<f64>) {
    if history.is_empty() {
        return current;
    }
    history
        .iter()
        .filter(|t| t.from <= month)
        .max_by_key(|t| t.from)
        .map_or((None, None), |t| (t.charge, t.cost))
}

/// One service's month, as `sdm costs` and the review list it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostRow {
    pub service: String,
    pub customer: String,
    pub currency: String,
    pub charge: Option<f64>,
    pub cost: Option<f64>,
    /// The month's service credits (computed under the schedule, or typed on breaches).
    pub credits: f64,
    /// The tier that applied, when a schedule's availability tier did.
    pub tier: Option<String>,
    /// charge − cost − credits, when the charge and the cost are known.
    pub margin: Option<f64>,
    pub resolved_tickets: usize,
    pub cost_per_resolved_ticket: Option<f64>,
    pub availability: Option<f64>,
    pub cost_per_availability_point: Option<f64>,
}

impl CostRow {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        service: &str,
        customer: &str,
        currency: &str,
        (charge, cost): (Option<f64>, Option<f64>),
        credits: f64,
        tier: Option<String>,
        resolved_tickets: usize,
        availability: Option<f64>,
    ) -> CostRow {
        CostRow {
            service: service.to_string(),
            customer: customer.to_string(),
            currency: currency.to_string(),
            charge,
            cost,
            credits,
            tier,
            margin: match (charge, cost) {
                (Some(ch), Some(co)) => Some(ch - co - credits),
                _ => None,
            },
            resolved_tickets,
            cost_per_resolved_ticket: cost
                .filter(|_| resolved_tickets > 0)
                .map(|c| c / resolved_tickets as f64),
            availability,
            cost_per_availability_point: cost.zip(availability.filter(|a| *a > 0.0)).map(|(c, a)| c / a),
        }
    }
}

impl CostRow {
    /// `charge 12,700 EUR · cost 9,800 EUR · credits 1,770 EUR · margin 1,130 EUR; 817 EUR per
    /// resolved ticket (12); 98 EUR per availability point`.
    pub fn line(&self) -> String {
        let m = |v: f64| super::credits::money(v, &self.currency, 0);
        let mut parts: Vec<String> = Vec::new();
        if let Some(c) = self.charge {
            parts.push(format!("charge {}", m(c)));
        }
        if let Some(c) = self.cost {
            parts.push(format!("cost {}", m(c)));
        }
        parts.push(format!("credits {}", m(self.credits)));
        if let Some(mg) = self.margin {
            parts.push(format!("margin {}", m(mg)));
        }
        let mut line = parts.join(" · ");
        if let Some(c) = self.cost_per_resolved_ticket {
            line.push_str(&format!("; {} per resolved ticket ({})", m(c), self.resolved_tickets));
        }
        if let Some(c) = self.cost_per_availability_point {
            line.push_str(&format!("; {} per availability point", m(c)));
        }
        line
    }
}

/// Sums of rows in one currency (a customer's, or all).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Total {
    pub currency: String,
    pub charge: f64,
    pub cost: f64,
    pub credits: f64,
    /// Over the rows whose margin is known (`priced` of them).
    pub margin: f64,
    pub services: usize,
    /// Rows with a charge, and rows with both a charge and a cost (a margin).
    pub charged: usize,
    pub priced: usize,
    /// Rows with a cost.
    pub costed: usize,
}

/// Totals per currency of `rows`, in currency order.
pub fn totals<'a>(rows: impl IntoIterator<Item = &'a CostRow>) -> Vec<Total> {
    let mut out: Vec<Total> = Vec::new();
    for r in rows {
        let i = match out.iter().position(|t| t.currency == r.currency) {
            Some(i) => i,
            None => {
                out.push(Total {
                    currency: r.currency.clone(),
                    ..Total::default()
                });
                out.len() - 1
            }
        };
        let t = &mut out[i];
        t.charge += r.charge.unwrap_or(0.0);
        t.cost += r.cost.unwrap_or(0.0);
        t.credits += r.credits;
        t.margin += r.margin.unwrap_or(0.0);
        t.services += 1;
        t.charged += usize::from(r.charge.is_some());
        t.priced += usize::from(r.margin.is_some());
        t.costed += usize::from(r.cost.is_some());
    }
    out.sort_by(|a, b| a.currency.cmp(&b.currency));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn a_change_applies_from_its_month_and_earlier_months_keep_theirs() {
        let h = record_change(
            &[],
            (Some(9_000.0), Some(6_000.0)),
            (Some(10_000.0), Some(6_200.0)),
            day("2026-11-15"),
            Some(day("2025-01-10")),
        );
        assert_eq!(h.len(), 2);
        let now = (Some(10_000.0), Some(6_200.0));
        assert_eq!(money_in(&h, now, day("2026-10-01")), (Some(9_000.0), Some(6_000.0)));
        assert_eq!(money_in(&h, now, day("2026-11-01")), (Some(10_000.0), Some(6_200.0)));
        assert_eq!(money_in(&h, now, day("2025-01-01")), (Some(9_000.0), Some(6_000.0)));
        // Before the agreement: nothing is assumed.
        assert_eq!(money_in(&h, now, day("2024-12-01")), (None, None));
        // Changed twice in one month: one term for the month.
        let h2 = record_change(&h, now, (Some(11_000.0), Some(6_200.0)), day("2026-11-20"), None);
        assert_eq!(h2.len(), 2);
        assert_eq!(money_in(&h2, now, day("2026-11-01")).0, Some(11_000.0));
        // Nothing moved: nothing recorded; no history at all: the current values.
        assert_eq!(record_change(&h2, now, now, day("2026-12-01"), None), h2);
        assert_eq!(money_in(&[], now, day("2020-01-01")), now);
        // The first charge and cost a service is given hold for every month.
        assert!(record_change(&[], (None, None), now, day("2026-12-01"), None).is_empty());
    }

    #[test]
    fn margins_and_totals_add_up_per_customer_and_currency() {
        let a = CostRow::new(
            "A",
            "Acme",
            "EUR",
            (Some(10_000.0), Some(6_200.0)),
            2_000.0,
            None,
            40,
            Some(98.7),
        );
        let b = CostRow::new("B", "Acme", "EUR", (Some(5_000.0), Some(4_000.0)), 0.0, None, 0, None);
        let c = CostRow::new("C", "Acme", "USD", (None, Some(1_000.0)), 0.0, None, 10, Some(100.0));
        assert_eq!((a.margin, b.margin, c.margin), (Some(1_800.0), Some(1_000.0), None));
        assert_eq!(a.cost_per_resolved_ticket, Some(155.0));
        assert_eq!(b.cost_per_resolved_ticket, None);
        assert_eq!(c.cost_per_availability_point, Some(10.0));
        let t = totals([&a, &b, &c]);
        assert_eq!(t.len(), 2);
        assert_eq!(
            (
                t[0].currency.as_str(),
                t[0].charge,
                t[0].cost,
                t[0].credits,
                t[0].margin,
                t[0].services
            ),
            ("EUR", 15_000.0, 10_200.0, 2_000.0, 2_800.0, 2)
        );
        assert_eq!((t[0].charged, t[0].priced), (2, 2));
        assert_eq!((t[1].currency.as_str(), t[1].cost, t[1].priced), ("USD", 1_000.0, 0));
    }
}
