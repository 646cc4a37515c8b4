//! The breaches pane: its columns for a given width and its rows' text.

use ratatui::layout::Constraint;
use ratatui::style::{Color, Style};
use ratatui::widgets::{Cell, Row};

use super::super::app::App;
use super::super::view::{Theme, clip, t};
use super::Columns;

/// The header, the column widths and the rows of `window` (indexes into the pane's rows).
pub fn columns(app: &App, window: &[usize], wide: bool, theme: Theme) -> Columns {
    // Fixed columns are cut with "…", never silently; the reference column is as wide as the
    // longest reference shown (within reason), so no two tickets look alike.
    let (service_w, status_w) = if wide { (16, 12) } else { (12, 9) };
    let ref_w = window
        .iter()
        .map(|&i| app.snap.breaches[i].reference.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(3, 14);
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
                Cell::from(clip(&t(&r.service), service_w)),
                Cell::from(clip(&t(&r.reference), ref_w)),
                Cell::from(what).style(style),
                Cell::from(clip(&r.status, status_w)),
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
                Constraint::Length(service_w as u16),
                Constraint::Length(ref_w as u16),
                Constraint::Min(20),
                Constraint::Length(status_w as u16),
                Constraint::Length(12),
                Constraint::Length(4),
            ],
            rows,
        )
    } else {
        (
            vec!["Service", "Ref", "What", "Status"],
            vec![
                Constraint::Length(service_w as u16),
                Constraint::Length(ref_w as u16),
                Constraint::Min(10),
                Constraint::Length(status_w as u16),
            ],
            rows,
        )
    }
}
