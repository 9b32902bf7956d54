//! The regression checks (`test`, `record`, `check`, `review`, `accept`, `reject`) against the real
//! `nats-server` and `nats`, in temp repositories.
//!
//! Every example here starts its own nats-server on a port no other test uses (151xx), so the tests
//! run in parallel. The tools come from `NBE_TOOLS_DIR`, else this repository's `.tools/bin`.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A temp examples repository and the nbe commands run in it.
struct Repo {
    dir: tempfile::TempDir,
}

/// What an nbe command did.
struct Ran {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Ran {
    fn of(output: Output) -> Self {
        Self {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit code, showing everything nbe printed when it differs.
    fn code(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }

    fn prints(self, text: &str) -> Self {
        assert!(
            self.stdout.contains(text),
            "{text:?} not in stdout:\n{}",
            self.stdout
        );
        self
    }

    fn summary(self, summary: &str) -> Self {
        assert_eq!(
            self.last_line(),
            summary,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// stdout with what varies between runs masked: durations and the repository path.
    fn masked(&self, repo: &Repo) -> String {
        let durations = regex::Regex::new(r"\[\d+\.\d+s\]").unwrap();
        let hashes = regex::Regex::new(r"sha256:[0-9a-f]{64}").unwrap();
        let text = self.stdout.replace(&repo.root().display().to_string(), "[REPO]");
        let text = durations.replace_all(&text, "[TIME]");
        hashes.replace_all(&text, "sha256:[HASH]").into_owned()
    }
}

fn tools_dir() -> PathBuf {
    std::env::var_os("NBE_TOOLS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/bin"))
}

/// A script that starts a JetStream server on `port`, stores `value` in a KV bucket and reads it back.
fn kv_script(port: u16, value: &str) -> String {
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

impl Repo {
    fn new() -> Self {
        let dir = tempfile::Builder::new().prefix("nbe-it-").tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("examples")).unwrap();
        Self { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Writes `examples/<client>/main.<ext>` (`client` is `category/example/kind`).
    fn client(&self, client: &str, main: &str) -> &Self {
        let ext = if client.ends_with("/go") { "go" } else { "sh" };
        self.write(&format!("examples/{client}/main.{ext}"), main)
    }

    fn write(&self, relative: &str, text: &str) -> &Self {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn read(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).unwrap_or_default()
    }

    fn exists(&self, relative: &str) -> bool {
        self.path(relative).exists()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::cargo_bin("nbe").unwrap();
        command
            .arg("--root")
            .arg(self.root())
            .arg("--tools-dir")
            .arg(tools_dir())
            .args(args)
            .current_dir(self.root());
        for name in ["CI", "NBE_UPDATE", "NO_COLOR", "NBE_ROOT", "NBE_TOOLS_DIR"] {
            command.env_remove(name);
        }
        command
    }

    fn nbe(&self, args: &[&str]) -> Ran {
        Ran::of(self.command(args).output().unwrap())
    }

    fn nbe_on_ci(&self, args: &[&str]) -> Ran {
        Ran::of(self.command(args).env("CI", "true").output().unwrap())
    }

    fn nbe_with_input(&self, args: &[&str], input: &str) -> Ran {
        Ran::of(self.command(args).write_stdin(input).output().unwrap())
    }
}

const PUT: &str = "kv/put/cli";
const PUT_SNAP: &str = "snapshots/kv/put/cli.snap";
const PUT_PENDING: &str = "snapshots/kv/put/cli.snap.new";

#[test]
fn a_recorded_example_passes_and_is_not_flaky() {
    let repo = Repo::new();
    repo.client(PUT, &kv_script(15101, "hello"));
    repo.nbe(&["record"])
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    for file in [
        "examples/kv/put/cli/output.txt",
        "examples/kv/put/cli/output.cast",
        PUT_SNAP,
    ] {
        assert!(repo.exists(file), "{file} was not written");
    }
    assert_eq!(repo.read("examples/kv/put/cli/output.txt"), b"hello\nhello\n");
    repo.nbe(&["test"])
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(&["test", "--repeat", "3"])
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(&["check"])
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
}

#[test]
fn repeating_finds_a_flaky_example() {
    let repo = Repo::new();
    let script =
        kv_script(15102, "hello") + "# A token that changes on every run.\necho \"token $RANDOM$RANDOM\"\n";
    repo.client("kv/flaky/cli", &script);
    repo.nbe(&["record"]).code(0);
    repo.nbe(&["test", "--repeat", "3"])
        .code(1)
        .prints("FLAKY kv/flaky/cli")
        .prints("output varies between runs: run 2 differs from run 1")
        .prints("--- kv/flaky/cli (run 1)\n+++ kv/flaky/cli (run 2)\n")
        .summary("0 passed, 1 failed, 0 skipped");
}

#[test]
fn a_changed_output_is_a_mismatch_until_accepted() {
    let repo = Repo::new();
    repo.client(PUT, &kv_script(15103, "hello"));
    repo.nbe(&["record"]).code(0);
    let recorded = repo.read(PUT_SNAP);
    repo.client(PUT, &kv_script(15103, "hello, world"));

    let on_ci = repo.nbe_on_ci(&["test"]).code(1).prints("nothing written on CI");
    assert!(!repo.exists(PUT_PENDING), "CI must not write pending snapshots");
    assert_eq!(repo.read(PUT_SNAP), recorded);
    insta::assert_snapshot!("mismatch_on_ci", on_ci.masked(&repo));

    let local = repo
        .nbe(&["test"])
        .code(1)
        .summary("0 passed, 1 failed, 0 skipped");
    insta::assert_snapshot!("mismatch_locally", local.masked(&repo));
    assert!(repo.exists(PUT_PENDING));
    assert_eq!(
        repo.read(PUT_SNAP),
        recorded,
        "only the pending snapshot is written"
    );

    repo.nbe(&["accept", "kv"]).code(0).prints("accepted kv/put/cli");
    assert!(!repo.exists(PUT_PENDING));
    repo.nbe(&["test"])
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    // The recording still shows the old output: check says so until it is re-recorded.
    repo.nbe(&["check"])
        .code(1)
        .prints("does not normalize to its snapshot");
    repo.nbe(&["record", PUT]).code(0);
    repo.nbe(&["check"]).code(0);
}

#[test]
fn a_stale_pending_snapshot_goes_once_the_client_passes() {
    let repo = Repo::new();
    repo.client(PUT, &kv_script(15111, "hello"));
    repo.nbe(&["record"]).code(0);
    repo.client(PUT, &kv_script(15111, "changed"));
    repo.nbe(&["test"]).code(1);
    assert!(repo.exists(PUT_PENDING));
    repo.client(PUT, &kv_script(15111, "hello"));
    repo.nbe(&["test"])
        .code(0)
        .prints("removed the stale pending snapshot snapshots/kv/put/cli.snap.new");
    assert!(!repo.exists(PUT_PENDING));
}

#[test]
fn a_missing_snapshot_is_pending_locally_and_a_failure_on_ci() {
    let repo = Repo::new();
    repo.client(PUT, &kv_script(15112, "hello"));
    repo.nbe_on_ci(&["test"])
        .code(1)
        .prints("no snapshot yet")
        .prints("run `nbe record kv/put/cli`");
    assert!(!repo.exists(PUT_PENDING));
    repo.nbe(&["test", "--update", "no"]).code(1);
    assert!(!repo.exists(PUT_PENDING));
    repo.nbe(&["test"]).code(1).prints("`nbe accept kv/put/cli`");
    assert!(repo.exists(PUT_PENDING));
    repo.nbe(&["reject"]).code(0).prints("rejected kv/put/cli");
    assert!(!repo.exists(PUT_PENDING));
    repo.nbe(&["test", "--update", "always"])
        .code(0)
        .prints("updated snapshots/kv/put/cli.snap");
    assert!(repo.exists(PUT_SNAP));
}

#[test]
fn cargo_insta_accepts_what_nbe_writes() {
    let cargo_insta = Path::new(env!("CARGO_MANIFEST_DIR")).join(".tools/bin/cargo-insta");
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
    .client(PUT, &kv_script(15104, "hello"));
    repo.nbe(&["record"]).code(0);
    repo.client(PUT, &kv_script(15104, "hello, insta"));
    repo.nbe(&["test"]).code(1);
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
    assert_eq!(
        String::from_utf8_lossy(&repo.read(PUT_SNAP)),
        String::from_utf8_lossy(&pending)
    );
    repo.nbe(&["test"]).code(0);
}

#[test]
fn editing_the_program_without_recording_makes_check_fail() {
    let repo = Repo::new();
    repo.client(PUT, &kv_script(15105, "hello"));
    repo.nbe(&["record"]).code(0);
    repo.nbe(&["check"]).code(0);
    let main = repo.path("examples/kv/put/cli/main.sh");
    let edited = std::fs::read_to_string(&main).unwrap() + "# One more comment.\n";
    std::fs::write(&main, edited).unwrap();
    repo.nbe(&["check"])
        .code(1)
        .prints("the recording of kv/put/cli is older than its files")
        .prints("run `nbe record kv/put/cli`")
        .summary("0 passed, 1 failed, 0 skipped");
    repo.nbe(&["record"]).code(0);
    repo.nbe(&["check"]).code(0);
    // A changed expectation makes the recording stale too.
    repo.write("examples/kv/put/meta.yaml", "timeout: 30s\n");
    repo.nbe(&["check"]).code(1).prints("older than its files");
}

#[test]
fn recording_a_failing_example_touches_nothing() {
    let repo = Repo::new();
    repo.client(PUT, &kv_script(15106, "hello"));
    repo.nbe(&["record"]).code(0);
    let files = [
        "examples/kv/put/cli/output.txt",
        "examples/kv/put/cli/output.cast",
        PUT_SNAP,
    ];
    let before: Vec<_> = files.iter().map(|f| repo.read(f)).collect();
    // A server that is not there: the nats CLI prints `nats: error:` and exits 1.
    let broken = kv_script(15106, "hello") + "nats --server nats://127.0.0.1:15199 kv get demo greeting\n";
    repo.client(PUT, &broken);
    repo.nbe(&["record"])
        .code(1)
        .prints("FAIL kv/put/cli")
        .prints("exited with status 1")
        .prints("nats: error:")
        .prints("not recorded")
        .summary("0 passed, 1 failed, 0 skipped");
    let after: Vec<_> = files.iter().map(|f| repo.read(f)).collect();
    assert!(before == after, "record changed the files of a failing example");
    assert!(!repo.exists(PUT_PENDING));
}

#[test]
fn declared_failures_are_recorded_and_required() {
    let repo = Repo::new();
    let failing = kv_script(15107, "hello") + "nats --server nats://127.0.0.1:15198 kv get demo greeting\n";
    repo.client("kv/missing/cli", &failing).write(
        "examples/kv/missing/meta.yaml",
        "expect:\n  exit_status: 1\n  error_lines: ['^nats: error: .*']\n",
    );
    repo.nbe(&["record"]).code(0);
    repo.nbe(&["test"]).code(0);
    repo.nbe(&["check"]).code(0);
    repo.client("kv/missing/cli", &kv_script(15107, "hello"));
    repo.nbe(&["test"])
        .code(1)
        .prints("exited with status 0, but its meta.yaml expects 1")
        .prints("printed no line matching \"^nats: error: .*\"");
}

#[test]
fn junit_and_json_count_what_the_summary_counts() {
    let repo = Repo::new();
    repo.client("kv/one/cli", &kv_script(15108, "one"))
        .client("kv/two/cli", &kv_script(15109, "two"))
        .client("kv/two/go", "package main\n");
    repo.nbe(&["record", "kv/one"]).code(0);
    let junit = repo.path("reports/junit.xml");
    let ran = repo
        .nbe(&["test", "-j", "2", "--junit", junit.to_str().unwrap()])
        .code(1)
        .summary("1 passed, 1 failed, 1 skipped");
    // Parallel runs print each client's report whole.
    assert!(ran.stdout.contains("MISMATCH kv/two/cli [") && ran.stdout.contains("+two\n+two\n"));
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
    assert_eq!(failure.attribute("message"), Some("no snapshot yet"));
    assert!(failure.text().unwrap().contains("+two"));

    let json = repo.nbe(&["test", "kv/one", "--format", "json"]).code(0);
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
    repo.client(PUT, &kv_script(15110, "hello"));
    repo.nbe(&["record"]).code(0);
    let stray = "snapshots/kv/gone/cli.snap";
    repo.write(stray, "---\nsource: x\n---\nold\n");
    repo.nbe(&["check"])
        .code(0)
        .prints("unreferenced snapshot snapshots/kv/gone/cli.snap")
        .summary("1 passed, 0 failed, 0 skipped");
    // A partial run does not know which snapshots the rest of the catalog needs.
    assert!(!repo.nbe(&["check", "kv"]).code(0).stdout.contains("unreferenced"));
    repo.nbe(&["test", "--unreferenced", "reject"])
        .code(1)
        .summary("1 passed, 0 failed, 0 skipped");
    repo.nbe(&["check", "--unreferenced", "delete"])
        .code(0)
        .prints("deleted unreferenced snapshot");
    assert!(!repo.exists(stray));
}

#[test]
fn review_reads_answers_from_stdin() {
    let repo = Repo::new();
    repo.client("kv/one/cli", &kv_script(15113, "one"))
        .client("kv/two/cli", &kv_script(15114, "two"));
    repo.nbe(&["test"])
        .code(1)
        .summary("0 passed, 2 failed, 0 skipped");
    let reviewed = repo
        .nbe_with_input(&["review"], "what?\na\nr\n")
        .code(0)
        .summary("1 accepted, 1 rejected, 0 skipped");
    insta::assert_snapshot!("review", reviewed.masked(&repo));
    assert!(repo.exists("snapshots/kv/one/cli.snap"));
    assert!(!repo.exists("snapshots/kv/two/cli.snap") && !repo.exists("snapshots/kv/two/cli.snap.new"));
    repo.nbe(&["test", "kv/one"]).code(0);
}

#[test]
fn a_server_that_never_ends_times_out() {
    let repo = Repo::new();
    repo.client(
        "server/forever/cli",
        "# The server runs in the foreground and never ends.\nnats-server -p 15115\n",
    );
    repo.nbe(&["test", "--timeout", "1s"])
        .code(1)
        .prints("TIMEOUT server/forever/cli")
        .prints("timed out after 1s")
        .prints("Server is ready")
        .summary("0 passed, 1 failed, 0 skipped");
}

#[test]
fn colour_is_used_only_when_asked_for() {
    let repo = Repo::new();
    repo.client(PUT, &kv_script(15116, "hello"));
    assert!(
        !repo
            .nbe(&["test", "--update", "no"])
            .code(1)
            .stdout
            .contains('\x1b')
    );
    let coloured = repo.nbe(&["test", "--update", "no", "--color", "always"]).code(1);
    assert!(
        coloured.stdout.contains("\x1b[32m+hello\x1b[0m"),
        "{}",
        coloured.stdout
    );
    assert_eq!(coloured.last_line(), "0 passed, 1 failed, 0 skipped");
}
