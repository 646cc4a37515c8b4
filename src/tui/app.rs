//! The interface's state and how keys change it. No drawing and no SQLite here: a key becomes
//! an [`Action`], [`App::handle`] changes the model and returns [`Effect`]s, which the runtime
//! carries out against the store before the model is drawn again.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::form::{Field, Form, Purpose};
use super::keys::{Action, action_for};
use super::model::Snapshot;
use crate::app::breaches::Handling;
use crate::app::detail::Subject;
use crate::app::{RecordKind, RecordRef};

pub const PANES: [&str; 4] = ["Services", "Breaches", "Touch points", "Reviews"];

/// What the runtime does for the model.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Quit,
    Reload,
    Save(Form),
    Delete {
        record: RecordRef,
        label: String,
    },
    /// One step on a record (acknowledge, close, tick, ...), undoably.
    Step {
        step: Step,
        id: String,
    },
    Undo,
    /// Undo the last step though it is not the interface's own (asked first).
    UndoTheirs,
    Detail(Subject),
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
    Report {
        service_id: String,
        /// Whether an existing file of the same name may be replaced (asked first).
        replace: bool,
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
}

pub struct App {
    pub snap: Snapshot,
    pub focus: usize,
    pub selected: [usize; 4],
    pub filters: [String; 4],
    pub mode: Mode,
    pub zoomed: bool,
    pub status: String,
    pub title: String,
    pub running: bool,
}

impl App {
    pub fn new(title: impl Into<String>) -> App {
        App {
            snap: Snapshot::default(),
            focus: 0,
            selected: [0; 4],
            filters: Default::default(),
            mode: Mode::Normal,
            zoomed: false,
            status: String::new(),
            title: title.into(),
            running: true,
        }
    }

    /// The rows of a pane that pass its filter (indexes into the pane's rows).
    pub fn visible(&self, pane: usize) -> Vec<usize> {
        let n = self.snap.len(pane);
        if self.filters[pane].is_empty() {
            return (0..n).collect();
        }
        let f = self.filters[pane].to_lowercase();
        let indexed = &self.snap.search[pane.min(3)];
        if indexed.len() == n {
            return (0..n).filter(|&i| indexed[i].contains(&f)).collect();
        }
        // Rows put in without a load (tests): search them as they are.
        (0..n)
            .filter(|&i| self.snap.search_text(pane, i).contains(&f))
            .collect()
    }

    /// The index (into the pane's rows) of the selected row.
    pub fn current(&self, pane: usize) -> Option<usize> {
        self.visible(pane).get(self.selected[pane]).copied()
    }

    fn clamp(&mut self) {
        for pane in 0..4 {
            let n = self.visible(pane).len();
            if self.selected[pane] >= n {
                self.selected[pane] = n.saturating_sub(1);
            }
        }
    }

