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

    #[test]
    fn the_agenda_line_keeps_what_matters_and_sums_the_rest() {
        let c = Counts {
            breaches_open: 6,
            at_risk: 3,
            touch_points_overdue: 5,
            touch_points_due: 9,
            actions_overdue: 8,
            actions_due: 11,
            reviews_due: 7,
            agreements_due: 3,
            watermelons: 2,
            problem_flags: 1,
            problems_without_root_cause: 0,
        };
        assert_eq!(
            c.line(),
            "6 breaches open · 3 clocks at risk · 5 touch points overdue · 11 actions due this week (8 overdue) · 7 reviews due · 3 agreements to review · 2 watermelons · 9 touch points due this week · 1 service needs problem management"
        );
        let fitted = c.fit(78);
        assert!(fitted.chars().count() <= 78, "{fitted}");
        assert_eq!(
            fitted,
            "6 breaches · 3 at risk · 5 touch overdue · 11 actions (8 overdue) · +22 more"
        );
        assert_eq!(c.fit(200).matches('·').count(), 8, "everything fits in 200");
        let quiet = Counts::default();
        assert_eq!(quiet.fit(78), "0 breaches");
    }

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
    /// The problems being worked (not resolved or closed), overdue and long-waiting first.
    pub problems: Vec<super::problem::ProblemItem>,
    /// This month's service credits so far, per service with a credit schedule.
    pub credits: Vec<CreditItem>,
    pub freshness: Vec<Freshness>,
    /// How many of each there are, listed or not: every number on the interface's agenda line.
    pub counts: Counts,
    /// Items counted but not listed (an agenda read with a limit per list).
    #[serde(skip)]
    pub left_out: LeftOut,
}

/// How many items of each long list an agenda read with a limit counted but did not list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub breaches: usize,
    pub actions: usize,
    /// Of the actions left out, those overdue.
    pub actions_overdue: usize,
    pub reviews: usize,
}

/// The agenda's numbers. `sdm agenda --json` prints them as `counts`; the interface's agenda
/// line is made of them, so the two always agree.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Recorded open (or acknowledged) breaches, and clocks past their target not recorded yet.
    pub breaches_open: usize,
    pub at_risk: usize,
    pub touch_points_overdue: usize,
    /// Touch points due within the horizon, overdue ones included.
    pub touch_points_due: usize,
    pub actions_overdue: usize,
    /// Actions due within the horizon, overdue ones included.
    pub actions_due: usize,
    pub reviews_due: usize,
    pub agreements_due: usize,
    pub watermelons: usize,
    pub problem_flags: usize,
    /// Open problems without a root cause for [`super::problem::NO_ROOT_CAUSE_DAYS`] or more.
    pub problems_without_root_cause: usize,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

impl Counts {
    /// "3 breaches open · 2 touch points overdue · 4 actions due this week (1 overdue) · ...":
    /// every count that is not zero (the open breaches always), most pressing first; each
    /// number is a field of the counts.
    pub fn line(&self) -> String {
        let mut parts = vec![format!("{} open", plural(self.breaches_open, "breach", "breaches"))];
        if self.at_risk > 0 {
            parts.push(format!("{} at risk", plural(self.at_risk, "clock", "clocks")));
        }
        parts.push(format!(
            "{} overdue",
            plural(self.touch_points_overdue, "touch point", "touch points")
        ));
        let mut actions = format!("{} due this week", plural(self.actions_due, "action", "actions"));
        if self.actions_overdue > 0 {
            actions.push_str(&format!(" ({} overdue)", self.actions_overdue));
        }
        parts.push(actions);
        if self.reviews_due > 0 {
            parts.push(format!("{} due", plural(self.reviews_due, "review", "reviews")));
        }
        if self.agreements_due > 0 {
            parts.push(format!(
                "{} to review",
                plural(self.agreements_due, "agreement", "agreements")
            ));
        }
        if self.watermelons > 0 {
            parts.push(plural(self.watermelons, "watermelon", "watermelons"));
        }
        if self.touch_points_due > self.touch_points_overdue {
            parts.push(format!(
                "{} due this week",
                plural(self.touch_points_due, "touch point", "touch points")
            ));
        }
        if self.problem_flags > 0 {
            parts.push(if self.problem_flags == 1 {
                "1 service needs problem management".to_string()
            } else {
                format!("{} services need problem management", self.problem_flags)
            });
        }
        if self.problems_without_root_cause > 0 {
            parts.push(format!(
                "{} without a root cause for {} days",
                plural(self.problems_without_root_cause, "problem", "problems"),
                super::problem::NO_ROOT_CAUSE_DAYS
            ));
        }
        parts.join(" · ")
    }

