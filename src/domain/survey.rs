//! Satisfaction from survey responses one by one: CSAT (the share satisfied: 4–5 on a 1–5
//! scale, 9–10 on 0–10), the Net Promoter Score (0–10 answers only: promoters 9–10 minus
//! detractors 0–6, as a whole number from −100 to +100) and how far a handful of answers can
//! be trusted.

use serde::Serialize;

use super::enums::SurveyScale;

/// Below this many responses a figure moves a lot with one answer: it is shown with a warning.
pub const FEW_RESPONSES: usize = 30;

/// Whether an answer counts as satisfied for CSAT.
pub fn satisfied(score: f64, scale: SurveyScale) -> bool {
    match scale {
        SurveyScale::OneToFive => score >= 4.0,
        SurveyScale::ZeroToTen => score >= 9.0,
    }
}

/// An answer on the 1–5 scale the experience score uses (0–10 maps 0 → 1 and 10 → 5).
pub fn on_five(score: f64, scale: SurveyScale) -> f64 {
    match scale {
        SurveyScale::OneToFive => score.clamp(1.0, 5.0),
        SurveyScale::ZeroToTen => 1.0 + score.clamp(0.0, 10.0) * 0.4,
    }
}

/// A set of responses' figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub responses: usize,
    /// Whole percent satisfied, over every response.
    pub csat: Option<i64>,
    /// From the 0–10 responses only.
    pub nps: Option<i64>,
    pub nps_responses: usize,
    pub promoters: usize,
    pub detractors: usize,
}

/// The figures of `(score, scale)` answers.
pub fn figures(answers: &[(f64, SurveyScale)]) -> Figures {
    let n = answers.len();
    let happy = answers.iter().filter(|(s, sc)| satisfied(*s, *sc)).count();
    let ten: Vec<f64> = answers
        .iter()
        .filter(|(_, sc)| *sc == SurveyScale::ZeroToTen)
        .map(|(s, _)| *s)
        .collect();
    let promoters = ten.iter().filter(|s| **s >= 9.0).count();
    let detractors = ten.iter().filter(|s| **s <= 6.0).count();
    Figures {
        responses: n,
        csat: csat(happy, n),
        nps: (!ten.is_empty()).then(|| whole_percent((promoters as i64 - detractors as i64) * 100, ten.len() as i64)),
        nps_responses: ten.len(),
        promoters,
        detractors,
    }
}

/// CSAT of `happy` satisfied answers out of `n`, whole percent (none of none).
pub fn csat(happy: usize, n: usize) -> Option<i64> {
    (n > 0).then(|| whole_percent(happy as i64 * 100, n as i64))
}

/// `num / den` rounded half away from zero, in whole numbers (integers, no float drift).
fn whole_percent(num: i64, den: i64) -> i64 {
    let q = (2 * num.abs() + den) / (2 * den);
    if num < 0 { -q } else { q }
}

impl Figures {
    /// `CSAT 60% · NPS +20 · 10 responses (fewer than 30: one answer moves it a lot)`.
    pub fn line(&self) -> String {
        if self.responses == 0 {
            return "no survey responses".into();
        }
        let mut parts = Vec::new();
        if let Some(c) = self.csat {
            parts.push(format!("CSAT {c}%"));
        }
        if let Some(n) = self.nps {
            parts.push(format!("NPS {n:+}"));
        }
        let n = self.responses;
        parts.push(format!("{n} response{}", if n == 1 { "" } else { "s" }));
        let mut line = parts.join(" · ");
        if n < FEW_RESPONSES {
            line.push_str(&format!(" (fewer than {FEW_RESPONSES}: one answer moves it a lot)"));
        }
        line
    }
}

/// How many verbatims a detail or a review quotes.
pub const VERBATIMS: usize = 3;

/// A comment as quoted: `"On time again" — Ann de Vries, 9 of 0-10, 2026-11-14`.
pub fn verbatim(comment: &str, respondent: &str, score: f64, scale: SurveyScale, day: chrono::NaiveDate) -> String {
    let who = if respondent.is_empty() {
        String::new()
    } else {
        format!("{respondent}, ")
    };
    format!("\"{}\" — {who}{score} of {scale}, {day}", comment.trim())
}

/// A service's responses over a span, as its detail and its review show them: the figures'
/// line and the latest comments (`responses` newest first).
pub fn summary(responses: &[super::model::SurveyResponse]) -> Option<(Figures, Vec<String>)> {
    if responses.is_empty() {
        return None;
    }
    let answers: Vec<(f64, SurveyScale)> = responses.iter().map(|r| (r.score, r.scale)).collect();
    let quotes = responses
        .iter()
        .filter(|r| !r.comment.trim().is_empty())
        .take(VERBATIMS)
        .map(|r| verbatim(&r.comment, &r.respondent, r.score, r.scale, r.answered_on))
        .collect();
    Some((figures(&answers), quotes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csat_and_nps_of_ten_hand_counted_answers() {
        // 0–10: 10, 9, 9, 8, 7, 6, 3 → promoters 3, passives 2, detractors 2: NPS (3−2)/7 = +14.
        // 1–5: 5, 4, 2. Satisfied: 10, 9, 9 and 5, 4 → 5 of 10: CSAT 50%.
        let mut answers: Vec<(f64, SurveyScale)> = [10.0, 9.0, 9.0, 8.0, 7.0, 6.0, 3.0]
            .into_iter()
            .map(|s| (s, SurveyScale::ZeroToTen))
            .collect();
        answers.extend([5.0, 4.0, 2.0].into_iter().map(|s| (s, SurveyScale::OneToFive)));
        let f = figures(&answers);
        assert_eq!(
            (f.responses, f.csat, f.nps, f.nps_responses),
            (10, Some(50), Some(14), 7)
        );
        assert_eq!((f.promoters, f.detractors), (3, 2));
        assert_eq!(
            f.line(),
            "CSAT 50% · NPS +14 · 10 responses (fewer than 30: one answer moves it a lot)"
        );
    }

    #[test]
    fn nps_runs_from_minus_100_to_plus_100_and_needs_0_to_10_answers() {
        let all = |s: f64, n: usize| vec![(s, SurveyScale::ZeroToTen); n];
        assert_eq!(figures(&all(0.0, 40)).nps, Some(-100));
        assert_eq!(figures(&all(10.0, 40)).nps, Some(100));
        assert_eq!(figures(&all(10.0, 40)).line(), "CSAT 100% · NPS +100 · 40 responses");
        // Only 1–5 answers: no NPS is made up from them.
        let f = figures(&[(5.0, SurveyScale::OneToFive)]);
        assert_eq!((f.csat, f.nps), (Some(100), None));
        // Halves round away from zero: 1 of 8 is 12.5% → 13; −1 of 8 → −13.
        let mut a = all(10.0, 1);
        a.extend(all(8.0, 7));
        assert_eq!(figures(&a).nps, Some(13));
        let mut a = all(0.0, 1);
        a.extend(all(8.0, 7));
        assert_eq!(figures(&a).nps, Some(-13));
        assert_eq!(figures(&[]).line(), "no survey responses");
    }
}