    /// New data from the store, keeping the selection where it can.
    pub fn set_snapshot(&mut self, mut snap: Snapshot) {
        if !snap.search_indexed() {
            snap.index_search();
        }
        self.snap = snap;
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
        match std::mem::replace(&mut self.mode, Mode::Normal) {
            Mode::Normal => self.normal(key),
            Mode::Help => {
                // Any key closes the help; q and Ctrl-C still quit.
                if matches!(action_for(&key), Some(Action::Quit)) {
                    return self.quit();
                }
                vec![]
            }
            Mode::Filter => self.filter_key(key),
            Mode::Command(text) => self.command_key(key, text),
            Mode::Form(form) => self.form_key(key, form),
            Mode::Confirm { prompt, effect } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => vec![*effect],
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit(),
                _ => {
                    let _ = prompt;
                    self.status = match *effect {
                        Effect::Report { .. } => "not written".into(),
                        Effect::UndoTheirs => "not undone".into(),
                        _ => "not deleted".into(),
                    };
                    vec![]
                }
            },
            Mode::Detail(detail) => self.detail_key(key, detail),
            Mode::Conflicts { selected } => self.conflicts_key(key, selected),
        }
    }

    fn quit(&mut self) -> Vec<Effect> {
        self.running = false;
        vec![Effect::Quit]
    }

    fn rows_in(&self, pane: usize) -> usize {
        self.visible(pane).len()
    }

    fn normal(&mut self, key: KeyEvent) -> Vec<Effect> {
        let Some(action) = action_for(&key) else {
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
            Action::NextPane => self.focus = (pane + 1) % 4,
            Action::PrevPane => self.focus = (pane + 3) % 4,
            Action::Pane(i) => self.focus = i,
            Action::Zoom => self.zoomed = !self.zoomed,
            Action::Help => self.mode = Mode::Help,
            Action::Filter => {
                self.mode = Mode::Filter;
                self.status = "filter: type to narrow, Enter keeps it, Esc clears".into();
            }
            Action::Command => self.mode = Mode::Command(String::new()),
            Action::Back => {
                if !self.filters[pane].is_empty() {
                    self.filters[pane].clear();
                    self.status = "filter cleared".into();
                }
            }
            Action::Refresh => return vec![Effect::Reload],
            Action::Undo => return vec![Effect::Undo],
            Action::Open => {
                if let Some(subject) = self.selected_subject(pane) {
                    return vec![Effect::Detail(subject)];
                }
            }
            Action::Add => self.mode = Mode::Form(self.add_form(pane)),
            Action::AddChange => self.mode = Mode::Form(change_form()),
            Action::AddReview => self.mode = Mode::Form(review_form(None, &Prefill::new())),
            Action::Report => {
                if pane == 0
                    && let Some(i) = self.current(0)
                {
                    return vec![Effect::Report {
                        service_id: self.snap.services[i].id.clone(),
                        replace: false,
                    }];
                }
                self.status = "select a service in the Services pane (1) first".into();
            }
            Action::EditLastTouch | Action::DeleteLastTouch => {
                if pane == 2
                    && let Some(i) = self.current(2)
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
                if let Some(i) = self.current(0) {
                    p.insert("service", self.snap.services[i].name.clone());
                }
                self.mode = Mode::Form(score_form(&p));
            }
            Action::EditCalendar => {
                if let Some(i) = self.current(0) {
                    return vec![Effect::EditCalendar {
                        service_id: self.snap.services[i].id.clone(),
                    }];
                }
            }
            Action::AddImprovement => self.mode = Mode::Form(improvement_form(None, &Prefill::new())),
            Action::Edit => {
                if pane == 1 && self.current(1).is_some_and(|i| self.snap.breaches[i].is_clock) {
                    self.status = "a clock is computed from its ticket: edit the ticket's facts by import".into();
                    return vec![];
                }
                if let Some(record) = self.selected_record(pane) {
                    return vec![Effect::EditForm(record)];
                }
            }
            Action::Delete => return self.ask_delete(pane),
            Action::LogTouch => {
                if pane == 2
                    && let Some(i) = self.current(2)
                {
                    let s = &self.snap.stakeholders[i];
                    self.mode = Mode::Form(touch_form(Some(s.id.clone()), &s.name, &s.channel));
                } else if pane == 0
                    && let Some(i) = self.current(0)
                {
                    return vec![Effect::TouchFromService {
                        service_id: self.snap.services[i].id.clone(),
                    }];
                } else {
                    self.status = "log a touch point from the Touch points pane (3) or a service".into();
                }
            }
            Action::Tick => {
                if pane == 3
                    && let Some(i) = self.current(3)
                {
                    let row = &self.snap.actions[i];
                    if row.is_improvement {
                        return vec![Effect::Step {
                            step: Step::FinishImprovement,
                            id: row.id.clone(),
                        }];
                    }
                    if row.is_review {
                        self.status = "a review closes when held: e to record it".into();
                    } else {
                        return vec![Effect::Step {
                            step: Step::TickAction,
                            id: row.id.clone(),
                        }];
                    }
                }
            }
            Action::Acknowledge | Action::Close | Action::Informed => {
                if pane == 1
                    && let Some(i) = self.current(1)
                {
                    let row = &self.snap.breaches[i];
                    if row.is_clock {
                        self.status = "a clock at risk is not a breach yet".into();
                        return vec![];
                    }
                    let handling = match action {
                        Action::Acknowledge => Handling::Acknowledge,
                        Action::Close => Handling::Close,
                        _ => Handling::Inform,
                    };
                    return vec![Effect::Step {
                        step: Step::Breach(handling),
                        id: row.id.clone(),
                    }];
                }
            }
        }
        vec![]
    }

    /// The record the selected row of a pane is (a clock is not a record).
    fn selected_record(&self, pane: usize) -> Option<RecordRef> {
        let i = self.current(pane)?;
        Some(match pane {
            0 => RecordRef::new(RecordKind::Service, &self.snap.services[i].id),
            1 => RecordRef::new(RecordKind::Breach, &self.snap.breaches[i].id),
            2 => RecordRef::new(RecordKind::Stakeholder, &self.snap.stakeholders[i].id),
            _ => {
                let row = &self.snap.actions[i];
                let kind = if row.is_review {
                    RecordKind::Review
                } else if row.is_improvement {
                    RecordKind::Improvement
                } else {
                    RecordKind::Action
                };
                RecordRef::new(kind, &row.id)
            }
        })
    }

    /// What the detail view of the selected row shows.
    fn selected_subject(&self, pane: usize) -> Option<Subject> {
        if pane == 1
            && let Some(i) = self.current(1)
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
            _ => Subject::Action(r.id),
        })
    }

    fn ask_delete(&mut self, pane: usize) -> Vec<Effect> {
        let Some(i) = self.current(pane) else { return vec![] };
        if pane == 1 && self.snap.breaches[i].is_clock {
            self.status = "a clock cannot be deleted; it follows from its ticket".into();
            return vec![];
        }
        let Some(record) = self.selected_record(pane) else {
            return vec![];
        };
        let name = match pane {
            0 => self.snap.services[i].name.clone(),
            1 => self.snap.breaches[i].title.clone(),
            2 => self.snap.stakeholders[i].name.clone(),
            _ => self.snap.actions[i].title.clone(),
        };
        let label = format!("delete \"{name}\"");
        self.mode = Mode::Confirm {
            prompt: format!("Delete \"{name}\"? y = yes, any other key = no"),
            effect: Box::new(Effect::Delete { record, label }),
        };
        vec![]
    }

    fn add_form(&self, pane: usize) -> Form {
        match pane {
            0 => service_form(None, &Default::default()),
            1 => breach_form(None, &Default::default()),
            2 => stakeholder_form(None, &Default::default()),
            _ => {
                // On a review, the new action belongs to it.
                let review = self
                    .current(3)
                    .filter(|&i| self.snap.actions[i].is_review)
                    .map(|i| self.snap.actions[i].id.clone());
                let mut f = action_form(None, review.clone(), &Default::default());
                if review.is_some() {
                    f.title = "Add an action to this review".into();
                }
                f
            }
        }
    }

    fn filter_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let pane = self.focus;
        match key.code {
            KeyCode::Esc => {
                self.filters[pane].clear();
                self.status.clear();
            }
            KeyCode::Enter => self.status.clear(),
            KeyCode::Backspace => {
                self.filters[pane].pop();
                self.mode = Mode::Filter;
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return self.quit(),
            KeyCode::Char(c) => {
                self.filters[pane].push(c);
                self.selected[pane] = 0;
                self.mode = Mode::Filter;
            }
            _ => self.mode = Mode::Filter,
        }
        self.clamp();
        vec![]
    }

    fn command_key(&mut self, key: KeyEvent, mut text: String) -> Vec<Effect> {
        match key.code {
            KeyCode::Esc => {}
            KeyCode::Enter => {
                if text.trim().eq_ignore_ascii_case("conflicts") {
                    self.mode = Mode::Conflicts { selected: 0 };
                } else if !text.trim().is_empty() {
                    return vec![Effect::Jump(text.trim().to_string())];
                }
            }
            KeyCode::Backspace => {
                text.pop();
                self.mode = Mode::Command(text);
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return self.quit(),
            KeyCode::Char(c) => {
                text.push(c);
                self.mode = Mode::Command(text);
            }
            _ => self.mode = Mode::Command(text),
        }
        vec![]
    }

    fn form_key(&mut self, key: KeyEvent, mut form: Form) -> Vec<Effect> {
        match key.code {
            KeyCode::Esc => {
                self.status = "not saved".into();
                return vec![];
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return self.quit(),
            KeyCode::Char('s') if key.modifiers.contains(KeyModifiers::CONTROL) => return vec![Effect::Save(form)],
            KeyCode::Enter => return vec![Effect::Save(form)],
            KeyCode::Tab | KeyCode::Down => form.next(),
            KeyCode::BackTab | KeyCode::Up => form.prev(),
            KeyCode::Left => form.cycle(false),
            KeyCode::Right => form.cycle(true),
            KeyCode::Backspace => form.backspace(),
            KeyCode::Char(c) => form.type_char(c),
            _ => {}
        }
        self.mode = Mode::Form(form);
        vec![]
    }

    fn conflicts_key(&mut self, key: KeyEvent, mut selected: usize) -> Vec<Effect> {
        let n = self.snap.conflicts.len();
        let seq = self.snap.conflicts.get(selected).map(|c| c.seq);
        match key.code {
            KeyCode::Esc => return vec![],
            KeyCode::Char('q') => return self.quit(),
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return self.quit(),
            KeyCode::Down | KeyCode::Char('j') => selected = (selected + 1).min(n.saturating_sub(1)),
            KeyCode::Up | KeyCode::Char('k') => selected = selected.saturating_sub(1),
            KeyCode::Enter | KeyCode::Char('b') => {
                self.mode = Mode::Conflicts { selected };
                if let Some(seq) = seq {
                    return vec![Effect::ResolveConflict {
                        seq,
                        take_lost: key.code == KeyCode::Char('b'),
                    }];
                }
                return vec![];
            }
            _ => {}
        }
        self.mode = Mode::Conflicts { selected };
        vec![]
    }

    fn detail_key(&mut self, key: KeyEvent, mut detail: Detail) -> Vec<Effect> {
        match action_for(&key) {
            Some(Action::Quit) => return self.quit(),
            Some(Action::Back) | Some(Action::Open) => return vec![],
            Some(Action::Down) => detail.scroll = (detail.scroll + 1).min(detail.lines.len().saturating_sub(1)),
            Some(Action::Up) => detail.scroll = detail.scroll.saturating_sub(1),
            Some(Action::PageDown) => detail.scroll = (detail.scroll + 10).min(detail.lines.len().saturating_sub(1)),
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
}

/// Values to pre-fill a form with, by field key.
pub type Prefill = std::collections::HashMap<&'static str, String>;

fn get(p: &Prefill, k: &str, default: &str) -> String {
    p.get(k).cloned().unwrap_or_else(|| default.to_string())
}

pub fn service_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() { "Edit service" } else { "Add a service" };
    Form::new(
        title,
        Purpose::Service(id),
        vec![
            Field::text("name", "Name", get(p, "name", ""), "a unique name"),
            Field::text(
                "customer",
                "Customer",
                get(p, "customer", ""),
                "the organisation receiving it",
            ),
            Field::choice(
                "agreement_kind",
                "Agreement",
                &get(p, "agreement_kind", "contract"),
                &["contract", "dou", "ola"],
                "←/→: contract, dou, ola",
            ),
            Field::text(
                "agreement_ref",
                "Agreement ref",
                get(p, "agreement_ref", ""),
                "e.g. C-2024-17",
            ),
            Field::text(
                "window",
                "Service window",
                get(p, "window", "24x7"),
                "a calendar name: 24x7 or one of yours",
            ),
            Field::choice(
                "criticality",
                "Criticality",
                &get(p, "criticality", "medium"),
                &["low", "medium", "high", "critical"],
                "←/→ to choose",
            ),
            Field::text(
                "agreement_review",
                "Agreement review",
                get(p, "agreement_review", ""),
                "a date: 2026-12-01, today, fri, +2w; empty for none",
            ),
            Field::text(
                "availability",
                "Availability target",
                get(p, "availability", ""),
                "e.g. 99.9%; empty for none",
            ),
            Field::text(
                "p1",
                "P1 respond / resolve",
                get(p, "p1", ""),
                "two durations, e.g. 15m / 4h; empty for none",
            ),
            Field::text("p2", "P2 respond / resolve", get(p, "p2", ""), "e.g. 30m / 8h"),
            Field::text("p3", "P3 respond / resolve", get(p, "p3", ""), "e.g. 2h / 2d"),
            Field::text("p4", "P4 respond / resolve", get(p, "p4", ""), "e.g. 8h / 5d"),
            Field::text(
                "satisfaction",
                "Satisfaction goal",
                get(p, "satisfaction", ""),
                "a score out of 5, e.g. 4.0; empty for none",
            ),
            Field::text("description", "Description", get(p, "description", ""), "free text"),
        ],
    )
}

pub fn breach_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Edit breach"
    } else {
        "Record a breach by hand"
    };
    Form::new(
        title,
        Purpose::Breach(id),
        vec![
            Field::text("service", "Service", get(p, "service", ""), "a service name or alias"),
            Field::text(
                "title",
                "What was missed",
                get(p, "title", ""),
                "e.g. monthly report delivered late",
            ),
            Field::text(
                "when",
                "When",
                get(p, "when", "today"),
                "a date: 2026-11-20, today, -3d",
            ),
            Field::choice(
                "status",
                "Status",
                &get(p, "status", "open"),
                &["open", "acknowledged", "closed", "void"],
                "←/→ to choose",
            ),
            Field::choice(
                "informed",
                "Customer told",
                &get(p, "informed", "no"),
                &["no", "yes"],
                "←/→: yes or no",
            ),
            Field::text(
                "credit",
                "Service credit",
                get(p, "credit", ""),
                "an amount, e.g. 500; empty for none",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}

pub fn stakeholder_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Edit stakeholder"
    } else {
        "Add a stakeholder"
    };
    Form::new(
        title,
        Purpose::Stakeholder(id),
        vec![
            Field::text("name", "Name", get(p, "name", ""), "a unique name"),
            Field::text("organisation", "Organisation", get(p, "organisation", ""), "free text"),
            Field::text("role", "Role", get(p, "role", ""), "e.g. IT manager"),
            Field::text("contact", "Contact", get(p, "contact", ""), "e-mail or phone"),
            Field::choice(
                "channel",
                "Preferred channel",
                &get(p, "channel", "call"),
                &["meeting", "call", "email", "chat", "service_review"],
                "←/→ to choose",
            ),
            Field::text(
                "cadence",
                "Touch every (days)",
                get(p, "cadence", "30"),
                "a number of days, 1 to 366",
            ),
            Field::text(
                "services",
                "Services",
                get(p, "services", ""),
                "service names, separated by commas",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}

/// The quick log: the summary first, so `t`, the text and Enter log a touch point.
pub fn touch_form(stakeholder_id: Option<String>, name: &str, channel: &str) -> Form {
    let mut fields = vec![
        Field::text("summary", "Summary", "", "what was discussed"),
        Field::text(
            "sentiment",
            "Sentiment",
            "",
            "1 (unhappy) to 5 (happy); empty if unsure",
        ),
        Field::choice(
            "channel",
            "Channel",
            &channel.replace(' ', "_"),
            &["meeting", "call", "email", "chat", "service_review"],
            "←/→ to choose",
        ),
        Field::text(
            "when",
            "When",
            "now",
            "now, or a time: 2026-11-20 14:00, yesterday 10:00",
        ),
        Field::text(
            "follow_up",
            "Follow-up",
            "",
            "becomes an action due in a week, owned by you",
        ),
    ];
    if stakeholder_id.is_none() {
        fields.insert(
            1,
            Field::text("stakeholder", "Stakeholder", name, "a stakeholder's name"),
        );
    }
    let title = if name.is_empty() {
        "Log a touch point".to_string()
    } else {
        format!("Log a touch point with {name}")
    };
    Form::new(title, Purpose::Touch { stakeholder_id }, fields)
}

pub fn review_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Record the review"
    } else {
        "Add a review"
    };
    Form::new(
        title,
        Purpose::Review(id),
        vec![
            Field::text("title", "Title", get(p, "title", ""), "what is reviewed"),
            Field::text("service", "Service", get(p, "service", ""), "a service name"),
            Field::choice(
                "kind",
                "Kind",
                &get(p, "kind", "pir"),
                &["pir", "postmortem"],
                "←/→: PIR or post-mortem",
            ),
            Field::text("due", "Due", get(p, "due", "+1w"), "a date: 2026-12-01, fri, +1w"),
            Field::text(
                "held_on",
                "Held on",
                get(p, "held_on", ""),
                "a date once held (today); empty while not held",
            ),
            Field::text("attendees", "Attendees", get(p, "attendees", ""), "free text"),
            Field::text(
                "what_went_wrong",
                "What went wrong",
                get(p, "what_went_wrong", ""),
                "free text",
            ),
            Field::text("root_cause", "Root cause", get(p, "root_cause", ""), "free text"),
            Field::text("problem_ref", "Problem ref", get(p, "problem_ref", ""), "e.g. PRB0041"),
            Field::text("findings", "Findings", get(p, "findings", ""), "free text"),
        ],
    )
}

pub fn action_form(id: Option<String>, review_id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() { "Edit action" } else { "Add an action" };
    Form::new(
        title,
        Purpose::Action { id, review_id },
        vec![
            Field::text("title", "Action", get(p, "title", ""), "what is to be done"),
            Field::text("owner", "Owner", get(p, "owner", ""), "who does it"),
            Field::text(
                "due",
                "Due",
                get(p, "due", "+1w"),
                "a date: 2026-12-01, today, fri, +2w; empty for none",
            ),
            Field::text(
                "service",
                "Service",
                get(p, "service", ""),
                "a service name; empty for none",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}

/// A blank form for a purpose, to fill from a draft.
pub fn blank_form(purpose: &Purpose) -> Form {
    let p = Prefill::new();
    match purpose.clone() {
        Purpose::Service(id) => service_form(id, &p),
        Purpose::Breach(id) => breach_form(id, &p),
        Purpose::Stakeholder(id) => stakeholder_form(id, &p),
        Purpose::Touch { stakeholder_id } => touch_form(stakeholder_id, "", "call"),
        Purpose::Review(id) => review_form(id, &p),
        Purpose::Action { id, review_id } => action_form(id, review_id, &p),
        Purpose::Change => change_form(),
        Purpose::Improvement(id) => improvement_form(id, &p),
        Purpose::Score => score_form(&p),
        Purpose::Calendar(id) => calendar_form(id, &p),
        Purpose::TouchEdit(id) => touch_edit_form(id, &p),
    }
}

pub fn touch_edit_form(id: String, p: &Prefill) -> Form {
    Form::new(
        "Edit the touch point",
        Purpose::TouchEdit(id),
        vec![
            Field::text("summary", "Summary", get(p, "summary", ""), "what was discussed"),
            Field::text(
                "sentiment",
                "Sentiment",
                get(p, "sentiment", ""),
                "1 (unhappy) to 5 (happy); empty if unsure",
            ),
            Field::choice(
                "channel",
                "Channel",
                &get(p, "channel", "call"),
                &["meeting", "call", "email", "chat", "service_review"],
                "←/→ to choose",
            ),
            Field::text(
                "when",
                "When",
                get(p, "when", "now"),
                "a time: 2026-11-20 14:00, yesterday 10:00",
            ),
            Field::text("follow_up", "Follow-ups", get(p, "follow_up", ""), "free text"),
        ],
    )
}

pub fn score_form(p: &Prefill) -> Form {
    Form::new(
        "Record a satisfaction score",
        Purpose::Score,
        vec![
            Field::text("service", "Service", get(p, "service", ""), "a service name"),
            Field::text(
                "period",
                "Period",
                get(p, "period", ""),
                "the month or quarter: 2026-11 or 2026-Q4",
            ),
            Field::text("score", "Score", get(p, "score", ""), "the average score, e.g. 4.2"),
            Field::text(
                "scale",
                "Out of",
                get(p, "scale", "5"),
                "the top of the scale: 5, 10 or 100",
            ),
            Field::text("responses", "Responses", get(p, "responses", "0"), "how many answered"),
        ],
    )
}

pub fn calendar_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Edit calendar"
    } else {
        "Add a calendar"
    };
    Form::new(
        title,
        Purpose::Calendar(id),
        vec![
            Field::text("name", "Name", get(p, "name", ""), "a unique name, e.g. Office NL"),
            Field::text(
                "timezone",
                "Time zone",
                get(p, "timezone", "Europe/Amsterdam"),
                "an IANA name, e.g. Europe/Amsterdam",
            ),
            Field::text(
                "mon",
                "Monday",
                get(p, "mon", "08:00-18:00"),
                "working hours: 08:00-18:00, or 08:00-12:00 13:00-17:00; empty for none",
            ),
            Field::text(
                "tue",
                "Tuesday",
                get(p, "tue", "08:00-18:00"),
                "working hours, e.g. 08:00-18:00",
            ),
            Field::text(
                "wed",
                "Wednesday",
                get(p, "wed", "08:00-18:00"),
                "working hours, e.g. 08:00-18:00",
            ),
            Field::text(
                "thu",
                "Thursday",
                get(p, "thu", "08:00-18:00"),
                "working hours, e.g. 08:00-18:00",
            ),
            Field::text(
                "fri",
                "Friday",
                get(p, "fri", "08:00-18:00"),
                "working hours, e.g. 08:00-12:00 13:00-17:00",
            ),
            Field::text("sat", "Saturday", get(p, "sat", ""), "working hours; empty for none"),
            Field::text("sun", "Sunday", get(p, "sun", ""), "working hours; empty for none"),
            Field::text(
                "holidays",
                "Holidays",
                get(p, "holidays", ""),
                "dates separated by commas: 2026-12-25, 2026-12-26",
            ),
        ],
    )
}

pub fn change_form() -> Form {
    Form::new(
        "Record a change",
        Purpose::Change,
        vec![
            Field::text("reference", "Reference", "", "the change's reference, e.g. CHG0031234"),
            Field::text("service", "Service", "", "a service name or alias"),
            Field::choice(
                "kind",
                "Kind",
                "normal",
                &["standard", "normal", "emergency"],
                "←/→ to choose",
            ),
            Field::text(
                "implemented",
                "Implemented",
                "now",
                "when: now, 2026-11-20 22:00, yesterday 23:00",
            ),
            Field::choice(
                "outcome",
                "Outcome",
                "successful",
                &["successful", "successful_with_issues", "failed", "rolled_back"],
                "←/→ to choose",
            ),
            Field::text("summary", "Summary", "", "what was changed"),
        ],
    )
}

pub fn improvement_form(id: Option<String>, p: &Prefill) -> Form {
    let title = if id.is_some() {
        "Edit improvement"
    } else {
        "Add an improvement"
    };
    Form::new(
        title,
        Purpose::Improvement(id),
        vec![
            Field::text("title", "Improvement", get(p, "title", ""), "what is to get better"),
            Field::text(
                "service",
                "Service",
                get(p, "service", ""),
                "a service name; empty for the whole portfolio",
            ),
            Field::text(
                "kpi",
                "KPI it should move",
                get(p, "kpi", ""),
                "e.g. P2 resolution attainment",
            ),
            Field::text("owner", "Owner", get(p, "owner", ""), "who drives it"),
            Field::text(
                "due",
                "Due",
                get(p, "due", "+4w"),
                "a date: 2027-01-31, +4w; empty for none",
            ),
            Field::choice(
                "status",
                "Status",
                &get(p, "status", "proposed"),
                &["proposed", "in_progress", "done", "dropped"],
                "←/→ to choose",
            ),
            Field::text("notes", "Notes", get(p, "notes", ""), "free text"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::model::{ActionRow, StakeholderRow};

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    fn code(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    fn app() -> App {
        let mut app = App::new("test");
        app.snap.stakeholders = vec![
            StakeholderRow {
                id: "s1".into(),
                name: "Ann".into(),
                channel: "call".into(),
                ..Default::default()
            },
            StakeholderRow {
                id: "s2".into(),
                name: "Bob".into(),
                channel: "email".into(),
                ..Default::default()
            },
        ];
        app.snap.actions = vec![ActionRow {
            id: "a1".into(),
            title: "Fix it".into(),
            ..Default::default()
        }];
        app
    }

    #[test]
    fn a_touch_point_takes_two_keys_plus_the_text() {
        let mut app = app();
        assert!(app.handle(key('3')).is_empty());
        app.handle(key('j'));
        app.handle(key('t'));
        for c in "Quarterly call".chars() {
            app.handle(key(c));
        }
        let effects = app.handle(code(KeyCode::Enter));
        let [Effect::Save(form)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(form.value("summary"), "Quarterly call");
        assert_eq!(form.value("channel"), "email", "the stakeholder's preferred channel");
        assert_eq!(
            form.purpose,
            Purpose::Touch {
                stakeholder_id: Some("s2".into())
            }
        );
    }

    #[test]
    fn esc_steps_back_and_never_quits() {
        let mut app = app();
        app.handle(key('/'));
        app.handle(key('a'));
        assert_eq!(app.filters[0], "a");
        app.handle(code(KeyCode::Esc));
        assert_eq!(app.filters[0], "");
        assert_eq!(app.mode, Mode::Normal);
        app.handle(code(KeyCode::Esc));
        assert!(app.running);
        app.handle(key('?'));
        assert_eq!(app.mode, Mode::Help);
        app.handle(code(KeyCode::Esc));
        assert_eq!(app.mode, Mode::Normal);
        assert_eq!(app.handle(key('q')), vec![Effect::Quit]);
        assert!(!app.running);
    }

    #[test]
    fn delete_asks_and_no_is_the_default() {
        let mut app = app();
        app.handle(key('3'));
        app.handle(key('d'));
        assert!(matches!(app.mode, Mode::Confirm { .. }));
        assert!(app.handle(code(KeyCode::Enter)).is_empty(), "Enter is not yes");
        app.handle(key('d'));
        let effects = app.handle(key('y'));
        assert!(matches!(
            effects.as_slice(),
            [Effect::Delete {
                record: RecordRef {
                    kind: RecordKind::Stakeholder,
                    ..
                },
                ..
            }]
        ));
    }

    #[test]
    fn ticking_an_action_is_one_key() {
        let mut app = app();
        app.handle(key('4'));
        let effects = app.handle(key('x'));
        assert!(matches!(
            effects.as_slice(),
            [Effect::Step {
                step: Step::TickAction,
                ..
            }]
        ));
    }

    #[test]
    fn filtering_narrows_the_pane() {
        let mut app = app();
        app.handle(key('3'));
        app.handle(key('/'));
        for c in "bo".chars() {
            app.handle(key(c));
        }
        app.handle(code(KeyCode::Enter));
        assert_eq!(app.visible(2), vec![1]);
        assert_eq!(app.current(2), Some(1));
    }
}
