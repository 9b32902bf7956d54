//! `nbe test`: run clients, normalize their output, compare it with their snapshots.

use crate::catalog::Catalog;
use crate::config::{Config, ReportSettings, Unreferenced, UpdateMode, VersionsRequest};
use crate::error::Result;
use crate::report::{self, Reporters};
use crate::suite::stress::{self, Load};
use crate::suite::{Order, Prepared, RunOptions, Suite, Task, Variant};
use crate::verified;

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
    /// `--stress`, with the seed of its order.
    pub stress: Option<u64>,
    /// The versions of a version matrix; empty for a plain run on the pinned versions.
    pub versions: VersionsRequest,
    /// `--save`: write the matrix's results into the examples' verified files.
    pub save: bool,
}

/// Tests the clients under `prefixes` (all when empty) and returns the exit code.
pub fn test(
    config: &Config,
    prefixes: &[String],
    options: &TestOptions,
    settings: &ReportSettings,
) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = options.run.select(&catalog, prefixes)?;
    super::warn_unlisted(&catalog, &selected);
    let prepared = Prepared::process()?;
    // Every version is installed before the first client runs, so a missing one stops nbe at once.
    let variants = if options.versions.is_empty() {
        Vec::new()
    } else {
        Variant::all(&options.versions, &options.run)?
    };
    let task = Task::Test {
        update: options.update,
        repeat: options.repeat,
    };
    let mut reporters = Reporters::new(settings, "nbe test");
    reporters.problems(&catalog, prefixes, options.run.partition)?;
    let mut suite = Suite::new(&catalog.root, &options.run, &prepared, task).across(&variants);
    // The load lives until the clients are done, and stops however this function returns.
    let _load = match options.stress {
        Some(seed) => {
            let load = Load::start()?;
            eprintln!(
                "nbe: stress: {} busy threads at nice {} keep every core busy; the clients start in a shuffled order (`--stress --seed {seed}` replays it)",
                load.threads(),
                stress::NICE
            );
            suite = suite.in_order(Order::Shuffled(seed));
            Some(load)
        }
        None => None,
    };
    suite.run_all(&selected, &mut reporters)?;
    // An interrupted run saves nothing: its results are not the whole matrix.
    if let Some(code) = report::interrupted() {
        return Ok(code);
    }
    if options.save {
        for path in verified::save(&catalog.root, &selected, &reporters.matrix_results())? {
            eprintln!("nbe: saved {}", path.display());
        }
    }
    if options.run.whole_catalog(prefixes) {
        reporters.unreferenced(&catalog, options.unreferenced)?;
    }
    reporters.done()
}
