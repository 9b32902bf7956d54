//! Saved matrix results (`nbe test --server-version A,B --save`): the verified file beside an
//! example's snapshots, what `nbe check` says of it, and the server versions a page shows from it.
//! Every run uses the pinned nats-server, which is installed already: a second version would cost
//! an install (minutes from source) for nothing the merge's unit tests do not prove.

use std::time::Duration;

use crate::harness::{Repo, eventually, marker, processes_with};

/// The pinned server, from tools.versions.
fn pinned() -> &'static str {
    nbe::runner::tools::NATS_SERVER.version()
}

/// The `files_hash` line of a snapshot: what the verified file must name for its client.
fn files_hash(repo: &Repo, client: &str) -> String {
    let snap = repo.read(&format!("snapshots/{client}.snap"));
    let line = snap
        .lines()
        .find_map(|line| line.trim().strip_prefix("files_hash: "))
        .unwrap_or_else(|| panic!("no files_hash in the snapshot of {client}:\n{snap}"));
    line.trim_matches('"').to_string()
}

/// A repository with two recorded examples: `v/hello` passes; `v/changed` prints something else
/// than its snapshot says from now on (the snapshot was edited, the client was not, so its files
/// hash is unchanged).
fn recorded() -> Repo {
    let repo = Repo::new();
    repo.write("examples/meta.yaml", "categories: [v]\n")
        .write("examples/v/meta.yaml", "examples: [hello, changed]\n")
        .script("v/hello", "#!/usr/bin/env bash\n# Greets.\necho hello\n")
        .script("v/changed", "#!/usr/bin/env bash\n# Says one thing.\necho one\n");
    repo.nbe(["record"])
        .run()
        .code(0)
        .summary("2 passed, 0 failed, 0 skipped");
    let snap = repo
        .read("snapshots/v/changed/cli.snap")
        .replace("\none\n", "\ntwo\n");
    repo.write("snapshots/v/changed/cli.snap", &snap);
    repo
}

#[test]
fn save_writes_each_clients_verdict_and_the_same_results_change_no_byte() {
    let repo = recorded();
    let save = || {
        repo.nbe(["test", "--server-version", pinned(), "--save", "--update", "no"])
            .run()
            .code(1)
            .summary("1 passed, 1 failed, 0 skipped")
    };
    save()
        .stderr_has("nbe: saved snapshots/v/hello/verified.toml\n")
        .stderr_has("nbe: saved snapshots/v/changed/verified.toml\n");
    let header = "# The versions each client of this example was tested on, saved by\n\
                  # `nbe test --server-version A,B --save`. Review it like a snapshot. A client's results\n\
                  # hold while its files_hash is the client's: an edit of the client makes them stale.\n";
    assert_eq!(
        repo.read("snapshots/v/hello/verified.toml"),
        format!(
            "{header}\n[cli]\nfiles_hash = \"{}\"\npassed = [\n  \"server {}\",\n]\n",
            files_hash(&repo, "v/hello/cli"),
            pinned()
        )
    );
    assert_eq!(
        repo.read("snapshots/v/changed/verified.toml"),
        format!(
            "{header}\n[cli]\nfiles_hash = \"{}\"\nfailed = [\n  \"server {}\",\n]\n",
            files_hash(&repo, "v/changed/cli"),
            pinned()
        )
    );
    // The same results again: nothing is written, and nbe says so by saying nothing.
    let before = std::fs::metadata(repo.path("snapshots/v/hello/verified.toml"))
        .unwrap()
        .modified()
        .unwrap();
    let text = repo.read("snapshots/v/hello/verified.toml");
    save().stderr_lacks("nbe: saved");
    assert_eq!(repo.read("snapshots/v/hello/verified.toml"), text);
    let after = std::fs::metadata(repo.path("snapshots/v/hello/verified.toml"))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(before, after, "an unchanged file was written again");
    // A verified file is no snapshot: a full run does not call it unreferenced.
    save().stdout_lacks("verified.toml");
    // A passing result replaces the failed one of the same column, and keeps another column's.
    let older = "server v2.11.11";
    let kept = repo
        .read("snapshots/v/changed/verified.toml")
        .replace("failed = [\n", &format!("failed = [\n  \"{older}\",\n"));
    repo.write("snapshots/v/changed/verified.toml", &kept);
    repo.nbe(["record", "v/changed"]).run().code(0);
    repo.nbe(["test", "v/changed", "--server-version", pinned(), "--save"])
        .run()
        .code(0)
        .stderr_has("nbe: saved snapshots/v/changed/verified.toml\n");
    let merged = repo.read("snapshots/v/changed/verified.toml");
    assert!(
        merged.ends_with(&format!(
            "passed = [\n  \"server {}\",\n]\nfailed = [\n  \"{older}\",\n]\n",
            pinned()
        )),
        "{merged}"
    );
}

