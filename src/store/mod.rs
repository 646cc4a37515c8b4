//! SQLite: opening the file safely, migrations, the generic writer and the aggregates.
//!
//! WAL mode, foreign keys on, a busy timeout so that a second sdm on the same file waits
//! instead of failing, every user action one transaction, the file private to its owner.

pub mod agenda;
pub mod bulk;
pub mod codec;
pub mod error;
pub mod export;
pub mod export_csv;
pub mod health_check;
pub mod issued;
pub mod lock_note;
pub mod migrations;
pub mod panes;
pub mod problems;
pub mod queries;
pub mod read;
pub mod records;
pub mod review_subjects;
pub mod reviews;
pub mod rule_cache;
pub mod schema;
pub mod signals;
pub mod tables;
pub mod undo;
pub mod unreadable;
pub mod write;

use std::fs::{DirBuilder, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

pub use error::{Result, StoreError};
pub use write::{Upserted, Writer};

use crate::domain::ids::Hlc;

/// sdm's mark in the SQLite header (`PRAGMA application_id`): "SDM1".
pub const APPLICATION_ID: i32 = 0x5344_4d31;

/// How long a writer waits for another sdm's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one try at opening waits for a lock before [`Store::open_telling`] looks again.
const OPEN_STEP: Duration = Duration::from_millis(200);

/// [`BUSY_TIMEOUT`], or `SDM_BUSY_TIMEOUT_MS` where a test shortens it.
pub fn busy_timeout() -> Duration {
    std::env::var("SDM_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(BUSY_TIMEOUT, Duration::from_millis)
}

/// Whether opening may create the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file (and its folder, 0700) when missing; an empty file is taken as new.
    Create,
    /// The file must already be a database.
    Existing,
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    node: String,
    /// Who writes through this store; recorded with each undo step.
    actor: undo::Actor,
    /// Told once when a write has to wait for another sdm's long write.
    on_wait: fn(&str),
    /// What this store's writes say to others while they hold the lock (a long writer).
    writing: Option<String>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// Opens (and if allowed creates) the database at `path`, migrating it to this version.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        Store::open_telling(path, mode, |_| {})
    }

    /// [`Store::open`], telling `tell` once when it waits for another sdm's long write (an
    /// import that left a note: a first import writes in rollback-journal mode, where even
    /// opening the file waits for it), and waiting for as long as that writer lives; each
    /// later wait for a write is told the same way.
    pub fn open_telling(path: &Path, mode: OpenMode, tell: fn(&str)) -> Result<Store> {
        // Setting up (changing the journal mode, migrating) takes locks that SQLite does not
        // always wait for; when another sdm is doing the same, wait and try again.
        let mut deadline = std::time::Instant::now() + busy_timeout();
        let mut io_retries = 0;
        let mut told = false;
        loop {
            match Store::open_once(path, mode) {
                Ok(mut store) => {
                    store.on_wait = tell;
                    return Ok(store);
                }
                Err(StoreError::Sqlite(e)) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                    // A long writer that left a note is waited for while it writes (told once),
                    // trying again as it goes: the lock may be free before its note is gone.
                    if let Some(what) = lock_note::other_writer(path) {
                        if !told {
                            tell(&lock_note::waiting_for(&what));
                            told = true;
                        }
                        deadline = std::time::Instant::now() + busy_timeout();
                        std::thread::sleep(Duration::from_millis(100));
                    } else if std::time::Instant::now() < deadline {
                        std::thread::sleep(Duration::from_millis(20));
                    } else {
                        return Err(StoreError::Busy(path.to_path_buf()));
                    }
                }
                // Several sdm creating the same new file at once: one of them can see SQLite's
                // I/O error while another turns the fresh file into a WAL database. A few
                // tries apart tell that from a disk that really fails (which still says so).
                Err(StoreError::Storage(_)) if mode == OpenMode::Create && io_retries < 5 => {
                    io_retries += 1;
                    std::thread::sleep(Duration::from_millis(20 * io_retries));
                }
                // A full disk or a read-only folder: SQLite cannot make the files it reads a
                // WAL database with. A file closed cleanly (no write-ahead log waiting) is
                // then read as it stands, read-only, so the read commands still answer.
                Err(e @ (StoreError::Storage(_) | StoreError::ReadOnly(_) | StoreError::CannotOpen { .. }))
                    if mode == OpenMode::Existing && !wal_pending(path) =>
                {
                    return Store::open_as_it_stands(path).map_err(|_| e);
                }
                other => return other,
            }
        }
    }

    /// Opens a cleanly closed database read-only without the files SQLite would create beside
    /// it (`immutable`): exact, because nothing waits in a write-ahead log. Every write fails
    /// as a read-only file does.
    fn open_as_it_stands(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        let uri = format!("file:{}?immutable=1", uri_path(path));
        let conn = Connection::open_with_flags(
            &uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let app_id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID || version != migrations::LATEST {
            return Err(StoreError::ReadOnly(path.to_path_buf()));
        }
        let node: String = conn
            .query_row("SELECT value FROM meta WHERE key = 'node'", [], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            node,
            actor: undo::Actor::Command,
            on_wait: |_| {},
            writing: None,
        })
    }

    fn open_once(path: &Path, mode: OpenMode) -> Result<Store> {
        let path = path.to_path_buf();
        let fresh = prepare_file(&path, mode)?;
        let conn = Connection::open(&path).map_err(|e| classify_open_error(e, &path))?;
        // Setting up waits in short steps: `open_telling` tries again until its deadline, and
        // can say meanwhile what it waits for. The full timeout is set once it is open.
        conn.busy_timeout(busy_timeout().min(OPEN_STEP))?;
        // Reading the header is the first thing that fails on a file that is not SQLite.
        let app_id: i32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| classify_open_error(e, &path))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if !fresh && app_id != APPLICATION_ID {
            let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
            if tables > 0 || version > 0 {
                return Err(StoreError::NotADatabase(path));
            }
        }
        if version > migrations::LATEST {
            return Err(StoreError::NewerSchema {
                path,
                found: version,
                supported: migrations::LATEST,
            });
        }
        if version == 0 {
            // A new file is laid out in 8 KiB pages (SQLite's default is 4 KiB): a million
            // tickets write and index about a fifth faster and lists read a little faster,
            // for about a tenth more time in an import of a thousand scattered rows (measured,
            // BENCHMARKS.md). A file that already exists keeps its pages; this is a no-op on it.
            conn.pragma_update(None, "page_size", 8192)?;
        }
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| classify_open_error(e, &path))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        // Statement journals (a write that fires triggers keeps one) and sorts stay in memory,
        // not in temporary files.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        let mut store = Store {
            conn,
            path,
            node: String::new(),
            actor: undo::Actor::Command,
            on_wait: |_| {},
            writing: None,
        };
        migrations::migrate(&mut store.conn, &store.path, version)?;
        store.node = store.ensure_identity()?;
        store.ensure_builtin_calendar()?;
        store.conn.busy_timeout(busy_timeout())?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Who writes through this store from now on (the interface says so when it opens it).
    pub fn set_actor(&mut self, actor: undo::Actor) {
        self.actor = actor;
    }

    pub fn actor(&self) -> undo::Actor {
        self.actor
    }

    /// How a wait for another sdm is told (the command line prints it on standard error).
    pub fn on_wait(&mut self, tell: fn(&str)) {
        self.on_wait = tell;
    }

    /// While set, each write leaves a note beside the database saying `what` ("an import of
    /// tickets.csv is writing"), so another sdm waits for it instead of giving up.
    pub fn announce_writes(&mut self, what: Option<String>) {
        self.writing = what;
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection for bulk work that manages its own transaction (restore, demo).
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Runs `f` as one transaction; with a `label` the change can be undone.
    pub fn write<T>(&mut self, label: Option<&str>, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.transact(label, true, f)
    }

    /// Runs `f` as one transaction and rolls it back: what `f` would do, with nothing written
    /// (`--dry-run`). Reads inside `f` see its own writes, so counts are exact.
    pub fn rehearse<T>(&mut self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.transact(None, false, f)
    }

    fn transact<T>(
        &mut self,
        label: Option<&str>,
        commit: bool,
        f: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<T> {
        self.begin_immediate()?;
        let _note = self
            .writing
            .as_deref()
            .map(|what| lock_note::Note::leave(&self.path, what));
        let result = self.in_transaction(label, f);
        match result {
            Ok(out) if commit => match self.conn.execute_batch("COMMIT") {
                Ok(()) => Ok(out),
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(classify_write_error(e, &self.path))
                }
            },
            other => {
                let _ = self.conn.execute_batch("ROLLBACK");
                other
            }
        }
    }

    /// The body of a write, inside the open transaction.
    fn in_transaction<T>(&self, label: Option<&str>, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let hlc = next_hlc(&self.conn, &self.node)?;
        let stamp = hlc.to_string();
        let mut writer = Writer::new(&self.conn, hlc, label.is_some());
        let out = f(&mut writer)?;
        let undo = writer.take_undo();
        if let Some(label) = label
            && !undo.is_empty()
        {
            undo::record(&self.conn, label, &undo, self.actor, &stamp)?;
        }
        Ok(out)
    }

    /// Takes the write lock. Another sdm's short write is waited for (the busy timeout); a
    /// long one that left a note (an import, a sync) is waited for as long as it lives, and
    /// the wait is told once; past that, one clear line instead of "database is locked".
    fn begin_immediate(&self) -> Result<()> {
        loop {
            lock_note::wait_for_other_writer(&self.path, &self.on_wait);
            match self.conn.execute_batch("BEGIN IMMEDIATE") {
                Ok(()) => return Ok(()),
                Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                    if lock_note::other_writer(&self.path).is_some() {
                        continue;
                    }
                    return Err(StoreError::Busy(self.path.clone()));
                }
                Err(e) => return Err(classify_write_error(e, &self.path)),
            }
        }
    }
    /// A meta value (replica id, ...).
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// This replica's clock node (the last part of every stamp it writes).
    pub fn node(&self) -> &str {
        &self.node
    }

    /// Gives this copy a new identity: a copied file starts with its original's, and two
    /// peers must not share one.
    pub fn rekey(&mut self) -> Result<String> {
        let replica = crate::domain::ids::new_id();
        let node: String = replica.chars().filter(|c| *c != '-').skip(24).collect();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'replica_id'", [&replica])?;
        tx.execute("UPDATE meta SET value = ?1 WHERE key = 'node'", [&node])?;
        tx.commit()?;
        self.node = node;
        Ok(replica)
    }

    /// The replica's identity and clock node, created on first open.
    fn ensure_identity(&mut self) -> Result<String> {
        if let Some(node) = self.meta("node")? {
            return Ok(node);
        }
        let replica = crate::domain::ids::new_id();
        let node: String = replica.chars().filter(|c| *c != '-').skip(24).collect();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('replica_id', ?1)",
            [&replica],
        )?;
        tx.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('node', ?1)", [&node])?;
        let node: String = tx.query_row("SELECT value FROM meta WHERE key = 'node'", [], |r| r.get(0))?;
        tx.commit()?;
        Ok(node)
    }

    /// The `24x7` calendar always exists.
    fn ensure_builtin_calendar(&mut self) -> Result<()> {
        let id = builtin_calendar_id();
        let exists: bool = self
            .conn
            .query_row("SELECT count(*) FROM calendars WHERE id = ?1", [&id], |r| {
                r.get::<_, i64>(0)
            })?
            > 0;
        if !exists {
            let always = crate::domain::model::CalendarRecord {
                id,
                name: crate::domain::model::ALWAYS_CALENDAR.to_string(),
                timezone: "UTC".to_string(),
                hours: std::collections::BTreeMap::new(),
                holidays: Vec::new(),
            };
            // Checked again inside the transaction: a second sdm may be starting too.
            self.write(None, |w| {
                if w.exists(always_table(), &always.id)?.is_none() {
                    w.save(&always)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    /// Where the copy taken before each sync goes (`DB.before-sync.bak`, the last one kept).
    pub fn before_sync_path(&self) -> PathBuf {
        let mut name = self.path.as_os_str().to_owned();
        name.push(".before-sync.bak");
        PathBuf::from(name)
    }

    /// Copies the whole database beside it before a sync.
    pub fn backup_before_sync(&self) -> Result<PathBuf> {
        let dest = self.before_sync_path();
        copy_whole(&self.conn, &self.path, &dest)?;
        Ok(dest)
    }

    /// `PRAGMA data_version`: changes when another connection commits.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// An online backup to `dest` (created 0600; must not exist yet).
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        if dest.exists() {
            return Err(StoreError::Conflict(format!(
                "{} already exists: give a new file name for the backup",
                dest.display()
            )));
        }
        create_private_file(dest)?;
        let mut target = Connection::open(dest)?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)?;
            backup.run_to_completion(256, Duration::from_millis(5), None)?;
        }
        Ok(())
    }
}

fn always_table() -> &'static schema::Table {
    &schema::CALENDARS
}

