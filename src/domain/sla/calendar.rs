//! Business-hours calendars: working hours per weekday in a time zone, and holidays.
//!
//! Two operations, exact to the second and right across daylight-saving changes: the working
//! time between two instants, and the instant at which a given working time has elapsed.
//! A working range is turned into instants through the zone each day: a local time the
//! clocks skip counts from the first instant after the gap, and an hour the clocks repeat
//! counts twice, as the wall time that really passed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::timeline::Timeline;

/// How many dates `add_working` looks through before giving up (a calendar with almost no
/// hours).
const MAX_DAYS: i64 = 3660;

/// How far past what it has laid out a calendar extends it, whatever else, rather than start
/// over at the question (a queue's tickets, asked about in any order, span a few years).
const FORWARD_GAP_DAYS: i64 = 3 * 366;

/// How many dates `add_working` lays out at a time when it has to look further ahead.
const LAY_OUT_AHEAD: i64 = 31;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("bad time range \"{0}\": use HH:MM-HH:MM, e.g. 08:00-18:00")]
    BadRange(String),
    #[error("bad time range \"{0}\": the end must be after the start (use HH:MM-HH:MM, e.g. 08:00-18:00)")]
    EndBeforeStart(String),
    #[error("time ranges {0} and {1} overlap")]
    Overlap(String, String),
    #[error("unknown day \"{0}\": use mon, tue, wed, thu, fri, sat, sun")]
    BadDay(String),
    #[error("unknown time zone \"{0}\": use an IANA name such as Europe/Amsterdam")]
    BadZone(String),
}

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Working ranges per weekday (Monday first), in seconds from local midnight, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeekHours {
    pub days: [Vec<(u32, u32)>; 7],
}

impl WeekHours {
    /// Parses `"08:00-18:00"`; the end may be `24:00`.
    pub fn parse_range(text: &str) -> Result<(u32, u32), CalendarError> {
        let bad = || CalendarError::BadRange(text.to_string());
        let (a, b) = text.trim().split_once('-').ok_or_else(bad)?;
        let secs = |s: &str| -> Option<u32> {
            let (h, m) = s.trim().split_once(':')?;
            if h.is_empty() || m.len() != 2 || h.len() > 2 {
                return None;
            }
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            if m >= 60 || h > 24 || (h == 24 && m != 0) {
                return None;
            }
            Some(h * 3600 + m * 60)
        };
        let (start, end) = (secs(a).ok_or_else(bad)?, secs(b).ok_or_else(bad)?);
        if end <= start {
            return Err(CalendarError::EndBeforeStart(text.trim().to_string()));
        }
        Ok((start, end))
    }

    /// From the stored / portfolio form `{"mon": ["08:00-18:00"], ...}`.
    pub fn from_map(map: &BTreeMap<String, Vec<String>>) -> Result<WeekHours, CalendarError> {
        let mut week = WeekHours::default();
        for (day, ranges) in map {
            let i = DAYS
                .iter()
                .position(|d| d.eq_ignore_ascii_case(day.trim()))
                .ok_or_else(|| CalendarError::BadDay(day.clone()))?;
            let mut parsed: Vec<((u32, u32), &String)> = Vec::new();
            for r in ranges {
                parsed.push((WeekHours::parse_range(r)?, r));
            }
            parsed.sort();
            for pair in parsed.windows(2) {
                if pair[1].0.0 < pair[0].0.1 {
                    return Err(CalendarError::Overlap(pair[0].1.clone(), pair[1].1.clone()));
                }
            }
            week.days[i] = parsed.into_iter().map(|(r, _)| r).collect();
        }
        Ok(week)
    }

    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }
}

/// A calendar: a zone, working hours per weekday, holidays; or `24x7` (all time works).
/// Its terms are fixed once made (the fields are read through methods), so the working time
/// it lays out over a run of dates is kept and reused: a ticket open for months, evaluated
/// again and again, costs two binary searches, not a walk over its days.
pub struct Calendar {
    pub name: String,
    tz: Tz,
    hours: WeekHours,
    holidays: BTreeSet<NaiveDate>,
    always: bool,
    /// The working time laid out so far, kept between calls.
    timeline: std::sync::Mutex<Timeline>,
}

