//! The review's charts as inline SVG: bars proportional to their figures on a labelled axis
//! with the target drawn as a line, daily availability with planned and excluded outages
//! marked, and the error budget burning down through the month. Labels are escaped by the
//! caller's `esc`.

use std::fmt::Write as _;

use super::DayAvailability;

/// Left margin for the axis labels, the right one for the target's label, and the bottom one
/// for the bar labels.
const AXIS: f64 = 34.0;
const RIGHT: f64 = 58.0;
const FOOT: f64 = 14.0;
const HEAD: f64 = 6.0;

/// The lowest value the axis shows: a round number at or below every figure and the target,
/// so each bar's height is proportional to its figure above it (no figure is clamped).
pub fn axis_floor(values: impl IntoIterator<Item = f64>, goal: f64) -> f64 {
    let low = values.into_iter().fold(goal, f64::min);
    let step = if 100.0 - low <= 2.0 {
        0.5
    } else if 100.0 - low <= 10.0 {
        2.0
    } else {
        10.0
    };
    ((low - step * 0.5) / step).floor().max(0.0) * step
}

/// A percentage with the decimals it needs, up to two: 100%, 99.5%, 99.95%.
pub fn label_pct(v: f64) -> String {
    let text = format!("{v:.2}");
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// A bar chart of percentages: an axis from its floor to 100% with three labelled ticks, a bar
/// per value (green at or above the goal, red below), the figure over each bar when there is
/// room, and the goal as a dashed line labelled "target".
pub fn bars(values: &[(String, Option<f64>)], goal: f64, width: u32, height: u32, esc: fn(&str) -> String) -> String {
    let floor = axis_floor(values.iter().filter_map(|(_, v)| *v), goal);
    let (w, h) = (f64::from(width), f64::from(height));
    let plot_h = h - FOOT - HEAD;
    let y = |v: f64| HEAD + plot_h - ((v - floor) / (100.0 - floor).max(1e-9)).clamp(0.0, 1.0) * plot_h;
    let n = values.len().max(1) as f64;
    let bw = (w - AXIS - RIGHT) / n;
    let mut s = format!("<svg width=\"{width}\" height=\"{height}\" role=\"img\" class=\"chart\">");
    for tick in [floor, (floor + 100.0) / 2.0, 100.0] {
        let ty = y(tick);
        let _ = write!(
            s,
            "<line x1=\"{AXIS}\" x2=\"{:.1}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" class=\"grid\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"end\">{}</text>",
            w - RIGHT,
            AXIS - 3.0,
            ty + 3.0,
            label_pct(tick)
        );
    }
    for (i, (label, v)) in values.iter().enumerate() {
        let x = AXIS + i as f64 * bw;
        if let Some(v) = v {
            let top = y(*v);
            let class = if *v + 1e-9 >= goal { "g" } else { "r" };
            let _ = write!(
                s,
                "<rect class=\"{class}\" x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {v:.2}%</title></rect>",
                x + 1.0,
                (bw - 2.0).max(1.0),
                (HEAD + plot_h - top).max(0.5),
                esc(label)
            );
            if bw >= 26.0 {
                let _ = write!(
                    s,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"middle\">{}</text>",
                    x + bw / 2.0,
                    (top - 2.0).max(8.0),
                    label_pct((v * 10.0).round() / 10.0)
                );
            }
        }
        if values.len() <= 12 || i % 2 == 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
                x + bw / 2.0,
                h - 3.0,
                esc(label)
            );
        }
    }
    let gy = y(goal);
    let _ = write!(
        s,
        "<line x1=\"{AXIS}\" x2=\"{:.1}\" y1=\"{gy:.1}\" y2=\"{gy:.1}\" class=\"goal\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" class=\"goal-label\">target {}</text></svg>",
        w - RIGHT,
        w - RIGHT + 3.0,
        gy + 3.0,
        label_pct(goal)
    );
    s
}

/// Daily availability: the bars of [`bars`], with a mark under each day that had planned work
/// ("P") or an outage left out of the SLA ("X").
pub fn daily(days: &[DayAvailability], goal: f64, width: u32, height: u32, esc: fn(&str) -> String) -> String {
    let values: Vec<(String, Option<f64>)> = days
        .iter()
        .map(|d| (d.date.format("%d").to_string(), Some(d.percent)))
        .collect();
    let mut s = bars(&values, goal, width, height, esc);
    let bw = (f64::from(width) - AXIS - RIGHT) / values.len().max(1) as f64;
    let mut marks = String::new();
    for (i, d) in days.iter().enumerate() {
        let mark = match (d.planned, d.excluded) {
            (true, true) => "P X",
            (true, false) => "P",
            (false, true) => "X",
            (false, false) => continue,
        };
        let _ = write!(
            marks,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"8\" text-anchor=\"middle\" class=\"mark\">{mark}</text>",
            AXIS + (i as f64 + 0.5) * bw,
            HEAD + 8.0
        );
    }
    if let Some(end) = s.rfind("</svg>") {
        s.insert_str(end, &marks);
    }
    s
}

