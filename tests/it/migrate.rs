//! `nbe record --adopt`: a recording another runner made is the starting point. Cleaned of that
//! runner's noise (CRLF, Docker build and compose lines, compose's `client-1  | ` prefixes) and
//! normalized, it either is a new run's output, and the run is recorded, or it is not, and the
//! diff shows before anything is written. Real `nats-server` and `nats`, on ports no other test
//! uses (1517x).

use std::fs;

use crate::harness::{Repo, project_root};
use crate::regress::kv_script;

const OUTPUT: &str = "examples/kv/put/cli/output.txt";
const SNAP: &str = "snapshots/kv/put/cli.snap";

/// What the program printed, as a Docker-based runner recorded it: inside the build and compose
/// lines of `tests/fixtures/normalize/legacy/docker-compose.txt`, each line prefixed with the
/// compose service and ended with CRLF.
fn as_docker_recorded(program_output: &str) -> String {
    let noise = fs::read_to_string(project_root().join("tests/fixtures/normalize/legacy/docker-compose.txt"))
        .expect("the Docker noise fixture");
    let lines: String = program_output
        .lines()
        .map(|line| format!("client-1  | {line}\r\n"))
        .collect();
    assert_eq!(noise.matches("PROGRAM OUTPUT\r\n").count(), 1);
    noise.replace("PROGRAM OUTPUT\r\n", &lines)
}

/// A repository with the kv/put example, whose program prints `value`, and its raw output.
fn repo_printing(port: u16, value: &str) -> (Repo, String) {
    let repo = Repo::new();
    repo.script("kv/put", &kv_script(port, value)).write(
        "examples/kv/put/meta.yaml",
        "title: Put\ndescription: Stores a value.\ntimeout: 60s\n",
    );
    let run = repo.nbe(["run", "kv/put/cli"]).run().code(0);
    assert!(run.stdout.contains(value), "{}", run.stdout);
    (repo, run.stdout)
}

#[test]
fn a_docker_recording_with_the_same_output_is_adopted_with_no_diff() {
    let (repo, output) = repo_printing(15171, "hello");
    let old = as_docker_recorded(&output);
    assert!(old.contains("\r\n") && old.contains("[+] Building") && old.contains("client-1  | "));
    repo.write(OUTPUT, &old);
    let adopted = repo
        .nbe(["record", "--adopt", "kv/put"])
        .run()
        .code(0)
        .stdout_has("PASS kv/put/cli [")
        .stdout_has(
            "adopted: the old recording, cleaned of runner noise and normalized, is this run's output",
        )
        .stdout_lacks("@@");
    adopted.summary("1 passed, 0 failed, 0 skipped");
    let written = repo.read(OUTPUT);
    assert!(
        !written.contains('\r') && !written.contains("Building"),
        "{written}"
    );
    assert!(repo.exists(SNAP));
    repo.nbe(["check"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
}

#[test]
fn a_changed_behaviour_shows_its_diff_and_writes_nothing_until_accepted() {
    let (repo, output) = repo_printing(15172, "goodbye");
    // The old runner recorded the program when it still stored "hello".
    let old = as_docker_recorded(&output.replace("goodbye", "hello"));
    repo.write(OUTPUT, &old);
    repo.nbe(["record", "--adopt", "kv/put"])
        .run()
        .code(1)
        .stdout_has("FAIL kv/put/cli [")
        .stdout_has("its output changed since it was recorded: nothing written")
        .stdout_has("--- kv/put/cli/output.txt (old recording, cleaned and normalized)")
        .stdout_has("+++ kv/put/cli (this run)")
        .stdout_has("-hello")
        .stdout_has("+goodbye")
        .stdout_has("nbe record --adopt --accept-changes kv/put/cli");
    assert_eq!(repo.read(OUTPUT), old, "the old recording is untouched");
    assert!(!repo.exists(SNAP));

    repo.nbe(["record", "--adopt", "--accept-changes", "kv/put"])
        .run()
        .code(0)
        .stdout_has("adopted with --accept-changes");
    assert!(repo.read(OUTPUT).contains("goodbye"));
    repo.nbe(["check"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
}

#[test]
fn a_client_without_a_recording_is_not_adopted() {
    let repo = Repo::new();
    repo.script("kv/put", &kv_script(15173, "hello"));
    repo.nbe(["record", "--adopt", "kv/put"])
        .run()
        .code(2)
        .stderr_has(
            "nothing to adopt: kv/put/cli has no output.txt; record it with `nbe record PATH` instead",
        );
    assert!(!repo.exists(OUTPUT));
    repo.nbe(["record", "--adopt"])
        .run()
        .code(2)
        .stderr_has("--adopt needs the paths of the clients to adopt, or --all");
}