#[test]
fn an_edit_of_the_client_drops_its_old_results_at_the_next_save() {
    let repo = recorded();
    let stale = format!(
        "[cli]\nfiles_hash = \"sha256:{}\"\npassed = [\"server v2.11.11\"]\n",
        "0".repeat(64)
    );
    repo.write("snapshots/v/hello/verified.toml", &stale);
    repo.nbe(["test", "v/hello", "--server-version", pinned(), "--save"])
        .run()
        .code(0);
    let saved = repo.read("snapshots/v/hello/verified.toml");
    assert!(!saved.contains("v2.11.11"), "{saved}");
    assert!(saved.contains(&files_hash(&repo, "v/hello/cli")), "{saved}");
    // A file that cannot be read is said, and written anew from the run's results.
    repo.write("snapshots/v/hello/verified.toml", "[cli\n");
    repo.nbe(["test", "v/hello", "--server-version", pinned(), "--save"])
        .run()
        .code(0)
        .stderr_has("nbe: warning: snapshots/v/hello/verified.toml:1: malformed verified file")
        .stderr_has("this run writes it anew from its own results");
    assert_eq!(repo.read("snapshots/v/hello/verified.toml"), saved);
}

#[test]
fn save_without_a_matrix_is_a_usage_error_that_says_what_to_add() {
    let repo = recorded();
    repo.nbe(["test", "--save"]).run().code(2).stderr_has(
        "--save keeps the results of a version matrix: add the versions to run on, like --server-version",
    );
    assert!(!repo.exists("snapshots/v/hello/verified.toml"));
}

#[test]
fn an_interrupted_matrix_saves_nothing() {
    let repo = recorded();
    let name = marker("verified-interrupted");
    // `; :` keeps bash from replacing itself with sleep, so the marker stays on a command line.
    repo.write("examples/v/meta.yaml", "examples: [hello, changed, slow]\n")
        .script(
            "v/slow",
            &format!("#!/usr/bin/env bash\n# Waits.\nbash -c 'sleep 600; :' {name}\n"),
        );
    let running = repo
        .nbe(["test", "--server-version", pinned(), "--save", "-j", "3"])
        .spawn();
    eventually(Duration::from_secs(60), "the slow client runs", || {
        !processes_with(&name).is_empty()
    });
    // The quick clients have finished before the slow one is stopped.
    std::thread::sleep(Duration::from_secs(2));
    running.interrupt();
    running.wait().code(130).stderr_lacks("nbe: saved");
    for example in ["hello", "changed", "slow"] {
        assert!(!repo.exists(&format!("snapshots/v/{example}/verified.toml")));
    }
}

