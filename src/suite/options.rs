//! What every run of a command shares, resolved once: tools, timeout, isolation, parallelism,
//! partition; and running one client with them.

use std::time::Duration;

use super::Prepared;
use crate::catalog::{Catalog, Partition, Selected};
use crate::config::{Config, RunFlags};
use crate::error::Result;
use crate::runner::isolation::Mode;
use crate::runner::{self, RunResult, RunSpec, Tools};

/// Parallel runs when nothing else is asked for: examples mostly wait on servers, so more runs than
/// cores pay off (measured in docs/PERFORMANCE.md).
pub const DEFAULT_JOBS: usize = 8;

/// What every run of a command shares.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// The tools put first on the examples' `PATH`.
    pub tools: Tools,
    /// The timeout, unless the example's meta.yaml sets one.
    pub timeout: Duration,
    /// Namespaces, or the host.
    pub isolation: Mode,
    /// Clients run at once.
    pub jobs: usize,
    /// Only this CI partition of the examples.
    pub partition: Option<Partition>,
    /// Keep each run's temp dir (`nbe run --keep`).
    pub keep: bool,
}

impl RunOptions {
    /// Resolves the run flags against the configuration and what this machine supports.
    ///
    /// Without namespaces, runs share the host's ports, so they go one at a time whatever `-j` says.
    pub fn resolve(config: &Config, flags: &RunFlags) -> Result<Self> {
        let isolation = config.isolation()?;
        let jobs = if isolation.parallel_safe() {
            flags.jobs.unwrap_or(DEFAULT_JOBS)
        } else {
            if flags.jobs.is_some_and(|jobs| jobs > 1) {
                eprintln!(
                    "nbe: runs share the host network without namespaces, so they go one at a time (-j 1)"
                );
            }
            1
        };
        Ok(Self {
            tools: config.tools()?,
            timeout: flags.timeout,
            isolation,
            jobs,
            partition: flags.partition,
            keep: flags.keep,
        })
    }

    /// The clients under `prefixes` (all when empty), within the partition.
    pub fn select<'a>(&self, catalog: &'a Catalog, prefixes: &[String]) -> Result<Vec<Selected<'a>>> {
        catalog.select_in(prefixes, self.partition)
    }

    /// True when the selection is the whole catalog, so unreferenced snapshots can be told apart.
    pub fn whole_catalog(&self, prefixes: &[String]) -> bool {
        prefixes.is_empty() && self.partition.is_none()
    }

    /// The timeout `selected` runs with: its meta.yaml's, else the command line's.
    pub fn timeout_of(&self, selected: Selected) -> Duration {
        selected.example.timeout.unwrap_or(self.timeout)
    }
}

/// Runs one client, streaming its output to `sink` as it arrives; `Ok(None)` when nbe cannot run
/// its kind. `_prepared` proves the process adopts orphans and stops cleanly on Ctrl-C.
pub fn run_client(
    _prepared: &Prepared,
    selected: Selected,
    options: &RunOptions,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<Option<RunResult>> {
    let Some(command) = selected.client.kind.command() else {
        return Ok(None);
    };
    let spec = RunSpec {
        label: &selected.client.path,
        client_dir: &selected.client.dir,
        command,
        tools: &options.tools,
        timeout: options.timeout_of(selected),
        keep: options.keep,
        isolation: &options.isolation,
    };
    runner::run(&spec, sink).map(Some)
}
