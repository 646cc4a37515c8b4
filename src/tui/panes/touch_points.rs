//! The touch points pane: its columns for a given width and its rows' text.

use ratatui::style::Style;

use super::super::app::App;
use super::super::view::{Theme, t};
use super::{Col, Columns, Text, col, table};

/// The pane's columns: the person and when they are next due first.
const COLS: [Col; 6] = [
    col("Stakeholder", 14, 24, 0),
    col("Organisation", 10, 18, 2),
    col("Next touch", 16, 18, 0),
    col("Last", 7, 7, 1),
    col("Channel", 7, 9, 3),
    col("Services", 10, 40, 2),
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