    /// The line in short words for `width` columns: the non-zero counts in order — breaches,
    /// at risk, overdue touch points, actions, reviews, agreements, watermelons, then what is
    /// due — as many as fit, the rest summed as "+N more".
    pub fn fit(&self, width: usize) -> String {
        let mut parts: Vec<(usize, String)> = vec![(self.breaches_open, format!("{} breaches", self.breaches_open))];
        let mut add = |n: usize, text: String| {
            if n > 0 {
                parts.push((n, text));
            }
        };
        add(self.at_risk, format!("{} at risk", self.at_risk));
        add(
            self.touch_points_overdue,
            format!("{} touch overdue", self.touch_points_overdue),
        );
        add(
            self.actions_due,
            if self.actions_overdue > 0 {
                format!("{} actions ({} overdue)", self.actions_due, self.actions_overdue)
            } else {
                format!("{} actions this week", self.actions_due)
            },
        );
        add(self.reviews_due, plural(self.reviews_due, "review", "reviews"));
        add(
            self.agreements_due,
            plural(self.agreements_due, "agreement", "agreements"),
        );
        add(self.watermelons, plural(self.watermelons, "watermelon", "watermelons"));
        if self.touch_points_due > self.touch_points_overdue {
            add(self.touch_points_due, format!("{} touch due", self.touch_points_due));
        }
        add(self.problem_flags, format!("{} ⚑", self.problem_flags));
        add(
            self.problems_without_root_cause,
            format!("{} ▲ no root cause", self.problems_without_root_cause),
        );
        let mut out = String::new();
        for (i, (_, text)) in parts.iter().enumerate() {
            let rest: usize = parts[i + 1..].iter().map(|(n, _)| n).sum();
            let more = if rest > 0 {
                format!(" · +{rest} more")
            } else {
                String::new()
            };
            let with = if out.is_empty() {
                text.clone()
            } else {
                format!("{out} · {text}")
            };
            if with.chars().count() + more.chars().count() <= width || out.is_empty() {
                out = with;
            } else {
                let rest: usize = parts[i..].iter().map(|(n, _)| n).sum();
                out.push_str(&format!(" · +{rest} more"));
                return out;
            }
        }
        out
    }

    /// The line for a narrow terminal (80 columns).
    pub fn short_line(&self) -> String {
        self.fit(78)
    }
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

/// A service's credit this month so far: what is at risk, the tier it is in and how much
/// downtime is left before the next one.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CreditItem {
    pub service: String,
    pub month: String,
    pub currency: String,
    /// What is owed so far (after the cap and the minimum).
    pub at_risk: f64,
    /// The availability tier that applies (`below 99.9%: 10%`), if any.
    pub tier: Option<String>,
    /// The month's availability as the tiers read it (the whole month's window).
    pub availability: Option<f64>,
    pub next_tier: Option<String>,
    pub downtime_left_minutes: Option<i64>,
    /// Credits typed by hand on the month's breaches, which stand in for computed ones.
    pub typed_by_hand: usize,
    pub explanation: String,
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
    /// The numbers of what this agenda holds, with what a limited listing left out.
    pub fn count(&self) -> Counts {
        Counts {
            breaches_open: self.breaches.len() + self.left_out.breaches,
            at_risk: self.at_risk.len(),
            touch_points_overdue: self.touch_points_due.iter().filter(|d| d.overdue).count(),
            touch_points_due: self.touch_points_due.len(),
            actions_overdue: self.actions_due.iter().filter(|d| d.overdue).count() + self.left_out.actions_overdue,
            actions_due: self.actions_due.len() + self.left_out.actions,
            reviews_due: self.reviews_due.len() + self.left_out.reviews,
            agreements_due: self.agreements_due.len(),
            watermelons: self.watermelons.len(),
            problem_flags: self.problem_flags.len(),
            problems_without_root_cause: self.problems.iter().filter(|p| p.waiting_for_root_cause).count(),
        }
    }

    /// When tickets were last imported (what the SLA figures are only as fresh as).
    pub fn ticket_freshness(&self) -> Option<&Freshness> {
        self.freshness.iter().find(|f| f.kind == "tickets")
    }

    /// Counts what it holds and says it in one line: call once its lists are complete.
    pub fn finish(&mut self) {
        self.counts = self.count();
        self.summary = self.counts.line();
    }
}
