//! A file as people have it, turned into CSV text the row reader can stream: UTF-8 with or
//! without a BOM, UTF-16 with a BOM, Windows-1252 (what Excel and older ServiceNow instances
//! write), an `.xlsx` workbook (its first sheet, or one named), or a ServiceNow JSON export.
//! Anything else is named and refused ("this is a PDF").
//!
//! A CSV file is read again for each pass and never held whole; a workbook or a JSON export
//! is converted once into CSV text in memory (such files are small next to a CSV history).

use std::io::Read;
use std::path::Path;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};
use encoding_rs_io::DecodeReaderBytesBuilder;

/// Where a file's bytes come from.
#[derive(Clone, Copy)]
pub(super) enum Source<'a> {
    Path(&'a Path),
    Bytes(&'a [u8]),
}

/// How the bytes are text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl TextEncoding {
    /// How the summary names it.
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16Le => "UTF-16 (little-endian)",
            TextEncoding::Utf16Be => "UTF-16 (big-endian)",
            TextEncoding::Windows1252 => "Windows-1252",
        }
    }

    fn decoder(self) -> Option<&'static Encoding> {
        match self {
            TextEncoding::Utf8 => None,
            TextEncoding::Utf16Le => Some(UTF_16LE),
            TextEncoding::Utf16Be => Some(UTF_16BE),
            TextEncoding::Windows1252 => Some(WINDOWS_1252),
        }
    }
}

impl<'a> Source<'a> {
    fn raw(self) -> std::io::Result<Box<dyn Read + 'a>> {
        match self {
            Source::Path(p) => Ok(Box::new(std::io::BufReader::with_capacity(
                1 << 16,
                std::fs::File::open(p)?,
            ))),
            Source::Bytes(b) => Ok(Box::new(b)),
        }
    }

    /// The file as UTF-8 text (a UTF-8 BOM is left for the header reader to drop).
    pub(super) fn open(self, encoding: TextEncoding) -> std::io::Result<Box<dyn Read + 'a>> {
        let raw = self.raw()?;
        Ok(match encoding.decoder() {
            None => raw,
            Some(enc) => Box::new(
                DecodeReaderBytesBuilder::new()
                    .encoding(Some(enc))
                    .bom_override(true)
                    .build(raw),
            ),
        })
    }

    /// The whole file (a workbook or a JSON export, read once to convert).
    pub(super) fn read_all(self) -> std::io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.raw()?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// The first bytes, for [`sniff`].
    pub(super) fn head(self) -> std::io::Result<Vec<u8>> {
        let mut head = Vec::with_capacity(512);
        self.raw()?.take(512).read_to_end(&mut head)?;
        Ok(head)
    }
}

/// What a file is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FileKind {
    /// Text: CSV (or TSV) in this encoding, as far as the first bytes tell (a file with no
    /// BOM is UTF-8 until a byte says otherwise: see [`Lines::scan`]).
    Text(TextEncoding),
    Xlsx,
    Json,
}

/// Names the file kind, or refuses it in one line that says what it is.
pub(super) fn sniff(file: &str, head: &[u8]) -> Result<FileKind, String> {
    if head.starts_with(&[0xFF, 0xFE]) {
        return Ok(FileKind::Text(TextEncoding::Utf16Le));
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return Ok(FileKind::Text(TextEncoding::Utf16Be));
    }
    if head.starts_with(b"PK\x03\x04") {
        return Ok(FileKind::Xlsx);
    }
    let refuse = |what: &str| {
        Err(format!(
            "{file} {what}; sdm reads CSV, .xlsx and ServiceNow JSON exports"
        ))
    };
    if head.starts_with(b"%PDF") {
        return refuse("is a PDF, not an export: export the list as CSV or Excel (.xlsx)");
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return refuse("is an Excel 97 .xls workbook: save it as .xlsx or CSV");
    }
    let text = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&text[..0], |i| &text[i..]);
    let lower: Vec<u8> = start.iter().take(15).map(u8::to_ascii_lowercase).collect();
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return refuse("is a web page (HTML), not an export: use the tool's CSV or Excel export");
    }
    if lower.starts_with(b"<?xml") {
        return refuse("is an XML file: export the list as CSV, Excel (.xlsx) or JSON instead");
    }
    if start.starts_with(b"{") || start.starts_with(b"[") {
        return Ok(FileKind::Json);
    }
    if head.contains(&0) {
        return refuse("is not a text file (it holds NUL bytes)");
    }
    Ok(FileKind::Text(TextEncoding::Utf8))
}

