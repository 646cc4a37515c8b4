//! `sdm check` and `sdm backup`.

use std::path::PathBuf;

use clap::Args;
use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::Context;
use crate::store::{OpenMode, migrations, queries};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist yet)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

pub fn backup(ctx: &Context, args: &BackupArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    store.backup_to(&args.out)?;
    say!("backed up {} to {}", ctx.db.display(), args.out.display());
    Ok(())
}

pub fn check(ctx: &Context) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let conn = store.conn();
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let fk_problems: i64 = conn
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |_| Ok(()))?
        .count() as i64;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    say!("database: {}", ctx.db.display());
    say!("schema version: {version} (this sdm: {})", migrations::LATEST);
    say!("journal mode: {journal}");
    let ok = integrity.len() == 1 && integrity[0] == "ok";
    say!(
        "integrity: {}",
        if ok { "ok".to_string() } else { integrity.join("; ") }
    );
    say!(
        "foreign keys: {}",
        if fk_problems == 0 {
            "ok".to_string()
        } else {
            format!("{fk_problems} broken references")
        }
    );
    say!("{:<22} {:>10} {:>10}", "table", "rows", "deleted");
    for (table, live, dead) in queries::row_counts(conn)? {
        say!("{table:<22} {live:>10} {dead:>10}");
    }
    // Values no sdm writes (edited by hand, or a damaged file): the commands leave these rows
    // out; here they are named so they can be mended or removed.
    let mut unreadable = 0usize;
    for table in crate::store::schema::TABLES {
        for (id, column, message) in crate::store::records::problems(conn, table.name, None)? {
            if unreadable == 0 {
                say!("unreadable rows (left out by every command until mended):");
            }
            unreadable += 1;
            say!("  {} id {id}, column {column}: {message}", table.name);
        }
    }
    if unreadable == 0 {
        say!("values: ok");
    }
    if ok && fk_problems == 0 && unreadable == 0 {
        Ok(())
    } else {
        Err(eyre!("the database failed its check"))
    }
}
