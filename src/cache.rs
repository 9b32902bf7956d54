//! The cache's layout: where nbe keeps what it made once and reuses (built products, installed
//! tools, memoized parses), and the locks that let parallel nbe processes share it.
//!
//! Everything else asks this module for a path, so the layout is written down once:
//!
//! ```text
//! <root>/products/<kind>/<step>/<key>/   a prepare or build product, complete once stamped
//!          .../<key>/.nbe-ready          its stamp: the product's content hash and file list
//! <root>/locks/<name>.lock               one flock per thing being made
//! <root>/tmp/                            throwaway copies the steps run in
//! <root>/code/                           the memo of program parses (see `program::memo`)
//! ```
//!
//! The module sits below both the runner and the program reader: it knows paths and files, and
//! nothing of kinds, runs or programs.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// The stamp that marks a finished product, in the product's directory.
const STAMP: &str = ".nbe-ready";

/// The first line of a stamp; bumped when its format changes, so older stamps read as damaged.
const STAMP_FORMAT: &str = "nbe-product-2";

/// The cache root: `NBE_CACHE_DIR`, else `$XDG_CACHE_HOME/nbe`, else `$HOME/.cache/nbe`.
///
/// Resolved from nbe's own environment, before any sandbox replaces `HOME`.
pub fn root() -> Result<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let root = var("NBE_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|dir| dir.join("nbe")))
        .or_else(|| var("HOME").map(|home| home.join(".cache").join("nbe")))
        .ok_or_else(|| {
            Error::Usage("no cache directory: set NBE_CACHE_DIR (or XDG_CACHE_HOME or HOME)".into())
        })?;
    std::path::absolute(&root).map_err(|e| Error::io("failed to resolve the cache directory", e))
}

/// The directory of one product: `products/<kind>/<step>/<key>`.
///
/// Apart from the tools' own caches (`go/build` is GOCACHE), so cleaning one never loses the other.
pub fn product(cache: &Path, kind: &str, step: &str, key: &str) -> PathBuf {
    cache.join("products").join(kind).join(step).join(key)
}

/// The directory of the throwaway copies steps run in, created when missing.
pub fn tmp(cache: &Path) -> Result<PathBuf> {
    let dir = cache.join("tmp");
    create_dir(&dir)?;
    Ok(dir)
}

/// The directory of the program-parse memo.
pub fn code(cache: &Path) -> PathBuf {
    cache.join("code")
}

/// Takes the cache lock `name` (like `go-build-<key>`), waiting for whoever holds it; held until the
/// returned value drops, and dropped by the kernel however nbe ends.
pub fn lock(cache: &Path, name: &str) -> Result<nix::fcntl::Flock<std::fs::File>> {
    let locks = cache.join("locks");
    create_dir(&locks)?;
    let path = locks.join(format!("{name}.lock"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(format!("failed to open the lock {}", path.display()), e))?;
    nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, errno)| Error::io(format!("failed to lock {}", path.display()), errno.into()))
}

/// Creates `dir` and its parents.
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("failed to create {}", dir.display()), e))
}

/// Marks `product` finished: its stamp records a hash of its whole content and, for each file, its
/// size and times, written whole (temp file, then rename) so a half-written stamp never exists.
pub fn stamp(product: &Path) -> Result<()> {
    let files = files_of(product)?;
    let hash = content_hash(product, &files)?;
    write_stamp(product, &hash, &files)
}

/// True when `product` is stamped and still holds what was stamped: never a product that was
/// truncated, deleted or replaced since, whose run would crash or run something else.
///
/// The check is cheap on the common path: every file's size, modification and change times
/// against the stamp (a `stat` per file, no reading). Only when those differ (a cache copied or
/// restored elsewhere gets new change times) is the content hashed again; a match restamps it.
///
/// A product is checked once per nbe process: its clients' runs see it read-only, and nbe
/// writes a product only under its lock before stamping it, so a `test` of many clients of one
/// kind (a `node_modules` or a virtualenv of thousands of files) does not walk it once a client.
pub fn verified(product: &Path) -> bool {
    static VERIFIED: std::sync::LazyLock<std::sync::Mutex<std::collections::HashSet<PathBuf>>> =
        std::sync::LazyLock::new(Default::default);
    if VERIFIED.lock().is_ok_and(|verified| verified.contains(product)) {
        return true;
    }
    let ok = verified_now(product);
    if ok && let Ok(mut verified) = VERIFIED.lock() {
        verified.insert(product.to_path_buf());
    }
    ok
}

/// [`verified`], checked now.
fn verified_now(product: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(product.join(STAMP)) else {
        return false;
    };
    let mut lines = text.lines();
    let (Some(STAMP_FORMAT), Some(hash)) = (lines.next(), lines.next()) else {
        return false;
    };
    let Ok(files) = files_of(product) else {
        return false;
    };
    let listed: Vec<&str> = lines.collect();
    let now: Vec<String> = files.iter().map(FileStat::line).collect();
    if listed.len() == now.len() && listed.iter().zip(&now).all(|(a, b)| a == b) {
        return true;
    }
    match content_hash(product, &files) {
        Ok(again) if again == hash => {
            // Best effort: a stamp that cannot be renewed only costs the hash next time.
            let _ = write_stamp(product, hash, &files);
            true
        }
        _ => false,
    }
}

