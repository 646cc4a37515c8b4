//! `sdm sync`: two copies of the database (a laptop and a jump host) become one again.
//!
//! The client starts the server (`ssh host sdm sync --serve`, or any command given with
//! `--remote-cmd`) and the two speak [`protocol`] over its stdin/stdout. Each sends only the
//! rows it changed since the last sync with that peer; each merges per field (the later
//! stamp wins, a value both sides changed apart is kept as a conflict) inside one
//! transaction that is committed only when the other side has everything: an interrupted
//! sync leaves both databases as they were, and the next one completes.

pub mod merge;
pub mod protocol;

use std::io::{BufRead, Write};

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::store::schema::{self, Table};
use crate::store::write::to_json;
use crate::store::{Store, StoreError, migrations, next_hlc};
use merge::{Gathered, MergeContext, Merged, apply_row, finish, max_stamp};
use protocol::{BATCH, Link, Msg, PROTOCOL, WireRow};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the link to the peer failed: {0}")]
    Link(std::io::Error),
    #[error("the peer closed the link before the sync finished; nothing was changed here, run the sync again")]
    Closed,
    #[error(
        "the link broke after this copy took the peer's changes (they are kept here); the other copy may not have them yet: run the sync again to finish it"
    )]
    AfterCommit,
    #[error("{0}")]
    Protocol(String),
    #[error("the peer said: {0}")]
    Peer(String),
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for SyncError {
    fn from(e: rusqlite::Error) -> Self {
        SyncError::Store(StoreError::from(e))
    }
}

impl SyncError {
    /// A row that breaks a uniqueness rule: the two copies each made a record of that name.
    fn clash(e: rusqlite::Error, table: &Table, id: &str) -> SyncError {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => SyncError::Refused(format!(
                "both copies hold a {} record with the same name or reference but a different identity (row {id}): rename one of them and sync again",
                table.name
            )),
            _ => SyncError::from(e),
        }
    }
}

/// How far ahead of this machine's clock a peer's stamp may be: more is a wrong clock (or a
/// hostile peer), and taking it would tie every later write here to that moment.
pub const MAX_AHEAD_MS: i64 = 24 * 3600 * 1000;

/// A sync that would delete more than this share of the records here ...
const MASS_DELETE_SHARE: usize = 10;
/// ... and more than this many stops and asks (`--allow-mass-delete`).
const MASS_DELETE_COUNT: usize = 100;

/// What the person asked of this sync.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    /// Take a peer's deletions even when they remove much of this copy.
    pub allow_mass_delete: bool,
}

/// What a sync did, from this side.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub sent_rows: usize,
    pub received: Merged,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    pub peer: String,
    pub rekeyed: bool,
}

fn hello(store: &Store) -> Result<Msg, SyncError> {
    Ok(Msg::Hello {
        protocol: PROTOCOL,
        schema: migrations::LATEST,
        replica: replica(store)?,
        imports: crate::store::queries::import_log(store.conn())?,
    })
}

/// Keeps the later of each kind's last import.
fn merge_imports(conn: &Connection, imports: &[(String, i64, String, i64)]) -> Result<(), SyncError> {
    for (kind, at, file, rows) in imports {
        conn.execute(
            "INSERT INTO import_log(kind, at, file, rows) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(kind) DO UPDATE SET at = excluded.at, file = excluded.file, rows = excluded.rows \
             WHERE excluded.at > import_log.at",
            rusqlite::params![kind, at, file, rows],
        )?;
    }
    Ok(())
}

fn replica(store: &Store) -> Result<String, SyncError> {
    store
        .meta("replica_id")?
        .ok_or_else(|| SyncError::Protocol("this database has no replica id".into()))
}

type Imports = Vec<(String, i64, String, i64)>;

fn check_hello(msg: Msg) -> Result<(String, Imports), SyncError> {
    match msg {
        Msg::Hello {
            protocol,
            schema,
            replica,
            imports,
        } => {
            if protocol != PROTOCOL {
                return Err(SyncError::Refused(format!(
                    "the peer speaks sync protocol {protocol}, this sdm speaks {PROTOCOL}: run the same sdm version on both"
                )));
            }
            if schema != migrations::LATEST {
                return Err(SyncError::Refused(format!(
                    "the peer's database has schema version {schema}, this one {}: run the same sdm version on both (open each once to migrate)",
                    migrations::LATEST
                )));
            }
            Ok((replica, imports))
        }
        other => Err(SyncError::Protocol(format!("expected a hello, got {other:?}"))),
    }
}

