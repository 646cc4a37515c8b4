//! `sdm sync TARGET` and `sdm sync --serve`; `sdm conflicts`.

use std::io::BufReader;
use std::path::Path;
use std::process::{Command, Stdio};

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::domain::text::inert;
use crate::error::UserError;
use crate::store::OpenMode;
use crate::store::undo::{Actor, Undone};
use crate::sync::{SyncError, SyncOptions, SyncReport, client_with, open_conflicts, resolve, serve_with};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Another copy: a path to an sdm database, or user@host[:path] over SSH
    #[arg(required_unless_present_any = ["serve", "undo"])]
    pub target: Option<String>,
    /// Run this command instead of ssh to reach the peer (it must start `sdm sync --serve`)
    #[arg(long, value_name = "CMD")]
    pub remote_cmd: Option<String>,
    /// Answer one sync on standard input and output (what the other side runs)
    #[arg(long, conflicts_with_all = ["target", "remote_cmd"])]
    pub serve: bool,
    /// Take the peer's deletions even when they remove more than 10% (and over 100) of the
    /// records here
    #[arg(long)]
    pub allow_mass_delete: bool,
    /// Undo the last sync here: every record it changed goes back to what it was (a new
    /// change, which the next sync carries to the other copy); refused for a record changed
    /// since
    #[arg(long, conflicts_with_all = ["target", "remote_cmd", "serve"])]
    pub undo: bool,
}

#[derive(Debug, Args)]
pub struct ConflictArgs {
    /// Settle conflict N
    #[arg(long, value_name = "N")]
    pub resolve: Option<i64>,
    /// With --resolve: which value to keep, the one that won the merge or the one that lost
    #[arg(long, value_parser = ["kept", "lost"], default_value = "kept")]
    pub keep: String,
    /// Print the conflicts as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(ctx: &Ctx, args: &SyncArgs) -> Result<()> {
    let options = SyncOptions {
        allow_mass_delete: args.allow_mass_delete,
    };
    if args.undo {
        return undo_last_sync(ctx);
    }
    if args.serve {
        let mut store = ctx.open(OpenMode::Existing)?;
        store.backup_before_sync()?;
        let stdin = std::io::stdin();
        let stdout = std::io::stdout();
        let _note = crate::store::lock_note::Note::leave(&ctx.db, "a sync is writing");
        return match serve_with(&mut store, stdin.lock(), stdout.lock(), &options) {
            Ok(_) => Ok(()),
            // The client went away: it says why, on its own terminal; nothing changed here.
            Err(SyncError::Closed) => std::process::exit(2),
            Err(e) => Err(sync_error(e)),
        };
    }
    let target = args.target.clone().unwrap_or_default();
    let mut store = ctx.open(OpenMode::Existing)?;
    let mut command = peer_command(&target, args.remote_cmd.as_deref(), &ctx.db, args.allow_mass_delete)?;
    // Every sync can be undone to the copy taken just before it.
    store.backup_before_sync()?;
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| UserError::new(format!("cannot start the peer for {target}: {e}")))?;
    let (Some(to_peer), Some(from_peer)) = (child.stdin.take(), child.stdout.take()) else {
        return Err(UserError::new("cannot talk to the peer: no pipes").into());
    };
    let started = std::time::Instant::now();
    let activity = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(now_secs()));
    let reader = Watched {
        inner: from_peer,
        activity: std::sync::Arc::clone(&activity),
    };
    let child_id = child.id();
    watch_idle_peer(activity, child_id);
    let note = crate::store::lock_note::Note::leave(&ctx.db, &format!("a sync with {} is writing", inert(&target)));
    let result = client_with(&mut store, BufReader::new(reader), to_peer, &target, &options);
    drop(note);
    let status = child.wait();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let peer_failed = status.map(|s| !s.success()).unwrap_or(true);
            let peer_died = matches!(e, SyncError::Closed | SyncError::Link(_) | SyncError::AfterCommit);
            let hint = if peer_failed && peer_died {
                " (the peer stopped with an error; see above)"
            } else {
                ""
            };
            // A sync's failures are the link's, the peer's or the data's: one line, exit 2.
            return Err(UserError::new(format!("sync with {} failed: {e}{hint}", inert(&target))).into());
        }
    };
    print_report(&target, &report, started.elapsed());
    let open = open_conflicts(store.conn())?.len();
    if open > 0 {
        say!("{open} conflict(s) to look at: sdm conflicts");
    }
    Ok(())
}

fn print_report(target: &str, r: &SyncReport, took: std::time::Duration) {
    let m = &r.received;
    say!(
        "synced with {}: sent {} changed records, received {} ({} new, {} updated of which {} deleted, {} unchanged, {} conflicts); {:.1} KB out, {:.1} KB in, {:.2}s{}; sdm sync --undo reverts it here",
        inert(target),
        r.sent_rows,
        m.inserted + m.updated + m.unchanged,
        m.inserted,
        m.updated,
        m.deleted,
        m.unchanged,
        m.conflicts,
        r.bytes_sent as f64 / 1024.0,
        r.bytes_received as f64 / 1024.0,
        took.as_secs_f64(),
        if r.rekeyed {
            " (this copy took a new identity: it began as a copy of the other)"
        } else {
            ""
        }
    );
}

