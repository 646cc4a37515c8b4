//! The summary that opens a pack of several services (one customer's, or all of them grouped
//! by customer): a matrix of services × targets for the period, availability and error budget,
//! breaches and credits, the customer's experience, the top issues and the improvement plan.
//! Made from the gathered reviews alone, so it can never disagree with the sections after it.

use std::collections::BTreeMap;

use super::{AvailabilityLine, ImprovementLine, Rag, ServiceReview};

/// One service's line of the summary.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub service: String,
    /// One cell per target column: the period's result, or `None` when the service has no
    /// such target.
    pub cells: Vec<Option<Rag>>,
    pub availability: Option<AvailabilityLine>,
    /// Breaches of the period, and those still open at its end.
    pub breaches: usize,
    pub open_breaches: usize,
    pub credits: f64,
    pub currency: String,
    /// Average sentiment and the number of conversations.
    pub experience: Option<(f64, i64)>,
}

#[derive(Debug, Clone)]
pub struct PackSummary {
    /// The customer's name, or "Services without a customer".
    pub title: String,
    pub period: String,
    pub noun: &'static str,
    pub complete: bool,
    /// The target columns, in the order targets are listed (P1 response … availability).
    pub targets: Vec<String>,
    pub rows: Vec<SummaryRow>,
    /// Credits per currency (no conversion).
    pub credits: Vec<(String, f64)>,
    /// What went wrong, worst first: missed targets, breaches open at the end, poor experience.
    pub top_issues: Vec<String>,
    /// (service, improvement), open ones first.
    pub plan: Vec<(String, ImprovementLine)>,
}

/// What a pack is called when its services have no customer.
pub const NO_CUSTOMER: &str = "Services without a customer";

/// The reviews grouped by customer (in name order, services without one last), each group
/// with its summary.
pub fn by_customer(reviews: &[ServiceReview]) -> Vec<(PackSummary, Vec<&ServiceReview>)> {
    let mut groups: BTreeMap<(bool, String), Vec<&ServiceReview>> = BTreeMap::new();
    for r in reviews {
        let name = r.customer.trim();
        groups
            .entry((name.is_empty(), name.to_lowercase()))
            .or_default()
            .push(r);
    }
    groups
        .into_values()
        .map(|members| {
            let title = members
                .first()
                .map(|r| r.customer.trim().to_string())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| NO_CUSTOMER.to_string());
            (summarise(&title, &members), members)
        })
        .collect()
}

/// Ticket targets by priority, response before resolution; availability, then the rest last.
fn column_order(name: &str) -> (u8, String, u8) {
    match name.split_once(' ') {
        Some((p, kind)) if p.starts_with('P') => (
            0,
            p.to_string(),
            match kind {
                "response" => 0,
                "resolution" => 1,
                _ => 2,
            },
        ),
        _ if name == "availability" => (1, String::new(), 0),
        _ => (2, name.to_string(), 0),
    }
}

/// The summary of some services' reviews of one period.
pub fn summarise(title: &str, reviews: &[&ServiceReview]) -> PackSummary {
    let mut targets: Vec<String> = Vec::new();
    for r in reviews {
        for t in &r.targets {
            if !targets.contains(&t.name) {
                targets.push(t.name.clone());
            }
        }
    }
    targets.sort_by_key(|name| column_order(name));
    let mut rows = Vec::new();
    let mut credits: BTreeMap<String, f64> = BTreeMap::new();
    let mut missed: Vec<String> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut poor: Vec<String> = Vec::new();
    let mut plan: Vec<(String, ImprovementLine)> = Vec::new();
    for r in reviews {
        let cells = targets
            .iter()
            .map(|name| r.targets.iter().find(|t| &t.name == name).map(|t| t.rag))
            .collect();
        for t in r.targets.iter().filter(|t| matches!(t.rag, Rag::Red | Rag::Amber)) {
            let figure = t
                .figure
                .map(|f| format!("{f:.prec$}%", prec = t.decimals))
                .unwrap_or_default();
            missed.push(format!("{}: {} {figure} against {}", r.service, t.name, t.goal));
        }
        let open_breaches = r
            .breaches
            .iter()
            .filter(|b| b.status == "open" || b.status == "acknowledged")
            .count();
        if open_breaches > 0 {
            let plural = if open_breaches == 1 { "breach" } else { "breaches" };
            open.push(format!(
                "{}: {open_breaches} {plural} open at the end of the {}",
                r.service, r.noun
            ));
        }
        let experience = r.sentiment.filter(|_| r.touch_points > 0).map(|s| (s, r.touch_points));
        if let Some((s, n)) = experience
            && s < r.poor_below
        {
            let from = if n == 1 {
                "1 conversation".to_string()
            } else {
                format!("{n} conversations")
            };
            poor.push(format!(
                "{}: the customer's experience was poor ({s:.1} of 5 from {from})",
                r.service
            ));
        }
        if r.credits > 0.0 {
            *credits.entry(r.currency.clone()).or_default() += r.credits;
        }
        plan.extend(r.improvements.iter().map(|i| (r.service.clone(), i.clone())));
        rows.push(SummaryRow {
            service: r.service.clone(),
            cells,
            availability: r.availability,
            breaches: r.breaches.len(),
            open_breaches,
            credits: r.credits,
            currency: r.currency.clone(),
            experience,
        });
    }
    plan.sort_by(|a, b| (a.1.status == "done", &a.1.due, &a.0).cmp(&(b.1.status == "done", &b.1.due, &b.0)));
    let first = reviews.first();
    PackSummary {
        title: title.to_string(),
        period: first.map(|r| r.period.clone()).unwrap_or_default(),
        noun: first.map_or("month", |r| r.noun),
        complete: first.is_some_and(|r| r.complete),
        targets,
        rows,
        credits: credits.into_iter().collect(),
        top_issues: missed.into_iter().chain(open).chain(poor).collect(),
        plan,
    }
}