/// The id of the built-in `24x7` calendar.
pub fn builtin_calendar_id() -> String {
    crate::domain::ids::natural_id("calendar", crate::domain::model::ALWAYS_CALENDAR)
}

/// Takes the next hybrid logical clock stamp and remembers it, inside the transaction, so two
/// processes on one file never hand out the same stamp.
pub(crate) fn next_hlc(conn: &Connection, node: &str) -> Result<Hlc> {
    let last: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'hlc'", [], |r| r.get(0))
        .optional()?;
    let last = last.and_then(|s| s.parse::<Hlc>().ok());
    let now = chrono::Utc::now().timestamp_millis();
    let next = Hlc::next(last.as_ref(), now, node);
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('hlc', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [next.to_string()],
    )?;
    Ok(next)
}

/// Whether a write-ahead log with content stands beside the database (by its metadata).
fn wal_pending(path: &Path) -> bool {
    // A rollback journal left by a crash (a demo is written in that mode) holds the pages a
    // half-written transaction overwrote: the file is not as it stands either.
    ["-wal", "-journal"].iter().any(|suffix| {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        std::fs::metadata(PathBuf::from(side)).is_ok_and(|m| m.len() > 0)
    })
}

/// A path as the path part of an SQLite `file:` URI.
fn uri_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

