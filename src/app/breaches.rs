//! Breaches: recording one by hand, editing it, and the three steps of handling one
//! (acknowledge, close, tell the customer).

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::domain::enums::{BreachSource, BreachStatus, Channel};
use crate::domain::ids::new_id;
use crate::domain::model::{Breach, BreachStep, Service, TouchPoint};
use crate::store::Store;
use crate::store::records::get_in;

use super::error::Checks;
use super::{AppError, AppResult, Ctx, RecordKind, RecordRef, Stamp, Values, existing, opt_date, service_named, word};

/// A breach as a person records or edits it; field names are the ones errors name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveBreach {
    pub id: Option<String>,
    pub service: String,
    pub title: String,
    /// `when`: the day it happened (09:00 local is taken); empty is today.
    pub when: String,
    pub status: String,
    /// `informed`: "yes" or "no".
    pub informed: String,
    /// `credit`: an amount, empty for none.
    pub credit: String,
    pub notes: String,
}

pub fn save(store: &mut Store, ctx: &Ctx, input: &SaveBreach) -> AppResult<Breach> {
    let mut checks = Checks::default();
    let service = checks.take(service_named(store, "service", &input.service));
    let day = checks
        .take(opt_date(ctx, "when", &input.when))
        .flatten()
        .unwrap_or_else(|| ctx.today());
    let at = crate::domain::parse::local_to_utc(day.and_hms_opt(9, 0, 0).unwrap_or_default(), &ctx.tz)
        .map(|t| t.timestamp())
        .unwrap_or(ctx.now.timestamp());
    let credit = match input.credit.trim() {
        "" => None,
        v => checks.take(
            v.trim_start_matches(['€', '$', '£'])
                .replace(',', "")
                .parse::<f64>()
                .map_err(|_| {
                    AppError::invalid("credit", format!("\"{v}\" is not an amount: use a number such as 500"))
                }),
        ),
    };
    let status = checks.take(word::<BreachStatus>("status", &input.status));
    checks.finish()?;
    let (service, status) = (Checks::taken(service)?, Checks::taken(status)?);
    let id = input.id.clone();
    let old: Option<Breach> = existing(store, &id)?;
    let detected = old.as_ref().is_some_and(|b| b.source != BreachSource::Manual);
    let mut breach = Breach {
        id: id.clone().unwrap_or_else(new_id),
        service_id: service.id,
        target_id: old.as_ref().and_then(|b| b.target_id.clone()),
        source: old.as_ref().map(|b| b.source).unwrap_or(BreachSource::Manual),
        ticket_id: old.as_ref().and_then(|b| b.ticket_id.clone()),
        ticket_ref: old.as_ref().and_then(|b| b.ticket_ref.clone()),
        period: old.as_ref().and_then(|b| b.period.clone()),
        title: input.title.trim().to_string(),
        // A detected breach keeps the moment its clock crossed the target.
        breached_at: if detected {
            old.as_ref().map(|b| b.breached_at).unwrap_or(at)
        } else {
            at
        },
        status,
        customer_informed: input.informed.trim() == "yes",
        credit,
        notes: input.notes.clone(),
        cause: old.as_ref().and_then(|b| b.cause.clone()),
        history: old.as_ref().map(|b| b.history.clone()).unwrap_or_default(),
    };
    // An edit that changes the status by hand is a step of its history too.
    if let Some(before) = &old
        && before.status != breach.status
    {
        breach.history.push(BreachStep {
            at: ctx.now.timestamp(),
            step: format!("edited: {} → {}", before.status.as_str(), breach.status.as_str()),
            by: ctx.settings.me.clone(),
            ..BreachStep::default()
        });
    }
    let label = format!(
        "{} breach {}",
        if id.is_some() { "edit" } else { "record" },
        breach.title
    );
    store.write(Some(&label), |w| w.save(&breach))?;
    Ok(breach)
}

/// A step in handling a breach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handling {
    Acknowledge,
    /// Closed, with a cause from the `breach_causes` setting, a note and a service credit.
    Close,
    /// Open again.
    Reopen,
    /// The customer was told: when, how, to whom.
    Inform,
}

impl Handling {
    fn verb(self) -> &'static str {
        match self {
            Handling::Acknowledge => "acknowledge",
            Handling::Close => "close",
            Handling::Reopen => "reopen",
            Handling::Inform => "customer told of",
        }
    }

    /// The step's name in a breach's history.
    fn step(self) -> &'static str {
        match self {
            Handling::Acknowledge => "acknowledged",
            Handling::Close => "closed",
            Handling::Reopen => "reopened",
            Handling::Inform => "informed",
        }
    }
}

