//! The fan-out: one command's events to every reporter its settings ask for, the summary, and the
//! exit code.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Instant;

use super::human::{Human, Style};
use super::json::Json;
use super::junit::Junit;
use super::out::UntilGone;
use super::{ClientReport, Event, Outcome, Reporter, Summary, ended};
use crate::catalog::{Catalog, Partition};
use crate::config::{self, Format, ReportSettings, Unreferenced};
use crate::error::Result;
use crate::exit;
use crate::runner;
use crate::snapshot;
use crate::verified::{self, Column, Tested};

/// The exit code after a command stopped early because nbe was interrupted, if it was.
pub fn interrupted() -> Option<i32> {
    runner::interrupted().then(|| {
        eprintln!("nbe: {}", ended::interrupted("the examples"));
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
    /// The clients whose output differed from their snapshot, in the order they finished.
    mismatched: Vec<String>,
    /// Each result of a version matrix: the client, its column and what it says of the versions.
    matrix: Vec<(String, Column, Option<Tested>)>,
}

impl Reporters {
    /// The reporters `settings` ask for; `suite` names the JUnit test suite.
    pub fn new(settings: &ReportSettings, suite: &str) -> Self {
        let live = settings.format == Format::Human && std::io::stderr().is_terminal() && !config::on_ci();
        let mut reporters: Vec<Box<dyn Reporter>> = match settings.format {
            Format::Human => {
                let style = Style::new(settings.color.enabled(std::io::stdout().is_terminal()));
                vec![Box::new(Human::new(
                    UntilGone::new(std::io::stdout()),
                    style,
                    settings.verbose,
                ))]
            }
            Format::Json => vec![Box::new(Json::new(UntilGone::new(std::io::stdout())))],
        };
        if let Some(path) = &settings.junit {
            reporters.push(Box::new(Junit::new(path.clone(), suite)));
        }
        Self {
            reporters,
            live,
            summary: Summary::default(),
            started: Instant::now(),
            rejected: false,
            mismatched: Vec::new(),
            matrix: Vec::new(),
        }
    }

    /// Whether a live progress display helps (people read the report on a terminal).
    pub fn live(&self) -> bool {
        self.live
    }

    fn emit(&mut self, event: Event) -> Result<()> {
        self.reporters
            .iter_mut()
            .try_for_each(|reporter| reporter.report(event))
    }

    /// Reports a finished client.
    pub fn finished(&mut self, report: &ClientReport) -> Result<()> {
        self.summary.add(&report.outcome);
        if matches!(report.outcome, Outcome::Mismatch { .. }) {
            self.mismatched.push(report.path.clone());
        }
        if let Some(column) = report.versions.as_ref().and_then(|v| Column::new(&v.chosen)) {
            self.matrix
                .push((report.path.clone(), column, Tested::of(&report.outcome)));
        }
        self.emit(Event::Finished(report))
    }

    /// Reports every catalog problem under `prefixes` (within `partition`) that fails a run
    /// ([`Catalog::failures_in`]) as a failed client, so a broken example fails where it is and
    /// the others still run.
    pub fn problems(
        &mut self,
        catalog: &Catalog,
        prefixes: &[String],
        partition: Option<Partition>,
    ) -> Result<()> {
        for problem in catalog.failures_in(prefixes, partition) {
            self.finished(&ClientReport {
                path: problem.path.clone(),
                outcome: Outcome::Failed {
                    reason: problem.error().to_string(),
                    tail: String::new(),
                },
                elapsed: std::time::Duration::ZERO,
                notes: Vec::new(),
                versions: None,
            })?;
        }
        Ok(())
    }

    /// After a full run: reports, deletes or rejects the snapshots no client of `catalog` references,
    /// and the verified files ([`verified`]) of examples it does not have.
    pub fn unreferenced(&mut self, catalog: &Catalog, action: Unreferenced) -> Result<()> {
        let clients: std::collections::HashSet<&str> =
            catalog.clients().map(|s| s.client.path.as_str()).collect();
        let examples: std::collections::HashSet<&str> =
            catalog.clients().map(|s| s.example.path.as_str()).collect();
        let snapshots = snapshot::all(&catalog.root)?
            .into_iter()
            .map(|(path, client)| (path, client, &clients));
        let files = verified::all(&catalog.root)?
            .into_iter()
            .map(|(path, example)| (path, example, &examples));
        for (path, owner, referenced) in snapshots.chain(files) {
            // A client that did not load keeps its snapshot: it is broken, not gone.
            if referenced.contains(owner.as_str()) || catalog.problems.iter().any(|p| p.touches(&owner)) {
                continue;
            }
            let shown = path
                .strip_prefix(&catalog.root)
                .unwrap_or(&path)
                .display()
                .to_string();
            let deleted = action == Unreferenced::Delete;
            if deleted {
                // A pending snapshot goes with the recording kept beside it.
                if path.extension().is_some_and(|extension| extension == "new") {
                    crate::recording::remove_pending(&path)?;
                } else {
                    snapshot::remove(&path)?;
                }
            }
            self.rejected |= action == Unreferenced::Reject;
            self.emit(Event::Unreferenced {
                path: &shown,
                deleted,
            })?;
        }
        Ok(())
    }

    /// The clients whose output differed from their snapshot so far (`nbe set-versions` names them).
    pub fn mismatched(&self) -> &[String] {
        &self.mismatched
    }

    /// The results of a version matrix so far, by client (sorted by path): each column it ran on,
    /// and what its result there says of those versions (`nbe test --save` keeps them).
    pub fn matrix_results(&self) -> Vec<verified::Run> {
        let mut by_client: BTreeMap<&str, verified::Columns> = BTreeMap::new();
        for (path, column, tested) in &self.matrix {
            by_client.entry(path).or_default().push((column.clone(), *tested));
        }
        by_client
            .into_iter()
            .map(|(path, columns)| (path.to_string(), columns))
            .collect()
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
