//! The touch points pane: its columns for a given width and its rows' text.

use ratatui::style::Style;

use super::super::app::App;
use super::super::view::{Theme, t};
use super::{Col, Columns, Text, table};

/// The pane's columns: the person and when they are next due first.
const COLS: [Col; 6] = [
    Col {
        title: "Stakeholder",
        min: 14,
        max: 24,
        rank: 0,
    },
    Col {
        title: "Organisation",
        min: 10,
        max: 18,
        rank: 2,
    },
    Col {
        title: "Next touch",
        min: 16,
        max: 18,
        rank: 0,
    },
    Col {
        title: "Last",
        min: 7,
        max: 7,
        rank: 1,
    },
    Col {
        title: "Channel",
        min: 7,
        max: 9,
        rank: 3,
    },
    Col {
        title: "Services",
        min: 10,
        max: 40,
        rank: 2,
    },
];

/// The header, the column widths and the rows of `window` (indexes into the pane's rows)
/// for a pane `width` columns wide.
pub fn columns(app: &App, window: &[usize], width: u16, theme: Theme) -> Columns {
    let rows = window
        .iter()
        .map(|&i| {
            let r = &app.snap.stakeholders[i];
            let style = if r.overdue { theme.overdue() } else { Style::new() };
            let cells: Vec<Text> = vec![
                (t(&r.name), Style::new()),
                (t(&r.organisation), Style::new()),
                (r.due_text.clone(), style),
                (r.last.clone(), Style::new()),
                (r.channel.clone(), Style::new()),
                (t(&r.services), Style::new()),
            ];
            cells
        })
        .collect();
    table(&COLS, width, rows)
}
