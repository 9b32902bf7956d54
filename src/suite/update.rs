//! The update policy: what `nbe test` and `nbe record` write when a client's normalized output
//! meets its snapshot, and how the outcome says it.
//!
//! `nbe test` ([`compare`]), as in insta: a match removes a stale pending snapshot; a mismatch
//! writes a pending `.snap.new` (`--update new`, the local default) with the run's recording
//! beside it, which `nbe accept` makes the client's `output.txt` and `output.cast` (see
//! [`recording::write_pending`]), overwrites the `.snap`
//! (`always`, reported UPDATED), or writes nothing (`no`, the default on CI) and says how to record
//! on purpose. A client without a snapshot is NEW and fails until its output is accepted, whatever
//! was written. A snapshot that cannot be read fails its client, whatever the mode, and is left as
//! it is for `nbe record` (or the user) to rewrite. A snapshot that cannot be written (a checkout
//! nbe may not write) fails its client with the write that failed, and the others run on.
//!
//! `nbe record` ([`record`]) keeps what did not change: when the output is the accepted
//! snapshot's and the recording is intact, `output.txt`, `output.cast` and the snapshot stay byte
//! for byte as they are (UNCHANGED); only a stale `files_hash` line of the snapshot is renewed,
//! since this run proved the current files still print what was recorded (the tool versions
//! stay those of the run that made `output.txt`). Otherwise it writes all three from this run:
//! UPDATED with the diff when an accepted snapshot changed, NEW when there was none (or it could
//! not be read), PASS with the reason when only the recording was damaged or `--force` asked.
//!
//! `nbe record --adopt` ([`adopt`]) starts from a recording another runner made: the client's
//! `output.txt` before this run, cleaned of that runner's noise ([`normalize::legacy`]) and
//! normalized, is compared with this run. The same: the run is recorded as `--force` would
//! (PASS, "adopted"). Different: nothing is written and the client fails with the diff from
//! the old recording to this run, so a maintainer sees what changed behaviour before anything
//! is overwritten; `--accept-changes` records those runs too.

use std::path::Path;
use std::time::SystemTime;

use crate::catalog::Selected;
use crate::config::UpdateMode;
use crate::error::Result;
use crate::lock;
use crate::normalize;
use crate::recording::{self, Recording};
use crate::report;
use crate::report::Outcome;
use crate::runner::RunResult;
use crate::snapshot::{self, Snapshot, ToolVersions};
use crate::suite::verdict::{self, Verdict};

/// A path relative to the repository root, for messages.
fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// Compares `actual` with the snapshot of `selected` and writes what `update` asks for; returns
/// the outcome and what was done about it. `versions` is asked only when a snapshot is written.
pub fn compare(
    root: &Path,
    selected: Selected,
    run: Run,
    update: UpdateMode,
    versions: impl FnOnce() -> ToolVersions,
) -> Result<(Outcome, Vec<String>)> {
    let Run {
        actual,
        result,
        started,
    } = run;
    let path = &selected.client.path;
    let snap_path = snapshot::path(root, path);
    let pending = snapshot::pending_path(&snap_path);
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
        if update != UpdateMode::No {
            let stale = pending.exists();
            // Also what `cargo insta accept`, which knows only the `.snap.new`, left of it.
            recording::remove_pending(&pending)?;
            if stale {
                notes.push(format!(
                    "removed the stale pending snapshot {}",
                    shown(root, &pending)
                ));
            }
        }
        return Ok((Outcome::Passed, notes));
    }
    let expected = existing.map(|snap| snap.body);
    // The snapshot is built only where it is written: building it hashes the client's files
    // and may ask the tools for their versions.
    // A checkout nbe cannot write (read-only, another owner) fails this client with the write
    // that failed; the other clients still run and report.
    match update {
        UpdateMode::New => {
            // The run's recording waits beside it, so that accepting it leaves `nbe check` green.
            let snap = Snapshot::new(root, selected, &versions(), &actual)?;
            let written =
                recording::write_pending(selected.client, &pending, recording::Taken::of(result), started)
                    .and_then(|()| snap.write(&pending));
            match written {
                Ok(()) => notes.push(format!(
                "pending snapshot written to {}; review it with `nbe review` or accept it with `nbe accept {path}`",
                shown(root, &pending)
            )),
            // NEW and MISMATCH fail anyway: the note says why nothing waits for review.
            Err(err) => notes.push(format!(
                    "{err}, so no pending snapshot waits for review; make the checkout writable, or run with --update no"
                )),
            }
        }
        UpdateMode::Always => {
            let written = Snapshot::new(root, selected, &versions(), &actual)?
                .write(&snap_path)
                .and_then(|()| recording::remove_pending(&pending));
            if let Err(err) = written {
                let reason = format!("{err}, so the new output of {path} was not accepted; make the checkout writable");
                return Ok((
                    Outcome::Failed {
                        reason,
                        tail: String::new(),
                    },
                    notes,
                ));
            }
            notes.push(format!("wrote {}", shown(root, &snap_path)));
        }
        UpdateMode::No => notes.push(match expected {
            None => format!(
                "nothing written on CI or with --update no, and nothing is accepted, so it fails; run `nbe record {path}` (or `nbe test {path}` then `nbe accept {path}`) and commit the result"
            ),
            Some(_) => format!(
                "nothing written on CI or with --update no; if the change is intended, run `nbe record {path}` (or `nbe test {path}` then `nbe accept {path}`) and commit the result"
            ),
        }),
    }
    let accepted = update == UpdateMode::Always;
    Ok((
        match expected {
            None => Outcome::New { actual, accepted },
            Some(expected) if accepted => Outcome::Updated { expected, actual },
            Some(expected) => Outcome::Mismatch { expected, actual },
        },
        notes,
    ))
}

