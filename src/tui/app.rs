//! The interface's state and how keys change it. No drawing and no SQLite here: a key becomes
//! an [`Action`], [`App::handle`] changes the model and returns [`Effect`]s, which the runtime
//! carries out against the store before the model is drawn again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::{CursorMove, Form};
use super::keys::{self, Action, KeyMode, action_for, label};
use super::model::{Snapshot, ToDo};
use super::panes::{PaneId, PerPane};
pub use super::popups::forms::*;
use crate::app::breaches::Handling;
use crate::app::detail::Subject;
use crate::app::{RecordKind, RecordRef};
use crate::domain::text::inert;

/// What the runtime does for the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Reload,
    /// Read the panes again, keeping the status line.
    Refresh,
    Save(Box<Form>),
    Delete {
        record: RecordRef,
        label: String,
    },
    /// Ask before deleting, once what hangs on the record is read.
    AskDelete {
        record: RecordRef,
        name: String,
    },
    /// One step on a record (acknowledge, close, tick, ...), undoably.
    Step {
        step: Step,
        id: String,
    },
    Undo,
    Redo,
    /// Show the undo journal.
    UndoHistory,
    /// Undo the last step though it is not the interface's own (asked first).
    UndoTheirs,
    Detail(Subject),
    /// A record opened from a detail view's line: Esc comes back along `back`, to where
    /// the view was.
    DetailFrom {
        subject: Subject,
        back: Vec<Place>,
    },
    /// A new problem from a record: the evidence behind it linked, its form to fill.
    RaiseProblem(Subject),
    /// Back to a detail view as it was left.
    DetailBack {
        place: Place,
        back: Vec<Place>,
    },
    /// Open the form for a step on a breach (close, tell the customer), pre-filled.
    BreachForm {
        id: String,
        step: Handling,
    },
    /// Open the form that corrects a ticket (exclusion, critical, pauses).
    TicketForm {
        id: String,
    },
    /// Open the form that leaves one of a service's outages out of the SLA.
    OutageForm {
        service_id: String,
    },
    Jump(String),
    /// Open a form pre-filled from the record (edit).
    EditForm(RecordRef),
    /// Open the form for adding from a detail view (a touch point for a service).
    TouchFromService {
        service_id: String,
    },
    EditCalendar {
        service_id: String,
    },
    ResolveConflict {
        seq: i64,
        take_lost: bool,
    },
    EditLastTouch {
        stakeholder_id: String,
    },
    /// Put the cursor on a record of a pane (a jump's service or person).
    Select(PaneId, String),
    /// Ask for a service review's period and audience (the default period needs today).
    ReportForm {
        service_id: String,
        service: String,
    },
    DeleteLastTouch {
        stakeholder_id: String,
    },
}

/// A one-key step on a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Breach(Handling),
    TickAction,
    FinishImprovement,
}

impl From<crate::app::detail::Detail> for Detail {
    fn from(d: crate::app::detail::Detail) -> Detail {
        Detail {
            title: d.title,
            lines: d.lines,
            scroll: 0,
            service_id: d.service_id,
            subject: d.subject,
            links: d.links,
            chosen: None,
            back: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub title: String,
    pub lines: Vec<String>,
    pub scroll: usize,
    /// The record shown, for keys that act on it (log a touch point from a service).
    pub service_id: Option<String>,
    /// The record shown, for the keys that act on it there.
    pub subject: Option<Subject>,
    /// The lines that open another record (Tab moves between them, Enter opens).
    pub links: Vec<(usize, Subject)>,
    /// Which of `links` is chosen.
    pub chosen: Option<usize>,
    /// The details this one was opened from, the latest last: Esc goes back to it.
    pub back: Vec<Place>,
}

/// A detail view to come back to: its record, the record chosen there and its scroll.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub subject: Subject,
    /// The record its chosen line opens (found again by record, not by line: the view may
    /// have changed meanwhile).
    pub chosen: Option<Subject>,
    pub scroll: usize,
}

impl Detail {
    /// Where this view is, to come back to it.
    pub fn place(&self) -> Option<Place> {
        Some(Place {
            subject: self.subject.clone()?,
            chosen: self.chosen.and_then(|i| self.links.get(i)).map(|(_, s)| s.clone()),
            scroll: self.scroll,
        })
    }
}

impl Detail {
    /// The line index of the chosen link.
    pub fn chosen_line(&self) -> Option<usize> {
        self.chosen.and_then(|i| self.links.get(i)).map(|(line, _)| *line)
    }

