//! The reviews pane: its columns for a given width and its rows' text.

use ratatui::style::Style;

use super::super::app::App;
use super::super::view::{Theme, t};
use super::{Col, Columns, Text, col, table};

/// The pane's columns: at 80 columns the due date, what, service and owner (and when).
const COLS: [Col; 5] = [
    col("Due", 10, 10, 0),
    col("Action (◆ review, ★ improvement, ▲ problem)", 16, 200, 0),
    col("Service", 10, 18, 1),
    col("Owner", 8, 14, 1),
    col("When", 15, 16, 2),
];

/// The header, the column widths and the rows of `window` (indexes into the pane's rows)
/// for a pane `width` columns wide.
pub fn columns(app: &App, window: &[usize], width: u16, theme: Theme) -> Columns {
    let rows = window
        .iter()
        .map(|&i| {
            let r = &app.snap.actions[i];
            let style = if r.overdue { theme.overdue() } else { Style::new() };
            let title = format!("{}{}", r.kind.mark(), t(&r.title));
            let cells: Vec<Text> = vec![
                (r.due.clone(), style),
                (title, Style::new()),
                (t(&r.service), Style::new()),
                (t(&r.owner), Style::new()),
                (r.due_text.clone(), style),
            ];
            cells
        })
        .collect();
    table(&COLS, width, rows)
}
