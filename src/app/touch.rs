//! Logging a touch point with a stakeholder, and correcting or removing the last one.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::agenda::next_touch_due;
use crate::domain::enums::Channel;
use crate::domain::ids::new_id;
use crate::domain::model::{Action, Stakeholder, TouchPoint};
use crate::store::Store;
use crate::store::queries::find_stakeholder;
use crate::store::records::get_in;

use super::error::Checks;
use super::{AppError, AppResult, Ctx, RecordKind, RecordRef, instant, sentiment, service_named, word};

/// A follow-up agreed at a touch point becomes an action due this many days later.
pub const FOLLOW_UP_DAYS: i64 = 7;

/// Who a request is about: a record already picked, or a name as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Who {
    Id(String),
    Name(String),
}

/// A touch point to log. Field names are the ones errors name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogTouch {
    /// `stakeholder`
    pub stakeholder: Option<Who>,
    /// `summary`: what was discussed.
    pub summary: String,
    /// `channel`; none is the stakeholder's preferred channel.
    pub channel: Option<String>,
    /// `sentiment`: 1 to 5, empty for none.
    pub sentiment: Option<String>,
    /// `when`; none is now.
    pub when: Option<String>,
    /// `services` by name; none is the stakeholder's services.
    pub services: Option<Vec<String>>,
    /// `follow_up`: free text; not empty becomes an action.
    pub follow_up: String,
}

#[derive(Debug, Clone)]
pub struct TouchLogged {
    pub touch: TouchPoint,
    pub follow_up: Option<Action>,
    pub stakeholder: String,
    pub next_due: NaiveDate,
}

impl TouchLogged {
    /// "logged a call with Ann (sentiment 4/5); next touch due 2026-12-31".
    pub fn describe(&self) -> String {
        let mood = self
            .touch
            .sentiment
            .map(|s| format!(" (sentiment {s}/5)"))
            .unwrap_or_default();
        format!(
            "logged a {} with {}{mood}; next touch due {}",
            self.touch.channel.as_str().replace('_', " "),
            self.stakeholder,
            self.next_due
        )
    }
}

fn stakeholder(store: &Store, who: &Option<Who>) -> AppResult<Stakeholder> {
    match who {
        Some(Who::Id(id)) => get_in::<Stakeholder>(store.conn(), id)?
            .ok_or_else(|| AppError::not_found("that stakeholder is gone (deleted elsewhere?)")),
        Some(Who::Name(name)) => find_stakeholder(store.conn(), name).map_err(|e| AppError::at("stakeholder", e)),
        None => Err(AppError::invalid("stakeholder", "say who it was with")),
    }
}

fn summary(text: &str) -> AppResult<String> {
    let s = text.trim();
    if s.is_empty() {
        return Err(AppError::invalid(
            "summary",
            "is empty: say in a few words what was discussed",
        ));
    }
    Ok(s.to_string())
}

