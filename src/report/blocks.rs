//! The review as a document: sections of blocks (titles, headings, text, tables, lists,
//! charts), built once from the gathered reviews for an audience. Markdown, HTML and PDF are
//! three renderings of the same blocks ([`super::render`], [`super::pdf`]), so the three never
//! say different things. The words (met / missed, "customer experience: poor, …") are chosen
//! here, once.

use super::summary::{PackSummary, by_customer};
use super::{Audience, DayAvailability, Rag, ServiceReview, TargetRow};
use crate::domain::parse::format_duration;

/// One block of a section.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The section's title (a service's review, or a customer's summary).
    Title(String),
    Heading(String),
    /// A paragraph.
    Text(String),
    /// Secondary text: the header line, the stamp, data freshness.
    Muted(String),
    /// A bold label and its text ("Service levels: …"); the text may be empty.
    Labelled(String, String),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    List(Vec<String>),
    /// Small bar charts side by side.
    SmallBars(Vec<BarChart>),
    /// A month's daily availability against the target, with a note under it.
    Daily {
        days: Vec<DayAvailability>,
        goal: f64,
        note: String,
    },
    /// The error budget left through a month, with a note under it.
    BurnDown {
        days: Vec<DayAvailability>,
        budget_min: f64,
        note: String,
    },
}

/// A bar chart of percentages: its caption, (label, percent) per bar, and the target.
pub type BarChart = (String, Vec<(String, Option<f64>)>, f64);

/// A section: a service's review, or the summary that opens a customer's pack.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub summary: bool,
    pub blocks: Vec<Block>,
}

/// The whole document: with several services, a summary per customer before their sections.
pub fn document(reports: &[ServiceReview], audience: Audience) -> Vec<Section> {
    let mut out = Vec::new();
    if reports.len() > 1 {
        for (summary, members) in by_customer(reports) {
            out.push(summary_section(&summary, audience));
            out.extend(members.into_iter().map(|r| service_section(r, audience)));
        }
    } else {
        out.extend(reports.iter().map(|r| service_section(r, audience)));
    }
    out
}

fn table((head, rows): (Vec<String>, Vec<Vec<String>>)) -> Block {
    Block::Table { head, rows }
}

/// A list, or "None." when it is empty.
fn list_or_none(items: Vec<String>, none: &str) -> Block {
    if items.is_empty() {
        Block::Text(none.into())
    } else {
        Block::List(items)
    }
}

fn summary_section(s: &PackSummary, audience: Audience) -> Section {
    let blocks = vec![
        Block::Title(summary_title(s)),
        table(summary_cells(s, audience)),
        Block::Text(format!("Service credits: {}", credit_total(s))),
        Block::Heading("Top issues".into()),
        list_or_none(s.top_issues.clone(), "None."),
        Block::Heading("Improvement plan".into()),
        list_or_none(
            s.plan.iter().map(|(service, i)| plan_line(service, i)).collect(),
            "None recorded.",
        ),
    ];
    Section { summary: true, blocks }
}

