//! The values syncs kept aside, to settle one by one (`:conflicts`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState};

use crate::tui::app::App;
use crate::tui::view::{Theme, t};

pub fn draw(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize, theme: Theme) {
    let rows: Vec<Row<'static>> = app
        .snap
        .conflicts
        .iter()
        .map(|c| {
            Row::new(vec![
                Cell::from(c.seq.to_string()),
                Cell::from(t(&c.what)),
                Cell::from(t(&c.kept)),
                Cell::from(t(&c.lost)),
                Cell::from(c.lost_where.clone()),
            ])
        })
        .collect();
    let empty = rows.is_empty();
    let table = Table::new(
        rows,
        [
            Constraint::Length(5),
            Constraint::Min(16),
            Constraint::Percentage(25),
            Constraint::Percentage(25),
            Constraint::Length(14),
        ],
    )
    .header(
        Row::new(vec![
            "#",
            "Record · field",
            "In use (won)",
            "Kept aside (lost)",
            "Lost from",
        ])
        .style(Style::new().add_modifier(Modifier::UNDERLINED)),
    )
    .block(Block::bordered().title(" Sync conflicts: both copies changed these apart "))
    .row_highlight_style(theme.selected());
    let mut state = TableState::default();
    if !empty {
        state.select(Some(selected));
    }
    frame.render_stateful_widget(table, area, &mut state);
    if empty && area.height > 3 {
        frame.render_widget(
            Paragraph::new("no sync conflicts"),
            Rect {
                x: area.x + 2,
                y: area.y + 2,
                width: area.width.saturating_sub(4),
                height: 1,
            },
        );
    }
}
