//! Service credits from an agreement's schedule: which availability tier a month fell into,
//! what each missed ticket costs, the cap and the de-minimis floor, and how much downtime is
//! left before the next tier. Pure arithmetic on the figures the SLA engine gives; the
//! schedule's storage and display build on it (issue "Contracts and money").

use serde::{Deserialize, Serialize};

use super::enums::Priority;

/// An amount in an agreement: money in the service's currency, or a share of the month's
/// charge (`0.25` for "25%").
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
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
    if !v.is_finite() || v < 0.0 {
        return Err(format!("\"{t}\" is not an amount of 0 or more"));
    }
    Ok(Amount::Money(v))
}

impl Amount {
    /// As written in the agreement: `25%`, `500 EUR`.
    pub fn text(self, currency: &str) -> String {
        match self {
            Amount::Share(s) => format!("{}%", number_text(s * 100.0)),
            Amount::Money(m) => format!("{} {currency}", number_text(m)).trim_end().to_string(),
        }
    }
}

/// A number without trailing zeros: `99.9`, `99`, `0.25`.
pub fn number_text(v: f64) -> String {
    let s = format!("{:.4}", v);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// An amount of money as written: `10000 EUR`, `10,000`, `6200.50 eur`; the currency code
/// when one is given (upper case).
pub fn parse_money(text: &str) -> Result<(f64, Option<String>), String> {
    let t = text.trim();
    let (number, code) = match t.rsplit_once(' ') {
        Some((n, c)) if c.len() == 3 && c.chars().all(|c| c.is_ascii_alphabetic()) => {
            (n.trim(), Some(c.to_ascii_uppercase()))
        }
        _ => (t, None),
    };
    let v: f64 = number
        .replace([',', '_'], "")
        .parse()
        .map_err(|_| format!("\"{t}\" is not an amount: write it as 10000 EUR"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("\"{t}\" is not an amount of 0 or more"));
    }
    Ok((v, code))
}

/// A percentage as written: `99.9%` or `99.9`, from 0 to 100.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let v: f64 = t
        .strip_suffix('%')
        .unwrap_or(t)
        .trim()
        .parse()
        .map_err(|_| format!("\"{t}\" is not a percentage: write it as 99.9%"))?;
    if !(0.0..=100.0).contains(&v) {
        return Err(format!("\"{t}\" is not a percentage from 0% to 100%"));
    }
    Ok(v)
}

/// Availability below `below` percent earns `credit` (a share of the charge).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    pub below: f64,
    pub credit: f64,
}

/// An agreement's credit schedule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

impl Tier {
    /// `below 99.9%: 10%`.
    pub fn text(&self) -> String {
        format!(
            "below {}%: {}%",
            number_text(self.below),
            number_text(self.credit * 100.0)
        )
    }
}

impl Schedule {
    pub fn is_empty(&self) -> bool {
        self.tiers.is_empty() && self.per_breach.is_empty()
    }

    /// Whether any of its amounts is a share of the charge (so the charge must be known).
    pub fn needs_charge(&self) -> bool {
        !self.tiers.is_empty()
            || self.per_breach.iter().any(|(_, a)| matches!(a, Amount::Share(_)))
            || matches!(self.cap, Some(Amount::Share(_)))
    }

    /// The schedule on one line, as the service form shows it and [`Schedule::parse`] reads it:
    /// `below 99.9% 10%; below 99% 25%; P1 500 EUR; P2 2%; cap 20%; minimum 50 EUR`.
    pub fn text(&self, currency: &str) -> String {
        let mut parts: Vec<String> = Vec::new();
        let mut tiers = self.tiers.clone();
        tiers.sort_by(|a, b| b.below.total_cmp(&a.below));
        for t in &tiers {
            parts.push(format!(
                "below {}% {}",
                number_text(t.below),
                Amount::Share(t.credit).text(currency)
            ));
        }
        for (p, a) in &self.per_breach {
            parts.push(format!("{} {}", p.label(), a.text(currency)));
        }
        if let Some(c) = self.cap {
            parts.push(format!("cap {}", c.text(currency)));
        }
        if let Some(m) = self.minimum {
            parts.push(format!("minimum {}", Amount::Money(m).text(currency)));
        }
        parts.join("; ")
    }

