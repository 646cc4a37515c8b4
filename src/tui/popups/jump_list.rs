//! The jump's live matches: as a person types after `:`, the best records by fuzzy match
//! over services (with their customers), stakeholders (with their organisations), open
//! breaches and clocks (by reference, title and service) and the reviews and actions due —
//! from the loaded lists, so each key answers at once. Enter opens the chosen one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, List, ListItem, ListState};

use crate::app::detail::Subject;
use crate::domain::fuzzy::score;
use crate::tui::app::App;
use crate::tui::view::{Theme, clip, t};

/// How many matches are offered.
pub const SHOWN: usize = 6;

/// One match: what it is, and the record it opens.
#[derive(Debug, Clone, PartialEq)]
pub struct JumpMatch {
    pub label: String,
    pub subject: Subject,
}

/// The best matches for `query`, best first (ties in list order).
pub fn matches(app: &App, query: &str) -> Vec<JumpMatch> {
    let query = query.trim();
    if query.is_empty() || query.to_lowercase().starts_with("customer ") {
        return Vec::new();
    }
    let mut found: Vec<(i64, usize, JumpMatch)> = Vec::new();
    let mut add = |text: &str, label: String, subject: Subject| {
        if let Some(s) = score(query, text) {
            let order = found.len();
            found.push((s, order, JumpMatch { label, subject }));
        }
    };
    for s in &app.snap.services {
        let label = if s.customer.is_empty() {
            format!("service  {}", s.name)
        } else {
            format!("service  {} ({})", s.name, s.customer)
        };
        // The name alone first: a customer's words must not outrank a service's own.
        let text = format!("{} {}", s.name, s.customer);
        add(&text, label, Subject::Service(s.id.clone()));
    }
    for p in &app.snap.stakeholders {
        let label = format!("person   {} ({})", p.name, p.organisation);
        add(
            &format!("{} {}", p.name, p.organisation),
            label,
            Subject::Stakeholder(p.id.clone()),
        );
    }
    for b in &app.snap.breaches {
        let label = format!(
            "{}   {} {} — {}",
            if b.is_clock { "clock " } else { "breach" },
            b.reference,
            b.title,
            b.service
        );
        let subject = if b.is_clock {
            Subject::Ticket(b.id.clone())
        } else {
            Subject::Breach(b.id.clone())
        };
        add(&format!("{} {} {}", b.reference, b.title, b.service), label, subject);
    }
    for a in &app.snap.actions {
        let (kind, subject) = (a.kind.word(), a.kind.subject(&a.id));
        let label = format!("{kind:<8} {} — {}", a.title, a.service);
        add(&format!("{} {}", a.title, a.service), label, subject);
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().take(SHOWN).map(|(_, _, m)| m).collect()
}

/// The matches in a box just above the footer, the chosen one highlighted.
pub fn draw(frame: &mut Frame<'_>, body: Rect, found: &[JumpMatch], pick: usize, theme: Theme) {
    if found.is_empty() || body.height < 4 {
        return;
    }
    let height = (found.len() as u16 + 2).min(body.height);
    let area = Rect {
        x: body.x,
        y: body.y + body.height - height,
        width: body.width,
        height,
    };
    let width = area.width.saturating_sub(4) as usize;
    let items: Vec<ListItem<'_>> = found
        .iter()
        .map(|m| ListItem::new(Line::from(clip(&t(&m.label), width))))
        .collect();
    let list = List::new(items)
        .block(Block::bordered().title(" matches (↑/↓ choose, Enter opens) "))
        .highlight_style(theme.selected());
    let mut state = ListState::default();
    state.select(Some(pick.min(found.len() - 1)));
    frame.render_widget(Clear, area);
    frame.render_stateful_widget(list, area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::model::{ServiceRow, StakeholderRow};

    #[test]
    fn a_few_letters_find_people_and_services() {
        let mut app = App::new("t");
        app.snap.services.push(ServiceRow {
            id: "s1".into(),
            name: "Payroll".into(),
            customer: "Finance Division".into(),
            ..ServiceRow::default()
        });
        app.snap.stakeholders.push(StakeholderRow {
            id: "p1".into(),
            name: "Ann de Vries".into(),
            organisation: "Acme Retail".into(),
            ..StakeholderRow::default()
        });
        let found = matches(&app, "ann");
        assert_eq!(
            found.first().map(|m| &m.subject),
            Some(&Subject::Stakeholder("p1".into()))
        );
        let found = matches(&app, "pay");
        assert_eq!(found.first().map(|m| &m.subject), Some(&Subject::Service("s1".into())));
        assert!(matches(&app, "zzz").is_empty());
        assert!(
            matches(&app, "customer Acme").is_empty(),
            "the customer command is no jump"
        );
    }
}
