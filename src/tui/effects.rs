//! Carrying out the interface's requests: a form's text becomes a use case's typed input, the
//! use case runs, and its result becomes a status line (or its error goes under the field at
//! fault). No rule and no SQL here: those are the use cases' and the store's.

use crate::app::breaches::SaveBreach;
use crate::app::reviews::{RecordChange, RecordScore, SaveAction, SaveImprovement, SaveReview};
use crate::app::services::{DAYS, PRIORITY_FIELDS, SaveCalendar, SaveService};
use crate::app::stakeholders::SaveStakeholder;
use crate::app::touch::{EditTouch, LogTouch, Who};
use crate::app::{self, AppError, Ctx, RecordKind, RecordRef, Values};
use crate::domain::text::inert;
use crate::store::Store;

use super::app::{
    IN_THE_SLA, Prefill, action_form, breach_form, calendar_form, improvement_form, problem_form, review_form,
    service_form, stakeholder_form, touch_edit_form, touch_form,
};
use super::form::{Form, Purpose};
use super::keys::{Action, KeyMode, label};

/// The outcome of saving a form: a status line, or the form back with its error.
pub enum Saved {
    Done(String),
    Again(Box<Form>),
}

fn text(form: &Form, key: &str) -> String {
    form.value(key).to_string()
}

/// The form's values as the use case's input.
pub fn log_touch_input(form: &Form, stakeholder_id: Option<String>) -> LogTouch {
    LogTouch {
        stakeholder: Some(match stakeholder_id {
            Some(id) => Who::Id(id),
            None => Who::Name(text(form, "stakeholder")),
        }),
        summary: text(form, "summary"),
        channel: Some(text(form, "channel")),
        sentiment: Some(text(form, "sentiment")),
        when: Some(text(form, "when")),
        services: {
            let names: Vec<String> = text(form, "services")
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect();
            (!names.is_empty()).then_some(names)
        },
        follow_up: text(form, "follow_up"),
    }
}