/// What a person says with a step; field names are the ones errors name. Empty is "not said".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepInput {
    /// `note`: free text kept with the step.
    pub note: String,
    /// `cause` (closing): one of the `breach_causes` setting.
    pub cause: String,
    /// `credit` (closing): an amount in the service's currency; empty keeps the breach's own.
    pub credit: String,
    /// `when` (telling): when the customer was told; empty is now.
    pub when: String,
    /// `channel` (telling): call, email, meeting, chat or service_review.
    pub channel: String,
    /// `to` (telling): a stakeholder's name (a touch point is logged with them), or free
    /// text for someone who is not one.
    pub to: String,
}

/// A service credit as typed: `500`, `€1,250.50`; empty is none.
fn amount(field: &'static str, text: &str) -> AppResult<Option<f64>> {
    match text.trim() {
        "" => Ok(None),
        v => v
            .trim_start_matches(['€', '$', '£'])
            .replace(',', "")
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, format!("\"{v}\" is not an amount: use 0 or more, such as 500"))),
    }
}

/// Takes a step on a breach, undoably, and keeps it as a dated entry of its history (by the
/// configured `me`); returns the step's label. Telling the customer logs a touch point with
/// the stakeholder told, in the same step.
pub fn take_step(store: &mut Store, ctx: &Ctx, id: &str, step: Handling, input: &StepInput) -> AppResult<String> {
    let mut b: Breach = get_in(store.conn(), id)?.ok_or_else(|| AppError::not_found("that breach is gone"))?;
    let now = ctx.now.timestamp();
    let note = input.note.trim().to_string();
    let mut entry = BreachStep {
        at: now,
        step: step.step().to_string(),
        by: ctx.settings.me.clone(),
        note: note.clone(),
        ..BreachStep::default()
    };
    let mut touch: Option<TouchPoint> = None;
    // A recipient who is no stakeholder: kept in the history, said in the label.
    let mut told_outsider: Option<String> = None;
    match step {
        Handling::Acknowledge => {
            if b.status != BreachStatus::Open {
                return Err(AppError::conflict(
                    "status",
                    format!("the breach is {}, not open", b.status.as_str()),
                ));
            }
            b.status = BreachStatus::Acknowledged;
        }
        Handling::Close => {
            if matches!(b.status, BreachStatus::Closed | BreachStatus::Void) {
                return Err(AppError::conflict(
                    "status",
                    format!("the breach is {} already", b.status.as_str()),
                ));
            }
            let cause = match input.cause.trim() {
                "" => {
                    return Err(AppError::invalid(
                        "cause",
                        format!("say why it happened: one of {}", ctx.settings.breach_causes.join(", ")),
                    ));
                }
                c => Settings::pick(&ctx.settings.breach_causes, "breach cause", c)
                    .map_err(|m| AppError::invalid("cause", m))?
                    .to_string(),
            };
            if let Some(credit) = amount("credit", &input.credit)? {
                b.credit = Some(credit);
            }
            b.status = BreachStatus::Closed;
            b.cause = Some(cause.clone());
            entry.cause = Some(cause);
            entry.credit = b.credit;
        }
        Handling::Reopen => {
            if !matches!(b.status, BreachStatus::Closed | BreachStatus::Acknowledged) {
                return Err(AppError::conflict(
                    "status",
                    format!(
                        "the breach is {}: only a closed or acknowledged breach reopens",
                        b.status.as_str()
                    ),
                ));
            }
            b.status = BreachStatus::Open;
        }
        Handling::Inform => {
            let at = match input.when.trim() {
                "" => now,
                w => super::instant(ctx, "when", w)?,
            };
            let who = match input.to.trim() {
                "" => None,
                name => match crate::store::queries::find_stakeholder(store.conn(), name) {
                    Ok(s) => Some(s),
                    Err(crate::store::StoreError::NotFound(_)) => None,
                    Err(e) => return Err(AppError::at("to", e)),
                },
            };
            let channel = match input.channel.trim() {
                "" => who.as_ref().map(|w| w.channel).unwrap_or(Channel::Email),
                c => word::<Channel>("channel", c)?,
            };
            b.customer_informed = true;
            entry.at = at;
            entry.channel = Some(channel.as_str().to_string());
            entry.to = Some(match &who {
                Some(w) => w.name.clone(),
                None => input.to.trim().to_string(),
            })
            .filter(|t| !t.is_empty());
            if who.is_none() && !input.to.trim().is_empty() {
                told_outsider = Some(input.to.trim().to_string());
            }
            if let Some(w) = who {
                let mut summary = format!("Told about the breach: {}", b.title);
                if !note.is_empty() {
                    summary.push_str(" — ");
                    summary.push_str(&note);
                }
                touch = Some(TouchPoint {
                    id: new_id(),
                    stakeholder_id: w.id,
                    at,
                    channel,
                    summary,
                    sentiment: None,
                    follow_ups: String::new(),
                    service_ids: vec![b.service_id.clone()],
                });
            }
        }
    }
    b.history.push(entry);
    let mut label = format!("{} \"{}\"", step.verb(), b.title);
    if let Some(name) = told_outsider {
        label.push_str(&format!(" — {name} is not a stakeholder, so no touch point was logged"));
    }
    store.write(Some(&label), |w| {
        w.save(&b)?;
        if let Some(t) = &touch {
            w.save(t)?;
        }
        Ok(())
    })?;
    Ok(label)
}

