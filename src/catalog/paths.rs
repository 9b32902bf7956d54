//! What of the file system belongs to the catalog: the rules that keep nbe from publishing, running
//! or hashing anything the repository does not hold.
//!
//! - **Containment.** Everything under `examples/` and `snapshots/` must resolve inside the
//!   repository root. A symbolic link is allowed when its target (after every hop of a chain) is
//!   inside the root; one that leaves it, dangles or loops is a catalog error naming the link and
//!   its target. Inside a client directory a link must point to a file, because a run copies the
//!   client's files into its sandbox one by one. [`check_contained`] runs before any `meta.yaml`
//!   is read, so no command (`list`, `run`, `test`, `record`, `check`, `build`, `serve`) ever reads
//!   through a link that leaves the repository.
//! - **Names.** Category and example directory names become URLs, paths and command-line
//!   arguments, so they are plain path segments: [`check_name`].
//! - **A client's own files.** [`own_files`] lists what the files hash covers: everything in the
//!   client directory except its recordings (`output.txt`, `output.cast`) and nbe's temp files
//!   (`.nbe-*`), which another nbe may be writing at that moment. Links are listed with their
//!   target, so adding or re-pointing a link makes a recording stale.

use std::path::{Path, PathBuf};

use crate::error::{Error, Location, Result};

/// The prefix of every file nbe writes beside its targets (see `crate::atomic`): never a client's own.
pub const TEMP_PREFIX: &str = ".nbe-";

/// The files of a client directory that are recordings, not part of the program.
pub const RECORDINGS: [&str; 2] = ["output.txt", "output.cast"];

/// How deep client directories sit below `examples/` (`category/example/client`).
const CLIENT_DEPTH: usize = 3;

/// Fails with a catalog error when anything under `examples/` or `snapshots/` of `root` is a
/// symbolic link that resolves outside `root`, does not resolve or loops, or (inside a client
/// directory) points to a directory.
pub fn check_contained(root: &Path) -> Result<()> {
    let canonical_root = std::fs::canonicalize(root)
        .map_err(|e| Error::io(format!("failed to resolve {}", root.display()), e))?;
    for (dir, client_depth) in [("examples", Some(CLIENT_DEPTH)), ("snapshots", None)] {
        let top = root.join(dir);
        let Ok(metadata) = std::fs::symlink_metadata(&top) else {
            continue;
        };
        let canonical_top = if metadata.file_type().is_symlink() {
            resolve(&canonical_root, &top)?
        } else {
            canonical_root.join(dir)
        };
        let mut tree = Tree {
            canonical_root: &canonical_root,
            client_depth,
            stack: vec![canonical_top],
        };
        tree.check(&top, 0)?;
    }
    Ok(())
}

/// One walk of [`check_contained`]: the directories entered through links, to tell a loop.
struct Tree<'a> {
    canonical_root: &'a Path,
    client_depth: Option<usize>,
    stack: Vec<PathBuf>,
}

impl Tree<'_> {
    /// Checks the links under `dir`, which sits `depth` levels below the top. A link is judged
    /// before anything it leads to is read, and only directories inside the root are entered.
    fn check(&mut self, dir: &Path, depth: usize) -> Result<()> {
        let failed = |e: walkdir::Error| Error::io(format!("failed to read {}", dir.display()), e.into());
        for entry in walkdir::WalkDir::new(dir).min_depth(1) {
            let entry = entry.map_err(failed)?;
            if !entry.path_is_symlink() {
                continue;
            }
            let target = resolve(self.canonical_root, entry.path())?;
            if !target.is_dir() {
                continue;
            }
            let depth = depth + entry.depth();
            if self.client_depth.is_some_and(|client| depth > client) {
                return Err(Error::catalog(
                    Location::file(entry.path()),
                    format!(
                        "is a symbolic link to the directory {}; inside a client directory links must point to files \
                         (a run copies the client's files one by one), so link each file or copy the directory",
                        target.display()
                    ),
                ));
            }
            let parent = entry.path().parent().and_then(|p| std::fs::canonicalize(p).ok());
            if self.stack.contains(&target) || parent.is_some_and(|p| p.starts_with(&target)) {
                return Err(Error::catalog(
                    Location::file(entry.path()),
                    format!(
                        "is a symbolic link to {}, which leads back to a directory it is in, so it loops; remove it",
                        target.display()
                    ),
                ));
            }
            self.stack.push(target);
            self.check(entry.path(), depth)?;
            self.stack.pop();
        }
        Ok(())
    }
}

