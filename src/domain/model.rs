//! The records an SDM keeps, as plain values with their validation.
//!
//! Instants are unix seconds (UTC); dates are calendar dates. Ids are strings (UUIDs).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::*;
use super::validate::{Invalid, in_range, ordered, plausible_instant, required};

/// The name of the calendar that always exists: all time is working time.
pub const ALWAYS_CALENDAR: &str = "24x7";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalendarRecord {
    pub id: String,
    pub name: String,
    pub timezone: String,
    /// Working hours per weekday, e.g. `{"mon": ["08:00-18:00"]}`.
    pub hours: std::collections::BTreeMap<String, Vec<String>>,
    pub holidays: Vec<NaiveDate>,
}

impl CalendarRecord {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("name", &self.name)?;
        if self.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(Invalid::new(
                "timezone",
                format!(
                    "unknown time zone \"{}\": use an IANA name such as Europe/Amsterdam",
                    self.timezone
                ),
            ));
        }
        for day in self.hours.keys() {
            if !["mon", "tue", "wed", "thu", "fri", "sat", "sun"].contains(&day.as_str()) {
                return Err(Invalid::new(
                    "hours",
                    format!("unknown day \"{day}\": use mon, tue, wed, thu, fri, sat, sun"),
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Service {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub customer: String,
    pub agreement_kind: AgreementKind,
    pub agreement_ref: String,
    pub agreement_start: Option<NaiveDate>,
    pub agreement_end: Option<NaiveDate>,
    pub notice_days: Option<i64>,
    pub agreement_review: Option<NaiveDate>,
    pub criticality: Criticality,
    /// The service window: a calendar id.
    pub window_calendar_id: Option<String>,
    pub status: ServiceStatus,
    pub monthly_cost: Option<f64>,
    pub description: String,
    /// The currency of its costs, charges and service credits (`EUR`); none said: none shown.
    pub currency: Option<String>,
    /// The monthly charge the agreement's credit percentages apply to (may differ from the cost).
    pub charge: Option<f64>,
    /// The agreement's service credit schedule.
    pub credits: Option<super::credits::Schedule>,
    /// The charge and cost in force before (`charge` and `monthly_cost` are today's).
    pub money_history: Vec<super::costs::MoneyTerm>,
}

impl Service {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("name", &self.name)?;
        if let (Some(start), Some(end)) = (self.agreement_start, self.agreement_end)
            && end < start
        {
            return Err(Invalid::new("agreement end", "must not be before the agreement start"));
        }
        if let Some(days) = self.notice_days
            && !(0..=3650).contains(&days)
        {
            return Err(Invalid::new("notice period", "use a number of days from 0 to 3650"));
        }
        if let Some(cost) = self.monthly_cost {
            in_range("monthly cost", cost, 0.0, 1e12, "a non-negative amount")?;
        }
        if let Some(charge) = self.charge {
            in_range("charge", charge, 0.0, 1e12, "a non-negative amount")?;
        }
        if let Some(schedule) = &self.credits {
            schedule.check().map_err(|m| Invalid::new("credits", m))?;
            if schedule.needs_charge() && self.charge.is_none() {
                return Err(Invalid::new(
                    "credits",
                    "credits in percent need the monthly charge they apply to: set the charge",
                ));
            }
        }
        if self.aliases.iter().any(|a| a.trim().is_empty()) {
            return Err(Invalid::new("aliases", "an alias must not be empty"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaTarget {
    pub id: String,
    pub service_id: String,
    pub kind: TargetKind,
    /// For response and resolution targets.
    pub priority: Option<Priority>,
    /// Availability: percent (e.g. 99.9); response and resolution: seconds; satisfaction: a
    /// minimum average score on the 1–5 scale.
    pub goal: f64,
    /// The calendar the clock counts in; none means the service window.
    pub calendar_id: Option<String>,
    /// The day its terms start (a later version of the same kind and priority takes over
    /// from its own day); none: from the start.
    pub valid_from: Option<NaiveDate>,
    /// Why it was corrected in place, if it was (its past was re-judged).
    pub note: String,
}

impl SlaTarget {
    pub fn validate(&self) -> Result<(), Invalid> {
        match self.kind {
            TargetKind::Availability => in_range("goal", self.goal, 0.0, 100.0, "a percentage such as 99.9%"),
            TargetKind::Response | TargetKind::Resolution => {
                if self.priority.is_none() {
                    return Err(Invalid::new(
                        "priority",
                        "a response or resolution target needs a priority (P1-P4)",
                    ));
                }
                in_range(
                    "goal",
                    self.goal,
                    1.0,
                    366.0 * 86_400.0,
                    "a duration such as 15m, 4h or 2d",
                )
            }
            TargetKind::Satisfaction => in_range("goal", self.goal, 0.0, 5.0, "a score from 0 to 5, such as 4.0"),
        }
    }

    /// The goal as a person writes it: `99.9%`, `4h`, `4.0`.
    pub fn goal_text(&self) -> String {
        match self.kind {
            TargetKind::Availability => format!("{}%", self.goal),
            TargetKind::Response | TargetKind::Resolution => super::parse::format_duration(self.goal as i64),
            TargetKind::Satisfaction => format!("{:.1}", self.goal),
        }
    }
}

/// The version of a service's target of `kind` and `priority` in force on `day`: the one with
/// the latest start on or before it (no start: from the beginning). None before the first.
pub fn target_in_force<'a>(
    targets: impl IntoIterator<Item = &'a SlaTarget>,
    kind: TargetKind,
    priority: Option<Priority>,
    day: NaiveDate,
) -> Option<&'a SlaTarget> {
    targets
        .into_iter()
        .filter(|t| t.kind == kind && t.priority == priority)
        .filter(|t| t.valid_from.is_none_or(|f| f <= day))
        .max_by_key(|t| t.valid_from)
}

/// The versions of one target that are in force on some day of `[from, to)`, oldest first.
pub fn targets_in_span(
    targets: &[SlaTarget],
    kind: TargetKind,
    priority: Option<Priority>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<&SlaTarget> {
    let mut versions: Vec<&SlaTarget> = targets
        .iter()
        .filter(|t| t.kind == kind && t.priority == priority)
        .collect();
    versions.sort_by_key(|t| t.valid_from);
    let first = target_in_force(versions.iter().copied(), kind, priority, from).map(|t| t.id.clone());
    versions
        .into_iter()
        .filter(|t| Some(&t.id) == first.as_ref() || t.valid_from.is_some_and(|f| f > from && f < to))
        .collect()
}

/// The history of a service's terms, a line per target that changed (`P2 resolution: 4h,
/// 2h from 2026-11-15`; a correction in place with its note) and one for the charge and cost.
pub fn amendments(targets: &[SlaTarget], money: &[super::costs::MoneyTerm], currency: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut keys: Vec<(TargetKind, Option<Priority>)> = targets.iter().map(|t| (t.kind, t.priority)).collect();
    keys.sort();
    keys.dedup();
    for (kind, priority) in keys {
        let mut versions: Vec<&SlaTarget> = targets
            .iter()
            .filter(|t| t.kind == kind && t.priority == priority)
            .collect();
        versions.sort_by_key(|t| t.valid_from);
        let notes: Vec<&str> = versions
            .iter()
            .map(|t| t.note.as_str())
            .filter(|n| !n.is_empty())
            .collect();
        if versions.len() < 2 && notes.is_empty() {
            continue;
        }
        let name = match priority {
            Some(p) => format!("{} {kind}", p.label()),
            None => kind.to_string(),
        };
        let said: Vec<String> = versions
            .iter()
            .map(|v| match v.valid_from {
                Some(d) => format!("{} from {d}", v.goal_text()),
                None => v.goal_text(),
            })
            .collect();
        let mut line = format!("{name}: {}", said.join(", "));
        if !notes.is_empty() {
            line.push_str(&format!(" ({})", notes.join("; ")));
        }
        out.push(line);
    }
    if money.len() > 1 {
        let m = |v: Option<f64>| v.map_or_else(|| "none".to_string(), |v| super::credits::money(v, currency, 0));
        let said: Vec<String> = money
            .iter()
            .map(|t| {
                let from = if t.from == NaiveDate::MIN {
                    String::new()
                } else {
                    format!(" from {}", t.from.format("%Y-%m"))
                };
                format!("charge {} · cost {}{from}", m(t.charge), m(t.cost))
            })
            .collect();
        out.push(format!("money: {}", said.join(", ")));
    }
    out
}

/// Parses a goal as written in a form or the portfolio file, for a target of `kind`.
pub fn parse_goal(kind: TargetKind, text: &str) -> Result<f64, Invalid> {
    let t = text.trim();
    match kind {
        TargetKind::Availability => {
            let number = t.strip_suffix('%').unwrap_or(t).trim();
            let v: f64 = number
                .parse()
                .map_err(|_| Invalid::new("goal", format!("\"{t}\" is not a percentage: use e.g. 99.9%")))?;
            in_range("goal", v, 0.0, 100.0, "a percentage such as 99.9%")?;
            Ok(v)
        }
        TargetKind::Response | TargetKind::Resolution => {
            let secs = super::parse::parse_duration(t).map_err(|e| Invalid::new("goal", e.to_string()))?;
            if secs <= 0 {
                return Err(Invalid::new("goal", "a duration must be longer than zero"));
            }
            Ok(secs as f64)
        }
        TargetKind::Satisfaction => {
            let v: f64 = t
                .parse()
                .map_err(|_| Invalid::new("goal", format!("\"{t}\" is not a score: use e.g. 4.0 (out of 5)")))?;
            in_range("goal", v, 0.0, 5.0, "a score from 0 to 5, such as 4.0")?;
            Ok(v)
        }
    }
}

/// A pause of a ticket's clocks (waiting on the customer); an open pause has no end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub start: i64,
    pub end: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: String,
    pub reference: String,
    pub service_id: String,
    pub kind: TicketKind,
    pub priority: Priority,
    pub state: TicketState,
    pub opened_at: i64,
    pub responded_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub pauses: Vec<Pause>,
    pub summary: String,
    /// The SDM's own: asks for a post-mortem. An import never overwrites it.
    pub critical: bool,
    /// The SDM's own: why this ticket is left out of the SLA. An import never overwrites it.
    pub excluded_reason: Option<String>,
    /// Whether its source gives response times: a ticket from a file without them has no
    /// response clock (not measured), rather than one that runs until it breaches.
    pub response_measured: bool,
    /// A waiting total the source gave as a duration, not placed in time (seconds): taken
    /// off the clocks' working time.
    pub waiting_secs: Option<i64>,
    /// The ITSM tool's own verdict on the response and the resolution, when an export gave
    /// it: kept to show where the tool and sdm disagree, never used for sdm's figures.
    pub tool_response: Option<Verdict>,
    pub tool_resolution: Option<Verdict>,
    /// The SDM's own: a note beside the exclusion's reason.
    pub excluded_note: Option<String>,
    /// The SDM's own: pauses added by hand (the import's stay in `pauses`).
    pub hand_pauses: Vec<Pause>,
    /// The SDM's own: the starts of imported pauses removed by hand; they stay removed
    /// after re-imports.
    pub ignored_pauses: Vec<i64>,
}

/// The pauses a ticket's clocks count: the imported ones the SDM has not removed, and the
/// SDM's own, in time order.
pub fn effective_pauses(imported: &[Pause], hand: &[Pause], ignored: &[i64]) -> Vec<Pause> {
    let mut out: Vec<Pause> = imported
        .iter()
        .filter(|p| !ignored.contains(&p.start))
        .chain(hand.iter())
        .copied()
        .collect();
    out.sort_by_key(|p| (p.start, p.end));
    out
}

impl Ticket {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("reference", &self.reference)?;
        plausible_instant("opened", self.opened_at)?;
        ordered("responded", self.opened_at, self.responded_at, "the time it was opened")?;
        ordered("resolved", self.opened_at, self.resolved_at, "the time it was opened")?;
        for p in &self.pauses {
            ordered("pauses", p.start, p.end, "the start of the pause")?;
            if p.start < self.opened_at {
                return Err(Invalid::new(
                    "pauses",
                    "a pause must not start before the ticket was opened",
                ));
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outage {
    pub id: String,
    pub service_id: String,
    pub start_at: i64,
    pub end_at: Option<i64>,
    pub planned: bool,
    pub summary: String,
    pub excluded_reason: Option<String>,
    /// The SDM's own: a note beside the exclusion's reason.
    pub excluded_note: Option<String>,
}

impl Outage {
    pub fn validate(&self) -> Result<(), Invalid> {
        ordered("end", self.start_at, self.end_at, "the start")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breach {
    pub id: String,
    pub service_id: String,
    pub target_id: Option<String>,
    pub source: BreachSource,
    pub ticket_id: Option<String>,
    /// Its ticket's reference, kept with it so that a list of breaches needs no ticket read
    /// (none on a breach written before it was kept: the list then reads the ticket's).
    pub ticket_ref: Option<String>,
    /// For an availability breach: the month, `YYYY-MM`.
    pub period: Option<String>,
    pub title: String,
    pub breached_at: i64,
    pub status: BreachStatus,
    pub customer_informed: bool,
    pub credit: Option<f64>,
    pub notes: String,
    /// Why it happened, when closed (from the `breach_causes` setting).
    pub cause: Option<String>,
    /// Every step of its handling, oldest first.
    pub history: Vec<BreachStep>,
}

/// One dated step of a breach's handling: who did what, when, and what they said.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BreachStep {
    /// Unix seconds.
    pub at: i64,
    /// `acknowledged`, `closed`, `reopened`, `informed`, `void`, `breached again`, `edited`.
    pub step: String,
    /// The configured `me`, or `sdm` for a step the rules took.
    pub by: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<f64>,
    /// How the customer was told, for `informed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// Whom the customer's side heard it from, for `informed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Breach {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("title", &self.title)?;
        if let Some(credit) = self.credit {
            in_range("service credit", credit, 0.0, 1e12, "a non-negative amount")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stakeholder {
    pub id: String,
    pub name: String,
    pub organisation: String,
    pub role: String,
    pub contact: String,
    pub channel: Channel,
    pub cadence_days: i64,
    pub notes: String,
    pub service_ids: Vec<String>,
}

impl Stakeholder {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("name", &self.name)?;
        if !(1..=366).contains(&self.cadence_days) {
            return Err(Invalid::new("cadence", "use a number of days from 1 to 366"));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TouchPoint {
    pub id: String,
    pub stakeholder_id: String,
    pub at: i64,
    pub channel: Channel,
    pub summary: String,
    /// 1 (very unhappy) to 5 (very happy).
    pub sentiment: Option<i64>,
    pub follow_ups: String,
    pub service_ids: Vec<String>,
}

impl TouchPoint {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("summary", &self.summary)?;
        if let Some(s) = self.sentiment
            && !(1..=5).contains(&s)
        {
            return Err(Invalid::new(
                "sentiment",
                format!("{s} is out of range: use 1 (unhappy) to 5 (happy)"),
            ));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub id: String,
    pub reference: String,
    pub service_id: String,
    pub kind: ChangeKind,
    pub implemented_at: i64,
    pub outcome: ChangeOutcome,
    pub summary: String,
}

impl Change {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("reference", &self.reference)
    }

    /// Every emergency change and every change not plainly successful gets a review.
    pub fn needs_review(&self) -> bool {
        self.outcome.implemented() && (self.kind == ChangeKind::Emergency || self.outcome.needs_review())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub id: String,
    pub kind: ReviewKind,
    pub service_id: String,
    pub change_id: Option<String>,
    pub ticket_id: Option<String>,
    pub title: String,
    pub due: NaiveDate,
    pub held_on: Option<NaiveDate>,
    pub attendees: String,
    pub what_went_wrong: String,
    pub root_cause: String,
    pub problem_ref: String,
    pub findings: String,
}

impl Review {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("title", &self.title)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub due: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub review_id: Option<String>,
    pub touch_point_id: Option<String>,
    pub service_id: Option<String>,
    pub notes: String,
    /// The problem this action works towards, when it does.
    pub problem_id: Option<String>,
}

impl Action {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("title", &self.title)
    }
}

/// A problem: the cause behind incidents that keep happening, worked from "open" to a known
/// error with a workaround, a fix, and proof that the fix worked. It names the evidence
/// behind it (tickets, changes, breaches, reviews) by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub id: String,
    /// The ITSM tool's reference (`PRB0040012`), when it has one.
    pub reference: String,
    pub title: String,
    pub status: ProblemStatus,
    pub root_cause: String,
    /// A known error's workaround: shown wherever its incidents appear.
    pub workaround: String,
    pub owner: String,
    /// The day it was raised (the ITSM tool's opened date for an imported one).
    pub raised_on: Option<NaiveDate>,
    pub due: Option<NaiveDate>,
    /// The change that fixes it.
    pub fix_change_id: Option<String>,
    pub notes: String,
    pub ticket_ids: Vec<String>,
    pub change_ids: Vec<String>,
    pub breach_ids: Vec<String>,
    pub review_ids: Vec<String>,
    /// The services it is of (linked like a touch point's).
    pub service_ids: Vec<String>,
}

impl Problem {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("title", &self.title)?;
        if self.status == ProblemStatus::KnownError
            && self.workaround.trim().is_empty()
            && self.root_cause.trim().is_empty()
        {
            return Err(Invalid::new(
                "workaround",
                "a known error has its root cause or its workaround written down",
            ));
        }
        Ok(())
    }

    /// The name an SDM uses: the tool's reference, else the title.
    pub fn name(&self) -> &str {
        if self.reference.is_empty() {
            &self.title
        } else {
            &self.reference
        }
    }
}

/// An improvement the SDM is driving (continual service improvement): raised from a review,
/// a touch point or on its own, with the KPI it should move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Improvement {
    pub id: String,
    pub title: String,
    pub service_id: Option<String>,
    pub review_id: Option<String>,
    pub touch_point_id: Option<String>,
    pub kpi: String,
    pub owner: String,
    pub due: Option<NaiveDate>,
    pub status: ImprovementStatus,
    pub notes: String,
}

impl Improvement {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("title", &self.title)
    }
}

/// One answer to a satisfaction survey: a score on its scale, who gave it, what they wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyResponse {
    pub id: String,
    pub service_id: String,
    pub answered_on: NaiveDate,
    pub score: f64,
    pub scale: SurveyScale,
    pub respondent: String,
    pub comment: String,
}

impl SurveyResponse {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("service", &self.service_id)?;
        let (low, high) = self.scale.range();
        if !(self.score >= low && self.score <= high) || self.score.fract() != 0.0 {
            return Err(Invalid::new(
                "score",
                format!("{} is not a whole score on the {} scale", self.score, self.scale),
            ));
        }
        Ok(())
    }
}

/// A customer satisfaction survey result for a service and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub id: String,
    pub service_id: String,
    /// `YYYY-MM` or `YYYY-Qn`.
    pub period: String,
    pub score: f64,
    /// The top of the scale the score is on (5 for 1–5, 10 for 0–10, 100 for percent).
    pub scale_max: f64,
    pub responses: i64,
}

impl Score {
    pub fn validate(&self) -> Result<(), Invalid> {
        required("period", &self.period)?;
        if self.scale_max.is_nan() || self.scale_max <= 0.0 {
            return Err(Invalid::new("scale", "the top of the scale must be above zero"));
        }
        in_range("score", self.score, 0.0, self.scale_max, "a score within the scale")?;
        if self.responses < 0 {
            return Err(Invalid::new("responses", "must not be negative"));
        }
        Ok(())
    }

    /// The score on a 0–1 scale, so that every scale compares.
    pub fn normalised(&self) -> f64 {
        self.score / self.scale_max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn goals_parse_per_kind() {
        assert_eq!(parse_goal(TargetKind::Availability, "99.9%"), Ok(99.9));
        assert_eq!(parse_goal(TargetKind::Response, "15m"), Ok(900.0));
        assert_eq!(parse_goal(TargetKind::Satisfaction, "4.0"), Ok(4.0));
        assert!(parse_goal(TargetKind::Availability, "101%").is_err());
        assert!(parse_goal(TargetKind::Resolution, "soon").is_err());
        assert!(parse_goal(TargetKind::Satisfaction, "9").is_err());
    }

    #[test]
    fn records_refuse_what_makes_no_sense() {
        let t = Ticket {
            id: "x".into(),
            reference: "INC1".into(),
            service_id: "s".into(),
            kind: TicketKind::Incident,
            priority: Priority::P2,
            state: TicketState::Resolved,
            opened_at: 1_800_000_000,
            responded_at: Some(1_799_999_900),
            resolved_at: None,
            pauses: vec![],
            summary: String::new(),
            critical: false,
            excluded_reason: None,
            response_measured: true,
            waiting_secs: None,
            tool_response: None,
            tool_resolution: None,
            excluded_note: None,
            hand_pauses: Vec::new(),
            ignored_pauses: Vec::new(),
        };
        let err = t.validate().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err, "responded: must not be before the time it was opened");
        let placeholder = Ticket {
            opened_at: -62_135_596_800, // 0001-01-01
            responded_at: None,
            ..t.clone()
        };
        let err = placeholder.validate().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err, "opened: is before 1990: not a date sdm takes as a fact");
        let target = SlaTarget {
            id: "t".into(),
            service_id: "s".into(),
            kind: TargetKind::Response,
            priority: None,
            goal: 900.0,
            calendar_id: None,
            valid_from: None,
            note: String::new(),
        };
        assert!(target.validate().is_err());
        let tp = TouchPoint {
            id: "p".into(),
            stakeholder_id: "s".into(),
            at: 0,
            channel: Channel::Call,
            summary: "Quarterly check-in".into(),
            sentiment: Some(6),
            follow_ups: String::new(),
            service_ids: vec![],
        };
        assert!(tp.validate().is_err());
    }
}
