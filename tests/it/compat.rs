//! Adopting nbe in a repository laid out as other example collections are: directories that are
//! not clients, examples their category does not list, clients that declare what they need
//! beyond their kind, and the compatibility fixture (`tests/fixtures/compat/`), a small catalog
//! in another collection's layout, run through the real binary as it stands.

use std::path::Path;

use crate::harness::{Outcome, Repo, project_root};

/// A repository with one category `c` listing `listed`, each example's cli script printing its
/// name, titled and described.
fn repo_listing(listed: &[&str], examples: &[&str]) -> Repo {
    let repo = Repo::new();
    repo.write("examples/meta.yaml", "categories: [c]\n");
    repo.write(
        "examples/c/meta.yaml",
        &format!("title: C\ndescription: C.\nexamples: [{}]\n", listed.join(", ")),
    );
    for example in examples {
        repo.script(
            &format!("c/{example}"),
            &format!("#!/bin/bash\n# Says its name.\necho {example}\n"),
        );
        repo.write(
            &format!("examples/c/{example}/meta.yaml"),
            &format!("title: The {example} example\ndescription: Says {example}.\n"),
        );
    }
    repo
}

#[test]
fn directories_holding_no_program_are_content_in_every_command() {
    let repo = repo_listing(&["one"], &["one"]);
    repo.write("examples/c/one/shell/README.md", "Run `main.sh` by hand.\n");
    repo.write("examples/c/one/configs/server.conf", "port: 4222\n");
    repo.write("examples/c/one/scripts/notes.txt", "nothing to run\n");
    repo.write("examples/c/one/README.md", "The example.\n");
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["test"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(["check"]).run().code(0);
    repo.nbe(["list"])
        .run()
        .code(0)
        .stdout_lacks("shell")
        .stdout_lacks("configs");
    repo.nbe(["lint", "--deny", "warnings"]).run().code(0);
    let site = repo.path("site");
    repo.nbe(["build", "--output"]).args([&site]).run().code(0);
    assert!(!site.join("c/one/shell").exists());

    // A directory named after a kind that holds programs but not its main file is still a client
    // missing its main file; one holding a main file named after no kind is an unknown kind.
    repo.write("examples/c/one/go/helper.go", "package main\n");
    repo.write("examples/c/one/golang/main.go", "package main\n");
    let out = repo.nbe(["lint", "--format", "json"]).run().code(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["code"].as_str().unwrap(), f["path"].as_str().unwrap()))
        .collect();
    assert_eq!(found, ["NBE115 c/one/go", "NBE113 c/one/golang"]);
    repo.nbe(["test", "c/one/go"])
        .run()
        .code(1)
        .stdout_has("the go client has no main.go");
}

#[test]
fn an_unlisted_example_runs_with_a_warning_and_lint_reports_the_listing() {
    let repo = repo_listing(&["one"], &["one", "draft"]);
    let warning = "nbe: warning: c/draft is not listed under `examples:` in ";
    repo.nbe(["run", "c/draft"])
        .run()
        .code(0)
        .stderr_has(warning)
        .stdout_has("draft");
    repo.nbe(["record", "--all"]).run().code(0).stderr_has(warning);
    repo.nbe(["test", "c/draft"])
        .run()
        .code(0)
        .stderr_has(warning)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(["test"])
        .run()
        .code(0)
        .summary("2 passed, 0 failed, 0 skipped");
    // It has no page and no place in the list.
    repo.nbe(["list"]).run().code(0).stdout_lacks("draft");
    let site = repo.path("site");
    repo.nbe(["build", "--output"]).args([&site]).run().code(0);
    assert!(site.join("c/one").is_dir() && !site.join("c/draft").exists());
    let out = repo.nbe(["lint", "--format", "json"]).run().code(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 1, "{}", out.stdout);
    assert_eq!(report["findings"][0]["code"], "NBE112");
    assert_eq!(report["findings"][0]["path"], "c/draft");
}

