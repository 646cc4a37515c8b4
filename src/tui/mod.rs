//! The interface: four panes on one database, driven by the keyboard.
//!
//! The loop is short: read a key press, let the model handle it, carry out its effects against
//! the store, redraw — only when something visible changed. Another sdm's writes are noticed
//! within a second (`PRAGMA data_version`), countdowns move once a minute, and the terminal is
//! restored on quit, on error, on panic, on SIGTERM and on SIGHUP (a dropped SSH link).

pub mod app;
pub mod effects;
pub mod form;
pub mod keys;
pub mod model;
pub mod panes;
pub mod popups;
pub mod timing;
pub mod view;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use color_eyre::Result;
use crossterm::event::{self, Event, KeyEventKind};

use crate::app::Ctx;
use crate::app::jump::Jumped;
use crate::error::UserError;
use crate::store::{OpenMode, Store};
use app::{App, Effect, Mode};
use effects::Saved;
use keys::{Action, KeyMode};
use view::Theme;

pub fn launch(ctx: &Ctx, demo: bool) -> Result<()> {
    if !std::io::stdout().is_terminal() {
        return Err(
            UserError::new("the interface needs a terminal; for scripts use a command (see sdm --help)").into(),
        );
    }
    if demo {
        let path = std::env::temp_dir().join(format!(
            "sdm-demo-{}-{}.db",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        let result = (|| -> Result<()> {
            let mut store = Store::open(&path, OpenMode::Create)?;
            crate::app::demo::seed(&mut store, ctx, crate::app::demo::DataSet::Demo)?;
            run(
                store,
                ctx,
                "DEMO (temporary file, discarded on quit)",
                Some(path.clone()),
            )
        })();
        remove_database(&path);
        exit_if_signalled();
        return result;
    }
    let store = ctx.open(OpenMode::Create)?;
    let title = ctx.db.display().to_string();
    let result = run(store, ctx, &title, None);
    exit_if_signalled();
    result
}

/// The signal that ended the interface (SIGTERM, SIGHUP, or a terminal that went away, taken
/// as SIGHUP); 0 while none did.
static ENDED_BY: AtomicI32 = AtomicI32::new(0);

/// A session ended by a signal exits as the shell expects: 128 + the signal.
fn exit_if_signalled() {
    let signal = ENDED_BY.load(Ordering::SeqCst);
    if signal != 0 {
        std::process::exit(128 + signal);
    }
}

/// Puts the terminal back; a terminal that is gone is no reason to panic (writing the
/// failure to a dead standard error would).
fn restore_terminal() {
    let _ = ratatui::try_restore();
}

fn remove_database(path: &Path) {
    for suffix in [
        "",
        "-wal",
        "-shm",
        "-journal",
        ".draft.json",
        ".lock-note",
        ".before-sync.bak",
    ] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// Everything the loop works on.
pub struct Runtime {
    pub store: Store,
    /// The shared context; its clock runs unless `--now` fixed it.
    pub ctx: Ctx,
    pub app: App,
    draft_path: PathBuf,
    /// In the interface, the full reload (the SLA rules over the history) runs on a thread of
    /// its own, so keys never wait for it; tests reload in line.
    background: Option<Background>,
}

struct Background {
    db: PathBuf,
    running: Option<std::sync::mpsc::Receiver<Result<model::Snapshot, String>>>,
    again: bool,
}

/// Where the open form is kept: beside the database.
pub fn draft_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".draft.json");
    PathBuf::from(p)
}

impl Runtime {
    pub fn new(mut store: Store, ctx: &Ctx, title: &str) -> Runtime {
        store.set_actor(crate::store::undo::Actor::Interface);
        let db_path = store.path().to_path_buf();
        let mut rt = Runtime {
            store,
            ctx: Ctx {
                db: db_path.clone(),
                ..ctx.clone()
            },
            app: App::new(title),
            draft_path: draft_path(&db_path),
            background: None,
        };
        rt.offer_draft();
        rt
    }

    /// A form left open when the last session ended (a dropped link, a crash) comes back.
    fn offer_draft(&mut self) {
        let Ok(text) = std::fs::read_to_string(&self.draft_path) else {
            return;
        };
        match serde_json::from_str::<form::Draft>(&text) {
            Ok(draft) => {
                let mut form = app::blank_form(&draft.purpose);
                form.fill(&draft);
                form.title = format!(
                    "{} (restored from the last session; {} discards)",
                    draft.title,
                    keys::label(KeyMode::Form, Action::Back)
                );
                self.app.mode = Mode::Form(form);
                self.app.status = format!(
                    "restored the form you were filling in when the last session ended ({} discards it)",
                    keys::label(KeyMode::Form, Action::Back)
                );
            }
            Err(_) => {
                let _ = std::fs::remove_file(&self.draft_path);
            }
        }
    }

    /// Keeps the open form on disk (0600, beside the database) until it is saved or cancelled.
    pub fn keep_draft(&self) {
        match &self.app.mode {
            Mode::Form(form) | Mode::Discard { form, .. } => {
                if let Ok(text) = serde_json::to_string(&form.draft()) {
                    // Private, whole, and never through a link planted at its name.
                    let _ =
                        crate::files::write_private(&self.draft_path, text.as_bytes(), crate::files::Replace::Allow);
                }
            }
            _ => {
                if self.draft_path.exists() {
                    let _ = std::fs::remove_file(&self.draft_path);
                }
            }
        }
    }

    /// After a step or a form started from a detail view: that view again, as it now stands.
    fn back_to_detail(&mut self) {
        if let Some((place, back)) = self.app.return_to.take()
            && matches!(self.app.mode, Mode::Normal)
        {
            self.restore_detail(place, back);
        }
    }

    /// A detail view as it was left, as far as it still has those lines; the status says so
    /// when its record is gone.
    fn restore_detail(&mut self, place: app::Place, back: Vec<app::Place>) {
        match crate::app::detail::detail(&self.store, &self.ctx, &place.subject) {
            Ok(d) => {
                let mut d: app::Detail = d.into();
                d.chosen = place.chosen.and_then(|s| d.links.iter().position(|(_, l)| *l == s));
                d.scroll = place.scroll.min(d.lines.len().saturating_sub(1));
                d.back = back;
                self.app.mode = Mode::Detail(d);
            }
            Err(e) => self.app.status = e.to_string(),
        }
    }

    /// After a change: the quick lists at once, the rest in the background (or in line).
    pub fn refresh(&mut self) {
        if self.background.is_some() {
            self.reload(true);
            self.start_full_load();
        } else {
            self.reload(false);
        }
    }

    fn start_full_load(&mut self) {
        let mut ctx = self.ctx.clone();
        if !ctx.now_fixed {
            ctx.now = Utc::now();
        }
        let Some(bg) = &mut self.background else { return };
        if bg.running.is_some() {
            bg.again = true;
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let db = bg.db.clone();
        let view = self.app.view;
        std::thread::spawn(move || {
            let result = Store::open(&db, OpenMode::Existing)
                .map_err(|e| e.to_string())
                .and_then(|store| model::load(&store, &ctx, true, view).map_err(|e| e.to_string()));
            let _ = tx.send(result);
        });
        bg.running = Some(rx);
    }

    /// Whether a background load is running.
    pub fn loading(&self) -> bool {
        self.background.as_ref().is_some_and(|bg| bg.running.is_some())
    }

    /// Takes the background load's result when it is in; true when the model changed.
    pub fn poll_background(&mut self) -> bool {
        let Some(bg) = &mut self.background else { return false };
        let Some(rx) = &bg.running else { return false };
        let Ok(result) = rx.try_recv() else { return false };
        bg.running = None;
        let again = std::mem::take(&mut bg.again);
        match result {
            Ok(snap) => self.app.set_snapshot(snap),
            Err(e) => self.app.status = format!("could not read the database: {e}"),
        }
        if again {
            self.start_full_load();
        }
        true
    }

    /// Reads the panes again (with the SLA health, unless `quick`).
    pub fn reload(&mut self, quick: bool) {
        self.reload_rows(quick, model::PAGE);
    }

    /// As [`Runtime::reload`], reading at most `rows` rows into each long list.
    pub fn reload_rows(&mut self, quick: bool, rows: i64) {
        if !self.ctx.now_fixed {
            self.ctx.now = Utc::now();
        }
        match model::load_rows(&self.store, &self.ctx, !quick, rows, self.app.view) {
            Ok(mut snap) => {
                if quick && self.app.snap.health_loaded {
                    // Clocks at risk and problem flags come with the full load: keep the last ones.
                    let clocks: Vec<model::BreachRow> =
                        self.app.snap.breaches.iter().filter(|b| b.is_clock).cloned().collect();
                    // The agenda line keeps the clocks' and watermelons' numbers too.
                    let old = self.app.snap.counts;
                    snap.counts.breaches_open += clocks.iter().filter(|c| c.overdue).count();
                    snap.counts.at_risk = old.at_risk;
                    snap.counts.watermelons = old.watermelons;
                    snap.counts.problem_flags = old.problem_flags;
                    snap.set_agenda_line();
                    snap.breaches.extend(clocks);
                    snap.health_loaded = true;
                    // Keep the last health figures until the full reload replaces them.
                    // What the quick load reads (the name, customer, agreement and open
                    // breaches) is new; the rest (health, money, notice, problem, last touch)
                    // is the full load's.
                    for row in &mut snap.services {
                        if let Some(old) = self.app.snap.services.iter().find(|o| o.id == row.id) {
                            *row = model::ServiceRow {
                                id: std::mem::take(&mut row.id),
                                name: std::mem::take(&mut row.name),
                                customer: std::mem::take(&mut row.customer),
                                agreement: std::mem::take(&mut row.agreement),
                                open_breaches: row.open_breaches,
                                ..old.clone()
                            };
                        }
                    }
                    // The rows changed after the load: their filter texts too.
                    snap.index_search();
                }
                self.app.set_snapshot(snap);
            }
            Err(e) => self.app.status = format!("could not read the database: {e}"),
        }
    }

    /// Puts the cursor on a record of a pane (after a jump).
    fn select(&mut self, pane: panes::PaneId, id: &str) {
        self.app.focus = pane;
        self.app.filters[pane].clear();
        let found = match pane {
            panes::PaneId::Services => self.app.snap.services.iter().position(|r| r.id == id),
            _ => self.app.snap.stakeholders.iter().position(|r| r.id == id),
        };
        if let Some(i) = found {
            self.app.selected[pane] = i;
        }
        self.app.status = "found".into();
    }

    /// Carries out the model's effects.
    pub fn apply(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Quit => self.app.running = false,
                Effect::Reload => {
                    self.refresh();
                    self.app.status = "reloaded".into();
                }
                Effect::Refresh => self.refresh(),
                Effect::Save(form) => match effects::save(&mut self.store, &self.ctx, *form) {
                    Saved::Done(status) => {
                        self.app.status = status;
                        self.refresh();
                        self.back_to_detail();
                    }
                    Saved::Again(form) => self.app.mode = Mode::Form(*form),
                },
                Effect::AskDelete { record, name } => {
                    let ties = crate::app::records::ties(&self.store, &record).unwrap_or_default();
                    self.app.confirm_delete(record, &name, &ties);
                }
                Effect::Delete { record, label } => {
                    self.app.status = match crate::app::records::delete(&mut self.store, &record, &label) {
                        Ok(()) => format!("{label}: done {}", keys::undo_hint()),
                        Err(e) => e.to_string(),
                    };
                    self.refresh();
                }
                Effect::Step { step, id } => {
                    let done = match step {
                        app::Step::Breach(h) => crate::app::breaches::handle(&mut self.store, &self.ctx, &id, h),
                        app::Step::TickAction => crate::app::reviews::tick_action(&mut self.store, &self.ctx, &id),
                        app::Step::FinishImprovement => crate::app::reviews::finish_improvement(&mut self.store, &id),
                    };
                    self.app.status = match done {
                        Ok(label) => format!("{label}: done {}", keys::undo_hint()),
                        Err(e) => e.to_string(),
                    };
                    self.refresh();
                    self.back_to_detail();
                }
                Effect::Undo | Effect::UndoTheirs => {
                    use crate::app::records::UndoOutcome;
                    let consent = matches!(effect, Effect::UndoTheirs);
                    self.app.status = match crate::app::records::undo(&mut self.store, consent) {
                        Ok(UndoOutcome::Done(label)) => {
                            format!("undid: {label} — {} redoes", keys::label(KeyMode::Normal, Action::Redo))
                        }
                        Ok(UndoOutcome::Nothing) => "nothing to undo".into(),
                        Ok(UndoOutcome::Ask { whose, label }) => {
                            self.app.mode = Mode::Confirm {
                                prompt: format!("Undo {whose} \"{label}\"? {}", keys::yes_or_no_short()),
                                effect: Box::new(Effect::UndoTheirs),
                            };
                            String::new()
                        }
                        Err(e) => format!("could not undo: {e}"),
                    };
                    self.refresh();
                }
                Effect::Select(pane, id) => self.select(pane, &id),
                Effect::UndoHistory => match crate::app::records::undo_history(&self.store, &self.ctx) {
                    Ok(d) => self.app.mode = Mode::Detail(d.into()),
                    Err(e) => self.app.status = e.to_string(),
                },
                Effect::Redo => {
                    self.app.status = match crate::app::records::redo(&mut self.store) {
                        Ok(Some(label)) => format!("redid: {label} {}", keys::undo_hint()),
                        Ok(None) => "nothing to redo".into(),
                        Err(e) => format!("could not redo: {e}"),
                    };
                    self.refresh();
                }
                Effect::BreachForm { id, step } => {
                    match crate::app::breaches::step_choices(&self.store, &self.ctx, &id) {
                        Ok(choices) => {
                            self.app.mode = Mode::Form(match step {
                                crate::app::breaches::Handling::Inform => app::inform_form(id, &choices),
                                _ => app::close_breach_form(id, &choices),
                            })
                        }
                        Err(e) => self.app.status = e.to_string(),
                    }
                }
                Effect::TicketForm { id } => match crate::app::corrections::ticket_values(&self.store, &id) {
                    Ok(values) => {
                        self.app.mode = Mode::Form(app::ticket_form(id, &values, &self.ctx.settings.exclusion_reasons))
                    }
                    Err(e) => self.app.status = e.to_string(),
                },
                Effect::OutageForm { service_id } => {
                    match crate::app::corrections::outages_of(&self.store, &service_id) {
                        Ok((name, starts)) if !starts.is_empty() => {
                            self.app.mode =
                                Mode::Form(app::outage_form(name, &starts, &self.ctx.settings.exclusion_reasons))
                        }
                        Ok((name, _)) => self.app.status = format!("{name} has no outages"),
                        Err(e) => self.app.status = e.to_string(),
                    }
                }
                Effect::ReportForm { service_id, service } => {
                    let last = crate::app::report::period_of(&self.ctx, "")
                        .map(|p| p.to_string())
                        .unwrap_or_default();
                    self.app.mode = Mode::Form(popups::forms::report_form(service_id, &service, &last));
                }
                Effect::Detail(subject) => match crate::app::detail::detail(&self.store, &self.ctx, &subject) {
                    Ok(d) => self.app.mode = Mode::Detail(d.into()),
                    Err(e) => self.app.status = e.to_string(),
                },
                Effect::DetailFrom { subject, mut back } => {
                    match crate::app::detail::detail(&self.store, &self.ctx, &subject) {
                        Ok(d) => {
                            let mut d: app::Detail = d.into();
                            d.back = back;
                            self.app.mode = Mode::Detail(d);
                        }
                        // The record is gone: stay on the view it was chosen in.
                        Err(e) => {
                            if let Some(place) = back.pop() {
                                self.restore_detail(place, back);
                            }
                            self.app.status = e.to_string();
                        }
                    }
                }
                Effect::RaiseProblem(subject) => {
                    match crate::app::problems::raise_from(&self.store, &self.ctx, &subject) {
                        Ok(raised) => {
                            let i = &raised.input;
                            let mut p = app::Prefill::new();
                            for (k, v) in [
                                ("title", &i.title),
                                ("services", &i.services),
                                ("status", &i.status),
                                ("root_cause", &i.root_cause),
                                ("owner", &i.owner),
                            ] {
                                p.insert(k, v.clone());
                            }
                            let mut form = app::problem_form(None, i.links.clone(), &p);
                            form.title = format!("Raise a problem — {}", raised.said);
                            self.app.mode = Mode::Form(form);
                        }
                        Err(e) => {
                            self.back_to_detail();
                            self.app.status = e.to_string();
                        }
                    }
                }
                Effect::DetailBack { place, back } => self.restore_detail(place, back),
                Effect::EditForm(record) => match effects::edit_form(&self.store, &self.ctx, &record) {
                    Ok(f) => self.app.mode = Mode::Form(f),
                    Err(e) => self.app.status = e,
                },
                Effect::EditLastTouch { stakeholder_id } => {
                    match effects::last_touch_form(&self.store, &self.ctx, &stakeholder_id) {
                        Ok(f) => self.app.mode = Mode::Form(f),
                        Err(e) => self.app.status = e,
                    }
                }
                Effect::DeleteLastTouch { stakeholder_id } => {
                    match crate::app::touch::last(&self.store, &stakeholder_id) {
                        Ok((tp, _)) => {
                            let summary = tp.summary;
                            self.app.mode = Mode::Confirm {
                                prompt: format!("Delete the touch point \"{summary}\"? {}", keys::yes_or_no()),
                                effect: Box::new(Effect::Delete {
                                    record: crate::app::RecordRef::new(crate::app::RecordKind::TouchPoint, tp.id),
                                    label: format!("delete touch point \"{summary}\""),
                                }),
                            };
                        }
                        Err(e) => self.app.status = e.to_string(),
                    }
                }
                Effect::ResolveConflict { seq, take_lost } => {
                    self.app.status = match crate::sync::resolve(&mut self.store, seq, take_lost) {
                        Ok(()) if take_lost => {
                            format!("conflict {seq}: the value that lost is back {}", keys::undo_hint())
                        }
                        Ok(()) => format!("conflict {seq}: kept the value in use"),
                        Err(e) => format!("could not settle conflict {seq}: {e}"),
                    };
                    self.refresh();
                    if self.app.snap.conflicts.is_empty() {
                        self.app.mode = Mode::Normal;
                    }
                }
                Effect::EditCalendar { service_id } => match effects::calendar_edit_form(&self.store, &service_id) {
                    Ok(f) => self.app.mode = Mode::Form(f),
                    Err(e) => self.app.status = e,
                },
                Effect::TouchFromService { service_id } => {
                    self.app.mode = Mode::Form(effects::touch_from_service(&self.store, &service_id));
                }
                Effect::Jump(text) => match crate::app::jump::jump(&self.store, &self.ctx, &text) {
                    Jumped::Detail(d) => self.app.mode = Mode::Detail(d.into()),
                    Jumped::Service(id) => self.select(panes::PaneId::Services, &id),
                    Jumped::Stakeholder(id) => self.select(panes::PaneId::TouchPoints, &id),
                    // No exact record: the best live match, if any (a reference typed in part).
                    Jumped::Nothing(msg) => match popups::jump_list::matches(&self.app, &text).first() {
                        Some(m) => {
                            let effect = app::open_match(m);
                            self.apply(vec![effect]);
                        }
                        None => self.app.status = msg,
                    },
                },
            }
        }
    }
}

