//! When two ticket summaries say the same thing: a normalised-token score, simple enough to
//! explain in one paragraph (README: "Problem management").
//!
//! A summary becomes a set of words: lower case, split at anything not a letter or a digit,
//! without words that carry no meaning here ("the", "for", "after", ...), without words holding
//! a digit (ticket numbers, times, counts), and with plural and tense endings cut ("payments",
//! "delayed" → "payment", "delay"). Two summaries are alike when their sets share at least
//! [`ALIKE`] of their words by the Dice score, 2·|A∩B| / (|A|+|B|).

use std::collections::BTreeSet;

/// The Dice score from which two summaries count as alike.
pub const ALIKE: f64 = 0.6;

/// Words that say nothing about what happened.
const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "at", "by", "from", "with", "after", "before", "is",
    "are", "was", "were", "be", "been", "not", "no", "does", "do", "did", "cannot", "can", "some", "all", "this",
    "that", "these", "it", "its", "our", "their", "user", "users", "please", "issue", "problem", "error", "again",
    "still", "when", "while", "via", "re", "fw", "fwd",
];

/// The words of a summary that say what happened.
pub fn words(summary: &str) -> BTreeSet<String> {
    summary
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()) && !w.chars().any(|c| c.is_ascii_digit()) && w.chars().count() > 1)
        .map(|w| stem(&w))
        .collect()
}

/// Cuts a plural or a tense ending, so "delayed", "delays" and "delay" are one word.
fn stem(w: &str) -> String {
    let n = w.chars().count();
    for (end, keep) in [("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")] {
        if n > end.len() + 3 && w.ends_with(end) && !w.ends_with("ss") {
            return format!("{}{keep}", &w[..w.len() - end.len()]);
        }
    }
    w.to_string()
}

/// The Dice score of two word sets: 1 for the same words, 0 for none shared.
pub fn score(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(b).count();
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

/// The words of many summaries, each distinct summary read once.
pub fn words_of<'a>(summaries: impl IntoIterator<Item = &'a str>) -> Vec<BTreeSet<String>> {
    let mut read: std::collections::HashMap<&str, BTreeSet<String>> = Default::default();
    summaries
        .into_iter()
        .map(|s| read.entry(s).or_insert_with(|| words(s)).clone())
        .collect()
}

/// Whether two summaries say the same thing.
pub fn alike(a: &BTreeSet<String>, b: &BTreeSet<String>) -> bool {
    score(a, b) >= ALIKE
}

/// Groups of alike summaries, by index into `summaries` in the order given: each group
/// starts at its first summary and takes every later one alike to that first one (so a
/// group does not drift from what it is about). Groups of one are left out.
pub fn groups(summaries: &[BTreeSet<String>]) -> Vec<Vec<usize>> {
    use std::collections::HashMap;
    // A queue repeats its summaries: the distinct ones are grouped, in the order they first
    // come, each compared only with those it shares a word with (an index of words), then
    // every summary goes where its distinct one went.
    let mut distinct: Vec<&BTreeSet<String>> = Vec::new();
    let mut index_of: HashMap<&BTreeSet<String>, usize> = HashMap::new();
    let ix: Vec<usize> = summaries
        .iter()
        .map(|s| {
            *index_of.entry(s).or_insert_with(|| {
                distinct.push(s);
                distinct.len() - 1
            })
        })
        .collect();
    let mut by_word: HashMap<&str, Vec<usize>> = HashMap::new();
    for (d, set) in distinct.iter().enumerate() {
        for w in set.iter() {
            by_word.entry(w.as_str()).or_default().push(d);
        }
    }
    let mut group_of: Vec<Option<usize>> = vec![None; distinct.len()];
    let mut seeds = 0;
    for d in 0..distinct.len() {
        if group_of[d].is_some() {
            continue;
        }
        group_of[d] = Some(seeds);
        let mut near: Vec<usize> = distinct[d]
            .iter()
            .flat_map(|w| by_word.get(w.as_str()).into_iter().flatten().copied())
            .filter(|&e| e > d)
            .collect();
        near.sort_unstable();
        near.dedup();
        for e in near {
            if group_of[e].is_none() && alike(distinct[d], distinct[e]) {
                group_of[e] = Some(seeds);
            }
        }
        seeds += 1;
    }
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); seeds];
    for (i, d) in ix.iter().enumerate() {
        if let Some(g) = group_of[*d] {
            out[g].push(i);
        }
    }
    out.retain(|g| g.len() > 1);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_event_worded_differently_is_alike() {
        let base = words("Payment confirmations delayed for wallet payments");
        assert_eq!(
            base.iter().map(String::as_str).collect::<Vec<_>>(),
            vec!["confirmation", "delay", "payment", "wallet"]
        );
        for other in [
            "Wallet payment confirmation delayed",
            "Delayed payment confirmations (wallet) INC0012345",
            "Payment confirmation delays for Apple Pay wallet",
        ] {
            assert!(alike(&base, &words(other)), "{other}: {}", score(&base, &words(other)));
        }
    }

    #[test]
    fn different_events_on_the_same_service_are_not() {
        let base = words("Payment confirmations delayed for wallet payments");
        for other in [
            "Checkout fails for some card types",
            "Payment confirmation emails not sent",
            "Refund to wallet rejected by the bank",
            "",
        ] {
            assert!(!alike(&base, &words(other)), "{other}: {}", score(&base, &words(other)));
        }
    }

    #[test]
    fn groups_start_at_their_first_summary() {
        let s: Vec<_> = [
            "Wallet payment confirmations delayed",
            "Checkout fails for some card types",
            "Payment confirmation delayed for wallet",
            "Checkout fails for card types",
            "Nightly batch job did not finish",
        ]
        .iter()
        .map(|t| words(t))
        .collect();
        assert_eq!(groups(&s), vec![vec![0, 2], vec![1, 3]]);
    }
}
