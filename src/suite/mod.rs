//! The regression suite: what `nbe test` and `nbe record` do to each client, and many at once.
//!
//! ```text
//! Suite::client:  run (sandbox) -> judge (verdict) -> normalize -> compare (update)  -> ClientReport
//!                                                               \-> record (update: keep or write)
//! Suite::run_all: pool (longest first, -j workers) -> Suite::client -> report::Reporters
//! ```
//!
//! - [`RunOptions`] holds what every run shares, resolved once; [`run_client`] makes one client
//!   ready (toolchain, dependencies, build: [`crate::runner::toolchain`]) and runs it beside its
//!   server fixture, and needs a [`Prepared`] process, so no command can forget the set-up;
//! - [`verdict`] judges a run (and, for `nbe check` and the site, a recording);
//! - each example's normalizer was compiled when the catalog loaded;
//! - [`update`] is the policy for what `test` writes on a mismatch and what `record` keeps or
//!   writes (UNCHANGED, UPDATED, NEW);
//! - [`pool`] runs clients on worker threads, longest first;
//! - [`stress`] is `nbe test --stress`: a low-priority load on every core and a shuffled order;
//! - [`matrix`] is the version matrix: the same clients on other versions, one [`Variant`] each.

pub mod matrix;
mod options;
pub mod pool;
mod prepared;
pub mod stress;
pub mod update;
pub mod verdict;

use std::path::Path;
use std::sync::OnceLock;
use std::time::{Instant, SystemTime};

pub use matrix::Variant;
pub use options::{DEFAULT_JOBS, RunOptions, run_client};
pub use prepared::Prepared;

use crate::atomic;
use crate::catalog::Selected;
use crate::config::UpdateMode;
use crate::error::Result;
use crate::normalize;
use crate::recording;
use crate::report::progress::Progress;
use crate::report::{ClientReport, Outcome, Reporters};
use crate::runner::{RunResult, tools};
use crate::snapshot::{self, Snapshot, ToolVersions};

/// What the suite does with each client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// `nbe test`: run `repeat` times, compare with the snapshot, write what `update` asks for.
    Test {
        /// What to write on a mismatch.
        update: UpdateMode,
        /// Runs per client; a difference between them is a flake.
        repeat: u32,
    },
    /// `nbe record`: run once and, when the run is a success, write what changed of `output.txt`,
    /// `output.cast` and the accepted snapshot ([`update::record`]). A failed run touches nothing.
    Record {
        /// Write all three files even when the output is unchanged (`--force`).
        force: bool,
    },
}

/// The order the clients start in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// The longest recorded first with several workers, catalog order with one ([`pool::longest_first`]).
    LongestFirst,
    /// The order this seed decides ([`stress::shuffled`]).
    Shuffled(u64),
}

/// One command's suite: the repository, the shared run options and the prepared process.
pub struct Suite<'a> {
    root: &'a Path,
    options: &'a RunOptions,
    prepared: &'a Prepared,
    task: Task,
    order: Order,
    /// The columns of a version matrix; empty for a plain run on the pinned versions.
    variants: &'a [Variant],
    /// Asked of the tools once, the first time a snapshot is written.
    versions: OnceLock<ToolVersions>,
}

impl<'a> Suite<'a> {
    /// The suite doing `task` in the repository at `root`.
    pub fn new(root: &'a Path, options: &'a RunOptions, prepared: &'a Prepared, task: Task) -> Self {
        Self {
            root,
            options,
            prepared,
            task,
            order: Order::LongestFirst,
            variants: &[],
            versions: OnceLock::new(),
        }
    }

    /// The same suite, running every client once per variant (a version matrix).
    pub fn across(self, variants: &'a [Variant]) -> Self {
        Self { variants, ..self }
    }

    /// The same suite, starting the clients in `order`.
    pub fn in_order(self, order: Order) -> Self {
        Self { order, ..self }
    }