/// Watches for SIGTERM and SIGHUP: the loop is asked to stop and restore the terminal; if it
/// cannot within a moment (a terminal that is gone can keep the input reader spinning), the
/// terminal is restored and the process ends from here. Every save is already committed.
///
/// A terminal can also go away without a signal reaching sdm (its parent ignored SIGHUP, so
/// sdm inherited the ignoring): the input reader then reads end-of-file in a loop. A watcher
/// looks at the terminal twice a second and takes its loss as a hang-up.
fn watch_signals(temporary: Option<PathBuf>) -> Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP])?;
    let on_signal = temporary.clone();
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            end_session(signal, on_signal.as_deref());
        }
    });
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_millis(500));
            if !std::io::stdout().is_terminal() {
                end_session(signal_hook::consts::SIGHUP, temporary.as_deref());
            }
        }
    });
    Ok(())
}

/// Asks the loop to stop; if it cannot within a moment, restores what can be restored and
/// ends the process from here, as 128 + the signal. Every save is already committed and an
/// open form is already kept as a draft.
fn end_session(signal: i32, temporary: Option<&Path>) {
    ENDED_BY.store(signal, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(800));
    restore_terminal();
    if let Some(path) = temporary {
        remove_database(path);
    }
    std::process::exit(128 + signal);
}

