//! Where command output meets the terminal: one filter for every byte, and no panic when the
//! reader has gone.

use std::io::Write;

use crate::domain::text::inert_lines;

/// Writes `text` and a newline to standard output, made inert.
pub fn stdout_line(text: &str) {
    let mut line = inert_lines(text).into_owned();
    line.push('\n');
    stdout_bytes(line.as_bytes());
}

/// Writes `text` to standard output, made inert.
pub fn stdout_text(text: &str) {
    stdout_bytes(inert_lines(text).as_bytes());
}

/// Writes bytes already made safe (a JSON document) to standard output. A reader that went
/// away (`| head`) ends the command quietly with success.
pub fn stdout_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush())
        && e.kind() == std::io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

pub use crate::error::stderr_line;

/// A JSON value as a pretty document for the terminal: characters that must not reach it
/// written as escapes.
pub fn json_document<T: serde::Serialize>(value: &T) -> serde_json::Result<String> {
    Ok(crate::domain::text::json_for_terminal(serde_json::to_string_pretty(
        value,
    )?))
}

/// Writes `value` as [`json_document`] does, and a newline, to standard output as it is
/// serialised: a large document (the agenda of a million tickets is 9 MB) is not built,
/// escaped and copied in memory first. A reader that went away ends the command quietly.
pub fn say_json<T: serde::Serialize>(value: &T) -> serde_json::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = write_json(&mut out, value).and_then(|()| {
        out.write_all(b"\n")
            .and_then(|()| out.flush())
            .map_err(serde_json::Error::io)
    });
    match written {
        Err(e) if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) => std::process::exit(0),
        other => other,
    }
}

/// `value` as a pretty JSON document into `out`, each string made safe for a terminal as
/// [`crate::domain::text::json_for_terminal`] makes it: the same bytes as [`json_document`].
pub fn write_json<W: Write, T: serde::Serialize>(out: &mut W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(out, ForTerminal(serde_json::ser::PrettyFormatter::new()));
    value.serialize(&mut ser)
}

/// serde_json's pretty layout, with the unescaped parts of strings passed through
/// [`crate::domain::text::json_for_terminal`] (serde itself escapes quotes, backslashes and C0).
struct ForTerminal<'a>(serde_json::ser::PrettyFormatter<'a>);

impl serde_json::ser::Formatter for ForTerminal<'_> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, writer: &mut W, fragment: &str) -> std::io::Result<()> {
        if fragment.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            writer.write_all(fragment.as_bytes())
        } else {
            writer.write_all(crate::domain::text::json_for_terminal(fragment.to_string()).as_bytes())
        }
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_document_is_the_same_bytes_as_the_one_built_in_memory() {
        let value = serde_json::json!({
            "plain": "Service 001",
            "list": [1, {"a": "b"}, [], {}],
            "hostile": "bell\u{7}, CSI \u{1b}[2J, C1 \u{9b}31m, DEL \u{7f}, bidi \u{202e}, quote \" and \\",
            "emoji": "résumé ✓ 😀",
            "empty": "",
            "nested": {"deeper": {"x": null, "y": 1.5, "z": true}},
        });
        let mut streamed = Vec::new();
        write_json(&mut streamed, &value).unwrap();
        let built = json_document(&value).unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), built);
        assert!(!built.contains('\u{9b}') && !built.contains('\u{202e}') && !built.contains('\u{7f}'));
        let back: serde_json::Value = serde_json::from_str(&built).unwrap();
        assert_eq!(back, value);
    }
}
