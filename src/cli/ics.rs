//! `sdm ics`: due touch points and action due dates as an iCalendar file a mail client imports.

use std::path::PathBuf;

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::domain::agenda::DueItem;
use crate::domain::ids::natural_id;
use crate::domain::text::inert;
use crate::store::OpenMode;

#[derive(Debug, Args)]
pub struct IcsArgs {
    /// How many days ahead to include (overdue items are always included, on today)
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(i64).range(1..=366))]
    pub days: i64,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace the --out file when it exists
    #[arg(long)]
    pub force: bool,
}

pub fn run(ctx: &Ctx, args: &IcsArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let agenda = store.agenda(ctx.now, ctx.tz, args.days, ctx.settings.stale_import_hours)?;
    let today = ctx.now.with_timezone(&ctx.tz).date_naive();
    let stamp = ctx.now.format("%Y%m%dT%H%M%SZ").to_string();
    let mut cal = Calendar::default();
    cal.line("BEGIN:VCALENDAR");
    cal.line("VERSION:2.0");
    cal.line("PRODID:-//sdm//service delivery desk//EN");
    cal.line("CALSCALE:GREGORIAN");
    cal.line("METHOD:PUBLISH");
    cal.line("X-WR-CALNAME:sdm: due work");
    for item in &agenda.touch_points_due {
        let summary = format!("Touch base with {}", item.name);
        cal.event(item, "touch", &summary, &stamp, today);
    }
    for item in &agenda.actions_due {
        let summary = format!("Action due: {}", item.name);
        cal.event(item, "action", &summary, &stamp, today);
    }
    // Agreement reviews and the last day to give notice before an agreement ends.
    for item in &agenda.agreements_due {
        let summary = format!(
            "Agreement {} ({}): {}",
            item.name,
            item.service.as_deref().unwrap_or(""),
            item.detail
        );
        cal.event(item, "agreement", &summary, &stamp, today);
    }
    cal.line("END:VCALENDAR");
    match &args.out {
        None => say_raw!("{}", cal.text),
        Some(path) => {
            super::export::write_private(path, cal.text.as_bytes(), args.force)?;
            note!(
                "wrote {} events to {}",
                agenda.touch_points_due.len() + agenda.actions_due.len() + agenda.agreements_due.len(),
                path.display()
            );
        }
    }
    Ok(())
}

#[derive(Default)]
struct Calendar {
    text: String,
}

impl Calendar {
    /// Adds a content line, folded at 75 octets as RFC 5545 asks, ended by CRLF.
    fn line(&mut self, content: &str) {
        let mut width = 0;
        for ch in content.chars() {
            let len = ch.len_utf8();
            if width + len > 75 {
                self.text.push_str("\r\n ");
                width = 1;
            }
            self.text.push(ch);
            width += len;
        }
        self.text.push_str("\r\n");
    }

    fn event(&mut self, item: &DueItem, kind: &str, summary: &str, stamp: &str, today: chrono::NaiveDate) {
        let due = chrono::NaiveDate::parse_from_str(&item.due, "%Y-%m-%d").unwrap_or(today);
        // An overdue item is put on today, so it is seen rather than buried in the past.
        let day = due.max(today);
        let uid = natural_id(&format!("ics-{kind}"), &format!("{}/{}", item.name, item.due));
        self.line("BEGIN:VEVENT");
        self.line(&format!("UID:{uid}@sdm"));
        self.line(&format!("DTSTAMP:{stamp}"));
        self.line(&format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")));
        self.line(&format!(
            "DTEND;VALUE=DATE:{}",
            (day + chrono::Duration::days(1)).format("%Y%m%d")
        ));
        let overdue = if item.overdue { " (overdue)" } else { "" };
        self.line(&format!("SUMMARY:{}{overdue}", escape(summary)));
        let mut description = item.detail.clone();
        if let Some(service) = &item.service {
            description = format!("{service}: {description}");
        }
        self.line(&format!("DESCRIPTION:{}", escape(&description)));
        self.line(&format!(
            "CATEGORIES:{}",
            match kind {
                "touch" => "Touch point",
                "agreement" => "Agreement",
                _ => "Action",
            }
        ));
        self.line("TRANSP:TRANSPARENT");
        self.line("END:VEVENT");
    }
}

/// Text values escape backslash, semicolon, comma and newline; control characters go.
fn escape(s: &str) -> String {
    inert(s).replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_and_text_escapes() {
        let mut c = Calendar::default();
        c.line(&format!("SUMMARY:{}", "x".repeat(100)));
        let lines: Vec<&str> = c.text.split("\r\n").collect();
        assert_eq!(lines[0].len(), 75);
        assert!(lines[1].starts_with(' '));
        assert_eq!(escape("a,b;c\\d\u{1b}[2Je"), "a\\,b\\;c\\\\de");
    }
}
