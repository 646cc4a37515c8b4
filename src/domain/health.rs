//! A service's health at a glance, and the watermelon check: SLAs green outside, the
//! customer's experience red inside.

use serde::Serialize;

/// The SLA side: everything but satisfaction targets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlaPicture {
    /// Whether every target was met, per month, oldest first and the current month last.
    pub months_met: Vec<bool>,
    /// Targets missed in the current month, in words ("P2 resolution 83% against 95%").
    pub missed: Vec<String>,
    pub open_breaches: usize,
    pub at_risk_clocks: usize,
}

impl SlaPicture {
    /// How many months, counting back from the current one, every target was met.
    pub fn months_running(&self) -> usize {
        self.months_met.iter().rev().take_while(|m| **m).count()
    }

    pub fn is_green(&self) -> bool {
        self.open_breaches == 0 && self.at_risk_clocks == 0 && self.months_met.last().copied().unwrap_or(true)
    }
}

/// One piece of feedback on the experience side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Feedback {
    pub kind: FeedbackKind,
    pub days_ago: f64,
    /// On the 1–5 scale (a touch point's sentiment, or a survey score mapped onto it).
    pub score: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackKind {
    Sentiment,
    /// A period's aggregate survey score.
    Survey,
    /// One survey response, and whether it counts as satisfied for CSAT.
    Response {
        satisfied: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HealthRules {
    /// Feedback older than this is left out.
    pub window_days: f64,
    /// Feedback loses half its weight every this many days.
    pub half_life_days: f64,
    /// A weighted score (1–5) below this is a poor experience.
    pub poor_below: f64,
    /// A touch point with sentiment at or below this is negative.
    pub negative_at_most: f64,
}

impl Default for HealthRules {
    fn default() -> Self {
        HealthRules {
            window_days: 90.0,
            half_life_days: 30.0,
            poor_below: 3.0,
            negative_at_most: 2.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Green outside and inside.
    Avocado,
    /// SLAs green, experience poor.
    Watermelon,
    /// Clocks at risk, nothing breached yet.
    AtRisk,
    /// Open breaches or targets missed this month.
    Breaching,
    /// SLAs green, but no feedback in the window to say how it feels.
    Unheard,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Avocado => "avocado",
            Verdict::Watermelon => "watermelon",
            Verdict::AtRisk => "at risk",
            Verdict::Breaching => "breaching",
            Verdict::Unheard => "unheard",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Health {
    pub verdict: Verdict,
    /// The weighted experience score on the 1–5 scale, when there is feedback.
    pub experience: Option<f64>,
    pub reason: String,
}

/// The experience score: feedback in the window, weighted to the recent.
pub fn experience_score(feedback: &[Feedback], rules: &HealthRules) -> Option<f64> {
    let mut total = 0.0;
    let mut weights = 0.0;
    for f in feedback
        .iter()
        .filter(|f| f.days_ago >= 0.0 && f.days_ago <= rules.window_days)
    {
        let w = 0.5f64.powf(f.days_ago / rules.half_life_days);
        total += w * f.score;
        weights += w;
    }
    (weights > 0.0).then(|| total / weights)
}

/// Classifies a service. `survey_below_goal` names a satisfaction target the latest survey
/// missed, which makes the experience poor whatever the touch points say.
pub fn classify(
    sla: &SlaPicture,
    feedback: &[Feedback],
    survey_below_goal: Option<&str>,
    rules: &HealthRules,
) -> Health {
    let experience = experience_score(feedback, rules);
    let in_window: Vec<&Feedback> = feedback
        .iter()
        .filter(|f| f.days_ago >= 0.0 && f.days_ago <= rules.window_days)
        .collect();
    let touches: Vec<&&Feedback> = in_window.iter().filter(|f| f.kind == FeedbackKind::Sentiment).collect();
    let surveys: Vec<&&Feedback> = in_window.iter().filter(|f| f.kind == FeedbackKind::Survey).collect();
    let negative_this_month = touches
        .iter()
        .filter(|f| f.days_ago <= 30.0 && f.score <= rules.negative_at_most)
        .count();

    let mut inside = Vec::new();
    if !touches.is_empty() {
        let avg = touches.iter().map(|f| f.score).sum::<f64>() / touches.len() as f64;
        let n = touches.len();
        let mut part = format!(
            "sentiment {avg:.1}/5 from {n} touch point{}",
            if n == 1 { "" } else { "s" }
        );
        if negative_this_month > 0 {
            part.push_str(&format!(", {negative_this_month} negative this month"));
        }
        inside.push(part);
    }
    if !surveys.is_empty() {
        let avg = surveys.iter().map(|f| f.score).sum::<f64>() / surveys.len() as f64;
        inside.push(format!("satisfaction {avg:.1}/5"));
    }
    let responses: Vec<bool> = in_window
        .iter()
        .filter_map(|f| match f.kind {
            FeedbackKind::Response { satisfied } => Some(satisfied),
            _ => None,
        })
        .collect();
    if !responses.is_empty() {
        let n = responses.len();
        let happy = responses.iter().filter(|s| **s).count();
        inside.push(format!(
            "CSAT {}% from {n} survey response{}",
            super::survey::csat(happy, n).unwrap_or(0),
            if n == 1 { "" } else { "s" }
        ));
    }
    if let Some(goal) = survey_below_goal {
        inside.push(format!("below its satisfaction target ({goal})"));
    }
    let inside_text = inside.join("; ");

    let outside = if sla.open_breaches > 0 || !sla.months_met.last().copied().unwrap_or(true) {
        let mut parts = Vec::new();
        if sla.open_breaches > 0 {
            parts.push(format!(
                "{} open breach{}",
                sla.open_breaches,
                if sla.open_breaches == 1 { "" } else { "es" }
            ));
        }
        parts.extend(sla.missed.iter().cloned());
        let text = parts.join("; ");
        return Health {
            verdict: Verdict::Breaching,
            experience,
            reason: join(&text, &inside_text),
        };
    } else if sla.at_risk_clocks > 0 {
        let n = sla.at_risk_clocks;
        let text = format!("{n} clock{} at risk", if n == 1 { "" } else { "s" });
        return Health {
            verdict: Verdict::AtRisk,
            experience,
            reason: join(&text, &inside_text),
        };
    } else {
        match sla.months_running() {
            0 => "SLAs met".to_string(),
            1 => "SLAs met this month".to_string(),
            n => format!("SLAs met {n} months running"),
        }
    };

    let poor = survey_below_goal.is_some() || experience.is_some_and(|e| e < rules.poor_below);
    let verdict = match experience {
        None if survey_below_goal.is_none() => Verdict::Unheard,
        _ if poor => Verdict::Watermelon,
        _ => Verdict::Avocado,
    };
    let reason = match verdict {
        Verdict::Unheard => format!("{outside}; no feedback in {} days", rules.window_days as i64),
        _ => join(&outside, &inside_text),
    };
    Health {
        verdict,
        experience,
        reason,
    }
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (_, true) => a.to_string(),
        (true, false) => b.to_string(),
        (false, false) => format!("{a}; {b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(days_ago: f64, score: f64) -> Feedback {
        Feedback {
            kind: FeedbackKind::Sentiment,
            days_ago,
            score,
        }
    }

    fn green() -> SlaPicture {
        SlaPicture {
            months_met: vec![true, true, true],
            ..SlaPicture::default()
        }
    }

    #[test]
    fn green_outside_red_inside_is_a_watermelon_with_its_reason() {
        let fb = [
            touch(3.0, 2.0),
            touch(10.0, 1.0),
            touch(40.0, 3.0),
            touch(70.0, 2.0),
            touch(80.0, 3.0),
            touch(85.0, 2.0),
        ];
        let h = classify(&green(), &fb, None, &HealthRules::default());
        assert_eq!(h.verdict, Verdict::Watermelon);
        assert_eq!(
            h.reason,
            "SLAs met 3 months running; sentiment 2.2/5 from 6 touch points, 2 negative this month"
        );
    }

    #[test]
    fn green_and_happy_is_an_avocado() {
        let fb = [touch(3.0, 4.0), touch(20.0, 5.0)];
        let h = classify(&green(), &fb, None, &HealthRules::default());
        assert_eq!(h.verdict, Verdict::Avocado);
        assert!(h.experience.is_some_and(|e| e > 4.0));
    }

    #[test]
    fn recent_feedback_weighs_more_and_old_feedback_is_left_out() {
        let rules = HealthRules::default();
        // Unhappy long ago, happy now: not a watermelon.
        let fb = [touch(2.0, 5.0), touch(60.0, 1.0), touch(200.0, 1.0)];
        let e = experience_score(&fb, &rules).unwrap_or_default();
        assert!(e > 3.9, "{e}");
        assert_eq!(experience_score(&[touch(120.0, 1.0)], &rules), None);
    }

    #[test]
    fn a_missed_satisfaction_target_makes_a_watermelon() {
        let h = classify(&green(), &[], Some("4.0"), &HealthRules::default());
        assert_eq!(h.verdict, Verdict::Watermelon);
        assert!(h.reason.contains("below its satisfaction target (4.0)"), "{}", h.reason);
    }

    #[test]
    fn breaches_and_risk_come_first_and_silence_is_unheard() {
        let mut sla = green();
        sla.open_breaches = 2;
        let h = classify(&sla, &[touch(1.0, 1.0)], None, &HealthRules::default());
        assert_eq!(h.verdict, Verdict::Breaching);
        assert!(h.reason.starts_with("2 open breaches"), "{}", h.reason);
        let mut sla = green();
        sla.at_risk_clocks = 1;
        assert_eq!(
            classify(&sla, &[], None, &HealthRules::default()).verdict,
            Verdict::AtRisk
        );
        let h = classify(&green(), &[], None, &HealthRules::default());
        assert_eq!(h.verdict, Verdict::Unheard);
        assert_eq!(h.reason, "SLAs met 3 months running; no feedback in 90 days");
        let mut missed = green();
        missed.months_met = vec![true, false];
        missed.missed = vec!["P2 resolution 83% against 95%".into()];
        let h = classify(&missed, &[], None, &HealthRules::default());
        assert_eq!(h.verdict, Verdict::Breaching);
        assert_eq!(h.reason, "P2 resolution 83% against 95%");
    }
}
