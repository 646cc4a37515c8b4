//! The monthly review as Markdown (pastes into a wiki) and as one self-contained HTML file
//! (styles and SVG charts inline, nothing fetched, prints well). All data text is made inert
//! and escaped for the format.

use std::fmt::Write as _;

use super::{MonthReport, Rag};
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

fn pct(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.1}%")).unwrap_or_else(|| "—".into())
}

fn dur(v: Option<i64>) -> String {
    v.map(format_duration).unwrap_or_else(|| "—".into())
}

pub fn markdown(reports: &[MonthReport]) -> String {
    let mut out = String::new();
    for r in reports {
        let _ = writeln!(out, "# Service review: {} — {}\n", md(&r.service), r.month);
        let _ = writeln!(
            out,
            "{} · {} · service window {} · as of {}\n",
            md(&r.customer),
            md(&r.agreement),
            md(&r.window),
            r.as_of
        );
        for f in &r.freshness {
            let _ = writeln!(out, "> {}", md(f));
        }
        let _ = writeln!(out, "\n**Health:** {} — {}\n", md(&r.verdict.0), md(&r.verdict.1));
        let _ = writeln!(
            out,
            "## SLA targets\n\n| Target | Goal | This month | Trend | RAG | Last 6 months |\n|---|---|---|---|---|---|"
        );
        for t in &r.targets {
            let series: Vec<String> = t
                .months
                .iter()
                .map(|(m, v)| format!("{}: {}", &m[5..], pct(*v)))
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                md(&t.name),
                md(&t.goal),
                pct(t.months.last().and_then(|m| m.1)),
                t.trend,
                t.rag.label(),
                series.join(", ")
            );
        }
        if let Some((a, goal, budget, down)) = r.availability {
            let _ = writeln!(
                out,
                "\n**Availability:** {a:.3}% against {goal}% · error budget {budget:.0} min, used {down:.0} min, left {:.0} min",
                budget - down
            );
        }
        let _ = writeln!(
            out,
            "\n## Tickets\n\n| Priority | Opened | Resolved | Open at month end |\n|---|---|---|---|"
        );
        for p in &r.priorities {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                p.priority, p.opened, p.resolved, p.open_at_end
            );
        }
        let _ = writeln!(
            out,
            "\nMean time to respond {} · to resolve {} (wall clock, tickets responded to or resolved in the month)",
            dur(r.mean_respond),
            dur(r.mean_resolve)
        );
        let _ = writeln!(
            out,
            "\n## Outages\n\n{} unplanned outage(s), {} down · mean time to restore {} · mean time between failures {}",
            r.outages,
            format_duration(r.downtime),
            dur(r.mtrs),
            dur(r.mtbf)
        );
        let _ = writeln!(out, "\n## Breaches\n");
        if r.breaches.is_empty() {
            let _ = writeln!(out, "None.");
        } else {
            let _ = writeln!(
                out,
                "| Breach | Status | Cause | Credit | Customer told |\n|---|---|---|---|---|"
            );
            for b in &r.breaches {
                let credit = b.credit.map(|c| format!("{c:.2}")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    md(&b.title),
                    md(&b.status),
                    md(b.cause.as_deref().unwrap_or("")),
                    credit,
                    if b.informed { "yes" } else { "no" }
                );
            }
            let _ = writeln!(
                out,
                "\n{}",
                format!("Service credits: {:.2} {}", r.credits, md(&r.currency)).trim_end()
            );
        }
        if !r.exclusions.is_empty() {
            let _ = writeln!(
                out,
                "\n## Left out of the SLA\n\n| What | Reason | Note |\n|---|---|---|"
            );
            for e in &r.exclusions {
                let _ = writeln!(out, "| {} | {} | {} |", md(&e.what), md(&e.reason), md(&e.note));
            }
        }
        let (ok, all) = r.changes;
        let rate = if all > 0 {
            format!("{:.0}%", ok as f64 * 100.0 / all as f64)
        } else {
            "—".into()
        };
        let _ = writeln!(out, "\n## Changes\n\n{all} change(s), {ok} plainly successful ({rate})");
        for c in &r.notable_changes {
            let _ = writeln!(out, "- {}", md(c));
        }
        let _ = writeln!(
            out,
            "\n## Reviews and relationship\n\n{} review(s) held · {} action(s) open · {} touch point(s), average sentiment {}",
            r.reviews_held,
            r.actions_open,
            r.touch_points,
            r.sentiment.map(|s| format!("{s:.1}/5")).unwrap_or_else(|| "—".into())
        );
        let _ = writeln!(out, "\n## Open actions for next month\n");
        if r.next_actions.is_empty() {
            let _ = writeln!(out, "None.");
        }
        for (title, owner, due) in &r.next_actions {
            let _ = writeln!(out, "- {} — {} (due {})", md(title), md(owner), due);
        }
        out.push('\n');
    }
    out
}