fn service_section(r: &ServiceReview, audience: Audience) -> Section {
    let internal = audience == Audience::Internal;
    let mut b = vec![
        Block::Title(format!("Service review: {} — {}", r.service, r.period)),
        Block::Muted(header_line(r)),
        Block::Muted(format!("Generated {}", r.generated)),
    ];
    if internal {
        b.extend(r.freshness.iter().cloned().map(Block::Muted));
        b.push(Block::Labelled(
            "Health (internal)".into(),
            format!("{} — {}", r.verdict.0, r.verdict.1),
        ));
    }
    b.push(Block::Labelled("Service levels".into(), levels(r)));
    b.push(Block::Labelled("Customer experience".into(), experience(r)));
    if !r.survey.is_empty() {
        b.push(Block::Labelled("Survey".into(), r.survey.clone()));
        if !r.verbatims.is_empty() {
            b.push(Block::List(r.verbatims.clone()));
        }
    }
    if let Some((first, moved)) = &r.changed_since {
        b.push(Block::Labelled(
            format!("Revised since first written on {first}"),
            moved.join("; "),
        ));
    }
    if !r.revisions.is_empty() {
        b.push(Block::Labelled(
            format!("Revised after the {} ended", r.noun),
            String::new(),
        ));
        b.push(Block::List(r.revisions.clone()));
    }
    b.push(Block::Heading("SLA targets".into()));
    b.push(table(target_cells(r, audience)));
    if r.noun == "month" {
        b.push(Block::SmallBars(
            r.targets
                .iter()
                .map(|t| {
                    let bars = t
                        .months
                        .iter()
                        .map(|(m, v)| (m.get(5..).unwrap_or(m).to_string(), *v))
                        .collect();
                    (t.name.clone(), bars, t.required)
                })
                .collect(),
        ));
    }
    if let Some(a) = &r.availability {
        b.push(Block::Heading("Availability".into()));
        b.push(Block::Labelled("Availability".into(), availability_line(a)));
        if !r.daily.is_empty() {
            b.push(Block::Daily {
                days: r.daily.clone(),
                goal: a.goal,
                note: "Daily availability inside the service window; dashed: the target; P: planned work that day, \
                       X: an outage left out of the SLA (neither counts)."
                    .into(),
            });
            b.push(Block::BurnDown {
                days: r.daily.clone(),
                budget_min: a.budget_min,
                note: "Error budget left through the month, in minutes of downtime the target allows.".into(),
            });
        }
    }
    b.push(Block::Heading("Tickets".into()));
    b.push(Block::Table {
        head: ["Priority", "Opened", "Resolved", "Open at the end"]
            .map(String::from)
            .to_vec(),
        rows: r
            .priorities
            .iter()
            .map(|p| {
                vec![
                    p.priority.clone(),
                    p.opened.to_string(),
                    p.resolved.to_string(),
                    p.open_at_end.to_string(),
                ]
            })
            .collect(),
    });
    b.push(Block::Text(format!(
        "Mean time to respond {} · to resolve {} (wall clock, tickets responded to or resolved in the {})",
        dur(r.mean_respond),
        dur(r.mean_resolve),
        r.noun
    )));
    b.push(Block::Heading("Outages".into()));
    b.push(Block::Text(outage_line(r)));
    b.push(Block::Heading("Breaches".into()));
    if r.breaches.is_empty() {
        b.push(Block::Text("None.".into()));
    } else {
        b.push(table(breach_cells(r, audience)));
    }
    if !r.breaches.is_empty() || r.credits > 0.0 || !r.credit_lines.is_empty() {
        b.push(Block::Text(format!(
            "Service credits: {}",
            money(r.credits, &r.currency)
        )));
    }
    if !r.credit_lines.is_empty() {
        b.push(Block::List(if internal {
            r.credit_lines.clone()
        } else {
            r.credit_lines_customer.clone()
        }));
    }
    // Causes are the SDM's own finding: the internal copy only.
    if !r.breaches.is_empty() && internal {
        b.push(Block::Text(format!(
            "By cause: {}",
            crate::domain::problem::pareto_line(&r.causes)
        )));
    }
    // The money is the SDM's own; the targets are the customer's terms too.
    let amended: Vec<String> = r
        .amendments
        .iter()
        .filter(|a| internal || !a.starts_with("money:"))
        .cloned()
        .collect();
    if !amended.is_empty() {
        b.push(Block::Heading("Amendments to the terms".into()));
        b.push(Block::List(amended));
    }
    if internal && !r.cost_lines.is_empty() {
        b.push(Block::Heading("Costs (internal)".into()));
        b.push(Block::List(r.cost_lines.clone()));
    }
    if !r.exclusions.is_empty() {
        b.push(Block::Heading("Left out of the SLA".into()));
        b.push(table(exclusion_cells(r, audience)));
    }
    b.push(Block::Heading("Changes".into()));
    b.push(Block::Text(change_line(r)));
    if !r.notable_changes.is_empty() {
        b.push(Block::List(r.notable_changes.clone()));
    }
    b.push(Block::Heading("Reviews and relationship".into()));
    b.push(Block::Text(relationship_line(r, audience)));
    if !r.improvements.is_empty() {
        b.push(Block::Heading("Improvement plan".into()));
        b.push(Block::List(
            r.improvements.iter().map(|i| plan_line(&r.service, i)).collect(),
        ));
    }
    if !r.problems.is_empty() {
        b.push(Block::Heading("Problems".into()));
        b.push(Block::List(
            r.problems.iter().map(|p| problem_line(p, internal)).collect(),
        ));
    }
    for (title, list) in action_lists(r) {
        b.push(Block::Heading(title));
        b.push(list_or_none(list.iter().map(action_line).collect(), "None."));
    }
    Section {
        summary: false,
        blocks: b,
    }
}

