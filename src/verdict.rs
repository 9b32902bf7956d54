//! Whether a run did what its example declares: the exit status and the error lines of its output.
//!
//! An example succeeds when it exits 0 and prints no error line, unless its meta.yaml declares
//! otherwise (`expect: {exit_status: 1, error_lines: ["nats: error: .*"]}`). A declared expectation
//! that does not happen is a failure too, so an example meant to show an error keeps showing it.

use regex::Regex;

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
            format!("exited with status {status}")
        } else {
            format!("exited with status {status}, but its meta.yaml expects {expected_status}")
        });
    }
    let builtin = builtin();
    let mut seen = vec![false; declared.len()];
    for line in output.lines() {
        let mut is_declared = false;
        for (regex, seen) in declared.iter().zip(&mut seen) {
            if regex.is_match(line) {
                *seen = true;
                is_declared = true;
            }
        }
        if !is_declared && builtin.iter().any(|regex| regex.is_match(line)) {
            problems.push(format!("printed an undeclared error line: {line}"));
        }
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