/// Checks the path (by its metadata only) and creates what is missing. Returns whether the
/// database is new.
fn prepare_file(path: &Path, mode: OpenMode) -> Result<bool> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(StoreError::IsDirectory(path.to_path_buf())),
        Ok(meta) if meta.len() == 0 => match mode {
            OpenMode::Create => Ok(true),
            OpenMode::Existing => Err(StoreError::Empty(path.to_path_buf())),
        },
        // Never open the file itself here: on POSIX, closing any descriptor of a file drops
        // every lock this process holds on it, so a descriptor opened beside a live SQLite
        // connection (the interface's background loader) would let another SQLite client
        // delete the write-ahead log under it. SQLite reads the header and says whether the
        // file is a database (`NotADatabase` below).
        Ok(_) => Ok(false),
        Err(_) => match mode {
            OpenMode::Existing => Err(StoreError::Missing(path.to_path_buf())),
            OpenMode::Create => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
                    && !parent.exists()
                {
                    DirBuilder::new()
                        .recursive(true)
                        .mode(0o700)
                        .create(parent)
                        .map_err(|e| StoreError::CannotOpen {
                            path: path.to_path_buf(),
                            reason: format!("cannot create its folder: {e}"),
                        })?;
                }
                match create_private_file(path) {
                    Ok(()) => Ok(true),
                    // Another sdm created it a moment ago: take it as it now is.
                    Err(_) if path.exists() => prepare_file(path, mode),
                    Err(e) => Err(e),
                }
            }
        },
    }
}