/// The error budget left, day by day: a line from the month's budget down by each day's
/// downtime, with zero drawn and the days labelled every few.
pub fn burn_down(days: &[DayAvailability], budget_min: f64, width: u32, height: u32) -> String {
    let (w, h) = (f64::from(width), f64::from(height));
    let plot_h = h - FOOT - HEAD;
    let mut left = budget_min;
    let mut points = vec![(0usize, left)];
    for (i, d) in days.iter().enumerate() {
        left -= d.down_secs as f64 / 60.0;
        points.push((i + 1, left));
    }
    let low = points.iter().map(|p| p.1).fold(0.0, f64::min);
    let high = budget_min.max(1.0);
    let y = |v: f64| HEAD + plot_h - ((v - low) / (high - low).max(1e-9)) * plot_h;
    let n = days.len().max(1) as f64;
    let x = |i: usize| AXIS + i as f64 * (w - AXIS - 4.0) / n;
    let mut s = format!("<svg width=\"{width}\" height=\"{height}\" role=\"img\" class=\"chart\">");
    let mut drawn: Vec<f64> = Vec::new();
    for tick in [0.0, high, low] {
        let ty = y(tick);
        if drawn.iter().any(|d| (d - ty).abs() < 10.0) {
            continue;
        }
        drawn.push(ty);
        let _ = write!(
            s,
            "<line x1=\"{AXIS}\" x2=\"{w}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\" class=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"end\">{tick:.0}m</text>",
            if tick == 0.0 { "zero" } else { "grid" },
            AXIS - 3.0,
            ty + 3.0
        );
    }
    let path: Vec<String> = points
        .iter()
        .map(|(i, v)| format!("{:.1},{:.1}", x(*i), y(*v)))
        .collect();
    let class = if left < 0.0 { "burn over" } else { "burn" };
    let _ = write!(s, "<polyline class=\"{class}\" points=\"{}\"/>", path.join(" "));
    for (i, d) in days.iter().enumerate() {
        if i % 5 == 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
                x(i + 1),
                h - 3.0,
                d.date.format("%d")
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn plain(s: &str) -> String {
        s.to_string()
    }

    /// The heights of the bars drawn, in order.
    fn heights(svg: &str) -> Vec<f64> {
        svg.split("<rect ")
            .skip(1)
            .map(|r| {
                let at = r.find("height=\"").unwrap() + 8;
                r[at..at + r[at..].find('"').unwrap()].parse().unwrap()
            })
            .collect()
    }

    #[test]
    fn bars_are_proportional_above_the_floor_and_the_axis_is_labelled() {
        // The case that drew 75% and 83.3% both 3 px high.
        let values = vec![
            ("09".to_string(), Some(75.0)),
            ("10".to_string(), Some(83.3)),
            ("11".to_string(), Some(100.0)),
        ];
        let floor = axis_floor([75.0, 83.3, 100.0], 95.0);
        assert_eq!(floor, 70.0);
        let svg = bars(&values, 95.0, 200, 80, plain);
        let h = heights(&svg);
        // Heights above the floor: 5, 13.3 and 30 points of a 30-point axis.
        let ratio = |a: f64, b: f64| a / b;
        assert!((ratio(h[0], h[2]) - 5.0 / 30.0).abs() < 0.01, "{h:?}");
        assert!((ratio(h[1], h[2]) - 13.3 / 30.0).abs() < 0.01, "{h:?}");
        for label in [">70%<", ">85%<", ">100%<", ">target 95%<"] {
            assert!(svg.contains(label), "{label} missing: {svg}");
        }
    }

    #[test]
    fn a_close_range_gets_a_fine_axis() {
        assert_eq!(axis_floor([99.86, 100.0], 99.9), 99.5);
        assert_eq!(axis_floor([99.2], 99.95), 98.5);
        assert_eq!(axis_floor([0.0], 95.0), 0.0);
    }

    #[test]
    fn the_burn_down_ends_at_the_budget_less_the_downtime() {
        let day = |d: u32, down: i64| DayAvailability {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap(),
            percent: 100.0,
            down_secs: down,
            planned: false,
            excluded: false,
        };
        let svg = burn_down(&[day(1, 0), day(2, 3600), day(3, 0)], 43.0, 300, 80);
        assert!(
            svg.contains("class=\"burn over\""),
            "60 minutes down on a 43-minute budget: {svg}"
        );
        assert!(
            svg.contains(">-17m<") && svg.contains(">43m<") && svg.contains(">0m<"),
            "{svg}"
        );
    }
}
