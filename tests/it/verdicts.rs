//! The verdict of `test`, `record` and `check` holds whatever happens around it: a reader of stdout
//! that goes away, a corrupt or malformed snapshot, a machine under load (`--stress`).
//!
//! The examples here start no server: what is tested is nbe's own judgment, and each client only
//! has to pass, fail or take a moment on demand.

use std::time::Duration;

use crate::harness::{Repo, eventually, marker, processes_of_runs_of, processes_with, programs_for_nobody};

/// A repository with the cli clients `cat/a`, `cat/b`... each echoing its name.
fn repo_with(examples: &[&str]) -> Repo {
    let repo = Repo::new();
    for name in examples {
        repo.script(&format!("cat/{name}"), &format!("echo hello from {name}\n"));
    }
    repo
}

#[test]
fn a_reader_that_leaves_does_not_change_the_verdict_of_check() {
    let repo = repo_with(&["a", "b"]);
    repo.nbe(["record"]).run().code(0);
    repo.script("cat/a", "echo hello from a, edited\n");
    repo.nbe(["check"]).run().code(1);
    // `nbe check | true`: the reader is gone before nbe writes its first line.
    let mut check = repo.nbe(["check"]).spawn();
    check.close_stdout();
    let out = check.wait().code(1);
    assert_eq!(out.stderr, "", "nothing to tell a reader that left");
}

#[test]
fn a_reader_that_leaves_does_not_stop_nbe_test_nor_change_its_verdict() {
    let repo = repo_with(&["a", "b"]);
    repo.nbe(["record"]).run().code(0);
    // a fails, b takes a moment (the reader is gone by the time it is reported) and c has no
    // snapshot yet, so running it writes a pending one.
    repo.script("cat/a", "echo hello from a\nexit 3\n");
    repo.script("cat/b", "sleep 1\necho hello from b\n");
    repo.script("cat/c", "echo hello from c\n");
    // `nbe test -j 1 | head -1`.
    let mut test = repo.nbe(["test", "-j", "1"]).spawn();
    assert!(test.line().contains("FAIL cat/a/cli"));
    test.close_stdout();
    let pid = test.pid();
    test.wait().code(1);
    assert!(
        repo.exists("snapshots/cat/c/cli.snap.new"),
        "the clients after the reader left were not run"
    );
    assert_eq!(processes_of_runs_of(pid), Vec::<String>::new());
}

#[test]
fn a_reader_that_leaves_does_not_stop_nbe_record_nor_change_its_verdict() {
    let repo = repo_with(&["a"]);
    repo.script("cat/b", "sleep 1\necho hello from b\n");
    repo.script("cat/c", "echo hello from c\nexit 3\n");
    let mut record = repo.nbe(["record", "-j", "1"]).spawn();
    assert!(record.line().contains("NEW cat/a/cli"));
    record.close_stdout();
    let pid = record.pid();
    record.wait().code(1);
    assert_eq!(processes_of_runs_of(pid), Vec::<String>::new());
    assert_eq!(repo.read("examples/cat/b/cli/output.txt"), "hello from b\n");
    assert!(repo.exists("snapshots/cat/b/cli.snap"));
    assert!(!repo.exists("examples/cat/c/cli/output.txt"));
}

#[test]
fn a_listing_ends_quietly_when_its_reader_leaves() {
    let repo = repo_with(&["a", "b", "c"]);
    // `nbe list | head -0`: a listing has no verdict to keep.
    let mut list = repo.nbe(["list"]).spawn();
    list.close_stdout();
    let out = list.wait().code(0);
    assert_eq!(out.stderr, "");
}

#[test]
fn a_corrupt_snapshot_fails_its_client_and_the_others_run() {
    let repo = repo_with(&["a", "b", "c"]);
    repo.nbe(["record"]).run().code(0);
    repo.write("snapshots/cat/b/cli.snap", "not a snapshot\n");
    for update in ["new", "always", "no"] {
        repo.nbe(["test", "--update", update])
            .run()
            .code(1)
            .stdout_has("FAIL cat/b/cli")
            .stdout_has("snapshots/cat/b/cli.snap:1: malformed snapshot: the file does not start with a `---` header line")
            .stdout_has("run `nbe record cat/b/cli` to rewrite it")
            .summary("2 passed, 1 failed, 0 skipped");
        assert_eq!(repo.read("snapshots/cat/b/cli.snap"), "not a snapshot\n");
        assert!(!repo.exists("snapshots/cat/b/cli.snap.new"));
    }
    // The fix the message gives works.
    repo.nbe(["record", "cat/b/cli"]).run().code(0);
    repo.nbe(["test"])
        .run()
        .code(0)
        .summary("3 passed, 0 failed, 0 skipped");
}

