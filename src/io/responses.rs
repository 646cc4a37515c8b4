//! Survey responses one by one: a score on its own scale (0–10 or 1–5), who gave it and what
//! they wrote. A response is the same one when its service, day, respondent, score and comment
//! are: importing a file again adds nothing.

use std::rc::Rc;

use chrono::NaiveDate;
use rusqlite::types::Value;

use super::ImportKind;
use super::csv_import::{Held, RowKind, put};
use super::mapping::Field;
use super::row::RowCx;
use crate::domain::enums::SurveyScale;
use crate::domain::ids::natural_id;
use crate::store::schema::{self, Table};
use crate::store::{self, Upserted, Writer};

pub(super) struct Responses;

pub(super) struct ResponseRow {
    id: String,
    service_id: Rc<str>,
    answered_on: NaiveDate,
    score: f64,
    scale: SurveyScale,
    respondent: String,
    comment: String,
}

/// A scale as written: `0-10`, `1-5`, `10`, `5`, `0..10`.
fn scale(text: &str) -> Result<SurveyScale, String> {
    text.parse::<SurveyScale>()
        .map_err(|_| format!("\"{text}\" is not a scale: write 0-10 (how likely to recommend) or 1-5 (how satisfied)"))
}

thread_local! {
    /// The answers seen so far in this pass over a file, and the last line read (a line not
    /// after it starts a new pass: the import reads a file twice).
    static SEEN: std::cell::RefCell<(u64, std::collections::HashMap<String, usize>)> =
        std::cell::RefCell::new((0, std::collections::HashMap::new()));
}

/// How many identical answers came before this one in the file (0 for the first).
fn occurrence(content: &str, line: u64) -> usize {
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if line <= seen.0 {
            seen.1.clear();
        }
        seen.0 = line;
        let n = seen.1.entry(content.to_string()).or_insert(0);
        *n += 1;
        *n - 1
    })
}

impl RowKind for Responses {
    const KIND: ImportKind = ImportKind::Responses;
    const KEY_FIELD: Field = Field::Answered;
    const TABLE: &'static Table = &schema::RESPONSES;
    type Row = ResponseRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<ResponseRow> {
        let service_id = cx.service();
        let answered = cx.required_time(Field::Answered);
        let scale = cx.required(Field::Scale, scale);
        let score = cx.required(Field::Score, super::cells::number);
        if let (Some(s), Some(v)) = (scale, score) {
            let (low, high) = s.range();
            if !(low..=high).contains(&v) || v.fract() != 0.0 {
                cx.problem(
                    Field::Score,
                    format!("{v} is not a whole score on the {s} scale ({low} to {high})"),
                );
            }
        }
        let respondent = cx.text(Field::Respondent).unwrap_or_default().trim().to_string();
        let comment = cx.text(Field::Comment).unwrap_or_default().trim().to_string();
        let reference = cx.text(Field::Ref).unwrap_or_default().trim().to_string();
        let tz = cx.tz();
        let line = cx.line;
        let (service_id, answered, scale, score) = (service_id?, answered?, scale?, score?);
        let answered_on = chrono::DateTime::from_timestamp(answered, 0)?
            .with_timezone(&tz)
            .date_naive();
        // The tool's own response id when the file has one; else what the answer says and
        // when, numbered among the file's identical answers (two people may both give a 9
        // with no comment on one day: two answers, not a repeated row).
        let id = if reference.is_empty() {
            let content = format!("{service_id}/{answered}/{scale}/{score}/{respondent}/{comment}");
            let n = occurrence(&content, line);
            natural_id("response", &format!("{content}/{n}"))
        } else {
            natural_id("response", &format!("{service_id}/{reference}"))
        };
        Some(ResponseRow {
            id,
            service_id,
            answered_on,
            score,
            scale,
            respondent,
            comment,
        })
    }

    fn id(row: &ResponseRow) -> &str {
        &row.id
    }

    fn describe(row: &ResponseRow, _tz: &chrono_tz::Tz) -> String {
        let who = if row.respondent.is_empty() {
            String::new()
        } else {
            format!(" from {}", row.respondent)
        };
        format!("{} {} on {}{who}", row.answered_on, row.score, row.scale)
    }

    fn write(w: &mut Writer<'_>, row: ResponseRow, held: Option<Held>) -> store::Result<Upserted> {
        let fields: Vec<(&str, Value)> = vec![
            ("service_id", Value::Text(row.service_id.to_string())),
            ("answered_on", Value::Text(row.answered_on.to_string())),
            ("score", Value::Real(row.score)),
            ("scale", Value::Text(row.scale.as_str().to_string())),
            ("respondent", Value::Text(row.respondent)),
            ("comment", Value::Text(row.comment)),
        ];
        put(w, &schema::RESPONSES, &row.id, held, fields)
    }
}
