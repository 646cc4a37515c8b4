//! The one key table, a slice per mode: it drives key handling, the footer hints, the help
//! overlay and the key letters named in messages, so none of them can disagree with the keys.

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
    Redo,
    UndoHistory,
    LogTouch,
    Tick,
    Acknowledge,
    Close,
    Informed,
    Reopen,
    /// The Breaches pane: show closed and void breaches too, or open ones only.
    ShowClosed,
    /// Correct a ticket: SLA exclusion, critical, pauses by hand.
    CorrectTicket,
    /// Leave a service's outage out of the SLA, or bring it back.
    CorrectOutage,
    /// Today: everything due across kinds, overdue first.
    Today,
    Refresh,
    AddChange,
    AddImprovement,
    RaiseProblem,
    AddReview,
    AddScore,
    EditCalendar,
    EditLastTouch,
    DeleteLastTouch,
    Report,
    // In a form.
    Save,
    NextField,
    PrevField,
    ChoosePrev,
    ChooseNext,
    Erase,
    /// Delete: the character under the cursor.
    EraseForward,
    /// Ctrl-W: the word before the cursor.
    EraseWord,
    /// Ctrl-U: from the start of the field to the cursor.
    EraseToStart,
    CursorHome,
    CursorEnd,
    // In a question.
    Yes,
    // In the list of sync conflicts.
    KeepInUse,
    BringBack,
}

/// What the keys are read against: the screen's mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMode {
    Normal,
    Help,
    Form,
    Confirm,
    Detail,
    Conflicts,
    /// The Today list.
    Today,
    Filter,
    Command,
}

impl KeyMode {
    pub const ALL: [KeyMode; 9] = [
        KeyMode::Normal,
        KeyMode::Today,
        KeyMode::Help,
        KeyMode::Form,
        KeyMode::Confirm,
        KeyMode::Detail,
        KeyMode::Conflicts,
        KeyMode::Filter,
        KeyMode::Command,
    ];

    /// Whether a key bound to nothing is typed as text in this mode.
    pub fn types_text(self) -> bool {
        matches!(self, KeyMode::Form | KeyMode::Filter | KeyMode::Command)
    }
}

pub struct Binding {
    pub keys: &'static [KeyCode],
    pub ctrl: bool,
    pub action: Action,
    /// How the key is written in the footer, the help and messages.
    pub label: &'static str,
    pub help: &'static str,
    /// The footer's word for it; empty: only in the help.
    pub hint: &'static str,
}

const fn b(
    keys: &'static [KeyCode],
    action: Action,
    label: &'static str,
    help: &'static str,
    hint: &'static str,
) -> Binding {
    Binding {
        keys,
        ctrl: false,
        action,
        label,
        help,
        hint,
    }
}

const fn ctrl(key: &'static [KeyCode], action: Action, label: &'static str, help: &'static str) -> Binding {
    Binding {
        keys: key,
        ctrl: true,
        action,
        label,
        help,
        hint: "",
    }
}

const QUIT_CTRL_C: Binding = ctrl(&[KeyCode::Char('c')], Action::Quit, "C-c", "quit");