#[test]
fn check_names_a_malformed_file_at_its_line_and_notes_stale_results() {
    let repo = recorded();
    repo.nbe(["record", "v/changed"]).run().code(0);
    repo.nbe(["test", "--server-version", pinned(), "--save"])
        .run()
        .code(0);
    repo.nbe(["check"]).run().code(0).stdout_lacks("verified.toml");
    // Stale: the client changed after its results were saved. A note, not a failure.
    repo.script(
        "v/hello",
        "#!/usr/bin/env bash\n# Greets.\necho hello\necho again\n",
    );
    repo.nbe(["record", "v/hello"]).run().code(0);
    repo.nbe(["check"]).run().code(0).stdout_has(
        "snapshots/v/hello/verified.toml: the results of `cli` are stale (saved before its files changed), so the site does not show them; save them again with `nbe test --server-version VERSIONS --save v/hello/cli`",
    );
    // A table of a client the example does not have: a note too.
    let hello = repo.read("snapshots/v/hello/verified.toml");
    repo.write(
        "snapshots/v/hello/verified.toml",
        &hello.replace("[cli]", "[ruby]\nfiles_hash = \"sha256:0000000000000000000000000000000000000000000000000000000000000000\"\npassed = [\"server v2.11.11\"]\n\n[cli]"),
    );
    repo.nbe(["check"]).run().code(0).stdout_has(
        "snapshots/v/hello/verified.toml: holds results of `ruby`, which the example has no client of; delete its table",
    );
    // The file of an example that is gone is unreferenced, as its snapshots would be.
    repo.write("snapshots/v/gone/verified.toml", &hello);
    repo.nbe(["check"])
        .run()
        .code(0)
        .stdout_has("unreferenced snapshot snapshots/v/gone/verified.toml");
    repo.nbe(["check", "--unreferenced", "delete"]).run().code(0);
    assert!(!repo.exists("snapshots/v/gone/verified.toml"));
    // Malformed: named at its line, with what to do, as a failure of its example.
    let broken = repo
        .read("snapshots/v/changed/verified.toml")
        .replace(&format!("\"server {}\"", pinned()), "\"server\"");
    repo.write("snapshots/v/changed/verified.toml", &broken);
    let line = broken.lines().position(|l| l.trim() == "\"server\",").unwrap() + 1;
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has(&format!(
            "FAIL v/changed [0.00s]: snapshots/v/changed/verified.toml:{line}: malformed verified file: \"server\" is not a column like \"server v2.15.2\""
        ))
        .stdout_has("fix it, or delete it and save the results again with `nbe test --server-version VERSIONS --save v/changed`")
        .summary("2 passed, 1 failed, 0 skipped");
}

#[test]
fn pages_show_the_server_versions_a_client_was_verified_on_and_hide_stale_ones() {
    let repo = recorded();
    repo.nbe(["record", "v/changed"]).run().code(0);
    repo.nbe(["test", "--server-version", pinned(), "--save"])
        .run()
        .code(0);
    // A failed older version beside the pinned pass, as a run on it would have saved it.
    let hello = repo.read("snapshots/v/hello/verified.toml") + "failed = [\n  \"server v2.11.11\",\n]\n";
    repo.write("snapshots/v/hello/verified.toml", &hello);
    let site = repo.path("site");
    let build = || {
        repo.nbe(["build", "--output", site.to_str().unwrap()])
            .run()
            .code(0)
    };
    build();
    let servers = |page: &str| {
        let html = std::fs::read_to_string(site.join(page)).unwrap();
        html.split_once("<dt>Servers</dt><dd>")
            .map(|(_, rest)| rest.split_once("</dd>").unwrap().0.to_string())
    };
    let said = format!("Verified on nats-server {}; fails on v2.11.11", pinned());
    assert_eq!(servers("v/hello/cli/index.html").as_deref(), Some(said.as_str()));
    // The example's own page shows its default client, with the same line.
    assert_eq!(servers("v/hello/index.html").as_deref(), Some(said.as_str()));
    let changed = format!("Verified on nats-server {}", pinned());
    assert_eq!(servers("v/changed/cli/index.html"), Some(changed.clone()));
    // An edit of the client makes its results stale: the page no longer claims them.
    repo.script(
        "v/hello",
        "#!/usr/bin/env bash\n# Greets.\necho hello\necho again\n",
    );
    build();
    assert_eq!(servers("v/hello/cli/index.html"), None);
    assert_eq!(servers("v/changed/cli/index.html"), Some(changed));
    // A malformed file: a warning at its line, and nothing shown.
    repo.write("snapshots/v/changed/verified.toml", "[cli]\nfiles_hash = 1\n");
    build().stderr_has("snapshots/v/changed/verified.toml:2: malformed verified file");
    assert_eq!(servers("v/changed/cli/index.html"), None);
}

#[test]
fn a_client_with_no_snapshot_yet_leaves_no_result() {
    let repo = recorded();
    repo.write("examples/v/meta.yaml", "examples: [hello, changed, fresh]\n")
        .script("v/fresh", "#!/usr/bin/env bash\n# Never recorded.\necho new\n");
    repo.nbe([
        "test",
        "v/fresh",
        "--server-version",
        pinned(),
        "--save",
        "--update",
        "no",
    ])
    .run()
    .code(1)
    .stdout_has("NEW v/fresh/cli")
    .stderr_lacks("nbe: saved");
    assert!(!repo.exists("snapshots/v/fresh/verified.toml"));
}