/// Saves a form; a wrong field comes back with its message.
pub fn save(store: &mut Store, ctx: &Ctx, mut form: Form) -> Saved {
    // Another sdm (a second SSH session) may have changed the record since the form opened.
    if let Some(base) = form.base.clone()
        && !form.overwrite
        && app::records::changed_since(store, &base)
    {
        form.overwrite = true;
        form.error = Some(format!(
            "someone changed this record since you opened it (another sdm?): {} saves yours over theirs, {} keeps theirs",
            label(KeyMode::Form, Action::Save),
            label(KeyMode::Form, Action::Back)
        ));
        return Saved::Again(Box::new(form));
    }
    let f = &form;
    let result: Result<String, AppError> = match f.purpose.clone() {
        Purpose::Service(id) => {
            let mut priorities: [String; 4] = Default::default();
            for (slot, (key, _)) in priorities.iter_mut().zip(PRIORITY_FIELDS) {
                *slot = text(f, key);
            }
            let input = SaveService {
                id,
                name: text(f, "name"),
                customer: text(f, "customer"),
                agreement_kind: text(f, "agreement_kind"),
                agreement_ref: text(f, "agreement_ref"),
                window: text(f, "window"),
                criticality: text(f, "criticality"),
                agreement_review: text(f, "agreement_review"),
                aliases: text(f, "aliases"),
                agreement_start: text(f, "agreement_start"),
                agreement_end: text(f, "agreement_end"),
                notice_days: text(f, "notice_days"),
                availability: text(f, "availability"),
                priorities,
                satisfaction: text(f, "satisfaction"),
                description: text(f, "description"),
                charge: text(f, "charge"),
                cost: text(f, "cost"),
                credits: text(f, "credits"),
                targets_apply: text(f, "targets_apply"),
            };
            let warnings = app::services::target_warnings(&input);
            app::services::save(store, ctx, &input).map(|s| {
                let mut msg = format!("saved service {}", inert(&s.name));
                for w in &warnings {
                    msg.push_str(" · warning: ");
                    msg.push_str(w);
                }
                msg
            })
        }
        Purpose::Breach(id) => {
            let input = SaveBreach {
                id,
                service: text(f, "service"),
                title: text(f, "title"),
                when: text(f, "when"),
                status: text(f, "status"),
                informed: text(f, "informed"),
                credit: text(f, "credit"),
                notes: text(f, "notes"),
            };
            app::breaches::save(store, ctx, &input).map(|b| format!("saved breach \"{}\"", inert(&b.title)))
        }
        Purpose::Stakeholder(id) => {
            let input = SaveStakeholder {
                id,
                name: text(f, "name"),
                organisation: text(f, "organisation"),
                role: text(f, "role"),
                contact: text(f, "contact"),
                channel: text(f, "channel"),
                cadence: text(f, "cadence"),
                services: text(f, "services"),
                notes: text(f, "notes"),
            };
            app::stakeholders::save(store, &input).map(|s| format!("saved stakeholder {}", inert(&s.name)))
        }
        Purpose::Touch { stakeholder_id } => {
            app::touch::log(store, ctx, &log_touch_input(f, stakeholder_id)).map(|t| inert(&t.describe()).into_owned())
        }
        Purpose::BreachStep { id, step } => {
            let handling = if step == "close" {
                app::breaches::Handling::Close
            } else {
                app::breaches::Handling::Inform
            };
            let input = app::breaches::StepInput {
                note: text(f, "note"),
                cause: text(f, "cause"),
                credit: text(f, "credit"),
                when: text(f, "when"),
                channel: text(f, "channel"),
                to: text(f, "to"),
            };
            app::breaches::take_step(store, ctx, &id, handling, &input).map(|label| format!("{label}: done"))
        }
        Purpose::Ticket(id) => ticket_input(store, f, &id, ctx).and_then(|input| match input {
            Some(input) => app::corrections::correct_tickets(store, ctx, &input).map(|done| done.summary()),
            None => Ok("nothing to change".to_string()),
        }),
        Purpose::Report(service_id) => {
            let audience = if text(f, "audience") == "internal" {
                crate::report::Audience::Internal
            } else {
                crate::report::Audience::Customer
            };
            let written = app::report::period_of(ctx, &text(f, "period")).and_then(|period| {
                let format = app::report::FileFormat::parse(&text(f, "format"));
                app::report::write_service_review(store, ctx, &service_id, period, audience, format, form.overwrite)
            });
            match written {
                Ok(app::report::Written::Done(path)) => Ok(format!("wrote {}", path.display())),
                Ok(app::report::Written::Exists(path)) => {
                    form.overwrite = true;
                    form.error = Some(format!(
                        "{} is there already: {} replaces it, {} keeps it",
                        path.display(),
                        label(KeyMode::Form, Action::Save),
                        label(KeyMode::Form, Action::Back)
                    ));
                    return Saved::Again(Box::new(form));
                }
                Err(e) => Err(e),
            }
        }
        Purpose::Outage(service) => {
            let exclusion = text(f, "exclude");
            let back_in = exclusion == IN_THE_SLA;
            let input = app::corrections::CorrectOutage {
                service,
                start: text(f, "start"),
                include: back_in,
                exclude: (!back_in).then_some(exclusion),
                note: Some(text(f, "note")).filter(|n| !n.is_empty() && !back_in),
                tz: chrono_tz::UTC,
            };
            app::corrections::correct_outage(store, ctx, &input).map(|done| done.summary())
        }
        Purpose::TouchEdit(id) => {
            let input = EditTouch {
                id,
                summary: text(f, "summary"),
                sentiment: Some(text(f, "sentiment")),
                channel: text(f, "channel"),
                when: text(f, "when"),
                follow_up: text(f, "follow_up"),
            };
            app::touch::edit(store, ctx, &input).map(|t| format!("saved the touch point \"{}\"", inert(&t.summary)))
        }
        Purpose::Review(id) => {
            let input = SaveReview {
                id,
                title: text(f, "title"),
                service: text(f, "service"),
                kind: text(f, "kind"),
                due: text(f, "due"),
                held_on: text(f, "held_on"),
                attendees: text(f, "attendees"),
                what_went_wrong: text(f, "what_went_wrong"),
                findings: text(f, "findings"),
            };
            app::reviews::save_review(store, ctx, &input).map(|r| format!("saved review \"{}\"", inert(&r.title)))
        }
        Purpose::Action {
            id,
            review_id,
            problem_id,
        } => {
            let input = SaveAction {
                id,
                review_id,
                title: text(f, "title"),
                owner: text(f, "owner"),
                due: text(f, "due"),
                service: text(f, "service"),
                notes: text(f, "notes"),
                problem_id,
            };
            app::reviews::save_action(store, ctx, &input).map(|a| format!("saved action \"{}\"", inert(&a.title)))
        }
        Purpose::Problem { id, links } => {
            let input = app::problems::SaveProblem {
                id,
                reference: text(f, "reference"),
                title: text(f, "title"),
                status: text(f, "status"),
                services: text(f, "services"),
                root_cause: text(f, "root_cause"),
                workaround: text(f, "workaround"),
                owner: text(f, "owner"),
                raised: text(f, "raised"),
                due: text(f, "due"),
                fix_change: text(f, "fix_change"),
                notes: text(f, "notes"),
                links,
            };
            app::problems::save(store, ctx, &input).map(|saved| {
                let mut said = format!("saved problem \"{}\"", inert(saved.problem.name()));
                for w in &saved.warnings {
                    said.push_str(&format!(" — but {}", inert(w)));
                }
                said
            })
        }
        Purpose::Change => {
            let input = RecordChange {
                reference: text(f, "reference"),
                service: text(f, "service"),
                kind: text(f, "kind"),
                implemented: text(f, "implemented"),
                outcome: text(f, "outcome"),
                summary: text(f, "summary"),
            };
            app::reviews::record_change(store, ctx, &input).map(|r| {
                let pir = if r.review_due {
                    "; a post-implementation review is now due"
                } else {
                    ""
                };
                format!("recorded change {}{pir}", inert(&r.change.reference))
            })
        }
        Purpose::Improvement(id) => {
            let input = SaveImprovement {
                id,
                title: text(f, "title"),
                service: text(f, "service"),
                kpi: text(f, "kpi"),
                owner: text(f, "owner"),
                due: text(f, "due"),
                status: text(f, "status"),
                notes: text(f, "notes"),
            };
            app::reviews::save_improvement(store, ctx, &input)
                .map(|i| format!("saved improvement \"{}\"", inert(&i.title)))
        }
        Purpose::Score => {
            let input = RecordScore {
                service: text(f, "service"),
                period: text(f, "period"),
                score: text(f, "score"),
                scale: text(f, "scale"),
                responses: text(f, "responses"),
            };
            app::reviews::record_score(store, &input).map(|s| {
                format!(
                    "recorded {}/{} for {} in {}",
                    s.score,
                    s.scale_max,
                    inert(&input.service),
                    s.period
                )
            })
        }
        Purpose::Calendar(id) => {
            let mut days: [String; 7] = Default::default();
            for (slot, day) in days.iter_mut().zip(DAYS) {
                *slot = text(f, day);
            }
            let input = SaveCalendar {
                id,
                name: text(f, "name"),
                timezone: text(f, "timezone"),
                days,
                holidays: text(f, "holidays"),
            };
            app::services::save_calendar(store, ctx, &input)
                .map(|c| format!("saved calendar {}; clocks counted in it follow at once", inert(&c.name)))
        }
    };
    match result {
        Ok(status) => Saved::Done(status),
        Err(e) => {
            put_under_field(&mut form, &e);
            Saved::Again(Box::new(form))
        }
    }
}

