//! The regression checks (`test`, `record`, `check`, `review`, `accept`, `reject`) against the real
//! `nats-server` and `nats`, in temp repositories.
//!
//! Every example here starts its own nats-server on a port no other test uses (151xx), so the tests
//! run in parallel.

use crate::harness::{Repo, tools_dir};

/// A script that starts a JetStream server on `port`, stores `value` in a KV bucket and reads it back.
pub fn kv_script(port: u16, value: &str) -> String {
    format!(
        r#"#!/usr/bin/env bash
set -euo pipefail
# Start a server with JetStream; its data lives in the run's temp dir.
nats-server -p {port} -js -sd "$TMPDIR/js" >/dev/null 2>&1 &
export NATS_URL=nats://127.0.0.1:{port}
# Wait until it answers.
until nats account info >/dev/null 2>&1; do sleep 0.1; done
nats kv add demo >/dev/null
# Store a value and read it back.
nats kv put demo greeting "{value}"
nats kv get demo greeting --raw
echo
"#
    )
}

/// The example most tests use; the constants after it name its cli client and that client's files.
const PUT: &str = "kv/put";
const PUT_CLI: &str = "kv/put/cli";
const PUT_MAIN: &str = "examples/kv/put/cli/main.sh";
const PUT_OUTPUT: &str = "examples/kv/put/cli/output.txt";
const PUT_CAST: &str = "examples/kv/put/cli/output.cast";
const PUT_SNAP: &str = "snapshots/kv/put/cli.snap";
const PUT_PENDING: &str = "snapshots/kv/put/cli.snap.new";

