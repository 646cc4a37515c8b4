//! The breaches pane: its columns for a given width and its rows' text.

use ratatui::layout::Constraint;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Cell, Row};

use super::super::app::App;
use super::super::view::{Theme, t};
use super::Columns;

/// The header, the column widths and the rows of `window` (indexes into the pane's rows).
pub fn columns(app: &App, window: &[usize], wide: bool, theme: Theme) -> Columns {
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
            let mut cells = vec![
                Cell::from(t(&r.service)),
                Cell::from(t(&r.reference)),
                Cell::from(what).style(style),
                Cell::from(r.status.clone()),
            ];
            if wide {
                cells.push(Cell::from(r.when.clone()));
                cells.push(Cell::from(if r.is_clock {
                    ""
                } else if r.informed {
                    "yes"
                } else {
                    "NO"
                }));
            }
            Row::new(cells)
        })
        .collect();
    if wide {
        (
            vec!["Service", "Ref", "What", "Status", "When", "Told"],
            vec![
                Constraint::Length(16),
                Constraint::Length(11),
                Constraint::Min(20),
                Constraint::Length(12),
                Constraint::Length(12),
                Constraint::Length(4),
            ],
            rows,
        )
    } else {
        (
            vec!["Service", "Ref", "What", "Status"],
            vec![
                Constraint::Length(12),
                Constraint::Length(11),
                Constraint::Min(10),
                Constraint::Length(9),
            ],
            rows,
        )
    }
}
