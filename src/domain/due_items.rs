//! What is due, and how the agenda says it: each kind of due work is a small set of facts the
//! store reads, turned here into an agenda item when it falls within the horizon. Pure: no
//! SQLite, no clock but the `today` given.

use chrono::{Duration, NaiveDate};

use super::agenda::{DueItem, describe, due_within, next_touch_due};

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A stakeholder, their cadence and their last touch.
pub struct TouchFacts {
    pub name: String,
    pub cadence_days: i64,
    pub channel: String,
    pub last_touch: Option<NaiveDate>,
    /// The services they receive, as one line.
    pub services: Option<String>,
}

impl TouchFacts {
    /// Due at the last touch plus the cadence; never contacted is due (and overdue) today.
    pub fn due_item(self, today: NaiveDate, horizon: i64) -> Option<DueItem> {
        let due = next_touch_due(self.last_touch, self.cadence_days, today);
        let d = due_within(due, today, horizon)?;
        let (cadence, channel) = (self.cadence_days, &self.channel);
        let detail = match self.last_touch {
            Some(l) => format!("{} by {channel}; every {cadence} days, last {l}", describe(&d)),
            None => format!("never contacted; every {cadence} days by {channel}"),
        };
        Some(DueItem {
            service: self.services,
            name: self.name,
            detail,
            due: due.to_string(),
            since: self.last_touch.map(|l| l.to_string()),
            in_days: d.in_days,
            overdue: d.overdue || self.last_touch.is_none(),
        })
    }
}

/// An action not done, with its due date.
pub struct ActionFacts {
    pub title: String,
    pub owner: String,
    pub due: String,
    pub service: Option<String>,
    /// The review it came from.
    pub review: Option<String>,
}

impl ActionFacts {
    pub fn due_item(self, today: NaiveDate, horizon: i64) -> Option<DueItem> {
        let d = parse_day(&self.due).and_then(|day| due_within(day, today, horizon))?;
        let owner = if self.owner.is_empty() { "no owner" } else { &self.owner };
        let from = self.review.map(|r| format!(", from {r}")).unwrap_or_default();
        Some(DueItem {
            service: self.service,
            detail: format!("{}; {owner}{from}", describe(&d)),
            name: self.title,
            due: self.due,
            since: None,
            in_days: d.in_days,
            overdue: d.overdue,
        })
    }
}

/// A review not yet held.
pub struct ReviewFacts {
    pub title: String,
    /// `pir` or `postmortem`.
    pub kind: String,
    pub due: String,
    pub service: String,
    /// The change or ticket it reviews.
    pub reference: Option<String>,
    /// When that change went in or that ticket was resolved (RFC 3339).
    pub since: Option<String>,
}

impl ReviewFacts {
    pub fn due_item(self, today: NaiveDate, horizon: i64) -> Option<DueItem> {
        let d = parse_day(&self.due).and_then(|day| due_within(day, today, horizon))?;
        let what = if self.kind == "pir" {
            "post-implementation review"
        } else {
            "post-mortem"
        };
        Some(DueItem {
            service: Some(self.service),
            name: self.reference.unwrap_or_else(|| self.title.clone()),
            detail: format!("{what} {}: {}", describe(&d), self.title),
            due: self.due,
            since: self.since,
            in_days: d.in_days,
            overdue: d.overdue,
        })
    }
}

/// A service's agreement: its review date, its end and the notice it needs.
pub struct AgreementFacts {
    pub service: String,
    /// `dou`, `sla`, `contract`, ...
    pub kind: String,
    pub reference: String,
    pub review: Option<String>,
    pub end: Option<String>,
    pub notice_days: Option<i64>,
}

impl AgreementFacts {
    /// The agreement's review when it falls due, and the last day to give notice before an end
    /// still to come.
    pub fn due_items(self, today: NaiveDate, horizon: i64) -> Vec<DueItem> {
        let label = if self.reference.is_empty() {
            self.kind.to_uppercase()
        } else {
            self.reference.clone()
        };
        let mut items = Vec::new();
        if let Some(day) = self.review.as_deref().and_then(parse_day)
            && let Some(d) = due_within(day, today, horizon)
        {
            items.push(DueItem {
                service: Some(self.service.clone()),
                name: label.clone(),
                detail: format!("agreement review {}", describe(&d)),
                due: day.to_string(),
                since: None,
                in_days: d.in_days,
                overdue: d.overdue,
            });
        }
        if let Some(end_day) = self.end.as_deref().and_then(parse_day)
            && end_day >= today
        {
            let notice = self.notice_days.unwrap_or(0);
            let notice_day = notice_day(end_day, self.notice_days);
            if let Some(d) = due_within(notice_day, today, horizon) {
                items.push(DueItem {
                    service: Some(self.service),
                    name: label,
                    detail: format!("ends {end_day}; notice ({notice} days) {}", describe(&d)),
                    due: notice_day.to_string(),
                    since: None,
                    in_days: d.in_days,
                    overdue: d.overdue,
                });
            }
        }
        items
    }
}

