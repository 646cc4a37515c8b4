//! `sdm sync TARGET` and `sdm sync --serve`; `sdm conflicts`.

use std::io::BufReader;
use std::path::Path;
use std::process::{Command, Stdio};

use clap::Args;
use color_eyre::Result;

use super::Context;
use crate::domain::text::inert;
use crate::error::UserError;
use crate::store::OpenMode;
use crate::sync::{SyncReport, client, open_conflicts, resolve, serve};

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Another copy: a path to an sdm database, or user@host[:path] over SSH
    #[arg(required_unless_present = "serve")]
    pub target: Option<String>,
    /// Run this command instead of ssh to reach the peer (it must start `sdm sync --serve`)
    #[arg(long, value_name = "CMD")]
    pub remote_cmd: Option<String>,
    /// Answer one sync on standard input and output (what the other side runs)
    #[arg(long, conflicts_with_all = ["target", "remote_cmd"])]
    pub serve: bool,
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

pub fn run(ctx: &Context, args: &SyncArgs) -> Result<()> {
    if args.serve {
        let mut store = ctx.open(OpenMode::Existing)?;
        let stdin = std::io::stdin();
        let stdout = std::io::stdout();
        serve(&mut store, stdin.lock(), stdout.lock())?;
        return Ok(());
    }
    let target = args.target.clone().unwrap_or_default();
    let mut store = ctx.open(OpenMode::Existing)?;
    let mut command = peer_command(&target, args.remote_cmd.as_deref(), &ctx.db)?;
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
    let result = client(&mut store, BufReader::new(from_peer), to_peer, &target);
    let status = child.wait();
    let report = match result {
        Ok(r) => r,
        Err(e) => {
            let peer_failed = status.map(|s| !s.success()).unwrap_or(true);
            let hint = if peer_failed {
                " (the peer stopped with an error; see above)"
            } else {
                ""
            };
            return Err(if e.is_user_error() || peer_failed {
                UserError::new(format!("sync with {target} failed: {e}{hint}")).into()
            } else {
                e.into()
            });
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
        "synced with {}: sent {} changed records, received {} ({} new, {} updated, {} unchanged, {} conflicts); {:.1} KB out, {:.1} KB in, {:.2}s{}",
        inert(target),
        r.sent_rows,
        m.inserted + m.updated + m.unchanged,
        m.inserted,
        m.updated,
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

/// How to start the other side.
fn peer_command(target: &str, remote_cmd: Option<&str>, own_db: &Path) -> Result<Command> {
    if let Some(cmd) = remote_cmd {
        let mut c = Command::new("sh");
        c.arg("-c").arg(cmd);
        return Ok(c);
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
        return Ok(c);
    }
    let (host, path) = match target.split_once(':') {
        Some((h, p)) if !p.is_empty() => (h, Some(p)),
        Some((h, _)) => (h, None),
        None => (target, None),
    };
    let mut c = Command::new("ssh");
    c.arg(host).arg("sdm");
    if let Some(p) = path {
        c.arg("--db").arg(p);
    }
    c.args(["sync", "--serve"]);
    Ok(c)
}

pub fn conflicts(ctx: &Context, args: &ConflictArgs) -> Result<()> {
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
        say!("{}", super::out::json_document(&list)?);
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