fn peer_state(conn: &Connection, peer: &str) -> Result<(String, String), SyncError> {
    Ok(conn
        .query_row(
            "SELECT sent_hlc, pending_hlc FROM sync_peers WHERE replica_id = ?1",
            [peer],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .unwrap_or_default())
}

fn save_peer(
    conn: &Connection,
    peer: &str,
    sent: Option<&str>,
    pending: Option<&str>,
    target: &str,
) -> Result<(), SyncError> {
    conn.execute(
        "INSERT INTO sync_peers (replica_id, sent_hlc, pending_hlc, last_sync, last_target) VALUES (?1, coalesce(?2, ''), coalesce(?3, ''), ?4, ?5) \
         ON CONFLICT(replica_id) DO UPDATE SET sent_hlc = coalesce(?2, sent_hlc), pending_hlc = coalesce(?3, pending_hlc), \
         last_sync = ?4, last_target = ?5",
        rusqlite::params![peer, sent, pending, chrono::Utc::now().timestamp(), target],
    )?;
    Ok(())
}

/// Every row written here after `since`, and every row taken from a third copy after it,
/// parents before children.
fn outgoing(conn: &Connection, since: &str, peer: &str) -> Result<Vec<WireRow>, SyncError> {
    let mut rows = Vec::new();
    for table in schema::TABLES {
        let cols: Vec<&str> = table.all_columns().map(|c| c.name).collect();
        let list = cols.join(", ");
        let sql = format!(
            "SELECT {list} FROM {t} WHERE hlc > ?1 UNION \
             SELECT {list} FROM {t} WHERE id IN (SELECT row_id FROM sync_inbox WHERE tbl = '{t}' \
               AND received_hlc > ?1 AND from_peer <> ?2) ORDER BY hlc, id",
            t = table.name
        );
        let mut stmt = conn.prepare(&sql)?;
        let mut q = stmt.query([since, peer])?;
        while let Some(r) = q.next()? {
            let mut v = Vec::with_capacity(cols.len());
            for i in 0..cols.len() {
                v.push(to_json(&r.get::<_, Value>(i)?));
            }
            rows.push(WireRow {
                t: table.name.to_string(),
                v,
            });
        }
    }
    Ok(rows)
}

fn send_rows<R: BufRead, W: Write>(link: &mut Link<R, W>, rows: &[WireRow]) -> Result<(), SyncError> {
    if rows.is_empty() {
        return link.send(&Msg::Changes {
            rows: vec![],
            done: true,
        });
    }
    let chunks: Vec<&[WireRow]> = rows.chunks(BATCH).collect();
    let last = chunks.len() - 1;
    for (i, chunk) in chunks.into_iter().enumerate() {
        link.send(&Msg::Changes {
            rows: chunk.to_vec(),
            done: i == last,
        })?;
    }
    Ok(())
}

/// Receives the peer's batches and merges them; returns the highest stamp seen.
fn receive_rows<R: BufRead, W: Write>(
    link: &mut Link<R, W>,
    conn: &Connection,
    ctx: &MergeContext<'_>,
    gathered: &mut Gathered,
    merged: &mut Merged,
) -> Result<Option<String>, SyncError> {
    let mut highest: Option<String> = None;
    loop {
        let Msg::Changes { rows, done } = link.recv()? else {
            return Err(SyncError::Protocol("expected changes from the peer".into()));
        };
        for row in &rows {
            let table = schema::table(&row.t)
                .ok_or_else(|| SyncError::Protocol(format!("the peer sent an unknown table {}", row.t)))?;
            take_row(conn, table, &row.v, ctx, gathered, merged)?;
            if let Some(s) = max_stamp(table, &row.v)
                && highest.as_ref().is_none_or(|h| s > *h)
            {
                highest = Some(s);
            }
        }
        if done {
            return Ok(highest);
        }
    }
}

/// Merges a row and remembers where it came from, for forwarding to other copies.
fn take_row(
    conn: &Connection,
    table: &'static Table,
    values: &[serde_json::Value],
    ctx: &MergeContext<'_>,
    gathered: &mut Gathered,
    merged: &mut Merged,
) -> Result<(), SyncError> {
    check_stamps(table, values)?;
    if apply_row(conn, table, values, gathered, merged)? {
        let id = values.first().and_then(|v| v.as_str()).unwrap_or_default();
        // The merged row must be one this sdm can read and would accept from a form.
        crate::store::records::check_incoming(conn, table.name, id).map_err(|e| {
            SyncError::Refused(format!(
                "the peer sent a value sdm cannot use ({e}); nothing was changed here"
            ))
        })?;
        conn.prepare_cached(
            "INSERT INTO sync_inbox (tbl, row_id, from_peer, received_hlc) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT(tbl, row_id) DO UPDATE SET from_peer = excluded.from_peer, received_hlc = excluded.received_hlc",
        )?
        .execute(rusqlite::params![table.name, id, ctx.peer, ctx.apply_hlc])?;
    }
    Ok(())
}

/// Refuses a row whose stamps are not stamps, or lie more than [`MAX_AHEAD_MS`] ahead of this
/// machine's clock.
fn check_stamps(table: &Table, values: &[serde_json::Value]) -> Result<(), SyncError> {
    let mut stamps: Vec<String> = Vec::new();
    if let Some(i) = table.all_columns().position(|c| c.name == "hlc")
        && let Some(s) = values.get(i).and_then(|v| v.as_str())
    {
        stamps.push(s.to_string());
    }
    if let Some(i) = table.all_columns().position(|c| c.name == "field_hlc") {
        let map: serde_json::Map<String, serde_json::Value> = values
            .get(i)
            .and_then(|v| v.as_str())
            .and_then(|s| serde_json::from_str(s).ok())
            .ok_or_else(|| SyncError::Refused(format!("the peer sent a {} row without valid stamps", table.name)))?;
        stamps.extend(map.values().filter_map(|v| v.as_str()).map(str::to_string));
    }
    for stamp in stamps {
        stamp_in_bounds(&stamp)?;
    }
    Ok(())
}

/// One stamp from the peer: a stamp, and not from the far future.
fn stamp_in_bounds(stamp: &str) -> Result<(), SyncError> {
    let parsed = stamp
        .parse::<crate::domain::ids::Hlc>()
        .map_err(|_| SyncError::Refused("the peer sent a malformed clock stamp; nothing was changed here".into()))?;
    let limit = chrono::Utc::now().timestamp_millis() + MAX_AHEAD_MS;
    if parsed.millis > limit {
        let when = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(parsed.millis)
            .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
            .unwrap_or_else(|| "beyond the calendar".into());
        return Err(SyncError::Refused(format!(
            "the peer sent changes stamped {when}, more than 24 hours ahead of this machine's clock: set the clock right on that machine and sync again; nothing was changed here"
        )));
    }
    Ok(())
}

/// Every live record in the synced tables.
fn live_rows(conn: &Connection) -> Result<usize, SyncError> {
    let mut total = 0usize;
    for table in schema::TABLES {
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM {} WHERE deleted = 0", table.name),
            [],
            |r| r.get(0),
        )?;
        total += usize::try_from(n).unwrap_or(0);
    }
    Ok(total)
}

