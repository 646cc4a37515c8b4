//! The period a service review covers: a month, a quarter or a year, written as on the
//! command line and in the review prompt (`2026-11`, `2026-Q4`, `2026`).

use chrono::{Datelike, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Month(i32, u32),
    /// Year and quarter (1–4).
    Quarter(i32, u32),
    Year(i32),
}

/// What a period may be written as, for messages.
pub const PERIOD_FORMS: &str = "a month (2026-11), a quarter (2026-Q4) or a year (2026)";

impl Period {
    /// Reads `2026-11`, `2026-Q4` (or `2026-q4`, `2026Q4`) and `2026`.
    pub fn parse(text: &str) -> Option<Period> {
        let t = text.trim();
        let year = |y: &str| -> Option<i32> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .then(|| y.parse().ok())
                .flatten()
                .filter(|y| (1970..=9999).contains(y))
        };
        if let Some(y) = year(t) {
            return Some(Period::Year(y));
        }
        let upper = t.to_ascii_uppercase();
        if let Some((y, q)) = upper.split_once('Q') {
            let y = year(y.trim_end_matches('-'))?;
            let q: u32 = q.parse().ok()?;
            return (1..=4).contains(&q).then_some(Period::Quarter(y, q));
        }
        let (y, m) = t.split_once('-')?;
        let m: u32 = (m.len() == 2).then(|| m.parse().ok()).flatten()?;
        (1..=12).contains(&m).then_some(Period::Month(year(y)?, m))
    }

    /// The months of the period, in order.
    pub fn months(&self) -> Vec<(i32, u32)> {
        match *self {
            Period::Month(y, m) => vec![(y, m)],
            Period::Quarter(y, q) => (1..=3).map(|i| (y, (q - 1) * 3 + i)).collect(),
            Period::Year(y) => (1..=12).map(|m| (y, m)).collect(),
        }
    }

    /// The first day of the period.
    pub fn first_day(&self) -> NaiveDate {
        let (y, m) = self.months().first().copied().unwrap_or((1970, 1));
        NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default()
    }

    /// The first day after the period.
    pub fn end_day(&self) -> NaiveDate {
        self.next().first_day()
    }

    /// The period that follows, of the same length.
    pub fn next(&self) -> Period {
        match *self {
            Period::Month(y, 12) => Period::Month(y + 1, 1),
            Period::Month(y, m) => Period::Month(y, m + 1),
            Period::Quarter(y, 4) => Period::Quarter(y + 1, 1),
            Period::Quarter(y, q) => Period::Quarter(y, q + 1),
            Period::Year(y) => Period::Year(y + 1),
        }
    }

    /// "month", "quarter" or "year".
    pub fn noun(&self) -> &'static str {
        match self {
            Period::Month(..) => "month",
            Period::Quarter(..) => "quarter",
            Period::Year(_) => "year",
        }
    }

    /// The last month that ended before `today`: the review an SDM writes at a month's start.
    pub fn last_complete_month(today: NaiveDate) -> Period {
        let (y, m) = month_before(today);
        Period::Month(y, m)
    }
}

/// The year and month before `date`'s month.
pub fn month_before(date: NaiveDate) -> (i32, u32) {
    match (date.year(), date.month()) {
        (y, 1) => (y - 1, 12),
        (y, m) => (y, m - 1),
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            Period::Quarter(y, q) => write!(f, "{y:04}-Q{q}"),
            Period::Year(y) => write!(f, "{y:04}"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms_read_and_print_back() {
        for (text, period) in [
            ("2026-11", Period::Month(2026, 11)),
            ("2026-Q4", Period::Quarter(2026, 4)),
            ("2026", Period::Year(2026)),
        ] {
            assert_eq!(Period::parse(text), Some(period));
            assert_eq!(period.to_string(), text);
        }
        assert_eq!(Period::parse(" 2026-q1 "), Some(Period::Quarter(2026, 1)));
        assert_eq!(Period::parse("2026Q2"), Some(Period::Quarter(2026, 2)));
        for bad in [
            "2026-13", "2026-Q5", "26-11", "2026-1", "november", "", "2026-Q0", "20266",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn months_bounds_and_the_next_period() {
        let q4 = Period::Quarter(2026, 4);
        assert_eq!(q4.months(), vec![(2026, 10), (2026, 11), (2026, 12)]);
        assert_eq!(q4.first_day(), NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(q4.end_day(), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(Period::Month(2026, 12).next(), Period::Month(2027, 1));
        assert_eq!(Period::Year(2026).months().len(), 12);
        assert_eq!(
            Period::last_complete_month(NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()),
            Period::Month(2026, 11)
        );
        assert_eq!(
            Period::last_complete_month(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
            Period::Month(2026, 12)
        );
    }
}