/// Writes a whole, consistent copy of the database on `conn` to `dest` (replacing it): under a
/// private temporary name first, renamed when complete, so a copy killed half-way never
/// stands under the name a person will look for.
pub(crate) fn copy_whole(conn: &Connection, db_path: &Path, dest: &Path) -> Result<()> {
    let mut partial = dest.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    create_private_file(&partial)?;
    let partial_text = partial.to_str().ok_or_else(|| StoreError::CannotOpen {
        path: dest.to_path_buf(),
        reason: "the backup path is not valid UTF-8".into(),
    })?;
    if let Err(e) = conn.execute("VACUUM INTO ?1", [partial_text]) {
        let _ = std::fs::remove_file(&partial);
        return Err(classify_write_error(e, db_path));
    }
    std::fs::rename(&partial, dest).map_err(|e| StoreError::CannotOpen {
        path: dest.to_path_buf(),
        reason: format!("cannot put the copy in place: {e}"),
    })
}

/// Creates an empty file readable by its owner only.
pub fn create_private_file(path: &Path) -> Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| StoreError::CannotOpen {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
    Ok(())
}

fn classify_open_error(e: rusqlite::Error, path: &Path) -> StoreError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => StoreError::NotADatabase(path.to_path_buf()),
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => {
            StoreError::CannotOpen {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }
        }
        Some(ErrorCode::DiskFull) => StoreError::ReadOnly(path.to_path_buf()),
        _ => StoreError::from(e),
    }
}

pub(crate) fn classify_write_error(e: rusqlite::Error, path: &Path) -> StoreError {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::ReadOnly) | Some(ErrorCode::DiskFull) | Some(ErrorCode::PermissionDenied) => {
            StoreError::ReadOnly(path.to_path_buf())
        }
        _ => StoreError::from(e),
    }
}
