//! The kinds' defaults folders: built into nbe, overridden file by file by the repository's own
//! `clients/<kind>/`, and laid out once in the cache for the steps and runs that read a folder.
//!
//! A client directory normally holds only its program; the files beside it that its toolchain
//! needs (`go.mod`, `Cargo.toml` and `Cargo.lock`, `package.json`...) come from its kind's defaults.
//! nbe carries this project's `clients/<kind>/` folders in its binary ([`BUILT_IN`]), so it runs the
//! programs of any examples repository, one with no `clients/` folder too. A repository's
//! `clients/<kind>/<file>` replaces the built-in file of that name and adds the ones nbe lacks.
//!
//! The merged folder is written to `CACHE/defaults/<kind>/<hash>/`, named by the hash of its files
//! (relative paths and contents): written in a temp dir under a lock and renamed into place whole,
//! so parallel nbe processes share one, and hashed again before this process first uses it, so a
//! folder that something changed after it was made is made anew rather than trusted.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex};

use sha2::{Digest, Sha256};

use super::install::{rename_into_place, temp_dir};
use crate::catalog::Kind;
use crate::error::{Error, Result};

/// Every file of the built-in defaults folders: kind, path in its folder, contents.
///
/// A list of `include_bytes!` rather than a directory-embedding crate: cargo rebuilds nbe when one
/// of these files changes, and a unit test fails when `clients/` holds a file the list misses.
const BUILT_IN: &[(&str, &str, &[u8])] = &[
    ("c", "README.txt", include_bytes!("../../clients/c/README.txt")),
    (
        "deno",
        "deno.json",
        include_bytes!("../../clients/deno/deno.json"),
    ),
    ("go", "go.mod", include_bytes!("../../clients/go/go.mod")),
    ("go", "go.sum", include_bytes!("../../clients/go/go.sum")),
    ("java", "pom.xml", include_bytes!("../../clients/java/pom.xml")),
    (
        "node",
        "package-lock.json",
        include_bytes!("../../clients/node/package-lock.json"),
    ),
    (
        "node",
        "package.json",
        include_bytes!("../../clients/node/package.json"),
    ),
    (
        "python",
        "requirements.txt",
        include_bytes!("../../clients/python/requirements.txt"),
    ),
    (
        "rust",
        "Cargo.lock",
        include_bytes!("../../clients/rust/Cargo.lock"),
    ),
    (
        "rust",
        "Cargo.toml",
        include_bytes!("../../clients/rust/Cargo.toml"),
    ),
];

/// The repository's defaults folder of `kind`: `root/clients/<kind>/`.
pub fn repository_dir(kind: Kind, root: &Path) -> PathBuf {
    root.join("clients").join(kind.name())
}

/// Where the defaults of a kind come from, as `nbe doctor` says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// nbe has none for the kind and the repository has no folder for it.
    None,
    /// nbe's own, untouched.
    BuiltIn,
    /// The repository's `clients/<kind>/`: the files of it that differ from nbe's or that nbe
    /// lacks (nbe's own repository holds the built-in files themselves).
    Repository(Vec<String>),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::None => f.write_str("no defaults"),
            Origin::BuiltIn => f.write_str("built-in defaults"),
            Origin::Repository(files) => write!(f, "the repository's defaults ({})", files.join(", ")),
        }
    }
}

/// Where `kind`'s defaults come from in the repository at `root` (none given: outside one).
pub fn origin(kind: Kind, root: Option<&Path>) -> Result<Origin> {
    let mut own = Vec::new();
    if let Some(root) = root {
        for (relative, source) in repository_files(kind, root)? {
            let name = relative.display().to_string();
            let bytes = std::fs::read(&source)
                .map_err(|e| Error::io(format!("failed to read {}", source.display()), e))?;
            if !built_in(kind).any(|(path, built)| path == name && built == bytes) {
                own.push(name);
            }
        }
    }
    Ok(if !own.is_empty() {
        Origin::Repository(own)
    } else if built_in(kind).next().is_some() {
        Origin::BuiltIn
    } else {
        Origin::None
    })
}

/// The built-in files of `kind`: path in its folder and contents.
fn built_in(kind: Kind) -> impl Iterator<Item = (&'static str, &'static [u8])> {
    BUILT_IN
        .iter()
        .filter(move |(name, _, _)| *name == kind.name())
        .map(|(_, path, bytes)| (*path, *bytes))
}

/// The files of the repository's `clients/<kind>/`: relative path to file; empty without one.
fn repository_files(kind: Kind, root: &Path) -> Result<BTreeMap<PathBuf, PathBuf>> {
    let dir = repository_dir(kind, root);
    let mut files = BTreeMap::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(format!("failed to read {}", dir.display()), e.into()))?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
            files.insert(relative.to_path_buf(), entry.path().to_path_buf());
        }
    }
    Ok(files)
}

/// The merged defaults of `kind`: relative path to contents, the repository's files over nbe's.
fn merged(kind: Kind, root: &Path) -> Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut files: BTreeMap<PathBuf, Vec<u8>> = built_in(kind)
        .map(|(path, bytes)| (PathBuf::from(path), bytes.to_vec()))
        .collect();
    for (relative, source) in repository_files(kind, root)? {
        let bytes = std::fs::read(&source)
            .map_err(|e| Error::io(format!("failed to read {}", source.display()), e))?;
        files.insert(relative, bytes);
    }
    Ok(files)
}

