//! The service review as Markdown (pastes into a wiki) and as one self-contained HTML file
//! (styles and SVG charts inline, nothing fetched, prints to A4): two renderings of the
//! document's blocks ([`super::blocks`]). All data text is made inert and escaped for the
//! format.

use std::fmt::Write as _;

pub use super::blocks::plural;
use super::blocks::{Block, document};
use super::charts;
use super::{Audience, ServiceReview};
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

pub fn markdown(reports: &[ServiceReview], audience: Audience) -> String {
    let mut out = String::new();
    for section in document(reports, audience) {
        for block in &section.blocks {
            match block {
                Block::Title(t) => {
                    let _ = writeln!(out, "# {}\n", md(t));
                }
                Block::Heading(h) => {
                    let _ = writeln!(out, "## {}\n", md(h));
                }
                Block::Text(t) | Block::Muted(t) => {
                    let _ = writeln!(out, "{}\n", md(t));
                }
                Block::Labelled(label, text) if text.is_empty() => {
                    let _ = writeln!(out, "**{}:**\n", md(label));
                }
                Block::Labelled(label, text) => {
                    let _ = writeln!(out, "**{}:** {}\n", md(label), md(text));
                }
                Block::Table { head, rows } => {
                    md_table(&mut out, head, rows);
                    out.push('\n');
                }
                Block::List(items) => {
                    for item in items {
                        let _ = writeln!(out, "- {}", md(item));
                    }
                    out.push('\n');
                }
                // Charts are for the page; their figures are in the tables.
                Block::SmallBars(_) | Block::Daily { .. } | Block::BurnDown { .. } => {}
            }
        }
    }
    out
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

const STYLE: &str = "body{font:14px/1.4 sans-serif;margin:2em;color:#111}h1{font-size:20px}h2{font-size:16px;margin-top:1.5em}\
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;text-align:left}\
.g{fill:#2e7d32;color:#2e7d32}.a{fill:#ef8f00;color:#b36b00}.r{fill:#c62828;color:#c62828}.n{color:#777}\
line.goal{stroke:#333;stroke-dasharray:4 3}line.grid{stroke:#ddd}line.zero{stroke:#999}.goal-label{fill:#333}\
polyline.burn{fill:none;stroke:#2e7d32;stroke-width:2}polyline.over{stroke:#c62828}.mark{fill:#555}.muted{color:#555}figure{display:inline-block;margin:0.5em 1em 0 0}\
figcaption{font-size:11px;color:#555}\
table{max-width:100%}td,th{overflow-wrap:anywhere}\
@media print{@page{size:A4;margin:12mm}@page wide{size:A4 landscape}section.summary{page:wide}\
body{margin:0;font-size:11px}td,th{padding:2px 5px}section{page-break-after:always}\
table,figure,tr{page-break-inside:avoid}h2{page-break-after:avoid}}";

pub fn to_html(reports: &[ServiceReview], audience: Audience) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Service review</title><style>{STYLE}</style></head><body>"
    );
    for section in document(reports, audience) {
        out.push_str(if section.summary {
            "<section class=\"summary\">"
        } else {
            "<section>"
        });
        for block in &section.blocks {
            match block {
                Block::Title(t) => {
                    let _ = write!(out, "<h1>{}</h1>", html(t));
                }
                Block::Heading(h) => {
                    let _ = write!(out, "<h2>{}</h2>", html(h));
                }
                Block::Text(t) => {
                    let _ = write!(out, "<p>{}</p>", html(t));
                }
                Block::Muted(t) => {
                    let _ = write!(out, "<p class=\"muted\">{}</p>", html(t));
                }
                Block::Labelled(label, text) => {
                    let _ = write!(out, "<p><b>{}:</b> {}</p>", html(label), html(text));
                }
                Block::Table { head, rows } => html_table(&mut out, head, rows),
                Block::List(items) => {
                    out.push_str("<ul>");
                    for item in items {
                        let _ = write!(out, "<li>{}</li>", html(item));
                    }
                    out.push_str("</ul>");
                }
                Block::SmallBars(charts) => {
                    out.push_str("<div class=\"charts\">");
                    for (caption, bars, goal) in charts {
                        let _ = write!(
                            out,
                            "<figure><figcaption>{}</figcaption>{}</figure>",
                            html(caption),
                            charts::bars(bars, *goal, 220, 80, html)
                        );
                    }
                    out.push_str("</div>");
                }
                Block::Daily { days, goal, note } => {
                    let _ = write!(
                        out,
                        "<figure>{}<figcaption>{}</figcaption></figure>",
                        charts::daily(days, *goal, 640, 110, html),
                        html(note)
                    );
                }
                Block::BurnDown { days, budget_min, note } => {
                    let _ = write!(
                        out,
                        "<figure>{}<figcaption>{}</figcaption></figure>",
                        charts::burn_down(days, *budget_min, 640, 110),
                        html(note)
                    );
                }
            }
        }
        out.push_str("</section>");
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
