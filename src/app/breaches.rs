//! Breaches: recording one by hand, editing it, and the three steps of handling one
//! (acknowledge, close, tell the customer).

use chrono::{DateTime, Utc};

use crate::domain::enums::{BreachSource, BreachStatus};
use crate::domain::ids::new_id;
use crate::domain::model::{Breach, Service};
use crate::store::Store;
use crate::store::records::get_in;

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
    let service = service_named(store, "service", &input.service)?;
    let day = opt_date(ctx, "when", &input.when)?.unwrap_or_else(|| ctx.today());
    let at = crate::domain::parse::local_to_utc(day.and_hms_opt(9, 0, 0).unwrap_or_default(), &ctx.tz)
        .map(|t| t.timestamp())
        .unwrap_or(ctx.now.timestamp());
    let credit = match input.credit.trim() {
        "" => None,
        v => Some(
            v.trim_start_matches(['€', '$', '£'])
                .replace(',', "")
                .parse::<f64>()
                .map_err(|_| {
                    AppError::invalid("credit", format!("\"{v}\" is not an amount: use a number such as 500"))
                })?,
        ),
    };
    let status = word::<BreachStatus>("status", &input.status)?;
    let id = input.id.clone();
    let old: Option<Breach> = existing(store, &id)?;
    let detected = old.as_ref().is_some_and(|b| b.source != BreachSource::Manual);
    let breach = Breach {
        id: id.clone().unwrap_or_else(new_id),
        service_id: service.id,
        target_id: old.as_ref().and_then(|b| b.target_id.clone()),
        source: old.as_ref().map(|b| b.source).unwrap_or(BreachSource::Manual),
        ticket_id: old.as_ref().and_then(|b| b.ticket_id.clone()),
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
        cause: None,
        history: Vec::new(),
    };
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
    Close,
    /// The customer was told.
    Inform,
}

impl Handling {
    fn verb(self) -> &'static str {
        match self {
            Handling::Acknowledge => "acknowledge",
            Handling::Close => "close",
            Handling::Inform => "mark informed",
        }
    }
}

/// Takes a step on a breach, undoably; returns the step's label.
pub fn handle(store: &mut Store, id: &str, step: Handling) -> AppResult<String> {
    let mut b: Breach = get_in(store.conn(), id)?.ok_or_else(|| AppError::not_found("that breach is gone"))?;
    match step {
        Handling::Acknowledge => b.status = BreachStatus::Acknowledged,
        Handling::Close => b.status = BreachStatus::Closed,
        Handling::Inform => b.customer_informed = true,
    }
    let label = format!("{} \"{}\"", step.verb(), b.title);
    store.write(Some(&label), |w| w.save(&b))?;
    Ok(label)
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
