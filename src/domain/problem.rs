//! Problem management's rules that need neither the file nor the screen: when an open problem
//! has waited too long for its root cause, and how a problem is listed.

use chrono::NaiveDate;
use serde::Serialize;

use super::enums::ProblemStatus;
use super::model::Problem;

/// An open problem without a root cause this many days after it was raised is said on the
/// agenda ("2 problems without a root cause for 30 days").
pub const NO_ROOT_CAUSE_DAYS: i64 = 30;

/// A problem as the agenda, `sdm problems` and the Reviews pane list it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProblemItem {
    pub id: String,
    /// The ITSM tool's reference, empty when it has none.
    pub reference: String,
    pub title: String,
    pub status: ProblemStatus,
    pub services: Vec<String>,
    pub owner: String,
    pub due: Option<String>,
    /// Days since it was raised.
    pub age_days: i64,
    pub root_cause: String,
    pub workaround: String,
    /// How many tickets, changes, breaches and reviews it names.
    pub evidence: usize,
    /// Past its due date while open.
    pub overdue: bool,
    /// Open without a root cause for at least [`NO_ROOT_CAUSE_DAYS`].
    pub waiting_for_root_cause: bool,
    /// What followed its fix, once the fixing change went in.
    pub since_fix: Option<FixEffect>,
}

impl ProblemItem {
    /// `raised` is the day it was raised, `today` the display zone's.
    pub fn of(p: &Problem, services: Vec<String>, raised: NaiveDate, today: NaiveDate) -> ProblemItem {
        let age_days = (today - raised).num_days().max(0);
        ProblemItem {
            id: p.id.clone(),
            reference: p.reference.clone(),
            title: p.title.clone(),
            status: p.status,
            services,
            owner: p.owner.clone(),
            due: p.due.map(|d| d.to_string()),
            age_days,
            root_cause: p.root_cause.clone(),
            workaround: p.workaround.clone(),
            evidence: p.ticket_ids.len() + p.change_ids.len() + p.breach_ids.len() + p.review_ids.len(),
            overdue: p.status.is_open() && p.due.is_some_and(|d| d < today),
            waiting_for_root_cause: waiting_for_root_cause(p, age_days),
            since_fix: None,
        }
    }

    /// "PRB0040012 Payment confirmations delayed" (the title alone without a reference).
    pub fn name(&self) -> String {
        if self.reference.is_empty() {
            self.title.clone()
        } else {
            format!("{} {}", self.reference, self.title)
        }
    }
}

/// Whether an open problem raised `age_days` ago still lacks its root cause past the limit.
pub fn waiting_for_root_cause(p: &Problem, age_days: i64) -> bool {
    p.status == ProblemStatus::Open && p.root_cause.trim().is_empty() && age_days >= NO_ROOT_CAUSE_DAYS
}

/// The order problems are listed in: overdue first, then those waiting for a root cause, then
/// by due date (undated last), then the oldest first.
pub fn sort(items: &mut [ProblemItem]) {
    items.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then(b.waiting_for_root_cause.cmp(&a.waiting_for_root_cause))
            .then(a.due.is_none().cmp(&b.due.is_none()))
            .then(a.due.cmp(&b.due))
            .then(b.age_days.cmp(&a.age_days))
    });
}

/// How far back a service's usual count of emergency changes or of one target's breaches is
/// taken from (before the recent window).
pub const BASELINE_DAYS: i64 = 360;

/// The span `[from, to)` a baseline counts in, for a recent window starting at `window_start`:
/// the [`BASELINE_DAYS`] whole UTC days before the day the window starts. In whole days, it
/// stays the same all day (so it can be counted once a day and kept), and the rate it gives
/// is of events and work counted over the same span.
pub fn baseline_span(window_start: i64) -> (i64, i64) {
    let to = window_start.div_euclid(86_400) * 86_400;
    (to - BASELINE_DAYS * 86_400, to)
}

/// How unlikely a count must be at the usual rate to be called out of the ordinary: a steady
/// rate reaches it less than once in this many windows.
pub const ONCE_IN: f64 = 1000.0;

/// Whether `recent` events in a window are out of the ordinary for a service that usually has
/// `usual` in a window as long: at least 3, and so many that at the usual rate (events coming
/// at random, a Poisson count) as many or more would come less than once in [`ONCE_IN`]
/// windows. A busy service's steady rate is not flagged, a quiet service's third one is; with
/// many services and targets, chance alone flags about one target in a thousand.
pub fn unusual(recent: i64, usual: f64) -> bool {
    recent >= 3 && (usual <= 0.0 || poisson_at_least(recent, usual) < 1.0 / ONCE_IN)
}

