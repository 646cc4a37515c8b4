//! Drawing the model: title bar, agenda line, the four panes (2x2 on a large terminal, tabs on
//! a small one), the footer and the overlays. Every string from the data is made inert first.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Wrap};

use super::app::{App, Mode};
use super::keys::{Action, KeyMode, footer_line, label};
use super::panes::PaneId;
use crate::domain::text::inert;

/// Below this the interface says so instead of drawing.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 10;

/// Colours, or none at all (`NO_COLOR`, `--no-color`).
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn fg(&self, c: Color) -> Style {
        if self.color { Style::new().fg(c) } else { Style::new() }
    }
    pub fn overdue(&self) -> Style {
        if self.color {
            Style::new().fg(Color::Red)
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        }
    }
    pub fn selected(&self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
    }
}

pub(super) fn t(s: &str) -> String {
    inert(s).into_owned()
}

pub(crate) fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else if width == 0 {
        String::new()
    } else {
        let mut out: String = s.chars().take(width - 1).collect();
        out.push('…');
        out
    }
}

pub fn draw(frame: &mut Frame<'_>, app: &App, theme: Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "terminal too small: {}x{} (sdm needs {MIN_WIDTH}x{MIN_HEIGHT}); q quits",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let [title, agenda, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let right = t(&app.snap.freshness);
    let left = format!(" sdm · {}", t(&app.title));
    let pad = (title.width as usize).saturating_sub(left.chars().count() + right.chars().count() + 1);
    frame.render_widget(
        Paragraph::new(clip(
            &format!("{left}{}{right} ", " ".repeat(pad)),
            title.width as usize,
        ))
        .style(Style::new().add_modifier(Modifier::REVERSED)),
        title,
    );
    let fitted;
    let line = if app.snap.agenda.chars().count() < agenda.width as usize {
        &app.snap.agenda
    } else {
        fitted = app.snap.counts.fit((agenda.width as usize).saturating_sub(2));
        &fitted
    };
    frame.render_widget(
        Paragraph::new(clip(&format!(" {}", t(line)), agenda.width as usize))
            .style(Style::new().add_modifier(Modifier::BOLD)),
        agenda,
    );

    if let Mode::Detail(d) = &app.mode {
        super::popups::detail::draw(frame, body, d);
    } else if let Mode::Conflicts { selected } = &app.mode {
        super::popups::conflicts::draw(frame, body, app, *selected, theme);
    } else if let Mode::Today { items, selected } = &app.mode {
        super::popups::today::draw(frame, body, items, *selected, theme);
    } else {
        let grid = is_grid(body.width, body.height) && !app.zoomed;
        if grid {
            let [top, bottom] = Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
            let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(top);
            let [c, d] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
            for (pane, rect) in PaneId::ALL.into_iter().zip([a, b, c, d]) {
                draw_pane(frame, rect, app, pane, theme);
            }
        } else {
            let [tabs, pane_area] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(body);
            let mut spans = Vec::new();
            for pane in PaneId::ALL {
                let count = app.visible(pane).len();
                let label = format!(" {} {} ({count}) ", pane.index() + 1, pane.title());
                spans.push(if pane == app.focus {
                    Span::styled(label, theme.selected())
                } else {
                    Span::raw(label)
                });
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
            draw_pane(frame, pane_area, app, app.focus, theme);
        }
    }

    if let Mode::Command(_) = &app.mode {
        super::popups::jump_list::draw(frame, body, &app.jump_matches, app.jump_pick, theme);
    }

    // The footer: a prompt, the status, or the key hints.
    let line = match super::popups::prompt::line(app) {
        Some(prompt) => prompt,
        None if !app.status.is_empty() => format!(" {}", t(&app.status)),
        // The hints of the focused pane: ticking in Reviews, logging where there are people,
        // closed breaches in Breaches.
        None => format!(
            " {}",
            footer_line(KeyMode::Normal, |a| match a {
                Action::Tick => app.focus == PaneId::Reviews,
                Action::LogTouch => matches!(app.focus, PaneId::TouchPoints | PaneId::Services),
                Action::ShowClosed => app.focus == PaneId::Breaches,
                _ => true,
            })
        ),
    };
    let style = match app.mode {
        Mode::Confirm { .. } | Mode::Discard { .. } => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        _ => Style::new(),
    };
    frame.render_widget(Paragraph::new(clip(&line, footer.width as usize)).style(style), footer);

    match &app.mode {
        Mode::Help => super::popups::help::draw(frame, area),
        Mode::Form(form) | Mode::Discard { form, .. } => super::popups::form_view::draw(frame, body, form, theme),
        _ => {}
    }
}

fn pane_block(app: &App, pane: PaneId, theme: Theme) -> Block<'static> {
    let focused = pane == app.focus;
    let filter = if app.filters[pane].is_empty() {
        String::new()
    } else {
        format!(" /{}", t(&app.filters[pane]))
    };
    let title = format!(
        " {} {} ({}){filter} ",
        pane.index() + 1,
        pane.title(),
        app.visible(pane).len()
    );
    let mut block = Block::new().borders(Borders::ALL).title(title);
    if focused {
        block = block
            .border_style(theme.fg(Color::Cyan).add_modifier(Modifier::BOLD))
            .title_style(Style::new().add_modifier(Modifier::BOLD));
    }
    block
}