/// A workbook's sheet as CSV text: date cells as local `YYYY-MM-DD HH:MM:SS` (read in the
/// import's zone), numbers as written, everything else as its text.
pub(super) fn xlsx_to_csv(file: &str, bytes: Vec<u8>, sheet: Option<&str>) -> Result<Vec<u8>, String> {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| format!("{file} is not a workbook sdm can read: {e}"))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(want) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(want))
            .cloned()
            .ok_or_else(|| format!("{file} has no sheet \"{want}\": its sheets are {}", names.join(", ")))?,
        None => names
            .first()
            .cloned()
            .ok_or_else(|| format!("{file} is a workbook with no sheet"))?,
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("{file}: sheet \"{name}\" cannot be read: {e}"))?;
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| match cell {
                Data::Empty => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(i) => i.to_string(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                Data::Float(f) => f.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(dt) => match dt.as_datetime() {
                    Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
                    None => dt.as_f64().to_string(),
                },
                Data::Error(e) => format!("#{e:?}"),
            })
            .collect();
        out.write_record(&cells).map_err(|e| format!("{file}: {e}"))?;
    }
    out.into_inner().map_err(|e| format!("{file}: {e}"))
}

/// A JSON export as CSV text: ServiceNow's `{"records": [...]}` (or `{"result": [...]}`, or a
/// bare array) of flat objects; a reference field given as `{"display_value", "value"}` is
/// read by its display value. Columns are every key, in key order.
pub(super) fn json_to_csv(file: &str, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes))
        .map_err(|_| format!("{file} is JSON but not UTF-8 text"))?;
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("{file} is not valid JSON: {e}"))?;
    let records = match &value {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => match ["records", "result", "rows", "data"]
            .iter()
            .find_map(|k| o.get(*k).and_then(serde_json::Value::as_array))
        {
            Some(a) => a,
            None => {
                return Err(format!(
                    "{file} is JSON without a list of records: sdm reads {{\"records\": [...]}} (ServiceNow's JSON export) or a list of objects"
                ));
            }
        },
        _ => return Err(format!("{file} is JSON without a list of records")),
    };
    let mut columns: Vec<String> = Vec::new();
    for r in records {
        let serde_json::Value::Object(o) = r else {
            return Err(format!(
                "{file}: a record is not an object (a record is {{\"field\": value, ...}})"
            ));
        };
        for k in o.keys() {
            if !columns.iter().any(|c| c == k) {
                columns.push(k.clone());
            }
        }
    }
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    out.write_record(&columns).map_err(|e| format!("{file}: {e}"))?;
    for r in records {
        let cells: Vec<String> = columns.iter().map(|c| json_cell(r.get(c))).collect();
        out.write_record(&cells).map_err(|e| format!("{file}: {e}"))?;
    }
    out.into_inner().map_err(|e| format!("{file}: {e}"))
}

fn json_cell(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Object(o)) => o
            .get("display_value")
            .or_else(|| o.get("value"))
            .map(|inner| json_cell(Some(inner)))
            .unwrap_or_default(),
        Some(other) => other.to_string(),
    }
}

/// Where the file's lines end, found in one streaming pass, so a record's line can be told
/// from its byte offset without holding the file (8 bytes a line). The CSV reader's own line
/// count is one short after a CRLF line end, so lines are counted here.
pub(super) struct Lines {
    /// The offset of every `\n`.
    newlines: Vec<u64>,
    /// Whether the byte before each `\n` is a `\r`.
    crlf: Vec<bool>,
}

/// What the first look at a file finds: its first line (for the separator), its line ends,
/// and whether every byte was UTF-8.
pub(super) struct Scan {
    pub first: Vec<u8>,
    pub lines: Lines,
    pub utf8: bool,
}

impl Lines {
    pub(super) fn scan(mut input: Box<dyn Read + '_>, max_first: usize) -> std::io::Result<Scan> {
        let mut lines = Lines {
            newlines: Vec::new(),
            crlf: Vec::new(),
        };
        let mut first: Vec<u8> = Vec::new();
        let mut first_done = false;
        let mut buf = vec![0u8; 1 << 16];
        let mut offset = 0u64;
        let mut last = 0u8;
        let mut utf8 = true;
        // Bytes of a character cut by the buffer's end, checked with the next read.
        let mut carry: Vec<u8> = Vec::new();
        loop {
            let n = match input.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let chunk = &buf[..n];
            if utf8 {
                carry.extend_from_slice(chunk);
                match std::str::from_utf8(&carry) {
                    Ok(_) => carry.clear(),
                    Err(e) if e.error_len().is_none() => {
                        let keep = carry.split_off(e.valid_up_to());
                        carry = keep;
                    }
                    Err(_) => utf8 = false,
                }
            }
            for (i, &b) in chunk.iter().enumerate() {
                if b == b'\n' {
                    lines.newlines.push(offset + i as u64);
                    lines.crlf.push(last == b'\r');
                    first_done = true;
                } else if !first_done && first.len() < max_first {
                    first.push(b);
                }
                last = b;
            }
            offset += n as u64;
        }
        if !carry.is_empty() {
            utf8 = false;
        }
        Ok(Scan { first, lines, utf8 })
    }

