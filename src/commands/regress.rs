//! What `test`, `record` and `check` share: normalizers, judging a run, the reporters they feed,
//! unreferenced snapshots and the exit code.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Instant;

use crate::catalog::{Catalog, Selected};
use crate::cli::ReportArgs;
use crate::config::{self, Format, Unreferenced};
use crate::error::{Error, Location, Result};
use crate::execute::{self, RunOptions};
use crate::exit;
use crate::normalize::{Normalizer, Shared};
use crate::report::human::{Human, Style};
use crate::report::json::Json;
use crate::report::junit::Junit;
use crate::report::progress::Progress;
use crate::report::{ClientReport, Event, Reporter, Summary};
use crate::report::{Outcome, tail};
use crate::runner::toolchain::NotReady;
use crate::runner::{self, RunResult, Termination};
use crate::snapshot;
use crate::verdict;

/// The compiled normalizer of every selected example, by example path; examples with the same
/// rules share one. A rule that does not compile is a catalog error, found before anything runs.
pub fn normalizers<'a>(selected: &[Selected<'a>]) -> Result<HashMap<&'a str, Arc<Normalizer>>> {
    let shared = Shared::default();
    let mut normalizers = HashMap::new();
    for s in selected {
        let normalizer = shared.get(&s.example.normalize).map_err(|err| {
            // The normalizer's error type is its own; its message is all nbe needs.
            Error::catalog(Location::file(&s.example.meta_path), format!("normalize: {err}"))
        })?;
        normalizers.insert(s.example.path.as_str(), normalizer);
    }
    Ok(normalizers)
}

/// The outcome of a client that could not run: skipped (with the fix), or failed to build.
pub fn not_ready(not_ready: NotReady) -> Outcome {
    match not_ready {
        NotReady::Skipped(reason) => Outcome::Skipped { reason },
        NotReady::Failed(messages) => Outcome::Failed {
            reason: "it did not build".into(),
            tail: messages,
        },
    }
}

/// Every catalog problem under `prefixes` (within `partition`) as a failed client, so a broken
/// example is reported where it is and the others still run.
pub fn problems(
    reporters: &mut Reporters,
    catalog: &Catalog,
    prefixes: &[String],
    partition: Option<crate::catalog::Partition>,
) -> Result<()> {
    for problem in catalog.problems_in(prefixes, partition) {
        reporters.finished(&ClientReport {
            path: problem.path.clone(),
            outcome: Outcome::Failed {
                reason: problem.error().to_string(),
                tail: String::new(),
            },
            elapsed: std::time::Duration::ZERO,
            notes: Vec::new(),
        })?;
    }
    Ok(())
}

/// Why a run is not a success, judged against the example's declared expectation; `None` when it is one.
pub fn run_failure(selected: Selected, result: &RunResult, options: &RunOptions) -> Option<Outcome> {
    let output = String::from_utf8_lossy(&result.output);
    let status = match result.termination {
        Termination::TimedOut => {
            return Some(Outcome::TimedOut {
                after: execute::timeout_of(selected, options.timeout),
                tail: tail(&output) + &result.server_log,
            });
        }
        Termination::Interrupted => {
            return Some(Outcome::Failed {
                reason: "interrupted".into(),
                tail: tail(&output),
            });
        }
        Termination::Exited(_) | Termination::Signaled(_) => result.termination.exit_code(),
    };
    if !result.leaked.is_empty() {
        return Some(Outcome::Leaked {
            processes: result.leaked.clone(),
        });
    }
    let mut problems = verdict::problems(
        selected.example.expect.exit_status,
        &selected.example.error_lines,
        Some(status),
        &output,
    );
    if result.dropped > 0 {
        problems.push(format!(
            "printed more than {} MiB of output; {} bytes were dropped",
            runner::OUTPUT_CAP >> 20,
            result.dropped
        ));
    }
    (!problems.is_empty()).then(|| Outcome::Failed {
        reason: problems.join("; "),
        tail: tail(&output) + &result.server_log,
    })
}