    /// Reads [`Schedule::text`]'s line; every clause wrong is named at once.
    pub fn parse(text: &str, currency: &str) -> Result<Schedule, String> {
        let mut s = Schedule::default();
        let mut wrong: Vec<String> = Vec::new();
        for clause in text.split(';').map(str::trim).filter(|c| !c.is_empty()) {
            let (head, rest) = clause.split_once(char::is_whitespace).unwrap_or((clause, ""));
            let rest = rest.trim();
            let head_l = head.to_ascii_lowercase();
            let result = match head_l.as_str() {
                "below" | "<" => tier_clause(rest).map(|t| s.tiers.push(t)),
                h if h.starts_with('<') => tier_clause(&format!("{} {rest}", &head[1..])).map(|t| s.tiers.push(t)),
                "cap" => parse_amount(rest, currency).map(|a| s.cap = Some(a)),
                "minimum" | "min" => match parse_amount(rest, currency) {
                    Ok(Amount::Money(m)) => {
                        s.minimum = Some(m);
                        Ok(())
                    }
                    Ok(Amount::Share(_)) => Err(format!("minimum \"{rest}\": write it as an amount, 50 {currency}")),
                    Err(e) => Err(e),
                },
                _ => match head_l.parse::<Priority>() {
                    Ok(p) => parse_amount(rest, currency).map(|a| s.per_breach.push((p, a))),
                    Err(_) => Err(format!(
                        "\"{clause}\" is not a clause: write below 99.9% 10%, P1 500 {currency}, cap 20% or minimum 50 {currency}"
                    )),
                },
            };
            if let Err(e) = result {
                wrong.push(e);
            }
        }
        if let Err(e) = s.check() {
            wrong.push(e);
        }
        if wrong.is_empty() { Ok(s) } else { Err(wrong.join("; ")) }
    }

    /// The rules any schedule keeps, however it was written.
    pub fn check(&self) -> Result<(), String> {
        let mut seen: Vec<f64> = Vec::new();
        for t in &self.tiers {
            if !(t.below > 0.0 && t.below <= 100.0) {
                return Err(format!(
                    "a tier below {}%: use a percentage above 0% and up to 100%",
                    number_text(t.below)
                ));
            }
            if !(0.0..=1.0).contains(&t.credit) {
                return Err("a tier's credit is a share of the charge from 0% to 100%".into());
            }
            if seen.iter().any(|b| (b - t.below).abs() < 1e-9) {
                return Err(format!("two tiers below {}%", number_text(t.below)));
            }
            seen.push(t.below);
        }
        let amounts = self
            .per_breach
            .iter()
            .map(|(_, a)| *a)
            .chain(self.cap)
            .chain(self.minimum.map(Amount::Money));
        for a in amounts {
            let ok = match a {
                Amount::Money(m) => m.is_finite() && m >= 0.0,
                Amount::Share(s) => (0.0..=1.0).contains(&s),
            };
            if !ok {
                return Err("an amount must be 0 or more (a share from 0% to 100%)".into());
            }
        }
        let mut priorities: Vec<Priority> = Vec::new();
        for (p, _) in &self.per_breach {
            if priorities.contains(p) {
                return Err(format!("{} has two credits per breach", p.label()));
            }
            priorities.push(*p);
        }
        Ok(())
    }
}

/// `99.9% 10%` (or `99.9%: 10%`, `99.9% -> 10%`): availability below the first earns the second.
fn tier_clause(rest: &str) -> Result<Tier, String> {
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == ':' || c == '→')
        .map(|w| w.trim_matches(|c| c == '-' || c == '>' || c == '='))
        .filter(|w| !w.is_empty())
        .collect();
    let [below, credit @ ..] = words.as_slice() else {
        return Err(format!("\"below {rest}\": write a tier as below 99.9% 10%"));
    };
    let credit = credit.join(" ");
    if credit.is_empty() {
        return Err(format!("\"below {rest}\": write a tier as below 99.9% 10%"));
    }
    let below = parse_percent(below)?;
    if !credit.ends_with('%') {
        return Err(format!(
            "a tier's credit \"{credit}\" is a share of the charge: write it as 10%"
        ));
    }
    Ok(Tier {
        below,
        credit: parse_percent(&credit)? / 100.0,
    })
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
    /// After the cap, before the minimum.
    pub capped_total: f64,
    /// What credits typed by hand on breaches came to (they stand in for the computed ones).
    pub typed: f64,
    pub typed_count: usize,
}