    /// The line a record starts on: the newlines before its first byte (its position points
    /// at or just before it, on the previous line's end).
    pub(super) fn at(&self, record: &csv::ByteRecord) -> u64 {
        let Some(mut at) = record.position().map(csv::Position::byte) else {
            return 1;
        };
        let mut i = self.newlines.partition_point(|&o| o < at);
        loop {
            match self.newlines.get(i) {
                Some(&o) if o == at => at += 1,
                Some(&o) if o == at + 1 && self.crlf[i] => at += 2,
                _ => break,
            }
            i += 1;
        }
        i as u64 + 1
    }
}

/// The field separator, guessed from the header line: a comma, or the semicolon that Excel
/// writes where the decimal mark is a comma, or a tab.
pub(super) fn delimiter(header: &[u8]) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for &b in header {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
            c.1 += 1;
        }
    }
    // The first of the most frequent; a comma when there is none.
    let mut best = counts[0];
    for c in &counts[1..] {
        if c.1 > best.1 {
            best = *c;
        }
    }
    best.0
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut record = csv::ByteRecord::new();
        let lines = Lines::scan(Box::new(text.as_bytes()), 1024).unwrap().lines;
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            out.push(lines.at(&record));
        }
        out
    }

    #[test]
    fn lines_are_the_files_own_whatever_the_line_ends() {
        assert_eq!(lines_of("h\n\"a\nb\nc\"\nx\ny\n"), vec![1, 2, 5, 6]);
        assert_eq!(lines_of("h\r\n\"a\r\nb\r\nc\"\r\nx\r\ny\r\n"), vec![1, 2, 5, 6]);
        assert_eq!(lines_of("\u{feff}h\r\n\r\nx\r\n\r\n\r\ny"), vec![1, 3, 6]);
        assert_eq!(lines_of("h\n\"a\r\nb\"\nx\n"), vec![1, 2, 4]);
    }

    #[test]
    fn the_delimiter_is_guessed_from_the_header() {
        assert_eq!(delimiter(b"ref,service,priority\nA;B,C"), b',');
        assert_eq!(delimiter(b"ref;service;priority\r\nINC1;Pay,roll;P1"), b';');
        assert_eq!(delimiter(b"ref\tservice\tpriority\n"), b'\t');
        assert_eq!(delimiter(b"\"a;b\",c\n"), b',', "inside quotes does not count");
        assert_eq!(delimiter(b"ref\n"), b',');
        assert_eq!(delimiter(b""), b',');
    }

    #[test]
    fn utf8_is_checked_across_buffer_ends() {
        // A two-byte character cut by the 64 KiB buffer is still UTF-8.
        let mut text = "a".repeat((1 << 16) - 1).into_bytes();
        text.extend_from_slice("é\n".as_bytes());
        assert!(Lines::scan(Box::new(&text[..]), 16).unwrap().utf8);
        let latin1 = b"ref,summary\nINC1,caf\xe9\n".to_vec();
        assert!(!Lines::scan(Box::new(&latin1[..]), 16).unwrap().utf8);
    }

    #[test]
    fn files_are_named_by_what_they_are() {
        assert!(sniff("f", b"%PDF-1.7").unwrap_err().contains("is a PDF"));
        assert!(
            sniff("f", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1])
                .unwrap_err()
                .contains(".xls")
        );
        assert_eq!(sniff("f", b"PK\x03\x04rest"), Ok(FileKind::Xlsx));
        assert_eq!(sniff("f", b"  {\"records\": []}"), Ok(FileKind::Json));
        assert_eq!(
            sniff("f", &[0xFF, 0xFE, b'r', 0]),
            Ok(FileKind::Text(TextEncoding::Utf16Le))
        );
        assert!(sniff("f", b"<!DOCTYPE html><html>").unwrap_err().contains("web page"));
        assert_eq!(sniff("f", b"ref,service\n"), Ok(FileKind::Text(TextEncoding::Utf8)));
    }

    #[test]
    fn windows_1252_and_utf16_read_as_text() {
        let mut text = String::new();
        Source::Bytes(b"caf\xe9 \x80")
            .open(TextEncoding::Windows1252)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "café €");
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("ref,é\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let mut text = String::new();
        Source::Bytes(&utf16)
            .open(TextEncoding::Utf16Le)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "ref,é\n");
    }

    #[test]
    fn json_records_become_rows() {
        let csv = json_to_csv(
            "f.json",
            br#"{"records":[{"number":"INC1","cmdb_ci":{"display_value":"Payroll","value":"abc"},"priority":"1 - Critical"},{"number":"INC2","priority":null,"state":"New"}]}"#,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(csv).unwrap(),
            // Columns in key order (a JSON object's keys have no order).
            "cmdb_ci,number,priority,state\nPayroll,INC1,1 - Critical,\n,INC2,,New\n"
        );
        assert!(json_to_csv("f.json", b"{\"x\": 1}").unwrap_err().contains("records"));
    }
}
