//! Times as ITSM exports write them, and the one question a file cannot always answer by
//! itself: is `03-12-2025` the 3rd of December or the 12th of March?
//!
//! [`parse`] reads one cell: RFC 3339 and ISO forms (with or without a zone or an offset such
//! as `+0100`, with fractional seconds), numeric day-month forms (`dd-MM-yyyy`, `M/d/yyyy
//! h:mm`, `dd.MM.yyyy HH:mm`, two-digit years, 12-hour times) and month names in English,
//! Dutch, German, French, Spanish and Portuguese (`06/Jan/26 9:29 AM`, `3 mrt. 2026 14:00`).
//!
//! [`Evidence`] is gathered from every time cell of a file before any row is read: the
//! export's day-month order is one setting of the tool that wrote it, so a cell with a day
//! above 12 settles it for the whole file. A file none of whose cells settles it is refused,
//! never read in a guessed order; `--date-order` (or `date_order` in the config) settles it.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::domain::parse::{ParseError, local_to_utc};

/// Which comes first in a numeric date: the day or the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateOrder {
    Dmy,
    Mdy,
}

impl DateOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        }
    }

    /// How the summary says it.
    pub fn words(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day first",
            DateOrder::Mdy => "month first",
        }
    }
}

impl std::str::FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            other => Err(format!(
                "\"{other}\" is not a date order: use dmy (31-12-2026) or mdy (12-31-2026)"
            )),
        }
    }
}

/// A date part read from text, before the day-month order is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DatePart {
    /// Year, month and day are known (ISO order, or a month name).
    Known(NaiveDate),
    /// Two numbers, either of which may be the day: `a` first as written.
    Numeric { a: u32, b: u32, year: i32 },
}

/// A time part: the wall time and, when the text gives one, its offset from UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct TimePart {
    time: NaiveTime,
    offset: Option<FixedOffset>,
}

/// What the text of a time cell says about the file's day-month order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Nothing: an ISO date, a month name, or a day equal to its month.
    None,
    /// Only day-first reads it (the first number is above 12).
    DayFirst,
    /// Only month-first reads it (the second number is above 12).
    MonthFirst,
    /// Both orders read it, as different days.
    Either,
}

/// The hint of one cell's text (unparseable text says nothing; the row reading reports it).
pub fn hint(text: &str) -> Hint {
    let text = text.trim();
    // Year first (ISO, RFC 3339): never read two ways. The common case, answered at once.
    let b = text.as_bytes();
    if b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/' | b'.') {
        return Hint::None;
    }
    match split(text) {
        Some((DatePart::Numeric { a, b, .. }, _)) if a == b => Hint::None,
        Some((DatePart::Numeric { a, b, .. }, _)) => match (a > 12, b > 12) {
            (true, false) => Hint::DayFirst,
            (false, true) => Hint::MonthFirst,
            (false, false) => Hint::Either,
            (true, true) => Hint::None,
        },
        _ => Hint::None,
    }
}

/// The day-month order evidence of a whole file: the first cell (column and text) that fits
/// only one order, for each order, and the first that fits both.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub day_first: Option<(String, String)>,
    pub month_first: Option<(String, String)>,
    pub either: Option<(String, String)>,
}

/// The order a file's numeric dates are read in, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// No numeric date could be read two ways: the order does not matter.
    Irrelevant,
    /// Read in this order; `because` says why ("--date-order", or the cell that shows it).
    Order { order: DateOrder, because: String },
}

impl Evidence {
    pub fn observe(&mut self, column: &str, text: &str) {
        let slot = match hint(text) {
            Hint::None => return,
            Hint::DayFirst => &mut self.day_first,
            Hint::MonthFirst => &mut self.month_first,
            Hint::Either => &mut self.either,
        };
        if slot.is_none() {
            *slot = Some((column.to_string(), text.trim().to_string()));
        }
    }