    /// Chooses the next (or previous) link, wrapping, and scrolls it into view.
    fn choose(&mut self, forward: bool) {
        let n = self.links.len();
        if n == 0 {
            return;
        }
        let next = match (self.chosen, forward) {
            (None, true) => 0,
            (None, false) => n - 1,
            (Some(i), true) => (i + 1) % n,
            (Some(i), false) => (i + n - 1) % n,
        };
        self.chosen = Some(next);
        if let Some(line) = self.chosen_line() {
            // Keep a few lines of context above the chosen one.
            if line < self.scroll || line > self.scroll + 8 {
                self.scroll = line.saturating_sub(3);
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    Filter,
    Command(String),
    Help,
    Form(Form),
    Confirm {
        prompt: String,
        effect: Box<Effect>,
    },
    Detail(Detail),
    /// The values syncs kept aside, to settle one by one.
    Conflicts {
        selected: usize,
    },
    /// Esc or Ctrl-C on a form with something typed: asked before it goes.
    Discard {
        form: Form,
        /// Ctrl-C: quit (what was typed is kept as a draft for next time).
        quitting: bool,
    },
    /// Everything due across kinds, overdue first.
    Today {
        items: Vec<super::popups::today::TodayItem>,
        selected: usize,
    },
}

impl Mode {
    /// Which key table this mode reads.
    pub fn keys(&self) -> KeyMode {
        match self {
            Mode::Normal => KeyMode::Normal,
            Mode::Filter => KeyMode::Filter,
            Mode::Command(_) => KeyMode::Command,
            Mode::Help => KeyMode::Help,
            Mode::Form(_) => KeyMode::Form,
            Mode::Confirm { .. } | Mode::Discard { .. } => KeyMode::Confirm,
            Mode::Detail(_) => KeyMode::Detail,
            Mode::Conflicts { .. } => KeyMode::Conflicts,
            Mode::Today { .. } => KeyMode::Today,
        }
    }
}

pub struct App {
    pub snap: Snapshot,
    pub focus: PaneId,
    pub selected: PerPane<usize>,
    pub filters: PerPane<String>,
    /// `:customer NAME` narrowed every pane to one customer (Esc widens them all again).
    pub customer: Option<String>,
    pub mode: Mode,
    pub zoomed: bool,
    pub status: String,
    pub title: String,
    pub running: bool,
    /// What the person chose to see besides the defaults (closed breaches).
    pub view: super::model::View,
    /// The record whose detail view a step or form was started from: shown again, fresh,
    /// once it is done.
    pub return_to: Option<(Place, Vec<Place>)>,
    /// Which of the jump's live matches is chosen (the best, until ↑/↓ move).
    pub jump_pick: usize,
    /// The jump's live matches for what is typed: worked out once per key, not per frame.
    pub jump_matches: Vec<super::popups::jump_list::JumpMatch>,
}

impl App {
    pub fn new(title: impl Into<String>) -> App {
        App {
            snap: Snapshot::default(),
            focus: PaneId::Services,
            selected: PerPane::default(),
            filters: Default::default(),
            customer: None,
            mode: Mode::Normal,
            zoomed: false,
            status: String::new(),
            title: title.into(),
            running: true,
            view: Default::default(),
            return_to: None,
            jump_pick: 0,
            jump_matches: Vec::new(),
        }
    }

    /// The rows of a pane that pass its filter (indexes into the pane's rows).
    pub fn visible(&self, pane: PaneId) -> Vec<usize> {
        let n = self.snap.len(pane);
        if self.filters[pane].is_empty() {
            return (0..n).collect();
        }
        let f = self.filters[pane].to_lowercase();
        let indexed = &self.snap.search[pane];
        if indexed.len() == n {
            return (0..n).filter(|&i| indexed[i].contains(&f)).collect();
        }
        // Rows put in without a load (tests): search them as they are.
        (0..n)
            .filter(|&i| self.snap.search_text(pane, i).contains(&f))
            .collect()
    }

    /// The index (into the pane's rows) of the selected row.
    pub fn current(&self, pane: PaneId) -> Option<usize> {
        self.visible(pane).get(self.selected[pane]).copied()
    }

    fn clamp(&mut self) {
        for pane in PaneId::ALL {
            let n = self.visible(pane).len();
            if self.selected[pane] >= n {
                self.selected[pane] = n.saturating_sub(1);
            }
        }
    }

    /// New data from the store. The selection follows the record, not the row number: after
    /// a re-sort (a breach acknowledged moves down the list), a reload or another sdm's
    /// writes, the same record stays selected; when it has left the list, its neighbour is.
    pub fn set_snapshot(&mut self, mut snap: Snapshot) {
        if !snap.search_indexed() {
            snap.index_search();
        }
        let before: Vec<(PaneId, Option<String>)> = PaneId::ALL
            .iter()
            .map(|&pane| {
                let id = self
                    .current(pane)
                    .and_then(|i| self.snap.row_id(pane, i))
                    .map(str::to_string);
                (pane, id)
            })
            .collect();
        self.snap = snap;
        for (pane, id) in before {
            let Some(id) = id else { continue };
            if let Some(pos) = self
                .visible(pane)
                .iter()
                .position(|&i| self.snap.row_id(pane, i) == Some(id.as_str()))
            {
                self.selected[pane] = pos;
            }
        }
        self.clamp();
    }

    pub fn handle(&mut self, key: KeyEvent) -> Vec<Effect> {
        // Over a slow link Esc and the next key can arrive together and read as Alt+key:
        // take it as the two keys they were.
        if key.modifiers == KeyModifiers::ALT
            && let KeyCode::Char(_) = key.code
        {
            let mut effects = self.handle(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
            effects.extend(self.handle(KeyEvent::new(key.code, KeyModifiers::NONE)));
            return effects;
        }
        let action = action_for(self.mode.keys(), &key);
        if action == Some(Action::Quit) {
            // A form with something typed asks first; its draft is kept either way.
            if let Mode::Form(form) = &self.mode
                && form.dirty()
            {
                let form = form.clone();
                self.mode = Mode::Discard { form, quitting: true };
                return vec![];
            }
            return self.quit();
        }
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => self.normal(action),
            // Any other key closes the help.
            Mode::Help => vec![],
            Mode::Filter => self.filter_key(action, key),
            Mode::Command(text) => self.command_key(action, key, text),
            Mode::Form(form) => self.form_key(action, key, form),
            Mode::Confirm { effect, .. } => {
                if action == Some(Action::Yes) {
                    return vec![*effect];
                }
                self.status = match *effect {
                    Effect::UndoTheirs => "not undone".into(),
                    _ => "not deleted".into(),
                };
                vec![]
            }
            Mode::Discard { form, quitting } => {
                if action != Some(Action::Yes) {
                    self.mode = Mode::Form(form);
                    return vec![];
                }
                if quitting {
                    // Quit with the form open, so its draft stays for the next session.
                    self.mode = Mode::Form(form);
                    return self.quit();
                }
                self.status = "not saved".into();
                match self.return_to.take() {
                    Some((place, back)) => vec![Effect::DetailBack { place, back }],
                    None => vec![],
                }
            }
            Mode::Detail(detail) => self.detail_key(action, detail),
            Mode::Conflicts { selected } => self.conflicts_key(action, selected),
            Mode::Today { items, selected } => self.today_key(action, items, selected),
        }
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.running = false;
        vec![Effect::Quit]
    }

    fn rows_in(&self, pane: PaneId) -> usize {
        self.visible(pane).len()
    }

    fn normal(&mut self, action: Option<Action>) -> Vec<Effect> {
        // A step taken from the panes returns to them.
        self.return_to = None;
        let Some(action) = action else {
            return vec![];
        };
        let pane = self.focus;
        let n = self.rows_in(pane);
        match action {
            Action::Quit => return self.quit(),
            Action::Down => self.selected[pane] = (self.selected[pane] + 1).min(n.saturating_sub(1)),
            Action::Up => self.selected[pane] = self.selected[pane].saturating_sub(1),
            Action::Top => self.selected[pane] = 0,
            Action::Bottom => self.selected[pane] = n.saturating_sub(1),
            Action::PageDown => self.selected[pane] = (self.selected[pane] + 10).min(n.saturating_sub(1)),
            Action::PageUp => self.selected[pane] = self.selected[pane].saturating_sub(10),
            Action::NextPane => self.focus = pane.next(),
            Action::PrevPane => self.focus = pane.prev(),
            Action::Pane(i) => self.focus = i,
            Action::Zoom => self.zoomed = !self.zoomed,
            Action::Help => self.mode = Mode::Help,
            Action::Filter => {
                self.mode = Mode::Filter;
                self.status = format!(
                    "filter: type to narrow, {} keeps it, {} clears",
                    label(KeyMode::Filter, Action::Open),
                    label(KeyMode::Filter, Action::Back)
                );
            }
            Action::Command => {
                self.jump_pick = 0;
                self.jump_matches.clear();
                self.mode = Mode::Command(String::new());
            }
            Action::Back => {
                if let Some(customer) = self.customer.take() {
                    self.filters = Default::default();
                    self.status = format!("showing every customer again (was {})", inert(&customer));
                } else if !self.filters[pane].is_empty() {
                    self.filters[pane].clear();
                    self.status = "filter cleared".into();
                }
            }
            Action::Refresh => return vec![Effect::Reload],
            Action::Undo => return vec![Effect::Undo],
            Action::UndoHistory => return vec![Effect::UndoHistory],
            Action::Redo => return vec![Effect::Redo],
            Action::Open => {
                if let Some(subject) = self.selected_subject(pane) {
                    return vec![Effect::Detail(subject)];
                }
            }
            Action::Add => self.mode = Mode::Form(self.add_form(pane)),
            Action::AddChange => self.mode = Mode::Form(change_form()),
            Action::AddReview => self.mode = Mode::Form(review_form(None, &Prefill::new())),
            Action::Report => {
                if pane == PaneId::Services
                    && let Some(i) = self.current(PaneId::Services)
                {
                    let s = &self.snap.services[i];
                    return vec![Effect::ReportForm {
                        service_id: s.id.clone(),
                        service: s.name.clone(),
                    }];
                }
                self.status = "select a service in the Services pane (1) first".into();
            }
            Action::EditLastTouch | Action::DeleteLastTouch => {
                if pane == PaneId::TouchPoints
                    && let Some(i) = self.current(PaneId::TouchPoints)
                {
                    let stakeholder_id = self.snap.stakeholders[i].id.clone();
                    return vec![if action == Action::EditLastTouch {
                        Effect::EditLastTouch { stakeholder_id }
                    } else {
                        Effect::DeleteLastTouch { stakeholder_id }
                    }];
                }
                self.status = "select a stakeholder in the Touch points pane (3) first".into();
            }
            Action::AddScore => {
                let mut p = Prefill::new();
                if let Some(i) = self.current(PaneId::Services) {
                    p.insert("service", self.snap.services[i].name.clone());
                }
                self.mode = Mode::Form(score_form(&p));
            }
            Action::EditCalendar => {
                if let Some(i) = self.current(PaneId::Services) {
                    return vec![Effect::EditCalendar {
                        service_id: self.snap.services[i].id.clone(),
                    }];
                }
            }
            Action::AddImprovement => self.mode = Mode::Form(improvement_form(None, &Prefill::new())),
            Action::RaiseProblem => {
                if let Some(subject) = self.selected_subject(pane) {
                    return vec![Effect::RaiseProblem(subject)];
                }
            }
            Action::Edit => {
                if pane == PaneId::Breaches
                    && self
                        .current(PaneId::Breaches)
                        .is_some_and(|i| self.snap.breaches[i].is_clock)
                {
                    self.status = "a clock is computed from its ticket: edit the ticket's facts by import".into();
                    return vec![];
                }
                if let Some(record) = self.selected_record(pane) {
                    return vec![Effect::EditForm(record)];
                }
            }
            Action::Delete => return self.ask_delete(pane),
            Action::LogTouch => {
                if pane == PaneId::TouchPoints
                    && let Some(i) = self.current(PaneId::TouchPoints)
                {
                    let s = &self.snap.stakeholders[i];
                    self.mode = Mode::Form(touch_form(Some(s.id.clone()), &s.name, &s.channel, &s.services));
                } else if pane == PaneId::Services
                    && let Some(i) = self.current(PaneId::Services)
                {
                    return vec![Effect::TouchFromService {
                        service_id: self.snap.services[i].id.clone(),
                    }];
                } else {
                    self.status = "log a touch point from the Touch points pane (3) or a service".into();
                }
            }
            Action::Tick => {
                if pane == PaneId::Reviews
                    && let Some(i) = self.current(PaneId::Reviews)
                {
                    let row = &self.snap.actions[i];
                    if row.kind == ToDo::Improvement {
                        return vec![Effect::Step {
                            step: Step::FinishImprovement,
                            id: row.id.clone(),
                        }];
                    }
                    if row.kind == ToDo::Problem {
                        self.status = format!(
                            "a problem moves on by its status: {} to edit it",
                            label(KeyMode::Normal, Action::Edit)
                        );
                    } else if row.kind == ToDo::Review {
                        self.status = format!(
                            "a review closes when held: {} to record it",
                            label(KeyMode::Normal, Action::Edit)
                        );
                    } else {
                        return vec![Effect::Step {
                            step: Step::TickAction,
                            id: row.id.clone(),
                        }];
                    }
                }
            }
            Action::Acknowledge | Action::Close | Action::Informed | Action::Reopen => {
                if pane == PaneId::Breaches
                    && let Some(i) = self.current(PaneId::Breaches)
                {
                    let row = &self.snap.breaches[i];
                    if row.is_clock {
                        self.status = "a clock at risk is not a breach yet".into();
                        return vec![];
                    }
                    if action == Action::Close && matches!(row.status.as_str(), "closed" | "void") {
                        self.status = format!("the breach is {} already", row.status);
                        return vec![];
                    }
                    return breach_step(action, row.id.clone());
                }
            }
            Action::Today => {
                let items = super::popups::today::items(self);
                self.status = format!(
                    "{} due, {} overdue",
                    items.len(),
                    items.iter().filter(|i| i.overdue).count()
                );
                self.mode = Mode::Today { items, selected: 0 };
                return vec![];
            }
            Action::ShowClosed => {
                self.view.closed_breaches = !self.view.closed_breaches;
                self.focus = PaneId::Breaches;
                self.status = if self.view.closed_breaches {
                    "Breaches: closed and void ones too".into()
                } else {
                    "Breaches: open ones only".into()
                };
                return vec![Effect::Refresh];
            }
            Action::CorrectOutage => {
                if pane == PaneId::Services
                    && let Some(i) = self.current(PaneId::Services)
                {
                    return vec![Effect::OutageForm {
                        service_id: self.snap.services[i].id.clone(),
                    }];
                }
            }
            Action::CorrectTicket => {
                if pane == PaneId::Breaches
                    && let Some(i) = self.current(PaneId::Breaches)
                {
                    return vec![Effect::TicketForm {
                        id: self.snap.breaches[i].id.clone(),
                    }];
                }
                self.status = format!(
                    "{} corrects the ticket of a breach or a clock (Breaches pane), or a ticket's detail",
                    label(KeyMode::Normal, Action::CorrectTicket)
                );
            }
            // Keys of other modes: the normal table binds none of them.
            Action::Save
            | Action::NextField
            | Action::PrevField
            | Action::ChoosePrev
            | Action::ChooseNext
            | Action::Erase
            | Action::EraseForward
            | Action::EraseWord
            | Action::EraseToStart
            | Action::CursorHome
            | Action::CursorEnd
            | Action::Yes
            | Action::KeepInUse
            | Action::BringBack => {}
        }
        vec![]
    }

    /// The record the selected row of a pane is (a clock is not a record).
    fn selected_record(&self, pane: PaneId) -> Option<RecordRef> {
        let i = self.current(pane)?;
        Some(match pane {
            PaneId::Services => RecordRef::new(RecordKind::Service, &self.snap.services[i].id),
            PaneId::Breaches => RecordRef::new(RecordKind::Breach, &self.snap.breaches[i].id),
            PaneId::TouchPoints => RecordRef::new(RecordKind::Stakeholder, &self.snap.stakeholders[i].id),
            PaneId::Reviews => {
                let row = &self.snap.actions[i];
                RecordRef::new(row.kind.record(), &row.id)
            }
        })
    }

    /// What the detail view of the selected row shows.
    fn selected_subject(&self, pane: PaneId) -> Option<Subject> {
        if pane == PaneId::Breaches
            && let Some(i) = self.current(PaneId::Breaches)
            && self.snap.breaches[i].is_clock
        {
            return Some(Subject::Ticket(self.snap.breaches[i].id.clone()));
        }
        let r = self.selected_record(pane)?;
        Some(match r.kind {
            RecordKind::Service => Subject::Service(r.id),
            RecordKind::Breach => Subject::Breach(r.id),
            RecordKind::Stakeholder => Subject::Stakeholder(r.id),
            RecordKind::Review => Subject::Review(r.id),
            RecordKind::Improvement => Subject::Improvement(r.id),
            RecordKind::Problem => Subject::Problem(r.id),
            _ => Subject::Action(r.id),
        })
    }

    fn ask_delete(&mut self, pane: PaneId) -> Vec<Effect> {
        let Some(i) = self.current(pane) else { return vec![] };
        if pane == PaneId::Breaches && self.snap.breaches[i].is_clock {
            self.status = "a clock cannot be deleted; it follows from its ticket".into();
            return vec![];
        }
        let Some(record) = self.selected_record(pane) else {
            return vec![];
        };
        let name = match pane {
            PaneId::Services => self.snap.services[i].name.clone(),
            PaneId::Breaches => self.snap.breaches[i].title.clone(),
            PaneId::TouchPoints => self.snap.stakeholders[i].name.clone(),
            PaneId::Reviews => self.snap.actions[i].title.clone(),
        };
        // What hangs on it is read from the store, then asked about (`confirm_delete`).
        vec![Effect::AskDelete { record, name }]
    }

    /// Asks before a delete, saying what hangs on the record (`ties`, may be empty).
    pub fn confirm_delete(&mut self, record: RecordRef, name: &str, ties: &str) {
        let label = format!("delete \"{name}\"");
        // Where something hangs on it the line is tight: the short question ending.
        let prompt = if ties.is_empty() {
            format!("Delete \"{name}\"? {}", keys::yes_or_no())
        } else {
            format!("Delete \"{name}\" ({ties})? {}", keys::yes_or_no_short())
        };
        self.mode = Mode::Confirm {
            prompt,
            effect: Box::new(Effect::Delete { record, label }),
        };
    }

    fn add_form(&self, pane: PaneId) -> Form {
        match pane {
            PaneId::Services => service_form(None, &Default::default()),
            PaneId::Breaches => breach_form(None, &Default::default()),
            PaneId::TouchPoints => stakeholder_form(None, &Default::default()),
            PaneId::Reviews => {
                // On a review, the new action belongs to it.
                let review = self
                    .current(PaneId::Reviews)
                    .filter(|&i| self.snap.actions[i].kind == ToDo::Review)
                    .map(|i| self.snap.actions[i].id.clone());
                let mut f = action_form(None, review.clone(), &Default::default());
                if review.is_some() {
                    f.title = "Add an action to this review".into();
                }
                // On a problem, the new action works towards it.
                if let Some(i) = self.current(PaneId::Reviews)
                    && self.snap.actions[i].kind == ToDo::Problem
                {
                    f.title = "Add an action to this problem".into();
                    f.purpose = super::form::Purpose::Action {
                        id: None,
                        review_id: None,
                        problem_id: Some(self.snap.actions[i].id.clone()),
                    };
                }
                f
            }
        }
    }

    fn filter_key(&mut self, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        let pane = self.focus;
        match (action, key.code) {
            (Some(Action::Back), _) => {
                self.filters[pane].clear();
                self.status.clear();
            }
            (Some(Action::Open), _) => self.status.clear(),
            (Some(Action::Erase), _) => {
                self.filters[pane].pop();
                self.mode = Mode::Filter;
            }
            (None, KeyCode::Char(c)) if typed(&key) => {
                self.filters[pane].push(c);
                self.selected[pane] = 0;
                self.mode = Mode::Filter;
            }
            _ => self.mode = Mode::Filter,
        }
        self.clamp();
        vec![]
    }

    fn command_key(&mut self, action: Option<Action>, key: KeyEvent, mut text: String) -> Vec<Effect> {
        match (action, key.code) {
            (Some(Action::Back), _) => {}
            (Some(Action::Open), _) => {
                let found = std::mem::take(&mut self.jump_matches);
                if text.trim().eq_ignore_ascii_case("conflicts") {
                    self.mode = Mode::Conflicts { selected: 0 };
                } else if let Some(name) = customer_command(&text) {
                    self.narrow_to_customer(name);
                } else if let Some(m) = found
                    .get(self.jump_pick)
                    .filter(|_| self.jump_pick > 0 || !looks_numbered(&text))
                {
                    // A chosen match, or the best one for words; a reference or a number
                    // goes to the exact jump (its ticket's clocks, a change). A service or a
                    // person is selected in its pane, as the exact jump does; the rest open.
                    return vec![open_match(m)];
                } else if !text.trim().is_empty() {
                    return vec![Effect::Jump(text.trim().to_string())];
                }
            }
            (Some(Action::Down), _) => {
                let n = self.jump_matches.len();
                self.jump_pick = (self.jump_pick + 1).min(n.saturating_sub(1));
                self.mode = Mode::Command(text);
            }
            (Some(Action::Up), _) => {
                self.jump_pick = self.jump_pick.saturating_sub(1);
                self.mode = Mode::Command(text);
            }
            (Some(Action::Erase), _) => {
                text.pop();
                self.jump_pick = 0;
                self.jump_matches = super::popups::jump_list::matches(self, &text);
                self.mode = Mode::Command(text);
            }
            (None, KeyCode::Char(c)) if typed(&key) => {
                text.push(c);
                self.jump_pick = 0;
                self.jump_matches = super::popups::jump_list::matches(self, &text);
                self.mode = Mode::Command(text);
            }
            _ => self.mode = Mode::Command(text),
        }
        vec![]
    }

    /// Every pane shows only what concerns one customer: its services, their breaches, the
    /// people who receive them and the reviews about them.
    fn narrow_to_customer(&mut self, name: String) {
        if name.is_empty() {
            self.status = "give a customer: :customer Acme Retail".into();
            return;
        }
        let needle = name.to_lowercase();
        let known = self
            .snap
            .services
            .iter()
            .any(|s| s.customer.to_lowercase().contains(&needle));
        if !known {
            self.status = format!("no service has a customer called \"{}\"", inert(&name));
            return;
        }
        self.filters = PerPane([name.clone(), name.clone(), name.clone(), name.clone()]);
        for pane in PaneId::ALL {
            self.selected[pane] = 0;
        }
        self.status = format!(
            "customer {}: every pane narrowed · {} shows every customer again",
            inert(&name),
            label(KeyMode::Normal, Action::Back)
        );
        self.customer = Some(name);
    }

    fn form_key(&mut self, action: Option<Action>, key: KeyEvent, mut form: Form) -> Vec<Effect> {
        match (action, key.code) {
            (Some(Action::Back), _) if form.dirty() => {
                self.mode = Mode::Discard { form, quitting: false };
                return vec![];
            }
            (Some(Action::Back), _) => {
                self.status = "not saved".into();
                // A form started from a detail view goes back to it.
                return match self.return_to.take() {
                    Some((place, back)) => vec![Effect::DetailBack { place, back }],
                    None => vec![],
                };
            }
            (Some(Action::Save), _) => return vec![Effect::Save(Box::new(form))],
            (Some(Action::NextField), _) => form.next(),
            (Some(Action::PrevField), _) => form.prev(),
            (Some(Action::ChoosePrev), _) if form.on_text() => form.move_cursor(CursorMove::Left),
            (Some(Action::ChooseNext), _) if form.on_text() => form.move_cursor(CursorMove::Right),
            (Some(Action::ChoosePrev), _) => form.cycle(false),
            (Some(Action::ChooseNext), _) => form.cycle(true),
            (Some(Action::CursorHome), _) => form.move_cursor(CursorMove::Home),
            (Some(Action::CursorEnd), _) => form.move_cursor(CursorMove::End),
            (Some(Action::Erase), _) => form.backspace(),
            (Some(Action::EraseForward), _) => form.delete(),
            (Some(Action::EraseWord), _) => form.erase_word(),
            (Some(Action::EraseToStart), _) => form.erase_to_start(),
            (None, KeyCode::Char(c)) if typed(&key) => form.type_char(c),
            _ => {}
        }
        self.mode = Mode::Form(form);
        vec![]
    }

    fn today_key(
        &mut self,
        action: Option<Action>,
        items: Vec<super::popups::today::TodayItem>,
        mut selected: usize,
    ) -> Vec<Effect> {
        let n = items.len();
        match action {
            Some(Action::Back) => return vec![],
            Some(Action::Down) => selected = (selected + 1).min(n.saturating_sub(1)),
            Some(Action::Up) => selected = selected.saturating_sub(1),
            Some(Action::Open) => {
                if let Some(item) = items.get(selected) {
                    return vec![Effect::Detail(item.subject.clone())];
                }
            }
            _ => {}
        }
        self.mode = Mode::Today { items, selected };
        vec![]
    }

    fn conflicts_key(&mut self, action: Option<Action>, mut selected: usize) -> Vec<Effect> {
        let n = self.snap.conflicts.len();
        let seq = self.snap.conflicts.get(selected).map(|c| c.seq);
        match action {
            Some(Action::Back) => return vec![],
            Some(Action::Down) => selected = (selected + 1).min(n.saturating_sub(1)),
            Some(Action::Up) => selected = selected.saturating_sub(1),
            Some(step @ (Action::KeepInUse | Action::BringBack)) => {
                self.mode = Mode::Conflicts { selected };
                if let Some(seq) = seq {
                    return vec![Effect::ResolveConflict {
                        seq,
                        take_lost: step == Action::BringBack,
                    }];
                }
                return vec![];
            }
            _ => {}
        }
        self.mode = Mode::Conflicts { selected };
        vec![]
    }

    fn detail_key(&mut self, action: Option<Action>, mut detail: Detail) -> Vec<Effect> {
        let last = detail.lines.len().saturating_sub(1);
        // Keys that act on the record shown; the view comes back, fresh, once done.
        if let (Some(act), Some(subject)) = (action, detail.subject.clone()) {
            let effects = match (act, &subject) {
                (Action::Acknowledge | Action::Close | Action::Informed | Action::Reopen, Subject::Breach(id)) => {
                    breach_step(act, id.clone())
                }
                (Action::CorrectTicket, Subject::Breach(id) | Subject::Ticket(id)) => {
                    vec![Effect::TicketForm { id: id.clone() }]
                }
                (Action::Edit, Subject::Ticket(id)) => vec![Effect::TicketForm { id: id.clone() }],
                (Action::CorrectOutage, Subject::Service(id)) => vec![Effect::OutageForm { service_id: id.clone() }],
                (Action::CorrectOutage, Subject::Outage(_)) => match detail.service_id.clone() {
                    Some(service_id) => vec![Effect::OutageForm { service_id }],
                    None => vec![],
                },
                (Action::Edit, Subject::Breach(id)) => vec![Effect::EditForm(RecordRef::new(RecordKind::Breach, id))],
                (Action::Edit, Subject::Service(id)) => vec![Effect::EditForm(RecordRef::new(RecordKind::Service, id))],
                (Action::Edit, Subject::Review(id)) => vec![Effect::EditForm(RecordRef::new(RecordKind::Review, id))],
                (Action::Edit, Subject::Action(id)) => vec![Effect::EditForm(RecordRef::new(RecordKind::Action, id))],
                (Action::Edit, Subject::Stakeholder(id)) => {
                    vec![Effect::EditForm(RecordRef::new(RecordKind::Stakeholder, id))]
                }
                (Action::Edit, Subject::Problem(id)) => vec![Effect::EditForm(RecordRef::new(RecordKind::Problem, id))],
                (Action::Edit, Subject::Improvement(id)) => {
                    vec![Effect::EditForm(RecordRef::new(RecordKind::Improvement, id))]
                }
                (
                    Action::RaiseProblem,
                    s @ (Subject::Service(_)
                    | Subject::Breach(_)
                    | Subject::Ticket(_)
                    | Subject::Review(_)
                    | Subject::Change(_)),
                ) => vec![Effect::RaiseProblem(s.clone())],
                (Action::Tick, Subject::Action(id)) => vec![Effect::Step {
                    step: Step::TickAction,
                    id: id.clone(),
                }],
                (
                    Action::Acknowledge
                    | Action::Close
                    | Action::Informed
                    | Action::Reopen
                    | Action::CorrectTicket
                    | Action::CorrectOutage
                    | Action::RaiseProblem
                    | Action::Tick,
                    _,
                ) => {
                    self.status = "that key does nothing on this record".into();
                    self.mode = Mode::Detail(detail);
                    return vec![];
                }
                _ => vec![],
            };
            if !effects.is_empty() {
                self.return_to = detail.place().map(|place| (place, detail.back.clone()));
                return effects;
            }
        }
        match action {
            Some(Action::Open) => {
                if let Some((_, subject)) = detail.chosen.and_then(|i| detail.links.get(i)).cloned() {
                    let mut back = detail.back.clone();
                    back.extend(detail.place());
                    return vec![Effect::DetailFrom { subject, back }];
                }
                // Nothing chosen: Enter closes, as it always has.
                return self.detail_back(detail);
            }
            Some(Action::Back) => return self.detail_back(detail),
            Some(Action::NextPane) => detail.choose(true),
            Some(Action::PrevPane) => detail.choose(false),
            Some(Action::Down) => detail.scroll = (detail.scroll + 1).min(last),
            Some(Action::Up) => detail.scroll = detail.scroll.saturating_sub(1),
            Some(Action::PageDown) => detail.scroll = (detail.scroll + 10).min(last),
            Some(Action::PageUp) => detail.scroll = detail.scroll.saturating_sub(10),
            Some(Action::Top) => detail.scroll = 0,
            Some(Action::LogTouch) => {
                if let Some(service_id) = detail.service_id.clone() {
                    return vec![Effect::TouchFromService { service_id }];
                }
            }
            _ => {}
        }
        self.mode = Mode::Detail(detail);
        vec![]
    }

    /// Esc in a detail: the detail it was opened from, else the panes.
    fn detail_back(&mut self, detail: Detail) -> Vec<Effect> {
        let mut back = detail.back;
        match back.pop() {
            Some(place) => vec![Effect::DetailBack { place, back }],
            None => vec![],
        }
    }
}

/// What Enter on a jump's match does: a service or a person is selected in its pane (as the
/// exact jump does), the rest open their detail.
pub fn open_match(m: &super::popups::jump_list::JumpMatch) -> Effect {
    match &m.subject {
        Subject::Service(id) => Effect::Select(PaneId::Services, id.clone()),
        Subject::Stakeholder(id) => Effect::Select(PaneId::TouchPoints, id.clone()),
        other => Effect::Detail(other.clone()),
    }
}

/// Whether a jump's text holds a digit: a reference or its number, for the exact jump.
fn looks_numbered(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
}

/// A step on a breach: acknowledge and reopen at once, close and "customer told" through
/// their forms.
fn breach_step(action: Action, id: String) -> Vec<Effect> {
    match action {
        Action::Close => vec![Effect::BreachForm {
            id,
            step: Handling::Close,
        }],
        Action::Informed => vec![Effect::BreachForm {
            id,
            step: Handling::Inform,
        }],
        Action::Reopen => vec![Effect::Step {
            step: Step::Breach(Handling::Reopen),
            id,
        }],
        _ => vec![Effect::Step {
            step: Step::Breach(Handling::Acknowledge),
            id,
        }],
    }
}

/// `customer NAME` (quotes allowed) typed after `:`: the name.
fn customer_command(text: &str) -> Option<String> {
    let text = text.trim();
    let (word, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    if !word.eq_ignore_ascii_case("customer") {
        return None;
    }
    Some(rest.trim().trim_matches(|c| c == '"' || c == '\'').trim().to_string())
}

/// Whether a key is text to type (no Ctrl held; Shift makes capitals).
fn typed(key: &KeyEvent) -> bool {
    !key.modifiers.contains(KeyModifiers::CONTROL)
}

#[cfg(test)]
#[path = "app_tests.rs"]
mod tests;