/// Logs a touch point (one undoable step); a follow-up becomes an action owned by the SDM,
/// due in [`FOLLOW_UP_DAYS`].
pub fn log(store: &mut Store, ctx: &Ctx, input: &LogTouch) -> AppResult<TouchLogged> {
    let mut checks = Checks::default();
    let who = checks.take(stakeholder(store, &input.stakeholder));
    let summary = checks.take(summary(&input.summary));
    let sentiment = checks.take(sentiment(input.sentiment.as_deref()));
    let channel = match input.channel.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => checks.take(word::<Channel>("channel", c)),
        _ => None,
    };
    let at = match input.when.as_deref().map(str::trim) {
        Some(w) if !w.is_empty() => checks.take(instant(ctx, "when", w)),
        _ => Some(ctx.now.timestamp()),
    };
    let named = match &input.services {
        Some(names) if !names.is_empty() => checks.take(
            names
                .iter()
                .map(|n| service_named(store, "services", n).map(|s| s.id))
                .collect::<AppResult<Vec<_>>>(),
        ),
        _ => None,
    };
    checks.finish()?;
    let (who, summary, sentiment, at) = (
        Checks::taken(who)?,
        Checks::taken(summary)?,
        Checks::taken(sentiment)?,
        Checks::taken(at)?,
    );
    let channel = channel.unwrap_or(who.channel);
    let service_ids = match named {
        Some(ids) => ids,
        // The stakeholder's, in the order the interface lists them (by name), so a follow-up
        // goes to the same first service whichever front end logged it.
        _ => {
            let mut named: Vec<(String, String)> = Vec::new();
            for id in &who.service_ids {
                let s: Option<crate::domain::model::Service> = get_in(store.conn(), id)?;
                named.push((s.map(|s| s.name).unwrap_or_default(), id.clone()));
            }
            named.sort();
            named.into_iter().map(|(_, id)| id).collect()
        }
    };
    let follow_up = input.follow_up.trim().to_string();
    let touch = TouchPoint {
        id: new_id(),
        stakeholder_id: who.id.clone(),
        at,
        channel,
        summary,
        sentiment,
        follow_ups: follow_up.clone(),
        service_ids,
    };
    let action = (!follow_up.is_empty()).then(|| Action {
        id: new_id(),
        title: follow_up,
        owner: ctx.settings.me.clone(),
        due: Some(ctx.today() + Duration::days(FOLLOW_UP_DAYS)),
        done_on: None,
        review_id: None,
        touch_point_id: Some(touch.id.clone()),
        service_id: touch.service_ids.first().cloned(),
        notes: format!("follow-up of a {channel} with {}", who.name),
        problem_id: None,
    });
    let label = format!("log a {channel} with {}", who.name);
    store.write(Some(&label), |w| {
        w.save(&touch)?;
        if let Some(a) = &action {
            w.save(a)?;
        }
        Ok(())
    })?;
    let touched = DateTime::<Utc>::from_timestamp(at, 0)
        .map(|t| t.with_timezone(&ctx.tz).date_naive())
        .unwrap_or_else(|| ctx.today());
    let last = crate::store::read::last_touch(store.conn(), &who.id)
        .and_then(|(_, _, at)| DateTime::<Utc>::from_timestamp(at, 0))
        .map(|t| t.with_timezone(&ctx.tz).date_naive())
        .unwrap_or(touched);
    Ok(TouchLogged {
        next_due: next_touch_due(Some(last), who.cadence_days, ctx.today()),
        touch,
        follow_up: action,
        stakeholder: who.name,
    })
}

/// A logged touch point corrected. Field names are the ones errors name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditTouch {
    pub id: String,
    pub summary: String,
    pub sentiment: Option<String>,
    pub channel: String,
    pub when: String,
    pub follow_up: String,
}

pub fn edit(store: &mut Store, ctx: &Ctx, input: &EditTouch) -> AppResult<TouchPoint> {
    let mut tp = get_in::<TouchPoint>(store.conn(), &input.id)?
        .ok_or_else(|| AppError::not_found("that touch point is gone (deleted elsewhere?)"))?;
    tp.summary = summary(&input.summary)?;
    tp.sentiment = sentiment(input.sentiment.as_deref())?;
    tp.channel = word::<Channel>("channel", &input.channel)?;
    tp.at = instant(ctx, "when", &input.when)?;
    tp.follow_ups = input.follow_up.trim().to_string();
    store.write(Some("edit a touch point"), |w| w.save(&tp))?;
    Ok(tp)
}

/// The stakeholder's most recent touch point: the record and its summary.
pub fn last(store: &Store, stakeholder_id: &str) -> AppResult<(TouchPoint, Option<super::Stamp>)> {
    let (id, _, _) = crate::store::read::last_touch(store.conn(), stakeholder_id)
        .ok_or_else(|| AppError::not_found("no touch point with this stakeholder yet"))?;
    let tp: TouchPoint = get_in(store.conn(), &id)?.ok_or_else(|| AppError::not_found("that touch point is gone"))?;
    let stamp = super::records::stamp(store, &RecordRef::new(RecordKind::TouchPoint, id));
    Ok((tp, stamp))
}
