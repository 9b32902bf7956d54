//! `nbe record`: run clients and write their recordings and accepted snapshots.
//!
//! Without paths it records only what `nbe check` flags (a missing, stale or damaged recording);
//! `--all`, or paths, select the clients as `nbe test` does. A client whose run is not a success is
//! not recorded and nothing of it is touched; of a successful one, what did not change is kept and
//! the rest replaced atomically, after everything it holds has been computed (see
//! [`crate::suite::update::record`]).

use crate::catalog::Catalog;
use crate::config::{Config, ReportSettings};
use crate::error::Result;
use crate::report::{self, Reporters};
use crate::suite::verdict::{self, Verdict};
use crate::suite::{Prepared, RunOptions, Suite, Task};

/// Which clients `nbe record` runs, and how it writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordOptions {
    /// `--all`: every client, not only those `nbe check` flags (when no path is given).
    pub all: bool,
    /// `--force`: write all three files even when the output is unchanged.
    pub force: bool,
}

/// Records the clients under `prefixes` (when empty: those `nbe check` flags, or all with
/// `--all`) and returns the exit code.
pub fn record(
    config: &Config,
    prefixes: &[String],
    options: &RunOptions,
    record: RecordOptions,
    settings: &ReportSettings,
) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let mut selected = options.select(&catalog, prefixes)?;
    super::warn_unlisted(&catalog, &selected);
    if prefixes.is_empty() && !record.all {
        let before = selected.len();
        let verdicts = verdict::of_recordings(&catalog.root, &selected);
        let mut verdicts = verdicts.into_iter();
        selected.retain(|_| {
            verdicts
                .next()
                .is_some_and(|(verdict, _)| verdict != Verdict::Verified)
        });
        let verified = before - selected.len();
        if verified > 0 {
            eprintln!(
                "nbe: {verified} of {before} recordings are verified and were left alone; `nbe record --all` (or their paths) records them too"
            );
        }
    }
    let prepared = Prepared::process()?;
    let mut reporters = Reporters::new(settings, "nbe record");
    reporters.problems(&catalog, prefixes, options.partition)?;
    let task = Task::Record { force: record.force };
    Suite::new(&catalog.root, options, &prepared, task).run_all(&selected, &mut reporters)?;
    if let Some(code) = report::interrupted() {
        return Ok(code);
    }
    reporters.done()
}