fn rag_class(r: Rag) -> &'static str {
    match r {
        Rag::Green => "g",
        Rag::Amber => "a",
        Rag::Red => "r",
        Rag::None => "n",
    }
}

/// Bars of a series of percentages between `floor` and 100.
fn bars_svg(values: &[(String, Option<f64>)], floor: f64, goal: f64, width: u32, height: u32) -> String {
    let n = values.len().max(1) as f64;
    let bw = f64::from(width) / n;
    let h = f64::from(height - 14);
    let y = |v: f64| h - ((v - floor).max(0.0) / (100.0 - floor).max(1e-9)).min(1.0) * h;
    let mut s = format!("<svg width=\"{width}\" height=\"{height}\" role=\"img\">");
    for (i, (label, v)) in values.iter().enumerate() {
        let x = i as f64 * bw;
        if let Some(v) = v {
            // A figure below the chart's floor still shows, as a short red bar.
            let top = y(*v).min(h - 3.0);
            let class = if *v + 1e-9 >= goal { "g" } else { "r" };
            let _ = write!(
                s,
                "<rect class=\"{class}\" x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {v:.2}%</title></rect>",
                x + 1.0,
                bw - 2.0,
                h - top,
                html(label)
            );
        }
        if values.len() <= 12 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"9\">{}</text>",
                x + 2.0,
                height - 2,
                html(label)
            );
        }
    }
    let gy = y(goal);
    let _ = write!(
        s,
        "<line x1=\"0\" x2=\"{width}\" y1=\"{gy:.1}\" y2=\"{gy:.1}\" class=\"goal\"/></svg>"
    );
    s
}

const STYLE: &str = "body{font:14px/1.4 sans-serif;margin:2em;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:1.5em}\
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}\
.g{fill:#2e7d32;color:#2e7d32}.a{fill:#ef8f00;color:#b36b00}.r{fill:#c62828;color:#c62828}.n{color:#777}\
line.goal{stroke:#333;stroke-dasharray:4 3}.muted{color:#555}\
@media print{body{margin:0}section{page-break-after:always}}";

