//! Files sdm writes besides the database (exports, reports, calendars, drafts): always
//! private (0600), always whole, and never through a link someone planted.
//!
//! Each is written to a fresh temporary file in the target's folder — created exclusively, so
//! an existing file or a symbolic link at that name is never opened — and then put in place:
//! renamed over the target when replacing is allowed (a rename replaces a link, it does not
//! follow it), or linked to the target's name when it is not, which fails if anything stands
//! there already. A reader never sees half a file.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

/// Whether writing may replace a file that is already there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replace {
    /// Refuse when the target exists (`--out` without `--force`).
    Refuse,
    /// Replace it whole.
    Allow,
}

impl Replace {
    pub fn when(force: bool) -> Replace {
        if force { Replace::Allow } else { Replace::Refuse }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0} already exists: give --force to replace it, or another file name")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

/// Writes `bytes` to `path`, privately and whole.
pub fn write_private(path: &Path, bytes: &[u8], replace: Replace) -> Result<(), FileError> {
    write_private_with(path, replace, |w| w.write_all(bytes))
}

/// Writes what `fill` writes to `path`, privately and whole (for output too large to hold in
/// memory first).
pub fn write_private_with(
    path: &Path,
    replace: Replace,
    fill: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<()>,
) -> Result<(), FileError> {
    if replace == Replace::Refuse && std::fs::symlink_metadata(path).is_ok() {
        return Err(FileError::Exists(path.to_path_buf()));
    }
    let fail = |source: std::io::Error| FileError::Write {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temporary_name(path);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(fail)?;
    let result = (|| -> std::io::Result<()> {
        let mut out = BufWriter::new(file);
        fill(&mut out)?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        match replace {
            Replace::Allow => std::fs::rename(&tmp, path),
            Replace::Refuse => {
                std::fs::hard_link(&tmp, path)?;
                std::fs::remove_file(&tmp)
            }
        }
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            return Err(FileError::Exists(path.to_path_buf()));
        }
        return Err(fail(e));
    }
    Ok(())
}

/// A name in the same folder that nobody can guess ahead of time.
fn temporary_name(path: &Path) -> PathBuf {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nonce: String = crate::domain::ids::new_id()
        .chars()
        .filter(|c| *c != '-')
        .skip(16)
        .collect();
    dir.join(format!(".{name}.{nonce}.tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_planted_link_is_replaced_not_followed() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious")?;
        let target = dir.path().join("out.csv");
        std::os::unix::fs::symlink(&victim, &target)?;
        assert!(matches!(
            write_private(&target, b"data", Replace::Refuse),
            Err(FileError::Exists(_))
        ));
        write_private(&target, b"data", Replace::Allow)?;
        assert_eq!(std::fs::read_to_string(&victim)?, "precious");
        assert_eq!(std::fs::read_to_string(&target)?, "data");
        assert!(!std::fs::symlink_metadata(&target)?.file_type().is_symlink());
        Ok(())
    }

    #[test]
    fn a_replaced_file_becomes_private_and_no_temporary_stays() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let target = dir.path().join("services.csv");
        std::fs::write(&target, "old")?;
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o666))?;
        write_private(&target, b"new", Replace::Allow)?;
        assert_eq!(std::fs::metadata(&target)?.permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::read_dir(dir.path())?.count(), 1);
        Ok(())
    }
}