/// P(X ≥ k) for a Poisson count X of mean `mean` (> 0), in logs so a large mean does not
/// underflow: above the mean the tail is summed directly (a small probability stays exact),
/// below it one minus the rest.
pub fn poisson_at_least(k: i64, mean: f64) -> f64 {
    if k <= 0 {
        return 1.0;
    }
    let ln_mean = mean.ln();
    let add = |ln_sum: f64, ln_term: f64| {
        let (hi, lo) = if ln_sum > ln_term {
            (ln_sum, ln_term)
        } else {
            (ln_term, ln_sum)
        };
        hi + (lo - hi).exp().ln_1p()
    };
    if k as f64 > mean {
        // ln of the k-th term, e^-λ λ^k / k!, then the terms after it until they vanish.
        let ln_fact: f64 = (1..=k).map(|i| (i as f64).ln()).sum();
        let mut ln_term = -mean + k as f64 * ln_mean - ln_fact;
        let mut ln_sum = ln_term;
        let mut i = k;
        while ln_term - ln_sum > -40.0 && i < k + 100_000 {
            i += 1;
            ln_term += ln_mean - (i as f64).ln();
            ln_sum = add(ln_sum, ln_term);
        }
        return ln_sum.exp().clamp(0.0, 1.0);
    }
    // P(X < k) = Σ_{i<k} e^-λ λ^i / i!, each term from the one before.
    let mut ln_term = -mean;
    let mut ln_sum = ln_term;
    for i in 1..k {
        ln_term += ln_mean - (i as f64).ln();
        ln_sum = add(ln_sum, ln_term);
    }
    (1.0 - ln_sum.exp()).clamp(0.0, 1.0)
}

/// A baseline needs at least this many days of history (and at least one window's worth).
pub const BASELINE_MIN_DAYS: i64 = 90;

/// A service's baseline: what happened before the recent window, and how much work there was
/// then and now (tickets for breaches and incidents, changes for emergency changes).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Events counted before the window (in at most [`BASELINE_DAYS`]).
    pub before: i64,
    /// The work they came from, in the same span.
    pub before_volume: i64,
    /// The work of the recent window.
    pub recent_volume: i64,
    /// Days of history before the window (from the service's first ticket or change).
    pub history_days: i64,
}

/// The count to expect in the recent window at the service's usual rate: the events before
/// per unit of work, times the work now — so a service that grows is not flagged for its
/// growth. None (the fixed count of 3 alone decides) with less than [`BASELINE_MIN_DAYS`]
/// of history or no work before.
pub fn usual(b: Baseline) -> f64 {
    if b.history_days < BASELINE_MIN_DAYS || b.before_volume <= 0 {
        return 0.0;
    }
    b.before as f64 * b.recent_volume as f64 / b.before_volume as f64
}

/// Incidents on one service alike to each other within this many days...
pub const CANDIDATE_WINDOW_DAYS: i64 = 30;
/// ...at least this many times make a possible problem.
pub const CANDIDATE_INCIDENTS: usize = 5;

/// An incident as the finder and the fix check read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: String,
    pub service_id: String,
    pub service: String,
    pub opened_at: i64,
    pub summary: String,
}

/// A run of alike incidents on one service that no problem covers yet: sdm proposes, the
/// SDM decides.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub service: String,
    /// The first incident's summary: what they are like.
    pub like: String,
    pub incidents: usize,
    pub days: i64,
    pub ticket_ids: Vec<String>,
}

impl Candidate {
    /// "possible problem: 7 incidents like 'Payment confirmations delayed' in 30 days"
    pub fn said(&self) -> String {
        format!(
            "possible problem: {} incidents like '{}' in {} days",
            self.incidents, self.like, self.days
        )
    }
}

/// The runs of at least [`CANDIDATE_INCIDENTS`] alike incidents per service, largest first;
/// `incidents` are those of the window, oldest first.
pub fn candidates(incidents: &[Incident]) -> Vec<Candidate> {
    let mut by_service: std::collections::BTreeMap<&str, Vec<&Incident>> = Default::default();
    for i in incidents {
        by_service.entry(&i.service).or_default().push(i);
    }
    let mut out = Vec::new();
    for (service, list) in by_service {
        let words = super::similar::words_of(list.iter().map(|i| i.summary.as_str()));
        for group in super::similar::groups(&words) {
            if group.len() >= CANDIDATE_INCIDENTS {
                out.push(Candidate {
                    service: service.to_string(),
                    like: list[group[0]].summary.clone(),
                    incidents: group.len(),
                    days: CANDIDATE_WINDOW_DAYS,
                    ticket_ids: group.iter().map(|&k| list[k].id.clone()).collect(),
                });
            }
        }
    }
    out.sort_by(|a, b| b.incidents.cmp(&a.incidents).then(a.service.cmp(&b.service)));
    out
}