/// What the stamp keeps of one file of a product.
struct FileStat {
    /// The path relative to the product.
    relative: PathBuf,
    /// Whether it is a symbolic link (its target is hashed, not followed).
    link: bool,
    size: u64,
    modified: (i64, i64),
    changed: (i64, i64),
}

impl FileStat {
    /// The stamp's line for the file: what a `stat` tells, then the path (which may hold spaces).
    fn line(&self) -> String {
        format!(
            "{} {}.{} {}.{} {}",
            self.size,
            self.modified.0,
            self.modified.1,
            self.changed.0,
            self.changed.1,
            self.relative.display()
        )
    }
}

/// Every file and link of `product` (not its stamp), in a fixed order.
fn files_of(product: &Path) -> Result<Vec<FileStat>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(product).min_depth(1).sort_by_file_name() {
        let entry =
            entry.map_err(|e| Error::io(format!("failed to read {}", product.display()), e.into()))?;
        if entry.file_type().is_dir() || entry.depth() == 1 && entry.file_name() == STAMP {
            continue;
        }
        let meta = entry
            .metadata()
            .map_err(|e| Error::io(format!("failed to read {}", entry.path().display()), e.into()))?;
        files.push(FileStat {
            relative: entry
                .path()
                .strip_prefix(product)
                .unwrap_or(entry.path())
                .to_path_buf(),
            link: entry.file_type().is_symlink(),
            size: meta.len(),
            modified: (meta.mtime(), meta.mtime_nsec()),
            changed: (meta.ctime(), meta.ctime_nsec()),
        });
    }
    Ok(files)
}

/// The hash of `files` of `product`: each one's path, whether it is a link, and its bytes (or the
/// link's target).
fn content_hash(product: &Path, files: &[FileStat]) -> Result<String> {
    let mut hasher = Sha256::new();
    for file in files {
        let path = product.join(&file.relative);
        let failed = |e| Error::io(format!("failed to read {}", path.display()), e);
        let bytes = if file.link {
            std::fs::read_link(&path)
                .map_err(failed)?
                .into_os_string()
                .into_encoded_bytes()
        } else {
            std::fs::read(&path).map_err(failed)?
        };
        let name = file.relative.as_os_str().as_encoded_bytes();
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name);
        hasher.update([u8::from(file.link)]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes the stamp of `product`: the format, the content hash, then a line per file.
fn write_stamp(product: &Path, hash: &str, files: &[FileStat]) -> Result<()> {
    let mut text = format!("{STAMP_FORMAT}\n{hash}\n");
    for file in files {
        text.push_str(&file.line());
        text.push('\n');
    }
    crate::atomic::atomic_write(&product.join(STAMP), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamped_product_is_verified_until_it_is_damaged() {
        let product = tempfile::tempdir().unwrap();
        let dir = product.path();
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::write(dir.join("bin/client"), "a program").unwrap();
        std::os::unix::fs::symlink("/usr/bin/python3", dir.join("bin/python")).unwrap();
        assert!(!verified_now(dir), "not stamped yet");
        stamp(dir).unwrap();
        assert!(verified_now(dir));
        // Truncated.
        std::fs::write(dir.join("bin/client"), "a prog").unwrap();
        assert!(!verified_now(dir));
        stamp(dir).unwrap();
        // Replaced by content of the same size.
        std::fs::write(dir.join("bin/client"), "b prog").unwrap();
        assert!(!verified_now(dir));
        stamp(dir).unwrap();
        // A link that leads elsewhere.
        std::fs::remove_file(dir.join("bin/python")).unwrap();
        std::os::unix::fs::symlink("/usr/bin/perl", dir.join("bin/python")).unwrap();
        assert!(!verified_now(dir));
        stamp(dir).unwrap();
        // Deleted, or joined by a file the build never made.
        std::fs::remove_file(dir.join("bin/client")).unwrap();
        assert!(!verified_now(dir));
        stamp(dir).unwrap();
        std::fs::write(dir.join("bin/extra"), "").unwrap();
        assert!(!verified_now(dir));
    }

    #[test]
    fn a_product_whose_times_changed_but_not_its_content_is_verified_and_restamped() {
        let product = tempfile::tempdir().unwrap();
        let dir = product.path();
        std::fs::write(dir.join("client"), "a program").unwrap();
        stamp(dir).unwrap();
        // Rewritten with the same bytes, as a cache restored from elsewhere is.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("client"), "a program").unwrap();
        let before = std::fs::read_to_string(dir.join(STAMP)).unwrap();
        assert!(verified(dir));
        assert_ne!(std::fs::read_to_string(dir.join(STAMP)).unwrap(), before);
        assert!(verified(dir));
    }

    #[test]
    fn a_product_is_checked_once_per_process() {
        let product = tempfile::tempdir().unwrap();
        let dir = product.path();
        std::fs::write(dir.join("client"), "a program").unwrap();
        stamp(dir).unwrap();
        assert!(verified(dir));
        // The stamp is not read again: runs see products read-only, and nbe stamps what it makes.
        std::fs::remove_file(dir.join(STAMP)).unwrap();
        assert!(verified(dir));
        assert!(!verified_now(dir));
    }
}
