//! The services pane: its columns for a given width and its rows' text.

use ratatui::layout::Constraint;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Cell, Row};

use super::super::app::App;
use super::super::view::{Theme, t};
use super::Columns;
use crate::domain::health::Verdict;
use crate::tui::model::verdict_text;

/// The header, the column widths and the rows of `window` (indexes into the pane's rows).
pub fn columns(app: &App, window: &[usize], wide: bool, theme: Theme) -> Columns {
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
            let mut cells = vec![
                Cell::from(format!("{}{flag}", t(&r.name))),
                Cell::from(verdict_text(r.verdict)).style(verdict_style),
                Cell::from(r.availability.clone()),
                Cell::from(r.open_breaches.to_string()),
                Cell::from(r.last_touch.clone()),
            ];
            if wide {
                cells.insert(1, Cell::from(t(&r.customer)));
                cells.push(Cell::from(r.budget.clone()));
            }
            Row::new(cells)
        })
        .collect();
    if wide {
        (
            vec![
                "Service",
                "Customer",
                "Health",
                "Avail/target",
                "Brch",
                "Last touch",
                "Budget",
            ],
            vec![
                Constraint::Min(16),
                Constraint::Length(18),
                Constraint::Length(10),
                Constraint::Length(13),
                Constraint::Length(4),
                Constraint::Length(10),
                Constraint::Length(7),
            ],
            rows,
        )
    } else {
        (
            vec!["Service", "Health", "Avail/target", "Brch", "Touch"],
            vec![
                Constraint::Min(12),
                Constraint::Length(10),
                Constraint::Length(13),
                Constraint::Length(4),
                Constraint::Length(6),
            ],
            rows,
        )
    }
}