/// Breaches closed with one cause this many times on a service within
/// [`CAUSE_WINDOW_DAYS`] propose a problem.
pub const RECURRING_CAUSE: usize = 3;
pub const CAUSE_WINDOW_DAYS: i64 = 90;

/// A cause that keeps closing a service's breaches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecurringCause {
    pub service: String,
    pub cause: String,
    pub breach_ids: Vec<String>,
    pub days: i64,
}

impl RecurringCause {
    /// "possible problem: 3 breaches closed as 'capacity' in 90 days"
    pub fn said(&self) -> String {
        format!(
            "possible problem: {} breaches closed as '{}' in {} days",
            self.breach_ids.len(),
            self.cause,
            self.days
        )
    }
}

/// Reviews held within this many days whose findings say the same thing propose a problem.
pub const FINDINGS_WINDOW_DAYS: i64 = 180;

/// PIRs and post-mortems whose findings name the same cause, no problem holding them yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedFinding {
    /// The first review's words for it.
    pub cause: String,
    pub review_ids: Vec<String>,
    pub services: Vec<String>,
}

impl SharedFinding {
    /// "possible problem: 3 reviews found 'Configuration drift between test and production'"
    pub fn said(&self) -> String {
        format!(
            "possible problem: {} reviews found '{}'",
            self.review_ids.len(),
            self.cause
        )
    }
}

/// What a review found as its cause: its root cause, else its findings, else what went wrong.
pub fn review_cause(r: &super::model::Review) -> &str {
    [&r.root_cause, &r.findings, &r.what_went_wrong]
        .into_iter()
        .map(|t| t.trim())
        .find(|t| !t.is_empty())
        .unwrap_or("")
}

/// A Pareto of causes, most first (ties by name): "capacity 3 · third party 2".
pub fn pareto<'a>(causes: impl IntoIterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for cause in causes.into_iter().map(str::trim) {
        // One cause however it was capitalised, named as first written.
        match out.iter_mut().find(|(c, _)| c.eq_ignore_ascii_case(cause)) {
            Some((_, n)) => *n += 1,
            None => out.push((cause.to_string(), 1)),
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// A Pareto on one line: "capacity 3 · third party 2".
pub fn pareto_line(pareto: &[(String, usize)]) -> String {
    pareto
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// What followed a problem's fix: incidents like its own (and breaches of the targets it
/// breached) over equal windows either side of the fixing change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixEffect {
    pub change: String,
    /// The day the fix went in (display zone).
    pub fixed_on: String,
    /// The length of each window: from the fix to now, at most [`FIX_WINDOW_DAYS`].
    pub days: i64,
    pub incidents_before: usize,
    pub incidents_after: usize,
    /// Incidents like its own from the fix to now, all of it (the windows are whole days and
    /// at most [`FIX_WINDOW_DAYS`]).
    pub incidents_since: usize,
    pub breaches_before: usize,
    pub breaches_after: usize,
}

/// The longest window either side of a fix that is compared.
pub const FIX_WINDOW_DAYS: i64 = 90;

impl FixEffect {
    /// "since the fix (CHG0003139, 12 Nov): 0 similar incidents in 21 days against 7 in the
    /// 21 days before"
    pub fn said(&self) -> String {
        let mut s = format!(
            "since the fix ({}, {}): {} similar incident{} in {} days against {} in the {} days before",
            self.change,
            self.fixed_on,
            self.incidents_after,
            if self.incidents_after == 1 { "" } else { "s" },
            self.days,
            self.incidents_before,
            self.days
        );
        if self.breaches_before + self.breaches_after > 0 {
            s.push_str(&format!(
                "; breaches of its targets {} against {}",
                self.breaches_after, self.breaches_before
            ));
        }
        s
    }

    /// Incidents like the problem's keep coming after its fix.
    pub fn still_happening(&self) -> bool {
        self.incidents_since > 0
    }
}

/// Equal windows either side of a fix, as half-open spans `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixWindows {
    pub days: i64,
    pub before: (i64, i64),
    pub after: (i64, i64),
}

