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
use crate::program::memo;
use crate::program::syntax::Syntax;
use crate::recording::{self, CastError, Recording};
use crate::report::{Outcome, TAIL_LINES, ended, failure};
use crate::runner::trace::FailedCommand;
use crate::runner::{RunResult, Termination};
use crate::snapshot;
use crate::suite::pool;

/// Why a run is not a success, judged against the example's declared expectation; `None` when it
/// is one. `timeout` is the one the run had; `save` keeps a failed run's file with an extension
/// (`txt`: the whole output, `server.log`: the servers' whole logs) and says where (`None` when it
/// could not), called only for what the report shows in part.
///
/// The reason leads with the error the program ended with ([`failure::headline`]), and the output
/// shown names the repository's files and folds library frames ([`failure`]).
pub fn of_run(
    selected: Selected,
    result: &RunResult,
    timeout: Duration,
    save: &dyn Fn(&str, &[u8]) -> Option<PathBuf>,
) -> Option<Outcome> {
    let output = String::from_utf8_lossy(&result.output);
    let kind = selected.client.kind;
    // Made only for a run that failed: a passing one shows nothing of its output.
    let paths = std::cell::LazyCell::new(|| failure::Paths::new(&selected.client.path, kind));
    // Asked of a run that failed only: a passing program may well print `Error: ...` on purpose.
    let headline = || failure::headline(kind, &output).map(|headline| paths.rewrite(&headline));
    let tail = |headline: Option<&String>| {
        let lines: Vec<String> = output.lines().map(|line| paths.rewrite(line)).collect();
        let shown = failure::fold_library_frames(&lines).join("\n");
        let logs = match result.server_log.as_str() {
            "" => String::new(),
            logs => failure::server_log(logs, save("server.log", logs.as_bytes()).as_deref()),
        };
        excerpt(&shown, &|| save("txt", &result.output), headline.is_none()) + &logs
    };
    let status = match result.termination {
        Termination::TimedOut => {
            return Some(Outcome::TimedOut {
                after: timeout,
                tail: tail(headline().as_ref()),
            });
        }
        Termination::Interrupted => {
            return Some(Outcome::Failed {
                reason: "interrupted".into(),
                tail: tail(headline().as_ref()),
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
        problems.push(Problem::Other(ended::too_much_output(result.dropped)));
    }
    if problems.is_empty() {
        return None;
    }
    let headline = headline();
    // The headline is the error: the error lines it is made of are not said again.
    if headline.is_some() && problems.iter().any(|p| matches!(p, Problem::Status(_))) {
        problems.retain(|p| !matches!(p, Problem::Undeclared { .. }));
    }
    // A script's failing command names its line in the repository's file too.
    let said = paths.rewrite(&join(&problems));
    let tail = tail(headline.as_ref());
    Some(Outcome::Failed {
        reason: match headline {
            Some(headline) => format!("{headline} ({said})"),
            None => said,
        },
        tail,
    })
}

/// `problems`, said one after the other.
fn join(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// What a failure report shows of a run's `output`: its last [`TAIL_LINES`] lines, preceded,
/// when earlier lines were cut, by how many were cut, with where `save` kept the whole output, and,
/// with `first_error`, by the first of them that looks like an error (a usage text after it would
/// otherwise hide what went wrong; a report with a headline has said the error already).
pub fn excerpt(output: &str, save: &dyn Fn() -> Option<PathBuf>, first_error: bool) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let start = lines.len().saturating_sub(TAIL_LINES);
    let mut text = String::new();
    if start > 0 {
        let first = lines[..start]
            .iter()
            .enumerate()
            .find(|(_, line)| looks_like_error(line))
            .filter(|_| first_error);
        if let Some((index, line)) = first {
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
            join(&problems)
        ));
    }
    match &recording.cast {
        Ok(cast) => match recording::cast_agrees(cast, raw).and_then(|()| markers_agree(selected, cast)) {
            Ok(()) => Verdict::Verified,
            Err(why) => Verdict::Failing(format!("{path}: {why}; {record}")),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Verdict::NotRecorded(format!("{path} has no output.cast; {record}"))
        }
        Err(e) => Verdict::Failing(format!("failed to read {path}/output.cast: {e}")),
    }
}

/// Checks that every marker of `cast` (a recording that attributed its output to steps, see
/// [`crate::runner::trace`]) names a line of code of the client's main file ([`recording::step_places`]),
/// so the page shows each step's output under the code that printed it. A cast without markers
/// has nothing to check.
fn markers_agree(selected: Selected, cast: &[u8]) -> std::result::Result<(), CastError> {
    if recording::cast_markers(cast)?.is_empty() {
        return Ok(());
    }
    let client = selected.client;
    let source = std::fs::read_to_string(&client.main).unwrap_or_default();
    let now = memo::step_lines(Syntax::for_file(&client.main), &source).unwrap_or_default();
    recording::step_places(cast, client.main_name(), &now).map(|_| ())
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

/// One thing wrong with a run or its recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// It ended with another status than declared: how, and what was declared.
    Status(String),
    /// It printed error lines nothing declares: the first, and how many more.
    Undeclared {
        /// The first such line.
        first: String,
        /// How many others.
        more: usize,
    },
    /// It printed no line matching a declared error pattern: the pattern.
    Missing(String),
    /// Anything else, said whole.
    Other(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Status(said) | Self::Other(said) => f.write_str(said),
            Self::Undeclared { first, more: 0 } => write!(f, "printed an undeclared error line: {first}"),
            Self::Undeclared { first, more } => {
                write!(f, "printed an undeclared error line: {first} (and {more} more)")
            }
            Self::Missing(pattern) => write!(
                f,
                "printed no line matching {pattern:?}, which its meta.yaml expects"
            ),
        }
    }
}

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
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if let Some((status, failed)) = exit.filter(|(status, _)| *status != expected_status) {
        // `main.sh:3: nats stream inf ORDERS exited with 1` says more than the status alone.
        let ended = failed.map_or_else(|| ended::exited(status), ToString::to_string);
        problems.push(Problem::Status(if expected_status == 0 {
            ended
        } else {
            format!("{ended}, but its meta.yaml expects {expected_status}")
        }));
    }
    let (undeclared, seen) = error_lines(declared, output);
    // Said once, however often it was printed (an exception shown twice is one failure).
    if let Some((_, first)) = undeclared.first() {
        let more = undeclared.iter().filter(|(_, line)| line != first).count();
        problems.push(Problem::Undeclared {
            first: (*first).to_string(),
            more,
        });
    }
    for (regex, seen) in declared.iter().zip(seen) {
        if !seen {
            problems.push(Problem::Missing(regex.as_str().to_string()));
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
            found.iter().map(ToString::to_string).collect::<Vec<_>>(),
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
        assert_eq!(excerpt(&short, never, true), short);
        assert_eq!(excerpt("", never, true), "");
        let long = format!("ok\nError: bad flag\nusage\n{short}");
        let shown = excerpt(&long, saved, true);
        assert!(
            shown.starts_with(&format!(
                "first error, line 2 of {}: Error: bad flag\n(3 earlier lines cut; full output: /cache/failed/a/b/cli.txt)\n1\n",
                TAIL_LINES + 3
            )),
            "{shown}"
        );
        let quiet = format!("ok\n{short}");
        assert!(
            excerpt(&quiet, &|| None, true)
                .starts_with("(1 earlier line cut; the full output could not be saved)\n")
        );
    }

    #[test]
    fn an_error_line_printed_again_is_said_once() {
        let twice = "Traceback (most recent call last):\nx\nTraceback (most recent call last):\n";
        let found = problems(0, &[], Some((0, None)), twice);
        assert_eq!(
            found.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["printed an undeclared error line: Traceback (most recent call last):"]
        );
        let other = problems(0, &[], None, "panic: a\nnats: error: b\n");
        assert_eq!(
            other[0].to_string(),
            "printed an undeclared error line: panic: a (and 1 more)"
        );
    }

    #[test]
    fn a_report_with_a_headline_leaves_out_the_first_error_line() {
        let long: String = (0..TAIL_LINES + 2).map(|n| format!("Error: {n}\n")).collect();
        assert!(!excerpt(&long, &|| None, false).contains("first error"));
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
        assert!(found[1].to_string().contains("printed no line matching"));
    }
}