/// The ticket form's values as a correction: only what differs from the ticket as stored.
fn ticket_input(
    store: &Store,
    f: &Form,
    id: &str,
    ctx: &Ctx,
) -> Result<Option<app::corrections::CorrectTickets>, AppError> {
    let now = app::corrections::ticket_values(store, id)?;
    let get = |k: &str| now.get(k).cloned().unwrap_or_default();
    let exclusion = text(f, "exclude");
    let note = text(f, "note");
    let mut input = app::corrections::CorrectTickets {
        refs: vec![get("reference")],
        tz: ctx.tz,
        ..Default::default()
    };
    if exclusion == IN_THE_SLA {
        input.include = get("exclude") != IN_THE_SLA;
    } else if exclusion != get("exclude") || note != get("note") {
        input.exclude = Some(exclusion);
        input.note = Some(note).filter(|n| !n.is_empty());
    }
    let critical = text(f, "critical") == "yes";
    if critical != (get("critical") == "yes") {
        input.critical = Some(critical);
    }
    let pause = text(f, "pause");
    if !pause.is_empty() {
        input.pauses.push(pause);
    }
    for n in text(f, "unpause").split([' ', ',']).filter(|n| !n.is_empty()) {
        let n = n.parse::<usize>().map_err(|_| {
            AppError::invalid(
                "unpause",
                format!("\"{n}\" is not a pause number: use the numbers its detail lists"),
            )
        })?;
        input.unpause.push(n);
    }
    let nothing = !input.include
        && input.exclude.is_none()
        && input.critical.is_none()
        && input.pauses.is_empty()
        && input.unpause.is_empty();
    Ok((!nothing).then_some(input))
}