    /// Does the task on every selected client with the options' workers, in the suite's order, reporting
    /// each as it finishes under a live progress display on a terminal. Stops at the first error of
    /// nbe itself.
    pub fn run_all(&self, selected: &[Selected], reporters: &mut Reporters) -> Result<()> {
        // One item per client and column; a column choosing a library holds only its kind's clients.
        let items: Vec<(Selected, Option<&Variant>)> = if self.variants.is_empty() {
            selected.iter().map(|s| (*s, None)).collect()
        } else {
            self.variants
                .iter()
                .flat_map(|variant| {
                    selected
                        .iter()
                        .filter(|s| variant.applies_to(s.client.kind))
                        .map(move |s| (*s, Some(variant)))
                })
                .collect()
        };
        let ordered = match self.order {
            Order::LongestFirst => {
                pool::longest_first(items, self.options.jobs, |(s, _)| recording::duration(s.client))
            }
            Order::Shuffled(seed) => stress::shuffled(items, seed),
        };
        let progress = Progress::new(ordered.len(), reporters.live());
        let mut failure = Ok(());
        pool::for_each(
            &ordered,
            self.options.jobs,
            |(s, variant)| {
                progress.started(&s.client.path);
                let report = self.client_on(*s, *variant);
                progress.finished(&s.client.path);
                report
            },
            |result| {
                if failure.is_ok() {
                    failure = result.and_then(|report| progress.suspend(|| reporters.finished(&report)));
                }
            },
        );
        progress.clear();
        failure
    }

    /// Runs, judges, normalizes and compares (or records) one client on the pinned versions.
    pub fn client(&self, selected: Selected) -> Result<ClientReport> {
        self.client_on(selected, None)
    }

    /// Runs, judges, normalizes and compares (or records) one client, on `variant`'s versions
    /// when given. A client whose example's `versions:` exclude them is skipped with the reason.
    pub fn client_on(&self, selected: Selected, variant: Option<&Variant>) -> Result<ClientReport> {
        let started = Instant::now();
        let start_time = SystemTime::now();
        let report = |outcome, notes| ClientReport {
            path: selected.client.path.clone(),
            outcome,
            elapsed: started.elapsed(),
            notes,
            versions: variant.map(Variant::versions),
        };
        if let Some(reason) = matrix::unmet(selected, variant, self.root) {
            return Ok(report(Outcome::Skipped { reason }, Vec::new()));
        }
        let options = variant.map_or(self.options, |variant| &variant.options);
        let repeat = match self.task {
            Task::Test { repeat, .. } => repeat,
            Task::Record { .. } => 1,
        };
        let mut first: Option<(String, RunResult)> = None;
        for run in 1..=repeat {
            let result = match run_client(self.prepared, selected, options, &mut |_| {})? {
                Ok(result) => result,
                Err(not_ready) => return Ok(report(Outcome::not_ready(not_ready), Vec::new())),
            };
            // A report showing only part of the output or logs names where the whole is kept.
            let save = |extension: &str, bytes: &[u8]| options.keep_failed(selected, extension, bytes);
            if let Some(outcome) = verdict::of_run(selected, &result, options.timeout_of(selected), &save) {
                let notes = match self.task {
                    Task::Record { .. } => vec![format!(
                        "not recorded: {}'s output.txt, output.cast and snapshot are untouched",
                        selected.client.path
                    )],
                    Task::Test { .. } => Vec::new(),
                };
                return Ok(report(outcome, notes));
            }
            let normalized = selected
                .example
                .normalizer
                .normalize(&String::from_utf8_lossy(&result.output));
            match &first {
                Some((first, first_result)) if first.trim_end() != normalized.trim_end() => {
                    let notes = self.flaky_notes(selected, [(1, first_result), (run, &result)]);
                    let outcome = Outcome::Flaky {
                        run: run as usize,
                        first: first.clone(),
                        other: normalized,
                    };
                    return Ok(report(outcome, notes));
                }
                Some(_) => {}
                None => first = Some((normalized, result)),
            }
        }
        let Some((actual, result)) = first else {
            return Ok(report(Outcome::Passed, Vec::new()));
        };
        match self.task {
            // Snapshots hold the pinned versions' output: another version compares, never writes.
            Task::Test { .. } if variant.is_some_and(|variant| !variant.pinned) => {
                let variant = variant.expect("the guard saw a variant");
                let run = update::Run {
                    actual,
                    result: &result,
                    started: start_time,
                };
                let (outcome, _) = update::compare(self.root, selected, run, UpdateMode::No, || {
                    self.versions().clone()
                })?;
                let Outcome::Mismatch { expected, actual } = outcome else {
                    return Ok(report(outcome, Vec::new()));
                };
                // Compared by behaviour: the version numbers the column asked for do not count.
                let masked = (
                    variant.mask(&expected, self.root),
                    variant.mask(&actual, self.root),
                );
                if masked.0.trim_end() == masked.1.trim_end() {
                    return Ok(report(Outcome::Passed, Vec::new()));
                }
                let label = variant.label();
                // A difference the pinned versions show too is the example's, not the version's.
                if let Some(other) = self.differs_on_pinned(selected)? {
                    let note = format!(
                        "it differs on {label}, and a second run on the pinned versions differs from the snapshot too: the example is flaky, not different on {label} (the diff: the snapshot as run 1, that second run as run 2)"
                    );
                    let outcome = Outcome::Flaky {
                        run: 2,
                        first: expected,
                        other,
                    };
                    return Ok(report(outcome, vec![note]));
                }
                let note = format!(
                    "the snapshot holds the output on the pinned versions; on {label} it differs, version numbers aside (nothing is written for versions other than the pinned ones)"
                );
                let outcome = Outcome::Mismatch {
                    expected: masked.0,
                    actual: masked.1,
                };
                Ok(report(outcome, vec![note]))
            }
            Task::Test { update, .. } => {
                let run = update::Run {
                    actual,
                    result: &result,
                    started: start_time,
                };
                let (outcome, notes) =
                    update::compare(self.root, selected, run, update, || self.tool_versions(options))?;
                Ok(report(outcome, notes))
            }
            Task::Record { force } => {
                let run = update::Run {
                    actual,
                    result: &result,
                    started: start_time,
                };
                let (outcome, notes) =
                    update::record(self.root, selected, run, force, || self.tool_versions(options))?;
                Ok(report(outcome, notes))
            }
        }
    }