#[test]
fn a_checkout_nbe_cannot_write_fails_only_the_client_whose_snapshot_it_could_not_write() {
    assert!(
        nix::unistd::Uid::effective().is_root(),
        "this test switches from root to nobody"
    );
    let repo = repo_with(&["a", "b"]);
    repo.nbe(["record"]).run().code(0);
    repo.script("cat/new", "echo hello from new\n");
    // Everyone may read the repository; only root may write it.
    for entry in walkdir::WalkDir::new(repo.root()) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(entry.path(), std::os::unix::fs::PermissionsExt::from_mode(mode)).unwrap();
    }
    let programs = programs_for_nobody();
    // The first write of a pending snapshot is its run's recording, kept beside it for `nbe accept`.
    let pending = repo.path("snapshots/cat/new/cli.snap.new.txt");
    repo.nbe(["test", "-j", "1"])
        .by_nobody(programs.path())
        .run()
        .code(1)
        .stdout_has("PASS cat/a/cli")
        .stdout_has("PASS cat/b/cli")
        .stdout_has("NEW cat/new/cli")
        .stdout_has(&format!(
            "failed to write {}: Permission denied (os error 13), so no pending snapshot waits for review",
            pending.display()
        ))
        .summary("2 passed, 1 failed, 0 skipped");
    repo.nbe(["test", "--update", "always", "cat/new", "cat/a"])
        .by_nobody(programs.path())
        .run()
        .code(1)
        .stdout_has("PASS cat/a/cli")
        .stdout_has("so the new output of cat/new/cli was not accepted")
        .summary("1 passed, 1 failed, 0 skipped");
    assert!(!pending.exists());
    assert!(!repo.exists("snapshots/cat/new/cli.snap"));
}

#[test]
fn a_header_that_is_not_yaml_nbe_reads_is_named_at_its_line_in_nbes_words() {
    let repo = repo_with(&["a"]);
    repo.nbe(["record"]).run().code(0);
    let snap = repo.read("snapshots/cat/a/cli.snap");
    let rest = snap.strip_prefix("---\n").unwrap();
    // A repeated key on line 3, and an alias bomb whose last line (8) breaks the node budget.
    let bomb: String = ["a", "b", "c", "d", "e"]
        .iter()
        .enumerate()
        .map(|(n, name)| {
            let items = if n == 0 {
                "1".to_string()
            } else {
                format!("*{}", ["a", "b", "c", "d"][n - 1])
            };
            format!("{name}: &{name} [{}]\n", vec![items; 10].join(","))
        })
        .collect();
    for (header, line, why) in [
        (
            format!("---\nsource: x\nsource: y\n{rest}"),
            3,
            "`source` is there twice",
        ),
        (
            format!("---\n{bomb}f: [{}]\nsource: x\n{rest}", ["*e"; 10].join(",")),
            7,
            "it holds far more than the six short lines nbe writes (too many values, aliases or levels)",
        ),
    ] {
        repo.write("snapshots/cat/a/cli.snap", &header);
        let out = repo
            .nbe(["check"])
            .run()
            .code(1)
            .stdout_has(&format!(
                "snapshots/cat/a/cli.snap:{line}: malformed snapshot: the header is not valid YAML: {why}; run `nbe record cat/a/cli` to rewrite it"
            ));
        for internal in ["DuplicateKeyPolicy", "Options", "budget", "Nodes {", "-->"] {
            assert!(!out.stdout.contains(internal), "{internal}: {}", out.stdout);
        }
    }
}