/// The windows either side of a fix at `fixed_at`, seen at `now`; `None` before the fix
/// went in.
pub fn fix_windows(fixed_at: i64, now: i64) -> Option<FixWindows> {
    if fixed_at > now {
        return None;
    }
    let days = ((now - fixed_at) / 86_400).clamp(1, FIX_WINDOW_DAYS);
    let span = days * 86_400;
    Some(FixWindows {
        days,
        before: (fixed_at - span, fixed_at),
        after: (fixed_at, fixed_at + span),
    })
}

/// How many of `incidents` opened inside `[from, to)` are alike to one of `pattern`.
pub fn alike_between(
    pattern: &[std::collections::BTreeSet<String>],
    incidents: &[Incident],
    (from, to): (i64, i64),
) -> usize {
    // Each distinct summary is judged once.
    let mut judged: std::collections::HashMap<&str, bool> = Default::default();
    incidents
        .iter()
        .filter(|i| i.opened_at >= from && i.opened_at < to)
        .filter(|i| {
            *judged.entry(&i.summary).or_insert_with(|| {
                let w = super::similar::words(&i.summary);
                pattern.iter().any(|p| super::similar::alike(p, &w))
            })
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(status: ProblemStatus, root_cause: &str, due: Option<&str>) -> Problem {
        Problem {
            id: "p".into(),
            reference: String::new(),
            title: "Payment confirmations delayed".into(),
            status,
            root_cause: root_cause.into(),
            workaround: String::new(),
            owner: String::new(),
            raised_on: None,
            due: due.and_then(|d| d.parse().ok()),
            fix_change_id: None,
            notes: String::new(),
            ticket_ids: vec!["t1".into(), "t2".into()],
            change_ids: vec![],
            breach_ids: vec!["b1".into()],
            review_ids: vec![],
            service_ids: vec![],
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap_or_default()
    }

    fn incident(id: &str, service: &str, day: i64, summary: &str) -> Incident {
        Incident {
            id: id.into(),
            service_id: service.into(),
            service: service.into(),
            opened_at: day * 86_400,
            summary: summary.into(),
        }
    }

    #[test]
    fn a_baseline_is_the_whole_days_before_the_window_starts() {
        // 2026-12-07T15:30:00Z
        let start = 1_796_657_400;
        let (from, to) = baseline_span(start);
        assert_eq!(to, 1_796_601_600, "midnight UTC of the window's first day");
        assert_eq!(to - from, BASELINE_DAYS * 86_400);
        // The same all day long; the next day's starts a day later.
        assert_eq!(baseline_span(to), (from, to));
        assert_eq!(baseline_span(to + 86_399), (from, to));
        assert_eq!(baseline_span(to + 86_400), (from + 86_400, to + 86_400));
    }

    #[test]
    fn a_run_of_alike_incidents_is_proposed_and_unrelated_ones_are_not() {
        let mut list = vec![];
        for (k, text) in [
            "Payment confirmations delayed for wallet payments",
            "Wallet payment confirmation delayed",
            "Checkout fails for some card types",
            "Delayed payment confirmations for wallet",
            "Payment confirmation delays (wallet)",
            "Refund rejected by the bank",
            "Wallet payments: confirmation delayed",
        ]
        .iter()
        .enumerate()
        {
            list.push(incident(&format!("t{k}"), "Payment Gateway", k as i64, text));
        }
        // Four alike on another service: one short of a run.
        for k in 0..4 {
            list.push(incident(
                &format!("u{k}"),
                "Web Shop",
                k,
                "Page loads take more than 30 seconds",
            ));
        }
        let found = candidates(&list);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].ticket_ids, vec!["t0", "t1", "t3", "t4", "t6"]);
        assert_eq!(
            found[0].said(),
            "possible problem: 5 incidents like 'Payment confirmations delayed for wallet payments' in 30 days"
        );
    }

    #[test]
    fn a_steady_rate_is_usual_and_a_spike_is_not() {
        // A quiet service: the third one flags it.
        assert!(unusual(3, 0.0));
        assert!(!unusual(2, 0.0));
        // A busy target that breaches about 25 times a quarter does so again: not flagged;
        // 43 or more at that rate come less than once in a thousand quarters.
        let steady = usual(Baseline {
            before: 100,
            before_volume: 4000,
            recent_volume: 1000,
            history_days: 500,
        });
        assert_eq!(steady, 25.0);
        assert!(!unusual(28, steady));
        assert!(!unusual(41, steady));
        assert!(unusual(43, steady));
        // Once a year, then four in a quarter: flagged (three would come one quarter in 460);
        // three against a usual one a quarter happens about one quarter in twelve: not.
        assert!(!unusual(3, 0.25));
        assert!(unusual(4, 0.25));
        assert!(!unusual(3, 1.0));
        assert!((poisson_at_least(3, 1.0) - 0.0803).abs() < 1e-4);
        assert!((poisson_at_least(1, 2.0) - (1.0 - (-2.0f64).exp())).abs() < 1e-12);
        assert!(poisson_at_least(900, 500.0) < 1e-30, "no underflow at a large mean");
        // A service that doubled its work breaches twice as often at the same rate.
        let grown = Baseline {
            before: 100,
            before_volume: 4000,
            recent_volume: 2000,
            history_days: 500,
        };
        assert_eq!(usual(grown), 50.0);
        assert!(!unusual(55, usual(grown)));
        // Too little history says nothing about what is usual.
        assert_eq!(
            usual(Baseline {
                history_days: 60,
                ..grown
            }),
            0.0
        );
        assert_eq!(
            usual(Baseline {
                before_volume: 0,
                ..grown
            }),
            0.0
        );
    }

    #[test]
    fn the_fix_is_judged_over_equal_windows_either_side() {
        let fixed = 100 * 86_400;
        let now = fixed + 21 * 86_400 + 3600;
        let Some(FixWindows { days, before, after }) = fix_windows(fixed, now) else {
            panic!("the fix is in")
        };
        assert_eq!(days, 21);
        assert_eq!(before, (fixed - 21 * 86_400, fixed));
        assert_eq!(after, (fixed, fixed + 21 * 86_400));
        assert_eq!(fix_windows(now + 1, now), None, "not in yet");
        let pattern = vec![super::super::similar::words("Payment confirmations delayed")];
        let list = vec![
            incident("a", "P", 75, "Payment confirmation delayed"), // before both windows
            incident("b", "P", 80, "Payment confirmations delayed"),
            incident("c", "P", 99, "Delayed payment confirmations"),
            incident("d", "P", 99, "Checkout fails"),
            incident("e", "P", 110, "Payment confirmations delayed again"),
        ];
        assert_eq!(alike_between(&pattern, &list, before), 2);
        assert_eq!(alike_between(&pattern, &list, after), 1);
        let effect = FixEffect {
            change: "CHG0003139".into(),
            fixed_on: "12 Nov".into(),
            days: 21,
            incidents_before: 7,
            incidents_after: 0,
            incidents_since: 0,
            breaches_before: 0,
            breaches_after: 0,
        };
        assert_eq!(
            effect.said(),
            "since the fix (CHG0003139, 12 Nov): 0 similar incidents in 21 days against 7 in the 21 days before"
        );
        assert!(!effect.still_happening());
    }

    #[test]
    fn an_open_problem_waits_for_its_root_cause_from_thirty_days() {
        let today = day("2026-12-06");
        let open = problem(ProblemStatus::Open, "", None);
        assert!(!ProblemItem::of(&open, vec![], day("2026-11-07"), today).waiting_for_root_cause);
        let item = ProblemItem::of(&open, vec![], day("2026-11-06"), today);
        assert!(item.waiting_for_root_cause);
        assert_eq!((item.age_days, item.evidence), (30, 3));
        // A root cause written down, or a problem past "open", is not waiting.
        let known = problem(ProblemStatus::Open, "certificate not renewed", None);
        assert!(!ProblemItem::of(&known, vec![], day("2026-01-01"), today).waiting_for_root_cause);
        let closed = problem(ProblemStatus::Closed, "", None);
        assert!(!ProblemItem::of(&closed, vec![], day("2026-01-01"), today).waiting_for_root_cause);
    }

    #[test]
    fn overdue_only_while_open_and_listed_first() {
        let today = day("2026-12-06");
        let late = ProblemItem::of(
            &problem(ProblemStatus::KnownError, "x", Some("2026-12-01")),
            vec![],
            today,
            today,
        );
        assert!(late.overdue);
        let done = ProblemItem::of(
            &problem(ProblemStatus::Resolved, "x", Some("2026-12-01")),
            vec![],
            today,
            today,
        );
        assert!(!done.overdue);
        let later = ProblemItem::of(
            &problem(ProblemStatus::Open, "x", Some("2026-12-20")),
            vec![],
            today,
            today,
        );
        let undated = ProblemItem::of(&problem(ProblemStatus::Open, "x", None), vec![], today, today);
        let mut items = vec![undated.clone(), later.clone(), late.clone()];
        sort(&mut items);
        assert_eq!(items, vec![late, later, undated]);
    }
}
