//! Reports: what happened to each client, as outcomes, and the reporters that present them.
//!
//! Commands emit [`Event`]s; a [`Reporter`] consumes them: [`human::Human`] for people,
//! [`json::Json`] for machines, [`junit::Junit`] for CI dashboards. A mismatch is an outcome, not an error.

pub mod human;
pub mod json;
pub mod junit;
pub mod progress;

use std::time::Duration;

use crate::duration;
use crate::error::Result;

/// How many lines of output a failure shows.
pub const TAIL_LINES: usize = 20;

/// What happened to one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was declared and matched its snapshot.
    Passed,
    /// The normalized output differs from the snapshot, or there is no snapshot yet (`expected` is `None`).
    Mismatch {
        /// The snapshot body.
        expected: Option<String>,
        /// The normalized output of this run.
        actual: String,
    },
    /// It exited with an unexpected status, printed undeclared error lines or its recording is wrong.
    Failed {
        /// What went wrong.
        reason: String,
        /// The last lines of its output, when there is output to show.
        tail: String,
    },
    /// It ran past its timeout and was stopped.
    TimedOut {
        /// The timeout.
        after: Duration,
        /// The last lines of its output.
        tail: String,
    },
    /// Processes it started survived even SIGKILL.
    Leaked {
        /// The survivors, as the runner describes them.
        processes: Vec<String>,
    },
    /// Its normalized output varied between repeated runs.
    Flaky {
        /// The run (from 2) whose output differs from the first.
        run: usize,
        /// The first run's normalized output.
        first: String,
        /// That run's normalized output.
        other: String,
    },
    /// It was not run.
    Skipped {
        /// Why not.
        reason: String,
    },
}

impl Outcome {
    /// A stable machine name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Mismatch { .. } => "mismatch",
            Self::Failed { .. } => "failed",
            Self::TimedOut { .. } => "timed_out",
            Self::Leaked { .. } => "leaked",
            Self::Flaky { .. } => "flaky",
            Self::Skipped { .. } => "skipped",
        }
    }

    /// One line saying what happened; empty for a pass.
    pub fn message(&self) -> String {
        match self {
            Self::Passed => String::new(),
            Self::Mismatch { expected: None, .. } => "no snapshot yet".into(),
            Self::Mismatch { .. } => "output differs from its snapshot".into(),
            Self::Failed { reason, .. } | Self::Skipped { reason } => reason.clone(),
            Self::TimedOut { after, .. } => format!(
                "timed out after {}; raise `timeout:` in its meta.yaml or pass --timeout",
                duration::display(*after)
            ),
            Self::Leaked { processes } => {
                format!("these processes survived SIGKILL: {}", processes.join(", "))
            }
            Self::Flaky { run, .. } => format!("output varies between runs: run {run} differs from run 1"),
        }
    }

    /// The diff or output tail that explains a failure, without colour; empty when there is none.
    pub fn detail(&self, path: &str) -> String {
        match self {
            Self::Mismatch { expected, actual } => {
                let old = format!("{}/{path}.snap", crate::snapshot::DIR);
                diff(
                    expected.as_deref().unwrap_or(""),
                    actual,
                    &old,
                    &format!("{path} (this run)"),
                )
            }
            Self::Flaky { run, first, other } => diff(
                first,
                other,
                &format!("{path} (run 1)"),
                &format!("{path} (run {run})"),
            ),
            Self::Failed { tail, .. } | Self::TimedOut { tail, .. } => tail.clone(),
            Self::Passed | Self::Leaked { .. } | Self::Skipped { .. } => String::new(),
        }
    }
}

/// A unified diff of two texts, line by line, with three lines of context.
pub fn diff(old: &str, new: &str, old_label: &str, new_label: &str) -> String {
    // Trailing whitespace is not significant in a snapshot; without this a missing final newline
    // shows up as a confusing change of the last line.
    let (old, new) = (format!("{}\n", old.trim_end()), format!("{}\n", new.trim_end()));
    let old = if old == "\n" { String::new() } else { old };
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(old_label, new_label)
        .to_string()
}

/// The last [`TAIL_LINES`] lines of `output`.
pub fn tail(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let start = lines.len().saturating_sub(TAIL_LINES);
    let mut tail = lines[start..].join("\n");
    if !tail.is_empty() {
        tail.push('\n');
    }
    tail
}

/// One client's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientReport {
    /// `category/example/client`.
    pub path: String,
    /// What happened.
    pub outcome: Outcome,
    /// How long it took (all repeats together).
    pub elapsed: Duration,
    /// What nbe did about it and what the user can do next (pending snapshot written...).
    pub notes: Vec<String>,
}

impl ClientReport {
    /// `category/example`: the JUnit class name.
    pub fn example(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(example, _)| example)
    }

    /// The client kind: the JUnit test name.
    pub fn client(&self) -> &str {
        self.path
            .rsplit_once('/')
            .map_or(self.path.as_str(), |(_, client)| client)
    }
}

/// The counts of a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Passed clients.
    pub passed: usize,
    /// Failed clients (mismatches, failures, timeouts, leaks, flakes).
    pub failed: usize,
    /// Skipped clients.
    pub skipped: usize,
    /// Wall-clock time of the whole command.
    pub elapsed: Duration,
}

impl Summary {
    /// Counts one more client: everything but a pass or a skip is a failure.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Skipped { .. } => self.skipped += 1,
            _ => self.failed += 1,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} passed, {} failed, {} skipped",
            self.passed, self.failed, self.skipped
        )
    }
}

/// Something a reporter presents.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// A client finished.
    Finished(&'a ClientReport),
    /// A snapshot no client references, and whether it was deleted.
    Unreferenced {
        /// The snapshot file, relative to the repository root.
        path: &'a str,
        /// True when nbe deleted it.
        deleted: bool,
    },
    /// Everything finished.
    Done(&'a Summary),
}

/// A consumer of events.
pub trait Reporter {
    /// Presents one event.
    fn report(&mut self, event: Event) -> Result<()>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_of_every_kind_count_as_failed() {
        let mut summary = Summary::default();
        summary.add(&Outcome::Passed);
        summary.add(&Outcome::Leaked { processes: vec![] });
        summary.add(&Outcome::Mismatch {
            expected: None,
            actual: String::new(),
        });
        summary.add(&Outcome::Skipped { reason: "x".into() });
        assert_eq!(summary.to_string(), "1 passed, 2 failed, 1 skipped");
    }

    #[test]
    fn diffs_ignore_trailing_whitespace() {
        assert_eq!(diff("a\nb", "a\nb\n\n", "old", "new"), "");
        let shown = diff("a\nb\n", "a\nc\n", "old", "new");
        assert_eq!(shown, "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
    }

    #[test]
    fn tails_keep_the_last_lines() {
        let output: String = (1..=30).map(|n| format!("{n}\n")).collect();
        assert!(tail(&output).starts_with("11\n"));
        assert_eq!(tail(""), "");
    }
}
