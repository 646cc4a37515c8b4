//! A record's detail view, scrolled.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::Detail;
use crate::tui::view::{clip, t};

pub fn draw(frame: &mut Frame<'_>, area: Rect, d: &Detail) {
    let lines: Vec<Line<'_>> = d.lines.iter().skip(d.scroll).map(|l| Line::from(t(l))).collect();
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(format!(
                " {} ",
                clip(&t(&d.title), area.width.saturating_sub(4) as usize)
            )))
            .alignment(Alignment::Left),
        area,
    );
}