pub const NORMAL: &[Binding] = &[
    b(
        &[KeyCode::Char('j'), KeyCode::Down],
        Action::Down,
        "j/↓",
        "move down",
        "",
    ),
    b(&[KeyCode::Char('k'), KeyCode::Up], Action::Up, "k/↑", "move up", ""),
    b(&[KeyCode::Char('g'), KeyCode::Home], Action::Top, "g", "first row", ""),
    b(&[KeyCode::Char('G'), KeyCode::End], Action::Bottom, "G", "last row", ""),
    b(&[KeyCode::PageDown], Action::PageDown, "PgDn", "a page down", ""),
    b(&[KeyCode::PageUp], Action::PageUp, "PgUp", "a page up", ""),
    b(&[KeyCode::Tab], Action::NextPane, "Tab", "next pane", "next"),
    b(&[KeyCode::BackTab], Action::PrevPane, "S-Tab", "previous pane", ""),
    b(
        &[KeyCode::Char('1')],
        Action::Pane(PaneId::Services),
        "1",
        "Services pane",
        "",
    ),
    b(
        &[KeyCode::Char('2')],
        Action::Pane(PaneId::Breaches),
        "2",
        "Breaches pane",
        "",
    ),
    b(
        &[KeyCode::Char('3')],
        Action::Pane(PaneId::TouchPoints),
        "3",
        "Touch points pane",
        "",
    ),
    b(
        &[KeyCode::Char('4')],
        Action::Pane(PaneId::Reviews),
        "4",
        "Reviews pane",
        "",
    ),
    b(
        &[KeyCode::Enter],
        Action::Open,
        "Enter",
        "open the selected record",
        "open",
    ),
    b(&[KeyCode::Esc], Action::Back, "Esc", "back (never quits)", ""),
    b(
        &[KeyCode::Char('z')],
        Action::Zoom,
        "z",
        "zoom (Services: the money)",
        "",
    ),
    b(&[KeyCode::Char('/')], Action::Filter, "/", "filter the pane", "filter"),
    b(
        &[KeyCode::Char(':')],
        Action::Command,
        ":",
        "jump to a reference or name",
        "jump",
    ),
    b(&[KeyCode::Char('a')], Action::Add, "a", "add", "add"),
    b(&[KeyCode::Char('e')], Action::Edit, "e", "edit", "edit"),
    b(&[KeyCode::Char('d')], Action::Delete, "d", "delete (asks first)", ""),
    b(&[KeyCode::Char('t')], Action::LogTouch, "t", "log a touch point", "log"),
    b(
        &[KeyCode::Char('x'), KeyCode::Char(' ')],
        Action::Tick,
        "x",
        "tick an action done",
        "tick",
    ),
    b(
        &[KeyCode::Char('A')],
        Action::Acknowledge,
        "A",
        "acknowledge a breach",
        "",
    ),
    b(
        &[KeyCode::Char('C')],
        Action::Close,
        "C",
        "close a breach, with a cause",
        "",
    ),
    b(
        &[KeyCode::Char('I')],
        Action::Informed,
        "I",
        "the customer was told",
        "",
    ),
    b(&[KeyCode::Char('O')], Action::Reopen, "O", "reopen a breach", ""),
    b(
        &[KeyCode::Char('H')],
        Action::ShowClosed,
        "H",
        "show closed breaches too",
        "closed too",
    ),
    b(
        &[KeyCode::Char('E')],
        Action::CorrectTicket,
        "E",
        "correct the breach's ticket",
        "",
    ),
    b(
        &[KeyCode::Char('X')],
        Action::CorrectOutage,
        "X",
        "exclude a service's outage",
        "",
    ),
    b(&[KeyCode::Char('c')], Action::AddChange, "c", "record a change", ""),
    b(
        &[KeyCode::Char('i')],
        Action::AddImprovement,
        "i",
        "add an improvement",
        "",
    ),
    b(
        &[KeyCode::Char('P')],
        Action::RaiseProblem,
        "P",
        "raise a problem from the service, breach or review, its evidence linked",
        "",
    ),
    b(
        &[KeyCode::Char('v')],
        Action::AddReview,
        "v",
        "add a review by hand",
        "",
    ),
    b(
        &[KeyCode::Char('s')],
        Action::AddScore,
        "s",
        "record a satisfaction score",
        "",
    ),
    b(
        &[KeyCode::Char('w')],
        Action::EditCalendar,
        "w",
        "edit the service's calendar",
        "",
    ),
    b(
        &[KeyCode::Char('T')],
        Action::EditLastTouch,
        "T",
        "edit the last touch point",
        "",
    ),
    b(
        &[KeyCode::Char('D')],
        Action::DeleteLastTouch,
        "D",
        "delete the last touch point",
        "",
    ),
    b(&[KeyCode::Char('R')], Action::Report, "R", "write a service review", ""),
    b(
        &[KeyCode::Char('n')],
        Action::Today,
        "n",
        "today: all that is due",
        "today",
    ),
    b(&[KeyCode::Char('u')], Action::Undo, "u", "undo the last change", "undo"),
    ctrl(&[KeyCode::Char('r')], Action::Redo, "C-r", "redo what u undid"),
    b(&[KeyCode::Char('U')], Action::UndoHistory, "U", "the undo history", ""),
    b(&[KeyCode::Char('r')], Action::Refresh, "r", "reload", ""),
    b(&[KeyCode::Char('?')], Action::Help, "?", "help", "help"),
    b(&[KeyCode::Char('q')], Action::Quit, "q", "quit", "quit"),
    QUIT_CTRL_C,
];

