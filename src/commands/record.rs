//! `nbe record`: run clients and write their recordings and accepted snapshots.
//!
//! A client whose run is not a success is not recorded and nothing of it is touched; the three files
//! of a successful one are each replaced atomically, after everything they hold has been computed
//! (see [`Task::Record`]).

use crate::catalog::Catalog;
use crate::config::{Config, ReportSettings};
use crate::error::Result;
use crate::report::{self, Reporters};
use crate::suite::{Prepared, RunOptions, Suite, Task};

/// Records the clients under `prefixes` (all when empty) and returns the exit code.
pub fn record(
    config: &Config,
    prefixes: &[String],
    options: &RunOptions,
    settings: &ReportSettings,
) -> Result<i32> {
    let catalog = Catalog::load(&config.root)?;
    let selected = options.select(&catalog, prefixes)?;
    let prepared = Prepared::process()?;
    let mut reporters = Reporters::new(settings, "nbe record");
    reporters.problems(&catalog, prefixes, options.partition)?;
    Suite::new(&catalog.root, options, &prepared, Task::Record).run_all(&selected, &mut reporters)?;
    if let Some(code) = report::interrupted() {
        return Ok(code);
    }
    reporters.done()
}
