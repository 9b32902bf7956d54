//! Adopting nbe in a repository laid out as other example collections are: directories that are
//! not clients, examples their category does not list, clients that declare what they need
//! beyond their kind, and the compatibility fixture (`tests/fixtures/compat/`), a small catalog
//! in another collection's layout, run through the real binary as it stands.

use crate::harness::Repo;

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
    let out = repo.nbe(["lint", "--format", "json"]).run().code(1);
    let report: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 1, "{}", out.stdout);
    assert_eq!(report["findings"][0]["code"], "NBE112");
    assert_eq!(report["findings"][0]["path"], "c/draft");
}