    /// Settles the order, or says why it cannot be: `given` is `--date-order` or the config.
    pub fn settle(&self, given: Option<(DateOrder, &str)>) -> Result<Settled, String> {
        if let Some((order, source)) = given {
            return Ok(Settled::Order {
                order,
                because: source.to_string(),
            });
        }
        match (&self.day_first, &self.month_first, &self.either) {
            (Some((c1, t1)), Some((c2, t2)), _) => Err(format!(
                "the dates mix day-first and month-first: \"{t1}\" (column {c1}) has no month {}, \"{t2}\" (column {c2}) has no month {}; say which with --date-order dmy or mdy, and the cells that do not fit it are reported",
                first_number(t1),
                second_number(t2)
            )),
            (Some((column, text)), None, _) => Ok(Settled::Order {
                order: DateOrder::Dmy,
                because: format!("\"{text}\" in column {column} has no month {}", first_number(text)),
            }),
            (None, Some((column, text)), _) => Ok(Settled::Order {
                order: DateOrder::Mdy,
                because: format!("\"{text}\" in column {column} has no month {}", second_number(text)),
            }),
            (None, None, Some((column, text))) => Err(format!(
                "every date fits both day-first and month-first (\"{text}\" in column {column} could be either): say which with --date-order dmy or --date-order mdy (or date_order in the config file)"
            )),
            (None, None, None) => Ok(Settled::Irrelevant),
        }
    }
}

fn first_number(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .to_string()
}

fn second_number(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .nth(1)
        .unwrap_or_default()
        .to_string()
}

/// Reads one time cell as unix seconds. A local time (no zone in the text) is read in `tz`;
/// a numeric date that two orders read differently needs `order`.
pub fn parse(text: &str, order: Option<DateOrder>, tz: &Tz) -> Result<i64, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp());
    }
    let Some((date, time)) = split(text) else {
        return Err(not_a_time(text, tz));
    };
    let date = match date {
        DatePart::Known(d) => d,
        DatePart::Numeric { a, b, year } => {
            let (day, month) = match order {
                Some(DateOrder::Dmy) => (a, b),
                Some(DateOrder::Mdy) => (b, a),
                None if a == b || a > 12 => (a, b),
                None if b > 12 => (b, a),
                None => {
                    return Err(format!(
                        "\"{text}\" can be read day-first or month-first: say which with --date-order dmy or mdy"
                    ));
                }
            };
            NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| match order {
                Some(o) if month > 12 => format!(
                    "\"{text}\" has no month {month} when read {} (--date-order {}): is the file's order the other one?",
                    o.words(),
                    o.as_str()
                ),
                _ => format!("\"{text}\" is not a real date"),
            })?
        }
    };
    let naive = date.and_time(time.time);
    match time.offset {
        Some(offset) => offset
            .from_local_datetime(&naive)
            .single()
            .map(|t| t.timestamp())
            .ok_or_else(|| not_a_time(text, tz)),
        None => match local_to_utc(naive, tz) {
            Ok(t) => Ok(t.timestamp()),
            Err(ParseError::Skipped(..)) => Err(format!(
                "\"{text}\" does not exist in {} (the clocks skip that hour)",
                tz.name()
            )),
            Err(_) => Err(not_a_time(text, tz)),
        },
    }
}

fn not_a_time(text: &str, tz: &Tz) -> String {
    format!(
        "\"{text}\" is not a time: use RFC 3339 (2026-11-02T14:30:00Z), 2026-11-02 14:30[:00], 02/11/2026 14:30 or 02/Nov/26 2:30 PM, read in {}",
        tz.name()
    )
}

/// Splits a cell into its date and its time of day (midnight when it has none).
fn split(text: &str) -> Option<(DatePart, TimePart)> {
    // The time starts at the digits before the first ':'.
    let (date_text, time_text) = match text.find(':') {
        Some(colon) => {
            let start = text[..colon]
                .char_indices()
                .rev()
                .find(|(_, c)| !c.is_ascii_digit())
                .map_or(0, |(i, c)| i + c.len_utf8());
            (&text[..start], &text[start..])
        }
        None => (text, ""),
    };
    let date_text = date_text.trim_end_matches([' ', 'T', ',']).trim();
    let date = date_part(date_text)?;
    let time = if time_text.is_empty() {
        TimePart {
            time: NaiveTime::MIN,
            offset: None,
        }
    } else {
        time_part(time_text)?
    };
    Some((date, time))
}