/// The contents of the defaults file `name` of `kind` in effect: the repository's, else nbe's.
pub fn file(kind: Kind, root: Option<&Path>, name: &str) -> Option<Vec<u8>> {
    root.and_then(|root| std::fs::read(repository_dir(kind, root).join(name)).ok())
        .or_else(|| {
            built_in(kind)
                .find(|(path, _)| *path == name)
                .map(|(_, bytes)| bytes.to_vec())
        })
}

/// The hash naming a defaults folder: its files' relative paths and contents, in path order.
fn hash<'a>(files: impl Iterator<Item = (&'a Path, &'a [u8])>) -> String {
    let mut hasher = Sha256::new();
    for (relative, bytes) in files {
        let name = relative.to_string_lossy();
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    }
    hasher.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash of the folder `dir` as it is on disk now, like [`hash`]; `None` when it cannot be read.
fn hash_of_dir(dir: &Path) -> Option<String> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.ok()?;
        if entry.file_type().is_file() {
            let relative = entry.path().strip_prefix(dir).ok()?.to_path_buf();
            files.push((relative, std::fs::read(entry.path()).ok()?));
        } else if !entry.file_type().is_dir() {
            // Nothing nbe writes there is a link: something else changed the folder.
            return None;
        }
    }
    Some(hash(
        files
            .iter()
            .map(|(path, bytes)| (path.as_path(), bytes.as_slice())),
    ))
}

/// The folders this process has made or checked, so each is hashed once per process.
static CHECKED: LazyLock<Mutex<HashSet<PathBuf>>> = LazyLock::new(Mutex::default);

/// The folder of `kind`'s defaults in effect in the repository at `root`, made in the cache now
/// unless an earlier run made the same one; `None` when the kind has no defaults at all.
pub fn materialize(kind: Kind, root: &Path, cache: &Path) -> Result<Option<PathBuf>> {
    let files = merged(kind, root)?;
    if files.is_empty() {
        return Ok(None);
    }
    let key = hash(
        files
            .iter()
            .map(|(path, bytes)| (path.as_path(), bytes.as_slice())),
    );
    let parent = cache.join("defaults").join(kind.name());
    let dir = parent.join(&key);
    let mut checked = CHECKED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if checked.contains(&dir) {
        return Ok(Some(dir));
    }
    let intact = || hash_of_dir(&dir).as_deref() == Some(key.as_str());
    if !intact() {
        create_dir(&parent)?;
        let _lock = crate::cache::lock(cache, &format!("defaults-{}-{key}", kind.name()))?;
        // Another process may have made it while this one waited for the lock.
        if !intact() {
            if dir.exists() {
                std::fs::remove_dir_all(&dir)
                    .map_err(|e| Error::io(format!("failed to clear {}", dir.display()), e))?;
            }
            let temp = temp_dir(&parent)?;
            for (relative, bytes) in &files {
                let target = temp.path().join(relative);
                if let Some(parent) = target.parent() {
                    create_dir(parent)?;
                }
                std::fs::write(&target, bytes)
                    .map_err(|e| Error::io(format!("failed to write {}", target.display()), e))?;
            }
            rename_into_place(temp, &dir)?;
        }
    }
    checked.insert(dir.clone());
    Ok(Some(dir))
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("failed to create {}", dir.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_list_is_every_file_of_the_kinds_folders() {
        let clients = Path::new(env!("CARGO_MANIFEST_DIR")).join("clients");
        let mut on_disk = Vec::new();
        for kind in Kind::all() {
            let dir = clients.join(kind.name());
            if !dir.is_dir() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&dir).min_depth(1).sort_by_file_name() {
                let entry = entry.unwrap();
                if entry.file_type().is_file() {
                    let relative = entry.path().strip_prefix(&dir).unwrap().display().to_string();
                    on_disk.push((
                        kind.name().to_string(),
                        relative,
                        std::fs::read(entry.path()).unwrap(),
                    ));
                }
            }
        }
        let mut listed: Vec<_> = BUILT_IN
            .iter()
            .map(|(kind, path, bytes)| (kind.to_string(), path.to_string(), bytes.to_vec()))
            .collect();
        listed.sort();
        on_disk.sort();
        assert_eq!(listed, on_disk);
    }

    #[test]
    fn repository_files_win_file_by_file_and_a_changed_folder_is_made_anew() {
        let root = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        let go = Kind::named("go");
        let built_in = materialize(go, root.path(), cache.path()).unwrap().unwrap();
        assert_eq!(
            std::fs::read(built_in.join("go.sum")).unwrap(),
            include_bytes!("../../clients/go/go.sum")
        );
        assert_eq!(origin(go, Some(root.path())).unwrap(), Origin::BuiltIn);

        std::fs::create_dir_all(root.path().join("clients/go")).unwrap();
        std::fs::write(root.path().join("clients/go/go.mod"), "module mine\n").unwrap();
        let mine = materialize(go, root.path(), cache.path()).unwrap().unwrap();
        assert_ne!(mine, built_in);
        assert_eq!(
            std::fs::read_to_string(mine.join("go.mod")).unwrap(),
            "module mine\n"
        );
        assert!(
            mine.join("go.sum").is_file(),
            "the files the repository lacks stay nbe's"
        );
        assert_eq!(
            origin(go, Some(root.path())).unwrap(),
            Origin::Repository(vec!["go.mod".into()])
        );

        // Tampered with after it was made: another process (no memory of it) makes it anew.
        std::fs::write(mine.join("go.mod"), "module tampered\n").unwrap();
        CHECKED.lock().unwrap().clear();
        let again = materialize(go, root.path(), cache.path()).unwrap().unwrap();
        assert_eq!(again, mine);
        assert_eq!(
            std::fs::read_to_string(again.join("go.mod")).unwrap(),
            "module mine\n"
        );
    }
}