/// Credits typed by hand on a month's breaches: each stands in for the one the schedule
/// would give it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Typed {
    /// On the month's availability breach.
    pub availability: Option<f64>,
    /// On ticket breaches, by the ticket's priority (none for a breach recorded by hand).
    pub tickets: Vec<(Option<Priority>, f64)>,
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
pub fn month_credit(
    s: &Schedule,
    charge: f64,
    availability: Option<f64>,
    missed: &[(Priority, usize)],
    typed: &Typed,
) -> MonthCredit {
    let tier = availability.and_then(|a| tier_of(&s.tiers, a));
    let availability_credit = typed
        .availability
        .unwrap_or_else(|| tier.map_or(0.0, |t| t.credit * charge));
    // A typed credit on a ticket's breach takes the place of one computed for its priority.
    let mut left: Vec<(Priority, usize)> = missed.to_vec();
    for (p, _) in &typed.tickets {
        if let Some(entry) = left.iter_mut().find(|(q, _)| Some(*q) == *p) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
    let ticket_typed: f64 = typed.tickets.iter().map(|(_, a)| a).sum();
    let ticket_credit: f64 = ticket_typed
        + left
            .iter()
            .map(|(p, n)| {
                s.per_breach
                    .iter()
                    .find(|(q, _)| q == p)
                    .map_or(0.0, |(_, a)| a.on(charge) * *n as f64)
            })
            .sum::<f64>();
    let uncapped = availability_credit + ticket_credit;
    let cap = s.cap.map(|c| c.on(charge));
    let capped = cap.is_some_and(|c| uncapped > c);
    let mut total = cap.map_or(uncapped, |c| uncapped.min(c));
    let capped_total = total;
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
        capped_total,
        typed: ticket_typed + typed.availability.unwrap_or(0.0),
        typed_count: typed.tickets.len() + usize::from(typed.availability.is_some()),
    }
}

/// Money with thousands separators and its currency: `2,000.00 EUR` (`decimals` 2) or
/// `2,000 EUR` (0).
pub fn money(amount: f64, currency: &str, decimals: usize) -> String {
    let text = format!("{:.decimals$}", amount.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, ""));
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if amount < 0.0 && !text.trim_matches(['0', '.']).is_empty() {
        "-"
    } else {
        ""
    };
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    format!("{sign}{grouped}{frac} {currency}").trim_end().to_string()
}

/// A month's availability standing for its credit: the share of the whole month's window
/// not down — the month's figure once it is over, and what it will end at if nothing more
/// goes down while it runs (none when the month has no window time).
pub fn standing(down_secs: i64, window_secs: i64) -> Option<f64> {
    (window_secs > 0).then(|| (window_secs - down_secs) as f64 * 100.0 / window_secs as f64)
}

/// The next, more severe tier a month could fall into and the seconds of downtime it can
/// still take before it does (a month exactly at a threshold is not below it). None past
/// the last tier or without window time.
pub fn downtime_to_next_tier(tiers: &[Tier], down_secs: i64, window_secs: i64) -> Option<(Tier, i64)> {
    let now = standing(down_secs, window_secs)?;
    let next = tiers
        .iter()
        .filter(|t| now >= t.below)
        .max_by(|a, b| a.below.total_cmp(&b.below))?;
    // Whole seconds allowed; the nudge keeps 0.1% of 2,592,000 s at 2,592 (not 2,591.99…).
    let allowed = (window_secs as f64 * (100.0 - next.below) / 100.0 + 1e-6).floor() as i64;
    Some((*next, (allowed - down_secs).max(0)))
}

/// A service's money as a pane row shows it, in whole units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaneMoney {
    pub charge: String,
    pub cost: String,
    pub credit: String,
    pub margin: String,
}

