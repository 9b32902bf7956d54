//! Running many clients: the options every run shares, and a worker pool.
//!
//! `test`, `record` and `run` start clients through [`run_selected`] only, so what every run
//! needs (tools, cache, timeout, isolation, parallelism, partition) lives in [`RunOptions`],
//! resolved in one place, and making a client ready (its toolchain, dependencies and build, see
//! [`toolchain`]) happens in one place too.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use crate::catalog::{Catalog, Partition, Selected};
use crate::cli::RunArgs;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::runner::isolation::Mode;
use crate::runner::toolchain::{self, NotReady};
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
    /// The cache root for dependencies and builds, resolved before any sandbox moves `HOME`.
    pub cache: PathBuf,
    /// The repository root, holding the kinds' defaults folders (`clients/<kind>/`).
    pub root: PathBuf,
}

impl RunOptions {
    /// Resolves the run flags against the configuration and what this machine supports.
    ///
    /// Without namespaces, runs share the host's ports, so they go one at a time whatever `-j` says.
    pub fn resolve(config: &Config, args: &RunArgs) -> Result<Self> {
        let isolation = config.isolation()?;
        let requested = args.jobs.map(|jobs| jobs as usize);
        let jobs = if isolation.parallel_safe() {
            requested.unwrap_or(DEFAULT_JOBS)
        } else {
            if requested.is_some_and(|jobs| jobs > 1) {
                eprintln!(
                    "nbe: runs share the host network without namespaces, so they go one at a time (-j 1)"
                );
            }
            1
        };
        Ok(Self {
            tools: config.tools()?,
            timeout: args.timeout,
            isolation,
            jobs,
            partition: args.partition,
            cache: toolchain::cache_root()?,
            root: config.root.clone(),
        })
    }

    /// The options of `nbe run`: one client, `timeout` unless its meta.yaml says otherwise.
    pub fn single(config: &Config, timeout: Duration) -> Result<Self> {
        Ok(Self {
            tools: config.tools()?,
            timeout,
            isolation: config.isolation()?,
            jobs: 1,
            partition: None,
            cache: toolchain::cache_root()?,
            root: config.root.clone(),
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
}

/// The timeout `selected` runs with: its meta.yaml's, else `default` (the command line's).
pub fn timeout_of(selected: Selected, default: Duration) -> Duration {
    selected.example.timeout.unwrap_or(default)
}

/// Runs one client with its output buffered; `Ok(Err)` when it cannot run (see [`run_selected`]).
pub fn run_client(selected: Selected, options: &RunOptions) -> Result<Result<RunResult, NotReady>> {
    run_selected(selected, options, false, &mut |_| {})
}

/// Makes one client ready (its kind's toolchain, dependencies and build, reused when unchanged),
/// then runs it with its server fixture, streaming its output to `sink`. `Ok(Err)` says why it
/// cannot run: a missing toolchain (with the fix) or a failed build (with the compiler's messages).
pub fn run_selected(
    selected: Selected,
    options: &RunOptions,
    keep: bool,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<Result<RunResult, NotReady>> {
    let client = toolchain::Client {
        kind: selected.client.kind,
        dir: &selected.client.dir,
        root: &options.root,
    };
    let ready = match toolchain::make_ready(client, &options.tools, &options.cache)? {
        Ok(ready) => ready,
        Err(not_ready) => return Ok(Err(not_ready)),
    };
    let command: Vec<&str> = ready.command.iter().map(String::as_str).collect();
    let spec = RunSpec {
        label: &selected.client.path,
        client_dir: &selected.client.dir,
        command: &command,
        tools: &options.tools,
        timeout: timeout_of(selected, options.timeout),
        keep,
        isolation: &options.isolation,
        defaults: ready.defaults.as_deref(),
        env: &ready.env,
        server: selected.example.server_for(selected.client),
    };
    runner::run(&spec, sink).map(Ok)
}

/// Prepares the process to run examples: it adopts orphaned grandchildren and stops cleanly on Ctrl-C.
pub fn prepare() -> Result<()> {
    runner::reaper::become_subreaper().map_err(|e| Error::io("failed to become a child subreaper", e))?;
    runner::install_interrupt_handler().map_err(|e| Error::io("failed to install signal handlers", e))
}

/// Calls `work` on every item with `jobs` worker threads and hands each result to `done` on the
/// calling thread, in the order they finish. No new item starts once nbe is interrupted.
pub fn for_each<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    work: impl Fn(&T) -> R + Sync,
    mut done: impl FnMut(R),
) {
    let next = Mutex::new(items.iter());
    let (sender, results) = mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, items.len().max(1)) {
            let sender = sender.clone();
            let (next, work) = (&next, &work);
            scope.spawn(move || {
                loop {
                    let item = match next.lock() {
                        Ok(mut items) if !runner::interrupted() => items.next(),
                        _ => None,
                    };
                    let Some(item) = item else { return };
                    if sender.send(work(item)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(sender);
        for result in results {
            done(result);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_worked_on_once() {
        let items: Vec<u32> = (1..=20).collect();
        let mut seen = Vec::new();
        for_each(&items, 4, |n| n * 2, |n| seen.push(n));
        seen.sort();
        assert_eq!(seen, items.iter().map(|n| n * 2).collect::<Vec<_>>());
    }
}