#[test]
fn a_client_missing_what_it_requires_is_skipped_with_the_reason_everywhere() {
    let repo = repo_listing(&["keys", "certs"], &["keys", "certs"]);
    repo.write(
        "examples/c/keys/meta.yaml",
        "title: Keys\ndescription: Keys.\nclients:\n  cli:\n    requires: [nbe-no-such-program-here, bash]\n",
    );
    repo.write(
        "examples/c/certs/meta.yaml",
        "title: Certs\ndescription: Certs.\nrequires: [certs/ca.pem]\n",
    );
    let program = "requires `nbe-no-such-program-here`, which is neither in the tools dir nor on PATH (declared by `requires` in examples/c/keys/meta.yaml); install it to run this client";
    let file = "requires certs/ca.pem, which c/certs does not hold (declared by `requires` in examples/c/certs/meta.yaml); build or add it first";
    // `nbe run` refuses it as it refuses a kind whose toolchain is missing: exit 2, nothing run.
    repo.nbe(["run", "c/keys"])
        .run()
        .code(2)
        .stderr_has(&format!("c/keys/cli: {program}"));
    for command in ["test", "record", "check"] {
        repo.nbe([command])
            .run()
            .code(0)
            .stdout_has("SKIP c/keys/cli [")
            .stdout_has(&format!("]: {program}"))
            .stdout_has("SKIP c/certs/cli [")
            .stdout_has(&format!("]: {file}"))
            .summary("0 passed, 0 failed, 2 skipped");
    }
    // No recording is asked of a client that cannot make one here.
    repo.nbe(["lint"])
        .run()
        .code(0)
        .summary("0 errors, 0 warnings, 0 allowed");
    // Once the file is there, the client runs.
    repo.write("examples/c/certs/certs/ca.pem", "not a real certificate\n");
    repo.nbe(["record", "c/certs"]).run().code(0);
    repo.nbe(["test"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 1 skipped");

    // What `requires` names is checked when the catalog loads.
    repo.write(
        "examples/c/keys/meta.yaml",
        "title: Keys\nclients:\n  go:\n    requires: [nsc]\n",
    );
    repo.nbe(["test", "c/keys"])
        .run()
        .code(1)
        .stdout_has("examples/c/keys/meta.yaml:3:3: `clients` names \"go\", which is not a client of this example; use one of: cli");
    repo.write(
        "examples/c/keys/meta.yaml",
        "title: Keys\nrequires: [/usr/bin/nsc]\n",
    );
    repo.nbe(["test", "c/keys"])
        .run()
        .code(1)
        .stdout_has("examples/c/keys/meta.yaml:2:12: `requires` item \"/usr/bin/nsc\" is an absolute path");
    repo.write(
        "examples/c/keys/meta.yaml",
        "title: Keys\nclients:\n  cli:\n    needs: [nsc]\n",
    );
    repo.nbe(["test", "c/keys"])
        .run()
        .code(1)
        .stdout_has("examples/c/keys/meta.yaml:4:5: unknown field `needs`");
}

#[test]
fn a_run_ending_with_command_not_found_says_how_to_declare_the_program() {
    let repo = repo_listing(&["keys"], &["keys"]);
    repo.script(
        "c/keys",
        "#!/bin/bash\n# Needs a program.\nnbe-no-such-tool generate\n",
    );
    let hint = "127 is the shell's \"command not found\": a program it runs is missing here; if the example needs it, declare it (`requires: [name]` in the example's meta.yaml)";
    repo.nbe(["run", "c/keys"]).run().code(127).stderr_has(hint);
    repo.nbe(["test"])
        .run()
        .code(1)
        .stdout_has("main.sh:3: nbe-no-such-tool generate exited with 127; ")
        .stdout_has(hint);
}

/// A copy of the compatibility fixture in a throwaway repository: a catalog laid out as another
/// collection lays it out, with no `clients/` folder and no `tools.versions`.
fn compat_fixture() -> Repo {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let repo = Repo::new();
    copy(&project_root().join("tests/fixtures/compat"), repo.root());
    assert!(!repo.exists("clients") && !repo.exists("tools.versions"));
    repo
}

/// The lines of a report with durations and paths masked, sorted: clients finish in any order.
fn report_lines(out: &Outcome, repo: &Repo) -> Vec<String> {
    let mut lines: Vec<String> = out.masked(repo).lines().map(str::to_string).collect();
    lines.sort();
    lines
}

#[test]
fn the_compatibility_fixture_runs_what_needs_no_kind_defaults() {
    let repo = compat_fixture();
    let parts = ["messaging/draft", "tools", "auth"];
    let unlisted = "nbe: warning: messaging/draft is not listed under `examples:`";
    repo.nbe(["record"])
        .args(parts)
        .run()
        .code(0)
        .stderr_has(unlisted)
        .summary("2 passed, 0 failed, 1 skipped");
    let first = repo
        .nbe(["test"])
        .args(parts)
        .run()
        .code(0)
        .stderr_has(unlisted)
        .stdout_has("SKIP auth/nkeys/cli [")
        .stdout_has("]: requires `nsc`, which is neither in the tools dir nor on PATH (declared by `requires` in examples/auth/nkeys/meta.yaml)")
        .summary("2 passed, 0 failed, 1 skipped");
    let second = repo.nbe(["test"]).args(parts).run().code(0);
    assert_eq!(report_lines(&first, &repo), report_lines(&second, &repo));
    repo.nbe(["check"])
        .args(parts)
        .run()
        .code(0)
        .summary("2 passed, 0 failed, 1 skipped");
    // The `shell/` folder holding a README is content: no client, no problem.
    repo.nbe(["list"])
        .run()
        .code(0)
        .stdout_has("messaging/readings")
        .stdout_lacks("shell");
}

#[test]
fn the_compatibility_fixture_runs_as_it_stands() {
    let repo = compat_fixture();
    // Every client but the one requiring nsc runs and is recorded, with nothing edited.
    repo.nbe(["record", "--all"])
        .run()
        .code(0)
        .summary("9 passed, 0 failed, 1 skipped");
    let first = repo
        .nbe(["test"])
        .run()
        .code(0)
        .stdout_has("]: requires `nsc`")
        .summary("9 passed, 0 failed, 1 skipped");
    let second = repo
        .nbe(["test"])
        .run()
        .code(0)
        .summary("9 passed, 0 failed, 1 skipped");
    assert_eq!(report_lines(&first, &repo), report_lines(&second, &repo));
    repo.nbe(["check"])
        .run()
        .code(0)
        .summary("9 passed, 0 failed, 1 skipped");
}