/// A problem as the review lists it: what, where it stands, the workaround and what the fix
/// did; why and its owner for the internal copy.
fn problem_line(p: &super::ProblemLine, internal: bool) -> String {
    let mut line = format!("{} — {}", p.name, p.status);
    if p.raised_in_period {
        line.push_str(" (raised this period)");
    }
    // A root cause is the SDM's own finding, like a breach's cause: the internal copy only.
    if internal && !p.root_cause.is_empty() {
        line.push_str(&format!("; root cause: {}", p.root_cause));
    }
    if !p.workaround.is_empty() {
        line.push_str(&format!("; workaround: {}", p.workaround));
    }
    if let Some(fix) = &p.since_fix {
        line.push_str(&format!("; {fix}"));
    }
    if internal && !p.owner.is_empty() {
        line.push_str(&format!("; owner {}", p.owner));
    }
    line
}

fn pct_to(v: Option<f64>, decimals: usize) -> String {
    v.map(|v| format!("{v:.decimals$}%")).unwrap_or_else(|| "—".into())
}

fn dur(v: Option<i64>) -> String {
    v.map(format_duration).unwrap_or_else(|| "—".into())
}

/// "1 outage", "2 outages".
pub fn plural(n: impl Into<i64>, word: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// An amount with its currency: "1,250.00 EUR"; "none" for nothing.
fn money(amount: f64, currency: &str) -> String {
    if amount.abs() < 0.005 {
        "none".into()
    } else {
        crate::domain::credits::money(amount, currency, 2)
    }
}

/// How the targets went, in a line: "all 4 targets met" or what was missed.
fn levels(r: &ServiceReview) -> String {
    let measured: Vec<&TargetRow> = r.targets.iter().filter(|t| t.rag != Rag::None).collect();
    if measured.is_empty() {
        return "nothing was measured against the targets".into();
    }
    let short: Vec<String> = measured
        .iter()
        .filter(|t| t.rag != Rag::Green)
        .map(|t| format!("{} {} against {}", t.name, pct_to(t.figure, t.decimals), t.goal))
        .collect();
    let word = if r.complete { "missed" } else { "short so far" };
    if measured.len() == 1 {
        return match short.first() {
            None => "its one measured target met".into(),
            Some(s) => format!("its one measured target {word}: {s}"),
        };
    }
    if short.is_empty() {
        format!("all {} met", plural(measured.len() as i64, "target"))
    } else {
        format!(
            "{} of {} met; {word}: {}",
            measured.len() - short.len(),
            plural(measured.len() as i64, "target"),
            short.join("; ")
        )
    }
}

/// The customer's experience from the period's conversations: "poor, 1.8 of 5 from 20
/// conversations".
fn experience(r: &ServiceReview) -> String {
    match r.sentiment {
        Some(s) if r.touch_points > 0 => {
            let word = if s < r.poor_below {
                "poor"
            } else if s >= 4.0 {
                "good"
            } else {
                "fair"
            };
            format!("{word}, {s:.1} of 5 from {}", plural(r.touch_points, "conversation"))
        }
        _ => "no conversations recorded".into(),
    }
}

fn result(t: &TargetRow, r: &ServiceReview, audience: Audience) -> &'static str {
    match audience {
        Audience::Customer => t.rag.plain(r.complete),
        Audience::Internal => t.rag.label(),
    }
}

/// The period's column title: "2026-11", "Q4", "2026".
fn period_column(r: &ServiceReview) -> String {
    match r.noun {
        "quarter" => r.period.get(5..).unwrap_or(&r.period).to_string(),
        _ => r.period.clone(),
    }
}

/// "month" → "this month", "next month".
fn next_noun(r: &ServiceReview) -> String {
    format!("next {}", r.noun)
}