impl std::fmt::Debug for Calendar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Calendar")
            .field("name", &self.name)
            .field("tz", &self.tz)
            .field("hours", &self.hours)
            .field("holidays", &self.holidays)
            .field("always", &self.always)
            .finish_non_exhaustive()
    }
}

impl Clone for Calendar {
    fn clone(&self) -> Calendar {
        Calendar {
            name: self.name.clone(),
            tz: self.tz,
            hours: self.hours.clone(),
            holidays: self.holidays.clone(),
            always: self.always,
            timeline: Default::default(),
        }
    }
}

/// How many dates' working time a calendar lays out (about 27 years) before it starts over
/// around what is asked; a single question over a longer run, or a deadline far ahead, lays
/// out more.
const KEPT_DAYS: i64 = 10_000;

impl Calendar {
    /// The built-in `24x7`: all time is working time.
    pub fn always_on() -> Calendar {
        Calendar {
            name: "24x7".into(),
            tz: Tz::UTC,
            hours: WeekHours::default(),
            holidays: BTreeSet::new(),
            always: true,
            timeline: Default::default(),
        }
    }

    /// A calendar; one without any working hours and holidays is taken as 24x7.
    pub fn new(name: &str, tz_name: &str, hours: WeekHours, holidays: &[NaiveDate]) -> Result<Calendar, CalendarError> {
        let tz: Tz = tz_name
            .trim()
            .parse()
            .map_err(|_| CalendarError::BadZone(tz_name.to_string()))?;
        let always = hours.is_empty() && holidays.is_empty();
        Ok(Calendar {
            name: name.to_string(),
            tz,
            hours,
            holidays: holidays.iter().copied().collect(),
            always,
            timeline: Default::default(),
        })
    }

    pub fn is_always(&self) -> bool {
        self.always
    }

    /// The zone its hours are in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The local date of an instant in the calendar's zone.
    pub fn local_date(&self, t: i64) -> NaiveDate {
        DateTime::<Utc>::from_timestamp(t, 0)
            .map(|u| u.with_timezone(&self.tz).date_naive())
            .unwrap_or_default()
    }

    /// The instant of local midnight starting `date` (the first instant of the day).
    pub fn day_start(&self, date: NaiveDate) -> i64 {
        self.local_instant(date, 0, true)
    }

