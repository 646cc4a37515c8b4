//! Drawing the model: title bar, agenda line, the four panes (2x2 on a large terminal, tabs on
//! a small one), the footer and the overlays. Every string from the data is made inert first.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use super::app::{App, Mode};
use super::form::Kind;
use super::keys::{self, Action, KeyMode, footer_line, label};
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

fn clip(s: &str, width: usize) -> String {
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
    let line = if app.snap.agenda.chars().count() < agenda.width as usize {
        &app.snap.agenda
    } else {
        &app.snap.agenda_short
    };
    frame.render_widget(
        Paragraph::new(clip(&format!(" {}", t(line)), agenda.width as usize))
            .style(Style::new().add_modifier(Modifier::BOLD)),
        agenda,
    );

    if let Mode::Detail(d) = &app.mode {
        draw_detail(frame, body, d, theme);
    } else if let Mode::Conflicts { selected } = &app.mode {
        draw_conflicts(frame, body, app, *selected, theme);
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

    // The footer: a prompt, the status, or the key hints.
    let line = match &app.mode {
        Mode::Filter => format!(
            " /{}▏ ({})",
            t(&app.filters[app.focus]),
            footer_line(KeyMode::Filter, |_| true)
        ),
        Mode::Command(text) => format!(
            " :{}▏ (a ticket or change reference, a service, a stakeholder; {})",
            t(text),
            footer_line(KeyMode::Command, |_| true)
        ),
        Mode::Confirm { prompt, .. } => format!(" {}", t(prompt)),
        Mode::Detail(d) => {
            let on_service = d.service_id.is_some();
            format!(
                " {}",
                footer_line(KeyMode::Detail, |a| a != Action::LogTouch || on_service)
            )
        }
        mode @ (Mode::Form(_) | Mode::Conflicts { .. }) => format!(" {}", footer_line(mode.keys(), |_| true)),
        _ if !app.status.is_empty() => format!(" {}", t(&app.status)),
        _ => format!(" {}", footer_line(KeyMode::Normal, |_| true)),
    };
    let style = match app.mode {
        Mode::Confirm { .. } => Style::new().add_modifier(Modifier::BOLD | Modifier::REVERSED),
        _ => Style::new(),
    };
    frame.render_widget(Paragraph::new(clip(&line, footer.width as usize)).style(style), footer);

    match &app.mode {
        Mode::Help => draw_help(frame, area),
        Mode::Form(form) => draw_form(frame, body, form, theme),
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
    let wide = inner_w >= 90;
    let (header, widths, rows) = match pane {
        PaneId::Services => super::panes::services::columns(app, window, wide, theme),
        PaneId::Breaches => super::panes::breaches::columns(app, window, wide, theme),
        PaneId::TouchPoints => super::panes::touch_points::columns(app, window, wide, theme),
        PaneId::Reviews => super::panes::reviews::columns(app, window, wide, theme),
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

/// Whether a body of this size shows the four panes at once (2x2) rather than as tabs.
pub fn is_grid(width: u16, height: u16) -> bool {
    width >= 120 && height >= 28
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

fn draw_help(frame: &mut Frame<'_>, area: Rect) {
    let normal = keys::NORMAL;
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
            if let Some(b) = normal.get(col * per + row) {
                let cell = format!(" {:<6} {}", b.label, b.help);
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

fn draw_form(frame: &mut Frame<'_>, area: Rect, form: &super::form::Form, theme: Theme) {
    let height = form.fields.len() as u16 + 5;
    let rect = centered(area, 76, height);
    frame.render_widget(Clear, rect);
    let label_w = form.fields.iter().map(|f| f.label.chars().count()).max().unwrap_or(10);
    let value_w = (rect.width as usize).saturating_sub(label_w + 6);
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let mut value = t(&f.value);
        if let Kind::Choice(_) = f.kind {
            value = format!("‹ {value} ›");
        }
        if focused {
            value.push('▏');
        }
        // Keep the end of a long value (where the cursor is) in view.
        let count = value.chars().count();
        let shown: String = if count > value_w {
            value.chars().skip(count - value_w).collect()
        } else {
            value
        };
        let style = if focused { theme.selected() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::raw(format!(" {:>label_w$}  ", f.label)),
            Span::styled(shown, style),
        ]));
    }
    lines.push(Line::from(""));
    match &form.error {
        Some(e) => lines.push(Line::from(Span::styled(format!(" {}", t(e)), theme.overdue()))),
        None => {
            let hint = form.fields.get(form.focus).map(|f| f.hint).unwrap_or("");
            lines.push(Line::from(Span::styled(
                format!(" {hint}"),
                Style::new().add_modifier(Modifier::DIM),
            )));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::bordered().title(format!(" {} ", t(&form.title))))
            .wrap(Wrap { trim: false }),
        rect,
    );
}

fn draw_conflicts(frame: &mut Frame<'_>, area: Rect, app: &App, selected: usize, theme: Theme) {
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

fn draw_detail(frame: &mut Frame<'_>, area: Rect, d: &super::app::Detail, _theme: Theme) {
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
