//! Public holidays for the demo calendars, computed for any year.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Easter Sunday (the anonymous Gregorian algorithm).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// Dutch public holidays of a year.
pub fn netherlands(year: i32) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let d = |m, day| NaiveDate::from_ymd_opt(year, m, day);
    out.extend(d(1, 1));
    if let Some(e) = easter(year) {
        out.push(e - Duration::days(2)); // Good Friday
        out.push(e + Duration::days(1)); // Easter Monday
        out.push(e + Duration::days(39)); // Ascension Day
        out.push(e + Duration::days(50)); // Whit Monday
    }
    // King's Day, a day earlier when it falls on a Sunday.
    if let Some(k) = d(4, 27) {
        out.push(if k.weekday() == Weekday::Sun {
            k - Duration::days(1)
        } else {
            k
        });
    }
    out.extend(d(12, 25));
    out.extend(d(12, 26));
    out
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u8) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// US federal holidays a New York office keeps.
pub fn united_states(year: i32) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    out.extend(NaiveDate::from_ymd_opt(year, 1, 1));
    out.extend(nth_weekday(year, 1, Weekday::Mon, 3)); // Martin Luther King Jr. Day
    out.extend(nth_weekday(year, 5, Weekday::Mon, 5).or_else(|| nth_weekday(year, 5, Weekday::Mon, 4))); // Memorial Day
    out.extend(NaiveDate::from_ymd_opt(year, 7, 4));
    out.extend(nth_weekday(year, 9, Weekday::Mon, 1)); // Labor Day
    out.extend(nth_weekday(year, 11, Weekday::Thu, 4)); // Thanksgiving
    out.extend(NaiveDate::from_ymd_opt(year, 12, 25));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(easter(2026), NaiveDate::from_ymd_opt(2026, 4, 5));
        assert_eq!(easter(2027), NaiveDate::from_ymd_opt(2027, 3, 28));
        let nl = netherlands(2026);
        assert!(
            nl.contains(&NaiveDate::from_ymd_opt(2026, 4, 6).unwrap()),
            "Easter Monday"
        );
        assert!(
            nl.contains(&NaiveDate::from_ymd_opt(2026, 4, 27).unwrap()),
            "King's Day"
        );
        let us = united_states(2026);
        assert!(
            us.contains(&NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()),
            "Thanksgiving"
        );
        assert!(
            us.contains(&NaiveDate::from_ymd_opt(2026, 5, 25).unwrap()),
            "Memorial Day"
        );
    }
}
