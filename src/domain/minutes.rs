//! The minutes of a service review meeting as a Markdown file: each open task item is a
//! follow-up action, and a "Next review:" line sets when the agreement is reviewed next.
//!
//! ```text
//! - [ ] Send the outage report @Ann due:2026-12-15
//! - [ ] Second acquirer link @"Sam (SDM)" due:2027-01-17 service:"Payment Gateway"
//! - [x] Already done in the meeting (left out)
//! Next review: 2027-01-12
//! ```
//!
//! Everything else (headings, notes, plain list items) is the minutes' own text and is left
//! alone. A task item that lacks an owner or a due date, or carries a date that is no date,
//! is refused with its line number: a follow-up nobody owns is not one.

use chrono::NaiveDate;

/// One follow-up agreed in the meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinuteAction {
    pub line: usize,
    pub title: String,
    pub owner: String,
    pub due: NaiveDate,
    /// The service it is on, when the item names one (`service:NAME`).
    pub service: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Minutes {
    pub actions: Vec<MinuteAction>,
    /// Items ticked in the file (done in the meeting): counted, not recorded.
    pub done: usize,
    pub next_review: Option<NaiveDate>,
}

/// A line of the file that cannot be read, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinutesProblem {
    pub line: usize,
    pub message: String,
}

/// Words of an item: `@owner`, `due:DATE` and `service:NAME`, each either one word or quoted.
fn take_tagged(text: &str, tag: &str) -> (Option<String>, String) {
    // A tag starts a word (the @ in ann@example.com is no owner).
    let Some(at) = text
        .match_indices(tag)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || text[..i].ends_with(char::is_whitespace))
    else {
        return (None, text.to_string());
    };
    let rest = &text[at + tag.len()..];
    let (value, after) = if let Some(quoted) = rest.strip_prefix('"') {
        match quoted.find('"') {
            Some(end) => (quoted[..end].to_string(), &quoted[end + 1..]),
            None => (quoted.to_string(), ""),
        }
    } else {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        (rest[..end].to_string(), &rest[end..])
    };
    let left = format!("{}{}", &text[..at], after);
    (Some(value.trim().to_string()).filter(|v| !v.is_empty()), left)
}

/// Reads the minutes; every problem at once, each with its line.
pub fn parse(text: &str) -> Result<Minutes, Vec<MinutesProblem>> {
    let mut minutes = Minutes::default();
    let mut problems = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        let lower = trimmed.to_lowercase();
        if let Some(rest) = lower
            .strip_prefix("next review:")
            .or_else(|| lower.strip_prefix("**next review:**"))
        {
            match NaiveDate::parse_from_str(rest.trim().trim_matches('*').trim(), "%Y-%m-%d") {
                Ok(d) => minutes.next_review = Some(d),
                Err(_) => problems.push(MinutesProblem {
                    line,
                    message: format!("\"{}\" is not a date: write Next review: YYYY-MM-DD", rest.trim()),
                }),
            }
            continue;
        }
        let item = ["- [ ]", "* [ ]", "+ [ ]"].iter().find_map(|p| trimmed.strip_prefix(p));
        let Some(item) = item else {
            if ["- [x]", "- [X]", "* [x]", "* [X]"]
                .iter()
                .any(|p| trimmed.starts_with(p))
            {
                minutes.done += 1;
            }
            continue;
        };
        let (owner, rest) = take_tagged(item, "@");
        let (due, rest) = take_tagged(&rest, "due:");
        let (service, rest) = take_tagged(&rest, "service:");
        let title = rest.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut missing = Vec::new();
        if title.is_empty() {
            missing.push("a title".to_string());
        }
        if owner.is_none() {
            missing.push("an owner (@name)".to_string());
        }
        let due = match due.as_deref().map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d")) {
            Some(Ok(d)) => Some(d),
            Some(Err(_)) => {
                missing.push(format!(
                    "a due date as YYYY-MM-DD (not \"{}\")",
                    due.unwrap_or_default()
                ));
                None
            }
            None => {
                missing.push("a due date (due:YYYY-MM-DD)".to_string());
                None
            }
        };
        match (owner, due) {
            (Some(owner), Some(due)) if missing.is_empty() => minutes.actions.push(MinuteAction {
                line,
                title,
                owner,
                due,
                service,
            }),
            _ => problems.push(MinutesProblem {
                line,
                message: format!("a follow-up needs {}", missing.join(" and ")),
            }),
        }
    }
    if problems.is_empty() {
        Ok(minutes)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn task_items_become_actions_and_the_rest_is_left_alone() {
        let text = "# Service review Acme, 2026-11\n\
                    Attendees: Ann, Sam\n\
                    - [ ] Send the outage report @Ann due:2026-12-15\n\
                    - [ ] Second acquirer link @\"Sam (SDM)\" due:2027-01-17 service:\"Payment Gateway\"\n\
                    - [x] Agreed the new contact list\n\
                    - a plain note\n\
                    Next review: 2027-01-12\n";
        let m = parse(text).unwrap();
        assert_eq!(m.actions.len(), 2);
        assert_eq!(m.actions[0].title, "Send the outage report");
        assert_eq!(m.actions[0].owner, "Ann");
        assert_eq!(m.actions[0].due, NaiveDate::from_ymd_opt(2026, 12, 15).unwrap());
        assert_eq!(m.actions[0].service, None);
        assert_eq!(m.actions[1].owner, "Sam (SDM)");
        assert_eq!(m.actions[1].service.as_deref(), Some("Payment Gateway"));
        assert_eq!(m.actions[1].title, "Second acquirer link");
        assert_eq!(m.done, 1);
        assert_eq!(m.next_review, NaiveDate::from_ymd_opt(2027, 1, 12));
    }

    #[test]
    fn every_bad_item_is_named_with_its_line() {
        let text = "- [ ] No owner due:2026-12-15\n- [ ] Bad date @Ann due:15/12/2026\nNext review: soon\n";
        let problems = parse(text).unwrap_err();
        assert_eq!(problems.len(), 3);
        assert_eq!(
            (problems[0].line, problems[0].message.as_str()),
            (1, "a follow-up needs an owner (@name)")
        );
        assert!(problems[1].message.contains("not \"15/12/2026\""), "{problems:?}");
        assert_eq!(problems[2].line, 3);
        // An e-mail address is not an owner tag.
        let m = parse("- [ ] Mail ann@example.com @Ann due:2026-12-15\n").unwrap();
        assert_eq!(m.actions[0].title, "Mail ann@example.com");
    }
}
