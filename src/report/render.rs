//! The service review as Markdown (pastes into a wiki) and as one self-contained HTML file
//! (styles and SVG charts inline, nothing fetched, prints well), for the customer (plain
//! words, no internal verdicts, notes or data freshness) or for the SDM alone. The words are
//! chosen once, in the helpers below, for both formats. All data text is made inert and
//! escaped for the format.

use std::fmt::Write as _;

use super::charts;
use super::summary::{PackSummary, by_customer};
use super::{Audience, Rag, ServiceReview, TargetRow};
use crate::domain::parse::format_duration;
use crate::domain::text::inert;

/// Text for Markdown (a table cell or a line): every character Markdown gives a meaning to
/// is escaped, so text from the data never becomes a link, an image, emphasis or HTML.
pub fn md(s: &str) -> String {
    let text = inert(s);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for HTML.
pub fn html(s: &str) -> String {
    inert(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
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

/// An amount with its currency: "1250.00 EUR"; "none" for nothing.
fn money(amount: f64, currency: &str) -> String {
    if amount.abs() < 0.005 {
        "none".into()
    } else {
        format!("{amount:.2} {currency}").trim_end().to_string()
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
    format!(
        "{}, {} down · mean time to restore {} · mean time between failures {}",
        plural(r.outages as i64, "unplanned outage"),
        format_duration(r.downtime),
        dur(r.mtrs),
        dur(r.mtbf)
    )
}

fn availability_line(a: &super::AvailabilityLine) -> String {
    format!(
        "{:.3}% against {}% · error budget {:.0} min, used {:.0} min, left {:.0} min",
        a.percent,
        a.goal,
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

fn md_table(out: &mut String, head: &[String], rows: &[Vec<String>]) {
    let _ = writeln!(
        out,
        "| {} |",
        head.iter().map(|h| md(h)).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
    for row in rows {
        let _ = writeln!(out, "| {} |", row.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | "));
    }
}

fn html_table(out: &mut String, head: &[String], rows: &[Vec<String>]) {
    out.push_str("<table><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", html(h));
    }
    out.push_str("</tr>");
    for row in rows {
        out.push_str("<tr>");
        for c in row {
            let class = match c.as_str() {
                "met" | "green" => " class=\"g\"",
                "at risk" | "amber" => " class=\"a\"",
                "missed" | "red" => " class=\"r\"",
                _ => "",
            };
            let _ = write!(out, "<td{class}>{}</td>", html(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</table>");
}

pub fn markdown(reports: &[ServiceReview], audience: Audience) -> String {
    let mut out = String::new();
    if reports.len() > 1 {
        for (summary, members) in by_customer(reports) {
            md_summary(&mut out, &summary, audience);
            for r in members {
                md_service(&mut out, r, audience);
            }
        }
    } else {
        for r in reports {
            md_service(&mut out, r, audience);
        }
    }
    out
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
                    .map(|a| format!("{:.3}% of {}%", a.percent, a.goal))
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

fn md_summary(out: &mut String, s: &PackSummary, audience: Audience) {
    let _ = writeln!(out, "# {}\n", md(&summary_title(s)));
    let (head, rows) = summary_cells(s, audience);
    md_table(out, &head, &rows);
    let _ = writeln!(out, "\nService credits: {}", md(&credit_total(s)));
    let _ = writeln!(out, "\n## Top issues\n");
    if s.top_issues.is_empty() {
        let _ = writeln!(out, "None.");
    }
    for issue in &s.top_issues {
        let _ = writeln!(out, "- {}", md(issue));
    }
    let _ = writeln!(out, "\n## Improvement plan\n");
    if s.plan.is_empty() {
        let _ = writeln!(out, "None recorded.");
    }
    for (service, i) in &s.plan {
        let _ = writeln!(out, "- {}", md(&plan_line(service, i)));
    }
    out.push('\n');
}

fn html_summary(out: &mut String, s: &PackSummary, audience: Audience) {
    let _ = write!(out, "<section class=\"summary\"><h1>{}</h1>", html(&summary_title(s)));
    let (head, rows) = summary_cells(s, audience);
    html_table(out, &head, &rows);
    let _ = write!(
        out,
        "<p>Service credits: {}</p><h2>Top issues</h2><ul>",
        html(&credit_total(s))
    );
    if s.top_issues.is_empty() {
        out.push_str("<li>None.</li>");
    }
    for issue in &s.top_issues {
        let _ = write!(out, "<li>{}</li>", html(issue));
    }
    out.push_str("</ul><h2>Improvement plan</h2><ul>");
    if s.plan.is_empty() {
        out.push_str("<li>None recorded.</li>");
    }
    for (service, i) in &s.plan {
        let _ = write!(out, "<li>{}</li>", html(&plan_line(service, i)));
    }
    out.push_str("</ul></section>");
}

fn md_service(out: &mut String, r: &ServiceReview, audience: Audience) {
    let _ = writeln!(out, "# Service review: {} — {}\n", md(&r.service), r.period);
    let _ = writeln!(out, "{}\n", md(&header_line(r)));
    let _ = writeln!(out, "Generated {}\n", r.generated);
    if audience == Audience::Internal {
        for f in &r.freshness {
            let _ = writeln!(out, "> {}", md(f));
        }
        let _ = writeln!(
            out,
            "\n**Health (internal):** {} — {}\n",
            md(&r.verdict.0),
            md(&r.verdict.1)
        );
    }
    let _ = writeln!(out, "**Service levels:** {}\n", md(&levels(r)));
    let _ = writeln!(out, "**Customer experience:** {}\n", md(&experience(r)));
    if let Some((first, moved)) = &r.changed_since {
        let _ = writeln!(
            out,
            "**Revised since first written on {first}:** {}\n",
            md(&moved.join("; "))
        );
    }
    if !r.revisions.is_empty() {
        let _ = writeln!(out, "**Revised after the {} ended:**\n", r.noun);
        for v in &r.revisions {
            let _ = writeln!(out, "- {}", md(v));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## SLA targets\n");
    let (head, rows) = target_cells(r, audience);
    md_table(out, &head, &rows);
    if let Some(a) = &r.availability {
        let _ = writeln!(out, "\n**Availability:** {}", availability_line(a));
    }
    let _ = writeln!(out, "\n## Tickets\n");
    let head: Vec<String> = ["Priority", "Opened", "Resolved", "Open at the end"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = r
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
        .collect();
    md_table(out, &head, &rows);
    let _ = writeln!(
        out,
        "\nMean time to respond {} · to resolve {} (wall clock, tickets responded to or resolved in the {})",
        dur(r.mean_respond),
        dur(r.mean_resolve),
        r.noun
    );
    let _ = writeln!(out, "\n## Outages\n\n{}", outage_line(r));
    let _ = writeln!(out, "\n## Breaches\n");
    if r.breaches.is_empty() {
        let _ = writeln!(out, "None.");
    } else {
        let (head, rows) = breach_cells(r, audience);
        md_table(out, &head, &rows);
        let _ = writeln!(out, "\nService credits: {}", md(&money(r.credits, &r.currency)));
    }
    if !r.exclusions.is_empty() {
        let _ = writeln!(out, "\n## Left out of the SLA\n");
        let (head, rows) = exclusion_cells(r, audience);
        md_table(out, &head, &rows);
    }
    let _ = writeln!(out, "\n## Changes\n\n{}", change_line(r));
    for c in &r.notable_changes {
        let _ = writeln!(out, "- {}", md(c));
    }
    let _ = writeln!(
        out,
        "\n## Reviews and relationship\n\n{}",
        relationship_line(r, audience)
    );
    if !r.improvements.is_empty() {
        let _ = writeln!(out, "\n## Improvement plan\n");
        for i in &r.improvements {
            let _ = writeln!(out, "- {}", md(&plan_line(&r.service, i)));
        }
    }
    for (title, list) in action_lists(r) {
        let _ = writeln!(out, "\n## {title}\n");
        if list.is_empty() {
            let _ = writeln!(out, "None.");
        }
        for action in list {
            let _ = writeln!(out, "- {}", md(&action_line(action)));
        }
    }
    out.push('\n');
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

const STYLE: &str = "body{font:14px/1.4 sans-serif;margin:2em;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:1.5em}\
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}\
.g{fill:#2e7d32;color:#2e7d32}.a{fill:#ef8f00;color:#b36b00}.r{fill:#c62828;color:#c62828}.n{color:#777}\
line.goal{stroke:#333;stroke-dasharray:4 3}line.grid{stroke:#ddd}line.zero{stroke:#999}.goal-label{fill:#333}\
polyline.burn{fill:none;stroke:#2e7d32;stroke-width:2}polyline.over{stroke:#c62828}.mark{fill:#555}.muted{color:#555}figure{display:inline-block;margin:0.5em 1em 0 0}\
figcaption{font-size:11px;color:#555}\
@media print{@page{size:A4;margin:15mm}body{margin:0}section{page-break-after:always}table,figure{page-break-inside:avoid}}";

pub fn to_html(reports: &[ServiceReview], audience: Audience) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Service review</title><style>{STYLE}</style></head><body>"
    );
    if reports.len() > 1 {
        for (summary, members) in by_customer(reports) {
            html_summary(&mut out, &summary, audience);
            for r in members {
                html_service(&mut out, r, audience);
            }
        }
    } else {
        for r in reports {
            html_service(&mut out, r, audience);
        }
    }
    out.push_str("</body></html>\n");
    out
}

fn html_service(out: &mut String, r: &ServiceReview, audience: Audience) {
    let _ = write!(
        out,
        "<section><h1>Service review: {} — {}</h1>",
        html(&r.service),
        html(&r.period)
    );
    let _ = write!(out, "<p class=\"muted\">{}</p>", html(&header_line(r)));
    let _ = write!(out, "<p class=\"muted\">Generated {}</p>", html(&r.generated));
    if audience == Audience::Internal {
        for f in &r.freshness {
            let _ = write!(out, "<p class=\"muted\">{}</p>", html(f));
        }
        let _ = write!(
            out,
            "<p><b>Health (internal):</b> {} — {}</p>",
            html(&r.verdict.0),
            html(&r.verdict.1)
        );
    }
    let _ = write!(out, "<p><b>Service levels:</b> {}</p>", html(&levels(r)));
    let _ = write!(out, "<p><b>Customer experience:</b> {}</p>", html(&experience(r)));
    if let Some((first, moved)) = &r.changed_since {
        let _ = write!(
            out,
            "<p><b>Revised since first written on {}:</b> {}</p>",
            html(first),
            html(&moved.join("; "))
        );
    }
    if !r.revisions.is_empty() {
        let _ = write!(out, "<p><b>Revised after the {} ended:</b></p><ul>", r.noun);
        for v in &r.revisions {
            let _ = write!(out, "<li>{}</li>", html(v));
        }
        out.push_str("</ul>");
    }
    out.push_str("<h2>SLA targets</h2>");
    let (head, rows) = target_cells(r, audience);
    html_table(out, &head, &rows);
    if r.noun == "month" {
        for t in &r.targets {
            let chart = charts::bars(
                &t.months
                    .iter()
                    .map(|(m, v)| (m.get(5..).unwrap_or(m).to_string(), *v))
                    .collect::<Vec<_>>(),
                t.required,
                220,
                80,
                html,
            );
            let _ = write!(
                out,
                "<figure><figcaption>{}</figcaption>{chart}</figure>",
                html(&t.name)
            );
        }
    }
    if let Some(a) = &r.availability {
        let _ = write!(out, "<h2>Availability</h2><p>{}</p>", html(&availability_line(a)));
        if !r.daily.is_empty() {
            out.push_str(&charts::daily(&r.daily, a.goal, 640, 110, html));
            out.push_str(
                "<p class=\"muted\">Daily availability inside the service window; dashed: the target; \
                 P: planned work that day, X: an outage left out of the SLA (neither counts).</p>",
            );
            out.push_str(&charts::burn_down(&r.daily, a.budget_min, 640, 110));
            out.push_str(
                "<p class=\"muted\">Error budget left through the month, in minutes of downtime the target allows.</p>",
            );
        }
    }
    out.push_str("<h2>Tickets</h2>");
    let head: Vec<String> = ["Priority", "Opened", "Resolved", "Open at the end"]
        .map(String::from)
        .to_vec();
    let rows: Vec<Vec<String>> = r
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
        .collect();
    html_table(out, &head, &rows);
    let _ = write!(
        out,
        "<p>Mean time to respond {} · to resolve {} (wall clock)</p>",
        dur(r.mean_respond),
        dur(r.mean_resolve)
    );
    let _ = write!(out, "<h2>Outages</h2><p>{}</p>", html(&outage_line(r)));
    out.push_str("<h2>Breaches</h2>");
    if r.breaches.is_empty() {
        out.push_str("<p>None.</p>");
    } else {
        let (head, rows) = breach_cells(r, audience);
        html_table(out, &head, &rows);
        let _ = write!(out, "<p>Service credits: {}</p>", html(&money(r.credits, &r.currency)));
    }
    if !r.exclusions.is_empty() {
        out.push_str("<h2>Left out of the SLA</h2>");
        let (head, rows) = exclusion_cells(r, audience);
        html_table(out, &head, &rows);
    }
    let _ = write!(out, "<h2>Changes</h2><p>{}</p><ul>", html(&change_line(r)));
    for c in &r.notable_changes {
        let _ = write!(out, "<li>{}</li>", html(c));
    }
    let _ = write!(
        out,
        "</ul><h2>Reviews and relationship</h2><p>{}</p>",
        html(&relationship_line(r, audience))
    );
    if !r.improvements.is_empty() {
        out.push_str("<h2>Improvement plan</h2><ul>");
        for i in &r.improvements {
            let _ = write!(out, "<li>{}</li>", html(&plan_line(&r.service, i)));
        }
        out.push_str("</ul>");
    }
    for (title, list) in action_lists(r) {
        let _ = write!(out, "<h2>{}</h2><ul>", html(&title));
        if list.is_empty() {
            out.push_str("<li>None.</li>");
        }
        for action in list {
            let _ = write!(out, "<li>{}</li>", html(&action_line(action)));
        }
        out.push_str("</ul>");
    }
    out.push_str("</section>");
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_from_data_is_never_a_link_or_an_image() {
        let shown = super::md("[click](javascript:alert(1)) ![x](http://e/x.png) <b>");
        // Every bracket is escaped, so no link or image syntax is left; no HTML either.
        assert!(shown.contains("\\[click\\](") && shown.contains("!\\[x\\]("), "{shown}");
        assert!(
            !shown.replace("\\[", "").replace("\\]", "").contains(['[', ']']),
            "{shown}"
        );
        assert!(!shown.contains("<b>"), "{shown}");
        assert_eq!(super::md("a|b"), "a\\|b");
    }
}
