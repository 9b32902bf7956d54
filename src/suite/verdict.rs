//! Verdicts: whether a client did what its example declares, judged from a run ([`of_run`]) or,
//! without running anything, from its recording ([`of_recording`], what `nbe check` and the docs
//! site's badge say).
//!
//! An example succeeds when it exits 0 and prints no error line, unless its meta.yaml declares
//! otherwise (`expect: {exit_status: 1, error_lines: ["nats: error: .*"]}`). A declared expectation
//! that does not happen is a failure too, so an example meant to show an error keeps showing it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use regex::Regex;

use crate::catalog::Selected;
use crate::error::Error;
use crate::recording::{self, Recording};
use crate::report::{Outcome, TAIL_LINES, ended};
use crate::runner::trace::FailedCommand;
use crate::runner::{RunResult, Termination};
use crate::snapshot;
use crate::suite::pool;

/// Why a run is not a success, judged against the example's declared expectation; `None` when it
/// is one. `timeout` is the one the run had; `save` keeps the whole output of a failed run and
/// says where (`None` when it could not), called only when the report shows just its end.
pub fn of_run(
    selected: Selected,
    result: &RunResult,
    timeout: Duration,
    save: &dyn Fn() -> Option<PathBuf>,
) -> Option<Outcome> {
    let output = String::from_utf8_lossy(&result.output);
    let tail = || excerpt(&output, save);
    let status = match result.termination {
        Termination::TimedOut => {
            return Some(Outcome::TimedOut {
                after: timeout,
                tail: tail() + &result.server_log,
            });
        }
        Termination::Interrupted => {
            return Some(Outcome::Failed {
                reason: "interrupted".into(),
                tail: tail(),
            });
        }
        Termination::Exited(_) | Termination::Signaled(_) => result.termination.exit_code(),
    };
    if !result.leaked.is_empty() {
        return Some(Outcome::Leaked {
            processes: result.leaked.clone(),
        });
    }
    let (expected_status, declared) = selected.example.expected(selected.client);
    let mut problems = problems(
        expected_status,
        declared,
        Some((status, result.failed_command.as_ref())),
        &output,
    );
    if result.dropped > 0 {
        problems.push(ended::too_much_output(result.dropped));
    }
    // The fixture's logs, kept out of the output, explain a failure the program could not see.
    (!problems.is_empty()).then(|| Outcome::Failed {
        reason: problems.join("; "),
        tail: tail() + &result.server_log,
    })
}

