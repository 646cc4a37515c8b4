//! What a review said when it was first written, and what has changed since: the key figures
//! as shown, compared line by line. A review written again with the same input says nothing
//! here; one whose period's record changed since (a late import, a correction) lists each
//! figure that moved, so the customer is never handed a silently different document.

use super::ServiceReview;

/// The figures a customer would notice change, as shown: (what, value).
pub fn key_figures(r: &ServiceReview) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for t in &r.targets {
        let shown = t
            .figure
            .map(|f| format!("{f:.prec$}%", prec = t.decimals))
            .unwrap_or_else(|| "not measured".into());
        out.push((t.name.clone(), shown));
    }
    if let Some(a) = &r.availability {
        out.push(("downtime".into(), format!("{:.0} min", a.down_min)));
    }
    for p in &r.priorities {
        out.push((format!("{} tickets opened", p.priority), p.opened.to_string()));
        out.push((format!("{} tickets resolved", p.priority), p.resolved.to_string()));
    }
    out.push(("unplanned outages".into(), r.outages.to_string()));
    out.push(("breaches".into(), r.breaches.len().to_string()));
    let open = r
        .breaches
        .iter()
        .filter(|b| b.status == "open" || b.status == "acknowledged")
        .count();
    out.push(("breaches open at the end".into(), open.to_string()));
    out.push(("service credits".into(), format!("{:.2}", r.credits)));
    out.push(("left out of the SLA".into(), r.exclusions.len().to_string()));
    out.push(("changes".into(), r.changes.1.to_string()));
    out.push(("conversations".into(), r.touch_points.to_string()));
    out.push((
        "customer experience".into(),
        r.sentiment
            .map(|s| format!("{s:.1} of 5"))
            .unwrap_or_else(|| "—".into()),
    ));
    out.push(("actions open at the end".into(), r.actions_open.to_string()));
    out
}

/// The figures as stored.
pub fn to_text(figures: &[(String, String)]) -> String {
    serde_json::to_string(figures).unwrap_or_default()
}

/// What moved between the figures first written and now: "P3 response 100.0% → 80.0%".
/// Figures that cannot be read back (an older sdm's) compare as nothing moved.
pub fn changes(first: &str, now: &[(String, String)]) -> Vec<String> {
    let Ok(before) = serde_json::from_str::<Vec<(String, String)>>(first) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (what, value) in now {
        match before.iter().find(|(w, _)| w == what) {
            Some((_, old)) if old != value => out.push(format!("{what} {old} → {value}")),
            None => out.push(format!("{what} {value} (new)")),
            _ => {}
        }
    }
    for (what, old) in &before {
        if !now.iter().any(|(w, _)| w == what) {
            out.push(format!("{what} {old} → gone"));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_what_moved_is_listed() {
        let first = to_text(&[("P3 response".into(), "100.0%".into()), ("breaches".into(), "1".into())]);
        let same = [
            ("P3 response".to_string(), "100.0%".to_string()),
            ("breaches".to_string(), "1".to_string()),
        ];
        assert!(changes(&first, &same).is_empty());
        let moved = [
            ("P3 response".to_string(), "80.0%".to_string()),
            ("breaches".to_string(), "1".to_string()),
        ];
        assert_eq!(changes(&first, &moved), vec!["P3 response 100.0% → 80.0%"]);
        assert!(changes("not json", &moved).is_empty());
    }
}