fn number(token: &str) -> Option<u32> {
    if token.is_empty() || token.len() > 4 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

fn year(token: &str) -> Option<i32> {
    let n = i32::try_from(number(token)?).ok()?;
    match token.len() {
        4 => Some(n),
        // Two-digit years: 00-69 are 2000-2069, 70-99 are 1970-1999.
        2 if n < 70 => Some(2000 + n),
        2 => Some(1900 + n),
        _ => None,
    }
}

fn date_part(text: &str) -> Option<DatePart> {
    let tokens: Vec<&str> = text
        .split(['-', '/', '.', ' ', ','])
        .filter(|t| !t.is_empty())
        .collect();
    let [t0, t1, t2] = tokens.as_slice() else {
        return None;
    };
    // Year first: ISO order, the month a number or a name.
    if t0.len() == 4 && number(t0).is_some() {
        let month = number(t1).or_else(|| month_name(t1))?;
        return NaiveDate::from_ymd_opt(year(t0)?, month, number(t2)?).map(DatePart::Known);
    }
    if let Some(month) = month_name(t1) {
        return NaiveDate::from_ymd_opt(year(t2)?, month, number(t0)?).map(DatePart::Known);
    }
    if let Some(month) = month_name(t0) {
        return NaiveDate::from_ymd_opt(year(t2)?, month, number(t1)?).map(DatePart::Known);
    }
    if t0.len() > 2 || t1.len() > 2 {
        return None;
    }
    let (a, b, year) = (number(t0)?, number(t1)?, year(t2)?);
    if a == 0 || b == 0 || a > 31 || b > 31 || (a > 12 && b > 12) {
        return None;
    }
    Some(DatePart::Numeric { a, b, year })
}

fn time_part(text: &str) -> Option<TimePart> {
    let text = text.trim();
    // H:MM[:SS[.fff]]
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
        .unwrap_or(text.len());
    let (clock, rest) = text.split_at(end);
    let mut pieces = clock.split(':');
    let hour = number(pieces.next()?)?;
    let minute_text = pieces.next()?;
    if minute_text.len() != 2 {
        return None;
    }
    let minute = number(minute_text)?;
    let (second, nanos) = match pieces.next() {
        None => (0, 0),
        Some(s) => {
            let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
            if whole.len() != 2 {
                return None;
            }
            let nanos = if fraction.is_empty() {
                0
            } else {
                let digits: String = fraction.chars().take(9).collect();
                let n: u32 = digits.parse().ok()?;
                n * 10u32.pow(9 - digits.len() as u32)
            };
            (number(whole)?, nanos)
        }
    };
    if pieces.next().is_some() {
        return None;
    }
    let mut rest = rest.trim();
    let mut hour = hour;
    let lower = rest.to_ascii_lowercase();
    for (marker, pm) in [("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)] {
        if lower.starts_with(marker) {
            if !(1..=12).contains(&hour) {
                return None;
            }
            hour = match (pm, hour) {
                (false, 12) => 0,
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, h) => h,
            };
            rest = rest[marker.len()..].trim();
            break;
        }
    }
    let offset = offset(rest)?;
    let time = NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?;
    Some(TimePart { time, offset })
}

/// `` (none), `Z`, `UTC`, `GMT`, `+01:00`, `+0100`, `-05`.
fn offset(text: &str) -> Option<Option<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    if matches!(text.to_ascii_uppercase().as_str(), "Z" | "UTC" | "GMT") {
        return FixedOffset::east_opt(0).map(Some);
    }
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        2 => (number(&digits)?, 0),
        4 => (number(&digits[..2])?, number(&digits[2..])?),
        _ => return None,
    };
    if h > 14 || m > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (h as i32 * 3600 + m as i32 * 60)).map(Some)
}

