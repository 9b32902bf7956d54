//! The author's loop: help that says each thing once, scaffolding a new example with `nbe new`,
//! and failure reports that point at the failing line.

use crate::harness::Repo;

#[test]
fn global_options_are_listed_once_in_the_top_level_help() {
    let repo = Repo::new();
    repo.nbe(["--help"])
        .run()
        .code(0)
        .stdout_has("Global options:")
        .stdout_has("--tools-dir")
        .stdout_has("--isolation");
    for help in [
        &["test", "--help"][..],
        &["help", "test"],
        &["run", "-h"],
        &["doctor", "--help"],
    ] {
        repo.nbe(help)
            .run()
            .code(0)
            .stdout_has("nbe --help")
            .stdout_lacks("--tools-dir")
            .stdout_lacks("--root")
            .stdout_lacks("NBE_ISOLATION");
    }
    // Still accepted after the subcommand, as before.
    let empty = tempfile::tempdir().unwrap();
    repo.nbe(["list", "--isolation", "none", "--tools-dir"])
        .args([empty.path()])
        .run()
        .code(0);
}

/// A cli script with a typo in its last command: the nats CLI prints a line of error, then 30
/// lines of usage, and exits 1.
const TYPO: &str = r#"#!/usr/bin/env bash
set -euo pipefail

# A server with JetStream, on the run's private loopback; ready once /healthz answers.
nats-server -js -p 4222 -m 8222 --store_dir "$TMPDIR/js" >/dev/null 2>&1 &
until curl -fs http://127.0.0.1:8222/healthz >/dev/null; do sleep 0.1; done

# Did not succeed at first is fine; a tested command is not a failure.
nats stream info ORDERS >/dev/null 2>&1 || echo "no stream yet"
nats stream add ORDERS --subjects 'orders.>' --defaults >/dev/null
nats stream inf ORDERS
echo "not reached"
"#;

#[test]
fn a_failing_command_is_reported_with_its_line_and_the_first_error() {
    let repo = Repo::new();
    repo.script("js/typo", TYPO);
    let out = repo
        .nbe(["test"])
        .run()
        .code(1)
        .stdout_has("FAIL js/typo/cli")
        .stdout_has("main.sh:11: nats stream inf ORDERS exited with 1")
        .stdout_has("| first error, line 2 of ")
        .stdout_has(r#"error: expected command but got "inf""#)
        .stdout_has("earlier lines cut; full output: ")
        .summary("0 passed, 1 failed, 0 skipped");
    // The whole output is where the report says, with the lines it cut.
    let saved = out
        .stdout
        .split("full output: ")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .unwrap()
        .to_string();
    let full = std::fs::read_to_string(&saved).unwrap();
    assert!(
        full.starts_with("no stream yet\nerror: expected command"),
        "{full}"
    );
    assert!(!full.contains("not reached"));
    // `nbe run` names the command too, after the status.
    repo.nbe(["run", "js/typo"])
        .run()
        .code(1)
        .stderr_has("js/typo/cli exited with status 1")
        .stderr_has("nbe: main.sh:11: nats stream inf ORDERS exited with 1");
}

#[test]
fn the_trace_leaves_no_mark_on_a_recording() {
    let repo = Repo::new();
    let fixed = TYPO.replace("stream inf ORDERS", "stream ls --names");
    repo.script("js/typo", &fixed);
    repo.nbe(["record"]).run().code(0);
    assert_eq!(
        repo.read("examples/js/typo/cli/output.txt"),
        "no stream yet\nORDERS\nnot reached\n"
    );
    repo.nbe(["test"]).run().code(0);
}