#[test]
fn a_recorded_example_passes_and_is_not_flaky() {
    let repo = Repo::new();
    repo.script(PUT, &kv_script(15101, "hello"));
    repo.nbe(["record"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    for file in [PUT_OUTPUT, PUT_CAST, PUT_SNAP] {
        assert!(repo.exists(file), "{file} was not written");
    }
    assert_eq!(repo.read(PUT_OUTPUT), "hello\nhello\n");
    repo.nbe(["test"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(["test", "--repeat", "3"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(["check"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
}

#[test]
fn repeating_finds_a_flaky_example() {
    let repo = Repo::new();
    let script =
        kv_script(15102, "hello") + "# A token that changes on every run.\necho \"token $RANDOM$RANDOM\"\n";
    repo.script("kv/flaky", &script);
    repo.nbe(["record"]).run().code(0);
    let cache = repo.path("cache");
    let flaky = repo
        .nbe(["test", "--repeat", "3"])
        .env("NBE_CACHE_DIR", cache.to_str().unwrap())
        .run()
        .code(1)
        .stdout_has("FLAKY kv/flaky/cli")
        .stdout_has("output varies between runs: run 2 differs from run 1")
        .stdout_has("--- kv/flaky/cli (run 1)\n+++ kv/flaky/cli (run 2)\n")
        .stdout_has("the `normalize:` keys of examples/kv/flaky/meta.yaml (columns, sort, keys, redact, drop, unordered, disable) are described in docs/normalization.md")
        .summary("0 passed, 1 failed, 0 skipped");
    // The two runs' raw output is kept, and the hint gives the command lines that explain them.
    for run in [1, 2] {
        let file = cache.join(format!("flaky/kv/flaky/cli/run-{run}.txt"));
        let command = format!("nbe normalize --explain --example kv/flaky {}", file.display());
        assert!(flaky.stdout.contains(&command), "{command}\n{}", flaky.stdout);
        let words: Vec<String> = command.split(' ').skip(1).map(String::from).collect();
        repo.nbe(&words).run().code(0).stdout_has("hello\nhello\ntoken ");
    }
}

#[test]
fn a_changed_output_is_a_mismatch_until_accepted() {
    let repo = Repo::new();
    repo.script(PUT, &kv_script(15103, "hello"));
    repo.nbe(["record"]).run().code(0);
    let recorded = repo.read(PUT_SNAP);
    repo.script(PUT, &kv_script(15103, "hello, world"));

    let on_ci = repo
        .nbe(["test"])
        .env("CI", "true")
        .run()
        .code(1)
        .stdout_has("nothing written on CI");
    assert!(!repo.exists(PUT_PENDING), "CI must not write pending snapshots");
    assert_eq!(repo.read(PUT_SNAP), recorded);
    insta::assert_snapshot!("mismatch_on_ci", on_ci.masked(&repo));

    let local = repo
        .nbe(["test"])
        .run()
        .code(1)
        .summary("0 passed, 1 failed, 0 skipped");
    insta::assert_snapshot!("mismatch_locally", local.masked(&repo));
    assert!(repo.exists(PUT_PENDING));
    assert_eq!(
        repo.read(PUT_SNAP),
        recorded,
        "only the pending snapshot is written"
    );

    // The command the hint names is the one step: it accepts the snapshot and makes the run that
    // wrote it the recording, so the docs page and `nbe check` agree with it.
    let hinted = local
        .stdout
        .split("accept it with `")
        .nth(1)
        .and_then(|rest| rest.split('`').next())
        .expect("the mismatch names the command that accepts it");
    assert_eq!(hinted, format!("nbe accept {PUT_CLI}"));
    let words: Vec<&str> = hinted.split(' ').skip(1).collect();
    repo.nbe(words)
        .run()
        .code(0)
        .stdout_has("accepted kv/put/cli, with output.txt and output.cast of the run that wrote it")
        .summary("1 accepted");
    assert!(!repo.exists(PUT_PENDING));
    assert!(!repo.exists(&format!("{PUT_PENDING}.txt")) && !repo.exists(&format!("{PUT_PENDING}.cast")));
    assert!(repo.read(PUT_OUTPUT).contains("hello, world"));
    repo.nbe(["check"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(["test"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
}

#[test]
fn a_stale_pending_snapshot_goes_once_the_client_passes() {
    let repo = Repo::new();
    repo.script(PUT, &kv_script(15111, "hello"));
    repo.nbe(["record"]).run().code(0);
    repo.script(PUT, &kv_script(15111, "changed"));
    repo.nbe(["test"]).run().code(1);
    assert!(repo.exists(PUT_PENDING));
    repo.script(PUT, &kv_script(15111, "hello"));
    repo.nbe(["test"])
        .run()
        .code(0)
        .stdout_has("removed the stale pending snapshot snapshots/kv/put/cli.snap.new");
    assert!(!repo.exists(PUT_PENDING));
}

#[test]
fn a_missing_snapshot_is_pending_locally_and_a_failure_on_ci() {
    let repo = Repo::new();
    repo.script(PUT, &kv_script(15112, "hello"));
    repo.nbe(["test"])
        .env("CI", "true")
        .run()
        .code(1)
        .stdout_has("NEW kv/put/cli [")
        .stdout_has("no accepted snapshot yet (pending review): it fails until its output is accepted")
        .stdout_has("nothing is accepted, so it fails; run `nbe record kv/put/cli`")
        .stdout_has("--- snapshots/kv/put/cli.snap (none yet)\n+++ kv/put/cli (this run)\n")
        .stdout_has("1 new\n0 passed, 1 failed, 0 skipped\n")
        .stdout_lacks("MISMATCH");
    assert!(!repo.exists(PUT_PENDING));
    repo.nbe(["test", "--update", "no"]).run().code(1);
    assert!(!repo.exists(PUT_PENDING));
    repo.nbe(["test"])
        .run()
        .code(1)
        .stdout_has("NEW kv/put/cli [")
        .stdout_has("review it with `nbe review` or accept it with `nbe accept kv/put/cli`");
    assert!(repo.exists(PUT_PENDING));
    repo.nbe(["reject"])
        .run()
        .code(0)
        .stdout_has("rejected kv/put/cli");
    assert!(!repo.exists(PUT_PENDING));
    repo.nbe(["test", "--update", "always"])
        .run()
        .code(0)
        .stdout_has("NEW kv/put/cli [")
        .stdout_has("wrote snapshots/kv/put/cli.snap")
        .summary("1 passed, 0 failed, 0 skipped");
    assert!(repo.exists(PUT_SNAP));
    // Overwriting an accepted snapshot on purpose says so, with the diff.
    repo.script(PUT, &kv_script(15112, "bye"));
    repo.nbe(["test", "--update", "always"])
        .run()
        .code(0)
        .stdout_has("UPDATED kv/put/cli [")
        .stdout_has("-hello\n-hello\n+bye\n+bye\n")
        .summary("1 passed, 0 failed, 0 skipped");
}

#[test]
fn cargo_insta_accepts_what_nbe_writes() {
    let cargo_insta = tools_dir().join("cargo-insta");
    assert!(
        cargo_insta.is_file(),
        "{} is needed: run `make cargo-insta` (make test does)",
        cargo_insta.display()
    );
    let repo = Repo::new();
    // cargo-insta finds pending snapshots under the packages of a Cargo workspace.
    repo.write(
        "Cargo.toml",
        "[package]\nname = \"docs\"\nversion = \"0.0.0\"\nedition = \"2021\"\n",
    )
    .write("src/lib.rs", "")
    .script(PUT, &kv_script(15104, "hello"));
    repo.nbe(["record"]).run().code(0);
    repo.script(PUT, &kv_script(15104, "hello, insta"));
    repo.nbe(["test"]).run().code(1);
    let pending = repo.read(PUT_PENDING);
    let insta = std::process::Command::new(&cargo_insta)
        .args(["insta", "pending-snapshots"])
        .current_dir(repo.root())
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&insta.stdout);
    assert!(
        listed.contains("snapshots/kv/put/cli.snap"),
        "cargo insta pending-snapshots:\n{listed}"
    );
    let insta = std::process::Command::new(&cargo_insta)
        .args(["insta", "accept"])
        .current_dir(repo.root())
        .output()
        .unwrap();
    assert!(
        insta.status.success(),
        "{}",
        String::from_utf8_lossy(&insta.stderr)
    );
    assert!(!repo.exists(PUT_PENDING));
    // cargo-insta re-serializes the file: byte-identical means nbe writes insta's own format.
    assert_eq!(repo.read(PUT_SNAP), pending);
    // It knows only the `.snap.new`: the run's recording stays beside it, unused, and the old
    // recording no longer agrees with the snapshot until `nbe record` (or the next `nbe test`
    // clears what is left).
    assert!(repo.exists(&format!("{PUT_PENDING}.txt")));
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has("does not normalize to its snapshot; run `nbe record kv/put/cli`");
    repo.nbe(["test"]).run().code(0);
    assert!(!repo.exists(&format!("{PUT_PENDING}.txt")) && !repo.exists(&format!("{PUT_PENDING}.cast")));
}

#[test]
fn editing_the_program_without_recording_makes_check_fail() {
    let repo = Repo::new();
    repo.script(PUT, &kv_script(15105, "hello"));
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["check"]).run().code(0);
    repo.write(PUT_MAIN, &(repo.read(PUT_MAIN) + "echo\n"));
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has("the recording of kv/put/cli is older than its files")
        .stdout_has("run `nbe record kv/put/cli`")
        .summary("0 passed, 1 failed, 0 skipped");
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["check"]).run().code(0);
    // A changed expectation makes the recording stale too.
    repo.write("examples/kv/put/meta.yaml", "timeout: 30s\n");
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has("older than its files");
}

#[test]
fn recording_a_failing_example_touches_nothing() {
    let repo = Repo::new();
    repo.script(PUT, &kv_script(15106, "hello"));
    repo.nbe(["record"]).run().code(0);
    let files = [PUT_OUTPUT, PUT_CAST, PUT_SNAP];
    let before = files.map(|f| repo.read(f));
    // A server that is not there: the nats CLI prints `nats: error:` and exits 1.
    let broken = kv_script(15106, "hello") + "nats --server nats://127.0.0.1:15199 kv get demo greeting\n";
    repo.script(PUT, &broken);
    repo.nbe(["record"])
        .run()
        .code(1)
        .stdout_has("FAIL kv/put/cli")
        .stdout_has("main.sh:13: nats --server nats://127.0.0.1:15199 kv get demo greeting exited with 1")
        .stdout_has("nats: error:")
        .stdout_has("not recorded")
        .summary("0 passed, 1 failed, 0 skipped");
    let after = files.map(|f| repo.read(f));
    assert!(before == after, "record changed the files of a failing example");
    assert!(!repo.exists(PUT_PENDING));
}

#[test]
fn declared_failures_are_recorded_and_required() {
    let repo = Repo::new();
    let failing = kv_script(15107, "hello") + "nats --server nats://127.0.0.1:15198 kv get demo greeting\n";
    repo.script("kv/missing", &failing).write(
        "examples/kv/missing/meta.yaml",
        "expect:\n  exit_status: 1\n  error_lines: ['^nats: error: .*']\n",
    );
    repo.nbe(["record"]).run().code(0);
    repo.nbe(["test"]).run().code(0);
    repo.nbe(["check"]).run().code(0);
    repo.script("kv/missing", &kv_script(15107, "hello"));
    repo.nbe(["test"])
        .run()
        .code(1)
        .stdout_has("exited with status 0, but its meta.yaml expects 1")
        .stdout_has("printed no line matching \"^nats: error: .*\"");
}

#[test]
fn junit_and_json_count_what_the_summary_counts() {
    let repo = Repo::new();
    repo.script("kv/one", &kv_script(15108, "one"))
        .script("kv/two", &kv_script(15109, "two"))
        // A kind nbe cannot run here is a skip.
        .write("examples/kv/two/ruby/main.rb", "puts 'two'\n");
    repo.nbe(["record", "kv/one"]).run().code(0);
    let junit = repo.path("reports/junit.xml");
    repo.nbe(["test", "-j", "2", "--junit"])
        .args([&junit])
        .run()
        .code(1)
        .summary("1 passed, 1 failed, 1 skipped")
        // Parallel runs print each client's report whole.
        .stdout_has("NEW kv/two/cli [")
        .stdout_has("+two\n+two\n");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap();
    let cases: Vec<_> = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let failed = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    let skipped = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("skipped")))
        .count();
    assert_eq!(
        (cases.len() - failed - skipped, failed, skipped),
        (1, 1, 1),
        "{xml}"
    );
    let two = cases
        .iter()
        .find(|c| c.attribute("classname") == Some("kv/two") && c.attribute("name") == Some("cli"));
    let failure = two
        .unwrap()
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("no accepted snapshot yet (pending review): it fails until its output is accepted")
    );
    assert_eq!(failure.attribute("type"), Some("new"));
    assert!(failure.text().unwrap().contains("+two"));

    let json = repo.nbe(["test", "kv/one", "--format", "json"]).run().code(0);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        (value["passed"].as_u64(), value["failed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(value["results"][0]["outcome"], "passed");
}

#[test]
fn unreferenced_snapshots_are_reported_rejected_and_deleted() {
    let repo = Repo::new();
    repo.script(PUT, &kv_script(15110, "hello"));
    repo.nbe(["record"]).run().code(0);
    let stray = "snapshots/kv/gone/cli.snap";
    repo.write(stray, "---\nsource: x\n---\nold\n");
    repo.nbe(["check"])
        .run()
        .code(0)
        .stdout_has("unreferenced snapshot snapshots/kv/gone/cli.snap")
        .summary("1 passed, 0 failed, 0 skipped");
    // A partial run does not know which snapshots the rest of the catalog needs.
    repo.nbe(["check", "kv"])
        .run()
        .code(0)
        .stdout_lacks("unreferenced");
    repo.nbe(["test", "--unreferenced", "reject"])
        .run()
        .code(1)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(["check", "--unreferenced", "delete"])
        .run()
        .code(0)
        .stdout_has("deleted unreferenced snapshot");
    assert!(!repo.exists(stray));
}

#[test]
fn review_reads_answers_from_stdin() {
    let repo = Repo::new();
    repo.script("kv/one", &kv_script(15113, "one"))
        .script("kv/two", &kv_script(15114, "two"));
    repo.nbe(["test"])
        .run()
        .code(1)
        .summary("0 passed, 2 failed, 0 skipped");
    let reviewed = repo
        .nbe(["review"])
        .stdin("what?\na\nr\n")
        .run()
        .code(0)
        .summary("1 accepted, 1 rejected, 0 skipped");
    insta::assert_snapshot!("review", reviewed.masked(&repo));
    assert!(repo.exists("snapshots/kv/one/cli.snap"));
    assert!(!repo.exists("snapshots/kv/two/cli.snap") && !repo.exists("snapshots/kv/two/cli.snap.new"));
    assert!(!repo.exists("snapshots/kv/two/cli.snap.new.txt"));
    repo.nbe(["test", "kv/one"]).run().code(0);
    repo.nbe(["check", "kv/one"]).run().code(0);
}

#[test]
fn a_server_that_never_ends_times_out() {
    let repo = Repo::new();
    repo.script(
        "server/forever",
        "# The server runs in the foreground and never ends.\nnats-server -p 15115\n",
    );
    repo.nbe(["test", "--timeout", "1s"])
        .run()
        .code(1)
        .stdout_has("TIMEOUT server/forever/cli")
        .stdout_has("timed out after 1s")
        .stdout_has("Server is ready")
        .summary("0 passed, 1 failed, 0 skipped");
}

#[test]
fn colour_is_used_only_when_asked_for() {
    let repo = Repo::new();
    repo.script(PUT, &kv_script(15116, "hello"));
    repo.nbe(["test", "--update", "no"])
        .run()
        .code(1)
        .stdout_lacks("\x1b");
    repo.nbe(["test", "--update", "no", "--color", "always"])
        .run()
        .code(1)
        .stdout_has("\x1b[32m+hello\x1b[0m")
        .summary("0 passed, 1 failed, 0 skipped");
}
