//! Fuzzy matching for the jump (`:`): the letters typed must appear in the text in order;
//! a match scores higher where they run together, start words, and start the text. No score
//! means no match. Case and accents of ASCII letters aside, nothing else is loosened.

/// How well `query` matches `text`: `None` when its letters do not all appear in order.
pub fn score(query: &str, text: &str) -> Option<i64> {
    let q: Vec<char> = query
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    if q.is_empty() {
        return None;
    }
    let t: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let mut total = 0i64;
    let mut qi = 0usize;
    let mut last: Option<usize> = None;
    for (i, &c) in t.iter().enumerate() {
        if qi == q.len() {
            break;
        }
        if c != q[qi] {
            continue;
        }
        let word_start = i == 0 || !t[i - 1].is_alphanumeric();
        total += 1;
        if word_start {
            total += 8;
        }
        if i == 0 {
            total += 6;
        }
        match last {
            Some(l) if l + 1 == i => total += 5,
            Some(l) => total -= ((i - l - 1) as i64).min(6),
            None => total -= (i as i64).min(4),
        }
        last = Some(i);
        qi += 1;
    }
    (qi == q.len()).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::score;

    #[test]
    fn letters_in_order_match_and_runs_and_word_starts_rank_first() {
        assert!(score("ann", "Ann de Vries").is_some());
        assert!(score("adv", "Ann de Vries").is_some());
        assert!(score("xyz", "Ann de Vries").is_none());
        assert!(score("nna", "Ann de Vries").is_none(), "order matters");
        // A run at the start beats letters scattered.
        assert!(score("pay", "Payroll") > score("pay", "Expense approval yearly"));
        // Word starts beat the middle of words.
        assert!(score("gl", "General Ledger") > score("gl", "Angle"));
        assert_eq!(score("", "anything"), None);
    }
}
