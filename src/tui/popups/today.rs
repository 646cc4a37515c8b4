//! Today: one list of everything due across kinds, overdue first; Enter opens a line's record.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, List, ListItem, ListState};

use crate::app::detail::Subject;
use crate::tui::app::App;
use crate::tui::view::{Theme, clip, t};

/// One line of the Today list, and the record it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct TodayItem {
    pub subject: Subject,
    pub overdue: bool,
    /// `YYYY-MM-DD`, empty for a breach (always due now).
    pub due: String,
    pub line: String,
}

/// Everything due, from the loaded lists: open breaches and clocks at risk, touch points,
/// actions and reviews due; overdue first, then by when.
pub fn items(app: &App) -> Vec<TodayItem> {
    let mut items: Vec<TodayItem> = Vec::new();
    for b in &app.snap.breaches {
        if !matches!(b.status.as_str(), "closed" | "void") {
            let what = if b.is_clock { "clock" } else { "breach" };
            let told = if !b.is_clock && !b.informed {
                ", customer not told"
            } else {
                ""
            };
            items.push(TodayItem {
                subject: if b.is_clock {
                    Subject::Ticket(b.id.clone())
                } else {
                    Subject::Breach(b.id.clone())
                },
                overdue: !b.is_clock || b.overdue,
                due: String::new(),
                line: format!(
                    "{what:<7} {}{}{} — {}{told} ({})",
                    b.service,
                    if b.reference.is_empty() { "" } else { " " },
                    b.reference,
                    b.title,
                    b.when
                ),
            });
        }
    }
    for s in &app.snap.stakeholders {
        if s.overdue || due_this_week(&s.due_text) {
            items.push(TodayItem {
                subject: Subject::Stakeholder(s.id.clone()),
                overdue: s.overdue,
                due: s.due.clone(),
                line: format!("touch   {} ({}) — {}", s.name, s.organisation, s.due_text),
            });
        }
    }
    // An agreement's last day to give notice, this week.
    for r in &app.snap.services {
        if let Some(days) = r.notice_in.filter(|d| (0..=7).contains(d)) {
            items.push(TodayItem {
                subject: Subject::Service(r.id.clone()),
                overdue: days == 0,
                due: String::new(),
                line: format!(
                    "notice  {} — last day to give notice on its agreement {}",
                    r.name, r.notice
                ),
            });
        }
    }
    for a in &app.snap.actions {
        if a.overdue || due_this_week(&a.due_text) {
            let (word, subject) = (a.kind.word(), a.kind.subject(&a.id));
            items.push(TodayItem {
                subject,
                overdue: a.overdue,
                due: a.due.clone(),
                line: format!("{word:<7} {} — {} ({}; {})", a.service, a.title, a.due_text, a.owner),
            });
        }
    }
    // Overdue first; within each, by due date (breaches, which have none, first).
    items.sort_by(|x, y| (!x.overdue, &x.due).cmp(&(!y.overdue, &y.due)));
    items
}

/// Whether a due text ("due today", "due in 3 days", "review due tomorrow") falls within the
/// coming week.
fn due_this_week(text: &str) -> bool {
    if text.contains("due today") || text.contains("due tomorrow") {
        return true;
    }
    text.split("due in ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<i64>().ok())
        .is_some_and(|n| n <= 7)
}

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
