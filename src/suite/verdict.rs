//! Verdicts: whether a client did what its example declares, judged from a run ([`of_run`]) or,
//! without running anything, from its recording ([`of_recording`], what `nbe check` and the docs
//! site's badge say).
//!
//! An example succeeds when it exits 0 and prints no error line, unless its meta.yaml declares
//! otherwise (`expect: {exit_status: 1, error_lines: ["nats: error: .*"]}`). A declared expectation
//! that does not happen is a failure too, so an example meant to show an error keeps showing it.

use std::time::Duration;

use regex::Regex;

use crate::catalog::Selected;
use crate::error::Error;
use crate::recording::{self, Recording};
use crate::report::{Outcome, ended, tail};
use crate::runner::{RunResult, Termination};
use crate::snapshot;

/// Why a run is not a success, judged against the example's declared expectation; `None` when it
/// is one. `timeout` is the one the run had.
pub fn of_run(selected: Selected, result: &RunResult, timeout: Duration) -> Option<Outcome> {
    let output = String::from_utf8_lossy(&result.output);
    let status = match result.termination {
        Termination::TimedOut => {
            return Some(Outcome::TimedOut {
                after: timeout,
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
    let mut problems = problems(
        selected.example.expect.exit_status,
        &selected.example.error_lines,
        Some(status),
        &output,
    );
    if result.dropped > 0 {
        problems.push(ended::too_much_output(result.dropped));
    }
    // The fixture's logs, kept out of the output, explain a failure the program could not see.
    (!problems.is_empty()).then(|| Outcome::Failed {
        reason: problems.join("; "),
        tail: tail(&output) + &result.server_log,
    })
}

/// The verdict on a client's recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Recorded from the current files, and the recording matches the snapshot.
    Verified,
    /// The files changed since the recording; the reason names what and says how to fix it.
    Stale(String),
    /// The recording is broken or disagrees with its snapshot.
    Failing(String),
    /// There is no snapshot or no `output.txt`.
    NotRecorded(String),
}

/// The verdict on `selected` given its already read `recording`, normalized with its example's
/// normalizer: is what the docs page shows what the baseline says, and was it recorded from the
/// current code?
pub fn of_recording(selected: Selected, recording: &Recording) -> Verdict {
    let path = &selected.client.path;
    let record = format!("run `nbe record {path}`");
    let snap = match &recording.snapshot {
        Ok(Some(snap)) => snap,
        Ok(None) => return Verdict::NotRecorded(format!("{path} has no snapshot; {record}")),
        Err(err) => return Verdict::Failing(unusable_snapshot(path, err)),
    };
    let raw = match &recording.output {
        Ok(raw) => raw,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Verdict::NotRecorded(format!("{path} has no output.txt; {record}"));
        }
        Err(e) => return Verdict::Failing(format!("failed to read {path}/output.txt: {e}")),
    };
    if snap.info.files_hash.is_empty() {
        return Verdict::Failing(format!(
            "the snapshot of {path} records no `info.files_hash`, so nbe cannot tell whether its recording is current; run `nbe record {path}` to rewrite it"
        ));
    }
    match snapshot::files_hash(selected) {
        Ok(hash) if hash == snap.info.files_hash => {}
        Ok(_) => {
            return Verdict::Stale(format!(
                "the recording of {path} is older than its files (main program, other files or the example's meta.yaml changed); {record}"
            ));
        }
        Err(err) => return Verdict::Failing(err.to_string()),
    }
    let output = String::from_utf8_lossy(raw);
    if !snap.matches(&selected.example.normalizer.normalize(&output)) {
        return Verdict::Failing(format!(
            "{path}/output.txt does not normalize to its snapshot; {record}"
        ));
    }
    let problems = problems(
        selected.example.expect.exit_status,
        &selected.example.error_lines,
        None,
        &output,
    );
    if !problems.is_empty() {
        return Verdict::Failing(format!(
            "{path}/output.txt {}; fix the example, then {record}",
            problems.join("; ")
        ));
    }
    match &recording.cast {
        Ok(cast) => match recording::cast_agrees(cast, raw) {
            Ok(()) => Verdict::Verified,
            Err(why) => Verdict::Failing(format!("{path}: {why}; {record}")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Verdict::NotRecorded(format!("{path} has no output.cast; {record}"))
        }
        Err(e) => Verdict::Failing(format!("failed to read {path}/output.cast: {e}")),
    }
}

/// Why the snapshot of the client at `path` cannot be used, and the fix: `nbe record` rewrites it.
/// One client's failure, in `nbe test` as in `nbe check`: the other clients still run.
pub fn unusable_snapshot(path: &str, err: &Error) -> String {
    format!("{err}; run `nbe record {path}` to rewrite it")
}

/// The lines that mean something went wrong, whatever the language: a line matching one of these
/// (and none of the example's declared `error_lines`) fails the run.
pub const ERROR_PATTERNS: [(&str, &str); 7] = [
    ("the nats CLI", r"^nats: error:"),
    ("most command lines", r"^(?i:error):"),
    ("a Go panic", r"^panic:"),
    ("a Go runtime failure", r"^fatal error:"),
    ("a nats-server fatal log line", r"\[FTL\]"),
    ("a Python exception", r"^Traceback \(most recent call last\):"),
    ("a Rust panic", r"^thread '.*' panicked at"),
];

/// Everything wrong with a run; empty when it did what was declared.
///
/// `expected_status` and `declared` are the example's `expect.exit_status` and its compiled
/// `expect.error_lines` ([`crate::catalog::Example::error_lines`]). `exit_status` is `None` when it is unknown
/// (checking a recording) and then is not judged.
pub fn problems(
    expected_status: i32,
    declared: &[Regex],
    exit_status: Option<i32>,
    output: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(status) = exit_status.filter(|status| *status != expected_status) {
        problems.push(if expected_status == 0 {
            ended::exited(status)
        } else {
            format!(
                "{}, but its meta.yaml expects {expected_status}",
                ended::exited(status)
            )
        });
    }
    let (undeclared, seen) = error_lines(declared, output);
    for (_, line) in undeclared {
        problems.push(format!("printed an undeclared error line: {line}"));
    }
    for (regex, seen) in declared.iter().zip(seen) {
        if !seen {
            problems.push(format!(
                "printed no line matching {:?}, which its meta.yaml expects",
                regex.as_str()
            ));
        }
    }
    problems
}

/// The error lines of `output` that none of the `declared` patterns match, with their one-based
/// line numbers; and, per declared pattern, whether some line matched it.
pub fn error_lines<'o>(declared: &[Regex], output: &'o str) -> (Vec<(usize, &'o str)>, Vec<bool>) {
    let builtin = builtin();
    let mut seen = vec![false; declared.len()];
    let mut undeclared = Vec::new();
    for (index, line) in output.lines().enumerate() {
        let mut is_declared = false;
        for (regex, seen) in declared.iter().zip(&mut seen) {
            if regex.is_match(line) {
                *seen = true;
                is_declared = true;
            }
        }
        if !is_declared && builtin.iter().any(|regex| regex.is_match(line)) {
            undeclared.push((index + 1, line));
        }
    }
    (undeclared, seen)
}

/// The compiled [`ERROR_PATTERNS`], compiled once per process.
fn builtin() -> &'static [Regex] {
    static COMPILED: std::sync::OnceLock<Vec<Regex>> = std::sync::OnceLock::new();
    COMPILED.get_or_init(|| {
        ERROR_PATTERNS
            .iter()
            .map(|(_, pattern)| Regex::new(pattern).expect("the built-in error patterns are valid"))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn regexes(patterns: &[&str]) -> Vec<Regex> {
        patterns.iter().map(|p| Regex::new(p).unwrap()).collect()
    }

    #[test]
    fn a_clean_run_has_no_problems() {
        assert!(problems(0, &[], Some(0), "hello\nno errors here: fine\n").is_empty());
    }

    #[test]
    fn undeclared_error_lines_and_statuses_are_problems() {
        let found = problems(0, &[], Some(1), "ok\nnats: error: no servers available\n");
        assert_eq!(
            found,
            [
                "exited with status 1",
                "printed an undeclared error line: nats: error: no servers available"
            ]
        );
        assert_eq!(problems(0, &[], None, "panic: boom\n").len(), 1);
        assert_eq!(problems(0, &[], None, "[1] 2024 [FTL] bad\n").len(), 1);
    }

    #[test]
    fn declared_errors_are_expected_and_required() {
        let declared = regexes(&["^nats: error: .*no servers"]);
        assert!(problems(1, &declared, Some(1), "nats: error: no servers available\n").is_empty());
        let found = problems(1, &declared, Some(0), "all good\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].contains("printed no line matching"));
    }
}
