//! Locks between nbe processes: one writer at a time for a client's recordings.
//!
//! Two `nbe record` runs of one client (two terminals, two CI jobs on one checkout) would otherwise
//! interleave their writes and could leave `output.txt` from one run beside the snapshot of the
//! other. The lock is `flock(2)` on the client directory itself: nothing is created in the
//! repository, the kernel drops it when nbe exits however it exits, and every path to the
//! directory (through a link too) shares the one lock.

use std::fs::File;
use std::path::Path;

use crate::error::{Error, Result};

/// An exclusive lock on a directory, held until it is dropped.
#[derive(Debug)]
pub struct DirLock {
    /// The open directory the lock is on; closing it releases the lock.
    _dir: File,
}

/// Waits until no other process holds `dir`'s lock, then holds it.
pub fn exclusive(dir: &Path) -> Result<DirLock> {
    let failed = |e| Error::io(format!("failed to lock {}", dir.display()), e);
    let file = File::open(dir).map_err(failed)?;
    file.lock().map_err(failed)?;
    Ok(DirLock { _dir: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let first = exclusive(dir.path()).unwrap();
        let other = File::open(dir.path()).unwrap();
        assert!(other.try_lock().is_err(), "the directory is locked");
        drop(first);
        assert!(other.try_lock().is_ok(), "dropping the lock releases it");
    }
}
