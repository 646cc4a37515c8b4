//! Today: one list of everything due across kinds, overdue first; Enter opens a line's record.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, List, ListItem, ListState};

use crate::tui::app::TodayItem;
use crate::tui::view::{Theme, clip, t};

pub fn draw(frame: &mut Frame<'_>, area: Rect, items: &[TodayItem], selected: usize, theme: Theme) {
    let width = area.width.saturating_sub(4) as usize;
    let lines: Vec<ListItem<'_>> = items
        .iter()
        .map(|i| {
            let mark = if i.overdue { "! " } else { "  " };
            let line = Line::from(clip(&format!("{mark}{}", t(&i.line)), width));
            if i.overdue {
                ListItem::new(line).style(theme.overdue())
            } else {
                ListItem::new(line)
            }
        })
        .collect();
    let overdue = items.iter().filter(|i| i.overdue).count();
    let title = if items.is_empty() {
        " Today: nothing due ".to_string()
    } else {
        format!(" Today: {} due, {overdue} overdue (!) ", items.len())
    };
    let list = List::new(lines)
        .block(Block::bordered().title(title))
        .highlight_style(theme.selected());
    let mut state = ListState::default();
    if !items.is_empty() {
        state.select(Some(selected.min(items.len() - 1)));
    }
    frame.render_stateful_widget(list, area, &mut state);
}
