//! `nbe test`: run clients, normalize their output, compare it with their snapshots.

use crate::catalog::Catalog;
use crate::config::{Config, ReportSettings, Unreferenced, UpdateMode};
use crate::error::Result;
use crate::report::{self, Reporters};
use crate::suite::{Prepared, RunOptions, Suite, Task};

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
pub fn test(
    config: &Config,
    prefixes: &[String],
    options: &TestOptions,
    settings: &ReportSettings,
) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = options.run.select(&catalog, prefixes)?;
    let prepared = Prepared::process()?;
    let task = Task::Test {
        update: options.update,
        repeat: options.repeat,
    };
    let mut reporters = Reporters::new(settings, "nbe test");
    reporters.problems(&catalog, prefixes, options.run.partition)?;
    Suite::new(&catalog.root, &options.run, &prepared, task).run_all(&selected, &mut reporters)?;
    if let Some(code) = report::interrupted() {
        return Ok(code);
    }
    if options.run.whole_catalog(prefixes) {
        reporters.unreferenced(&catalog, options.unreferenced)?;
    }
    reporters.done()
}
