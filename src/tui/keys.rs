//! The one key table: it drives key handling, the footer hints and the help overlay, so the
//! three never disagree.

use super::panes::PaneId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Down,
    Up,
    Top,
    Bottom,
    PageDown,
    PageUp,
    NextPane,
    PrevPane,
    Pane(PaneId),
    Open,
    Back,
    Zoom,
    Filter,
    Help,
    Command,
    Add,
    Edit,
    Delete,
    Undo,
    LogTouch,
    Tick,
    Acknowledge,
    Close,
    Informed,
    Refresh,
    AddChange,
    AddImprovement,
    AddReview,
    AddScore,
    EditCalendar,
    EditLastTouch,
    DeleteLastTouch,
    Report,
}

pub struct Binding {
    pub keys: &'static [KeyCode],
    pub ctrl: bool,
    pub action: Action,
    /// How the key is written in the footer and the help.
    pub label: &'static str,
    pub help: &'static str,
    /// Shown in the footer (the rest only in the help).
    pub footer: bool,
}

const fn b(keys: &'static [KeyCode], action: Action, label: &'static str, help: &'static str, footer: bool) -> Binding {
    Binding {
        keys,
        ctrl: false,
        action,
        label,
        help,
        footer,
    }
}

pub const BINDINGS: &[Binding] = &[
    b(
        &[KeyCode::Char('j'), KeyCode::Down],
        Action::Down,
        "j/↓",
        "move down",
        false,
    ),
    b(&[KeyCode::Char('k'), KeyCode::Up], Action::Up, "k/↑", "move up", false),
    b(
        &[KeyCode::Char('g'), KeyCode::Home],
        Action::Top,
        "g",
        "first row",
        false,
    ),
    b(
        &[KeyCode::Char('G'), KeyCode::End],
        Action::Bottom,
        "G",
        "last row",
        false,
    ),
    b(&[KeyCode::PageDown], Action::PageDown, "PgDn", "a page down", false),
    b(&[KeyCode::PageUp], Action::PageUp, "PgUp", "a page up", false),
    b(&[KeyCode::Tab], Action::NextPane, "Tab", "next pane", true),
    b(&[KeyCode::BackTab], Action::PrevPane, "S-Tab", "previous pane", false),
    b(
        &[KeyCode::Char('1')],
        Action::Pane(PaneId::Services),
        "1",
        "Services pane",
        false,
    ),
    b(
        &[KeyCode::Char('2')],
        Action::Pane(PaneId::Breaches),
        "2",
        "Breaches pane",
        false,
    ),
    b(
        &[KeyCode::Char('3')],
        Action::Pane(PaneId::TouchPoints),
        "3",
        "Touch points pane",
        false,
    ),
    b(
        &[KeyCode::Char('4')],
        Action::Pane(PaneId::Reviews),
        "4",
        "Reviews pane",
        false,
    ),
    b(
        &[KeyCode::Enter],
        Action::Open,
        "Enter",
        "open the selected record",
        true,
    ),
    b(&[KeyCode::Esc], Action::Back, "Esc", "back (never quits)", false),
    b(&[KeyCode::Char('z')], Action::Zoom, "z", "zoom the pane", false),
    b(&[KeyCode::Char('/')], Action::Filter, "/", "filter the pane", true),
    b(
        &[KeyCode::Char(':')],
        Action::Command,
        ":",
        "jump to a reference or name",
        true,
    ),
    b(&[KeyCode::Char('a')], Action::Add, "a", "add", true),
    b(&[KeyCode::Char('e')], Action::Edit, "e", "edit", true),
    b(&[KeyCode::Char('d')], Action::Delete, "d", "delete (asks first)", false),
    b(&[KeyCode::Char('t')], Action::LogTouch, "t", "log a touch point", true),
    b(
        &[KeyCode::Char('x'), KeyCode::Char(' ')],
        Action::Tick,
        "x",
        "tick an action done",
        true,
    ),
    b(
        &[KeyCode::Char('A')],
        Action::Acknowledge,
        "A",
        "acknowledge a breach",
        false,
    ),
    b(&[KeyCode::Char('C')], Action::Close, "C", "close a breach", false),
    b(
        &[KeyCode::Char('I')],
        Action::Informed,
        "I",
        "mark the customer informed",
        false,
    ),
    b(&[KeyCode::Char('c')], Action::AddChange, "c", "record a change", false),
    b(
        &[KeyCode::Char('i')],
        Action::AddImprovement,
        "i",
        "add an improvement",
        false,
    ),
    b(
        &[KeyCode::Char('v')],
        Action::AddReview,
        "v",
        "add a review by hand",
        false,
    ),
    b(
        &[KeyCode::Char('s')],
        Action::AddScore,
        "s",
        "record a satisfaction score",
        false,
    ),
    b(
        &[KeyCode::Char('w')],
        Action::EditCalendar,
        "w",
        "edit the service's calendar",
        false,
    ),
    b(
        &[KeyCode::Char('T')],
        Action::EditLastTouch,
        "T",
        "edit the last touch point",
        false,
    ),
    b(
        &[KeyCode::Char('D')],
        Action::DeleteLastTouch,
        "D",
        "delete the last touch point",
        false,
    ),
    b(
        &[KeyCode::Char('R')],
        Action::Report,
        "R",
        "write this month's review of the service",
        false,
    ),
    b(&[KeyCode::Char('u')], Action::Undo, "u", "undo the last change", true),
    b(&[KeyCode::Char('r')], Action::Refresh, "r", "reload", false),
    b(&[KeyCode::Char('?')], Action::Help, "?", "help", true),
    b(&[KeyCode::Char('q')], Action::Quit, "q", "quit", true),
    Binding {
        keys: &[KeyCode::Char('c')],
        ctrl: true,
        action: Action::Quit,
        label: "C-c",
        help: "quit",
        footer: false,
    },
];

/// The action a key press means in the normal mode.
pub fn action_for(key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    BINDINGS
        .iter()
        .find(|b| b.ctrl == ctrl && b.keys.contains(&key.code))
        .map(|b| b.action)
}

/// The footer: the keys marked for it, with the first word of their help (short enough for
/// 80 columns).
pub fn footer_hints() -> Vec<(&'static str, &'static str)> {
    // Help and quit first: on a narrow terminal the end of the line is cut.
    let first = |b: &&Binding| !matches!(b.action, Action::Help | Action::Quit);
    let mut marked: Vec<&Binding> = BINDINGS.iter().filter(|b| b.footer).collect();
    marked.sort_by_key(first);
    marked
        .into_iter()
        .map(|b| (b.label, b.help.split(' ').next().unwrap_or(b.help)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_means_one_thing() {
        let mut seen = std::collections::HashSet::new();
        for b in BINDINGS {
            for k in b.keys {
                assert!(seen.insert((format!("{k:?}"), b.ctrl)), "{k:?} is bound twice");
            }
        }
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(&q), Some(Action::Quit));
        let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(action_for(&c), Some(Action::Quit));
    }
}