/// What a failure report shows of a run's `output`: its last [`TAIL_LINES`] lines, preceded,
/// when earlier lines were cut, by the first of them that looks like an error (a usage text
/// after it would otherwise hide what went wrong) and by how many were cut, with where `save` kept
/// the whole output.
pub fn excerpt(output: &str, save: &dyn Fn() -> Option<PathBuf>) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let start = lines.len().saturating_sub(TAIL_LINES);
    let mut text = String::new();
    if start > 0 {
        let first_error = lines[..start]
            .iter()
            .enumerate()
            .find(|(_, line)| looks_like_error(line));
        if let Some((index, line)) = first_error {
            text.push_str(&format!(
                "first error, line {} of {}: {line}\n",
                index + 1,
                lines.len()
            ));
        }
        let plural = if start == 1 { "" } else { "s" };
        let whole = match save() {
            Some(path) => format!("full output: {}", path.display()),
            None => "the full output could not be saved".to_string(),
        };
        text.push_str(&format!("({start} earlier line{plural} cut; {whole})\n"));
    }
    for line in &lines[start..] {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Whether `line` reads as an error: one of the [`ERROR_PATTERNS`], or the word "error" in any case.
fn looks_like_error(line: &str) -> bool {
    static WORD: std::sync::LazyLock<Regex> =
        std::sync::LazyLock::new(|| Regex::new(r"(?i)\berror\b").expect("a valid regex"));
    WORD.is_match(line) || builtin().iter().any(|regex| regex.is_match(line))
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
    judge(selected, recording, true)
}

/// The verdict on the recording of each of `selected` (in the repository at `root`) and how long
/// judging it took, in their order. They are judged on every core: telling a program's code from
/// its prose for the staleness hash takes a parse with its grammar ([`snapshot::files_hash`]).
pub fn of_recordings(root: &Path, selected: &[Selected]) -> Vec<(Verdict, Duration)> {
    let jobs = std::thread::available_parallelism().map_or(1, usize::from);
    let indexed: Vec<(usize, Selected)> = selected.iter().copied().enumerate().collect();
    let mut verdicts: Vec<Option<(Verdict, Duration)>> = vec![None; selected.len()];
    pool::for_each(
        &indexed,
        jobs,
        |(index, s)| {
            let started = Instant::now();
            let verdict = of_recording(*s, &Recording::read_in(root, *s));
            (*index, verdict, started.elapsed())
        },
        |(index, verdict, elapsed)| verdicts[index] = Some((verdict, elapsed)),
    );
    verdicts
        .into_iter()
        .map(|judged| {
            judged.unwrap_or_else(|| {
                (
                    Verdict::Failing("interrupted before it was judged".into()),
                    Duration::ZERO,
                )
            })
        })
        .collect()
}

/// Like [`of_recording`], but without asking whether the files changed since: does the recording
/// agree with itself and its snapshot? `nbe record` asks it of an unchanged client, to keep a
/// recording that only needs its `files_hash` renewed.
pub fn of_recording_contents(selected: Selected, recording: &Recording) -> Verdict {
    judge(selected, recording, false)
}

fn judge(selected: Selected, recording: &Recording, staleness: bool) -> Verdict {
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
    if staleness {
        if snap.info.files_hash.is_empty() {
            return Verdict::Failing(format!(
                "the snapshot of {path} records no `info.files_hash`, so nbe cannot tell whether its recording is current; run `nbe record {path}` to rewrite it"
            ));
        }
        match snapshot::files_hash(selected) {
            Ok(hash) if hash == snap.info.files_hash => {}
            Ok(_) => {
                return Verdict::Stale(format!(
                    "the recording of {path} is older than its files (its code, another of its files or a run setting in the example's meta.yaml changed; prose comments, title and description do not count); {record}"
                ));
            }
            Err(err) => return Verdict::Failing(err.to_string()),
        }
    }
    let output = String::from_utf8_lossy(raw);
    if !snap.matches(&selected.example.normalizer.normalize(&output)) {
        return Verdict::Failing(format!(
            "{path}/output.txt does not normalize to its snapshot; {record}"
        ));
    }
    let (expected_status, declared) = selected.example.expected(selected.client);
    let problems = problems(expected_status, declared, None, &output);
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
/// `expected_status` and `declared` are what the example's `expect` says of the client
/// ([`crate::catalog::Example::expected`]). `exit` is the exit status, with
/// the command of a traced script that ended it when known; `None` when it is unknown (checking a
/// recording) and then is not judged.
pub fn problems(
    expected_status: i32,
    declared: &[Regex],
    exit: Option<(i32, Option<&FailedCommand>)>,
    output: &str,
) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some((status, failed)) = exit.filter(|(status, _)| *status != expected_status) {
        // `main.sh:3: nats stream inf ORDERS exited with 1` says more than the status alone.
        let ended = failed.map_or_else(|| ended::exited(status), ToString::to_string);
        problems.push(if expected_status == 0 {
            ended
        } else {
            format!("{ended}, but its meta.yaml expects {expected_status}")
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
        assert!(problems(0, &[], Some((0, None)), "hello\nno errors here: fine\n").is_empty());
    }

    #[test]
    fn undeclared_error_lines_and_statuses_are_problems() {
        let found = problems(0, &[], Some((1, None)), "ok\nnats: error: no servers available\n");
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
    fn an_excerpt_says_what_it_cut_and_keeps_the_first_error() {
        let saved = &|| Some(PathBuf::from("/cache/failed/a/b/cli.txt"));
        let never = &|| -> Option<PathBuf> { panic!("nothing was cut, so nothing is saved") };
        let short: String = (1..=TAIL_LINES).map(|n| format!("{n}\n")).collect();
        assert_eq!(excerpt(&short, never), short);
        assert_eq!(excerpt("", never), "");
        let long = format!("ok\nError: bad flag\nusage\n{short}");
        let shown = excerpt(&long, saved);
        assert!(
            shown.starts_with(&format!(
                "first error, line 2 of {}: Error: bad flag\n(3 earlier lines cut; full output: /cache/failed/a/b/cli.txt)\n1\n",
                TAIL_LINES + 3
            )),
            "{shown}"
        );
        let quiet = format!("ok\n{short}");
        assert!(
            excerpt(&quiet, &|| None)
                .starts_with("(1 earlier line cut; the full output could not be saved)\n")
        );
    }

    #[test]
    fn declared_errors_are_expected_and_required() {
        let declared = regexes(&["^nats: error: .*no servers"]);
        assert!(
            problems(
                1,
                &declared,
                Some((1, None)),
                "nats: error: no servers available\n"
            )
            .is_empty()
        );
        let found = problems(1, &declared, Some((0, None)), "all good\n");
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].contains("printed no line matching"));
    }
}