/// True when `path` exists and resolves (through every link) to a place inside `root`.
pub fn resolves_inside(root: &Path, path: &Path) -> bool {
    match (std::fs::canonicalize(root), std::fs::canonicalize(path)) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    }
}

/// Where the link at `link` ends up, when that is inside `canonical_root`; a catalog error otherwise.
fn resolve(canonical_root: &Path, link: &Path) -> Result<PathBuf> {
    let written = std::fs::read_link(link)
        .map(|target| target.display().to_string())
        .unwrap_or_else(|_| "?".into());
    let target = std::fs::canonicalize(link).map_err(|e| {
        Error::catalog(
            Location::file(link),
            format!(
                "is a symbolic link to {written}, which does not resolve ({e}); point it at a file inside the repository or remove it"
            ),
        )
    })?;
    if !target.starts_with(canonical_root) {
        let resolved = if target.as_os_str() == written.as_str() {
            String::new()
        } else {
            format!(" (resolving to {})", target.display())
        };
        return Err(Error::catalog(
            Location::file(link),
            format!(
                "is a symbolic link to {written}{resolved}, outside the repository {}; nbe only reads, runs and \
                 publishes what the repository holds, so replace the link with the file itself or point it inside the repository",
                canonical_root.display()
            ),
        ));
    }
    Ok(target)
}

/// Fails with a catalog error when `name`, the directory `dir` of a `what` (category or example)
/// listed under `key` in `meta_path`, is not a plain path segment: lowercase letters, digits, `.`,
/// `_` and `-`, starting with a letter or digit.
pub fn check_name(dir: &Path, name: &str, what: &str, key: &str, meta_path: &Path) -> Result<()> {
    if is_plain_name(name) {
        return Ok(());
    }
    Err(Error::catalog(
        Location::file(dir),
        format!(
            "{name:?} is not a valid {what} name: names become URLs, paths and arguments, so they use only lowercase \
             letters, digits, '.', '_' and '-', and start with a letter or digit; rename the directory \
             (and its entry under `{key}` in {}, if it has one)",
            meta_path.display()
        ),
    ))
}

/// Whether `name` is a plain path segment, as category and example names must be: lowercase
/// letters, digits, `.`, `_` and `-`, starting with a letter or digit.
pub fn is_plain_name(name: &str) -> bool {
    let mut chars = name.chars();
    let plain = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    chars.next().is_some_and(plain) && chars.all(|c| plain(c) || matches!(c, '.' | '_' | '-'))
}

/// One of a client's own files (or links), as the files hash covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnFile {
    /// The path relative to the client directory, with `/` separators.
    pub relative: String,
    /// The file to read; `None` for a directory (reached through a link; its files follow).
    pub file: Option<PathBuf>,
    /// What the link at this path says, when it is a symbolic link.
    pub link: Option<PathBuf>,
}

