//! `nbe set-versions`: move the pinned versions in one step, then see what that changes.
//!
//! It writes the new nats-server and natscli versions into `tools.versions` and each client
//! library's into the repository's defaults folder of its kind (`clients/<kind>/`, made when the
//! repository has none, holding the files of the defaults in effect that changed: those then
//! override nbe's built-in ones), with the kind's `relock` step
//! bringing the lock files along: `go get` for go.mod and go.sum, `cargo update -p` for
//! Cargo.lock, `npm install --package-lock-only` for package-lock.json). Each relock runs in a
//! copy of the defaults folder, and nothing is written until every one has succeeded: a version
//! that does not exist leaves the repository as it was. Then it re-runs the
//! catalog on the new versions (installed into the cache on demand, as the version matrix does)
//! and compares with the accepted snapshots: a changed output is a MISMATCH with its diff and a
//! pending `.snap.new` to review, never accepted. The nbe that ran keeps the old pinned versions
//! embedded until it is rebuilt; `make bump` rebuilds it and installs the new tools.

use crate::atomic::atomic_write;
use crate::catalog::Catalog;
use crate::catalog::versions::Component;
use crate::config::{Config, ReportSettings, UpdateMode, VersionsRequest};
use crate::error::{Error, Result};
use crate::report::{self, Reporters};
use crate::runner::tools::{self, Tool};
use crate::runner::{defaults, install};
use crate::suite::{Prepared, RunOptions, Suite, Task, Variant};