fn run(store: Store, ctx: &Ctx, title: &str, temporary: Option<PathBuf>) -> Result<()> {
    watch_signals(temporary)?;
    let theme = Theme { color: ctx.color };
    let mut rt = Runtime::new(store, ctx, title);
    let mut terminal = ratatui::try_init()?;
    let outcome = (|| -> Result<()> {
        // The first frame without the SLA health (quick on any database), then the rest.
        rt.background = Some(Background {
            db: rt.store.path().to_path_buf(),
            running: None,
            again: false,
        });
        let mut frames = timing::FrameLog::from_env();
        // A screenful of each list (half the height each when the panes share the screen in a
        // grid): the full load brings the rest.
        let rows = terminal
            .size()
            .map(|s| {
                let grid = view::is_grid(s.width, s.height.saturating_sub(3));
                i64::from(if grid { s.height / 2 } else { s.height })
            })
            .unwrap_or(model::PAGE);
        rt.reload_rows(true, rows);
        terminal.draw(|f| view::draw(f, &rt.app, theme))?;
        frames.since_start("first_frame");
        rt.start_full_load();
        let mut version = rt.store.data_version().unwrap_or(0);
        let mut last_check = Instant::now();
        let mut last_tick = Instant::now();
        while rt.app.running && ENDED_BY.load(Ordering::Relaxed) == 0 {
            let mut dirty = false;
            let mut pressed = None;
            // While the full load runs, wake often so its figures show as soon as they are in.
            let wait = if rt.loading() { 20 } else { 250 };
            // A terminal that reads end-of-file or fails (a dropped link whose hang-up signal
            // was ignored) is a hang-up: the open form is already kept as a draft.
            let Ok(ready) = event::poll(Duration::from_millis(wait)) else {
                ENDED_BY.store(signal_hook::consts::SIGHUP, Ordering::SeqCst);
                break;
            };
            if ready {
                let read_at = Instant::now();
                let Ok(event) = event::read() else {
                    ENDED_BY.store(signal_hook::consts::SIGHUP, Ordering::SeqCst);
                    break;
                };
                match event {
                    Event::Key(key) if key.kind == KeyEventKind::Press => {
                        if frames.enabled() {
                            pressed = Some((timing::key_name(&key), read_at));
                        }
                        let effects = rt.app.handle(key);
                        rt.apply(effects);
                        rt.keep_draft();
                        dirty = true;
                    }
                    Event::Resize(_, _) => dirty = true,
                    _ => {}
                }
            }
            if rt.poll_background() {
                frames.since_start("full_load");
                // The full load may have kept what it worked out in the file's cache: that
                // write is this program's own, not another sdm's.
                version = rt.store.data_version().unwrap_or(version);
                dirty = true;
            }
            if last_check.elapsed() >= Duration::from_secs(1) {
                last_check = Instant::now();
                if !std::io::stdout().is_terminal() {
                    // The terminal hung up (its ioctls fail once the link is gone).
                    ENDED_BY.store(signal_hook::consts::SIGHUP, Ordering::SeqCst);
                    break;
                }
                let now_version = rt.store.data_version().unwrap_or(version);
                if now_version != version {
                    // Another sdm wrote to the file: show its changes.
                    version = now_version;
                    rt.refresh();
                    dirty = true;
                }
            }
            if last_tick.elapsed() >= Duration::from_secs(60) {
                last_tick = Instant::now();
                rt.refresh();
                dirty = true;
            }
            if dirty && rt.app.running && terminal.draw(|f| view::draw(f, &rt.app, theme)).is_err() {
                // A terminal that cannot be written to any more has hung up.
                ENDED_BY.store(signal_hook::consts::SIGHUP, Ordering::SeqCst);
                break;
            }
            if let Some((name, read_at)) = pressed {
                frames.key_frame(&name, read_at.elapsed());
            }
        }
        Ok(())
    })();
    restore_terminal();
    outcome
}