/// The client's own files under `client_dir`, sorted by path: links followed (the catalog has
/// checked they stay inside the repository), recordings and nbe's temp files left out.
pub fn own_files(client_dir: &Path) -> Result<Vec<OwnFile>> {
    let failed = |e: walkdir::Error| Error::io(format!("failed to read {}", client_dir.display()), e.into());
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(client_dir)
        .follow_links(true)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| !is_nbe_temp(entry.file_name()));
    for entry in walk {
        let entry = entry.map_err(failed)?;
        let relative = entry.path().strip_prefix(client_dir).unwrap_or(entry.path());
        if entry.depth() == 1 && RECORDINGS.iter().any(|name| relative == Path::new(name)) {
            continue;
        }
        let link =
            if entry.path_is_symlink() {
                Some(std::fs::read_link(entry.path()).map_err(|e| {
                    Error::io(format!("failed to read the link {}", entry.path().display()), e)
                })?)
            } else {
                None
            };
        let file = entry.file_type().is_file().then(|| entry.path().to_path_buf());
        if file.is_some() || link.is_some() {
            files.push(OwnFile {
                relative: relative.to_string_lossy().into_owned(),
                file,
                link,
            });
        }
    }
    Ok(files)
}

/// True for the names of nbe's own temp files (and anything else it may put beside a target).
fn is_nbe_temp(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().starts_with(TEMP_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn names_are_plain_path_segments() {
        let ok = |name: &str| check_name(Path::new("d"), name, "example", "examples", Path::new("m")).is_ok();
        for name in ["kv", "v2.0", "put_get-1", "0-first"] {
            assert!(ok(name), "{name}");
        }
        for name in [
            "javascript:alert(1)",
            "Kv",
            "a b",
            "-x",
            ".hidden",
            "_x",
            "é",
            "a/b",
            "",
            "a?b",
        ] {
            assert!(!ok(name), "{name}");
        }
    }

    #[test]
    fn links_inside_the_root_pass_and_links_out_of_it_do_not() {
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path();
        write(&root.join("shared/main.sh"), "echo hi\n");
        write(&root.join("examples/c/e/cli/other.txt"), "x\n");
        std::fs::create_dir_all(root.join("snapshots")).unwrap();
        symlink(
            "../../../../shared/main.sh",
            root.join("examples/c/e/cli/main.sh"),
        )
        .unwrap();
        symlink("../shared", root.join("examples/d")).unwrap();
        check_contained(root).unwrap();

        symlink("/etc/hostname", root.join("snapshots/x.snap")).unwrap();
        let err = check_contained(root).unwrap_err().to_string();
        assert!(
            err.contains("snapshots/x.snap") && err.contains("/etc/hostname"),
            "{err}"
        );
        assert!(err.contains("outside the repository"), "{err}");
        std::fs::remove_file(root.join("snapshots/x.snap")).unwrap();

        symlink("nowhere", root.join("examples/c/e/cli/dangling")).unwrap();
        let err = check_contained(root).unwrap_err().to_string();
        assert!(
            err.contains("dangling") && err.contains("does not resolve"),
            "{err}"
        );
        std::fs::remove_file(root.join("examples/c/e/cli/dangling")).unwrap();

        symlink("..", root.join("examples/c/e/cli/up")).unwrap();
        let err = check_contained(root).unwrap_err().to_string();
        assert!(err.contains("cli/up"), "{err}");
    }

    #[test]
    fn own_files_leave_out_recordings_and_temp_files_and_keep_links() {
        let dir = tempfile::tempdir().unwrap();
        let client = dir.path();
        for name in [
            "main.sh",
            "output.txt",
            "output.cast",
            ".nbe-Ab12.tmp",
            "conf/output.txt",
        ] {
            write(&client.join(name), name);
        }
        symlink("main.sh", client.join("alias.sh")).unwrap();
        let files = own_files(client).unwrap();
        let relative: Vec<_> = files.iter().map(|f| f.relative.as_str()).collect();
        assert_eq!(relative, ["alias.sh", "conf/output.txt", "main.sh"]);
        assert_eq!(files[0].link.as_deref(), Some(Path::new("main.sh")));
        assert_eq!(files[0].file.as_deref(), Some(client.join("alias.sh").as_path()));
        assert_eq!(files[2].link, None);
    }
}