pub fn to_html(reports: &[MonthReport]) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Service review</title><style>{STYLE}</style></head><body>"
    );
    for r in reports {
        let _ = write!(
            out,
            "<section><h1>Service review: {} — {}</h1>",
            html(&r.service),
            r.month
        );
        let _ = write!(
            out,
            "<p class=\"muted\">{} · {} · service window {} · as of {}</p>",
            html(&r.customer),
            html(&r.agreement),
            html(&r.window),
            r.as_of
        );
        for f in &r.freshness {
            let _ = write!(out, "<p class=\"muted\">{}</p>", html(f));
        }
        let _ = write!(
            out,
            "<p><b>Health:</b> {} — {}</p>",
            html(&r.verdict.0),
            html(&r.verdict.1)
        );
        let _ = write!(
            out,
            "<h2>SLA targets</h2><table><tr><th>Target</th><th>Goal</th><th>This month</th><th>Trend</th><th>RAG</th><th>Last 6 months</th></tr>"
        );
        for t in &r.targets {
            let chart = bars_svg(
                &t.months
                    .iter()
                    .map(|(m, v)| (m[5..].to_string(), *v))
                    .collect::<Vec<_>>(),
                (t.required - 10.0).max(0.0),
                t.required,
                150,
                44,
            );
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{chart}</td></tr>",
                html(&t.name),
                html(&t.goal),
                pct(t.months.last().and_then(|m| m.1)),
                t.trend,
                rag_class(t.rag),
                t.rag.label()
            );
        }
        out.push_str("</table>");
        if let Some((a, goal, budget, down)) = r.availability {
            let _ = write!(
                out,
                "<h2>Availability</h2><p>{a:.3}% against {goal}% · error budget {budget:.0} min, used {down:.0} min, left {:.0} min</p>",
                budget - down
            );
            if !r.daily.is_empty() {
                let days: Vec<(String, Option<f64>)> = r
                    .daily
                    .iter()
                    .map(|(d, v)| (d.format("%d").to_string(), Some(*v)))
                    .collect();
                out.push_str(&bars_svg(&days, (goal - 5.0).max(0.0), goal, 620, 90));
                out.push_str(
                    "<p class=\"muted\">Daily availability inside the service window (dashed: the target).</p>",
                );
            }
        }
        out.push_str("<h2>Tickets</h2><table><tr><th>Priority</th><th>Opened</th><th>Resolved</th><th>Open at month end</th></tr>");
        for p in &r.priorities {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                p.priority, p.opened, p.resolved, p.open_at_end
            );
        }
        let _ = write!(
            out,
            "</table><p>Mean time to respond {} · to resolve {} (wall clock)</p>",
            dur(r.mean_respond),
            dur(r.mean_resolve)
        );
        let _ = write!(
            out,
            "<h2>Outages</h2><p>{} unplanned outage(s), {} down · mean time to restore {} · mean time between failures {}</p>",
            r.outages,
            format_duration(r.downtime),
            dur(r.mtrs),
            dur(r.mtbf)
        );
        out.push_str("<h2>Breaches</h2>");
        if r.breaches.is_empty() {
            out.push_str("<p>None.</p>");
        } else {
            out.push_str(
                "<table><tr><th>Breach</th><th>Status</th><th>Cause</th><th>Credit</th><th>Customer told</th></tr>",
            );
            for b in &r.breaches {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    html(&b.title),
                    html(&b.status),
                    html(b.cause.as_deref().unwrap_or("")),
                    b.credit.map(|c| format!("{c:.2}")).unwrap_or_default(),
                    if b.informed { "yes" } else { "no" }
                );
            }
            let _ = write!(
                out,
                "</table><p>{}</p>",
                format!("Service credits: {:.2} {}", r.credits, html(&r.currency)).trim_end()
            );
        }
        if !r.exclusions.is_empty() {
            out.push_str("<h2>Left out of the SLA</h2><table><tr><th>What</th><th>Reason</th><th>Note</th></tr>");
            for e in &r.exclusions {
                let _ = write!(
                    out,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    html(&e.what),
                    html(&e.reason),
                    html(&e.note)
                );
            }
            out.push_str("</table>");
        }
        let (ok, all) = r.changes;
        let rate = if all > 0 {
            format!("{:.0}%", ok as f64 * 100.0 / all as f64)
        } else {
            "—".into()
        };
        let _ = write!(
            out,
            "<h2>Changes</h2><p>{all} change(s), {ok} plainly successful ({rate})</p><ul>"
        );
        for c in &r.notable_changes {
            let _ = write!(out, "<li>{}</li>", html(c));
        }
        let _ = write!(
            out,
            "</ul><h2>Reviews and relationship</h2><p>{} review(s) held · {} action(s) open · {} touch point(s), average sentiment {}</p>",
            r.reviews_held,
            r.actions_open,
            r.touch_points,
            r.sentiment.map(|s| format!("{s:.1}/5")).unwrap_or_else(|| "—".into())
        );
        out.push_str("<h2>Open actions for next month</h2><ul>");
        if r.next_actions.is_empty() {
            out.push_str("<li>None.</li>");
        }
        for (title, owner, due) in &r.next_actions {
            let _ = write!(out, "<li>{} — {} (due {})</li>", html(title), html(owner), html(due));
        }
        out.push_str("</ul></section>");
    }
    out.push_str("</body></html>\n");
    out
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