/// The help overlay: any key not here closes it.
pub const HELP: &[Binding] = &[b(&[KeyCode::Char('q')], Action::Quit, "q", "quit", ""), QUIT_CTRL_C];

/// In a form, keys bound to nothing are typed into the field.
pub const FORM: &[Binding] = &[
    b(&[KeyCode::Enter], Action::Save, "Enter", "save", "save"),
    ctrl(&[KeyCode::Char('s')], Action::Save, "C-s", "save"),
    b(
        &[KeyCode::Tab, KeyCode::Down],
        Action::NextField,
        "Tab/↓",
        "next field",
        "next field",
    ),
    b(
        &[KeyCode::BackTab, KeyCode::Up],
        Action::PrevField,
        "S-Tab/↑",
        "previous field",
        "previous",
    ),
    b(
        &[KeyCode::Left],
        Action::ChoosePrev,
        "←",
        "previous choice; in text, the cursor left",
        "",
    ),
    b(
        &[KeyCode::Right],
        Action::ChooseNext,
        "→",
        "next choice; in text, the cursor right",
        "",
    ),
    b(
        &[KeyCode::Home],
        Action::CursorHome,
        "Home",
        "to the start of the field",
        "",
    ),
    b(&[KeyCode::End], Action::CursorEnd, "End", "to the end of the field", ""),
    b(
        &[KeyCode::Backspace],
        Action::Erase,
        "Backspace",
        "erase a character",
        "",
    ),
    b(
        &[KeyCode::Delete],
        Action::EraseForward,
        "Del",
        "erase the character under the cursor",
        "",
    ),
    ctrl(
        &[KeyCode::Char('w')],
        Action::EraseWord,
        "C-w",
        "erase the word before the cursor",
    ),
    ctrl(
        &[KeyCode::Char('u')],
        Action::EraseToStart,
        "C-u",
        "erase to the start of the field",
    ),
    b(&[KeyCode::Esc], Action::Back, "Esc", "cancel", "cancel"),
    QUIT_CTRL_C,
];

/// A question: any key not here is no.
pub const CONFIRM: &[Binding] = &[
    b(
        &[KeyCode::Char('y'), KeyCode::Char('Y')],
        Action::Yes,
        "y",
        "yes",
        "yes",
    ),
    QUIT_CTRL_C,
];

pub const DETAIL: &[Binding] = &[
    b(
        &[KeyCode::Char('j'), KeyCode::Down],
        Action::Down,
        "j/↓",
        "scroll down",
        "down",
    ),
    b(&[KeyCode::Char('k'), KeyCode::Up], Action::Up, "k/↑", "scroll up", "up"),
    b(&[KeyCode::PageDown], Action::PageDown, "PgDn", "a page down", ""),
    b(&[KeyCode::PageUp], Action::PageUp, "PgUp", "a page up", ""),
    b(&[KeyCode::Char('g'), KeyCode::Home], Action::Top, "g", "the top", ""),
    b(
        &[KeyCode::Char('t')],
        Action::LogTouch,
        "t",
        "log a touch point (on a service)",
        "log a touch point",
    ),
    b(
        &[KeyCode::Char('A')],
        Action::Acknowledge,
        "A",
        "acknowledge (a breach)",
        "",
    ),
    b(&[KeyCode::Char('C')], Action::Close, "C", "close (a breach)", ""),
    b(
        &[KeyCode::Char('I')],
        Action::Informed,
        "I",
        "the customer was told (a breach)",
        "",
    ),
    b(&[KeyCode::Char('O')], Action::Reopen, "O", "reopen (a breach)", ""),
    b(
        &[KeyCode::Char('E')],
        Action::CorrectTicket,
        "E",
        "correct the ticket (a breach's or a clock's)",
        "",
    ),
    b(
        &[KeyCode::Char('X')],
        Action::CorrectOutage,
        "X",
        "exclude an outage (a service)",
        "",
    ),
    b(
        &[KeyCode::Char('P')],
        Action::RaiseProblem,
        "P",
        "raise a problem from it, its evidence linked",
        "",
    ),
    b(&[KeyCode::Char('e')], Action::Edit, "e", "edit the record shown", ""),
    b(&[KeyCode::Char('x')], Action::Tick, "x", "tick it done (an action)", ""),
    b(
        &[KeyCode::Tab],
        Action::NextPane,
        "Tab",
        "choose the next record named (S-Tab the previous)",
        "next record",
    ),
    b(
        &[KeyCode::BackTab],
        Action::PrevPane,
        "S-Tab",
        "choose the previous record named",
        "",
    ),
    b(
        &[KeyCode::Enter],
        Action::Open,
        "Enter",
        "open the chosen record (back when none is chosen)",
        "open",
    ),
    b(
        &[KeyCode::Esc],
        Action::Back,
        "Esc",
        "back (to the record it was opened from)",
        "back",
    ),
    b(&[KeyCode::Char('q')], Action::Back, "q", "back", ""),
    QUIT_CTRL_C,
];

