//! Text from the database or an import is shown as text: control characters and escape
//! sequences are never passed to a terminal.

use std::borrow::Cow;

/// `text` with every control character (C0, DEL, C1) and every escape sequence made inert:
/// an escape sequence is dropped whole, other control characters become `?`; a tab and a
/// newline become a space so one record stays on one line.
pub fn inert(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi_body(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string_body(&mut chars),
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_control(c) => out.push('?'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`inert`] but keeps newlines, for multi-line notes.
pub fn inert_multiline(text: &str) -> String {
    text.split('\n')
        .map(|line| inert(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_control(c: char) -> bool {
    c.is_control()
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_csi_body(chars),
        Some(']' | 'P' | '^' | '_' | 'X') => skip_string_body(chars),
        // Two-character sequences (ESC c, ESC 7, ...) and charset selections (ESC ( B).
        Some('(' | ')' | '*' | '+' | '#' | '%') => {
            chars.next();
        }
        _ => {}
    }
}

fn skip_csi_body(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) {
            break;
        }
    }
}

/// OSC, DCS, PM, APC and SOS strings end at BEL or ST (ESC \ or U+009C).
fn skip_string_body(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// How many single-letter edits turn `a` into `b` (for "did you mean ...?").
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(inert("Payroll (SAP) — ünïcode"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_never_survive() {
        let hostile = [
            "Evil\u{1b}]52;c;ZWNobyBoaQ==\u{7}Corp",
            "Title\u{1b}]0;pwned\u{1b}\\done",
            "Move\u{1b}[2J\u{1b}[10;10HHere",
            "C1\u{9b}31mred",
            "Bell\u{7}and\u{0}nul",
            "Cut\u{1b}",
        ];
        for h in hostile {
            let shown = inert(h);
            assert!(!shown.chars().any(char::is_control), "{shown:?} from {h:?}");
        }
        assert_eq!(inert("Evil\u{1b}]52;c;ZWNobyBoaQ==\u{7}Corp"), "EvilCorp");
        assert_eq!(inert("Move\u{1b}[2J\u{1b}[10;10HHere"), "MoveHere");
        assert_eq!(inert("a\tb\nc"), "a b c");
        assert_eq!(inert("Bell\u{7}x"), "Bell?x");
    }
}