/// Sets the versions `request` names (one per axis) and, unless `no_test`, re-runs the clients
/// under `prefixes`; returns the exit code: 1 when any output changed or a client failed.
pub fn set_versions(
    config: &Config,
    request: &VersionsRequest,
    prefixes: &[String],
    options: &RunOptions,
    no_test: bool,
    settings: &ReportSettings,
) -> Result<i32> {
    if request.is_empty() {
        return Err(Error::Usage(
            "nbe set-versions needs a version to set: --server vX, --cli vY or --client KIND=VERSION".into(),
        ));
    }
    for (flag, values) in [("--server", &request.server), ("--cli", &request.cli)] {
        if values.len() > 1 {
            return Err(Error::Usage(format!(
                "{flag} takes one version; the pinned version is one"
            )));
        }
    }
    let mut kinds: Vec<_> = request.clients.iter().map(|(kind, _)| *kind).collect();
    kinds.dedup();
    if kinds.len() < request.clients.len() {
        return Err(Error::Usage("--client takes one version per kind".into()));
    }
    // Everything is worked out before anything is written: the new `tools.versions`, and each
    // library relocked in a copy of its defaults. A version that fails changes nothing.
    let mut chosen = Vec::new();
    let versions_file = config.root.join("tools.versions");
    let mut versions_text = None;
    for (tool, component, values) in [
        (tools::NATS_SERVER, Component::Server, &request.server),
        (tools::NATS, Component::Cli, &request.cli),
    ] {
        if let Some(version) = values.first() {
            let text = match &versions_text {
                Some(text) => text,
                None => &std::fs::read_to_string(&versions_file)
                    .map_err(|e| Error::io(format!("failed to read {}", versions_file.display()), e))?,
            };
            versions_text = Some(set_pinned(text, tool, version).ok_or_else(|| {
                Error::Usage(format!(
                    "{} has no {} line to change",
                    versions_file.display(),
                    tool.version_key()
                ))
            })?);
            chosen.push((component, version.clone(), tool.name));
        }
    }
    // Each library is relocked in the defaults in effect (nbe's built-in files under the
    // repository's own), and what changed is written to the repository's `clients/<kind>/`: a
    // repository without one gets one, overriding the built-in files it changed.
    let mut relocked = Vec::new();
    for (kind, version) in &request.clients {
        let dir = defaults::repository_dir(*kind, &config.root);
        let merged = defaults::materialize(*kind, &config.root, &options.cache)?.ok_or_else(|| {
            Error::Usage(format!(
                "{kind} clients have no defaults folder to set a library version in; add clients/{kind}/"
            ))
        })?;
        let done = install::relock_copy(*kind, version, &merged, &options.tools, &options.cache)?;
        chosen.push((Component::Library(*kind), done.version.clone(), kind.name()));
        relocked.push((*kind, dir, done));
    }
    if let Some(text) = versions_text {
        atomic_write(&versions_file, text.as_bytes())?;
        for (component, version, name) in &chosen {
            if !matches!(component, Component::Library(_)) {
                eprintln!("nbe: set {name} {version} in tools.versions");
            }
        }
    }
    for (kind, dir, done) in relocked {
        // The files the repository did not have: from now on they override nbe's built-in ones.
        let mut added = Vec::new();
        for (file, bytes) in &done.files {
            let path = dir.join(file);
            match bytes {
                Some(bytes) => {
                    if let Some(parent) = path.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| Error::io(format!("failed to create {}", parent.display()), e))?;
                    }
                    if !path.exists() {
                        added.push(format!("clients/{kind}/{}", file.display()));
                    }
                    atomic_write(&path, bytes)?;
                }
                // Only the repository's own file can go; a built-in one stays built into nbe.
                None if path.is_file() => std::fs::remove_file(&path)
                    .map_err(|e| Error::io(format!("failed to remove {}", path.display()), e))?,
                None => eprintln!(
                    "nbe: warning: the relock removed {}, which nbe's built-in {kind} defaults hold; an override cannot remove it",
                    file.display()
                ),
            }
        }
        eprintln!("nbe: set {} (clients/{kind}/)", done.summary);
        if !added.is_empty() {
            eprintln!(
                "nbe: wrote {}: the repository's defaults now override the built-in ones",
                and_list(&added)
            );
        }
    }
    let chosen: Vec<(Component, String)> = chosen
        .into_iter()
        .map(|(component, version, _)| (component, version))
        .collect();
    eprintln!(
        "nbe: rebuild nbe (cargo build) and run `make tools` so the new versions are embedded and installed in .tools/bin; `make bump` does both"
    );
    if no_test {
        return Ok(crate::exit::SUCCESS);
    }
    // The new versions are the pinned ones from now on: their runs write pending snapshots.
    let variant = Variant::new(chosen, options)?.as_pinned();
    let catalog = Catalog::load(&config.root)?;
    let selected = options.select(&catalog, prefixes)?;
    let prepared = Prepared::process()?;
    let mut reporters = Reporters::new(settings, "nbe set-versions");
    reporters.problems(&catalog, prefixes, options.partition)?;
    let task = Task::Test {
        update: UpdateMode::New,
        repeat: 1,
    };
    let variants = [variant];
    Suite::new(&catalog.root, options, &prepared, task)
        .across(&variants)
        .run_all(&selected, &mut reporters)?;
    if let Some(code) = report::interrupted() {
        return Ok(code);
    }
    let changed = reporters.mismatched();
    if changed.is_empty() {
        eprintln!("nbe: no example changed output on {}", variants[0].label());
    } else {
        eprintln!(
            "nbe: {} client(s) changed output on {}: {}; review the pending snapshots with `nbe review` (or `nbe accept`)",
            changed.len(),
            variants[0].label(),
            changed.join(", ")
        );
    }
    reporters.done()
}

/// `items` as a sentence lists them: `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `text` (a `tools.versions`) with `tool`'s version line set to `version`; `None` without one.
fn set_pinned(text: &str, tool: Tool, version: &str) -> Option<String> {
    let key = format!("{}=", tool.version_key());
    let mut found = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if line.starts_with(&key) {
                found = true;
                format!("{key}{version}")
            } else {
                line.to_string()
            }
        })
        .collect();
    found.then(|| lines.join("\n") + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_tools_own_line_changes() {
        let text = "# pins\nNATS_SERVER_MODULE=m\nNATS_SERVER_VERSION=v2.15.2\nNATSCLI_VERSION=v0.5.0\n";
        assert_eq!(
            set_pinned(text, tools::NATS_SERVER, "v2.15.3").unwrap(),
            "# pins\nNATS_SERVER_MODULE=m\nNATS_SERVER_VERSION=v2.15.3\nNATSCLI_VERSION=v0.5.0\n"
        );
        assert_eq!(set_pinned("# nothing\n", tools::NATS, "v1"), None);
    }

    #[test]
    fn written_files_read_as_a_sentence() {
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&names(&["go.mod"])), "go.mod");
        assert_eq!(and_list(&names(&["go.mod", "go.sum"])), "go.mod and go.sum");
        assert_eq!(and_list(&names(&["a", "b", "c"])), "a, b and c");
    }
}
