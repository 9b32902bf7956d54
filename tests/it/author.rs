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
        .stdout_has(": examples/js/typo/cli/main.sh:11: nats stream inf ORDERS exited with 1")
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
        .stderr_has("nbe: examples/js/typo/cli/main.sh:11: nats stream inf ORDERS exited with 1");
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

#[test]
fn nbe_new_scaffolds_an_example_of_every_kind_that_runs_records_and_tests_green() {
    let repo = crate::clients::repo_with_defaults();
    repo.write(
        "examples/meta.yaml",
        "# Reading order.\ncategories: [basics]  # more to come\n",
    )
    .write(
        "examples/basics/meta.yaml",
        "title: Basics\nexamples:\n  # The first one.\n  - echo\n\n# Keep this comment.\n",
    )
    .script("basics/echo", "echo hello\n");
    let kinds = nbe::scaffold::known_kinds();
    repo.nbe(["new", "basics/hello-world", "--kind", &kinds.join(",")])
        .run()
        .code(0)
        .stdout_has("created examples/basics/hello-world/meta.yaml")
        .stdout_has("created examples/basics/hello-world/go/main.go")
        .stdout_has("added to `examples:` in examples/basics/meta.yaml")
        .stdout_has("nbe run basics/hello-world/cli")
        .stdout_has("nbe record basics/hello-world");
    assert_eq!(
        repo.read("examples/basics/meta.yaml"),
        "title: Basics\nexamples:\n  # The first one.\n  - echo\n  - hello-world\n\n# Keep this comment.\n"
    );
    assert!(
        repo.read("examples/basics/hello-world/meta.yaml")
            .starts_with("title: Hello World\n")
    );

    // It runs at once, records, and then tests green, every kind of it.
    repo.nbe(["run", "basics/hello-world/go"])
        .run()
        .code(0)
        .stdout_has("Reply: Hello, NATS!");
    let all = format!("{} passed, 0 failed, 0 skipped", kinds.len());
    repo.nbe(["record", "basics/hello-world"])
        .run()
        .code(0)
        .summary(&all);
    repo.nbe(["test", "basics/hello-world"])
        .run()
        .code(0)
        .summary(&all);
    // What nbe new wrote for the author to replace is refused until it is replaced.
    repo.nbe(["check", "basics/hello-world"])
        .run()
        .code(1)
        .stdout_has("examples/basics/hello-world/meta.yaml:4: the description of basics/hello-world is still the one nbe new wrote")
        .stdout_has("examples/basics/hello-world/go/main.go:13: every comment of basics/hello-world/go is still its nbe new template's");

    // A category is created only when asked, and then listed after the others.
    repo.nbe(["new", "streams/first"])
        .run()
        .code(2)
        .stderr_has("there is no category \"streams\"")
        .stderr_has("--create-category");
    assert!(!repo.exists("examples/streams"));
    repo.nbe(["new", "streams/first", "--create-category"])
        .run()
        .code(0);
    assert_eq!(
        repo.read("examples/meta.yaml"),
        "# Reading order.\ncategories: [basics, streams]  # more to come\n"
    );
    assert!(
        repo.read("examples/streams/meta.yaml")
            .contains("examples:\n  - first\n")
    );
    repo.nbe(["run", "streams/first"])
        .run()
        .code(0)
        .stdout_has("Hello, NATS!");
}

#[test]
fn what_nbe_new_wrote_for_the_author_fails_lint_check_and_build_until_it_is_replaced() {
    let repo = Repo::new();
    repo.nbe(["new", "basics/first", "--create-category"])
        .run()
        .code(0);
    repo.nbe(["record", "basics/first"]).run().code(0);
    let left = [
        "examples/basics/meta.yaml:5: the description of basics is still the one nbe new wrote; say what a reader learns from it",
        "examples/basics/first/meta.yaml:4: the description of basics/first is still the one nbe new wrote; say what a reader learns from it",
        "examples/basics/first/cli/main.sh:5: every comment of basics/first/cli is still its nbe new template's; write what this program shows",
    ];
    let mut lint = repo.nbe(["lint"]).run().code(1);
    let mut check = repo.nbe(["check"]).run().code(1);
    let mut build = repo.nbe(["build"]).run().code(1).stderr_has(
        "nbe: the site is not built: 3 places still hold what nbe new wrote for the author to replace",
    );
    for line in left {
        lint = lint.stdout_has("NBE118");
        check = check.stdout_has(&format!("{line} (NBE118)"));
        build = build.stderr_has(&format!("nbe: error: {line} (NBE118)"));
    }
    assert!(!repo.exists("site/index.html"));
    lint.stdout_has("--> examples/basics/first/cli/main.sh:5:1");

    // Written by the author: the descriptions, and one comment of the program (prose only, so the
    // recording stays current).
    let placeholder = "(Written by nbe new: replace this.)";
    for meta in ["examples/basics/meta.yaml", "examples/basics/first/meta.yaml"] {
        let text = repo.read(meta).replace(placeholder, "Written by hand.");
        repo.write(meta, &text);
    }
    let program = repo.read("examples/basics/first/cli/main.sh").replace(
        "# The script brings its own server.",
        "# A server of its own, for this one script.",
    );
    repo.write("examples/basics/first/cli/main.sh", &program);
    repo.nbe(["lint"]).run().code(0);
    repo.nbe(["check"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(["build"]).run().code(0);
}

#[test]
fn nbe_new_refuses_what_exists_bad_names_and_unknown_kinds() {
    let repo = Repo::new();
    repo.write("examples/meta.yaml", "categories: [basics]\n")
        .write("examples/basics/meta.yaml", "examples: [echo]\n")
        .script("basics/echo", "echo hello\n");
    let before = repo.read("examples/basics/meta.yaml");
    repo.nbe(["new", "basics/echo"])
        .run()
        .code(2)
        .stderr_has("basics/echo already exists");
    repo.nbe(["new", "basics/Echo_2"])
        .run()
        .code(2)
        .stderr_has("\"Echo_2\" is not a valid example name");
    repo.nbe(["new", "basics/two", "--kind", "go,fortran"])
        .run()
        .code(2)
        .stderr_has("unknown kind \"fortran\"; nbe new knows cli, go, python");
    assert_eq!(repo.read("examples/basics/meta.yaml"), before);
    assert!(!repo.exists("examples/basics/two"));

    // Without lists the catalog takes every directory: nbe new adds none, which would hide the rest.
    let unlisted = Repo::new();
    unlisted.script("basics/echo", "echo hello\n");
    unlisted
        .nbe(["new", "basics/two"])
        .run()
        .code(0)
        .stdout_lacks("added to");
    unlisted
        .nbe(["new", "more/three", "--create-category"])
        .run()
        .code(0);
    assert!(!unlisted.exists("examples/meta.yaml") && !unlisted.exists("examples/basics/meta.yaml"));
    unlisted
        .nbe(["list"])
        .run()
        .code(0)
        .stdout_has("basics/echo")
        .stdout_has("basics/two")
        .stdout_has("more/three");
}