/// A successful run of one client, to compare or record.
pub struct Run<'a> {
    /// Its normalized output.
    pub actual: String,
    /// What the runner returned: the raw output and the timing of its events.
    pub result: &'a RunResult,
    /// When it started.
    pub started: SystemTime,
}

/// Records a successful `run` of `selected`: keeps what did not change, writes the rest (see the
/// module doc); `force` writes all three files whatever changed. Returns the outcome and notes.
pub fn record(
    root: &Path,
    selected: Selected,
    run: Run,
    force: bool,
    versions: impl FnOnce() -> ToolVersions,
) -> Result<(Outcome, Vec<String>)> {
    let path = &selected.client.path;
    // Another nbe recording this client waits here, so its three files always come from one run.
    let _lock = lock::exclusive(&selected.client.dir)?;
    let snap_path = snapshot::path(root, path);
    let pending = snapshot::pending_path(&snap_path);
    let recording = Recording::read_in(root, selected);
    let mut notes = Vec::new();
    let (outcome, why) = match &recording.snapshot {
        Ok(Some(snap)) if snap.matches(&run.actual) => {
            match verdict::of_recording_contents(selected, &recording) {
                Verdict::Verified if !force => {
                    let hash = snapshot::files_hash(selected)?;
                    if hash != snap.info.files_hash {
                        let renewed = Snapshot {
                            info: snapshot::Info {
                                files_hash: hash,
                                ..snap.info.clone()
                            },
                            ..snap.clone()
                        };
                        renewed.write(&snap_path)?;
                        notes.push(format!(
                            "its files changed, not its output: renewed only the files_hash of {}",
                            shown(root, &snap_path)
                        ));
                    }
                    if pending.exists() {
                        recording::remove_pending(&pending)?;
                        notes.push(format!(
                            "removed the stale pending snapshot {}",
                            shown(root, &pending)
                        ));
                    }
                    return Ok((Outcome::Unchanged, notes));
                }
                Verdict::Verified => (Outcome::Passed, "--force".to_string()),
                Verdict::Stale(why) | Verdict::Failing(why) | Verdict::NotRecorded(why) => {
                    // What was wrong, without the advice to record: this is the recording.
                    let cut = ["; run `nbe record", "; fix the example, then"]
                        .iter()
                        .filter_map(|advice| why.find(advice))
                        .min()
                        .unwrap_or(why.len());
                    (Outcome::Passed, why[..cut].to_string())
                }
            }
        }
        Ok(Some(snap)) => (
            Outcome::Updated {
                expected: snap.body.clone(),
                actual: run.actual.clone(),
            },
            String::new(),
        ),
        Ok(None) => (
            Outcome::New {
                actual: run.actual.clone(),
                accepted: true,
            },
            String::new(),
        ),
        Err(err) => (
            Outcome::New {
                actual: run.actual.clone(),
                accepted: true,
            },
            format!("the old snapshot could not be read: {err}"),
        ),
    };
    // Everything the files hold is computed before the first is replaced.
    let snap = Snapshot::new(root, selected, &versions(), &run.actual)?;
    recording::write(selected.client, recording::Taken::of(run.result), run.started)?;
    snap.write(&snap_path)?;
    recording::remove_pending(&pending)?;
    let written = format!(
        "wrote {path}/output.txt, output.cast and {}",
        shown(root, &snap_path)
    );
    notes.push(if why.is_empty() {
        written
    } else {
        format!("{written} ({why})")
    });
    Ok((outcome, notes))
}

/// How `nbe record --adopt` treats a client whose run differs from its old recording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adopt {
    /// `--accept-changes`: record it all the same (otherwise nothing is written).
    pub accept_changes: bool,
}

/// Adopts the recording of `selected` another runner made (see the module doc): compares its
/// `output.txt` as it was before this run, cleaned and normalized, with `run`, then records the
/// run when they agree or when `adopt` accepts changes. Returns the outcome and notes.
pub fn adopt(
    root: &Path,
    selected: Selected,
    run: Run,
    adopt: Adopt,
    versions: impl FnOnce() -> ToolVersions,
) -> Result<(Outcome, Vec<String>)> {
    let path = &selected.client.path;
    let output_txt = selected.client.output_txt();
    let old = match std::fs::read(&output_txt) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(err) => {
            let reason = format!(
                "{}: the recording to adopt cannot be read ({err}); `nbe record {path}` records the client without one",
                shown(root, &output_txt)
            );
            return Ok((
                Outcome::Failed {
                    reason,
                    tail: String::new(),
                },
                Vec::new(),
            ));
        }
    };
    let before = selected
        .example
        .normalizer
        .normalize(&normalize::legacy::clean(&old));
    if before.trim_end() != run.actual.trim_end() && !adopt.accept_changes {
        let diff = report::diff(
            &before,
            &run.actual,
            &format!("{path}/output.txt (old recording, cleaned and normalized)"),
            &format!("{path} (this run)"),
        );
        let reason = format!(
            "its output changed since it was recorded: nothing written; if the change is intended, `nbe record --adopt --accept-changes {path}` records this run"
        );
        return Ok((Outcome::Failed { reason, tail: diff }, Vec::new()));
    }
    let agreed = before.trim_end() == run.actual.trim_end();
    let (_, mut notes) = record(root, selected, run, true, versions)?;
    notes.insert(
        0,
        if agreed {
            "adopted: the old recording, cleaned of runner noise and normalized, is this run's output"
                .to_owned()
        } else {
            "adopted with --accept-changes: this run replaces an old recording that differed".to_owned()
        },
    );
    Ok((Outcome::Passed, notes))
}
