//! Verifying recordings without running anything: is what the docs page shows what the baseline says,
//! and was it recorded from the current code?
//!
//! [`status_of`] is also what the docs site uses for a client's verification badge.

use crate::catalog::{Catalog, Selected};
use crate::normalize::Normalizer;
use crate::record;
use crate::snapshot::{self, Snapshot};
use crate::verdict;

/// The state of one client's recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckStatus {
    /// Recorded from the current files, and the recording matches the snapshot.
    Verified,
    /// The files changed since the recording; the reason names what and says how to fix it.
    Stale(String),
    /// The recording is broken or disagrees with its snapshot.
    Failing(String),
    /// There is no snapshot or no `output.txt`.
    NotRecorded(String),
}

/// A client's recorded files, each read once: its snapshot, `output.txt` and `output.cast`.
///
/// `nbe check` judges them; the docs site also shows them, so it reads them once for both.
#[derive(Debug)]
pub struct Recording {
    /// The accepted snapshot; `None` when there is none.
    pub snapshot: Result<Option<Snapshot>, String>,
    /// The raw bytes of `output.txt`.
    pub output: std::io::Result<Vec<u8>>,
    /// The raw bytes of `output.cast`.
    pub cast: std::io::Result<Vec<u8>>,
}

impl Recording {
    /// Reads the recorded files of `selected`; a missing or unreadable file is kept as its error.
    pub fn read(catalog: &Catalog, selected: Selected) -> Recording {
        let client = selected.client;
        Recording {
            snapshot: Snapshot::read(&snapshot::path(&catalog.root, &client.path)).map_err(|e| e.to_string()),
            output: std::fs::read(client.output_txt()),
            cast: std::fs::read(client.output_cast()),
        }
    }
}

/// The status of `selected` given its already read `recording`, normalizing with its example's
/// compiled `normalizer`.
pub fn status_of(selected: Selected, recording: &Recording, normalizer: &Normalizer) -> CheckStatus {
    let path = &selected.client.path;
    let record = format!("run `nbe record {path}`");
    let snap = match &recording.snapshot {
        Ok(Some(snap)) => snap,
        Ok(None) => return CheckStatus::NotRecorded(format!("{path} has no snapshot; {record}")),
        Err(err) => return CheckStatus::Failing(format!("{err}; {record}")),
    };
    let raw = match &recording.output {
        Ok(raw) => raw,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return CheckStatus::NotRecorded(format!("{path} has no output.txt; {record}"));
        }
        Err(e) => return CheckStatus::Failing(format!("failed to read {path}/output.txt: {e}")),
    };
    match snapshot::files_hash(selected) {
        Ok(hash) if hash == snap.info.files_hash => {}
        Ok(_) => {
            return CheckStatus::Stale(format!(
                "the recording of {path} is older than its files (main program, other files or the example's meta.yaml changed); {record}"
            ));
        }
        Err(err) => return CheckStatus::Failing(err.to_string()),
    }
    let output = String::from_utf8_lossy(raw);
    if !snap.matches(&normalizer.normalize(&output)) {
        return CheckStatus::Failing(format!(
            "{path}/output.txt does not normalize to its snapshot; {record}"
        ));
    }
    let problems = verdict::problems(
        selected.example.expect.exit_status,
        &selected.example.error_lines,
        None,
        &output,
    );
    if !problems.is_empty() {
        return CheckStatus::Failing(format!(
            "{path}/output.txt {}; fix the example, then {record}",
            problems.join("; ")
        ));
    }
    match &recording.cast {
        Ok(cast) => match std::str::from_utf8(cast)
            .map_err(|e| format!("output.cast is not UTF-8 ({e})"))
            .and_then(|cast| record::cast_agrees(cast, raw))
        {
            Ok(()) => CheckStatus::Verified,
            Err(why) => CheckStatus::Failing(format!("{path}: {why}; {record}")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            CheckStatus::NotRecorded(format!("{path} has no output.cast; {record}"))
        }
        Err(e) => CheckStatus::Failing(format!("failed to read {path}/output.cast: {e}")),
    }
}
