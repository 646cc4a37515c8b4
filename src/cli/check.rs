//! `sdm check` and `sdm backup`.

use std::path::PathBuf;

use clap::Args;
use color_eyre::Result;

use crate::app::Ctx;
use crate::error::Fault;
use crate::store::{OpenMode, migrations, queries};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist yet)
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

pub fn backup(ctx: &Ctx, args: &BackupArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    store.backup_to(&args.out)?;
    say!("backed up {} to {}", ctx.db.display(), args.out.display());
    Ok(())
}

pub fn check(ctx: &Ctx) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    let found = store.file_check();
    let version = found.schema_version?;
    let journal = found.journal_mode?;
    let integrity = found.integrity;
    let fk_problems = found.foreign_keys;
    say!("database: {}", ctx.db.display());
    say!("schema version: {version} (this sdm: {})", migrations::LATEST);
    say!("journal mode: {journal}");
    let ok = integrity.len() == 1 && integrity[0] == "ok";
    say!(
        "integrity: {}",
        if ok { "ok".to_string() } else { integrity.join("; ") }
    );
    let fk_ok = matches!(fk_problems, Ok(0));
    say!(
        "foreign keys: {}",
        match &fk_problems {
            Ok(0) => "ok".to_string(),
            Ok(n) => format!("{n} broken references"),
            Err(e) => format!("could not be checked ({e})"),
        }
    );
    match queries::row_counts(store.conn()) {
        Ok(counts) => {
            say!("{:<22} {:>10} {:>10}", "table", "rows", "deleted");
            for (table, live, dead) in counts {
                say!("{table:<22} {live:>10} {dead:>10}");
            }
        }
        Err(e) => say!("rows: could not be counted ({e})"),
    }
    // Values no sdm writes (edited by hand, or a damaged file): the commands leave these rows
    // out; here they are named so they can be mended or removed.
    let mut unreadable = 0usize;
    let mut unreadable_tables = 0usize;
    for table in crate::store::schema::TABLES {
        match crate::store::records::problems(store.conn(), table.name, None) {
            Ok(found) => {
                for (id, column, message) in found {
                    if unreadable == 0 {
                        say!("unreadable rows (left out by every command until mended):");
                    }
                    unreadable += 1;
                    say!("  {} id {id}, column {column}: {message}", table.name);
                }
            }
            Err(e) => {
                unreadable_tables += 1;
                say!("  {}: could not be read ({e})", table.name);
            }
        }
    }
    if unreadable == 0 && unreadable_tables == 0 {
        say!("values: ok");
    }
    if ok && fk_ok && unreadable == 0 && unreadable_tables == 0 {
        Ok(())
    } else {
        Err(Fault(format!(
            "{} failed its check (see above): restore it from a backup (`sdm restore`, or a copy from `sdm backup`)",
            ctx.db.display()
        ))
        .into())
    }
}
