//! The key handler without a terminal or a database: what keys do to the App.
use super::*;
use crate::tui::form::Purpose;
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
    assert_eq!(app.filters[PaneId::Services], "a");
    app.handle(code(KeyCode::Esc));
    assert_eq!(app.filters[PaneId::Services], "");
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
    // What hangs on the record is read from the store, then the question names it.
    let ask = |app: &mut App, ties: &str| {
        let effects = app.handle(key('d'));
        let [Effect::AskDelete { record, name }] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        app.confirm_delete(record.clone(), &name.clone(), ties);
    };
    ask(&mut app, "2 touch points");
    let Mode::Confirm { prompt, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(prompt, "Delete \"Ann\" (2 touch points)? y/N");
    assert!(app.handle(code(KeyCode::Enter)).is_empty(), "Enter is not yes");
    ask(&mut app, "");
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
    assert_eq!(app.visible(PaneId::TouchPoints), vec![1]);
    assert_eq!(app.current(PaneId::TouchPoints), Some(1));
}

#[test]
fn esc_on_a_form_with_typing_asks_and_no_keeps_the_form() {
    let mut app = app();
    app.handle(key('3'));
    app.handle(key('t'));
    // Nothing typed yet: Esc just closes.
    app.handle(code(KeyCode::Esc));
    assert_eq!(app.mode, Mode::Normal);
    app.handle(key('t'));
    for c in "Call".chars() {
        app.handle(key(c));
    }
    app.handle(code(KeyCode::Esc));
    assert!(matches!(app.mode, Mode::Discard { quitting: false, .. }));
    // Any key but y is no: the form comes back with the typing.
    app.handle(key('n'));
    let Mode::Form(form) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(form.value("summary"), "Call");
    app.handle(code(KeyCode::Esc));
    app.handle(key('y'));
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.running);
}

#[test]
fn ctrl_c_on_a_form_with_typing_asks_before_quitting() {
    let mut app = app();
    app.handle(key('3'));
    app.handle(key('t'));
    app.handle(key('x'));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(app.handle(ctrl_c).is_empty());
    assert!(app.running, "asked, not quit");
    assert!(matches!(app.mode, Mode::Discard { quitting: true, .. }));
    assert_eq!(app.handle(key('y')), vec![Effect::Quit]);
    assert!(!app.running);
    assert!(
        matches!(app.mode, Mode::Form(_)),
        "the form stays open so its draft is kept"
    );
}

#[test]
fn customer_narrows_every_pane_and_esc_widens_them_again() {
    use crate::tui::model::{BreachRow, ServiceRow};
    let mut app = app();
    app.snap.services = vec![
        ServiceRow {
            id: "svc1".into(),
            name: "Payment Gateway".into(),
            customer: "Acme Retail".into(),
            ..Default::default()
        },
        ServiceRow {
            id: "svc2".into(),
            name: "Payroll".into(),
            customer: "Globex".into(),
            ..Default::default()
        },
    ];
    app.snap.breaches = vec![
        BreachRow {
            id: "b1".into(),
            service: "Payment Gateway".into(),
            title: "P1 resolution".into(),
            ..Default::default()
        },
        BreachRow {
            id: "b2".into(),
            service: "Payroll".into(),
            title: "P2 response".into(),
            ..Default::default()
        },
    ];
    app.snap.stakeholders[0].services = "Payroll".into();
    app.snap.stakeholders[1].services = "Payroll, Payment Gateway".into();
    app.snap.actions[0].service = "Payroll".into();
    app.snap.index_search();
    app.handle(key(':'));
    for c in "customer \"acme retail\"".chars() {
        app.handle(key(c));
    }
    app.handle(code(KeyCode::Enter));
    assert_eq!(app.visible(PaneId::Services), vec![0]);
    assert_eq!(
        app.visible(PaneId::Breaches),
        vec![0],
        "a breach is found by its service's customer"
    );
    assert_eq!(app.visible(PaneId::TouchPoints), vec![1]);
    assert!(app.visible(PaneId::Reviews).is_empty());
    assert!(app.status.contains("every pane narrowed"), "{}", app.status);
    app.handle(code(KeyCode::Esc));
    assert_eq!(app.visible(PaneId::Breaches), vec![0, 1]);
    assert_eq!(app.visible(PaneId::Reviews), vec![0]);
    // A customer nobody has is said, and nothing is narrowed.
    app.handle(key(':'));
    for c in "customer Initech".chars() {
        app.handle(key(c));
    }
    app.handle(code(KeyCode::Enter));
    assert!(app.status.contains("no service has a customer"), "{}", app.status);
    assert_eq!(app.visible(PaneId::Services), vec![0, 1]);
}
