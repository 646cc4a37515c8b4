//! Problem management's rules that need neither the file nor the screen: when an open problem
//! has waited too long for its root cause, and how a problem is listed.

use chrono::NaiveDate;
use serde::Serialize;

use super::enums::ProblemStatus;
use super::model::Problem;

/// An open problem without a root cause this many days after it was raised is said on the
/// agenda ("2 problems without a root cause for 30 days").
pub const NO_ROOT_CAUSE_DAYS: i64 = 30;

/// A problem as the agenda, `sdm problems` and the Reviews pane list it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemItem {
    pub id: String,
    /// The ITSM tool's reference, empty when it has none.
    pub reference: String,
    pub title: String,
    pub status: ProblemStatus,
    pub services: Vec<String>,
    pub owner: String,
    pub due: Option<String>,
    /// Days since it was raised.
    pub age_days: i64,
    pub root_cause: String,
    pub workaround: String,
    /// How many tickets, changes, breaches and reviews it names.
    pub evidence: usize,
    /// Past its due date while open.
    pub overdue: bool,
    /// Open without a root cause for at least [`NO_ROOT_CAUSE_DAYS`].
    pub waiting_for_root_cause: bool,
}

impl ProblemItem {
    /// `raised` is the day it was raised, `today` the display zone's.
    pub fn of(p: &Problem, services: Vec<String>, raised: NaiveDate, today: NaiveDate) -> ProblemItem {
        let age_days = (today - raised).num_days().max(0);
        ProblemItem {
            id: p.id.clone(),
            reference: p.reference.clone(),
            title: p.title.clone(),
            status: p.status,
            services,
            owner: p.owner.clone(),
            due: p.due.map(|d| d.to_string()),
            age_days,
            root_cause: p.root_cause.clone(),
            workaround: p.workaround.clone(),
            evidence: p.ticket_ids.len() + p.change_ids.len() + p.breach_ids.len() + p.review_ids.len(),
            overdue: p.status.is_open() && p.due.is_some_and(|d| d < today),
            waiting_for_root_cause: waiting_for_root_cause(p, age_days),
        }
    }

    /// "PRB0040012 Payment confirmations delayed" (the title alone without a reference).
    pub fn name(&self) -> String {
        if self.reference.is_empty() {
            self.title.clone()
        } else {
            format!("{} {}", self.reference, self.title)
        }
    }
}

/// Whether an open problem raised `age_days` ago still lacks its root cause past the limit.
pub fn waiting_for_root_cause(p: &Problem, age_days: i64) -> bool {
    p.status == ProblemStatus::Open && p.root_cause.trim().is_empty() && age_days >= NO_ROOT_CAUSE_DAYS
}

/// The order problems are listed in: overdue first, then those waiting for a root cause, then
/// by due date (undated last), then the oldest first.
pub fn sort(items: &mut [ProblemItem]) {
    items.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.waiting_for_root_cause.cmp(&a.waiting_for_root_cause))
            .then(a.due.is_none().cmp(&b.due.is_none()))
            .then(a.due.cmp(&b.due))
            .then(b.age_days.cmp(&a.age_days))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(status: ProblemStatus, root_cause: &str, due: Option<&str>) -> Problem {
        Problem {
            id: "p".into(),
            reference: String::new(),
            title: "Payment confirmations delayed".into(),
            status,
            root_cause: root_cause.into(),
            workaround: String::new(),
            owner: String::new(),
            due: due.and_then(|d| d.parse().ok()),
            fix_change_id: None,
            notes: String::new(),
            ticket_ids: vec!["t1".into(), "t2".into()],
            change_ids: vec![],
            breach_ids: vec!["b1".into()],
            review_ids: vec![],
            service_ids: vec![],
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn an_open_problem_waits_for_its_root_cause_from_thirty_days() {
        let today = day("2026-12-06");
        let open = problem(ProblemStatus::Open, "", None);
        assert!(!ProblemItem::of(&open, vec![], day("2026-11-07"), today).waiting_for_root_cause);
        let item = ProblemItem::of(&open, vec![], day("2026-11-06"), today);
        assert!(item.waiting_for_root_cause);
        assert_eq!((item.age_days, item.evidence), (30, 3));
        // A root cause written down, or a problem past "open", is not waiting.
        let known = problem(ProblemStatus::Open, "certificate not renewed", None);
        assert!(!ProblemItem::of(&known, vec![], day("2026-01-01"), today).waiting_for_root_cause);
        let closed = problem(ProblemStatus::Closed, "", None);
        assert!(!ProblemItem::of(&closed, vec![], day("2026-01-01"), today).waiting_for_root_cause);
    }

    #[test]
    fn overdue_only_while_open_and_listed_first() {
        let today = day("2026-12-06");
        let late = ProblemItem::of(
            &problem(ProblemStatus::KnownError, "x", Some("2026-12-01")),
            vec![],
            today,
            today,
        );
        assert!(late.overdue);
        let done = ProblemItem::of(
            &problem(ProblemStatus::Resolved, "x", Some("2026-12-01")),
            vec![],
            today,
            today,
        );
        assert!(!done.overdue);
        let later = ProblemItem::of(
            &problem(ProblemStatus::Open, "x", Some("2026-12-20")),
            vec![],
            today,
            today,
        );
        let undated = ProblemItem::of(&problem(ProblemStatus::Open, "x", None), vec![], today, today);
        let mut items = vec![undated.clone(), later.clone(), late.clone()];
        sort(&mut items);
        assert_eq!(items, vec![late, later, undated]);
    }
}
