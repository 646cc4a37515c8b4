//! How a field of a domain record becomes a column value and back, one codec per kind of
//! column: the record declarations (`store::tables`) name a codec per field, and columns are
//! read by name.

use chrono::NaiveDate;
use rusqlite::Row;
use rusqlite::types::{Type, Value};

use crate::domain::enums::Word as WordEnum;
use crate::domain::model::Pause;

/// A field's codec: `T` to a column value, and a column (by name) to `T`.
pub trait Codec<T> {
    fn put(v: &T) -> Value;
    fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<T>;
}

fn index(row: &Row<'_>, column: &str) -> rusqlite::Result<usize> {
    row.as_ref().column_index(column)
}

fn conversion(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))
}

/// Text as it is.
pub struct Text;
/// A whole number.
pub struct Int;
/// Unix seconds.
pub struct Instant;
pub struct Real;
/// 0 or 1.
pub struct Bool;
/// `YYYY-MM-DD`.
pub struct Date;
/// JSON text of any serialisable value.
pub struct Json;
/// Pauses as `[[start, end|null], ...]`.
pub struct Pauses;
/// A word of a closed vocabulary (a kind, a status), stored as text.
pub struct Word;

macro_rules! plain {
    ($codec:ty, $t:ty, $value:expr) => {
        impl Codec<$t> for $codec {
            fn put(v: &$t) -> Value {
                #[allow(clippy::redundant_closure_call)]
                ($value)(v)
            }
            fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<$t> {
                row.get(index(row, column)?)
            }
        }
    };
}

plain!(Text, String, |v: &String| Value::Text(v.clone()));
plain!(Text, Option<String>, |v: &Option<String>| v
    .clone()
    .map_or(Value::Null, Value::Text));
plain!(Int, i64, |v: &i64| Value::Integer(*v));
plain!(Int, Option<i64>, |v: &Option<i64>| v
    .map_or(Value::Null, Value::Integer));
plain!(Instant, i64, |v: &i64| Value::Integer(*v));
plain!(Instant, Option<i64>, |v: &Option<i64>| v
    .map_or(Value::Null, Value::Integer));
plain!(Real, f64, |v: &f64| Value::Real(*v));
plain!(Real, Option<f64>, |v: &Option<f64>| v.map_or(Value::Null, Value::Real));

impl Codec<bool> for Bool {
    fn put(v: &bool) -> Value {
        Value::Integer(i64::from(*v))
    }
    fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<bool> {
        Ok(row.get::<_, i64>(index(row, column)?)? != 0)
    }
}

fn day(idx: usize, s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| conversion(idx, e))
}

impl Codec<NaiveDate> for Date {
    fn put(v: &NaiveDate) -> Value {
        Value::Text(v.format("%Y-%m-%d").to_string())
    }
    fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<NaiveDate> {
        let idx = index(row, column)?;
        day(idx, &row.get::<_, String>(idx)?)
    }
}

impl Codec<Option<NaiveDate>> for Date {
    fn put(v: &Option<NaiveDate>) -> Value {
        v.map_or(Value::Null, |d| <Date as Codec<NaiveDate>>::put(&d))
    }
    fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<Option<NaiveDate>> {
        let idx = index(row, column)?;
        row.get::<_, Option<String>>(idx)?.map(|s| day(idx, &s)).transpose()
    }
}

impl<T: serde::Serialize + serde::de::DeserializeOwned> Codec<T> for Json {
    fn put(v: &T) -> Value {
        // None is SQL NULL, as a restore writes it, so copies compare equal.
        match serde_json::to_string(v) {
            Ok(text) if text != "null" => Value::Text(text),
            _ => Value::Null,
        }
    }
    fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<T> {
        let idx = index(row, column)?;
        // A nullable JSON column holds SQL NULL for none (a restore writes JSON null so).
        let text = row.get::<_, Option<String>>(idx)?;
        serde_json::from_str(text.as_deref().unwrap_or("null")).map_err(|e| conversion(idx, e))
    }
}

impl Codec<Vec<Pause>> for Pauses {
    fn put(v: &Vec<Pause>) -> Value {
        let pairs: Vec<(i64, Option<i64>)> = v.iter().map(|p| (p.start, p.end)).collect();
        <Json as Codec<Vec<(i64, Option<i64>)>>>::put(&pairs)
    }
    fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<Vec<Pause>> {
        let pairs: Vec<(i64, Option<i64>)> = <Json as Codec<_>>::get(row, column)?;
        Ok(pairs.into_iter().map(|(start, end)| Pause { start, end }).collect())
    }
}

impl<T: WordEnum> Codec<T> for Word {
    fn put(v: &T) -> Value {
        Value::Text(v.word().to_string())
    }
    fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<T> {
        let idx = index(row, column)?;
        row.get::<_, String>(idx)?.parse().map_err(|e| conversion(idx, e))
    }
}

impl<T: WordEnum> Codec<Option<T>> for Word {
    fn put(v: &Option<T>) -> Value {
        v.as_ref().map_or(Value::Null, |w| Value::Text(w.word().to_string()))
    }
    fn get(row: &Row<'_>, column: &str) -> rusqlite::Result<Option<T>> {
        let idx = index(row, column)?;
        row.get::<_, Option<String>>(idx)?
            .map(|s| s.parse().map_err(|e| conversion(idx, e)))
            .transpose()
    }
}
