//! The output directory: written beside the target, then swapped into place; only ever replaces a
//! directory that nbe wrote itself.
//!
//! A site directory carries a marker file, [`MARKER`]. A target that exists, is not empty and lacks
//! the marker is refused, so `nbe build --output ~/Documents` can never delete a user's files.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use nix::fcntl::{AT_FDCWD, RenameFlags, renameat2};

use crate::error::{Error, Result};

/// The file that proves a directory was written by `nbe build`.
pub const MARKER: &str = ".nbe-site";

const MARKER_TEXT: &str =
    "This directory was written by `nbe build`, which deletes and rewrites it on every build.\n";

/// Fails when `target` holds anything nbe did not write.
pub fn check_replaceable(target: &Path) -> Result<()> {
    let refuse = |why: &str| Error::NotOurs {
        dir: target.to_path_buf(),
        why: why.to_string(),
    };
    let metadata = match fs::symlink_metadata(target) {
        Ok(metadata) => metadata,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(Error::io(format!("failed to inspect {}", target.display()), err)),
    };
    if metadata.file_type().is_symlink() {
        return Err(refuse("it is a symbolic link"));
    }
    if !metadata.is_dir() {
        return Err(refuse("it is a file, not a directory"));
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let mut entries =
        fs::read_dir(target).map_err(|e| Error::io(format!("failed to list {}", target.display()), e))?;
    if entries.next().is_some() {
        return Err(refuse(&format!("it is not empty and has no {MARKER} marker")));
    }
    Ok(())
}

/// Fills a fresh directory with `fill`, then puts it at `target` in one step, replacing the old site.
///
/// The staging directory is created beside `target` (same file system, so the final rename is
/// atomic) and removed if `fill` fails, leaving the old site untouched.
pub fn replace_with<T>(target: &Path, fill: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    check_replaceable(target)?;
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(format!("failed to create {}", parent.display()), e))?;
    // A site is meant to be read, by a web server too: the directory gets the mode `mkdir` would
    // give it (0777 less the umask), not a temp dir's private 0700.
    let staging = tempfile::Builder::new()
        .prefix(".nbe-site-")
        .permissions(fs::Permissions::from_mode(0o777))
        .tempdir_in(parent)
        .map_err(|e| {
            Error::io(
                format!("failed to create a staging directory in {}", parent.display()),
                e,
            )
        })?;
    let value = fill(staging.path())?;
    fs::write(staging.path().join(MARKER), MARKER_TEXT)
        .map_err(|e| Error::io("failed to write the site marker", e))?;
    if target.exists() {
        swap(staging.path(), target)?;
        // `staging` now holds the previous site, which its drop removes.
    } else {
        let path: PathBuf = staging.keep();
        fs::rename(&path, target)
            .map_err(|e| Error::io(format!("failed to move the site to {}", target.display()), e))?;
    }
    Ok(value)
}

/// Exchanges two directories atomically where the file system can, else in two renames.
fn swap(new: &Path, old: &Path) -> Result<()> {
    let context = || format!("failed to replace {}", old.display());
    if renameat2(AT_FDCWD, new, AT_FDCWD, old, RenameFlags::RENAME_EXCHANGE).is_ok() {
        return Ok(());
    }
    let aside = new.with_extension("old");
    fs::rename(old, &aside).map_err(|e| Error::io(context(), e))?;
    fs::rename(new, old).map_err(|e| Error::io(context(), e))?;
    fs::rename(&aside, new).map_err(|e| Error::io(context(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill_with(name: &'static str) -> impl FnOnce(&Path) -> Result<()> {
        move |dir| {
            fs::write(dir.join(name), name).unwrap();
            Ok(())
        }
    }

    #[test]
    fn creates_then_replaces_its_own_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("out/site");
        replace_with(&site, fill_with("one")).unwrap();
        assert!(site.join("one").is_file() && site.join(MARKER).is_file());
        replace_with(&site, fill_with("two")).unwrap();
        assert!(site.join("two").is_file() && !site.join("one").exists());
        let leftovers: Vec<_> = fs::read_dir(tmp.path().join("out")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging directories are cleaned up");
    }

    #[test]
    fn refuses_directories_it_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        let mine = tmp.path().join("docs");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("notes.txt"), "precious").unwrap();
        let err = replace_with(&mine, fill_with("x")).unwrap_err().to_string();
        assert!(err.contains("docs") && err.contains(MARKER), "{err}");
        assert_eq!(fs::read_to_string(mine.join("notes.txt")).unwrap(), "precious");
        let file = tmp.path().join("file");
        fs::write(&file, "precious").unwrap();
        assert!(replace_with(&file, fill_with("x")).is_err());
        assert_eq!(fs::read_to_string(&file).unwrap(), "precious");
    }

    #[test]
    fn empty_directories_are_fine_and_failures_keep_the_old_site() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        fs::create_dir(&site).unwrap();
        replace_with(&site, fill_with("one")).unwrap();
        let failed = replace_with(&site, |_| -> Result<()> { Err(Error::Usage("boom".into())) });
        assert!(failed.is_err());
        assert!(site.join("one").is_file());
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }
}