/// The charge, the cost, this month's credit and the margin left (charge − cost − credit;
/// blank unless both the charge and the cost are known).
pub fn pane_money(charge: Option<f64>, cost: Option<f64>, credit: Option<f64>, currency: &str) -> PaneMoney {
    let m = |v: f64| money(v, currency, 0);
    PaneMoney {
        charge: charge.map(m).unwrap_or_default(),
        cost: cost.map(m).unwrap_or_default(),
        credit: credit.map(m).unwrap_or_default(),
        margin: match (charge, cost) {
            (Some(ch), Some(co)) => m(ch - co - credit.unwrap_or(0.0)),
            _ => String::new(),
        },
    }
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
        let c = month_credit(&schedule(), 10_000.0, Some(98.7), &[], &Typed::default());
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
            &Typed::default(),
        );
        assert_eq!((c.ticket_credit, c.total, c.capped), (540.0, 200.0, true));
        // One P2 only: 20 EUR, under the 50 EUR minimum: nothing.
        let c = month_credit(
            &schedule(),
            1_000.0,
            Some(99.95),
            &[(Priority::P2, 1)],
            &Typed::default(),
        );
        assert_eq!((c.uncapped, c.total, c.under_minimum), (20.0, 0.0, true));
        // Not measured: no credit is invented.
        let c = month_credit(&schedule(), 10_000.0, None, &[], &Typed::default());
        assert_eq!((c.tier, c.total), (None, 0.0));
    }

    #[test]
    fn a_credit_typed_by_hand_stands_in_for_the_computed_one() {
        // Two missed P1 (500 each) on 10,000; one was settled by hand at 300, and the
        // month's availability breach at 1,000 instead of its 25% tier.
        let typed = Typed {
            availability: Some(1_000.0),
            tickets: vec![(Some(Priority::P1), 300.0)],
        };
        let c = month_credit(&schedule(), 10_000.0, Some(98.7), &[(Priority::P1, 2)], &typed);
        assert_eq!((c.availability_credit, c.ticket_credit), (1_000.0, 800.0));
        assert_eq!((c.total, c.typed, c.typed_count), (1_800.0, 1_300.0, 2));
    }

    #[test]
    fn money_reads_with_thousands_separators() {
        assert_eq!(money(2_000.0, "EUR", 2), "2,000.00 EUR");
        assert_eq!(money(1_234_567.891, "EUR", 0), "1,234,568 EUR");
        assert_eq!(money(950.5, "", 2), "950.50");
        assert_eq!(money(-12_500.0, "USD", 0), "-12,500 USD");
    }

    #[test]
    fn downtime_left_before_the_next_tier() {
        // A 30-day 24x7 month (2,592,000 s) with 21.6 minutes down (99.95%): 0.1% of the
        // month is 43.2 minutes, so 21.6 minutes (1,296 s) are left before 99.9%.
        let month = 30 * 86_400;
        let tiers = schedule().tiers;
        let Some((next, left)) = downtime_to_next_tier(&tiers, 1_296, month) else {
            panic!("a tier is ahead")
        };
        assert_eq!((next.below, left), (99.9, 1_296));
        // At 98.7% (561.6 minutes down) the next tier is 95%: 2,160 minutes allowed in all.
        let down = 33_696;
        assert!((standing(down, month).unwrap_or(0.0) - 98.7).abs() < 1e-9);
        let Some((next, left)) = downtime_to_next_tier(&tiers, down, month) else {
            panic!("a tier is ahead")
        };
        assert_eq!((next.below, left / 60), (95.0, 1_598));
        // Past the last tier, or no window: nothing ahead.
        assert_eq!(downtime_to_next_tier(&tiers, month / 5, month), None);
        assert_eq!(downtime_to_next_tier(&tiers, 0, 0), None);
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
        assert!(parse_amount("inf", "EUR").is_err());
        assert!(parse_amount("NaN", "EUR").is_err());
    }

    #[test]
    fn a_schedule_reads_back_what_it_writes_and_names_every_wrong_clause() {
        let text = schedule().text("EUR");
        assert_eq!(
            text,
            "below 99.9% 10%; below 99% 25%; below 95% 100%; P1 500 EUR; P2 2%; cap 20%; minimum 50 EUR"
        );
        assert_eq!(Schedule::parse(&text, "EUR"), Ok(schedule()));
        assert_eq!(
            Schedule::parse("<99.9%: 10%; p1 500", "EUR").map(|s| (s.tiers.len(), s.per_breach.len())),
            Ok((1, 1))
        );
        let err = Schedule::parse("below 99.9% 500 EUR; P7 5%; cap lots", "EUR")
            .err()
            .unwrap_or_default();
        assert!(err.contains("share of the charge"), "{err}");
        assert!(err.contains("P7 5%"), "{err}");
        assert!(err.contains("lots"), "{err}");
        let err = Schedule::parse("below 99% 10%; below 99% 20%", "EUR")
            .err()
            .unwrap_or_default();
        assert!(err.contains("two tiers"), "{err}");
        assert_eq!(parse_money("10,000 eur"), Ok((10_000.0, Some("EUR".into()))));
        assert_eq!(parse_money("6200"), Ok((6_200.0, None)));
        assert!(parse_money("-5 EUR").is_err());
    }
}
