//! A form drawn over the panes: its fields, the focused one marked, and its error or hint.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::form::{Form, Kind};
use crate::tui::view::{Theme, centered, t};

pub fn draw(frame: &mut Frame<'_>, area: Rect, form: &Form, theme: Theme) {
    // A form longer than the screen shows a window of its fields that keeps the focused one
    // in view, and says how many lie above and below.
    // What is wrong is said below the fields, one line each (every wrong field at once).
    let said = form.errors();
    let n = form.fields.len();
    let extra = said.len().max(1) - 1;
    let room = (area.height.saturating_sub(5 + extra as u16) as usize).max(1);
    let shown_n = n.min(room);
    let first = (form.focus + 1).saturating_sub(shown_n).min(n - shown_n);
    let height = (shown_n + extra) as u16 + 5;
    let rect = centered(area, 76, height);
    frame.render_widget(Clear, rect);
    let label_w = form.fields.iter().map(|f| f.label.chars().count()).max().unwrap_or(10);
    let value_w = (rect.width as usize).saturating_sub(label_w + 6);
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate().skip(first).take(shown_n) {
        let focused = i == form.focus;
        let label_style = if form.wrong_of(f.key).is_some() {
            theme.overdue()
        } else {
            Style::new()
        };
        // A choice shows every option when they fit, the chosen one marked: what ←/→ move
        // between is in sight.
        if let Kind::Choice(options) = &f.kind
            && let Some(spans) = choice_spans(options, &f.value, value_w, focused, theme)
        {
            let mut line = vec![Span::styled(format!(" {:>label_w$}  ", f.label), label_style)];
            line.extend(spans);
            lines.push(Line::from(line));
            continue;
        }
        let mut value = t(&f.value);
        // Where the cursor is drawn: at the form's cursor in a text field, after a choice.
        let mut cursor_at = value.chars().count();
        if let Kind::Choice(_) = f.kind {
            value = format!("‹ {value} ›");
            cursor_at = value.chars().count();
        } else if focused {
            cursor_at = form.cursor.min(cursor_at);
        }
        if focused {
            let at = value.char_indices().nth(cursor_at).map_or(value.len(), |(i, _)| i);
            value.insert(at, '▏');
        }
        // Keep the cursor in view in a long value.
        let count = value.chars().count();
        let shown: String = if count > value_w {
            let start = (cursor_at + 1).saturating_sub(value_w).min(count - value_w);
            value.chars().skip(start).take(value_w).collect()
        } else {
            value
        };
        let style = if focused { theme.selected() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(format!(" {:>label_w$}  ", f.label), label_style),
            Span::styled(shown, style),
        ]));
    }
    lines.push(Line::from(""));
    if said.is_empty() {
        let hint = form.fields.get(form.focus).map(|f| f.hint).unwrap_or("");
        lines.push(Line::from(Span::styled(
            format!(" {hint}"),
            Style::new().add_modifier(Modifier::DIM),
        )));
    }
    for e in &said {
        lines.push(Line::from(Span::styled(format!(" {}", t(e)), theme.overdue())));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(format!(" {}{} ", t(&form.title), more(first, n - first - shown_n))))
            .wrap(Wrap { trim: false }),
        rect,
    );
}

/// "(2 more ↑ · 3 more ↓)" for the fields out of view; empty when all are shown.
fn more(above: usize, below: usize) -> String {
    match (above, below) {
        (0, 0) => String::new(),
        (a, 0) => format!(" ({a} more ↑)"),
        (0, b) => format!(" ({b} more ↓)"),
        (a, b) => format!(" ({a} more ↑ · {b} more ↓)"),
    }
}

/// The options of a choice side by side, the chosen one in brackets (and highlighted when the
/// field has the focus); `None` when they do not fit in `width`.
fn choice_spans(
    options: &[String],
    chosen: &str,
    width: usize,
    focused: bool,
    theme: Theme,
) -> Option<Vec<Span<'static>>> {
    let total: usize = options.iter().map(|o| t(o).chars().count() + 3).sum();
    if total > width || options.len() < 2 {
        return None;
    }
    let mut spans = Vec::with_capacity(options.len() * 2);
    for o in options {
        if o == chosen {
            let style = if focused {
                theme.selected()
            } else {
                Style::new().add_modifier(Modifier::BOLD)
            };
            spans.push(Span::styled(format!("[{}]", t(o)), style));
        } else {
            spans.push(Span::styled(
                format!(" {} ", t(o)),
                Style::new().add_modifier(Modifier::DIM),
            ));
        }
        spans.push(Span::raw(" "));
    }
    Some(spans)
}