/// A sync error as the person meets it: one line and exit 2 (never a backtrace).
fn sync_error(e: crate::sync::SyncError) -> color_eyre::Report {
    UserError::new(format!("sync failed: {e}")).into()
}

/// `sdm sync --undo`: the last sync's changes here, reverted.
fn undo_last_sync(ctx: &Ctx) -> Result<()> {
    let mut store = ctx.open(OpenMode::Existing)?;
    let Some(step) = store.last_step_by(Actor::Sync)? else {
        return Err(UserError::new(format!(
            "no sync to undo here (the copy taken before the last sync, if any, is {})",
            store.before_sync_path().display()
        ))
        .into());
    };
    match store.undo_step(step.seq)? {
        Undone::Done(label) => say!("undid: {label} (the next sync carries this to the other copy)"),
        _ => say!("nothing to undo"),
    }
    Ok(())
}

fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// How long a peer may say nothing before the sync gives up on it.
const IDLE_LIMIT_SECS: i64 = 300;

/// The peer's output, noting when anything last arrived.
struct Watched<R> {
    inner: R,
    activity: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl<R: std::io::Read> std::io::Read for Watched<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.activity.store(now_secs(), std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Ends a peer that has sent nothing for [`IDLE_LIMIT_SECS`]: the sync then fails as a closed
/// link, with nothing changed here.
fn watch_idle_peer(activity: std::sync::Arc<std::sync::atomic::AtomicI64>, pid: u32) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(std::time::Duration::from_secs(5));
            let idle = now_secs() - activity.load(std::sync::atomic::Ordering::Relaxed);
            if idle > IDLE_LIMIT_SECS {
                let _ = Command::new("kill").arg(pid.to_string()).status();
                return;
            }
        }
    });
}

/// Quotes a word for the remote shell that ssh hands its command to.
fn shell_quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', "'\\''"))
}

/// How to start the other side.
fn peer_command(target: &str, remote_cmd: Option<&str>, own_db: &Path, allow_mass_delete: bool) -> Result<Command> {
    if let Some(cmd) = remote_cmd {
        let mut c = Command::new("sh");
        c.arg("-c").arg(cmd);
        return Ok(c);
    }
    if target.starts_with('-') {
        return Err(UserError::new(format!(
            "{} is not a copy to sync with: give a path or user@host[:path] (a target never starts with -)",
            inert(target)
        ))
        .into());
    }
    let exe = std::env::current_exe()?;
    let local = Path::new(target);
    let looks_remote = !local.exists() && target.contains('@');
    if !looks_remote {
        if !local.exists() {
            return Err(UserError::new(format!(
                "{target} does not exist: give the path of another sdm database, or user@host[:path]"
            ))
            .into());
        }
        if local.canonicalize().ok() == own_db.canonicalize().ok() {
            return Err(UserError::new("that is this database itself: give the other copy").into());
        }
        let mut c = Command::new(exe);
        c.arg("--db").arg(local).args(["sync", "--serve"]);
        if allow_mass_delete {
            c.arg("--allow-mass-delete");
        }
        return Ok(c);
    }
    let (host, path) = match target.split_once(':') {
        Some((h, p)) if !p.is_empty() => (h, Some(p)),
        Some((h, _)) => (h, None),
        None => (target, None),
    };
    if host.is_empty() || host.starts_with('-') || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(UserError::new(format!(
            "{} is not a host to sync with: give user@host[:path]",
            inert(host)
        ))
        .into());
    }
    // ssh joins its command into one line for the remote shell: every word is quoted, and
    // `--` ends ssh's own options before the host.
    let mut remote = String::from("sdm");
    if let Some(p) = path {
        remote.push_str(" --db ");
        remote.push_str(&shell_quote(p));
    }
    remote.push_str(" sync --serve");
    if allow_mass_delete {
        remote.push_str(" --allow-mass-delete");
    }
    let mut c = Command::new("ssh");
    c.arg("--").arg(host).arg(remote);
    Ok(c)
}

pub fn conflicts(ctx: &Ctx, args: &ConflictArgs) -> Result<()> {
    let mut store = ctx.open(OpenMode::Existing)?;
    if let Some(seq) = args.resolve {
        resolve(&mut store, seq, args.keep == "lost")?;
        say!(
            "conflict {seq} settled: kept the {} value",
            if args.keep == "lost" { "losing" } else { "winning" }
        );
        return Ok(());
    }
    let list = open_conflicts(store.conn())?;
    if args.json {
        super::out::say_json(&list)?;
        return Ok(());
    }
    if list.is_empty() {
        say!("no sync conflicts");
    }
    for c in list {
        let lost_where = if c.lost_side == "local" {
            "this copy"
        } else {
            "the other copy"
        };
        say!(
            "{:>4}  {}.{} of {}: kept {}, lost {} (from {lost_where})",
            c.seq,
            c.table,
            c.field,
            c.row_id,
            inert(c.kept.as_deref().unwrap_or("null")),
            inert(c.lost.as_deref().unwrap_or("null")),
        );
    }
    Ok(())
}
