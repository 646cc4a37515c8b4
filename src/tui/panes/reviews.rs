//! The reviews pane: its columns for a given width and its rows' text.

use ratatui::layout::Constraint;
use ratatui::style::Style;
use ratatui::widgets::{Cell, Row};

use super::super::app::App;
use super::super::view::{Theme, t};
use super::Columns;

/// The header, the column widths and the rows of `window` (indexes into the pane's rows).
pub fn columns(app: &App, window: &[usize], wide: bool, theme: Theme) -> Columns {
    let rows = window
        .iter()
        .map(|&i| {
            let r = &app.snap.actions[i];
            let style = if r.overdue { theme.overdue() } else { Style::new() };
            let title = if r.is_review {
                format!("◆ {}", t(&r.title))
            } else if r.is_improvement {
                format!("★ {}", t(&r.title))
            } else {
                t(&r.title)
            };
            let mut cells = vec![
                Cell::from(r.due.clone()).style(style),
                Cell::from(title),
                Cell::from(t(&r.owner)),
            ];
            if wide {
                cells.push(Cell::from(t(&r.service)));
                cells.push(Cell::from(r.due_text.clone()).style(style));
            }
            Row::new(cells)
        })
        .collect();
    if wide {
        (
            vec![
                "Due",
                "Action (◆ review to hold, ★ improvement)",
                "Owner",
                "Service",
                "When",
            ],
            vec![
                Constraint::Length(10),
                Constraint::Min(20),
                Constraint::Length(14),
                Constraint::Length(16),
                Constraint::Length(16),
            ],
            rows,
        )
    } else {
        (
            vec!["Due", "Action (◆ review)", "Owner"],
            vec![Constraint::Length(10), Constraint::Min(12), Constraint::Length(10)],
            rows,
        )
    }
}
