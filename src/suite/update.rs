//! The update policy: what `nbe test` writes when a client's normalized output meets its snapshot.
//!
//! As in insta: a match removes a stale pending snapshot; a mismatch writes a pending `.snap.new`
//! (`--update new`, the local default), overwrites the `.snap` (`always`), or writes nothing (`no`,
//! the default on CI) and says how to record on purpose. A snapshot that cannot be read fails its
//! client, whatever the mode, and is left as it is for `nbe record` (or the user) to rewrite.

use std::path::Path;

use crate::catalog::Selected;
use crate::config::UpdateMode;
use crate::error::Result;
use crate::report::Outcome;
use crate::snapshot::{self, Snapshot, ToolVersions};
use crate::suite::verdict;

/// Compares `actual` with the snapshot of `selected` and writes what `update` asks for; returns
/// the outcome and what was done about it. `versions` is asked only when a snapshot is written.
pub fn compare(
    root: &Path,
    selected: Selected,
    actual: String,
    update: UpdateMode,
    versions: impl FnOnce() -> ToolVersions,
) -> Result<(Outcome, Vec<String>)> {
    let path = &selected.client.path;
    let snap_path = snapshot::path(root, path);
    let pending = snapshot::pending_path(&snap_path);
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let existing = match Snapshot::read(&snap_path) {
        Ok(existing) => existing,
        // A snapshot that cannot be read fails its client alone; nothing is written over it.
        Err(err) => {
            let reason = verdict::unusable_snapshot(path, &err);
            return Ok((
                Outcome::Failed {
                    reason,
                    tail: String::new(),
                },
                Vec::new(),
            ));
        }
    };
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
            Snapshot::new(root, selected, &versions(), &actual)?.write(&pending)?;
            notes.push(format!(
                "pending snapshot written to {}; review it with `nbe review` or accept it with `nbe accept {path}`",
                shown(&pending)
            ));
            Ok((Outcome::Mismatch { expected, actual }, notes))
        }
        UpdateMode::Always => {
            Snapshot::new(root, selected, &versions(), &actual)?.write(&snap_path)?;
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