/// Stops a sync whose tombstones would delete much of this copy, unless asked for.
fn check_mass_delete(merged: &Merged, live_before: usize, options: &SyncOptions) -> Result<(), SyncError> {
    let deleted = merged.deleted;
    if options.allow_mass_delete || deleted <= MASS_DELETE_COUNT || deleted * MASS_DELETE_SHARE <= live_before {
        return Ok(());
    }
    Err(SyncError::Refused(format!(
        "the peer would delete {deleted} of the {live_before} records here ({}%); nothing was changed: if that is meant, sync again with --allow-mass-delete",
        deleted * 100 / live_before.max(1)
    )))
}

/// Keeps what the merge changed here as one undo step (`sdm sync --undo`).
fn record_undo(conn: &Connection, gathered: &Gathered, target: &str, stamp: &str) -> Result<(), SyncError> {
    if gathered.undo.is_empty() {
        return Ok(());
    }
    crate::store::undo::record(
        conn,
        &format!("sync with {target}"),
        &gathered.undo,
        crate::store::undo::Actor::Sync,
        stamp,
    )?;
    Ok(())
}

/// The local clock as it stands.
fn clock(conn: &Connection) -> Result<String, SyncError> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |r| r.get(0))
        .optional()?
        .unwrap_or_default())
}

/// Moves the local clock past `stamp`, so the next local change sorts after everything seen.
fn bump_clock(conn: &Connection, stamp: &str, node: &str) -> Result<(), SyncError> {
    let Ok(seen) = stamp.parse::<crate::domain::ids::Hlc>() else {
        return Ok(());
    };
    let own = crate::domain::ids::Hlc {
        millis: seen.millis,
        counter: seen.counter.saturating_add(1),
        node: node.to_string(),
    };
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'hlc' AND value < ?1",
        [own.to_string()],
    )?;
    Ok(())
}

