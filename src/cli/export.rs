//! `sdm export` and `sdm restore`.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use color_eyre::Result;
use color_eyre::eyre::WrapErr;

use crate::app::Ctx;
use crate::error::UserError;
use crate::store::OpenMode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    /// One JSON document with every table (restore takes it back)
    Json,
    /// A folder of CSV files, one per table (tickets, outages, changes, scores import back)
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormat,
    /// Write to this file (JSON) or folder (CSV) instead of standard output
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Replace the --out file (or the folder's CSV files) when it exists
    #[arg(long)]
    pub force: bool,
    /// CSV: write cells as they are, without the quote that keeps a spreadsheet from reading
    /// a cell that starts with = + - @ as a formula
    #[arg(long)]
    pub raw_cells: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// An export written by `sdm export --format json`
    pub file: PathBuf,
}

pub fn export(ctx: &Ctx, args: &ExportArgs) -> Result<()> {
    let store = ctx.open(OpenMode::Existing)?;
    if let ExportFormat::Csv = args.format {
        let Some(dir) = &args.out else {
            return Err(UserError::new("--format csv writes a folder of files: give it with --out DIR").into());
        };
        let files = store.export_csv(dir, crate::files::Replace::when(args.force), args.raw_cells)?;
        warn_if_shared(&dir.join("x"));
        note!("exported {} tables to {}", files.len(), dir.display());
        return Ok(());
    }
    let doc = store.export_json()?;
    let mut text = super::out::json_document(&doc)?;
    text.push('\n');
    match &args.out {
        None => super::out::stdout_bytes(text.as_bytes()),
        Some(path) => {
            write_private(path, text.as_bytes(), args.force)?;
            warn_if_shared(path);
            note!("exported {} to {}", ctx.db.display(), path.display());
        }
    }
    Ok(())
}

pub fn restore(ctx: &Ctx, args: &RestoreArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .map_err(|e| UserError::new(format!("cannot read {}: {e}", args.file.display())))?;
    let doc: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| UserError::new(format!("{} is not valid JSON: {e}", args.file.display())))?;
    let mut store = ctx.open(OpenMode::Create)?;
    let rows = store
        .restore_json(&doc)
        .wrap_err_with(|| format!("cannot restore {}", args.file.display()))?;
    say!("restored {rows} records into {}", ctx.db.display());
    Ok(())
}

/// Writes `bytes` to `path` privately and whole; an existing file only with `--force`.
pub fn write_private(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    Ok(crate::files::write_private(
        path,
        bytes,
        crate::files::Replace::when(force),
    )?)
}

/// An export holds contact details: say so when it lands where others can read it.
fn warn_if_shared(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(meta) = std::fs::metadata(dir)
        && meta.permissions().mode() & 0o007 != 0
    {
        note!(
            "sdm: note: {} holds contact details and its folder is open to other users; the file itself is private (0600)",
            path.display()
        );
    }
}
