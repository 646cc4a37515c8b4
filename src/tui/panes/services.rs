//! The services pane: its columns for a given width and its rows' text.

use ratatui::style::{Color, Modifier, Style};

use super::super::app::App;
use super::super::view::{Theme, t};
use super::{Col, Columns, Text, col, table};
use crate::domain::health::Verdict;
use crate::tui::model::verdict_text;

/// The pane's columns, most needed first: at 80 columns the name, customer, health,
/// availability against target, budget left and open breaches (and the last touch).
const COLS: [Col; 9] = [
    col("Service", 14, 32, 0),
    col("Customer", 10, 20, 1),
    col("Health", 10, 10, 0),
    col("Avail/target", 13, 13, 0),
    col("Budget", 7, 8, 1),
    col("Brch", 4, 4, 0),
    col("Touch", 6, 10, 2),
    col("Credit", 9, 12, 3),
    col("Notice", 6, 7, super::EXTRA),
];

/// Zoomed, the pane shows the money and the agreement: the month's credit so far, the
/// downtime left before the next credit tier, the charge, the cost, the margin and how soon
/// notice must be given on the agreement.
const MONEY_COLS: [Col; 8] = [
    col("Service", 14, 32, 0),
    col("Customer", 10, 20, 2),
    col("Credit", 10, 13, 0),
    col("Next tier", 9, 9, 0),
    col("Charge", 11, 14, 1),
    col("Cost", 11, 14, 1),
    col("Margin", 11, 14, 1),
    col("Notice", 6, 7, 1),
];

/// The header, the column widths and the rows of `window` (indexes into the pane's rows)
/// for a pane `width` columns wide.
pub fn columns(app: &App, window: &[usize], width: u16, theme: Theme) -> Columns {
    if app.zoomed {
        let rows = window
            .iter()
            .map(|&i| {
                let r = &app.snap.services[i];
                let right = |v: &str| (v.to_string(), Style::new());
                vec![
                    (t(&r.name), Style::new()),
                    (t(&r.customer), Style::new()),
                    right(&r.credit),
                    right(&r.next_tier),
                    right(&r.charge),
                    right(&r.cost),
                    right(&r.margin),
                    notice(r, theme),
                ]
            })
            .collect();
        return table(&MONEY_COLS, width, rows);
    }
    let rows = window
        .iter()
        .map(|&i| {
            let r = &app.snap.services[i];
            let verdict_style = match r.verdict {
                Some(Verdict::Breaching) => theme.overdue(),
                Some(Verdict::AtRisk) => theme.fg(Color::Yellow),
                Some(Verdict::Watermelon) => theme.fg(Color::Magenta).add_modifier(Modifier::BOLD),
                Some(Verdict::Avocado) => theme.fg(Color::Green),
                Some(Verdict::Unheard) | None => Style::new(),
            };
            let flag = if r.problem.is_empty() { "" } else { " ⚑" };
            let cells: Vec<Text> = vec![
                (format!("{}{flag}", t(&r.name)), Style::new()),
                (t(&r.customer), Style::new()),
                (verdict_text(r.verdict).to_string(), verdict_style),
                (r.availability.clone(), Style::new()),
                (r.budget.clone(), Style::new()),
                (r.open_breaches.to_string(), Style::new()),
                (r.last_touch.clone(), Style::new()),
                (r.credit.clone(), Style::new()),
                notice(r, theme),
            ];
            cells
        })
        .collect();
    table(&COLS, width, rows)
}

/// The notice cell: in the overdue style once the last day to give notice is today or past.
fn notice(r: &crate::tui::model::ServiceRow, theme: Theme) -> Text {
    let style = if matches!(r.notice_in, Some(d) if d <= 0) {
        theme.overdue()
    } else {
        Style::new()
    };
    (r.notice.clone(), style)
}
