//! The service review: what an SDM presents to the customer for a month, a quarter or a year.
//! Everything is evaluated as it stood at the period's end in the service window's zone (so
//! a review of November written in December says what November was, and says so again when
//! written later), unless the record of the period was corrected since, which the review
//! says. Gathering is in [`gather`]; rendering to Markdown and HTML for an audience (the
//! customer, or the SDM alone) in [`render`].

pub mod blocks;
pub mod charts;
pub mod gather;
pub mod issued;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod render;
pub mod summary;

use chrono::NaiveDate;

pub use gather::gather;

/// Who a review is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// Plain words, credits with their currency; no internal verdicts, notes or data freshness.
    #[default]
    Customer,
    /// Everything the SDM alone should see besides.
    Internal,
}

/// Red, amber or green for a target's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rag {
    Green,
    Amber,
    Red,
    /// Nothing was measured.
    None,
}

impl Rag {
    pub fn label(self) -> &'static str {
        match self {
            Rag::Green => "green",
            Rag::Amber => "amber",
            Rag::Red => "red",
            Rag::None => "—",
        }
    }

    /// The customer's words: a finished period met or missed its target; one still running
    /// is only at risk when short (its figures can still recover, its budget may be left).
    pub fn plain(self, complete: bool) -> &'static str {
        match self {
            Rag::Green => "met",
            Rag::Amber | Rag::Red if !complete => "at risk",
            Rag::Amber | Rag::Red => "missed",
            Rag::None => "not measured",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TargetRow {
    pub name: String,
    pub goal: String,
    /// The figure the target asks for, in percent (attainment share or availability).
    pub required: f64,
    /// The columns: for a month, the six months up to it; for a quarter or a year, its
    /// months. (YYYY-MM, percent), oldest first.
    pub months: Vec<(String, Option<f64>)>,
    /// The period's own figure (a quarter's or a year's over all its tickets or window).
    pub figure: Option<f64>,
    pub rag: Rag,
    /// Against the month before (for a month): "▲", "▼", "=" or "".
    pub trend: &'static str,
    /// Tickets measured in the period.
    pub measured: usize,
    /// Decimals its figures are shown with: one for attainment; for availability one more
    /// than its goal has (at least two), so 99.86% never reads as a met 99.9%.
    pub decimals: usize,
}

#[derive(Debug, Clone, Default)]
pub struct PriorityRow {
    pub priority: String,
    pub opened: i64,
    pub resolved: i64,
    pub open_at_end: i64,
}

#[derive(Debug, Clone)]
pub struct BreachLine {
    pub title: String,
    /// As it stood at the period's end.
    pub status: String,
    pub credit: Option<f64>,
    /// Whether the customer had been told by the period's end.
    pub informed: bool,
    /// When, how and to whom the customer was told (internal).
    pub told: Vec<String>,
    /// Why it happened, when it was closed with a cause.
    pub cause: Option<String>,
}

/// A ticket or an outage of the period that the SDM left out of the SLA, and why.
#[derive(Debug, Clone)]
pub struct ExclusionLine {
    /// The ticket's reference, or "outage <start>".
    pub what: String,
    pub reason: String,
    pub note: String,
}

/// The period's availability: percent over the window passed, the target, and the error
/// budget and downtime in minutes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AvailabilityLine {
    pub percent: f64,
    pub goal: f64,
    pub budget_min: f64,
    pub down_min: f64,
}

/// An action: title, owner, due date.
pub type ActionLine = (String, String, String);