/// The header cells of the target table, and the cells of one target.
fn target_cells(r: &ServiceReview, audience: Audience) -> (Vec<String>, Vec<Vec<String>>) {
    let month = r.noun == "month";
    let mut head = vec!["Target".to_string(), "Goal".to_string()];
    if !month {
        let months = r.targets.first().map(|t| t.months.clone()).unwrap_or_default();
        head.extend(months.iter().map(|(m, _)| m.clone()));
    }
    head.push(period_column(r));
    if month {
        head.push("Trend".into());
    }
    head.push(
        if audience == Audience::Customer {
            "Result"
        } else {
            "RAG"
        }
        .into(),
    );
    if month {
        head.push("Last 6 months".into());
    }
    let rows = r
        .targets
        .iter()
        .map(|t| {
            let mut cells = vec![t.name.clone(), t.goal.clone()];
            if !month {
                cells.extend(t.months.iter().map(|(_, v)| pct_to(*v, t.decimals)));
            }
            cells.push(pct_to(t.figure, t.decimals));
            if month {
                cells.push(t.trend.to_string());
            }
            cells.push(result(t, r, audience).to_string());
            if month {
                let series: Vec<String> = t
                    .months
                    .iter()
                    .map(|(m, v)| format!("{}: {}", m.get(5..).unwrap_or(m), pct_to(*v, t.decimals)))
                    .collect();
                cells.push(series.join(", "));
            }
            cells
        })
        .collect();
    (head, rows)
}

fn breach_cells(r: &ServiceReview, audience: Audience) -> (Vec<String>, Vec<Vec<String>>) {
    // The cause is the SDM's own finding (understaffed, wrong priority, …): internal.
    let internal = audience == Audience::Internal;
    let mut head: Vec<String> = vec!["Breach".into(), "Status at the end".into(), "Credit".into()];
    if internal {
        head.extend(["Cause".to_string(), "Customer told".to_string()]);
    }
    let rows = r
        .breaches
        .iter()
        .map(|b| {
            let mut cells = vec![
                b.title.clone(),
                b.status.clone(),
                b.credit.map(|c| money(c, &r.currency)).unwrap_or_default(),
            ];
            if internal {
                cells.push(b.cause.clone().unwrap_or_default());
                cells.push(if b.informed {
                    if b.told.is_empty() {
                        "yes".into()
                    } else {
                        b.told.join("; ")
                    }
                } else {
                    "not yet".into()
                });
            }
            cells
        })
        .collect();
    (head, rows)
}

fn change_line(r: &ServiceReview) -> String {
    let (ok, all) = r.changes;
    let rate = if all > 0 {
        format!("{:.0}%", ok as f64 * 100.0 / all as f64)
    } else {
        "—".into()
    };
    format!("{}, {ok} plainly successful ({rate})", plural(all, "change"))
}

fn outage_line(r: &ServiceReview) -> String {
    if r.outages == 0 {
        return format!("No unplanned outage in the {}.", r.noun);
    }
    format!(
        "{}, {} down · mean time to restore {} · mean time between failures {}",
        plural(r.outages as i64, "unplanned outage"),
        format_duration(r.downtime),
        dur(r.mtrs),
        dur(r.mtbf)
    )
}

/// An availability figure with as many decimals as its goal needs (one more, at least two).
fn availability_pct(a: &super::AvailabilityLine) -> String {
    let decimals = crate::domain::sla::availability::goal_decimals(a.goal);
    format!("{:.decimals$}%", a.percent)
}

/// An availability goal as written: a period's goal weighted by day across a change of
/// target (99.29032258…) reads as 99.2903, as in the targets table.
fn goal_text(a: &super::AvailabilityLine) -> String {
    crate::domain::credits::number_text(a.goal)
}

fn availability_line(a: &super::AvailabilityLine) -> String {
    format!(
        "{} against {}% · error budget {:.0} min, used {:.0} min, left {:.0} min",
        availability_pct(a),
        goal_text(a),
        a.budget_min,
        a.down_min,
        a.budget_min - a.down_min
    )
}

fn relationship_line(r: &ServiceReview, audience: Audience) -> String {
    let mut line = format!(
        "{} held · {} open at the end of the {}",
        plural(r.reviews_held, "review"),
        plural(r.actions_open, "action"),
        r.noun
    );
    if audience == Audience::Internal {
        line.push_str(&format!(
            " · {}, average sentiment {}",
            plural(r.touch_points, "touch point"),
            r.sentiment.map(|s| format!("{s:.1}/5")).unwrap_or_else(|| "—".into())
        ));
    }
    line
}

