//! Merging a peer's row into the local one, field by field: the later stamp wins; when both
//! sides changed a field since they last met, the losing value is kept as a conflict.
//!
//! The merge is symmetric: whichever side applies it, the row ends the same, to its stamps
//! and bookkeeping times, so two synced copies export the same document.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params_from_iter};
use serde_json::{Map, Value as Json};

use super::SyncError;
use crate::domain::ids::Hlc;
use crate::store::schema::Table;
use crate::store::undo::UndoEntry;
use crate::store::write::{from_json, to_json};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Merged {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: usize,
    /// Live records here that the peer's tombstones deleted.
    pub deleted: usize,
}

/// A field both sides hold different values of; whether it is a conflict (both changed it
/// since they parted) is settled when the whole exchange is in, see [`finish`].
#[derive(Debug, Clone)]
pub struct Candidate {
    table: &'static str,
    id: String,
    field: String,
    kept: String,
    kept_hlc: String,
    lost: String,
    lost_hlc: String,
    lost_side: &'static str,
    mine_explicit: bool,
    theirs_explicit: bool,
    mine_hlc: String,
    theirs_hlc: String,
}

/// What a merge gathers while rows come in.
#[derive(Debug, Default)]
pub struct Gathered {
    pub candidates: Vec<Candidate>,
    /// The highest stamp of the rows both copies hold exactly alike: a copied file's shared
    /// history ends there.
    pub shared_until: String,
    /// What the merge changed here, as an undo step (`sdm sync --undo`).
    pub undo: Vec<UndoEntry>,
}

/// What the merge needs to know about this sync.
pub struct MergeContext<'a> {
    /// The local stamp of this sync (recorded with rows taken from the peer).
    pub apply_hlc: &'a str,
    /// The local stamp as of the last sync with this peer: a change after it is one the
    /// other side has not seen.
    pub mark: &'a str,
    pub peer: &'a str,
    pub now_s: i64,
}

fn stamp<'a>(stamps: &'a Map<String, Json>, field: &str) -> &'a str {
    stamps
        .get(field)
        .or_else(|| stamps.get("*"))
        .and_then(Json::as_str)
        .unwrap_or("")
}

/// Records the conflicts among the candidates: fields both sides changed since the last
/// sync (`mark`). Before a first sync there is no mark: two copies of one file parted where
/// their shared history ends, and only explicit edits after it count (a field still carrying
/// its row's creation stamp was not changed by that side).
pub fn finish(
    conn: &Connection,
    ctx: &MergeContext<'_>,
    gathered: &Gathered,
    out: &mut Merged,
) -> Result<(), SyncError> {
    let first = ctx.mark.is_empty();
    let since = if first {
        gathered.shared_until.as_str()
    } else {
        ctx.mark
    };
    for c in &gathered.candidates {
        let mine = c.mine_hlc.as_str() > since && (!first || c.mine_explicit);
        let theirs = c.theirs_hlc.as_str() > since && (!first || c.theirs_explicit);
        if !(mine && theirs) && c.mine_hlc != c.theirs_hlc {
            continue;
        }
        conn.prepare_cached(
            "INSERT INTO sync_conflicts (at, peer, tbl, row_id, field, kept, kept_hlc, lost, lost_hlc, lost_side) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(rusqlite::params![
            ctx.now_s,
            ctx.peer,
            c.table,
            c.id,
            c.field,
            c.kept,
            c.kept_hlc,
            c.lost,
            c.lost_hlc,
            c.lost_side
        ])?;
        out.conflicts += 1;
    }
    Ok(())
}

fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn millis_of(stamp: &str) -> Option<i64> {
    stamp.parse::<Hlc>().ok().map(|h| h.millis)
}

fn stamps_of(v: &Json) -> Map<String, Json> {
    v.as_str()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default()
}