#[derive(Debug, Clone)]
pub struct ServiceReview {
    pub service: String,
    pub customer: String,
    pub agreement: String,
    pub window: String,
    /// The window's zone, in which the period's bounds lie.
    pub zone: String,
    /// `2026-11`, `2026-Q4` or `2026`.
    pub period: String,
    /// "month", "quarter" or "year".
    pub noun: &'static str,
    /// Whether the period had ended when the review was written.
    pub complete: bool,
    /// The moment the review describes: the period's end, or now for a period still running.
    pub as_of: String,
    /// When the review was written (the one line that differs between two writings).
    pub generated: String,
    /// Data freshness lines (internal).
    pub freshness: Vec<String>,
    pub targets: Vec<TargetRow>,
    pub availability: Option<AvailabilityLine>,
    /// Daily availability, for a month's charts.
    pub daily: Vec<DayAvailability>,
    pub priorities: Vec<PriorityRow>,
    pub mean_respond: Option<i64>,
    pub mean_resolve: Option<i64>,
    pub outages: usize,
    pub downtime: i64,
    pub mtrs: Option<i64>,
    pub mtbf: Option<i64>,
    pub breaches: Vec<BreachLine>,
    pub credits: f64,
    /// The period's survey responses: CSAT, NPS and count in a line (empty for none), and
    /// the latest comments quoted.
    pub survey: String,
    pub verbatims: Vec<String>,
    /// Each month's charge, cost, credits and margin (internal only).
    pub cost_lines: Vec<String>,
    /// How the terms changed over time: a line per amended target, and the charge and cost.
    pub amendments: Vec<String>,
    /// Under a credit schedule, each month's credit and why (the tier that applied).
    pub credit_lines: Vec<String>,
    /// The same for the customer: without how the figure was kept.
    pub credit_lines_customer: Vec<String>,
    /// The service's currency (credits are in it); empty when not set.
    pub currency: String,
    /// The period's tickets and outages left out of the SLA, with their reasons.
    pub exclusions: Vec<ExclusionLine>,
    pub changes: (i64, i64),
    pub notable_changes: Vec<String>,
    pub reviews_held: i64,
    /// Actions open at the period's end.
    pub actions_open: i64,
    pub touch_points: i64,
    pub sentiment: Option<f64>,
    /// The experience score below which the customer's experience is poor (1–5).
    pub poor_below: f64,
    /// The health verdict at the period's end and its reason (internal).
    pub verdict: (String, String),
    /// Open at the period's end and due by then.
    pub overdue_actions: Vec<ActionLine>,
    /// Open at the period's end and due in the next period.
    pub next_actions: Vec<ActionLine>,
    /// Open at the period's end with no due date.
    pub undated_actions: Vec<ActionLine>,
    /// The service's improvement plan as it stands.
    pub improvements: Vec<ImprovementLine>,
    /// The service's problems raised by the period's end and not over before it began.
    pub problems: Vec<ProblemLine>,
    /// The period's breaches by the cause they were closed with, most first (a Pareto):
    /// ("capacity", 3); breaches without a cause are counted as "no cause recorded".
    pub causes: Vec<(String, usize)>,
    /// Corrections of the period's record made after its end: "2026-12-10: …".
    pub revisions: Vec<String>,
    /// When this review was first written, and what its key figures have moved since (empty
    /// when nothing did, or for the first writing).
    pub changed_since: Option<(String, Vec<String>)>,
}

/// One day of a month's availability inside the service window.
#[derive(Debug, Clone, PartialEq)]
pub struct DayAvailability {
    pub date: NaiveDate,
    pub percent: f64,
    /// Counted downtime inside the window that day, seconds.
    pub down_secs: i64,
    /// Planned work that day (not counted).
    pub planned: bool,
    /// An outage that day left out of the SLA (not counted).
    pub excluded: bool,
}

/// A problem of the service, as it stands (a problem keeps no dated steps).
#[derive(Debug, Clone)]
pub struct ProblemLine {
    /// "PRB0040112 Wallet payment confirmations delayed"
    pub name: String,
    pub status: String,
    pub root_cause: String,
    pub workaround: String,
    pub owner: String,
    /// Raised inside the period.
    pub raised_in_period: bool,
    /// What followed its fix, as of the period's end.
    pub since_fix: Option<String>,
}

/// One improvement of the plan.
#[derive(Debug, Clone)]
pub struct ImprovementLine {
    pub title: String,
    /// What it should move.
    pub kpi: String,
    pub owner: String,
    /// `YYYY-MM-DD`, or empty.
    pub due: String,
    /// proposed, in progress or done.
    pub status: String,
}