/// A month's number from its name or abbreviation in English, Dutch, German, French, Spanish
/// or Portuguese, in any case, with or without accents or a final dot.
fn month_name(token: &str) -> Option<u32> {
    if token.is_empty() || !token.chars().all(char::is_alphabetic) {
        return None;
    }
    let word: String = token
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'é' | 'è' | 'ê' => 'e',
            'û' | 'ü' => 'u',
            'ä' | 'â' => 'a',
            'ç' => 'c',
            other => other,
        })
        .collect();
    const MONTHS: [&[&str]; 12] = [
        &[
            "jan", "january", "januari", "januar", "janvier", "janv", "enero", "ene", "janeiro",
        ],
        &[
            "feb",
            "february",
            "februari",
            "februar",
            "fevrier",
            "fev",
            "fevr",
            "febrero",
            "fevereiro",
        ],
        &["mar", "march", "maart", "mrt", "marz", "mars", "marzo", "marco"],
        &["apr", "april", "avril", "avr", "abril", "abr"],
        &["may", "mei", "mai", "mayo", "maio"],
        &["jun", "june", "juni", "juin", "junio", "junho"],
        &["jul", "july", "juli", "juillet", "juil", "julio", "julho"],
        &["aug", "august", "augustus", "aout", "agosto", "ago"],
        &["sep", "sept", "september", "septembre", "septiembre", "setembro", "set"],
        &[
            "oct", "october", "oktober", "okt", "octobre", "octubre", "outubro", "out",
        ],
        &["nov", "november", "novembre", "noviembre", "novembro"],
        &[
            "dec",
            "december",
            "dezember",
            "dez",
            "decembre",
            "diciembre",
            "dic",
            "dezembro",
        ],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&word.as_str()))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const AMS: Tz = chrono_tz::Europe::Amsterdam;
    const UTC: Tz = chrono_tz::UTC;

    fn at(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text).unwrap().timestamp()
    }

    #[test]
    fn iso_and_rfc3339_forms() {
        assert_eq!(
            parse("2026-11-02T14:30:00Z", None, &AMS),
            Ok(at("2026-11-02T14:30:00Z"))
        );
        assert_eq!(parse("2026-11-02 15:30", None, &AMS), Ok(at("2026-11-02T14:30:00Z")));
        assert_eq!(
            parse("2026-11-02 15:30:00.123", None, &AMS),
            Ok(at("2026-11-02T14:30:00Z"))
        );
        assert_eq!(
            parse("2026-11-02T15:30:00+0100", None, &UTC),
            Ok(at("2026-11-02T14:30:00Z"))
        );
        assert_eq!(
            parse("2026-11-02 15:30:00 +01:00", None, &UTC),
            Ok(at("2026-11-02T14:30:00Z"))
        );
        assert_eq!(parse("2026/11/02 15:30", None, &AMS), Ok(at("2026-11-02T14:30:00Z")));
        assert_eq!(parse("2026-11-02", None, &UTC), Ok(at("2026-11-02T00:00:00Z")));
    }

    #[test]
    fn month_first_and_day_first_are_never_guessed() {
        // The ServiceNow export read month-first in the US: 12 March.
        assert_eq!(
            parse("03-12-2025 15:21:08", Some(DateOrder::Mdy), &UTC),
            Ok(at("2025-03-12T15:21:08Z"))
        );
        assert_eq!(
            parse("03-12-2025 15:21:08", Some(DateOrder::Dmy), &UTC),
            Ok(at("2025-12-03T15:21:08Z"))
        );
        let err = parse("03-12-2025 15:21:08", None, &UTC).unwrap_err();
        assert!(err.contains("--date-order"), "{err}");
        // A day above 12 reads one way only.
        assert_eq!(parse("3/17/2025 6:04", None, &UTC), Ok(at("2025-03-17T06:04:00Z")));
        assert_eq!(parse("22/08/2025 11:49", None, &UTC), Ok(at("2025-08-22T11:49:00Z")));
        assert_eq!(parse("05.05.2025 08:00", None, &UTC), Ok(at("2025-05-05T08:00:00Z")));
        // An order that does not fit the cell says so.
        let err = parse("3/17/2025 6:04", Some(DateOrder::Dmy), &UTC).unwrap_err();
        assert!(err.contains("no month 17"), "{err}");
    }

    #[test]
    fn twelve_hour_times_two_digit_years_and_month_names() {
        assert_eq!(parse("06/Jan/26 9:29 AM", None, &UTC), Ok(at("2026-01-06T09:29:00Z")));
        assert_eq!(parse("21/Nov/25 3:28 PM", None, &UTC), Ok(at("2025-11-21T15:28:00Z")));
        assert_eq!(parse("28/Nov/25 12:00 AM", None, &UTC), Ok(at("2025-11-28T00:00:00Z")));
        assert_eq!(parse("12/25/26 12:30 PM", None, &UTC), Ok(at("2026-12-25T12:30:00Z")));
        assert_eq!(parse("3 mrt. 2026 14:00", None, &UTC), Ok(at("2026-03-03T14:00:00Z")));
        assert_eq!(parse("15/dic/25 10:00", None, &UTC), Ok(at("2025-12-15T10:00:00Z")));
        assert_eq!(parse("1. Okt. 2026 08:00", None, &UTC), Ok(at("2026-10-01T08:00:00Z")));
        assert_eq!(parse("fév. 3, 2026", None, &UTC), Ok(at("2026-02-03T00:00:00Z")));
        assert_eq!(parse("Oct 5, 2026 3:00 PM", None, &UTC), Ok(at("2026-10-05T15:00:00Z")));
        assert_eq!(parse("10-out-2026 14:00", None, &UTC), Ok(at("2026-10-10T14:00:00Z")));
    }

    #[test]
    fn not_times() {
        // Text a fuzzer found: characters of several bytes around the colon.
        for odd in ["𞤀:", "𐬭\\/©𞤔:'6ໆ:ඖ🕴", "2026-11-02 10:00 +é1", "1/2/2026 10:00 +0é"] {
            assert!(parse(odd, Some(DateOrder::Dmy), &UTC).is_err(), "{odd}");
        }
        for bad in [
            "",
            "soon",
            "31/02/2026",
            "2026-02-31 10:00",
            "2026-11-02 25:00",
            "13/13/2026",
            "1/2",
            "12:00",
        ] {
            assert!(parse(bad, Some(DateOrder::Dmy), &UTC).is_err(), "{bad}");
        }
        let skipped = parse("2026-03-29 02:30", None, &AMS).unwrap_err();
        assert!(skipped.contains("does not exist"), "{skipped}");
    }

    #[test]
    fn evidence_settles_or_refuses() {
        let mut e = Evidence::default();
        e.observe("opened_at", "03-12-2025 15:21");
        e.observe("opened_at", "2026-01-01 10:00");
        e.observe("opened_at", "04/04/2025");
        let err = e.settle(None).unwrap_err();
        assert!(err.contains("--date-order dmy or --date-order mdy"), "{err}");
        assert!(matches!(
            e.settle(Some((DateOrder::Mdy, "--date-order mdy"))),
            Ok(Settled::Order {
                order: DateOrder::Mdy,
                ..
            })
        ));
        e.observe("sys_updated_on", "3/17/2025 6:04");
        match e.settle(None).unwrap() {
            Settled::Order { order, because } => {
                assert_eq!(order, DateOrder::Mdy);
                assert!(because.contains("3/17/2025 6:04"), "{because}");
            }
            other => panic!("{other:?}"),
        }
        e.observe("resolved", "25/03/2025");
        assert!(e.settle(None).unwrap_err().contains("mix"));
        let mut none = Evidence::default();
        none.observe("opened", "2026-11-02 10:00");
        none.observe("opened", "06/Jan/26 9:29 AM");
        assert_eq!(none.settle(None), Ok(Settled::Irrelevant));
    }
}