/// The client side: talks to a server over `reader`/`writer`.
pub fn client<R: BufRead, W: Write>(
    store: &mut Store,
    reader: R,
    writer: W,
    target: &str,
) -> Result<SyncReport, SyncError> {
    client_with(store, reader, writer, target, &SyncOptions::default())
}

/// [`client`] with the person's options.
pub fn client_with<R: BufRead, W: Write>(
    store: &mut Store,
    reader: R,
    writer: W,
    target: &str,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let mut link = Link::new(reader, writer);
    let mut report = SyncReport::default();
    link.send(&hello(store)?)?;
    let (peer, imports) = check_hello(link.recv()?)?;
    if peer == replica(store)? {
        // A copied file: same identity as the peer. Take a new one; the shared history merges
        // as equal, and only what changed since the copy differs.
        let new = store.rekey()?;
        link.send(&Msg::Rekeyed { replica: new })?;
        report.rekeyed = true;
    }
    report.peer = peer.clone();
    let node = store.node().to_string();
    let tx = store
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    // `sent` is where the last confirmed sync left off; an unconfirmed one is sent again
    // (merging the same rows twice changes nothing).
    let (mark, _pending) = peer_state(&tx, &peer)?;
    let live_before = live_rows(&tx)?;
    let rows = outgoing(&tx, &mark, &peer)?;
    report.sent_rows = rows.len();
    send_rows(&mut link, &rows)?;
    let apply = next_hlc(&tx, &node)?.to_string();
    let ctx = MergeContext {
        apply_hlc: &apply,
        mark: &mark,
        peer: &peer,
        now_s: chrono::Utc::now().timestamp(),
    };
    let mut gathered = Gathered::default();
    let highest = receive_rows(&mut link, &tx, &ctx, &mut gathered, &mut report.received)?;
    check_mass_delete(&report.received, live_before, options)?;
    finish(&tx, &ctx, &gathered, &mut report.received)?;
    record_undo(&tx, &gathered, target, &apply)?;
    if let Some(h) = highest {
        bump_clock(&tx, &h, &node)?;
    }
    merge_imports(&tx, &imports)?;
    let done = clock(&tx)?;
    save_peer(&tx, &peer, None, Some(&done), target)?;
    tx.commit()?;
    // From here this copy has taken the peer's changes: a broken link no longer means that
    // nothing changed here.
    let confirmed = link
        .send(&Msg::Committed { hlc: done.clone() })
        .and_then(|()| link.recv())
        .map_err(|e| match e {
            SyncError::Closed | SyncError::Link(_) => SyncError::AfterCommit,
            other => other,
        })?;
    let Msg::Committed { hlc: theirs } = confirmed else {
        return Err(SyncError::Protocol("expected the peer's confirmation".into()));
    };
    stamp_in_bounds(&theirs)?;
    // Both sides have everything: what was sent counts as delivered.
    let tx = store
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    bump_clock(&tx, &theirs, &node)?;
    let after = clock(&tx)?;
    save_peer(&tx, &peer, Some(&after), Some(""), target)?;
    tx.commit()?;
    report.bytes_sent = link.sent;
    report.bytes_received = link.received;
    Ok(report)
}

/// The server side (`sdm sync --serve`): answers one client on `reader`/`writer`.
pub fn serve<R: BufRead, W: Write>(store: &mut Store, reader: R, writer: W) -> Result<SyncReport, SyncError> {
    serve_with(store, reader, writer, &SyncOptions::default())
}

/// [`serve`] with the person's options.
pub fn serve_with<R: BufRead, W: Write>(
    store: &mut Store,
    reader: R,
    writer: W,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let mut link = Link::new(reader, writer);
    let result = serve_on(store, &mut link, options);
    if let Err(e) = &result
        && !matches!(e, SyncError::Closed | SyncError::Link(_) | SyncError::Peer(_))
    {
        // Tell the client why, so it can say so in one line.
        let _ = link.send(&Msg::Error { message: e.to_string() });
    }
    result
}