fn header_line(r: &ServiceReview) -> String {
    let mut parts: Vec<String> = Vec::new();
    for p in [&r.customer, &r.agreement] {
        if !p.trim().is_empty() {
            parts.push(p.clone());
        }
    }
    parts.push(format!("service window {}", r.window));
    parts.push(format!("as of {}", r.as_of));
    parts.join(" · ")
}

/// The summary's matrix: header and rows of cells (the same for both formats).
fn summary_cells(s: &PackSummary, audience: Audience) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head = vec!["Service".to_string()];
    head.extend(s.targets.iter().cloned());
    head.extend(["Available", "Budget left", "Breaches", "Credits", "Experience"].map(String::from));
    let rows = s
        .rows
        .iter()
        .map(|row| {
            let mut cells = vec![row.service.clone()];
            cells.extend(row.cells.iter().map(|c| match (c, audience) {
                (None, _) | (Some(Rag::None), _) => "—".to_string(),
                (Some(rag), Audience::Customer) => rag.plain(s.complete).to_string(),
                (Some(rag), Audience::Internal) => rag.label().to_string(),
            }));
            cells.push(
                row.availability
                    .map(|a| format!("{} of {}%", availability_pct(&a), goal_text(&a)))
                    .unwrap_or_default(),
            );
            cells.push(
                row.availability
                    .map(|a| format!("{:.0} min", a.budget_min - a.down_min))
                    .unwrap_or_default(),
            );
            cells.push(match row.open_breaches {
                0 => row.breaches.to_string(),
                open => format!("{} ({open} open)", row.breaches),
            });
            cells.push(if row.credits > 0.0 {
                money(row.credits, &row.currency)
            } else {
                String::new()
            });
            cells.push(
                row.experience
                    .map(|(score, n)| format!("{score:.1} of 5 ({})", plural(n, "conversation")))
                    .unwrap_or_default(),
            );
            cells
        })
        .collect();
    (head, rows)
}

fn credit_total(s: &PackSummary) -> String {
    if s.credits.is_empty() {
        return "none".into();
    }
    s.credits
        .iter()
        .map(|(currency, amount)| money(*amount, currency))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn plan_line(service: &str, i: &super::ImprovementLine) -> String {
    let mut line = format!("{service}: {} — {}", i.title, i.owner);
    if !i.due.is_empty() {
        line.push_str(&format!(", due {}", i.due));
    }
    line.push_str(&format!(" ({}", i.status));
    if !i.kpi.is_empty() {
        line.push_str(&format!("; to move: {}", i.kpi));
    }
    line.push(')');
    line
}

fn summary_title(s: &PackSummary) -> String {
    format!("{} — service review {} (summary)", s.title, s.period)
}

fn exclusion_cells(r: &ServiceReview, audience: Audience) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head: Vec<String> = vec!["What".into(), "Reason".into()];
    if audience == Audience::Internal {
        head.push("Note".into());
    }
    let rows = r
        .exclusions
        .iter()
        .map(|e| {
            let mut cells = vec![e.what.clone(), e.reason.clone()];
            if audience == Audience::Internal {
                cells.push(e.note.clone());
            }
            cells
        })
        .collect();
    (head, rows)
}

/// The action lists with their titles: overdue at the period's end (or now, for a period
/// still running), due next, and open without a due date (only when there are some).
fn action_lists(r: &ServiceReview) -> Vec<(String, &[super::ActionLine])> {
    let mut lists = if r.complete {
        vec![
            (
                format!("Actions overdue at the end of the {}", r.noun),
                r.overdue_actions.as_slice(),
            ),
            (format!("Actions due {}", next_noun(r)), r.next_actions.as_slice()),
        ]
    } else {
        vec![
            ("Actions overdue".to_string(), r.overdue_actions.as_slice()),
            (
                format!("Actions due by the end of {}", next_noun(r)),
                r.next_actions.as_slice(),
            ),
        ]
    };
    if !r.undated_actions.is_empty() {
        lists.push((
            "Actions open without a due date".to_string(),
            r.undated_actions.as_slice(),
        ));
    }
    lists
}

fn action_line((title, owner, due): &super::ActionLine) -> String {
    let owner = if owner.is_empty() { "no owner" } else { owner.as_str() };
    if due.is_empty() {
        format!("{title} — {owner}")
    } else {
        format!("{title} — {owner} (due {due})")
    }
}
