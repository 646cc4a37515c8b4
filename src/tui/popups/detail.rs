//! A record's detail view, scrolled by its lines; a line wider than the view wraps at words,
//! its continuation indented under its text, so nothing is cut.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph};

use crate::tui::app::Detail;
use crate::tui::view::{clip, t};

pub fn draw(frame: &mut Frame<'_>, area: Rect, d: &Detail) {
    let width = area.width.saturating_sub(2) as usize;
    let chosen = d.chosen_line();
    let lines: Vec<Line<'_>> = d
        .lines
        .iter()
        .enumerate()
        .skip(d.scroll)
        .flat_map(|(i, l)| {
            let style = if Some(i) == chosen {
                Style::new().add_modifier(Modifier::REVERSED)
            } else {
                Style::new()
            };
            wrap(&t(l), width)
                .into_iter()
                .map(move |piece| Line::styled(piece, style))
        })
        .collect();
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

/// A line cut at words into pieces no wider than `width` (a word wider than that is cut
/// where it must be); pieces after the first start under the line's text.
fn wrap(line: &str, width: usize) -> Vec<String> {
    if width == 0 || line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let lead = line.chars().take_while(|c| *c == ' ').count();
    let indent = if (lead + 2) * 2 > width { 0 } else { lead + 2 };
    let mut out: Vec<String> = Vec::new();
    let mut current = " ".repeat(lead);
    for word in line[lead..].split(' ').filter(|w| !w.is_empty()) {
        let room = if out.is_empty() { width } else { width - indent };
        let len = current.chars().count();
        if len == 0 || (out.is_empty() && len == lead) {
            current.push_str(word);
        } else if len + 1 + word.chars().count() <= room {
            current.push(' ');
            current.push_str(word);
        } else {
            out.push(std::mem::take(&mut current));
            current.push_str(word);
        }
        // A word longer than the room is cut where it must be.
        loop {
            let room = if out.is_empty() { width } else { width - indent };
            if current.chars().count() <= room {
                break;
            }
            out.push(current.chars().take(room).collect());
            current = current.chars().skip(room).collect();
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out.iter()
        .enumerate()
        .map(|(i, piece)| {
            if i == 0 {
                piece.clone()
            } else {
                format!("{}{piece}", " ".repeat(indent))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn long_lines_wrap_at_words_under_their_text() {
        let pieces = wrap(
            "Health: avocado — SLAs met 2 months running; sentiment 4.0/5 from 5 touch points",
            40,
        );
        assert!(pieces.len() > 1, "{pieces:?}");
        assert!(pieces.iter().all(|p| p.chars().count() <= 40), "{pieces:?}");
        assert!(
            pieces[1].starts_with("  ") && !pieces[1].starts_with("   "),
            "{pieces:?}"
        );
        let joined: Vec<&str> = pieces.iter().flat_map(|p| p.split_whitespace()).collect();
        assert_eq!(
            joined.join(" "),
            "Health: avocado — SLAs met 2 months running; sentiment 4.0/5 from 5 touch points"
        );
        assert_eq!(wrap("short", 40), vec!["short"]);
        // An indented line keeps its indent; a word wider than the view is cut.
        let pieces = wrap(
            "  Recent tickets INC0017837 Label printing fails for international parcels",
            30,
        );
        assert!(pieces[0].starts_with("  Recent"), "{pieces:?}");
        assert!(pieces.iter().all(|p| p.chars().count() <= 30), "{pieces:?}");
        let cut = wrap("abcdefghijklmnopqrstuvwxyz0123456789", 10);
        assert!(cut.iter().all(|p| p.chars().count() <= 10), "{cut:?}");
        assert_eq!(cut.concat().replace(' ', ""), "abcdefghijklmnopqrstuvwxyz0123456789");
    }
}
