//! `nbe set-versions`: move the pinned versions in one step, then see what that changes.
//!
//! It writes the new nats-server and natscli versions into `tools.versions` and each client
//! library's into its kind's defaults folder (`clients/<kind>/`, with the kind's `relock` step
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
use crate::runner::install;
use crate::runner::tools::{self, Tool};
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
    let mut relocked = Vec::new();
    for (kind, version) in &request.clients {
        let dir = config.root.join("clients").join(kind.name());
        let done = install::relock_copy(*kind, version, &dir, &options.tools, &options.cache)?;
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
        for (file, bytes) in &done.files {
            let path = dir.join(file);
            match bytes {
                Some(bytes) => atomic_write(&path, bytes)?,
                None => std::fs::remove_file(&path)
                    .map_err(|e| Error::io(format!("failed to remove {}", path.display()), e))?,
            }
        }
        eprintln!("nbe: set {} (clients/{kind}/)", done.summary);
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
}
