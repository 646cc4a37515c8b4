//! A calendar's working hours as the portfolio file writes them (`mon = ["08:00-18:00"]`).

use std::collections::BTreeMap;

use super::DAYS;

pub fn check_hours(hours: &BTreeMap<String, Vec<String>>) -> Result<BTreeMap<String, Vec<String>>, String> {
    if hours.is_empty() {
        return Err("hours: give the working hours of at least one day, e.g. mon = [\"08:00-18:00\"]".into());
    }
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (day, ranges) in hours {
        let lower = day.trim().to_lowercase();
        let Some(key) = DAYS
            .iter()
            .find(|d| lower == **d || (lower.len() > 3 && lower.starts_with(**d) && is_day_name(&lower)))
        else {
            return Err(format!(
                "hours.{day}: not a day: use mon, tue, wed, thu, fri, sat or sun"
            ));
        };
        if out.contains_key(*key) {
            return Err(format!("hours.{day}: {key} is given twice"));
        }
        let mut spans: Vec<(u32, u32, &str)> = Vec::new();
        for range in ranges {
            let (start, end) = parse_range(range).ok_or_else(|| {
                format!("hours.{day} \"{range}\": not a time range: use HH:MM-HH:MM, e.g. 08:00-18:00")
            })?;
            if end <= start {
                return Err(format!("hours.{day} \"{range}\": the end must be after the start"));
            }
            if let Some((_, _, other)) = spans.iter().find(|(s, e, _)| start < *e && *s < end) {
                return Err(format!("hours.{day} \"{range}\": overlaps \"{other}\""));
            }
            spans.push((start, end, range));
        }
        spans.sort_unstable();
        let text = spans
            .iter()
            .map(|(s, e, _)| format!("{:02}:{:02}-{:02}:{:02}", s / 60, s % 60, e / 60, e % 60))
            .collect();
        out.insert((*key).to_string(), text);
    }
    Ok(out)
}

fn is_day_name(s: &str) -> bool {
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ]
    .contains(&s)
}

/// `HH:MM-HH:MM` as minutes of the day; the end may be `24:00`.
fn parse_range(text: &str) -> Option<(u32, u32)> {
    let (a, b) = text.split_once('-')?;
    let clock = |s: &str| -> Option<u32> {
        let (h, m) = s.trim().split_once(':')?;
        if h.is_empty() || h.len() > 2 || m.len() != 2 {
            return None;
        }
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
    };
    let start = clock(a)?;
    (start < 24 * 60).then_some(())?;
    Some((start, clock(b)?))
}