fn serve_on<R: BufRead, W: Write>(
    store: &mut Store,
    link: &mut Link<R, W>,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let (mut peer, imports) = check_hello(link.recv()?)?;
    link.send(&hello(store)?)?;
    let node = store.node().to_string();
    let first = match link.recv()? {
        Msg::Rekeyed { replica } => {
            peer = replica;
            report.rekeyed = true;
            link.recv()?
        }
        other => other,
    };
    report.peer = peer.clone();
    let tx = store
        .conn_mut()
        .transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (mark, _) = peer_state(&tx, &peer)?;
    let live_before = live_rows(&tx)?;
    // What goes back is chosen before merging, so the client's own rows are not echoed.
    let rows = outgoing(&tx, &mark, &peer)?;
    let apply = next_hlc(&tx, &node)?.to_string();
    let ctx = MergeContext {
        apply_hlc: &apply,
        mark: &mark,
        peer: &peer,
        now_s: chrono::Utc::now().timestamp(),
    };
    let Msg::Changes { rows: batch, done } = first else {
        return Err(SyncError::Protocol("expected changes from the client".into()));
    };
    let mut highest: Option<String> = None;
    let mut gathered = Gathered::default();
    for row in &batch {
        let table = schema::table(&row.t)
            .ok_or_else(|| SyncError::Protocol(format!("the client sent an unknown table {}", row.t)))?;
        take_row(&tx, table, &row.v, &ctx, &mut gathered, &mut report.received)?;
        if let Some(s) = max_stamp(table, &row.v)
            && highest.as_ref().is_none_or(|h| s > *h)
        {
            highest = Some(s);
        }
    }
    if !done
        && let Some(h) = receive_rows(link, &tx, &ctx, &mut gathered, &mut report.received)?
        && highest.as_ref().is_none_or(|x| h > *x)
    {
        highest = Some(h);
    }
    check_mass_delete(&report.received, live_before, options)?;
    finish(&tx, &ctx, &gathered, &mut report.received)?;
    record_undo(&tx, &gathered, "a client", &apply)?;
    report.sent_rows = rows.len();
    send_rows(link, &rows)?;
    let Msg::Committed { hlc: theirs } = link.recv()? else {
        return Err(SyncError::Protocol("expected the client's confirmation".into()));
    };
    stamp_in_bounds(&theirs)?;
    if let Some(h) = highest {
        bump_clock(&tx, &h, &node)?;
    }
    bump_clock(&tx, &theirs, &node)?;
    merge_imports(&tx, &imports)?;
    let done = clock(&tx)?;
    save_peer(&tx, &peer, Some(&done), Some(""), "client")?;
    tx.commit()?;
    link.send(&Msg::Committed { hlc: done })?;
    report.bytes_sent = link.sent;
    report.bytes_received = link.received;
    Ok(report)
}

/// Open conflicts: (seq, table, row id, field, kept, lost, which side lost).
pub fn open_conflicts(conn: &Connection) -> Result<Vec<Conflict>, SyncError> {
    let mut stmt = conn.prepare(
        "SELECT seq, tbl, row_id, field, kept, lost, lost_side, at FROM sync_conflicts WHERE resolved = 0 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Conflict {
                seq: r.get(0)?,
                table: r.get(1)?,
                row_id: r.get(2)?,
                field: r.get(3)?,
                kept: r.get(4)?,
                lost: r.get(5)?,
                lost_side: r.get(6)?,
                at: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Conflict {
    pub seq: i64,
    pub table: String,
    pub row_id: String,
    pub field: String,
    /// JSON text of the value that won.
    pub kept: Option<String>,
    /// JSON text of the value that lost.
    pub lost: Option<String>,
    /// "local" when this copy's value lost, "peer" when the other copy's did.
    pub lost_side: String,
    pub at: i64,
}

/// Settles a conflict: keep what won, or bring back what lost (an ordinary, stamped edit
/// that the next sync carries to the other copy).
pub fn resolve(store: &mut Store, seq: i64, take_lost: bool) -> Result<(), SyncError> {
    let c: Option<Conflict> = open_conflicts(store.conn())?.into_iter().find(|c| c.seq == seq);
    let Some(c) = c else {
        return Err(SyncError::Refused(format!("there is no open conflict {seq}")));
    };
    store.write(Some("resolve a sync conflict"), |w| {
        if take_lost {
            let table =
                schema::table(&c.table).ok_or_else(|| StoreError::BadInput(format!("unknown table {}", c.table)))?;
            let value: serde_json::Value = c
                .lost
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or(serde_json::Value::Null);
            w.update(
                table,
                &c.row_id,
                &[(c.field.as_str(), crate::store::write::from_json(&value))],
            )?;
        }
        w.conn()
            .execute("UPDATE sync_conflicts SET resolved = 1 WHERE seq = ?1", [seq])?;
        Ok(())
    })?;
    Ok(())
}
