//! Reviews (PIRs and post-mortems), their actions, changes that call for a review, the
//! improvement register and satisfaction scores.

use crate::domain::enums::{ChangeKind, ChangeOutcome, ImprovementStatus, ReviewKind};
use crate::domain::ids::{natural_id, new_id};
use crate::domain::model::{Action, Change, Improvement, Review, Score, Service};
use crate::store::Store;
use crate::store::records::get_in;

use super::error::Checks;
use super::{
    AppError, AppResult, Ctx, RecordKind, RecordRef, Stamp, Values, date_text, existing, instant, opt_date,
    opt_service, service_named, verb, word,
};

fn service_name(store: &Store, id: Option<&String>) -> String {
    id.and_then(|sid| get_in::<Service>(store.conn(), sid).ok().flatten())
        .map(|s| s.name)
        .unwrap_or_default()
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveReview {
    pub id: Option<String>,
    pub title: String,
    pub service: String,
    pub kind: String,
    /// Empty is today.
    pub due: String,
    /// Empty while not held.
    pub held_on: String,
    pub attendees: String,
    pub what_went_wrong: String,
    pub findings: String,
}

pub fn save_review(store: &mut Store, ctx: &Ctx, input: &SaveReview) -> AppResult<Review> {
    let mut checks = Checks::default();
    let service = checks.take(service_named(store, "service", &input.service));
    let due = checks.take(opt_date(ctx, "due", &input.due)).flatten();
    let held = checks.take(opt_date(ctx, "held_on", &input.held_on)).flatten();
    let kind = checks.take(word::<ReviewKind>("kind", &input.kind));
    checks.finish()?;
    let (service, kind) = (Checks::taken(service)?, Checks::taken(kind)?);
    let due = due.unwrap_or_else(|| ctx.today());
    let old: Option<Review> = existing(store, &input.id)?;
    let r = Review {
        id: input.id.clone().unwrap_or_else(new_id),
        kind,
        service_id: service.id,
        change_id: old.as_ref().and_then(|r| r.change_id.clone()),
        ticket_id: old.as_ref().and_then(|r| r.ticket_id.clone()),
        title: input.title.trim().to_string(),
        due,
        held_on: held,
        attendees: input.attendees.clone(),
        what_went_wrong: input.what_went_wrong.clone(),
        // Kept as they were: a review's root cause and problem live in problem records now.
        root_cause: old.as_ref().map(|r| r.root_cause.clone()).unwrap_or_default(),
        problem_ref: old.as_ref().map(|r| r.problem_ref.clone()).unwrap_or_default(),
        findings: input.findings.clone(),
    };
    let label = format!("{} review {}", verb(&input.id), r.title);
    store.write(Some(&label), |w| w.save(&r))?;
    Ok(r)
}

pub fn review_values(store: &Store, id: &str) -> AppResult<(Values, Option<Stamp>, bool)> {
    let r: Review = get_in(store.conn(), id)?.ok_or_else(|| AppError::not_found("that review is gone"))?;
    let mut p = Values::new();
    p.insert("title", r.title.clone());
    p.insert("service", service_name(store, Some(&r.service_id)));
    p.insert("kind", r.kind.as_str().into());
    p.insert("due", r.due.to_string());
    p.insert("held_on", date_text(r.held_on));
    p.insert("attendees", r.attendees.clone());
    p.insert("what_went_wrong", r.what_went_wrong.clone());
    p.insert("findings", r.findings.clone());
    let stamp = super::records::stamp(store, &RecordRef::new(RecordKind::Review, id));
    Ok((p, stamp, r.held_on.is_none()))
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveAction {
    pub id: Option<String>,
    /// The review a new action belongs to.
    pub review_id: Option<String>,
    pub title: String,
    pub owner: String,
    /// Empty for none.
    pub due: String,
    /// Empty for none.
    pub service: String,
    pub notes: String,
    /// The problem a new action works towards.
    pub problem_id: Option<String>,
}

pub fn save_action(store: &mut Store, ctx: &Ctx, input: &SaveAction) -> AppResult<Action> {
    let mut checks = Checks::default();
    let due = checks.take(opt_date(ctx, "due", &input.due)).flatten();
    let service_id = checks.take(opt_service(store, "service", &input.service)).flatten();
    checks.finish()?;
    let old: Option<Action> = existing(store, &input.id)?;
    let a = Action {
        id: input.id.clone().unwrap_or_else(new_id),
        title: input.title.trim().to_string(),
        owner: input.owner.trim().to_string(),
        due,
        done_on: old.as_ref().and_then(|a| a.done_on),
        review_id: old
            .as_ref()
            .and_then(|a| a.review_id.clone())
            .or_else(|| input.review_id.clone()),
        touch_point_id: old.as_ref().and_then(|a| a.touch_point_id.clone()),
        service_id,
        notes: input.notes.clone(),
        problem_id: old
            .as_ref()
            .and_then(|a| a.problem_id.clone())
            .or_else(|| input.problem_id.clone()),
    };
    let label = format!("{} action {}", verb(&input.id), a.title);
    store.write(Some(&label), |w| w.save(&a))?;
    Ok(a)
}

/// An action's values to edit, the stamp and the review it belongs to.
pub fn action_values(store: &Store, id: &str) -> AppResult<(Values, Option<Stamp>, Option<String>)> {
    let a: Action = get_in(store.conn(), id)?.ok_or_else(|| AppError::not_found("that action is gone"))?;
    let mut p = Values::new();
    p.insert("title", a.title.clone());
    p.insert("owner", a.owner.clone());
    p.insert("due", date_text(a.due));
    p.insert("notes", a.notes.clone());
    if a.service_id.is_some() {
        p.insert("service", service_name(store, a.service_id.as_ref()));
    }
    let stamp = super::records::stamp(store, &RecordRef::new(RecordKind::Action, id));
    Ok((p, stamp, a.review_id))
}

/// Ticks an action done today, undoably; returns the step's label.
pub fn tick_action(store: &mut Store, ctx: &Ctx, id: &str) -> AppResult<String> {
    let mut a: Action = get_in(store.conn(), id)?.ok_or_else(|| AppError::not_found("that action is gone"))?;
    a.done_on = Some(ctx.today());
    let label = format!("tick \"{}\" done", a.title);
    store.write(Some(&label), |w| w.save(&a))?;
    Ok(label)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordChange {
    pub reference: String,
    pub service: String,
    pub kind: String,
    /// `implemented`: when; "now" or a time.
    pub implemented: String,
    pub outcome: String,
    pub summary: String,
}

/// What recording a change came to.
pub struct ChangeRecorded {
    pub change: Change,
    /// A post-implementation review fell due because of it.
    pub review_due: bool,
}

pub fn record_change(store: &mut Store, ctx: &Ctx, input: &RecordChange) -> AppResult<ChangeRecorded> {
    let reference = input.reference.trim().to_string();
    if reference.is_empty() {
        return Err(AppError::invalid("reference", "must not be empty"));
    }
    let service = service_named(store, "service", &input.service)?;
    let at = instant(ctx, "implemented", &input.implemented)?;
    let change = Change {
        id: natural_id("change", &reference),
        reference: reference.clone(),
        service_id: service.id,
        kind: word::<ChangeKind>("kind", &input.kind)?,
        implemented_at: at,
        outcome: word::<ChangeOutcome>("outcome", &input.outcome)?,
        summary: input.summary.trim().to_string(),
    };
    let days = ctx.settings.review_due_working_days;
    let made = store.write(Some(&format!("record change {reference}")), |w| {
        w.save(&change)?;
        crate::store::reviews::ensure_reviews(w, days)
    })?;
    Ok(ChangeRecorded {
        change,
        review_due: made.created > 0,
    })
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveImprovement {
    pub id: Option<String>,
    pub title: String,
    /// Empty for the whole portfolio.
    pub service: String,
    pub kpi: String,
    pub owner: String,
    pub due: String,
    pub status: String,
    pub notes: String,
}

pub fn save_improvement(store: &mut Store, ctx: &Ctx, input: &SaveImprovement) -> AppResult<Improvement> {
    let mut checks = Checks::default();
    let due = checks.take(opt_date(ctx, "due", &input.due)).flatten();
    let service_id = checks.take(opt_service(store, "service", &input.service)).flatten();
    let status = checks.take(word::<ImprovementStatus>("status", &input.status));
    checks.finish()?;
    let status = Checks::taken(status)?;
    let old: Option<Improvement> = existing(store, &input.id)?;
    let imp = Improvement {
        id: input.id.clone().unwrap_or_else(new_id),
        title: input.title.trim().to_string(),
        service_id,
        review_id: old.as_ref().and_then(|i| i.review_id.clone()),
        touch_point_id: old.as_ref().and_then(|i| i.touch_point_id.clone()),
        kpi: input.kpi.trim().to_string(),
        owner: input.owner.trim().to_string(),
        due,
        status,
        notes: input.notes.clone(),
    };
    let label = format!("{} improvement {}", verb(&input.id), imp.title);
    store.write(Some(&label), |w| w.save(&imp))?;
    Ok(imp)
}

pub fn improvement_values(store: &Store, id: &str) -> AppResult<(Values, Option<Stamp>)> {
    let i: Improvement = get_in(store.conn(), id)?.ok_or_else(|| AppError::not_found("that improvement is gone"))?;
    let mut p = Values::new();
    p.insert("title", i.title.clone());
    p.insert("kpi", i.kpi.clone());
    p.insert("owner", i.owner.clone());
    p.insert("due", date_text(i.due));
    p.insert("status", i.status.as_str().into());
    p.insert("notes", i.notes.clone());
    if i.service_id.is_some() {
        p.insert("service", service_name(store, i.service_id.as_ref()));
    }
    let stamp = super::records::stamp(store, &RecordRef::new(RecordKind::Improvement, id));
    Ok((p, stamp))
}

/// Marks an improvement done, undoably; returns the step's label.
pub fn finish_improvement(store: &mut Store, id: &str) -> AppResult<String> {
    let mut i: Improvement =
        get_in(store.conn(), id)?.ok_or_else(|| AppError::not_found("that improvement is gone"))?;
    i.status = ImprovementStatus::Done;
    let label = format!("mark \"{}\" done", i.title);
    store.write(Some(&label), |w| w.save(&i))?;
    Ok(label)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordScore {
    pub service: String,
    /// A month (2026-11) or a quarter (2026-Q4).
    pub period: String,
    pub score: String,
    pub scale: String,
    pub responses: String,
}

/// Whether a period is a month (2026-11) or a quarter (2026-Q4).
pub fn is_period(period: &str) -> bool {
    let (y, rest) = period.split_once('-').unwrap_or(("", ""));
    y.len() == 4
        && y.chars().all(|c| c.is_ascii_digit())
        && (matches!(rest.parse::<u32>(), Ok(1..=12)) && rest.len() == 2
            || matches!(rest.to_uppercase().as_str(), "Q1" | "Q2" | "Q3" | "Q4"))
}

pub fn record_score(store: &mut Store, input: &RecordScore) -> AppResult<Score> {
    let service = service_named(store, "service", &input.service)?;
    let period = input.period.trim().to_uppercase();
    if !is_period(&period) {
        return Err(AppError::invalid(
            "period",
            format!(
                "\"{}\" is not a period: use a month (2026-11) or a quarter (2026-Q4)",
                input.period.trim()
            ),
        ));
    }
    let number = |field: &'static str, text: &str, what: &str| {
        text.trim()
            .parse::<f64>()
            .map_err(|_| AppError::invalid(field, format!("\"{}\" is not {what}", text.trim())))
    };
    let score = number("score", &input.score, "a number such as 4.2")?;
    let scale = number("scale", &input.scale, "a number such as 5")?;
    let responses = input.responses.trim().parse::<i64>().map_err(|_| {
        AppError::invalid(
            "responses",
            format!("\"{}\" is not a whole number", input.responses.trim()),
        )
    })?;
    let rec = Score {
        id: natural_id("score", &format!("{}/{}", service.id, period)),
        service_id: service.id,
        period: period.clone(),
        score,
        scale_max: scale,
        responses,
    };
    store.write(Some(&format!("record score {period} for {}", service.name)), |w| {
        w.save(&rec)
    })?;
    Ok(rec)
}