/// The Today list: everything due across kinds, overdue first.
pub const TODAY: &[Binding] = &[
    b(
        &[KeyCode::Char('j'), KeyCode::Down],
        Action::Down,
        "j/↓",
        "move down",
        "down",
    ),
    b(&[KeyCode::Char('k'), KeyCode::Up], Action::Up, "k/↑", "move up", "up"),
    b(&[KeyCode::Enter], Action::Open, "Enter", "open the record", "open"),
    b(&[KeyCode::Esc, KeyCode::Char('q')], Action::Back, "Esc", "back", "back"),
    QUIT_CTRL_C,
];

pub const CONFLICTS: &[Binding] = &[
    b(
        &[KeyCode::Char('j'), KeyCode::Down],
        Action::Down,
        "j/↓",
        "move down",
        "down",
    ),
    b(&[KeyCode::Char('k'), KeyCode::Up], Action::Up, "k/↑", "move up", "up"),
    b(
        &[KeyCode::Enter],
        Action::KeepInUse,
        "Enter",
        "keep the value in use",
        "keep the value in use",
    ),
    b(
        &[KeyCode::Char('b')],
        Action::BringBack,
        "b",
        "bring back the value that lost",
        "bring back the value that lost",
    ),
    b(&[KeyCode::Esc], Action::Back, "Esc", "back", "back"),
    b(&[KeyCode::Char('q')], Action::Quit, "q", "quit", ""),
    QUIT_CTRL_C,
];

/// Typing a filter: keys bound to nothing are typed.
pub const FILTER: &[Binding] = &[
    b(&[KeyCode::Enter], Action::Open, "Enter", "keep the filter", "keeps"),
    b(&[KeyCode::Esc], Action::Back, "Esc", "clear the filter", "clears"),
    b(
        &[KeyCode::Backspace],
        Action::Erase,
        "Backspace",
        "erase a character",
        "",
    ),
    QUIT_CTRL_C,
];

/// Typing a reference to jump to: keys bound to nothing are typed.
pub const COMMAND: &[Binding] = &[
    b(&[KeyCode::Enter], Action::Open, "Enter", "jump", "jumps"),
    b(&[KeyCode::Down], Action::Down, "↓", "next match", ""),
    b(&[KeyCode::Up], Action::Up, "↑", "previous match", ""),
    b(&[KeyCode::Esc], Action::Back, "Esc", "cancel", "cancels"),
    b(
        &[KeyCode::Backspace],
        Action::Erase,
        "Backspace",
        "erase a character",
        "",
    ),
    QUIT_CTRL_C,
];

/// The bindings of a mode.
pub fn table(mode: KeyMode) -> &'static [Binding] {
    match mode {
        KeyMode::Normal => NORMAL,
        KeyMode::Help => HELP,
        KeyMode::Form => FORM,
        KeyMode::Confirm => CONFIRM,
        KeyMode::Detail => DETAIL,
        KeyMode::Conflicts => CONFLICTS,
        KeyMode::Today => TODAY,
        KeyMode::Filter => FILTER,
        KeyMode::Command => COMMAND,
    }
}

/// The action a key press means in a mode.
pub fn action_for(mode: KeyMode, key: &KeyEvent) -> Option<Action> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    table(mode)
        .iter()
        .find(|b| b.ctrl == ctrl && b.keys.contains(&key.code))
        .map(|b| b.action)
}

