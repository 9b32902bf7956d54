//! The author's loop around `nbe record`: prose edits need no re-record, a re-record keeps what did
//! not change, a changed snapshot is UPDATED with its diff, a client without one is NEW, and
//! `nbe record` alone records only what `nbe check` flags. Real `nats-server` and `nats`, on ports
//! no other test uses (1513x).

use std::os::unix::fs::MetadataExt;

use crate::harness::Repo;
use crate::regress::kv_script;

const MAIN: &str = "examples/kv/put/cli/main.sh";
const META: &str = "examples/kv/put/meta.yaml";
const FILES: [&str; 3] = [
    "examples/kv/put/cli/output.txt",
    "examples/kv/put/cli/output.cast",
    "snapshots/kv/put/cli.snap",
];

/// The bytes and inode of each of the client's three recorded files: a file written again, even
/// with the same bytes, is a new inode (nbe writes through a temp file and a rename).
fn state(repo: &Repo) -> Vec<(String, u64)> {
    FILES
        .iter()
        .map(|file| (repo.read(file), std::fs::metadata(repo.path(file)).unwrap().ino()))
        .collect()
}

#[test]
fn prose_edits_keep_the_recording_verified_and_code_edits_renew_only_the_hash() {
    let repo = Repo::new();
    repo.script("kv/put", &kv_script(15131, "hello"))
        .write(META, "title: Put\ndescription: Stores a value.\ntimeout: 60s\n");
    repo.nbe(["record"]).run().code(0).stdout_has("NEW kv/put/cli [");
    let recorded = state(&repo);

    // Reworded, added and removed comments, a new title and description: prose only.
    let prose = repo
        .read(MAIN)
        .replace(
            "# Wait until it answers.",
            "# Wait until the server answers,\n# however long it takes.",
        )
        .replace("# Store a value and read it back.\n", "");
    repo.write(MAIN, &prose).write(
        META,
        "title: Put a value\ndescription: Other words.\ntimeout: 60s\n",
    );
    repo.nbe(["check"])
        .run()
        .code(0)
        .summary("1 passed, 0 failed, 0 skipped");
    // Nothing is flagged, so `nbe record` alone runs nothing and writes nothing.
    repo.nbe(["record"])
        .run()
        .code(0)
        .stderr_has("1 of 1 recordings are verified and were left alone")
        .summary("0 passed, 0 failed, 0 skipped");
    assert_eq!(state(&repo), recorded);

    // A code edit that prints the same: stale, and a re-record renews the hash line alone.
    repo.write(MAIN, &(prose.clone() + "true\n"));
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has("older than its files");
    repo.nbe(["record"])
        .run()
        .code(0)
        .stdout_has("UNCHANGED kv/put/cli [")
        .stdout_has("renewed only the files_hash of snapshots/kv/put/cli.snap")
        .stdout_has("1 unchanged\n1 passed, 0 failed, 0 skipped\n");
    let renewed = state(&repo);
    assert_eq!(renewed[..2], recorded[..2], "output.txt and output.cast are kept");
    let changed: Vec<(&str, &str)> = recorded[2]
        .0
        .lines()
        .zip(renewed[2].0.lines())
        .filter(|(before, after)| before != after)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(changed[0].0.starts_with("  files_hash: "), "{changed:?}");
    repo.nbe(["check"]).run().code(0);

    // A run setting of meta.yaml is not prose.
    repo.write(
        META,
        "title: Put a value\ndescription: Other words.\ntimeout: 61s\n",
    );
    repo.nbe(["check"])
        .run()
        .code(1)
        .stdout_has("older than its files");
}

#[test]
fn a_hash_only_renewal_keeps_the_versions_the_recording_was_made_with() {
    let repo = Repo::new();
    repo.script("plain/echo", "# Say hello.\necho hello\n");
    repo.nbe(["record"]).run().code(0);
    // As if recorded on other tools than this run's: the renewal must not claim this run's.
    let snap_path = "snapshots/plain/echo/cli.snap";
    let snap = repo.read(snap_path);
    let older: String = snap
        .lines()
        .map(|line| {
            if line.starts_with("  nats_server: ") {
                "  nats_server: v2.11.11".to_string()
            } else if line.starts_with("  nats: ") {
                "  nats: v0.4.0".to_string()
            } else {
                line.to_string()
            }
        })
        .map(|line| line + "\n")
        .collect();
    assert_ne!(older, snap, "the header names both versions");
    repo.write(snap_path, &older);
    repo.script("plain/echo", "# Say hello.\necho hello\ntrue\n");
    repo.nbe(["record"])
        .run()
        .code(0)
        .stdout_has("renewed only the files_hash of snapshots/plain/echo/cli.snap");
    let renewed = repo.read(snap_path);
    assert!(renewed.contains("\n  nats_server: v2.11.11\n"), "{renewed}");
    assert!(renewed.contains("\n  nats: v0.4.0\n"), "{renewed}");
    assert_ne!(renewed, older, "the files_hash was renewed");
    repo.nbe(["check"]).run().code(0);
}

