//! Atomic file writes: every file nbe writes goes through [`atomic_write`].
//!
//! A temp file in the same directory is written, flushed and renamed over the target, so a reader
//! (or an interrupted nbe) never sees half a recording or half a snapshot. The file ends up with the
//! mode a plain write would give it: an existing file keeps its own, a new one gets `0666` less the
//! umask (the temp file alone would be `0600`, and a rename keeps that).

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` atomically, creating the parent directories.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let failed = |e| Error::io(format!("failed to write {}", path.display()), e);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    // The mode is given to open(2), which applies the umask, exactly as for a plain write.
    let mut file = tempfile::Builder::new()
        .prefix(crate::catalog::paths::TEMP_PREFIX)
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(failed)?;
    if let Ok(existing) = std::fs::metadata(path)
        && existing.is_file()
    {
        // Only the permission bits: nbe writes data, never set-id programs.
        let mode = existing.permissions().mode() & 0o777;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .map_err(failed)?;
    }
    file.write_all(bytes).map_err(failed)?;
    file.as_file().sync_all().map_err(failed)?;
    file.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_no_temp_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/out.txt");
        atomic_write(&path, b"one").unwrap();
        atomic_write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn a_replaced_file_keeps_its_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        atomic_write(&path, b"one").unwrap();
        for mode in [0o640, 0o604, 0o755] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            atomic_write(&path, b"two").unwrap();
            let now = std::fs::metadata(&path).unwrap().permissions().mode() & 0o7777;
            assert_eq!(now, mode);
        }
    }
}
