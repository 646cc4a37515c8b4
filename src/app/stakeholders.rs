//! The people who receive the services.

use crate::domain::enums::Channel;
use crate::domain::ids::{natural_id, new_id};
use crate::domain::model::{Service, Stakeholder};
use crate::store::Store;
use crate::store::queries::find_stakeholder;
use crate::store::records::get_in;

use super::error::Checks;
use super::{AppError, AppResult, RecordKind, RecordRef, Stamp, Values, service_list, verb, word};

/// A stakeholder as a person gives one; field names are the ones errors name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveStakeholder {
    pub id: Option<String>,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub contact: String,
    pub channel: String,
    /// `cadence`: days between touch points.
    pub cadence: String,
    /// `services`: names separated by commas.
    pub services: String,
    pub notes: String,
}

pub fn save(store: &mut Store, input: &SaveStakeholder) -> AppResult<Stakeholder> {
    let name = input.name.trim().to_string();
    let mut checks = Checks::default();
    let cadence = checks.take(input.cadence.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            "cadence",
            format!("\"{}\" is not a number of days: use 1 to 366", input.cadence.trim()),
        )
    }));
    let channel = checks.take(word::<Channel>("channel", &input.channel));
    let services = checks.take(service_list(store, "services", &input.services));
    checks.finish()?;
    let (cadence, channel, services) = (
        Checks::taken(cadence)?,
        Checks::taken(channel)?,
        Checks::taken(services)?,
    );
    let id = input.id.clone().unwrap_or_else(|| {
        let natural = natural_id("stakeholder", &name);
        match get_in::<Stakeholder>(store.conn(), &natural) {
            Ok(None) => natural,
            _ => new_id(),
        }
    });
    let s = Stakeholder {
        id,
        name: name.clone(),
        organisation: input.organisation.trim().to_string(),
        role: input.role.trim().to_string(),
        contact: input.contact.trim().to_string(),
        channel,
        cadence_days: cadence,
        notes: input.notes.clone(),
        service_ids: services,
    };
    let label = format!("{} stakeholder {name}", verb(&input.id));
    store
        .write(Some(&label), |w| {
            if let Ok(other) = find_stakeholder(w.conn(), &name)
                && other.id != s.id
                && other.name.eq_ignore_ascii_case(&name)
            {
                return Err(crate::store::StoreError::Conflict(format!(
                    "a stakeholder named \"{}\" exists already",
                    other.name
                )));
            }
            w.save(&s).map(|_| ())
        })
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict { message, .. } => AppError::conflict("name", message),
            other => other,
        })?;
    Ok(s)
}

/// A stakeholder's values to edit, and the stamp.
pub fn values(store: &Store, id: &str) -> AppResult<(Values, Option<Stamp>)> {
    let conn = store.conn();
    let s: Stakeholder = get_in(conn, id)?.ok_or_else(|| AppError::not_found("that stakeholder is gone"))?;
    let mut p = Values::new();
    p.insert("name", s.name.clone());
    p.insert("organisation", s.organisation.clone());
    p.insert("role", s.role.clone());
    p.insert("contact", s.contact.clone());
    p.insert("channel", s.channel.as_str().into());
    p.insert("cadence", s.cadence_days.to_string());
    p.insert("notes", s.notes.clone());
    let names: Vec<String> = s
        .service_ids
        .iter()
        .filter_map(|sid| get_in::<Service>(conn, sid).ok().flatten())
        .map(|svc| svc.name)
        .collect();
    p.insert("services", names.join(", "));
    Ok((
        p,
        super::records::stamp(store, &RecordRef::new(RecordKind::Stakeholder, id)),
    ))
}

/// The first stakeholder of a service, (name, channel), to log a touch point about it.
pub fn first_of_service(store: &Store, service_id: &str) -> AppResult<Option<(String, String)>> {
    Ok(crate::store::read::service_stakeholders(store.conn(), service_id)?
        .into_iter()
        .next()
        .map(|(_, name, _, channel)| (name, channel)))
}
