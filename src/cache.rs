//! The cache's layout: where nbe keeps what it made once and reuses (built products, installed
//! tools, memoized parses), and the locks that let parallel nbe processes share it.
//!
//! Everything else asks this module for a path, so the layout is written down once:
//!
//! ```text
//! <root>/products/<kind>/<step>/<key>/   a prepare or build product, complete once stamped
//! <root>/locks/<name>.lock               one flock per thing being made
//! <root>/tmp/                            throwaway copies the steps run in
//! <root>/code/                           the memo of program parses (see `program::memo`)
//! ```
//!
//! The module sits below both the runner and the program reader: it knows paths and files, and
//! nothing of kinds, runs or programs.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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
