//! Text from the database or an import is shown as text: control characters and escape
//! sequences are never passed to a terminal.

use std::borrow::Cow;

/// `text` with every control character (C0, DEL, C1), every escape sequence and every bidi
/// override made inert: an escape sequence is dropped whole, other control characters and
/// bidi overrides become `?`; a tab and a newline become a space so one record stays on one
/// line.
pub fn inert(text: &str) -> Cow<'_, str> {
    neutralise(text, false)
}

/// Like [`inert`] but keeps newlines and tabs: for whole blocks of output (a command's
/// printout, an error report, a multi-line note).
pub fn inert_lines(text: &str) -> Cow<'_, str> {
    neutralise(text, true)
}

/// Like [`inert`] but keeps newlines, for multi-line notes.
pub fn inert_multiline(text: &str) -> String {
    inert_lines(&text.replace('\t', " ")).into_owned()
}

fn neutralise(text: &str, keep_lines: bool) -> Cow<'_, str> {
    // Most text is printable ASCII (and a block of output keeps its lines): found byte by
    // byte, without decoding characters or copying a long printout.
    let kept = |c: char| keep_lines && matches!(c, '\n' | '\t');
    if printable_ascii(text, keep_lines) || !text.chars().any(|c| is_unsafe(c) && !kept(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi_body(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' => skip_string_body(&mut chars),
            '\n' | '\t' if keep_lines => out.push(c),
            '\r' if keep_lines && chars.peek() == Some(&'\n') => {}
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_unsafe(c) => out.push('?'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether every byte of `text` is printable ASCII, or a newline or a tab when `keep_lines`
/// (what [`neutralise`] leaves as it is).
fn printable_ascii(text: &str, keep_lines: bool) -> bool {
    text.bytes()
        .all(|b| matches!(b, 0x20..=0x7e) || (keep_lines && matches!(b, b'\n' | b'\t')))
}

/// A character a terminal must never receive from data: C0 and C1 controls, DEL, and the
/// bidi overrides and isolates that make text read other than it is stored.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// JSON text with every character that [`is_unsafe`] written as a `\uXXXX` escape, so the
/// document can go to a terminal as it is and still reads back to the same values. Such
/// characters only ever stand inside JSON strings (serde escapes C0 itself).
pub fn json_for_terminal(json: String) -> String {
    let plain = json.bytes().all(|b| matches!(b, 0x20..=0x7e | b'\n' | b'\t' | b'\r'));
    if plain || !json.chars().any(|c| is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r')) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
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
        // A printout's lines and tabs stay, without a copy; in one record they do not.
        let block = "one\ttwo\nthree {\n  \"a\": 1\n}\n";
        assert!(matches!(inert_lines(block), Cow::Borrowed(b) if b == block));
        let wide = "3 breaches · 2 at risk\n\tStore POS — ünïcode\n";
        assert!(matches!(inert_lines(wide), Cow::Borrowed(b) if b == wide));
        assert_eq!(inert(block), "one two three {   \"a\": 1 } ");
        // A carriage return or DEL in ASCII text is still dealt with.
        assert_eq!(inert_lines("a\r\nb\u{7f}"), "a\nb?");
        let doc = "{\n  \"a\": \"b\u{7f}\"\n}".to_string();
        assert_eq!(json_for_terminal(doc), "{\n  \"a\": \"b\\u007f\"\n}");
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

    #[test]
    fn c1_controls_and_bidi_overrides_are_neutralised() {
        assert_eq!(inert("a\u{9b}31mb"), "ab");
        assert_eq!(inert("pay\u{202e}lacoL"), "pay?lacoL");
        assert_eq!(inert("x\u{2066}y\u{2069}"), "x?y?");
        assert_eq!(inert("del\u{7f}"), "del?");
        assert_eq!(inert_lines("one\ttwo\r\nthree\u{1b}]0;t\u{7}"), "one\ttwo\nthree");
    }

    #[test]
    fn json_for_the_terminal_escapes_c1_and_bidi_and_reads_back_the_same() {
        let value = serde_json::json!({"name": "a\u{9b}b\u{202e}c\u{7f}d\u{1b}e"});
        let text = json_for_terminal(serde_json::to_string_pretty(&value).unwrap_or_default());
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text:?}");
        assert!(text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\u007f"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value);
    }
}
