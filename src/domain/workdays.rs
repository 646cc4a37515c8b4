//! Counting working days, for due dates such as "5 working days after the change".

use chrono::{Datelike, NaiveDate};

use super::model::CalendarRecord;

/// The date `n` working days after `start` (`start` itself does not count).
/// Gives up after ten years without enough working days, returning the date reached.
pub fn add_working_days(start: NaiveDate, n: i64, is_working: impl Fn(NaiveDate) -> bool) -> NaiveDate {
    let mut day = start;
    let mut left = n;
    let mut steps = 0;
    while left > 0 && steps < 3660 {
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
        steps += 1;
        if is_working(day) {
            left -= 1;
        }
    }
    day
}

/// Whether a calendar has working time on `day`: a weekday with hours, not a holiday.
/// A calendar without any hours (the `24x7` one) works every day.
pub fn is_working_day(calendar: &CalendarRecord, day: NaiveDate) -> bool {
    if calendar.holidays.contains(&day) {
        return false;
    }
    if calendar.hours.values().all(|ranges| ranges.is_empty()) {
        return true;
    }
    let key = match day.weekday() {
        chrono::Weekday::Mon => "mon",
        chrono::Weekday::Tue => "tue",
        chrono::Weekday::Wed => "wed",
        chrono::Weekday::Thu => "thu",
        chrono::Weekday::Fri => "fri",
        chrono::Weekday::Sat => "sat",
        chrono::Weekday::Sun => "sun",
    };
    calendar.hours.get(key).is_some_and(|r| !r.is_empty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn office() -> CalendarRecord {
        let week = ["mon", "tue", "wed", "thu", "fri"];
        CalendarRecord {
            id: "c".into(),
            name: "Office NL".into(),
            timezone: "Europe/Amsterdam".into(),
            hours: week
                .iter()
                .map(|k| (k.to_string(), vec!["08:00-18:00".to_string()]))
                .collect(),
            holidays: vec![d("2026-12-25"), d("2026-12-28")],
        }
    }

    #[test]
    fn five_working_days_skip_weekends_and_holidays() {
        let cal = office();
        // Monday 2026-11-23 + 5 working days = Monday 2026-11-30.
        assert_eq!(
            add_working_days(d("2026-11-23"), 5, |x| is_working_day(&cal, x)),
            d("2026-11-30")
        );
        // Friday 2026-11-27 + 5 = Friday 2026-12-04.
        assert_eq!(
            add_working_days(d("2026-11-27"), 5, |x| is_working_day(&cal, x)),
            d("2026-12-04")
        );
        // Wednesday 2026-12-23 + 5: Thu 24, (Fri 25 holiday), (Mon 28 holiday), Tue 29, Wed 30, Thu 31, Fri 1 Jan.
        assert_eq!(
            add_working_days(d("2026-12-23"), 5, |x| is_working_day(&cal, x)),
            d("2027-01-01")
        );
        let always = CalendarRecord {
            hours: Default::default(),
            holidays: vec![],
            ..office()
        };
        assert_eq!(
            add_working_days(d("2026-11-27"), 5, |x| is_working_day(&always, x)),
            d("2026-12-02")
        );
        let never = |_d: NaiveDate| false;
        assert!(
            add_working_days(d("2026-01-01"), 5, never) > d("2035-01-01"),
            "gives up, does not hang"
        );
    }
}