/// The exit code after the pool stopped early because nbe was interrupted, if it was.
pub fn interrupted() -> Option<i32> {
    runner::interrupted().then(|| {
        eprintln!("nbe: interrupted; stopped every process the examples started");
        exit::INTERRUPTED
    })
}

/// The reporters of one command, and its counts.
pub struct Reporters {
    reporters: Vec<Box<dyn Reporter>>,
    /// Whether a live progress display helps: people read stdout and stderr is a terminal.
    live: bool,
    summary: Summary,
    started: Instant,
    rejected: bool,
}

impl Reporters {
    /// The reporters `args` asks for; `suite` names the JUnit test suite.
    pub fn new(args: &ReportArgs, suite: &str) -> Self {
        let live = args.format == Format::Human && std::io::stderr().is_terminal() && !config::on_ci();
        let mut reporters: Vec<Box<dyn Reporter>> = match args.format {
            Format::Human => {
                let style = Style::new(args.color.enabled(std::io::stdout().is_terminal()));
                vec![Box::new(Human::new(std::io::stdout(), style))]
            }
            Format::Json => vec![Box::new(Json::new(std::io::stdout()))],
        };
        if let Some(path) = &args.junit {
            reporters.push(Box::new(Junit::new(path.clone(), suite)));
        }
        Self {
            reporters,
            live,
            summary: Summary::default(),
            started: Instant::now(),
            rejected: false,
        }
    }

    fn emit(&mut self, event: Event) -> Result<()> {
        self.reporters
            .iter_mut()
            .try_for_each(|reporter| reporter.report(event))
    }

    /// Runs `work` on every selected client with `jobs` workers, reporting each as it finishes,
    /// under a live progress display on a terminal. Stops at the first error of nbe itself.
    pub fn run_all<'a>(
        &mut self,
        selected: &[Selected<'a>],
        jobs: usize,
        work: impl Fn(Selected<'a>) -> Result<ClientReport> + Sync,
    ) -> Result<()> {
        let progress = Progress::new(selected.len(), self.live);
        let mut failure = Ok(());
        execute::for_each(
            selected,
            jobs,
            |s| {
                progress.started(&s.client.path);
                let report = work(*s);
                progress.finished(&s.client.path);
                report
            },
            |result| {
                if failure.is_ok() {
                    failure = result.and_then(|report| progress.suspend(|| self.finished(&report)));
                }
            },
        );
        progress.clear();
        failure
    }

    /// Reports a finished client.
    pub fn finished(&mut self, report: &ClientReport) -> Result<()> {
        self.summary.add(&report.outcome);
        self.emit(Event::Finished(report))
    }

    /// After a full run: reports, deletes or rejects the snapshots no client of `catalog` references.
    pub fn unreferenced(&mut self, catalog: &Catalog, action: Unreferenced) -> Result<()> {
        let referenced: std::collections::HashSet<&str> =
            catalog.clients().map(|s| s.client.path.as_str()).collect();
        for (path, client) in snapshot::all(&catalog.root)? {
            // A client that did not load keeps its snapshot: it is broken, not gone.
            if referenced.contains(client.as_str()) || catalog.problems.iter().any(|p| p.touches(&client)) {
                continue;
            }
            let shown = path
                .strip_prefix(&catalog.root)
                .unwrap_or(&path)
                .display()
                .to_string();
            let deleted = action == Unreferenced::Delete;
            if deleted {
                snapshot::remove(&path)?;
            }
            self.rejected |= action == Unreferenced::Reject;
            self.emit(Event::Unreferenced {
                path: &shown,
                deleted,
            })?;
        }
        Ok(())
    }

    /// Reports the summary and returns the exit code: 0 when nothing failed, else 1.
    pub fn done(mut self) -> Result<i32> {
        self.summary.elapsed = self.started.elapsed();
        let summary = self.summary;
        self.emit(Event::Done(&summary))?;
        Ok(if summary.failed > 0 || self.rejected {
            exit::FAILURE
        } else {
            exit::SUCCESS
        })
    }
}
