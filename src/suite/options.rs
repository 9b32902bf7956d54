//! What every run of a command shares, resolved once: tools, cache, timeout, isolation,
//! parallelism, partition; and running one client with them.
//!
//! `test`, `record` and `run` start clients through [`run_client`] only, so making a client ready
//! (its kind's toolchain, dependencies and build, see [`toolchain`]) happens in one place too.

use std::path::PathBuf;
use std::time::Duration;

use super::Prepared;
use crate::catalog::{Catalog, Kind, Partition, Selected};
use crate::config::{Config, RunFlags};
use crate::error::Result;
use crate::program::split::{self, Step};
use crate::program::syntax::Syntax;
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
    /// Keep each run's temp dir (`nbe run --keep`).
    pub keep: bool,
    /// The cache root for dependencies and builds, resolved before any sandbox moves `HOME`.
    pub cache: PathBuf,
    /// The repository root, holding the kinds' defaults folders (`clients/<kind>/`).
    pub root: PathBuf,
    /// Defaults folders used instead of `clients/<kind>/`: the kind's client library at another
    /// version (a version matrix, [`super::matrix`]).
    pub library_defaults: Vec<(Kind, PathBuf)>,
    /// Attribute a traced script's output to the steps of its page (see [`crate::runner::trace`]):
    /// `nbe record`, and `nbe test` where it keeps pending recordings; other runs go without it.
    pub attribute: bool,
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
            cache: crate::cache::root()?,
            root: config.root.clone(),
            library_defaults: Vec::new(),
            attribute: false,
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

    /// Where a file of `selected`'s last failed run is kept, by its `extension`: its whole output
    /// (`txt`) and its servers' whole logs (`server.log`). In the cache, since the report shows
    /// only parts of them and the repository is no place for them.
    pub fn failed_file(&self, selected: Selected, extension: &str) -> PathBuf {
        self.cache
            .join("failed")
            .join(format!("{}.{extension}", selected.client.path))
    }

    /// Keeps `bytes` as the file of `selected`'s last failed run with `extension` (see
    /// [`Self::failed_file`]) and says where; `None` when it could not be written.
    pub fn keep_failed(&self, selected: Selected, extension: &str, bytes: &[u8]) -> Option<PathBuf> {
        let path = self.failed_file(selected, extension);
        crate::atomic::atomic_write(&path, bytes).ok().map(|()| path)
    }

    /// The timeout `selected` runs with: its meta.yaml's, else the command line's.
    pub fn timeout_of(&self, selected: Selected) -> Duration {
        selected.example.timeout.unwrap_or(self.timeout)
    }
}

/// Makes one client ready (its kind's toolchain, dependencies and build, reused when unchanged),
/// then runs it with its server fixture, streaming its output to `sink` as it arrives. `Ok(Err)`
/// says why it cannot run: a kind nbe cannot run here or a missing toolchain (with the fix), or a
/// failed build (with the compiler's messages). `_prepared` proves the process adopts orphans and
/// stops cleanly on Ctrl-C.
pub fn run_client(
    _prepared: &Prepared,
    selected: Selected,
    options: &RunOptions,
    sink: &mut dyn FnMut(&[u8]),
) -> Result<Result<RunResult, NotReady>> {
    let client = toolchain::Client {
        kind: selected.client.kind,
        dir: &selected.client.dir,
        root: &options.root,
        defaults: options
            .library_defaults
            .iter()
            .find(|(kind, _)| *kind == selected.client.kind)
            .map(|(_, dir)| dir.as_path()),
        hooks: selected.client.hooks,
    };
    // A missing requirement is found before anything is built for a client that cannot run.
    if let Some(reason) = crate::catalog::requires::unmet(selected, Some(&options.tools)) {
        return Ok(Err(NotReady::Skipped(reason)));
    }
    let ready = match toolchain::make_ready(client, &options.tools, &options.cache, &options.isolation)? {
        Ok(ready) => ready,
        Err(not_ready) => return Ok(Err(not_ready)),
    };
    let command: Vec<&str> = ready.command.iter().map(String::as_str).collect();
    let steps = (options.attribute && ready.trace.is_some())
        .then(|| steps_of(&selected.client.main))
        .flatten();
    let spec = RunSpec {
        label: &selected.client.path,
        client_dir: &selected.client.dir,
        command: &command,
        tools: &options.tools,
        timeout: options.timeout_of(selected),
        keep: options.keep,
        isolation: &options.isolation,
        defaults: ready.defaults.as_deref(),
        env: &ready.env,
        server: selected.example.server_for(selected.client),
        trace: ready.trace.as_deref(),
        steps: steps.as_deref(),
    };
    runner::run(&spec, sink).map(Ok)
}

/// The steps of the program in `main`, as its page shows them; `None` when it cannot be read or
/// split, and then its page shows the output in one block, as without attribution.
fn steps_of(main: &std::path::Path) -> Option<Vec<Step>> {
    let source = std::fs::read_to_string(main).ok()?;
    let split = split::split(Syntax::for_file(main), &source).ok()?;
    Some(split::steps(&source, &split::blocks(&split.sections)))
}
