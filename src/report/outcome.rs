//! What happened to one client, and the one place the sentences saying how a run ended are written.
//!
//! `nbe run` tells them about the client it ran ([`run_notes`]); `test` and `record` judge a run into
//! an [`Outcome`] whose [`Outcome::message`] the reporters print; both use the phrases of [`ended`].

use std::time::Duration;

use super::diff;
use crate::exit;
use crate::runner::toolchain::NotReady;
use crate::runner::{self, RunResult, Termination};

/// The phrases for how a run ended, each worded once.
pub mod ended {
    use std::time::Duration;

    use crate::duration;
    use crate::runner;

    /// What to do about a timeout.
    pub const RAISE_TIMEOUT: &str = "raise `timeout:` in its meta.yaml or pass --timeout";

    /// `timed out after 2m`.
    pub fn timed_out(after: Duration) -> String {
        format!("timed out after {}", duration::display(after))
    }

    /// `exited with status 7`; a status past 128 names the signal it stands for, as a shell
    /// reports a program a signal killed: `exited with status 139 (killed by SIGSEGV)`.
    pub fn exited(status: i32) -> String {
        match (status, signal_name(status - 128)) {
            // The shell's status for a command it could not find: the example's fault only when
            // the program is a typo; a program the machine lacks is a requirement to declare.
            (127, _) => format!(
                "exited with status {status}; {}",
                crate::runner::trace::COMMAND_NOT_FOUND
            ),
            (129.., Some(name)) => format!("exited with status {status} (killed by {name})"),
            _ => format!("exited with status {status}"),
        }
    }

    /// `was killed by SIGKILL (signal 9)`.
    pub fn killed(signal: i32) -> String {
        match signal_name(signal) {
            Some(name) => format!("was killed by {name} (signal {signal})"),
            None => format!("was killed by signal {signal}"),
        }
    }

    /// `SIGSEGV` for 11; `None` for a number that is no signal.
    fn signal_name(signal: i32) -> Option<&'static str> {
        nix::sys::signal::Signal::try_from(signal)
            .ok()
            .map(|signal| signal.as_str())
    }

    /// The processes of a run that survived even SIGKILL.
    pub fn leaked(processes: &[String]) -> String {
        format!("these processes survived SIGKILL: {}", processes.join(", "))
    }

    /// nbe was interrupted; `who` is a client path or "the examples".
    pub fn interrupted(who: &str) -> String {
        format!("interrupted; stopped every process {who} started")
    }

    /// A run printed more than [`runner::OUTPUT_CAP`]; as a problem of the run.
    pub fn too_much_output(dropped: u64) -> String {
        format!(
            "printed more than {} MiB of output; {dropped} bytes were dropped",
            runner::OUTPUT_CAP >> 20
        )
    }
}

/// What happened to one client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was declared and matched its snapshot (for `record`: and its files were
    /// rewritten all the same, with `--force` or because the recording was damaged).
    Passed,
    /// `nbe record`: the output is the accepted snapshot's, so its `output.txt`, `output.cast` and
    /// snapshot were kept as they were (but a stale `files_hash` line).
    Unchanged,
    /// An accepted snapshot was replaced by different output, on purpose (`nbe record`, or
    /// `nbe test --update always`).
    Updated {
        /// The snapshot body before.
        expected: String,
        /// The normalized output of this run, the snapshot body now.
        actual: String,
    },
    /// There was no accepted snapshot to compare with.
    New {
        /// The normalized output of this run.
        actual: String,
        /// True when it became the accepted snapshot (`nbe record`, `--update always`); false
        /// when it awaits review (a pending snapshot, or nothing written on CI), so the client
        /// fails: nothing is accepted yet.
        accepted: bool,
    },
    /// The normalized output differs from the accepted snapshot.
    Mismatch {
        /// The snapshot body.
        expected: String,
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
    /// The outcome of a client that could not run: skipped (its kind cannot run here, or its
    /// toolchain is missing, with the fix), or failed to build (with the compiler's messages).
    pub fn not_ready(not_ready: NotReady) -> Self {
        match not_ready {
            NotReady::Skipped(reason) => Self::Skipped { reason },
            NotReady::Failed(messages) => Self::Failed {
                reason: "it did not build".into(),
                tail: messages,
            },
        }
    }

    /// A stable machine name.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Passed => "passed",
            Self::Unchanged => "unchanged",
            Self::Updated { .. } => "updated",
            Self::New { .. } => "new",
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
            Self::Unchanged => "unchanged: output.txt, output.cast and the snapshot are kept".into(),
            Self::Updated { .. } => "the accepted snapshot changed".into(),
            Self::New { accepted: true, .. } => {
                "no snapshot before: this run's output is the accepted snapshot now".into()
            }
            Self::New { accepted: false, .. } => {
                "no accepted snapshot yet (pending review): it fails until its output is accepted".into()
            }
            Self::Mismatch { .. } => "output differs from its snapshot".into(),
            Self::Failed { reason, .. } | Self::Skipped { reason } => reason.clone(),
            Self::TimedOut { after, .. } => format!("{}; {}", ended::timed_out(*after), ended::RAISE_TIMEOUT),
            Self::Leaked { processes } => ended::leaked(processes),
            Self::Flaky { run, .. } => format!("output varies between runs: run {run} differs from run 1"),
        }
    }

    /// True for the outcomes whose detail is a diff.
    pub fn shows_diff(&self) -> bool {
        matches!(
            self,
            Self::Mismatch { .. } | Self::Updated { .. } | Self::New { .. } | Self::Flaky { .. }
        )
    }

    /// The diff or output tail that explains a failure or a change, without colour; empty when
    /// there is none.
    pub fn detail(&self, path: &str) -> String {
        match self {
            Self::Mismatch { expected, actual } => diff(
                expected,
                actual,
                &format!("{}/{path}.snap", crate::snapshot::DIR),
                &format!("{path} (this run)"),
            ),
            Self::Updated { expected, actual } => diff(
                expected,
                actual,
                &format!("{}/{path}.snap (before)", crate::snapshot::DIR),
                &format!("{path} (this run)"),
            ),
            Self::New { actual, .. } => diff(
                "",
                actual,
                &format!("{}/{path}.snap (none yet)", crate::snapshot::DIR),
                &format!("{path} (this run)"),
            ),
            Self::Flaky { run, first, other } => diff(
                first,
                other,
                &format!("{path} (run 1)"),
                &format!("{path} (run {run})"),
            ),
            Self::Failed { tail, .. } | Self::TimedOut { tail, .. } => tail.clone(),
            Self::Passed | Self::Unchanged | Self::Leaked { .. } | Self::Skipped { .. } => String::new(),
        }
    }
}