    /// Local `date` at `secs` past midnight as an instant. In a gap the first instant after
    /// it; in a repeated hour the earlier (`early`) or the later one.
    fn local_instant(&self, date: NaiveDate, secs: u32, early: bool) -> i64 {
        if secs >= 86_400 {
            return match date.succ_opt() {
                Some(next) => self.local_instant(next, 0, early),
                None => i64::MAX / 4,
            };
        }
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap_or(NaiveTime::MIN);
        let naive = date.and_time(time);
        match self.tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => t.timestamp(),
            LocalResult::Ambiguous(a, b) => {
                if early {
                    a.timestamp().min(b.timestamp())
                } else {
                    a.timestamp().max(b.timestamp())
                }
            }
            LocalResult::None => {
                // Skipped by the clocks: walk forward to the first local time that exists.
                let mut probe = naive;
                for _ in 0..(4 * 60) {
                    probe += Duration::minutes(1);
                    if let Some(t) = self.tz.from_local_datetime(&probe).earliest() {
                        return t.timestamp();
                    }
                }
                Utc.from_utc_datetime(&naive).timestamp()
            }
        }
    }

    /// Answers `answer` from the working time laid out over the dates `from ..= to` at least:
    /// the kept timeline, extended (or started over further back, or afresh when it would
    /// grow past [`KEPT_DAYS`]). A poisoned lock, after a panic elsewhere while it was held,
    /// only loses what was kept.
    fn laid_out<R>(&self, from: NaiveDate, to: NaiveDate, answer: impl FnOnce(&Calendar, &mut Timeline) -> R) -> R {
        let mut kept = self.timeline.lock().ok();
        let mut owned = Timeline::default();
        let line = match kept.as_deref_mut() {
            Some(line) => line,
            None => &mut owned,
        };
        if !line.covers(from, to) {
            match (line.first(), line.last()) {
                // Forward: what is laid out stays (questions in any order over a few years lay
                // out each date once), unless the gap to fill is longer than that and than both
                // what is laid out and the question (one old question, then today's).
                (Some(first), Some(last))
                    if first <= from
                        && (to - first).num_days() < KEPT_DAYS
                        && (to - last).num_days() <= line.days().max((to - from).num_days()).max(FORWARD_GAP_DAYS) => {}
                (Some(first), Some(last)) if from < first => {
                    // Further back than what is laid out: start over twice as far back, so a
                    // run of ever older starts lays out each date a few times at most.
                    let back = first.checked_sub_signed(Duration::days(line.days()));
                    let start = back.map_or(from, |back| from.min(back));
                    line.restart(if (to.max(last) - start).num_days() < KEPT_DAYS {
                        start
                    } else {
                        from
                    });
                }
                _ => line.restart(from),
            }
            line.extend(to, |d| self.day_intervals(d));
        }
        answer(self, line)
    }

    /// The working intervals of a local date, as instants (empty on holidays), merged as
    /// instants: on a day the clocks go back, a range ending in the repeated hour ends at its
    /// later instance and the next range starts at the earlier one, and the hour they share
    /// counts once — the wall time that really passed.
    fn day_intervals(&self, date: NaiveDate) -> Vec<(i64, i64)> {
        let ranges: &[(u32, u32)] = if self.holidays.contains(&date) {
            &[]
        } else {
            &self.hours.days[date.weekday().num_days_from_monday() as usize]
        };
        let mut out: Vec<(i64, i64)> = Vec::with_capacity(ranges.len());
        for &(s, e) in ranges {
            let (a, b) = (self.local_instant(date, s, true), self.local_instant(date, e, false));
            if b <= a {
                continue;
            }
            match out.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => out.push((a, b)),
            }
        }
        out
    }

    /// Working seconds in `[from, to)`; zero when `to <= from`.
    pub fn working_seconds(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        if self.always {
            return to - from;
        }
        let (first, last) = (
            self.local_date(from).pred_opt().unwrap_or_default(),
            self.local_date(to),
        );
        if last < first {
            // An instant out of the calendar's range of dates.
            return 0;
        }
        self.laid_out(first, last, |_, line| line.worked_before(to) - line.worked_before(from))
    }

    /// The instant at which `secs` of working time has elapsed from `from`; `None` when the
    /// calendar has no working time in the next ten years.
    pub fn add_working(&self, from: i64, secs: i64) -> Option<i64> {
        if secs <= 0 {
            return Some(from);
        }
        if self.always {
            return from.checked_add(secs);
        }
        let day = self.local_date(from);
        let first = day.pred_opt()?;
        let limit = first
            .checked_add_signed(Duration::days(MAX_DAYS - 1))
            .unwrap_or(NaiveDate::MAX);
        self.laid_out(first, day, |cal, line| {
            let worked = line.worked_before(from).checked_add(secs)?;
            loop {
                if let Some(t) = line.instant_of(worked) {
                    // Laid out further by an earlier question: past the dates it may look
                    // through, there is no deadline.
                    return (cal.local_date(t - 1) <= limit).then_some(t);
                }
                let last = line.last()?;
                if last >= limit {
                    return None;
                }
                let ahead = last.checked_add_signed(Duration::days(LAY_OUT_AHEAD)).unwrap_or(limit);
                line.extend(ahead.min(limit), |d| cal.day_intervals(d));
            }
        })
    }

    /// Whether `t` falls inside working time.
    pub fn is_working(&self, t: i64) -> bool {
        self.working_seconds(t, t + 1) == 1
    }

    /// The instants of the local days from `from` to `to`, with their working intervals: the
    /// raw material of a clock's timeline.
    pub fn days_between(&self, from: i64, to: i64) -> Vec<CalendarDay> {
        let mut out = Vec::new();
        let mut date = self.local_date(from);
        let last = self.local_date(to);
        let mut guard = 0;
        while date <= last && guard < 400 {
            guard += 1;
            let kind = if self.always {
                DayKind::Working
            } else if self.holidays.contains(&date) {
                DayKind::Holiday
            } else if self.hours.days[date.weekday().num_days_from_monday() as usize].is_empty() {
                DayKind::NoHours
            } else {
                DayKind::Working
            };
            let intervals: Vec<(i64, i64)> = if self.always {
                let (a, b) = (
                    self.day_start(date),
                    date.succ_opt().map(|d| self.day_start(d)).unwrap_or(to),
                );
                vec![(a.max(from), b.min(to))]
            } else {
                self.day_intervals(date)
                    .into_iter()
                    .map(|(a, b)| (a.max(from), b.min(to)))
                    .filter(|(a, b)| b > a)
                    .collect()
            };
            out.push((date, kind, intervals));
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        out
    }
}

