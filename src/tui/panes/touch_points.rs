//! The touch points pane: its columns for a given width and its rows' text.

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
            let r = &app.snap.stakeholders[i];
            let style = if r.overdue { theme.overdue() } else { Style::new() };
            let mut cells = vec![
                Cell::from(t(&r.name)),
                Cell::from(r.due_text.clone()).style(style),
                Cell::from(r.last.clone()),
            ];
            if wide {
                cells.insert(1, Cell::from(t(&r.organisation)));
                cells.push(Cell::from(r.channel.clone()));
                cells.push(Cell::from(t(&r.services)));
            }
            Row::new(cells)
        })
        .collect();
    if wide {
        (
            vec![
                "Stakeholder",
                "Organisation",
                "Next touch",
                "Last",
                "Channel",
                "Services",
            ],
            vec![
                Constraint::Length(18),
                Constraint::Length(18),
                Constraint::Length(18),
                Constraint::Length(7),
                Constraint::Length(9),
                Constraint::Min(10),
            ],
            rows,
        )
    } else {
        (
            vec!["Stakeholder", "Next touch", "Last"],
            vec![Constraint::Min(14), Constraint::Length(18), Constraint::Length(7)],
            rows,
        )
    }
}