fn draw_pane(frame: &mut Frame<'_>, area: Rect, app: &App, pane: PaneId, theme: Theme) {
    let block = pane_block(app, pane, theme);
    let inner_w = area.width.saturating_sub(2) as usize;
    let visible = app.visible(pane);
    // Rows are made only for the window on screen (the selected one kept in view, at the
    // bottom when the cursor has moved past the first screenful), whatever the list's length.
    let capacity = (area.height.saturating_sub(3) as usize).max(1);
    let selected = app.selected[pane].min(visible.len().saturating_sub(1));
    let first = (selected + 1).saturating_sub(capacity);
    let window = &visible[first.min(visible.len())..(first + capacity).min(visible.len())];
    // The highlight symbol takes no room; the table's own spacing is part of the fit.
    let width = u16::try_from(inner_w).unwrap_or(u16::MAX);
    let (header, widths, rows) = match pane {
        PaneId::Services => super::panes::services::columns(app, window, width, theme),
        PaneId::Breaches => super::panes::breaches::columns(app, window, width, theme),
        PaneId::TouchPoints => super::panes::touch_points::columns(app, window, width, theme),
        PaneId::Reviews => super::panes::reviews::columns(app, window, width, theme),
    };
    let empty = rows.is_empty();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(Style::new().add_modifier(Modifier::UNDERLINED)))
        .block(block)
        .row_highlight_style(if pane == app.focus {
            theme.selected()
        } else {
            Style::new().add_modifier(Modifier::BOLD)
        });
    let mut state = TableState::default();
    if !empty {
        state.select(Some(selected - first));
    }
    frame.render_stateful_widget(table, area, &mut state);
    if empty && area.height > 3 {
        let msg = if app.filters[pane].is_empty() {
            format!("nothing here — {} adds one", label(KeyMode::Normal, Action::Add))
        } else {
            format!(
                "nothing matches the filter ({} clears it)",
                label(KeyMode::Normal, Action::Back)
            )
        };
        let inner = Rect {
            x: area.x + 2,
            y: area.y + 2,
            width: area.width.saturating_sub(4),
            height: 1,
        };
        frame.render_widget(Paragraph::new(msg), inner);
    }
}

/// Whether a body of this size shows the four panes at once (2x2) rather than as tabs: only
/// when each pane gets at least the width of the 80-column layout.
pub fn is_grid(width: u16, height: u16) -> bool {
    width >= 160 && height >= 28
}

pub(super) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
