//! Reports: what happened to each client, as outcomes, and the reporters that present them.
//!
//! Each client ends in an [`Outcome`] (its own file, with the sentences that say how a run ended).
//! [`Reporters`] fans [`Event`]s out to the [`Reporter`]s the settings ask for ([`human::Human`] for
//! people, [`json::Json`] for machines, [`junit::Junit`] for CI dashboards), keeps the [`Summary`]
//! and turns it into the exit code. A mismatch is an outcome, not an error. A reader of stdout that
//! goes away ends the report, not the command nor its verdict ([`out::UntilGone`]).

pub mod failure;
pub mod human;
pub mod json;
pub mod junit;
pub mod out;
mod outcome;
pub mod progress;
mod reporters;

use std::time::Duration;

pub use outcome::{Outcome, ended, run_notes};
pub use reporters::{Reporters, interrupted};

use crate::error::Result;

/// How many lines of output a failure shows (see [`crate::suite::verdict::excerpt`]).
pub const TAIL_LINES: usize = 20;

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
    /// The versions it ran on, in a version matrix (`nbe test --server-version`...); `None` in a
    /// plain run, on the pinned versions.
    pub versions: Option<Versions>,
}

/// The versions one result of a version matrix ran on: a column of its table.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Versions {
    /// The column's place in the matrix, in the order the versions were asked for.
    pub column: usize,
    /// The column heading, like `server v2.11.4`.
    pub label: String,
    /// Each version the matrix chose, by its `versions:` key (`server`, `cli`, a kind's name).
    pub chosen: Vec<(String, String)>,
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
    /// Of those, clients that had no accepted snapshot ([`Outcome::New`]): passed when their
    /// output was accepted (`record`), failed when it awaits review (`test`).
    pub new: usize,
    /// Of the passed, clients whose accepted snapshot changed ([`Outcome::Updated`]).
    pub updated: usize,
    /// Of the passed, clients `record` found unchanged ([`Outcome::Unchanged`]).
    pub unchanged: usize,
    /// Wall-clock time of the whole command.
    pub elapsed: Duration,
}

impl Summary {
    /// Counts one more client: everything but a pass (unchanged, updated or accepted new
    /// included) or a skip is a failure; a new client awaiting review is a failure too.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::New { .. } => self.new += 1,
            Outcome::Updated { .. } => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
            _ => {}
        }
        match outcome {
            Outcome::Passed
            | Outcome::Unchanged
            | Outcome::Updated { .. }
            | Outcome::New { accepted: true, .. } => self.passed += 1,
            Outcome::Skipped { .. } => self.skipped += 1,
            _ => self.failed += 1,
        }
    }

    /// The line before the summary telling what changed, like `1 new, 2 updated, 3 unchanged`
    /// (the counts that are not zero); `None` when nothing new, updated or unchanged was seen.
    pub fn changes(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.new, "new"),
            (self.updated, "updated"),
            (self.unchanged, "unchanged"),
        ]
        .into_iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, word)| format!("{count} {word}"))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
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
            expected: String::new(),
            actual: String::new(),
        });
        summary.add(&Outcome::Skipped { reason: "x".into() });
        assert_eq!(summary.to_string(), "1 passed, 2 failed, 1 skipped");
        assert_eq!(summary.changes(), None);
    }

    #[test]
    fn new_clients_fail_until_accepted_and_changes_are_counted() {
        let mut summary = Summary::default();
        let new = |accepted| Outcome::New {
            actual: "x".into(),
            accepted,
        };
        summary.add(&new(false));
        summary.add(&new(true));
        summary.add(&Outcome::Unchanged);
        summary.add(&Outcome::Unchanged);
        summary.add(&Outcome::Updated {
            expected: "a".into(),
            actual: "b".into(),
        });
        assert_eq!(summary.to_string(), "4 passed, 1 failed, 0 skipped");
        assert_eq!(
            summary.changes().as_deref(),
            Some("2 new, 1 updated, 2 unchanged")
        );
    }

    #[test]
    fn diffs_ignore_trailing_whitespace() {
        assert_eq!(diff("a\nb", "a\nb\n\n", "old", "new"), "");
        let shown = diff("a\nb\n", "a\nc\n", "old", "new");
        assert_eq!(shown, "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n");
    }
}
