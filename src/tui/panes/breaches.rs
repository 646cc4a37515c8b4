//! The breaches pane: its columns for a given width and its rows' text.

use ratatui::style::{Color, Style};

use super::super::app::App;
use super::super::view::{Theme, t};
use super::{Columns, Text, col, table};

/// The header, the column widths and the rows of `window` (indexes into the pane's rows)
/// for a pane `width` columns wide: at 80 columns the service, reference, what, status, age
/// or time left, and whether the customer was told.
pub fn columns(app: &App, window: &[usize], width: u16, theme: Theme) -> Columns {
    // The reference column is as wide as the longest reference shown (within reason), so no
    // two tickets look alike.
    let ref_w = window
        .iter()
        .map(|&i| app.snap.breaches[i].reference.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(3, 14) as u16;
    let cols = [
        col("Service", 10, 14, 0),
        col("Ref", ref_w, ref_w, 0),
        col("What", 14, 200, 0),
        col("Status", 9, 12, 1),
        col("When", 11, 14, 1),
        col("Told", 4, 4, 1),
    ];
    let rows = window
        .iter()
        .map(|&i| {
            let r = &app.snap.breaches[i];
            let style = if r.is_clock && !r.overdue {
                theme.fg(Color::Yellow)
            } else if !r.informed {
                theme.overdue()
            } else {
                Style::new()
            };
            let what = if r.is_clock {
                format!("⏱ {}", t(&r.title))
            } else {
                t(&r.title)
            };
            let told = if r.is_clock {
                ""
            } else if r.informed {
                "yes"
            } else {
                "NO"
            };
            let cells: Vec<Text> = vec![
                (t(&r.service), Style::new()),
                (t(&r.reference), Style::new()),
                (what, style),
                (r.status.clone(), Style::new()),
                (r.when.clone(), Style::new()),
                (told.to_string(), Style::new()),
            ];
            cells
        })
        .collect();
    table(&cols, width, rows)
}