/// What `nbe run` tells on stderr after running `path` with `timeout`, one line each (without the
/// `nbe: ` prefix), and the exit code it ends with: the run's own, unless processes leaked.
pub fn run_notes(path: &str, result: &RunResult, timeout: Duration) -> (Vec<String>, i32) {
    let mut notes = Vec::new();
    match result.termination {
        Termination::TimedOut => notes.push(format!(
            "{path} {}; stopped every process it started ({})",
            ended::timed_out(timeout),
            ended::RAISE_TIMEOUT
        )),
        Termination::Interrupted => notes.push(ended::interrupted(path)),
        Termination::Exited(0) => {}
        Termination::Exited(code) => notes.push(format!("{path} {}", ended::exited(code))),
        Termination::Signaled(signal) => notes.push(format!("{path} {}", ended::killed(signal))),
    }
    if let Some(failed) = &result.failed_command {
        notes.push(failed.to_string());
    }
    if result.dropped > 0 {
        notes.push(format!(
            "output past {} MiB was not kept ({} bytes)",
            runner::OUTPUT_CAP >> 20,
            result.dropped
        ));
    }
    if let Some(dir) = &result.kept {
        notes.push(format!("kept the run's temp dir: {}", dir.display()));
    }
    let code = result.termination.exit_code();
    if result.leaked.is_empty() {
        return (notes, code);
    }
    notes.push(ended::leaked(&result.leaked));
    (notes, exit::FAILURE.max(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ended_with(termination: Termination) -> RunResult {
        RunResult {
            termination,
            output: Vec::new(),
            events: Vec::new(),
            dropped: 0,
            kept: None,
            leaked: Vec::new(),
            server_log: String::new(),
            failed_command: None,
            markers: Vec::new(),
        }
    }

    #[test]
    fn run_notes_say_how_the_run_ended() {
        let timeout = Duration::from_secs(3);
        let (notes, code) = run_notes("a/b/cli", &ended_with(Termination::Exited(0)), timeout);
        assert_eq!((notes.len(), code), (0, 0));
        let (notes, code) = run_notes("a/b/cli", &ended_with(Termination::Exited(7)), timeout);
        assert_eq!(
            (notes, code),
            (vec!["a/b/cli exited with status 7".to_string()], 7)
        );
        let (notes, _) = run_notes("a/b/cli", &ended_with(Termination::TimedOut), timeout);
        assert_eq!(
            notes,
            [
                "a/b/cli timed out after 3s; stopped every process it started (raise `timeout:` in its meta.yaml or pass --timeout)"
            ]
        );
        let mut leaked = ended_with(Termination::Exited(0));
        leaked.leaked = vec!["sleep (pid 9)".into()];
        let (notes, code) = run_notes("a/b/cli", &leaked, timeout);
        assert_eq!(
            (notes, code),
            (
                vec!["these processes survived SIGKILL: sleep (pid 9)".to_string()],
                1
            )
        );
    }

    #[test]
    fn signals_are_named() {
        assert_eq!(ended::exited(139), "exited with status 139 (killed by SIGSEGV)");
        assert_eq!(ended::exited(134), "exited with status 134 (killed by SIGABRT)");
        assert_eq!(ended::exited(1), "exited with status 1");
        assert_eq!(ended::exited(200), "exited with status 200");
        assert_eq!(ended::killed(9), "was killed by SIGKILL (signal 9)");
    }

    #[test]
    fn a_timeout_outcome_says_what_to_do() {
        let outcome = Outcome::TimedOut {
            after: Duration::from_secs(1),
            tail: String::new(),
        };
        assert_eq!(
            outcome.message(),
            "timed out after 1s; raise `timeout:` in its meta.yaml or pass --timeout"
        );
    }
}