#[test]
fn a_malformed_files_hash_is_a_malformed_snapshot_not_a_stale_one() {
    let repo = repo_with(&["a"]);
    repo.nbe(["record"]).run().code(0);
    let snap = repo.read("snapshots/cat/a/cli.snap");
    let (before, after) = snap.split_once("  files_hash: ").unwrap();
    let rest = after.split_once('\n').unwrap().1;
    repo.write(
        "snapshots/cat/a/cli.snap",
        &format!("{before}  files_hash: sha256:not-hex\n{rest}"),
    );
    let line = before.lines().count() + 1;
    let expected = format!("snapshots/cat/a/cli.snap:{line}: malformed snapshot: `info.files_hash` is");
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has(&expected)
        .stdout_has("run `nbe record cat/a/cli` to rewrite it")
        .stdout_lacks("older than its files");
    repo.nbe(["test"])
        .run()
        .code(1)
        .stdout_has(&expected)
        .summary("0 passed, 1 failed, 0 skipped");
    // Without the hash, nbe cannot tell whether the recording is current: it does not guess.
    repo.write("snapshots/cat/a/cli.snap", &format!("{before}{rest}"));
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has("the snapshot of cat/a/cli records no `info.files_hash`")
        .stdout_has("run `nbe record cat/a/cli` to rewrite it")
        .stdout_lacks("older than its files");
}

/// The cores this process may use, as nbe counts them for its load.
fn cores() -> usize {
    std::thread::available_parallelism().unwrap().get()
}

/// How many threads of the process `pid` run at nice 19, the `--stress` load's.
fn threads_at_nice_19(pid: u32) -> usize {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("stat")).is_ok_and(|stat| {
                // The fields after the command name: state is the first, nice the 17th.
                stat.rsplit_once(") ")
                    .and_then(|(_, rest)| rest.split(' ').nth(16).map(|nice| nice == "19"))
                    .unwrap_or(false)
            })
        })
        .count()
}

/// The client paths of a JSON report, in the order they were reported.
fn reported_order(json: &str) -> Vec<String> {
    let report: serde_json::Value = serde_json::from_str(json).unwrap();
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| result["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn stress_loads_every_core_while_the_clients_run_in_an_order_the_seed_replays() {
    let names = ["a", "b", "c", "d", "e", "f"];
    let repo = repo_with(&names);
    // One client takes a moment, so the load can be seen. It prints its own niceness, recorded
    // without the load: under the load it must be the same (nbe's, not the load's), or it mismatches.
    repo.script(
        "cat/a",
        "sleep 2\necho \"nice $(awk '{print $19}' /proc/self/stat)\"\n",
    );
    repo.nbe(["record"]).run().code(0);
    assert!(repo.read("examples/cat/a/cli/output.txt").starts_with("nice "));

    let stress = repo.nbe(["test", "--stress", "-j", "1"]).spawn();
    let pid = stress.pid();
    eventually(
        Duration::from_secs(10),
        "a busy thread at nice 19 per core",
        || threads_at_nice_19(pid) >= cores(),
    );
    let out = stress.wait().code(0).summary("6 passed, 0 failed, 0 skipped");
    assert!(out.stderr.contains("--seed "), "{}", out.stderr);
    assert_eq!(processes_of_runs_of(pid), Vec::<String>::new());

    let order = |seed: &str| {
        let out = repo
            .nbe(["test", "--stress", "--seed", seed, "-j", "1", "--format", "json"])
            .run()
            .code(0)
            .stderr_has(&format!("--seed {seed}"));
        reported_order(&out.stdout)
    };
    let (first, second) = (order("1"), order("2"));
    assert_ne!(first, second, "two seeds gave one order");
    assert_eq!(order("1"), first, "a seed does not replay its order");
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(sorted, names.map(|name| format!("cat/{name}/cli")));
}

#[test]
fn ctrl_c_under_stress_stops_the_load_and_every_run() {
    let repo = Repo::new();
    let name = marker("stress-interrupted");
    // `; :` keeps bash from replacing itself with sleep, so the marker stays on a command line.
    repo.script("slow/hang", &format!("bash -c 'sleep 600; :' {name}\n"));
    let stress = repo.nbe(["test", "--stress"]).spawn();
    let pid = stress.pid();
    eventually(Duration::from_secs(20), "the load and the run", || {
        threads_at_nice_19(pid) >= cores() && !processes_with(&name).is_empty()
    });
    stress.interrupt();
    stress.wait().code(130).stderr_has("interrupted");
    assert_eq!(processes_with(&name), Vec::<String>::new());
    assert_eq!(processes_of_runs_of(pid), Vec::<String>::new());
}
