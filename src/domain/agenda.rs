//! When things fall due, and whether they are overdue, as the agenda counts them.

use chrono::{Duration, NaiveDate};

/// Due work looks this many days ahead.
pub const HORIZON_DAYS: i64 = 7;

/// A due date seen from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub date: NaiveDate,
    pub overdue: bool,
    /// Days from today (negative when overdue).
    pub in_days: i64,
}

/// `Some` when `date` falls within `horizon_days` of today or before it.
pub fn due_within(date: NaiveDate, today: NaiveDate, horizon_days: i64) -> Option<Due> {
    let in_days = (date - today).num_days();
    (in_days <= horizon_days).then_some(Due {
        date,
        overdue: in_days < 0,
        in_days,
    })
}

/// The next touch is due at the last touch plus the cadence; never contacted is due today.
pub fn next_touch_due(last_touch: Option<NaiveDate>, cadence_days: i64, today: NaiveDate) -> NaiveDate {
    match last_touch {
        Some(last) => last.checked_add_signed(Duration::days(cadence_days)).unwrap_or(last),
        None => today,
    }
}

/// "due in 3 days", "due today", "2 days overdue".
pub fn describe(due: &Due) -> String {
    match due.in_days {
        0 => "due today".to_string(),
        1 => "due tomorrow".to_string(),
        n if n > 1 => format!("due in {n} days"),
        -1 => "1 day overdue".to_string(),
        n => format!("{} days overdue", -n),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn due_and_overdue() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let d = |n: i64| today + Duration::days(n);
        assert_eq!(due_within(d(8), today, 7), None);
        assert_eq!(due_within(d(7), today, 7).map(|x| x.overdue), Some(false));
        assert_eq!(due_within(d(-2), today, 7).map(|x| x.overdue), Some(true));
        assert_eq!(describe(&due_within(d(-2), today, 7).unwrap()), "2 days overdue");
        assert_eq!(describe(&due_within(d(0), today, 7).unwrap()), "due today");
        assert_eq!(next_touch_due(None, 14, today), today);
        assert_eq!(next_touch_due(Some(d(-20)), 14, today), d(-6));
    }
}

/// What needs attention now: the `sdm agenda` document and the interface's agenda line.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Agenda {
    pub as_of: String,
    pub today: String,
    pub summary: String,
    pub breaches: Vec<BreachItem>,
    pub at_risk: Vec<ClockItem>,
    pub touch_points_due: Vec<DueItem>,
    pub actions_due: Vec<DueItem>,
    pub reviews_due: Vec<DueItem>,
    pub agreements_due: Vec<DueItem>,
    pub watermelons: Vec<FlagItem>,
    pub problem_flags: Vec<FlagItem>,
    pub freshness: Vec<Freshness>,
    /// Items counted but not listed (an agenda read with a limit per list).
    #[serde(skip)]
    pub left_out: LeftOut,
}

/// How many items of each long list an agenda read with a limit counted but did not list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub breaches: usize,
    pub actions: usize,
    pub reviews: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct BreachItem {
    pub service: String,
    /// The ticket reference, or the breach's title for one without a ticket.
    pub reference: String,
    pub title: String,
    pub source: String,
    pub status: String,
    pub breached_at: String,
    pub customer_informed: bool,
    /// An open breach is always overdue for attention.
    pub overdue: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ClockItem {
    pub service: String,
    pub reference: String,
    pub priority: String,
    pub clock: String,
    pub state: String,
    pub percent_used: f64,
    pub deadline: Option<String>,
    pub remaining: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DueItem {
    pub service: Option<String>,
    /// A stakeholder's name, a change or ticket reference, an action's title.
    pub name: String,
    pub detail: String,
    pub due: String,
    /// The date it is counted from (last touch, change implemented, ...), when there is one.
    pub since: Option<String>,
    pub in_days: i64,
    pub overdue: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FlagItem {
    pub service: String,
    pub name: String,
    pub reason: String,
    pub overdue: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Freshness {
    pub kind: String,
    pub last_imported: String,
    pub file: String,
    pub rows: i64,
    pub age_hours: i64,
    pub stale: bool,
}

impl Agenda {
    /// "3 breaches open · 2 touch points overdue · 4 actions due this week".
    pub fn summarise(&self) -> String {
        let plural = |n: usize, one: &str, many: &str| {
            if n == 1 {
                format!("1 {one}")
            } else {
                format!("{n} {many}")
            }
        };
        let mut parts = Vec::new();
        parts.push(format!(
            "{} open",
            plural(self.breaches.len() + self.left_out.breaches, "breach", "breaches")
        ));
        if !self.at_risk.is_empty() {
            parts.push(format!("{} at risk", plural(self.at_risk.len(), "clock", "clocks")));
        }
        let overdue_touch = self.touch_points_due.iter().filter(|d| d.overdue).count();
        parts.push(format!(
            "{} overdue",
            plural(overdue_touch, "touch point", "touch points")
        ));
        parts.push(format!(
            "{} due this week",
            plural(self.actions_due.len() + self.left_out.actions, "action", "actions")
        ));
        let reviews = self.reviews_due.len() + self.left_out.reviews;
        if reviews > 0 {
            parts.push(format!("{} due", plural(reviews, "review", "reviews")));
        }
        if !self.agreements_due.is_empty() {
            parts.push(format!(
                "{} to review",
                plural(self.agreements_due.len(), "agreement", "agreements")
            ));
        }
        if !self.watermelons.is_empty() {
            parts.push(plural(self.watermelons.len(), "watermelon", "watermelons"));
        }
        parts.join(" · ")
    }
}