    /// Runs `selected` once more on the pinned versions; its normalized output (or how it failed)
    /// when that differs from the snapshot, `None` when it matches (or cannot run or be compared).
    fn differs_on_pinned(&self, selected: Selected) -> Result<Option<String>> {
        let Ok(result) = run_client(self.prepared, selected, self.options, &mut |_| {})? else {
            return Ok(None);
        };
        let timeout = self.options.timeout_of(selected);
        if let Some(failed) = verdict::of_run(selected, &result, timeout, &|_, _| None) {
            return Ok(Some(failed.message()));
        }
        let normalized = selected
            .example
            .normalizer
            .normalize(&String::from_utf8_lossy(&result.output));
        let Ok(Some(snapshot)) = Snapshot::read(&snapshot::path(self.root, &selected.client.path)) else {
            return Ok(None);
        };
        Ok((!snapshot.matches(&normalized)).then_some(normalized))
    }

    /// The versions of the tools the runs with `options` use: those of the suite's own options
    /// asked once, another variant's each time (only `nbe set-versions` writes snapshots with one).
    fn tool_versions(&self, options: &RunOptions) -> ToolVersions {
        if std::ptr::eq(options, self.options) {
            self.versions().clone()
        } else {
            ask_versions(options)
        }
    }

    /// What to do about a client whose output varies between runs: where the normalizer's rules
    /// are, and the `nbe normalize --explain` command lines for the raw output of the two runs that
    /// differ, which are kept for it in the cache (`<cache>/flaky/<client path>/run-N.txt`, replaced
    /// by the next flake of the client; outside the repository, which CI never writes to). A cache
    /// that cannot be written loses the command lines, not the verdict.
    fn flaky_notes(&self, selected: Selected, runs: [(u32, &RunResult); 2]) -> Vec<String> {
        let example = selected.example;
        let meta = example
            .meta_path
            .strip_prefix(self.root)
            .unwrap_or(&example.meta_path);
        let mut notes = vec![format!(
            "make the output stable, or teach the normalizer what varies: the `normalize:` keys of {} ({}) are described in docs/normalization.md",
            meta.display(),
            normalize::RULE_KEYS.join(", ")
        )];
        let dir = self.options.cache.join("flaky").join(&selected.client.path);
        notes.push("to see which rule changed which line of the two runs:".into());
        for (run, result) in runs {
            let file = dir.join(format!("run-{run}.txt"));
            match atomic::atomic_write(&file, &result.output) {
                Ok(()) => notes.push(format!(
                    "  nbe normalize --explain --example {} {}",
                    example.path,
                    file.display()
                )),
                Err(err) => notes.push(format!("  (the output of run {run} could not be kept: {err})")),
            }
        }
        notes
    }

    /// The versions of the tools the suite's own options use, asked once.
    fn versions(&self) -> &ToolVersions {
        self.versions.get_or_init(|| ask_versions(self.options))
    }
}

/// Asks the tools of `options` for their versions.
fn ask_versions(options: &RunOptions) -> ToolVersions {
    let ask = |tool: tools::Tool| {
        tools::version_of(&options.tools.path(tool), &["--version"])
            // `nats-server: v2.15.2` and `v0.5.0`: the version is the last word.
            .and_then(|line| line.split_whitespace().last().map(str::to_string))
            .unwrap_or_else(|| "unknown".to_string())
    };
    ToolVersions {
        nats_server: ask(tools::NATS_SERVER),
        nats: ask(tools::NATS),
    }
}
