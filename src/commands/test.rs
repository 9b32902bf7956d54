//! `nbe test`: run clients, normalize their output, compare it with their snapshots.

use std::path::Path;
use std::time::Instant;

use super::regress::{self, Reporters};
use crate::catalog::{Catalog, Selected};
use crate::cli::ReportArgs;
use crate::config::{Config, Unreferenced, UpdateMode};
use crate::error::Result;
use crate::execute::{self, RunOptions};
use crate::normalize::Normalizer;
use crate::report::{ClientReport, Outcome};
use crate::snapshot::{self, Snapshot};

/// How `nbe test` runs.
#[derive(Debug)]
pub struct TestOptions {
    /// What every run shares.
    pub run: RunOptions,
    /// What to write on a mismatch.
    pub update: UpdateMode,
    /// Runs per client.
    pub repeat: u32,
    /// What to do with unreferenced snapshots after a full run.
    pub unreferenced: Unreferenced,
}

/// Tests the clients under `prefixes` (all when empty) and returns the exit code.
pub fn test(config: &Config, prefixes: &[String], options: &TestOptions, report: &ReportArgs) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = options.run.select(&catalog, prefixes)?;
    let normalizers = regress::normalizers(&selected)?;
    execute::prepare()?;
    let mut reporters = Reporters::new(report, "nbe test");
    regress::problems(&mut reporters, &catalog, prefixes, options.run.partition)?;
    reporters.run_all(&selected, options.run.jobs, |s| {
        test_client(&catalog.root, s, &normalizers[s.example.path.as_str()], options)
    })?;
    if let Some(code) = regress::interrupted() {
        return Ok(code);
    }
    if options.run.whole_catalog(prefixes) {
        reporters.unreferenced(&catalog, options.unreferenced)?;
    }
    reporters.done()
}

/// Runs one client `repeat` times and compares its output with its snapshot.
fn test_client(
    root: &Path,
    selected: Selected,
    normalizer: &Normalizer,
    options: &TestOptions,
) -> Result<ClientReport> {
    let started = Instant::now();
    let report = |outcome, notes| ClientReport {
        path: selected.client.path.clone(),
        outcome,
        elapsed: started.elapsed(),
        notes,
    };
    let mut first: Option<String> = None;
    for run in 1..=options.repeat {
        let result = match execute::run_client(selected, &options.run)? {
            Ok(result) => result,
            Err(not_ready) => return Ok(report(regress::not_ready(not_ready), Vec::new())),
        };
        if let Some(outcome) = regress::run_failure(selected, &result, &options.run) {
            return Ok(report(outcome, Vec::new()));
        }
        let normalized = normalizer.normalize(&String::from_utf8_lossy(&result.output));
        match &first {
            Some(first) if first.trim_end() != normalized.trim_end() => {
                let outcome = Outcome::Flaky {
                    run: run as usize,
                    first: first.clone(),
                    other: normalized,
                };
                let note = "make the output stable, or teach the normalizer what varies".to_string();
                return Ok(report(outcome, vec![note]));
            }
            Some(_) => {}
            None => first = Some(normalized),
        }
    }
    let actual = first.unwrap_or_default();
    let (outcome, notes) = compare(root, selected, &options.run, actual, options.update)?;
    Ok(report(outcome, notes))
}

/// Compares `actual` with the client's snapshot and writes what `update` asks for.
fn compare(
    root: &Path,
    selected: Selected,
    run: &RunOptions,
    actual: String,
    update: UpdateMode,
) -> Result<(Outcome, Vec<String>)> {
    let path = &selected.client.path;
    let snap_path = snapshot::path(root, path);
    let pending = snapshot::pending_path(&snap_path);
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let existing = Snapshot::read(&snap_path)?;
    let mut notes = Vec::new();
    if existing.as_ref().is_some_and(|snap| snap.matches(&actual)) {
        // A pending snapshot from an earlier mismatch is stale once the client passes again.
        if update != UpdateMode::No && pending.exists() {
            snapshot::remove(&pending)?;
            notes.push(format!("removed the stale pending snapshot {}", shown(&pending)));
        }
        return Ok((Outcome::Passed, notes));
    }
    let expected = existing.as_ref().map(|snap| snap.body.clone());
    // The snapshot is built only where it is written: building it hashes the client's files
    // and may ask the tools for their versions.
    match update {
        UpdateMode::New => {
            Snapshot::new(root, selected, &run.tools, &actual)?.write(&pending)?;
            notes.push(format!(
                "pending snapshot written to {}; review it with `nbe review` or accept it with `nbe accept {path}`",
                shown(&pending)
            ));
            Ok((Outcome::Mismatch { expected, actual }, notes))
        }
        UpdateMode::Always => {
            Snapshot::new(root, selected, &run.tools, &actual)?.write(&snap_path)?;
            snapshot::remove(&pending)?;
            notes.push(format!("updated {}", shown(&snap_path)));
            Ok((Outcome::Passed, notes))
        }
        UpdateMode::No => {
            notes.push(if existing.is_none() {
                format!("no snapshot, and none written on CI or with --update no; run `nbe record {path}` and commit the result")
            } else {
                format!(
                    "nothing written on CI or with --update no; if the change is intended, run `nbe record {path}` (or `nbe test {path}` then `nbe accept {path}`) and commit the result"
                )
            });
            Ok((Outcome::Mismatch { expected, actual }, notes))
        }
    }
}