/// Applies one incoming row (`values` in `table.all_columns()` order). Returns whether the
/// local row changed.
pub fn apply_row(
    conn: &Connection,
    table: &'static Table,
    values: &[Json],
    gathered: &mut Gathered,
    out: &mut Merged,
) -> Result<bool, SyncError> {
    let cols: Vec<&str> = table.all_columns().map(|c| c.name).collect();
    if values.len() != cols.len() {
        return Err(SyncError::Protocol(format!(
            "a {} row has {} values, expected {}",
            table.name,
            values.len(),
            cols.len()
        )));
    }
    let pos = |name: &str| cols.iter().position(|c| *c == name).unwrap_or(0);
    let id = values[pos("id")]
        .as_str()
        .ok_or_else(|| SyncError::Protocol("a row without an id".into()))?
        .to_string();
    let sql = format!("SELECT {} FROM {} WHERE id = ?1", cols.join(", "), table.name);
    let local: Option<Vec<Json>> = conn
        .prepare_cached(&sql)?
        .query_row([&id], |r| {
            let mut v = Vec::with_capacity(cols.len());
            for i in 0..cols.len() {
                v.push(to_json(&r.get::<_, Value>(i)?));
            }
            Ok(v)
        })
        .optional()?;

    let Some(local) = local else {
        // New to this side: take it whole, with its stamps, times and tombstone.
        let row: Vec<Value> = values.iter().map(from_json).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({})",
            table.name,
            cols.join(", "),
            marks.join(", ")
        );
        conn.prepare_cached(&sql)?
            .execute(params_from_iter(row))
            .map_err(|e| SyncError::clash(e, table, &id))?;
        out.inserted += 1;
        let after: Map<String, Json> = table
            .columns
            .iter()
            .map(|c| c.name)
            .chain(std::iter::once("deleted"))
            .map(|name| (name.to_string(), values[pos(name)].clone()))
            .collect();
        gathered.undo.push(UndoEntry {
            table: table.name.to_string(),
            id,
            before: None,
            after: Some(after),
        });
        return Ok(true);
    };

    let mine_stamps = stamps_of(&local[pos("field_hlc")]);
    let theirs_stamps = stamps_of(&values[pos("field_hlc")]);
    if local.iter().zip(values).all(|(x, y)| same(x, y)) {
        let row_hlc = local[pos("hlc")].as_str().unwrap_or("");
        if row_hlc > gathered.shared_until.as_str() {
            gathered.shared_until = row_hlc.to_string();
        }
        out.unchanged += 1;
        return Ok(false);
    }
    let base_mine = stamp(&mine_stamps, "*");
    let base_theirs = stamp(&theirs_stamps, "*");
    let base = if base_theirs > base_mine {
        base_theirs
    } else {
        base_mine
    }
    .to_string();

    // Each field's merged stamp and value.
    let mut merged_stamps = Map::new();
    merged_stamps.insert("*".into(), Json::String(base.clone()));
    let mut taken: Vec<(&str, Value)> = Vec::new();
    let fields: Vec<&str> = table
        .columns
        .iter()
        .map(|c| c.name)
        .chain(std::iter::once("deleted"))
        .collect();
    for field in fields {
        let i = pos(field);
        let (mine, theirs) = (&local[i], &values[i]);
        let (a, b) = (stamp(&mine_stamps, field), stamp(&theirs_stamps, field));
        let take_theirs = if same(mine, theirs) {
            false
        } else {
            let take = match b.cmp(a) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                // The same stamp for two values (copies of one file edited apart): both
                // sides pick the same winner.
                std::cmp::Ordering::Equal => {
                    let (t, m) = (theirs.to_string(), mine.to_string());
                    t > m
                }
            };
            let (kept, kept_hlc, lost, lost_hlc, lost_side) = if take {
                (theirs, b, mine, a, "local")
            } else {
                (mine, a, theirs, b, "peer")
            };
            gathered.candidates.push(Candidate {
                table: table.name,
                id: id.clone(),
                field: field.to_string(),
                kept: kept.to_string(),
                kept_hlc: kept_hlc.to_string(),
                lost: lost.to_string(),
                lost_hlc: lost_hlc.to_string(),
                lost_side,
                mine_explicit: mine_stamps.contains_key(field),
                theirs_explicit: theirs_stamps.contains_key(field),
                mine_hlc: a.to_string(),
                theirs_hlc: b.to_string(),
            });
            take
        };
        let winner = if a >= b { a } else { b };
        if winner != base {
            merged_stamps.insert(field.to_string(), Json::String(winner.to_string()));
        }
        if take_theirs {
            taken.push((field, from_json(theirs)));
        }
    }
    let row_hlc = merged_stamps
        .values()
        .filter_map(Json::as_str)
        .max()
        .unwrap_or("")
        .to_string();
    let mine_created = local[pos("created_at")].as_i64().unwrap_or(0);
    let theirs_created = values[pos("created_at")].as_i64().unwrap_or(mine_created);
    let created = mine_created.min(theirs_created);
    let updated = millis_of(&row_hlc).unwrap_or(0);
    let merged_text = Json::Object(merged_stamps).to_string();
    let bookkeeping_same = local[pos("field_hlc")].as_str() == Some(merged_text.as_str())
        && local[pos("hlc")].as_str() == Some(row_hlc.as_str())
        && mine_created == created
        && local[pos("updated_at")].as_i64() == Some(updated);
    if taken.is_empty() && bookkeeping_same {
        out.unchanged += 1;
        return Ok(false);
    }
    let mut sql = format!(
        "UPDATE {} SET field_hlc = ?1, hlc = ?2, created_at = ?3, updated_at = ?4",
        table.name
    );
    let mut params: Vec<Value> = vec![
        Value::Text(merged_text),
        Value::Text(row_hlc),
        Value::Integer(created),
        Value::Integer(updated),
    ];
    for (n, (field, value)) in taken.iter().enumerate() {
        sql.push_str(&format!(", {field} = ?{}", n + 5));
        params.push(value.clone());
    }
    sql.push_str(&format!(" WHERE id = ?{}", taken.len() + 5));
    params.push(Value::Text(id.clone()));
    conn.prepare_cached(&sql)?
        .execute(params_from_iter(params))
        .map_err(|e| SyncError::clash(e, table, &id))?;
    if taken.is_empty() {
        out.unchanged += 1;
    } else {
        out.updated += 1;
        let mut before = Map::new();
        let mut after = Map::new();
        for (field, value) in &taken {
            before.insert((*field).to_string(), local[pos(field)].clone());
            after.insert((*field).to_string(), to_json(value));
            if *field == "deleted" && matches!(value, Value::Integer(1)) && local[pos("deleted")].as_i64() == Some(0) {
                out.deleted += 1;
            }
        }
        gathered.undo.push(UndoEntry {
            table: table.name.to_string(),
            id: id.clone(),
            before: Some(before),
            after: Some(after),
        });
    }
    Ok(true)
}

/// The highest field stamp in a row, to move the local clock past it.
pub fn max_stamp(table: &Table, values: &[Json]) -> Option<String> {
    let i = table.all_columns().position(|c| c.name == "field_hlc")?;
    let stamps = stamps_of(values.get(i)?);
    stamps.values().filter_map(Json::as_str).max().map(str::to_string)
}