/// A use case's error on the form: under the field it names when the form has that field,
/// else on the form's error line.
fn put_under_field(form: &mut Form, e: &AppError) {
    match e.field_errors() {
        errors if errors.is_empty() => {
            form.wrong.clear();
            form.error = Some(e.to_string());
        }
        errors => form.fail_all(errors),
    }
}

fn prefill(values: Values) -> Prefill {
    values
}

/// The form for editing a record, filled from the store, remembering the record's stamp.
pub fn edit_form(store: &Store, ctx: &Ctx, record: &RecordRef) -> Result<Form, String> {
    let id = record.id.clone();
    let err = |e: AppError| e.to_string();
    let (mut form, stamp) = match record.kind {
        RecordKind::Service => {
            let (p, stamp) = app::services::values(store, ctx.today(), &id).map_err(err)?;
            (service_form(Some(id), &prefill(p)), stamp)
        }
        RecordKind::Breach => {
            let (p, stamp) = app::breaches::values(store, &id).map_err(err)?;
            (breach_form(Some(id), &prefill(p)), stamp)
        }
        RecordKind::Stakeholder => {
            let (p, stamp) = app::stakeholders::values(store, &id).map_err(err)?;
            (stakeholder_form(Some(id), &prefill(p)), stamp)
        }
        RecordKind::Review => {
            let (p, stamp, not_held) = app::reviews::review_values(store, &id).map_err(err)?;
            let mut f = review_form(Some(id), &prefill(p));
            if not_held {
                f.focus_key("held_on");
            }
            (f, stamp)
        }
        RecordKind::Action => {
            let (p, stamp, review_id) = app::reviews::action_values(store, &id).map_err(err)?;
            (action_form(Some(id), review_id, &prefill(p)), stamp)
        }
        RecordKind::Problem => {
            let (p, stamp) = app::problems::values(store, &id).map_err(err)?;
            (problem_form(Some(id), Default::default(), &prefill(p)), stamp)
        }
        RecordKind::Improvement => {
            let (p, stamp) = app::reviews::improvement_values(store, &id).map_err(err)?;
            (improvement_form(Some(id), &prefill(p)), stamp)
        }
        RecordKind::TouchPoint | RecordKind::Calendar => {
            return Err(format!("a {} is edited from its own key", record.kind.noun()));
        }
    };
    form.base = stamp;
    Ok(form)
}

/// The form for the calendar of a service's window (a new one when it counts in 24x7).
pub fn calendar_edit_form(store: &Store, service_id: &str) -> Result<Form, String> {
    let (service, calendar) = app::services::window_calendar(store, service_id).map_err(|e| e.to_string())?;
    Ok(match calendar {
        Some(editing) => {
            let mut form = calendar_form(Some(editing.id), &prefill(editing.values));
            form.base = editing.stamp;
            form
        }
        None => {
            let mut f = calendar_form(None, &Prefill::new());
            f.title = format!(
                "{} counts in 24x7: add a business-hours calendar (then pick it in e)",
                service.name
            );
            f
        }
    })
}

/// The form for the stakeholder's most recent touch point.
pub fn last_touch_form(store: &Store, ctx: &Ctx, stakeholder_id: &str) -> Result<Form, String> {
    let (tp, stamp) = app::touch::last(store, stakeholder_id).map_err(|e| e.to_string())?;
    let mut p = Prefill::new();
    p.insert("summary", tp.summary.clone());
    p.insert("sentiment", tp.sentiment.map(|s| s.to_string()).unwrap_or_default());
    p.insert("channel", tp.channel.as_str().into());
    p.insert(
        "when",
        chrono::DateTime::<chrono::Utc>::from_timestamp(tp.at, 0)
            .map(|u| u.with_timezone(&ctx.tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
    );
    p.insert("follow_up", tp.follow_ups.clone());
    let mut form = touch_edit_form(tp.id.clone(), &p);
    form.base = stamp;
    Ok(form)
}

/// The quick-log form from a service: with its first stakeholder filled in.
pub fn touch_from_service(store: &Store, service_id: &str) -> Form {
    let (name, channel) = app::stakeholders::first_of_service(store, service_id)
        .ok()
        .flatten()
        .unwrap_or_default();
    let service = app::services::name_of(store, service_id).unwrap_or_default();
    let mut form = touch_form(
        None,
        &name,
        if channel.is_empty() { "call" } else { &channel },
        &service,
    );
    form.title = "Log a touch point about this service".into();
    form
}
