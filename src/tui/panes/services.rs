//! The services pane: its columns for a given width and its rows' text.

use ratatui::style::{Color, Modifier, Style};

use super::super::app::App;
use super::super::view::{Theme, t};
use super::{Col, Columns, Text, table};
use crate::domain::health::Verdict;
use crate::tui::model::verdict_text;

/// The pane's columns, most needed first: at 80 columns the name, customer, health,
/// availability against target, budget left and open breaches (and the last touch).
const COLS: [Col; 7] = [
    Col {
        title: "Service",
        min: 14,
        max: 32,
        rank: 0,
    },
    Col {
        title: "Customer",
        min: 10,
        max: 20,
        rank: 1,
    },
    Col {
        title: "Health",
        min: 10,
        max: 10,
        rank: 0,
    },
    Col {
        title: "Avail/target",
        min: 13,
        max: 13,
        rank: 0,
    },
    Col {
        title: "Budget",
        min: 7,
        max: 8,
        rank: 1,
    },
    Col {
        title: "Brch",
        min: 4,
        max: 4,
        rank: 0,
    },
    Col {
        title: "Touch",
        min: 6,
        max: 10,
        rank: 2,
    },
];

/// The header, the column widths and the rows of `window` (indexes into the pane's rows)
/// for a pane `width` columns wide.
pub fn columns(app: &App, window: &[usize], width: u16, theme: Theme) -> Columns {
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
            ];
            cells
        })
        .collect();
    table(&COLS, width, rows)
}