/// A local date, what kind of day it is, and its working intervals as instants.
pub type CalendarDay = (NaiveDate, DayKind, Vec<(i64, i64)>);

/// What kind of day a calendar says a date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    Working,
    Holiday,
    /// A weekday without working hours (a weekend, in most calendars).
    NoHours,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    pub fn office(zone: &str, holidays: &[&str]) -> Calendar {
        let mut map = BTreeMap::new();
        for d in ["mon", "tue", "wed", "thu", "fri"] {
            map.insert(d.to_string(), vec!["08:00-18:00".to_string()]);
        }
        let hol: Vec<NaiveDate> = holidays.iter().map(|h| h.parse().unwrap()).collect();
        Calendar::new("Office", zone, WeekHours::from_map(&map).unwrap(), &hol).unwrap()
    }

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    #[test]
    fn ranges_parse_and_refuse() {
        assert_eq!(WeekHours::parse_range("08:00-18:00"), Ok((8 * 3600, 18 * 3600)));
        assert_eq!(WeekHours::parse_range("13:00-24:00"), Ok((13 * 3600, 86_400)));
        assert!(matches!(
            WeekHours::parse_range("18:00-08:00"),
            Err(CalendarError::EndBeforeStart(_))
        ));
        for bad in [
            "8-18",
            "08:00",
            "25:00-26:00",
            "08:60-09:00",
            "24:30-25:00",
            "ab:cd-ef:gh",
        ] {
            assert!(WeekHours::parse_range(bad).is_err(), "{bad}");
        }
        let mut map = BTreeMap::new();
        map.insert(
            "mon".to_string(),
            vec!["08:00-12:00".to_string(), "11:00-13:00".to_string()],
        );
        assert!(matches!(WeekHours::from_map(&map), Err(CalendarError::Overlap(_, _))));
        let mut map = BTreeMap::new();
        map.insert("funday".to_string(), vec!["08:00-12:00".to_string()]);
        assert!(matches!(WeekHours::from_map(&map), Err(CalendarError::BadDay(_))));
        assert!(Calendar::new("x", "Europe/Amsterdm", WeekHours::default(), &[]).is_err());
    }

    #[test]
    fn a_friday_afternoon_p2_is_due_monday_morning() {
        // Opened Friday 2026-11-20 16:30 Amsterdam (15:30 UTC), 4h of Mon-Fri 08:00-18:00:
        // 1h30 on Friday, 2h30 on Monday from 08:00 = Monday 10:30 local (09:30 UTC).
        let cal = office("Europe/Amsterdam", &[]);
        let due = cal.add_working(at("2026-11-20T15:30:00Z"), 4 * 3600).unwrap();
        assert_eq!(due, at("2026-11-23T09:30:00Z"));
        assert_eq!(cal.working_seconds(at("2026-11-20T15:30:00Z"), due), 4 * 3600);
        // With Monday a holiday, Tuesday 10:30.
        let cal = office("Europe/Amsterdam", &["2026-11-23"]);
        assert_eq!(
            cal.add_working(at("2026-11-20T15:30:00Z"), 4 * 3600),
            Some(at("2026-11-24T09:30:00Z"))
        );
    }

    #[test]
    fn daylight_saving_days_count_the_hours_that_really_pass() {
        // A 24-hour calendar in Amsterdam: 29 March 2026 has 23 hours, 25 October 2026 has 25.
        let mut map = BTreeMap::new();
        for d in DAYS {
            map.insert(d.to_string(), vec!["00:00-24:00".to_string()]);
        }
        let cal = Calendar::new(
            "All day NL",
            "Europe/Amsterdam",
            WeekHours::from_map(&map).unwrap(),
            &[],
        )
        .unwrap();
        let spring = cal.day_start("2026-03-29".parse().unwrap());
        let next = cal.day_start("2026-03-30".parse().unwrap());
        assert_eq!(next - spring, 23 * 3600);
        assert_eq!(cal.working_seconds(spring, next), 23 * 3600);
        let autumn = cal.day_start("2026-10-25".parse().unwrap());
        let next = cal.day_start("2026-10-26".parse().unwrap());
        assert_eq!(cal.working_seconds(autumn, next), 25 * 3600);
        // New York: second Sunday of March and first Sunday of November.
        let ny = Calendar::new(
            "All day NY",
            "America/New_York",
            WeekHours::from_map(&map).unwrap(),
            &[],
        )
        .unwrap();
        let d = |s: &str| ny.day_start(s.parse().unwrap());
        assert_eq!(ny.working_seconds(d("2026-03-08"), d("2026-03-09")), 23 * 3600);
        assert_eq!(ny.working_seconds(d("2026-11-01"), d("2026-11-02")), 25 * 3600);
        // Office hours are untouched by a change at night: Friday to Monday across the spring change.
        let office = office("Europe/Amsterdam", &[]);
        assert_eq!(
            office.working_seconds(at("2026-03-27T16:00:00Z"), at("2026-03-30T08:00:00Z")),
            3600 + 2 * 3600
        );
    }

    #[test]
    fn always_on_is_wall_time() {
        let cal = Calendar::always_on();
        assert_eq!(cal.working_seconds(100, 5000), 4900);
        assert_eq!(cal.add_working(100, 4900), Some(5000));
        assert!(cal.is_always());
    }

    #[test]
    fn a_calendar_without_hours_but_with_holidays_never_works() {
        let cal = Calendar::new("Closed", "UTC", WeekHours::default(), &["2026-01-01".parse().unwrap()]).unwrap();
        assert_eq!(cal.working_seconds(0, 1_000_000), 0);
        assert_eq!(cal.add_working(0, 60), None);
    }

    #[test]
    fn kept_intervals_give_what_a_fresh_calendar_works_out() {
        // A split day meeting inside the autumn's repeated hour, and a holiday on a change day.
        let mut map = BTreeMap::new();
        for d in ["mon", "tue", "wed", "thu", "fri"] {
            map.insert(
                d.to_string(),
                vec!["08:00-12:00".to_string(), "13:00-18:00".to_string()],
            );
        }
        map.insert(
            "sun".to_string(),
            vec!["01:00-02:30".to_string(), "02:30-04:00".to_string()],
        );
        let hours = WeekHours::from_map(&map).unwrap();
        let holidays = ["2026-03-29".parse().unwrap(), "2026-12-25".parse().unwrap()];
        let fresh = || Calendar::new("Split", "Europe/Amsterdam", hours.clone(), &holidays).unwrap();
        let warm = fresh();
        let start = at("2026-01-01T00:00:00Z");
        let mut seed: u64 = 7;
        for _ in 0..300 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let from = start + (seed >> 33) as i64 % (365 * 86_400);
            let to = from + (seed >> 17) as i64 % (90 * 86_400);
            let secs = warm.working_seconds(from, to);
            assert_eq!(secs, fresh().working_seconds(from, to), "{from}..{to}");
            assert_eq!(
                warm.add_working(from, secs),
                fresh().add_working(from, secs),
                "{from} + {secs}"
            );
        }
        // A run longer than a calendar lays out at once still adds up, and is asked again.
        let (a, b) = (at("2000-01-01T00:00:00Z"), at("2031-01-01T00:00:00Z"));
        let mid = at("2016-01-01T00:00:00Z");
        let whole = warm.working_seconds(a, b);
        assert_eq!(whole, fresh().working_seconds(a, mid) + fresh().working_seconds(mid, b));
        assert_eq!(warm.working_seconds(a, b), whole, "again, from what it kept");
    }

    /// Working time as it was worked out before it was laid out: one date after another.
    fn walked_seconds(cal: &Calendar, from: i64, to: i64) -> i64 {
        let mut total = 0;
        let mut counted_to = from;
        let mut date = cal.local_date(from).pred_opt().unwrap();
        while date <= cal.local_date(to) {
            for (a, b) in cal.day_intervals(date) {
                let (a, b) = (a.max(counted_to), b.min(to));
                if b > a {
                    total += b - a;
                    counted_to = b;
                }
            }
            date = date.succ_opt().unwrap();
        }
        total
    }

    /// The instant `secs` of working time run out, one date after another.
    fn walked_deadline(cal: &Calendar, from: i64, secs: i64) -> i64 {
        let (mut left, mut counted_to) = (secs, from);
        let mut date = cal.local_date(from).pred_opt().unwrap();
        loop {
            for (a, b) in cal.day_intervals(date) {
                let a = a.max(counted_to);
                if b <= a {
                    continue;
                }
                if left <= b - a {
                    return a + left;
                }
                left -= b - a;
                counted_to = b;
            }
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn laid_out_working_time_is_what_walking_the_dates_gives_in_any_order_of_asking() {
        // Split days meeting inside the repeated hour, a 30-minute shift, a half-hour zone,
        // holidays on and beside a change date, and ranges up to midnight.
        let zones: [(&str, [&str; 2], &[&str]); 4] = [
            (
                "Europe/Amsterdam",
                ["01:00-02:30", "02:30-04:00"],
                &["2026-03-29", "2026-10-26"],
            ),
            ("America/New_York", ["00:30-01:45", "01:45-03:00"], &["2026-11-02"]),
            ("Australia/Lord_Howe", ["01:00-01:45", "01:45-03:00"], &["2026-04-06"]),
            ("Asia/Kolkata", ["09:00-13:00", "14:00-24:00"], &["2026-08-15"]),
        ];
        let mut seed: u64 = 11;
        let mut next = |m: i64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as i64 % m
        };
        for (zone, sunday, holidays) in zones {
            let mut map = BTreeMap::new();
            for d in ["mon", "tue", "wed", "thu", "fri"] {
                map.insert(
                    d.to_string(),
                    vec!["08:00-12:00".to_string(), "13:00-24:00".to_string()],
                );
            }
            map.insert("sun".to_string(), sunday.iter().map(|r| r.to_string()).collect());
            let holidays: Vec<NaiveDate> = holidays.iter().map(|d| d.parse().unwrap()).collect();
            let cal = Calendar::new("Split", zone, WeekHours::from_map(&map).unwrap(), &holidays).unwrap();
            let start = at("2025-12-01T00:00:00Z");
            for _ in 0..400 {
                // Starts in random order over a year (later ones further back than what is
                // laid out, or far after it), spans from seconds to months.
                let from = start + next(400 * 86_400);
                let to = from + [next(7200), next(9 * 86_400), next(200 * 86_400)][next(3) as usize];
                let secs = walked_seconds(&cal, from, to);
                assert_eq!(cal.working_seconds(from, to), secs, "{zone} {from}..{to}");
                if secs > 0 {
                    assert_eq!(
                        cal.add_working(from, secs),
                        Some(walked_deadline(&cal, from, secs)),
                        "{zone} {from} + {secs}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_deadline_past_ten_years_is_none_whatever_was_laid_out_before() {
        // One working hour a week: 525 hours take more than ten years.
        let mut map = BTreeMap::new();
        map.insert("mon".to_string(), vec!["09:00-10:00".to_string()]);
        let hours = WeekHours::from_map(&map).unwrap();
        let fresh = || Calendar::new("Hour", "UTC", hours.clone(), &[]).unwrap();
        let from = at("2026-01-05T00:00:00Z");
        assert_eq!(fresh().add_working(from, 525 * 3600), None);
        let warm = fresh();
        // An earlier question starts the laid-out run before `from`, a later start lays it
        // out past the ten years from `from`.
        assert!(warm.working_seconds(from - 10 * 86_400, from + 300 * 86_400) > 0);
        assert!(warm.add_working(from + 200 * 86_400, 515 * 3600).is_some());
        assert_eq!(warm.add_working(from, 525 * 3600), None);
        assert_eq!(
            warm.add_working(from, 500 * 3600),
            fresh().add_working(from, 500 * 3600)
        );
    }
}
