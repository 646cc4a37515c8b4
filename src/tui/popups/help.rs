//! The help overlay: the normal keys in columns, then the other modes' keys as far as the
//! screen has room, all from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::keys::{self, KeyMode};
use crate::tui::view::{centered, clip};

/// What the marks in the panes mean.
const SYMBOLS: &str = "⚑ needs problem management · ◆ a review to hold · ★ an improvement · ⏱ a clock at risk";

pub fn draw(frame: &mut Frame<'_>, area: Rect) {
    // The four pane keys share one line (undo, redo and history another), so the table fits two
    // columns on 80x24.
    let mut normal: Vec<(String, &str)> = Vec::new();
    for b in keys::NORMAL {
        match b.action {
            keys::Action::Pane(crate::tui::panes::PaneId::Services) => {
                normal.push(("1-4".into(), "the four panes"));
            }
            keys::Action::Pane(_) => {}
            // Undo, redo and the history share a line too.
            keys::Action::Undo => normal.push((
                format!(
                    "{}/{}/{}",
                    keys::label(KeyMode::Normal, keys::Action::Undo),
                    keys::label(KeyMode::Normal, keys::Action::Redo),
                    keys::label(KeyMode::Normal, keys::Action::UndoHistory)
                ),
                "undo / redo / history",
            )),
            keys::Action::Redo | keys::Action::UndoHistory => {}
            _ => normal.push((b.label.into(), b.help)),
        }
    }
    // As many columns as it takes for the whole table to fit (two on 80x24).
    let columns = if normal.len().div_ceil(2) + 3 <= area.height as usize {
        2
    } else {
        3
    };
    let per = normal.len().div_ceil(columns);
    let col_w = ((area.width as usize).saturating_sub(4) / columns).max(12);
    let mut lines = vec![Line::from(Span::styled(
        "Keys (any key closes this)",
        Style::new().add_modifier(Modifier::BOLD),
    ))];
    for row in 0..per {
        let mut text = String::new();
        for col in 0..columns {
            if let Some((label, help)) = normal.get(col * per + row) {
                let cell = format!(" {label:<6} {help}");
                text.push_str(&format!("{:<col_w$}", clip(&cell, col_w)));
            }
        }
        lines.push(Line::from(text));
    }
    // The other modes' keys, each on a line, as far as the screen has room.
    let others = [
        ("In a form", KeyMode::Form),
        ("In a detail view", KeyMode::Detail),
        ("In sync conflicts (:conflicts)", KeyMode::Conflicts),
    ];
    let room = area.height as usize;
    let dates = "Dates: 2026-12-01, today, fri, +3d, +2w. Durations: 4h, 1d 2h, 90m.";
    if lines.len() + 5 <= room {
        lines.push(Line::from(""));
        for (name, mode) in others {
            let keys: Vec<String> = keys::table(mode)
                .iter()
                .map(|b| format!("{} {}", b.label, b.help))
                .collect();
            let text = format!("{name}: {}.", keys.join(", "));
            let wrapped = wrap_words(&text, col_w * columns - 1);
            if lines.len() + wrapped.len() + 3 > room {
                break;
            }
            lines.extend(wrapped.into_iter().map(|l| Line::from(format!(" {l}"))));
        }
        lines.push(Line::from(format!(" {dates}")));
        if lines.len() + 3 <= room {
            lines.push(Line::from(format!(" {SYMBOLS}")));
        }
    }
    let width = (col_w * columns + 2) as u16;
    let rect = centered(area, width, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Help ")), rect);
}

/// Words put on lines of at most `width` characters (a longer word gets a line of its own).
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}