/// How the key for an action is written, for messages ("u to undo"). Every action a message
/// names is bound in its mode; the test below holds the table to it.
pub fn label(mode: KeyMode, action: Action) -> &'static str {
    table(mode)
        .iter()
        .find(|b| b.action == action && !b.ctrl)
        .or_else(|| table(mode).iter().find(|b| b.action == action))
        .map_or("?", |b| b.label)
}

/// A question's ending: "y = yes, any other key = no".
pub fn yes_or_no() -> String {
    format!("{} = yes, any other key = no", label(KeyMode::Confirm, Action::Yes))
}

/// A short question's ending where the line is tight: "y/N".
pub fn yes_or_no_short() -> String {
    format!("{}/N", label(KeyMode::Confirm, Action::Yes))
}

/// After a change that can be undone: "(u to undo)".
pub fn undo_hint() -> String {
    format!("({} to undo)", label(KeyMode::Normal, Action::Undo))
}

/// The footer of a mode: the keys marked for it with their word, those `shown` lets through.
/// In the normal mode help and quit come first: on a narrow terminal the end of the line is cut.
pub fn footer_hints(mode: KeyMode, shown: impl Fn(Action) -> bool) -> Vec<(&'static str, &'static str)> {
    let first = |b: &&Binding| mode == KeyMode::Normal && !matches!(b.action, Action::Help | Action::Quit);
    let mut marked: Vec<&Binding> = table(mode)
        .iter()
        .filter(|b| !b.hint.is_empty() && shown(b.action))
        .collect();
    marked.sort_by_key(first);
    marked.into_iter().map(|b| (b.label, b.hint)).collect()
}

/// The footer as one line: "Enter save · Tab/↓ next field · …".
pub fn footer_line(mode: KeyMode, shown: impl Fn(Action) -> bool) -> String {
    footer_hints(mode, shown)
        .into_iter()
        .map(|(k, h)| format!("{k} {h}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_every_mode_a_key_means_one_thing() {
        for mode in KeyMode::ALL {
            let mut seen = std::collections::HashSet::new();
            for b in table(mode) {
                for k in b.keys {
                    assert!(
                        seen.insert((format!("{k:?}"), b.ctrl)),
                        "{k:?} is bound twice in {mode:?}"
                    );
                    if mode.types_text() && !b.ctrl {
                        assert!(!matches!(k, KeyCode::Char(_)), "{k:?} in {mode:?} could not be typed");
                    }
                }
            }
            let c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
            assert_eq!(action_for(mode, &c), Some(Action::Quit), "C-c quits in {mode:?}");
        }
        let q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(KeyMode::Normal, &q), Some(Action::Quit));
        assert_eq!(action_for(KeyMode::Form, &q), None, "q is typed in a form");
    }

    #[test]
    fn footers_and_labels_come_from_the_table() {
        assert_eq!(
            footer_line(KeyMode::Form, |_| true),
            "Enter save · Tab/↓ next field · S-Tab/↑ previous · Esc cancel"
        );
        assert_eq!(
            footer_line(KeyMode::Detail, |a| !matches!(
                a,
                Action::LogTouch | Action::NextPane | Action::Open
            )),
            "j/↓ down · k/↑ up · Esc back"
        );
        assert!(footer_line(KeyMode::Normal, |_| true).starts_with("? help · q quit · Tab next"));
        assert_eq!(label(KeyMode::Normal, Action::Undo), "u");
        assert_eq!(label(KeyMode::Form, Action::Save), "Enter");
        assert_eq!(label(KeyMode::Confirm, Action::Yes), "y");
        // Every action a message names has a key in its mode.
        for (mode, action) in [
            (KeyMode::Normal, Action::Undo),
            (KeyMode::Normal, Action::Add),
            (KeyMode::Normal, Action::Edit),
            (KeyMode::Normal, Action::Back),
            (KeyMode::Form, Action::Save),
            (KeyMode::Form, Action::Back),
            (KeyMode::Confirm, Action::Yes),
            (KeyMode::Filter, Action::Open),
            (KeyMode::Filter, Action::Back),
        ] {
            assert_ne!(label(mode, action), "?", "{action:?} in {mode:?}");
        }
    }
}