/// Takes a step with nothing said (a one-key acknowledge).
pub fn handle(store: &mut Store, ctx: &Ctx, id: &str, step: Handling) -> AppResult<String> {
    take_step(store, ctx, id, step, &StepInput::default())
}

/// The breach a command names: its id, or a ticket's reference (with the clock, when the
/// ticket breached both).
pub fn find(store: &Store, name: &str, clock: Option<crate::engine::ClockKind>) -> AppResult<Breach> {
    if let Some(b) = get_in::<Breach>(store.conn(), name.trim())? {
        return Ok(b);
    }
    let ticket = crate::io::keys::ticket_id(name);
    let all: Vec<Breach> =
        crate::store::records::list_where(store.conn(), "deleted = 0 AND ticket_id = ?1", [&ticket])?;
    let wanted: Vec<Breach> = match clock {
        Some(kind) => all
            .into_iter()
            .filter(|b| b.id == crate::engine::detect::ticket_breach_id(&ticket, kind))
            .collect(),
        None => all,
    };
    match wanted.len() {
        0 | 1 => wanted.into_iter().next().ok_or_else(|| {
            AppError::not_found(format!(
                "no breach \"{}\": give a breach id, or the reference of a ticket that breached",
                name.trim()
            ))
        }),
        _ => Err(AppError::invalid(
            "clock",
            format!(
                "{} breached both its response and its resolution: say --clock response or --clock resolution",
                name.trim()
            ),
        )),
    }
}

/// A breach's values to edit, and its stamp.
pub fn values(store: &Store, id: &str) -> AppResult<(Values, Option<Stamp>)> {
    let conn = store.conn();
    let b: Breach = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that breach is gone"))?;
    let svc: Option<Service> = get_in(conn, &b.service_id)?;
    let mut p = Values::new();
    p.insert("service", svc.map(|s| s.name).unwrap_or_default());
    p.insert("title", b.title.clone());
    p.insert(
        "when",
        DateTime::<Utc>::from_timestamp(b.breached_at, 0)
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default(),
    );
    p.insert("status", b.status.as_str().into());
    p.insert("informed", if b.customer_informed { "yes" } else { "no" }.into());
    p.insert("credit", b.credit.map(|c| c.to_string()).unwrap_or_default());
    p.insert("notes", b.notes.clone());
    Ok((p, super::records::stamp(store, &RecordRef::new(RecordKind::Breach, id))))
}

/// What the forms for a step on a breach offer: the causes, the service's stakeholders (the
/// first is the one usually told), its currency and the breach's credit.
#[derive(Debug, Clone, Default)]
pub struct StepChoices {
    pub title: String,
    pub causes: Vec<String>,
    pub stakeholders: Vec<String>,
    pub channel: String,
    pub currency: String,
    pub credit: String,
}

pub fn step_choices(store: &Store, ctx: &Ctx, id: &str) -> AppResult<StepChoices> {
    let conn = store.conn();
    let b: Breach = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that breach is gone"))?;
    let svc: Option<Service> = get_in(conn, &b.service_id)?;
    let people = crate::store::read::service_stakeholders(conn, &b.service_id)?;
    Ok(StepChoices {
        title: b.title.clone(),
        causes: ctx.settings.breach_causes.clone(),
        channel: people
            .first()
            .map_or("email".to_string(), |(_, _, _, channel)| channel.clone()),
        stakeholders: people.into_iter().map(|(_, name, _, _)| name).collect(),
        currency: svc.and_then(|s| s.currency).unwrap_or_default(),
        credit: b.credit.map(|c| c.to_string()).unwrap_or_default(),
    })
}
