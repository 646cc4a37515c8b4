//! Customer satisfaction scores: upserted by service and period.

use std::rc::Rc;

use rusqlite::types::Value;

use super::ImportKind;
use super::cells;
use super::csv_import::{Held, RowKind, put};
use super::keys::score_id;
use super::mapping::Field;
use super::row::RowCx;
use crate::store::schema::{self, Table};
use crate::store::{self, Upserted, Writer};

/// The scale a score is on when the file does not say (1–5), as the database assumes.
const DEFAULT_SCALE: f64 = 5.0;

pub(super) struct Scores;

pub(super) struct ScoreRow {
    id: String,
    service_id: Rc<str>,
    period: String,
    score: f64,
    /// `None`: no scale column, or an empty cell (the stored scale is left alone).
    scale: Option<f64>,
    responses: Option<i64>,
}

impl RowKind for Scores {
    const KIND: ImportKind = ImportKind::Scores;
    const KEY_FIELD: Field = Field::Period;
    const TABLE: &'static Table = &schema::SCORES;
    type Row = ScoreRow;

    fn parse(cx: &mut RowCx<'_, '_, '_>) -> Option<ScoreRow> {
        let service_id = cx.service();
        let period = cx.required(Field::Period, cells::period);
        let scale = cx.optional(Field::Scale, cells::number).flatten();
        let score = cx.required(Field::Score, cells::number);
        let responses = cx.optional(Field::Responses, cells::count).flatten();
        if let Some(s) = scale
            && s <= 0.0
        {
            cx.problem(
                Field::Scale,
                format!("{s} is not a scale: give the top of the scale, e.g. 5, 10 or 100"),
            );
        }
        let top = scale.unwrap_or(DEFAULT_SCALE);
        if let Some(v) = score
            && !(0.0..=top).contains(&v)
        {
            let hint = if cx.has(Field::Scale) {
                ""
            } else {
                " (without a scale column scores are out of 5)"
            };
            cx.problem(Field::Score, format!("{v} is outside the scale 0 to {top}{hint}"));
        }
        let (service_id, period) = (service_id?, period?);
        Some(ScoreRow {
            id: score_id(&service_id, &period),
            service_id,
            period,
            score: score?,
            scale,
            responses,
        })
    }

    fn id(row: &ScoreRow) -> &str {
        &row.id
    }

    fn describe(row: &ScoreRow, _tz: &chrono_tz::Tz) -> String {
        format!(
            "{} score {} out of {}",
            row.period,
            row.score,
            row.scale.unwrap_or(DEFAULT_SCALE)
        )
    }

    fn write(w: &mut Writer<'_>, row: ScoreRow, held: Option<Held>) -> store::Result<Upserted> {
        let mut fields: Vec<(&str, Value)> = vec![
            ("service_id", Value::Text(row.service_id.to_string())),
            ("period", Value::Text(row.period)),
            ("score", Value::Real(row.score)),
        ];
        if let Some(scale) = row.scale {
            fields.push(("scale_max", Value::Real(scale)));
        }
        if let Some(responses) = row.responses {
            fields.push(("responses", Value::Integer(responses)));
        }
        put(w, &schema::SCORES, &row.id, held, fields)
    }
}