/// How far ahead the Services pane shows an agreement's notice day: a renewal talk needs
/// lead time.
pub const NOTICE_AHEAD_DAYS: i64 = 90;

/// An agreement's notice day as the Services pane shows it: `in 12d`, `today`, `passed` (the
/// end is still to come but notice can no longer be given), or nothing.
pub fn notice_text(end: Option<NaiveDate>, notice_days: Option<i64>, today: NaiveDate) -> String {
    match notice_in(end, notice_days, today) {
        Some(d) if d < 0 => "passed".into(),
        Some(0) => "today".into(),
        Some(d) if d <= NOTICE_AHEAD_DAYS => format!("in {d}d"),
        _ => String::new(),
    }
}

/// Days until an agreement's last day to give notice (negative once passed), while its end is
/// still to come.
pub fn notice_in(end: Option<NaiveDate>, notice_days: Option<i64>, today: NaiveDate) -> Option<i64> {
    let end = end.filter(|e| *e >= today)?;
    Some((notice_day(end, notice_days) - today).num_days())
}

/// An agreement's last day to give notice: its end less the notice period (none given: the
/// end itself).
pub fn notice_day(end: NaiveDate, notice_days: Option<i64>) -> NaiveDate {
    end - Duration::days(notice_days.unwrap_or(0))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        parse_day(s).unwrap()
    }

    #[test]
    fn never_contacted_is_overdue_today() {
        let t = TouchFacts {
            name: "Ann".into(),
            cadence_days: 14,
            channel: "call".into(),
            last_touch: None,
            services: None,
        };
        let item = t.due_item(day("2026-11-22"), 7).unwrap();
        assert!(item.overdue);
        assert_eq!(item.due, "2026-11-22");
        assert_eq!(item.detail, "never contacted; every 14 days by call");
    }

    #[test]
    fn the_panes_notice_says_how_far_off_it_is() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let today = d("2026-12-03");
        assert_eq!(notice_text(Some(d("2027-03-15")), Some(90), today), "in 12d");
        assert_eq!(notice_text(Some(d("2027-03-03")), Some(90), today), "today");
        assert_eq!(notice_text(Some(d("2027-01-03")), Some(90), today), "passed");
        assert_eq!(notice_text(Some(d("2026-12-01")), Some(90), today), "", "ended");
        assert_eq!(notice_text(Some(d("2028-01-01")), Some(90), today), "", "far off");
        assert_eq!(notice_text(None, Some(90), today), "");
    }

    #[test]
    fn notice_falls_due_before_the_end_and_not_after_it() {
        let a = |end: &str| AgreementFacts {
            service: "Payroll".into(),
            kind: "dou".into(),
            reference: String::new(),
            review: None,
            end: Some(end.into()),
            notice_days: Some(30),
        };
        let items = a("2026-12-25").due_items(day("2026-11-22"), 7);
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].name, "DOU");
        assert_eq!(items[0].due, "2026-11-25");
        assert!(
            a("2026-11-21").due_items(day("2026-11-22"), 7).is_empty(),
            "ended already"
        );
        assert!(
            a("2027-03-01").due_items(day("2026-11-22"), 7).is_empty(),
            "notice far off"
        );
    }

    #[test]
    fn an_action_beyond_the_horizon_is_not_due() {
        let a = |due: &str| ActionFacts {
            title: "Fix".into(),
            owner: String::new(),
            due: due.into(),
            service: None,
            review: Some("PIR CHG1".into()),
        };
        assert!(a("2026-12-30").due_item(day("2026-11-22"), 7).is_none());
        let item = a("2026-11-20").due_item(day("2026-11-22"), 7).unwrap();
        assert_eq!(item.detail, "2 days overdue; no owner, from PIR CHG1");
        assert!(item.overdue);
    }
}