#[test]
fn a_rerecord_of_an_unchanged_example_leaves_its_files_byte_identical() {
    let repo = Repo::new();
    repo.script("kv/put", &kv_script(15132, "hello"));
    repo.nbe(["record"]).run().code(0);
    let recorded = state(&repo);
    for args in [vec!["record", "kv/put"], vec!["record", "--all"]] {
        repo.nbe(&args)
            .run()
            .code(0)
            .stdout_has("UNCHANGED kv/put/cli [")
            .stdout_has("unchanged: output.txt, output.cast and the snapshot are kept")
            .summary("1 passed, 0 failed, 0 skipped");
        assert_eq!(state(&repo), recorded, "nbe {args:?} rewrote a file");
    }
    // --force rewrites all three, from this run.
    repo.nbe(["record", "--force", "kv/put"])
        .run()
        .code(0)
        .stdout_has("PASS kv/put/cli [")
        .stdout_has("wrote kv/put/cli/output.txt, output.cast and snapshots/kv/put/cli.snap (--force)");
    let forced = state(&repo);
    for (before, after) in recorded.iter().zip(&forced) {
        assert_ne!(before.1, after.1, "--force kept a file");
    }
    // A damaged recording is rewritten even when the output is unchanged.
    repo.write(FILES[1], "not a cast\n");
    repo.nbe(["record"])
        .run()
        .code(0)
        .stdout_has("PASS kv/put/cli [")
        .stdout_has("(kv/put/cli: output.cast line 1 is not JSON");
    repo.nbe(["check"]).run().code(0);
}

#[test]
fn a_changed_output_on_record_is_updated_with_its_diff_and_counted() {
    let repo = Repo::new();
    repo.script("kv/put", &kv_script(15133, "hello"));
    repo.nbe(["record"]).run().code(0);
    repo.script("kv/put", &kv_script(15133, "hello, world"));
    let junit = repo.path("junit.xml");
    repo.nbe(["record", "--junit"])
        .args([&junit])
        .run()
        .code(0)
        .stdout_has("UPDATED kv/put/cli [")
        .stdout_has("the accepted snapshot changed")
        .stdout_has(
            "--- snapshots/kv/put/cli.snap (before)\n+++ kv/put/cli (this run)\n@@ -1,2 +1,2 @@\n-hello\n-hello\n+hello, world\n+hello, world\n",
        )
        .stdout_has("1 updated\n1 passed, 0 failed, 0 skipped\n");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<system-out>updated: the accepted snapshot changed"),
        "{xml}"
    );
    assert!(xml.contains("+hello, world"), "{xml}");
    assert!(!xml.contains("<failure"), "{xml}");
    repo.nbe(["check"]).run().code(0);

    repo.script("kv/put", &kv_script(15133, "bye"));
    let json = repo.nbe(["record", "--format", "json"]).run().code(0);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value["results"][0]["outcome"], "updated");
    assert!(value["results"][0]["detail"].as_str().unwrap().contains("+bye"));
    assert_eq!(
        (
            value["updated"].as_u64(),
            value["new"].as_u64(),
            value["passed"].as_u64()
        ),
        (Some(1), Some(0), Some(1))
    );
}

#[test]
fn a_new_example_is_new_with_the_command_that_accepts_it() {
    let repo = Repo::new();
    repo.script("kv/put", &kv_script(15134, "hello"));
    // Nothing is accepted, so `nbe test` fails, locally and on CI alike.
    repo.nbe(["test"])
        .run()
        .code(1)
        .stdout_has("NEW kv/put/cli [")
        .stdout_has("no accepted snapshot yet (pending review): it fails until its output is accepted")
        .stdout_has("accept it with `nbe accept kv/put/cli`")
        .stdout_has("+hello\n")
        .stdout_has("1 new\n0 passed, 1 failed, 0 skipped\n");
    repo.nbe(["accept", "kv/put/cli"]).run().code(0);
    repo.nbe(["test"]).run().code(0);
    // `nbe record` accepts on purpose: NEW, and a success.
    repo.script("kv/other", &kv_script(15135, "other"));
    repo.nbe(["record", "kv/other"])
        .run()
        .code(0)
        .stdout_has("NEW kv/other/cli [")
        .stdout_has("no snapshot before: this run's output is the accepted snapshot now")
        .stdout_has("1 new\n1 passed, 0 failed, 0 skipped\n");
}

#[test]
fn record_without_paths_runs_only_what_check_flags() {
    let repo = Repo::new();
    repo.script("kv/one", &kv_script(15136, "one"))
        .script("kv/two", &kv_script(15137, "two"));
    repo.nbe(["record"])
        .run()
        .code(0)
        .stdout_has("2 new\n2 passed, 0 failed, 0 skipped\n");
    let one = std::fs::metadata(repo.path("examples/kv/one/cli/output.cast"))
        .unwrap()
        .ino();
    // two is stale, three has no recording at all: those two are recorded, one is left alone.
    repo.script("kv/two", &kv_script(15137, "two, again"))
        .script("kv/three", &kv_script(15138, "three"));
    repo.nbe(["record"])
        .run()
        .code(0)
        .stderr_has("1 of 3 recordings are verified and were left alone")
        .stdout_lacks("kv/one/cli")
        .stdout_has("UPDATED kv/two/cli [")
        .stdout_has("NEW kv/three/cli [")
        .stdout_has("1 new, 1 updated\n2 passed, 0 failed, 0 skipped\n");
    let after = std::fs::metadata(repo.path("examples/kv/one/cli/output.cast"))
        .unwrap()
        .ino();
    assert_eq!(one, after, "kv/one was recorded again");
    repo.nbe(["record", "--all"])
        .run()
        .code(0)
        .stdout_has("3 unchanged\n3 passed, 0 failed, 0 skipped\n");
}
